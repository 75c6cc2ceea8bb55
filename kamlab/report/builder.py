"""Run the standard KAM analysis once: :func:`build` returns the :class:`~kamlab.report.Report` every writer renders.

From the case company or a client's invoice lines (and whatever other tables there are) it makes
the account table of the period, rolls customer groups up to one unit each (:func:`kamlab.rollup`),
and computes the sections in report order: the key-account list with its reasons, key figures,
ABC analysis, concentration, the contribution-margin cascade, revenue against margin, the
portfolio, potential, open quotes, the account plans of the top key accounts and the method.
A section whose data are missing stays in the report with a sentence saying why. The figures are
kamlab's charts of these results; nothing is computed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kamlab.errors import MissingColumnError, ParameterError

__all__ = ["build", "PSEUDONYM_KINDS"]

#: Tables :func:`build` reads (the case's hidden ``truth``, ``wallets`` and ``quote_truth`` never).
TABLES = ("transactions", "accounts", "costs", "projects", "contacts", "ratings", "targets", "groups", "centres",
          "offerings", "touchpoints", "staff")
#: Which columns hold which kind of name or id, and the prefix of their pseudonyms. A value gets the same
#: pseudonym in every table and column of its kind (an account id in the invoice lines, the ratings, the
#: groups' parent column, ...), so every section and account plan of a pseudonymised report agrees.
PSEUDONYM_KINDS = {
    "account_id": ("K", ("account_id", "parent_account_id")),
    "name": ("N", ("name",)),
    "group_id": ("G", ("group_id",)),
    "group_name": ("N", ("group_name",)),
    "centre": ("C", ("centre_id", "purchasing_centre_id", "centre_name")),
    "person": ("P", ("account_manager", "territory_manager", "contact_person", "contact", "person_id")),
}
#: Columns of a person's name in the staff table (its ``name`` is a person, not an account).
_STAFF_NAME = "name"


@dataclass
class Data:
    """What every section reads: the (pseudonymised) tables, the period, the account and unit tables."""

    tables: dict
    lang: str
    year: int | None
    start: object
    as_of: object
    lines: object
    table: object
    units: object
    id_col: str
    grouped: bool
    has_cost: bool
    has_cascade: bool
    cascade_note: str
    share: float
    weights: object
    top_plans: int
    method: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)


def build(lines_or_case, *, accounts=None, costs=None, projects=None, contacts=None, ratings=None, targets=None,
          groups=None, weights=None, lang=None, as_of=None, title=None, top_plans=3, pseudonymize=False, key=None,
          share=0.6):
    """The standard KAM analysis of one data set as a :class:`~kamlab.report.Report`.

    Parameters
    ----------
    lines_or_case : Case or pandas.DataFrame
        The case company (:func:`kamlab.load_case`; its tables are used, the year is the last
        full year) or invoice lines as :func:`kamlab.read_transactions` returns them
        (``account_id``, ``date``, ``revenue``; ``cost``, ``name``, ``offering`` when present).
    accounts, costs, projects, contacts, ratings, targets, groups : pandas.DataFrame, optional
        Further tables in the case's layout (``case.describe()``); each replaces the case's own.
        ``costs`` is the cost to serve per account and year (the cascade to DB IV), ``ratings`` the
        1–10 ratings (the portfolio), ``projects``/``contacts`` the quotes and their follow-ups,
        ``targets`` the plan of the next year (a key-account measure), ``groups`` the customer
        groups (``accounts["group_id"]`` says who belongs to which).
    weights : dict or str or Path, optional
        The two scoring models of the portfolio, ``{"attractiveness": {criterion: weight, ...},
        "position": {...}}`` (weights or :class:`kamlab.ScoringModel` objects), or a .json/.yaml
        file with them. Default: kamlab's documented models (``kamlab.plans.sections``).
    lang : {"de", "en"}, optional
        The report's language; default :func:`kamlab.get_language`.
    as_of : date-like, optional
        The last day counted. Default: 31 December of the last full year (the case, or lines with
        a cost table), else the day of the last invoice line. Lines are counted for that calendar
        year (with a cost table) or the 12 months up to ``as_of``.
    title : str, optional
        Default: the company (for the case) and the period.
    top_plans : int, default=3
        Account plans for this many key accounts, the biggest by revenue (about 1.5 s each).
    pseudonymize : bool, default=False
        Replace account ids, names, group names, buying centres and people by stable pseudonyms
        (:func:`kamlab.report.safe.pseudonym` under ``key``) in every table, chart and account
        plan; ``report.pseudonyms`` holds the mapping (for the consultant only).
    key : str, optional
        The secret key of the pseudonyms (required with ``pseudonymize=True``).
    share : float, default=0.6
        The share of each measure the key-account lists cover (:func:`kamlab.key_accounts`).

    Returns
    -------
    kamlab.report.Report

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlab.report import build
    >>> lines = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K1"], "name": ["Ames", "Bode", "Cole", "Ames"],
    ...                       "date": pd.to_datetime(["2025-01-05", "2025-02-01", "2025-03-01", "2025-04-01"]),
    ...                       "revenue": [600.0, 300.0, 100.0, 200.0], "cost": [400.0, 100.0, 90.0, 150.0]})
    >>> report = build(lines, lang="en", top_plans=0)
    >>> report["key_accounts"].tables["key_accounts"]["account_id"].tolist()
    ['K1', 'K2']
    >>> report["cascade"].skipped[:28]
    'No cost-to-serve table given'
    """
    import pandas as pd

    from kamlab.config import get_language, language
    from kamlab.report import texts
    from kamlab.report.model import Report

    lang = get_language() if lang is None else str(lang).lower()
    if lang not in ("de", "en"):
        raise ParameterError(f"lang must be 'de' or 'en', not {lang!r}.")
    if not isinstance(top_plans, int) or isinstance(top_plans, bool) or top_plans < 0:
        raise ParameterError(f"top_plans must be a whole number 0 or more, not {top_plans!r}.")
    given = {"accounts": accounts, "costs": costs, "projects": projects, "contacts": contacts, "ratings": ratings,
             "targets": targets, "groups": groups}
    tables, company = _tables(lines_or_case, given)
    mapping = None
    if pseudonymize:
        tables, mapping = _pseudonymize(tables, key)
    texts.register()
    with language(lang):
        data = _prepare(tables, lang, as_of, share, weights, top_plans)
        from kamlab.report.analysis import STEPS
        from kamlab.report.analysis_more import STEPS_AFTER

        sections = [step(data) for step in (*STEPS, *STEPS_AFTER)]
    period = texts.text("period", lang, start=texts.date(data.start, lang), end=texts.date(data.as_of, lang))
    if title is None:
        title = f"{texts.text('title', lang)} {period}" if company is None else \
            f"{company} – {texts.text('title', lang)} {period}"
    report = Report(title=str(title), lang=lang, as_of=pd.Timestamp(data.as_of), sections=sections,
                    method=data.method, plans=data.results.get("plans", []), pseudonymized=bool(pseudonymize))
    report.pseudonyms = mapping
    return report


# ----------------------------------------------------------------------------- inputs
def _tables(lines_or_case, given):
    """The tables as a dict (hidden case tables left out) and the company's name (None for client lines)."""
    import pandas as pd

    if isinstance(lines_or_case, pd.DataFrame):
        tables, company = {"transactions": lines_or_case}, None
    elif hasattr(lines_or_case, "tables") and hasattr(lines_or_case, "account_table"):
        tables = {k: v for k, v in lines_or_case.tables.items() if k in TABLES}
        info = getattr(lines_or_case, "info", None) or {}
        from kamlab.data.case import COMPANY

        company = str(info.get("company", COMPANY)).split(",")[0]
    else:
        raise ParameterError("lines_or_case must be the case company (kamlab.load_case()) or a DataFrame of invoice "
                             f"lines (kamlab.read_transactions(path)); got {type(lines_or_case).__name__}.")
    for name, frame in given.items():
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}.")
        tables[name] = frame
    lines = tables["transactions"]
    missing = [c for c in ("account_id", "date", "revenue") if c not in lines.columns]
    if missing:
        raise MissingColumnError(f"The invoice lines have no column {missing[0]!r}; build needs account_id, date and "
                                 "revenue (kamlab.read_transactions names them so).")
    if lines.empty:
        raise ParameterError("The invoice lines are empty: there is nothing to analyse.")
    for name in ("accounts", "costs", "ratings", "targets"):
        if name in tables and "account_id" not in tables[name].columns:
            raise MissingColumnError(f"{name} has no column 'account_id'; pass a table with one row per account.")
    if "costs" in tables and "year" not in tables["costs"].columns:
        raise MissingColumnError("costs has no column 'year'; the cost to serve is given per account and year.")
    return tables, company


def _pseudonymize(tables, key):
    """Every table with names and ids replaced (:data:`PSEUDONYM_KINDS`), and the mapping."""
    import pandas as pd

    from kamlab.report.safe import pseudonym

    if not key:
        raise ParameterError("pseudonymize=True needs key='...': a secret text of your own that makes the "
                             "pseudonyms (keep it to make the same pseudonyms again).")
    seen = {}
    out = {}

    def replace(series, kind):
        prefix = PSEUDONYM_KINDS[kind][0]
        values = series.astype(object)
        mapping = {}
        for value in pd.unique(values.dropna()):
            alias = seen.setdefault((kind, value), pseudonym(value, key, prefix))
            mapping[value] = alias
        return values.map(mapping).where(values.notna(), None)

    for name, frame in tables.items():
        frame = frame.copy()
        for kind, (_, columns) in PSEUDONYM_KINDS.items():
            for column in columns:
                if column not in frame.columns or (name == "staff" and column == _STAFF_NAME):
                    continue
                if kind == "centre" and column == "centre_name":
                    frame[column] = replace(frame[column], "centre")
                    continue
                frame[column] = replace(frame[column], kind)
        if name == "staff" and _STAFF_NAME in frame.columns:
            frame[_STAFF_NAME] = replace(frame[_STAFF_NAME], "person")
        out[name] = frame
    rows = [(kind, original, alias) for (kind, original), alias in seen.items()]
    return out, pd.DataFrame(rows, columns=["column", "original", "pseudonym"])


def _last_full_year(dates, years):
    """The latest year of ``years`` whose lines reach December (else the latest year with lines)."""
    with_lines = sorted(set(int(y) for y in dates.dt.year.unique()) & set(years)) or sorted(years)
    for year in reversed(with_lines):
        if (dates[dates.dt.year == year].dt.month == 12).any():
            return year
    return with_lines[-1]


def _prepare(tables, lang, as_of, share, weights, top_plans):
    """The period, the account table and the planning units: the :class:`Data` every section reads."""
    import pandas as pd

    lines = tables["transactions"].copy()
    lines["date"] = pd.to_datetime(lines["date"], errors="coerce")
    if lines["date"].isna().all():
        raise ParameterError("The invoice lines have no valid date; check the date column.")
    if as_of is not None:
        try:
            as_of = pd.Timestamp(as_of).normalize()
        except (TypeError, ValueError):
            raise ParameterError(f"as_of must be a date such as '2025-12-31', not {as_of!r}.") from None
        lines = lines[lines["date"] <= as_of]
        if lines.empty:
            raise ParameterError(f"No invoice line is dated on or before as_of={as_of.date()}.")
    costs = tables.get("costs")
    year = None
    if costs is not None:
        years = [int(y) for y in costs["year"].dropna().unique()]
        year = as_of.year if as_of is not None else _last_full_year(lines["date"], years)
        end = as_of if as_of is not None else pd.Timestamp(year=year, month=12, day=31)
        start = pd.Timestamp(year=year, month=1, day=1)
    else:
        end = as_of if as_of is not None else lines["date"].max().normalize()
        start = max(lines["date"].min().normalize(), end - pd.DateOffset(years=1) + pd.Timedelta(days=1))
    lines = lines[(lines["date"] >= start) & (lines["date"] <= end)]
    table, has_cascade, note = _account_table(tables, lines, costs, year, end)
    has_cost = "contribution_margin" in table.columns
    units, id_col, grouped = _units(table, tables)
    data = Data(tables=tables, lang=lang, year=year, start=start, as_of=end, lines=lines, table=table, units=units,
                id_col=id_col, grouped=grouped, has_cost=has_cost, has_cascade=has_cascade, cascade_note=note,
                share=share, weights=weights, top_plans=top_plans)
    return data


def _account_table(tables, lines, costs, year, end):
    """The account table of the period: master data, activity, cost to serve and (when possible) the cascade."""
    import pandas as pd

    from kamlab.data.accounts import accounts_from_transactions
    from kamlab.data.cascade import contribution_cascade
    from kamlab.errors import KamlabError

    accounts = tables.get("accounts")
    activity = accounts_from_transactions(lines, as_of=end)
    activity = activity.drop(columns=[c for c in ("revenue_last_12m", "revenue_prev_12m", "growth")
                                      if c in activity.columns])
    master_columns = ("name", "industry", "country", "region", "employees", "plants", "group_id", "account_manager",
                      "territory_manager")
    if accounts is not None:
        master = accounts[["account_id", *[c for c in master_columns if c in accounts.columns]]]
    else:
        master = pd.DataFrame({"account_id": activity["account_id"]})
    if "name" not in master.columns and "name" in lines.columns:
        names = lines.dropna(subset=["name"]).groupby("account_id", sort=False)["name"].first()
        master = master.assign(name=master["account_id"].map(names))
    if costs is None:
        table = activity.merge(master, on="account_id", how="left")
        front = [c for c in master.columns]
        table = table[[*front, *[c for c in table.columns if c not in front]]]
        table.attrs = {"as_of": end}
        return table, False, "no_costs"
    costs = costs[costs["year"] == year]
    items = [c for c in costs.columns if c not in ("account_id", "year", "n_visits", "service_hours")
             and pd.api.types.is_numeric_dtype(costs[c])]
    cost_to_serve = costs.groupby("account_id", observed=True)[items].sum().reset_index()
    ids = pd.Index(activity["account_id"]).union(pd.Index(cost_to_serve["account_id"].astype(str)))
    if accounts is not None:
        table = master[master["account_id"].isin(ids)].merge(activity, on="account_id", how="left")
        extra = ids.difference(pd.Index(master["account_id"]))
        if len(extra):
            table = pd.concat([table, activity[activity["account_id"].isin(extra)]], ignore_index=True)
    else:
        table = pd.DataFrame({"account_id": ids}).merge(master, on="account_id", how="left").merge(
            activity, on="account_id", how="left")
    table = table.merge(cost_to_serve, on="account_id", how="left")
    for column in ["revenue", *[c for c in ("cost", "contribution_margin") if c in activity.columns], *items]:
        table[column] = table[column].fillna(0.0)
    for column in ("orders", "credit_notes", "lines", "active_months", "n_offerings"):
        if column in table.columns:
            table[column] = table[column].fillna(0).astype("int64")
    table = table.sort_values("account_id", ignore_index=True)
    table.attrs = {"year": year, "as_of": pd.Timestamp(end)}
    try:
        levels = contribution_cascade(table)
    except KamlabError as error:
        return table, False, f"failed: {error}"
    extra = [c for c in levels.columns if c not in table.columns]
    table = pd.concat([table, levels[extra]], axis=1)
    table.attrs = {"year": year, "as_of": pd.Timestamp(end), "levels": levels.attrs.get("levels")}
    return table, True, ""


#: Columns of the account table the units add up (their rates are recomputed by kamlab.rollup).
UNIT_SUMS = ("revenue", "cost", "contribution_margin", "discounts_rebates", "marketing", "sales_visits",
             "order_handling", "logistics", "technical_service", "net_revenue", "db1", "db2", "db3", "db4", "orders",
             "target_revenue")
UNIT_RATES = ("margin_rate", "db1_rate", "db2_rate", "db3_rate", "db4_rate")


def _units(table, tables):
    """The planning units: customer groups rolled up (:func:`kamlab.rollup`), other accounts as they are."""
    import pandas as pd

    from kamlab.data.rollup import rollup

    table = _with_targets(table, tables)
    sums = [c for c in UNIT_SUMS if c in table.columns]
    rates = [c for c in UNIT_RATES if c in table.columns]
    accounts = tables.get("accounts")
    grouped = accounts is not None and "group_id" in accounts.columns and accounts["group_id"].notna().any()
    base = ["account_id", *(["name"] if "name" in table.columns else [])]
    if not grouped:
        units = table[[*base, *sums, *rates]].reset_index(drop=True)
        units.attrs = dict(table.attrs)
        return units, "account_id", False
    membership = accounts.loc[accounts["group_id"].notna() & accounts["account_id"].isin(table["account_id"]),
                              ["account_id", "group_id"]]
    groups = tables.get("groups")
    if groups is not None and "group_id" in groups.columns:
        info = [c for c in ("group_name", "parent_account_id") if c in groups.columns]
        membership = membership.merge(groups[["group_id", *info]].drop_duplicates("group_id"), on="group_id",
                                      how="left")
        if "parent_account_id" in membership.columns:  # a parent without revenue or cost is not in the table
            known = membership["parent_account_id"].isin(table["account_id"])
            membership["parent_account_id"] = membership["parent_account_id"].where(known)
            if membership["parent_account_id"].isna().all():
                membership = membership.drop(columns="parent_account_id")
    rolled = rollup(table[[*base, *sums, *rates]], groups=membership, standalone="keep",
                    as_of=table.attrs.get("as_of"))
    names = rolled["group_name"] if "group_name" in rolled.columns else pd.Series(pd.NA, index=rolled.index)
    if "name" in rolled.columns:
        names = names.fillna(rolled["name"])
    units = pd.DataFrame({"unit_id": rolled["group_id"].astype(str), "name": names,
                          "unit_level": rolled["standalone"].map({True: "account", False: "group"}),
                          "entities": rolled["entities"]})
    units = pd.concat([units, rolled[[*sums, *rates]]], axis=1)
    units.attrs = {"as_of": table.attrs.get("as_of"), "membership": membership}
    return units, "unit_id", True


def _with_targets(table, tables):
    """The account table with ``target_revenue`` of the targets' latest year (accounts with a target only too)."""

    targets = tables.get("targets")
    if targets is None or "target_revenue" not in targets.columns:
        return table
    latest = targets
    if "year" in latest.columns:
        latest = latest[latest["year"] == latest["year"].max()]
    latest = latest.groupby("account_id", as_index=False)["target_revenue"].sum()
    attrs = dict(table.attrs)
    out = table.merge(latest, on="account_id", how="outer")
    numbers = [c for c in UNIT_SUMS if c in out.columns]
    out[numbers] = out[numbers].fillna(0.0)
    accounts = tables.get("accounts")
    if "name" in out.columns and accounts is not None and "name" in accounts.columns:
        out["name"] = out["name"].fillna(out["account_id"].map(accounts.set_index("account_id")["name"]))
    out.attrs = attrs
    out.attrs["target_year"] = int(targets["year"].max()) if "year" in targets.columns else None
    return out


def read_weights(weights):
    """The two scoring models from ``weights`` (dict or .json/.yaml file), or None for the defaults."""
    import json

    if weights is None:
        return None
    if isinstance(weights, str | Path):
        path = Path(weights)
        if not path.is_file():
            raise ParameterError(f"weights={str(weights)!r}: no such file; pass a .json/.yaml file or a dict.")
        if path.suffix.lower() == ".json":
            loaded = json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:
                raise ParameterError("Reading weights from YAML needs PyYAML (pip install pyyaml), or use .json.") \
                    from None
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        else:
            raise ParameterError(f"weights={str(weights)!r}: use a .json, .yaml or .yml file.")
        weights = loaded
    if not isinstance(weights, dict) or set(weights) != {"attractiveness", "position"}:
        raise ParameterError("weights must have exactly the two models 'attractiveness' and 'position', each a dict "
                             "criterion -> weight, e.g. {'attractiveness': {'growth_potential': 0.5, 'solvency': "
                             "0.5}, 'position': {'satisfaction': 1.0}}.")
    from kamlab.portfolios.scoring import ScoringModel

    return {name: model if isinstance(model, ScoringModel) else ScoringModel(dict(model))
            for name, model in weights.items()}
