"""Portfolio analysis: weighted scoring, the attractiveness × supplier-position matrix, sensitivity, the key-account list.

Named ``portfolios`` (plural) because :func:`kamlab.portfolio` is a function: a subpackage
``kamlab.portfolio`` would replace it with a module on import. Charts in
:mod:`~kamlab.portfolios.plots`, the explorer in :mod:`~kamlab.portfolios.widgets`.
"""

from kamlab.portfolios.customer_value import customer_value
from kamlab.portfolios.matrix import NINE_CELL_GROUPS, NINE_CELL_STRATEGIES, portfolio, portfolio_grid
from kamlab.portfolios.scoring import VOCABULARIES, ScoringModel
from kamlab.portfolios.selection import select_key_accounts
from kamlab.portfolios.sensitivity import weight_sensitivity

__all__ = [
    "NINE_CELL_GROUPS",
    "NINE_CELL_STRATEGIES",
    "VOCABULARIES",
    "ScoringModel",
    "customer_value",
    "portfolio",
    "portfolio_grid",
    "select_key_accounts",
    "weight_sensitivity",
]
