"""kamlab: a key-account-management (KAM) analytics lab for Jupyter.

``import kamlab`` is light: every public name, even the error classes and the settings
(:mod:`kamlab.config`), is imported the first time it is used,
so a notebook pays for pandas, scikit-learn or DuckDB only when it needs them.

The package has one subpackage per capability, in the order the course teaches them:
``data`` (files, datasets, the case company, the account table), ``identify`` (ABC,
concentration), ``segment``, ``portfolios``, ``potential``, ``clv``, ``projects`` (quotes,
win rates, time to decision); each holds its
analysis, and its charts (``plots``) and explorers (``widgets``) as thin layers on top;
``course`` holds the exercises. Every public function is also here, flat:
``kamlab.abc_analysis`` is ``kamlab.identify.abc_analysis``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: The capabilities, in the order the course teaches them (each a subpackage).
SUBPACKAGES = ("data", "identify", "segment", "portfolios", "potential", "clv", "projects", "plans", "report",
               "course")

# THE table of the public API: module -> the public names it defines. ``__all__`` and the
# lazy look-up below are both derived from it, so the two cannot drift apart.
_PUBLIC = {
    "kamlab.errors": ("KamlabError", "DataFormatError", "MissingColumnError", "EmptyDataError", "DatasetError",
                      "ChecksumError", "ParameterError"),
    "kamlab.config": ("set_language", "get_language", "language", "set_threads", "get_threads", "threads"),
    "kamlab._util.labels": ("label", "translate_columns"),
    "kamlab._util.format": ("format_number", "format_percent", "format_amount"),
    # data: the user's own files, public datasets, the case company, the account table
    "kamlab.data.readers": ("read_transactions", "read_accounts", "ReadReport", "ReadResult"),
    "kamlab.data.accounts": ("accounts_from_transactions",),
    "kamlab.data.cascade": ("contribution_cascade",),
    "kamlab.data.rollup": ("rollup",),
    "kamlab.data.case": ("load_case",),
    "kamlab.data.casegen": ("generate_case",),
    "kamlab.data.datasets": ("fetch_wholesale", "fetch_online_retail", "fetch_cdnow"),
    # identify: who are the key accounts?
    "kamlab.identify.abc": ("abc_analysis", "abc_summary", "abc_compare", "abc_crosstab", "abc_migration",
                            "migration_matrix", "key_account_candidates"),
    "kamlab.identify.keylist": ("key_accounts",),
    "kamlab.identify.concentration": ("top_share", "concentration"),
    # segment
    "kamlab.segment": ("AccountSegmenter", "select_k", "segment_stability", "SegmentStability", "segment_profiles",
                       "segment_agreement", "rfm_scores", "rfm_segments", "make_segmented_accounts"),
    # portfolios
    "kamlab.portfolios.scoring": ("ScoringModel",),
    "kamlab.portfolios.matrix": ("portfolio", "portfolio_grid"),
    "kamlab.portfolios.sensitivity": ("weight_sensitivity",),
    "kamlab.portfolios.selection": ("select_key_accounts",),
    "kamlab.portfolios.customer_value": ("customer_value",),
    # potential
    "kamlab.potential.wallet": ("WalletEstimator", "estimate_wallets", "evaluate_wallet", "share_of_wallet",
                                "wallet_allocation"),
    "kamlab.potential.whitespace": ("whitespace", "whitespace_matrix"),
    # customer lifetime value
    "kamlab.clv": ("rfm_summary", "BetaGeo", "GammaGamma", "customer_lifetime_value", "clv_margin_multiple",
                   "clv_finite", "simulate_bg_nbd"),
    # projects and quotes, following them up (Nachfassen)
    "kamlab.projects.io": ("read_projects",),
    "kamlab.projects.rates": ("win_rates", "wilson_interval"),
    "kamlab.projects.survival": ("time_to_decision",),
    "kamlab.projects.losses": ("loss_reasons",),
    "kamlab.projects.buying": ("quotes_by_centre",),
    "kamlab.projects.effect": ("followup_effect", "FollowupEffect", "OverlapWarning", "PostTreatmentWarning"),
    "kamlab.projects.winmodel": ("WinModel", "validate_win_model", "reliability_curve", "brier_score",
                                 "pipeline_forecast"),
    "kamlab.projects.followup": ("followup_list",),
    # the account plan (Kundenplan) and its one-page profile (Kundensteckbrief)
    "kamlab.plans": ("account_plan", "AccountPlan"),
    # the course
    "kamlab.course.exercises": ("Exercise",),
    "kamlab.course.setup_check": ("check_setup",),
    "kamlab.course.glossary": ("glossary",),
}

_LAZY = {name: module for module, names in _PUBLIC.items() for name in names}
__all__ = [*_LAZY, *SUBPACKAGES]  # noqa: PLE0604 (derived from the one table above)

# Old module paths kept for one release; importing them warns (see kamlab/_util/compat.py).
_DEPRECATED_MODULES = {
    "io": "kamlab.data.readers",
    "accounts": "kamlab.data.accounts",
    "case": "kamlab.data.case",
    "casegen": "kamlab.data.casegen",
    "labels": "kamlab._util.labels",
    "plots": "kamlab.identify.plots",
    "widgets": "kamlab.identify.widgets",
    "plots_segment": "kamlab.segment.plots",
    "widgets_segment": "kamlab.segment.widgets",
    "portfolio_analysis": "kamlab.portfolios",
    "plots_portfolio": "kamlab.portfolios.plots",
    "widgets_portfolio": "kamlab.portfolios.widgets",
    "plots_potential": "kamlab.potential.plots and kamlab.clv.plots",
    "widgets_potential": "kamlab.potential.widgets",
    "exercises": "kamlab.course.exercises",
    "setup_check": "kamlab.course.setup_check",
}
# Public namespaces that are not subpackages of their own.
_ALIASES = {"datasets": "kamlab.data.datasets"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in SUBPACKAGES or name in ("config", "errors"):
        value = importlib.import_module(f"kamlab.{name}")
    elif name in _ALIASES:
        value = importlib.import_module(_ALIASES[name])
    elif name in _DEPRECATED_MODULES:
        value = importlib.import_module(f"kamlab.{name}")  # the shim warns
    else:
        raise AttributeError(f"module 'kamlab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_ALIASES) | {"config", "errors"})
