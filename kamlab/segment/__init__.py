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

Modules, one job each:

- :mod:`~kamlab.segment.rfm`: RFM scores and named RFM segments;
- :mod:`~kamlab.segment.preprocessing`: choosing the feature columns, ``log1p``, scaling;
- :mod:`~kamlab.segment.clustering`: fitting one clustering, and the thread policy;
- :mod:`~kamlab.segment.sweep`: fitting and rating every k, and the recommended k;
- :mod:`~kamlab.segment.estimator`: :class:`AccountSegmenter`;
- :mod:`~kamlab.segment.selection`: :func:`select_k`;
- :mod:`~kamlab.segment.stability`: :func:`segment_stability` and :class:`SegmentStability`;
- :mod:`~kamlab.segment.profiles`: :func:`segment_profiles`, the names, :func:`segment_agreement`;
- :mod:`~kamlab.segment.synthetic`: :func:`make_segmented_accounts`;
- :mod:`~kamlab.segment.validation`: argument checks they share.

Charts in :mod:`~kamlab.segment.plots`, the explorer in :mod:`~kamlab.segment.widgets`.
"""

from kamlab.segment.clustering import METHODS, MINIBATCH_THRESHOLD, WARD_MAX_ACCOUNTS
from kamlab.segment.estimator import AccountSegmenter
from kamlab.segment.preprocessing import SKEW_THRESHOLD
from kamlab.segment.profiles import VOCABULARY, segment_agreement, segment_profiles
from kamlab.segment.rfm import RFM_PRESETS, rfm_scores, rfm_segments
from kamlab.segment.selection import select_k
from kamlab.segment.stability import STABLE_JACCARD, TRUSTWORTHY_ARI, SegmentStability, segment_stability
from kamlab.segment.synthetic import make_segmented_accounts

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
