"""The later sections of the client report: portfolio, potential, open quotes, account plans and the method.

As in :mod:`kamlab.report.analysis`, each function takes the report's
:class:`~kamlab.report.builder.Data` and returns a :class:`~kamlab.report.model.Section`; the
default scoring models are the account plans' (:mod:`kamlab.plans.sections`, notebook 04).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab._util.labels import label
from kamlab.report.model import Section
from kamlab.report.analysis import _figure, _front, _m, _skipped, _title, _units_word
from kamlab.report.texts import count, money, percent, text

__all__ = ["STEPS_AFTER"]


def _unit_of(d, ids):
    """Each account id's planning unit (its group, or itself)."""
    ids = pd.Series(ids, dtype=object).astype(str)
    if not d.grouped:
        return ids
    membership = d.units.attrs["membership"]
    groups = membership.set_index("account_id")["group_id"].astype(str)
    return ids.map(groups).fillna(ids)


def _models(d):
    """The two scoring models: the ones passed, else the account plans' defaults."""
    from kamlab.plans.sections import ATTRACTIVENESS, POSITION
    from kamlab.portfolios.scoring import ScoringModel
    from kamlab.report.builder import read_weights

    if "models" not in d.results:
        given = read_weights(d.weights)
        if given is None:
            d.results["models"] = (ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION), False)
        else:
            d.results["models"] = (given["attractiveness"], given["position"], True)
    return d.results["models"]


# ----------------------------------------------------------------------------- portfolio
def portfolio(d):
    from kamlab.portfolios.matrix import portfolio as place
    from kamlab.portfolios.plots import portfolio_matrix

    attractiveness, position, given = _models(d)
    weights_text = text("pf_given" if given else "pf_default", d.lang)
    d.method[_m(d, "Scoring models", "Scoring-Modelle")] = (
        f"{weights_text}: {label('attractiveness')} {dict(attractiveness.weights)}; "
        f"{label('supplier_position')} {dict(position.weights)}")
    ratings = d.tables.get("ratings")
    if ratings is None:
        return _skipped(d, "portfolio", text("pf_skipped", d.lang))
    criteria = list(dict.fromkeys([*attractiveness.weights, *position.weights]))
    missing = [c for c in criteria if c not in ratings.columns]
    if missing:
        return _skipped(d, "portfolio", text("pf_missing", d.lang, column=missing[0]))
    buyers = d.table.loc[d.table["revenue"] > 0, ["account_id", "revenue"]]
    rated = buyers.merge(ratings[["account_id", *criteria]], on="account_id", how="inner").dropna(subset=criteria)
    if rated.empty:
        return _skipped(d, "portfolio", text("pf_skipped", d.lang))
    rated["unit"] = _unit_of(d, rated["account_id"]).to_numpy()
    weights = rated["revenue"].astype(float)
    weighted = rated[criteria].astype(float).mul(weights, axis=0).groupby(rated["unit"]).sum()
    per_unit = weighted.div(weights.groupby(rated["unit"]).sum(), axis=0)  # revenue-weighted ratings of a group
    per_unit = per_unit.rename_axis(d.id_col).reset_index()
    info = d.units[[c for c in (d.id_col, "name", "unit_level", "revenue") if c in d.units.columns]]
    per_unit = info.merge(per_unit, on=d.id_col, how="inner")
    per_unit["attractiveness"] = attractiveness.score(per_unit)["total"].to_numpy()
    per_unit["supplier_position"] = position.score(per_unit)["total"].to_numpy()
    placed = place(per_unit, size="revenue", labels="de" if d.lang == "de" else "mcdonald")
    d.results["portfolio"] = placed
    fig, ax = _figure((8.0, 6.5))
    portfolio_matrix(placed, size="revenue", label_top=10, label_col="name" if "name" in placed else None,
                     id_col=d.id_col, ax=ax)
    columns = [c for c in (d.id_col, "name", "unit_level", "revenue", "attractiveness", "supplier_position",
                           "quadrant") if c in placed.columns]
    table = _front(d, placed[columns].assign(quadrant=placed["quadrant"].astype(str))
                   .sort_values("revenue", ascending=False))
    quadrants = placed.groupby("quadrant", observed=False).agg(accounts=("revenue", "size"),
                                                               revenue=("revenue", "sum")).reset_index()
    quadrants["quadrant"] = quadrants["quadrant"].astype(str)
    first = str(placed["quadrant"].cat.categories[0])
    texts = [text("pf_text", d.lang, n_units=count(len(placed), d.lang), units=_units_word(d),
                  n_key=count(int((placed["quadrant"].astype(str) == first).sum()), d.lang), quadrant=first),
             text("pf_weights", d.lang, source=weights_text)]
    group_note = "; a group's ratings: revenue-weighted means of its entities" if d.grouped else ""
    source = (f"kamlab.ScoringModel({dict(attractiveness.weights)}).score; kamlab.ScoringModel("
              f"{dict(position.weights)}).score; kamlab.portfolio(split='median'){group_note}; kamlab.portfolio_matrix")
    return Section(key="portfolio", title=_title(d, "portfolio"), texts=texts,
                   tables={"portfolio": table, "quadrants": quadrants}, figures={"matrix": fig}, source=source)


# ----------------------------------------------------------------------------- potential
def potential(d):
    from kamlab.plans.sections import FEATURES
    from kamlab.potential.wallet import WalletEstimator, estimate_wallets, share_of_wallet
    from kamlab.potential.whitespace import whitespace

    missing = [c for c in FEATURES if c not in d.table.columns or d.table[c].isna().all()]
    if "offering" not in d.lines.columns:
        missing.append("offering")
    if missing:
        return _skipped(d, "potential", text("pot_skipped", d.lang, missing=", ".join(missing)))
    buyers = d.table[d.table["revenue"] > 0].dropna(subset=list(FEATURES)).reset_index(drop=True)
    estimator = WalletEstimator(0.9, "gbm", random_state=0)
    wallets = estimate_wallets(estimator, buyers, list(FEATURES), random_state=0)  # seeded folds: the same report every run
    d.results["wallets"] = wallets
    lines = d.lines[d.lines["account_id"].isin(buyers["account_id"])]
    spots = whitespace(lines, buyers.set_index("account_id")[list(FEATURES)])
    open_spots = spots[spots["whitespace"].astype(bool)]
    per_account = wallets[["account_id", "revenue", "wallet", "headroom"]].merge(
        open_spots.groupby("account_id")["expected_value"].sum().rename("whitespace_value").reset_index(),
        on="account_id", how="left").fillna({"whitespace_value": 0.0})
    per_account["unit"] = _unit_of(d, per_account["account_id"]).to_numpy()
    sums = per_account.groupby("unit")[["revenue", "wallet", "headroom", "whitespace_value"]].sum()
    sums["share_of_wallet"] = share_of_wallet(sums["revenue"], sums["wallet"]).to_numpy()
    sums = sums.rename_axis(d.id_col).reset_index()
    info = d.units[[c for c in (d.id_col, "name", "unit_level") if c in d.units.columns]]
    table = _front(d, info.merge(sums, on=d.id_col, how="inner").sort_values("headroom", ascending=False))
    texts = [text("pot_text", d.lang, headroom=money(float(sums["headroom"].sum()), d.lang, 0),
                  whitespace=money(float(sums["whitespace_value"].sum()), d.lang, 0))]
    d.method[_m(d, "Wallet estimate", "Bedarfsschätzung")] = (
        f"kamlab.estimate_wallets({estimator!r}, features {list(FEATURES)}, cv=5, random_state=0)")
    return Section(key="potential", title=_title(d, "potential"), texts=texts, tables={"potential": table},
                   source=f"kamlab.estimate_wallets(WalletEstimator(0.9, 'gbm'), features {list(FEATURES)}); "
                          "kamlab.whitespace(invoice lines of the period); a group: its entities summed")


# ----------------------------------------------------------------------------- follow-up
def followup(d):
    from kamlab.projects.rates import win_rates

    projects = d.tables.get("projects")
    needed = ("project_id", "account_id", "quote_date", "quote_value", "outcome")
    if projects is None or any(c not in projects.columns for c in needed):
        return _skipped(d, "followup", text("fu_skipped", d.lang))
    quotes = projects[pd.to_datetime(projects["quote_date"]) <= d.as_of].copy()
    quotes["quote_date"] = pd.to_datetime(quotes["quote_date"])
    open_quotes = quotes[quotes["outcome"].astype(str) == "open"].copy()
    open_quotes["days_since_quote"] = (d.as_of - open_quotes["quote_date"]).dt.days
    contacts = d.tables.get("contacts")
    if contacts is not None and {"project_id", "contact_date"} <= set(contacts.columns):
        last = pd.to_datetime(contacts["contact_date"]).groupby(contacts["project_id"]).max()
        open_quotes["days_since_contact"] = (d.as_of - open_quotes["project_id"].map(last)).dt.days
    names = d.table.set_index("account_id")["name"] if "name" in d.table.columns else None
    if names is not None:
        open_quotes["name"] = open_quotes["account_id"].map(names)
    columns = [c for c in ("project_id", "account_id", "name", "offering", "quote_date", "quote_value", "followups",
                           "competitors", "days_since_quote", "days_since_contact") if c in open_quotes.columns]
    table = open_quotes[columns].sort_values("quote_value", ascending=False, ignore_index=True)
    year = d.year if d.year is not None else d.as_of.year
    of_year = quotes[quotes["quote_date"].dt.year == year]
    tables = {"open_quotes": table}
    rate = np.nan
    if len(of_year):
        rate = float(win_rates(of_year, n_boot=200)["win_rate"].iloc[0])
        if "offering" in of_year.columns:
            tables["win_rates"] = win_rates(of_year, by="offering", n_boot=200)
    texts = [text("fu_text", d.lang, n_open=count(len(table), d.lang), value=money(table["quote_value"].sum(),
                                                                                   d.lang, 0),
                  year=year, rate=percent(rate, d.lang))]
    return Section(key="followup", title=_title(d, "followup"), texts=texts, tables=tables,
                   source=f"projects with outcome 'open' (pandas: days since the quote and the last contact as of "
                          f"{d.as_of.date()}); kamlab.win_rates(quotes of {year}, by='offering')")


# ----------------------------------------------------------------------------- account plans
def _plan_row(plan, d):
    row = {d.id_col: plan.unit_id, "name": plan.name, "unit_level": plan.level}
    wanted = {"history": ("revenue", "contribution_margin", "db4"), "abc": ("abc", "rank"),
              "wallet": ("wallet", "headroom", "share_of_wallet"), "quotes": ("n_open", "open_value"),
              "targets": ("target_revenue", "target_growth"), "key_account": ("key_account",)}
    for section, keys in wanted.items():
        part = plan.sections.get(section)
        if part is None or not part.available:
            continue
        for key in keys:
            if key in part.values:
                row[key] = part.values[key]
    return row


def plans(d):
    from kamlab.plans.plan import account_plan

    if d.top_plans == 0:
        return _skipped(d, "plans", text("plans_none", d.lang))
    needed = {"accounts": d.tables.get("accounts"), "costs": d.tables.get("costs")}
    missing = [name for name, frame in needed.items() if frame is None]
    if "offering" not in d.tables["transactions"].columns:
        missing.append("transactions.offering")
    if missing:
        return _skipped(d, "plans", text("plans_skipped", d.lang, missing=", ".join(missing)))
    key = d.results["key"]
    top = key[key["key_account"]].sort_values(["revenue", d.id_col], ascending=[False, True]).head(d.top_plans)
    attractiveness, position, _ = _models(d)
    made = [account_plan(d.tables, str(unit), year=d.year, lang=d.lang, attractiveness=attractiveness,
                         position=position, wallets=d.results.get("wallets"))
            for unit in top[d.id_col]]
    d.results["plans"] = made
    table = _front(d, pd.DataFrame([_plan_row(plan, d) for plan in made]))
    return Section(key="plans", title=_title(d, "plans"), texts=[text("plans_text", d.lang, n=len(made))],
                   tables={"plans": table},
                   source=f"kamlab.account_plan(tables, unit, year={d.year}) for the {len(made)} biggest key "
                          "accounts by revenue (wallets from the potential section)")


# ----------------------------------------------------------------------------- method
def method(d):
    import kamlab

    d.method[_m(d, "Units", "Einheiten")] = (
        _m(d, "customer groups rolled up to one unit (kamlab.rollup), other accounts as they are",
           "Konzerne als eine Einheit (kamlab.rollup), andere Kunden einzeln") if d.grouped
        else _m(d, "accounts", "Kunden"))
    d.method[label("contribution_margin")] = _m(d, "DB I = revenue − standard manufacturing cost (invoice lines)",
                                                "DB I = Umsatz − (Standard-)Herstellkosten (Rechnungszeilen)") \
        if d.has_cost else text("no_cost", d.lang)
    d.method[_m(d, "Tables used", "Verwendete Tabellen")] = ", ".join(sorted(d.tables))
    d.method[_m(d, "kamlab version", "kamlab-Version")] = kamlab.__version__
    table = pd.DataFrame({"item": list(d.method), "value": [str(v) for v in d.method.values()]})
    return Section(
        key="method", title=_title(d, "method"), texts=[text("method_text", d.lang)], tables={"method": table},
        source="kamlab.report.build")


STEPS_AFTER = (portfolio, potential, followup, plans, method)
