"""Deprecated: use :mod:`kamlab.potential.plots` and :mod:`kamlab.clv.plots`."""

import warnings

from kamlab.clv.plots import *  # noqa: F403
from kamlab.potential.plots import *  # noqa: F403

warnings.warn(
    "kamlab.plots_potential moved to kamlab.potential.plots (wallet_chart, whitespace_heatmap) and "
    "kamlab.clv.plots (alive_chart, clv_chart) in kamlab 0.2; import them from there.",
    DeprecationWarning,
    stacklevel=2,
)
