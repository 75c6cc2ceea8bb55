"""Which customers are the key accounts? ABC/Pareto classes, concentration, and their charts and explorers.

Analysis: :mod:`~kamlab.identify.abc` (ABC classes, key-account candidates, ABC migration),
:mod:`~kamlab.identify.keylist` (key accounts on several measures: revenue or margin, actual or target) and
:mod:`~kamlab.identify.concentration` (top shares, Lorenz curve, Gini, HHI). The contribution-margin
cascade (*Kundendeckungsbeitragsrechnung*) that ABC by DB needs is defined with the account table in
:mod:`kamlab.data.cascade` and re-exported here. Charts in :mod:`~kamlab.identify.plots`, explorers in
:mod:`~kamlab.identify.widgets` (imported on first use).
"""

from kamlab.data.cascade import DEFAULT_LEVELS, contribution_cascade
from kamlab.identify.abc import (
    LOST,
    NEW,
    NO_SHARE,
    abc_analysis,
    abc_compare,
    abc_crosstab,
    abc_migration,
    abc_summary,
    key_account_candidates,
    migration_matrix,
)
from kamlab.identify.concentration import Concentration, TopShare, concentration, top_share
from kamlab.identify.keylist import MARGIN_TOTALS, key_accounts

__all__ = [
    "DEFAULT_LEVELS",
    "NO_SHARE",
    "NEW",
    "LOST",
    "Concentration",
    "TopShare",
    "abc_analysis",
    "abc_summary",
    "abc_compare",
    "abc_crosstab",
    "abc_migration",
    "migration_matrix",
    "concentration",
    "contribution_cascade",
    "key_account_candidates",
    "key_accounts",
    "MARGIN_TOTALS",
    "top_share",
]
