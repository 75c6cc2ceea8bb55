"""Whitespace: which offerings an account does not buy yet, and what comparable accounts buy of them (farming and mining)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kamlab.config import thread_limits
from kamlab.errors import MissingColumnError, ParameterError

__all__ = [
    "whitespace",
    "whitespace_matrix",
]

# ----------------------------------------------------------------------------- whitespace
def whitespace(transactions, features=None, *, account="account_id", offering="offering", value="revenue",
               n_neighbors=25, quantile=0.75, min_revenue=0.0):
    """Whitespace: which account × offering cells hold potential we do not serve yet.

    For every account and offering:

    - ``revenue``: what the account buys from us in that offering (sum of ``value``);
    - ``propensity``: the share of the account's ``n_neighbors`` most similar accounts
      that buy the offering (revenue > ``min_revenue``): how usual it is for an account
      like this one to buy it;
    - ``potential``: what comparable buyers spend on it: the ``quantile`` of the
      offering's revenue among those neighbours that buy it (0 when none does);
    - ``gap``: potential − revenue, not below 0;
    - ``expected_value``: propensity × gap, the ranking of the opportunities;
    - ``whitespace``: True where the account buys (almost) nothing of the offering
      (revenue ≤ ``min_revenue``) but similar accounts do (potential > 0).

    Similar accounts are nearest neighbours in ``features`` (firmographics, standardised
    and one-hot encoded) when given, else in the accounts' purchase profile
    (log1p revenue per offering). An account is never its own neighbour.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Invoice lines (or any table) with ``account``, ``offering`` and ``value``; one
        period (e.g. a year), so that revenues compare.
    features : pandas.DataFrame, optional
        One row per account, indexed by account id, with the columns to find similar
        accounts by. Accounts without lines get a row of zeros.
    n_neighbors : int, default=25
    quantile : float, default=0.75
        Which quantile of the neighbours' spend counts as the cell's potential.
    min_revenue : float, default=0.0
        Revenue at or below which a cell counts as not served.

    Returns
    -------
    pandas.DataFrame
        One row per account and offering, sorted by ``expected_value`` descending (then
        account and offering).
    """
    from sklearn.neighbors import NearestNeighbors

    missing = [c for c in (account, offering, value) if c not in transactions.columns]
    if missing:
        raise MissingColumnError(f"whitespace needs the column(s) {', '.join(map(repr, missing))}.")
    revenue = transactions.pivot_table(index=account, columns=offering, values=value, aggfunc="sum",
                                       fill_value=0.0, observed=True)
    if features is not None:
        ids = revenue.index.union(features.index)
        revenue = revenue.reindex(ids, fill_value=0.0)
        space = _feature_space(features.reindex(ids))
    else:
        space = np.log1p(revenue.clip(lower=0).to_numpy())
    n_accounts = len(revenue)
    if n_accounts < 2:
        raise ParameterError("whitespace needs at least two accounts to compare.")
    k = min(n_neighbors, n_accounts - 1)
    with thread_limits():
        _, index = NearestNeighbors(n_neighbors=k + 1).fit(space).kneighbors(space)
    own = np.arange(n_accounts)[:, None]
    # drop the account itself (usually the first neighbour, but not always with duplicates)
    neighbours = np.array([row[row != i][:k] for i, row in zip(own[:, 0], index)])
    values = revenue.to_numpy()
    buys = values > min_revenue
    neighbour_values = values[neighbours]  # (accounts, k, offerings)
    neighbour_buys = buys[neighbours]
    propensity = neighbour_buys.mean(axis=1)
    masked = np.where(neighbour_buys, neighbour_values, np.nan)
    with warnings.catch_warnings():
        # a cell where no neighbour buys is an all-NaN slice: its potential is 0 by definition
        warnings.simplefilter("ignore", RuntimeWarning)
        potential = np.nan_to_num(np.nanquantile(masked, quantile, axis=1), nan=0.0)
    gap = np.clip(potential - values, 0, None)
    out = pd.DataFrame({
        account: np.repeat(revenue.index.to_numpy(), revenue.shape[1]),
        offering: np.tile(revenue.columns.astype(str).to_numpy(), n_accounts),
        "revenue": values.ravel(),
        "propensity": propensity.ravel(),
        "potential": potential.ravel(),
        "gap": gap.ravel(),
    })
    out["expected_value"] = out["propensity"] * out["gap"]
    out["whitespace"] = (out["revenue"] <= min_revenue) & (out["potential"] > 0)
    out = out.sort_values(["expected_value", account, offering], ascending=[False, True, True], ignore_index=True)
    out.attrs.update({"n_neighbors": k, "quantile": quantile, "min_revenue": min_revenue})
    return out


def _feature_space(features):
    numeric = features.select_dtypes("number").astype(float)
    numeric = np.sign(numeric) * np.log1p(numeric.abs())
    numeric = (numeric - numeric.mean()) / numeric.std(ddof=0).replace(0, 1)
    categorical = features.select_dtypes(exclude="number")
    dummies = pd.get_dummies(categorical.astype(str), dtype=float) if categorical.shape[1] else None
    frame = numeric if dummies is None else pd.concat([numeric, dummies], axis=1)
    return frame.fillna(0.0).to_numpy()


def whitespace_matrix(result, values="gap", *, account="account_id", offering="offering", top=None):
    """Pivot a :func:`whitespace` result into an account × offering matrix (for a heatmap).

    Parameters
    ----------
    values : str, default="gap"
        Which column fills the cells: ``revenue``, ``potential``, ``gap``,
        ``propensity`` or ``expected_value``.
    top : int, optional
        Keep the ``top`` accounts with the largest total expected value (ties by account id),
        in that order.
    """
    matrix = result.pivot_table(index=account, columns=offering, values=values, aggfunc="sum", fill_value=0.0)
    if top is not None:
        totals = result.groupby(account)["expected_value"].sum().sort_index()
        order = totals.sort_values(ascending=False, kind="mergesort").index[:top]  # ties by account id
        matrix = matrix.loc[order]
    return matrix
