"""kamlab: a key-account-management (KAM) analytics lab for Jupyter.

``import kamlab`` is light: it loads only the error classes and the label
mechanism. Every analysis is imported the first time it is used, so a notebook
pays for pandas, scikit-learn or DuckDB only when it needs them.
"""

from __future__ import annotations

import importlib
import importlib.util

from .errors import (
    ChecksumError,
    DataFormatError,
    DatasetError,
    EmptyDataError,
    KamlabError,
    MissingColumnError,
    ParameterError,
)
from .labels import get_language, label, language, set_language, translate_columns

__version__ = "0.1.0"

# public name -> module that defines it (imported lazily on first access)
_LAZY = {
    # data: the case company, public datasets, the user's own files
    "load_case": "kamlab.case",
    "generate_case": "kamlab.casegen",
    "read_transactions": "kamlab.io",
    "read_accounts": "kamlab.io",
    "ReadReport": "kamlab.io",
    "accounts_from_transactions": "kamlab.accounts",
    "top_share": "kamlab.identify",
    "abc_analysis": "kamlab.identify",
    "abc_summary": "kamlab.identify",
    "abc_compare": "kamlab.identify",
    "abc_crosstab": "kamlab.identify",
    "abc_migration": "kamlab.identify",
    "migration_matrix": "kamlab.identify",
    "key_account_candidates": "kamlab.identify",
    "concentration": "kamlab.identify",
    "contribution_cascade": "kamlab.identify",
    "ScoringModel": "kamlab.portfolio_analysis",
    "portfolio": "kamlab.portfolio_analysis",
    "weight_sensitivity": "kamlab.portfolio_analysis",
    "portfolio_grid": "kamlab.portfolio_analysis",
    "select_key_accounts": "kamlab.portfolio_analysis",
    "WalletEstimator": "kamlab.potential",
    "estimate_wallets": "kamlab.potential",
    "evaluate_wallet": "kamlab.potential",
    "share_of_wallet": "kamlab.potential",
    "wallet_allocation": "kamlab.potential",
    "whitespace": "kamlab.potential",
    "whitespace_matrix": "kamlab.potential",
    "rfm_summary": "kamlab.clv",
    "BetaGeo": "kamlab.clv",
    "GammaGamma": "kamlab.clv",
    "customer_lifetime_value": "kamlab.clv",
    "clv_margin_multiple": "kamlab.clv",
    "clv_finite": "kamlab.clv",
    "simulate_bg_nbd": "kamlab.clv",
    "AccountSegmenter": "kamlab.segment",
    "select_k": "kamlab.segment",
    "segment_stability": "kamlab.segment",
    "SegmentStability": "kamlab.segment",
    "segment_profiles": "kamlab.segment",
    "segment_agreement": "kamlab.segment",
    "rfm_scores": "kamlab.segment",
    "rfm_segments": "kamlab.segment",
    "make_segmented_accounts": "kamlab.segment",
    "Exercise": "kamlab.exercises",
    "check_setup": "kamlab.setup_check",
}
_SUBMODULES = {"datasets", "exercises", "io", "accounts", "case", "casegen", "identify", "widgets", "plots", "course",
               "potential", "portfolio_analysis", "plots_portfolio", "widgets_portfolio", "clv", "segment",
               "setup_check", "labels", "errors"}

__all__ = [
    "KamlabError",
    "DataFormatError",
    "MissingColumnError",
    "EmptyDataError",
    "DatasetError",
    "ChecksumError",
    "ParameterError",
    "set_language",
    "get_language",
    "language",
    "label",
    "translate_columns",
    "load_case",
    "generate_case",
    "read_transactions",
    "read_accounts",
    "ReadReport",
    "accounts_from_transactions",
    "top_share",
    "abc_analysis",
    "abc_summary",
    "abc_compare",
    "abc_crosstab",
    "abc_migration",
    "migration_matrix",
    "key_account_candidates",
    "concentration",
    "contribution_cascade",
    "ScoringModel",
    "portfolio",
    "weight_sensitivity",
    "portfolio_grid",
    "select_key_accounts",
    "WalletEstimator",
    "estimate_wallets",
    "evaluate_wallet",
    "share_of_wallet",
    "wallet_allocation",
    "whitespace",
    "whitespace_matrix",
    "rfm_summary",
    "BetaGeo",
    "GammaGamma",
    "customer_lifetime_value",
    "clv_margin_multiple",
    "clv_finite",
    "simulate_bg_nbd",
    "AccountSegmenter",
    "select_k",
    "segment_stability",
    "SegmentStability",
    "segment_profiles",
    "segment_agreement",
    "rfm_scores",
    "rfm_segments",
    "make_segmented_accounts",
    "Exercise",
    "check_setup",
]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES or (not name.startswith("_") and importlib.util.find_spec(f"kamlab.{name}")):
        module = importlib.import_module(f"kamlab.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kamlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
