"""The Gamma-Gamma model of the value of an account's purchases (Fader & Hardie 2013).

:class:`GammaGamma` is fitted on the repeat buyers of a summary table (their number of
repeat purchases and mean repeat-purchase value) and predicts the mean value of each
account's future purchases; :func:`~kamlab.clv.customer_lifetime_value` multiplies it
with the purchases a :class:`~kamlab.clv.BetaGeo` model expects.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves
for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.clv.fitting import _check_fitted, _check_penalizer, _maximise, _MaximumLikelihoodModel, _objective
from kamlab.clv.inputs import _index, _summary_columns
from kamlab.errors import DataFormatError

__all__ = ["GammaGamma"]


class GammaGamma(_MaximumLikelihoodModel):
    """The Gamma-Gamma model of the value of an account's purchases.

    Fader, Hardie & Lee (2005, JMR); Fader & Hardie (2013): the value of each purchase of
    an account follows a gamma distribution with shape ``p`` and an account-specific rate
    ν, so the account's own mean value is p/ν; across accounts ν follows a gamma
    distribution with shape ``q`` and rate ``gamma`` (γ, called v in ``lifetimes``). The
    mean value per purchase in the population is p·γ/(q−1). Fitted on the repeat buyers
    (frequency x > 0) with their mean repeat-purchase value z̄ (the ``monetary_value`` of
    :func:`rfm_summary`) by maximising

    .. math:: \\ell = \\sum \\ln\\Gamma(px+q) - \\ln\\Gamma(px) - \\ln\\Gamma(q) + q\\ln\\gamma
              + (px-1)\\ln\\bar z + px\\ln x - (px+q)\\ln(\\gamma + x\\bar z)

    in log-parameter space (L-BFGS-B with the analytic gradient, Newton polish).

    The model assumes that the value of an account's purchases does not depend on how
    often it buys; check that the correlation of ``frequency`` and ``monetary_value``
    among repeat buyers is weak before using it.

    A scikit-learn style estimator like :class:`~kamlab.clv.BetaGeo`: ``get_params`` /
    ``set_params``, and :class:`~kamlab.clv.fitting.ModelNotFittedError` for a
    prediction asked of an unfitted model.

    Parameters
    ----------
    penalizer : float, default=0.0
        Adds ``penalizer · (p² + q² + γ²)`` to the mean negative log-likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"p": ..., "q": ..., "gamma": ...}``.
    log_likelihood_ : float
        Total log-likelihood at ``params_`` (without the penalty).
    n_customers_ : int
        Number of repeat buyers the model was fitted on.
    n_iter_ : int
        Iterations of the optimiser.
    converged_ : bool
        Whether the fit reached an optimum.
    standard_errors_ : pandas.Series
        Standard error of each estimate, indexed like ``params_`` (NaN when the fit did
        not converge or the Hessian is not positive definite).
    covariance_ : pandas.DataFrame
        Estimated covariance matrix of the estimates: the inverse of the observed
        information at the optimum, from the log scale by the delta method.
    confidence_intervals_ : pandas.DataFrame
        95 % confidence intervals, columns ``lower`` and ``upper``: ``θ · exp(∓1.96 · se/θ)``.
        :meth:`summary` gives other levels.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value
    curves for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """

    _param_names = ("p", "q", "gamma")

    def __init__(self, penalizer=0.0):
        self.penalizer = penalizer

    def fit(self, summary):
        """Estimate the parameters from the repeat buyers of a summary table.

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            ``frequency`` and ``monetary_value`` (mean value of the repeat purchases) per
            account. Accounts with frequency 0 are left out (they have no repeat-purchase
            value); ``n_customers_`` says how many were used.

        Returns
        -------
        GammaGamma
            The fitted model (``self``).

        Raises
        ------
        MissingColumnError
            A column is missing.
        DataFormatError
            Missing or negative values, no repeat buyer, or a repeat buyer whose mean
            value is 0 (the model describes positive values; leave such accounts out).
        """
        penalizer = _check_penalizer(self.penalizer)
        x, m = _summary_columns(summary, ["frequency", "monetary_value"], "GammaGamma.fit")
        repeat = x > 0
        x, m = x[repeat], m[repeat]
        if len(x) == 0:
            raise DataFormatError(
                "No account has a repeat purchase (frequency > 0): the Gamma-Gamma model is fitted on the mean "
                "value of repeat purchases, so it needs repeat buyers."
            )
        if np.any(m <= 0):
            raise DataFormatError(
                f"{int((m <= 0).sum()):,} repeat buyers have a mean purchase value of 0 or less. The Gamma-Gamma "
                "model describes positive values: leave them out, e.g. summary[summary.monetary_value > 0].",
                column="monetary_value",
            )
        # start: p = 1, q = 2 and γ such that the population mean p·γ/(q−1) is the observed mean
        start = np.log([1.0, 2.0, float(np.mean(m))])
        objective = _objective(lambda theta: _gg_log_likelihood(theta, x, m, gradient=True), len(x), penalizer)
        theta, _, info = _maximise(objective, start, len(x))
        self._store_fit(theta, _gg_log_likelihood(theta, x, m), len(x), info)
        return self

    def conditional_expected_average_profit(self, summary):
        """Expected mean value of each account's future purchases, given its past ones.

        .. math:: E[Z \\mid x, \\bar z] = \\frac{q-1}{px+q-1}\\,\\frac{p\\gamma}{q-1}
                  + \\frac{px}{px+q-1}\\,\\bar z

        a weighted mean of the population mean p·γ/(q−1) and the account's own mean z̄,
        with more weight on the account's own the more repeat purchases it made (Fader &
        Hardie 2013, eq. 5). For an account without repeat purchases it is the population
        mean. Infinite when q ≤ 1 (the population mean does not exist).

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            ``frequency`` and ``monetary_value`` per account.

        Returns
        -------
        pandas.Series
            ``expected_average_profit``, with the index of ``summary``.
        """
        _check_fitted(self, "GammaGamma")
        x, m = _summary_columns(summary, ["frequency", "monetary_value"], "conditional_expected_average_profit")
        values = _expected_average_value(self.params_, x, m)
        return pd.Series(values, index=_index(summary, len(x)), name="expected_average_profit")


def _expected_average_value(params, x, m):
    p, q, gamma = params["p"], params["q"], params["gamma"]
    denominator = p * x + q - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        value = p * (gamma + x * m) / denominator
    return np.where(denominator > 0, value, np.inf)


def _gg_log_likelihood(theta, x, m, gradient=False):
    """Total log-likelihood of the Gamma-Gamma model (Fader & Hardie 2013, eq. 1a) and its gradient."""
    from scipy.special import digamma, gammaln

    p, q, gamma = theta
    px = p * x
    log_xm = np.log(gamma + x * m)
    log_m, log_x = np.log(m), np.log(x)
    ll = (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * log_m + px * log_x
        - (px + q) * log_xm
    ).sum()
    if not gradient:
        return ll
    psi = digamma(px + q)
    d_p = (x * (psi - digamma(px) + log_m + log_x - log_xm)).sum()
    d_q = (psi - digamma(q) + np.log(gamma) - log_xm).sum()
    d_gamma = len(x) * q / gamma - ((px + q) / (gamma + x * m)).sum()
    return ll, np.array([d_p, d_q, d_gamma])
