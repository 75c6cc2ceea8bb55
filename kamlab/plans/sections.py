"""The sections of an account plan, each computed by kamlab's analysis functions.

Every function here takes a :class:`Context` (the tables, the plan's year and unit) and
returns a :class:`Section`: its figures (``values``), its tables and the call that produced
them (``source``). A group is planned as one unit: its entities' figures are rolled up with
:func:`kamlab.rollup` and the ranking analyses (ABC, portfolio, key accounts) see the group as
one row beside the accounts that belong to no group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlab.errors import MissingColumnError

#: Firmographics the wallet and whitespace estimates compare accounts by (as in notebook 05).
FEATURES = ("employees", "plants", "industry", "region", "country")
#: The scoring of notebook 04: customer attractiveness and the supplier's position, from the ratings.
ATTRACTIVENESS = {"growth_potential": 0.25, "cooperation_potential": 0.30, "price_enforcement": 0.20,
                  "reference_value": 0.15, "solvency": 0.10}
POSITION = {"satisfaction": 0.40, "relationship_level": 0.25, "service_quality": 0.20, "proximity": 0.15}
QUALITATIVE = ("relationship_level", "satisfaction", "cooperation_potential", "reference_value",
               "multiplier_value", "information_value")
ABC_THRESHOLDS = (0.8, 0.95)
KEY_SHARE = 0.6
CASCADE_SUMS = ("revenue", "discounts_rebates", "cost", "marketing", "sales_visits", "order_handling", "logistics",
                "technical_service")


@dataclass
class Section:
    """One section of the plan: its figures, its tables and where they come from.

    ``available`` is False (with ``reason``) when the data lack what the section needs.
    """

    name: str
    values: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    source: str = ""
    available: bool = True
    reason: str = ""


@dataclass
class Context:
    """What every section reads: the tables, the year, the unit and the cached account tables."""

    tables: dict
    year: int
    level: str
    unit_id: str
    name: str
    account_ids: list
    options: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    def account_table(self, year=None):
        from kamlab.plans.inputs import account_table

        year = self.year if year is None else year
        if year not in self.cache:
            self.cache[year] = account_table(self.tables, year)
        return self.cache[year]

    def mine(self, frame, column="account_id"):
        """The rows of ``frame`` that belong to the planned account or group."""
        return frame[frame[column].astype(str).isin(self.account_ids)]


def unavailable(name, reason, source=""):
    return Section(name, source=source, available=False, reason=reason)


# ----------------------------------------------------------------------------- group level
def unit_of(table):
    """Each row's planning unit: its group where it has one, else the account itself."""
    if "group_id" not in table.columns:
        return table["account_id"].astype(str)
    group = table["group_id"].astype("string")
    return group.where(group.notna() & (group != ""), table["account_id"].astype(str)).astype(str)


def units(table, sums, ratios=None):
    """The accounts rolled up to planning units by :func:`kamlab.rollup` (``standalone="keep"``).

    A group is one row (``unit_id`` = its group id), every account outside a group its own
    (``unit_id`` = its account id). Only ``sums`` (and the ratios of them) are rolled up.
    """
    from kamlab.data.rollup import rollup

    sums = [c for c in sums if c in table.columns]
    columns = ["account_id", *(["group_id"] if "group_id" in table.columns else []), *sums]
    if "group_id" not in table.columns:
        return table[columns].rename(columns={"account_id": "unit_id"}).reset_index(drop=True)
    rolled = rollup(table[columns], "group_id", id_col="account_id", standalone="keep", sums=sums, ratios=ratios,
                    as_of=table.attrs.get("as_of"))
    out = rolled.rename(columns={"group_id": "unit_id"})
    return out[["unit_id", *sums, *(ratios or {})]].reset_index(drop=True)


def unit_row(ctx, frame, sums, ratios=None):
    """The planned unit's one row of ``frame`` (an account's own row, a group's rolled-up row)."""
    mine = ctx.mine(frame).assign(group_id=ctx.unit_id)  # one unit: the account, or the group's entities
    rolled = units(mine, sums, ratios)
    return rolled.iloc[0] if len(rolled) else None


def _weighted(frame, columns, weight):
    """Revenue-weighted means of ``columns`` per unit (plain means where a unit's weights add up to 0)."""
    w = frame[weight].clip(lower=0).astype(float)
    keys = frame["unit_id"]
    total = w.groupby(keys, sort=True).sum()
    values = frame[list(columns)].astype(float)
    weighted = values.mul(w, axis=0).groupby(keys, sort=True).sum().div(total.where(total > 0), axis=0)
    plain_mean = values.groupby(keys, sort=True).mean()
    return weighted.where(total.gt(0), plain_mean, axis=0).rename_axis("unit_id").reset_index()


def _records(frame):
    return frame.reset_index(drop=True)


# ----------------------------------------------------------------------------- the sections
def facts(ctx):
    """Facts and organisation: group, entities, countries, buying centres, the manager, contacts by function."""
    accounts = ctx.mine(ctx.tables["accounts"])
    values = {"level": ctx.level, "id": ctx.unit_id, "name": ctx.name, "entities": len(accounts)}
    groups = ctx.tables.get("groups")
    manager_row = accounts.iloc[0] if len(accounts) else None
    if ctx.level == "group":
        values["group_id"] = ctx.unit_id
        values["group_name"] = ctx.name
        if groups is not None and "parent_account_id" in groups.columns:
            parent = groups.loc[groups["group_id"].astype(str) == ctx.unit_id, "parent_account_id"]
            if len(parent) and (accounts["account_id"] == parent.iloc[0]).any():
                manager_row = accounts[accounts["account_id"] == parent.iloc[0]].iloc[0]
                values["parent_account_id"] = str(parent.iloc[0])
    elif "group_id" in accounts.columns and pd.notna(accounts["group_id"].iloc[0]):
        values["group_id"] = str(accounts["group_id"].iloc[0])
        if groups is not None and {"group_id", "group_name"} <= set(groups.columns):
            match = groups.loc[groups["group_id"].astype(str) == values["group_id"], "group_name"]
            values["group_name"] = str(match.iloc[0]) if len(match) else ""
    if "country" in accounts.columns:
        values["countries"] = ", ".join(sorted(accounts["country"].dropna().astype(str).unique()))
    for column in ("account_manager", "manager_role", "managed_since", "territory_manager"):
        if manager_row is not None and column in accounts.columns and pd.notna(manager_row[column]):
            value = manager_row[column]
            values[column] = value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)
    tables = {}
    if ctx.level == "group":
        columns = [c for c in ("account_id", "name", "country", "account_manager") if c in accounts.columns]
        tables["entities"] = _records(accounts[columns].sort_values("account_id"))
    sources = ["accounts (pandas: the rows of the account or the group's entities)"]
    centres = ctx.tables.get("centres")
    if centres is not None and "account_id" in centres.columns:
        mine = ctx.mine(centres)
        values["buying_centres"] = len(mine)
        columns = [c for c in ("centre_id", "centre_name", "city", "country", "role") if c in mine.columns]
        tables["centres"] = _records(mine[columns])
        sources.append("centres (pandas)")
    touchpoints = ctx.tables.get("touchpoints")
    if touchpoints is not None and {"account_id", "person_id", "function"} <= set(touchpoints.columns):
        mine = ctx.mine(touchpoints)
        if "date" in mine.columns:
            mine = mine[pd.to_datetime(mine["date"]).dt.year == ctx.year]
        coordinated = mine["coordinated"].astype(bool) if "coordinated" in mine.columns else None
        by_function = mine.groupby("function", observed=True).agg(
            people=("person_id", "nunique"), contacts=("person_id", "size"))
        if coordinated is not None:
            by_function["share_coordinated"] = coordinated.groupby(mine["function"], observed=True).mean()
        tables["contacts"] = by_function.reset_index().sort_values("contacts", ascending=False, ignore_index=True)
        values["people"] = int(mine["person_id"].nunique())
        values["contacts"] = len(mine)
        if coordinated is not None and len(mine):
            values["share_coordinated"] = float(coordinated.mean())
        sources.append(f"touchpoints of {ctx.year} (pandas: people, contacts and share coordinated by function)")
    return Section("facts", values, tables, "; ".join(sources))


def history(ctx):
    """Revenue and contribution margin by year, and the DB cascade of the plan's year."""
    from kamlab.data.cascade import contribution_cascade
    from kamlab.plans.inputs import years_of

    rows = []
    for year in years_of(ctx.tables):
        if year > ctx.year:
            continue
        row = unit_row(ctx, ctx.account_table(year), ["revenue", "contribution_margin", "db4"],
                       {"margin_rate": ("contribution_margin", "revenue")})
        if row is not None:
            rows.append({"year": year, **{c: float(row[c]) for c in ("revenue", "contribution_margin", "margin_rate",
                                                                      "db4") if c in row.index}})
    if not rows:
        return unavailable("history", "no revenue or cost to serve in any year")
    table = pd.DataFrame(rows)
    table["growth"] = table["revenue"].pct_change().where(table["revenue"].shift() > 0)
    summed = unit_row(ctx, ctx.account_table(), CASCADE_SUMS)
    one = summed.drop("unit_id").astype(float).to_frame().T.assign(account_id=ctx.unit_id)
    tables = {"by_year": table}
    values = {"revenue": rows[-1]["revenue"], "contribution_margin": rows[-1]["contribution_margin"]}
    source = "case.account_table(year) for each year"
    if ctx.level == "group":
        source += " rolled up by kamlab.rollup (sums; margin_rate recomputed from them)"
    try:
        cascade = contribution_cascade(one).iloc[0]
    except Exception as error:  # a client's cost table without the cascade's columns
        values["cascade_unavailable"] = str(error)
    else:
        levels = ["revenue", "net_revenue", "db1", "db2", "db3", "db4"]
        tables["cascade"] = pd.DataFrame({
            "level_name": levels, "amount": [float(cascade[c]) for c in levels],
            "rate": [np.nan, 1.0 if cascade["net_revenue"] > 0 else np.nan,
                     *[float(cascade[f"{c}_rate"]) for c in levels[2:]]]})
        values["db4"] = float(cascade["db4"])
        source += f"; kamlab.contribution_cascade(revenue and cost to serve of {ctx.year})"
    return Section("history", values, tables, source)


def abc(ctx):
    """ABC class of the account or group among all planning units (groups rolled up)."""
    import kamlab

    table = units(ctx.account_table(), ["revenue"])
    result = kamlab.abc_analysis(table, value="revenue", thresholds=ABC_THRESHOLDS, rule="cover", id_col="unit_id")
    row = result[result["unit_id"] == ctx.unit_id]
    if row.empty:
        return unavailable("abc", f"no revenue or cost to serve in {ctx.year}")
    row = row.iloc[0]
    values = {"abc": str(row["abc"]), "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
              "share": float(row["share"]), "cumulative_share": float(row["cumulative_share"]),
              "n_units": len(result), "thresholds": list(ABC_THRESHOLDS)}
    return Section("abc", values, {}, f"kamlab.abc_analysis(account table {ctx.year} with the groups rolled up "
                                      "by kamlab.rollup, value='revenue', "
                                      f"thresholds={ABC_THRESHOLDS}, rule='cover')")


def _rated_units(ctx, criteria):
    """Planning units with revenue in the year and their ratings (a group's: revenue-weighted means)."""
    ratings = ctx.tables["ratings"]
    table = ctx.account_table()
    table = table[table["revenue"] > 0][["account_id", "revenue"] + (["group_id"] if "group_id" in table else [])]
    rated = table.merge(ratings[["account_id", *criteria]], on="account_id", how="inner").dropna(subset=criteria)
    rated["unit_id"] = unit_of(rated)
    return _weighted(rated, criteria, "revenue")


def portfolio(ctx):
    """Portfolio position (attractiveness × supplier position) with each criterion's contribution."""
    import kamlab

    attractiveness = ctx.options.get("attractiveness") or kamlab.ScoringModel(ATTRACTIVENESS)
    position = ctx.options.get("position") or kamlab.ScoringModel(POSITION)
    ratings = ctx.tables.get("ratings")
    criteria = list(dict.fromkeys([*attractiveness.weights, *position.weights]))
    if ratings is None:
        return unavailable("portfolio", "case_or_tables has no table 'ratings'")
    missing = [c for c in criteria if c not in ratings.columns]
    if missing:
        return unavailable("portfolio", f"the ratings have no column {missing[0]!r}")
    rated = _rated_units(ctx, criteria)
    if not (rated["unit_id"] == ctx.unit_id).any():
        return unavailable("portfolio", f"no revenue in {ctx.year} or no ratings")
    scored_a, scored_p = attractiveness.score(rated), position.score(rated)
    rated["attractiveness"], rated["supplier_position"] = scored_a["total"], scored_p["total"]
    placed = kamlab.portfolio(rated, labels="mcdonald")
    row = placed[placed["unit_id"] == ctx.unit_id].iloc[0]
    quadrant = list(placed["quadrant"].cat.categories).index(row["quadrant"])
    index = row.name
    reasons = []
    for axis, model, scored in (("attractiveness", attractiveness, scored_a), ("supplier_position", position, scored_p)):
        for criterion, weight in model.weights.items():
            reasons.append({"axis": axis, "criterion": criterion, "score": float(rated.loc[index, criterion]),
                            "weight": float(weight), "contribution": float(scored.loc[index, criterion])})
    x_split, y_split = placed.attrs["split"]
    values = {"quadrant": quadrant, "attractiveness": float(row["attractiveness"]),
              "supplier_position": float(row["supplier_position"]), "attractiveness_split": float(y_split),
              "position_split": float(x_split), "n_units": len(placed)}
    group_note = " (a group: revenue-weighted ratings of its entities)" if ctx.level == "group" else ""
    source = (f"kamlab.ScoringModel(attractiveness {dict(attractiveness.weights)}).score(ratings); "
              f"kamlab.ScoringModel(position {dict(position.weights)}).score(ratings); "
              f"kamlab.portfolio(..., split='median') over the units with revenue in {ctx.year}{group_note}")
    return Section("portfolio", values, {"reasons": pd.DataFrame(reasons)}, source)


def wallet(ctx):
    """Share of wallet and headroom from kamlab's wallet estimate (never the hidden truth)."""
    import kamlab

    table = ctx.account_table()
    missing = [c for c in FEATURES if c not in table.columns or table[c].isna().all()]
    if missing:
        return unavailable("wallet", f"the accounts have no firmographic {missing[0]!r} to estimate wallets from")
    buyers = table[table["revenue"] > 0].dropna(subset=list(FEATURES)).reset_index(drop=True)
    given = ctx.options.get("wallets")
    if given is not None:
        missing = [c for c in ("account_id", "revenue", "wallet") if c not in given.columns]
        if missing:
            raise MissingColumnError(f"wallets has no column {missing[0]!r}; pass the result of "
                                     "kamlab.estimate_wallets(...).")
        estimates = given
        how = "the wallets passed (kamlab.estimate_wallets)"
    else:
        estimator = ctx.options.get("wallet_estimator") or kamlab.WalletEstimator(0.9, "gbm", random_state=0)
        estimates = _holdout_wallets(estimator, buyers, ctx.account_ids)
        how = (f"kamlab.{estimator!r} fitted on the other accounts with revenue in {ctx.year} "
               f"(features {list(FEATURES)}), predicting the planned ones (out of sample, as "
               "kamlab.estimate_wallets does by cross-fitting)")
    mine = ctx.mine(estimates)
    if mine.empty:
        return unavailable("wallet", f"no revenue in {ctx.year}")
    if "headroom" not in mine.columns:
        mine = mine.assign(headroom=np.clip(mine["wallet"] - mine["revenue"], 0, None),
                           share_of_wallet=kamlab.share_of_wallet(mine["revenue"], mine["wallet"]))
    row = unit_row(ctx, mine, ["revenue", "wallet", "headroom"], {"share_of_wallet": ("revenue", "wallet")})
    values = {c: float(row[c]) for c in ("revenue", "wallet", "headroom", "share_of_wallet")}
    tables = {}
    if ctx.level == "group":
        tables["entities"] = _records(mine[["account_id", "revenue", "wallet", "headroom", "share_of_wallet"]])
    note = "; a group: kamlab.rollup of its entities (wallet and headroom summed, share of wallet = revenue / " \
        "wallet)" if ctx.level == "group" else ""
    return Section("wallet", values, tables, how + note)


def _holdout_wallets(estimator, buyers, account_ids):
    """Wallets of the planned accounts from a model fitted on all the other accounts (one fit, not k)."""
    import kamlab
    from sklearn.base import clone

    planned = buyers["account_id"].astype(str).isin(account_ids)
    if not planned.any():
        return buyers.iloc[0:0].assign(wallet=[], headroom=[], share_of_wallet=[])
    model = clone(estimator).fit(buyers.loc[~planned, list(FEATURES)], buyers.loc[~planned, "revenue"])
    out = buyers.loc[planned, ["account_id", "revenue"]].reset_index(drop=True)
    out["wallet"] = np.clip(model.predict(buyers.loc[planned, list(FEATURES)]), 0, None)
    out["headroom"] = np.clip(out["wallet"] - out["revenue"], 0, None)
    out["share_of_wallet"] = kamlab.share_of_wallet(out["revenue"], out["wallet"]).to_numpy()
    return out


def whitespace(ctx):
    """Offerings not yet sold (whitespace) with their potential, from kamlab.whitespace."""
    import kamlab

    table = ctx.account_table()
    if any(c not in table.columns or table[c].isna().all() for c in FEATURES):
        return unavailable("whitespace", "the accounts have no firmographics to compare them by")
    buyers = table[table["revenue"] > 0].dropna(subset=list(FEATURES))
    lines = ctx.tables["transactions"]
    lines = lines[(pd.to_datetime(lines["date"]).dt.year == ctx.year) & lines["account_id"].isin(buyers["account_id"])]
    result = kamlab.whitespace(lines, buyers.set_index("account_id")[list(FEATURES)])
    mine = ctx.mine(result)
    if mine.empty:
        return unavailable("whitespace", f"no revenue in {ctx.year}")
    by_offering = mine.groupby("offering", observed=True).agg(
        revenue=("revenue", "sum"), propensity=("propensity", "mean"), potential=("potential", "sum"),
        gap=("gap", "sum"), expected_value=("expected_value", "sum")).reset_index()
    by_offering["whitespace"] = (by_offering["revenue"] <= 0) & (by_offering["potential"] > 0)
    by_offering = by_offering.sort_values(["expected_value", "offering"], ascending=[False, True], ignore_index=True)
    values = {"offerings_bought": int((by_offering["revenue"] > 0).sum()), "offerings": len(by_offering),
              "whitespace_offerings": ", ".join(by_offering.loc[by_offering["whitespace"], "offering"]),
              "expected_value": float(by_offering["expected_value"].sum())}
    note = "; a group: its entities' cells summed per offering (propensity: their mean)" \
        if ctx.level == "group" else ""
    source = (f"kamlab.whitespace(invoice lines of {ctx.year}, firmographics {list(FEATURES)}){note}")
    return Section("whitespace", values, {"offerings": by_offering}, source)


def quotes(ctx):
    """Open quotes with their follow-ups and the days since the last contact; the year's win rate."""
    import kamlab

    projects = ctx.tables.get("projects")
    if projects is None:
        return unavailable("quotes", "case_or_tables has no table 'projects'")
    contacts = ctx.tables.get("contacts")
    mine = ctx.mine(projects)
    dates = [pd.to_datetime(projects["quote_date"]).max()]
    if contacts is not None:
        dates.append(pd.to_datetime(contacts["contact_date"]).max())
    as_of = max(dates)
    open_quotes = mine[mine["outcome"].astype(str) == "open"]
    effect = ctx.options.get("followup_effect")
    if effect is not None:
        table = kamlab.followup_list(open_quotes, effect, contacts=contacts, as_of=as_of)
        source = f"kamlab.followup_list(open quotes, followup_effect, contacts=contacts, as_of={as_of.date()})"
    else:
        table = open_quotes.copy()
        table["days_since_quote"] = (as_of - pd.to_datetime(table["quote_date"])).dt.days
        last = None
        if contacts is not None:
            last = contacts.groupby("project_id")["contact_date"].max()
        table["days_since_contact"] = (as_of - pd.to_datetime(table["project_id"].map(last))).dt.days \
            if last is not None else np.nan
        source = (f"projects with outcome 'open' and contacts (pandas: days since the quote and since its last "
                  f"contact as of {as_of.date()}, the day followup_list would use)")
    columns = [c for c in ("project_id", "account_id", "offering", "quote_date", "quote_value", "followups",
                           "competitors", "days_since_quote", "days_since_contact", "p_win", "gain",
                           "expected_value") if c in table.columns]
    if "offering" not in table.columns and "offering" in open_quotes.columns:
        table = table.merge(open_quotes[["project_id", "offering"]], on="project_id", how="left")
        columns.insert(2, "offering")
    table = table[columns].sort_values("quote_value", ascending=False, ignore_index=True)
    values = {"n_open": len(table), "open_value": float(table["quote_value"].sum()), "as_of": str(as_of.date())}
    year_quotes = mine[pd.to_datetime(mine["quote_date"]).dt.year == ctx.year]
    if len(year_quotes):
        rates = kamlab.win_rates(year_quotes, n_boot=200).iloc[0]
        values.update({"n_quotes_year": int(rates["n_quotes"]), "n_won_year": int(rates["n_won"]),
                       "win_rate_year": float(rates["win_rate"])})
        source += f"; kamlab.win_rates(the quotes of {ctx.year})"
    return Section("quotes", values, {"open": table}, source)


def competitors(ctx):
    """Competing suppliers: the rating and the competitors named on the quotes."""
    values, sources, tables = {}, [], {}
    ratings = ctx.tables.get("ratings")
    if ratings is not None and "n_competitors" in ratings.columns:
        mine = ctx.mine(ratings)
        if len(mine):
            values["n_competitors_max"] = int(mine["n_competitors"].max())
            values["n_competitors_mean"] = float(mine["n_competitors"].mean())
            sources.append("ratings.n_competitors (max and mean over the entities)")
    projects = ctx.tables.get("projects")
    if projects is not None and "competitors" in projects.columns:
        mine = ctx.mine(projects)
        mine = mine[pd.to_datetime(mine["quote_date"]).dt.year == ctx.year]
        if len(mine):
            values["quote_competitors_mean"] = float(mine["competitors"].mean())
            sources.append(f"projects of {ctx.year}: mean competitors per quote")
            if "loss_reason" in mine.columns:
                lost = mine[mine["outcome"].astype(str) == "lost"]
                counts = lost["loss_reason"].astype(str).value_counts().rename_axis("loss_reason")
                tables["loss_reasons"] = counts.rename("n_quotes").reset_index()
                sources.append("loss reasons of the lost quotes (pandas)")
    if not sources:
        return unavailable("competitors", "case_or_tables has neither ratings.n_competitors nor projects")
    return Section("competitors", values, tables, "; ".join(sources))


def relationship(ctx):
    """Relationship level and qualitative customer value (ratings 1–10)."""
    ratings = ctx.tables.get("ratings")
    if ratings is None:
        return unavailable("relationship", "case_or_tables has no table 'ratings'")
    columns = [c for c in QUALITATIVE if c in ratings.columns]
    mine = ctx.mine(ratings)
    if mine.empty or not columns:
        return unavailable("relationship", "no ratings for this account")
    revenue = ctx.account_table()[["account_id", "revenue"]]
    rated = mine.merge(revenue, on="account_id", how="left").fillna({"revenue": 0.0}).assign(unit_id=ctx.unit_id)
    values = _weighted(rated, columns, "revenue").iloc[0].drop("unit_id").astype(float).to_dict()
    if "reference_customer" in mine.columns:
        values["reference_customer"] = bool(mine["reference_customer"].astype(bool).any())
    if "rating_date" in mine.columns:
        values["rating_date"] = str(pd.to_datetime(mine["rating_date"]).max().date())
    note = " (a group: revenue-weighted means of its entities; reference customer if any entity is)" \
        if ctx.level == "group" else ""
    source = f"ratings (the raw 1–10 ratings{note})"
    value = _customer_value(ctx, ratings)
    if value is not None:
        values.update(value)
        source += ("; kamlab.customer_value(ratings of the units with revenue in "
                   f"{ctx.year}, monetary='contribution_margin', reference_customer='reference_customer')")
    return Section("relationship", values, {}, source)


def _customer_value(ctx, ratings):
    """The unit's customer value (Kundenwert, 1–10) and rank among the units with revenue, or None."""
    try:
        from kamlab.portfolios.customer_value import customer_value
    except ImportError:  # an older kamlab
        return None
    components = ["reference_value", "multiplier_value", "information_value", "cooperation_potential"]
    if any(c not in ratings.columns for c in components):
        return None
    rated = _rated_units(ctx, components)
    money = units(ctx.account_table(), ["contribution_margin"])
    rated = rated.merge(money, on="unit_id", how="left")
    if "reference_customer" in ratings.columns:
        flags = ratings[["account_id", "reference_customer"]]
        if "group_id" in ctx.tables["accounts"].columns:
            flags = flags.merge(ctx.tables["accounts"][["account_id", "group_id"]], on="account_id", how="left")
        any_flag = flags.assign(unit_id=unit_of(flags)).groupby("unit_id")["reference_customer"].any()
        rated["reference_customer"] = rated["unit_id"].map(any_flag).fillna(False).astype(bool)
    result = customer_value(rated.rename(columns={"unit_id": "account_id"}), monetary="contribution_margin",
                            reference_customer="reference_customer" if "reference_customer" in rated else None)
    row = result[result["account_id"] == ctx.unit_id]
    if row.empty:
        return None
    return {"customer_value": float(row["customer_value"].iloc[0]),
            "customer_value_rank": int(row["customer_value_rank"].iloc[0]), "n_units_valued": len(result)}


def targets(ctx):
    """Target revenue and DB I of the next year against the plan year's actuals."""
    targets_table = ctx.tables.get("targets")
    if targets_table is None:
        return unavailable("targets", "case_or_tables has no table 'targets'")
    mine = ctx.mine(targets_table)
    if "year" in mine.columns and len(mine):
        mine = mine[mine["year"] == mine["year"].max()]
    if mine.empty:
        return unavailable("targets", "the targets table has no row for this account")
    sums = ["target_revenue", "target_contribution_margin"] if "target_contribution_margin" in mine else ["target_revenue"]
    plan_row = unit_row(ctx, mine[["account_id", *sums]], sums)
    actual = unit_row(ctx, ctx.account_table(), ["revenue", "contribution_margin"])
    values = {"target_year": int(mine["year"].iloc[0]) if "year" in mine.columns else None,
              "revenue": float(actual["revenue"]) if actual is not None else 0.0,
              "target_revenue": float(plan_row["target_revenue"])}
    if "target_contribution_margin" in sums:
        values["contribution_margin"] = float(actual["contribution_margin"]) if actual is not None else 0.0
        values["target_contribution_margin"] = float(plan_row["target_contribution_margin"])
    values["target_growth"] = (values["target_revenue"] / values["revenue"] - 1) if values["revenue"] > 0 else None
    return Section("targets", values, {}, f"targets (the plan; a group's rolled up by kamlab.rollup) against "
                                          f"case.account_table({ctx.year})")


def key_account(ctx):
    """Key-account status on actual and target revenue (the OR rule of kamlab.key_accounts)."""
    import kamlab

    targets_table = ctx.tables.get("targets")
    table = ctx.account_table()[["account_id", "revenue"] + (["group_id"] if "group_id" in ctx.tables["accounts"]
                                                              else [])]
    by = ["revenue"]
    if targets_table is not None and "target_revenue" in targets_table.columns:
        latest = targets_table
        if "year" in latest.columns:
            latest = latest[latest["year"] == latest["year"].max()]
        table = table.merge(latest[["account_id", "target_revenue"]], on="account_id", how="outer")
        table["revenue"] = table["revenue"].fillna(0.0)
        table["target_revenue"] = table["target_revenue"].fillna(0.0)
        if "group_id" in table.columns:
            groups = ctx.tables["accounts"].set_index("account_id")["group_id"]
            table["group_id"] = table["account_id"].map(groups)
        by.append("target_revenue")
    rolled = units(table, by)
    result = kamlab.key_accounts(rolled, share=KEY_SHARE, by=tuple(by), id_col="unit_id")
    row = result[result["unit_id"] == ctx.unit_id]
    if row.empty:
        return unavailable("key_account", f"no revenue in {ctx.year} and no target")
    row = row.iloc[0]
    values = {"key_account": bool(row["key_account"]), "n_key_accounts": int(result["key_account"].sum()),
              "n_units": len(result), "share": KEY_SHARE}
    for measure in by:
        values[f"on_{measure}"] = bool(row[f"on_{measure}"])
        rank = row[f"rank_{measure}"]
        values[f"rank_{measure}"] = None if pd.isna(rank) else int(rank)
    return Section("key_account", values, {}, f"kamlab.key_accounts(units of {ctx.year} with the groups rolled up, "
                                              f"share={KEY_SHARE}, by={tuple(by)})")


SECTIONS = {"facts": facts, "history": history, "abc": abc, "portfolio": portfolio, "wallet": wallet,
            "whitespace": whitespace, "quotes": quotes, "competitors": competitors, "relationship": relationship,
            "targets": targets, "key_account": key_account}
