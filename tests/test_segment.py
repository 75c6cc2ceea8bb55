"""Tests of segmentation: RFM scores and maps, AccountSegmenter, select_k, stability, profiles.

Small examples are computed by hand (in the comments). Clustering is tested on generated data
whose true segments are known, and on the UCI Wholesale data, whose two sales channels are known.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.utils.estimator_checks import parametrize_with_checks

import kamlab
from kamlab.errors import DataFormatError, KamlabError, MissingColumnError, ParameterError
from kamlab.segment import (
    MINIBATCH_THRESHOLD,
    RFM_PRESETS,
    TRUSTWORTHY_ARI,
    WARD_MAX_ACCOUNTS,
    AccountSegmenter,
    make_segmented_accounts,
    rfm_scores,
    rfm_segments,
    segment_profiles,
    segment_stability,
    select_k,
)
from kamlab.segment.sweep import _kneedle, _recommend

SPEND = ["fresh", "milk", "grocery", "frozen", "detergents_paper", "delicatessen"]

# Bounds with a reason of their own (not copied from a measured result):
#: Steinley (2004): an adjusted Rand index above 0.90 is "excellent" recovery (0.80 good, below 0.65 poor).
EXCELLENT_ARI = 0.9
POOR_ARI = 0.65
#: Hennig (2007, and the fpc package's clusterboot): a mean Jaccard of 0.85 or more is a "highly stable" segment.
HIGHLY_STABLE_JACCARD = 0.85


# ----------------------------------------------------------------------------- data with known segments
@pytest.fixture(scope="module")
def money_blobs():
    """Four well-separated clusters, exponentiated like money columns (revenue, orders, service cost)."""
    # in each column one minority cluster lies far above the others: right-skewed, like money
    centres = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
    X, y = make_blobs(n_samples=[500, 300, 250, 150], centers=centres, cluster_std=0.35, random_state=3)
    accounts = pd.DataFrame(np.exp(X + [9.0, 2.0, 6.0]), columns=["revenue", "orders", "service_cost"])
    accounts.insert(0, "account_id", [f"K{i:04d}" for i in range(len(accounts))])
    return accounts, y


@pytest.fixture(scope="module")
def generated():
    return make_segmented_accounts(1_500, n_segments=4, random_state=1)


def test_money_blobs_are_skewed_and_get_logged(money_blobs):
    accounts, _ = money_blobs
    segmenter = AccountSegmenter(n_segments=4, random_state=0).fit(accounts)
    # account_id is text, so the features are the three numeric columns, all skewed and ≥ 0
    assert list(segmenter.feature_names_in_) == ["revenue", "orders", "service_cost"]
    assert segmenter.log_features_ == ["revenue", "orders", "service_cost"]
    assert accounts[["revenue", "orders", "service_cost"]].skew().min() > 1


def test_select_k_recommends_the_true_k_on_money_blobs(money_blobs):
    accounts, _ = money_blobs
    table = select_k(accounts, random_state=0, progress=False)
    assert table.attrs["recommended_k"] == 4
    assert table.index.tolist() == list(range(2, 11))
    assert table["silhouette"].idxmax() == 4
    assert table["elbow"].sum() == 1 and table.index[table["elbow"]].tolist() == [4]
    assert table.attrs["reason"].startswith("k = 4: the highest silhouette")
    assert table.attrs["silhouette_sample"] == len(accounts)  # fewer accounts than sample_size: all of them


def test_select_k_recommends_the_true_k_on_generated_accounts(generated):
    accounts, _ = generated
    for method in ("kmeans", "gmm"):
        table = select_k(accounts, method=method, random_state=0, progress=False)
        assert table.attrs["recommended_k"] == 4, (method, table.attrs["reason"])


@pytest.mark.parametrize("method", ["kmeans", "gmm"])
def test_auto_segmentation_recovers_the_true_segments(money_blobs, generated, method):
    for accounts, truth in (money_blobs, generated):
        segmenter = AccountSegmenter(method=method, n_segments="auto", random_state=0, progress=False).fit(accounts)
        assert segmenter.n_segments_ == 4
        assert segmenter.selection_.attrs["recommended_k"] == 4
        ari = adjusted_rand_score(truth, segmenter.labels_)
        print(f"{method}: ARI {ari:.3f}")
        assert ari >= EXCELLENT_ARI


def test_ward_at_the_true_k_recovers_the_true_segments(money_blobs, generated):
    for accounts, truth in (money_blobs, generated):
        segmenter = AccountSegmenter(method="ward", n_segments=4).fit(accounts)
        assert isinstance(segmenter.model_, AgglomerativeClustering)
        assert adjusted_rand_score(truth, segmenter.labels_) >= EXCELLENT_ARI
    # ward with "auto" cuts one tree at every k and also finds 4
    assert AccountSegmenter(method="ward", progress=False).fit(accounts).n_segments_ == 4


def test_hdbscan_finds_the_segments_itself_and_marks_noise(money_blobs):
    accounts, truth = money_blobs
    segmenter = AccountSegmenter(method="hdbscan", n_segments=7).fit(accounts)  # n_segments is ignored
    assert isinstance(segmenter.model_, HDBSCAN)
    assert segmenter.n_segments_ == 4
    assigned = segmenter.labels_ >= 0
    assert assigned.mean() > 0.8
    assert adjusted_rand_score(truth[assigned], segmenter.labels_[assigned]) >= EXCELLENT_ARI
    assert set(np.unique(segmenter.labels_)) <= {-1, 0, 1, 2, 3}
    assert not hasattr(segmenter, "predict")


# ----------------------------------------------------------------------------- the estimator's API
def test_segments_are_numbered_by_size_and_centres_match(money_blobs):
    accounts, _ = money_blobs
    segmenter = AccountSegmenter(n_segments=4, random_state=0).fit(accounts)
    sizes = np.bincount(segmenter.labels_)
    assert sizes.tolist() == sorted(sizes.tolist(), reverse=True) == [500, 300, 250, 150]
    assert segmenter.labels_.dtype == np.int64
    assert isinstance(segmenter.model_, KMeans)
    assert segmenter.cluster_centers_.shape == (4, 3)
    scaled = segmenter.preprocess(accounts)
    for segment in range(4):
        np.testing.assert_allclose(segmenter.cluster_centers_[segment], scaled[segmenter.labels_ == segment].mean(0),
                                   atol=1e-6)
    # the scaled space is standardised, and the preprocessing inverts back to money
    np.testing.assert_allclose(scaled.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(0), 1, atol=1e-12)
    np.testing.assert_allclose(segmenter.preprocessor_.inverse_transform(scaled),
                               accounts[["revenue", "orders", "service_cost"]].to_numpy(), rtol=1e-9)
    assert segmenter.selection_ is None  # a fixed n_segments chooses nothing


def test_predict_takes_the_whole_account_table_and_matches_labels(money_blobs):
    accounts, _ = money_blobs
    for method in ("kmeans", "gmm"):
        segmenter = AccountSegmenter(features=["orders", "revenue"], method=method, n_segments=4, random_state=0)
        labels = segmenter.fit_predict(accounts)
        np.testing.assert_array_equal(labels, segmenter.labels_)
        # further columns, other column order: the features are taken by name
        shuffled = accounts[["service_cost", "revenue", "account_id", "orders"]]
        np.testing.assert_array_equal(segmenter.predict(shuffled), segmenter.labels_)
        with pytest.warns(UserWarning, match="does not have valid feature names"):  # scikit-learn's warning
            np.testing.assert_array_equal(segmenter.predict(accounts[["orders", "revenue"]].to_numpy()[:5]),
                                          segmenter.labels_[:5])


def test_fit_is_deterministic_given_random_state(generated):
    accounts, _ = generated
    first = AccountSegmenter(random_state=7, progress=False).fit(accounts)
    second = AccountSegmenter(random_state=7, progress=False).fit(accounts.sample(frac=1.0, random_state=1)
                                                                  .sort_index())
    np.testing.assert_array_equal(first.labels_, second.labels_)
    pd.testing.assert_frame_equal(first.selection_, second.selection_)


def test_auto_segmenter_and_select_k_agree(generated):
    accounts, _ = generated
    table = select_k(accounts, random_state=3, progress=False)
    segmenter = AccountSegmenter(random_state=3, progress=False).fit(accounts)
    pd.testing.assert_frame_equal(segmenter.selection_, table)
    assert segmenter.selection_.attrs == table.attrs
    assert segmenter.n_segments_ == table.attrs["recommended_k"]


def test_segmenting_the_case_company(account_tables):
    accounts = account_tables[2025]
    features = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings"]
    with pytest.raises(DataFormatError, match="missing values"):  # accounts without orders have no recency
        AccountSegmenter(features=features).fit(accounts)
    active = accounts.dropna(subset=features)
    segmenter = AccountSegmenter(features=features, random_state=0, progress=False).fit(active)
    profiles = segment_profiles(active, segmenter=segmenter)
    assert profiles["size"].sum() == len(active)
    assert profiles["revenue_share"].sum() == pytest.approx(1.0) and profiles["db4_share"].sum() == pytest.approx(1.0)
    assert profiles["name"].is_unique
    # the segment with the larger revenue share is called "large" (revenue enters the name)
    assert "large" in profiles.loc[profiles["revenue_share"].idxmax(), "name"]


def test_minibatch_kmeans_above_the_threshold():
    accounts, truth = make_segmented_accounts(MINIBATCH_THRESHOLD + 1, n_segments=3, random_state=2)
    segmenter = AccountSegmenter(n_segments=3, random_state=0).fit(accounts)
    assert isinstance(segmenter.model_, MiniBatchKMeans)
    assert adjusted_rand_score(truth, segmenter.labels_) >= EXCELLENT_ARI
    small = AccountSegmenter(n_segments=3, random_state=0, minibatch=True).fit(accounts.head(1000))
    assert isinstance(small.model_, MiniBatchKMeans)


def test_gmm_model_and_array_input(money_blobs):
    accounts, truth = money_blobs
    X = accounts[["revenue", "orders", "service_cost"]].to_numpy()
    segmenter = AccountSegmenter(method="gmm", n_segments=4, random_state=0).fit(X)
    assert isinstance(segmenter.model_, GaussianMixture)
    assert not hasattr(segmenter, "feature_names_in_") and segmenter.n_features_in_ == 3
    assert segmenter.log_features_ == [0, 1, 2]  # positions for an array
    assert adjusted_rand_score(truth, segmenter.labels_) >= EXCELLENT_ARI


def test_log_feature_options(money_blobs):
    accounts, _ = money_blobs
    table = accounts.assign(balance=np.linspace(-50, 50, len(accounts)) ** 3)  # skewed? no: negative values
    assert AccountSegmenter(n_segments=2).fit(table).log_features_ == ["revenue", "orders", "service_cost"]
    assert AccountSegmenter(n_segments=2, log_features=None).fit(table).log_features_ == []
    assert AccountSegmenter(n_segments=2, log_features=["orders"]).fit(table).log_features_ == ["orders"]
    assert AccountSegmenter(n_segments=2, log_features="all", features=["revenue", "orders"]).fit(
        table).log_features_ == ["revenue", "orders"]
    robust = AccountSegmenter(n_segments=2, scaler="robust").fit(table)
    assert np.allclose(np.median(robust.preprocess(table), axis=0), 0)


# ----------------------------------------------------------------------------- bad input
def test_bad_input_raises_clear_kamlab_errors(money_blobs):
    accounts, _ = money_blobs
    with pytest.raises(MissingColumnError, match="no feature column 'margin'"):
        AccountSegmenter(features=["revenue", "margin"], n_segments=2).fit(accounts)
    negative = accounts.assign(revenue=accounts["revenue"] - 1e4)
    with pytest.raises(DataFormatError, match="'revenue' is to be log-transformed but has negative values"):
        AccountSegmenter(log_features=["revenue"], n_segments=2).fit(negative)
    # with "auto" a feature with negative values is simply not logged
    assert "revenue" not in AccountSegmenter(n_segments=2).fit(negative).log_features_
    with pytest.raises(DataFormatError, match="'account_id' is not numeric"):
        AccountSegmenter(features=["account_id", "revenue"], n_segments=2).fit(accounts)
    with pytest.raises(DataFormatError, match="no numeric columns"):
        AccountSegmenter(n_segments=2).fit(accounts[["account_id"]])
    for bad in (1, 0, "three", 2.5, True):
        with pytest.raises(ParameterError, match="n_segments must be"):
            AccountSegmenter(n_segments=bad).fit(accounts)
    with pytest.raises(ParameterError, match="method must be one of"):
        AccountSegmenter(method="dbscan").fit(accounts)
    with pytest.raises(ParameterError, match="scaler must be one of"):
        AccountSegmenter(scaler="minmax").fit(accounts)
    with pytest.raises(ParameterError, match="criterion='bic' needs method='gmm'"):
        AccountSegmenter(criterion="bic").fit(accounts)
    with pytest.raises(ParameterError, match="k_range"):
        AccountSegmenter(k_range=(5, 2)).fit(accounts)
    with pytest.raises(ParameterError, match="at least 2"):
        AccountSegmenter(k_range=[1, 2, 3]).fit(accounts)
    with pytest.raises(DataFormatError, match=r"'orders' has 1 missing values \(NaN\)"):
        AccountSegmenter(n_segments=2).fit(accounts.assign(orders=accounts["orders"].where(accounts.index != 5)))
    with pytest.raises(ParameterError, match="features names columns of a DataFrame"):
        AccountSegmenter(features=["revenue"], n_segments=2).fit(accounts[["revenue"]].to_numpy())
    with pytest.raises(ParameterError, match="fewer than n_segments = 5"):
        AccountSegmenter(n_segments=5).fit(accounts.head(3))
    # every one of them is a ValueError too, for callers who do not know kamlab
    assert issubclass(KamlabError, ValueError)


def test_predict_errors(money_blobs):
    accounts, _ = money_blobs
    segmenter = AccountSegmenter(n_segments=3, random_state=0).fit(accounts)
    with pytest.raises(MissingColumnError, match="no feature column 'orders'"):
        segmenter.predict(accounts.drop(columns="orders"))
    with pytest.raises(DataFormatError, match="negative values"):
        segmenter.predict(accounts.assign(orders=-accounts["orders"]))
    ward = AccountSegmenter(method="ward", n_segments=3).fit(accounts)
    with pytest.raises(AttributeError, match="has no attribute 'predict'") as error:
        ward.predict(accounts)
    # the traceback shows why, as the direct cause
    assert "ward assigns only the accounts it was fitted on" in str(error.value.__cause__)


def test_ward_refuses_more_accounts_than_it_can_hold():
    X = np.random.default_rng(0).normal(size=(WARD_MAX_ACCOUNTS + 1, 2))
    with pytest.raises(ParameterError, match="too many"):
        AccountSegmenter(method="ward", n_segments=2).fit(X)


# ----------------------------------------------------------------------------- scikit-learn's estimator checks
# Small, fast variants (n_init=1, fixed n_segments) of every method, and the default ("auto") one.
# No check is excluded: all of them pass for every variant.
@parametrize_with_checks(
    [
        AccountSegmenter(n_segments=3, n_init=1, progress=False),
        AccountSegmenter(method="gmm", n_segments=3, n_init=1, progress=False),
        AccountSegmenter(method="ward", n_segments=3, progress=False),
        AccountSegmenter(method="hdbscan", progress=False),
        AccountSegmenter(n_init=1, progress=False),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="HDBSCAN found no segment")
            check(estimator)


# ----------------------------------------------------------------------------- select_k details
def test_kneedle_on_hand_curves():
    # inertia 100, 30, 20, 17, 15, 14 for k = 2..7: scaled x = 0, .2, .4, .6, .8, 1 and
    # y = (v - 14) / 86 = 1, .186, .070, .035, .012, 0; (1 - x) - y = 0, .614, .530, .365, .188, 0 -> k = 3
    assert _kneedle([2, 3, 4, 5, 6, 7], [100, 30, 20, 17, 15, 14]) == 3
    assert _kneedle([2, 3, 4, 5], [40, 30, 20, 10]) is None  # a straight line has no elbow
    assert _kneedle([2, 3, 4, 5], [40, 39, 35, 10]) is None  # nor a concave curve
    assert _kneedle([2, 3], [40, 10]) is None  # two points are no curve


def _table(silhouette, inertia, ch=None, db=None):
    ks = list(range(2, 2 + len(silhouette)))
    table = pd.DataFrame({"k": ks, "inertia": inertia, "silhouette": silhouette,
                          "calinski_harabasz": ch or [1.0] * len(ks), "davies_bouldin": db or [1.0] * len(ks)})
    table = table.set_index("k")
    table.insert(1, "elbow", table.index == _kneedle(ks, inertia))
    return table


def test_decision_rule_silhouette_then_elbow_as_tie_breaker():
    inertia = [100, 30, 20, 17, 15, 14]  # elbow at k = 3
    # clear silhouette maximum at k = 2: it wins, and the reason says where the elbow is
    k, reason = _recommend(_table([0.60, 0.45, 0.40, 0.3, 0.3, 0.3], inertia, ch=[5, 9, 4, 3, 2, 1],
                                  db=[1, 2, 2, 2, 2, 2]), "silhouette")
    assert k == 2
    assert reason == ("k = 2: the highest silhouette (0.60); Davies–Bouldin agrees; the elbow of the inertia curve "
                      "is at k = 3 and Calinski–Harabasz is highest at k = 3.")
    # the elbow's silhouette is within 0.01 of the highest: the elbow wins the tie
    k, reason = _recommend(_table([0.500, 0.495, 0.40, 0.3, 0.3, 0.3], inertia, ch=[1, 5, 1, 1, 1, 1],
                                  db=[2, 2, 2, 1, 2, 2]), "silhouette")
    assert k == 3
    assert reason == ("k = 3: the elbow of the inertia curve, with a silhouette (0.49) as good as the highest "
                      "(0.50 at k = 2) within 0.01; Calinski–Harabasz agrees; Davies–Bouldin is lowest at k = 5.")
    # all indices agree
    k, reason = _recommend(_table([0.3, 0.6, 0.4, 0.3, 0.3, 0.3], inertia, ch=[1, 9, 2, 2, 2, 2],
                                  db=[2, 0.5, 1, 1, 1, 1]), "silhouette")
    assert k == 3
    assert reason == ("k = 3: the highest silhouette (0.60); the elbow of the inertia curve, Calinski–Harabasz and "
                      "Davies–Bouldin agree.")
    # other criteria
    assert _recommend(_table([0.6, 0.5, 0.4, 0.3, 0.3, 0.3], inertia), "elbow")[0] == 3
    assert _recommend(_table([0.6, 0.5, 0.4, 0.3, 0.3, 0.3], inertia, db=[3, 2, 1, 2, 2, 2]), "davies_bouldin")[0] == 4


def test_select_k_samples_the_silhouette_and_reports_bic_for_gmm(generated):
    accounts, _ = generated
    table = select_k(accounts, k_range=[3, 4, 5], method="gmm", sample_size=500, random_state=0, progress=False)
    assert table.index.tolist() == [3, 4, 5]
    assert table.columns.tolist() == ["inertia", "elbow", "silhouette", "calinski_harabasz", "davies_bouldin", "bic"]
    assert table.attrs["silhouette_sample"] == 500 and table.attrs["n_accounts"] == 1_500
    assert table["bic"].idxmin() == 4
    assert table.attrs["recommended_k"] == 4
    assert (table["inertia"].diff().dropna() < 0).all()
    assert select_k(accounts, k_range=[3, 4, 5], method="gmm", criterion="bic", sample_size=500,
                    random_state=0, progress=False).attrs["reason"].startswith("k = 4: the lowest BIC (")
    with pytest.raises(ParameterError, match="HDBSCAN chooses"):
        select_k(accounts, method="hdbscan")
    with pytest.raises(ParameterError, match="too few"):
        select_k(accounts.head(3), k_range=(3, 5))


def test_select_k_is_quiet_without_progress(generated, capsys):
    accounts, _ = generated
    select_k(accounts.head(200), k_range=(2, 3), random_state=0, progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# ----------------------------------------------------------------------------- stability
def test_stability_on_well_separated_segments(generated):
    accounts, _ = generated
    segmenter = AccountSegmenter(n_segments=4, random_state=0)
    stability = segment_stability(accounts, segmenter, n_resamples=8, random_state=0, progress=False)
    assert stability.by_k.index.tolist() == [4]
    assert stability.by_k.at[4, "mean_ari"] > EXCELLENT_ARI
    assert stability.is_trustworthy() and stability.is_trustworthy(4)
    assert stability.by_segment["stable"].all()
    assert (stability.by_segment["mean_jaccard"] >= HIGHLY_STABLE_JACCARD).all()
    # the reference segments are the segmenter's own
    sizes = np.bincount(segmenter.fit(accounts).labels_)
    assert stability.by_segment["size"].tolist() == sizes.tolist()
    assert len(stability.ari) == 8 and stability.ari["ari"].between(-1, 1).all()
    assert "k = 4: mean ARI" in repr(stability)
    with kamlab.language("de"):  # issue 17
        german = repr(stability)
    mean = f"{stability.by_k.at[4, 'mean_ari']:.2f}".replace(".", ",")
    assert f"k = 4: mittlerer ARI {mean} ±" in german and german.endswith(": verlässlich")


def test_stability_on_uniform_noise_is_low():
    noise = np.random.default_rng(0).uniform(size=(500, 4))
    segmenter = AccountSegmenter(n_segments=3, random_state=0, log_features=None)
    stability = segment_stability(noise, segmenter, n_resamples=10, random_state=0, progress=False)
    print(stability)
    assert stability.by_k.at[3, "mean_ari"] < POOR_ARI
    assert not stability.is_trustworthy()
    blobs = segment_stability(make_blobs(500, n_features=4, centers=3, random_state=0)[0], segmenter,
                              n_resamples=10, random_state=0, progress=False)
    # the same segmenter on three real clusters: excellent recovery, trustworthy
    assert blobs.by_k.at[3, "mean_ari"] > EXCELLENT_ARI and blobs.is_trustworthy()


def test_stability_over_a_range_of_k(generated):
    accounts, _ = generated
    stability = segment_stability(accounts.head(600), AccountSegmenter(random_state=0), k_range=(2, 5),
                                  n_resamples=5, random_state=0, progress=False)
    assert stability.by_k.index.tolist() == [2, 3, 4, 5]
    assert stability.by_k["trustworthy"].tolist() == (stability.by_k["mean_ari"] >= TRUSTWORTHY_ARI).tolist()
    assert sorted(stability.by_segment.groupby("k").size().tolist()) == [2, 3, 4, 5]
    with pytest.raises(ParameterError, match="say which"):
        stability.is_trustworthy()
    with pytest.raises(ParameterError, match="was not assessed"):
        stability.is_trustworthy(9)
    with pytest.raises(ParameterError, match="sample_fraction"):
        segment_stability(accounts, sample_fraction=1.5)


# ----------------------------------------------------------------------------- profiles
@pytest.fixture
def two_segments():
    accounts = pd.DataFrame({
        "account_id": ["A", "B", "C", "D", "E", "F"],
        "revenue": [900.0, 1000.0, 1100.0, 10.0, 12.0, 15.0],
        "orders": [40, 50, 45, 2, 1, 3],
        "db4": [300.0, 200.0, 250.0, 1.0, -2.0, 1.0],
        "margin_rate": [0.30, 0.32, 0.31, 0.30, 0.32, 0.31],
    })
    return accounts, np.array([0, 0, 0, 1, 1, 1])


def test_profiles_on_a_hand_example(two_segments):
    accounts, labels = two_segments
    profiles = segment_profiles(accounts, labels, features=["revenue", "orders", "margin_rate"])
    assert profiles.index.tolist() == [0, 1]
    assert profiles["name"].tolist() == ["large, frequent", "small, rare"]  # margin_rate is the same: no word
    assert profiles["size"].tolist() == [3, 3]
    # shares: revenue 3000 of 3037; db4 750 of 750 + 0 = 750 (the small segment nets 1 - 2 + 1 = 0)
    assert profiles["revenue_share"].tolist() == pytest.approx([3000 / 3037, 37 / 3037])
    assert profiles["db4_share"].tolist() == pytest.approx([1.0, 0.0])
    for column in ("share_of_accounts", "revenue_share", "db4_share"):
        assert profiles[column].sum() == pytest.approx(1.0)
    assert profiles["median_revenue"].tolist() == [1000.0, 12.0]
    assert profiles["median_orders"].tolist() == [45.0, 2.0]
    # two equal halves: the standardised means are +a and -a, a = (half-mean difference / 2) / standard deviation;
    # orders 40, 50, 45 | 2, 1, 3 (not logged: skewness below 1): means 45 and 2, overall 23.5, squared
    # deviations 272.25 + 702.25 + 462.25 + 462.25 + 506.25 + 420.25 = 2825.5, so a = 21.5 / sqrt(2825.5 / 6)
    a = 21.5 / np.sqrt(2825.5 / 6)
    assert profiles["z_orders"].tolist() == pytest.approx([a, -a], rel=1e-12)
    assert profiles["z_margin_rate"].tolist() == pytest.approx([0.0, 0.0], abs=1e-9)
    assert profiles.attrs["value_columns"] == ["revenue", "db4"]


def test_profile_names_vocabulary_and_overrides(two_segments):
    accounts, labels = two_segments
    accounts = accounts.assign(recency_days=[5, 6, 4, 300, 200, 250], widgets=[9, 9, 9, 1, 1, 1])
    profiles = segment_profiles(accounts, labels, features=["recency_days", "widgets"])
    # strongest first: widgets do not vary within a segment (|z| = 1), recency does a little (|z| < 1)
    assert profiles["name"].tolist() == ["high widgets, recent", "low widgets, lapsed"]
    assert segment_profiles(accounts, labels, features=["recency_days"], max_words=1)[
        "name"].tolist() == ["recent", "lapsed"]
    assert segment_profiles(accounts, labels, features=["recency_days", "widgets"], max_words=1)[
        "name"].tolist() == ["high widgets", "low widgets"]
    assert segment_profiles(accounts, labels, features=["widgets"], vocabulary={"widgets": ("gadget fan", "no gadgets")})[
        "name"].tolist() == ["gadget fan", "no gadgets"]
    same = segment_profiles(accounts, labels, features=["margin_rate"])["name"].tolist()
    assert same == ["average (0)", "average (1)"]  # equal names get their segment number
    assert segment_profiles(accounts, labels, names={1: "tail"})["name"].tolist()[1] == "tail"
    assert segment_profiles(accounts, labels, names=["core", "tail"])["name"].tolist() == ["core", "tail"]
    assert segment_profiles(accounts.assign(seg=labels), "seg", features=["orders"])["name"].tolist() == [
        "frequent", "rare"]
    with pytest.raises(ParameterError, match="one name per segment"):
        segment_profiles(accounts, labels, names=["only one"])
    with pytest.raises(ParameterError, match="do not exist"):
        segment_profiles(accounts, labels, names={5: "x"})
    noisy = segment_profiles(accounts, [0, 0, 0, 1, 1, -1], features=["orders"])
    assert noisy.index.tolist() == [-1, 0, 1] and noisy.loc[-1, "name"] == "noise (no segment)"


def test_profiles_use_the_segmenters_features_and_log(money_blobs):
    accounts, _ = money_blobs
    segmenter = AccountSegmenter(n_segments=4, random_state=0).fit(accounts)
    profiles = segment_profiles(accounts, segmenter=segmenter)
    assert profiles.attrs["features"] == ["revenue", "orders", "service_cost"]
    # with the log of every feature and standard scaling, the z-profile is exactly the mean of the scaled space
    np.testing.assert_allclose(profiles[["z_revenue", "z_orders", "z_service_cost"]].to_numpy(),
                               segmenter.cluster_centers_, atol=1e-9)
    assert profiles["size"].tolist() == [500, 300, 250, 150]
    assert profiles["name"].is_unique and (profiles["name"] != "").all()
    assert profiles["revenue_share"].sum() == pytest.approx(1.0)


# ----------------------------------------------------------------------------- RFM
@pytest.fixture
def ten_accounts():
    return pd.DataFrame({
        "account_id": [f"K{i}" for i in range(1, 11)],
        "recency_days": [5, 20, 20, 40, 60, 90, 120, 200, 300, 365],
        "orders": [30, 12, 8, 1, 1, 1, 4, 6, 2, 3],
        "revenue": [900, 500, 450, 40, 30, 20, 100, 80, 60, 70],
    })


def test_rfm_scores_by_hand(ten_accounts):
    scores = rfm_scores(ten_accounts)
    # score = 1 + floor(5 × accounts strictly worse / 10)
    # recency (fewer days better): strictly worse = 9, 7, 7, 6, 5, 4, 3, 2, 1, 0 -> 5, 4, 4, 4, 3, 3, 2, 2, 1, 1
    assert scores["r_score"].tolist() == [5, 4, 4, 4, 3, 3, 2, 2, 1, 1]
    # orders 30, 12, 8, 1, 1, 1, 4, 6, 2, 3: worse = 9, 8, 7, 0, 0, 0, 5, 6, 3, 4 -> 5, 5, 4, 1, 1, 1, 3, 4, 2, 3
    assert scores["f_score"].tolist() == [5, 5, 4, 1, 1, 1, 3, 4, 2, 3]
    # revenue 900, 500, 450, 40, 30, 20, 100, 80, 60, 70: worse = 9, 8, 7, 2, 1, 0, 6, 5, 3, 4
    assert scores["m_score"].tolist() == [5, 5, 4, 2, 1, 1, 4, 3, 2, 3]
    assert scores["rfm"].tolist()[:4] == ["555", "455", "444", "412"]
    assert scores.attrs["rfm_bins"] == 5
    assert scores.columns.tolist()[:4] == ten_accounts.columns.tolist()  # the input columns are kept
    # ties get the same score: K2/K3 share 20 days, K4/K5/K6 one order
    assert scores.loc[1, "r_score"] == scores.loc[2, "r_score"]
    assert scores.loc[[3, 4, 5], "f_score"].nunique() == 1


def test_rfm_scores_with_three_bins_and_missing_recency(ten_accounts):
    table = ten_accounts.assign(recency_days=pd.array([5, 20, 20, 40, 60, 90, 120, 200, 300, None], dtype="Int64"))
    scores = rfm_scores(table, bins=3)
    # 1 + floor(3 × worse / 10); the account without an order is the worst (worse = 0)
    # worse = 9, 7, 7, 6, 5, 4, 3, 2, 1, 0 -> 3, 3, 3, 2, 2, 2, 1, 1, 1, 1
    assert scores["r_score"].tolist() == [3, 3, 3, 2, 2, 2, 1, 1, 1, 1]
    assert scores["rfm"].iloc[0] == "333"
    wide = rfm_scores(ten_accounts, bins=10)
    assert wide["rfm"].iloc[0] == "10-10-10"


def test_rfm_scores_do_not_depend_on_row_order(ten_accounts):
    table = pd.concat([ten_accounts] * 3, ignore_index=True)
    table["account_id"] = [f"A{i:02d}" for i in range(len(table))]
    expected = rfm_scores(table).set_index("account_id")[["r_score", "f_score", "m_score", "rfm"]]
    for seed in range(5):
        shuffled = table.sample(frac=1.0, random_state=seed)
        result = rfm_scores(shuffled).set_index("account_id")[["r_score", "f_score", "m_score", "rfm"]]
        pd.testing.assert_frame_equal(result.loc[expected.index], expected)


def test_rfm_scores_on_the_case_company(account_tables):
    accounts = account_tables[2025]
    scores = rfm_scores(accounts)
    for column in ("r_score", "f_score", "m_score"):
        assert scores[column].between(1, 5).all()
    never_ordered = accounts["recency_days"].isna()
    assert never_ordered.any() and (scores.loc[never_ordered, "r_score"] == 1).all()
    segments = rfm_segments(scores, "b2b")
    assert (segments["rfm_segment"] != "Other").all()
    assert segments.loc[never_ordered, "rfm_segment"].isin(["Win back", "Maintain"]).all()


def test_rfm_input_errors(ten_accounts):
    with pytest.raises(MissingColumnError, match="no frequency column 'visits'"):
        rfm_scores(ten_accounts, frequency="visits")
    with pytest.raises(DataFormatError, match="must hold numbers"):
        rfm_scores(ten_accounts, monetary="account_id")
    with pytest.raises(DataFormatError, match="appears more than once"):
        rfm_scores(ten_accounts.assign(account_id="K1"))
    with pytest.raises(DataFormatError, match="no usable number"):
        rfm_scores(ten_accounts.assign(revenue=[np.nan] + [1.0] * 9))
    with pytest.raises(ParameterError, match="bins"):
        rfm_scores(ten_accounts, bins=1)


@pytest.mark.parametrize(
    ("r", "f", "expected"),
    [(5, 5, "Champions"), (5, 4, "Champions"), (4, 5, "Loyal customers"), (3, 4, "Loyal customers"),
     (5, 2, "Potential loyalists"), (4, 3, "Potential loyalists"), (5, 1, "New customers"), (4, 1, "Promising"),
     (3, 3, "Need attention"), (3, 1, "About to sleep"), (2, 5, "Can't lose them"), (1, 3, "At risk"),
     (2, 4, "At risk"), (1, 1, "Hibernating"), (2, 2, "Hibernating")],
)
def test_classic_map(r, f, expected):
    scores = pd.DataFrame({"r_score": [r], "f_score": [f], "m_score": [3]})
    assert rfm_segments(scores)["rfm_segment"].iloc[0] == expected


@pytest.mark.parametrize(
    ("r", "f", "m", "expected"),
    [(5, 5, 5, "Key"), (4, 4, 4, "Key"), (3, 5, 5, "Retain"), (5, 2, 4, "Retain"), (1, 1, 4, "Win back"),
     (2, 5, 3, "Win back"), (5, 2, 1, "Develop"), (4, 5, 3, "Develop"), (3, 3, 2, "Maintain"), (1, 1, 1, "Maintain")],
)
def test_b2b_map(r, f, m, expected):
    scores = pd.DataFrame({"r_score": [r], "f_score": [f], "m_score": [m]})
    assert rfm_segments(scores, "b2b")["rfm_segment"].iloc[0] == expected


def test_presets_cover_every_score_and_own_maps_work():
    grid = pd.DataFrame([(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)],
                        columns=["r_score", "f_score", "m_score"])
    for preset in RFM_PRESETS:
        segments = rfm_segments(grid, preset)["rfm_segment"]
        assert (segments != "Other").all(), preset
        assert list(segments.cat.categories)[:-1] == list(RFM_PRESETS[preset])
    own = {"Top": {"r": (4, 5), "f": 5}, "Any recent": {"r": (4, 5)}}
    named = rfm_segments(grid, own, default="Rest")["rfm_segment"]
    assert named[(grid["r_score"] >= 4) & (grid["f_score"] == 5)].eq("Top").all()  # the first match wins
    assert named[(grid["r_score"] >= 4) & (grid["f_score"] < 5)].eq("Any recent").all()
    assert named[grid["r_score"] < 4].eq("Rest").all()
    by_function = rfm_segments(grid, lambda s: np.where(s["m_score"] >= 4, "big", "small"))["rfm_segment"]
    assert by_function.eq("big").sum() == 50
    with pytest.raises(ParameterError, match="keys among"):
        rfm_segments(grid, {"Bad": {"x": (1, 2)}})
    with pytest.raises(ParameterError, match="Unknown preset"):
        rfm_segments(grid, "fancy")
    with pytest.raises(MissingColumnError, match="Compute the scores first"):
        rfm_segments(grid.drop(columns="f_score"))
    three_bins = grid.copy()
    three_bins.attrs["rfm_bins"] = 3
    with pytest.raises(ParameterError, match="defined for scores from 1 to 5"):
        rfm_segments(three_bins)


# ----------------------------------------------------------------------------- UCI Wholesale: the two channels
WHOLESALE_PIPELINES = [("standard", "kmeans"), (None, "kmeans"), ("standard", "gmm")]
#: Landis & Koch (1977): a Cohen's kappa of 0.61 to 0.80 is "substantial" agreement (0.41 to 0.60 moderate).
SUBSTANTIAL_KAPPA = 0.6
#: Published pipelines (log spend, 2 clusters, k by silhouette) recover the Horeca/Retail channel for "about
#: 89 %" of the clients (../shared/NOTES.md): a whole percent, so 88 % is the low end of "about 89 %".
PUBLISHED_AGREEMENT = 0.88


def _channel_agreement(labels, channel):
    """Share of clients whose segment matches their channel, under the best matching of segments to channels."""
    retail = (channel == "Retail").to_numpy()
    return max(np.mean((labels == 1) == retail), np.mean((labels == 0) == retail))


def _channel_kappa(labels, channel):
    """Cohen's kappa between the channel and the segments, each named after its channel in the best matching."""
    from sklearn.metrics import cohen_kappa_score

    retail = (channel == "Retail").to_numpy()
    segment_1_is_retail = np.mean((labels == 1) == retail) >= np.mean((labels == 0) == retail)
    return cohen_kappa_score(retail, (labels == 1) if segment_1_is_retail else (labels == 0))


@pytest.fixture(scope="module")
def wholesale(wholesale_clients):
    """The Wholesale clients, and for each pipeline the select_k table and the fitted segmenter."""
    clients = wholesale_clients
    fits = {}
    for scaler, method in WHOLESALE_PIPELINES:
        table = select_k(clients, features=SPEND, scaler=scaler, method=method, random_state=0, progress=False)
        segmenter = AccountSegmenter(features=SPEND, scaler=scaler, method=method, random_state=0, progress=False)
        fits[scaler, method] = table, segmenter.fit(clients)
    return clients, fits


@pytest.mark.parametrize(("scaler", "method"), WHOLESALE_PIPELINES)
def test_wholesale_two_segments_recover_the_sales_channels(wholesale, scaler, method):
    clients, fits = wholesale
    table, segmenter = fits[scaler, method]
    assert table.attrs["recommended_k"] == 2
    assert segmenter.log_features_ == SPEND  # all six spends are skewed and positive
    assert segmenter.n_segments_ == 2
    agreement = _channel_agreement(segmenter.labels_, clients["channel"])
    kappa = _channel_kappa(segmenter.labels_, clients["channel"])
    print(f"Wholesale, log1p + {scaler} scaling, {method}: {agreement:.3f} of clients in their channel's segment, "
          f"kappa {kappa:.2f}")
    # segments that know nothing of the channel match at most the majority channel's share (Horeca, 298 of 440
    # clients: 0.677), whatever the matching: the segmentation must beat that
    assert agreement > clients["channel"].value_counts(normalize=True).max()
    # and agree with the channel beyond chance: "substantial" agreement
    assert kappa > SUBSTANTIAL_KAPPA


def test_wholesale_best_pipeline_reaches_the_published_agreement(wholesale):
    clients, fits = wholesale
    agreements = {pipeline: _channel_agreement(segmenter.labels_, clients["channel"])
                  for pipeline, (_, segmenter) in fits.items()}
    assert max(agreements.values()) >= PUBLISHED_AGREEMENT, agreements


def test_one_pass_silhouettes_equal_scikit_learns():
    from sklearn.metrics import silhouette_score

    from kamlab.segment.sweep import _silhouettes

    rng = np.random.default_rng(0)
    Z = rng.normal(size=(300, 4))
    Z[1] = Z[0]  # a duplicate point: distance 0
    label_sets = [np.r_[np.arange(k), rng.integers(0, k, 300 - k)] for k in (2, 3, 7)]
    label_sets.append(np.r_[0, 1, np.full(298, 2)])  # two segments of one account (silhouette 0 there)
    expected = [silhouette_score(Z, labels) for labels in label_sets]
    assert _silhouettes(Z, label_sets) == pytest.approx(expected, abs=1e-12)
    assert np.isnan(_silhouettes(Z, [np.zeros(300, dtype=int)])[0])  # one segment: undefined


def _threads_seen_by_the_clustering(monkeypatch):
    from threadpoolctl import threadpool_info

    from kamlab.segment import clustering, estimator, stability, sweep

    seen = []
    fit_clustering = clustering._fit_clustering

    def spy(*args, **kwargs):
        seen.extend(info["num_threads"] for info in threadpool_info())
        return fit_clustering(*args, **kwargs)

    # each module that fits clusterings imported _fit_clustering into its own namespace and looks it up
    # there at call time: the estimator (fit), stability (segment_stability) and the sweep (select_k)
    for module in (estimator, stability, sweep):
        monkeypatch.setattr(module, "_fit_clustering", spy)
    X = np.random.default_rng(0).uniform(size=(60, 2))
    entry_points = {
        "fit": lambda: AccountSegmenter(n_segments=2).fit(X),
        "segment_stability": lambda: segment_stability(X, AccountSegmenter(n_segments=2), n_resamples=2,
                                                       progress=False),
        "select_k": lambda: select_k(X, k_range=(2, 3), progress=False),
    }
    for name, call in entry_points.items():
        before = len(seen)
        call()
        assert len(seen) > before, f"the spy did not see the clusterings of {name}"
    return seen


def test_clustering_runs_on_the_threads_kamlab_is_set_to(monkeypatch):
    # OpenMP/BLAS threads waiting for each other made fits up to 100x slower on a busy 2-core machine:
    # make test pins one thread through the one setting (KAMLAB_THREADS=1 / kamlab.set_threads)
    with kamlab.threads(1):
        seen = _threads_seen_by_the_clustering(monkeypatch)
    assert seen and set(seen) == {1}


def test_by_default_the_clustering_uses_the_libraries_threads(monkeypatch):
    # kamlab.set_threads(None), the default for users: the pools keep what threadpoolctl reports
    from threadpoolctl import threadpool_info

    default = [info["num_threads"] for info in threadpool_info()]
    with kamlab.threads(None):
        seen = _threads_seen_by_the_clustering(monkeypatch)
    assert seen and set(seen) == set(default)


def test_segment_agreement_by_hand():
    # segments 0/1 against two groups: the best matching puts 1 -> A, 0 -> B: 4 of 5 in their group
    assert kamlab.segment_agreement([1, 1, 0, 0, 0], ["A", "A", "B", "B", "A"]) == pytest.approx(0.8)
    # relabelling the segments changes nothing
    assert kamlab.segment_agreement([7, 7, 3, 3, 3], ["A", "A", "B", "B", "A"]) == pytest.approx(0.8)
    # three segments, two groups: the third segment (one account) cannot match: 4 of 5
    assert kamlab.segment_agreement([0, 0, 1, 1, 2], ["A", "A", "B", "B", "B"]) == pytest.approx(0.8)
    # the two-group formula used for the Wholesale test gives the same on random labels
    rng = np.random.default_rng(0)
    labels, groups = rng.integers(0, 2, 200), rng.choice(["Horeca", "Retail"], 200)
    assert kamlab.segment_agreement(labels, groups) == pytest.approx(
        _channel_agreement(labels, pd.Series(groups)))
    with pytest.raises(kamlab.ParameterError, match="one value per account"):
        kamlab.segment_agreement([0, 1], ["A"])


def test_automatic_names_follow_kamlabs_language(two_segments):
    # issue 17: under set_language("de") the automatic segment names are German
    accounts, labels = two_segments
    with kamlab.language("de"):
        german = segment_profiles(accounts, labels, features=["revenue", "orders", "margin_rate"])
        flat = segment_profiles(accounts.assign(orders=1), np.array([0, 0, 0, 0, 0, 0]),
                                features=["margin_rate"], threshold=5.0)
    assert german["name"].tolist() == ["umsatzstark, häufig bestellend", "umsatzschwach, selten bestellend"]
    assert flat["name"].tolist() == ["durchschnittlich"]
    english = segment_profiles(accounts, labels, features=["revenue", "orders", "margin_rate"])
    assert english["name"].tolist() == ["large, frequent", "small, rare"]


def test_select_k_gives_its_reason_in_german(money_blobs):
    # issue 17: "k = 4: the highest silhouette (0.62); …" was English under set_language("de")
    accounts, _ = money_blobs
    with kamlab.language("de"):
        table = select_k(accounts, random_state=0, progress=False)
    silhouette = f"{table.at[4, 'silhouette']:.2f}".replace(".", ",")
    reason = table.attrs["reason"]
    assert reason.startswith(f"k = 4: die höchste Silhouette ({silhouette})")
    assert "zeigen auf dasselbe k" in reason or "zeigt auf dasselbe k" in reason
    for english in ("the ", " agree", "highest", " and "):
        assert english not in reason, reason


def test_rfm_preset_names_in_german():
    # issue 17: "Key", "Win back", ... under set_language("de")
    from kamlab.segment import rfm_segments

    scores = pd.DataFrame({"r_score": [5, 1, 4], "f_score": [5, 4, 1], "m_score": [5, 5, 2]})
    with kamlab.language("de"):
        german = rfm_segments(scores, "b2b")["rfm_segment"]
        own = rfm_segments(scores, {"Top": {"r": (4, 5), "f": (4, 5)}})["rfm_segment"]
    assert german.tolist() == ["Schlüsselkunden", "Zurückgewinnen", "Entwickeln"]
    assert own.tolist() == ["Top", "Other", "Other"]  # the user's own names stay as given
    assert rfm_segments(scores, "b2b")["rfm_segment"].tolist() == ["Key", "Win back", "Develop"]
