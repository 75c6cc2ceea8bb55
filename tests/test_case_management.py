"""The management side of the case company (generator 2.1): groups, organisation, plan, contacts.

Each test derives its expectation from the other tables (or the README's realism checks), not from
the table it checks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kamlab


@pytest.fixture(scope="module")
def case():
    return kamlab.load_case()


@pytest.fixture(scope="module")
def revenue_2025(case):
    lines = case.transactions
    return lines[lines["date"].dt.year == 2025].groupby("account_id")["revenue"].sum()


def test_groups_table_agrees_with_the_accounts(case):
    accounts, groups = case.accounts, case.groups
    members = accounts.dropna(subset=["group_id"])
    assert set(members["group_id"]) == set(groups["group_id"])
    by_group = members.groupby("group_id")
    pd.testing.assert_series_equal(by_group.size().sort_index(), groups.set_index("group_id")["entities"]
                                   .sort_index(), check_names=False)
    countries = by_group["country"].nunique().sort_index()
    assert (countries.to_numpy() == groups.set_index("group_id")["countries"].sort_index().to_numpy()).all()
    parents = accounts.set_index("account_id").loc[groups["parent_account_id"], "group_id"]
    assert (parents.to_numpy() == groups["group_id"].to_numpy()).all()  # the parent is an entity of its group
    assert groups["group_name"].is_unique and accounts["name"].is_unique
    centre_ids = set(case.centres["centre_id"])
    assert groups["purchasing_centre_id"].isin(centre_ids).all()


def test_the_biggest_customer_is_a_group_of_mid_sized_entities(case, revenue_2025):
    """README: group G001 buys more than the biggest single account; none of its entities is top 45."""
    accounts = case.accounts.assign(revenue=case.accounts["account_id"].map(revenue_2025).fillna(0.0))
    rank = accounts["revenue"].rank(ascending=False, method="first")
    per_group = accounts.dropna(subset=["group_id"]).groupby("group_id")["revenue"].sum()
    assert per_group.idxmax() == "G001"
    assert per_group["G001"] > accounts["revenue"].max()
    assert rank[accounts["group_id"] == "G001"].min() > 45
    assert len(case.groups) == 23 and case.groups["entities"].sum() == 72  # the README's numbers


def test_one_manager_per_group_and_key_accounts_with_the_key_account_team(case):
    accounts, staff = case.accounts, case.staff
    members = accounts.dropna(subset=["group_id"])
    assert (members.groupby("group_id")["account_manager"].nunique() == 1).all()
    assert (members["manager_role"] != "territory_sales").all()  # every group is a key unit
    territory = accounts["manager_role"] == "territory_sales"
    assert (accounts.loc[territory, "account_manager"] == accounts.loc[territory, "territory_manager"]).all()
    roles = staff.set_index("name")["role"]
    assert (accounts["account_manager"].map(roles).astype(str) == accounts["manager_role"].astype(str)).all()
    # each key-account manager serves 5 to 15 key units; the global account manager international groups
    units = accounts[~territory].assign(unit=lambda d: d["group_id"].fillna(d["account_id"]))
    per_manager = units.groupby("account_manager")["unit"].nunique()
    kams = staff.loc[staff["role"] == "key_account_manager", "name"]
    assert per_manager[kams].between(5, 15).all()
    gam_groups = units.loc[units["manager_role"] == "global_account_manager", "group_id"].unique()
    assert case.groups.set_index("group_id").loc[gam_groups, "countries"].min() >= 3
    assert (accounts["managed_since"] >= accounts["customer_since"]).all()
    key_since = accounts.loc[~territory, "managed_since"]
    assert key_since.min() >= pd.Timestamp("2024-04-01")


def test_targets_follow_the_2025_revenue_and_some_accounts_are_key_on_plan_only(case, revenue_2025):
    targets = case.targets.set_index("account_id")
    actual = revenue_2025.reindex(targets.index).fillna(0.0)
    trend = targets["basis"] == "trend"
    alive = case.truth.set_index("account_id")["alive_at_end"].reindex(targets.index)
    # trend plans: 2025 revenue times (1 + 0.03 + 0.6 g + noise, clipped to -30 % .. +40 %) plus at most 25 %
    ratio = (targets["target_revenue"] / actual)[trend & alive & (actual > 20_000)]
    assert ratio.between(0.7 - 0.03, 1.4 * 1.25 + 0.03).all()
    assert (targets.loc[~alive, "target_revenue"] == 0).all()
    assert (targets["target_revenue"] % 1000 == 0).all() and (targets["target_contribution_margin"] % 500 == 0).all()
    table = pd.DataFrame({"account_id": targets.index, "revenue": actual.to_numpy(),
                          "target_revenue": targets["target_revenue"].to_numpy()})
    keys = kamlab.key_accounts(table, share=0.6, by=("revenue", "target_revenue"))
    on_plan_only = keys[keys["on_target_revenue"] & ~keys["on_revenue"]]
    assert len(on_plan_only) >= 3
    # plans follow what really happens in 2026 (truth), though not exactly
    rho = np.corrcoef(np.log1p(targets["target_revenue"]),
                      np.log1p(case.truth.set_index("account_id")["expected_revenue_next_year"]
                               .reindex(targets.index)))[0, 1]
    assert 0.8 < rho < 0.995


def test_touchpoints_hold_the_sales_visits_of_the_cost_table(case):
    touch = case.touchpoints
    assert (touch["date"].dt.year == 2025).all()
    visits = touch[(touch["function"] == "sales") & (touch["channel"] == "visit")].groupby("account_id").size()
    costs = case.costs[case.costs["year"] == 2025].set_index("account_id")["n_visits"]
    expected = costs[costs > 0]
    pd.testing.assert_series_equal(visits.sort_index(), expected.sort_index(), check_names=False,
                                   check_dtype=False)
    # the salesperson is the account manager; the people exist
    people = case.staff.set_index("person_id")["name"]
    sales = touch[touch["function"] == "sales"]
    managers = case.accounts.set_index("account_id")["account_manager"]
    assert (sales["person_id"].map(people).to_numpy() == sales["account_id"].map(managers).to_numpy()).all()
    assert sales["coordinated"].all()
    centres = case.centres.set_index("centre_id")["account_id"]
    assert (touch["centre_id"].map(centres) == touch["account_id"]).all()


def test_key_units_see_more_people_and_more_coordination(case):
    """README: 9 people per key account against 3 elsewhere in the median; coordinated 83 % vs 53 % of the contacts."""
    touch = case.touchpoints.merge(case.accounts[["account_id", "manager_role"]], on="account_id")
    key = touch["manager_role"] != "territory_sales"
    people = touch.groupby("account_id").agg(people=("person_id", "nunique"), key=("manager_role", "first"))
    is_key = people["key"] != "territory_sales"
    assert people.loc[is_key, "people"].median() == 9 and people.loc[~is_key, "people"].median() == 3
    assert round(100 * touch.loc[key, "coordinated"].mean()) == 83
    assert round(100 * touch.loc[~key, "coordinated"].mean()) == 53


def test_reference_customers_are_mostly_good_references(case):
    ratings = case.ratings
    good = (ratings["reference_value"] >= 7) & (ratings["satisfaction"] >= 6) & (ratings["relationship_level"] >= 6)
    refs = ratings["reference_customer"]
    assert refs.sum() == 207
    assert (refs & good).sum() / refs.sum() > 0.7
    lost = ~case.truth["alive_at_end"].to_numpy()
    assert not refs.to_numpy()[lost].any()
