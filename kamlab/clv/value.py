"""Lifetime values: margin multiples, and the discounted value of the models' forecasts.

- :func:`clv_margin_multiple` and :func:`clv_finite`: an account that earns a margin ``m``
  per period, stays with probability ``r`` from one period to the next, and whose money is
  discounted at ``i`` per period is worth ``m·r/(1+i−r)`` (Gupta & Lehmann 2005), or the
  same sum cut after ``T`` periods. One retention rate for everybody: a
  back-of-the-envelope number.
- :func:`customer_lifetime_value`: each account's purchases forecast by a
  :class:`~kamlab.clv.BetaGeo` model, valued by a :class:`~kamlab.clv.GammaGamma` model and
  discounted step by step.

References
----------
Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*. Wharton School
Publishing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kamlab.clv.bgnbd import BetaGeo, _bgnbd_inputs, _conditional_expected_purchases
from kamlab.clv.fitting import _check_fitted
from kamlab.clv.gammagamma import GammaGamma, _expected_average_value
from kamlab.clv.inputs import _check_time, _index, _scalar_or_array, _summary_columns
from kamlab.errors import ParameterError

__all__ = ["clv_finite", "clv_margin_multiple", "customer_lifetime_value"]


def _check_rates(retention, discount_rate):
    retention = np.asarray(retention, dtype="float64")
    discount_rate = np.asarray(discount_rate, dtype="float64")
    if np.any(~np.isfinite(retention)) or np.any((retention < 0) | (retention > 1)):
        raise ParameterError(
            f"retention must be a probability between 0 and 1 (the share of accounts that stay from one "
            f"period to the next), not {retention.tolist()!r}."
        )
    if np.any(~np.isfinite(discount_rate)) or np.any(discount_rate <= -1):
        raise ParameterError(
            f"discount_rate must be a rate per period above -1 (0.08 for 8 %), not {discount_rate.tolist()!r}."
        )
    return retention, discount_rate


def _check_margin(margin):
    margin = np.asarray(margin, dtype="float64")
    if np.any(~np.isfinite(margin)):
        raise ParameterError(f"margin must be a finite number, not {margin.tolist()!r}.")
    return margin



def clv_margin_multiple(margin, retention, discount_rate):
    """Lifetime value of an account as a multiple of its margin per period (infinite horizon).

    .. math:: \\mathrm{CLV} = \\sum_{t=1}^{\\infty} \\frac{m\\,r^t}{(1+i)^t} = m\\,\\frac{r}{1+i-r}

    The textbook convention of Gupta & Lehmann (2005): the margin ``m`` of a period is
    earned at the end of that period by an account that is still there, the account stays
    from one period to the next with probability ``r`` (so the first period's margin is
    counted with probability ``r``), and money is discounted by ``1 + i`` per period. The
    margin of the current period (already earned) is not included; add ``m`` for it.
    Retention, discount rate and margin must refer to the same period (a year, say).

    Parameters
    ----------
    margin : float or array-like
        Contribution margin per period, ``m``.
    retention : float or array-like
        Retention rate per period, ``r``, between 0 and 1.
    discount_rate : float or array-like
        Discount rate per period, ``i`` (0.1 for 10 %), above -1 and with ``1 + i > r``.

    Returns
    -------
    float or numpy.ndarray
        The lifetime value, in the unit of ``margin``; arrays broadcast.

    Raises
    ------
    ParameterError
        A retention outside [0, 1], a discount rate at or below -1, or ``r >= 1 + i``
        (the sum does not converge: an account that never leaves is worth infinitely much
        when money is not discounted).

    See Also
    --------
    clv_finite : the same sum over a finite number of periods.

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*, ch. 2.

    Examples
    --------
    An account with a margin of 1,000 per year, a retention of 80 % and a discount rate of
    10 % per year is worth 2.67 annual margins:

    >>> round(clv_margin_multiple(1000, 0.8, 0.1), 2)
    2666.67
    """
    margin = _check_margin(margin)
    retention, discount_rate = _check_rates(retention, discount_rate)
    if np.any(retention >= 1 + discount_rate):
        raise ParameterError(
            "With retention >= 1 + discount_rate the margins never shrink and the lifetime value is infinite: "
            "use a retention below 1 (or a positive discount rate), or clv_finite with a finite horizon."
        )
    return _scalar_or_array(margin * retention / (1 + discount_rate - retention))


def clv_finite(margin, retention, discount_rate, periods):
    """Lifetime value of an account over a finite number of periods.

    .. math:: \\mathrm{CLV}_T = \\sum_{t=1}^{T} \\frac{m\\,r^t}{(1+i)^t}
              = m\\,\\frac{q\\,(1-q^T)}{1-q}, \\qquad q = \\frac{r}{1+i}

    The same convention as :func:`clv_margin_multiple` (margin at the end of each period,
    counted if the account is still there), cut after ``T`` periods; as ``T`` grows it
    converges to ``m·r/(1+i−r)``.

    Parameters
    ----------
    margin : float or array-like
        Contribution margin per period, ``m``.
    retention : float or array-like
        Retention rate per period, ``r``, between 0 and 1.
    discount_rate : float or array-like
        Discount rate per period, ``i``, above -1.
    periods : int or array-like of int
        Number of periods ``T`` (0 or more).

    Returns
    -------
    float or numpy.ndarray
        The lifetime value, in the unit of ``margin``; arrays broadcast.

    Raises
    ------
    ParameterError
        A retention outside [0, 1], a discount rate at or below -1, or a number of
        periods that is negative or not a whole number.

    Examples
    --------
    >>> round(clv_finite(1000, 0.8, 0.1, periods=1), 2)      # 1000 · 0.8 / 1.1
    727.27
    >>> round(clv_finite(1000, 0.8, 0.1, periods=5), 2)
    2124.1
    """
    margin = _check_margin(margin)
    retention, discount_rate = _check_rates(retention, discount_rate)
    periods = np.asarray(periods)
    if periods.dtype.kind not in "iuf" or np.any(~np.isfinite(periods)) or np.any(periods < 0) or np.any(
        periods != np.round(periods)
    ):
        raise ParameterError(f"periods must be a whole number of periods, 0 or more, not {periods.tolist()!r}.")
    q = retention / (1 + discount_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.where(q == 1, periods, q * (1 - q**periods) / np.where(q == 1, 1.0, 1 - q))
    return _scalar_or_array(margin * geometric)

def customer_lifetime_value(beta_geo, gamma_gamma, summary, horizon, *, discount_rate, rate_period, margin=1.0, step=1.0):
    """Discounted value of each account's expected purchases over a horizon (BG/NBD × Gamma-Gamma).

    .. math:: \\mathrm{CLV} = \\text{margin}\\cdot E[Z \\mid x, \\bar z]\\cdot
              \\sum_{k=1}^{K} \\frac{E[Y(t_k)] - E[Y(t_{k-1})]}{(1+i)^{t_k / P}}

    with ``t_k = min(k · step, horizon)``: the horizon is cut into steps, the purchases
    :meth:`BetaGeo.expected_purchases` expects in each step are valued at
    :meth:`GammaGamma.conditional_expected_average_profit` and discounted from the end of
    the step. ``i`` is ``discount_rate`` per ``P = rate_period`` time units; all times are
    in the unit of the summary table (weeks for ``rfm_summary(freq="W")``).

    Parameters
    ----------
    beta_geo : BetaGeo
        A fitted BG/NBD model.
    gamma_gamma : GammaGamma
        A fitted Gamma-Gamma model.
    summary : pandas.DataFrame or dict of arrays
        ``frequency``, ``recency``, ``T`` and ``monetary_value`` per account.
    horizon : float
        How far ahead to count, in the summary's time unit (52 weeks: one year of a
        weekly summary).
    discount_rate : float
        Discount rate per ``rate_period`` (0.1 for 10 %), above -1.
    rate_period : float
        Length, in the summary's time unit, of the period ``discount_rate`` refers to:
        for an annual rate on a weekly summary 365.25 / 7 ≈ 52.18; on a daily summary
        365.25 (or 365). For a rate per time unit, 1.
    margin : float or array-like, default=1.0
        Share of a purchase's value that is margin (1.0: the value of the purchases
        itself; 0.3 for a 30 % contribution margin); one per account or one for all.
    step : float, default=1.0
        Length of the discounting steps, in the summary's time unit.

    Returns
    -------
    pandas.Series
        ``clv``, with the index of ``summary``, in the currency of ``monetary_value``.

    Raises
    ------
    ModelNotFittedError
        A model is not fitted (a :class:`~kamlab.errors.ParameterError`).
    ParameterError
        A model is not a BetaGeo or GammaGamma, or a time, rate or margin is out of range.
    MissingColumnError, DataFormatError
        As for the models' methods.

    Notes
    -----
    ``lifetimes.utils.customer_lifetime_value`` counts its horizon in "months" of 30
    days, or of 4.345 weeks; here the horizon, the steps and the discount period are all
    stated in the summary's own time unit.
    """
    if not isinstance(beta_geo, BetaGeo):
        raise ParameterError(f"beta_geo must be a kamlab.BetaGeo model, not {type(beta_geo).__name__}.")
    if not isinstance(gamma_gamma, GammaGamma):
        raise ParameterError(f"gamma_gamma must be a kamlab.GammaGamma model, not {type(gamma_gamma).__name__}.")
    theta = beta_geo._theta()
    _check_fitted(gamma_gamma, "GammaGamma")
    horizon = _check_time(horizon, "horizon")
    step = _check_time(step, "step")
    rate_period = _check_time(rate_period, "rate_period")
    if step == 0 or rate_period == 0:
        raise ParameterError("step and rate_period must be longer than 0.")
    _, discount = _check_rates(0.0, discount_rate)
    margin = _check_margin(margin)
    x, tx, T = _bgnbd_inputs(summary, "customer_lifetime_value")
    (m,) = _summary_columns(summary, ["monetary_value"], "customer_lifetime_value")
    value_per_purchase = _expected_average_value(gamma_gamma.params_, x, m)

    n_steps = max(int(math.ceil(horizon / step - 1e-9)), 1 if horizon > 0 else 0)
    discounted = np.zeros(len(x))
    previous = np.zeros(len(x))
    for k in range(1, n_steps + 1):
        t_k = min(k * step, horizon)
        current = _conditional_expected_purchases(theta, t_k, x, tx, T)
        discounted += (current - previous) / (1 + float(discount)) ** (t_k / rate_period)
        previous = current
    return pd.Series(margin * value_per_purchase * discounted, index=_index(summary, len(x)), name="clv")
