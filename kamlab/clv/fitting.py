"""Maximum likelihood for the BG/NBD and Gamma-Gamma models: optimiser, Hessian, standard errors.

Both models are fitted the same way: the mean negative log-likelihood (plus an optional
L2 penalty) is minimised over the logarithms of the parameters, which are all positive,
with L-BFGS-B and the analytic gradient, then polished with Newton steps on a
finite-difference Hessian of that gradient. The same Hessian at the optimum gives the
standard errors (:func:`_covariance`). Every fit runs in
``kamlab.config.thread_limits("blas")``.

:class:`_MaximumLikelihoodModel` is the scikit-learn style base of
:class:`~kamlab.clv.BetaGeo` and :class:`~kamlab.clv.GammaGamma`: ``get_params`` /
``set_params`` from :class:`sklearn.base.BaseEstimator`, the fitted attributes, the
standard errors and :meth:`~_MaximumLikelihoodModel.summary`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from kamlab.config import thread_limits
from kamlab.errors import ParameterError

# the log-parameters are kept in [-_BOUND, _BOUND]: e^±25 is far beyond any sensible estimate
_BOUND = 25.0


class ConvergenceWarning(UserWarning):
    """The maximum-likelihood fit stopped before it reached the optimum."""


class ModelNotFittedError(ParameterError, NotFittedError):
    """A prediction was asked of a model that has not been fitted.

    A :class:`~kamlab.errors.ParameterError` (so a :class:`~kamlab.errors.KamlabError`
    and a :class:`ValueError`) and scikit-learn's
    :class:`~sklearn.exceptions.NotFittedError` (also an :class:`AttributeError`), so
    code written for either catches it.
    """


def _check_penalizer(penalizer):
    """The penalizer as a float, 0 or more."""
    if not isinstance(penalizer, (int, float, np.floating, np.integer)) or not (
        math.isfinite(penalizer) and penalizer >= 0
    ):
        raise ParameterError(f"penalizer must be a number, 0 or more, not {penalizer!r}.")
    return float(penalizer)


def _check_fitted(model, name):
    """Raise :class:`ModelNotFittedError` unless ``model`` has been fitted."""
    if not hasattr(model, "params_"):
        raise ModelNotFittedError(f"This {name} is not fitted yet: call {name.lower()}.fit(summary) first.")


def _objective(log_likelihood, n, penalizer):
    """Mean negative log-likelihood plus penalty, and its gradient, in log-parameter space.

    Parameters
    ----------
    log_likelihood : callable
        ``theta -> (total log-likelihood, its gradient in theta)``.
    n : int
        Number of customers (the likelihood is divided by it).
    penalizer : float
        Weight of the penalty ``penalizer · Σ theta²``.

    Returns
    -------
    callable
        ``phi -> (value, gradient in phi)`` with ``theta = exp(phi)``; ``(inf, 0)`` where
        the value is not finite.
    """

    def objective(phi):
        theta = np.exp(phi)
        ll, grad = log_likelihood(theta)
        value = -ll / n + penalizer * np.sum(theta**2)
        grad_phi = theta * (-grad / n + 2 * penalizer * theta)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(phi)
        return value, grad_phi

    return objective


def _maximise(objective, start, n):
    """Minimise ``objective(log_params) -> (mean negative log-likelihood, gradient)``.

    L-BFGS-B in log-parameter space (the parameters are positive), then Newton steps with
    a finite-difference Hessian of the analytic gradient to polish the optimum.

    Parameters
    ----------
    objective : callable
        As made by :func:`_objective`.
    start : numpy.ndarray
        Starting log-parameters.
    n : int
        Number of customers.

    Returns
    -------
    theta : numpy.ndarray
        The estimates (``exp`` of the optimal log-parameters).
    log_likelihood : float
        ``−n ×`` the objective at the optimum (the penalised log-likelihood).
    info : dict
        ``n_iter``, ``gradient`` (in log-parameters), ``converged`` and ``hessian``: the
        Hessian of the objective in log-parameters at the optimum (``None`` where the
        objective is not finite there).
    """
    from scipy.optimize import minimize

    bounds = [(-_BOUND, _BOUND)] * len(start)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), thread_limits("blas"):
        result = minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-11, "maxcor": 20},
        )
        phi, value, grad = _newton_polish(objective, np.clip(result.x, -_BOUND, _BOUND))
        hessian = _hessian(objective, phi) if np.isfinite(value) else None
    at_bound = np.any(np.abs(phi) >= _BOUND - 1e-9)
    converged = bool(np.isfinite(value) and np.max(np.abs(grad)) < 1e-6 and not at_bound)
    if not converged:
        warnings.warn(
            "The maximum-likelihood fit did not reach a clear optimum (largest gradient "
            f"{np.max(np.abs(grad)):.2g}{', a parameter at its bound' if at_bound else ''}): the data may not "
            "identify the model's parameters (for the BG/NBD model, e.g., when no account has been silent for "
            "long, drop-out cannot be estimated). Check the summary table; a small penalizer (e.g. 0.001) may help.",
            ConvergenceWarning,
            stacklevel=3,
        )
    info = {"n_iter": int(result.nit), "gradient": grad, "converged": converged, "hessian": hessian}
    return np.exp(phi), -value * n, info


def _newton_polish(objective, phi, max_steps=8):
    """Newton steps from ``phi`` (with step halving) while they lower the objective; ``(phi, value, grad)``."""
    value, grad = objective(phi)
    for _ in range(max_steps):
        if not np.isfinite(value) or np.max(np.abs(grad)) < 1e-11:
            break
        hessian = _hessian(objective, phi)
        try:
            step = -np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)) or grad @ step >= 0:
            break
        for shrink in (1.0, 0.5, 0.25, 0.125):
            candidate = np.clip(phi + shrink * step, -_BOUND, _BOUND)
            new_value, new_grad = objective(candidate)
            if np.isfinite(new_value) and new_value <= value + 1e-15 * abs(value):
                break
        else:
            break
        if np.max(np.abs(new_grad)) >= np.max(np.abs(grad)) and new_value >= value:
            break
        phi, value, grad = candidate, new_value, new_grad
    return phi, value, grad


def _hessian(objective, phi, h=1e-5):
    """Symmetrised central-difference Hessian of the objective from its analytic gradient."""
    k = len(phi)
    hessian = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        hessian[:, j] = (objective(phi + e)[1] - objective(phi - e)[1]) / (2 * h)
    return (hessian + hessian.T) / 2


def _covariance(theta, hessian, n):
    """Covariance matrix of the estimates from the Hessian of the mean objective in log-parameters.

    The observed information of ``phi = ln theta`` is ``n · hessian``; its inverse is the
    covariance of ``phi``, and by the delta method (``d theta = theta · d phi``)
    ``Cov(theta) = diag(theta) · (n · hessian)⁻¹ · diag(theta)``. At an optimum the
    gradient is 0, so this is also the inverse of the observed information in ``theta``
    itself. All NaN when the Hessian is missing, not finite or not positive definite
    (the data do not identify the parameters).
    """
    theta = np.asarray(theta, dtype="float64")
    k = len(theta)
    if hessian is None or not np.all(np.isfinite(hessian)):
        return np.full((k, k), np.nan)
    try:
        np.linalg.cholesky(hessian)  # positive definite: a proper maximum of the likelihood
    except np.linalg.LinAlgError:
        return np.full((k, k), np.nan)
    covariance_phi = np.linalg.inv(hessian) / n
    covariance = theta[:, None] * covariance_phi * theta[None, :]
    return (covariance + covariance.T) / 2


def _intervals(params, standard_errors, level):
    """Wald intervals on the log scale: ``theta · exp(∓ z · se / theta)``, always positive."""
    from scipy.special import ndtri

    z = float(ndtri(0.5 + level / 2))
    spread = np.exp(z * standard_errors / params)
    return pd.DataFrame({"lower": params / spread, "upper": params * spread})


class _MaximumLikelihoodModel(BaseEstimator):
    """Base of the maximum-likelihood models: fitted attributes, standard errors, ``summary()``.

    Subclasses set ``_param_names`` and call :meth:`_store_fit` at the end of ``fit``;
    their constructor only stores its arguments (scikit-learn's rule, which
    ``get_params``, ``set_params`` and ``sklearn.base.clone`` rely on).
    """

    _param_names: tuple[str, ...] = ()

    def __sklearn_is_fitted__(self):
        return hasattr(self, "params_")

    def _store_fit(self, theta, log_likelihood, n, info):
        """Set ``params_``, ``log_likelihood_``, ``n_customers_``, ``n_iter_``, ``converged_`` and the errors."""
        names = list(self._param_names)
        self.params_ = dict(zip(names, map(float, theta)))
        self.log_likelihood_ = float(log_likelihood)
        self.n_customers_ = int(n)
        self.n_iter_ = info["n_iter"]
        self.converged_ = info["converged"]
        if self.converged_:
            covariance = _covariance(theta, info["hessian"], n)
        else:  # a parameter at its bound or no optimum: the curvature there means nothing
            covariance = np.full((len(names), len(names)), np.nan)
        self.covariance_ = pd.DataFrame(covariance, index=names, columns=names)
        with np.errstate(invalid="ignore"):
            self.standard_errors_ = pd.Series(np.sqrt(np.diag(covariance)), index=names, name="se")
        self.confidence_intervals_ = _intervals(pd.Series(self.params_), self.standard_errors_, 0.95)

    def summary(self, level=0.95):
        """The estimates with their standard errors and confidence intervals.

        Parameters
        ----------
        level : float, default=0.95
            Confidence level of the intervals, between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per parameter (the keys of ``params_``) with ``coef`` (the estimate),
            ``se`` (its standard error) and ``lower``/``upper`` (the interval
            ``coef · exp(∓ z · se / coef)``, ``z`` the normal quantile of the level: the
            normal approximation on the log scale on which the parameters were
            estimated, so the bounds are positive; ``lifetimes`` reports
            ``coef ∓ z · se``, which differs where ``se`` is not small against ``coef``).
            NaN where the standard errors are NaN (see ``standard_errors_``).

        Raises
        ------
        ModelNotFittedError
            The model is not fitted.
        ParameterError
            ``level`` is not between 0 and 1.
        """
        _check_fitted(self, type(self).__name__)
        if isinstance(level, bool) or not isinstance(level, (int, float, np.floating)) or not 0 < level < 1:
            raise ParameterError(f"level must be a confidence level between 0 and 1 (0.95 for 95 %), not {level!r}.")
        coef = pd.Series(self.params_, name="coef")
        intervals = _intervals(coef, self.standard_errors_, float(level))
        return pd.concat([coef, self.standard_errors_.rename("se"), intervals], axis=1)
