"""Notebook 03_segmentation: its exercises' answers, recomputed without kamlab's segmentation functions.

The preprocessing is done with numpy (log1p, skewness, standardisation) or scikit-learn's RobustScaler,
the clusterings with scikit-learn's KMeans and GaussianMixture directly, the RFM scores by counting
the accounts that are strictly worse. The notebook's feature lists are read from its code and compared
with the exercise module's, so the two cannot drift apart.
"""

from pathlib import Path

import numpy as np
import pytest
from notebook_source import assigned_literals
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import RobustScaler

import kamlab
from kamlab.course import chapter03

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_segmentation.ipynb"


@pytest.fixture(scope="module")
def clients(wholesale_clients):
    return wholesale_clients


@pytest.fixture(scope="module")
def accounts():
    table = kamlab.load_case().account_table(2025)
    return table[table["revenue"] > 0].reset_index(drop=True)


def _standardise(values):
    return (values - values.mean(axis=0)) / values.std(axis=0)


def _agreement(segments, channel):
    retail = (channel == "Retail").to_numpy()
    return max(np.mean((segments == 1) == retail), np.mean((segments == 0) == retail))


def test_q1_the_bic_prefers_more_segments_than_the_silhouette(clients):
    Z = _standardise(np.log1p(clients[chapter03.SPEND].to_numpy(dtype=float)))
    bic = {k: GaussianMixture(n_components=k, n_init=1, random_state=0).fit(Z).bic(Z) for k in range(2, 11)}
    k_bic = min(bic, key=bic.get)
    assert k_bic > 2  # the silhouette says 2 (section 9)
    assert chapter03.q1.check(k_bic).correct
    assert not chapter03.q1.check(2).correct


def test_q2_robust_scaling_agreement(clients):
    Z = RobustScaler().fit_transform(np.log1p(clients[chapter03.SPEND].to_numpy(dtype=float)))
    segments = KMeans(n_clusters=2, n_init=4, random_state=0).fit_predict(Z)
    agreement = _agreement(segments, clients["channel"])
    baseline = clients["channel"].value_counts(normalize=True).max()  # everyone "Horeca": 298 of 440
    assert baseline < agreement < 1  # better than the baseline, not a perfect recovery of the channel
    assert chapter03.q2.check(agreement).correct
    assert chapter03.q2.check(round(agreement, 3)).correct
    assert not chapter03.q2.check(agreement * 100).correct  # a share, not a percentage
    assert not chapter03.q2.check(298 / 440).correct  # everyone "Horeca": the baseline, not the answer


def test_q3_biggest_of_five_segments(accounts):
    values = accounts[chapter03.FEATURES].astype(float).to_numpy()
    centred = values - values.mean(axis=0)
    skewness = (centred**3).mean(axis=0) / (centred**2).mean(axis=0) ** 1.5
    logged = (skewness > 1) & (values.min(axis=0) >= 0)
    assert [f for f, is_logged in zip(chapter03.FEATURES, logged) if is_logged] == ["revenue", "orders",
                                                                                   "recency_days"]
    values[:, logged] = np.log1p(values[:, logged])
    segments = KMeans(n_clusters=5, n_init=4, random_state=0).fit_predict(_standardise(values))
    sizes = np.bincount(segments)
    assert len(sizes) == 5 and sizes.sum() == len(accounts)
    assert chapter03.q3.check(int(sizes.max())).correct
    assert not chapter03.q3.check(int(sizes.min())).correct
    assert not chapter03.q3.check(int(sizes.max()) + 1).correct


def test_q4_rfm_code_by_counting(accounts):
    n = len(accounts)
    row = accounts.index[accounts["account_id"] == chapter03.RFM_ACCOUNT][0]

    def score(values, higher_is_better):
        values = values.astype(float).to_numpy()
        mine = values[row]
        worse = np.sum(values < mine) if higher_is_better else np.sum(values > mine)
        return 1 + int(5 * worse // n)

    code = f"{score(accounts['recency_days'], False)}{score(accounts['orders'], True)}" \
           f"{score(accounts['revenue'], True)}"
    assert len(code) == 3 and set(code) <= set("12345")
    assert chapter03.q4.check(code).correct
    assert not chapter03.q4.check(code[0] + code[2] + code[1]).correct  # F and M swapped
    assert not chapter03.q4.check(int(code)).correct  # the text, not a number


def test_the_notebook_uses_the_exercises_features():
    assigned = assigned_literals(NOTEBOOK)
    assert assigned["SPEND"] == chapter03.SPEND
    assert assigned["FEATURES"] == chapter03.FEATURES


def test_exercises_answer_none_kindly():
    for exercise in (chapter03.q1, chapter03.q2, chapter03.q3, chapter03.q4):
        result = exercise.check(None)
        assert not result.correct and not result.answered
