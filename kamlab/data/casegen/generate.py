"""The generator of the case company: :func:`generate_case`, a sequence of named steps.

Every step draws from its own random stream, a child of ``numpy.random.SeedSequence(seed)``
(:mod:`kamlab.data.casegen.streams`): adding a step or a table (a new stream appended at the end
of ``STREAMS``) leaves the numbers of the others unchanged. State passes between the steps as the
frozen dataclasses of :mod:`kamlab.data.casegen.accounts` and
:class:`~kamlab.data.casegen.sampling.Window`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.data.case import COMPANY, Case
from kamlab.data.casegen.accounts import draw_firmographics, draw_life_cycle, draw_terms, draw_wallets
from kamlab.data.casegen.centres import draw_centres
from kamlab.data.casegen.contacts import (
    business_calendar,
    business_days_between,
    contacts_frame,
    contacts_so_far,
    draw_contacts,
)
from kamlab.data.casegen.costs import draw_costs
from kamlab.data.casegen.followups import (
    RevenueHistory,
    draw_outcomes,
    pre_window_revenue,
    quote_truth_frame,
    value_ratio,
)
from kamlab.data.casegen.parameters import GENERATOR_VERSION, PHI
from kamlab.data.casegen.projects import (
    _project_ids,
    _projects_frame,
    draw_quotes,
    potential_lines,
    quote_cells,
    won_lines,
)
from kamlab.data.casegen.groups import draw_groups, groups_frame
from kamlab.data.casegen.organisation import draw_organisation, draw_targets, draw_touchpoints
from kamlab.data.casegen.ratings import draw_ratings, draw_values
from kamlab.data.casegen.sampling import make_window
from kamlab.data.casegen.streams import make_streams
from kamlab.data.casegen.tables import _offerings_frame, accounts_frame, truth_frame, wallets_frame
from kamlab.data.casegen.transactions import _credit_notes, _transactions_frame, regular_orders
from kamlab.errors import ParameterError


def generate_case(seed=2024, n_accounts=2000, start="2023-01-01", years=3):
    """Generate the case company from a seed.

    The committed tables (``kamlab.load_case()``) are ``generate_case()`` with the
    default arguments. The module docstring of :mod:`kamlab.data.casegen` describes the model.

    Parameters
    ----------
    seed : int, default=2024
        Seed of ``numpy.random.SeedSequence``; each step draws from its own child stream
        (:data:`kamlab.data.casegen.streams.STREAMS`). The same seed gives the same tables.
    n_accounts : int, default=2000
        Number of business customers (at least 20). Revenue scales with it
        (about 60,000 EUR per account and year).
    start : str or date-like, default="2023-01-01"
        First day of the invoice history; must be a 1 January.
    years : int, default=3
        Number of full calendar years of invoice lines (1 to 10).

    Returns
    -------
    Case
        The tables ``accounts``, ``centres``, ``offerings``, ``transactions``,
        ``projects``, ``contacts``, ``costs``, ``ratings``, ``truth``, ``wallets`` and
        ``quote_truth``.

    Examples
    --------
    >>> from kamlab.data.casegen import generate_case
    >>> case = generate_case(seed=1, n_accounts=50, years=1)
    >>> len(case.accounts)
    50
    >>> bool(case.transactions["account_id"].isin(case.accounts["account_id"]).all())
    True
    """
    seed, n, first, n_years = _check_arguments(seed, n_accounts, start, years)
    return generate_from_streams(make_streams(seed), n, first, n_years, seed=seed)


def generate_from_streams(streams, n, first, n_years, seed=None):
    """The case from a dict of named random streams (:func:`~kamlab.data.casegen.streams.make_streams`).

    :func:`generate_case` with checked arguments; tests pass changed or extra streams to show that
    the tables depend only on their own streams. ``first`` is a ``numpy.datetime64`` 1 January.
    """
    window = make_window(first, n_years)
    # 1.-5. the accounts: firmographics, wallet and share of wallet, life cycle, terms, buying centres
    firms = draw_firmographics(streams["firmographics"], n, names_rng=streams["names"])
    wallets = draw_wallets(streams["wallets"], firms)
    life = draw_life_cycle(streams["life_cycle"], firms.arch, wallets.relationship, window)
    terms = draw_terms(streams["terms"], firms, wallets, life.is_new)
    centres = draw_centres(streams["centres"], firms, wallets.buys)
    # 6.-8. regular orders, their credit notes, quotes with follow-ups and outcomes: the transactions
    orders = regular_orders(streams["orders"], window, firms.arch, wallets, life, terms.discount, centres)
    credit = _credit_notes(
        streams["credit_notes"], orders.lines, firms.arch, life.dropout, window.i_end, window.business
    )
    quotes, contacts, project_lines = _quotes(
        streams, window, firms, wallets, life, terms, centres, orders, credit
    )
    project_ids, quote_order = _project_ids(quotes, window.days, window.i_first)
    lines = {k: np.concatenate([orders.lines[k], project_lines[k]]) for k in orders.lines}
    account_ids = np.array([f"K{k + 1:05d}" for k in range(n)], dtype=object)
    centre_ids = centres.frame["centre_id"].to_numpy(dtype=object)
    transactions = _transactions_frame(
        lines, credit, window.days, window.i_first, account_ids, centre_ids, project_ids
    )
    # 9.-10. cost to serve and ratings
    costs = draw_costs(streams["costs"], transactions, account_ids, firms, wallets, life, terms, window)
    hours = costs.groupby("account_id", sort=True)["service_hours"].mean().reindex(account_ids).fillna(0)
    ratings = draw_ratings(
        streams["ratings"], account_ids, firms, wallets, life, terms, window, hours.to_numpy(dtype=float)
    )
    # the tables
    centres.frame.insert(0, "account_id", pd.array(account_ids[centres.account], dtype="str"))
    decided = quotes["decision_day"] < window.i_end
    projects = _projects_frame(quotes, quote_order, project_ids, account_ids, centre_ids, window.days, window.i_end)
    # 11.-15. groups, the KAM organisation, the plan, qualitative value, contacts by function (generator 2.1)
    ratings = draw_values(streams["values"], ratings, firms, wallets, life)
    extra = _management(streams, window, firms, wallets, life, terms, account_ids, transactions, costs,
                        projects, centres.frame)
    return Case(
        accounts=accounts_frame(account_ids, firms, terms, life, extra["groups"], extra["organisation"]),
        centres=centres.frame,
        offerings=_offerings_frame(),
        transactions=transactions,
        projects=projects,
        contacts=contacts_frame(contacts, project_ids, quote_order, window.days, window.i_end),
        costs=costs,
        ratings=ratings,
        truth=truth_frame(account_ids, firms, wallets, life, terms, orders.orders_per_year, window.days,
                          extra["expected_next"]),
        wallets=wallets_frame(account_ids, wallets),
        quote_truth=quote_truth_frame(project_ids, quote_order, quotes["eta"], decided),
        groups=groups_frame(extra["groups"], firms, account_ids),
        staff=extra["organisation"].staff,
        targets=extra["targets"],
        touchpoints=extra["touchpoints"],
        info={
            "company": COMPANY,
            "seed": seed,
            "n_accounts": n,
            "start": str(first),
            "end": str(window.last),
            "years": n_years,
            "generator_version": GENERATOR_VERSION,
        },
    )


def _management(streams, window, firms, wallets, life, terms, account_ids, transactions, costs, projects,
                centres):
    """Steps 11-15: groups, organisation, targets and touchpoints from the tables of the window."""
    last = int(window.last.astype("datetime64[Y]").astype(int) + 1970)
    in_last = transactions["date"].dt.year == last
    lines = transactions[in_last]
    index = pd.Index(account_ids)
    revenue = lines.groupby("account_id")["revenue"].sum().reindex(index).fillna(0.0).to_numpy()
    cost = lines.groupby("account_id")["cost"].sum().reindex(index).fillna(0.0).to_numpy()
    groups = draw_groups(streams["groups"], firms, revenue, ~life.is_lost)
    organisation = draw_organisation(streams["organisation"], firms, terms, life, groups, revenue, window.days)
    target, margin, basis, expected_next = draw_targets(
        streams["targets"], life, wallets, organisation, revenue, cost, window.n_years
    )
    targets = pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "year": np.full(len(account_ids), last + 1, dtype=np.int64),
            "target_revenue": target,
            "target_contribution_margin": margin,
            "basis": pd.Categorical(basis, categories=["trend", "expansion"]),
        }
    )
    quotes = projects.loc[projects["quote_date"].dt.year == last].groupby("account_id").size()
    days = window.days[window.business]
    days = days[days.astype("datetime64[Y]").astype(int) + 1970 == last]
    touchpoints = draw_touchpoints(
        streams["touchpoints"], organisation, lines, costs[costs["year"] == last], quotes, centres,
        account_ids, days,
    )
    return {"groups": groups, "organisation": organisation, "targets": targets,
            "touchpoints": touchpoints, "expected_next": expected_next}


def _quotes(streams, window, firms, wallets, life, terms, centres, orders, credit):
    """Step 7: quotes, the revenue before each, follow-ups, outcomes, contacts and won invoice lines."""
    cells = quote_cells(window, firms.arch, wallets, life, terms.diligence)
    quotes = draw_quotes(streams["quotes"], window, cells, wallets.relationship, life.growth, centres)
    potential = potential_lines(
        streams["project_invoices"], window, quotes, life.dropout, terms.discount, orders.n_orders
    )
    # what the CRM shows at the quote date: revenue of the 365 days before (regular lines, credit notes,
    # the expected revenue of the year before the window, and the invoices of projects won before)
    source = credit["source"]
    history = RevenueHistory(
        window.i_end,
        np.concatenate([orders.lines["account"], orders.lines["account"][source]]),
        np.concatenate([orders.lines["day"], credit["day"]]),
        np.concatenate([orders.lines["revenue"], credit["revenue"]]),
    )
    regular_per_year = (wallets.expected * (1 - PHI[firms.arch])).sum(axis=1)
    pre = pre_window_revenue(window, regular_per_year, life.growth, life.lo, quotes["account"], quotes["day"])
    business = business_calendar(window, quotes["decision_day"].max(initial=window.i_end) + 1)
    available = business_days_between(business, quotes["day"], quotes["decision_day"])
    outcomes = draw_outcomes(
        streams["followups"],
        window,
        quotes,
        potential,
        (history, pre),
        wallets.relationship,
        terms.diligence,
        available,
    )
    x_val = value_ratio(quotes["value"], quotes["offering"])
    contacts = draw_contacts(
        streams["contacts"], business, quotes["day"], quotes["decision_day"], outcomes.followups, x_val
    )
    quotes.update(
        level=outcomes.level,
        revenue_12m=outcomes.revenue_12m,
        eta=outcomes.eta,
        won=outcomes.won,
        followups=contacts_so_far(contacts, len(quotes["day"]), window.i_end),
    )
    return quotes, contacts, won_lines(potential, outcomes.won)


def _check_arguments(seed, n_accounts, start, years):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, not {seed!r}.")
    if (
        isinstance(n_accounts, bool)
        or not isinstance(n_accounts, (int, np.integer))
        or not 20 <= n_accounts <= 100_000
    ):
        raise ParameterError(f"n_accounts must be an integer from 20 to 100,000, not {n_accounts!r}.")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= 10:
        raise ParameterError(f"years must be an integer from 1 to 10, not {years!r}.")
    try:
        first = pd.Timestamp(start)
    except (TypeError, ValueError):
        raise ParameterError(f"start must be a date such as '2023-01-01', not {start!r}.") from None
    if first.month != 1 or first.day != 1 or first != first.normalize():
        raise ParameterError(
            f"start must be a 1 January (the cost table has one row per calendar year), not {start!r}; "
            f"try start='{first.year}-01-01'."
        )
    return int(seed), int(n_accounts), np.datetime64(first.date(), "D"), int(years)
