"""Preparing the features for clustering: choosing the columns, ``log1p`` of skewed ones, scaling.

Money columns are skewed (a few accounts buy a hundred times more than the median one): on the
raw scale they dominate every distance. A ``log1p`` transform makes them roughly symmetric;
scaling then gives every feature the same weight. ``log_features="auto"`` logs a feature when
it has no negative values and its skewness exceeds :data:`SKEW_THRESHOLD`.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError
from kamlab.segment.validation import _is_number_dtype

__all__ = ["SKEW_THRESHOLD"]

#: ``log_features="auto"`` logs a feature whose skewness exceeds this (and whose values are all ≥ 0).
#: A skewness above 1 is the usual rule of thumb for "highly skewed" (Bulmer 1979, *Principles of Statistics*).
SKEW_THRESHOLD = 1.0

_SCALERS = ("standard", "robust", None)


class _Log1p(TransformerMixin, BaseEstimator):
    """``log1p`` on some columns of a numeric array, the others unchanged (the first step of the preprocessing).

    Parameters
    ----------
    columns : tuple of int, default=()
        Positions of the columns to transform.
    names : tuple of str, optional
        The feature names, for error messages.
    """

    def __init__(self, columns=(), names=None):
        self.columns = columns
        self.names = names

    def fit(self, X, y=None):
        self.n_features_in_ = np.shape(X)[1]
        return self

    def _name(self, position):
        return repr(self.names[position]) if self.names is not None else f"number {position}"

    def transform(self, X):
        X = np.array(X, dtype=np.float64, copy=True)
        columns = list(self.columns)
        if columns:
            block = X[:, columns]
            negative = block < 0
            if negative.any():
                position = columns[int(np.argmax(negative.any(axis=0)))]
                raise DataFormatError(
                    f"Feature {self._name(position)} is log-transformed but has negative values "
                    f"({int(negative.sum()):,} values, smallest {block.min():g}); log1p is only meaningful for "
                    "values ≥ 0. Leave it out of log_features (e.g. log_features=None, or a list without it), "
                    "or remove the negative values (credit notes) first."
                )
            X[:, columns] = np.log1p(block)
        return X

    def inverse_transform(self, X):
        X = np.array(X, dtype=np.float64, copy=True)
        columns = list(self.columns)
        if columns:
            X[:, columns] = np.expm1(X[:, columns])
        return X


def _skewness(X):
    """Sample skewness per column (the biased moment estimator); NaN for constant columns."""
    centred = X - X.mean(axis=0)
    m2 = (centred**2).mean(axis=0)
    m3 = (centred**3).mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = m3 / m2**1.5
    return np.where(m2 > 1e-12 * np.maximum(1.0, np.abs(X).max(axis=0) ** 2), skew, np.nan)


def _log_columns(X, log_features, names):
    """Positions of the columns to log-transform, after checking the request."""
    n_features = X.shape[1]
    if log_features is None or log_features is False:
        return ()
    if isinstance(log_features, str) and log_features == "auto":
        skew = _skewness(X)
        return tuple(int(i) for i in range(n_features) if X[:, i].min() >= 0 and skew[i] > SKEW_THRESHOLD)
    if log_features is True or (isinstance(log_features, str) and log_features == "all"):
        columns = tuple(range(n_features))
    else:
        columns = _named_columns(log_features, names, n_features)
    for position in columns:
        smallest = X[:, position].min()
        if smallest < 0:
            what = repr(names[position]) if names is not None else f"number {position}"
            raise DataFormatError(
                f"Feature {what} is to be log-transformed but has negative values (smallest {smallest:g}). "
                "log1p is only meaningful for values ≥ 0: leave it out of log_features (or use "
                "log_features='auto', which skips such features), or remove the negative values first."
            )
    return columns


def _named_columns(log_features, names, n_features):
    """Positions of the features a list ``log_features`` names (by name, or by position for arrays)."""
    if isinstance(log_features, str):
        raise ParameterError(
            f"log_features must be 'auto', 'all', None or a list of features; got {log_features!r}."
        )
    try:
        requested = list(log_features)
    except TypeError:
        raise ParameterError(
            f"log_features must be 'auto', 'all', None or a list of features; got {log_features!r}."
        ) from None
    columns = []
    for item in requested:
        if isinstance(item, numbers.Integral) and not isinstance(item, bool) and 0 <= item < n_features:
            columns.append(int(item))
        elif names is not None and item in list(names):
            columns.append(list(names).index(item))
        else:
            known = ", ".join(map(repr, names)) if names is not None else f"positions 0 to {n_features - 1}"
            raise MissingColumnError(f"log_features names {item!r}, which is not a feature; the features are {known}.")
    return tuple(sorted(set(columns)))


def _scaler(scaler):
    from sklearn.preprocessing import RobustScaler, StandardScaler

    if scaler == "standard":
        return StandardScaler()
    if scaler == "robust":
        return RobustScaler()
    if scaler is None or scaler == "none":
        return "passthrough"
    raise ParameterError(f"scaler must be 'standard', 'robust' or None; got {scaler!r}.")


def _select_fit_features(X, features):
    """The columns to cluster on: a DataFrame of the named (or all numeric) columns, or the array itself."""
    if not isinstance(X, pd.DataFrame):
        if features is not None:
            raise ParameterError(
                "features names columns of a DataFrame; with an array every column is a feature. "
                "Pass a DataFrame, or leave features=None."
            )
        return X
    if features is None:
        columns = [c for c in X.columns if _is_number_dtype(X[c].dtype)]
        if not columns:
            raise DataFormatError(
                "The table has no numeric columns to segment on. Name the features, e.g. "
                "features=['revenue', 'orders']."
            )
    else:
        columns = [features] if isinstance(features, str) else list(features)
        if not columns:
            raise ParameterError("features is empty: name at least one column, e.g. features=['revenue', 'orders'].")
        missing = [c for c in columns if c not in X.columns]
        if missing:
            raise MissingColumnError(
                f"The table has no feature column {', '.join(map(repr, missing))}. "
                f"Columns found: {', '.join(map(str, X.columns))}."
            )
        if len(set(columns)) != len(columns):
            raise ParameterError(f"features names a column twice: {columns!r}.")
        wrong = [c for c in columns if not pd.api.types.is_numeric_dtype(X[c].dtype)]
        if wrong:
            raise DataFormatError(
                f"Feature {wrong[0]!r} is not numeric (type {X[wrong[0]].dtype}); segmentation needs numbers. "
                "Leave it out of features, or encode it as numbers first.",
                column=wrong[0],
            )
    _check_missing(X, columns)
    return X[columns]


def _check_missing(X, columns):
    for column in columns:
        missing = X[column].isna()
        if missing.any():
            raise DataFormatError(
                f"Feature {column!r} has {int(missing.sum()):,} missing values (NaN); every account needs a value. "
                f"Fill or drop them first, e.g. accounts.dropna(subset=[{column!r}]) or "
                f"accounts.fillna({{{column!r}: 0}}).",
                column=column,
                n_more=int(missing.sum()) - 1,
            )
