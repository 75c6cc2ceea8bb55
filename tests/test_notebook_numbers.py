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


def _one_rounded(values, fmt):
    """The one value every item rounds to ("every rating has mean 5.5"), or all of them when they differ."""
    return ", ".join(sorted({fmt.format(v) for v in values}))


NUMBERS = [
    # ------------------------------------------------------------------ 00 start here
    ("00_start_here", "the top 20 % of accounts hold about {} % of revenue",
     lambda accounts: [pct0(kamlab.top_share(accounts, 0.2).share)]),
    ("00_start_here", "and {} accounts ({} %) hold half of it",
     lambda accounts: [n(_n_half(accounts)), pct0(_n_half(accounts) / len(accounts))]),
    # ------------------------------------------------------------------ 01 data
    ("01_data", "**Rows**: {} read, {} kept — nothing set aside",
     lambda export: [n(len(export[0])), n(len(export[0]))]),
    ("01_data", "{} EUR is {} (the amount with the letter O) + {} (the impossible date) + {} (the line without a",
     lambda export: [eur2(export[0]["revenue"].sum() - export[1]["revenue"].sum()),
                     *(eur2(v) for v in _set_aside_amounts(export))]),
    ("01_data", "{} EUR of real sales in the faulty file",
     lambda export: [eur2(export[0]["revenue"].sum() - export[1]["revenue"].sum())]),
    ("01_data", "K00001 ordered {} times in {} different months, got one credit note, and last ordered {} days before "
                "the last day of the data ({} December {})",
     lambda accounts: [n(_k00001(accounts)["orders"]), n(_k00001(accounts)["active_months"]),
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
    # ------------------------------------------------------------------ 05 potential
    ("05_potential", "One split is one sample of {} accounts",  # evaluate_wallet holds out 30 %, rounded up
     lambda buying: [n(math.ceil(0.3 * len(buying)))]),
    ("05_potential", "The CDNOW sample — {} people",
     lambda data_home: [n(kamlab.datasets.fetch_cdnow(data_home, download_if_missing=False)["customer_id"].nunique())]),
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
    assert {row[0] for row in NUMBERS} == {path.stem for path in NOTEBOOKS.glob("0*.ipynb")}
