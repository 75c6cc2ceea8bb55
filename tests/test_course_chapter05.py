"""Notebook 05_potential: its exercises' answers, recomputed without the kamlab function each one practises.

Exercise 1 from the Wallet Allocation Rule's formula; exercise 2 with scikit-learn's split and a count
instead of evaluate_wallet; exercise 3 with a nearest-neighbour search and quantiles of its own instead of
kamlab.whitespace; exercise 4 from the raw CDNOW purchase dates and the parameters Fader, Hardie & Lee
published, instead of rfm_summary and BetaGeo. The notebook's feature list is read from its code and
compared with the exercise module's, so the two cannot drift apart.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import require_dataset
from notebook_source import assigned_literals

import kamlab
from kamlab import datasets
from kamlab.course import chapter05

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_potential.ipynb"


@pytest.fixture(scope="module")
def accounts(case):
    """The accounts with revenue in 2025, straight from the invoice lines, in account order."""
    lines = case.transactions
    revenue = lines[lines["date"].dt.year == 2025].groupby("account_id", observed=True)["revenue"].sum()
    revenue = revenue[revenue > 0].sort_index()
    table = case.accounts.set_index("account_id").loc[revenue.index, chapter05.FEATURES]
    return table.assign(revenue=revenue).reset_index()


def test_q1_wallet_allocation_rule_by_hand():
    # the rule: the supplier ranked k of n gets (1 - k/(n+1)) * 2/n of the wallet
    first, second = (1 - 1 / 4) * 2 / 3, (1 - 2 / 4) * 2 / 3
    assert (first, second) == pytest.approx((0.5, 1 / 3))
    gain = chapter05.WALLET * (first - second)
    assert gain == pytest.approx(150_000)
    assert chapter05.q1.check(gain).correct and chapter05.q1.check(150_000).correct
    assert not chapter05.q1.check(chapter05.WALLET * second).correct  # the revenue as second, not the gain
    assert not chapter05.q1.check(first - second).correct  # a share, not EUR


def test_q2_coverage_by_a_split_and_a_count(accounts):
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(accounts, test_size=0.3, random_state=1)
    model = kamlab.WalletEstimator(0.8, "linear", random_state=0).fit(train[chapter05.FEATURES], train["revenue"])
    estimate = model.predict(test[chapter05.FEATURES])
    covered = int((test["revenue"].to_numpy() <= estimate).sum())
    coverage = covered / len(test)
    assert len(test) == math.ceil(0.3 * len(accounts))  # scikit-learn rounds the test share up
    # a held-out coverage is a binomial share: within 3 standard errors of the 0.8 target
    assert abs(coverage - 0.8) <= 3 * math.sqrt(0.8 * 0.2 / len(test))
    assert chapter05.q2.check(coverage).correct and chapter05.q2.check(round(coverage, 3)).correct
    assert not chapter05.q2.check((covered + 3) / len(test)).correct
    assert not chapter05.q2.check(0.8).correct  # the target quantile is not the coverage


def _whitespace_by_hand(lines, features, n_neighbors=25, quantile=0.75):
    """The whitespace cells' gap, recomputed with scikit-learn's neighbour search and numpy quantiles."""
    from sklearn.neighbors import NearestNeighbors

    revenue = lines.groupby(["account_id", "offering"], observed=True)["revenue"].sum().unstack(fill_value=0.0)
    revenue = revenue.reindex(features.index, fill_value=0.0)
    numeric = features[["employees", "plants"]].astype(float)
    numeric = np.log1p(numeric)  # employees and plants are positive
    numeric = (numeric - numeric.mean()) / numeric.std(ddof=0)
    dummies = pd.get_dummies(features[["industry", "region", "country"]].astype(str), dtype=float)
    space = pd.concat([numeric, dummies], axis=1).to_numpy()
    _, index = NearestNeighbors(n_neighbors=n_neighbors + 1).fit(space).kneighbors(space)
    values = revenue.to_numpy()
    gaps, is_whitespace = [], []
    for i, row in enumerate(index):
        neighbours = row[row != i][:n_neighbors]
        for j in range(values.shape[1]):
            bought = values[neighbours, j][values[neighbours, j] > 0]
            potential = np.quantile(bought, quantile) if len(bought) else 0.0
            gaps.append(max(potential - values[i, j], 0.0))
            is_whitespace.append(values[i, j] <= 0 and potential > 0)
    return np.array(gaps), np.array(is_whitespace), values.size


def test_q3_big_whitespace_cells_by_hand(case, accounts):
    lines = case.transactions
    lines = lines[(lines["date"].dt.year == 2025) & lines["account_id"].isin(accounts["account_id"])]
    gaps, is_whitespace, n_cells = _whitespace_by_hand(lines, accounts.set_index("account_id")[chapter05.FEATURES])
    assert n_cells == len(accounts) * 7
    n_big = int((is_whitespace & (gaps > chapter05.WHITESPACE_GAP)).sum())
    assert 0 < n_big < int(is_whitespace.sum())  # some whitespace cells are big, not all
    assert chapter05.q3.check(n_big).correct
    assert not chapter05.q3.check(int((gaps > chapter05.WHITESPACE_GAP).sum())).correct  # farming cells too
    assert not chapter05.q3.check(int(is_whitespace.sum())).correct  # every whitespace cell


def test_q4_p_alive_from_the_raw_dates_and_the_published_parameters(data_home):
    require_dataset("cdnow", "CDNOW_sample.txt")
    lines = datasets.fetch_cdnow(data_home, download_if_missing=False)
    days = lines.loc[lines["customer_id"] == chapter05.CDNOW_CUSTOMER, "date"].dt.normalize()
    days = np.sort(days[days <= "1997-09-30"].unique())  # purchases on one day are one purchase
    x = len(days) - 1
    t_x = (days[-1] - days[0]) / np.timedelta64(7, "D")
    T = (np.datetime64("1997-09-30") - days[0]) / np.timedelta64(7, "D")
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426  # Fader, Hardie & Lee (2005)
    p_alive = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    # five repeat purchases: the notebook's text says so; the customer was chosen for an undecided P(alive),
    # so the band only guards the formula above against a slip (CDNOW is a fixed, published file)
    assert x == 5 and 0.45 < p_alive < 0.55
    assert chapter05.q4.check(p_alive).correct and chapter05.q4.check(round(p_alive, 3)).correct
    assert not chapter05.q4.check(1.0).correct  # a customer with repeat purchases can have dropped out
    assert not chapter05.q4.check(1 - p_alive).correct


def test_the_notebook_uses_the_exercises_features():
    assigned = assigned_literals(NOTEBOOK)
    assert assigned["features"] == chapter05.FEATURES


def test_exercises_answer_none_kindly():
    for exercise in (chapter05.q1, chapter05.q2, chapter05.q3, chapter05.q4):
        result = exercise.check(None)
        assert not result.correct and not result.answered
