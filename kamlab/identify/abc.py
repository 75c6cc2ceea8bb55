"""Key-account identification: ABC/Pareto classes, key-account candidates and ABC migration.

The first question of KAM is *who are our key accounts?* The classic answer: the few
customers that together make up at least 50–60 % of revenue or of contribution margin
(*Deckungsbeitrag*, DB), of the actual **or the target** figures (*Ist- oder Zielzahlen*),
found with an ABC/Pareto analysis and checked against margin, because a big account can
earn little once year-end bonuses and cost-to-serve are paid.

Every function here is a pure function on DataFrames: the account table in, a new
table (or a small result object) out.
"""

from __future__ import annotations

import string
import numpy as np
import pandas as pd

from kamlab._util.validation import column, numeric
from kamlab.errors import DataFormatError, ParameterError

__all__ = [
    "NO_SHARE",
    "NEW",
    "LOST",
    "abc_analysis",
    "abc_summary",
    "abc_compare",
    "abc_crosstab",
    "abc_migration",
    "migration_matrix",
    "key_account_candidates",
]

#: Class of the accounts whose value is zero or negative (a net credit): they cannot take part in shares.
NO_SHARE = "none (≤ 0)"
#: In a migration: the account was not in the earlier period.
NEW = "new"
#: In a migration: the account is not in the later period.
LOST = "lost"

_EPS = 1e-12  # tolerance for "the cumulative share reaches the threshold" in floating point



def _check_thresholds(thresholds):
    try:
        values = [float(t) for t in np.atleast_1d(thresholds)]
    except (TypeError, ValueError):
        raise ParameterError(
            f"thresholds must be numbers between 0 and 1, such as (0.8, 0.95); got {thresholds!r}."
        ) from None
    if not values:
        raise ParameterError("Give at least one threshold, such as thresholds=(0.8, 0.95).")
    if any(not 0 < t < 1 for t in values):
        raise ParameterError(
            f"Each threshold is a cumulative share strictly between 0 and 1 (0.8 means 80 %); got {thresholds!r}."
        )
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ParameterError(f"Thresholds must increase, such as (0.8, 0.95); got {thresholds!r}.")
    return tuple(values)


def _class_labels(n_classes, labels):
    if labels is None:
        if n_classes > 26:
            raise ParameterError("At most 25 thresholds (26 classes A–Z) without your own labels.")
        return list(string.ascii_uppercase[:n_classes])
    labels = [str(label) for label in labels]
    if len(labels) != n_classes or len(set(labels)) != n_classes:
        raise ParameterError(f"Give {n_classes} different labels for {n_classes - 1} thresholds; got {labels!r}.")
    return labels


def _sort_accounts(table, value, id_col):
    """Sort by value descending, then by account id, so equal values always come out in the same order."""
    keys = pd.DataFrame({"value": table[value].to_numpy(), "position": np.arange(len(table))})
    ids = table[id_col] if id_col in table.columns else table.index.to_series()
    keys["id"] = ids.astype(str).to_numpy()
    order = keys.sort_values(["value", "id"], ascending=[False, True], kind="mergesort")["position"].to_numpy()
    return table.iloc[order]


# ----------------------------------------------------------------------------- ABC
def abc_analysis(
    accounts,
    value="revenue",
    thresholds=(0.8, 0.95),
    rule="cover",
    by="value",
    *,
    id_col="account_id",
    labels=None,
):
    """ABC/Pareto classes of accounts by their share of a value.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account.
    value : str, default="revenue"
        The column to rank and add up: revenue, a contribution-margin level, ...
    thresholds : sequence of float, default=(0.8, 0.95)
        Increasing cumulative shares in (0, 1) where one class ends and the next begins.
        k thresholds give k + 1 classes.
    rule : {"cover", "within"}, default="cover"
        Where a class ends, with accounts sorted from the biggest value down:

        - ``"cover"``: a class ends with the account whose cumulative share first
          *reaches* the threshold. Class A is the smallest set of accounts covering at
          least 80 %.
        - ``"within"``: an account belongs to a class while its cumulative share, itself
          included, is *at most* the threshold. Class A is the largest set of accounts
          covering at most 80 % (it can be empty when the biggest account alone holds
          more than 80 %).
    by : {"value", "count"}, default="value"
        ``"value"``: thresholds are shares of the value (the classic ABC analysis).
        ``"count"``: thresholds are shares of the accounts, e.g. ``(0.2, 0.5)`` for the
        top 20 %, the next 30 % and the rest; the rules apply to the share of accounts.
    id_col : str, default="account_id"
        The account id column, used to order equal values; the index when absent.
    labels : sequence of str, optional
        Class labels; default "A", "B", "C", ...

    Returns
    -------
    pandas.DataFrame
        The accounts sorted by value descending and then by account id, with the added
        columns ``share`` (of the total of positive values), ``cumulative_share``,
        ``rank`` (1 = biggest) and ``abc`` (an ordered categorical). Accounts whose value is
        zero or negative (a net credit) cannot take part in shares: they come last, in the
        class ``"none (≤ 0)"`` (:data:`NO_SHARE`) with no share or rank. They are kept,
        never removed; ``result.attrs["n_no_share"]`` counts them.

    Examples
    --------
    Four accounts with 50, 30, 15 and 5 (cumulative 50 %, 80 %, 95 %, 100 %); the
    thresholds are hit exactly, so both rules agree:

    >>> import pandas as pd
    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [15, 50, 5, 30]})
    >>> abc_analysis(table)[["account_id", "cumulative_share", "abc"]]
      account_id  cumulative_share abc
    1         K2              0.50   A
    3         K4              0.80   A
    0         K1              0.95   B
    2         K3              1.00   C

    With 60, 25, 10 and 5 the rules differ: under ``"cover"`` the account that crosses
    80 % (cumulative 85 %) still belongs to A; under ``"within"`` it is the first B.

    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [60, 25, 10, 5]})
    >>> abc_analysis(table, rule="cover")["abc"].tolist()
    ['A', 'A', 'B', 'C']
    >>> abc_analysis(table, rule="within")["abc"].tolist()
    ['A', 'B', 'B', 'C']
    """
    values = numeric(column(accounts, value), value)
    thresholds = _check_thresholds(thresholds)
    if rule not in ("cover", "within"):
        raise ParameterError(f"rule must be 'cover' or 'within', not {rule!r}.")
    if by not in ("value", "count"):
        raise ParameterError(f"by must be 'value' or 'count', not {by!r}.")
    class_labels = _class_labels(len(thresholds) + 1, labels)
    return _classify(_ranked(accounts, value, by, id_col, values), thresholds, rule, class_labels, copy=False)


def _ranked(accounts, value, by, id_col, values=None):
    """The part of :func:`abc_analysis` that does not depend on thresholds, rule and labels: the accounts
    sorted, with ``share``, ``cumulative_share`` and ``rank``, and the measure the thresholds are cut on.

    The ABC explorer keeps it per value and period, so a moved threshold only assigns the classes again.
    Returns ``(table, positive, measure)`` (the rows with a share, and their cumulative share of the value or
    of the accounts); ``table.attrs`` holds ``value``, ``by``, ``n_no_share`` and ``total`` besides the
    accounts' own. ``values``: the value column as numbers, when the caller has it already.
    """
    values = numeric(column(accounts, value), value) if values is None else values
    if by not in ("value", "count"):
        raise ParameterError(f"by must be 'value' or 'count', not {by!r}.")
    table = accounts.copy()
    table[value] = values
    table = _sort_accounts(table, value, id_col)
    positive = (table[value] > 0).to_numpy()
    n = int(positive.sum())
    sorted_values = table[value].to_numpy()[positive]
    total = sorted_values.sum()

    share = np.full(len(table), np.nan)
    cumulative = np.full(len(table), np.nan)
    rank = pd.array([pd.NA] * len(table), dtype="Int64")
    measure = np.empty(0)
    if n:
        share[positive] = sorted_values / total
        running = np.cumsum(sorted_values) / total
        running[-1] = 1.0
        cumulative[positive] = running
        measure = running if by == "value" else np.arange(1, n + 1) / n
        rank[np.flatnonzero(positive)] = np.arange(1, n + 1)
    table["share"] = share
    table["cumulative_share"] = cumulative
    table["rank"] = rank
    table.attrs.update({"value": value, "by": by, "n_no_share": int(len(table) - n), "total": float(total)})
    return table, positive, measure


def _classify(ranked, thresholds, rule, class_labels, copy=True):
    """:func:`abc_analysis`'s result from :func:`_ranked`'s: the classes for ``thresholds`` (checked) under
    ``rule``, labelled ``class_labels``. ``copy=False``: the ranked table becomes the result (for a ranked
    table nobody keeps; a kept one stays as it is with the default)."""
    ranked_table, positive, measure = ranked
    classes = np.full(len(ranked_table), NO_SHARE, dtype=object)
    if len(measure):
        before = np.concatenate([[0.0], measure[:-1]])
        index = np.zeros(len(measure), dtype=int)
        for t in thresholds:
            if rule == "cover":
                index += before >= t - _EPS
            else:
                index += measure > t + _EPS
        classes[positive] = np.asarray(class_labels, dtype=object)[index]
    table = ranked_table.copy() if copy else ranked_table
    table["abc"] = pd.Categorical(classes, categories=[*class_labels, NO_SHARE], ordered=True)
    mine = ("value", "thresholds", "rule", "by", "n_no_share", "total")
    attrs = {k: v for k, v in ranked_table.attrs.items() if k not in mine}  # the accounts' own attrs first
    ours = {**ranked_table.attrs, "thresholds": thresholds, "rule": rule}
    table.attrs = {**attrs, **{k: ours[k] for k in mine}}
    return table


def abc_summary(result, value=None):
    """One row per ABC class: accounts, their share, the value and its share.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`abc_analysis` (with its columns ``abc`` and the value).
    value : str, optional
        The value column the classes were formed on. Default: the one
        :func:`abc_analysis` recorded in ``result.attrs``. Pass it when the table went
        through pandas operations that drop ``attrs`` (a ``merge``, ``concat``, ...):
        everything else is read from the columns.

    Returns
    -------
    pandas.DataFrame
        Indexed by class (the :data:`NO_SHARE` group included when it has accounts), with
        the columns ``accounts``, ``share_of_accounts`` (of all accounts),
        ``share_of_ranked`` (of the accounts with a positive value, the ones ranked into
        classes: what ``by="count"`` thresholds refer to; NaN for the no-share group), ``value``,
        ``share_of_value`` (of the positive total; NaN for the no-share group) and
        ``smallest`` (the smallest value in the class).
    """
    value = value if value is not None else result.attrs.get("value")
    if "abc" not in result.columns:
        raise ParameterError("abc_summary needs the table that abc_analysis returned (it has no column 'abc').")
    if value is None:
        raise ParameterError(
            "abc_summary cannot tell which value the classes were formed on (the table's attrs were lost, "
            "e.g. by a merge): pass it, e.g. abc_summary(table, value='revenue')."
        )
    column(result, value, "value column")
    # the two columns alone (no attrs: pandas would copy the result's attrs at every step), grouped once
    data = pd.DataFrame({"abc": result["abc"].array, "value": result[value].array}, copy=False)
    grouped = data.groupby("abc", observed=False)["value"]
    accounts, sums, smallest = grouped.size(), grouped.sum(), grouped.min()
    classes = accounts.index.astype(str)
    n = accounts.to_numpy()
    ranked = data["abc"].to_numpy(dtype=object) != NO_SHARE
    n_ranked = int(ranked.sum())
    # the positive total the shares refer to: recorded by abc_analysis, else added up from the ranked rows
    total = result.attrs.get("total") if result.attrs.get("value") == value else None
    if total is None:
        total = float(pd.to_numeric(data["value"][ranked]).sum())
    no_share = np.asarray(classes == NO_SHARE)
    share_of_ranked = n / n_ranked if n_ranked else np.full(len(n), np.nan)
    share_of_value = sums.to_numpy(dtype=float) / total if total else np.full(len(n), np.nan)
    share_of_ranked[no_share] = share_of_value[no_share] = np.nan
    keep = ~(no_share & (n == 0))  # the no-share group only when it has accounts
    summary = pd.DataFrame(
        {
            "accounts": n[keep],
            "share_of_accounts": n[keep] / max(len(result), 1),
            "share_of_ranked": share_of_ranked[keep],
            "value": sums.to_numpy()[keep],
            "share_of_value": share_of_value[keep],
            "smallest": smallest.to_numpy()[keep],
        },
        index=pd.Index(classes[keep], name="abc"),
    )
    return summary


def key_account_candidates(accounts, share=0.6, value="revenue", *, id_col="account_id"):
    """The smallest set of accounts that together hold ``share`` of the value.

    The seed definition of key accounts: the few customers that make up 50–60 % of
    revenue or of contribution margin, actual or target (pass a target column, e.g.
    ``value="target_revenue"``, for the plan's list). This is :func:`~kamlab.identify.keylist.key_accounts`
    with the one measure ``value`` (and the positive total): the accounts on its list,
    which is class A of :func:`abc_analysis` with the single threshold ``share`` and the
    ``"cover"`` rule. For several measures at once (revenue *or* margin) use
    :func:`~kamlab.identify.keylist.key_accounts`.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account (ids must not repeat).
    share : float, default=0.6
        The share of the value to cover, in (0, 1).
    value : str, default="revenue"
        The column to rank and add up.
    id_col : str, default="account_id"

    Returns
    -------
    pandas.DataFrame
        The candidates, biggest first, with ``share``, ``cumulative_share`` and ``rank``
        (of the total of the positive values, as in :func:`abc_analysis`).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [60, 25, 10, 5]})
    >>> key_account_candidates(table, share=0.6)["account_id"].tolist()
    ['K1']
    >>> key_account_candidates(table, share=0.61)["account_id"].tolist()
    ['K1', 'K2']
    """
    from kamlab.identify.keylist import key_accounts  # here: keylist builds on this module

    values = numeric(column(accounts, value), value)
    ids = accounts[id_col] if id_col in accounts.columns else accounts.index.to_series()
    slim = pd.DataFrame({id_col: ids.to_numpy(), value: values.to_numpy()})  # row i = accounts' row i
    lists = key_accounts(slim, share, by=(value,), id_col=id_col, margin_total="positive")
    listed = lists[lists[f"on_{value}"]]  # biggest first: key accounts come first, by rank
    candidates = accounts.iloc[listed.index.to_numpy()].copy()
    candidates[value] = values.to_numpy()[listed.index.to_numpy()]
    for name in ("share", "cumulative_share", "rank"):
        candidates[name] = listed[f"{name}_{value}"].set_axis(candidates.index)
    candidates.attrs = {"value": value, "share": float(share), "n_accounts": int(len(accounts))}
    return candidates


def abc_compare(accounts, values=("revenue", "db4"), thresholds=(0.8, 0.95), rule="cover", *, id_col="account_id"):
    """Each account's ABC class by two (or more) values side by side.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table with an ``id_col`` column and every column in ``values``.
    values : sequence of str, default=("revenue", "db4")
        The values to classify by, e.g. revenue and a contribution-margin level.
    thresholds, rule
        As in :func:`abc_analysis`.

    Returns
    -------
    pandas.DataFrame
        One row per account (in the order of ``accounts``): ``id_col``, the values, and a
        class column ``abc_<value>`` for each value.
    """
    ids = column(accounts, id_col, "account id column")
    if ids.duplicated().any():
        raise DataFormatError(f"Account ids repeat in column {id_col!r} (e.g. {ids[ids.duplicated()].iloc[0]!r}).")
    out = accounts[[id_col, *values]].copy()
    for name in values:
        classes = abc_analysis(accounts, name, thresholds, rule, id_col=id_col)
        out[f"abc_{name}"] = classes.set_index(id_col)["abc"].reindex(out[id_col]).to_numpy()
    return out


def abc_crosstab(accounts, rows="revenue", columns="db4", thresholds=(0.8, 0.95), rule="cover", *,
                 id_col="account_id", normalize=False):
    """Cross-table of ABC classes by one value against another (e.g. revenue against DB).

    Who is A by revenue but C by contribution margin? The answer is the cell (A, C).

    Parameters
    ----------
    accounts : pandas.DataFrame
    rows, columns : str
        The value whose classes form the rows and the columns.
    thresholds, rule
        As in :func:`abc_analysis`.
    normalize : bool, default=False
        Shares of all accounts instead of counts.

    Returns
    -------
    pandas.DataFrame
        Counts (or shares) with every class on both axes, the no-share group included.
    """
    both = abc_compare(accounts, (rows, columns), thresholds, rule, id_col=id_col)
    table = pd.crosstab(both[f"abc_{rows}"], both[f"abc_{columns}"], dropna=False,
                        normalize="all" if normalize else False)
    table.index.name, table.columns.name = f"abc_{rows}", f"abc_{columns}"
    return table


def abc_migration(before, after, value="revenue", thresholds=(0.8, 0.95), rule="cover", *, id_col="account_id"):
    """Each account's ABC class in two periods: who moved, who is new, who was lost.

    Parameters
    ----------
    before, after : pandas.DataFrame
        Account tables of the earlier and the later period (e.g. two calendar years).
        An account only in ``after`` is ``"new"`` in the earlier period; an account only
        in ``before`` is ``"lost"`` in the later one.
    value, thresholds, rule
        As in :func:`abc_analysis`; the classes are computed within each period.

    Returns
    -------
    pandas.DataFrame
        One row per account of either period, sorted by account id, with ``abc_before``
        and ``abc_after`` (ordered categoricals that include ``"new"`` and ``"lost"``),
        the value in each period and ``moved`` (``True`` when the class changed).
    """
    first = abc_analysis(before, value, thresholds, rule, id_col=id_col)
    second = abc_analysis(after, value, thresholds, rule, id_col=id_col)
    labels = list(first["abc"].cat.categories)
    merged = pd.merge(
        first[[id_col, value, "abc"]],
        second[[id_col, value, "abc"]],
        on=id_col,
        how="outer",
        suffixes=("_before", "_after"),
    )
    merged["abc_before"] = pd.Categorical(
        merged["abc_before"].astype(object).where(merged["abc_before"].notna(), NEW),
        categories=[*labels, NEW], ordered=True,
    )
    merged["abc_after"] = pd.Categorical(
        merged["abc_after"].astype(object).where(merged["abc_after"].notna(), LOST),
        categories=[*labels, LOST], ordered=True,
    )
    merged["moved"] = merged["abc_before"].astype(str) != merged["abc_after"].astype(str)
    merged = merged.sort_values(id_col, ignore_index=True)
    return merged[[id_col, f"{value}_before", f"{value}_after", "abc_before", "abc_after", "moved"]]


def migration_matrix(migration, normalize=False):
    """Counts of accounts by class before (rows) and after (columns) from :func:`abc_migration`.

    ``normalize="index"`` gives each row's shares (where did last year's A accounts go?).
    """
    table = pd.crosstab(migration["abc_before"], migration["abc_after"], dropna=False, normalize=normalize)
    # "new" accounts cannot be lost in the same comparison and vice versa; keep the full grid for a stable shape
    table.index.name, table.columns.name = "abc_before", "abc_after"
    return table


