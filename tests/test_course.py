"""The course's exercises: each right answer is accepted and typical wrong answers are not.

The expected values are recomputed here in another way than the exercise modules do.
"""

import numpy as np
import pytest

import kamlab
from kamlab.course import chapter00


@pytest.fixture(scope="module")
def accounts():
    return kamlab.accounts_from_transactions(kamlab.load_case().transactions)


def test_chapter00_answers(accounts):
    case = kamlab.load_case()
    assert chapter00.q1.check(case.accounts["account_id"].nunique()).correct
    assert not chapter00.q1.check(len(case.transactions)).correct

    revenue = sorted(accounts["revenue"], reverse=True)
    top = revenue[: int(np.ceil(0.1 * len(revenue)))]
    assert chapter00.q2.check(sum(top) / sum(revenue)).correct
    assert not chapter00.q2.check(sum(top) / sum(revenue) * 100).correct  # percent, not a fraction

    running, n_half = 0.0, 0
    for value in revenue:  # a plain loop, not cumsum
        running += value
        n_half += 1
        if running >= 0.5 * sum(revenue):
            break
    assert chapter00.q3.check(n_half).correct
    assert not chapter00.q3.check(n_half + 1).correct
