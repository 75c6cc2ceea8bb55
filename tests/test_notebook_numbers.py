"""The numbers the notebooks' prose quotes from the case company and the public datasets are still true.

Each row of ``NUMBERS`` is (notebook, quoted text, computation). In the quoted text every number
that kamlab computes is written ``{}``; the test finds the text in the notebook's markdown (so a
rewritten sentence is noticed) and compares the numbers written there with what kamlab computes
now, formatted as the prose writes them. Regenerating the case company therefore cannot leave a
sentence like "Gini 0.72, top 10 % hold 56 %" stale.

Numbers from the literature (the 50–60 % of the KAM definition, published parameters) and
numbers of hand-made examples in the notebooks are not here. The computations follow the
notebooks' own code; expensive inputs are session fixtures, and a computation asks for the
fixtures it needs by its parameters' names.
"""

import inspect
import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

import kamlab

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXAMPLES = Path(__file__).resolve().parents[1] / "datasets" / "examples"
NUMBER = r"([−+-]?\d[\d,]*(?:\.\d+)?)"  # 1,753 · 0.72 · 4.7 · −1.7


@cache
def markdown(notebook):
    """The notebook's markdown cells as one text, runs of white space (line breaks) made one space."""
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]
    text = " ".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return " ".join(text.split())


# ----------------------------------------------------------------------------- formats of the prose
def pct0(share):
    return f"{share * 100:.0f}"


def pct1(share):
    return f"{share * 100:.1f}"


def n(count):
    return f"{int(count):,}"


def eur2(amount):
    return f"{amount:,.2f}"


def about(amount, digits):
    """'about 56,000': rounded to ``digits`` (as ``round``), with thousands commas."""
    return f"{round(amount, digits):,.0f}"


def about_5(share):
    """'about 30 %': a share in percent to the nearest 5."""
    return f"{round(share * 20) * 5:.0f}"


# ----------------------------------------------------------------------------- inputs, once per run
@pytest.fixture(scope="session")
def accounts(case):
    """The account table over all three years (notebooks 00 and 01)."""
    return kamlab.accounts_from_transactions(case.transactions)


@pytest.fixture(scope="session")
def t24(case):
    return case.account_table(2024)


@pytest.fixture(scope="session")
def t25(case):
    return case.account_table(2025)


@pytest.fixture(scope="session")
def buying(t25):
    """The 2025 accounts with revenue (notebooks 03 and 04)."""
    return t25[t25["revenue"] > 0].reset_index(drop=True)


@pytest.fixture(scope="session")
def abc_2025(t25):
    return kamlab.abc_analysis(t25, value="revenue", thresholds=(0.8, 0.95), rule="cover")


@pytest.fixture(scope="session")
def export():
    """Notebook 01's ERP exports: the clean lines, the rows kept from the faulty file."""
    import warnings

    clean = kamlab.read_transactions(EXAMPLES / "umsatzliste_nord_2025q4.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept, report = kamlab.read_transactions(EXAMPLES / "umsatzliste_nord_2025q4_fehler.csv", errors="drop",
                                                report=True)
    return clean, kept, report


@pytest.fixture(scope="session")
def retail_customers(online_retail_lines):
    """Notebook 02's Online Retail account table: lines without a customer dropped on purpose."""
    return kamlab.accounts_from_transactions(online_retail_lines.dropna(subset=["account_id"]))


@pytest.fixture(scope="session")
def clients(wholesale_clients):
    return wholesale_clients


SPEND = ["fresh", "milk", "grocery", "frozen", "detergents_paper", "delicatessen"]
FEATURES_03 = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings"]


@pytest.fixture(scope="session")
def wholesale_variants(clients):
    """Notebook 03, section 8: two segments of the Wholesale clients, per preparation."""
    variants = {"log, scaled": {}, "log, not scaled": {"scaler": None}, "scaled, no log": {"log_features": None},
                "raw": {"log_features": None, "scaler": None}, "gmm": {"method": "gmm"}}
    return {name: kamlab.AccountSegmenter(SPEND, n_segments=2, random_state=0, progress=False, **settings)
            .fit_predict(clients) for name, settings in variants.items()}


@pytest.fixture(scope="session")
def fifths(buying):
    """Notebook 03, section 1: cost to serve by fifths of the accounts, smallest revenue first."""
    items = ["marketing", "sales_visits", "order_handling", "logistics", "technical_service"]
    table = buying.assign(cost_to_serve=buying[items].sum(axis=1))
    fifth = pd.qcut(table["revenue"].rank(method="first"), 5, labels=False)
    out = table.groupby(fifth).agg(accounts=("account_id", "size"), revenue=("revenue", "sum"),
                                   cost_to_serve=("cost_to_serve", "sum"))
    out["per_account"] = out["cost_to_serve"] / out["accounts"]
    out["rate"] = out["cost_to_serve"] / out["revenue"]
    return out


@pytest.fixture(scope="session")
def rfm(buying):
    return kamlab.rfm_segments(kamlab.rfm_scores(buying), "b2b")


@pytest.fixture(scope="session")
def segmenter03(buying):
    """Notebook 03, sections 6-9: the four k-means segments of the five features."""
    return kamlab.AccountSegmenter(FEATURES_03, n_segments=4, random_state=0, progress=False).fit(buying)


@pytest.fixture(scope="session")
def stability03(buying):
    """Notebook 03, section 5: mean ARI per k and the least stable segment's Jaccard (by_k)."""
    return kamlab.segment_stability(buying, kamlab.AccountSegmenter(FEATURES_03, random_state=0, progress=False),
                                    k_range=(2, 6), n_resamples=20, random_state=0, progress=False).by_k


@pytest.fixture(scope="session")
def archetype03(case, buying):
    return case.truth.set_index("account_id").loc[buying["account_id"], "archetype"].to_numpy()


@pytest.fixture(scope="session")
def rated(case, buying):
    """Notebook 04's scored accounts: the 2025 accounts with revenue and their ratings."""
    return buying.merge(case.ratings, on="account_id", how="left")


@pytest.fixture(scope="session")
def models():
    """Notebook 04's weights (read from its code, as tests/test_course_chapter04.py checks)."""
    from kamlab.course import chapter04

    return kamlab.ScoringModel(chapter04.ATTRACTIVENESS_WEIGHTS), kamlab.ScoringModel(chapter04.POSITION_WEIGHTS)


@pytest.fixture(scope="session")
def placed(rated, models):
    scored = rated.copy()
    scored["attractiveness"] = models[0].score(rated)["total"]
    scored["supplier_position"] = models[1].score(rated)["total"]
    return kamlab.portfolio(scored, size="revenue", labels="mcdonald")


@pytest.fixture(scope="session")
def pool(placed):
    classes = kamlab.abc_analysis(placed, value="revenue", thresholds=(0.8, 0.95), rule="cover")
    return kamlab.select_key_accounts(classes, potential="growth_potential", max_accounts=len(classes))


# ----------------------------------------------------------------------------- computations
def _missing_share(lines):
    no_customer = lines["account_id"].isna()
    return lines.loc[no_customer, "revenue"].sum() / lines["revenue"].sum()


def _n_half(accounts):  # notebook 00, exercise 3's solution
    revenue = accounts["revenue"].sort_values(ascending=False)
    return int((revenue.cumsum() / revenue.sum() < 0.5).sum()) + 1


# notebook 00, part 2 (KAM fundamentals): plain Python over the case's raw tables, not the notebook's groupbys
def _organisation_00(case):
    """Territory managers and accounts each; key-account managers and key units each; the global groups."""
    roles = case.staff["role"].astype(str).tolist()
    served = list(zip(case.accounts["account_manager"], case.accounts["manager_role"].astype(str),
                      case.accounts["account_id"], case.accounts["group_id"]))
    territory_accounts = sum(1 for _, role, _, _ in served if role == "territory_sales")
    units = {}  # key-account manager -> his or her key units (a group counts once)
    for manager, role, account, group in served:
        if role == "key_account_manager":
            units.setdefault(manager, set()).add(account if pd.isna(group) else group)
    per_manager = sorted({len(u) for u in units.values()})  # one value when every manager has as many
    global_groups = {group for _, role, _, group in served if role == "global_account_manager"}
    global_accounts = sum(1 for _, role, _, _ in served if role == "global_account_manager")
    return [n(roles.count("territory_sales")), f"{territory_accounts / roles.count('territory_sales'):.0f}",
            n(roles.count("key_account_manager")), "-".join(str(k) for k in per_manager),
            n(len(global_groups)), n(global_accounts)]


def _revenue_2025_00(case):
    """Million EUR of 2025: the Möller group (G001) summed over its entities, and the biggest single account."""
    lines = case.transactions[case.transactions["date"].dt.year == 2025]
    per_account = {}
    for account, revenue in zip(lines["account_id"], lines["revenue"]):
        per_account[account] = per_account.get(account, 0.0) + revenue
    entities = set(case.accounts.loc[case.accounts["group_id"] == "G001", "account_id"])
    group = sum(revenue for account, revenue in per_account.items() if account in entities)
    return [f"{group / 1e6:.2f}", f"{max(per_account.values()) / 1e6:.2f}"]


def _people_00(case):
    """Median different people per contacted account (key-account team, territory); the account with the most."""
    import statistics

    territory = set(case.accounts.loc[case.accounts["manager_role"] == "territory_sales", "account_id"])
    people = {}
    for account, person in zip(case.touchpoints["account_id"], case.touchpoints["person_id"]):
        people.setdefault(account, set()).add(person)
    key = [len(p) for a, p in people.items() if a not in territory]
    other = [len(p) for a, p in people.items() if a in territory]
    most = max(people, key=lambda a: len(people[a]))
    return [f"{statistics.median(key):g}", f"{statistics.median(other):g}", most.removeprefix("K"),
            n(len(people[most]))]


def _coordinated_00(case):
    territory = set(case.accounts.loc[case.accounts["manager_role"] == "territory_sales", "account_id"])
    flags = {True: [], False: []}  # at a territory account?
    for account, coordinated in zip(case.touchpoints["account_id"], case.touchpoints["coordinated"]):
        flags[account in territory].append(bool(coordinated))
    return [pct0(sum(flags[False]) / len(flags[False])), pct0(sum(flags[True]) / len(flags[True]))]


def _references_00(case):
    references = set(case.ratings.loc[case.ratings["reference_customer"], "account_id"])
    role = dict(zip(case.accounts["account_id"], case.accounts["manager_role"].astype(str)))
    key = [a for a, r in role.items() if r != "territory_sales"]
    other = [a for a, r in role.items() if r == "territory_sales"]
    return [n(len(references)), pct0(len(references.intersection(key)) / len(key)),
            pct0(len(references.intersection(other)) / len(other))]


def _set_aside_amounts(export):
    """Notebook 01: the clean file's amounts of the three rows the faulty file sets aside, in file order."""
    clean, kept, _ = export
    key = ["invoice_id", "Pos."]
    missing = clean.merge(kept[key], on=key, how="left", indicator=True)
    return missing.loc[missing["_merge"] == "left_only", "revenue"].tolist()


def _k00001(accounts):
    return accounts.set_index("account_id").loc["K00001"]


def _profile(table):  # notebook 02, section 8
    result = kamlab.concentration(table, value="revenue")
    n_60 = len(kamlab.key_account_candidates(table, share=0.6))
    return n_60, result.n_accounts


def _list_60(table, value):
    """The 60 % list of one measure by plain pandas: positive values, biggest first (ties by id)."""
    positive = table[table[value] > 0].sort_values([value, "account_id"], ascending=[False, True])
    cumulative = positive[value].cumsum() / positive[value].sum()
    return set(positive["account_id"].iloc[: int((cumulative < 0.6).sum()) + 1])


@cache
def _plan_lists_02():  # notebook 02, section 1: key accounts on 2025 actuals and the 2026 plan
    case = kamlab.load_case()
    table = case.account_table(2025).merge(case.targets, on="account_id", how="left")
    actual = _list_60(table, "revenue") | _list_60(table, "contribution_margin")
    plan = _list_60(table, "target_revenue") | _list_60(table, "target_contribution_margin")
    only = table[table["account_id"].isin(plan - actual)]
    expansion = only[only["basis"] == "expansion"]
    return {"plan_only": len(plan - actual), "actual_only": len(actual - plan), "expansion": len(expansion),
            "low": expansion["revenue"].min(), "high": expansion["revenue"].max(),
            "times": (expansion["target_revenue"] / expansion["revenue"]).mean()}


@cache
def _units_07():  # notebook 07: plain pandas from the raw tables, not kamlab.rollup
    case = kamlab.load_case()
    lines = case.transactions[case.transactions["date"].dt.year == 2025]
    revenue = lines.groupby("account_id")["revenue"].sum()
    accounts = case.accounts.assign(revenue=case.accounts["account_id"].map(revenue).fillna(0.0))
    accounts["rank"] = accounts["revenue"].rank(ascending=False, method="first")
    g001 = accounts[accounts["group_id"] == "G001"]
    table = case.account_table(2025).merge(case.targets, on="account_id", how="left")
    table["unit"] = table["account_id"].map(case.accounts.set_index("account_id")["group_id"]).fillna(
        table["account_id"])
    measures = ["revenue", "contribution_margin", "target_revenue", "target_contribution_margin"]
    units = table.groupby("unit")[measures].sum().reset_index().rename(columns={"unit": "account_id"})
    key = set().union(*(_list_60(units, m) for m in measures))
    managers = case.accounts.groupby(case.accounts["group_id"].fillna(case.accounts["account_id"]))[
        "account_manager"].first()
    roles = case.staff.set_index("name")["role"].astype(str)
    unit_roles = managers.map(roles)
    team = unit_roles[unit_roles != "territory_sales"]
    return {"g001": g001, "biggest_single": accounts["revenue"].max(), "n_key": len(key),
            "key_territory": sum(unit_roles.get(u) == "territory_sales" for u in key),
            "team_not_key": len(set(team.index) - key), "team_units": len(team),
            "kam_units": int((team == "key_account_manager").sum()),
            "n_kam": int((case.staff["role"] == "key_account_manager").sum())}


def _thin(t25):  # notebook 02, section 5
    compare = kamlab.abc_compare(t25, values=("revenue", "db4"))
    return compare[(compare["abc_revenue"] == "A") & compare["abc_db4"].isin(["C", kamlab.identify.NO_SHARE])]


def _rfm_segment(rfm, name):
    rows = rfm[rfm["rfm_segment"] == name]
    return rows, rows["revenue"].sum() / rfm["revenue"].sum(), rows["db4"].sum() / rows["revenue"].sum()


def _segment_sizes(buying):
    segmenter = kamlab.AccountSegmenter(FEATURES_03, n_segments=4, random_state=0, progress=False).fit(buying)
    return np.bincount(segmenter.labels_)


def _agreement(wholesale_variants, clients, name):
    return kamlab.segment_agreement(wholesale_variants[name], clients["channel"])


def _raw_segments(buying):
    """Notebook 03, section 3: k-means on the raw features; sizes smallest first, the smallest's median revenue."""
    raw = kamlab.AccountSegmenter(FEATURES_03, n_segments=4, random_state=0, progress=False, log_features=None,
                                  scaler=None).fit(buying)
    profiles = kamlab.segment_profiles(buying, segmenter=raw).sort_values("size")
    return [n(profiles["size"].iloc[0]), f"{profiles['median_revenue'].iloc[0] / 1e6:.1f}",
            *(n(size) for size in profiles["size"].iloc[1:])]


def _service_row(buying, segmenter03, segment, order):
    """Notebook 03, section 7: a segment's accounts, shares of revenue and DB IV, DB IV and cost-to-serve rates.

    The segment numbers are the notebook's SEGMENT_NAMES: 2 Core accounts, 3 Volume key accounts."""
    items = ["marketing", "sales_visits", "order_handling", "logistics", "technical_service"]
    mine = segmenter03.labels_ == segment
    revenue, db4 = buying.loc[mine, "revenue"].sum(), buying.loc[mine, "db4"].sum()
    row = {"accounts": n(mine.sum()), "revenue": pct0(revenue / buying["revenue"].sum()),
           "db4": pct0(db4 / buying["db4"].sum()), "db4_rate": pct0(db4 / revenue),
           "cost": pct0(buying.loc[mine, items].sum().sum() / revenue)}
    return [row[name] for name in order.split()]


def _with_mix(case, buying):
    """Notebook 03, section 9: the share of 2025 revenue in service, and in engineering + controls."""
    lines = case.transactions[case.transactions["date"].dt.year == 2025]
    by_offering = lines.pivot_table(index="account_id", columns="offering", values="revenue", aggfunc="sum",
                                    observed=True).reindex(buying["account_id"]).fillna(0).clip(lower=0)
    mix = by_offering.div(by_offering.sum(axis=1), axis=0)
    return buying.assign(service_share=mix["Service & spare parts"].to_numpy(),
                         project_share=(mix["Engineering & retrofit"] + mix["Controls & PLC"]).to_numpy())


def _archetype_ari(case, buying, archetype03, k, mix=False):
    features = FEATURES_03 + ["service_share", "project_share"] if mix else FEATURES_03
    table = _with_mix(case, buying) if mix else buying
    labels = kamlab.AccountSegmenter(features, n_segments=k, random_state=0, progress=False).fit_predict(table)
    return f"{adjusted_rand_score(archetype03, labels):.2f}"


def _best_silhouette(buying):  # notebook 03, section 4
    selection = kamlab.select_k(buying, (2, 10), features=FEATURES_03, random_state=0, progress=False)
    return f"{selection['silhouette'].max():.2f}"


def _pca_shares(buying, segmenter03):
    """Notebook 03, section 6: the shares of variance on segment_map's two axes, and their sum."""
    from kamlab.segment.plots import pca_coordinates

    shares = pca_coordinates(buying, segmenter=segmenter03)[1]
    return [pct0(shares[0]), pct0(shares[1]), pct0(shares[0] + shares[1])]


def _found(archetype03, segmenter03, archetype, segment):
    mine = archetype03 == archetype
    return [n((segmenter03.labels_[mine] == segment).sum()), n(mine.sum())]


def _quadrants(placed):
    counts = placed["quadrant"].value_counts()
    strategic = placed.loc[placed["quadrant"] == "Strategic", "revenue"].sum() / placed["revenue"].sum()
    return (*(n(counts[q]) for q in ("Strategic", "Star", "Status", "Streamline")), pct0(strategic))


def _oat(rated, models):
    oat = kamlab.weight_sensitivity(rated, *models, delta=0.2, method="oat")
    flips = int(oat["flips"].sum())
    return n(flips), n(len(oat)), pct0(flips / len(oat))


def _criteria(models):
    return [*models[0].weights, *models[1].weights]


@pytest.fixture(scope="session")
def lists04(placed):
    """Notebook 04, sections 8-9: the account ids of its lists of 35 and of the best 35 by true headroom."""
    classes = kamlab.abc_analysis(placed, value="revenue", thresholds=(0.8, 0.95), rule="cover")
    select = kamlab.select_key_accounts
    return {"portfolio": select(classes, potential="growth_potential", max_accounts=35)["account_id"],
            "balanced": select(classes, potential="growth_potential", max_accounts=35,
                               quotas={1: 25, 2: 10})["account_id"],
            "abc": classes.head(35)["account_id"]}


def _true_headroom(case, ids):
    return f"{case.truth.set_index('account_id').loc[list(ids), 'headroom_eur_per_year'].sum() / 1e6:.0f}"


def _best_35(case, placed):
    return case.truth.set_index("account_id").loc[placed["account_id"], "headroom_eur_per_year"].nlargest(35).index


def _biggest_prize(case, placed):
    """Notebook 04, section 9: the account with the largest true headroom: wallet, share of wallet, headroom."""
    truth = case.truth.set_index("account_id").loc[placed["account_id"]]
    prize = truth.loc[truth["headroom_eur_per_year"].idxmax()]
    return [f"{prize['wallet_eur_per_year'] / 1e6:.1f}", pct0(prize["share_of_wallet"]),
            f"{prize['headroom_eur_per_year'] / 1e6:.1f}"]


@pytest.fixture(scope="session")
def value04(rated):
    """Notebook 04, section 10: the customer value (DB IV, reference customers' bonus) and without the bonus."""
    return (kamlab.customer_value(rated, monetary="db4", reference_customer="reference_customer"),
            kamlab.customer_value(rated, monetary="db4"))


@pytest.fixture(scope="session")
def placed_value04(placed, value04):
    """Notebook 04, section 10: the matrix with the customer value replacing cooperation and reference value."""
    weights = {"growth_potential": 0.25, "price_enforcement": 0.20, "solvency": 0.10, "customer_value": 0.45}
    scored = placed.drop(columns=["attractive", "strong", "quadrant", "strategy"])
    scored = scored.assign(customer_value=value04[0]["customer_value"].to_numpy())
    scored["attractiveness"] = kamlab.ScoringModel(weights).score(scored)["total"]
    return kamlab.portfolio(scored, size="revenue", labels="mcdonald")


def _moved_04(placed, placed_value04):
    moved = placed["quadrant"].to_numpy() != placed_value04["quadrant"].to_numpy()
    attractive = placed_value04["attractive"].to_numpy()
    return moved, moved & attractive, moved & ~attractive


def _reference_04(rated, value04):
    reference = rated["reference_customer"].to_numpy(dtype=bool)
    value, plain = (v["customer_value"].to_numpy() for v in value04)
    return [n(reference.sum()), n(len(rated)), f"{value[reference].mean():.2f}", f"{value[~reference].mean():.2f}",
            f"{plain[reference].mean():.2f}"]


def _mover_04(rated, placed, placed_value04, name):
    """An account of section 10: revenue and DB IV (about, in thousands), attractiveness before and after."""
    row = np.flatnonzero(rated["name"].to_numpy() == name)[0]
    return [about(rated["revenue"].iloc[row], -3), about(rated["db4"].iloc[row], -3).replace("-", ""),
            f"{placed['attractiveness'].iloc[row]:.2f}", f"{placed_value04['attractiveness'].iloc[row]:.2f}"]


# ----------------------------------------------------------------------------- notebook 05 (potential)
FIRMOGRAPHICS = ["employees", "plants", "industry", "region", "country"]


@pytest.fixture(scope="session")
def wallets05(buying):
    """Notebook 05, sections 3-4: each 2025 account's cross-fitted wallet, by method (90 % quantile)."""
    return {method: kamlab.estimate_wallets(kamlab.WalletEstimator(0.9, method, random_state=0), buying,
                                            FIRMOGRAPHICS, random_state=0) for method in ("gbm", "linear", "knn")}


@pytest.fixture(scope="session")
def truth05(case, buying):
    return case.truth.set_index("account_id").loc[buying["account_id"]]


def _coverage_05(buying):
    """Notebook 05, section 3: gbm's held-out coverage, the mean over five seeded splits."""
    return np.mean([kamlab.evaluate_wallet(kamlab.WalletEstimator(0.9, "gbm", random_state=0), buying[FIRMOGRAPHICS],
                                           buying["revenue"], random_state=split)["coverage"] for split in range(5)])


def _r2_05(buying, truth05):
    """Section 3's R²: least squares of log true wallet on log employees, log plants and the categories."""
    design = pd.get_dummies(buying[["industry", "region", "country"]].astype(str), drop_first=True, dtype=float)
    design = design.assign(log_employees=np.log(buying["employees"]), log_plants=np.log(buying["plants"]), one=1.0)
    y = np.log(truth05["wallet_eur_per_year"].to_numpy())
    fitted = design.to_numpy() @ np.linalg.lstsq(design.to_numpy(), y, rcond=None)[0]
    return [f"{1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2):.2f}"]


def _spearman(a, b):
    from scipy.stats import spearmanr

    return f"{spearmanr(a, b).statistic:.2f}"


@pytest.fixture(scope="session")
def whitespace05(case, buying):
    """Notebook 05, section 5: the whitespace cells, best first, with their true wallet and share."""
    lines = case.transactions[(case.transactions["date"].dt.year == 2025)
                              & case.transactions["account_id"].isin(buying["account_id"])]
    opportunities = kamlab.whitespace(lines, buying.set_index("account_id")[FIRMOGRAPHICS])
    cells = opportunities[opportunities["whitespace"]]
    truth = case.wallets.set_index(["account_id", "offering"]).loc[list(zip(cells["account_id"], cells["offering"]))]
    return opportunities, cells.assign(true_wallet=truth["wallet_eur_per_year"].to_numpy(),
                                       true_share=truth["share_of_wallet"].to_numpy())


@pytest.fixture(scope="session")
def clv05(case):
    """Notebook 05, section 6: BG/NBD and Gamma-Gamma calibrated on 2023-2024, the 2025 holdout."""
    history = kamlab.rfm_summary(case.transactions, "2024-12-31", "W", observation_end="2025-12-31")
    return history, kamlab.BetaGeo().fit(history), kamlab.GammaGamma().fit(history)


def _forecast_groups_05(clv05):
    """Over-forecast of 2025's purchases for 1-4 and for 0 repeat purchases, in percent."""
    history, bgnbd, _ = clv05
    expected = bgnbd.expected_purchases(history["duration_holdout"].iloc[0], history)
    few = history["frequency"].between(1, 4)
    none = history["frequency"] == 0
    return [pct0(expected[mine].mean() / history.loc[mine, "frequency_holdout"].mean() - 1) for mine in (few, none)]


def _revenue_forecast_05(case, buying, clv05):
    history, bgnbd, gamma_gamma = clv05
    year = 365.25 / 7
    value = kamlab.customer_lifetime_value(bgnbd, gamma_gamma, history, horizon=year, discount_rate=0.0,
                                           rate_period=year)
    lines = case.transactions[(case.transactions["date"].dt.year == 2025)
                              & case.transactions["account_id"].isin(buying["account_id"])]
    actual = lines.groupby("account_id", observed=True)["revenue"].sum().reindex(history["account_id"]).fillna(0)
    return [_spearman(value, actual)]


def _alive_auc_05(case):
    """P(alive) at the end of 2025 against the truth, accounts with a repeat purchase."""
    from sklearn.metrics import roc_auc_score

    summary = kamlab.rfm_summary(case.transactions, "2025-12-31", "W")
    p_alive = kamlab.BetaGeo().fit(summary).probability_alive(summary)
    alive = case.truth.set_index("account_id").loc[summary["account_id"], "alive_at_end"].to_numpy()
    repeat = summary["frequency"].to_numpy() > 0
    return [f"{roc_auc_score(alive[repeat], p_alive[repeat]):.2f}"]


@pytest.fixture(scope="session")
def rated05(case, buying, wallets05):
    """Notebook 05, section 7: ratings, estimated wallet and headroom, and the combined potential."""
    rated = buying.merge(case.ratings, on="account_id").merge(
        wallets05["gbm"][["account_id", "wallet", "headroom", "share_of_wallet"]], on="account_id")
    both = kamlab.ScoringModel({"growth_potential": 0.5, "headroom": 0.5}, quantitative={"headroom": "quantile"})
    return rated.assign(potential_both=both.score(rated)["total"])


@pytest.fixture(scope="session")
def lists05(rated05):
    """Notebook 05, section 7: the 20 + 10 + 5 lists with the rating and with the estimated headroom, the 35 largest
    estimated headroom."""
    from kamlab.course import chapter04

    position = kamlab.ScoringModel(chapter04.POSITION_WEIGHTS)
    weights_05 = {"growth_potential": 0.125, "headroom": 0.125,
                  **{k: w for k, w in chapter04.ATTRACTIVENESS_WEIGHTS.items() if k != "growth_potential"}}
    models = {"rating": kamlab.ScoringModel(chapter04.ATTRACTIVENESS_WEIGHTS),
              "headroom": kamlab.ScoringModel(weights_05, quantitative={"headroom": "quantile"})}
    lists = {}
    for potential, attractiveness in models.items():
        placed = kamlab.portfolio(rated05.assign(attractiveness=attractiveness.score(rated05)["total"],
                                                 supplier_position=position.score(rated05)["total"]), size="wallet")
        classes = kamlab.abc_analysis(placed, value="revenue", thresholds=(0.8, 0.95), rule="cover")
        lists[potential] = kamlab.select_key_accounts(
            classes, potential="growth_potential" if potential == "rating" else "headroom", max_accounts=35,
            quotas={1: 20, 2: 10, 3: 5})["account_id"]
    lists["estimated"] = rated05.nlargest(35, "headroom")["account_id"]
    lists["abc"] = rated05.nlargest(35, "revenue")["account_id"]
    return lists


def _graded_05(case, rated05, lists05, *cells):
    """The grades named by "list grade" cells, e.g. "estimated headroom"."""
    return [_grade_05(case, rated05, lists05, cell.split()[0])[cell.split()[1]] for cell in cells]


def _grade_05(case, rated05, lists05, name):
    """Notebook 05, section 7: one list graded against the truth, as the notebook's table writes it."""
    ids = list(lists05[name])
    truth = case.truth.set_index("account_id")
    best = truth.loc[rated05["account_id"], "headroom_eur_per_year"].nlargest(35).index
    graded = truth.loc[ids]
    return {"headroom": f"{graded['headroom_eur_per_year'].sum() / 1e6:.1f}",
            "share": pct0(graded["share_of_wallet"].mean()), "best": n(len(set(ids) & set(best))),
            "shrinking": n(graded["lifecycle"].isin(["shrinking", "lost"]).sum()),
            "crm": n(case.accounts.set_index("account_id").loc[ids, "key_account"].sum())}


def _one_rounded(values, fmt):
    """The one value every item rounds to ("every rating has mean 5.5"), or all of them when they differ."""
    return ", ".join(sorted({fmt.format(v) for v in values}))


# ----------------------------------------------------------------------------- notebook 06 (follow-up)
COVARIATES_06 = ["log_revenue_12m", "log_quote_value", "competitors", "offering", "relationship_at_quote"]


@pytest.fixture(scope="session")
def quotes06(case):
    """Notebook 06's quotes: the case's projects with the log columns of its first cell."""
    quotes = case.projects.copy()
    quotes["log_revenue_12m"] = np.log1p(quotes["revenue_12m"].clip(lower=0) / 10_000)
    quotes["log_quote_value"] = np.log(quotes["quote_value"])
    return quotes


@pytest.fixture(scope="session")
def effects06(quotes06):
    """Notebook 06, section 5: μ(4) − μ(0) by each method (the point estimates need no bootstrap)."""
    return {method: kamlab.followup_effect(quotes06, COVARIATES_06, levels=(0, 4), method=method, n_bootstrap=0,
                                           random_state=0) for method in ("naive", "regression", "ipw", "aipw")}


def _true_effect_06(case):
    mu = case.quote_truth.groupby("followups_k")["p_win"].mean()
    return mu[4] - mu[0]


def _censoring_06(quotes06):
    """Notebook 06, section 3: median days on 30 June 2024 (censored, open dropped) and what happened."""
    first_half = quotes06[(quotes06["quote_date"] >= "2024-01-01") & (quotes06["quote_date"] <= "2024-06-30")]
    censored = kamlab.time_to_decision(first_half, as_of="2024-06-30").summary["median_days"].iloc[0]
    durations, _ = kamlab.projects.decision_durations(first_half, as_of="2024-06-30")
    return [f"{censored:.0f}", f"{durations.loc[durations['decided'], 'days'].median():.0f}",
            f"{first_half['days_to_decision'].astype(float).median():.0f}"]


def _leaky_aipw_06(quotes06):
    """Notebook 06, section 6: AIPW with the account's win rate of the quote's year as a covariate."""
    same_year = [quotes06["account_id"], quotes06["quote_date"].dt.year]
    won = (quotes06["outcome"] == "won").groupby(same_year).transform("sum")
    decided = (quotes06["outcome"] != "open").groupby(same_year).transform("sum")
    leaky = quotes06.assign(account_win_rate_year=(won / decided).fillna(0))
    return kamlab.followup_effect(leaky, COVARIATES_06 + ["account_win_rate_year"], levels=(0, 4), method="aipw",
                                  random_state=0).ate


def _relationship_06(quotes06):
    decided = quotes06[quotes06["outcome"] != "open"]
    levels = decided.groupby(decided["followups"] >= 5)["relationship_at_quote"].mean()
    none = decided.loc[decided["followups"] == 0, "relationship_at_quote"].mean()
    return [f"{levels[True]:.1f}", f"{none:.1f}"]


def _validation_06(quotes06):
    result = kamlab.validate_win_model(kamlab.WinModel(random_state=0), quotes06, COVARIATES_06, "2025-01-01",
                                       random_state=0)
    return [f"{result.brier:.3f}", f"{result.brier_base:.3f}", pct0(result.skill)]


def _pipeline_06(quotes06):
    decided = quotes06[quotes06["outcome"] != "open"]
    model = kamlab.WinModel(random_state=0).fit(decided[COVARIATES_06], (decided["outcome"] == "won").astype(int))
    open_quotes = quotes06[quotes06["outcome"] == "open"]
    forecast = kamlab.pipeline_forecast(model, open_quotes, COVARIATES_06)
    return [f"{open_quotes['quote_value'].sum() / 1e6:.1f}", f"{forecast['expected_won'].sum() / 1e6:.1f}"]


def _price_share_06(quotes06):
    shares = kamlab.loss_reasons(quotes06, by="competitors").set_index(["competitors", "loss_reason"])["share"]
    return [pct0(shares[(1, "price")]), pct0(shares[(4, "price")])]


NUMBERS = [
    # ------------------------------------------------------------------ 00 start here
    ("00_start_here", "the top 20 % of accounts hold about {} % of revenue",
     lambda accounts: [pct0(kamlab.top_share(accounts, 0.2).share)]),
    ("00_start_here", "and {} accounts ({} %) hold half of it",
     lambda accounts: [n(_n_half(accounts)), pct0(_n_half(accounts) / len(accounts))]),
    ("00_start_here", "Kesselbach's {} territory managers serve about {} accounts each; its {} key-account managers "
                      "serve {} key units each; and the global account manager serves {} groups that buy in "
                      "several countries, with {} accounts between them.",
     _organisation_00),
    ("00_start_here", "The Möller group has {} entities in {} countries",
     lambda case: [n((case.accounts["group_id"] == "G001").sum()),
                   n(case.accounts.loc[case.accounts["group_id"] == "G001", "country"].astype(str).nunique())]),
    ("00_start_here", "In 2025 the Möller group bought {} million EUR, more than the biggest single account ({} "
                      "million EUR)",
     _revenue_2025_00),
    ("00_start_here", "In the median a customer of the key-account team met {} different Kesselbach people in 2025, "
                      "a territory customer {} (counting the customers contacted that year); account K{} met {}.",
     _people_00),
    ("00_start_here", "At the key-account team's accounts {} % of the contacts were coordinated with the account "
                      "manager, at the territory accounts {} %.",
     _coordinated_00),
    ("00_start_here", "{} customers are references: {} % of the key-account team's accounts and {} % of the "
                      "territory accounts.",
     _references_00),
    # ------------------------------------------------------------------ 01 data
    ("01_data", "**Rows**: {} read, {} kept — nothing set aside",
     lambda export: [n(len(export[0])), n(len(export[0]))]),
    ("01_data", "{} EUR is {} (the amount with the letter O) + {} (the impossible date) + {} (the line without a",
     lambda export: [eur2(export[0]["revenue"].sum() - export[1]["revenue"].sum()),
                     *(eur2(v) for v in _set_aside_amounts(export))]),
    ("01_data", "{} EUR of real sales in the faulty file",
     lambda export: [eur2(export[0]["revenue"].sum() - export[1]["revenue"].sum())]),
    ("01_data", "K00001 ordered {} times in {} different months, got {} credit notes, and last ordered {} days before "
                "the last day of the data ({} December {})",
     lambda accounts: [n(_k00001(accounts)["orders"]), n(_k00001(accounts)["active_months"]),
                       n(_k00001(accounts)["credit_notes"]),
                       n(_k00001(accounts)["recency_days"]), str(accounts.attrs["as_of"].day),
                       str(accounts.attrs["as_of"].year)]),
    ("01_data", "its revenue of the last 12 months is {} % above",
     lambda accounts: [pct0(_k00001(accounts)["growth"])]),
    ("01_data", "from {} EUR to {} million EUR over three years",
     lambda accounts: [f"{accounts.loc[accounts['revenue'] > 0, 'revenue'].min():.0f}",
                       f"{accounts['revenue'].max() / 1e6:.1f}"]),
    ("01_data", "The typical account (the median) bought about {} EUR; {} accounts bought more than a million each",
     lambda accounts: [about(accounts.loc[accounts["revenue"] > 0, "revenue"].median(), -3),
                       n((accounts["revenue"] > 1e6).sum())]),
    ("01_data", "it holds about {} % of revenue", lambda online_retail_lines: [pct0(_missing_share(online_retail_lines))]),
    ("01_data", "A quarter of the Online Retail lines ({} % of revenue)",
     lambda online_retail_lines: [pct0(_missing_share(online_retail_lines))]),
    ("01_data", "The case company has {} accounts and {} invoice lines",
     lambda case: [n(len(case.accounts)), n(len(case.transactions))]),
    ("01_data", "Online Retail: {} real lines, {} without a customer",
     lambda online_retail_lines: [n(len(online_retail_lines)), n(online_retail_lines["account_id"].isna().sum())]),
    ("01_data", "Leaving it out, {} customers remain; the top 20 % of them hold {} % of their revenue",
     lambda retail_customers: [n(len(retail_customers)), pct1(kamlab.top_share(retail_customers, 0.2).share)]),
    # ------------------------------------------------------------------ 02 key accounts
    ("02_key_accounts", "{} accounts that bought nothing in 2025 but still cost money",
     lambda t25: [n((t25["revenue"] == 0).sum())]),
    ("02_key_accounts", "With {} buying accounts", lambda t25: [n((t25["revenue"] > 0).sum())]),
    ("02_key_accounts", "The plan adds {} key accounts that the 2025 figures do not show. {} of them",
     lambda: [n(_plan_lists_02()["plan_only"]), n(_plan_lists_02()["expansion"])]),
    ("02_key_accounts", "2025 revenue of about {} to {} EUR, but a target about {} times as high",
     lambda: [about(_plan_lists_02()["low"], -4), about(_plan_lists_02()["high"], -4),
              f"{_plan_lists_02()['times']:.0f}"]),
    ("02_key_accounts", "The other {} reach the list of target DB I only",
     lambda: [n(_plan_lists_02()["plan_only"] - _plan_lists_02()["expansion"])]),
    ("02_key_accounts", "round, {} accounts are key accounts on the 2025 figures but not on the plan",
     lambda: [n(_plan_lists_02()["actual_only"])]),
    ("02_key_accounts", "On the 2026 plan {} accounts become key accounts", lambda: [n(_plan_lists_02()["plan_only"])]),

    ("02_key_accounts", "the {} without a share included",
     lambda abc_2025: [n((abc_2025["abc"] == kamlab.identify.NO_SHARE).sum())]),
    ("02_key_accounts", "The {} accounts that bought nothing in 2025 count here",
     lambda t25: [n((t25["revenue"] == 0).sum())]),
    ("02_key_accounts", "{} accounts lose money at DB IV", lambda t25: [n((t25["db4"] < 0).sum())]),
    ("02_key_accounts", "the biggest single customer holds only {} %", lambda abc_2025: [pct1(abc_2025.iloc[0]["share"])]),
    ("02_key_accounts", "takes about {} % of DB I ({} down to {} million EUR)",
     lambda t25: [about_5(1 - t25["db4"].sum() / t25["db1"].sum()), f"{t25['db1'].sum() / 1e6:.1f}",
                  f"{t25['db4'].sum() / 1e6:.1f}"]),
    ("02_key_accounts", "a \"customer\" worth {} million pounds",
     lambda online_retail_lines: [
         f"{online_retail_lines.loc[online_retail_lines['account_id'].isna(), 'revenue'].sum() / 1e6:.1f}"]),
    ("02_key_accounts", "(the {} % above)", lambda online_retail_lines: [pct1(_missing_share(online_retail_lines))]),
    ("02_key_accounts", "lines without a customer dropped, {} % of revenue",
     lambda online_retail_lines: [pct1(_missing_share(online_retail_lines))]),
    ("02_key_accounts", "gives {} candidates of {} online customers ({} %) and {} of {} industrial accounts ({} %)",
     lambda retail_customers, t25: [
         *(f(x) for f, x in zip((n, n), _profile(retail_customers))),
         pct0(_profile(retail_customers)[0] / _profile(retail_customers)[1]),
         *(f(x) for f, x in zip((n, n), _profile(t25))), pct0(_profile(t25)[0] / _profile(t25)[1])]),
    ("02_key_accounts", "about {} of the case company's {} accounts hold 60 % of revenue",
     lambda t25: [about(_profile(t25)[0], -1), about(_profile(t25)[1], -2)]),
    ("02_key_accounts", "Gini {}, top 10 % hold {} %, no customer above {} %",
     lambda t25, abc_2025: [f"{kamlab.concentration(t25, value='revenue').gini:.2f}",
                            pct0(kamlab.concentration(t25, value="revenue").top_shares[0.1]),
                            pct1(abc_2025.iloc[0]["share"])]),
    ("02_key_accounts", "{} accounts are A by revenue but C or loss-making by DB IV", lambda t25: [n(len(_thin(t25)))]),
    # ------------------------------------------------------------------ 03 segmentation
    ("03_segmentation", "A supplier cannot serve {} customers one by one", lambda buying: [n(len(buying))]),
    ("03_segmentation", "Serving an account of the biggest fifth costs about {} EUR a year, an account of the smallest "
                        "fifth about {} EUR",
     lambda fifths: [about(fifths["per_account"].iloc[-1], -3), about(fifths["per_account"].iloc[0], -2)]),
    ("03_segmentation", "({} % of their revenue against {} %)",
     lambda fifths: [pct0(fifths["rate"].iloc[0]), pct0(fifths["rate"].iloc[-1])]),
    ("03_segmentation", "serving a small account costs {} % of its revenue, a big one {} % — but {} EUR against {} EUR",
     lambda fifths: [pct0(fifths["rate"].iloc[0]), pct0(fifths["rate"].iloc[-1]),
                     about(fifths["per_account"].iloc[-1], -3), about(fifths["per_account"].iloc[0], -2)]),
    ("03_segmentation", "The *Key* segment is {} accounts with {} % of the revenue, *Win back* names {} accounts",
     lambda rfm: [n(len(_rfm_segment(rfm, "Key")[0])), pct0(_rfm_segment(rfm, "Key")[1]),
                  n(len(_rfm_segment(rfm, "Win back")[0]))]),
    ("03_segmentation", "The *Key* segment earns the lowest DB IV rate ({} %) and holds {} accounts that lose money",
     lambda rfm: [pct0(_rfm_segment(rfm, "Key")[2]), n((_rfm_segment(rfm, "Key")[0]["db4"] < 0).sum())]),
    ("03_segmentation", "its *Key* segment has the lowest DB IV rate ({} %) and {} loss-making accounts",
     lambda rfm: [pct0(_rfm_segment(rfm, "Key")[2]), n((_rfm_segment(rfm, "Key")[0]["db4"] < 0).sum())]),
    ("03_segmentation", "{} accounts are \"111\" and {} are \"555\"",
     lambda rfm: [n((rfm["rfm"] == "111").sum()), n((rfm["rfm"] == "555").sum())]),
    ("03_segmentation", "four segments of {} to {} accounts",
     lambda buying: [n(_segment_sizes(buying).min()), n(_segment_sizes(buying).max())]),
    ("03_segmentation", "hold the annual spend of {} clients", lambda clients: [n(len(clients))]),
    ("03_segmentation", "{} clients) or *Retail* ({})",
     lambda clients: [n((clients["channel"] == "Horeca").sum()), n((clients["channel"] == "Retail").sum())]),
    ("03_segmentation", "All six spends are skewed (skewness {} to {})",
     lambda clients: [f"{clients[SPEND].skew().min():.1f}", f"{clients[SPEND].skew().max():.1f}"]),
    ("03_segmentation", "k-means on log spend puts **{} %** of the clients into their channel's segment (ARI {}), "
                        "against {} % for the rule",
     lambda wholesale_variants, clients: [
         pct1(_agreement(wholesale_variants, clients, "log, scaled")),
         f"{adjusted_rand_score(clients['channel'], wholesale_variants['log, scaled']):.2f}",
         pct1(clients["channel"].value_counts(normalize=True).max())]),
    ("03_segmentation", "The Gaussian mixture does best ({} %, the published level); leaving out the scaling helps a "
                        "little here ({} %)",
     lambda wholesale_variants, clients: [pct1(_agreement(wholesale_variants, clients, "gmm")),
                                          pct1(_agreement(wholesale_variants, clients, "log, not scaled"))]),
    ("03_segmentation", "{} % when scaled, **{} %** on the raw spend",
     lambda wholesale_variants, clients: [pct1(_agreement(wholesale_variants, clients, "scaled, no log")),
                                          pct1(_agreement(wholesale_variants, clients, "raw"))]),
    ("03_segmentation", "(the smaller segment holds {})",
     lambda wholesale_variants: [n(np.bincount(wholesale_variants["raw"]).min())]),
    ("03_segmentation", "on Wholesale raw spend recovered the channel for {} % of the clients, below the {} % baseline",
     lambda wholesale_variants, clients: [pct1(_agreement(wholesale_variants, clients, "raw")),
                                          pct1(clients["channel"].value_counts(normalize=True).max())]),
    ("03_segmentation", "without being told for **{} %** of the clients (Gaussian mixture {} %)",
     lambda wholesale_variants, clients: [pct1(_agreement(wholesale_variants, clients, "log, scaled")),
                                          pct1(_agreement(wholesale_variants, clients, "gmm"))]),
    ("03_segmentation", "Revenue has a skewness of {} and, unscaled, {} % of the variance",
     lambda buying: [f"{buying['revenue'].skew():.0f}",
                     pct1(buying[FEATURES_03].astype(float).var()["revenue"]
                          / buying[FEATURES_03].astype(float).var().sum())]),
    ("03_segmentation", "one segment of {} accounts with a median revenue of {} million EUR, one of {}, one of {} and "
                        "everybody else ({} accounts)", _raw_segments),
    ("03_segmentation", "Raw, k-means found a segment of the {} biggest customers",
     lambda buying: _raw_segments(buying)[:1]),
    ("03_segmentation", "The best silhouette is only {}",
     lambda buying: [_best_silhouette(buying)]),
    ("03_segmentation", "the silhouette said 2 ({}, a weak structure)",
     lambda buying: [_best_silhouette(buying)]),
    ("03_segmentation", "Two and three segments come back almost unchanged in every subsample (mean ARI {} and {}). "
                        "Four segments move more — mean ARI {} ± {}",
     lambda stability03: [f"{v:.2f}" for v in (*stability03.loc[[2, 3, 4], "mean_ari"],
                                                stability03.loc[4, "std_ari"])]),
    ("03_segmentation", "each of the four segments is stable (mean Jaccard at least {}). Five and six segments are "
                        "trustworthy too (mean ARI {} and {})",
     lambda stability03: [f"{v:.2f}" for v in (stability03.loc[4, "min_jaccard"],
                                                *stability03.loc[[5, 6], "mean_ari"])]),
    ("03_segmentation", "k = 4 has a mean ARI of {} — trustworthy, if less firmly than k = 2 ({})",
     lambda stability03: [f"{v:.2f}" for v in stability03.loc[[4, 2], "mean_ari"]]),
    ("03_segmentation", "although the same segmentations had stability ARIs of {} and {}",
     lambda stability03: [f"{v:.2f}" for v in stability03.loc[[2, 4], "mean_ari"]]),
    ("03_segmentation", "here {} % + {} % = {} %",
     lambda buying, segmenter03: _pca_shares(buying, segmenter03)),
    ("03_segmentation", "| **Volume key accounts** | {} | {} % of revenue, but only {} % of DB IV: cost to serve {} % of "
                        "revenue, DB IV rate {} %",
     lambda buying, segmenter03: _service_row(buying, segmenter03, 3, "accounts revenue db4 cost db4_rate")),
    ("03_segmentation", "| **Core accounts** | {} | {} % of revenue, {} % of DB IV, DB IV rate {} % at {} % cost to serve",
     lambda buying, segmenter03: _service_row(buying, segmenter03, 2, "accounts revenue db4 db4_rate cost")),
    ("03_segmentation", "An ARI of {} (k = 2) and {} (k = 4) is low",
     lambda case, buying, archetype03: [_archetype_ari(case, buying, archetype03, k) for k in (2, 4)]),
    ("03_segmentation", "nearly all **distributors** ({} of {}) and most **OEMs** ({} of {}) land in *Volume key "
                        "accounts*; most **occasional buyers** ({} of {}) in *Occasional and lapsing*",
     lambda archetype03, segmenter03: [*_found(archetype03, segmenter03, "Price-driven distributor", 3),
                                       *_found(archetype03, segmenter03, "Strategic OEM", 3),
                                       *_found(archetype03, segmenter03, "Occasional buyer", 1)]),
    ("03_segmentation", "the ARI rises from {} to **{}** (six segments)",
     lambda case, buying, archetype03: [_archetype_ari(case, buying, archetype03, 4),
                                        _archetype_ari(case, buying, archetype03, 6, mix=True)]),
    ("03_segmentation", "(ARI {} with four segments; {} with the product mix and six)",
     lambda case, buying, archetype03: [_archetype_ari(case, buying, archetype03, 4),
                                        _archetype_ari(case, buying, archetype03, 6, mix=True)]),
    # ------------------------------------------------------------------ 04 portfolio
    ("04_portfolio", "Every rating has mean {} and standard deviation {} over all {} accounts",
     lambda case, models: [_one_rounded(case.ratings[_criteria(models)].mean(), "{:.1f}"),
                           _one_rounded(case.ratings[_criteria(models)].std(), "{:.0f}"),
                           n(len(case.ratings))]),
    ("04_portfolio", "**Strategic** quadrant: {} accounts with {} % of the revenue",
     lambda placed: [_quadrants(placed)[0], _quadrants(placed)[4]]),
    ("04_portfolio", "{} Strategic, {} Star, {} Status, {} Streamline accounts; Strategic holds {} % of revenue",
     lambda placed: list(_quadrants(placed))),
    ("04_portfolio", "{} accounts meet a rule", lambda pool: [n(len(pool))]),
    ("04_portfolio", "so {} core accounts compete for 35 places", lambda pool: [n((pool["priority"] == 1).sum())]),
    ("04_portfolio", "{} of {} accounts ({} %) can change quadrant", lambda rated, models: list(_oat(rated, models))),
    ("04_portfolio", "put its position at {} — just below the split at {}",  # the fifth biggest customer
     lambda placed: [f"{placed.nlargest(5, 'revenue')['supplier_position'].iloc[-1]:.2f}",
                     f"{placed.attrs['split'][0]:.2f}"]),
    ("04_portfolio", "and {} of the 35 biggest customers are among them",
     lambda rated, models, placed: [n(kamlab.weight_sensitivity(rated, *models, delta=0.2, method="oat")
                                      .merge(placed[["account_id", "revenue"]], on="account_id")
                                      .nlargest(35, "revenue")["flips"].sum())]),
    ("04_portfolio", "strong quadrants hold about twice the true share of weak ones ({} % vs {} % between Strategic "
                     "and Star, {} % vs {} % between Status and Streamline)",
     lambda case, placed: [pct0(v) for v in placed.join(case.truth.set_index("account_id")["share_of_wallet"],
                                                        on="account_id").groupby("quadrant", observed=True)
                           ["share_of_wallet"].mean()[["Strategic", "Star", "Status", "Streamline"]]]),
    ("04_portfolio", "it agrees with the CRM's key accounts on {} of 35",
     lambda case, lists04: [n(case.accounts.set_index("account_id").loc[lists04["portfolio"], "key_account"].sum())]),
    ("04_portfolio", "The portfolio list holds *less* true headroom than plain ABC ({} vs {} million EUR a year)",
     lambda case, lists04: [_true_headroom(case, lists04[name]) for name in ("portfolio", "abc")]),
    ("04_portfolio", "The balanced list wins it back and more ({} million EUR)",
     lambda case, lists04: [_true_headroom(case, lists04["balanced"])]),
    ("04_portfolio", "spends about {} million EUR a year on what we sell and gives us {} % of it: {} million EUR of "
                     "headroom, the most of any account", _biggest_prize),
    ("04_portfolio", "The best 35 by true headroom hold {} million EUR, and only {} to {} of them are on our lists: big "
                     "wallets where our share is small ({} %)",
     lambda case, placed, lists04: [
         _true_headroom(case, _best_35(case, placed)),
         *(n(f(len(set(ids) & set(_best_35(case, placed))) for ids in lists04.values())) for f in (min, max)),
         pct0(case.truth.set_index("account_id").loc[_best_35(case, placed), "share_of_wallet"].mean())]),
    ("04_portfolio", "The {} reference customers among the {} accounts score {} on average, the others {}; without the "
                     "bonus the reference customers still score {}", _reference_04),
    ("04_portfolio", "most on the money ({} against {})",
     lambda rated, value04: [f"{value04[1]['monetary'][rated['reference_customer'].astype(bool)].mean():.2f}",
                             f"{value04[1]['monetary'][~rated['reference_customer'].astype(bool)].mean():.2f}"]),
    ("04_portfolio", "**{} accounts change quadrant**: {} become attractive, {} unattractive. The split of "
                     "attractiveness barely moves ({} to {})",
     lambda placed, placed_value04: [*(n(m.sum()) for m in _moved_04(placed, placed_value04)),
                                     f"{placed.attrs['split'][1]:.2f}", f"{placed_value04.attrs['split'][1]:.2f}"]),
    ("04_portfolio", "Kessler Antriebshandel AG buys {} EUR a year, but its DB IV is −{} EUR: it loses money after the "
                     "cost to serve, and it falls from Strategic to Status (attractiveness {} to {})",
     lambda rated, placed, placed_value04: _mover_04(rated, placed, placed_value04, "Kessler Antriebshandel AG")),
    ("04_portfolio", "Schulte Antriebshandel GmbH, with a DB IV of {} EUR, rises from Streamline to Star ({} to {})",
     lambda rated, placed, placed_value04: _mover_04(rated, placed, placed_value04,
                                                     "Schulte Antriebshandel GmbH")[1:]),
    ("04_portfolio", "The accounts that become attractive earn a median DB IV rate of {} %, those that become "
                     "unattractive {} %; {} of the latter lose money",
     lambda rated, placed, placed_value04: [
         *(pct0((rated["db4"] / rated["revenue"])[m].median()) for m in _moved_04(placed, placed_value04)[1:]),
         n(((rated["db4"] < 0).to_numpy() & _moved_04(placed, placed_value04)[2]).sum())]),
    ("04_portfolio", "{} of the ten biggest change quadrant, and {} of the 35 biggest does",
     lambda placed, placed_value04: [n(_moved_04(placed, placed_value04)[0][
         np.argsort(-placed["revenue"].to_numpy(), kind="stable")[:k]].sum()) for k in (10, 35)]),
    ("04_portfolio", "As a criterion of attractiveness it moves {} accounts",
     lambda placed, placed_value04: [n(_moved_04(placed, placed_value04)[0].sum())]),
    ("04_portfolio", "the case company has {} key-account managers and one global account manager",
     lambda case: [n((case.staff["role"] == "key_account_manager").sum())]),
    # ------------------------------------------------------------------ 05 potential
    ("05_potential", "One split is one sample of {} accounts",  # evaluate_wallet holds out 30 %, rounded up
     lambda buying: [n(math.ceil(0.3 * len(buying)))]),
    ("05_potential", "The CDNOW sample — {} people",
     lambda data_home: [n(kamlab.datasets.fetch_cdnow(data_home, download_if_missing=False)["customer_id"].nunique())]),
    ("05_potential", "the accounts where the CRM records *no* competitor give us {} % of their wallet",
     lambda case, truth05: [pct0(truth05["share_of_wallet"][
         case.ratings.set_index("account_id").loc[truth05.index, "n_competitors"].to_numpy() == 0].mean())]),
    ("05_potential", "in the case company R² = {} on the log scale", _r2_05),
    ("05_potential", "`kamlab.WalletEstimator(0.9, \"gbm\")` covers {} of held-out case accounts on average over five "
                     "splits", lambda buying: [f"{_coverage_05(buying):.3f}"]),
    ("05_potential", "(Spearman {} for gbm, {} for the linear model, {} for the neighbours) — far better than revenue "
                     "does ({})",
     lambda buying, wallets05, truth05: [
         *(_spearman(wallets05[m]["wallet"], truth05["wallet_eur_per_year"]) for m in ("gbm", "linear", "knn")),
         _spearman(buying["revenue"], truth05["wallet_eur_per_year"])]),
    ("05_potential", "ranks the accounts like their true wallets (Spearman {})",
     lambda wallets05, truth05: [_spearman(wallets05["gbm"]["wallet"], truth05["wallet_eur_per_year"])]),
    ("05_potential", "it ranks accounts well (Spearman {} with the truth)",
     lambda wallets05, truth05: [_spearman(wallets05["gbm"]["wallet"], truth05["wallet_eur_per_year"])]),
    ("05_potential", "only about one account in seven ({} %) is estimated at or above its truth",
     lambda wallets05, truth05: [pct0(np.mean(wallets05["gbm"]["wallet"].to_numpy()
                                              >= truth05["wallet_eur_per_year"].to_numpy()))]),
    ("05_potential", "even at the 90th percentile the true share of wallet is {} %",
     lambda truth05: [pct0(truth05["share_of_wallet"].quantile(0.9))]),
    ("05_potential", "Of the 100 best opportunities, about {} are mining and {} farming",
     lambda whitespace05: [n(whitespace05[0].head(100)["whitespace"].sum()),
                           n((~whitespace05[0].head(100)["whitespace"]).sum())]),
    ("05_potential", "The top-ranked whitespace is real: {} % of those cells are truly not bought from us",
     lambda whitespace05: [pct0(np.mean(whitespace05[1].head(200)["true_share"] == 0))]),
    ("05_potential", "The top-ranked whitespace cells are mostly truly not bought from us ({} %)",
     lambda whitespace05: [pct0(np.mean(whitespace05[1].head(200)["true_share"] == 0))]),
    ("05_potential", "(Spearman about {}): the neighbours' spend is a rough guess",
     lambda whitespace05: [f"{float(_spearman(whitespace05[1]['expected_value'], whitespace05[1]['true_wallet'])):.1f}"]),
    ("05_potential", "both for one to four repeat purchases ({} %) and for none ({} %)", _forecast_groups_05),
    ("05_potential", "Five per cent too high in total, rank correlation {} per account", _revenue_forecast_05),
    ("05_potential", "the model separates the living from the lost very well (AUC {})", _alive_auc_05),
    ("05_potential", "separates lost from living repeat buyers (AUC {})", _alive_auc_05),
    ("05_potential", "nearly as well as the key-account managers' rating ({} against {})",
     lambda rated05, truth05: [_spearman(rated05[c], truth05["headroom_eur_per_year"].to_numpy())
                               for c in ("headroom", "growth_potential")]),
    ("05_potential", "rank the true headroom nearly equally well alone ({} and {}) and clearly better together ({})",
     lambda rated05, truth05: [_spearman(rated05[c], truth05["headroom_eur_per_year"].to_numpy())
                               for c in ("headroom", "growth_potential", "potential_both")]),
    ("05_potential", "than with the rating ({} against {} million EUR a year) and as many of the best 35 ({})",
     lambda case, rated05, lists05: _graded_05(case, rated05, lists05, "headroom headroom", "rating headroom",
                                               "headroom best")),
    ("05_potential", "but hold as much true headroom ({} against {} million EUR a year), at a true share of wallet of "
                     "{} % — the profile of the best 35 by true headroom — and as many of them ({}) as the ABC list",
     lambda case, rated05, lists05: _graded_05(case, rated05, lists05, "estimated headroom", "abc headroom",
                                               "estimated share", "estimated best")),
    ("05_potential", "{} of them are shrinking or lost, only {} are key accounts in the CRM",
     lambda case, rated05, lists05: _graded_05(case, rated05, lists05, "estimated shrinking", "estimated crm")),
    ("05_potential", "The 35 accounts with the largest *estimated* headroom buy {} million EUR from us together",
     lambda rated05: [f"{rated05.nlargest(35, 'headroom')['revenue'].sum() / 1e6:.1f}"]),
    ("05_potential", "a rank correlation of {} for the headroom",
     lambda rated05, truth05: [_spearman(rated05["headroom"], truth05["headroom_eur_per_year"].to_numpy())]),
    # ------------------------------------------------------------------ 06 follow-up
    ("06_follow_up", "Of the {} quotes of 2023–2025, {} were still open at the end of 2025",
     lambda quotes06: [n(len(quotes06)), n((quotes06["outcome"] == "open").sum())]),
    ("06_follow_up", "A third of the decided quotes were won ({} %), by value a little more ({} %)",
     lambda quotes06: [pct1(kamlab.win_rates(quotes06)[c].iloc[0]) for c in ("win_rate", "value_win_rate")]),
    ("06_follow_up", "from {} % with one competitor to {} % with four",
     lambda quotes06: [pct0(kamlab.win_rates(quotes06, by="competitors").set_index("competitors")["win_rate"][k])
                       for k in (1, 4)]),
    ("06_follow_up", "Dropping the open quotes gives a median of {} days instead of {}",
     lambda quotes06: _censoring_06(quotes06)[1::-1]),
    ("06_follow_up", "right on what happened later ({} days)", lambda quotes06: _censoring_06(quotes06)[2:]),
    ("06_follow_up", "gets the median right ({} days for the first half of 2024); dropping the open quotes makes "
                     "decisions look faster than they are ({} days)",
     lambda quotes06: _censoring_06(quotes06)[:2]),
    ("06_follow_up", "{} % of the lost quotes with one competitor, {} % with four", _price_share_06),
    ("06_follow_up", "a relationship level of {} at the quote date, against {} for the quotes without follow-up",
     _relationship_06),
    ("06_follow_up", "four follow-ups add {} points of win probability; the truth is {} points",
     lambda effects06, case: [pct1(effects06["naive"].ate), pct1(_true_effect_06(case))]),
    ("06_follow_up", "regression {} points, IPW {}, AIPW {}",
     lambda effects06: [pct1(effects06[m].ate) for m in ("regression", "ipw", "aipw")]),
    ("06_follow_up", "Graded against the truth — {} points for four follow-ups instead of none — the raw comparison "
                     "says {}",
     lambda effects06, case: [pct1(_true_effect_06(case)), pct1(effects06["naive"].ate)]),
    ("06_follow_up", "AIPW falls from {} to {} points",
     lambda effects06, quotes06: [pct1(effects06["aipw"].ate), pct1(_leaky_aipw_06(quotes06))]),
    ("06_follow_up", "Brier score is {} against {} for the base rate, a skill of {} %", _validation_06),
    ("06_follow_up", "(Brier {} against {})", lambda quotes06: _validation_06(quotes06)[:2]),
    ("06_follow_up", "worth {} million EUR quoted; the model expects orders of about {} million EUR", _pipeline_06),
    # ------------------------------------------------------------------ 07 account plan
    ("07_account_plan", "none of its {} entities is among the {} biggest accounts",
     lambda: [n(len(_units_07()["g001"])), n(_units_07()["g001"]["rank"].min() - 2)]),
    ("07_account_plan", "the **biggest customer** of the case company, {} million EUR in 2025 against {} million EUR",
     lambda: [f"{_units_07()['g001']['revenue'].sum() / 1e6:.2f}", f"{_units_07()['biggest_single'] / 1e6:.2f}"]),
    ("07_account_plan", "where {} territory managers each see a part of the group",
     lambda case: [n(case.accounts.loc[case.accounts["group_id"] == "G001", "territory_manager"].nunique())]),
    ("07_account_plan", "the 60 % lists on four measures name {} key units, but the key-account team serves about {}, at {} each",
     lambda: [n(_units_07()["n_key"]), about(_units_07()["team_units"], -1),
              f"{_units_07()['kam_units'] / _units_07()['n_kam']:.0f}"]),
    ("07_account_plan", "{} key units have only their territory manager, and {} units the team serves are on no",
     lambda: [n(_units_07()["key_territory"]), n(_units_07()["team_not_key"])]),
    ("07_account_plan", "{} candidates for about {} places",
     lambda: [n(_units_07()["n_key"]), about(_units_07()["team_units"], -1)]),
    ("07_account_plan", "start from the {} candidates", lambda: [n(_units_07()["n_key"])]),
    ("07_account_plan", "cut the list to what {} key-account managers", lambda: [n(_units_07()["n_kam"])]),
    ("07_account_plan", "biggest customer is a group of {} mid-sized entities", lambda: [n(len(_units_07()["g001"]))]),
]


def _id(row):
    return f"{row[0][:2]}:{re.sub(r'[^a-z0-9]+', '_', row[1].lower().replace('{}', 'N'))[:60].strip('_')}"


@pytest.mark.parametrize(("notebook", "quote", "compute"), NUMBERS, ids=[_id(row) for row in NUMBERS])
def test_prose_number_is_what_kamlab_computes(request, notebook, quote, compute):
    pattern = re.escape(quote).replace(re.escape("{}"), NUMBER)
    found = re.search(pattern, markdown(notebook))
    assert found, f"{notebook}: the text {quote!r} is no longer in the markdown; update NUMBERS with the notebook"
    inputs = {name: request.getfixturevalue(name) for name in inspect.signature(compute).parameters}
    expected = [str(value) for value in compute(**inputs)]
    written = [number.replace("−", "-") for number in found.groups()]
    assert written == expected, f"{notebook}: the prose says {found.group(0)!r}; kamlab computes {expected}"


def test_every_notebook_has_checked_numbers():
    assert {row[0] for row in NUMBERS} == {p.stem for p in NOTEBOOKS.glob("0*.ipynb") if not p.name.endswith(".de.ipynb")}


# ----------------------------------------------------------------------------- which account sits where (issue 16)
def test_04_named_account_sits_in_the_quadrant_the_prose_gives(case, placed):
    """Notebook 04 says Rieger Fördertechnik (the fifth biggest customer, the largest true headroom) sits in Star,
    the quadrant whose German name is Fragezeichenkunde and whose question is Big Step or Out."""
    text = markdown("04_portfolio")
    assert "Rieger Fördertechnik, an OEM and our fifth biggest customer" in text
    assert "The ratings put it in Star (attractive, but we are weak: a *Fragezeichenkunde*, not a *Starkunde*)" in text
    assert "Rieger Fördertechnik, the fifth biggest customer, sits in Star" in text
    names = case.accounts.set_index("account_id")["name"]
    rieger = names[names == "Rieger Fördertechnik GmbH"].index
    assert len(rieger) == 1
    account = rieger[0]
    by_id = placed.set_index("account_id")
    assert by_id.loc[account, "quadrant"] == "Star"
    assert bool(by_id.loc[account, "attractive"]) and not bool(by_id.loc[account, "strong"])
    assert placed.nlargest(5, "revenue")["account_id"].iloc[-1] == account
    truth = case.truth.set_index("account_id").loc[placed["account_id"]]
    assert truth["headroom_eur_per_year"].idxmax() == account
    scores = placed.drop(columns=["quadrant", "strategy", "attractive", "strong"])
    german = kamlab.portfolio(scores, size="revenue", labels="de").set_index("account_id")
    assert german.loc[account, "quadrant"] == "Fragezeichenkunden"
    # Big Step or Out is said of that account as a Fragezeichenkunde, and the vocabulary table agrees
    assert "Invest or withdraw is exactly the *Big Step or Out* question of a *Fragezeichenkunde*" in text
    assert "| **Fragezeichenkunden** | Position verbessern oder aufgeben: *Big Step or Out* |" in text


# ----------------------------------------------------------------------------- judgement exercises (issue 16 §2)
def _k_choice_03(buying, stability03):
    """Notebook 03's exercise 5: the silhouette's k, the elbow's k, and the elbow k's mean stability ARI."""
    selection = kamlab.select_k(buying, (2, 10), features=FEATURES_03, random_state=0, progress=False)
    silhouette_k = int(selection["silhouette"].idxmax())
    elbow_k = int(selection.index[selection["elbow"]][0])
    return [str(silhouette_k), str(elbow_k), str(elbow_k), f"{stability03.loc[elbow_k, 'mean_ari']:.1f}"]


JUDGEMENT_NUMBERS = [
    ("02_key_accounts", "The case company's revenue has a Gini coefficient of about {}, and no customer holds more "
                        "than {} % of it.",
     lambda t25, abc_2025: [f"{kamlab.concentration(t25, value='revenue').gini:.1f}",
                            str(math.ceil(abc_2025.iloc[0]["share"] * 100))]),
    ("03_segmentation", "On the case company the silhouette prefers k = {}, the elbow points to k = {}, and k = {} is "
                        "stable (a mean ARI of about {} over resamples).",
     _k_choice_03),
]


@pytest.mark.parametrize(("notebook", "quote", "compute"), JUDGEMENT_NUMBERS,
                         ids=[_id(row) for row in JUDGEMENT_NUMBERS])
def test_judgement_exercise_number_is_what_kamlab_computes(request, notebook, quote, compute):
    test_prose_number_is_what_kamlab_computes(request, notebook, quote, compute)
