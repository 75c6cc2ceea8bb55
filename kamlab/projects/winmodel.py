"""Forecasting a quote's win probability: :class:`WinModel`, its reliability curve and Brier score.

A pipeline forecast (the won value to expect per quarter) needs, for every open quote, a
**calibrated** win probability: of the quotes given 30 %, about 30 % should be won.
:class:`WinModel` is a scikit-learn classifier (logistic regression or gradient boosting)
wrapped in :class:`~sklearn.calibration.CalibratedClassifierCV`. It predicts; it does not
explain: a feature that raises the forecast (many follow-ups) need not *cause* wins; for
"does one more follow-up help?" use :func:`~kamlab.projects.effect.followup_effect`.

:func:`validate_win_model` checks a model the way it will be used: fitted on the quotes
decided before a date ``cut`` and scored on the quotes decided on or after it, so no outcome
from the future leaks into the fit. It reports the Brier score (mean squared error of the
probabilities) against the base rate (forecasting every quote with the training win rate)
and the reliability curve (:func:`reliability_curve`) with a consistency band.

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability. Monthly
Weather Review 78(1), 1–3. Bröcker, J., & Smith, L. A. (2007). Increasing the reliability of
reliability diagrams. Weather and Forecasting 22(3), 651–661.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from kamlab.config import thread_limits
from kamlab.errors import EmptyDataError, MissingColumnError, ParameterError
from kamlab.projects.effect import POST_DECISION_COLUMNS, win_outcome

__all__ = [
    "WinModel",
    "WinValidation",
    "brier_score",
    "pipeline_forecast",
    "reliability_curve",
    "validate_win_model",
]


# ----------------------------------------------------------------------------- the estimator
class WinModel(ClassifierMixin, BaseEstimator):
    """A calibrated classifier of won (1) vs lost (0) quotes, for pipeline forecasts.

    Parameters
    ----------
    method : {"logistic", "gbm"}, default="logistic"
        Logistic regression, or scikit-learn's HistGradientBoostingClassifier.
    calibration : {"sigmoid", "isotonic", None}, default="sigmoid"
        How :class:`~sklearn.calibration.CalibratedClassifierCV` recalibrates the probabilities
        (``None``: the classifier's own probabilities).
    cv : int, default=3
        Folds of the calibration.
    max_iter : int, default=100
        Iterations of the solver (logistic) or boosting rounds (gbm).
    learning_rate : float, default=0.1
        For ``"gbm"``.
    min_samples_leaf : int, default=20
        For ``"gbm"``.
    random_state : int, RandomState instance or None, default=None
        Seed of the calibration folds and the boosting.

    Attributes
    ----------
    model_ : estimator
        The fitted (calibrated) pipeline.
    classes_ : ndarray
        The two outcome labels (e.g. ``[0, 1]``).
    feature_names_in_ : ndarray of str
        Column names seen in ``fit`` (DataFrame input).
    n_features_in_ : int
    n_iter_ : int
        Iterations of the solver or boosting rounds (the most over the calibration folds).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 2))
    >>> y = (rng.random(2000) < 1 / (1 + np.exp(-(X[:, 0] - 0.5)))).astype(int)
    >>> model = WinModel(random_state=0).fit(X[:1500], y[:1500])
    >>> p = model.predict_proba(X[1500:])[:, 1]
    >>> bool(brier_score(y[1500:], p) < brier_score(y[1500:], np.full(500, y[:1500].mean())))
    True
    """

    def __init__(self, method="logistic", calibration="sigmoid", *, cv=3, max_iter=100, learning_rate=0.1,
                 min_samples_leaf=20, random_state=None):
        self.method = method
        self.calibration = calibration
        self.cv = cv
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.min_samples_leaf = min_samples_leaf
        self.random_state = random_state

    def _classifier(self):
        if self.method == "logistic":
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(max_iter=max(self.max_iter, 100))
        if self.method == "gbm":
            from sklearn.ensemble import HistGradientBoostingClassifier

            return HistGradientBoostingClassifier(max_iter=self.max_iter, learning_rate=self.learning_rate,
                                                  min_samples_leaf=self.min_samples_leaf, early_stopping=False,
                                                  random_state=self.random_state)
        raise ParameterError(f"method must be 'logistic' or 'gbm', not {self.method!r}.")

    def _pipeline(self, X):
        from sklearn.compose import ColumnTransformer, make_column_selector
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        if isinstance(X, pd.DataFrame):
            pre = ColumnTransformer([
                ("numeric", StandardScaler(), make_column_selector(dtype_include="number")),
                ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False, min_frequency=5),
                 make_column_selector(dtype_exclude="number")),
            ])
        else:
            pre = StandardScaler()
        return make_pipeline(pre, self._classifier())

    def fit(self, X, y):
        """Fit on quotes ``X`` (features known at the quote date) and outcomes ``y`` (two classes).

        Parameters
        ----------
        X : array-like or pandas.DataFrame of shape (n_quotes, n_features)
            Non-numeric DataFrame columns are one-hot encoded.
        y : array-like of shape (n_quotes,)
            Won/lost as two labels (1/0, True/False, "won"/"lost").

        Returns
        -------
        self
        """
        from sklearn.utils.multiclass import type_of_target

        if self.calibration not in ("sigmoid", "isotonic", None):
            raise ParameterError(f"calibration must be 'sigmoid', 'isotonic' or None, not {self.calibration!r}.")
        X, y = self._validate(X, y, reset=True)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ParameterError(f"Only binary classification is supported. The type of the target is {y_type}.")
        self.classes_ = np.unique(y)
        model = self._pipeline(X)
        if self.calibration is not None:
            from sklearn.calibration import CalibratedClassifierCV
            from sklearn.model_selection import StratifiedKFold

            n_min = int(pd.Series(y).value_counts().min())
            folds = StratifiedKFold(min(self.cv, max(n_min, 2)), shuffle=True, random_state=self.random_state)
            model = CalibratedClassifierCV(model, method=self.calibration, cv=folds)
        with thread_limits():
            self.model_ = model.fit(X, y)
        fitted = [c.estimator for c in getattr(self.model_, "calibrated_classifiers_", [])] or [self.model_]
        self.n_iter_ = int(max(np.max(pipeline[-1].n_iter_) for pipeline in fitted))
        return self

    def _validate(self, X, y=None, reset=False):
        """As scikit-learn's ``validate_data``; a DataFrame keeps its columns (and dtypes) for the encoder."""
        from sklearn.utils.validation import check_array, check_consistent_length

        if reset and isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            self.n_features_in_ = X.shape[1]
            self._frame = True
            y = check_array(np.asarray(y), ensure_2d=False, dtype=None, input_name="y")
            check_consistent_length(X, y)
            return X, y
        if reset:
            self._frame = False
            return validate_data(self, X, y)
        if self._frame and isinstance(X, pd.DataFrame):
            missing = [c for c in self.feature_names_in_ if c not in X.columns]
            if missing:
                raise MissingColumnError(f"The quotes have no column {missing[0]!r}, which the model was fitted on.")
            return X[list(self.feature_names_in_)], y
        return validate_data(self, X, reset=False), y

    def predict_proba(self, X):
        """Probabilities of the two classes (column 1: won), shape (n_quotes, 2)."""
        check_is_fitted(self, "model_")
        X, _ = self._validate(X)
        with thread_limits():
            return self.model_.predict_proba(X)

    def predict(self, X):
        """The more probable class of each quote."""
        check_is_fitted(self, "model_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.allow_nan = False
        return tags


# ----------------------------------------------------------------------------- scores
def brier_score(y, p):
    """Mean squared difference between outcome (0/1) and probability: 0 is perfect, lower is better.

    Examples
    --------
    >>> brier_score([1, 0, 1, 0], [0.8, 0.2, 0.6, 0.4])
    0.1
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(round(np.mean((p - y) ** 2), 12))


def reliability_curve(y, p, *, n_bins=10, strategy="quantile", n_bootstrap=500, level=0.95, random_state=None):
    """The reliability (calibration) curve with a consistency band.

    Quotes are grouped into ``n_bins`` bins of forecast probability; per bin, the mean
    forecast is compared with the observed win rate. The band is what a *perfectly calibrated*
    model would show: the outcomes are redrawn ``n_bootstrap`` times as Bernoulli(p) (consistency
    resampling, Bröcker & Smith 2007) and the band holds the central ``level`` of the redrawn
    win rates. An observed rate outside its band is evidence of miscalibration.

    Parameters
    ----------
    y : array-like of 0/1
    p : array-like of float
        Forecast win probabilities.
    n_bins : int, default=10
    strategy : {"quantile", "uniform"}, default="quantile"
        Bins with equal numbers of quotes, or of equal width on [0, 1].
    n_bootstrap : int, default=500
    level : float, default=0.95
    random_state : int, optional

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``n``, ``predicted`` (mean forecast), ``observed`` (win rate),
        ``band_low``, ``band_high``, ``inside`` (observed within the band).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=5000)
    >>> curve = reliability_curve(rng.random(5000) < p, p, random_state=0)
    >>> int(curve["inside"].sum()) >= 9
    True
    """
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
    elif strategy == "uniform":
        edges = np.linspace(0, 1, n_bins + 1)
    else:
        raise ParameterError(f"strategy must be 'quantile' or 'uniform', not {strategy!r}.")
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    rng = np.random.default_rng(random_state)
    redrawn = rng.random((n_bootstrap, len(p))) < p
    rows = []
    for b in np.unique(bins):
        inside_bin = bins == b
        rates = redrawn[:, inside_bin].mean(axis=1)
        low, high = np.quantile(rates, [(1 - level) / 2, (1 + level) / 2])
        observed = float(y[inside_bin].mean())
        rows.append((int(inside_bin.sum()), float(p[inside_bin].mean()), observed, low, high,
                     bool(low <= observed <= high)))
    return pd.DataFrame(rows, columns=["n", "predicted", "observed", "band_low", "band_high", "inside"])


# ----------------------------------------------------------------------------- validation
@dataclass(repr=False)
class WinValidation:
    """The out-of-time check of a :class:`WinModel` (see :func:`validate_win_model`).

    Attributes
    ----------
    brier, brier_base : float
        Brier score of the model and of the base rate on the test quotes.
    skill : float
        ``1 − brier / brier_base``: above 0 the model beats the base rate.
    base_rate : float
        Win rate of the training quotes.
    reliability : pandas.DataFrame
        :func:`reliability_curve` on the test quotes.
    predictions : pandas.DataFrame
        The test quotes' index, ``outcome`` (0/1) and ``p_win``.
    n_train, n_test : int
    model : WinModel
        The model fitted on the training quotes.
    cut : pandas.Timestamp
    """

    brier: float
    brier_base: float
    skill: float
    base_rate: float
    reliability: pd.DataFrame
    predictions: pd.DataFrame
    n_train: int
    n_test: int
    model: object
    cut: pd.Timestamp

    def __repr__(self):
        return (f"WinValidation(cut={self.cut.date()}, train={self.n_train}, test={self.n_test}, "
                f"brier={self.brier:.4f}, base rate {self.base_rate:.1%} → {self.brier_base:.4f}, "
                f"skill={self.skill:+.1%})")


def validate_win_model(model, projects, features, cut, *, outcome="outcome", date="decision_date", n_bins=10,
                       random_state=None):
    """Fit a clone of ``model`` on quotes decided before ``cut``; score it on those decided from ``cut`` on.

    Parameters
    ----------
    model : WinModel or scikit-learn classifier
    projects : pandas.DataFrame
        One row per quote; open quotes (no decision) are left out.
    features : list of str
        Known at the quote date: columns written at the decision (``order_value``,
        ``decision_date``, ...) are refused.
    cut : str or datetime-like
    outcome : str, default="outcome"
    date : str, default="decision_date"
        When each quote was decided: the split is on this date, so the fit never sees an
        outcome that was not yet known at ``cut``.
    n_bins : int, default=10
        Bins of the reliability curve.
    random_state : int, optional
        Seed of the reliability band.

    Returns
    -------
    WinValidation
    """
    from sklearn.base import clone

    missing = [c for c in [outcome, date, *features] if c not in projects.columns]
    if missing:
        raise MissingColumnError(f"The quotes have no column {missing[0]!r}.")
    leaks = [f for f in features if str(f).lower() in POST_DECISION_COLUMNS or f == date]
    if leaks:
        raise ParameterError(f"Feature {leaks[0]!r} is written when the quote is decided: it leaks the outcome.")
    y = win_outcome(projects[outcome])
    when = pd.to_datetime(projects[date])
    cut = pd.Timestamp(cut)
    decided = ~np.isnan(y) & when.notna().to_numpy()
    train = decided & (when < cut).to_numpy()
    test = decided & (when >= cut).to_numpy()
    if train.sum() < 20 or test.sum() < 20:
        raise EmptyDataError(f"The cut {cut.date()} leaves {int(train.sum())} quotes to fit and {int(test.sum())} to "
                             "test; each side needs at least 20 decided quotes.")
    fitted = clone(model).fit(projects.loc[train, list(features)], y[train].astype(int))
    p = fitted.predict_proba(projects.loc[test, list(features)])[:, 1]
    y_test = y[test]
    base_rate = float(y[train].mean())
    brier, brier_base = brier_score(y_test, p), brier_score(y_test, np.full(len(p), base_rate))
    return WinValidation(
        brier=brier, brier_base=brier_base, skill=1 - brier / brier_base, base_rate=base_rate,
        reliability=reliability_curve(y_test, p, n_bins=n_bins, random_state=random_state),
        predictions=pd.DataFrame({"outcome": y_test.astype(int), "p_win": p}, index=projects.index[test]),
        n_train=int(train.sum()), n_test=int(test.sum()), model=fitted, cut=cut,
    )


def pipeline_forecast(model, open_quotes, features, *, value="quote_value", date="quote_date", freq="QE"):
    """Expected won value of open quotes per period: the sum of win probability × quote value.

    Parameters
    ----------
    model : fitted WinModel (or classifier with ``predict_proba``)
    open_quotes : pandas.DataFrame
        The quotes still open, with ``features``, ``value`` and ``date``.
    features : list of str
    value : str, default="quote_value"
    date : str, default="quote_date"
        The date that assigns a quote to a period, e.g. an expected close date; default the quote date.
    freq : str, default="QE"
        A pandas period frequency ("QE": quarters, "ME": months).

    Returns
    -------
    pandas.DataFrame
        Per period: ``quotes``, ``value`` (quoted), ``expected_won`` (Σ p × value), ``expected_wins`` (Σ p).
    """
    missing = [c for c in [value, date, *features] if c not in open_quotes.columns]
    if missing:
        raise MissingColumnError(f"The open quotes have no column {missing[0]!r}.")
    p = model.predict_proba(open_quotes[list(features)])[:, 1]
    frame = pd.DataFrame({"period": pd.to_datetime(open_quotes[date]).dt.to_period(freq.rstrip("E") or freq),
                          "value": open_quotes[value].to_numpy(dtype=float), "p": p})
    frame["expected_won"] = frame["p"] * frame["value"]
    out = frame.groupby("period").agg(quotes=("p", "size"), value=("value", "sum"),
                                      expected_won=("expected_won", "sum"), expected_wins=("p", "sum"))
    return out
