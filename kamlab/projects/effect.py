"""Does one more follow-up win the quote? The causal effect of follow-ups on the win probability.

A key-account manager follows up more on the quotes of accounts that already like us, so the
raw win rates of quotes with many and few follow-ups differ for two reasons: the follow-ups,
and the accounts. :func:`followup_effect` separates them under *no unmeasured confounding*:
given the covariates, which quotes got more follow-ups is as good as random. It estimates

- for a **yes/no treatment** (a 0/1 column, or a count turned into yes/no with ``at_least``),
  ``ate = E[Y(1)] − E[Y(0)]``: the win rate of the decided quotes had all been treated, minus
  the win rate had none been;
- for a **count treatment** (``levels=(k0, k1)``), the dose response ``μ(k)``: the average
  win probability had every decided quote received exactly ``k`` follow-ups, for every
  observed ``k``, and ``ate = μ(k1) − μ(k0)``, by multi-valued-treatment AIPW with a
  generalised propensity score (Imbens 2000; Cattaneo 2010).

The outcome is won = 1 / lost = 0 over the **decided** quotes; open quotes are left out and counted.

Methods
-------
``"naive"``: raw win rates. ``"regression"``: g-computation, the average of an outcome model's
predictions with the treatment set to ``k`` (bootstrap intervals). ``"ipw"``: inverse
propensity weighting (Hajek, normalised weights); propensities are *clipped* to
``[trim, 1 − trim]``, so no quote weighs more than ``1/trim``. ``"aipw"`` (default):
augmented IPW, doubly robust (consistent if either the outcome or the propensity model is
right), with cross-fitted scikit-learn models (Chernozhukov et al. 2018) and standard errors
from the influence function.

Covariates must be known before the quote was decided
-----------------------------------------------------
A covariate recorded after the decision (the order value, the decision date, this year's
revenue or ABC class, which include the won order) leaks the outcome and biases the effect.
The rule, checked in this order:

1. A covariate named like a column written at the decision (:data:`POST_DECISION_COLUMNS`,
   e.g. ``order_value``, ``decision_date``), or the treatment or outcome: error.
2. ``measured_at={"abc": "2025-12-31"}`` (a date, or a column of dates) says when a covariate
   was measured: if that is after the ``date`` of any quote (default ``quote_date``), error.
3. A covariate whose missing values, or whose values, separate won from lost quotes
   perfectly: error (it was written with the outcome).
4. A covariate named like a period measure (:data:`PERIOD_COLUMNS`, e.g. ``abc``,
   ``revenue``) without a ``measured_at`` date: :class:`PostTreatmentWarning`.

References
----------
Imbens, G. W. (2000). The role of the propensity score in estimating dose-response functions. Biometrika
87(3), 706–710. Cattaneo, M. D. (2010). Efficient semiparametric estimation of multi-valued treatment effects
under ignorability. J. Econometrics 155(2), 138–154. Chernozhukov, V. et al. (2018). Double/debiased machine
learning for treatment and structural parameters. Econometrics Journal 21(1), C1–C68.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, EmptyDataError, MissingColumnError, ParameterError
from kamlab.projects.effect_models import _bootstrap_cov, _fit_outcome, _nuisances, _predict_levels

__all__ = ["FollowupEffect", "OverlapWarning", "POST_DECISION_COLUMNS", "PERIOD_COLUMNS", "PostTreatmentWarning",
           "followup_effect", "win_outcome"]

METHODS = ("naive", "regression", "ipw", "aipw")
#: Columns written when (or after) a quote is decided: never covariates.
POST_DECISION_COLUMNS = ("outcome", "won", "order_value", "decision_date", "days_to_decision", "loss_reason")
#: Account measures usually computed over a period that may include the quote's own order.
PERIOD_COLUMNS = ("abc", "abc_class", "revenue", "contribution_margin", "clv", "segment", "share_of_wallet",
                  "wallet", "headroom")
_WON = {"won": 1.0, "win": 1.0, "gewonnen": 1.0, "lost": 0.0, "loss": 0.0, "verloren": 0.0}
_OPEN = {"open", "offen", "pending", ""}


class OverlapWarning(UserWarning):
    """The compared groups barely overlap: some quotes have (almost) no counterpart in the other group."""


class PostTreatmentWarning(UserWarning):
    """A covariate may have been measured after the quote was decided."""


# ----------------------------------------------------------------------------- the outcome
def win_outcome(values):
    """Won = 1, lost = 0, open = NaN, from ``"won"``/``"lost"``/``"open"`` texts, booleans or 0/1.

    Examples
    --------
    >>> win_outcome(["won", "lost", "open", None]).tolist()
    [1.0, 0.0, nan, nan]
    >>> win_outcome([True, False]).tolist()
    [1.0, 0.0]
    """
    series = pd.Series(values)
    if series.dtype == bool or pd.api.types.is_numeric_dtype(series):
        y = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
        bad = ~np.isnan(y) & ~np.isin(y, (0.0, 1.0))
    else:
        text = series.astype("string").str.strip().str.lower()
        y = text.map(_WON).astype(float).to_numpy()
        bad = (np.isnan(y) & ~(text.isna() | text.isin(_OPEN))).to_numpy()
    if bad.any():
        example = series[bad].iloc[0]
        raise DataFormatError(f"{int(bad.sum())} outcomes are neither won, lost nor open (first: {example!r}); "
                              "use 'won'/'lost'/'open' or 1/0/missing.", value=example, n_more=int(bad.sum()) - 1)
    return y


# ----------------------------------------------------------------------------- preparing the data
def _prepare(projects, covariates, treatment, outcome, at_least, levels):
    """The decided quotes: covariates, treatment codes and outcome; the kind of treatment and the contrast."""
    if not isinstance(projects, pd.DataFrame):
        raise ParameterError(f"followup_effect needs the quotes as a pandas DataFrame, not {type(projects).__name__}.")
    if isinstance(covariates, str) or not len(list(covariates)):
        raise ParameterError("covariates must be a list of column names (at least one), e.g. ['competitors'].")
    missing = [c for c in [treatment, outcome, *covariates] if c not in projects.columns]
    if missing:
        raise MissingColumnError(f"The quotes have no column {missing[0]!r}. Columns: {', '.join(map(str, projects))}.")
    y = win_outcome(projects[outcome])
    decided = ~np.isnan(y)
    if decided.sum() < 20:
        raise EmptyDataError(f"Only {int(decided.sum())} decided quotes: an effect needs at least 20.")
    data = projects.loc[decided].reset_index(drop=True)
    raw = pd.to_numeric(data[treatment].astype(float) if data[treatment].dtype == bool else data[treatment],
                        errors="coerce").to_numpy(dtype=float)
    if np.isnan(raw).any() or (raw < 0).any() or (raw != np.round(raw)).any():
        raise DataFormatError(f"Treatment {treatment!r} must be a whole number ≥ 0 (or yes/no) for every decided "
                              "quote.", column=treatment)
    if at_least is not None and levels is not None:
        raise ParameterError("Give at_least (a yes/no contrast) or levels (a count contrast), not both.")
    if at_least is not None:
        kind, codes, contrast = "binary", (raw >= at_least).astype(int), (0, 1)
    elif levels is None and set(np.unique(raw)) <= {0.0, 1.0}:
        kind, codes, contrast = "binary", raw.astype(int), (0, 1)
    else:
        kind, codes = "count", raw.astype(int)
        if levels is None:
            middle = int(np.median(codes))
            levels = (middle, middle + 1)
        if len(levels) != 2:
            raise ParameterError(f"levels must be two counts (k0, k1), not {levels!r}.")
        contrast = (int(levels[0]), int(levels[1]))
    _check_levels(codes, contrast, treatment)
    return data, codes, y[decided], int((~decided).sum()), kind, contrast


def _check_covariates(data, covariates, treatment, outcome, y, measured_at, date):
    """Apply the four rules of the module docstring (errors, then the period-measure warning)."""
    for name in covariates:
        if name in (treatment, outcome) or str(name).lower() in POST_DECISION_COLUMNS:
            raise ParameterError(f"Covariate {name!r} is written when the quote is decided (or is the treatment "
                                 "or outcome): it leaks the outcome. Use only what was known at the quote date.")
    measured_at = dict(measured_at or {})
    for name, when in measured_at.items():
        if name not in covariates:
            continue
        if date not in data.columns:
            raise MissingColumnError(f"measured_at needs the quote dates in column {date!r}.")
        stamp = pd.to_datetime(data[when]) if isinstance(when, str) and when in data.columns else pd.Timestamp(when)
        late = np.asarray(stamp > pd.to_datetime(data[date]))
        if late.any():
            raise ParameterError(f"Covariate {name!r} was measured after the quote date of {int(late.sum())} of "
                                 f"{len(data)} decided quotes: it may contain their outcome. Use a value measured "
                                 "before each quote (e.g. last year's ABC class).")
    for name in covariates:
        _check_separation(data[name], name, y)
    for name in covariates:
        if str(name).lower() in PERIOD_COLUMNS and name not in measured_at:
            warnings.warn(f"Covariate {name!r} is usually measured over a period (a year's revenue, its ABC class) "
                          "that may include the quote's own order. Use its value from before the quote, and say "
                          f"when it was measured with measured_at={{{name!r}: date}}.", PostTreatmentWarning,
                          stacklevel=4)
    bad = data[list(covariates)].isna().any()
    if bad.any():
        raise DataFormatError(f"Covariate {bad.index[bad][0]!r} has missing values; fill or drop them first.",
                              column=bad.index[bad][0])


def _check_separation(values, name, y):
    """Error when a covariate's missingness or its values separate won from lost perfectly."""
    won, lost = y == 1, y == 0
    if won.sum() < 5 or lost.sum() < 5:
        return
    missing = values.isna().to_numpy()
    if missing.any() and (np.array_equal(missing, won) or np.array_equal(missing, lost)):
        raise ParameterError(f"Covariate {name!r} is missing exactly for the {'won' if missing[won].all() else 'lost'}"
                             " quotes: it was written with the outcome (after the decision). Leave it out.")
    if pd.api.types.is_numeric_dtype(values) and not missing.any() and values.nunique() > 2:
        v = values.to_numpy(dtype=float)
        if v[won].min() > v[lost].max() or v[won].max() < v[lost].min():
            raise ParameterError(f"Covariate {name!r} separates won from lost quotes perfectly: it was most likely "
                                 "recorded after the decision. Leave it out.")


# ----------------------------------------------------------------------------- the estimators
def _weighted_means(t, y, values, e):
    """Hajek means per level and their influence functions (constant e: the raw win rates)."""
    mu, influence = np.empty(len(values)), np.empty((len(t), len(values)))
    for j, k in enumerate(values):
        w = (t == k) / e[:, j]
        mu[j] = np.sum(w * y) / np.sum(w)
        influence[:, j] = w * (y - mu[j]) / np.mean(w)
    return mu, influence


def _aipw_means(t, y, values, m, e):
    psi = np.column_stack([m[:, j] + (t == k) / e[:, j] * (y - m[:, j]) for j, k in enumerate(values)])
    mu = psi.mean(axis=0)
    return mu, psi - mu


def _overlap_check(e, values, contrast, kind, bounds, share):
    """Pairwise propensity of the higher level among quotes of the two contrasted levels; warn if extreme."""
    a, b = values.index(contrast[0]), values.index(contrast[1])
    pair = e[:, b] / np.clip(e[:, a] + e[:, b], 1e-12, None)
    outside = float(np.mean((pair < bounds[0]) | (pair > bounds[1])))
    if outside > share:
        what = "treated and untreated" if kind == "binary" else f"{contrast[0]} and {contrast[1]} follow-ups"
        warnings.warn(f"Poor overlap: for {outside:.0%} of the decided quotes the propensity of {what} lies outside "
                      f"[{bounds[0]}, {bounds[1]}]: the data hold (almost) no comparable quotes in the other group, "
                      "so the effect rests on extrapolation. Compare levels closer together, or restrict the quotes.",
                      OverlapWarning, stacklevel=4)
    return pair, outside


# ----------------------------------------------------------------------------- the result
@dataclass(repr=False)
class FollowupEffect:
    """The effect of follow-ups on the win probability, as :func:`followup_effect` estimated it.

    Attributes
    ----------
    ate : float
        ``μ(k1) − μ(k0)`` (count) or ``E[Y(1)] − E[Y(0)]`` (yes/no), in win probability.
    ci : tuple of float
        Its confidence interval (95 % by default).
    se : float
        Its standard error.
    naive : float
        The same contrast in raw win rates (no adjustment); ``naive_ci`` its Wald interval.
    n, n_open : int
        Decided quotes used, open quotes left out.
    method, kind : str
        The estimator, and ``"binary"`` or ``"count"``.
    levels : tuple of int
        The contrasted levels ``(k0, k1)`` (``(0, 1)`` for a yes/no treatment).
    dose_response : pandas.DataFrame
        One row per observed level (``level``): ``n``, ``mu``, ``se``, ``ci_low``, ``ci_high``,
        ``naive`` (raw win rate), ``naive_low``, ``naive_high``.
    overlap : float
        Share of decided quotes whose pairwise propensity lies outside the overlap bounds (NaN for ``"naive"``).
    propensity : numpy.ndarray or None
        That pairwise propensity of ``k1`` (vs ``k0``) for every decided quote.
    outcome_model : sklearn.pipeline.Pipeline
        P(won | covariates, treatment), fitted on all decided quotes: :meth:`predict_win` uses it.
    alpha : float
        1 − the confidence level of the intervals.
    level_cov : numpy.ndarray
        Covariance matrix of the ``mu`` of ``dose_response`` (its rows in order).
    """

    ate: float
    ci: tuple
    se: float
    naive: float
    naive_ci: tuple
    n: int
    n_open: int
    method: str
    kind: str
    treatment: str
    levels: tuple
    at_least: object
    covariates: list
    dose_response: pd.DataFrame
    overlap: float
    propensity: object
    outcome_model: object
    alpha: float = 0.05
    level_cov: np.ndarray = field(default=None)

    def __repr__(self):
        low, high = self.ci
        return (f"FollowupEffect(method={self.method!r}, {self.kind} {self.treatment!r} {self.levels}: "
                f"ate={self.ate:+.3f} [{low:+.3f}, {high:+.3f}], naive={self.naive:+.3f}, n={self.n}, "
                f"open={self.n_open})")

    def summary(self):
        """A table: the effect, the naive contrast and the two level means, with errors and intervals.

        Returns
        -------
        pandas.DataFrame
            Index ``effect``, ``naive``, ``mu(k0)``, ``mu(k1)``; columns ``estimate``, ``se``,
            ``ci_low``, ``ci_high``, ``n``.
        """
        table = self.dose_response.set_index("level")
        rows = {"effect": (self.ate, self.se, *self.ci, self.n),
                "naive": (self.naive, (self.naive_ci[1] - self.naive_ci[0]) / (2 * _z(self.alpha)), *self.naive_ci,
                          self.n)}
        for k in self.levels:
            row = table.loc[k]
            rows[f"mu({k})"] = (row["mu"], row["se"], row["ci_low"], row["ci_high"], int(row["n"]))
        out = pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "se", "ci_low", "ci_high", "n"])
        out.index.name = f"{self.method} ({self.treatment})"
        return out

    def predict_win(self, data, treatment=None):
        """P(won) from the outcome model for quotes ``data`` (their covariates) at a treatment value.

        Parameters
        ----------
        data : pandas.DataFrame
            Holds the covariates (and, when ``treatment`` is None, the treatment column).
        treatment : int or array-like, optional
            The treatment on its original scale (a count of follow-ups, or 0/1); one value for
            all quotes or one per quote. Default: each quote's own value in ``data``.

        Returns
        -------
        numpy.ndarray
        """
        missing = [c for c in self.covariates if c not in data.columns]
        if missing:
            raise MissingColumnError(f"predict_win needs the covariate column {missing[0]!r}.")
        value = data[self.treatment].to_numpy() if treatment is None else treatment
        value = np.broadcast_to(np.asarray(value, dtype=float), (len(data),))
        code = (value >= self.at_least).astype(int) if self.at_least is not None else value
        X = data[list(self.covariates)].reset_index(drop=True)
        return _predict_levels(self.outcome_model, X, [code])[:, 0]


def _z(alpha):
    from scipy.stats import norm

    return float(norm.ppf(1 - alpha / 2))


def _contrast(mu, cov, a, b):
    return float(mu[b] - mu[a]), float(np.sqrt(max(cov[a, a] + cov[b, b] - 2 * cov[a, b], 0.0)))


# ----------------------------------------------------------------------------- the function
def followup_effect(projects, covariates, treatment="followups", outcome="outcome", at_least=None, levels=None,
                    method="aipw", random_state=None, *, outcome_model="logistic", propensity_model="logistic",
                    cv=5, trim=0.01, overlap=(0.01, 0.99), overlap_share=0.05, measured_at=None,
                    date="quote_date", n_bootstrap=100, alpha=0.05):
    """Estimate the causal effect of follow-ups (or any quote-level treatment) on winning the quote.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per quote, e.g. the case company's ``projects`` table; open quotes are left out.
    covariates : list of str
        The confounders: what drives both the follow-ups and the win, **known at the quote date**
        (offering, quote value, competitors, last year's ABC class, ...). See the module docstring
        for the checks against covariates recorded after the decision.
    treatment : str, default="followups"
        A yes/no (0/1, bool) column or a count.
    outcome : str, default="outcome"
        ``"won"``/``"lost"``/``"open"`` (or 1/0/missing).
    at_least : int, optional
        Turn a count into yes/no: treated = at least ``at_least`` follow-ups. Thresholding mixes
        different doses: "treated" then means 2 follow-ups for some quotes and 6 for others, and
        the effect is an average over whatever mix of doses the data hold; prefer ``levels``.
    levels : (int, int), optional
        The contrasted counts ``(k0, k1)`` of a count treatment. Default for a count: the median
        count ``m`` of the decided quotes and ``m + 1`` ("one more follow-up").
    method : {"aipw", "regression", "ipw", "naive"}, default="aipw"
    random_state : int, optional
        Seed of the cross-fitting folds, the bootstrap and randomised models.
    outcome_model, propensity_model : "logistic", "gbm" or a scikit-learn classifier
        P(won | covariates, treatment) (the treatment enters as a number: a straight line on the
        logit scale for "logistic") and the generalised propensity P(treatment = k | covariates)
        (multinomial over the observed counts).
    cv : int, default=5
        Cross-fitting folds of ``"aipw"``.
    trim : float, default=0.01
        Propensities are clipped to ``[trim, 1 − trim]`` in ``"ipw"`` and ``"aipw"``.
    overlap : (float, float), default=(0.01, 0.99)
        Bounds of the overlap check: :class:`OverlapWarning` when more than ``overlap_share`` of the
        decided quotes have a pairwise propensity of ``k1`` (vs ``k0``) outside them.
    overlap_share : float, default=0.05
    measured_at : dict, optional
        ``{covariate: date or column of dates}``: when each covariate was measured (rule 2).
    date : str, default="quote_date"
        The quote date, for ``measured_at``.
    n_bootstrap : int, default=100
        Bootstrap refits for the intervals of ``"regression"`` (0: none).
    alpha : float, default=0.05
        1 − the confidence level.

    Returns
    -------
    FollowupEffect

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> fit = rng.normal(size=3000)                                  # how well the account fits us
    >>> followups = rng.binomial(3, 1 / (1 + np.exp(-fit)))         # good accounts get more follow-ups
    >>> won = rng.random(3000) < 1 / (1 + np.exp(-(-1 + 0.4 * followups + fit)))
    >>> quotes = pd.DataFrame({"fit": fit, "followups": followups, "outcome": np.where(won, "won", "lost")})
    >>> effect = followup_effect(quotes, ["fit"], levels=(1, 2), cv=3, random_state=0)
    >>> bool(effect.naive > effect.ate)                              # raw rates overstate the effect
    True
    >>> effect.dose_response["level"].tolist()
    [0, 1, 2, 3]
    >>> effect.summary().index.tolist()
    ['effect', 'naive', 'mu(1)', 'mu(2)']
    """
    fit, contrast = _level_fit(projects, covariates, treatment, outcome, at_least, levels, method, random_state,
                               outcome_model=outcome_model, propensity_model=propensity_model, cv=cv, trim=trim,
                               measured_at=measured_at, date=date, n_bootstrap=n_bootstrap)
    return fit.effect(contrast, overlap=overlap, overlap_share=overlap_share, alpha=alpha)


def _level_fit(projects, covariates, treatment="followups", outcome="outcome", at_least=None, levels=None,
               method="aipw", random_state=None, *, outcome_model="logistic", propensity_model="logistic", cv=5,
               trim=0.01, measured_at=None, date="quote_date", n_bootstrap=100):
    """The checks and fits of :func:`followup_effect` (arguments as there): a :class:`_LevelFit` and the contrast.

    Everything :func:`followup_effect` fits is the same for every contrasted pair of counts (``levels``): the
    nuisance models, the means μ(k) of every level and their covariance. ``fit.effect(other_levels)`` is then
    what ``followup_effect(..., levels=other_levels)`` returns, without fitting again (an explorer's sliders).
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {', '.join(map(repr, METHODS))}, not {method!r}.")
    if not 0 <= trim < 0.5:
        raise ParameterError(f"trim must lie in [0, 0.5), not {trim!r}.")
    data, t, y, n_open, kind, contrast = _prepare(projects, covariates, treatment, outcome, at_least, levels)
    _check_covariates(data, list(covariates), treatment, outcome, y, measured_at, date)
    return _LevelFit(data, t, y, n_open, kind, list(covariates), treatment, at_least, method,
                     (outcome_model, propensity_model), cv, trim, n_bootstrap, random_state), contrast


class _LevelFit:
    """The fitted part of an estimate, for every observed level at once (see :func:`_level_fit`)."""

    def __init__(self, data, t, y, n_open, kind, covariates, treatment, at_least, method, models, cv, trim,
                 n_bootstrap, random_state):
        X = data[covariates]
        values = sorted(int(v) for v in np.unique(t))
        naive_mu, naive_if = _weighted_means(t, y, values, np.ones((len(t), len(values))))
        naive_cov = naive_if.T @ naive_if / len(t) ** 2
        m, e = (None, None) if method == "naive" else _nuisances(X, t, y, values, method, models, cv, random_state)
        full_model = _fit_outcome(X, t, y, models[0], random_state)
        if method == "naive":
            mu, cov = naive_mu, naive_cov
        elif method == "regression":
            mu = _predict_levels(full_model, X, values).mean(axis=0)
            cov = _bootstrap_cov(full_model, X, t, y, values, n_bootstrap, random_state)
        else:
            clipped = np.clip(e, trim, 1 - trim)
            mu, influence = (_weighted_means(t, y, values, clipped) if method == "ipw"
                             else _aipw_means(t, y, values, m, clipped))
            cov = influence.T @ influence / len(t) ** 2
        self.t, self.n_open, self.kind, self.covariates = t, n_open, kind, covariates
        self.treatment, self.at_least, self.method, self.values, self.e = treatment, at_least, method, values, e
        self.adjusted, self.raw, self.full_model = (mu, cov), (naive_mu, naive_cov), full_model

    def effect(self, contrast, *, overlap=(0.01, 0.99), overlap_share=0.05, alpha=0.05):
        """The :class:`FollowupEffect` of ``contrast`` (two observed levels), as :func:`followup_effect` gives it."""
        contrast = (int(contrast[0]), int(contrast[1]))
        _check_levels(self.t, contrast, self.treatment)
        values = self.values
        a, b = values.index(contrast[0]), values.index(contrast[1])
        pair, outside = (None, float("nan")) if self.e is None else _overlap_check(self.e, values, contrast,
                                                                                    self.kind, overlap, overlap_share)
        t = self.t
        dose, (ate, se), (naive, naive_se) = _dose_table(t, values, self.adjusted, self.raw, (a, b), alpha)
        z = _z(alpha)
        return FollowupEffect(
            ate=ate, ci=(ate - z * se, ate + z * se), se=se, naive=naive,
            naive_ci=(naive - z * naive_se, naive + z * naive_se), n=len(t), n_open=self.n_open, method=self.method,
            kind=self.kind, treatment=self.treatment, levels=contrast, at_least=self.at_least,
            covariates=list(self.covariates), dose_response=dose, overlap=outside, propensity=pair,
            outcome_model=self.full_model, alpha=alpha, level_cov=self.adjusted[1],
        )


def _check_levels(codes, contrast, treatment):
    for k in contrast:
        if not (codes == k).any():
            raise ParameterError(f"No decided quote has {treatment} = {k}: the contrast {contrast} needs both levels.")


def _dose_table(t, values, adjusted, raw, pair, alpha):
    """The dose-response table, and (estimate, se) of the adjusted and the raw contrast."""
    z = _z(alpha)
    (mu, cov), (naive_mu, naive_cov) = adjusted, raw
    level_se = np.sqrt(np.clip(np.diag(cov), 0, None))
    naive_level_se = np.sqrt(np.diag(naive_cov))
    dose = pd.DataFrame({
        "level": values, "n": [int((t == k).sum()) for k in values], "mu": mu, "se": level_se,
        "ci_low": mu - z * level_se, "ci_high": mu + z * level_se, "naive": naive_mu,
        "naive_low": naive_mu - z * naive_level_se, "naive_high": naive_mu + z * naive_level_se,
    })
    return dose, _contrast(mu, cov, *pair), _contrast(naive_mu, naive_cov, *pair)
