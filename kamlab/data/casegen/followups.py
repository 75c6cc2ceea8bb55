"""Follow-ups (Nachfassen) and outcomes of the quotes (step 7, generator 2.0).

The number of follow-up contacts of a quote depends only on what the company records at the
quote date (the ``projects`` columns ``relationship_at_quote``, ``revenue_12m``, ``quote_value``,
``offering``, ``competitors``), on the key-account manager's diligence and on the business days
until the decision; nothing the analyst cannot see. The win probability depends on the same
recorded covariates, on the latent relationship ``r_i`` (which ``relationship_at_quote``
measures) and on the follow-ups, with the true effect ``FOLLOWUP_EFFECT`` log-odds per contact.
Managers follow up more on promising quotes and bigger accounts, so the raw win rate by number
of follow-ups overstates the effect; adjusting for the recorded covariates recovers it.

``revenue_12m`` is the account's net invoiced revenue in the 365 days before the quote date, and
that includes the invoices of projects won earlier; so the quotes are decided week by week in
date order (a quote's own invoices come at least eight days after it, so a week's quotes never
see each other's). The random numbers (one uniform per quote for the follow-ups, one for the
outcome) are drawn up front from the ``followups`` stream.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import (
    F_COMP,
    F_REL,
    F_REV,
    F_VAL,
    FOLLOWUP_EFFECT,
    MAX_FOLLOWUPS,
    QUOTE_BETA,
    QUOTE_VALUE,
    RELATIONSHIP_NOISE,
    REV_CENTRE,
    REVENUE_UNIT,
    W_0,
    W_COMP,
    W_REL,
    W_REV,
    W_VAL,
)
from kamlab.data.casegen.sampling import _logistic

BLOCK_DAYS = 7  # quotes decided together; a quote's first invoice comes at least 8 days after it
LOOKBACK_DAYS = 365


def relationship_levels(rng, relationship, n_years):
    """Relationship level 1..10 in the CRM per account and calendar year (updated once a year)."""
    noise = rng.standard_normal((len(relationship), n_years))
    z = (relationship[:, None] + RELATIONSHIP_NOISE * noise) / np.sqrt(1 + RELATIONSHIP_NOISE**2)
    return np.clip(np.round(5.5 + 2.0 * z), 1, 10).astype(np.int64)


def log_revenue(revenue_12m):
    """The size covariate ``x_rev = ln(1 + revenue_12m / REVENUE_UNIT)`` (negative revenue as 0)."""
    return np.log1p(np.maximum(revenue_12m, 0.0) / REVENUE_UNIT)


def value_ratio(quote_value, offering):
    """The quote-size covariate ``x_val = ln(quote_value / QUOTE_VALUE[offering])``."""
    return np.log(quote_value / QUOTE_VALUE[offering])


def followup_rate(diligence, level, x_rev, x_val, competitors):
    """Mean of the (uncapped) Poisson number of follow-ups of a quote."""
    return diligence * np.exp(
        F_REL * (level - 5.5) / 2
        + F_REV * (x_rev - REV_CENTRE)
        + F_VAL * x_val
        + F_COMP * (competitors - 2.5)
    )


def win_logit(offering, relationship, x_rev, x_val, competitors):
    """Log-odds of winning a quote with no follow-up; each follow-up adds ``FOLLOWUP_EFFECT``."""
    return (
        W_0
        + QUOTE_BETA[offering]
        + W_REL * relationship
        + W_REV * (x_rev - REV_CENTRE)
        + W_VAL * x_val
        + W_COMP * (competitors - 2)
    )


def win_probability(eta, k):
    """``p(k) = logistic(eta + FOLLOWUP_EFFECT * k)``."""
    return _logistic(eta + FOLLOWUP_EFFECT * k)


def _capped_poisson_pmf(lam):
    """``P(min(Poisson(lam), MAX_FOLLOWUPS) = k)`` for k = 0..MAX_FOLLOWUPS (last axis)."""
    k = np.arange(MAX_FOLLOWUPS + 1)
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(k[1:]))])
    lam = np.asarray(lam, dtype=float)[..., None]
    pmf = np.exp(k * np.log(lam) - lam - log_factorial)
    pmf[..., -1] += 1 - pmf.sum(axis=-1)
    return pmf


def capped_poisson(u, lam):
    """``min(Poisson(lam), MAX_FOLLOWUPS)`` by inversion of the uniforms ``u``."""
    cdf = np.cumsum(_capped_poisson_pmf(lam), axis=-1)[..., :-1]
    return (cdf < u[:, None]).sum(axis=1).astype(np.int64)


def mean_win_probability(diligence, relationship, expected_revenue, x_val, p_comp, offering):
    """Win probability of a quote of an (account, offering) cell, averaged over competitors and follow-ups.

    Used only to set the quote rate (the expected won value must match the cell's project revenue);
    it plugs in the cell's expected values for the relationship level and the revenue.
    """
    c = np.arange(1, 5)
    pc = np.array([1, 3, 3, 1]) * p_comp[:, None] ** (c - 1) * (1 - p_comp[:, None]) ** (4 - c)
    level = 5.5 + 2.0 * relationship / np.sqrt(1 + RELATIONSHIP_NOISE**2)
    x_rev = log_revenue(expected_revenue)
    lam = followup_rate(diligence[:, None], level[:, None], x_rev[:, None], x_val[:, None], c[None, :])
    pk = _capped_poisson_pmf(lam)  # (cells, competitors, k)
    eta = win_logit(offering[:, None], relationship[:, None], x_rev[:, None], x_val[:, None], c[None, :])
    p_win = win_probability(eta[:, :, None], np.arange(MAX_FOLLOWUPS + 1))
    return (pc[:, :, None] * pk * p_win).sum(axis=(1, 2))


class RevenueHistory:
    """Net invoiced revenue per account and day, summed over the days before a quote.

    Parameters
    ----------
    n_days : int
        Days in the calendar (the key is ``account * n_days + day``).
    account, day, revenue : numpy.ndarray
        One entry per invoice or credit-note line.
    """

    def __init__(self, n_days, account, day, revenue):
        key = np.asarray(account, dtype=np.int64) * n_days + np.asarray(day, dtype=np.int64)
        order = np.argsort(key, kind="stable")
        self.n_days = n_days
        self.key = key[order]
        self.cum = np.concatenate([[0.0], np.cumsum(np.asarray(revenue, dtype=float)[order])])

    def before(self, account, day, days=LOOKBACK_DAYS):
        """Revenue of each ``account`` on the days ``[day - days, day)`` (from day 0 of the calendar)."""
        base = np.asarray(account, dtype=np.int64) * self.n_days
        hi = np.searchsorted(self.key, base + day, side="left")
        lo = np.searchsorted(self.key, base + np.maximum(day - days, 0), side="left")
        return self.cum[hi] - self.cum[lo]


def pre_window_revenue(window, regular_per_year, growth, lo, account, day):
    """Expected regular revenue before the window in ``[day - 365, day)``: the window has no orders then.

    The CRM knew the year before the window; the generator draws no orders for it, so the revenue
    of those days is the expected regular revenue (seasonal profile times growth). Accounts acquired
    in the window (``lo > i_first``) had none.
    """
    i_first = window.i_first
    start = np.maximum(day - LOOKBACK_DAYS, 0)
    stop = np.minimum(day, i_first)
    cum = np.concatenate([[0.0], np.cumsum(window.weight)])
    mid = np.clip((start + stop) // 2, 0, len(window.weight) - 1)
    expected = (
        regular_per_year[account]
        * np.exp(growth[account] * window.sampler.t[mid])
        * (cum[np.maximum(stop, start)] - cum[start])
        / 365.25
    )
    return np.where((stop > start) & (lo[account] <= i_first), expected, 0.0)


@dataclass(frozen=True)
class Outcomes:
    """What :func:`draw_outcomes` decides for each quote (arrays indexed like the quotes).

    Attributes
    ----------
    level : numpy.ndarray
        Relationship level 1..10 on record at the quote date.
    revenue_12m : numpy.ndarray
        The account's net invoiced revenue in the 365 days before the quote (EUR, cents).
    followups : numpy.ndarray
        Follow-up contacts until the decision (planned: for open quotes some lie after the window).
    eta : numpy.ndarray
        Log-odds of winning with no follow-up; ``p(k) = logistic(eta + FOLLOWUP_EFFECT k)``.
    won : numpy.ndarray
        Whether the customer orders.
    """

    level: np.ndarray
    revenue_12m: np.ndarray
    followups: np.ndarray
    eta: np.ndarray
    won: np.ndarray


def draw_outcomes(rng, window, quotes, lines, regular, relationship, diligence, business_days):
    """Relationship level, revenue before the quote, follow-ups and outcome of every quote.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``followups`` stream.
    window : Window
        The calendar.
    quotes : dict of numpy.ndarray
        The quotes (``account``, ``offering``, ``day``, ``value``, ``competitors``).
    lines : dict of numpy.ndarray
        The invoice lines every quote would have if won (``project``, ``account``, ``day``,
        ``revenue``).
    regular : RevenueHistory and numpy.ndarray
        ``(history, pre)``: the regular lines and credit notes, and :func:`pre_window_revenue`
        of each quote.
    relationship, diligence : numpy.ndarray
        Latent relationship ``r_i`` and the key-account manager's diligence, per account.
    business_days : numpy.ndarray
        Business days from the quote to the decision (at most that many follow-ups).

    Returns
    -------
    Outcomes
    """
    acc, day, off, comp = quotes["account"], quotes["day"], quotes["offering"], quotes["competitors"]
    n_q = len(day)
    year = window.days.astype("datetime64[Y]").astype(int)
    levels = relationship_levels(rng, relationship, year[-1] - year[0] + 1)
    u_follow, u_win = rng.random(n_q), rng.random(n_q)
    level = levels[acc, year[day] - year[0]]
    x_val = value_ratio(quotes["value"], off)
    history, pre = regular
    base = history.before(acc, day) + pre
    out = {
        "revenue_12m": np.zeros(n_q),
        "followups": np.zeros(n_q, dtype=np.int64),
        "eta": np.zeros(n_q),
        "won": np.zeros(n_q, dtype=bool),
    }
    # the quotes and their potential invoice lines, week by week
    block = day // BLOCK_DAYS
    q_sorted = np.argsort(block, kind="stable")
    l_sorted = np.argsort(block[lines["project"]], kind="stable")
    weeks = np.unique(block)
    q_bounds = np.searchsorted(block[q_sorted], weeks, side="right")
    l_bounds = np.searchsorted(block[lines["project"]][l_sorted], weeks, side="right")
    won_lines, won_history = [], None
    for w in range(len(weeks)):
        idx = q_sorted[(q_bounds[w - 1] if w else 0) : q_bounds[w]]
        revenue = base[idx] + (won_history.before(acc[idx], day[idx]) if won_history else 0.0)
        revenue = np.round(revenue, 2)
        x_rev = log_revenue(revenue)
        lam = followup_rate(diligence[acc[idx]], level[idx], x_rev, x_val[idx], comp[idx])
        k = np.minimum(capped_poisson(u_follow[idx], lam), business_days[idx])
        eta = win_logit(off[idx], relationship[acc[idx]], x_rev, x_val[idx], comp[idx])
        won = u_win[idx] < win_probability(eta, k)
        for key, value in (("revenue_12m", revenue), ("followups", k), ("eta", eta), ("won", won)):
            out[key][idx] = value
        week_lines = l_sorted[(l_bounds[w - 1] if w else 0) : l_bounds[w]]
        week_lines = week_lines[out["won"][lines["project"][week_lines]]]
        if week_lines.size:
            won_lines.append(week_lines)
            every = np.concatenate(won_lines)
            won_history = RevenueHistory(
                len(window.weight), lines["account"][every], lines["day"][every], lines["revenue"][every]
            )
    return Outcomes(level=level, **out)


def quote_truth_frame(project_ids, order, eta, decided):
    """The ``quote_truth`` table: the win probability ``p(k)`` of every decided quote for k = 0..8.

    ``order`` lists the window's quotes in the order of the ``projects`` table.
    """
    q = order[decided[order]]
    k = np.arange(MAX_FOLLOWUPS + 1)
    p_win = win_probability(eta[q][:, None], k[None, :])
    return pd.DataFrame(
        {
            "project_id": pd.array(np.repeat(project_ids[q], len(k)), dtype="str"),
            "followups_k": np.tile(k, len(q)).astype(np.int64),
            "p_win": np.round(p_win.ravel(), 6),
        }
    )
