"""The case company: loading, checksums, schema, realism and truth consistency, the generator.

The tests read the case in ``KAMLAB_CASE`` if it is set, else the committed ``datasets/case``.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

import kamlab
from kamlab.data.case import GERMAN_NAMES, SCHEMA, TABLES, default_case_path, load_case
from kamlab.data.casegen import STREAMS, generate_case, generate_from_streams, make_streams
from kamlab.data.casegen.parameters import FOLLOWUP_EFFECT, MAX_FOLLOWUPS
from kamlab.errors import ChecksumError, DatasetError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
REPO_CASE = ROOT / "datasets" / "case"
CASE_DIR = Path(os.environ["KAMLAB_CASE"]).resolve() if os.environ.get("KAMLAB_CASE") else REPO_CASE
if json.loads((CASE_DIR / "manifest.json").read_text(encoding="utf-8"))["generator_version"].startswith("1."):
    pytest.skip(f"{CASE_DIR} is a generator 1.x case; set KAMLAB_CASE to a 2.x case", allow_module_level=True)
START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def case():
    return load_case(CASE_DIR)


@pytest.fixture(scope="module")
def tx(case):
    frame = case.transactions.copy()
    frame["year"] = frame["date"].dt.year
    return frame


@pytest.fixture(scope="module")
def cascade(case, tx):
    """Contribution-margin cascade per account and year, computed here from transactions and costs."""
    sales = tx.groupby(["account_id", "year"]).agg(revenue=("revenue", "sum"), cost=("cost", "sum"))
    sales = sales.reset_index()
    db = case.costs.merge(sales, on=["account_id", "year"], how="left").fillna({"revenue": 0.0, "cost": 0.0})
    db["net_revenue"] = db["revenue"] - db["discounts_rebates"]
    db["db1"] = db["net_revenue"] - db["cost"]
    db["db2"] = db["db1"] - db["marketing"]
    db["db3"] = db["db2"] - db["sales_visits"] - db["order_handling"]
    db["db4"] = db["db3"] - db["logistics"] - db["technical_service"]
    return db


def assert_same_table(left, right):
    """Fast equality of two tables (assert_frame_equal is slow on categoricals); explains a difference."""
    same = list(left.columns) == list(right.columns) and (left.dtypes == right.dtypes).all()
    if not (same and left.equals(right)):
        pd.testing.assert_frame_equal(left, right)


def copy_case(tmp_path):
    target = tmp_path / "case"
    shutil.copytree(CASE_DIR, target)
    return target


# --------------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------------
def test_load_case_twice_gives_equal_tables_and_fresh_copies():
    first = kamlab.load_case()
    first.accounts.loc[0, "employees"] = -1
    first.transactions["revenue"] *= 0
    first.truth["share_of_wallet"] = 0.0
    del first.wallets["offering"]
    second = kamlab.load_case()
    third = load_case(CASE_DIR)
    assert second.accounts.loc[0, "employees"] > 0
    assert second.transactions["revenue"].abs().sum() > 1e8
    assert second.truth["share_of_wallet"].max() > 0
    assert "offering" in second.wallets.columns
    for name in TABLES:
        assert_same_table(second.tables[name], third.tables[name])
        assert second.tables[name] is not third.tables[name]


def test_default_path_is_the_repository_folder_and_env_var_overrides(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMLAB_CASE", raising=False)
    assert default_case_path() == REPO_CASE
    copy = copy_case(tmp_path)
    (copy / "ratings.parquet").write_bytes(b"not parquet")
    monkeypatch.setenv("KAMLAB_CASE", str(copy))
    assert default_case_path() == copy
    with pytest.raises(DatasetError):  # proves the override was read, not the repository copy
        kamlab.load_case()


def test_changed_file_raises_checksum_error_with_advice(tmp_path):
    copy = copy_case(tmp_path)
    path = copy / "accounts.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ChecksumError, match=r"accounts\.parquet.*python -m kamlab\.casegen") as info:
        load_case(copy)
    assert isinstance(info.value, DatasetError) and isinstance(info.value, ValueError)


def test_change_after_a_cached_load_is_detected(tmp_path):
    copy = copy_case(tmp_path)
    assert len(load_case(copy).ratings) == 2000
    path = copy / "ratings.parquet"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ChecksumError):
        load_case(copy)


def test_missing_file_manifest_or_folder_raise_dataset_error(tmp_path):
    copy = copy_case(tmp_path)
    (copy / "projects.parquet").unlink()
    with pytest.raises(DatasetError, match="projects"):
        load_case(copy)
    (copy / "manifest.json").unlink()
    with pytest.raises(DatasetError, match="manifest.json"):
        load_case(copy)
    with pytest.raises(DatasetError, match="does not exist"):
        load_case(tmp_path / "nowhere")
    (copy / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DatasetError, match="not a valid"):
        load_case(copy)


def test_manifest_matches_the_files():
    manifest = json.loads((CASE_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 2024
    assert set(manifest["tables"]) == set(TABLES)
    total = 0
    for entry in manifest["tables"].values():
        data = (CASE_DIR / entry["file"]).read_bytes()
        total += len(data)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert pd.read_parquet(CASE_DIR / entry["file"]).shape == (entry["rows"], entry["columns"])
    assert total < 15e6


def test_repr_lists_tables_with_row_counts_and_no_addresses(case):
    text = repr(case)
    assert "0x" not in text
    assert "Kesselbach" in text
    for name in TABLES:
        assert re.search(rf"^\s+{name}\s+[\d,]+ rows", text, flags=re.M)
    assert "231,621 rows" in text or f"{len(case.transactions):,} rows" in text


def test_describe_documents_every_column(case):
    described = case.describe()
    assert list(described.columns) == ["table", "column", "dtype", "unit", "description"]
    assert len(described) == sum(frame.shape[1] for frame in case.tables.values())
    assert (described["dtype"] != "(missing)").all()
    assert list(case.describe("costs")["column"]) == list(case.costs.columns)
    with pytest.raises(ParameterError, match="accounts"):
        case.describe("customers")


def test_readme_documents_every_table_and_column(case):
    readme = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for name in TABLES:
        match = re.search(rf"^### `{name}`.*?(?=^### |^## |\Z)", readme, flags=re.M | re.S)
        assert match, f"README has no section for {name}"
        for column in case.tables[name].columns:
            assert f"| `{column}` |" in match.group(0), f"README does not document {name}.{column}"


def test_load_case_imports_no_heavy_libraries():
    code = (
        "import sys, kamlab; kamlab.load_case();"
        "print(sorted(m for m in ('sklearn', 'matplotlib', 'scipy', 'seaborn') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "KAMLAB_CASE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------------
# schema and integrity
# --------------------------------------------------------------------------------------------------
def test_columns_follow_the_schema(case):
    for name in TABLES:
        assert list(case.tables[name].columns) == [c for c, _, _ in SCHEMA[name][1]]


def test_dtypes(case):
    for name, frame in case.tables.items():
        for column in frame.columns:
            dtype = frame[column].dtype
            if column.endswith("_id") or column in ("name", "city", "centre_name"):
                assert pd.api.types.is_string_dtype(dtype), column
                assert not isinstance(dtype, pd.CategoricalDtype), column
            if column.endswith("date") or column in ("date", "customer_since"):
                assert pd.api.types.is_datetime64_dtype(dtype), (name, column)
    for column in ("offering", "product_group"):
        assert isinstance(case.transactions[column].dtype, pd.CategoricalDtype)
    assert list(case.transactions["offering"].cat.categories) == list(case.wallets["offering"].cat.categories)
    for column in ("quantity", "line"):
        assert case.transactions[column].dtype == np.int64
    assert case.transactions["is_credit_note"].dtype == bool


def test_ids_are_complete_and_unique(case):
    accounts = case.accounts
    assert accounts["account_id"].is_unique and accounts["account_id"].str.fullmatch(r"K\d{5}").all()
    assert accounts["name"].is_unique
    assert case.centres["centre_id"].is_unique and case.projects["project_id"].is_unique
    for name in ("accounts", "centres", "transactions", "projects", "costs", "ratings", "truth", "wallets"):
        frame = case.tables[name]
        assert frame["account_id"].notna().all()
        assert frame["account_id"].isin(accounts["account_id"]).all(), name
    for name in ("ratings", "truth"):
        assert case.tables[name]["account_id"].tolist() == accounts["account_id"].tolist()
    assert (case.wallets.groupby("account_id").size() == 7).all()
    assert not case.costs.duplicated(["account_id", "year"]).any()
    assert (accounts["plants"] == accounts["account_id"].map(case.centres["account_id"].value_counts())).all()
    for name in ("contacts", "quote_truth"):
        assert case.tables[name]["project_id"].isin(case.projects["project_id"]).all(), name


def test_transactions_are_consistent(case):
    tx = case.transactions
    assert 150_000 <= len(tx) <= 300_000
    assert not tx.duplicated(["invoice_id", "line"]).any()
    assert tx["date"].between(START, END).all()
    assert (tx["date"].dt.day_of_week < 5).all()  # business days only
    centres = case.centres.set_index("centre_id")["account_id"]
    assert (tx["centre_id"].map(centres) == tx["account_id"]).all()
    assert (tx["invoice_id"].str.startswith("GS-") == tx["is_credit_note"]).all()
    assert tx["invoice_id"].str.fullmatch(r"(RE|GS)-20\d\d-\d{6}").all()
    assert (tx["revenue"] - tx["quantity"] * tx["unit_price"]).abs().max() < 0.01
    assert (tx.loc[tx["is_credit_note"], "revenue"] < 0).all()
    assert (tx.loc[~tx["is_credit_note"], "revenue"] > 0).all()
    for column in ("unit_price", "revenue", "cost"):
        assert np.allclose(tx[column], tx[column].round(2), atol=1e-6)
    per_invoice = tx.groupby("invoice_id")[["account_id", "date", "centre_id"]].nunique()
    assert (per_invoice == 1).all().all()
    offering_of_group = case.offerings.set_index("product_group")["offering"]
    assert (tx["product_group"].map(offering_of_group).astype(str) == tx["offering"].astype(str)).all()


def test_projects_link_to_invoices(case):
    projects = case.projects
    tx = case.transactions
    linked = tx.dropna(subset=["project_id"]).merge(projects, on="project_id", suffixes=("", "_quote"))
    assert len(linked) == tx["project_id"].notna().sum()
    assert (linked["outcome"] == "won").all()
    assert (linked["account_id"] == linked["account_id_quote"]).all()
    assert (linked["offering"].astype(str) == linked["offering_quote"].astype(str)).all()
    assert (linked["date"] > linked["quote_date"]).all()
    assert (tx.loc[tx["offering"] == "Engineering & retrofit", "is_credit_note"]).sum() == 0
    open_ = projects["outcome"] == "open"
    assert projects.loc[open_, ["decision_date", "days_to_decision", "order_value"]].isna().all().all()
    decided = projects[~open_]
    assert ((decided["decision_date"] - decided["quote_date"]).dt.days == decided["days_to_decision"]).all()
    assert decided["decision_date"].le(END).all()
    won = projects["outcome"] == "won"
    value = projects.loc[won, "quote_value"]
    assert projects.loc[won, "order_value"].between(0.9 * value, value).all()
    assert projects.loc[projects["outcome"] == "lost", "loss_reason"].notna().all()
    assert projects["competitors"].between(1, 4).all()


def test_ratings_are_integers_from_1_to_10(case):
    ratings = case.ratings
    scales = [c for c in ratings.columns
              if c not in ("account_id", "rating_date", "n_competitors", "reference_customer")]
    assert len(scales) == 11
    assert ratings["reference_customer"].dtype == bool
    for column in scales:
        assert pd.api.types.is_integer_dtype(ratings[column].dtype)
        assert ratings[column].between(1, 10).all()
        assert ratings[column].nunique() >= 8  # the scale is used, not a constant
    assert ratings["n_competitors"].between(0, 9).all()


def test_german_names_cover_every_category_value(case):
    values = set()
    for frame, column in [
        (case.wallets, "offering"),
        (case.accounts, "industry"),
        (case.truth, "archetype"),
        (case.truth, "lifecycle"),
        (case.centres, "role"),
        (case.contacts, "channel"),
        (case.targets, "basis"),
        (case.staff, "function"),
        (case.staff, "role"),
        (case.accounts, "manager_role"),
        (case.touchpoints, "channel"),
    ]:
        values |= set(frame[column].cat.categories)
    assert values <= set(GERMAN_NAMES)
    assert (case.offerings["offering"].map(GERMAN_NAMES) == case.offerings["offering_de"]).all()


# --------------------------------------------------------------------------------------------------
# realism
# --------------------------------------------------------------------------------------------------
def top_share(revenue, share=0.2):
    revenue = revenue.sort_values(ascending=False)
    return revenue.iloc[: int(round(share * len(revenue)))].sum() / revenue.sum()


def test_revenue_is_concentrated_as_in_real_b2b(tx):
    assert 0.6 <= top_share(tx.groupby("account_id")["revenue"].sum()) <= 0.8
    for _, year in tx.groupby("year"):
        assert 0.6 <= top_share(year.groupby("account_id")["revenue"].sum()) <= 0.8


def test_revenue_per_year_is_that_of_a_mittelstaendler(tx):
    per_year = tx.groupby("year")["revenue"].sum()
    assert list(per_year.index) == [2023, 2024, 2025]
    assert per_year.between(80e6, 200e6).all()


def test_some_big_accounts_have_thin_or_negative_margin_after_cost_to_serve(tx, cascade):
    revenue = tx.groupby("account_id")["revenue"].sum().sort_values(ascending=False)
    per_account = cascade.groupby("account_id")[["net_revenue", "db1", "db4"]].sum()
    top = per_account.loc[revenue.index[: len(revenue) // 5]]
    assert (top["db4"] < 0).sum() >= 5
    top50 = per_account.loc[revenue.index[:50]]
    assert ((top50["db4"] / top50["net_revenue"]) < 0.05).sum() >= 2
    assert (top["db1"] > 0).all()  # they are unprofitable because of the cost to serve, not the goods
    assert cascade["db4"].sum() > 0.1 * cascade["net_revenue"].sum()  # the company as a whole earns money
    assert (cascade[["discounts_rebates", "marketing", "logistics", "order_handling"]] >= 0).all().all()


def test_seasonality_august_dip_and_december_peak(tx):
    monthly = tx.groupby(["year", tx["date"].dt.month])["revenue"].sum().unstack()
    for _, months in monthly.iterrows():
        assert months[8] < 0.85 * months.mean()
        assert months[12] > months.mean()
    invoices = tx[~tx["is_credit_note"]].drop_duplicates("invoice_id")
    per_month = invoices.groupby(invoices["date"].dt.month).size()
    assert per_month.idxmin() == 8 and per_month.idxmax() == 12


def test_new_and_lost_accounts(case, tx):
    truth = case.truth.set_index("account_id")
    first = tx.groupby("account_id")["date"].min()
    last_invoice = tx[~tx["is_credit_note"]].groupby("account_id")["date"].max()
    new = truth.index[truth["lifecycle"] == "new"]
    lost = truth.index[truth["lifecycle"] == "lost"]
    assert len(new) >= 50 and len(lost) >= 50
    assert (first[new] >= pd.Timestamp("2024-01-01")).all()
    assert (first[new] >= truth.loc[new, "acquired_date"]).all()
    assert (last_invoice[lost] < truth.loc[lost, "dropout_date"]).all()
    assert truth["alive_at_end"].sum() == len(truth) - len(lost)
    # growing accounts grow, shrinking ones shrink (median of 2025 revenue / 2023 revenue)
    by_year = tx.groupby(["account_id", "year"])["revenue"].sum().unstack(fill_value=0)
    ratio = (by_year[2025] + 1) / (by_year[2023] + 1)
    kind = truth.loc[by_year.index, "lifecycle"]
    assert ratio[kind == "growing"].median() > 1.2 > 0.8 > ratio[kind == "shrinking"].median()


def test_win_rate_rises_with_follow_ups(case):
    decided = case.projects[case.projects["outcome"] != "open"]
    won = decided["outcome"] == "won"
    few, many = decided["followups"] <= 1, decided["followups"] >= 3
    assert won[many].mean() > won[few].mean() + 0.1
    assert won[decided["competitors"] == 1].mean() > won[decided["competitors"] == 4].mean()


def test_margins_differ_by_offering(tx):
    by_offering = tx.groupby("offering", observed=True)[["revenue", "cost"]].sum()
    margin = 1 - by_offering["cost"] / by_offering["revenue"]
    assert margin["Service & spare parts"] == margin.max()
    assert margin["Engineering & retrofit"] == margin.min()


# --------------------------------------------------------------------------------------------------
# truth consistency
# --------------------------------------------------------------------------------------------------
def test_revenue_matches_wallet_times_share(case, tx):
    truth = case.truth.set_index("account_id")
    end = pd.Timestamp("2026-01-01")
    years = (truth["dropout_date"].fillna(end) - truth["acquired_date"].fillna(START)).dt.days / 365.25
    observed = tx.groupby("account_id")["revenue"].sum().reindex(truth.index, fill_value=0) / years
    expected = truth["expected_revenue_eur_per_year"]
    assert 0.9 < observed.sum() / expected.sum() < 1.1
    assert spearmanr(observed, expected)[0] > 0.9
    wallets = case.wallets
    product = wallets["wallet_eur_per_year"] * wallets["share_of_wallet"]
    assert np.allclose(product, wallets["expected_revenue_eur_per_year"], atol=0.01)
    totals = wallets.groupby("account_id")[["wallet_eur_per_year", "expected_revenue_eur_per_year"]].sum()
    assert np.allclose(totals["wallet_eur_per_year"], truth.loc[totals.index, "wallet_eur_per_year"])
    assert np.allclose(truth["share_of_wallet"], expected / truth["wallet_eur_per_year"], atol=1e-4)
    # whitespace (share 0) has no revenue at all; most offerings bought have some
    observed = tx.groupby(["account_id", "offering"], observed=True)["revenue"].sum().rename("observed")
    cells = wallets.merge(observed.reset_index(), on=["account_id", "offering"], how="left")
    cells = cells.fillna({"observed": 0.0})
    whitespace = cells["share_of_wallet"] == 0
    assert whitespace.mean() > 0.4
    assert (cells.loc[whitespace, "observed"] == 0).all()
    assert (cells.loc[~whitespace, "observed"] > 0).mean() > 0.9


def test_wallet_depends_on_firmographics(case):
    data = case.accounts.merge(case.truth, on="account_id")
    assert spearmanr(data["employees"], data["wallet_eur_per_year"])[0] > 0.6
    per_employee = data["wallet_eur_per_year"] / data["employees"] ** 0.75
    by_industry = per_employee.groupby(data["industry"], observed=True).median()
    assert by_industry["Wholesale & distribution"] > 2 * by_industry["Food & beverage"]


def test_ratings_measure_the_truth_with_noise(case):
    data = case.ratings.merge(case.truth, on="account_id")

    def rho(a, b):
        return spearmanr(data[a], data[b])[0]

    assert 0.4 < rho("growth_potential", "headroom_eur_per_year") < 0.95
    assert 0.5 < rho("satisfaction", "share_of_wallet") < 0.95
    assert 0.7 < rho("relationship_level", "relationship") < 0.98
    assert rho("price_enforcement", "list_price_discount") < -0.5
    assert rho("n_competitors", "share_of_wallet") < -0.2
    lost = data["lifecycle"] == "lost"
    assert data.loc[lost, "satisfaction"].mean() < data.loc[~lost, "satisfaction"].mean() - 1


# --------------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------------
def test_generator_is_deterministic_and_seed_dependent():
    first = generate_case(seed=7, n_accounts=200)  # its speed belongs in benchmarks/, not in a test
    second = generate_case(seed=7, n_accounts=200)
    other = generate_case(seed=8, n_accounts=200)
    for name in TABLES:
        assert_same_table(first.tables[name], second.tables[name])
    assert len(first.accounts) == 200
    assert not first.transactions["revenue"].equals(other.transactions["revenue"])
    assert not first.accounts["name"].equals(other.accounts["name"])


def test_generator_uses_no_global_random_state():
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    generate_case(seed=3, n_accounts=30, years=1)
    assert (np.random.get_state()[1] == state).all()


@pytest.mark.parametrize("years", [1, 2])
def test_generator_other_windows(years):
    small = generate_case(seed=11, n_accounts=60, start="2020-01-01", years=years)
    assert small.transactions["date"].dt.year.between(2020, 2019 + years).all()
    assert sorted(small.costs["year"].unique()) == list(range(2020, 2020 + years))
    assert small.transactions["account_id"].nunique() == 60
    new = small.truth[small.truth["lifecycle"] == "new"].set_index("account_id")["acquired_date"]
    first = small.transactions.groupby("account_id")["date"].min()
    assert (first[new.index] >= new).all()


@pytest.mark.parametrize(
    "kwargs",
    [{"start": "2023-03-01"}, {"n_accounts": 5}, {"seed": -1}, {"years": 0}, {"start": "soon"},
     {"seed": 1.5}],
)
def test_generator_rejects_bad_arguments(kwargs):
    with pytest.raises(ParameterError):
        generate_case(**kwargs)


def test_committed_tables_are_what_the_generator_makes(case):
    manifest = json.loads((CASE_DIR / "manifest.json").read_text(encoding="utf-8"))
    if manifest["versions"]["numpy"].split(".")[:2] != np.__version__.split(".")[:2]:
        pytest.skip("the committed tables were made with another numpy version; they stay the reference")
    fresh = generate_case(**{k: manifest["info"][k] for k in ("seed", "n_accounts", "start", "years")})
    for name in TABLES:
        assert_same_table(fresh.tables[name], case.tables[name])


# --------------------------------------------------------------------------------------------------
# random streams, follow-ups, contacts and their truth (generator 2.0)
# --------------------------------------------------------------------------------------------------
def test_each_table_draws_from_its_own_stream_and_appended_streams_change_nothing():
    order = "firmographics names wallets life_cycle terms centres orders credit_notes quotes followups"
    newer = ("groups", "organisation", "targets", "values", "touchpoints")  # generator 2.1
    assert STREAMS == (*order.split(), "project_invoices", "contacts", "costs", "ratings", *newer)  # append only

    def make(*changed, extra=()):
        streams = make_streams(5, STREAMS + extra)
        streams.update({name: np.random.default_rng(99) for name in changed})
        return generate_from_streams(streams, 150, np.datetime64("2023-01-01"), 2, seed=5)

    base = make()
    for changed, differs in [((), ()), (("ratings",), ("ratings",)), (("names",), ("accounts", "groups")),
                             (("contacts",), ("contacts", "projects")), (("values",), ("ratings",)),
                             (("targets",), ("targets",)), (("touchpoints",), ("touchpoints",)),
                             (("organisation",), ("accounts", "staff", "touchpoints"))]:
        other = make(*changed, extra=("plans", "org_charts"))
        for name in TABLES:
            if name in differs:
                assert not base.tables[name].equals(other.tables[name]), (changed, name)
            else:
                assert_same_table(base.tables[name], other.tables[name])
        if changed == ("names",):  # the names only
            assert_same_table(base.accounts.drop(columns="name"), other.accounts.drop(columns="name"))
            assert_same_table(*(case.groups.drop(columns="group_name") for case in (base, other)))
        if changed == ("values",):  # three new columns only
            new = ["multiplier_value", "information_value", "reference_customer"]
            assert_same_table(base.ratings.drop(columns=new), other.ratings.drop(columns=new))
        if changed == ("contacts",):  # and how many contacts of an open quote fall in the window
            assert_same_table(*(case.projects.drop(columns="followups") for case in (base, other)))
            decided = base.projects["outcome"] != "open"
            assert (base.projects["followups"][decided] == other.projects["followups"][decided]).all()


def decided_quotes(case):
    """Decided quotes with the true p_i(k) at their own number of follow-ups (``p_actual``)."""
    truth = case.quote_truth.pivot(index="project_id", columns="followups_k", values="p_win")
    decided = case.projects[case.projects["outcome"] != "open"].reset_index(drop=True)
    p = truth.loc[decided["project_id"]].to_numpy()[np.arange(len(decided)), decided["followups"].to_numpy()]
    return decided.assign(won=(decided["outcome"] == "won").to_numpy(float), p_actual=p)


def binomial_z(won, p):
    return (won - p).sum() / np.sqrt((p * (1 - p)).sum())


def test_quote_truth_holds_every_decided_quote_and_reproduces_the_outcomes(case):
    truth, projects = case.quote_truth, case.projects
    decided = projects.loc[projects["outcome"] != "open", "project_id"]
    assert len(truth) == len(decided) * (MAX_FOLLOWUPS + 1) and set(truth["project_id"]) == set(decided)
    assert (truth["followups_k"].to_numpy().reshape(-1, MAX_FOLLOWUPS + 1) == range(MAX_FOLLOWUPS + 1)).all()
    assert truth["p_win"].between(0, 1).all() and truth["project_id"].is_monotonic_increasing
    assert (truth.groupby("project_id")["p_win"].diff().dropna() > 0).all()  # more follow-ups help
    # the outcome was drawn with p_i(followups): observed win rates match within binomial error
    quotes = decided_quotes(case)
    for k, group in quotes.groupby("followups"):
        assert abs(binomial_z(group["won"], group["p_actual"])) < 3.5, k
    assert abs(binomial_z(quotes["won"], quotes["p_actual"])) < 3.5


def test_contacts_are_the_follow_ups_between_quote_and_decision(case):
    projects, contacts = case.projects, case.contacts
    counts = contacts.groupby("project_id").size().reindex(projects["project_id"], fill_value=0)
    assert (counts.to_numpy() == projects["followups"].to_numpy()).all() and counts.max() <= MAX_FOLLOWUPS
    dated = contacts.merge(projects[["project_id", "quote_date", "decision_date"]], on="project_id")
    assert (dated["contact_date"] > dated["quote_date"]).all()
    assert (dated["contact_date"] <= dated["decision_date"].fillna(END)).all()
    assert (dated["contact_date"].dt.day_of_week < 5).all() and not contacts.duplicated().any()
    assert set(contacts["channel"].cat.categories) == {"phone", "email", "visit", "video"}
    open_ = projects["outcome"] == "open"
    assert 150 <= open_.sum() <= 400 and projects.loc[open_, "followups"].sum() > 0


def test_revenue_12m_is_the_revenue_of_the_365_days_before_the_quote(case):
    quotes = case.projects[case.projects["quote_date"] >= "2024-01-01"]
    tx = case.transactions[["account_id", "date", "revenue"]]
    lines = quotes[["project_id", "account_id", "quote_date"]].merge(tx, on="account_id")
    start = lines["quote_date"] - pd.Timedelta(days=365)
    lines = lines[(lines["date"] >= start) & (lines["date"] < lines["quote_date"])]
    expected = lines.groupby("project_id")["revenue"].sum().reindex(quotes["project_id"], fill_value=0.0)
    assert np.allclose(quotes["revenue_12m"].to_numpy(), expected.to_numpy(), atol=0.02)
    assert case.projects["relationship_at_quote"].between(1, 10).all()


def logistic_fit(X, y):
    """Maximum-likelihood logistic regression (Newton): coefficients and standard errors."""
    beta = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-X @ beta))
        hessian = X.T @ (X * (p * (1 - p))[:, None])
        beta += np.linalg.solve(hessian, X.T @ (y - p))
    return beta, np.sqrt(np.diag(np.linalg.inv(hessian)))


def test_raw_win_rates_overstate_the_follow_up_effect_and_recorded_covariates_explain_it(case):
    quotes = decided_quotes(case)
    mu = case.quote_truth.groupby("followups_k")["p_win"].mean()
    raw = quotes.groupby("followups")["won"].mean()
    assert mu[6] - mu[0] > 0.1 and raw[6] - raw[0] > 1.5 * (mu[6] - mu[0])  # confounding
    assert raw[4] - raw[0] > 1.5 * (mu[4] - mu[0])
    covariates = pd.concat([
        np.log1p(quotes["revenue_12m"].clip(lower=0) / 1e4), np.log(quotes["quote_value"]),
        quotes["competitors"].astype(float), pd.get_dummies(quotes["offering"], drop_first=True, dtype=float),
        pd.get_dummies(quotes["relationship_at_quote"], prefix="rel", drop_first=True, dtype=float),
    ], axis=1).to_numpy(float)
    base = np.column_stack([np.ones(len(quotes)), quotes["followups"].to_numpy(float)])
    won = quotes["won"].to_numpy()
    (_, naive), (_, naive_se) = logistic_fit(base, won)
    (_, slope, *_), (_, se, *_) = logistic_fit(np.column_stack([base, covariates]), won)
    assert naive - 1.96 * naive_se > FOLLOWUP_EFFECT  # the raw slope overstates the effect
    assert abs(slope - FOLLOWUP_EFFECT) < 1.96 * se  # adjusting for what the CRM recorded recovers it


def test_a_case_of_generator_1_loads_without_the_new_tables(tmp_path):
    copy = copy_case(tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    newer = ("groups", "staff", "targets", "touchpoints")
    for name in ("contacts", "quote_truth", *newer):
        (copy / manifest["tables"].pop(name)["file"]).unlink()
    for version in ("2.1.0", "2.0.0", "1.0.0"):  # a 2.x case must have contacts, a 2.1 case the newer ones
        text = json.dumps({**manifest, "generator_version": version})
        (copy / "manifest.json").write_text(text, encoding="utf-8")
        if version != "1.0.0":
            with pytest.raises(DatasetError, match="contacts"):
                load_case(copy)
    old = load_case(copy)
    assert old.contacts is None and old.quote_truth is None and old.groups is None
    assert list(old.tables) == [t for t in TABLES if t not in ("contacts", "quote_truth", *newer)]
    assert not re.search(r"^\s+contacts ", repr(old), re.M) and set(old.describe()["table"]) == {*old.tables}


def test_case_summary_in_german():
    # issue 17: the case's summary (what a notebook prints for `case`) follows set_language
    case = kamlab.load_case()
    with kamlab.language("de"):
        german = repr(case)
    n_lines = f"{len(case.transactions):,}".replace(",", ".")
    assert german.startswith("Fallstudie: Kesselbach Antriebstechnik GmbH")
    assert f"transactions   {n_lines} Zeilen Rechnungspositionen 2023-2025" in german
    assert " rows " not in german and "invoice lines" not in german and "lists every column" not in german
    english = repr(case)
    assert f"transactions   {len(case.transactions):,} rows  invoice lines 2023-2025" in english


def test_case_values_are_labelled_in_german():
    # issue 17: offering names stayed English in German charts and explorers ("Geared motors")
    import matplotlib.pyplot as plt

    from kamlab.data.case import GERMAN_NAMES
    from kamlab.projects.plots import win_rate_chart

    quotes = pd.DataFrame({"offering": ["Geared motors"] * 4 + ["Sensors"] * 4,
                           "outcome": ["won", "lost", "won", "lost"] * 2})
    with kamlab.language("de"):
        ax = win_rate_chart(kamlab.win_rates(quotes, by="offering"), ax=plt.subplots()[1])
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks == [GERMAN_NAMES["Geared motors"], GERMAN_NAMES["Sensors"]] == ["Getriebemotoren", "Sensorik"]
    assert kamlab.label("Geared motors") == "Geared motors"
    plt.close("all")
