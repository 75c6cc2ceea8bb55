"""The case company: loading, checksums, schema, realism and truth consistency, the generator."""

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
from kamlab.data.casegen import generate_case
from kamlab.errors import ChecksumError, DatasetError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
CASE_DIR = ROOT / "datasets" / "case"
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
    sales = (
        tx.groupby(["account_id", "year"]).agg(revenue=("revenue", "sum"), cost=("cost", "sum")).reset_index()
    )
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
    assert default_case_path() == CASE_DIR
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
                assert pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype), (
                    column
                )
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
    per_invoice = tx.groupby("invoice_id").agg(
        accounts=("account_id", "nunique"), dates=("date", "nunique"), centres=("centre_id", "nunique")
    )
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
    assert (
        projects.loc[won, "order_value"]
        .between(0.9 * projects.loc[won, "quote_value"], projects.loc[won, "quote_value"])
        .all()
    )
    assert projects.loc[projects["outcome"] == "lost", "loss_reason"].notna().all()
    assert projects["competitors"].between(1, 4).all()


def test_ratings_are_integers_from_1_to_10(case):
    ratings = case.ratings
    scales = [c for c in ratings.columns if c not in ("account_id", "rating_date", "n_competitors")]
    assert len(scales) == 9
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
    assert np.allclose(
        wallets["wallet_eur_per_year"] * wallets["share_of_wallet"],
        wallets["expected_revenue_eur_per_year"],
        atol=0.01,
    )
    totals = wallets.groupby("account_id")[["wallet_eur_per_year", "expected_revenue_eur_per_year"]].sum()
    assert np.allclose(
        totals["wallet_eur_per_year"], truth.loc[totals.index, "wallet_eur_per_year"], rtol=1e-6
    )
    assert np.allclose(truth["share_of_wallet"], expected / truth["wallet_eur_per_year"], atol=1e-4)
    # whitespace (share 0) has no revenue at all; most offerings bought have some
    cells = wallets.merge(
        tx.groupby(["account_id", "offering"], observed=True)["revenue"]
        .sum()
        .rename("observed")
        .reset_index(),
        on=["account_id", "offering"],
        how="left",
    ).fillna({"observed": 0.0})
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
    [
        {"start": "2023-03-01"},
        {"n_accounts": 5},
        {"seed": -1},
        {"years": 0},
        {"start": "soon"},
        {"seed": 1.5},
    ],
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
