"""Notebook 06_follow_up: its exercises' answers, recomputed without the kamlab function each one practises.

Exercise 1 from Wilson's formula; exercise 2 from the raw win rates and the mean of the true win
probabilities; exercise 3 with a product-limit (Kaplan–Meier) estimator written here; exercise 4 with a
logistic regression fitted by scipy (the same penalised likelihood as scikit-learn's default) and the
Monday-list formula value × (p(k + 1) − p(k)); exercise 5 as a mean of squared errors. The notebook's
covariates are read from its code and compared with the exercise module's, so the two cannot drift apart.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from notebook_source import assigned_literals
from scipy.optimize import minimize
from scipy.special import expit
from scipy.stats import norm

from kamlab.course import chapter06

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_follow_up.ipynb"


@pytest.fixture(scope="module")
def quotes(case):
    """The case's quotes with the two log columns, computed here."""
    table = case.projects.copy()
    table["log_revenue_12m"] = np.log(1 + np.maximum(table["revenue_12m"].to_numpy(), 0) / 1e4)
    table["log_quote_value"] = np.log(table["quote_value"].to_numpy())
    table["outcome"] = table["outcome"].astype(str)
    return table


@pytest.fixture(scope="module")
def decided(quotes):
    return quotes[quotes["outcome"] != "open"]


def test_q1_wilson_by_its_formula(decided):
    group = decided[decided["offering"].astype(str) == chapter06.WILSON_OFFERING]
    n, k = len(group), int((group["outcome"] == "won").sum())
    z = norm.ppf(0.975)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low = centre - half
    assert n < 100 and 0 < low < p  # the smallest offering: a wide interval below its rate
    assert chapter06.q1.check(low).correct and chapter06.q1.check(round(low, 3)).correct
    assert not chapter06.q1.check(p).correct  # the rate, not the interval's lower end
    assert not chapter06.q1.check(p - z * math.sqrt(p * (1 - p) / n)).correct  # the Wald interval


def test_q2_naive_minus_truth_by_hand(case, decided):
    def rate(k):
        return (decided.loc[decided["followups"] == k, "outcome"] == "won").mean()

    k0, k1 = chapter06.LEVELS
    naive = rate(k1) - rate(k0)
    truth = case.quote_truth
    assert set(truth["project_id"]) == set(decided["project_id"])  # the truth covers exactly the decided quotes
    mu = truth.groupby("followups_k")["p_win"].mean()
    overstatement = naive - (mu[k1] - mu[k0])
    assert overstatement > 0.05  # the raw comparison clearly overstates the effect
    assert chapter06.q2.check(overstatement).correct
    assert not chapter06.q2.check(naive).correct  # the raw contrast itself
    assert not chapter06.q2.check(overstatement * 100).correct  # points, not a probability difference


def _product_limit(days, decided, at):
    """S(at) = product over the decision days t <= at of (1 - decisions on t / quotes still open before t)."""
    survival = 1.0
    for t in np.unique(days[decided & (days <= at)]):
        at_risk = np.sum(days >= t)
        survival *= 1 - np.sum(decided & (days == t)) / at_risk
    return survival


def test_q3_kaplan_meier_by_hand(quotes):
    end = pd.Timestamp(chapter06.CENSOR_AS_OF)
    sent = quotes[(quotes["quote_date"] >= chapter06.CENSOR_FROM) & (quotes["quote_date"] <= end)]
    seen = ((sent["outcome"] != "open") & (sent["decision_date"] <= end)).to_numpy()
    stop = sent["decision_date"].where(seen, end)
    days = (stop - sent["quote_date"]).dt.days.to_numpy()
    horizon = chapter06.CENSOR_DAYS
    still_open = _product_limit(days, seen, horizon)
    dropped = np.mean(days[seen] > horizon)  # open quotes dropped: the slow ones are missing
    eventual = np.mean(sent["days_to_decision"].astype(float).to_numpy() > horizon)  # all decided by the end
    assert (~seen).sum() > 100 and dropped < still_open
    assert abs(still_open - eventual) < abs(dropped - eventual)  # censoring kept, the estimate is closer
    assert chapter06.q3.check(still_open).correct
    assert not chapter06.q3.check(dropped).correct
    assert not chapter06.q3.check(1 - still_open).correct  # decided, not still open


def _design(frame, reference):
    """Covariates as scikit-learn's pipeline encodes them: numbers standardised (ddof 0), offering one-hot."""
    numeric = ["log_revenue_12m", "log_quote_value", "competitors", "relationship_at_quote"]
    mean, std = reference[numeric].mean(), reference[numeric].std(ddof=0)
    offerings = sorted(reference["offering"].astype(str).unique())
    dummies = (frame["offering"].astype(str).to_numpy()[:, None] == np.array(offerings)[None, :]).astype(float)
    return np.column_stack([((frame[numeric] - mean) / std).to_numpy(dtype=float), dummies])


def _logistic_fit(X, y):
    """Minimise sum of log-losses + ||w||² / 2 (intercept not penalised): LogisticRegression(C=1)."""
    def objective(theta):
        eta = theta[0] + X @ theta[1:]
        loss = np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * theta[1:] @ theta[1:]
        residual = expit(eta) - y
        return loss, np.concatenate([[residual.sum()], X.T @ residual + theta[1:]])

    fit = minimize(objective, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-10, "ftol": 1e-14, "maxiter": 10_000})
    assert fit.success
    return fit.x


def test_q4_monday_formula_with_a_logistic_fit_of_our_own(quotes, decided):
    assert assigned_literals(NOTEBOOK)["covariates"] == chapter06.COVARIATES
    X = np.column_stack([_design(decided, decided), decided["followups"].to_numpy(dtype=float)])
    theta = _logistic_fit(X, (decided["outcome"] == "won").to_numpy(dtype=float))
    waiting = quotes[(quotes["outcome"] == "open") & (quotes["followups"] == 0)]
    row = waiting.sort_values(["quote_date", "project_id"]).head(1)
    assert row["project_id"].iloc[0] == chapter06.waiting_quote(quotes)["project_id"]
    base = _design(row, decided)

    def p_win(k):
        return float(expit(theta[0] + np.column_stack([base, [[k]]]) @ theta[1:])[0])

    gain = p_win(1) - p_win(0)
    value = float(row["quote_value"].iloc[0]) * gain
    assert theta[-1] > 0 and 0 < gain < 0.1  # one more follow-up helps a little, as the model says
    assert chapter06.q4.check(value).correct and chapter06.q4.check(round(value)).correct
    assert abs(value - chapter06.q4.expected) < 2e-3 * value
    assert not chapter06.q4.check(float(row["quote_value"].iloc[0]) * p_win(1)).correct  # value × p, not the gain


def test_q5_brier_of_the_base_rate_by_hand(decided):
    won = (decided["outcome"] == "won").to_numpy(dtype=float)
    before = (decided["decision_date"] < chapter06.CUT).to_numpy()
    base_rate = won[before].mean()
    brier = np.mean((won[~before] - base_rate) ** 2)
    assert before.sum() > 1000 and (~before).sum() > 1000
    assert chapter06.q5.check(brier).correct
    assert not chapter06.q5.check(np.mean((won[~before] - won[~before].mean()) ** 2)).correct  # peeked at the test
    assert not chapter06.q5.check(math.sqrt(brier)).correct


def test_the_notebook_grades_the_exercises_contrast():
    assigned = assigned_literals(NOTEBOOK)
    assert tuple(assigned["levels"]) == chapter06.LEVELS


def test_exercises_answer_none_kindly():
    for exercise in (chapter06.q1, chapter06.q2, chapter06.q3, chapter06.q4, chapter06.q5):
        result = exercise.check(None)
        assert not result.correct and not result.answered
