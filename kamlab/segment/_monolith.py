"""Segmentation: group accounts that behave alike, so each group can be served its own way.

Two approaches live here, from simple to data-driven:

1. **RFM scores** (:func:`rfm_scores`, :func:`rfm_segments`): every account gets a
   score from 1 to 5 for *recency* (how recently it ordered), *frequency* (how often)
   and *monetary value* (how much), and named segments are read off a fixed map of the
   scores ("Champions", "At risk", ... or, for B2B, "Key", "Develop", "Retain",
   "Win back", "Maintain"). Transparent, but the cut points are fixed in advance.
2. **Clustering** (:class:`AccountSegmenter`): the accounts' features are transformed
   and scaled, and a clustering algorithm (k-means, a Gaussian mixture, Ward's
   hierarchical clustering or HDBSCAN) finds the groups.

A careful clustering takes four steps, each a function here:

- **Prepare the features.** Money columns are skewed (a few accounts buy a hundred
  times more than the median one): on the raw scale they dominate every distance. A
  ``log1p`` transform makes them roughly symmetric; scaling then gives every feature
  the same weight. ``log_features="auto"`` logs a feature when it has no negative
  values and its skewness exceeds 1 (:data:`SKEW_THRESHOLD`).
- **Choose the number of segments** k (:func:`select_k`): a table by k of the inertia
  (with its elbow), the silhouette, the Calinski–Harabasz and Davies–Bouldin indices
  and, for Gaussian mixtures, the BIC, and a recommended k with the reason in words.
- **Check stability** (:func:`segment_stability`): cluster many subsamples and compare
  with the clustering of all accounts. Only a segmentation that comes back nearly the
  same every time (mean adjusted Rand index of at least 0.8) is called trustworthy.
- **Describe the segments** (:func:`segment_profiles`): size, share of revenue and of
  contribution margin, medians, a z-score profile and a descriptive name such as
  ``"large, frequent, low margin"``.

:func:`make_segmented_accounts` generates account tables with known segments, to try
all of this where the right answer is known.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from kamlab.config import thread_limits
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "AccountSegmenter",
    "METHODS",
    "MINIBATCH_THRESHOLD",
    "RFM_PRESETS",
    "SKEW_THRESHOLD",
    "STABLE_JACCARD",
    "TRUSTWORTHY_ARI",
    "VOCABULARY",
    "WARD_MAX_ACCOUNTS",
    "SegmentStability",
    "make_segmented_accounts",
    "rfm_scores",
    "rfm_segments",
    "segment_agreement",
    "segment_profiles",
    "segment_stability",
    "select_k",
]

#: The clustering methods of :class:`AccountSegmenter`.
METHODS = ("kmeans", "gmm", "ward", "hdbscan")
#: ``log_features="auto"`` logs a feature whose skewness exceeds this (and whose values are all ≥ 0).
#: A skewness above 1 is the usual rule of thumb for "highly skewed" (Bulmer 1979, *Principles of Statistics*).
SKEW_THRESHOLD = 1.0
#: With ``minibatch="auto"``, k-means runs as mini-batch k-means on more accounts than this.
MINIBATCH_THRESHOLD = 50_000
#: Ward's method needs the distances between all pairs of accounts (n² / 2 numbers: 400 MB for 10,000).
WARD_MAX_ACCOUNTS = 10_000
#: A segmentation is trustworthy when the mean adjusted Rand index between resampled and full
#: clusterings is at least this. Steinley (2004) calls ARI > 0.90 excellent, > 0.80 good,
#: > 0.65 moderate and below 0.65 poor recovery.
TRUSTWORTHY_ARI = 0.8
#: A single segment is stable when its mean Jaccard similarity over resamples is at least this.
#: Hennig (2007): ≥ 0.75 stable ("valid"), 0.6–0.75 doubtful, ≤ 0.5 the segment dissolves.
STABLE_JACCARD = 0.75
#: Two silhouettes closer than this count as a tie in :func:`select_k` (the elbow breaks it).
SILHOUETTE_TIE = 0.01

_SCALERS = ("standard", "robust", None)
_CRITERIA = ("silhouette", "elbow", "calinski_harabasz", "davies_bouldin", "bic")
_CRITERION_WORDS = {
    "elbow": "the elbow of the inertia curve",
    "silhouette": "the silhouette",
    "calinski_harabasz": "Calinski–Harabasz",
    "davies_bouldin": "Davies–Bouldin",
    "bic": "the BIC",
}


# ============================================================================= RFM
def _rfm_score(values, higher_is_better, bins):
    """1 + floor(bins × share of accounts strictly worse); missing values are the worst."""
    oriented = values if higher_is_better else -values
    oriented = oriented.fillna(-np.inf)
    strictly_worse = oriented.rank(method="min").to_numpy() - 1
    return (1 + np.floor(bins * strictly_worse / len(values))).astype("int64")


def _numeric_column(table, name, *, allow_missing=False, what="column"):
    if name not in table.columns:
        raise MissingColumnError(
            f"The account table has no {what} {name!r}. Columns found: {', '.join(map(str, table.columns))}. "
            f"Name the right column, e.g. {what.split()[0]}='my_column'."
        )
    series = table[name]
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise DataFormatError(
            f"Column {name!r} must hold numbers, but its type is {series.dtype}. "
            "Convert it first, e.g. pd.to_numeric(table[name], errors='coerce').",
            column=name,
        )
    values = series.astype("float64")
    bad = ~np.isfinite(values.fillna(0.0)) if allow_missing else ~np.isfinite(values.fillna(np.inf))
    if bad.any():
        first = series.index[bad.to_numpy()][0]
        raise DataFormatError(
            f"{int(bad.sum()):,} accounts have no usable number (NaN or infinite) in column {name!r} "
            f"(first at index {first!r}). Fill or drop them first, e.g. table.dropna(subset=[{name!r}]).",
            column=name,
            value=series.loc[first],
            n_more=int(bad.sum()) - 1,
        )
    return values


def rfm_scores(
    accounts,
    *,
    recency="recency_days",
    frequency="orders",
    monetary="revenue",
    bins=5,
    id_col="account_id",
):
    """Recency, frequency and monetary scores from 1 to ``bins`` for every account.

    Each score says which of ``bins`` equal shares of the accounts an account beats:

        score = 1 + ⌊bins × (share of accounts strictly worse than this one)⌋

    Higher is always better: a high R score means a *recent* last order (few days), a
    high F score many orders, a high M score much revenue.

    **Ties** (say, thirty accounts with exactly two orders) get the same score: an
    account's score depends only on how many accounts are strictly worse, never on its
    id or on the row order. This is the ``method="min"`` rank of pandas, and the
    result is the same however the table is sorted. The price: bins are equal in size
    only when there are no ties, and a big group of equal values can leave a score
    unused (if 60 % of the accounts ordered once, the next account already starts at
    F = 4 when bins = 5).

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account (see
        :func:`kamlab.accounts_from_transactions`).
    recency : str, default="recency_days"
        Days since the last order: fewer is better. A missing value (an account that
        never ordered, only had credit notes or cost to serve) counts as the worst.
    frequency : str, default="orders"
        Number of orders: more is better.
    monetary : str, default="revenue"
        Revenue (or contribution margin): more is better.
    bins : int, default=5
        Number of score levels (5: quintiles).
    id_col : str, default="account_id"
        The account id column; when present its ids must be unique.

    Returns
    -------
    pandas.DataFrame
        A copy of ``accounts`` in the same row order with the added integer columns
        ``r_score``, ``f_score``, ``m_score`` and the string ``rfm`` (``"545"``; with
        more than 9 bins the scores are joined by ``-``, as in ``"10-4-5"``).
        ``result.attrs["rfm_bins"]`` holds ``bins``.

    Raises
    ------
    MissingColumnError
        A named column is not in the table.
    DataFormatError
        A column is not numeric, frequency or monetary have missing values, or the
        account ids repeat.
    ParameterError
        ``bins`` is not an integer of at least 2.

    See Also
    --------
    rfm_segments : named segments from the scores.

    Examples
    --------
    Ten accounts; two share 20 days, three share 1 order:

    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "account_id": [f"K{i}" for i in range(1, 11)],
    ...     "recency_days": [5, 20, 20, 40, 60, 90, 120, 200, 300, 365],
    ...     "orders": [30, 12, 8, 1, 1, 1, 4, 6, 2, 3],
    ...     "revenue": [900, 500, 450, 40, 30, 20, 100, 80, 60, 70],
    ... })
    >>> rfm_scores(table)[["account_id", "r_score", "f_score", "m_score", "rfm"]].head(4)
      account_id  r_score  f_score  m_score  rfm
    0         K1        5        5        5  555
    1         K2        4        5        5  455
    2         K3        4        4        4  444
    3         K4        4        1        2  412
    """
    if not isinstance(accounts, pd.DataFrame):
        raise ParameterError(f"rfm_scores needs the account table as a pandas DataFrame, not {type(accounts).__name__}.")
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 2:
        raise ParameterError(f"bins must be an integer of at least 2 (5 gives quintiles); got {bins!r}.")
    if len(accounts) == 0:
        raise DataFormatError("The account table has no rows: there is nothing to score.")
    if id_col in accounts.columns and accounts[id_col].duplicated().any():
        duplicate = accounts[id_col][accounts[id_col].duplicated()].iloc[0]
        raise DataFormatError(
            f"The account id {duplicate!r} appears more than once in column {id_col!r}; RFM needs one row per "
            "account. Aggregate invoice lines first with kamlab.accounts_from_transactions.",
            column=id_col,
            value=duplicate,
        )
    r = _numeric_column(accounts, recency, allow_missing=True, what="recency column")
    f = _numeric_column(accounts, frequency, what="frequency column")
    m = _numeric_column(accounts, monetary, what="monetary column")
    result = accounts.copy()
    result["r_score"] = _rfm_score(r, higher_is_better=False, bins=bins)
    result["f_score"] = _rfm_score(f, higher_is_better=True, bins=bins)
    result["m_score"] = _rfm_score(m, higher_is_better=True, bins=bins)
    separator = "" if bins <= 9 else "-"
    result["rfm"] = pd.array(
        [separator.join(map(str, scores)) for scores in zip(result["r_score"], result["f_score"], result["m_score"])],
        dtype="str",
    )
    result.attrs = {**accounts.attrs, "rfm_bins": int(bins)}
    return result


#: Named segment maps for :func:`rfm_segments` on 1–5 scores. Each maps a segment name to
#: the score ranges (both ends included) it covers; the first matching entry wins.
#:
#: ``"classic"``: the R–F grid used by many RFM tutorials and tools (ten segments from
#: "Champions" to "Hibernating"; monetary value is not used), e.g. the segment map of
#: Putler's "RFM Analysis for Successful Customer Segmentation".
#:
#: ``"b2b"``: a key-account reading of R, F and M: *Key* (recent, frequent, big), *Retain*
#: (big and still active), *Win back* (valuable but lapsed), *Develop* (active but small:
#: grow the share of wallet) and *Maintain* (everything else: serve efficiently).
RFM_PRESETS = {
    "classic": {
        "Champions": {"r": (5, 5), "f": (4, 5)},
        "Loyal customers": {"r": (3, 4), "f": (4, 5)},
        "Potential loyalists": {"r": (4, 5), "f": (2, 3)},
        "New customers": {"r": (5, 5), "f": (1, 1)},
        "Promising": {"r": (4, 4), "f": (1, 1)},
        "Need attention": {"r": (3, 3), "f": (3, 3)},
        "About to sleep": {"r": (3, 3), "f": (1, 2)},
        "Can't lose them": {"r": (1, 2), "f": (5, 5)},
        "At risk": {"r": (1, 2), "f": (3, 4)},
        "Hibernating": {"r": (1, 2), "f": (1, 2)},
    },
    "b2b": {
        "Key": {"r": (4, 5), "f": (4, 5), "m": (4, 5)},
        "Retain": {"r": (3, 5), "m": (4, 5)},
        "Win back": {"r": (1, 2), "m": (3, 5)},
        "Develop": {"r": (4, 5), "m": (1, 3)},
        "Maintain": {"r": (1, 5)},
    },
}

_SCORE_COLUMNS = {"r": "r_score", "f": "f_score", "m": "m_score"}


def _rule_ranges(name, rule):
    if not isinstance(rule, dict) or not rule or set(rule) - set(_SCORE_COLUMNS):
        raise ParameterError(
            f"The rule for segment {name!r} must be a dict with keys among 'r', 'f', 'm', each an inclusive "
            f"score range such as {{'r': (4, 5), 'f': (4, 5)}} or a single score; got {rule!r}."
        )
    ranges = {}
    for key, value in rule.items():
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            low = high = int(value)
        else:
            try:
                low, high = (int(v) for v in value)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"Segment {name!r}: the {key!r} range must be a score or a pair (low, high); got {value!r}."
                ) from None
        if low > high:
            raise ParameterError(f"Segment {name!r}: the {key!r} range ({low}, {high}) is empty (low > high).")
        ranges[key] = (low, high)
    return ranges


def rfm_segments(scores, preset="classic", *, default="Other", column="rfm_segment"):
    """Named segments from RFM scores.

    Parameters
    ----------
    scores : pandas.DataFrame
        The result of :func:`rfm_scores` (needs ``r_score``, ``f_score`` and, when a rule
        uses it, ``m_score``).
    preset : {"classic", "b2b"}, dict or callable, default="classic"
        The segment map:

        - ``"classic"`` or ``"b2b"``: a map of :data:`RFM_PRESETS` (defined for scores
          from 1 to 5, i.e. ``bins=5``);
        - a dict of your own, from segment name to score ranges (both ends included),
          e.g. ``{"Top": {"r": (4, 5), "f": (4, 5)}, "Sleeping": {"r": (1, 2)}}``. The
          first entry that matches an account wins;
        - a function that takes the scores table and returns one name per row.
    default : str, default="Other"
        The name of accounts that no entry matches (the presets cover every score).
    column : str, default="rfm_segment"
        Name of the added column.

    Returns
    -------
    pandas.DataFrame
        A copy of ``scores`` with the added column: a categorical whose categories are
        the segment names in the order of the map (then ``default``).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"r_score": [5, 1, 4], "f_score": [5, 4, 1], "m_score": [5, 5, 2]})
    >>> rfm_segments(scores)["rfm_segment"].tolist()
    ['Champions', 'At risk', 'Promising']
    >>> rfm_segments(scores, "b2b")["rfm_segment"].tolist()
    ['Key', 'Win back', 'Develop']
    >>> rfm_segments(scores, {"Top": {"r": (4, 5), "f": (4, 5)}})["rfm_segment"].tolist()
    ['Top', 'Other', 'Other']
    """
    if not isinstance(scores, pd.DataFrame):
        raise ParameterError(f"rfm_segments needs the table of rfm_scores, not {type(scores).__name__}.")
    result = scores.copy()
    if callable(preset):
        names = pd.Series(np.asarray(preset(scores), dtype=object), index=scores.index)
        if len(names) != len(scores):
            raise ParameterError(f"The segment function returned {len(names)} names for {len(scores)} accounts.")
        result[column] = pd.Categorical(names.astype(str))
        return result
    if isinstance(preset, str):
        if preset not in RFM_PRESETS:
            raise ParameterError(f"Unknown preset {preset!r}; choose one of {', '.join(map(repr, RFM_PRESETS))}, "
                                 "or give your own dict of segment name to score ranges.")
        bins = scores.attrs.get("rfm_bins", 5)
        if bins != 5:
            raise ParameterError(
                f"The preset {preset!r} is defined for scores from 1 to 5, but these scores have {bins} bins. "
                "Score with bins=5, or give your own map for your bins."
            )
        rules = RFM_PRESETS[preset]
    elif isinstance(preset, dict):
        rules = preset
    else:
        raise ParameterError(f"preset must be 'classic', 'b2b', a dict or a function; got {type(preset).__name__}.")
    rules = {str(name): _rule_ranges(name, rule) for name, rule in rules.items()}
    needed = sorted({_SCORE_COLUMNS[key] for ranges in rules.values() for key in ranges})
    missing = [c for c in needed if c not in scores.columns]
    if missing:
        raise MissingColumnError(
            f"The table has no column {', '.join(map(repr, missing))}. Compute the scores first: "
            "kamlab.segment.rfm_segments(kamlab.segment.rfm_scores(accounts))."
        )
    if isinstance(preset, str) and any(scores[c].max() > 5 for c in needed):
        raise ParameterError(f"The preset {preset!r} is defined for scores from 1 to 5; these go higher.")
    names = np.full(len(scores), default, dtype=object)
    open_rows = np.ones(len(scores), dtype=bool)
    for name, ranges in rules.items():
        match = open_rows.copy()
        for key, (low, high) in ranges.items():
            values = scores[_SCORE_COLUMNS[key]].to_numpy()
            match &= (values >= low) & (values <= high)
        names[match] = name
        open_rows &= ~match
    categories = list(dict.fromkeys([*rules, default]))
    result[column] = pd.Categorical(names, categories=categories)
    return result


# ============================================================================= preprocessing
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
    elif isinstance(log_features, str):
        raise ParameterError(
            f"log_features must be 'auto', 'all', None or a list of features; got {log_features!r}."
        )
    else:
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
        columns = tuple(sorted(set(columns)))
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


def _scaler(scaler):
    from sklearn.preprocessing import RobustScaler, StandardScaler

    if scaler == "standard":
        return StandardScaler()
    if scaler == "robust":
        return RobustScaler()
    if scaler is None or scaler == "none":
        return "passthrough"
    raise ParameterError(f"scaler must be 'standard', 'robust' or None; got {scaler!r}.")


def _is_number_dtype(dtype):
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


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


def _parse_k_range(k_range):
    """A 2-tuple is (smallest, largest) k, both included; any other iterable lists the k to try."""
    if isinstance(k_range, tuple) and len(k_range) == 2:
        low, high = k_range
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (low, high)) or low > high:
            raise ParameterError(f"k_range=(low, high) needs two integers with low ≤ high; got {k_range!r}.")
        ks = list(range(int(low), int(high) + 1))
    else:
        try:
            ks = [int(k) for k in k_range]
        except (TypeError, ValueError):
            raise ParameterError(
                f"k_range must be (smallest, largest) such as (2, 10), or a list/range of k; got {k_range!r}."
            ) from None
        if not ks or any(isinstance(k, bool) for k in k_range):
            raise ParameterError(f"k_range must hold at least one integer k; got {k_range!r}.")
    if min(ks) < 2:
        raise ParameterError(f"Every k must be at least 2 (one segment is no segmentation); k_range gives {min(ks)}.")
    return sorted(set(ks))


def _check_choice(name, value, choices):
    if not isinstance(value, (str, type(None))) or value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")


def _single_threaded(function):
    """Run ``function`` within kamlab's thread limit (:func:`kamlab.set_threads`) for OpenMP and BLAS.

    On a busy 2-core machine k-means' OpenMP threads and the distances' BLAS threads spend more
    time waiting for each other than computing: measured here under load, select_k on 100,000
    accounts took 2.3–6.5 s with the default threads and 1.5 s with one. ``make test`` and CI
    therefore set ``KAMLAB_THREADS=1``; users keep their cores by default.
    """

    @functools.wraps(function)
    def limited(*args, **kwargs):
        with thread_limits():
            return function(*args, **kwargs)

    return limited


# ============================================================================= fitting one clustering
def _use_minibatch(minibatch, n_samples):
    if isinstance(minibatch, str) and minibatch == "auto":
        return n_samples > MINIBATCH_THRESHOLD
    if isinstance(minibatch, bool):
        return minibatch
    raise ParameterError(f"minibatch must be True, False or 'auto'; got {minibatch!r}.")


def _min_segment_size(min_segment_size, n_samples):
    if min_segment_size is None:
        return max(5, math.ceil(0.01 * n_samples))
    if isinstance(min_segment_size, bool) or not isinstance(min_segment_size, numbers.Integral) or min_segment_size < 2:
        raise ParameterError(f"min_segment_size must be an integer of at least 2; got {min_segment_size!r}.")
    return int(min_segment_size)


def _fit_clustering(Z, k, *, method, n_init, covariance_type, min_segment_size, minibatch, random_state):
    """Fit one clustering of the preprocessed matrix Z; return the model and its raw labels."""
    n_samples = Z.shape[0]
    if n_init == "auto":
        # k-means: a few restarts guard against a poor local optimum; a Gaussian mixture already starts from
        # a k-means solution, so one run is enough (scikit-learn's default)
        n_init = {"kmeans": 4, "gmm": 1}.get(method, 1)
    if method == "kmeans":
        if _use_minibatch(minibatch, n_samples):
            from sklearn.cluster import MiniBatchKMeans

            model = MiniBatchKMeans(n_clusters=k, n_init=n_init, batch_size=4096, random_state=random_state)
        else:
            from sklearn.cluster import KMeans

            model = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
        model.fit(Z)
        return model, model.labels_.astype(np.int64)
    if method == "gmm":
        from sklearn.mixture import GaussianMixture

        model = GaussianMixture(
            n_components=k, covariance_type=covariance_type, n_init=n_init, random_state=random_state
        )
        model.fit(Z)
        return model, model.predict(Z).astype(np.int64)
    if method == "ward":
        if n_samples > WARD_MAX_ACCOUNTS:
            raise ParameterError(
                f"Ward's method needs the distances between all pairs of accounts: {n_samples:,} accounts are "
                f"too many (at most {WARD_MAX_ACCOUNTS:,}). Use method='kmeans' (or 'gmm'), or segment a sample."
            )
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(n_clusters=k, linkage="ward").fit(Z)
        return model, model.labels_.astype(np.int64)
    from sklearn.cluster import HDBSCAN

    model = HDBSCAN(min_cluster_size=_min_segment_size(min_segment_size, n_samples), copy=True).fit(Z)
    return model, model.labels_.astype(np.int64)


def _size_order(raw_labels, n_components):
    """Mapping raw label -> segment number, so that segment 0 is the largest (ties: lower raw label first)."""
    counts = np.bincount(raw_labels[raw_labels >= 0], minlength=n_components)
    order = np.lexsort((np.arange(n_components), -counts))
    mapping = np.empty(n_components, dtype=np.int64)
    mapping[order] = np.arange(n_components)
    return mapping


def _apply_mapping(mapping, raw_labels):
    if len(mapping) == 0:  # HDBSCAN found no segment: every account is noise
        return np.full(len(raw_labels), -1, dtype=np.int64)
    return np.where(raw_labels >= 0, mapping[np.clip(raw_labels, 0, None)], -1).astype(np.int64)


def _segment_means(Z, labels, n_segments):
    centres = np.zeros((n_segments, Z.shape[1]))
    for segment in range(n_segments):
        members = labels == segment
        if members.any():
            centres[segment] = Z[members].mean(axis=0)
    return centres


# ============================================================================= choosing k
def _inertia(Z, labels):
    """Within-segment sum of squared distances to the segment means."""
    total = 0.0
    for segment in np.unique(labels):
        members = Z[labels == segment]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def _kneedle(ks, inertia):
    """The elbow of a decreasing curve: the maximum of Kneedle's difference curve, or None without an elbow.

    Kneedle (Satopää et al. 2011) scales k and the inertia to [0, 1]; for a decreasing,
    convex curve the *difference curve* is how far each point lies below the straight
    line from the first point (0, 1) to the last (1, 0). Its maximum is the elbow: the
    point after which adding segments buys the least. A curve that never bends below
    that line (a straight or concave one) has no elbow.
    """
    x = np.asarray(ks, dtype=float)
    y = np.asarray(inertia, dtype=float)
    if len(x) < 3 or not np.all(np.isfinite(y)) or y.max() == y.min():
        return None
    x_scaled = (x - x[0]) / (x[-1] - x[0])
    y_scaled = (y - y.min()) / (y.max() - y.min())
    difference = (1 - x_scaled) - y_scaled
    best = int(np.argmax(difference))
    if difference[best] <= 1e-9:
        return None
    return int(ks[best])


def _silhouettes(Z, label_sets):
    """The mean silhouette of each labelling of the same points, with one pass over the pairwise distances.

    ``sklearn.metrics.silhouette_score`` computes all n² distances again for every k.
    Here each block of distances is computed once and multiplied by the one-hot
    membership matrices of all labellings together, giving every point's summed
    distance to every segment of every k. The silhouette of a point is (b − a) / max(a, b),
    with a its mean distance to the other members of its segment and b its mean
    distance to the nearest other segment; 0 for a point alone in its segment.
    Labellings with fewer than 2 or more than n − 1 segments get NaN.
    """
    n = Z.shape[0]
    inverses, offsets = [], [0]
    for labels in label_sets:
        _, inverse = np.unique(labels, return_inverse=True)
        inverses.append(inverse)
        offsets.append(offsets[-1] + int(inverse.max()) + 1)
    membership = np.zeros((n, offsets[-1]))
    for inverse, offset in zip(inverses, offsets):
        membership[np.arange(n), offset + inverse] = 1.0
    sums = np.empty((n, offsets[-1]))
    squared = np.einsum("ij,ij->i", Z, Z)
    step = max(1, 2**23 // n)  # about 64 MB of distances at a time
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = squared[start:stop, None] + squared[None, :] - 2.0 * (Z[start:stop] @ Z.T)
        np.maximum(block, 0.0, out=block)
        block[np.arange(stop - start), np.arange(start, stop)] = 0.0  # exactly 0 to itself
        sums[start:stop] = np.sqrt(block, out=block) @ membership
    scores = []
    rows = np.arange(n)
    for inverse, low, high in zip(inverses, offsets[:-1], offsets[1:]):
        counts = np.bincount(inverse).astype(float)
        if not 2 <= len(counts) <= n - 1:
            scores.append(np.nan)
            continue
        to_segment = sums[:, low:high]
        own_size = counts[inverse]
        with np.errstate(divide="ignore", invalid="ignore"):
            a = to_segment[rows, inverse] / (own_size - 1)
            means = to_segment / counts
            means[rows, inverse] = np.inf
            b = means.min(axis=1)
            silhouette = np.where(own_size > 1, (b - a) / np.maximum(a, b), 0.0)
        scores.append(float(np.nan_to_num(silhouette).mean()))
    return scores


def _sweep(Z, ks, *, method, sample_size, n_init, covariance_type, minibatch, random_state, progress):
    """Fit every k; return the table of indices and the fitted models (k -> (model, raw labels))."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score
    from tqdm.auto import tqdm

    n_samples = Z.shape[0]
    rng = check_random_state(random_state)
    if isinstance(sample_size, bool) or not isinstance(sample_size, numbers.Integral) or sample_size < 10:
        raise ParameterError(f"sample_size must be an integer of at least 10; got {sample_size!r}.")
    if n_samples > sample_size:
        sample = np.sort(rng.choice(n_samples, size=int(sample_size), replace=False))
    else:
        sample = np.arange(n_samples)
    ward_tree = None
    if method == "ward":
        if n_samples > WARD_MAX_ACCOUNTS:
            raise ParameterError(
                f"Ward's method needs the distances between all pairs of accounts: {n_samples:,} accounts are "
                f"too many (at most {WARD_MAX_ACCOUNTS:,}). Use method='kmeans' (or 'gmm'), or segment a sample."
            )
        from scipy.cluster.hierarchy import ward

        ward_tree = ward(Z)  # one tree, cut at every k (what AgglomerativeClustering does for each k)
    rows, models = [], {}
    bar = tqdm(total=len(ks) + 1, desc=f"select_k ({method}, {n_samples:,} accounts)", disable=not progress,
               delay=1.0, leave=False)
    for k in ks:
        if ward_tree is not None:
            from scipy.cluster.hierarchy import fcluster

            model, raw = None, fcluster(ward_tree, k, criterion="maxclust").astype(np.int64) - 1
        else:
            model, raw = _fit_clustering(
                Z, k, method=method, n_init=n_init, covariance_type=covariance_type,
                min_segment_size=None, minibatch=minibatch, random_state=random_state,
            )
        models[k] = (model, raw)
        n_found = len(np.unique(raw))
        row = {"k": k, "inertia": _inertia(Z, raw)}
        valid = 2 <= n_found <= n_samples - 1
        row["calinski_harabasz"] = float(calinski_harabasz_score(Z, raw)) if valid else np.nan
        row["davies_bouldin"] = float(davies_bouldin_score(Z, raw)) if valid else np.nan
        if method == "gmm":
            row["bic"] = float(model.bic(Z))
        rows.append(row)
        bar.update()
    silhouettes = _silhouettes(Z[sample], [models[k][1][sample] for k in ks])
    bar.update()
    bar.close()
    table = pd.DataFrame(rows).set_index("k")
    table.insert(1, "silhouette", silhouettes)
    elbow = _kneedle(table.index.to_list(), table["inertia"].to_numpy())
    table.insert(1, "elbow", table.index == elbow)
    table.attrs["silhouette_sample"] = int(len(sample))
    return table, models


def _best(table, column, lowest=False):
    values = table[column].dropna()
    if values.empty:
        return None
    return int(values.idxmin() if lowest else values.idxmax())


def _recommend(table, criterion):
    """The recommended k and the reason in words."""
    elbow = next((int(k) for k in table.index[table["elbow"]]), None)
    best = {
        "elbow": elbow,
        "silhouette": _best(table, "silhouette"),
        "calinski_harabasz": _best(table, "calinski_harabasz"),
        "davies_bouldin": _best(table, "davies_bouldin", lowest=True),
    }
    if "bic" in table:
        best["bic"] = _best(table, "bic", lowest=True)
    extreme = {"silhouette": "highest", "calinski_harabasz": "highest", "davies_bouldin": "lowest", "bic": "lowest"}
    chosen = best.get(criterion)
    if criterion == "silhouette" and chosen is not None:
        silhouette = table["silhouette"]
        near = silhouette.index[silhouette >= silhouette.max() - SILHOUETTE_TIE]
        if elbow is not None and elbow != chosen and elbow in near:
            main = (f"k = {elbow}: the elbow of the inertia curve, with a silhouette ({silhouette[elbow]:.2f}) as good "
                    f"as the highest ({silhouette.max():.2f} at k = {chosen}) within {SILHOUETTE_TIE}")
            chosen = elbow
        else:
            main = f"k = {chosen}: the highest silhouette ({silhouette[chosen]:.2f})"
    elif chosen is not None:
        if criterion == "elbow":
            main = f"k = {chosen}: the elbow of the inertia curve"
        else:
            index = {"calinski_harabasz": "Calinski–Harabasz index", "davies_bouldin": "Davies–Bouldin index",
                     "bic": "BIC"}[criterion]
            main = f"k = {chosen}: the {extreme[criterion]} {index} ({table.at[chosen, criterion]:.4g})"
    else:
        fallback = best["silhouette"] if best["silhouette"] is not None else int(table.index[0])
        missing = "no elbow" if criterion == "elbow" else f"no usable {_CRITERION_WORDS[criterion]}"
        main = f"k = {fallback}: the inertia curve has {missing}, so the highest silhouette decides"
        if best["silhouette"] is None:
            main = f"k = {fallback}: no index could be computed, so the smallest k is taken"
        chosen = fallback
    agree, differ = [], []
    for name, k in best.items():
        if name == criterion or (name == "elbow" and main.startswith(f"k = {chosen}: the elbow")):
            continue
        if k is None:
            if name == "elbow":
                differ.append("the inertia curve has no clear elbow")
            continue
        words = _CRITERION_WORDS[name]
        if k == chosen:
            agree.append(words)
        elif name == "elbow":
            differ.append(f"the elbow of the inertia curve is at k = {k}")
        else:
            differ.append(f"{words} is {extreme[name]} at k = {k}")
    parts = [main]
    if agree:
        parts.append(f"{_join(agree)} {'agrees' if len(agree) == 1 else 'agree'}")
    if differ:
        parts.append(_join(differ))
    return int(chosen), "; ".join(parts) + "."


def _join(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _check_sweep_params(method, criterion, n_init):
    _check_choice("method", method, METHODS)
    _check_choice("criterion", criterion, _CRITERIA)
    if criterion == "bic" and method != "gmm":
        raise ParameterError("criterion='bic' needs method='gmm' (only a Gaussian mixture has a likelihood).")
    if n_init != "auto" and (isinstance(n_init, bool) or not isinstance(n_init, numbers.Integral) or n_init < 1):
        raise ParameterError(f"n_init must be a positive integer or 'auto'; got {n_init!r}.")


@_single_threaded
def select_k(
    X,
    k_range=(2, 10),
    *,
    method="kmeans",
    criterion="silhouette",
    features=None,
    log_features="auto",
    scaler="standard",
    sample_size=10_000,
    n_init="auto",
    covariance_type="full",
    minibatch="auto",
    random_state=None,
    progress=True,
):
    """Compare numbers of segments k and recommend one, with the reason in words.

    For each k the accounts are clustered and the result is rated with several indices;
    none is right alone, so the table shows all of them:

    - ``inertia``: the within-segment sum of squares. It always falls as k grows; the
      **elbow** (``elbow`` is True there) is the k after which it falls much more
      slowly, found with the Kneedle method (Satopää et al. 2011).
    - ``silhouette`` (−1 to 1, higher is better): how much closer an account is to its
      own segment than to the next one. It costs time quadratic in the number of
      accounts, so above ``sample_size`` accounts it is computed on a random sample of
      that size (the same sample for every k).
    - ``calinski_harabasz`` (higher is better): between- versus within-segment spread.
    - ``davies_bouldin`` (≥ 0, lower is better): how much segments overlap with their
      most similar neighbour.
    - ``bic`` (method ``"gmm"`` only, lower is better): the Bayesian information
      criterion of the Gaussian mixture.

    **Decision rule** (``criterion="silhouette"``): the k with the highest silhouette;
    when the elbow's silhouette is within 0.01 (:data:`SILHOUETTE_TIE`) of the highest,
    the elbow wins the tie. ``table.attrs["reason"]`` says which indices agree and
    which point elsewhere.

    The features are prepared exactly as :class:`AccountSegmenter` does (same
    parameters, same defaults), so ``AccountSegmenter(n_segments="auto")`` chooses the
    same k. Pass ``log_features=None, scaler=None`` for a matrix that is already prepared.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        The account table (the ``features`` columns are used) or a numeric matrix.
    k_range : tuple of (int, int) or iterable of int, default=(2, 10)
        ``(smallest, largest)``, both included, or a list/range of the k to try. Values
        of k that are not below the number of accounts are skipped.
    method : {"kmeans", "gmm", "ward"}, default="kmeans"
        The clustering method (HDBSCAN chooses its number of segments itself).
    criterion : {"silhouette", "elbow", "calinski_harabasz", "davies_bouldin", "bic"}, default="silhouette"
        Which index decides (``"bic"`` only with ``"gmm"``).
    features, log_features, scaler
        The preprocessing, as in :class:`AccountSegmenter`.
    sample_size : int, default=10_000
        Largest number of accounts the silhouette is computed on.
    n_init : int or "auto", default="auto"
        Runs with different starting points per k (k-means, Gaussian mixture); the best
        is kept. ``"auto"``: 4 for k-means, 1 for the Gaussian mixture (it starts from
        a k-means solution).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Covariance of the Gaussian mixture.
    minibatch : bool or "auto", default="auto"
        Use mini-batch k-means; ``"auto"``: above :data:`MINIBATCH_THRESHOLD` accounts.
    random_state : int, RandomState instance or None, default=None
        Seeds the clusterings and the silhouette sample; an int makes the result repeatable.
    progress : bool, default=True
        Show a progress bar (only when the sweep takes more than a second).

    Returns
    -------
    pandas.DataFrame
        One row per k (index ``k``) with the columns ``inertia``, ``elbow``,
        ``silhouette``, ``calinski_harabasz``, ``davies_bouldin`` and, for
        ``"gmm"``, ``bic``. ``attrs`` holds ``recommended_k``, ``reason``,
        ``criterion``, ``method``, ``n_accounts`` and ``silhouette_sample`` (the number
        of accounts the silhouette was computed on).

    Examples
    --------
    >>> accounts, true_segment = make_segmented_accounts(300, n_segments=3, random_state=0)
    >>> table = select_k(accounts, k_range=(2, 6), features=["revenue", "orders", "margin_rate"], random_state=0)
    >>> table.attrs["recommended_k"]
    3
    >>> table.index.tolist()
    [2, 3, 4, 5, 6]
    """
    segmenter = AccountSegmenter(features=features, log_features=log_features, scaler=scaler, method=method)
    _check_sweep_params(method, criterion, n_init)
    if method == "hdbscan":
        raise ParameterError("HDBSCAN chooses the number of segments itself; select_k is for 'kmeans', 'gmm', 'ward'.")
    _check_choice("covariance_type", covariance_type, ("full", "tied", "diag", "spherical"))
    Z = segmenter._fit_preprocessing(X)
    ks = _usable_ks(_parse_k_range(k_range), Z.shape[0])
    table, _ = _sweep(
        Z, ks, method=method, sample_size=sample_size, n_init=n_init, covariance_type=covariance_type,
        minibatch=minibatch, random_state=random_state, progress=progress,
    )
    k, reason = _recommend(table, criterion)
    table.attrs.update(
        recommended_k=k, reason=reason, criterion=criterion, method=method, n_accounts=int(Z.shape[0])
    )
    return table


def _usable_ks(ks, n_samples):
    usable = [k for k in ks if k < n_samples]
    if not usable:
        raise ParameterError(
            f"There are only {n_samples} accounts (n_samples = {n_samples}): too few for any k in the range "
            f"{ks[0]}..{ks[-1]} (each k must be below the number of accounts)."
        )
    return usable


# ============================================================================= the estimator
def _predict_available(segmenter):
    if segmenter.method not in ("kmeans", "gmm"):
        raise AttributeError(
            f"AccountSegmenter(method={segmenter.method!r}) has no predict: {segmenter.method} assigns only the "
            "accounts it was fitted on (use labels_ or fit_predict). Use method='kmeans' or 'gmm' to assign new "
            "accounts."
        )
    return True


class AccountSegmenter(ClusterMixin, BaseEstimator):
    """Segment accounts by clustering, with the preprocessing money columns need.

    The steps of :meth:`fit`:

    1. take the ``features`` columns of the account table (all numeric columns when
       ``features=None``; with an array, all its columns);
    2. apply ``log1p`` to the skewed money columns (``log_features``);
    3. scale every feature (``scaler``), so each weighs the same in the distances;
    4. choose the number of segments with :func:`select_k` when ``n_segments="auto"``;
    5. cluster with ``method``.

    Segments are numbered by size: segment 0 is the largest. HDBSCAN can leave
    accounts unassigned ("noise", label −1).

    Parameters
    ----------
    features : list of str, optional
        The columns of a DataFrame to segment on. Default: all numeric columns (a
        bool or text column is never a feature unless named). With an array input every
        column is a feature and ``features`` must be None.
    log_features : "auto", "all", list or None, default="auto"
        Features to transform with ``log1p`` (log(1 + x)). ``"auto"``: every feature
        whose values are all ≥ 0 and whose skewness exceeds 1 (:data:`SKEW_THRESHOLD`);
        features with negative values are never logged. ``"all"``: every feature. A list
        names features (or, for arrays, positions); a named feature with negative values
        raises :class:`~kamlab.DataFormatError`. None: no log.
    scaler : {"standard", "robust"} or None, default="standard"
        ``"standard"``: mean 0, standard deviation 1. ``"robust"``: median 0,
        inter-quartile range 1 (less moved by extreme accounts). None: no scaling.
    method : {"kmeans", "gmm", "ward", "hdbscan"}, default="kmeans"
        - ``"kmeans"``: k-means (mini-batch k-means for large tables, see ``minibatch``);
          round segments of similar spread. Has :meth:`predict`.
        - ``"gmm"``: Gaussian mixture; segments may be elongated and differ in spread.
          Has :meth:`predict`.
        - ``"ward"``: Ward's agglomerative clustering; at most
          :data:`WARD_MAX_ACCOUNTS` accounts; no :meth:`predict`.
        - ``"hdbscan"``: scikit-learn's HDBSCAN; finds the number of segments itself
          (``n_segments`` and ``k_range`` are ignored) and labels accounts that fit no
          segment −1; no :meth:`predict`.
    n_segments : int or "auto", default="auto"
        The number of segments (at least 2), or ``"auto"`` to choose it with
        :func:`select_k` over ``k_range`` by ``criterion``.
    k_range : tuple of (int, int) or list of int, default=(2, 10)
        The k to try with ``n_segments="auto"``: ``(smallest, largest)``, both included.
    criterion : str, default="silhouette"
        How ``"auto"`` chooses k, see :func:`select_k`.
    n_init : int or "auto", default="auto"
        Runs with different starting points (k-means, Gaussian mixture); the best is
        kept. ``"auto"``: 4 for k-means, 1 for the Gaussian mixture (it starts from a
        k-means solution).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Covariance of the Gaussian mixture.
    min_segment_size : int, optional
        HDBSCAN's smallest segment; default 1 % of the accounts, at least 5.
    minibatch : bool or "auto", default="auto"
        Mini-batch k-means (much faster, nearly as good); ``"auto"``: above
        :data:`MINIBATCH_THRESHOLD` (50,000) accounts.
    sample_size : int, default=10_000
        Largest sample the silhouette is computed on when choosing k.
    random_state : int, RandomState instance or None, default=None
        Seeds k-means, the mixture and the silhouette sample; an int makes fits repeatable.
    progress : bool, default=True
        Progress bar while choosing k (shown only when that takes more than a second).

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        The segment of every account (0 = largest segment; −1 = noise, HDBSCAN only).
    n_segments_ : int
        The number of segments (HDBSCAN: without the noise).
    cluster_centers_ : ndarray of shape (n_segments_, n_features_in_)
        Segment centres in the preprocessed (logged and scaled) space: the k-means
        centres, the mixture means, or the mean of each segment's accounts (ward,
        HDBSCAN). ``preprocessor_.inverse_transform`` turns them into original units.
    preprocessor_ : sklearn.pipeline.Pipeline
        The fitted preprocessing: ``log1p`` of ``log_features_``, then the scaler.
    log_features_ : list
        The features that were log-transformed (names, or positions for arrays).
    model_ : estimator
        The fitted scikit-learn clustering model.
    selection_ : pandas.DataFrame or None
        The :func:`select_k` table when ``n_segments="auto"``, else None.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :meth:`fit` (only when X was a DataFrame
        with string column names).

    See Also
    --------
    select_k : the table behind ``n_segments="auto"``.
    segment_stability : is the segmentation stable enough to trust?
    segment_profiles : what the segments look like, with names.

    Notes
    -----
    :meth:`predict` accepts the whole account table (further columns are ignored; the
    features are taken by name). With exactly the fitted feature columns, they must be
    in the fitted order, as scikit-learn requires.

    Examples
    --------
    >>> from sklearn.metrics import adjusted_rand_score
    >>> accounts, true_segment = make_segmented_accounts(400, n_segments=3, random_state=0)
    >>> segmenter = AccountSegmenter(random_state=0)  # features: every numeric column
    >>> segmenter.fit(accounts).n_segments_
    3
    >>> segmenter.log_features_
    ['revenue', 'orders', 'recency_days']
    >>> bool(adjusted_rand_score(true_segment, segmenter.labels_) > 0.9)
    True
    >>> segmenter.predict(accounts.head(3)).tolist() == segmenter.labels_[:3].tolist()
    True
    """

    def __init__(
        self,
        features=None,
        *,
        log_features="auto",
        scaler="standard",
        method="kmeans",
        n_segments="auto",
        k_range=(2, 10),
        criterion="silhouette",
        n_init="auto",
        covariance_type="full",
        min_segment_size=None,
        minibatch="auto",
        sample_size=10_000,
        random_state=None,
        progress=True,
    ):
        self.features = features
        self.log_features = log_features
        self.scaler = scaler
        self.method = method
        self.n_segments = n_segments
        self.k_range = k_range
        self.criterion = criterion
        self.n_init = n_init
        self.covariance_type = covariance_type
        self.min_segment_size = min_segment_size
        self.minibatch = minibatch
        self.sample_size = sample_size
        self.random_state = random_state
        self.progress = progress

    def __sklearn_tags__(self):
        # ClusterMixin makes it a "clusterer"; the input must be a dense, finite numeric matrix, and y is ignored.
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        tags.target_tags.required = False
        return tags

    # --------------------------------------------------------------- fitting
    def _check_params(self):
        _check_sweep_params(self.method, self.criterion, self.n_init)
        _check_choice("scaler", self.scaler, _SCALERS)
        _check_choice("covariance_type", self.covariance_type, ("full", "tied", "diag", "spherical"))
        if self.method != "hdbscan":
            if isinstance(self.n_segments, str):
                if self.n_segments != "auto":
                    raise ParameterError(f"n_segments must be an integer ≥ 2 or 'auto'; got {self.n_segments!r}.")
                _parse_k_range(self.k_range)
            elif (
                isinstance(self.n_segments, bool)
                or not isinstance(self.n_segments, numbers.Integral)
                or self.n_segments < 2
            ):
                raise ParameterError(
                    f"n_segments must be an integer of at least 2 (one segment is no segmentation) or 'auto'; "
                    f"got {self.n_segments!r}."
                )

    def _fit_preprocessing(self, X):
        """Validate X, fit the preprocessing, set the input attributes; return the preprocessed matrix."""
        X = _select_fit_features(X, self.features)
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=1)
        names = list(self.feature_names_in_) if hasattr(self, "feature_names_in_") else None
        columns = _log_columns(X, self.log_features, names)
        self.log_features_ = [names[i] for i in columns] if names is not None else list(columns)
        self.preprocessor_ = Pipeline(
            [
                ("log1p", _Log1p(columns=columns, names=tuple(names) if names is not None else None)),
                ("scale", _scaler(self.scaler)),
            ]
        )
        return self.preprocessor_.fit_transform(X)

    def _clustering_params(self):
        return dict(
            method=self.method,
            n_init=self.n_init,
            covariance_type=self.covariance_type,
            min_segment_size=self.min_segment_size,
            minibatch=self.minibatch,
        )

    @_single_threaded
    def fit(self, X, y=None):
        """Find the segments.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            The account table (the ``features`` columns are used) or a numeric matrix.
        y : None
            Ignored; present for scikit-learn's API.

        Returns
        -------
        self : AccountSegmenter
            The fitted segmenter.

        Raises
        ------
        MissingColumnError
            A feature column is not in the table.
        DataFormatError
            A feature is not numeric, has missing values, or is to be logged but has
            negative values.
        ParameterError
            A parameter has an impossible value (e.g. ``n_segments=1``), or there are
            fewer accounts than segments.
        """
        self._check_params()
        Z = self._fit_preprocessing(X)
        n_samples = Z.shape[0]
        self.selection_ = None
        params = self._clustering_params()
        if self.method == "hdbscan":
            if n_samples < 2:
                raise ParameterError(f"HDBSCAN needs at least 2 accounts; got 1 sample (n_samples = {n_samples}).")
            model, raw = _fit_clustering(Z, None, random_state=self.random_state, **params)
            n_components = int(raw.max()) + 1
            if n_components == 0:
                warnings.warn(
                    f"HDBSCAN found no segment: all {n_samples:,} accounts are noise (label -1). Lower "
                    f"min_segment_size (now {_min_segment_size(self.min_segment_size, n_samples)}) or use another "
                    "method.",
                    UserWarning,
                    stacklevel=2,
                )
        else:
            if self.n_segments == "auto":
                ks = _usable_ks(_parse_k_range(self.k_range), n_samples)
                table, models = _sweep(
                    Z, ks, method=self.method, sample_size=self.sample_size, n_init=self.n_init,
                    covariance_type=self.covariance_type, minibatch=self.minibatch,
                    random_state=self.random_state, progress=self.progress,
                )
                k, reason = _recommend(table, self.criterion)
                table.attrs.update(recommended_k=k, reason=reason, criterion=self.criterion, method=self.method,
                                   n_accounts=int(n_samples))
                self.selection_ = table
                model, raw = models[k]
                if model is None:  # ward: the sweep cut a scipy tree; fit the scikit-learn model at the chosen k
                    model, raw = _fit_clustering(Z, k, random_state=self.random_state, **params)
            else:
                k = int(self.n_segments)
                if n_samples < k:
                    raise ParameterError(
                        f"There are only {n_samples} accounts (n_samples = {n_samples}), fewer than "
                        f"n_segments = {k}. Choose fewer segments."
                    )
                model, raw = _fit_clustering(Z, k, random_state=self.random_state, **params)
            n_components = k
        self._mapping = _size_order(raw, n_components)
        self.labels_ = _apply_mapping(self._mapping, raw)
        self.model_ = model
        self.n_segments_ = int(n_components)
        order = np.argsort(self._mapping)  # order[segment] = raw label
        if self.method == "kmeans":
            self.cluster_centers_ = model.cluster_centers_[order]
        elif self.method == "gmm":
            self.cluster_centers_ = model.means_[order]
        else:
            self.cluster_centers_ = _segment_means(Z, self.labels_, n_components)
        return self

    # --------------------------------------------------------------- using the fitted segmenter
    def _validate_for_transform(self, X):
        check_is_fitted(self)
        names = getattr(self, "feature_names_in_", None)
        if isinstance(X, pd.DataFrame) and names is not None and not set(X.columns) <= set(names):
            # the whole account table: take the features by name
            missing = [c for c in names if c not in X.columns]
            if missing:
                raise MissingColumnError(
                    f"The table has no feature column {', '.join(map(repr, missing))}; the segmenter was fitted "
                    f"on {', '.join(map(repr, names))}."
                )
            _check_missing(X, names)
            X = X[list(names)]
        elif isinstance(X, pd.DataFrame):
            _check_missing(X, [c for c in X.columns if c in set(names if names is not None else X.columns)])
        return validate_data(self, X, dtype=np.float64, reset=False)

    def preprocess(self, X):
        """The features of X in the space the segments were found in (logged and scaled).

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Accounts with the fitted features.

        Returns
        -------
        ndarray of shape (n_samples, n_features_in_)
            The preprocessed features, e.g. for a 2-D PCA map of the segments.
        """
        return self.preprocessor_.transform(self._validate_for_transform(X))

    @available_if(_predict_available)
    @_single_threaded
    def predict(self, X):
        """The segment of each account (k-means and Gaussian mixture only).

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Accounts with the fitted features; a DataFrame may hold further columns.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Segment numbers, as in ``labels_``.
        """
        check_is_fitted(self)
        scaled = self.preprocess(X)
        raw = self.model_.predict(scaled).astype(np.int64)
        return _apply_mapping(self._mapping, raw)


# ============================================================================= stability
@dataclass(repr=False)
class SegmentStability:
    """How stable a segmentation is under resampling (the result of :func:`segment_stability`).

    Attributes
    ----------
    by_k : pandas.DataFrame
        Per number of segments (index ``k``): ``mean_ari``, ``std_ari``, ``min_ari``
        over the resamples, ``min_jaccard`` (mean Jaccard of the least stable segment)
        and ``trustworthy`` (``mean_ari ≥ threshold``).
    by_segment : pandas.DataFrame
        Per k and segment of the full-data segmentation: ``size``, ``mean_jaccard``,
        ``std_jaccard`` and ``stable`` (``mean_jaccard ≥ jaccard_threshold``).
    ari : pandas.DataFrame
        Every resample's adjusted Rand index: columns ``k``, ``resample``, ``ari``.
    threshold : float
        The mean ARI a trustworthy segmentation reaches.
    jaccard_threshold : float
        The mean Jaccard a stable segment reaches.
    """

    by_k: pd.DataFrame
    by_segment: pd.DataFrame
    ari: pd.DataFrame
    threshold: float = TRUSTWORTHY_ARI
    jaccard_threshold: float = STABLE_JACCARD

    def is_trustworthy(self, k=None):
        """Whether the segmentation with k segments is stable enough to trust.

        Parameters
        ----------
        k : int, optional
            Needed when several k were assessed.

        Returns
        -------
        bool
        """
        if k is None:
            if len(self.by_k) != 1:
                raise ParameterError(f"Several k were assessed ({self.by_k.index.tolist()}); say which: k=...")
            return bool(self.by_k["trustworthy"].iloc[0])
        if k not in self.by_k.index:
            raise ParameterError(f"k = {k} was not assessed; the assessed k are {self.by_k.index.tolist()}.")
        return bool(self.by_k.at[k, "trustworthy"])

    def __repr__(self):
        lines = [f"SegmentStability (trustworthy: mean ARI ≥ {self.threshold}; stable segment: mean Jaccard ≥ "
                 f"{self.jaccard_threshold})"]
        for k, row in self.by_k.iterrows():
            verdict = "trustworthy" if row["trustworthy"] else "not trustworthy"
            lines.append(f"  k = {k}: mean ARI {row['mean_ari']:.2f} ± {row['std_ari']:.2f}, least stable segment "
                         f"Jaccard {row['min_jaccard']:.2f}: {verdict}")
        return "\n".join(lines)


def _jaccard_per_segment(reference, labels, n_segments):
    """For each reference segment, the Jaccard similarity with its best-matching cluster in ``labels``."""
    keep = labels >= 0
    clusters = np.unique(labels[keep])
    result = np.zeros(n_segments)
    for segment in range(n_segments):
        in_segment = reference == segment
        size = in_segment.sum()
        if size == 0:
            result[segment] = np.nan
            continue
        best = 0.0
        for cluster in clusters:
            in_cluster = labels == cluster
            both = np.count_nonzero(in_segment & in_cluster)
            if both:
                best = max(best, both / (size + np.count_nonzero(in_cluster) - both))
        result[segment] = best
    return result


@_single_threaded
def segment_stability(
    X,
    segmenter=None,
    k_range=None,
    *,
    n_resamples=20,
    sample_fraction=0.8,
    threshold=TRUSTWORTHY_ARI,
    random_state=None,
    progress=True,
):
    """Is the segmentation stable? Compare clusterings of subsamples with the clustering of all accounts.

    For each k, the accounts are segmented once (the *reference*), then ``n_resamples``
    times on a random ``sample_fraction`` of them, each time with another seed. Each
    subsample segmentation is compared with the reference on the same accounts:

    - the **adjusted Rand index** (ARI; 1 = the same grouping, ≈ 0 = no better than
      chance) for the whole segmentation. It is called **trustworthy** when the mean
      ARI is at least ``threshold`` (0.8: "good recovery" in Steinley 2004, D.
      Steinley, *Properties of the Hubert–Arabie adjusted Rand index*, Psychological
      Methods 9(3), 386–396);
    - per reference segment, the **Jaccard similarity** with its best-matching subsample
      segment, averaged over the resamples (Hennig 2007, C. Hennig, *Cluster-wise
      assessment of cluster stability*, Computational Statistics & Data Analysis 52,
      258–271): a segment with a mean Jaccard of at least 0.75 is ``stable``; at 0.5 or
      below it dissolves.

    The preprocessing (log, scaling) is fitted once on all accounts; the subsamples
    share it. The subsamples are the same for every k, so the k are compared fairly.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        The accounts, as for :meth:`AccountSegmenter.fit`.
    segmenter : AccountSegmenter, optional
        Its parameters (features, preprocessing, method, ...) are used; default
        ``AccountSegmenter()``.
    k_range : tuple of (int, int) or list of int, optional
        The k to assess. Default: the segmenter's ``n_segments`` when it is an integer,
        else its ``k_range``. Ignored for HDBSCAN (it finds k itself).
    n_resamples : int, default=20
        Number of subsamples.
    sample_fraction : float, default=0.8
        Share of the accounts in each subsample.
    threshold : float, default=0.8
        Mean ARI from which a segmentation is trustworthy.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsamples and their clusterings. Default: the segmenter's
        ``random_state``. The reference uses the segmenter's own ``random_state``, so
        its segments are those of ``segmenter.fit(X)``.
    progress : bool, default=True
        Show a progress bar (only when the assessment takes more than a second).

    Returns
    -------
    SegmentStability
        ``by_k``, ``by_segment``, ``ari`` tables and :meth:`~SegmentStability.is_trustworthy`.

    Examples
    --------
    >>> accounts, _ = make_segmented_accounts(300, n_segments=3, random_state=0)
    >>> segmenter = AccountSegmenter(features=["revenue", "orders"], n_segments=3, random_state=0)
    >>> stability = segment_stability(accounts, segmenter, n_resamples=5, random_state=0)
    >>> stability.is_trustworthy()
    True
    """
    from sklearn.metrics import adjusted_rand_score
    from tqdm.auto import tqdm

    if segmenter is None:
        segmenter = AccountSegmenter()
    if not isinstance(segmenter, AccountSegmenter):
        raise ParameterError(f"segmenter must be an AccountSegmenter, not {type(segmenter).__name__}.")
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, numbers.Integral) or n_resamples < 2:
        raise ParameterError(f"n_resamples must be an integer of at least 2; got {n_resamples!r}.")
    if not isinstance(sample_fraction, numbers.Real) or not 0 < sample_fraction < 1:
        raise ParameterError(f"sample_fraction must be strictly between 0 and 1, such as 0.8; got {sample_fraction!r}.")
    if not isinstance(threshold, numbers.Real) or not -1 <= threshold <= 1:
        raise ParameterError(f"threshold is an adjusted Rand index, at most 1, such as 0.8; got {threshold!r}.")
    base = clone(segmenter)
    base._check_params()
    Z = base._fit_preprocessing(X)
    n_samples = Z.shape[0]
    params = base._clustering_params()
    if base.method == "hdbscan":
        ks = [None]
    elif k_range is not None:
        ks = _usable_ks(_parse_k_range(k_range), n_samples)
    elif base.n_segments == "auto":
        ks = _usable_ks(_parse_k_range(base.k_range), n_samples)
    else:
        ks = _usable_ks([int(base.n_segments)], n_samples)
    rng = check_random_state(segmenter.random_state if random_state is None else random_state)
    n_sub = max(2, int(round(sample_fraction * n_samples)))
    subsamples = [np.sort(rng.choice(n_samples, size=n_sub, replace=False)) for _ in range(n_resamples)]
    seeds = rng.randint(0, 2**31 - 1, size=n_resamples)
    k_rows, segment_rows, ari_rows = [], [], []
    bar = tqdm(total=len(ks) * (n_resamples + 1), desc=f"segment_stability ({base.method})", disable=not progress,
               delay=1.0, leave=False)
    for k in ks:
        _, raw = _fit_clustering(Z, k, random_state=segmenter.random_state, **params)
        n_components = int(raw.max()) + 1 if k is None else k
        reference = _apply_mapping(_size_order(raw, n_components), raw)
        bar.update()
        aris, jaccards = [], []
        for b, (rows, seed) in enumerate(zip(subsamples, seeds)):
            _, labels = _fit_clustering(Z[rows], k, random_state=int(seed), **params)
            aris.append(adjusted_rand_score(reference[rows], labels))
            jaccards.append(_jaccard_per_segment(reference[rows], labels, n_components))
            ari_rows.append({"k": n_components, "resample": b, "ari": aris[-1]})
            bar.update()
        jaccards = np.array(jaccards)
        sizes = np.bincount(reference[reference >= 0], minlength=n_components)
        for segment in range(n_components):
            mean = float(np.nanmean(jaccards[:, segment]))
            segment_rows.append({
                "k": n_components, "segment": segment, "size": int(sizes[segment]), "mean_jaccard": mean,
                "std_jaccard": float(np.nanstd(jaccards[:, segment])), "stable": mean >= STABLE_JACCARD,
            })
        mean_ari = float(np.mean(aris))
        k_rows.append({
            "k": n_components, "mean_ari": mean_ari, "std_ari": float(np.std(aris)), "min_ari": float(np.min(aris)),
            "min_jaccard": float(np.nanmin(np.nanmean(jaccards, axis=0))) if n_components else np.nan,
            "trustworthy": mean_ari >= threshold,
        })
    bar.close()
    return SegmentStability(
        by_k=pd.DataFrame(k_rows).set_index("k"),
        by_segment=pd.DataFrame(segment_rows),
        ari=pd.DataFrame(ari_rows),
        threshold=float(threshold),
    )


# ============================================================================= profiles
#: Words for the automatic segment names: feature -> (word when high, word when low).
#: Features not listed are named "high <feature>" / "low <feature>".
VOCABULARY = {
    "revenue": ("large", "small"),
    "net_revenue": ("large", "small"),
    "revenue_last_12m": ("large", "small"),
    "monetary": ("large", "small"),
    "orders": ("frequent", "rare"),
    "frequency": ("frequent", "rare"),
    "active_months": ("regular", "sporadic"),
    "lines": ("many lines", "few lines"),
    "recency_days": ("lapsed", "recent"),
    "recency": ("lapsed", "recent"),
    "tenure_days": ("long-standing", "new"),
    "margin_rate": ("high margin", "low margin"),
    "contribution_margin": ("high DB", "low DB"),
    "n_offerings": ("broad", "narrow"),
    "growth": ("growing", "shrinking"),
    "credit_notes": ("many credit notes", "few credit notes"),
    "employees": ("big company", "small company"),
}


def _words(feature, vocabulary):
    if feature in vocabulary:
        return vocabulary[feature]
    if re.fullmatch(r"db\d_rate", str(feature)):
        return VOCABULARY["margin_rate"]
    if re.fullmatch(r"db\d", str(feature)):
        return VOCABULARY["contribution_margin"]
    # a feature without words of its own: its label ("service_share" -> "service share"), English
    from kamlab._util.labels import label

    name = label(str(feature), "en").lower()
    return (f"high {name}", f"low {name}")


def _name_segment(z_row, vocabulary, threshold, max_words):
    strong = z_row[z_row.abs() > threshold].dropna()
    strong = strong.reindex(strong.abs().sort_values(ascending=False, kind="mergesort").index)
    words = []
    for feature, z in strong.items():
        high, low = _words(feature, vocabulary)
        word = high if z > 0 else low
        if word not in words:
            words.append(word)
        if len(words) == max_words:
            break
    return ", ".join(words) if words else "average"


def segment_agreement(labels, groups):
    """Share of accounts whose segment matches their known group, under the best matching.

    Segment numbers are arbitrary, so each segment is matched to one group (one to one,
    the matching that puts the most accounts in their group: the Hungarian method) and
    the accounts in their group's segment are counted. Use it to ask whether a
    segmentation finds groups it was not told about (e.g. the sales channels of the UCI
    Wholesale clients). With more segments than groups, the extra segments count as wrong.

    Parameters
    ----------
    labels : array-like of shape (n_accounts,)
        Segment labels.
    groups : array-like of shape (n_accounts,)
        The known groups.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> segment_agreement([1, 1, 0, 0, 0], ["Retail", "Retail", "Horeca", "Horeca", "Retail"])
    0.8
    """
    import pandas as pd
    from scipy.optimize import linear_sum_assignment

    labels, groups = np.asarray(labels), np.asarray(groups)
    if labels.shape != groups.shape or labels.ndim != 1:
        raise ParameterError(f"labels and groups need one value per account; got shapes {labels.shape} and "
                             f"{groups.shape}.")
    if len(labels) == 0:
        raise ParameterError("segment_agreement needs at least one account.")
    table = pd.crosstab(labels, groups).to_numpy()
    rows, columns = linear_sum_assignment(-table)
    return float(table[rows, columns].sum() / table.sum())


def segment_profiles(
    accounts,
    labels=None,
    *,
    segmenter=None,
    features=None,
    value_columns="auto",
    log_features="auto",
    names=None,
    threshold=0.5,
    max_words=3,
    vocabulary=None,
):
    """What each segment looks like: size, shares, medians, a z-score profile and a name.

    The **z-score profile** is the mean of each standardised feature in the segment:
    +1 means the segment's accounts lie one standard deviation above the average
    account. Skewed money columns are log-transformed first, as for the clustering
    (the segmenter's own choice when ``segmenter`` is given, else ``log_features``),
    so one giant account does not decide the profile.

    The **name** turns the features with ``|z| > threshold`` into words, strongest
    first (at most ``max_words``): revenue "large"/"small", orders
    "frequent"/"rare", margin_rate "high margin"/"low margin", recency_days
    "lapsed"/"recent", n_offerings "broad"/"narrow", growth "growing"/"shrinking"
    (see :data:`VOCABULARY`); other features become "high <feature>"/"low <feature>";
    a segment where nothing stands out is "average". Two segments with the same name
    get their segment number appended. Give ``names`` to use your own.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table the segments were found in (one row per account).
    labels : array-like of shape (n_samples,) or str, optional
        The segment of each account, or the name of a column of ``accounts`` that holds
        it. Default: ``segmenter.labels_``.
    segmenter : AccountSegmenter, optional
        A fitted segmenter: its labels, features and log transform are used.
    features : list of str, optional
        The features to profile. Default: the segmenter's features, else all numeric
        columns except the labels column.
    value_columns : "auto" or list of str, default="auto"
        Columns whose share per segment is reported as ``<column>_share``. ``"auto"``:
        ``revenue`` and the contribution margin (``db4``, else
        ``contribution_margin``), those present.
    log_features : "auto", "all", list or None, default="auto"
        The log transform for the z-scores when no segmenter is given, as in
        :class:`AccountSegmenter`.
    names : dict or list of str, optional
        Your own segment names: a dict from segment number to name (the others keep
        their automatic names) or a list with one name per segment, in segment order.
    threshold : float, default=0.5
        How far from 0 a z-score must be to enter the name.
    max_words : int, default=3
        Most features in a name.
    vocabulary : dict, optional
        More words, ``{feature: (word when high, word when low)}``, added to
        :data:`VOCABULARY`.

    Returns
    -------
    pandas.DataFrame
        One row per segment (index ``segment``, ascending; −1 is HDBSCAN's noise) with
        the columns ``name``, ``size``, ``share_of_accounts``, ``<value>_share``,
        ``median_<feature>`` and ``z_<feature>`` for each feature. ``attrs`` holds
        ``features`` and ``value_columns``. Missing values are left out of medians and
        means.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({
    ...     "revenue": [900, 1000, 1100, 10, 12, 15],
    ...     "orders": [40, 50, 45, 2, 1, 3],
    ... })
    >>> profiles = segment_profiles(accounts, [0, 0, 0, 1, 1, 1])
    >>> profiles[["name", "size", "revenue_share"]].round(3)  # doctest: +NORMALIZE_WHITESPACE
                        name  size  revenue_share
    segment
    0        large, frequent     3          0.988
    1            small, rare     3          0.012
    >>> segment_profiles(accounts, [0, 0, 0, 1, 1, 1], names={1: "tail"})["name"].tolist()
    ['large, frequent', 'tail']
    """
    if not isinstance(accounts, pd.DataFrame):
        raise ParameterError(f"segment_profiles needs the account table as a DataFrame, not {type(accounts).__name__}.")
    label_column = None
    if labels is None:
        if segmenter is None:
            raise ParameterError("Give the segment labels (labels=...) or a fitted segmenter (segmenter=...).")
        check_is_fitted(segmenter)
        labels = segmenter.labels_
    elif isinstance(labels, str):
        if labels not in accounts.columns:
            raise MissingColumnError(f"The table has no column {labels!r} with the segments.")
        label_column = labels
        labels = accounts[labels].to_numpy()
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != len(accounts):
        raise ParameterError(f"labels must have one segment per account: {len(accounts)} accounts, got shape "
                             f"{labels.shape}.")
    if segmenter is not None:
        check_is_fitted(segmenter)
    if features is None:
        if segmenter is not None and hasattr(segmenter, "feature_names_in_"):
            features = list(segmenter.feature_names_in_)
        else:
            features = [c for c in accounts.columns if _is_number_dtype(accounts[c].dtype) and c != label_column]
    else:
        features = [features] if isinstance(features, str) else list(features)
    for column in features:
        _numeric_column(accounts, column, allow_missing=True, what="feature column")
    if value_columns == "auto":
        value_columns = [c for c in ("revenue",) if c in accounts.columns]
        margin = next((c for c in ("db4", "contribution_margin") if c in accounts.columns), None)
        value_columns += [margin] if margin else []
    else:
        value_columns = [value_columns] if isinstance(value_columns, str) else list(value_columns)
    values = {c: _numeric_column(accounts, c, allow_missing=True, what="value column") for c in value_columns}
    vocabulary = {**VOCABULARY, **(vocabulary or {})}

    data = accounts[features].astype("float64").to_numpy()
    if segmenter is not None and hasattr(segmenter, "feature_names_in_") and features == list(
        segmenter.feature_names_in_
    ):
        logged = [features.index(f) for f in segmenter.log_features_]
    else:
        finite = data[np.all(np.isfinite(data), axis=1)]
        logged = list(_log_columns(finite, log_features, features)) if len(finite) else []
    transformed = data.copy()
    if logged:
        block = transformed[:, logged]
        if np.nanmin(block) < 0:
            raise DataFormatError("A log-transformed feature has negative values; choose log_features without it.")
        transformed[:, logged] = np.log1p(block)
    std = np.nanstd(transformed, axis=0)
    z = (transformed - np.nanmean(transformed, axis=0)) / np.where(std > 0, std, 1.0)

    segments = np.unique(labels)
    rows = []
    for segment in segments:
        members = labels == segment
        row = {"segment": segment, "size": int(members.sum()), "share_of_accounts": members.mean()}
        for column, series in values.items():
            total = series.sum()
            row[f"{column}_share"] = series[members].sum() / total if total else np.nan
        for i, feature in enumerate(features):
            row[f"median_{feature}"] = float(np.nanmedian(data[members, i])) if np.isfinite(
                data[members, i]).any() else np.nan
        for i, feature in enumerate(features):
            row[f"z_{feature}"] = float(np.nanmean(z[members, i])) if np.isfinite(z[members, i]).any() else np.nan
        rows.append(row)
    profiles = pd.DataFrame(rows).set_index("segment")
    z_profile = profiles[[f"z_{f}" for f in features]].set_axis(features, axis=1)
    automatic = []
    for segment in profiles.index:
        if segment == -1:
            automatic.append("noise (no segment)")
        else:
            automatic.append(_name_segment(z_profile.loc[segment], vocabulary, threshold, max_words))
    counts = pd.Series(automatic).value_counts()
    automatic = [f"{name} ({segment})" if counts[name] > 1 else name for name, segment in zip(automatic,
                                                                                               profiles.index)]
    if names is not None:
        if isinstance(names, dict):
            unknown = [s for s in names if s not in profiles.index]
            if unknown:
                raise ParameterError(f"names has segments {unknown!r} that do not exist; segments: "
                                     f"{profiles.index.tolist()}.")
            automatic = [str(names.get(s, name)) for s, name in zip(profiles.index, automatic)]
        else:
            names = [str(n) for n in names]
            if len(names) != len(profiles):
                raise ParameterError(f"names must have one name per segment ({len(profiles)}); got {len(names)}.")
            automatic = names
    profiles.insert(0, "name", pd.array(automatic, dtype="str"))
    profiles.attrs = {"features": features, "value_columns": value_columns}
    return profiles


# ============================================================================= generated data
def make_segmented_accounts(n_accounts=1_000, n_segments=4, *, separation=3.0, random_state=None):
    """An account table with known segments, to see whether segmentation finds them.

    Each segment has a centre in a 5-dimensional latent space (centres at least
    ``separation`` apart; accounts scatter around it with standard deviation 0.5). The
    latent values become realistic, skewed account columns: revenue and orders are
    log-normal (as money and counts are), recency in days too, margin rate and number
    of offerings are roughly normal. Segments differ in size (up to about 3 : 1).

    Parameters
    ----------
    n_accounts : int, default=1000
        Number of accounts (rows).
    n_segments : int, default=4
        Number of true segments.
    separation : float, default=3.0
        Smallest distance between two segment centres in the latent space, where the
        accounts scatter with standard deviation 0.5 (so 3.0 is six standard
        deviations); smaller values make segments overlap.
    random_state : int, RandomState instance or None, default=None
        Seed; an int makes the table repeatable.

    Returns
    -------
    accounts : pandas.DataFrame
        ``account_id``, ``revenue``, ``orders``, ``n_offerings``, ``margin_rate``,
        ``recency_days``.
    segment : ndarray of shape (n_accounts,)
        The true segment of every account (0 to n_segments − 1).

    Examples
    --------
    >>> accounts, segment = make_segmented_accounts(5, n_segments=2, random_state=0)
    >>> accounts.columns.tolist()
    ['account_id', 'revenue', 'orders', 'n_offerings', 'margin_rate', 'recency_days']
    >>> accounts, segment = make_segmented_accounts(1_000, n_segments=3, random_state=0)
    >>> len(accounts), sorted(set(segment.tolist()))
    (1000, [0, 1, 2])
    """
    if isinstance(n_accounts, bool) or not isinstance(n_accounts, numbers.Integral) or n_accounts < 1:
        raise ParameterError(f"n_accounts must be a positive integer; got {n_accounts!r}.")
    if isinstance(n_segments, bool) or not isinstance(n_segments, numbers.Integral) or n_segments < 1:
        raise ParameterError(f"n_segments must be a positive integer; got {n_segments!r}.")
    rng = check_random_state(random_state)
    n_latent, spread = 5, 0.5
    centres = np.empty((0, n_latent))
    for _ in range(10_000):
        candidate = rng.uniform(-2.5, 2.5, size=n_latent)
        if len(centres) == 0 or np.min(np.linalg.norm(centres - candidate, axis=1)) >= separation:
            centres = np.vstack([centres, candidate])
            if len(centres) == n_segments:
                break
    else:
        raise ParameterError(f"Cannot place {n_segments} segments {separation} apart; choose a smaller separation.")
    weights = rng.uniform(1.0, 3.0, size=n_segments)
    segment = rng.choice(n_segments, size=int(n_accounts), p=weights / weights.sum()).astype(np.int64)
    latent = centres[segment] + rng.normal(scale=spread, size=(int(n_accounts), n_latent))
    accounts = pd.DataFrame(
        {
            "account_id": pd.array([f"A{i:07d}" for i in range(1, int(n_accounts) + 1)], dtype="str"),
            "revenue": np.round(np.exp(11.0 + 1.0 * latent[:, 0]), 2),
            "orders": np.maximum(1, np.round(np.exp(2.5 + 0.8 * latent[:, 1]))).astype(np.int64),
            "n_offerings": np.clip(np.round(8 + 2.0 * latent[:, 2]), 1, None).astype(np.int64),
            "margin_rate": np.round(0.25 + 0.05 * latent[:, 3], 4),
            "recency_days": np.round(np.exp(3.5 + 0.7 * latent[:, 4])).astype(np.int64),
        }
    )
    return accounts, segment
