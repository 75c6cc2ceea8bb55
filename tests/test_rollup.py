"""Tests of kamlab.rollup: account figures rolled up to customer-group level (Konzern).

Expected values are derived independently: by hand (worked out in the comments), with a plain
pandas ``groupby`` on integer cents, or from the case company's invoice lines.
"""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamlab
from kamlab.data.rollup import rollup
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

AS_OF = pd.Timestamp("2025-12-31")


# ----------------------------------------------------------------------------- property test against groupby
@st.composite
def account_tables(draw):
    n = draw(st.integers(1, 25))
    group = draw(st.lists(st.sampled_from([None, "G1", "G2", "G3"]), min_size=n, max_size=n))
    # cents as integers: the expected sums are exact; zeros and negative revenue (net credits) included
    revenue = draw(st.lists(st.one_of(st.just(0), st.integers(-50_000, 10_000_000)), min_size=n, max_size=n))
    margin = draw(st.lists(st.integers(-2_000_000, 3_000_000), min_size=n, max_size=n))  # negative margins
    orders = draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))
    first = draw(st.lists(st.one_of(st.none(), st.integers(0, 1000)), min_size=n, max_size=n))
    gap = draw(st.lists(st.integers(0, 300), min_size=n, max_size=n))
    first_order = [AS_OF - pd.Timedelta(days=d) if d is not None else pd.NaT for d in first]
    last_order = [f + pd.Timedelta(days=min(g, (AS_OF - f).days)) if f is not pd.NaT else pd.NaT
                  for f, g in zip(first_order, gap)]
    table = pd.DataFrame({
        "account_id": [f"K{i:03d}" for i in range(n)],
        "group_id": group,
        "revenue": np.array(revenue) / 100,
        "contribution_margin": np.array(margin) / 100,
        "orders": orders,
        "first_order": pd.to_datetime(first_order),
        "last_order": pd.to_datetime(last_order),
    })
    table["margin_rate"] = table["contribution_margin"] / table["revenue"]  # nonsense to add up: recomputed
    table["recency_days"] = (AS_OF - table["last_order"]).dt.days.astype("Int64")
    table["tenure_days"] = (AS_OF - table["first_order"]).dt.days.astype("Int64")
    table.attrs["as_of"] = AS_OF
    return table, pd.Series(revenue), pd.Series(margin)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=account_tables(), standalone=st.sampled_from(["keep", "drop"]))
def test_sums_ratios_and_days_equal_a_plain_groupby(drawn, standalone):
    table, revenue_cents, margin_cents = drawn
    result = rollup(table, standalone=standalone)

    unit = table["group_id"].fillna(table["account_id"])
    keep = table["group_id"].notna() | (standalone == "keep")
    plain = pd.DataFrame({"unit": unit, "rev": revenue_cents, "cm": margin_cents, "orders": table["orders"],
                          "first": table["first_order"], "last": table["last_order"]})[keep.to_numpy()]
    expected = plain.groupby("unit").agg(rev=("rev", "sum"), cm=("cm", "sum"), orders=("orders", "sum"),
                                         n=("rev", "size"), first=("first", "min"), last=("last", "max"))
    assert result["group_id"].tolist() == sorted(expected.index)  # sorted by group id
    expected = expected.loc[result["group_id"]]
    assert result["entities"].tolist() == expected["n"].tolist()
    assert result["standalone"].tolist() == [not g.startswith("G") for g in result["group_id"]]
    np.testing.assert_allclose(result["revenue"], expected["rev"] / 100, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(result["contribution_margin"], expected["cm"] / 100, rtol=1e-12, atol=1e-9)
    assert result["orders"].tolist() == expected["orders"].tolist()
    # margin rate: the ratio of the sums, NaN unless the group's revenue > 0 (exact in cents)
    rate = np.where(expected["rev"] > 0, expected["cm"] / expected["rev"].where(expected["rev"] > 0), np.nan)
    np.testing.assert_allclose(result["margin_rate"], rate, rtol=1e-9)
    # recency and tenure from the group's last and first order (NaT -> missing)
    recency = [pd.NA if pd.isna(d) else (AS_OF - d).days for d in expected["last"]]
    tenure = [pd.NA if pd.isna(d) else (AS_OF - d).days for d in expected["first"]]
    assert result["recency_days"].astype(object).where(result["recency_days"].notna(), pd.NA).tolist() == recency
    assert result["tenure_days"].astype(object).where(result["tenure_days"].notna(), pd.NA).tolist() == tenure
    # totals preserved
    kept = table[keep.to_numpy()]
    assert result["revenue"].sum() == pytest.approx(kept["revenue"].sum(), abs=1e-6)
    assert result["contribution_margin"].sum() == pytest.approx(kept["contribution_margin"].sum(), abs=1e-6)
    assert result["orders"].sum() == kept["orders"].sum() and result["entities"].sum() == len(kept)
    assert result.attrs["as_of"] == AS_OF and result.attrs["n_accounts"] == len(kept)


# ----------------------------------------------------------------------------- ratio rules, by hand
def test_zero_and_negative_revenue_give_no_margin_rate():
    # G1: 100 + (-100) = 0 -> NaN; G2: -40 + 10 = -30 -> NaN (a net credit has no rate); G3: 0/0 -> NaN
    table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4", "K5"], "group_id": ["G1", "G1", "G2", "G2", "G3"],
                          "revenue": [100.0, -100.0, -40.0, 10.0, 0.0],
                          "contribution_margin": [20.0, -30.0, -5.0, 3.0, 0.0],
                          "margin_rate": [0.2, np.nan, np.nan, 0.3, np.nan]})
    result = rollup(table)
    assert result["revenue"].tolist() == [0.0, -30.0, 0.0]
    assert result["contribution_margin"].tolist() == [-10.0, -2.0, 0.0]
    assert result["margin_rate"].isna().all()
    assert "margin_rate" not in rollup(table.drop(columns="margin_rate"))  # a ratio is not added unasked


def test_float_dust_is_zero_revenue():
    # 0.1 + 0.2 - 0.3 is 5.6e-17 in floating point: cancelled revenue, not a tiny positive one
    table = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "group_id": ["G1"] * 3, "revenue": [0.1, 0.2, -0.3],
                          "contribution_margin": [1.0, 1.0, 1.0], "margin_rate": [10.0, 5.0, np.nan]})
    result = rollup(table)
    assert result["revenue"].item() == 0.0 and np.isnan(result["margin_rate"].item())


def test_cascade_rates_growth_share_of_wallet_and_missing_values():
    # G1: net revenue 900 + 100 = 1000, db4 90 + 60 = 150 -> db4_rate 0.15 (not (0.1 + 0.6) / 2)
    # growth: last 12 m 600 + 300 = 900, previous 500 + 0 = 500 -> 900 / 500 - 1 = 0.8
    # wallet 2000 + 500 = 2500, revenue 1000 -> share 0.4; headroom 1000 + 400 summed = 1400
    # G2: previous 12 m 0 -> growth NaN; revenue 300 > wallet 200 -> share capped at 1
    # G3: one entity without a wallet -> the group's wallet is unknown, so is its share
    table = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5"], "group_id": ["G1", "G1", "G2", "G3", "G3"],
        "revenue": [900.0, 100.0, 300.0, 50.0, 50.0], "net_revenue": [900.0, 100.0, 300.0, 50.0, 50.0],
        "db4": [90.0, 60.0, 30.0, 5.0, 5.0], "db4_rate": [0.1, 0.6, 0.1, 0.1, 0.1],
        "revenue_last_12m": [600.0, 300.0, 300.0, 0.0, 0.0], "revenue_prev_12m": [500.0, 0.0, 0.0, 10.0, 0.0],
        "growth": [0.2, np.nan, np.nan, -1.0, np.nan],
        "wallet": [2000.0, 500.0, 200.0, 100.0, np.nan], "headroom": [1000.0, 400.0, 0.0, 50.0, np.nan],
        "share_of_wallet": [0.45, 0.2, 1.0, 0.5, np.nan]})
    result = rollup(table).set_index("group_id")
    assert result.loc["G1", "db4_rate"] == pytest.approx(0.15)
    assert result.loc["G1", "growth"] == pytest.approx(0.8)
    assert np.isnan(result.loc["G2", "growth"])
    assert result.loc["G3", "growth"] == pytest.approx(-1.0)  # 0 / 10 - 1
    assert result.loc["G1", "share_of_wallet"] == pytest.approx(0.4)
    assert result.loc["G1", "headroom"] == 1400.0
    assert result.loc["G2", "share_of_wallet"] == 1.0
    assert np.isnan(result.loc["G3", "wallet"]) and np.isnan(result.loc["G3", "share_of_wallet"])
    assert np.isnan(result.loc["G3", "headroom"])
    assert result.attrs["rules"]["growth"] == "revenue_last_12m / revenue_prev_12m - 1 (NaN unless revenue_prev_12m > 0)"
    assert result.attrs["rules"]["share_of_wallet"] == "max(revenue, 0) / wallet, at most 1 (NaN unless wallet > 0)"


def test_declared_columns_text_from_the_parent_and_the_rules():
    table = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4"],
        "name": ["Möller SE", "Möller Polska", "Möller Inc", "Krause GmbH"],
        "industry": ["Machines", "Machines", "Plastics", "Food"],
        "country": ["Germany", "Poland", "United States", "Austria"],
        "revenue": [500.0, 300.0, 200.0, 100.0], "target_revenue": [600.0, 300.0, 300.0, 90.0],
        "target_contribution_margin": [120.0, 60.0, 60.0, 9.0], "satisfaction": [8, 4, 6, 7],
        "active_months": [12, 10, 3, 5], "reference_customer": [True, False, False, False],
        "customer_since": pd.to_datetime(["2010-01-01", "2018-05-01", "2021-03-01", "2015-01-01"])})
    groups = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "group_id": ["G1"] * 3,
                           "group_name": ["Möller Gruppe"] * 3, "parent_account_id": ["K1"] * 3})
    result = rollup(table, groups, agg={"satisfaction": "mean", "active_months": "max",
                                        "reference_customer": "max"},
                    ratios={"target_margin_rate": ("target_contribution_margin", "target_revenue")})
    g1, k4 = result.iloc[0], result.iloc[1]
    assert result["group_id"].tolist() == ["G1", "K4"]
    assert g1["group_name"] == "Möller Gruppe" and k4["group_name"] == "Krause GmbH"
    assert g1["name"] == "Möller SE" and g1["industry"] == "Machines" and g1["country"] == "Germany"
    assert g1["countries"] == "Germany, Poland, United States" and g1["n_countries"] == 3
    assert g1["satisfaction"] == pytest.approx(6.0) and g1["active_months"] == 12 and g1["reference_customer"]
    assert g1["customer_since"] == pd.Timestamp("2010-01-01")
    assert g1["target_margin_rate"] == pytest.approx(240 / 1200) and k4["target_margin_rate"] == pytest.approx(0.1)
    assert result.columns.tolist() == [
        "group_id", "group_name", "standalone", "entities", "countries", "n_countries", "name", "industry",
        "country", "revenue", "target_revenue", "target_contribution_margin", "satisfaction", "active_months",
        "reference_customer", "customer_since", "target_margin_rate"]
    rules = result.attrs["rules"]
    assert rules["industry"] == "the parent's value" and rules["satisfaction"] == "mean (unweighted over the entities)"
    assert rules["revenue"] == "sum" and rules["customer_since"] == "min"
    # without a parent the text columns are dropped, and attrs say so
    plain = rollup(table, groups[["account_id", "group_id"]], agg={"satisfaction": "max", "active_months": "max",
                                                                   "reference_customer": "max"})
    assert "industry" not in plain and "name" not in plain and "country" not in plain
    assert plain.attrs["rules"]["industry"].startswith("dropped")
    assert plain["group_name"].tolist()[1] == "Krause GmbH" and pd.isna(plain["group_name"].iloc[0])


def test_parent_not_in_the_table_leaves_its_text_missing():
    table = pd.DataFrame({"account_id": ["K2", "K3"], "industry": ["Machines", "Plastics"], "revenue": [1.0, 2.0]})
    groups = pd.DataFrame({"account_id": ["K2", "K3"], "group_id": ["G1", "G1"], "parent_account_id": ["K1", "K1"]})
    result = rollup(table, groups)
    assert pd.isna(result["industry"].item()) and result.attrs["groups_without_parent"] == ["G1"]


# ----------------------------------------------------------------------------- ABC at group level, by hand
def test_each_entity_is_b_the_group_is_the_biggest_a_customer():
    # Entity level, total 2000, ABC thresholds 80 % / 95 % (cover rule):
    #   S1..S6 270 each: cumulative 13.5 %, 27 %, 40.5 %, 54 %, 67.5 %, 81 % -> S6 first reaches 80 %: all A
    #   E1..E4 of group G1, 85 each: 85.25 %, 89.5 %, 93.75 %, 98 % -> E4 first reaches 95 %: all B
    #   S7 40: 100 % -> C
    # Group level: G1 = 4 x 85 = 340 (17 %), the biggest; then S1..S6: 30.5 %, 44 %, 57.5 %, 71 %, 84.5 %
    #   (S5 reaches 80 %: A), 98 % (S6 drops to B); S7 C.
    ids = [f"S{i}" for i in range(1, 8)] + [f"E{i}" for i in range(1, 5)]
    table = pd.DataFrame({"account_id": ids, "group_id": [None] * 7 + ["G1"] * 4,
                          "revenue": [270.0] * 6 + [40.0] + [85.0] * 4})
    entity = kamlab.abc_analysis(table).set_index("account_id")["abc"].astype(str)
    assert entity[[f"E{i}" for i in range(1, 5)]].tolist() == ["B"] * 4
    assert entity[[f"S{i}" for i in range(1, 7)]].tolist() == ["A"] * 6

    groups = rollup(table)
    assert groups.set_index("group_id").loc["G1", "revenue"] == 340.0
    group = kamlab.abc_analysis(groups, id_col="group_id").set_index("group_id")
    assert group.loc["G1", "abc"] == "A" and group.loc["G1", "rank"] == 1
    assert group.loc["G1", "share"] == pytest.approx(0.17)
    assert group["abc"].astype(str)[["S1", "S2", "S3", "S4", "S5", "S6", "S7"]].tolist() == ["A"] * 5 + ["B", "C"]


# ----------------------------------------------------------------------------- the case company
@pytest.fixture(scope="module")
def case_rollup(case):
    table = case.account_table(2025)
    groups = rollup(table, case.accounts[["account_id", "group_id"]], agg={"active_months": "max",
                                                                            "n_offerings": "max"})
    return table, groups


def test_case_group_g001_is_the_biggest_unit(case, case_rollup):
    table, groups = case_rollup
    members = set(case.accounts.loc[case.accounts["group_id"] == "G001", "account_id"])
    assert len(members) == 12
    lines = case.transactions
    in_2025 = lines[(lines["date"].dt.year == 2025) & lines["account_id"].isin(members)]
    by_revenue = groups.sort_values("revenue", ascending=False)
    assert by_revenue["group_id"].iloc[0] == "G001"
    g001 = by_revenue.iloc[0]
    assert g001["revenue"] == pytest.approx(in_2025["revenue"].sum(), abs=0.01)
    assert g001["entities"] == 12 and g001["n_countries"] == len(set(case.accounts.loc[
        case.accounts["account_id"].isin(members), "country"]))
    # every account counted once, totals kept
    assert groups["entities"].sum() == len(table)
    for column in ("revenue", "contribution_margin", "db4", "orders", "employees"):
        assert groups[column].sum() == pytest.approx(table[column].sum(), rel=1e-12)
    assert groups.attrs["as_of"] == pd.Timestamp("2025-12-31") and groups.attrs["year"] == 2025


def test_case_key_accounts_at_group_level(case_rollup):
    """What changes when the key-account list is drawn over groups instead of legal entities.

    Bundling entities only makes units bigger, so (1) a standalone account on the group-level list was
    on the entity-level list too (the units ahead of it are at least as big); (2) the list needs fewer
    units; (3) some groups are key accounts although none of their entities is one alone: the
    classic mistake of an entity-level list.
    """
    table, groups = case_rollup
    entity = kamlab.key_accounts(table, by=("revenue",))
    group = kamlab.key_accounts(groups, by=("revenue",), id_col="group_id")
    key_entities = set(entity.loc[entity["key_account"], "account_id"])
    key_units = set(group.loc[group["key_account"], "group_id"])
    group_of = table.set_index("account_id")["group_id"]
    standalone_units = {u for u in key_units if u in group_of.index and pd.isna(group_of[u])}
    assert standalone_units <= {a for a in key_entities if pd.isna(group_of[a])}
    assert len(key_units) < len(key_entities)
    key_groups = key_units - standalone_units
    groups_with_key_entity = {group_of[a] for a in key_entities if pd.notna(group_of[a])}
    assert groups_with_key_entity <= key_groups
    missed = key_groups - groups_with_key_entity
    assert missed, "some group is a key account only at group level"
    for g in missed:
        assert not (set(group_of.index[group_of == g]) & key_entities)


def test_the_case_table_without_rules_names_the_unknown_columns(case_rollup):
    table, _ = case_rollup
    with pytest.raises(ParameterError, match=re.escape("the column(s) 'active_months', 'n_offerings'")):
        rollup(table)


# ----------------------------------------------------------------------------- errors
def _small():
    return pd.DataFrame({"account_id": ["K1", "K2"], "group_id": ["G1", "G1"], "revenue": [1.0, 2.0]})


def test_error_unknown_numeric_column():
    table = _small().assign(n_offerings=[2, 3])
    message = ("rollup does not know how to combine the column(s) 'n_offerings' of the group's entities (not a sum, "
               "a ratio of sums or a date it knows): pass sums=[...], ratios={'column': ('numerator', "
               "'denominator')} or agg={'column': 'max'} for them, or drop them, e.g. "
               "accounts.drop(columns=['n_offerings']). A count of distinct things (months, offerings) is a union, "
               "not a sum.")
    with pytest.raises(ParameterError, match=f"^{re.escape(message)}$"):
        rollup(table)


def test_error_account_in_two_groups():
    groups = pd.DataFrame({"account_id": ["K1", "K1", "K2"], "group_id": ["G1", "G2", "G1"]})
    message = ("1 accounts are in more than one group (e.g. 'K1' in G1, G2): an account belongs to one group only. "
               "Fix the groups table.")
    with pytest.raises(DataFormatError, match=f"^{re.escape(message)}$"):
        rollup(_small(), groups)


def test_error_groups_table_without_account_id(case):
    message = ("The groups table has no column 'account_id': it needs one row per account with 'account_id' and "
               "'group_id' (optional 'group_name', 'parent_account_id'). A table of groups only, such as "
               "case.groups, gives them with case.accounts[['account_id', 'group_id']].merge(case.groups, "
               "on='group_id').")
    with pytest.raises(MissingColumnError, match=f"^{re.escape(message)}$"):
        rollup(_small(), case.groups)


def test_error_group_ids_of_unknown_accounts():
    groups = pd.DataFrame({"account_id": ["K1", "K2", "K9"], "group_id": ["G1", "G1", "G1"]})
    message = ("1 account ids of the groups table are not in the account table ('K9'). Check the ids, or keep the "
               "groups of the accounts you have: groups[groups['account_id'].isin(accounts['account_id'])].")
    with pytest.raises(DataFormatError, match=f"^{re.escape(message)}$"):
        rollup(_small(), groups)


def test_error_two_names_or_a_foreign_parent():
    groups = pd.DataFrame({"account_id": ["K1", "K2"], "group_id": ["G1", "G1"], "group_name": ["A", "B"]})
    with pytest.raises(DataFormatError, match=re.escape("Group 'G1' has more than one group_name: 'A', 'B'.")):
        rollup(_small(), groups)
    table = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "revenue": [1.0, 2.0, 3.0]})
    groups = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "group_id": ["G1", "G1", "G2"],
                           "parent_account_id": ["K3", "K3", "K3"]})
    with pytest.raises(DataFormatError, match=re.escape("The parent 'K3' of group 'G1' belongs to group 'G2'")):
        rollup(table, groups)


def test_error_ratio_without_its_columns_and_days_without_as_of():
    table = _small().assign(margin_rate=[0.1, 0.2])
    message = ("'margin_rate' is recomputed as contribution_margin / revenue of the group's sums, but the account "
               "table has no 'contribution_margin'. Drop 'margin_rate', or pass ratios= or agg= for it.")
    with pytest.raises(ParameterError, match=f"^{re.escape(message)}$"):
        rollup(table)
    with pytest.raises(ParameterError, match=re.escape("but 'orders' is not summed: a ratio of the group is a "
                                                       "ratio of sums; add it to sums=.")):
        rollup(_small().assign(orders=[1, 2]), ratios={"avg": ("revenue", "orders")}, agg={"orders": "max"})
    dated = _small().assign(last_order=pd.to_datetime(["2025-01-01", "2025-02-01"]), recency_days=[5, 3])
    with pytest.raises(ParameterError, match=re.escape("pass as_of='2025-12-31', or drop those columns.")):
        rollup(dated)
    assert rollup(dated, as_of="2025-02-11")["recency_days"].tolist() == [10]


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"standalone": "merge"}, ParameterError, "standalone must be 'keep' or 'drop', not 'merge'."),
    ({"groups": "konzern"}, MissingColumnError, "The account table has no group column 'konzern'."),
    ({"agg": {"revenue": "median"}}, ParameterError, "agg={'revenue': 'median'}: each column takes one of"),
    ({"sums": ["revenue"], "agg": {"revenue": "max"}}, ParameterError, "'revenue' named more than once"),
    ({"sums": ["turnover"]}, MissingColumnError, "The account table has no column 'turnover' named in sums="),
    ({"id_col": "kunde"}, MissingColumnError, "The account table has no column 'kunde'."),
    ({"as_of": "someday"}, ParameterError, "as_of='someday' is not a date."),
])
def test_error_arguments(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        rollup(_small(), **kwargs)


def test_error_repeated_ids_and_clashing_ids():
    with pytest.raises(DataFormatError, match=re.escape("Account ids repeat in column 'account_id' (e.g. 'K1'")):
        rollup(pd.DataFrame({"account_id": ["K1", "K1"], "revenue": [1.0, 2.0]}), groups=pd.DataFrame(
            {"account_id": [], "group_id": []}))
    table = pd.DataFrame({"account_id": ["G1", "K2"], "group_id": [None, "G1"], "revenue": [1.0, 2.0]})
    with pytest.raises(DataFormatError, match=re.escape("The account id 'G1' is also a group id")):
        rollup(table)
    assert rollup(table, standalone="drop")["group_id"].tolist() == ["G1"]


# ----------------------------------------------------------------------------- German and English
def test_the_new_column_labels_in_both_languages():
    expected = {"entities": ("Entities", "Gesellschaften"), "countries": ("Countries", "Länder"),
                "n_countries": ("Number of countries", "Anzahl Länder"),
                "standalone": ("Standalone account", "Einzelkunde ohne Konzern"),
                "group_id": ("Group", "Konzern"), "group_name": ("Group name", "Konzernname")}
    for key, (english, german) in expected.items():
        assert kamlab.label(key, "en") == english
        with kamlab.language("de"):
            assert kamlab.label(key) == german
    shown = kamlab.translate_columns(rollup(_small())[["group_id", "entities"]], "de")
    assert shown.columns.tolist() == ["Konzern", "Gesellschaften"]
