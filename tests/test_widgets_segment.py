"""Tests of the segment explorer's logic: set the controls' values, compare with kamlab called directly."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.segment import make_segmented_accounts, select_k
from kamlab.segment import widgets as segment_widgets
from kamlab.segment.widgets import K_RANGE, SegmentExplorer

CHOICES = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings", "db4"]
START = ["revenue", "orders", "margin_rate"]


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def accounts():
    """300 accounts in 3 known segments; 7 have no recency (never ordered), DB IV can be negative."""
    table, _ = make_segmented_accounts(300, n_segments=3, random_state=3)
    table["db4"] = table["revenue"] * (table["margin_rate"] - 0.22)
    table["recency_days"] = table["recency_days"].astype("Int64")
    table.loc[[4, 40, 80, 120, 160, 200, 240], "recency_days"] = pd.NA
    table.index = table.index + 1000  # the result keeps the table's own index
    return table


def _explorer(accounts, **kwargs):
    kwargs.setdefault("plot", False)
    kwargs.setdefault("choices", CHOICES)
    return SegmentExplorer(accounts, kwargs.pop("features", START), **kwargs)


def test_controls_start_as_given(accounts):
    explorer = _explorer(accounts)
    assert explorer.features.value == tuple(START)
    assert [value for _, value in explorer.features.options] == CHOICES
    assert explorer.method.value == "kmeans" and explorer.k.value == 4 and not explorer.auto_k.value
    assert not explorer.k.continuous_update and (explorer.k.min, explorer.k.max) == (2, 8)
    assert explorer.result.name == "segment"
    assert explorer.result.index.equals(accounts.index)
    assert explorer.segmenter.n_segments_ == 4 == len(explorer.profiles)
    assert explorer.message == "300 accounts, 4 segments (k-means)."


def test_wiring_every_control_reaches_the_segmenter(accounts, monkeypatch):
    calls = []
    original = segment_widgets.AccountSegmenter

    def spy(features, **kwargs):
        calls.append((tuple(features), kwargs["method"], kwargs["n_segments"], kwargs["random_state"]))
        return original(features, **kwargs)

    monkeypatch.setattr(segment_widgets, "AccountSegmenter", spy)
    explorer = _explorer(accounts)
    assert calls[-1] == (tuple(START), "kmeans", 4, 0)
    explorer.k.value = 6
    assert calls[-1] == (tuple(START), "kmeans", 6, 0) and explorer.segmenter.n_segments_ == 6
    explorer.method.value = "gmm"
    assert calls[-1] == (tuple(START), "gmm", 6, 0) and explorer.segmenter.method == "gmm"
    explorer.features.value = ("revenue", "orders")
    assert calls[-1] == (("revenue", "orders"), "gmm", 6, 0)
    explorer.auto_k.value = True
    assert calls[-1] == (("revenue", "orders"), "gmm", "auto", 0)
    assert len(calls) == 5  # one fit per change
    assert len(explorer.profiles) == explorer.segmenter.n_segments_ == len(set(explorer.result))


def test_features_with_missing_values_leave_those_accounts_out(accounts):
    explorer = _explorer(accounts)
    explorer.features.value = ("revenue", "recency_days", "n_offerings")
    complete = accounts["recency_days"].notna()
    assert len(explorer.result) == complete.sum() == len(accounts) - 7  # the fixture blanked 7 recencies
    assert explorer.result.index.equals(accounts.index[complete])
    assert explorer.profiles["size"].sum() == complete.sum()
    assert "7 accounts without a value in the chosen features are left out" in explorer.message
    assert list(explorer.segmenter.feature_names_in_) == ["revenue", "recency_days", "n_offerings"]


def test_auto_k_shows_the_k_select_k_recommends_without_refitting_twice(accounts):
    explorer = _explorer(accounts)
    calls = []
    original = explorer._fit
    explorer._fit = lambda *args: calls.append(args) or original(*args)
    explorer.auto_k.value = True
    recommended = select_k(accounts, K_RANGE, features=START, random_state=0, progress=False).attrs["recommended_k"]
    assert recommended == 3  # the three true segments
    assert explorer.segmenter.n_segments_ == explorer.k.value == recommended
    assert explorer.k.disabled
    assert calls == [(tuple(START), "kmeans", "auto")]  # setting the slider to the chosen k did not refit
    assert explorer.message.endswith(explorer.segmenter.selection_.attrs["reason"])
    assert "Automatic k: k = 3" in explorer.message
    explorer.auto_k.value = False  # back to a fixed k: the slider's value
    assert not explorer.k.disabled and explorer.segmenter.n_segments_ == 3
    assert explorer.settings() == (tuple(START), "kmeans", 3)


def test_auto_at_the_start(accounts):
    explorer = _explorer(accounts, k="auto")
    assert explorer.auto_k.value and explorer.k.disabled and explorer.k.value == 3


def test_settings_are_cached_and_seeded(accounts):
    explorer = _explorer(accounts)
    first = explorer.result.copy()
    explorer.k.value = 5
    explorer.k.value = 4
    assert explorer.result.equals(first)
    assert len(explorer._cache) == 2
    assert _explorer(accounts).result.equals(first)  # another explorer, the same segments


def test_fewer_than_two_features_keep_the_last_result_and_say_why(accounts):
    explorer = _explorer(accounts)
    kept = explorer.result.copy()
    explorer.features.value = ("revenue",)
    assert explorer.message.startswith("Choose at least two features")
    assert explorer.result.equals(kept)
    explorer.features.value = ("revenue", "orders")
    assert explorer.message.startswith("300 accounts")


def test_an_unusable_setting_is_reported_not_raised(accounts):
    explorer = _explorer(accounts, features=["revenue", "orders"])
    kept = explorer.result.copy()
    explorer.log_features = "all"  # db4 is negative for some accounts: log1p is impossible
    explorer.features.value = ("revenue", "db4")
    assert explorer.message.startswith("This segmentation failed") and "negative values" in explorer.message
    assert explorer.result.equals(kept)


def test_charts_and_table_follow_the_controls(accounts):
    explorer = _explorer(accounts, plot=True, k=3)
    heatmap, segment_map = explorer.axes
    assert np.allclose(heatmap.collections[0].get_array(), explorer.profiles[[f"z_{f}" for f in START]].to_numpy())
    assert [t.get_text() for t in heatmap.get_yticklabels()] == explorer.profiles["name"].tolist()
    drawn = sum(len(c.get_offsets()) for c in segment_map.collections if str(c.get_gid()).startswith("segment-"))
    assert drawn == len(explorer.result)
    explorer.features.value = ("revenue", "recency_days", "n_offerings")
    heatmap, segment_map = explorer.axes
    assert heatmap.collections[0].get_array().shape == (3, 3)
    drawn = sum(len(c.get_offsets()) for c in segment_map.collections if str(c.get_gid()).startswith("segment-"))
    assert drawn == len(accounts) - 7
    table = explorer.profile_table()
    assert list(table.columns[:5]) == ["Name", "Number of accounts", "Share of accounts (%)",
                                       "Share of revenue (%)", "Share of CM IV (%)"]
    assert table["Number of accounts"].sum() == len(accounts) - 7
    assert table["Share of accounts (%)"].sum() == pytest.approx(100, abs=0.2)


def test_a_k_seen_before_shows_its_charts_again_and_the_next_ks_are_prepared(accounts, monkeypatch):
    from kamlab._util.live import LiveFigure

    monkeypatch.setattr(LiveFigure, "IDLE", 0.0)
    explorer = _explorer(accounts, plot=True, k=3)
    canvas = explorer.chart.figure.canvas
    canvas._handle_message(canvas, {"type": "initialized"}, [])  # a page shows the chart
    heatmap, _ = explorer.axes
    explorer.k.value = 4
    assert explorer.axes[0] is not heatmap and explorer.axes[0].collections[0].get_array().shape == (4, 3)
    explorer.k.value = 3  # seen before: the same Axes, visible again
    assert explorer.axes[0] is heatmap and heatmap.get_visible()
    explorer.chart._jobs.wait()
    explorer.k.value = 5  # fitted and rendered in the background (k ± 1, 2, 3 of the last new setting)
    segmenter = kamlab.AccountSegmenter(START, n_segments=5, random_state=0, progress=False).fit(accounts)
    assert explorer.segmenter.n_segments_ == 5
    np.testing.assert_array_equal(explorer.result.to_numpy(), segmenter.labels_)
    heatmap5, segment_map5 = explorer.axes
    assert heatmap5.figure is not explorer.chart.figure
    np.testing.assert_allclose(heatmap5.collections[0].get_array(),
                               explorer.profiles[[f"z_{f}" for f in START]].to_numpy())
    drawn = sum(len(c.get_offsets()) for c in segment_map5.collections if str(c.get_gid()).startswith("segment-"))
    assert drawn == len(explorer.result)


def test_after_the_build_every_k_of_the_slider_is_prepared_without_waiting(accounts, monkeypatch):
    """Issue 15: a new k drew its charts on the first visit (300-450 ms); right after the build (nobody moves yet)
    the other k of the slider are fitted and rendered in the background without waiting for a pause."""
    from kamlab._util.live import LiveFigure

    monkeypatch.setattr(LiveFigure, "IDLE", 3600.0)  # a picture that waited for a pause would never come
    explorer = _explorer(accounts, plot=True, k=4)
    canvas = explorer.chart.figure.canvas
    canvas._handle_message(canvas, {"type": "initialized"}, [])  # a page shows the chart
    explorer.chart._jobs.wait(timeout=120)  # (a wait for a pause would end here, with no pictures)
    assert sorted(key[2] for key in explorer.chart._pictures) == [k for k in range(K_RANGE[0], K_RANGE[1] + 1)
                                                                  if k != 4]
    for k in (8, 2, 5):
        explorer.k.value = k
        segmenter = kamlab.AccountSegmenter(START, n_segments=k, random_state=0, progress=False).fit(accounts)
        np.testing.assert_array_equal(explorer.result.to_numpy(), segmenter.labels_)
        heatmap, segment_map = explorer.axes
        assert heatmap.figure is not explorer.chart.figure  # the picture rendered ahead, shown as it is
        np.testing.assert_allclose(heatmap.collections[0].get_array(),
                                   explorer.profiles[[f"z_{f}" for f in START]].to_numpy())
        assert [t.get_text() for t in heatmap.get_yticklabels()] == explorer.profiles["name"].tolist()
        drawn = sum(len(c.get_offsets()) for c in segment_map.collections
                    if str(c.get_gid()).startswith("segment-"))
        assert drawn == len(explorer.result)


def test_german_labels_without_changing_kamlabs_language(accounts):
    explorer = _explorer(accounts, plot=True, lang="de")
    assert explorer.features.description == "Merkmale"
    assert explorer.features.options[0] == ("Umsatz", "revenue")
    assert explorer.method.options[1] == ("Gauß-Mischmodell", "gmm")
    assert explorer.auto_k.description == "k automatisch wählen"
    assert explorer.axes[1].get_xlabel().startswith("Hauptkomponente 1")
    assert explorer.message == "300 Kunden, 4 Segmente (k-Means)."
    assert "Anzahl Kunden" in explorer.profile_table().columns
    assert kamlab.get_language() == "en"
    with kamlab.language("de"):
        assert _explorer(accounts).lang == "de"


def test_explorer_errors(accounts):
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        SegmentExplorer(accounts.to_numpy())
    with pytest.raises(kamlab.MissingColumnError, match="employees"):
        _explorer(accounts, features=["revenue", "employees"])
    with pytest.raises(kamlab.ParameterError, match="not among the choices"):
        _explorer(accounts, features=["revenue", "orders"], choices=["revenue", "margin_rate"])
    with pytest.raises(kamlab.ParameterError, match="not numeric"):
        _explorer(accounts, choices=[*CHOICES, "account_id"])
    with pytest.raises(kamlab.ParameterError, match="method must be"):
        _explorer(accounts, method="hdbscan")
    with pytest.raises(kamlab.ParameterError, match="k must be"):
        _explorer(accounts, k=9)
    with pytest.raises(kamlab.ParameterError, match="lang must be"):
        _explorer(accounts, lang="fr")


def test_default_choices_are_the_numeric_columns(accounts):
    explorer = SegmentExplorer(accounts[["account_id", "revenue", "orders"]], plot=False, k=2)
    assert explorer.features.value == ("revenue", "orders")
