"""The random streams of the case generator: one child of ``SeedSequence(seed)`` per table and step.

:func:`kamlab.data.casegen.generate_case` does not draw everything from one generator in one
long sequence (then a draw added anywhere would shift every number after it). It spawns one
child stream per named step of ``STREAMS`` from ``numpy.random.SeedSequence(seed)`` and gives
each step its own ``numpy.random.Generator``. A step's numbers therefore depend on the seed and
on its name's position in ``STREAMS`` only, not on how many numbers other steps draw.

The rule for later versions: **a new table or step gets a new stream appended at the end of
``STREAMS``**; never insert, remove or reorder a name (that would change the numbers of every
stream after it). Child ``k`` of ``SeedSequence(seed).spawn(n)`` is the same for every
``n > k``, so appending a stream leaves the existing tables unchanged byte for byte.

What a stream changes, it changes through the data as well: a table computed from another
table (costs from transactions, ratings from costs) changes when that table changes. The
streams make the *randomness* of each step independent, not the model.
"""

from __future__ import annotations

import numpy as np

#: The named streams, in spawn order (the order is part of the data: append only).
STREAMS = (
    "firmographics",  # 1-2 archetype, industry, region, city, employees, plants (accounts)
    "names",  # company names (accounts.name)
    "wallets",  # 3-4 wallet, relationship, what the account buys, share of wallet (truth, wallets)
    "life_cycle",  # 5 new, lost, growth, acquisition and dropout days, customer_since
    "terms",  # key-account designation, discount off list price, over-service
    "centres",  # buying centres and which centre buys which offering (centres)
    "orders",  # 6 regular orders: dates, lines, values, centres, pricing (transactions)
    "credit_notes",  # 8 returns and price corrections of regular lines (transactions)
    "quotes",  # 7 quotes: dates, values, competitors, decision and lead times, centre, loss reason
    "followups",  # 7 relationship level at the quote, follow-up counts, outcomes (projects, quote_truth)
    "project_invoices",  # 7 product group, quantity, price and cost of project invoice lines (transactions)
    "contacts",  # 7 dates and channels of the follow-up contacts (contacts)
    "costs",  # 9 cost-to-serve agreements, marketing, visits, service hours (costs)
    "ratings",  # 10 ratings, competitors at the account, review date (ratings)
    "groups",  # 11 customer groups and the entities' names (groups, accounts) -- generator 2.1
    "organisation",  # 12 key-account team, account managers, staff (accounts, staff)
    "targets",  # 13 the plan of the next year (targets, truth)
    "values",  # 14 multiplier and information value, reference customers (ratings)
    "touchpoints",  # 15 contacts of company people by function in the last year (touchpoints)
)


def make_streams(seed, names=STREAMS):
    """One ``numpy.random.Generator`` per name, from ``numpy.random.SeedSequence(seed).spawn``.

    Parameters
    ----------
    seed : int
        The case's seed.
    names : sequence of str, default=STREAMS
        The stream names in spawn order; ``STREAMS`` plus names appended at the end gives the
        same generators for the names of ``STREAMS``.

    Returns
    -------
    dict
        Stream name to ``numpy.random.Generator``.

    Examples
    --------
    >>> a = make_streams(1)["ratings"].random()
    >>> b = make_streams(1, STREAMS + ("a_later_step",))["ratings"].random()
    >>> a == b
    True
    """
    names = tuple(names)
    if len(set(names)) != len(names):
        raise ValueError(f"stream names must be unique: {names}")
    children = np.random.SeedSequence(seed).spawn(len(names))
    return {name: np.random.default_rng(child) for name, child in zip(names, children, strict=True)}
