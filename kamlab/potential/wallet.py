"""Share of wallet, the Wallet Allocation Rule, and the realistic wallet (:class:`WalletEstimator`).

Key accounts are chosen for their future as much as their past: how much more could a
customer buy from us (*Potenzial*, headroom) and what does it buy elsewhere (share of
wallet, *Lieferanteil*: big customers keep two or three suppliers)?

A customer's wallet (its total spend on what we sell, with us and with competitors) is
not observed. :class:`WalletEstimator` follows the "realistic wallet" idea of Perlich,
Rosset et al. (KDD 2007): the wallet of an account is what the *best comparable
customers* spend, a high conditional quantile of spend given firmographics.

References
----------
Perlich, C., Rosset, S., Lawrence, R. D., & Zadrozny, B. (2007). High-quantile modeling
for customer wallet estimation and other applications. KDD '07, 977–985.

Keiningham, T. L., Aksoy, L., Buoye, A., & Cooil, B. (2011). Customer loyalty isn't
enough. Grow your share of wallet. Harvard Business Review 89(10), 29–31 (the Wallet
Allocation Rule).
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from kamlab.config import thread_limits
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "WalletEstimator",
    "evaluate_wallet",
    "estimate_wallets",
    "pinball_loss",
    "share_of_wallet",
    "wallet_allocation",
]

# ----------------------------------------------------------------------------- share of wallet
def share_of_wallet(revenue, wallet):
    """Our revenue as a share of the customer's wallet, capped at 1 (NaN where the wallet is not > 0).

    Examples
    --------
    >>> share_of_wallet([50.0, 80.0, 10.0], [100.0, 60.0, 0.0]).tolist()
    [0.5, 1.0, nan]
    """
    revenue = np.asarray(revenue, dtype=float)
    wallet = np.asarray(wallet, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(wallet > 0, np.clip(revenue, 0, None) / wallet, np.nan)
    return pd.Series(np.minimum(share, 1.0)) if share.ndim else float(min(share, 1.0))


def wallet_allocation(rank, n_suppliers):
    """The Wallet Allocation Rule: the share of wallet that goes to the supplier ranked ``rank``.

    A customer who uses ``n`` suppliers and ranks them 1 (best) to n gives the supplier
    of rank k the share (1 − k/(n+1)) · 2/n. The shares add up to 1; with three suppliers
    they are 50 %, 33 % and 17 % (Keiningham et al. 2011).

    Parameters
    ----------
    rank : int or array-like of int
        The rank the customer gives us (1 = preferred supplier).
    n_suppliers : int or array-like of int
        How many suppliers of this category the customer uses.

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> [round(wallet_allocation(k, 3), 4) for k in (1, 2, 3)]
    [0.5, 0.3333, 0.1667]
    >>> wallet_allocation(1, 1)
    1.0
    """
    rank = np.asarray(rank)
    n = np.asarray(n_suppliers)
    if np.any(n < 1) or np.any(rank < 1) or np.any(rank > n):
        raise ParameterError("Each rank must lie between 1 and the number of suppliers (at least 1).")
    share = (1 - rank / (n + 1)) * 2 / n
    return float(share) if share.ndim == 0 else share


def pinball_loss(y_true, y_pred, quantile):
    """Mean pinball (quantile) loss: the loss a ``quantile`` estimate minimises."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    diff = y_true - y_pred
    return float(np.mean(np.maximum(quantile * diff, (quantile - 1) * diff)))


# ----------------------------------------------------------------------------- the estimator
class WalletEstimator(RegressorMixin, BaseEstimator):
    """Estimate each account's wallet as a high conditional quantile of spend.

    The wallet is what the best comparable customers spend (Perlich et al. 2007): a model
    of the ``quantile``-th conditional quantile of current spend given firmographics
    (employees, plants, industry, region, ...). Quantiles are unchanged by monotone
    transforms, so the model is fitted on log1p(spend) and transformed back.

    Parameters
    ----------
    quantile : float, default=0.9
        The conditional quantile that estimates the wallet (0.5 would estimate typical spend).
    method : {"gbm", "linear", "knn"}, default="gbm"
        ``"gbm"``: gradient boosting with quantile loss (scikit-learn's
        HistGradientBoostingRegressor); ``"linear"``: linear quantile regression
        (QuantileRegressor, no penalty); ``"knn"``: the empirical quantile of spend among
        the ``n_neighbors`` most similar accounts (standardised features).
    n_neighbors : int, default=25
        Neighbours for ``"knn"``.
    log_target : {"auto", True, False}, default="auto"
        Fit on log1p(spend); ``"auto"`` does so when no spend is negative.
    max_iter : int, default=200
        Boosting iterations for ``"gbm"``.
    learning_rate : float, default=0.05
        Learning rate for ``"gbm"``.
    min_samples_leaf : int, default=50
        Leaf size for ``"gbm"`` (a quantile needs enough accounts per leaf).
    early_stopping : bool, default=True
        Stop boosting for ``"gbm"`` when the quantile loss on 20 % of the training accounts
        stops improving.
    calibration : float, default=0.2
        Share of the training accounts set aside to calibrate the estimate (split-conformal,
        Romano, Patterson & Candès 2019): the model is fitted on the rest and shifted by the
        ``quantile``-th quantile of its residuals on the set-aside accounts, so that about a
        share ``quantile`` of new accounts spend at or under their estimate. 0 turns it off
        (used automatically when there are fewer than 20 accounts).
    random_state : int, RandomState instance or None, default=None
        Seed of the boosting's randomness.

    Attributes
    ----------
    model_ : estimator
        The fitted scikit-learn pipeline.
    feature_names_in_ : ndarray of str
        Column names seen in ``fit`` (DataFrame input).
    n_features_in_ : int
    log_target_ : bool
        Whether the target was modelled on the log1p scale.
    n_iter_ : int
        Boosting iterations (``"gbm"``) or solver iterations (``"linear"``); 1 for ``"knn"``.
    offset_ : float
        The calibration shift (on the log1p scale when ``log_target_``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> size = rng.uniform(1, 100, 2000)
    >>> spend = size * rng.uniform(0, 1, 2000)          # up to the wallet, which is `size`
    >>> model = WalletEstimator(quantile=0.9, method="linear", random_state=0).fit(size.reshape(-1, 1), spend)
    >>> new_size = rng.uniform(1, 100, 2000)
    >>> new_spend = new_size * rng.uniform(0, 1, 2000)
    >>> coverage = np.mean(new_spend <= model.predict(new_size.reshape(-1, 1)))
    >>> bool(0.87 <= coverage <= 0.93)                  # about 90 % of new accounts at or under it
    True
    """

    def __init__(self, quantile=0.9, method="gbm", *, n_neighbors=25, log_target="auto", max_iter=200,
                 learning_rate=0.05, min_samples_leaf=50, early_stopping=True, calibration=0.2,
                 random_state=None):
        self.quantile = quantile
        self.method = method
        self.n_neighbors = n_neighbors
        self.log_target = log_target
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.min_samples_leaf = min_samples_leaf
        self.early_stopping = early_stopping
        self.calibration = calibration
        self.random_state = random_state

    def _preprocessor(self, X):
        from sklearn.compose import ColumnTransformer, make_column_selector
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

        numeric = make_pipeline(FunctionTransformer(_signed_log, feature_names_out="one-to-one"), StandardScaler())
        if isinstance(X, pd.DataFrame):
            categorical = make_pipeline(
                OneHotEncoder(handle_unknown="ignore", sparse_output=False, min_frequency=5)
            )
            return ColumnTransformer(
                [
                    ("numeric", numeric, make_column_selector(dtype_include="number")),
                    ("categorical", categorical, make_column_selector(dtype_exclude="number")),
                ],
                verbose_feature_names_out=False,
            )
        return numeric

    def _check_params(self):
        if not 0 < self.quantile < 1:
            raise ParameterError(f"quantile must lie between 0 and 1 (0.9 for the 90 % quantile), not {self.quantile!r}.")
        if self.method not in ("gbm", "linear", "knn"):
            raise ParameterError(f"method must be 'gbm', 'linear' or 'knn', not {self.method!r}.")
        if self.log_target not in ("auto", True, False):
            raise ParameterError("log_target must be 'auto', True or False.")

    def _validate(self, X, reset):
        if isinstance(X, pd.DataFrame):
            if reset:
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
                self.n_features_in_ = X.shape[1]
                self._frame = True
            else:
                if not getattr(self, "_frame", False):
                    return validate_data(self, X, reset=False)
                missing = [c for c in self.feature_names_in_ if c not in X.columns]
                if missing:
                    raise MissingColumnError(f"The data have no column {missing[0]!r}, which the model was fitted on.")
                X = X[list(self.feature_names_in_)]
            return X
        if reset:
            self._frame = False
        return validate_data(self, X, reset=reset)

    def fit(self, X, y):
        """Fit the quantile model of spend ``y`` given the account features ``X``.

        Parameters
        ----------
        X : array-like or pandas.DataFrame of shape (n_accounts, n_features)
            Firmographics; DataFrame columns of non-numeric dtype are one-hot encoded.
        y : array-like of shape (n_accounts,)
            Current spend with us (e.g. last year's revenue).

        Returns
        -------
        self
        """
        self._check_params()
        from sklearn.utils.validation import check_array

        if isinstance(X, pd.DataFrame):
            X = self._validate(X, reset=True)
            y = check_array(np.asarray(y, dtype=float), ensure_2d=False, input_name="y")
            if len(y) != len(X):
                raise ParameterError(f"X has {len(X)} rows but y has {len(y)} values.")
        else:
            X, y = validate_data(self, X, y, y_numeric=True)
            self._frame = False
        y = np.asarray(y, dtype=float)
        self.log_target_ = bool(self.log_target is True or (self.log_target == "auto" and y.min() >= 0))
        if self.log_target is True and y.min() < 0:
            raise DataFormatError("log_target=True needs spend of 0 or more; some values are negative.")
        target = np.log1p(y) if self.log_target_ else y
        from sklearn.pipeline import make_pipeline

        if self.method == "gbm":
            from sklearn.ensemble import HistGradientBoostingRegressor

            regressor = HistGradientBoostingRegressor(
                loss="quantile", quantile=self.quantile, max_iter=self.max_iter, learning_rate=self.learning_rate,
                min_samples_leaf=self.min_samples_leaf, random_state=self.random_state,
                early_stopping=self.early_stopping, validation_fraction=0.2, n_iter_no_change=20,
            )
        elif self.method == "linear":
            from sklearn.linear_model import QuantileRegressor

            regressor = QuantileRegressor(quantile=self.quantile, alpha=0.0, solver="highs")
        else:
            regressor = _KNNQuantile(self.quantile, self.n_neighbors)
        self.model_ = make_pipeline(self._preprocessor(X), regressor)
        n = len(target)
        n_calibration = int(round(self.calibration * n)) if self.calibration else 0
        with thread_limits():
            self._fit_model(X, target, n, n_calibration)
        self.n_iter_ = int(getattr(self.model_[-1], "n_iter_", 1))
        return self

    def _fit_model(self, X, target, n, n_calibration):
        if n_calibration >= 10 and n - n_calibration >= 10:
            # Split-conformal calibration (Romano et al. 2019): a quantile model fitted on few accounts
            # covers less than it should out of sample; shift it by the q-quantile of its residuals on
            # accounts it has not seen, so that about a share q of new accounts lies at or under it.
            order = np.random.default_rng(self.random_state if isinstance(self.random_state, int) else None)
            permutation = order.permutation(n)
            fit_part, calibration_part = permutation[n_calibration:], permutation[:n_calibration]
            self.model_.fit(_rows(X, fit_part), target[fit_part])
            residuals = target[calibration_part] - self.model_.predict(_rows(X, calibration_part))
            level = min(1.0, np.ceil((n_calibration + 1) * self.quantile) / n_calibration)
            self.offset_ = float(np.quantile(residuals, level, method="higher"))
        else:
            self.model_.fit(X, target)
            self.offset_ = 0.0

    def predict(self, X):
        """The estimated wallet of each account (never below 0 when spend was modelled on the log scale)."""
        check_is_fitted(self, "model_")
        X = self._validate(X, reset=False)
        with thread_limits():
            estimate = self.model_.predict(X) + self.offset_
        return np.expm1(estimate) if self.log_target_ else estimate

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


def _signed_log(values):
    """log1p that keeps the sign: employee counts and other skewed sizes become comparable."""
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.log1p(np.abs(values))


def _rows(X, index):
    return X.iloc[index] if isinstance(X, pd.DataFrame) else X[index]


class _KNNQuantile(RegressorMixin, BaseEstimator):
    """The empirical quantile of the target among the k nearest training points."""

    def __init__(self, quantile=0.9, n_neighbors=25):
        self.quantile = quantile
        self.n_neighbors = n_neighbors

    def fit(self, X, y):
        from sklearn.neighbors import NearestNeighbors

        X = np.asarray(X, dtype=float)
        self.y_ = np.asarray(y, dtype=float)
        self.neighbors_ = NearestNeighbors(n_neighbors=min(self.n_neighbors, len(X))).fit(X)
        return self

    def predict(self, X):
        _, index = self.neighbors_.kneighbors(np.asarray(X, dtype=float))
        return np.quantile(self.y_[index], self.quantile, axis=1)


def evaluate_wallet(estimator, X, y, *, test_size=0.3, random_state=None):
    """Pinball loss and coverage of a wallet estimator on held-out accounts.

    The accounts are split at random; the estimator is fitted on the training part and
    judged on the held-out part. A good estimate of the q-quantile covers about a share
    q of the held-out accounts (their spend is at or under the estimate).

    Parameters
    ----------
    estimator : WalletEstimator
        Not yet fitted (a clone is fitted).
    X, y
        Features and current spend of all accounts.
    test_size : float, default=0.3
        Share of accounts held out.
    random_state : int, optional
        Seed of the split.

    Returns
    -------
    pandas.Series
        ``quantile``, ``coverage`` (share of held-out accounts with spend ≤ estimate),
        ``pinball_loss`` (in the units of spend), ``n_train``, ``n_test``.
    """
    from sklearn.base import clone
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(X, np.asarray(y, dtype=float), test_size=test_size,
                                                        random_state=random_state)
    model = clone(estimator).fit(X_train, y_train)
    estimate = model.predict(X_test)
    return pd.Series(
        {
            "quantile": estimator.quantile,
            "coverage": float(np.mean(y_test <= estimate)),
            "pinball_loss": pinball_loss(y_test, estimate, estimator.quantile),
            "n_train": len(y_train),
            "n_test": len(y_test),
        },
        name=estimator.method,
    )


def estimate_wallets(estimator, accounts, features, *, revenue="revenue", id_col="account_id", cv=5,
                     random_state=None):
    """Each account's wallet, headroom and share of wallet, estimated out of sample.

    Every account's wallet comes from a model fitted on the *other* accounts (k-fold
    cross-fitting), so an account's own spend never pulls its estimate up.

    Parameters
    ----------
    estimator : WalletEstimator
    accounts : pandas.DataFrame
        The account table with ``id_col``, ``revenue`` and the feature columns.
    features : sequence of str
        The firmographic columns the wallet is estimated from.
    revenue : str, default="revenue"
        Current spend with us, in the period the wallet refers to (e.g. one year).
    cv : int, default=5
        Number of folds.
    random_state : int, optional
        Seed of the fold assignment.

    Returns
    -------
    pandas.DataFrame
        ``id_col``, ``revenue``, ``wallet``, ``headroom`` (wallet − revenue, not below 0)
        and ``share_of_wallet`` (revenue / wallet, at most 1).
    """
    from sklearn.model_selection import KFold, cross_val_predict

    missing = [c for c in [id_col, revenue, *features] if c not in accounts.columns]
    if missing:
        raise MissingColumnError(f"estimate_wallets needs the column(s) {', '.join(map(repr, missing))}.")
    X = accounts[list(features)]
    y = pd.to_numeric(accounts[revenue], errors="coerce").to_numpy(dtype=float)
    if np.isnan(y).any():
        raise DataFormatError(f"Column {revenue!r} has missing values; fill or drop those accounts first.")
    folds = KFold(n_splits=cv, shuffle=True, random_state=random_state)
    wallet = np.clip(cross_val_predict(estimator, X, y, cv=folds), 0, None)
    out = pd.DataFrame({id_col: accounts[id_col].to_numpy(), "revenue": y, "wallet": wallet})
    out["headroom"] = np.clip(out["wallet"] - out["revenue"], 0, None)
    out["share_of_wallet"] = share_of_wallet(out["revenue"], out["wallet"]).to_numpy()
    out.index = accounts.index
    return out
