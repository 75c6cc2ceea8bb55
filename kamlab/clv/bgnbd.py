"""The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005) and its simulator.

:class:`BetaGeo` is fitted on each account's frequency, recency and age ``T`` (the table
:func:`~kamlab.clv.rfm_summary` makes) and predicts the probability that an account is
still "alive" and how many purchases it will make; :func:`simulate_bg_nbd` draws purchase
histories from the model. The likelihood and the closed forms of the predictions are
the module's private functions.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2008). Computing P(alive) using the BG/NBD
model. http://brucehardie.com/notes/021/
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kamlab.clv.fitting import _check_fitted, _check_penalizer, _maximise, _MaximumLikelihoodModel, _objective
from kamlab.clv.inputs import _check_time, _index, _scalar_or_array, _summary_columns
from kamlab.errors import DataFormatError, ParameterError

__all__ = ["BetaGeo", "simulate_bg_nbd"]


class BetaGeo(_MaximumLikelihoodModel):
    """The BG/NBD ("beta-geometric / negative binomial") model of repeat purchases.

    Fader, Hardie & Lee (2005): while an account is "alive" it buys at random times, at a
    rate λ per time unit (a Poisson process); after each repeat purchase it drops out for
    good with probability p. Across accounts λ follows a gamma distribution with shape
    ``r`` and rate ``alpha`` (mean r/α) and p a beta distribution with parameters ``a``
    and ``b`` (mean a/(a+b)). Nobody sees when an account drops out: the model infers it
    from a long silence after a history of frequent purchases.

    The parameters are estimated by maximum likelihood on each account's ``frequency``
    (x), ``recency`` (t_x) and ``T``:

    .. math::
        L = \\frac{B(a, b+x)}{B(a, b)} \\frac{\\Gamma(r+x)\\,\\alpha^r}{\\Gamma(r)}
            \\left[\\frac{1}{(\\alpha+T)^{r+x}} + \\delta_{x>0}\\,\\frac{a}{b+x-1}\\,
            \\frac{1}{(\\alpha+t_x)^{r+x}}\\right]

    (FHL 2005, eq. 6; the bracket is summed in log space), in log-parameter space with
    L-BFGS-B and the analytic gradient, polished with Newton steps.

    All times (recency, T, the ``t`` of the predictions and ``alpha``, whose unit is a
    time) are in the unit of the summary table, e.g. weeks for ``rfm_summary(freq="W")``.

    A scikit-learn style estimator: the constructor only stores ``penalizer``
    (``get_params``, ``set_params`` and ``sklearn.base.clone`` work), ``fit`` sets the
    attributes ending in ``_``, and a prediction asked of an unfitted model raises
    :class:`~kamlab.clv.fitting.ModelNotFittedError` (a
    :class:`~kamlab.errors.ParameterError` and a
    :class:`sklearn.exceptions.NotFittedError`).

    Parameters
    ----------
    penalizer : float, default=0.0
        Adds ``penalizer · (r² + α² + a² + b²)`` to the mean negative log-likelihood (as
        ``lifetimes`` does, which however first rescales time so that the largest T is 1).
        A small value (0.001) helps when the data hardly identify the model; 0 gives the
        maximum-likelihood estimate.

    Attributes
    ----------
    params_ : dict
        The estimates ``{"r": ..., "alpha": ..., "a": ..., "b": ...}``.
    log_likelihood_ : float
        Total log-likelihood of the data at ``params_`` (without the penalty).
    n_customers_ : int
        Number of accounts the model was fitted on.
    n_iter_ : int
        Iterations of the optimiser.
    converged_ : bool
        Whether the fit reached an optimum (gradient below 1e-6 in log-parameter space, no
        parameter at its bound); otherwise a :class:`ConvergenceWarning` was issued.
    standard_errors_ : pandas.Series
        Standard error of each estimate, indexed like ``params_``: the square roots of the
        diagonal of ``covariance_``. NaN when the fit did not converge or the Hessian at
        the estimate is not positive definite (the data do not identify the parameters).
    covariance_ : pandas.DataFrame
        Estimated covariance matrix of the estimates: the inverse of the observed
        information (the Hessian of the negative log-likelihood at the optimum), computed
        on the log scale on which the parameters are estimated and mapped to ``params_``
        by the delta method. With a penalizer it is the curvature of the penalised
        likelihood.
    confidence_intervals_ : pandas.DataFrame
        95 % confidence intervals, columns ``lower`` and ``upper``, indexed like
        ``params_``: the normal approximation on the log scale, ``θ · exp(∓1.96 · se/θ)``
        (always positive). :meth:`summary` gives other levels.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
    way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

    Examples
    --------
    The CDNOW sample (weeks), with the estimates published by Fader, Hardie & Lee (2005):

    >>> from kamlab import datasets
    >>> summary = datasets.fetch_cdnow(kind="summary")                         # doctest: +SKIP
    >>> model = BetaGeo().fit(summary)                                         # doctest: +SKIP
    >>> {k: round(v, 3) for k, v in model.params_.items()}                     # doctest: +SKIP
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    >>> round(model.log_likelihood_, 1)                                        # doctest: +SKIP
    -9582.4

    Histories simulated from known parameters give them back:

    >>> truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    >>> histories = simulate_bg_nbd(truth, T=52, n_customers=20_000, random_state=0)
    >>> model = BetaGeo().fit(histories)
    >>> all(abs(model.params_[k] / truth[k] - 1) < 0.2 for k in truth)
    True
    >>> model.summary().columns.tolist()
    ['coef', 'se', 'lower', 'upper']
    """

    _param_names = ("r", "alpha", "a", "b")

    def __init__(self, penalizer=0.0):
        self.penalizer = penalizer

    def fit(self, summary):
        """Estimate the parameters from a summary table.

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            One row per account with ``frequency`` (repeat purchases), ``recency`` (time
            from the first to the last purchase) and ``T`` (time from the first purchase
            to the end of calibration), as made by :func:`rfm_summary`.

        Returns
        -------
        BetaGeo
            The fitted model (``self``).

        Raises
        ------
        MissingColumnError
            A column is missing.
        DataFormatError
            Missing, negative or inconsistent values (recency above T, a recency for an
            account without repeat purchases, a fractional frequency), no accounts, or
            no repeat purchase at all.
        ParameterError
            ``penalizer`` is negative or not a number.
        """
        penalizer = _check_penalizer(self.penalizer)
        x, tx, T = _bgnbd_inputs(summary, "BetaGeo.fit")
        if len(x) == 0:
            raise DataFormatError("The summary table has no accounts to fit the model on.")
        if not np.any(x > 0):
            raise DataFormatError(
                "No account has a repeat purchase (frequency is 0 everywhere): the data say nothing about "
                "purchase rates or drop-out, so the BG/NBD model cannot be fitted."
            )
        data = _BGNBDData(x, tx, T)
        # start: purchase rate of about (repeat purchases / time observed); no drop-out preference
        rate = max(x.sum(), 1.0) / max(T.sum(), 1e-9)
        start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        objective = _objective(lambda theta: _bgnbd_log_likelihood(theta, data, gradient=True), data.n, penalizer)
        theta, _, info = _maximise(objective, start, data.n)
        self._store_fit(theta, _bgnbd_log_likelihood(theta, data), data.n, info)
        return self

    def _theta(self):
        _check_fitted(self, "BetaGeo")
        return tuple(self.params_[k] for k in ("r", "alpha", "a", "b"))

    def probability_alive(self, summary):
        """Probability that each account is still alive (has not dropped out) at the end of calibration.

        .. math:: P(\\text{alive} \\mid x, t_x, T) = \\left[1 + \\delta_{x>0}\\,\\frac{a}{b+x-1}
                  \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}\\right]^{-1}

        (FHL 2005; Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD model").
        It is 1 for an account without repeat purchases: in this model an account can
        drop out only right after a repeat purchase.

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            ``frequency``, ``recency`` and ``T`` per account.

        Returns
        -------
        pandas.Series
            ``probability_alive``, with the index of ``summary``.
        """
        r, alpha, a, b = self._theta()
        x, tx, T = _bgnbd_inputs(summary, "BetaGeo.probability_alive")
        values = _p_alive(r, alpha, a, b, x, tx, T)
        return pd.Series(values, index=_index(summary, len(x)), name="probability_alive")

    def expected_purchases(self, t, summary):
        """Expected number of purchases of each account in the next ``t`` time units.

        The conditional expectation of FHL 2005, eq. 10:

        .. math:: E[Y(t) \\mid x, t_x, T] = \\frac{a+b+x-1}{a-1}
                  \\frac{1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
                  {}_2F_1\\!\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)}
                  {1 + \\delta_{x>0}\\,\\frac{a}{b+x-1}\\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}

        The hypergeometric term is evaluated after Euler's transformation,
        ``(1−z)^{r+x} ₂F₁(r+x, b+x; c; z) = (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; c; z)``, whose
        parameters do not grow with x (the original overflows for frequent buyers). At
        its removable singularities (a = 1; a + b = 1 for x = 0; r − a a whole number,
        where scipy's ``hyp2f1`` fails) the value is extrapolated from nearby a.

        Parameters
        ----------
        t : float
            Length of the forecast period, in the time unit of the summary (0 or more).
        summary : pandas.DataFrame or dict of arrays
            ``frequency``, ``recency`` and ``T`` per account.

        Returns
        -------
        pandas.Series
            ``expected_purchases``, with the index of ``summary``.
        """
        theta = self._theta()
        t = _check_time(t, "t")
        x, tx, T = _bgnbd_inputs(summary, "BetaGeo.expected_purchases")
        values = _conditional_expected_purchases(theta, t, x, tx, T)
        return pd.Series(values, index=_index(summary, len(x)), name="expected_purchases")

    def expected_purchases_new(self, t):
        """Expected number of repeat purchases of a new account in its first ``t`` time units.

        FHL 2005, eq. 9 (the same expression as :meth:`expected_purchases` with x = t_x = T = 0):

        .. math:: E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
                  {}_2F_1\\!\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]

        Parameters
        ----------
        t : float or array-like
            Time since the first purchase, in the time unit of the summary.

        Returns
        -------
        float or numpy.ndarray
        """
        theta = self._theta()
        t_array = np.asarray(t, dtype="float64")
        if np.any(~np.isfinite(t_array)) or np.any(t_array < 0):
            raise ParameterError(f"t must be a time of 0 or more, not {t!r}.")
        zero = np.zeros_like(t_array)
        values = _conditional_expected_purchases(theta, t_array, zero, zero, zero)
        return _scalar_or_array(values)


def _bgnbd_inputs(summary, what):
    x, tx, T = _summary_columns(summary, ["frequency", "recency", "T"], what)
    if np.any(x != np.round(x)):
        raise DataFormatError("frequency must be a whole number of repeat purchases.", column="frequency")
    if np.any(tx > T * (1 + 1e-9) + 1e-12):
        first = int(np.flatnonzero(tx > T * (1 + 1e-9) + 1e-12)[0])
        raise DataFormatError(
            f"recency is larger than T (row {first}: recency {tx[first]!r}, T {T[first]!r}). In these models "
            "recency is the time from the first to the last purchase (not the time since the last purchase) "
            "and T the time from the first purchase to the end of calibration: make the table with "
            "kamlab.rfm_summary.",
            column="recency",
        )
    if np.any((x == 0) & (tx > 0)):
        raise DataFormatError(
            "Some accounts have frequency 0 but a recency above 0. Recency is the time from the first to the "
            "last purchase, so it is 0 without repeat purchases: make the table with kamlab.rfm_summary.",
            column="recency",
        )
    return x, tx, T


class _BGNBDData:
    """Frequency, recency and T prepared for repeated likelihood evaluations.

    Terms that depend only on the frequency are computed once per distinct frequency, and
    accounts without repeat purchases (often most of them), whose likelihood depends only
    on T, once per distinct T.
    """

    def __init__(self, x, tx, T):
        self.n = len(x)
        self.x_unique, self.x_count = np.unique(x, return_counts=True)
        repeat = x > 0
        self.T0_unique, self.T0_count = np.unique(T[~repeat], return_counts=True)
        self.x, self.tx, self.T = x[repeat], tx[repeat], T[repeat]
        self.xp_unique, self.xp_inverse = np.unique(self.x, return_inverse=True)
        self.x1_unique = self.xp_unique - 1


def _bgnbd_log_likelihood(theta, d, gradient=False):
    """Total log-likelihood of the BG/NBD model (FHL 2005, eq. 6) and its gradient in (r, α, a, b)."""
    from scipy.special import betaln, digamma, gammaln

    r, alpha, a, b = theta
    xu, cnt = d.x_unique, d.x_count
    per_x = gammaln(r + xu) - gammaln(r) + betaln(a, b + xu) - betaln(a, b)
    # accounts without repeat purchases: ln L = per_x(0) + r ln α − r ln(α + T)
    log_T0 = np.log(alpha + d.T0_unique)
    # repeat buyers: the bracket of eq. 6 in log space
    rx = r + d.x
    log_T = np.log(alpha + d.T)
    log_tx = np.log(alpha + d.tx)
    A3 = -rx * log_T
    A4 = (np.log(a) - np.log(b + d.x1_unique))[d.xp_inverse] - rx * log_tx
    lse = np.logaddexp(A3, A4)
    ll = cnt @ per_x + d.n * r * np.log(alpha) - r * (d.T0_count @ log_T0) + lse.sum()
    if not gradient:
        return ll
    w = np.exp(A4 - lse)  # weight of the "dropped out after the last purchase" term
    w_per_x = np.bincount(d.xp_inverse, weights=w, minlength=len(d.xp_unique))
    d_r = (
        cnt @ (digamma(r + xu) - digamma(r))
        + d.n * np.log(alpha)
        - d.T0_count @ log_T0
        - (log_T + w * (log_tx - log_T)).sum()
    )
    d_alpha = (
        d.n * r / alpha
        - r * (d.T0_count @ (1.0 / (alpha + d.T0_unique)))
        - (rx * ((1 - w) / (alpha + d.T) + w / (alpha + d.tx))).sum()
    )
    d_a = cnt @ (digamma(a + b) - digamma(a + b + xu)) + w_per_x.sum() / a
    d_b = cnt @ (digamma(b + xu) - digamma(a + b + xu) - digamma(b) + digamma(a + b)) - w_per_x @ (
        1.0 / (b + d.x1_unique)
    )
    return ll, np.array([d_r, d_alpha, d_a, d_b])


def _log_odds_dead(r, alpha, a, b, x, tx, T):
    # log of a/(b+x-1) · ((α+T)/(α+t_x))^(r+x): P(alive) = 1 / (1 + exp(this)); -inf when x = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
    return np.where(x > 0, odds, -np.inf)


def _p_alive(r, alpha, a, b, x, tx, T):
    from scipy.special import expit

    return expit(-_log_odds_dead(r, alpha, a, b, x, tx, T))


def _conditional_expected_purchases(theta, t, x, tx, T):
    r, alpha, a, b = theta
    # The closed form has removable singularities: a = 1 (the factor 1/(a−1)), a + b = 1 for x = 0
    # (c = 0), and scipy's hyp2f1 returns inf/nan when c − A − B = x + r − a + 1 is an integer (its
    # z → 1 − z connection formula is degenerate there). The expectation is smooth in a: evaluate it at
    # a ± δ, a ± 2δ and extrapolate to a, (4·S₁ − S₂)/6 with error δ⁴·f⁗/6.
    near_integer = abs((r - a) - round(r - a)) < 1e-9
    if near_integer or abs(a - 1) < 5e-4 or abs(a + b - 1) < 1e-9:
        delta = 1e-3 * min(a, 1.0)
        s1 = sum(_expected_purchases_formula((r, alpha, a + k * delta, b), t, x, tx, T) for k in (-1, 1))
        s2 = sum(_expected_purchases_formula((r, alpha, a + k * delta, b), t, x, tx, T) for k in (-2, 2))
        return (4 * s1 - s2) / 6
    return _expected_purchases_formula(theta, t, x, tx, T)


def _expected_purchases_formula(theta, t, x, tx, T):
    from scipy.special import expit, hyp2f1

    r, alpha, a, b = theta
    z = t / (alpha + T + t)
    # Euler: (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(c-r-x, c-b-x; c; z), c = a+b+x-1
    c = a + b + x - 1
    hyp = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z)
    expected_if_alive = c / (a - 1) * (1 - hyp)
    return expected_if_alive * expit(-_log_odds_dead(r, alpha, a, b, x, tx, T))


def simulate_bg_nbd(params, T, *, n_customers=None, random_state=None):
    """Simulate purchase histories from the BG/NBD model.

    Each account gets a purchase rate λ ~ Gamma(shape r, rate α) and a drop-out
    probability p ~ Beta(a, b); it makes its first purchase at time 0, repeat purchases
    as a Poisson process with rate λ, and drops out right after each repeat purchase with
    probability p. Observed until ``T``.

    Parameters
    ----------
    params : dict
        ``r``, ``alpha``, ``a``, ``b`` (e.g. a fitted model's ``params_``).
    T : float or array-like
        Time from each account's first purchase to the end of observation.
    n_customers : int, optional
        Number of accounts, when ``T`` is a single number.
    random_state : int or numpy.random.Generator, optional
        Seed for reproducible draws.

    Returns
    -------
    pandas.DataFrame
        ``frequency``, ``recency`` and ``T`` per account, as :func:`rfm_summary` makes
        them (times continuous, not rounded to days).

    Examples
    --------
    >>> histories = simulate_bg_nbd({"r": 0.25, "alpha": 4.4, "a": 0.8, "b": 2.4}, T=39,
    ...                             n_customers=3, random_state=0)
    >>> list(histories.columns)
    ['frequency', 'recency', 'T']
    """
    try:
        r, alpha, a, b = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    except (KeyError, TypeError, ValueError):
        raise ParameterError("params must be a dict with the numbers r, alpha, a and b.") from None
    if not all(math.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
        raise ParameterError(f"r, alpha, a and b must be positive numbers, not {params!r}.")
    T = np.asarray(T, dtype="float64")
    if T.ndim == 0:
        if n_customers is None or int(n_customers) != n_customers or n_customers < 0:
            raise ParameterError("With a single T, give the number of accounts as n_customers=.")
        T = np.full(int(n_customers), float(T))
    elif n_customers is not None and n_customers != len(T):
        raise ParameterError(f"n_customers={n_customers} does not match the {len(T)} values of T.")
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise ParameterError("T must be times of 0 or more.")
    rng = np.random.default_rng(random_state)
    n = len(T)
    rate = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    purchases = rng.poisson(rate * T)  # repeat purchases if the account never dropped out
    lifetime_purchases = rng.geometric(np.maximum(p, 1e-300))  # drops out after this repeat purchase
    x = np.minimum(purchases, lifetime_purchases)
    # given N purchases in (0, T], their times are N uniform order statistics: the x-th is T·Beta(x, N−x+1)
    has = x > 0
    recency = np.zeros(n)
    recency[has] = T[has] * rng.beta(x[has], purchases[has] - x[has] + 1)
    return pd.DataFrame({"frequency": x.astype("int64"), "recency": recency, "T": T})
