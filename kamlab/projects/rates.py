"""Win rates (*Erfolgsquoten*) by count and by value, with confidence intervals.

A win rate by count is won quotes / decided quotes (won + lost); its interval is Wilson's
score interval (:func:`wilson_interval`), which stays inside [0, 1] and is honest for a
handful of quotes. A win rate by value is the quote value won / the quote value decided;
its interval is a seeded percentile bootstrap over the decided quotes. Open quotes have no
outcome yet: they are left out of both rates, and counted (``n_open``).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from kamlab.errors import ParameterError
from kamlab.projects.prepare import check_projects, with_groups

__all__ = ["wilson_interval", "win_rates"]

_DRAWS_PER_CHUNK = 2_000_000  # bootstrap: quotes x replicates drawn at once


def _z(confidence):
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1 (0.95 for 95 %), not {confidence!r}.")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes, n, confidence=0.95):
    """Wilson's score interval for a proportion ``successes / n``.

    With p = k/n and z the normal quantile of the confidence (1.96 for 95 %)::

        centre = (p + z²/(2n)) / (1 + z²/n)
        half   = z / (1 + z²/n) * sqrt(p(1 − p)/n + z²/(4n²))

    The interval is ``[centre − half, centre + half]``; NaN where ``n`` is 0.

    Parameters
    ----------
    successes, n : int or array-like
        Won quotes and decided quotes.
    confidence : float, default=0.95

    Returns
    -------
    (low, high) : floats or numpy arrays

    Examples
    --------
    >>> low, high = wilson_interval(7, 10)
    >>> round(low, 3), round(high, 3)
    (0.397, 0.892)
    >>> [round(float(x), 3) for x in wilson_interval(0, 5)]
    [0.0, 0.434]
    """
    z = _z(confidence)
    k, m = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > m):
        raise ParameterError("successes must lie between 0 and n.")
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        denom = 1 + z**2 / m
        centre = (p + z**2 / (2 * m)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2))
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    low, high = np.where(m > 0, low, np.nan), np.where(m > 0, high, np.nan)
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


def _bootstrap_share(won, value, confidence, n_boot, rng):
    """Percentile bootstrap interval of ``sum(value[won]) / sum(value)`` over the quotes."""
    n = len(value)
    if n == 0:
        return np.nan, np.nan
    won_value = np.where(won, value, 0.0)
    stats = np.empty(n_boot)
    chunk = max(1, _DRAWS_PER_CHUNK // n)
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        idx = rng.integers(0, n, size=(size, n))
        total = value[idx].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            stats[start:start + size] = np.where(total > 0, won_value[idx].sum(axis=1) / total, np.nan)
    alpha = 1 - confidence
    if np.isnan(stats).all():
        return np.nan, np.nan
    low, high = np.nanquantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def _group_rows(frame, by):
    """(key, rows) of each group, in sorted order (one group ``()`` without ``by``)."""
    if not by:
        return [((), frame)]
    grouped = frame.groupby(by, observed=True, sort=True, dropna=False)
    return [((key,) if not isinstance(key, tuple) else key, rows) for key, rows in grouped]


def _one_group(rows, has_value, confidence, n_boot, rng):
    outcome = rows["outcome"].astype(object).to_numpy()
    decided = outcome != "open"
    won = outcome == "won"
    row = {"n_quotes": len(rows), "n_open": int((~decided).sum()), "n_decided": int(decided.sum()),
           "n_won": int(won.sum()), "n_lost": int((outcome == "lost").sum())}
    row["win_rate"] = row["n_won"] / row["n_decided"] if row["n_decided"] else np.nan
    row["win_rate_low"], row["win_rate_high"] = wilson_interval(row["n_won"], row["n_decided"], confidence)
    if has_value:
        value = pd.to_numeric(rows["quote_value"], errors="coerce").to_numpy(dtype=float)
        use = decided & ~np.isnan(value)
        row["value_decided"] = float(value[use].sum())
        row["value_won"] = float(value[use & won].sum())
        row["value_win_rate"] = row["value_won"] / row["value_decided"] if row["value_decided"] > 0 else np.nan
        row["value_win_rate_low"], row["value_win_rate_high"] = _bootstrap_share(
            won[use], value[use], confidence, n_boot, rng)
    return row


def win_rates(projects, by=None, *, accounts=None, confidence=0.95, n_boot=2000, random_state=0):
    """Win rates by count and by value, per group, with confidence intervals.

    Parameters
    ----------
    projects : pandas.DataFrame
        The quotes (:func:`kamlab.read_projects`, ``case.projects``): ``outcome``
        (won/lost/open) and, for the rates by value, ``quote_value``.
    by : str or list of str, optional
        Grouping column(s): a column of the quotes (``"offering"``, ``"competitors"``,
        ``"followups"``, ``"account_id"``), ``"quarter"``, ``"year"`` or ``"month"`` of the
        quote date, or a column of ``accounts`` (``"account_manager"``, ``"abc"``, ...).
        None: one overall rate.
    accounts : DataFrame or list of DataFrames, optional
        Tables with one row per ``account_id`` that hold grouping columns the quotes lack:
        the account table, the ratings, the result of :func:`kamlab.abc_analysis`.
    confidence : float, default=0.95
        Of the intervals.
    n_boot : int, default=2000
        Bootstrap replicates of the rate by value.
    random_state : int, numpy.random.Generator or None, default=0
        Seeds the bootstrap: the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n_quotes``, ``n_open`` (left out of the
        rates), ``n_decided``, ``n_won``, ``n_lost``, ``win_rate`` = n_won / n_decided with
        ``win_rate_low``/``win_rate_high`` (Wilson); with ``quote_value`` also
        ``value_decided``, ``value_won``, ``value_win_rate`` and its bootstrap interval
        ``value_win_rate_low``/``value_win_rate_high``. ``attrs``: ``by``, ``confidence``,
        ``n_open`` (open quotes left out, in all).

    Notes
    -----
    The bootstrap draws the decided quotes of a group with replacement; with very few
    quotes it cannot show more spread than the quotes have (one quote: no spread at all),
    so read a small group by its Wilson interval and its ``n_decided``.

    Examples
    --------
    >>> import pandas as pd
    >>> quotes = pd.DataFrame({"outcome": ["won"] * 7 + ["lost"] * 3 + ["open"],
    ...                        "quote_value": [10.0] * 11})
    >>> rates = win_rates(quotes)
    >>> rates[["n_decided", "n_won", "n_open", "win_rate"]].values.tolist()
    [[10.0, 7.0, 1.0, 0.7]]
    >>> round(float(rates["win_rate_low"][0]), 3), round(float(rates["win_rate_high"][0]), 3)
    (0.397, 0.892)
    """
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 100:
        raise ParameterError(f"n_boot must be a whole number of at least 100, not {n_boot!r}.")
    frame = check_projects(projects, what="win_rates")
    frame, by = with_groups(frame, by, accounts, what="win_rates")
    rng = np.random.default_rng(random_state)
    has_value = "quote_value" in frame.columns
    rows = []
    for key, group in _group_rows(frame, by):
        rows.append({**dict(zip(by, key)), **_one_group(group, has_value, confidence, n_boot, rng)})
    result = pd.DataFrame(rows)
    result.attrs.update(by=tuple(by), confidence=confidence, n_open=int(result["n_open"].sum()))
    return result
