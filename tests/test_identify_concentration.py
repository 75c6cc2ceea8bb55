"""The Pareto curve and top shares read off a concentration result agree with independent computations."""

import numpy as np
import pytest

import kamlab


def test_pareto_curve_by_hand():
    result = kamlab.concentration([20, 50, 0, 30])
    # biggest first: 50, 30, 20, 0 -> 0, 0.5, 0.8, 1.0, 1.0 over quarters of the accounts
    assert result.pareto["share_of_accounts"].tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    assert result.pareto["share_of_value"].tolist() == pytest.approx([0, 0.5, 0.8, 1.0, 1.0])
    assert result.pareto["share_of_value"].iloc[0] == 0.0


@pytest.mark.parametrize("seed", range(5))
def test_top_read_off_the_curve_equals_top_share(seed):
    rng = np.random.default_rng(seed)
    values = np.r_[rng.lognormal(8, 2, 500), np.zeros(7), -rng.uniform(1, 100, 3)]
    result = kamlab.concentration(values)
    for fraction in (0.001, 0.01, 0.2, 0.5, 1.0):
        direct = kamlab.top_share(values, fraction)
        read = result.top(fraction)
        assert (read.n_top, read.n_accounts, read.n_set_aside) == (direct.n_top, direct.n_accounts, direct.n_set_aside)
        assert read.share == pytest.approx(direct.share, abs=1e-12)
    # the curve is the running share of the values sorted biggest first (numpy, independently)
    kept = np.sort(values[values >= 0])[::-1]
    np.testing.assert_allclose(result.pareto["share_of_value"], np.r_[0, np.cumsum(kept) / kept.sum()], atol=1e-12)


def test_top_rejects_a_fraction_outside_0_1():
    with pytest.raises(kamlab.ParameterError):
        kamlab.concentration([1, 2]).top(0)


def test_abc_summary_after_a_merge_that_drops_attrs():
    import pandas as pd

    accounts = pd.DataFrame({"account_id": list("ABCDE"), "revenue": [50.0, 30.0, 15.0, 5.0, -2.0]})
    result = kamlab.abc_analysis(accounts, value="revenue", thresholds=(0.8, 0.95))
    merged = result.merge(pd.DataFrame({"account_id": list("ABCDE"), "region": list("nnssn")}), on="account_id")
    merged.attrs = {}  # what pandas may do to attrs in a merge: kamlab must not depend on them
    with pytest.raises(kamlab.ParameterError, match="value='revenue'"):
        kamlab.abc_summary(merged)
    summary = kamlab.abc_summary(merged, value="revenue")
    # by hand: A = {A, B} (80 % covered), B = {C} (95 %), C = {D}; E (a net credit) holds no share
    assert summary["accounts"].tolist() == [2, 1, 1, 1]
    assert summary.loc["A", "share_of_value"] == pytest.approx(0.8)
    assert summary.loc["A", "share_of_ranked"] == pytest.approx(0.5)
    pd.testing.assert_frame_equal(summary, kamlab.abc_summary(result))
