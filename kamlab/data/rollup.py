"""Account figures rolled up to customer-group level (*Konzern*).

Several accounts can be legal entities of one customer group: a German parent with plants
in Austria, Poland and the US, buying through one global purchasing department. Key-account
management looks at the group, so the account table must be added up to one row per group.
The classic mistake is to add up *everything*: a margin rate, a growth rate or a share of
wallet is not the sum (nor the average) of its entities' rates, but the rate of the group's
sums. :func:`rollup` knows which columns of kamlab's account table are sums, which are
ratios (recomputed from the group's sums), which are dates (first and last order) and
which are derived from dates (recency, tenure), and refuses to guess for any other number.

It sits in the data layer (beside the account table and the DB cascade), so every
capability can use it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = ["rollup", "KNOWN_SUMS", "KNOWN_RATIOS", "KNOWN_DATES", "AGGREGATIONS"]

#: Columns that are added up: money, counts and sizes of kamlab's account table, the cascade's
#: cost-to-serve items, wallets and targets. Every ``db<k>`` column (and every level named in
#: ``accounts.attrs["levels"]``) is a sum too.
KNOWN_SUMS = (
    "revenue", "cost", "contribution_margin", "net_revenue", "discounts_rebates",
    "marketing", "sales_visits", "order_handling", "logistics", "technical_service",
    "orders", "credit_notes", "lines", "quantity", "n_visits", "service_hours",
    "wallet", "headroom", "target_revenue", "target_contribution_margin",
    "revenue_last_12m", "revenue_prev_12m", "expected_revenue_next_year",
    "employees", "plants",
)

#: Ratios recomputed from the group's sums: column -> (numerator, denominator). Every
#: ``db<k>_rate`` (and ``<level>_rate`` of ``attrs["levels"]``) is ``db<k> / net_revenue``.
#: ``growth`` is numerator / denominator − 1, ``share_of_wallet`` is capped (see :func:`rollup`).
KNOWN_RATIOS = {
    "margin_rate": ("contribution_margin", "revenue"),
    "growth": ("revenue_last_12m", "revenue_prev_12m"),
    "share_of_wallet": ("revenue", "wallet"),
}

#: Dates: the group's first order is its entities' earliest, its last order their latest.
KNOWN_DATES = {"first_order": "min", "last_order": "max", "customer_since": "min"}

#: Days recomputed from the group's dates and ``as_of`` (as in :func:`kamlab.accounts_from_transactions`).
_FROM_DATES = {"recency_days": "last_order", "tenure_days": "first_order"}

#: What ``agg=`` accepts.
AGGREGATIONS = ("sum", "min", "max", "mean", "first", "parent")

_GROUP, _NAME, _PARENT = "group_id", "group_name", "parent_account_id"
_BUILT = ("standalone", "entities", "countries", "n_countries")
_DUST = 1e-6  # sums within a millionth of 0 are 0, as in the account table



def rollup(accounts, groups="group_id", *, id_col="account_id", standalone="keep", sums=None, ratios=None,
           agg=None, as_of=None):
    """Account figures rolled up to customer-group level (*Konzern*): one row per group.

    Sums are summed; ratios and rates are recomputed from the group's sums, never added or
    averaged; the first and last order are the entities' earliest and latest, and recency and
    tenure are counted from them again. A number whose rule is not known is an error, never
    combined silently: declare it with ``sums=``, ``ratios=`` or ``agg=``, or drop it.

    ==========================================  =================================================
    column                                      rule
    ==========================================  =================================================
    revenue, cost, contribution_margin,         sum (NaN when an entity's value is missing;
    net_revenue, db1..db4, orders,              float sums within a millionth of 0 are 0, as in
    credit_notes, lines, cost-to-serve items,   the account table)
    wallet, headroom, target_revenue,
    target_contribution_margin, revenue_last_
    12m, revenue_prev_12m, employees, plants
    margin_rate                                 contribution_margin / revenue, NaN unless
                                                revenue > 0
    db{k}_rate                                  db{k} / net_revenue, NaN unless net_revenue > 0
    growth                                      revenue_last_12m / revenue_prev_12m − 1, NaN
                                                unless revenue_prev_12m > 0
    share_of_wallet                             max(revenue, 0) / wallet capped at 1, NaN unless
                                                wallet > 0 (:func:`kamlab.share_of_wallet`)
    first_order, customer_since / last_order    min / max
    recency_days / tenure_days                  whole days from last_order / first_order to
                                                ``as_of``
    country                                     ``countries`` (sorted, ", "-separated),
                                                ``n_countries``, and the parent's country
    other text and category columns             the parent's value; dropped without a parent
    any other number, flag or date              error unless declared
    ==========================================  =================================================

    ``headroom`` is summed: the group's headroom is its entities' (an entity buying more than
    its wallet does not fill another's gap), so it can exceed max(wallet − revenue, 0) of the
    group's sums.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account (e.g. ``case.account_table(2025)``).
    groups : str or pandas.DataFrame, default="group_id"
        Which account belongs to which group: the name of a column of ``accounts`` (missing
        for accounts outside a group), or a table with the columns ``id_col`` and
        ``group_id`` and optionally ``group_name`` and ``parent_account_id`` (one per group;
        the parent's text columns, such as ``name`` or ``industry``, become the group's).
        Rows of the table without a ``group_id`` are ignored; every other account id must be
        in ``accounts`` and in one group only. With a table, the columns ``group_id``,
        ``group_name`` and ``parent_account_id`` of ``accounts`` are replaced by the table's.
        With a column name, ``accounts``' own ``group_name`` and ``parent_account_id`` are used
        when present.
    id_col : str, default="account_id"
        The account id column of ``accounts`` (and of a ``groups`` table).
    standalone : {"keep", "drop"}, default="keep"
        Accounts without a group: ``"keep"`` makes each its own unit (``group_id`` = its
        account id, ``group_name`` = its ``name`` when the table has one, ``entities`` = 1,
        its parent itself); ``"drop"`` leaves them out.
    sums : sequence of str, optional
        Further columns to add up.
    ratios : dict of str to (str, str), optional
        Further ratios, ``{"column": ("numerator", "denominator")}``, recomputed as
        numerator / denominator of the group's sums (NaN unless the denominator > 0). Both
        must be summed columns. The column need not exist in ``accounts`` (it is then added);
        a known ratio's rule can be replaced this way.
    agg : dict of str to str, optional
        Any other column: ``"sum"``, ``"min"``, ``"max"``, ``"mean"`` (unweighted over the
        entities), ``"first"`` (the first value present in account-id order) or ``"parent"``
        (the parent's value). An average of 1–10 ratings is a choice, not a fact: it weighs a
        small plant like the headquarters; ``"max"``, ``"min"`` or the parent's (global
        purchasing) rating are as defensible, so rollup makes you choose.
    as_of : date-like, optional
        The day recency and tenure are counted to. Default: ``accounts.attrs["as_of"]``
        (set by :func:`kamlab.accounts_from_transactions` and ``Case.account_table``).

    Returns
    -------
    pandas.DataFrame
        One row per group (and standalone account), sorted by ``group_id``: ``group_id``,
        ``group_name``, ``standalone`` (True for an account without a group), ``entities``
        (number of accounts), ``countries`` and ``n_countries`` (when ``accounts`` has a
        ``country`` column), then the other columns in the order of ``accounts``, then new
        ratios. ``attrs`` keeps ``accounts.attrs`` with ``as_of`` (the day used) and adds
        ``rules`` (column -> the rule applied, dropped columns included), ``n_accounts``
        (accounts rolled up) and ``groups_without_parent``.

    Raises
    ------
    ParameterError
        A number or date without a known rule, a wrong argument, or a ratio whose
        numerator or denominator is missing or not summed.
    MissingColumnError
        ``id_col``, the group column or a declared column is missing.
    DataFormatError
        Repeated or missing account ids, an account in two groups, ids in ``groups`` that are
        not in ``accounts``, or a group with two names or parents.

    Examples
    --------
    Two entities of the Möller group and one standalone account. The group's margin rate is
    60 / 300 = 20 %, not the average of 30 % and 15 %:

    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "account_id": ["K1", "K2", "K3"], "group_id": ["G1", "G1", None],
    ...     "country": ["Germany", "Poland", "Austria"],
    ...     "revenue": [100.0, 200.0, 50.0], "contribution_margin": [30.0, 30.0, 10.0],
    ...     "margin_rate": [0.30, 0.15, 0.20]})
    >>> groups = rollup(table)
    >>> groups[["group_id", "entities", "countries", "revenue", "margin_rate"]]
      group_id  entities        countries  revenue  margin_rate
    0       G1         2  Germany, Poland    300.0          0.2
    1       K3         1          Austria     50.0          0.2
    >>> groups.attrs["rules"]["margin_rate"]
    'contribution_margin / revenue (NaN unless revenue > 0)'
    """
    _check_table(accounts, id_col)
    if standalone not in ("keep", "drop"):
        raise ParameterError(f"standalone must be 'keep' or 'drop', not {standalone!r}.")
    sums, ratios, agg = _check_declarations(accounts, sums, ratios, agg, id_col)
    member, info, replaced = _membership(accounts, groups, id_col)
    plan = _plan(accounts, id_col, replaced, sums, ratios, agg, parent_known=_PARENT in info.columns)
    as_of_day = _as_of(accounts, as_of, plan)
    frame, unit, is_standalone = _units(accounts, member, id_col, standalone)
    return _combine(frame, unit, is_standalone, info, plan, id_col, as_of_day, accounts.attrs)


# ----------------------------------------------------------------------------- checks
def _check_table(accounts, id_col):
    if not isinstance(accounts, pd.DataFrame):
        raise ParameterError(f"rollup needs the account table as a pandas DataFrame, not {type(accounts).__name__}.")
    if id_col not in accounts.columns:
        raise MissingColumnError(
            f"The account table has no column {id_col!r}. Columns found: {', '.join(map(str, accounts.columns))}. "
            "Pass id_col='...' with the name of your account id column."
        )
    ids = accounts[id_col]
    if ids.isna().any():
        raise DataFormatError(f"{int(ids.isna().sum()):,} accounts have no account id (column {id_col!r}); "
                              "fill or drop them first.", column=id_col)
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise DataFormatError(
            f"Account ids repeat in column {id_col!r} (e.g. {repeated.iloc[0]!r}, {len(repeated):,} repeats): "
            "rollup needs one row per account (kamlab.accounts_from_transactions gives one).", column=id_col)


def _check_declarations(accounts, sums, ratios, agg, id_col):
    sums = [] if sums is None else ([sums] if isinstance(sums, str) else list(sums))
    ratios = {} if ratios is None else ratios
    agg = {} if agg is None else agg
    if not isinstance(ratios, dict) or not all(
            isinstance(v, (tuple, list)) and len(v) == 2 and all(isinstance(x, str) for x in v)
            for v in ratios.values()):
        raise ParameterError("ratios takes {'column': ('numerator', 'denominator')}, "
                             f"e.g. {{'margin_rate': ('contribution_margin', 'revenue')}}; got {ratios!r}.")
    if not isinstance(agg, dict):
        raise ParameterError(f"agg takes {{'column': 'max'}} with one of {', '.join(AGGREGATIONS)}; got {agg!r}.")
    bad = {c: how for c, how in agg.items() if how not in AGGREGATIONS}
    if bad:
        raise ParameterError(f"agg={bad!r}: each column takes one of {', '.join(map(repr, AGGREGATIONS))}.")
    named = [*sums, *ratios, *agg]
    twice = sorted({c for c in named if named.count(c) > 1})
    if twice:
        raise ParameterError(f"{', '.join(map(repr, twice))} named more than once in sums=, ratios= and agg=; "
                             "give each column one rule.")
    special = [c for c in named if c in (id_col, _GROUP, _NAME, _PARENT)]
    if special:
        raise ParameterError(f"{', '.join(map(repr, special))} cannot take a rule: rollup builds the group columns.")
    absent = [c for c in [*sums, *agg] if c not in accounts.columns]
    if absent:
        raise MissingColumnError(f"The account table has no column {', '.join(map(repr, absent))} "
                                 "named in sums= or agg=.")
    not_numbers = [c for c in sums if not _is_number(accounts[c])]
    if not_numbers:
        raise ParameterError(f"sums= names columns that are not numbers: {', '.join(map(repr, not_numbers))}.")
    return sums, {c: tuple(v) for c, v in ratios.items()}, dict(agg)


def _is_number(series):
    return pd.api.types.is_numeric_dtype(series) and not isinstance(series.dtype, pd.CategoricalDtype)


def _is_date(series):
    return pd.api.types.is_datetime64_any_dtype(series)


# ----------------------------------------------------------------------------- which account is in which group
def _membership(accounts, groups, id_col):
    """Account id -> group id (accounts with a group only), the group table (name, parent) and replaced columns."""
    if isinstance(groups, str):
        if groups not in accounts.columns:
            raise MissingColumnError(
                f"The account table has no group column {groups!r}. Pass groups= the name of the column that holds "
                "each account's group, or a table with the columns account_id and group_id.")
        table = accounts[[id_col, groups]].rename(columns={groups: _GROUP})
        for extra in (_NAME, _PARENT):
            if extra in accounts.columns and extra != groups:
                table[extra] = accounts[extra].to_numpy()
        replaced = [groups]
    elif isinstance(groups, pd.DataFrame):
        absent = [c for c in (id_col, _GROUP) if c not in groups.columns]
        if absent:
            raise MissingColumnError(
                f"The groups table has no column {', '.join(map(repr, absent))}: it needs one row per account with "
                f"{id_col!r} and 'group_id' (optional 'group_name', 'parent_account_id'). A table of groups only, "
                "such as case.groups, gives them with "
                "case.accounts[['account_id', 'group_id']].merge(case.groups, on='group_id').")
        table = groups[[c for c in (id_col, _GROUP, _NAME, _PARENT) if c in groups.columns]]
        replaced = [c for c in (_GROUP, _NAME, _PARENT) if c in accounts.columns]
    else:
        raise ParameterError("groups takes the name of a column of accounts (such as 'group_id') or a table with "
                             f"the columns account_id and group_id, not {type(groups).__name__}.")
    table = table[table[_GROUP].notna()].drop_duplicates()
    _check_members(table, accounts, id_col, from_table=not isinstance(groups, str))
    member = pd.Series(table[_GROUP].to_numpy(), index=pd.Index(table[id_col].to_numpy()))
    return member, _group_info(table, id_col), replaced


def _check_members(table, accounts, id_col, *, from_table):
    twice = table[table[id_col].duplicated(keep=False)]
    if len(twice):
        first = twice[id_col].iloc[0]
        in_groups = sorted(map(str, twice.loc[twice[id_col] == first, _GROUP]))
        raise DataFormatError(
            f"{twice[id_col].nunique():,} accounts are in more than one group (e.g. {first!r} in "
            f"{', '.join(in_groups)}): an account belongs to one group only. Fix the groups table.",
            column=_GROUP)
    if from_table:
        unknown = table.loc[~table[id_col].isin(accounts[id_col]), id_col]
        if len(unknown):
            shown = ", ".join(map(repr, unknown.iloc[:5])) + (", ..." if len(unknown) > 5 else "")
            raise DataFormatError(
                f"{len(unknown):,} account ids of the groups table are not in the account table ({shown}). Check the "
                "ids, or keep the groups of the accounts you have: "
                "groups[groups['account_id'].isin(accounts['account_id'])].", column=id_col)


def _group_info(table, id_col):
    """One row per group: group_name and parent_account_id (missing when not known)."""
    info = pd.DataFrame(index=pd.Index(pd.unique(table[_GROUP]), name=_GROUP))
    for extra in (_NAME, _PARENT):
        if extra not in table.columns:
            continue
        values = table[[_GROUP, extra]].dropna().drop_duplicates()
        twice = values[values[_GROUP].duplicated(keep=False)]
        if len(twice):
            group = twice[_GROUP].iloc[0]
            found = ", ".join(map(repr, twice.loc[twice[_GROUP] == group, extra]))
            raise DataFormatError(f"Group {group!r} has more than one {extra}: {found}. Give each group one.",
                                  column=extra)
        info[extra] = values.set_index(_GROUP)[extra].reindex(info.index)
    if _PARENT in info:
        group_of = table.set_index(id_col)[_GROUP]
        known = info[_PARENT].dropna()
        elsewhere = known[known.isin(group_of.index) & (known.map(group_of) != known.index)]
        if len(elsewhere):
            raise DataFormatError(
                f"The parent {elsewhere.iloc[0]!r} of group {elsewhere.index[0]!r} belongs to group "
                f"{group_of[elsewhere.iloc[0]]!r}: a group's parent must be one of its own accounts.", column=_PARENT)
    return info


# ----------------------------------------------------------------------------- the rule of each column
def _levels(attrs):
    try:
        return [str(name) for name, _ in attrs.get("levels", ())]
    except (TypeError, ValueError):
        return []


def _known_rule(name, series, levels):
    """(kind, detail) of a column kamlab knows, or None."""
    level = re.fullmatch(r"(.+)_rate", name)
    if name in KNOWN_SUMS or re.fullmatch(r"db\d+", name) or name in levels:
        return ("sum", None)
    if name in KNOWN_RATIOS:
        return ("ratio", KNOWN_RATIOS[name])
    if level and (re.fullmatch(r"db\d+", level.group(1)) or level.group(1) in levels):
        return ("ratio", (level.group(1), "net_revenue"))
    if name in KNOWN_DATES and _is_date(series):
        return (KNOWN_DATES[name], None)
    if name in _FROM_DATES:
        return ("days", _FROM_DATES[name])
    return None


def _plan(accounts, id_col, replaced, sums, ratios, agg, *, parent_known):
    """column -> (kind, detail) for every column of accounts (and new ratios), and the unknown numbers."""
    levels = _levels(accounts.attrs)
    taken = [c for c in _BUILT if c in accounts.columns]
    if taken:
        raise ParameterError(f"The account table has column(s) {', '.join(map(repr, taken))}, which rollup builds "
                             "itself: rename or drop them first.")
    plan, unknown = {}, []
    for name in accounts.columns:
        series = accounts[name]
        if name == id_col:
            plan[name] = ("entities", None)
        elif name in replaced or name in (_NAME, _PARENT):
            plan[name] = ("group", None)
        elif name in agg:
            plan[name] = (agg[name], None)
        elif name in sums:
            plan[name] = ("sum", None)
        elif name in ratios:
            plan[name] = ("ratio", ratios[name])
        elif (rule := _known_rule(name, series, levels)) is not None:
            plan[name] = rule
        elif _is_number(series) or _is_date(series):
            unknown.append(name)
        elif name == "country":
            plan[name] = ("country", parent_known)
        else:
            plan[name] = ("parent", None) if parent_known else ("dropped", None)
    if unknown:
        raise ParameterError(
            f"rollup does not know how to combine the column(s) {', '.join(map(repr, unknown))} of the group's "
            "entities (not a sum, a ratio of sums or a date it knows): pass sums=[...], ratios={'column': "
            "('numerator', 'denominator')} or agg={'column': 'max'} for them, or drop them, e.g. "
            f"accounts.drop(columns={unknown!r}). A count of distinct things (months, offerings) is a union, "
            "not a sum.")
    for name, pair in ratios.items():
        plan.setdefault(name, ("ratio", pair))
    _check_plan(accounts, plan)
    return plan


def _check_plan(accounts, plan):
    summed = {name for name, (kind, _) in plan.items() if kind == "sum"}
    for name, (kind, detail) in plan.items():
        if kind == "ratio":
            missing = [c for c in detail if c not in accounts.columns]
            if missing:
                raise ParameterError(
                    f"{name!r} is recomputed as {detail[0]} / {detail[1]} of the group's sums, but the account "
                    f"table has no {', '.join(map(repr, missing))}. Drop {name!r}, or pass ratios= or agg= for it.")
            unsummed = [c for c in detail if c not in summed]
            if unsummed:
                raise ParameterError(
                    f"{name!r} is recomputed as {detail[0]} / {detail[1]}, but {', '.join(map(repr, unsummed))} "
                    "is not summed: a ratio of the group is a ratio of sums; add it to sums=.")
        elif kind == "days" and (detail not in plan or not _is_date(accounts[detail])):
            raise ParameterError(
                f"{name!r} is counted from the group's {detail}, which the account table does not have as a date. "
                f"Drop {name!r}, or pass agg= for it.")
        elif kind == "mean" and not _is_number(accounts[name]):
            raise ParameterError(f"agg={{{name!r}: 'mean'}}: {name!r} is not a number.")


def _as_of(accounts, as_of, plan):
    if as_of is None:
        as_of = accounts.attrs.get("as_of")
    if as_of is None:
        if any(kind == "days" for kind, _ in plan.values()):
            raise ParameterError(
                "recency_days and tenure_days are counted to as_of, and the account table does not say its as_of "
                "(attrs['as_of']): pass as_of='2025-12-31', or drop those columns.")
        return None
    try:
        day = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise ParameterError(f"as_of={as_of!r} is not a date.")
    return day.normalize()


# ----------------------------------------------------------------------------- the units and their figures
def _units(accounts, member, id_col, standalone):
    ids = accounts[id_col]
    group = ids.map(member)
    alone = group.isna().to_numpy()
    if standalone == "keep":
        clash = sorted(set(map(str, ids[alone])) & set(map(str, member.unique())))
        if clash:
            raise DataFormatError(
                f"The account id {clash[0]!r} is also a group id: a standalone account cannot be its own unit under "
                "that id. Rename the group, or pass standalone='drop'.", column=id_col)
        unit = group.where(~alone, ids)
        keep = np.ones(len(accounts), dtype=bool)
    else:
        unit, keep = group, ~alone
    unit = unit[keep]
    if len({type(u) for u in unit}) > 1:
        unit = unit.astype("str")
    frame = accounts[keep].assign(__unit__=unit.to_numpy())
    frame = frame.sort_values(["__unit__", id_col], kind="mergesort", ignore_index=True)
    is_standalone = pd.Series(alone[keep], index=unit.to_numpy()).groupby(level=0, sort=True).first()
    return frame, frame.pop("__unit__"), is_standalone


def _combine(frame, unit, is_standalone, info, plan, id_col, as_of_day, attrs):
    grouped = frame.groupby(unit.to_numpy(), sort=True)
    index = is_standalone.index
    out = pd.DataFrame({_GROUP: index}, index=index)
    out[_NAME] = _names(frame, unit, is_standalone, info)
    out["standalone"] = is_standalone.to_numpy(dtype=bool)
    out["entities"] = grouped.size().reindex(index).to_numpy(dtype="int64")
    rules = {_GROUP: "group id (a standalone account's own id)", _NAME: "the group's name (a standalone account's name)",
             "standalone": "no group", "entities": f"number of accounts ({id_col})"}
    parents = _parents(frame, unit, is_standalone, info, id_col)
    if "country" in plan:
        countries = grouped["country"].agg(lambda s: ", ".join(sorted(map(str, pd.unique(s.dropna())))))
        out["countries"] = countries.reindex(index).to_numpy()
        out["n_countries"] = grouped["country"].nunique().reindex(index).to_numpy(dtype="int64")
        rules.update(countries="sorted list of the entities' countries", n_countries="number of distinct countries")
    for name, (kind, detail) in plan.items():
        if kind in ("entities", "group", "ratio", "days"):
            rules.setdefault(name, {"entities": "counted as entities", "group": "replaced by the groups"}.get(kind))
            continue
        if kind == "dropped" or kind == "country" and not detail:
            rules[name] = "dropped (text without a parent: pass a groups table with parent_account_id, or agg=)"
            continue
        values, rules[name] = _column(frame, grouped, name, kind, parents)
        out[name] = values.reindex(index)
    for name, (kind, detail) in plan.items():
        if kind == "ratio":
            out[name], rules[name] = _ratio(out, name, detail)
        elif kind == "days":
            out[name] = (as_of_day - pd.to_datetime(out[detail]).dt.normalize()).dt.days.astype("Int64")
            rules[name] = f"whole days from {detail} to as_of"
    order = [_GROUP, _NAME, "standalone", "entities", "countries", "n_countries",
             *[c for c in plan if c in out.columns and c not in (_GROUP, _NAME)]]
    out = out[[c for c in order if c in out.columns]].reset_index(drop=True)
    out.attrs = {**attrs, "as_of": as_of_day, "rules": rules, "n_accounts": len(frame),
                 "groups_without_parent": _without_parent(parents, is_standalone)}
    return out


def _names(frame, unit, is_standalone, info):
    names = pd.Series(np.nan, index=is_standalone.index, dtype="object")
    if _NAME in info:
        names.update(info[_NAME].dropna())
    if "name" in frame.columns:
        own = frame.groupby(unit.to_numpy(), sort=True)["name"].first()
        names = names.where(~is_standalone, own.reindex(names.index))
    return names.to_numpy()


def _parents(frame, unit, is_standalone, info, id_col):
    """Unit -> the row number of its parent in ``frame`` (standalone accounts are their own; -1 when not known)."""
    row = pd.Series(np.arange(len(frame)), index=frame[id_col].to_numpy())
    parent = pd.Series(-1, index=is_standalone.index, dtype="int64")
    if _PARENT in info:
        known = info[_PARENT].dropna()
        known = known[known.isin(row.index)]
        parent.update(known.map(row).astype("int64"))
    own = pd.Series(np.arange(len(frame)), index=unit.to_numpy()).groupby(level=0).first()
    return parent.where(~is_standalone, own.reindex(parent.index)).astype("int64")


def _without_parent(parents, is_standalone):
    return [g for g in parents.index[(parents < 0).to_numpy()] if not is_standalone[g]]


def _column(frame, grouped, name, kind, parents):
    """The group values of one column and the rule's text."""
    if kind == "sum":
        values = grouped[name].sum()
        missing = frame[name].isna().groupby(grouped.ngroup().to_numpy()).any().to_numpy()
        if missing.any():
            values = values.astype("float64").where(~missing)
        if pd.api.types.is_float_dtype(values):
            values = values.mask(values.abs() < _DUST, 0.0)
        return values, "sum"
    if kind in ("min", "max"):
        return getattr(grouped[name], kind)(), kind
    if kind == "mean":
        return grouped[name].mean(), "mean (unweighted over the entities)"
    if kind == "first":
        return grouped[name].first(), "first value present in account-id order"
    # "parent" (declared, or a text column with a parent known) and "country" (the parent's country)
    rows = parents.to_numpy()
    values = frame[name].iloc[np.clip(rows, 0, None)].reset_index(drop=True)
    values = values.astype("object").where(rows >= 0, np.nan) if (rows < 0).any() else values
    values.index = parents.index
    return values, "the parent's value"


def _ratio(out, name, detail):
    num, den = detail
    numerator = out[num].astype("float64")
    denominator = out[den].astype("float64")
    positive = denominator > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "growth" and detail == KNOWN_RATIOS["growth"]:
            return (numerator / denominator.where(positive) - 1).to_numpy(), f"{num} / {den} - 1 (NaN unless {den} > 0)"
        if name == "share_of_wallet" and detail == KNOWN_RATIOS["share_of_wallet"]:
            share = (numerator.clip(lower=0) / denominator.where(positive)).clip(upper=1.0)
            return share.to_numpy(), f"max({num}, 0) / {den}, at most 1 (NaN unless {den} > 0)"
        return (numerator / denominator.where(positive)).to_numpy(), f"{num} / {den} (NaN unless {den} > 0)"
