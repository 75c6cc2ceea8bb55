"""Fitting one clustering of the preprocessed accounts, and the thread policy of every fit.

:func:`_fit_clustering` runs k-means (mini-batch above :data:`MINIBATCH_THRESHOLD` accounts), a
Gaussian mixture, Ward's method (at most :data:`WARD_MAX_ACCOUNTS` accounts) or HDBSCAN;
:func:`_size_order` renumbers the segments by size. :func:`_single_threaded` runs the public
entry points within kamlab's thread limit.
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from kamlab.config import thread_limits
from kamlab.errors import ParameterError

__all__ = ["METHODS", "MINIBATCH_THRESHOLD", "WARD_MAX_ACCOUNTS"]

#: The clustering methods of :class:`~kamlab.segment.AccountSegmenter`.
METHODS = ("kmeans", "gmm", "ward", "hdbscan")
#: With ``minibatch="auto"``, k-means runs as mini-batch k-means on more accounts than this.
MINIBATCH_THRESHOLD = 50_000
#: Ward's method needs the distances between all pairs of accounts (n² / 2 numbers: 400 MB for 10,000).
WARD_MAX_ACCOUNTS = 10_000


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


def _check_ward_size(n_samples):
    if n_samples > WARD_MAX_ACCOUNTS:
        raise ParameterError(
            f"Ward's method needs the distances between all pairs of accounts: {n_samples:,} accounts are "
            f"too many (at most {WARD_MAX_ACCOUNTS:,}). Use method='kmeans' (or 'gmm'), or segment a sample."
        )


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
        _check_ward_size(n_samples)
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
