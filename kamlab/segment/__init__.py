"""Segmentation: RFM scores and segments, the clustering estimator, choosing k, stability and profiles.

Charts in :mod:`~kamlab.segment.plots`, the explorer in :mod:`~kamlab.segment.widgets`.
"""

from kamlab.segment._monolith import *  # noqa: F403
from kamlab.segment._monolith import __all__  # noqa: F401
