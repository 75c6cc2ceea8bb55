"""Generated account tables with known segments, to try segmentation where the right answer is known."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from kamlab.errors import ParameterError

__all__ = ["make_segmented_accounts"]


def make_segmented_accounts(n_accounts=1_000, n_segments=4, *, separation=3.0, random_state=None):
    """An account table with known segments, to see whether segmentation finds them.

    Each segment has a centre in a 5-dimensional latent space (centres at least
    ``separation`` apart; accounts scatter around it with standard deviation 0.5). The
    latent values become realistic, skewed account columns: revenue and orders are
    log-normal (as money and counts are), recency in days too, margin rate and number
    of offerings are roughly normal. Segments differ in size (up to about 3 : 1).

    Parameters
    ----------
    n_accounts : int, default=1000
        Number of accounts (rows).
    n_segments : int, default=4
        Number of true segments.
    separation : float, default=3.0
        Smallest distance between two segment centres in the latent space, where the
        accounts scatter with standard deviation 0.5 (so 3.0 is six standard
        deviations); smaller values make segments overlap.
    random_state : int, RandomState instance or None, default=None
        Seed; an int makes the table repeatable.

    Returns
    -------
    accounts : pandas.DataFrame
        ``account_id``, ``revenue``, ``orders``, ``n_offerings``, ``margin_rate``,
        ``recency_days``.
    segment : ndarray of shape (n_accounts,)
        The true segment of every account (0 to n_segments − 1).

    Examples
    --------
    >>> accounts, segment = make_segmented_accounts(5, n_segments=2, random_state=0)
    >>> accounts.columns.tolist()
    ['account_id', 'revenue', 'orders', 'n_offerings', 'margin_rate', 'recency_days']
    >>> accounts, segment = make_segmented_accounts(1_000, n_segments=3, random_state=0)
    >>> len(accounts), sorted(set(segment.tolist()))
    (1000, [0, 1, 2])
    """
    if isinstance(n_accounts, bool) or not isinstance(n_accounts, numbers.Integral) or n_accounts < 1:
        raise ParameterError(f"n_accounts must be a positive integer; got {n_accounts!r}.")
    if isinstance(n_segments, bool) or not isinstance(n_segments, numbers.Integral) or n_segments < 1:
        raise ParameterError(f"n_segments must be a positive integer; got {n_segments!r}.")
    rng = check_random_state(random_state)
    n_latent, spread = 5, 0.5
    centres = np.empty((0, n_latent))
    for _ in range(10_000):
        candidate = rng.uniform(-2.5, 2.5, size=n_latent)
        if len(centres) == 0 or np.min(np.linalg.norm(centres - candidate, axis=1)) >= separation:
            centres = np.vstack([centres, candidate])
            if len(centres) == n_segments:
                break
    else:
        raise ParameterError(f"Cannot place {n_segments} segments {separation} apart; choose a smaller separation.")
    weights = rng.uniform(1.0, 3.0, size=n_segments)
    segment = rng.choice(n_segments, size=int(n_accounts), p=weights / weights.sum()).astype(np.int64)
    latent = centres[segment] + rng.normal(scale=spread, size=(int(n_accounts), n_latent))
    accounts = pd.DataFrame(
        {
            "account_id": pd.array([f"A{i:07d}" for i in range(1, int(n_accounts) + 1)], dtype="str"),
            "revenue": np.round(np.exp(11.0 + 1.0 * latent[:, 0]), 2),
            "orders": np.maximum(1, np.round(np.exp(2.5 + 0.8 * latent[:, 1]))).astype(np.int64),
            "n_offerings": np.clip(np.round(8 + 2.0 * latent[:, 2]), 1, None).astype(np.int64),
            "margin_rate": np.round(0.25 + 0.05 * latent[:, 3], 4),
            "recency_days": np.round(np.exp(3.5 + 0.7 * latent[:, 4])).astype(np.int64),
        }
    )
    return accounts, segment
