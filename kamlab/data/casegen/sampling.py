"""Small random helpers and the business-day calendar of the case generator.

The functions draw from the ``numpy.random.Generator`` they are given, in a fixed order;
:class:`Window` holds the calendar that every step of :func:`kamlab.data.casegen.generate_case`
shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamlab.data.casegen.parameters import DAY, MONTH_FACTOR


# --------------------------------------------------------------------------------------------------
# Link functions and random choices
# --------------------------------------------------------------------------------------------------
def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _standardise(x):
    x = np.asarray(x, dtype=float)
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def _choice_rows(rng, weights):
    """Draw one column index per row of ``weights`` (rows need not be normalised)."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _choice_grouped(rng, group_of_row, row_weight, group_of_draw):
    """For each draw, pick a row among the rows of its group with probability proportional to weight.

    ``group_of_row`` must be sorted and dense (0..G-1, every group non-empty).
    """
    total = np.bincount(group_of_row, weights=row_weight)
    within = np.cumsum(row_weight) - np.concatenate([[0.0], np.cumsum(total)[:-1]])[group_of_row]
    position = group_of_row + within / total[group_of_row]
    position[np.r_[np.diff(group_of_row) > 0, True]] = (
        group_of_row[np.r_[np.diff(group_of_row) > 0, True]] + 1
    )
    target = group_of_draw + rng.random(len(group_of_draw))
    return np.searchsorted(position, target, side="right")


def _stochastic_round(rng, x):
    base = np.floor(x)
    return (base + (rng.random(len(x)) < (x - base))).astype(np.int64)


# --------------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------------
def _easter(year):
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return np.datetime64(f"{year:04d}-{month:02d}-{day:02d}")


def _calendar(first, last, window_first, window_last):
    """Business-day seasonal profile ``s(d)`` for every day in [first, last], mean 1 over the window."""
    days = np.arange(first, last + DAY, DAY)
    month = days.astype("datetime64[M]").astype(int) % 12
    weekday = (days.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday
    weight = MONTH_FACTOR[month] * (weekday < 5)
    years = range(int(str(first)[:4]), int(str(last)[:4]) + 1)
    for year in years:
        easter = _easter(year)
        holidays = [
            f"{year}-01-01",
            easter - 2 * DAY,
            easter + DAY,
            f"{year}-05-01",
            easter + 39 * DAY,
            easter + 50 * DAY,
            f"{year}-10-03",
            f"{year}-12-24",
            f"{year}-12-25",
            f"{year}-12-26",
            f"{year}-12-31",
        ]
        weight[np.isin(days, np.array(holidays, dtype="datetime64[D]"))] = 0.0
        # Easter holidays: the week before and the week after Easter are quiet
        quiet = (days >= easter - 6 * DAY) & (days <= easter + 6 * DAY)
        weight[quiet] *= 0.7
        between = (days >= np.datetime64(f"{year}-12-27")) & (days <= np.datetime64(f"{year}-12-30"))
        weight[between] *= 0.25
    in_window = (days >= window_first) & (days <= window_last)
    weight = weight / weight[in_window].mean()
    return days, weight


class _Sampler:
    """Draw days with density proportional to ``s(d) * exp(g * t_d)`` on [lo, hi)."""

    def __init__(self, weight, t_years):
        self.weight = weight
        self.t = t_years
        self.cum = np.concatenate([[0.0], np.cumsum(weight)])

    def expected_years(self, lo, hi, growth, chunk=2048):
        """Integral of ``s(d) exp(g t_d)`` over [lo, hi) for each entity, in years."""
        out = np.zeros(len(lo))
        index = np.arange(len(self.weight))
        for begin in range(0, len(lo), chunk):
            sl = slice(begin, begin + chunk)
            mask = (index >= lo[sl, None]) & (index < hi[sl, None])
            out[sl] = (mask * self.weight * np.exp(np.outer(growth[sl], self.t))).sum(axis=1)
        return out / 365.25

    def draw(self, rng, owner, lo, hi, growth):
        """One day index for each element of ``owner`` (an index into lo, hi, growth)."""
        out = np.empty(len(owner), dtype=np.int64)
        todo = np.arange(len(owner))
        t_max = np.where(growth >= 0, self.t[np.maximum(hi - 1, 0)], self.t[lo])
        while todo.size:
            j = owner[todo]
            c = self.cum[lo[j]] + rng.random(todo.size) * (self.cum[hi[j]] - self.cum[lo[j]])
            day = np.searchsorted(self.cum, c, side="right") - 1
            day = np.clip(day, lo[j], hi[j] - 1)
            accept = rng.random(todo.size) < np.exp(growth[j] * (self.t[day] - t_max[j]))
            out[todo[accept]] = day[accept]
            todo = todo[~accept]
        return out


def _next_business_day(business, day):
    """The first business day on or after ``day``; -1 where there is none in the calendar."""
    pos = np.searchsorted(business, day)
    return np.where(pos < len(business), business[np.minimum(pos, len(business) - 1)], -1)


@dataclass(frozen=True)
class Window:
    """The calendar of one generated case, shared by every step.

    Attributes
    ----------
    first, last : numpy.datetime64
        First and last day of the invoice history (a 1 January and a 31 December).
    n_years : int
        Number of calendar years in the window.
    days : numpy.ndarray
        Every day from a year before ``first`` (quotes start a year earlier so projects
        are invoiced from day one) to ``last``; the steps index days by position in it.
    weight : numpy.ndarray
        The seasonal business-day profile ``s(d)`` of each day (mean 1 over the window).
    sampler : _Sampler
        Draws days with density ``s(d) * exp(g * t_d)``.
    business : numpy.ndarray
        Indices of the business days (``weight > 0``).
    i_first, i_end : int
        Index of ``first`` in ``days``, and ``len(days)`` (the exclusive end).
    """

    first: np.datetime64
    last: np.datetime64
    n_years: int
    days: np.ndarray
    weight: np.ndarray
    sampler: _Sampler
    business: np.ndarray
    i_first: int
    i_end: int

    @property
    def first_year(self):
        """The calendar year of ``first``."""
        return int(str(self.first)[:4])


def make_window(first, n_years):
    """The :class:`Window` of ``n_years`` calendar years from ``first`` (a 1 January)."""
    last = np.datetime64(f"{int(str(first)[:4]) + n_years - 1}-12-31")
    mid = first + (last - first + DAY) // 2
    cal_first = first - 365 * DAY  # quotes start a year earlier so projects are invoiced from day one
    days, s = _calendar(cal_first, last, first, last)
    t = (days - mid).astype(float) / 365.25
    return Window(
        first=first,
        last=last,
        n_years=n_years,
        days=days,
        weight=s,
        sampler=_Sampler(s, t),
        business=np.flatnonzero(s > 0),
        i_first=int((first - cal_first) / DAY),
        i_end=len(days),  # exclusive
    )
