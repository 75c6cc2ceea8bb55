"""Cost to serve (step 9): rebates, marketing, visits, order handling, logistics, technical service.

Computed per account and calendar year from what the transactions show, plus per-account
agreements (rebate rates, co-op marketing, events, consignment stock) drawn once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import DAY, FREIGHT_PER_SHIPMENT, REBATE_RANGE, SERVICE_HOURS


def draw_costs(rng, transactions, account_ids, firms, wallets, life, terms, window):
    """Cost to serve per account and calendar year, from what the transactions show.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator of the case.
    transactions : pandas.DataFrame
        The ``transactions`` table.
    account_ids : numpy.ndarray
        Account id of each account index.
    firms, wallets, life, terms : Firms, Wallets, LifeCycle, Terms
        The accounts (see :mod:`kamlab.data.casegen.accounts`).
    window : Window
        The calendar.

    Returns
    -------
    pandas.DataFrame
        The ``costs`` table.
    """
    arch = firms.arch
    years = _account_years(transactions, account_ids, life, window)
    acc, m, active, positive = years["acc"], years["m"], years["active"], np.maximum(years["revenue"], 0.0)
    deal = _agreements(rng, arch, wallets.expected_total, terms.key_account, terms.over_served)
    freight = np.array([FREIGHT_PER_SHIPMENT.get(c, 85.0) for c in firms.country])
    rebates = np.where(positive >= 25_000, deal["rebate_rate"][acc] * positive, 0.0)
    marketing = (
        active * (120.0 + deal["events"][acc]) * rng.uniform(0.8, 1.2, m) + deal["coop_rate"][acc] * positive
    )
    n_visits = rng.poisson(active * deal["visit_rate"][acc])
    sales_visits = n_visits * terms.visit_cost[acc] * rng.uniform(0.9, 1.1, m)
    n_invoices = years["n_invoices"]
    order_handling = n_invoices * np.where(arch[acc] == 1, 22.0, 38.0) + years["n_credit"] * 65.0
    logistics = n_invoices * freight[acc] + 0.01 * positive + active * deal["consignment"][acc]
    service_hours = rng.poisson(active * deal["hours_rate"][acc])
    technical_service = service_hours * 98.0
    return pd.DataFrame(
        {
            "account_id": pd.array(account_ids[acc], dtype="str"),
            "year": years["year"].astype(np.int64),
            "discounts_rebates": np.round(rebates, 2),
            "marketing": np.round(marketing, 2),
            "sales_visits": np.round(sales_visits, 2),
            "order_handling": np.round(order_handling, 2),
            "logistics": np.round(logistics, 2),
            "technical_service": np.round(technical_service, 2),
            "n_visits": n_visits.astype(np.int64),
            "service_hours": service_hours.astype(np.int64),
        }
    )


def _account_years(transactions, account_ids, life, window):
    """The account-year rows of the cost table, with what the transactions show about them.

    A row for every year the account was a customer and every year it has an invoice line;
    with its revenue, number of invoices and credit notes, and the share of the year active.
    """
    n, n_years, first_year = len(account_ids), window.n_years, window.first_year
    active_first = window.days[life.lo]
    active_last = window.days[life.hi - 1]
    years = np.arange(first_year, first_year + n_years)
    acc_year = np.zeros((n, n_years), dtype=bool)
    y_first = active_first.astype("datetime64[Y]").astype(int) + 1970
    y_last = active_last.astype("datetime64[Y]").astype(int) + 1970
    acc_year |= (years[None, :] >= y_first[:, None]) & (years[None, :] <= y_last[:, None])
    t_year = transactions["date"].dt.year.to_numpy()
    t_acc = pd.Index(account_ids).get_indexer(transactions["account_id"])
    acc_year[t_acc, t_year - first_year] = True
    acc, yi = np.nonzero(acc_year)
    row = np.full((n, n_years), -1)
    row[acc, yi] = np.arange(len(acc))
    rows = row[t_acc, t_year - first_year]
    m = len(acc)
    revenue = np.bincount(rows, weights=transactions["revenue"].to_numpy(), minlength=m)
    docs = transactions.drop_duplicates("invoice_id")
    doc_rows = rows[docs.index.to_numpy()]
    n_invoices = np.bincount(doc_rows[~docs["is_credit_note"].to_numpy()], minlength=m)
    n_credit = np.bincount(doc_rows[docs["is_credit_note"].to_numpy()], minlength=m)
    # share of the year the account was a customer
    year_start = (years[yi] - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    year_end = (years[yi] - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    overlap = (np.minimum(year_end, active_last[acc] + DAY) - np.maximum(year_start, active_first[acc])) / DAY
    return {
        "acc": acc,
        "year": years[yi],
        "m": m,
        "revenue": revenue,
        "n_invoices": n_invoices,
        "n_credit": n_credit,
        "active": np.clip(overlap / 365.0, 0.05, 1.0),
    }


def _agreements(rng, arch, expected_total, key_account, over_served):
    """Per-account agreements, drawn once: rebates, co-op marketing, events, consignment, visits, service."""
    n = len(arch)
    big = expected_total >= 200_000
    rebate_rate = rng.uniform(REBATE_RANGE[arch, 0], REBATE_RANGE[arch, 1]) * ((arch <= 1) | big)
    rebate_rate = rebate_rate + over_served * rng.uniform(0.03, 0.06, n)
    coop_rate = np.where(arch == 1, rng.uniform(0.015, 0.03, n), np.where(arch == 0, 0.003, 0.0))
    events = key_account * rng.uniform(2000, 8000, n) + over_served * rng.uniform(8000, 25000, n)
    consignment = over_served * (arch <= 1) * rng.uniform(15000, 45000, n)
    visit_rate = np.minimum(30, 0.2 + 6 * np.sqrt(expected_total / 1e6)) + 4 * key_account
    visit_rate = np.where(over_served, 1.8 * visit_rate + 6, visit_rate)
    hours_rate = SERVICE_HOURS[arch] * np.sqrt(expected_total / 300_000) * np.where(over_served, 3.0, 1.0)
    return {
        "rebate_rate": rebate_rate,
        "coop_rate": coop_rate,
        "events": events,
        "consignment": consignment,
        "visit_rate": visit_rate,
        "hours_rate": hours_rate,
    }
