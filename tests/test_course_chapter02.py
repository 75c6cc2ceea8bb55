"""Exercises of notebook 02_key_accounts: each right answer is accepted, typical wrong ones are not.

The answers are recomputed here from the case company's raw tables (invoice lines and cost
to serve) with plain pandas and Python loops, without kamlab's account table or analyses.
"""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.course import chapter02

COST_TO_SERVE = ["discounts_rebates", "marketing", "sales_visits", "order_handling", "logistics",
                 "technical_service"]


@pytest.fixture(scope="module")
def years():
    """Per year: revenue and DB IV of every account with invoice lines or cost to serve in that year."""
    case = kamlab.load_case()
    lines, costs = case.transactions, case.costs
    out = {}
    for year in (2024, 2025):
        sold = lines[lines["date"].dt.year == year].groupby("account_id", observed=True)[["revenue", "cost"]].sum()
        served = costs[costs["year"] == year].set_index("account_id")[COST_TO_SERVE]
        ids = sorted(set(sold.index) | set(served.index.astype(str)))
        table = pd.DataFrame(index=pd.Index(ids, name="account_id"))
        table = table.join(sold).join(served).fillna(0.0)
        table["db4"] = table["revenue"] - table["cost"] - table[COST_TO_SERVE].sum(axis=1)
        out[year] = table
    return out


def _classes(values, thresholds=(0.8, 0.95)):
    """ABC classes by the cover rule with a plain loop: a class ends with the account that reaches its threshold."""
    positive = values[values > 0]
    # biggest first; ties by id, as kamlab does (the classes of tied accounts could otherwise swap)
    ordered = sorted(positive.items(), key=lambda item: (-item[1], item[0]))
    total = sum(v for _, v in ordered)
    classes, running = {}, 0.0
    for account, value in ordered:
        before = running / total
        classes[account] = "A" if before < thresholds[0] - 1e-12 else "B" if before < thresholds[1] - 1e-12 else "C"
        running += value
    return classes


def test_q1_number_of_a_accounts(years):
    classes = _classes(years[2025]["revenue"])
    n_a = sum(1 for c in classes.values() if c == "A")
    assert chapter02.q1.check(n_a).correct
    assert not chapter02.q1.check(n_a - 1).correct  # the within rule leaves out the account that crosses 80 %
    assert not chapter02.q1.check(len(classes)).correct


def test_q2_gini_by_mean_absolute_difference(years):
    revenue = years[2025]["revenue"].to_numpy()
    kept = revenue[revenue >= 0]  # zero counts as an account holding nothing; a net credit is set aside
    # G = sum_i sum_j |x_i - x_j| / (2 n^2 mean): another formula than kamlab's sorted sum
    gini = np.abs(kept[:, None] - kept[None, :]).sum() / (2 * len(kept) ** 2 * kept.mean())
    assert chapter02.q2.check(gini).correct
    assert chapter02.q2.check(round(gini, 3)).correct
    active = revenue[revenue > 0]  # leaving out the accounts without revenue gives a lower Gini
    gini_active = np.abs(active[:, None] - active[None, :]).sum() / (2 * len(active) ** 2 * active.mean())
    assert gini_active < gini - 0.01
    assert not chapter02.q2.check(gini_active).correct
    assert not chapter02.q2.check(gini * 100).correct


def test_q3_candidates_for_half_of_db4(years):
    db4 = sorted((v for v in years[2025]["db4"] if v > 0), reverse=True)
    target, running, n = 0.5 * sum(db4), 0.0, 0
    for value in db4:
        running += value
        n += 1
        if running >= target:
            break
    assert chapter02.q3.check(n).correct
    assert not chapter02.q3.check(n + 5).correct


def test_q4_from_a_to_c(years):
    before, after = _classes(years[2024]["revenue"]), _classes(years[2025]["revenue"])
    moved = sorted(a for a, c in before.items() if c == "A" and after.get(a) == "C")
    assert len(moved) > 5
    assert chapter02.q4.check(moved).correct
    assert chapter02.q4.check(set(moved)).correct
    assert chapter02.q4.check(pd.Series(moved[::-1])).correct  # order does not matter
    assert not chapter02.q4.check(moved[:-1]).correct
    # A accounts that left (no revenue in 2025) did not move to C
    gone = [a for a, c in before.items() if c == "A" and a not in after]
    assert gone
    assert not chapter02.q4.check(moved + gone[:1]).correct


def test_q5_plan_list_for_half_of_target_revenue():
    targets = kamlab.load_case().targets
    values = sorted((v for v in targets["target_revenue"] if v > 0), reverse=True)
    goal, running, n = 0.5 * sum(values), 0.0, 0
    for value in values:  # the plan's accounts with a positive target all bought in 2025 (they are in t25)
        running += value
        n += 1
        if running >= goal:
            break
    assert chapter02.q5.check(n).correct
    assert not chapter02.q5.check(n - 1).correct
    assert not chapter02.q5.check(n + 3).correct
