"""Invoice lines and credit notes (steps 6 and 8): regular orders, pricing, the transactions table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import (
    ENG,
    EXTRA_LINES,
    GROUP_COST,
    GROUP_LUMP,
    GROUP_OFFERING,
    GROUP_PMAX,
    GROUP_PMIN,
    GROUP_WEIGHT,
    OFFERING_FREQUENCY,
    OFFERINGS,
    ORDERS_PER_YEAR,
    PHI,
    PRODUCT_GROUPS,
)
from kamlab.data.casegen.sampling import _choice_rows, _next_business_day, _stochastic_round
from kamlab.data.casegen.tables import _categorical, _dates


@dataclass(frozen=True)
class RegularOrders:
    """The regular (not quoted) orders of step 6.

    Attributes
    ----------
    lines : dict of numpy.ndarray
        The invoice lines: offering, group, quantity, unit_price, revenue, cost (from
        :func:`_price_lines`) and account, centre, day, order, project (-1).
    orders_per_year : numpy.ndarray
        The order rate ``lambda_i`` of each account.
    n_orders : int
        Number of orders; project invoices are numbered after them.
    """

    lines: dict
    orders_per_year: np.ndarray
    n_orders: int


def regular_orders(rng, window, arch, wallets, life, discount, centres):
    """Step 6: orders as a Poisson process on the active days, their lines and line values."""
    n = len(arch)
    regular = wallets.expected * (1 - PHI[arch])
    regular_total = regular.sum(axis=1)
    median_by_arch = np.array(
        [np.median(regular_total[arch == a]) if (arch == a).any() else 1.0 for a in range(6)]
    )
    lam = (
        ORDERS_PER_YEAR[arch]
        * (regular_total / median_by_arch[arch]) ** 0.25
        * rng.gamma(6.0, 1 / 6.0, n)
        * (regular_total > 0)
    )
    exposure = window.sampler.expected_years(life.lo, life.hi, life.growth)
    n_orders = np.maximum(rng.poisson(lam * exposure), 1)
    order_account = np.repeat(np.arange(n), n_orders)
    order_day = window.sampler.draw(rng, order_account, life.lo, life.hi, life.growth)
    n_lines = 1 + rng.binomial(7, EXTRA_LINES[arch[order_account]] / 7)
    line_order = np.repeat(np.arange(len(order_account)), n_lines)
    line_account = order_account[line_order]
    pick_weight = regular**0.6 * OFFERING_FREQUENCY
    line_offering = _choice_rows(rng, pick_weight[line_account])
    # expected number of lines per year of each (account, offering)
    lines_per_year = lam * (1 + EXTRA_LINES[arch])
    p_offering = pick_weight / np.where(
        pick_weight.sum(axis=1, keepdims=True) > 0, pick_weight.sum(axis=1, keepdims=True), 1
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_line_value = np.where(p_offering > 0, regular / (lines_per_year[:, None] * p_offering), 0.0)
    sigma = 0.8
    value = mean_line_value[line_account, line_offering] * np.exp(
        sigma * rng.standard_normal(len(line_account)) - sigma**2 / 2
    )
    line_centre = centres.draw(rng, line_account, line_offering)
    lines = _price_lines(rng, line_offering, value, discount[line_account])
    lines.update(
        account=line_account,
        centre=line_centre,
        day=order_day[line_order],
        order=line_order,
        project=np.full(len(line_account), -1),
    )
    return RegularOrders(lines=lines, orders_per_year=lam, n_orders=len(order_account))


def _price_lines(rng, offering, value, discount):
    """Product group, quantity, unit price, revenue and cost of invoice lines with a target net value."""
    m = len(offering)
    discount = np.where(offering == ENG, 0.0, discount)
    candidates = GROUP_OFFERING[None, :] == offering[:, None]
    net_min = GROUP_PMIN[None, :] * (1 - discount[:, None])
    feasible = candidates & (net_min <= value[:, None])
    cheapest = np.argmin(np.where(candidates, GROUP_PMIN[None, :], np.inf), axis=1)
    weight = np.where(feasible, GROUP_WEIGHT[None, :], 0.0)
    none = ~feasible.any(axis=1)
    weight[none, cheapest[none]] = 1.0
    group = _choice_rows(rng, weight)
    pmin = GROUP_PMIN[group]
    pmax = np.maximum(pmin, np.minimum(GROUP_PMAX[group], value / (1 - discount)))
    list_price = np.exp(np.log(pmin) + rng.random(m) * (np.log(pmax) - np.log(pmin)))
    # a little price dispersion around the account's discount
    net_price = np.round(list_price * (1 - discount * rng.uniform(0.85, 1.15, m)), 2)
    quantity = np.maximum(1, _stochastic_round(rng, value / net_price))
    is_lump = GROUP_LUMP[group]
    net_price = np.where(is_lump, np.round(value, 2), net_price)
    quantity = np.where(is_lump, 1, quantity)
    revenue = np.round(quantity * net_price, 2)
    cost_noise = np.exp(0.04 * rng.standard_normal(m))
    # engineering: cost relative to the invoiced value, with overruns
    cost = np.where(
        is_lump,
        revenue * GROUP_COST[group] * np.exp(0.12 * rng.standard_normal(m)),
        quantity * list_price * GROUP_COST[group] * cost_noise,
    )
    return {
        "offering": offering,
        "group": group,
        "quantity": quantity.astype(np.int64),
        "unit_price": net_price,
        "revenue": revenue,
        "cost": np.round(cost, 2),
    }


def _credit_notes(rng, lines, arch, dropout, i_end, business):
    """Returns and price corrections of a few regular lines."""
    m = len(lines["account"])
    regular = lines["project"] < 0
    rate = np.where(arch[lines["account"]] == 1, 0.04, 0.02)
    chosen = np.flatnonzero(regular & (rng.random(m) < rate))
    delay = rng.integers(3, 46, len(chosen))
    day = _next_business_day(business, lines["day"][chosen] + delay)
    keep = (day >= 0) & (day < np.minimum(dropout[lines["account"][chosen]] + 30, i_end))
    chosen, day = chosen[keep], day[keep]
    is_return = rng.random(len(chosen)) < 0.6
    q = lines["quantity"][chosen]
    returned = np.maximum(1, np.round(q * rng.uniform(0.1, 1.0, len(chosen)))).astype(np.int64)
    price = lines["unit_price"][chosen]
    correction = -np.round(price * rng.uniform(0.03, 0.15, len(chosen)), 2)
    correction = np.minimum(correction, -0.01)
    quantity = np.where(is_return, -returned, q)
    unit_price = np.where(is_return, price, correction)
    revenue = np.round(quantity * unit_price, 2)
    unit_cost = lines["cost"][chosen] / np.maximum(q, 1)
    cost = np.where(is_return, np.round(-returned * unit_cost, 2), 0.0)
    return {
        "source": chosen,
        "day": day,
        "quantity": quantity,
        "unit_price": unit_price,
        "revenue": revenue,
        "cost": cost,
    }


def _transactions_frame(lines, credit, days, i_first, account_ids, centre_ids, project_ids):
    """Invoice lines and credit notes as the transactions table, numbered by date."""
    src = credit["source"]

    def both(key):
        return np.concatenate([lines[key], lines[key][src]])

    frame = pd.DataFrame(
        {
            "account": both("account"),
            "centre": both("centre"),
            "offering": both("offering"),
            "group": both("group"),
            "day": np.concatenate([lines["day"], credit["day"]]),
            "quantity": np.concatenate([lines["quantity"], credit["quantity"]]),
            "unit_price": np.concatenate([lines["unit_price"], credit["unit_price"]]),
            "revenue": np.concatenate([lines["revenue"], credit["revenue"]]),
            "cost": np.concatenate([lines["cost"], credit["cost"]]),
            "project": both("project"),
            "is_credit": np.r_[np.zeros(len(lines["account"]), bool), np.ones(len(src), bool)],
            "order": both("order"),
        }
    )
    frame = frame[frame["day"] >= i_first]
    frame = frame.sort_values(
        ["day", "is_credit", "account", "order", "centre", "offering", "group"], kind="stable"
    )
    # an invoice: the lines of one order to one buying centre; a credit note: the credited lines of one
    # invoice on one day. Documents are numbered per year in order of their date.
    doc = frame.groupby(["is_credit", "order", "centre", "day"], sort=False).ngroup().to_numpy()
    year = days[frame["day"].to_numpy()].astype("datetime64[Y]").astype(int) + 1970
    firsts = pd.DataFrame(
        {"doc": doc, "credit": frame["is_credit"].to_numpy(), "year": year}
    ).drop_duplicates("doc")
    number = firsts.groupby(["credit", "year"], sort=False).cumcount().to_numpy() + 1
    prefix = np.where(firsts["credit"].to_numpy(), "GS", "RE")
    doc_id = np.empty(len(firsts), dtype=object)
    doc_id[firsts["doc"].to_numpy()] = [
        f"{p}-{y}-{k:06d}" for p, y, k in zip(prefix, firsts["year"], number, strict=True)
    ]
    line = pd.Series(doc).groupby(doc, sort=False).cumcount().to_numpy() + 1
    group_names = np.array([g[1] for g in PRODUCT_GROUPS], dtype=object)
    project = frame["project"].to_numpy()
    project_id = np.where(project >= 0, project_ids[np.maximum(project, 0)], None)
    return pd.DataFrame(
        {
            "invoice_id": pd.array(doc_id[doc], dtype="str"),
            "line": line.astype(np.int64),
            "date": _dates(frame["day"].to_numpy(), days),
            "account_id": pd.array(account_ids[frame["account"].to_numpy()], dtype="str"),
            "centre_id": pd.array(centre_ids[frame["centre"].to_numpy()], dtype="str"),
            "offering": _categorical(
                np.array(OFFERINGS, dtype=object)[frame["offering"].to_numpy()], OFFERINGS
            ),
            "product_group": _categorical(group_names[frame["group"].to_numpy()], list(group_names)),
            "quantity": frame["quantity"].to_numpy().astype(np.int64),
            "unit_price": frame["unit_price"].to_numpy().astype(float),
            "revenue": frame["revenue"].to_numpy().astype(float),
            "cost": frame["cost"].to_numpy().astype(float),
            "is_credit_note": frame["is_credit"].to_numpy(),
            "project_id": pd.array(project_id, dtype="str"),
        }
    )
