"""The clustering estimator :class:`AccountSegmenter`: preprocessing, choosing k, one clustering.

A scikit-learn clusterer: :meth:`~AccountSegmenter.fit` prepares the features
(:mod:`~kamlab.segment.preprocessing`), chooses the number of segments with the sweep of
:mod:`~kamlab.segment.sweep` when ``n_segments="auto"`` and fits one clustering
(:mod:`~kamlab.segment.clustering`); segments are numbered by size.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from kamlab.errors import MissingColumnError, ParameterError
from kamlab.segment.clustering import (
    _apply_mapping,
    _fit_clustering,
    _min_segment_size,
    _segment_means,
    _single_threaded,
    _size_order,
)
from kamlab.segment.preprocessing import _SCALERS, _check_missing, _Log1p, _log_columns, _scaler, _select_fit_features
from kamlab.segment.sweep import _check_sweep_params, _choose_k, _parse_k_range
from kamlab.segment.validation import _check_choice

__all__ = ["AccountSegmenter"]


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
    4. choose the number of segments with :func:`~kamlab.segment.select_k` when ``n_segments="auto"``;
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
        whose values are all ≥ 0 and whose skewness exceeds 1 (:data:`~kamlab.segment.SKEW_THRESHOLD`);
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
          :data:`~kamlab.segment.WARD_MAX_ACCOUNTS` accounts; no :meth:`predict`.
        - ``"hdbscan"``: scikit-learn's HDBSCAN; finds the number of segments itself
          (``n_segments`` and ``k_range`` are ignored) and labels accounts that fit no
          segment −1; no :meth:`predict`.
    n_segments : int or "auto", default="auto"
        The number of segments (at least 2), or ``"auto"`` to choose it with
        :func:`~kamlab.segment.select_k` over ``k_range`` by ``criterion``.
    k_range : tuple of (int, int) or list of int, default=(2, 10)
        The k to try with ``n_segments="auto"``: ``(smallest, largest)``, both included.
    criterion : str, default="silhouette"
        How ``"auto"`` chooses k, see :func:`~kamlab.segment.select_k`.
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
        :data:`~kamlab.segment.MINIBATCH_THRESHOLD` (50,000) accounts.
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
        The :func:`~kamlab.segment.select_k` table when ``n_segments="auto"``, else None.
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
    >>> from kamlab.segment import AccountSegmenter, make_segmented_accounts
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
        self.selection_ = None
        if self.method == "hdbscan":
            model, raw, n_components = self._fit_hdbscan(Z)
        else:
            model, raw, n_components = self._fit_k_segments(Z)
        self._mapping = _size_order(raw, n_components)
        self.labels_ = _apply_mapping(self._mapping, raw)
        self.model_ = model
        self.n_segments_ = int(n_components)
        self.cluster_centers_ = self._centres(model, Z, n_components)
        return self

    def _fit_hdbscan(self, Z):
        """HDBSCAN: the model, its raw labels and the number of segments it found (warns when none)."""
        n_samples = Z.shape[0]
        if n_samples < 2:
            raise ParameterError(f"HDBSCAN needs at least 2 accounts; got 1 sample (n_samples = {n_samples}).")
        model, raw = _fit_clustering(Z, None, random_state=self.random_state, **self._clustering_params())
        n_components = int(raw.max()) + 1
        if n_components == 0:
            warnings.warn(
                f"HDBSCAN found no segment: all {n_samples:,} accounts are noise (label -1). Lower "
                f"min_segment_size (now {_min_segment_size(self.min_segment_size, n_samples)}) or use another "
                "method.",
                UserWarning,
                stacklevel=3,  # the caller of fit (in the thread-limit wrapper), as before the split
            )
        return model, raw, n_components

    def _fit_k_segments(self, Z):
        """k-means, mixture or Ward at ``n_segments`` (chosen with the sweep when "auto"): model, raw labels, k."""
        n_samples = Z.shape[0]
        params = self._clustering_params()
        if self.n_segments == "auto":
            table, models = _choose_k(
                Z, self.k_range, criterion=self.criterion, method=self.method, sample_size=self.sample_size,
                n_init=self.n_init, covariance_type=self.covariance_type, minibatch=self.minibatch,
                random_state=self.random_state, progress=self.progress,
            )
            self.selection_ = table
            k = table.attrs["recommended_k"]
            model, raw = models[k]
            if model is None:  # ward: the sweep cut a scipy tree; fit the scikit-learn model at the chosen k
                model, raw = _fit_clustering(Z, k, random_state=self.random_state, **params)
            return model, raw, k
        k = int(self.n_segments)
        if n_samples < k:
            raise ParameterError(
                f"There are only {n_samples} accounts (n_samples = {n_samples}), fewer than "
                f"n_segments = {k}. Choose fewer segments."
            )
        model, raw = _fit_clustering(Z, k, random_state=self.random_state, **params)
        return model, raw, k

    def _centres(self, model, Z, n_components):
        """Segment centres in segment order: the model's (k-means, mixture), else the segments' means."""
        order = np.argsort(self._mapping)  # order[segment] = raw label
        if self.method == "kmeans":
            return model.cluster_centers_[order]
        if self.method == "gmm":
            return model.means_[order]
        return _segment_means(Z, self.labels_, n_components)

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
