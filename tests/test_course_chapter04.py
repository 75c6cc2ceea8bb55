"""Notebook 04_portfolio: its exercises' answers, recomputed without kamlab's analysis functions.

The 2025 revenue comes straight from the invoice lines, the scores from numpy dot products,
the quadrants from medians, the sensitivity from a loop over the weights, the ABC classes
from a running sum. The notebook's weights are read from its code and compared with the
exercise module's, so the two cannot drift apart.
"""

from pathlib import Path

import numpy as np
import pytest
from notebook_source import assigned_literals

import kamlab
from kamlab.course import chapter04

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_portfolio.ipynb"
TOL = 1e-9  # kamlab's rule: an account on the split (within rounding) counts as high


@pytest.fixture(scope="module")
def rated():
    case = kamlab.load_case()
    lines = case.transactions
    revenue = lines[lines["date"].dt.year == 2025].groupby("account_id", observed=True)["revenue"].sum()
    revenue = revenue[revenue > 0]
    ratings = case.ratings.set_index("account_id").loc[revenue.index]
    return ratings.assign(revenue=revenue)


def _totals(rated, weights):
    w = np.array(list(weights.values()), dtype=float)
    return rated[list(weights)].to_numpy(dtype=float) @ (w / w.sum())


def _quadrant_codes(attractiveness, position):
    attractive = attractiveness >= np.median(attractiveness) - TOL
    strong = position >= np.median(position) - TOL
    return np.where(attractive, np.where(strong, 0, 1), np.where(strong, 2, 3))


def test_q1_customer_c_by_hand():
    by_hand = 0.25 * 7 + 0.30 * 4 + 0.20 * 9 + 0.15 * 5 + 0.10 * 8  # 1.75 + 1.2 + 1.8 + 0.75 + 0.8
    assert by_hand == pytest.approx(6.30)
    assert chapter04.q1.check(6.30).correct and chapter04.q1.check(round(by_hand, 2)).correct
    assert not chapter04.q1.check(6.7).correct  # customer A of the worked example
    assert not chapter04.q1.check(sum([7, 4, 9, 5, 8]) / 5).correct  # unweighted mean 6.6


def test_q2_strategic_accounts(rated):
    codes = _quadrant_codes(_totals(rated, chapter04.ATTRACTIVENESS_WEIGHTS), _totals(rated, chapter04.POSITION_WEIGHTS))
    n_strategic = int((codes == 0).sum())
    # Strategic = attractive and strong: a part of the attractive half (median split) of the accounts
    assert 0 < n_strategic < int((codes <= 1).sum())
    assert chapter04.q2.check(n_strategic).correct
    assert not chapter04.q2.check(int((codes == 1).sum())).correct
    assert not chapter04.q2.check(n_strategic / len(rated)).correct  # a share, not a count


def test_q3_one_at_a_time_flips(rated):
    models = [dict(chapter04.ATTRACTIVENESS_WEIGHTS), dict(chapter04.POSITION_WEIGHTS)]
    base = _quadrant_codes(_totals(rated, models[0]), _totals(rated, models[1]))
    flips = np.zeros(len(rated), dtype=bool)
    scenarios = 0
    for which in (0, 1):
        for criterion in models[which]:
            for factor in (0.8, 1.2):
                changed = [dict(m) for m in models]
                changed[which][criterion] *= factor
                codes = _quadrant_codes(_totals(rated, changed[0]), _totals(rated, changed[1]))
                flips |= codes != base
                scenarios += 1
    assert scenarios == 2 * (5 + 4)
    n_flips = int(flips.sum())
    # a ±20 % change of one weight moves a score by a fraction of a point: only accounts near a split line can
    # flip, not most of them (a quarter is a loose ceiling for that, not a measured value)
    assert 0 < n_flips < len(rated) / 4
    assert chapter04.q3.check(n_flips).correct
    assert not chapter04.q3.check(n_flips + 1).correct


def test_q4_a_accounts_in_the_star_quadrant(rated):
    table = rated.reset_index().sort_values(["revenue", "account_id"], ascending=[False, True], ignore_index=True)
    is_a, running, total = [], 0.0, table["revenue"].sum()
    for value in table["revenue"]:  # cover rule: A while the share before the account is below 80 %
        is_a.append(running / total < 0.8 - 1e-12)
        running += value
    table["is_a"] = is_a
    attractiveness = _totals(table.set_index("account_id"), chapter04.ATTRACTIVENESS_WEIGHTS)
    position = _totals(table.set_index("account_id"), chapter04.POSITION_WEIGHTS)
    codes = _quadrant_codes(attractiveness, position)
    n_develop = int((table["is_a"].to_numpy() & (codes == 1)).sum())
    assert chapter04.q4.check(n_develop).correct
    assert not chapter04.q4.check(int((table["is_a"].to_numpy() & (codes == 0)).sum())).correct


def test_q5_customer_value_of_customer_d_by_hand():
    assert chapter04.CUSTOMER_D == {"monetary": 4, "reference": 9, "multiplier": 8, "information": 7,
                                    "cooperation": 6} and chapter04.CUSTOMER_D_IS_REFERENCE
    # reference 9 + 2 = 11 is capped at 10; 0.40*4 + 0.15*(10 + 8 + 7 + 6) = 1.60 + 4.65 = 6.25
    assert chapter04.q5.check(6.25).correct
    assert not chapter04.q5.check(0.40 * 4 + 0.15 * (11 + 8 + 7 + 6)).correct  # the cap forgotten: 6.40
    assert not chapter04.q5.check(0.40 * 4 + 0.15 * (9 + 8 + 7 + 6)).correct  # the bonus forgotten: 6.10
    assert not chapter04.q5.check((4 + 10 + 8 + 7 + 6) / 5).correct  # unweighted mean 7.0


def test_the_notebook_uses_the_exercises_weights():
    assigned = assigned_literals(NOTEBOOK)
    assert assigned["worked_weights"] == chapter04.WORKED_EXAMPLE_WEIGHTS == chapter04.ATTRACTIVENESS_WEIGHTS
    assert assigned["position_weights"] == chapter04.POSITION_WEIGHTS
    assert sum(chapter04.POSITION_WEIGHTS.values()) == pytest.approx(1.0)


def test_exercises_answer_none_kindly():
    for exercise in (chapter04.q1, chapter04.q2, chapter04.q3, chapter04.q4, chapter04.q5):
        result = exercise.check(None)
        assert not result.correct and not result.answered
