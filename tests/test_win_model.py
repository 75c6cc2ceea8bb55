"""WinModel: calibrated and better than the base rate on quotes decided after a cut; estimator checks; chart."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import kamlab
from sklearn.utils.estimator_checks import parametrize_with_checks

from kamlab.errors import EmptyDataError, MissingColumnError, ParameterError
from kamlab.projects.effect_plots import reliability_chart
from kamlab.projects.winmodel import (
    WinModel,
    WinValidation,
    brier_score,
    pipeline_forecast,
    reliability_curve,
    validate_win_model,
)

FEATURES = ["offering", "competitors", "relationship", "quote_value"]


def simulate_quotes(seed=0, n=5000):
    """Quotes of 2023-2025 whose win probability depends on the offering, competitors and relationship."""
    rng = np.random.default_rng(seed)
    offering = rng.choice(["drives", "controls", "service"], n, p=[0.5, 0.3, 0.2])
    competitors = rng.integers(1, 5, n)
    relationship = rng.normal(size=n)
    logit = -0.4 + 1.2 * relationship - 0.4 * (competitors - 2) + np.select(
        [offering == "controls", offering == "service"], [-0.5, 0.8], 0.0)
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    quote_date = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 1080, n), "D")
    decision_date = quote_date + pd.to_timedelta(rng.integers(10, 90, n), "D")
    open_ = decision_date > pd.Timestamp("2025-12-31")
    return pd.DataFrame({
        "project_id": [f"Q{i:05d}" for i in range(n)], "offering": offering, "competitors": competitors,
        "relationship": relationship, "quote_value": np.round(rng.lognormal(10, 0.7, n), -1),
        "quote_date": quote_date, "decision_date": decision_date.where(~open_),
        "outcome": np.where(open_, "open", np.where(won, "won", "lost")),
    })


@pytest.fixture(scope="module")
def quotes():
    return simulate_quotes()


@pytest.fixture(scope="module")
def validation(quotes):
    return validate_win_model(WinModel(random_state=0), quotes, FEATURES, cut="2025-01-01", random_state=0)


def test_validation_splits_on_the_decision_date(quotes, validation):
    decided = quotes[quotes["outcome"] != "open"]
    assert isinstance(validation, WinValidation)
    assert validation.n_train == int((decided["decision_date"] < "2025-01-01").sum())
    assert validation.n_test == int((decided["decision_date"] >= "2025-01-01").sum())
    assert validation.n_train + validation.n_test == len(decided)
    test_rows = quotes.loc[validation.predictions.index]
    assert (test_rows["decision_date"] >= "2025-01-01").all()
    train = decided[decided["decision_date"] < "2025-01-01"]
    assert validation.base_rate == pytest.approx((train["outcome"] == "won").mean())


def test_win_model_beats_the_base_rate_on_held_out_quotes(validation):
    assert validation.brier < validation.brier_base - 0.03, validation
    assert validation.skill > 0.1
    p = validation.predictions
    assert validation.brier == pytest.approx(np.mean((p["p_win"] - p["outcome"]) ** 2))


def test_win_model_is_calibrated_within_the_band(validation):
    curve = validation.reliability
    assert len(curve) == 10 and curve["n"].sum() == validation.n_test
    assert curve["inside"].sum() >= 9, curve
    assert np.abs(curve["observed"] - curve["predicted"]).max() < 0.1
    assert (curve["band_low"] <= curve["predicted"] + 0.02).all() and (curve["predicted"] - 0.02 <= curve["band_high"]).all()


def test_a_miscalibrated_forecast_falls_outside_the_band():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.95, 4000)
    y = rng.random(4000) < p
    too_sure = np.clip(0.5 + 1.6 * (p - 0.5), 0.01, 0.99)
    assert reliability_curve(y, p, random_state=0)["inside"].sum() >= 9
    assert reliability_curve(y, too_sure, random_state=0)["inside"].sum() <= 5


def test_validation_refuses_leaks_and_thin_splits(quotes):
    frame = quotes.assign(order_value=1.0)
    with pytest.raises(ParameterError, match="order_value"):
        validate_win_model(WinModel(), frame, ["relationship", "order_value"], cut="2025-01-01")
    with pytest.raises(EmptyDataError):
        validate_win_model(WinModel(), quotes, FEATURES, cut="2022-01-01")
    with pytest.raises(MissingColumnError):
        validate_win_model(WinModel(), quotes, ["nope"], cut="2025-01-01")


def test_gbm_win_model_with_isotonic_calibration(quotes):
    result = validate_win_model(WinModel("gbm", "isotonic", max_iter=50, random_state=0), quotes, FEATURES,
                                cut="2025-01-01", random_state=0)
    assert result.brier < result.brier_base and result.model.n_iter_ == 50


def test_brier_score_by_hand():
    assert brier_score([1, 0, 1, 0], [0.8, 0.2, 0.6, 0.4]) == pytest.approx((0.04 + 0.04 + 0.16 + 0.16) / 4)
    assert brier_score([1, 1], [1.0, 1.0]) == 0


def test_pipeline_forecast_sums_probability_times_value(quotes, validation):
    open_quotes = quotes[quotes["outcome"] == "open"]
    forecast = pipeline_forecast(validation.model, open_quotes, FEATURES)
    p = validation.model.predict_proba(open_quotes[FEATURES])[:, 1]
    assert forecast["expected_won"].sum() == pytest.approx(np.sum(p * open_quotes["quote_value"]))
    assert forecast["quotes"].sum() == len(open_quotes)
    assert str(forecast.index.freq).startswith("<QuarterEnd") or forecast.index.freqstr.startswith("Q")


def test_win_model_on_dataframes_checks_columns_and_classes(quotes):
    decided = quotes[quotes["outcome"] != "open"]
    model = WinModel(random_state=0).fit(decided[FEATURES], decided["outcome"])
    assert list(model.classes_) == ["lost", "won"]
    assert list(model.feature_names_in_) == FEATURES
    assert set(model.predict(decided[FEATURES[::-1]].head())) <= {"lost", "won"}   # columns matched by name
    with pytest.raises(MissingColumnError):
        model.predict_proba(decided[FEATURES[:2]])
    with pytest.raises(ParameterError, match="Only binary"):
        WinModel().fit(decided[FEATURES], decided["competitors"])
    with pytest.raises(ParameterError):
        WinModel(calibration="magic").fit(decided[FEATURES], decided["outcome"])


@parametrize_with_checks([
    WinModel(random_state=0),
    WinModel("gbm", "isotonic", max_iter=20, min_samples_leaf=5, random_state=0),
    WinModel(calibration=None),
])
def test_scikit_learn_estimator_checks(estimator, check):
    # every check that applies passes: WinModel is binary-only (the tag multi_class=False makes
    # scikit-learn check that a multiclass target raises "Only binary classification is supported").
    check(estimator)


def test_reliability_chart_draws_diagonal_band_and_curve(validation):
    ax = reliability_chart(validation)
    lines = {line.get_gid(): line for line in ax.lines}
    assert list(lines["diagonal"].get_xydata()[[0, -1]].ravel()) == [0, 0, 1, 1]
    curve = validation.reliability
    assert lines["reliability"].get_xdata() == pytest.approx(curve["predicted"].to_numpy())
    assert lines["reliability"].get_ydata() == pytest.approx(curve["observed"].to_numpy())
    band = [c for c in ax.collections if c.get_gid() == "band"]
    assert len(band) == 1
    vertices = band[0].get_paths()[0].vertices
    assert vertices[:, 1].min() == pytest.approx(curve["band_low"].min())
    assert vertices[:, 1].max() == pytest.approx(curve["band_high"].max())
    assert ax.get_ylabel() == "Observed win rate"
    plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    assert reliability_chart(curve, band=False, ax=ax2) is ax2
    assert not [c for c in ax2.collections if c.get_gid() == "band"]
    plt.close(fig)


def test_reliability_chart_ticks_have_the_german_decimal_comma(validation):
    # issue 17: probability ticks read "0.2" under set_language("de")
    with kamlab.language("de"):
        ax = reliability_chart(validation)
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "0,2" in ticks and not any("." in t for t in ticks)
    plt.close(ax.figure)
    ax = reliability_chart(validation)
    ax.figure.canvas.draw()
    assert "0.2" in [t.get_text() for t in ax.get_yticklabels()]
    plt.close(ax.figure)
