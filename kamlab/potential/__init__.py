"""Potential: share of wallet, the realistic wallet and headroom, whitespace.

Charts in :mod:`~kamlab.potential.plots`, explorers in :mod:`~kamlab.potential.widgets`.
"""

from kamlab.potential.wallet import (
    WalletEstimator,
    estimate_wallets,
    evaluate_wallet,
    pinball_loss,
    share_of_wallet,
    wallet_allocation,
)
from kamlab.potential.whitespace import whitespace, whitespace_matrix

__all__ = [
    "WalletEstimator",
    "evaluate_wallet",
    "estimate_wallets",
    "pinball_loss",
    "share_of_wallet",
    "wallet_allocation",
    "whitespace",
    "whitespace_matrix",
]
