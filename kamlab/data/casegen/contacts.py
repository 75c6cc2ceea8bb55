"""The follow-up contacts of the quotes (step 7, generator 2.0): the ``contacts`` table.

A quote's follow-ups (:mod:`~kamlab.data.casegen.followups`) happen on distinct business days
after the quote date, up to and including the decision date, drawn uniformly from the
``contacts`` stream; each has a channel (phone, email, visit, video; visits more often on big
quotes). For a quote still open at the end of the window the contacts after the last day are
not (yet) in the data, so its ``followups`` counts the contacts so far.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import CHANNELS, DAY
from kamlab.data.casegen.sampling import _calendar, _choice_rows
from kamlab.data.casegen.tables import _categorical, _dates


def business_calendar(window, until):
    """Business days as indices into ``window.days``, continued past the window up to index ``until``."""
    last = max(window.days[0] + int(until) * DAY, window.last)
    _, weight = _calendar(window.days[0], last, window.first, window.last)
    return np.flatnonzero(weight > 0)


def business_days_between(business, start, stop):
    """Number of business days ``d`` with ``start < d <= stop``."""
    return np.searchsorted(business, stop, side="right") - np.searchsorted(business, start, side="right")


def draw_contacts(rng, business, day, decision_day, followups, x_val):
    """Days and channels of the follow-up contacts of every quote.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``contacts`` stream.
    business : numpy.ndarray
        :func:`business_calendar` up to the last decision day.
    day, decision_day, followups : numpy.ndarray
        Quote day, decision day and number of follow-ups of each quote (at most the business days
        between them).
    x_val : numpy.ndarray
        ``ln(quote_value / QUOTE_VALUE[offering])``: bigger quotes get more visits.

    Returns
    -------
    dict of numpy.ndarray
        One entry per contact, sorted by quote and day: ``quote``, ``day``, ``channel`` (index into
        ``CHANNELS``).
    """
    start = np.searchsorted(business, day, side="right")
    available = business_days_between(business, day, decision_day)
    has = np.flatnonzero(followups > 0)
    sizes = available[has]
    owner = np.repeat(has, sizes)
    offset = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.arange(len(owner)) - offset  # candidate business day number within the quote
    # the candidates grouped by quote in random order; a quote's slots are the same before and after the
    # shuffle, so position[i] is also the rank of the candidate in slot i: keep the first k of each quote
    shuffled = np.lexsort((rng.random(len(owner)), owner))
    chosen = shuffled[position < followups[owner[shuffled]]]
    chosen = chosen[np.lexsort((position[chosen], owner[chosen]))]
    quote = owner[chosen]
    contact_day = business[start[quote] + position[chosen]]
    weight = np.column_stack(
        [
            np.full(len(quote), 0.42),
            np.full(len(quote), 0.33),
            0.10 * np.exp(0.6 * np.clip(x_val[quote], -2.0, 2.0)),
            np.full(len(quote), 0.12),
        ]
    )
    channel = _choice_rows(rng, weight)
    return {"quote": quote, "day": contact_day, "channel": channel}


def contacts_frame(contacts, project_ids, order, days, i_end):
    """The ``contacts`` table: the contacts of the window's quotes up to the end of the window.

    Sorted like the ``projects`` table (``order``), then by date.
    """
    rank = np.full(len(project_ids), -1)
    rank[order] = np.arange(len(order))
    keep = (rank[contacts["quote"]] >= 0) & (contacts["day"] < i_end)
    quote, day, channel = contacts["quote"][keep], contacts["day"][keep], contacts["channel"][keep]
    sort = np.lexsort((day, rank[quote]))
    quote, day, channel = quote[sort], day[sort], channel[sort]
    return pd.DataFrame(
        {
            "project_id": pd.array(project_ids[quote], dtype="str"),
            "contact_date": _dates(day, days),
            "channel": _categorical(np.array(CHANNELS, dtype=object)[channel], CHANNELS),
        }
    )


def contacts_so_far(contacts, n_quotes, i_end):
    """Number of contacts of each quote on or before the last day of the window."""
    seen = contacts["day"] < i_end
    return np.bincount(contacts["quote"][seen], minlength=n_quotes).astype(np.int64)
