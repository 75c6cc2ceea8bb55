"""THE definition of the account table and of the RFM/BTYD summary, as Ibis expressions.

Every engine runs these expressions: DuckDB on a pandas frame, on Parquet/CSV files or on an
Ibis table, and Spark (Ibis' PySpark backend). The business rules live here and nowhere else;
:mod:`kamlab.data.accounts` and :mod:`kamlab.clv.summary` only check the arguments, hand the
source to :mod:`kamlab.data.engines.sources` and turn the (small) result into pandas dtypes.

The functions take an Ibis table whose columns are already canonical (see :func:`canonical_lines`
and :func:`summary_lines`) and return Ibis expressions; nothing is executed here.
"""

from __future__ import annotations

import functools


__all__ = [
    "UNKNOWN_ACCOUNT",
    "ZERO_DUST",
    "ACCOUNT_COLUMNS",
    "SUMMARY_UNIT_DAYS",
    "canonical_lines",
    "line_checks",
    "account_table",
    "summary_lines",
    "summary_checks",
    "unit_end",
    "summary_table",
]

#: The account id under which ``missing_account="group"`` gathers lines without an account.
UNKNOWN_ACCOUNT = "(no account)"
#: Sums within this of 0 (purchases cancelled by credit notes, up to floating-point rounding) are exactly 0.
ZERO_DUST = 1e-6
#: Length of one time unit in days for the summary's units of a fixed number of days.
SUMMARY_UNIT_DAYS = {"D": 1, "W": 7}
# 1970-01-01 (day 0) is a Thursday: day 4 is the first Monday
_FIRST_MONDAY = 4


def ACCOUNT_COLUMNS(*, has_cost, has_offering):  # noqa: N802 - a constant that depends on the input's columns
    """The account table's columns, in order."""
    order = ["account_id", "revenue"]
    if has_cost:
        order += ["cost", "contribution_margin", "margin_rate"]
    order += ["orders", "credit_notes", "lines", "first_order", "last_order", "recency_days", "tenure_days",
              "active_months"]
    if has_offering:
        order += ["n_offerings"]
    return order + ["revenue_last_12m", "revenue_prev_12m", "growth"]


# --------------------------------------------------------------------------- the account table


def canonical_lines(table, *, offering=None, cost=None, missing_account="raise"):
    """The invoice lines with the columns the account table is defined on.

    ``account_id`` as text without surrounding blanks (missing or blank ids become
    :data:`UNKNOWN_ACCOUNT` with ``missing_account="group"``), ``date`` as a timestamp,
    ``revenue`` and ``cost`` as float64 (``cost="margin"``: revenue minus the column
    ``contribution_margin``; ``cost="cost"``: the column ``cost``; None: no cost), ``invoice``
    (the ``invoice_id`` column, or the day when there is none) and ``offering``.
    """
    import ibis

    raw = table["account_id"].cast("string")
    date = table["date"].cast("timestamp")
    revenue = table["revenue"].cast("float64")
    if missing_account == "check":  # for line_checks: the numbers and dates only (no pass over the text ids)
        columns = {"date": date, "revenue": revenue}
    else:
        # strip only ids that start or end with a blank (or control) character: the same result, without
        # running a character-set trim over every line (five times slower than the comparisons)
        account = ibis.ifelse((raw < "!") | (raw.right(1) < "!"), raw.strip(), raw)
        if missing_account == "group":
            account = ibis.ifelse(account.isnull() | (account == ""), UNKNOWN_ACCOUNT, account)
        else:  # a missing id is the empty id: one account the caller finds (NULL would not join)
            account = account.fill_null("")
        columns = {"account_id": account, "date": date, "revenue": revenue}
    if cost == "cost":
        columns["cost"] = table["cost"].cast("float64")
    elif cost == "margin":
        columns["cost"] = revenue - table["contribution_margin"].cast("float64")
    # an invoice is one invoice id of an account; without invoice ids, one day of an account
    if missing_account == "check":
        return table.select(**columns)
    columns["invoice"] = table["invoice_id"] if "invoice_id" in table.columns else date.date()
    if offering is not None:
        columns["offering"] = table[offering]
    return table.select(**columns)


def line_checks(lines, *, end=None):
    """One row: the number of lines, those without date or usable revenue/cost, the last date, the lines from ``end`` on.

    ``lines`` is the table of :func:`canonical_lines` with ``missing_account="check"``. ``end`` (exclusive end of the period, a
    datetime) may be None when it is not known yet (then ``after`` and ``revenue_after`` are 0).
    """
    import ibis

    def unreadable(column):
        return column.isnull() | column.isnan() | column.isinf()

    checks = {
        "lines": lines.count(),
        "no_date": lines.date.isnull().sum().fill_null(0),
        "bad_revenue": unreadable(lines.revenue).sum().fill_null(0),
        "last_date": lines.date.max(),
        "revenue_total": lines.revenue.sum().fill_null(0.0),
    }
    if "cost" in lines.columns:
        checks["bad_cost"] = unreadable(lines.cost).sum().fill_null(0)
    if end is not None:
        after = lines.date >= ibis.literal(end, type="timestamp")
        checks["after"] = after.sum().fill_null(0)
        checks["revenue_after"] = lines.revenue.sum(where=after).fill_null(0.0)
    return lines.aggregate(**checks)


def account_table(lines, *, as_of, end, start_last, start_prev):
    """The account table of the canonical ``lines`` (see :func:`canonical_lines`), one row per account.

    ``as_of`` is the day described (a date), ``end`` the exclusive end of the period (the day
    after ``as_of``), ``start_last``/``start_prev`` the starts of the last two 12-month windows
    (datetimes). The rules, written once:

    - lines dated from ``end`` on are left out;
    - an invoice (invoice id of an account, or day of an account) is dated by its first line; an
      invoice with a net revenue above 0 is an order, below 0 a credit note, 0 neither (nets
      within :data:`ZERO_DUST` of 0, floating-point rounding of cancelled lines, count as 0);
    - revenue and cost are sums over all lines (credit notes included); sums within
      :data:`ZERO_DUST` of 0 are 0; margin rate only for revenue above 0, growth only for a
      previous 12 months' revenue above 0;
    - first/last order, recency and tenure (whole days to ``as_of``) and active months come from
      the orders; offerings are counted on lines with revenue above 0.

    The result is unsorted; the caller sorts it (and gives the pandas dtypes).
    """
    import ibis

    end = ibis.literal(end, type="timestamp")
    lines = lines.filter(lines.date < end)
    has_cost = "cost" in lines.columns
    invoice_sums = {"d": lines.date.min(), "r": lines.revenue.sum(), "n": lines.count()}
    if has_cost:
        invoice_sums["c"] = lines.cost.sum()
    inv = lines.group_by(["account_id", "invoice"]).aggregate(**invoice_sums)
    # an invoice netting to floating-point dust (within ZERO_DUST of 0) is neither order nor credit note
    order, credit = inv.r > ZERO_DUST, inv.r < -ZERO_DUST
    last_window = inv.d >= ibis.literal(start_last, type="timestamp")
    prev_window = (inv.d >= ibis.literal(start_prev, type="timestamp")) & ~last_window
    sums = {
        "revenue": inv.r.sum(),
        "orders": inv.r.count(where=order),
        "credit_notes": inv.r.count(where=credit),
        "lines": inv.n.sum(),
        "first_order": inv.d.min(where=order),
        "last_order": inv.d.max(where=order),
        "active_months": (inv.d.year() * 12 + inv.d.month()).nunique(where=order),
        "revenue_last_12m": inv.r.sum(where=last_window).fill_null(0.0),
        "revenue_prev_12m": inv.r.sum(where=prev_window).fill_null(0.0),
    }
    if has_cost:
        sums["cost"] = inv.c.sum()
    acc = inv.group_by("account_id").aggregate(**sums)
    if "offering" in lines.columns:
        offerings = lines.group_by("account_id").aggregate(
            n_offerings=lines.offering.nunique(where=lines.revenue > 0)
        )
        acc = acc.join(offerings, "account_id")

    def no_dust(column):
        return ibis.ifelse(column.abs() < ZERO_DUST, 0.0, column)

    as_of = ibis.literal(as_of, type="date")
    columns = {
        "revenue": no_dust(acc.revenue),
        "revenue_last_12m": no_dust(acc.revenue_last_12m),
        "revenue_prev_12m": no_dust(acc.revenue_prev_12m),
        "recency_days": as_of.delta(acc.last_order.date(), unit="day"),
        "tenure_days": as_of.delta(acc.first_order.date(), unit="day"),
    }
    if has_cost:
        columns["cost"] = no_dust(acc.cost)
    acc = acc.mutate(**columns)
    nothing = ibis.null().cast("float64")
    columns = {"growth": ibis.ifelse(acc.revenue_prev_12m > 0, acc.revenue_last_12m / acc.revenue_prev_12m - 1,
                                     nothing)}
    if has_cost:
        columns["contribution_margin"] = acc.revenue - acc.cost
    acc = acc.mutate(**columns)
    if has_cost:
        acc = acc.mutate(margin_rate=ibis.ifelse(acc.revenue > 0, acc.contribution_margin / acc.revenue, nothing))
    return acc.select(*ACCOUNT_COLUMNS(has_cost=has_cost, has_offering="offering" in lines.columns))


# --------------------------------------------------------------------------- the RFM/BTYD summary


def _unit(date, freq, merge):
    """The day, calendar week (Monday to Sunday) or calendar month number of a date expression."""
    day = date.epoch_days()
    if merge == "day" or freq == "D":
        return day
    if freq == "W":
        return ((day - _FIRST_MONDAY) / 7).floor().cast("int64")
    return (date.year() - 1970) * 12 + date.month() - 1


def unit_end(day, freq, merge):
    """The last day of the unit (day, or with ``merge="period"`` calendar week or month) containing ``day`` (a
    ``datetime.date``): the lines up to a unit are those dated up to this day, a comparison of dates per line
    instead of a unit computed per line.

    >>> import datetime
    >>> unit_end(datetime.date(2024, 1, 3), "W", "period"), unit_end(datetime.date(2024, 2, 3), "M", "period")
    (datetime.date(2024, 1, 7), datetime.date(2024, 2, 29))
    >>> unit_end(datetime.date(9999, 12, 30), "W", "period"), unit_end(datetime.date(9999, 12, 15), "M", "period")
    (datetime.date(9999, 12, 31), datetime.date(9999, 12, 31))
    """
    import datetime

    if merge == "day" or freq == "D":
        return day
    last = datetime.date.max  # the unit runs past 9999-12-31 ("no end" in many exports): it ends there
    if freq == "W":
        if last - day >= datetime.timedelta(days=6 - day.weekday()):
            last = day + datetime.timedelta(days=6 - day.weekday())  # Monday is 0: the week's Sunday
    elif day.year < last.year or day.month < 12:
        last = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last


def summary_lines(table, *, account, date, value):
    """The lines of the summary: ``account`` (as it is), ``date`` as a date, ``value`` as float64 (or 0.0)."""
    import ibis

    columns = {"account": table[account], "date": table[date].cast("timestamp").date()}
    columns["value"] = table[value].cast("float64") if value is not None else ibis.literal(0.0)
    return table.select(**columns)


def summary_checks(lines, *, end=None, freq="W", merge="day"):
    """One row: the number of lines, those without account, date or usable value, the last day and, with the
    ``end`` of the summary (``observation_end``, else ``calibration_end``), ``lines_after_end``: the lines
    after its unit (day, or with ``merge="period"`` its calendar week or month), which the summary leaves out.
    Without ``end`` the summary ends with the last day: no line is after it. (A pandas frame's counts come from
    its arrays: :func:`kamlab.clv.summary._frame_checks`.)"""
    import ibis

    value = lines.value
    after = {}
    if end is not None:
        last = ibis.literal(unit_end(_as_date(end), freq, merge), type="date")
        after = {"lines_after_end": (lines.date > last).sum().fill_null(0)}
    return lines.aggregate(
        lines=lines.count(),
        no_account=lines.account.isnull().sum().fill_null(0),
        no_date=lines.date.isnull().sum().fill_null(0),
        bad_value=(value.isnull() | value.isnan() | value.isinf()).sum().fill_null(0),
        last_day=lines.date.max(),
        **after,
    )


def summary_table(lines, *, calibration_end, observation_end=None, freq="W", merge="day", with_value=True):
    """Per account of the summary ``lines`` (see :func:`summary_lines`): the BTYD summary and what it leaves out.

    One row per account with lines up to the end (``observation_end``, else ``calibration_end``; also those
    that are not in the summary), ordered by ``account``: ``purchases`` (calibration purchases; the
    summary's rows are those with purchases > 0), ``frequency``, ``recency``, ``T``, ``monetary_value``,
    ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout`` and, for the counts of what
    is left out, ``any_purchase`` (a purchase up to the end), ``credit_periods`` and ``credit_value``
    (the lines after the end are counted by :func:`summary_checks`).

    The rules, written once: a date becomes its unit (day, or with ``merge="period"`` calendar
    week or month); the lines of one account and unit are one purchase worth their sum, unless
    that sum is below 0 (a credit period, not a purchase; a sum within :data:`ZERO_DUST` of 0 is
    0; without values every unit is a purchase); calibration purchases are those up to the unit of ``calibration_end``; frequency
    is their number minus 1, recency the time from the first to the last, ``T`` from the first
    to the calibration end, monetary value the mean value of all but the first (0 without
    repeat purchases); the holdout counts purchases after the calibration up to the unit of
    ``observation_end``. Times are in units, divided by 7 for ``freq="W"`` with ``merge="day"``.
    The lines after the end are counted only (as ``lifetimes`` leaves them out): grouping them by
    account to find the accounts that appear only there took 40 % of the query on 10 million lines
    with most of them after the end.
    """
    import ibis

    scale = SUMMARY_UNIT_DAYS[freq] if merge == "day" else 1
    cal_unit = _unit(ibis.literal(calibration_end, type="date"), freq, merge)
    end_unit = _unit(ibis.literal(observation_end, type="date"), freq, merge) if observation_end else cal_unit

    def purchase_of(units):
        # a unit netting to floating-point dust (within ZERO_DUST of 0) is a purchase worth (about) 0
        return units.net >= -ZERO_DUST if with_value else ibis.literal(True)

    # Up to the end: each account's units and what the summary needs of them. The unit is computed where it
    # is used: a unit column made once and used by several parts is a table DuckDB materialises (every line
    # written once more).
    last = unit_end(_as_date(observation_end or calibration_end), freq, merge)
    before = lines.filter(lines.date <= ibis.literal(last, type="date"))  # up to the end unit's last day
    before = before.mutate(unit=_unit(before.date, freq, merge))
    per_unit = before.group_by(["account", "unit"]).aggregate(net=before.value.sum())
    purchase = purchase_of(per_unit)
    units = per_unit.mutate(
        cal=purchase & (per_unit.unit <= cal_unit),
        hold=purchase & (per_unit.unit > cal_unit),
        credit=~purchase,
        purchase=purchase,
    )
    # the holdout's two sums only with an observation end (each aggregate costs a pass over the units)
    holdout = {"frequency_holdout": units.hold.sum(),
               "holdout_value": units.net.sum(where=units.hold).fill_null(0.0)} if observation_end else {}
    acc = units.group_by("account").aggregate(
        first=units.unit.min(where=units.cal),
        last=units.unit.max(where=units.cal),
        purchases=units.cal.sum(),
        cal_value=units.net.sum(where=units.cal),
        first_value=_min_by()(units.net, units.unit.cast("int64"), where=units.cal),
        **holdout,
        any_purchase=units.purchase.any(),
        credit_periods=units.credit.sum(),
        credit_value=units.net.sum(where=units.credit).fill_null(0.0),
    )
    # the repeat purchases' value: all calibration purchases but the first (one per account and unit)
    acc = acc.mutate(repeat_value=(acc.cal_value - acc.first_value).fill_null(0.0))
    frequency = acc.purchases - 1
    columns = {
        "frequency": frequency,
        "recency": (acc["last"] - acc["first"]) / scale,
        "T": (cal_unit - acc["first"]) / scale,
    }
    if with_value:
        columns["monetary_value"] = ibis.ifelse(frequency > 0, acc.repeat_value / frequency, 0.0)
    if observation_end:
        hold = acc.frequency_holdout
        columns["frequency_holdout"] = hold
        if with_value:
            columns["monetary_value_holdout"] = ibis.ifelse(hold > 0, acc.holdout_value / hold, 0.0)
        columns["duration_holdout"] = ((end_unit - cal_unit) / scale).cast("float64")
    extras = ["any_purchase", "credit_periods", "credit_value"]
    # in the order of the account ids (bytes of text, as pandas and pyarrow sort it): sorted by the engine
    return acc.mutate(**columns).select("account", "purchases", *columns, *extras).order_by("account")


def _as_date(day):
    """``day`` (a date, a datetime or an ISO text) as a ``datetime.date``."""
    import datetime

    import pandas as pd

    if isinstance(day, datetime.date) and not isinstance(day, datetime.datetime):
        return day
    return pd.Timestamp(day).date()


@functools.cache
def _min_by():
    """The aggregate ``min_by(value, key)``: the value at the smallest key (DuckDB's ``arg_min``, Spark's
    ``min_by``), as a builtin Ibis function. Ibis' own ``argmin`` becomes an ordered ``first(value ORDER BY
    key)`` on DuckDB, which sorts each account's rows: 1.6 times the whole summary query on 10 million lines."""
    import ibis
    import ibis.expr.datatypes as dt

    @ibis.udf.agg.builtin(name="min_by", signature=((dt.float64, dt.int64), dt.float64))
    def min_by(arg, key):
        """The ``arg`` of the row with the smallest ``key``."""

    return min_by
