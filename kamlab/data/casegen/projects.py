"""Quotes and projects (step 7): quotes, competitors, decision times and project invoices.

:func:`quote_cells` sets the quote process of each (account, offering); :func:`draw_quotes` draws
the quotes of the window (and of the year before it) from the ``quotes`` stream;
:func:`potential_lines` prices the invoice lines each quote would have if won (``project_invoices``
stream); :mod:`~kamlab.data.casegen.followups` decides follow-ups and outcomes;
:func:`_projects_frame` turns the quotes into the ``projects`` table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import (
    DECISION_DAYS,
    ENG,
    LEAD_DAYS,
    LOSS_REASONS,
    OFFERINGS,
    PHI,
    QUOTE_VALUE,
)
from kamlab.data.casegen.followups import mean_win_probability
from kamlab.data.casegen.sampling import _choice_rows, _logistic, _next_business_day
from kamlab.data.casegen.tables import _categorical, _dates, _dates_or_nat
from kamlab.data.casegen.transactions import _price_lines


@dataclass(frozen=True)
class QuoteCells:
    """The (account, offering) cells with project revenue, and their quote process.

    Attributes
    ----------
    acc, off : numpy.ndarray
        Account and offering of each cell.
    p_comp : numpy.ndarray
        The competitor probability (``1 + Binomial(3, p_comp)`` competitors per quote).
    mean_value, quotes_per_year : numpy.ndarray
        Mean quote value and quote rate that give the expected project revenue.
    lo, hi : numpy.ndarray
        The days on which the cell asks for quotes, ``[lo, hi)``.
    """

    acc: np.ndarray
    off: np.ndarray
    p_comp: np.ndarray
    mean_value: np.ndarray
    quotes_per_year: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def quote_cells(window, arch, wallets, life, diligence):
    """The quote process of each (account, offering) with project revenue; draws nothing."""
    size_z, i_end = wallets.size_z, window.i_end
    project_rev = wallets.expected * PHI[arch]
    acc, off = np.nonzero(project_rev > 0)
    target = project_rev[acc, off]
    p_comp = _logistic(-0.5 + 0.6 * size_z[acc])
    size_factor = np.exp(0.3 * size_z[acc])
    mean_value = QUOTE_VALUE[off] * size_factor
    x_val = np.log(size_factor) - 0.18  # mean log ratio of a quote's value to QUOTE_VALUE
    p_bar = mean_win_probability(
        diligence[acc], wallets.relationship[acc], wallets.expected_total[acc], x_val, p_comp, off
    )
    realised = 0.96  # won quotes are invoiced at 92-100 % of the quoted value
    quotes_per_year = target / (p_bar * mean_value * realised)
    too_many = quotes_per_year > 15
    mean_value = np.where(too_many, mean_value * quotes_per_year / 15, mean_value)
    quotes_per_year = np.minimum(quotes_per_year, 15)
    lo = np.where(life.is_new[acc], life.acquired[acc], 0)
    # a lost account asks for no quotes it could not receive before it leaves
    dropout = life.dropout
    lost_cell = dropout[acc] < i_end
    hi = np.where(lost_cell, dropout[acc] - np.round(LEAD_DAYS[off] + DECISION_DAYS[off]).astype(int), i_end)
    hi = np.maximum(hi, lo + 1)
    return QuoteCells(
        acc=acc,
        off=off,
        p_comp=p_comp,
        mean_value=mean_value,
        quotes_per_year=quotes_per_year,
        lo=lo,
        hi=hi,
    )


def draw_quotes(rng, window, cells, relationship, growth, centres):
    """The quotes of each cell (a Poisson process) with value, competitors, decision and delivery day.

    Returns
    -------
    dict of numpy.ndarray
        One entry per quote: account, offering, centre, day, value, competitors, decision_day,
        order_value, loss_reason (used if lost) and delivery (the invoice day if won).
    """
    sampler, acc, off = window.sampler, cells.acc, cells.off
    exposure = sampler.expected_years(cells.lo, cells.hi, growth[acc])
    n_quotes = rng.poisson(cells.quotes_per_year * exposure)
    q_cell = np.repeat(np.arange(len(acc)), n_quotes)
    q_day = sampler.draw(rng, q_cell, cells.lo, cells.hi, growth[acc])
    q_acc, q_off = acc[q_cell], off[q_cell]
    q_value = np.round(cells.mean_value[q_cell] * np.exp(0.6 * rng.standard_normal(len(q_cell)) - 0.18), -1)
    q_value = np.maximum(q_value, np.where(q_off == ENG, 1500.0, 300.0))
    competitors = 1 + rng.binomial(3, cells.p_comp[q_cell])
    decision_days = np.maximum(3, np.round(rng.gamma(2.0, DECISION_DAYS[q_off] / 2.0))).astype(np.int64)
    decision_day = q_day + decision_days
    q_centre = centres.draw(rng, q_acc, q_off)
    # loss reason: price more often against many competitors, relationship when the relationship is weak
    reason_weight = np.column_stack(
        [
            0.35 + 0.1 * competitors,
            np.full(len(q_cell), 0.25),
            0.15 + 0.15 * (relationship[q_acc] < -0.5),
            np.full(len(q_cell), 0.15),
        ]
    )
    loss_reason = _choice_rows(rng, reason_weight)
    # invoicing if won: lead time, then one invoice (two for large engineering projects)
    lead = np.round(rng.gamma(3.0, LEAD_DAYS[q_off] / 3.0)).astype(np.int64)
    order_value = np.round(q_value * rng.uniform(0.92, 1.0, len(q_cell)), 2)
    return {
        "account": q_acc,
        "offering": q_off,
        "centre": q_centre,
        "day": q_day,
        "value": q_value,
        "competitors": competitors,
        "decision_day": decision_day,
        "order_value": order_value,
        "loss_reason": loss_reason,
        "delivery": decision_day + 5 + lead,
    }


def potential_lines(rng, window, quotes, dropout, discount, n_orders_before):
    """The invoice lines every quote would have if won: one on delivery, large engineering projects in two.

    Pricing does not depend on the outcome, so the lines are priced for every quote (from the
    ``project_invoices`` stream) and :func:`won_lines` keeps those of the won quotes. Lines after the
    window or after the account's dropout are left out.

    Returns
    -------
    dict of numpy.ndarray
        As :class:`~kamlab.data.casegen.transactions.RegularOrders` lines; ``order`` counts on from
        ``n_orders_before`` (every project invoice is its own order), ``project`` is the quote.
    """
    q_acc, q_off = quotes["account"], quotes["offering"]
    order_value, decision_day, delivery = quotes["order_value"], quotes["decision_day"], quotes["delivery"]
    split = (q_off == ENG) & (order_value > 50000)
    every = np.ones(len(q_acc), dtype=bool)
    part_day = [np.where(split, decision_day + 14, delivery), delivery]
    part_value = [np.where(split, 0.3 * order_value, order_value), 0.7 * order_value]
    parts_idx, parts_day, parts_value = [], [], []
    for day_k, value_k, use_k in zip(part_day, part_value, [every, split], strict=True):
        keep = use_k & (day_k < np.minimum(dropout[q_acc], window.i_end))
        parts_idx.append(np.flatnonzero(keep))
        parts_day.append(day_k[keep])
        parts_value.append(value_k[keep])
    idx = np.concatenate(parts_idx)
    day = np.concatenate(parts_day)
    value = np.concatenate(parts_value)
    # deliveries only on business days
    day = _next_business_day(window.business, day)
    inside = day >= 0
    idx, value, day = idx[inside], value[inside], day[inside]
    priced = _price_lines(rng, q_off[idx], value, discount[q_acc[idx]])
    priced.update(
        account=q_acc[idx],
        centre=quotes["centre"][idx],
        day=day,
        order=n_orders_before + np.arange(len(idx)),
        project=idx,
    )
    return priced


def won_lines(lines, won):
    """The potential lines of the won quotes."""
    keep = won[lines["project"]]
    return {key: value[keep] for key, value in lines.items()}


def _project_ids(quotes, days, i_first):
    """Ids Q-YYYY-NNNNN for quotes sent inside the window (None for the year before it)."""
    inside = quotes["day"] >= i_first
    order = np.lexsort((quotes["offering"], quotes["account"], quotes["day"]))
    order = order[inside[order]]
    year = days[quotes["day"][order]].astype("datetime64[Y]").astype(int) + 1970
    number = pd.Series(year).groupby(year, sort=False).cumcount().to_numpy() + 1
    ids = np.full(len(quotes["day"]), None, dtype=object)
    ids[order] = [f"Q-{y}-{k:05d}" for y, k in zip(year, number, strict=True)]
    return ids, order


def _projects_frame(quotes, order, project_ids, account_ids, centre_ids, days, i_end):
    """The ``projects`` table: the quotes sent inside the window, in the order of their ids.

    ``quotes`` holds the arrays of :func:`draw_quotes` plus ``level`` and ``revenue_12m`` (recorded
    at the quote date), ``followups`` (contacts up to the decision or the end of the window) and ``won``.
    """
    q = {k: v[order] for k, v in quotes.items()}
    decided = q["decision_day"] < i_end
    outcome = np.where(~decided, "open", np.where(q["won"], "won", "lost"))
    decision = _dates_or_nat(np.where(decided, q["decision_day"], -1), days)
    days_to_decision = pd.array(np.where(decided, q["decision_day"] - q["day"], 0), dtype="Int64")
    days_to_decision[~decided] = pd.NA
    return pd.DataFrame(
        {
            "project_id": pd.array(project_ids[order], dtype="str"),
            "account_id": pd.array(account_ids[q["account"]], dtype="str"),
            "centre_id": pd.array(centre_ids[q["centre"]], dtype="str"),
            "offering": _categorical(np.array(OFFERINGS, dtype=object)[q["offering"]], OFFERINGS),
            "quote_date": _dates(q["day"], days),
            "quote_value": q["value"].astype(float),
            "competitors": q["competitors"].astype(np.int64),
            "relationship_at_quote": q["level"].astype(np.int64),
            "revenue_12m": q["revenue_12m"].astype(float),
            "followups": q["followups"].astype(np.int64),
            "decision_date": decision,
            "days_to_decision": days_to_decision,
            "outcome": _categorical(outcome, ["won", "lost", "open"]),
            "order_value": np.where(outcome == "won", q["order_value"], np.nan),
            "loss_reason": _categorical(
                np.where(outcome == "lost", np.array(LOSS_REASONS, dtype=object)[q["loss_reason"]], None),
                LOSS_REASONS,
            ),
        }
    )
