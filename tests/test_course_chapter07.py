"""Exercises of notebook 07_account_plan: each right answer is accepted, typical wrong ones are not.

The answers are recomputed here from the raw tables (invoice lines, cost of goods, the plan, the
accounts and staff tables) with plain pandas and Python loops, without kamlab's rollup or key-account
functions.
"""

import pandas as pd
import pytest

import kamlab
from kamlab.course import chapter07

MEASURES = ["revenue", "contribution_margin", "target_revenue", "target_contribution_margin"]


def _list(values, share=0.6):
    """Ids of the fewest positive values, biggest first (ties by id), that reach ``share`` of their total."""
    ordered = sorted(((v, k) for k, v in values.items() if v > 0), key=lambda item: (-item[0], item[1]))
    total, running, out = sum(v for v, _ in ordered), 0.0, set()
    for value, key in ordered:
        out.add(key)
        running += value
        if running >= share * total:
            break
    return out


@pytest.fixture(scope="module")
def raw():
    case = kamlab.load_case()
    lines = case.transactions[case.transactions["date"].dt.year == 2025]
    sold = lines.groupby("account_id")[["revenue", "cost"]].sum()
    sold["contribution_margin"] = sold["revenue"] - sold["cost"]
    plan = case.targets.set_index("account_id")[["target_revenue", "target_contribution_margin"]]
    table = sold.join(plan, how="left").fillna(0.0)
    group_of = case.accounts.set_index("account_id")["group_id"]
    unit = pd.Series([group_of.get(a) if isinstance(group_of.get(a), str) else a for a in table.index],
                     index=table.index)
    units = table[MEASURES].groupby(unit).sum()
    return case, table, units, unit


def test_q1_key_units(raw):
    _, _, units, _ = raw
    key = set().union(*(_list(units[m]) for m in MEASURES))
    assert chapter07.q1.check(len(key)).correct
    entity_level = len(set().union(*(_list(raw[1][m]) for m in MEASURES)))
    assert entity_level != len(key)
    assert not chapter07.q1.check(entity_level).correct  # the entity-level count is the classic mistake


def test_q2_revenue_of_the_moeller_group(raw):
    case, table, _, unit = raw
    total = sum(table.loc[a, "revenue"] for a in unit.index[unit == "G001"])
    assert chapter07.q2.check(total).correct
    parent = case.groups.set_index("group_id").loc["G001", "parent_account_id"]
    assert not chapter07.q2.check(table.loc[parent, "revenue"]).correct  # the parent alone


def test_q3_groups_that_are_key_only_together(raw):
    case, table, units, unit = raw
    entity_key = set().union(*(_list(table[m]) for m in MEASURES))
    unit_key = set().union(*(_list(units[m]) for m in MEASURES))
    expected = sorted(g for g in set(case.groups["group_id"]) & unit_key
                      if not set(unit.index[unit == g]) & entity_key)
    assert expected  # the case has such groups
    assert chapter07.q3.check(expected).correct
    assert chapter07.q3.check(set(expected)).correct
    assert not chapter07.q3.check(expected[:-1]).correct
    every_key_group = sorted(set(case.groups["group_id"]) & unit_key)
    assert not chapter07.q3.check(every_key_group).correct


def test_q4_key_units_without_a_key_account_manager(raw):
    case, _, units, _ = raw
    unit_key = set().union(*(_list(units[m]) for m in MEASURES))
    accounts = case.accounts
    manager = {}
    for _, row in accounts.iterrows():  # a group's entities share one account manager
        manager.setdefault(row["group_id"] if isinstance(row["group_id"], str) else row["account_id"],
                           row["account_manager"])
    role = dict(zip(case.staff["name"], case.staff["role"].astype(str), strict=True))
    expected = sum(role[manager[u]] == "territory_sales" for u in unit_key)
    assert chapter07.q4.check(expected).correct
    assert not chapter07.q4.check(len(unit_key) - expected).correct
