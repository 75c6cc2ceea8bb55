"""The follow-up effect on simulated quotes with a known truth, the follow-up list and the dose-response chart.

The simulation: ``fit`` (how well the account fits us) raises both the follow-ups and the win
probability, so raw win rates overstate the effect. Binary: ``contacted ~ Bernoulli(σ(fit))``,
``won ~ Bernoulli(σ(−0.3 + 0.6·contacted + fit − 0.3·(competitors − 2)))``. Count:
``followups ~ Binomial(3, σ(0.8·fit))``, ``won ~ Bernoulli(σ(−0.5 + 0.4·followups + fit − 0.3·(competitors − 2)))``.
The truth integrates over ``fit ~ N(0, 1)`` (Gauss–Hermite) and ``competitors`` (uniform 1–4).
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from kamlab.errors import KamlabError, MissingColumnError, ParameterError
from kamlab.projects.effect import FollowupEffect, OverlapWarning, PostTreatmentWarning, followup_effect
from kamlab.projects.effect_plots import dose_response_chart
from kamlab.projects.followup import followup_gain, followup_list

N = 5000
SEEDS = range(20)
COVARIATES = ["fit", "competitors"]
_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(60)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def expit(x):
    return 1 / (1 + np.exp(-x))


def _win_probability(kind, dose, fit, competitors):
    if kind == "binary":
        return expit(-0.3 + 0.6 * dose + fit - 0.3 * (competitors - 2))
    return expit(-0.5 + 0.4 * dose + fit - 0.3 * (competitors - 2))


def true_mu(kind, dose):
    """E[Y(dose)] over fit ~ N(0, 1) and competitors uniform on 1..4."""
    return float(np.mean([np.sum(_WEIGHTS * _win_probability(kind, dose, _NODES, c)) for c in range(1, 5)]))


def simulate(kind, seed, n=N, open_share=0.05):
    rng = np.random.default_rng(seed)
    fit = rng.normal(size=n)
    competitors = rng.integers(1, 5, n)
    if kind == "binary":
        dose = (rng.random(n) < expit(fit)).astype(int)
    else:
        dose = rng.binomial(3, expit(0.8 * fit))
    won = rng.random(n) < _win_probability(kind, dose, fit, competitors)
    outcome = np.where(won, "won", "lost").astype(object)
    outcome[rng.random(n) < open_share] = "open"
    frame = pd.DataFrame({
        "project_id": [f"Q{i:05d}" for i in range(n)], "account_id": [f"K{i % 400:03d}" for i in range(n)],
        "fit": fit, "competitors": competitors, "quote_value": np.round(rng.lognormal(10, 0.8, n), -1),
        "quote_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
        "outcome": pd.Categorical(outcome, ["won", "lost", "open"]),
    })
    frame["contacted" if kind == "binary" else "followups"] = dose
    return frame


def _fit(kind, seed, method="aipw", **kwargs):
    data = simulate(kind, seed)
    if kind == "binary":
        return followup_effect(data, COVARIATES, treatment="contacted", method=method, cv=3, random_state=seed,
                               **kwargs)
    return followup_effect(data, COVARIATES, levels=(1, 2), method=method, cv=3, random_state=seed, **kwargs)


def _truth(kind):
    return true_mu("binary", 1) - true_mu("binary", 0) if kind == "binary" else true_mu("count", 2) - true_mu("count", 1)


# ----------------------------------------------------------------------------- the 20-seed study
@pytest.fixture(scope="module", params=["binary", "count"])
def study(request):
    kind = request.param
    return kind, _truth(kind), [_fit(kind, seed) for seed in SEEDS]


def test_aipw_is_within_004_of_the_truth_in_every_seed(study):
    kind, truth, effects = study
    errors = np.array([e.ate - truth for e in effects])
    assert np.abs(errors).max() < 0.04, (kind, errors.round(3))
    assert abs(errors.mean()) < 0.01


def test_aipw_intervals_cover_the_truth_in_at_least_17_of_20_seeds(study):
    kind, truth, effects = study
    covered = sum(e.ci[0] <= truth <= e.ci[1] for e in effects)
    assert covered >= 17, (kind, covered)


def test_naive_is_biased_by_more_than_its_interval_width(study):
    kind, truth, effects = study
    for effect in effects:
        width = effect.naive_ci[1] - effect.naive_ci[0]
        assert effect.naive - truth > width, (kind, effect.naive, truth, width)


def test_naive_method_is_the_raw_win_rate_contrast():
    data = simulate("count", 0)
    effect = followup_effect(data, COVARIATES, levels=(1, 2), method="naive")
    decided = data[data["outcome"] != "open"]
    rates = decided.groupby("followups")["outcome"].apply(lambda s: (s == "won").mean())
    assert effect.ate == pytest.approx(rates[2] - rates[1])
    assert effect.naive == pytest.approx(effect.ate)
    assert effect.dose_response["naive"].to_numpy() == pytest.approx(rates.to_numpy())
    assert np.isnan(effect.overlap) and effect.propensity is None


@pytest.mark.parametrize("kind", ["binary", "count"])
@pytest.mark.parametrize("method", ["regression", "ipw"])
def test_regression_and_ipw_are_close_on_correctly_specified_data(kind, method):
    truth = _truth(kind)
    for seed in range(3):
        effect = _fit(kind, seed, method=method, n_bootstrap=10)
        assert abs(effect.ate - truth) < 0.04, (kind, method, seed, effect.ate, truth)
        assert effect.ci[0] < effect.ate < effect.ci[1]


def test_dose_response_covers_every_observed_count_and_the_truth():
    effect = _fit("count", 0)
    table = effect.dose_response
    assert table["level"].tolist() == [0, 1, 2, 3]
    assert table["n"].sum() == effect.n
    truth = np.array([true_mu("count", k) for k in range(4)])
    covered = (table["ci_low"] <= truth) & (truth <= table["ci_high"])
    assert covered.sum() >= 3 and np.abs(table["mu"] - truth).max() < 0.06
    assert np.all(table["naive"].diff().dropna() > np.diff(truth))  # raw rates climb faster than the truth


# ----------------------------------------------------------------------------- the result object
def test_result_counts_open_quotes_and_summarises():
    data = simulate("count", 1)
    effect = followup_effect(data, COVARIATES, levels=(0, 2), cv=2, random_state=0)
    assert isinstance(effect, FollowupEffect)
    assert effect.n_open == int((data["outcome"] == "open").sum()) > 0
    assert effect.n + effect.n_open == len(data)
    assert effect.method == "aipw" and effect.kind == "count" and effect.levels == (0, 2)
    table = effect.summary()
    assert table.index.tolist() == ["effect", "naive", "mu(0)", "mu(2)"]
    assert table.loc["effect", "estimate"] == pytest.approx(table.loc["mu(2)", "estimate"]
                                                            - table.loc["mu(0)", "estimate"])
    assert table.loc["effect", "ci_low"] == pytest.approx(effect.ci[0])
    assert "aipw" in repr(effect)


def test_at_least_turns_a_count_into_yes_no():
    data = simulate("count", 2)
    effect = followup_effect(data, COVARIATES, at_least=2, cv=2, random_state=0)
    assert effect.kind == "binary" and effect.levels == (0, 1)
    assert effect.dose_response["n"].tolist() == [int(((data["followups"] < 2) & (data["outcome"] != "open")).sum()),
                                                  int(((data["followups"] >= 2) & (data["outcome"] != "open")).sum())]
    assert 0 < effect.ate < effect.naive


def test_default_levels_are_the_median_count_and_one_more():
    effect = followup_effect(simulate("count", 3), COVARIATES, method="naive")
    assert effect.levels == (1, 2)


@pytest.mark.parametrize("kwargs, error", [
    ({"method": "magic"}, ParameterError),
    ({"levels": (1, 7)}, ParameterError),
    ({"levels": (1, 2), "at_least": 2}, ParameterError),
    ({"trim": 0.7}, ParameterError),
    ({"treatment": "nope"}, MissingColumnError),
])
def test_bad_arguments_raise_kamlab_errors(kwargs, error):
    with pytest.raises(error):
        followup_effect(simulate("count", 0, n=300), COVARIATES, **kwargs)


# ----------------------------------------------------------------------------- covariates after the quote
def test_a_covariate_written_at_the_decision_is_rejected():
    data = simulate("count", 0, n=500)
    data["order_value"] = np.where(data["outcome"] == "won", data["quote_value"], np.nan)
    with pytest.raises(ParameterError, match="order_value"):
        followup_effect(data, ["fit", "order_value"], levels=(1, 2), method="naive")


def test_a_covariate_missing_exactly_for_lost_quotes_is_rejected_by_data():
    data = simulate("count", 0, n=500)
    decided = data[data["outcome"] != "open"].copy()
    decided["invoiced"] = np.where(decided["outcome"] == "won", 1.0, np.nan)
    with pytest.raises(ParameterError, match="written with the outcome"):
        followup_effect(decided, ["fit", "invoiced"], levels=(1, 2), method="naive")


def test_a_covariate_measured_after_the_quote_date_is_rejected():
    data = simulate("count", 0, n=500)
    data["abc"] = np.where(data["fit"] > 0.5, "A", "B")
    with pytest.raises(ParameterError, match="measured after the quote date"):
        followup_effect(data, ["fit", "abc"], levels=(1, 2), method="naive", measured_at={"abc": "2025-12-31"})
    data["abc_measured"] = data["quote_date"] - pd.Timedelta(days=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        followup_effect(data, ["fit", "abc"], levels=(1, 2), method="naive", measured_at={"abc": "abc_measured"})


def test_a_period_measure_without_a_date_warns():
    data = simulate("count", 0, n=500)
    data["abc"] = np.where(data["fit"] > 0.5, "A", "B")
    with pytest.warns(PostTreatmentWarning, match="abc"):
        followup_effect(data, ["fit", "abc"], levels=(1, 2), method="naive")


# ----------------------------------------------------------------------------- overlap
def test_non_overlapping_groups_warn():
    rng = np.random.default_rng(0)
    fit = rng.normal(size=2000)
    contacted = (fit > 0).astype(int)                 # every good account contacted, no bad one
    won = rng.random(2000) < expit(0.5 * contacted + fit)
    data = pd.DataFrame({"fit": fit, "contacted": contacted, "outcome": np.where(won, "won", "lost")})
    with pytest.warns(OverlapWarning, match="overlap"):
        effect = followup_effect(data, ["fit"], treatment="contacted", cv=2, random_state=0)
    assert effect.overlap > 0.05


def test_overlapping_groups_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", OverlapWarning)
        effect = _fit("binary", 0, method="ipw")
    assert effect.overlap <= 0.05
    assert effect.propensity.shape == (effect.n,)


# ----------------------------------------------------------------------------- the follow-up list
@pytest.fixture(scope="module")
def count_effect():
    data = simulate("count", 5)
    return data, followup_effect(data, COVARIATES, levels=(1, 2), cv=3, random_state=0)


def test_followup_list_ranks_by_value_times_causal_gain(count_effect):
    data, effect = count_effect
    monday = followup_list(data, effect)
    open_quotes = data[data["outcome"] == "open"].set_index("project_id").loc[monday["project_id"]]
    # recompute from the effect's outcome model: its pipeline sees the covariates and the treatment column
    model = effect.outcome_model
    columns = list(model.feature_names_in_)
    frame = open_quotes.reset_index()[effect.covariates].copy()
    treatment_column = [c for c in columns if c not in effect.covariates][0]
    k = open_quotes["followups"].to_numpy()
    p_now = model.predict_proba(frame.assign(**{treatment_column: k})[columns])[:, 1]
    p_next = model.predict_proba(frame.assign(**{treatment_column: k + 1})[columns])[:, 1]
    expected = open_quotes["quote_value"].to_numpy() * (p_next - p_now)
    assert monday["expected_value"].to_numpy() == pytest.approx(expected)
    assert monday["p_win"].to_numpy() == pytest.approx(p_now)
    assert np.all(np.diff(expected) <= 1e-9)
    assert monday["rank"].tolist() == list(range(1, len(monday) + 1))
    assert len(monday) == int((data["outcome"] == "open").sum())
    assert (monday["gain"] > 0).all()


def test_followup_list_days_contacts_and_accounts(count_effect):
    data, effect = count_effect
    open_ids = data.loc[data["outcome"] == "open", "project_id"].tolist()
    contacts = pd.DataFrame({"project_id": [open_ids[0], open_ids[0], open_ids[1]],
                             "contact_date": pd.to_datetime(["2025-11-01", "2025-12-01", "2025-11-20"])})
    accounts = pd.DataFrame({"account_id": [f"K{i:03d}" for i in range(400)], "abc": ["A"] * 40 + ["B"] * 360,
                             "key_account": [True] * 40 + [False] * 360})
    monday = followup_list(data, effect, contacts=contacts, accounts=accounts, as_of="2025-12-11")
    row = monday.set_index("project_id")
    assert row.loc[open_ids[0], "days_since_contact"] == 10
    assert row.loc[open_ids[1], "days_since_contact"] == 21
    assert row["days_since_contact"].isna().sum() == len(monday) - 2
    quote_date = data.set_index("project_id").loc[open_ids[2], "quote_date"]
    assert row.loc[open_ids[2], "days_since_quote"] == (pd.Timestamp("2025-12-11") - quote_date).days
    assert set(monday["abc"]) <= {"A", "B"} and monday["key_account"].dtype == bool
    assert {"competitors", "account_id", "quote_value", "followups"} <= set(monday.columns)
    assert followup_list(data, effect, top=5).shape[0] == 5
    assert followup_list(data, effect)["days_since_contact"].isna().all()


def test_followup_gain_of_a_thresholded_effect_is_zero_away_from_the_threshold():
    data = simulate("count", 6, n=2000)
    effect = followup_effect(data, COVARIATES, at_least=2, cv=2, random_state=0)
    _, _, gain = followup_gain(effect, data)
    assert np.all(gain[data["followups"].to_numpy() != 1] == 0)
    assert np.all(gain[data["followups"].to_numpy() == 1] > 0)
    with pytest.raises(KamlabError):
        followup_gain("not an effect", data)


# ----------------------------------------------------------------------------- the chart
def test_dose_response_chart_draws_estimates_intervals_naive_and_truth(count_effect):
    _, effect = count_effect
    truth = {k: true_mu("count", k) for k in range(4)}
    ax = dose_response_chart(effect, truth=truth)
    lines = {line.get_gid(): line for line in ax.lines}
    assert lines["dose-response"].get_ydata() == pytest.approx(effect.dose_response["mu"].to_numpy())
    assert lines["naive"].get_ydata() == pytest.approx(effect.dose_response["naive"].to_numpy())
    assert lines["truth"].get_ydata() == pytest.approx(list(truth.values()))
    intervals = [c for c in ax.collections if c.get_gid() == "dose-response-interval"]
    assert len(intervals) == 1 and len(intervals[0].get_segments()) == 4
    low, high = intervals[0].get_segments()[2][:, 1]
    assert (low, high) == pytest.approx((effect.dose_response["ci_low"][2], effect.dose_response["ci_high"][2]))
    assert ax.get_xlabel() == "Follow-ups"
    plt.close(ax.figure)
    fig, ax2 = plt.subplots()
    assert dose_response_chart(effect, naive=False, ax=ax2) is ax2
    assert "naive" not in {line.get_gid() for line in ax2.lines}
    plt.close(fig)
