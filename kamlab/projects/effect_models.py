"""The models behind :func:`kamlab.projects.effect.followup_effect`: the outcome model (P(won) given the
covariates and the follow-up count) and the propensity model (the count given the covariates), fitted on all
decided quotes or cross-fitted in folds for AIPW, and the bootstrap of the g-computation means."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.config import thread_limits
from kamlab.errors import ParameterError

_TREATMENT = "__treatment__"  # the follow-up count's column in the outcome model's frame


def _classifier(spec, random_state):
    from sklearn.base import clone

    if isinstance(spec, str):
        if spec == "logistic":
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(max_iter=1000)
        if spec == "gbm":
            from sklearn.ensemble import HistGradientBoostingClassifier

            return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, min_samples_leaf=20,
                                                  early_stopping=False, random_state=random_state)
        raise ParameterError(f"A model must be 'logistic', 'gbm' or a scikit-learn classifier, not {spec!r}.")
    if not (hasattr(spec, "fit") and hasattr(spec, "predict_proba")):
        raise ParameterError("A model must be 'logistic', 'gbm' or a scikit-learn classifier with predict_proba.")
    return clone(spec)


def _pipeline(X, spec, random_state, with_treatment):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in X.columns if c != _TREATMENT and pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in X.columns if c != _TREATMENT and c not in numeric]
    parts = [("numeric", StandardScaler(), numeric),
             ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical)]
    if with_treatment:
        parts.append(("treatment", "passthrough", [_TREATMENT]))
    return make_pipeline(ColumnTransformer(parts), _classifier(spec, random_state))


def _fit_outcome(X, t, y, spec, random_state):
    frame = X.assign(**{_TREATMENT: t})
    with thread_limits():
        return _pipeline(frame, spec, random_state, True).fit(frame, y.astype(int))


def _predict_levels(model, X, values, Z=None):
    """P(won) at each treatment value (a level, or one value per row): n × len(values).

    The treatment is the encoder's last (passed-through) column: it is set in the encoded matrix ``Z``
    (computed here unless given) instead of encoding the covariates again per value.
    """
    if Z is None:
        Z = model[0].transform(X.assign(**{_TREATMENT: 0}))
    Z = np.array(Z, dtype=float)
    classifier, out = model[-1], np.zeros((len(Z), len(values)))
    if 1 not in classifier.classes_:
        return out
    column = list(classifier.classes_).index(1)
    with thread_limits():
        for j, k in enumerate(values):
            Z[:, -1] = k
            out[:, j] = classifier.predict_proba(Z)[:, column]
    return out


def _predict_propensity(model, X, values):
    with thread_limits():
        proba = model.predict_proba(X)
    e = np.zeros((len(X), len(values)))
    for j, k in enumerate(values):
        if k in model.classes_:
            e[:, j] = proba[:, list(model.classes_).index(k)]
    return e


def _folds(t, cv, random_state):
    from sklearn.model_selection import KFold, StratifiedKFold

    if cv < 2:
        raise ParameterError(f"cv must be at least 2 cross-fitting folds, not {cv!r}.")
    counts = np.bincount(t)
    splitter = (StratifiedKFold if counts[counts > 0].min() >= cv else KFold)(cv, shuffle=True,
                                                                              random_state=random_state)
    return list(splitter.split(np.zeros(len(t)), t))


def _nuisances(X, t, y, values, method, models, cv, random_state):
    """Outcome predictions m (n × levels) and propensities e (n × levels); cross-fitted for AIPW."""
    n = len(t)
    folds = _folds(t, cv, random_state) if method == "aipw" else [(np.arange(n), np.arange(n))]
    m = np.full((n, len(values)), np.nan) if method in ("regression", "aipw") else None
    e = np.full((n, len(values)), np.nan)
    for train, test in folds:
        Xtr, Xte = X.iloc[train], X.iloc[test]
        if m is not None:
            model = _fit_outcome(Xtr, t[train], y[train], models[0], random_state)
            m[test] = _predict_levels(model, Xte, values)
        with thread_limits():
            propensity = _pipeline(Xtr, models[1], random_state, False).fit(Xtr, t[train])
        e[test] = _predict_propensity(propensity, Xte, values)
    return m, e


def _bootstrap_cov(model, X, t, y, values, n_bootstrap, random_state):
    """Covariance of the g-computation means over bootstrap refits of the outcome model's classifier.

    The covariates are encoded once by the fitted ``model`` (its scaling and categories); each
    bootstrap sample refits the classifier on the encoded rows.
    """
    from sklearn.base import clone

    if not n_bootstrap:
        return np.full((len(values), len(values)), np.nan)
    rng = np.random.default_rng(random_state)
    Z = np.asarray(model[0].transform(X.assign(**{_TREATMENT: t})), dtype=float)
    draws = []
    for _ in range(n_bootstrap):
        rows = rng.integers(0, len(t), len(t))
        with thread_limits():
            classifier = clone(model[-1]).fit(Z[rows], y[rows].astype(int))
        draws.append(_predict_levels([None, classifier], None, values, Z[rows]).mean(axis=0))
    return np.atleast_2d(np.cov(np.asarray(draws), rowvar=False))
