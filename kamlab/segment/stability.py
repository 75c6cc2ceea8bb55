"""Is a segmentation stable? Resampled clusterings compared with the clustering of all accounts.

:func:`segment_stability` returns a :class:`SegmentStability`: the adjusted Rand index per k
(trustworthy from :data:`TRUSTWORTHY_ARI`) and the Jaccard similarity per segment (stable from
:data:`STABLE_JACCARD`).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils import check_random_state

from kamlab.errors import ParameterError
from kamlab.segment.clustering import _apply_mapping, _fit_clustering, _single_threaded, _size_order
from kamlab.segment.estimator import AccountSegmenter
from kamlab.segment.sweep import _parse_k_range, _usable_ks

__all__ = ["STABLE_JACCARD", "TRUSTWORTHY_ARI", "SegmentStability", "segment_stability"]

#: A segmentation is trustworthy when the mean adjusted Rand index between resampled and full
#: clusterings is at least this. Steinley (2004) calls ARI > 0.90 excellent, > 0.80 good,
#: > 0.65 moderate and below 0.65 poor recovery.
TRUSTWORTHY_ARI = 0.8
#: A single segment is stable when its mean Jaccard similarity over resamples is at least this.
#: Hennig (2007): ≥ 0.75 stable ("valid"), 0.6–0.75 doubtful, ≤ 0.5 the segment dissolves.
STABLE_JACCARD = 0.75


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
        from kamlab._util.format import decimal
        from kamlab._util.labels import get_language

        german = get_language() == "de"

        def num(value):
            return decimal(f"{value:.2f}")

        if german:
            lines = [f"SegmentStability (verlässlich: mittlerer ARI ≥ {num(self.threshold)}; stabiles Segment: "
                     f"mittlerer Jaccard ≥ {num(self.jaccard_threshold)})"]
        else:
            lines = [f"SegmentStability (trustworthy: mean ARI ≥ {self.threshold}; stable segment: mean Jaccard ≥ "
                     f"{self.jaccard_threshold})"]
        for k, row in self.by_k.iterrows():
            if german:
                verdict = "verlässlich" if row["trustworthy"] else "nicht verlässlich"
                lines.append(f"  k = {k}: mittlerer ARI {num(row['mean_ari'])} ± {num(row['std_ari'])}, am wenigsten "
                             f"stabiles Segment Jaccard {num(row['min_jaccard'])}: {verdict}")
            else:
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
        The accounts, as for :meth:`~kamlab.segment.AccountSegmenter.fit`.
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
    >>> from kamlab.segment import AccountSegmenter, make_segmented_accounts
    >>> accounts, _ = make_segmented_accounts(300, n_segments=3, random_state=0)
    >>> segmenter = AccountSegmenter(features=["revenue", "orders"], n_segments=3, random_state=0)
    >>> stability = segment_stability(accounts, segmenter, n_resamples=5, random_state=0)
    >>> stability.is_trustworthy()
    True
    """
    from tqdm.auto import tqdm

    segmenter = _checked_segmenter(segmenter, n_resamples, sample_fraction, threshold)
    base = clone(segmenter)
    base._check_params()
    Z = base._fit_preprocessing(X)
    n_samples = Z.shape[0]
    params = base._clustering_params()
    ks = _assessed_ks(base, k_range, n_samples)
    rng = check_random_state(segmenter.random_state if random_state is None else random_state)
    n_sub = max(2, int(round(sample_fraction * n_samples)))
    subsamples = [np.sort(rng.choice(n_samples, size=n_sub, replace=False)) for _ in range(n_resamples)]
    seeds = rng.randint(0, 2**31 - 1, size=n_resamples)
    k_rows, segment_rows, ari_rows = [], [], []
    bar = tqdm(total=len(ks) * (n_resamples + 1), desc=f"segment_stability ({base.method})", disable=not progress,
               delay=1.0, leave=False)
    for k in ks:
        reference, aris, jaccards = _resample(
            Z, k, subsamples, seeds, reference_state=segmenter.random_state, params=params, bar=bar
        )
        n_components = jaccards.shape[1]
        ari_rows += [{"k": n_components, "resample": b, "ari": ari} for b, ari in enumerate(aris)]
        segment_rows += _segment_rows(reference, jaccards)
        k_rows.append(_k_row(aris, jaccards, threshold))
    bar.close()
    return SegmentStability(
        by_k=pd.DataFrame(k_rows).set_index("k"),
        by_segment=pd.DataFrame(segment_rows),
        ari=pd.DataFrame(ari_rows),
        threshold=float(threshold),
    )


def _checked_segmenter(segmenter, n_resamples, sample_fraction, threshold):
    """The segmenter to assess (default ``AccountSegmenter()``), after checking the resampling parameters."""
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
    return segmenter


def _assessed_ks(base, k_range, n_samples):
    """The k to assess: ``[None]`` for HDBSCAN, else ``k_range``, the segmenter's ``k_range`` or its ``n_segments``."""
    if base.method == "hdbscan":
        return [None]
    if k_range is not None:
        return _usable_ks(_parse_k_range(k_range), n_samples)
    if base.n_segments == "auto":
        return _usable_ks(_parse_k_range(base.k_range), n_samples)
    return _usable_ks([int(base.n_segments)], n_samples)


def _resample(Z, k, subsamples, seeds, *, reference_state, params, bar):
    """Cluster all accounts (the reference) and every subsample at k.

    Returns the reference segments, the ARI of each subsample and an array
    (n_resamples, n_segments) of the Jaccard of each reference segment in each subsample.
    """
    from sklearn.metrics import adjusted_rand_score

    _, raw = _fit_clustering(Z, k, random_state=reference_state, **params)
    n_components = int(raw.max()) + 1 if k is None else k
    reference = _apply_mapping(_size_order(raw, n_components), raw)
    bar.update()
    aris, jaccards = [], []
    for rows, seed in zip(subsamples, seeds):
        _, labels = _fit_clustering(Z[rows], k, random_state=int(seed), **params)
        aris.append(adjusted_rand_score(reference[rows], labels))
        jaccards.append(_jaccard_per_segment(reference[rows], labels, n_components))
        bar.update()
    return reference, aris, np.array(jaccards).reshape(len(subsamples), n_components)


def _segment_rows(reference, jaccards):
    """The rows of ``by_segment`` for one k: size and mean Jaccard of every reference segment."""
    n_components = jaccards.shape[1]
    sizes = np.bincount(reference[reference >= 0], minlength=n_components)
    rows = []
    for segment in range(n_components):
        mean = float(np.nanmean(jaccards[:, segment]))
        rows.append({
            "k": n_components, "segment": segment, "size": int(sizes[segment]), "mean_jaccard": mean,
            "std_jaccard": float(np.nanstd(jaccards[:, segment])), "stable": mean >= STABLE_JACCARD,
        })
    return rows


def _k_row(aris, jaccards, threshold):
    """The row of ``by_k`` for one k: the ARI over the resamples and the least stable segment."""
    n_components = jaccards.shape[1]
    mean_ari = float(np.mean(aris))
    return {
        "k": n_components, "mean_ari": mean_ari, "std_ari": float(np.std(aris)), "min_ari": float(np.min(aris)),
        "min_jaccard": float(np.nanmin(np.nanmean(jaccards, axis=0))) if n_components else np.nan,
        "trustworthy": mean_ari >= threshold,
    }
