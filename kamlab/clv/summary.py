"""The purchase history of each account in the form the buy-till-you-die models use.

:func:`rfm_summary` turns invoice lines into one row per account with its frequency
(repeat purchases), recency (time from the first to the last purchase), age ``T`` and
mean repeat-purchase value, optionally with a holdout period. Everything is computed on
the lines with vectorised group operations on integer account codes; the steps of
:func:`rfm_summary` are the private functions below it.

Time units are always explicit: days, weeks of 7 days, or (counting purchases per
period) calendar weeks and months. There is no hidden 30-day month.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = ["rfm_summary"]

# length of one time unit in days, for the units that are a fixed number of days
_UNIT_DAYS = {"D": 1, "W": 7}
_UNIT_NAMES = {"D": "days", "W": "weeks (7 days)", "M": "calendar months"}
# from this many accounts on, rfm_summary sorts the account ids in a second thread
_THREAD_MIN_ACCOUNTS = 20_000
# "no purchase" in per-account minimum arrays
_NEVER = np.iinfo("int64").max
# 1970-01-01 (day 0 of numpy's day count) is a Thursday: day 4 is the first Monday
_FIRST_MONDAY = 4


def rfm_summary(
    transactions,
    calibration_end=None,
    freq="W",
    *,
    account="account_id",
    date="date",
    value="revenue",
    observation_end=None,
    merge="day",
):
    """Each account's purchase history in the form the BG/NBD and Gamma-Gamma models use.

    The definitions of the buy-till-you-die literature (Fader, Hardie & Lee 2005) and of
    the ``lifetimes`` package. Purchases on the same day by the same account are one
    purchase (``merge="day"``) and its value is the sum of the day's lines. Then, per
    account, counting only purchases up to and including ``calibration_end``:

    - ``frequency``: number of *repeat* purchases, that is purchases after the first one.
    - ``recency``: time from the first to the last purchase (0 without repeat purchases).
      Note: this is *not* the "days since the last purchase" of RFM scoring.
    - ``T``: time from the first purchase to the end of ``calibration_end``'s day.
    - ``monetary_value``: mean value of the repeat purchases (0 without any); the first
      purchase is left out, as the Gamma-Gamma model wants.

    Times are in units of ``freq``: days (``"D"``) or weeks (``"W"``, exactly 7 days: a
    purchase 10 days after the first has recency 10/7 = 1.43 weeks).

    With ``merge="period"`` time is counted in whole periods instead, the way ``lifetimes``
    does it with its ``freq``: every date is replaced by its period (a calendar week from
    Monday to Sunday for ``"W"``, a calendar month for ``"M"``), purchases in the same
    period are one purchase, and recency and T are whole numbers of periods. The
    calibration then ends with the whole period that contains ``calibration_end``
    (purchases later in that week or month count too). Calendar months exist only in this
    mode: with ``merge="day"`` a month would need a fixed number of days, which kamlab
    never assumes.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Invoice lines, one row per line or purchase, with an account, a date and
        (unless ``value=None``) a value column.
    calibration_end : date-like, optional
        Last day of the calibration period (included). Default: the day of the last line.
    freq : {"W", "D", "M"}, default="W"
        Time unit of ``recency``, ``T`` and ``duration_holdout``: weeks of 7 days, days,
        or (only with ``merge="period"``) calendar months.
    account : str, default="account_id"
        Column with the account (customer) id. The result has a column of this name.
    date : str, default="date"
        Column with the purchase date; a time of day is ignored.
    value : str or None, default="revenue"
        Column with the value of each line. Credit notes are lines with a negative value:
        they are netted with the purchases of the same day, and a day whose lines add up
        to less than 0 is not a purchase (it is counted in ``attrs["credit_periods"]``). A
        day adding up to exactly 0 is a purchase (a free order). ``None``: every day with
        a line is a purchase and there is no ``monetary_value``.
    observation_end : date-like, optional
        End (included) of a holdout period after ``calibration_end``. Adds the columns
        ``frequency_holdout`` (purchases in the holdout period), ``monetary_value_holdout``
        (their mean value, 0 without any) and ``duration_holdout`` (its length, in units
        of ``freq``), for checking a model's predictions on data it has not seen.
    merge : {"day", "period"}, default="day"
        What counts as one purchase, see above.

    Returns
    -------
    pandas.DataFrame
        One row per account with a purchase up to ``calibration_end``, sorted by account:
        the account column, ``frequency`` (int64), ``recency``, ``T``, ``monetary_value``
        (unless ``value=None``) and the holdout columns (with ``observation_end``).

        Nothing is dropped silently; ``result.attrs`` says what is not in the table:

        - ``freq``, ``merge``, ``time_unit`` (in words), ``calibration_end``,
          ``observation_end``;
        - ``lines``: lines read; ``lines_after_end``: lines dated after
          ``observation_end`` (or ``calibration_end`` without a holdout period; with
          ``merge="period"`` after the period that contains it), not used;
        - ``accounts_first_purchase_after_calibration``: accounts whose first purchase is
          after ``calibration_end`` (new later: not in the table);
        - ``accounts_without_purchase``: accounts with lines but never a purchase (only
          credit notes);
        - ``credit_periods``, ``credit_value``: days (periods) with a net credit up to
          the end of the data used, and the sum of their values.

    Raises
    ------
    MissingColumnError
        ``account``, ``date`` or ``value`` is not a column.
    DataFormatError
        An account id or date is missing, or a value is missing or not a finite number.
    ParameterError
        ``freq`` or ``merge`` is not one of the names above, ``freq="M"`` with
        ``merge="day"``, or ``observation_end`` is not after ``calibration_end``.

    See Also
    --------
    BetaGeo, GammaGamma : the models fitted on this table.

    Notes
    -----
    The same table as ``lifetimes.utils.summary_data_from_transaction_data(lines,
    "account_id", "date", monetary_value_col="revenue", observation_period_end=end,
    freq="D", freq_multiplier=7)`` for weeks of 7 days (and ``freq="W"`` there for
    ``merge="period"`` here), except for credit notes: ``lifetimes`` counts a day whose
    lines net to less than 0 as a purchase. The CDNOW summaries published with Fader,
    Hardie & Lee (2005) are ``rfm_summary(lines, "1997-09-30", "W")`` of the CDNOW sample.

    Examples
    --------
    Account A buys on 1 January, twice on 8 January and on 22 January; B buys first on 1
    February, after the end of calibration:

    >>> import pandas as pd
    >>> lines = pd.DataFrame({
    ...     "account_id": ["A", "A", "A", "A", "B"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-08", "2024-01-22", "2024-02-01"]),
    ...     "revenue": [10.0, 20.0, 5.0, 15.0, 50.0],
    ... })
    >>> summary = rfm_summary(lines, calibration_end="2024-01-29")
    >>> summary
      account_id  frequency  recency    T  monetary_value
    0          A          2      3.0  4.0            20.0
    >>> summary.attrs["accounts_first_purchase_after_calibration"]
    1
    """
    _check_arguments(transactions, freq, merge, account, date, value)
    n_lines = len(transactions)
    codes, account_ids = _account_codes(transactions[account], account)
    days = _day_numbers(transactions[date], date)
    values = _values(transactions[value], value) if value is not None else np.zeros(n_lines)
    cal_day, obs_day = _period_ends(days, calibration_end, observation_end)

    to_unit = _unit_function(freq, merge)
    scale = _UNIT_DAYS[freq] if merge == "day" else 1
    cal_unit = int(to_unit(np.array([cal_day]))[0])
    end_unit = int(to_unit(np.array([obs_day]))[0]) if obs_day is not None else cal_unit
    lines = _Lines.make(codes, account_ids, to_unit(days), values)

    # The rows are sorted by account id. Sorting many text ids takes as long as all the rest, and
    # pyarrow sorts without holding the GIL: for large tables it runs in a second thread meanwhile.
    sorted_codes = _start_sorting(account_ids)
    if value is not None and np.any(values < 0):
        credit_keys, credit_net = lines.mark_credits()
    else:
        credit_keys, credit_net = np.zeros(0, dtype="int64"), np.zeros(0)
    cal = lines.purchases(lines.units <= cal_unit)  # the purchase lines of the calibration period
    first, last, purchases = _calibration_purchases(lines, cal)
    # rows of the table: accounts with a calibration purchase, sorted by account id
    rows = sorted_codes()
    rows = rows[purchases[rows] > 0]
    frequency = purchases[rows] - 1

    result = {
        account: account_ids.take(rows),
        "frequency": frequency.astype("int64"),
        "recency": (last[rows] - first[rows]) / scale,
        "T": (cal_unit - first[rows]) / scale,
    }
    if value is not None:
        result["monetary_value"] = _mean_repeat_value(lines, cal, first, rows, frequency)
    if obs_day is not None:
        result.update(_holdout_columns(lines, cal_unit, end_unit, rows, scale, with_value=value is not None))

    summary = pd.DataFrame(result)
    summary.attrs.update(
        {
            "freq": freq,
            "merge": merge,
            "time_unit": _UNIT_NAMES[freq],
            "calibration_end": _timestamp(cal_day),
            "observation_end": _timestamp(obs_day) if obs_day is not None else None,
            **_what_is_left_out(lines, len(rows), end_unit, credit_keys, credit_net),
        }
    )
    return summary


def _what_is_left_out(lines, n_rows, end_unit, credit_keys, credit_net):
    """The counts in ``attrs`` of what is not in the table: lines after the end, accounts, credit days."""
    # accounts not in the table: first purchase after calibration, or never a purchase
    if lines.credit is None:
        n_never = 0  # every line is a purchase
    else:
        n_never = int((np.bincount(lines.codes[~lines.credit], minlength=lines.n_accounts) == 0).sum())
    n_lines = len(lines.units)
    credit_used = credit_keys % lines.span + (lines.u_min if n_lines else 0) <= end_unit
    return {
        "lines": n_lines,
        "lines_after_end": int((lines.units > end_unit).sum()),
        "accounts_first_purchase_after_calibration": int(lines.n_accounts - n_rows - n_never),
        "accounts_without_purchase": n_never,
        "credit_periods": int(credit_used.sum()),
        "credit_value": float(credit_net[credit_used].sum()),
    }


def _check_arguments(transactions, freq, merge, account, date, value):
    """Raise the errors of :func:`rfm_summary` for a wrong table type, ``freq``, ``merge`` or column name."""
    if not isinstance(transactions, pd.DataFrame):
        raise ParameterError(
            f"rfm_summary needs a pandas DataFrame of invoice lines, not {type(transactions).__name__}."
        )
    if merge not in ("day", "period"):
        raise ParameterError(f"merge must be 'day' or 'period', not {merge!r}.")
    if freq not in _UNIT_NAMES:
        raise ParameterError(
            f"freq must be 'W' (weeks of 7 days), 'D' (days) or, with merge='period', 'M' (calendar months), "
            f"not {freq!r}."
        )
    if freq == "M" and merge == "day":
        raise ParameterError(
            "freq='M' (calendar months) needs merge='period': months differ in length, so a time in months "
            "between two days is not defined (kamlab never assumes a 30-day month). Use freq='W' or 'D', or "
            "count purchases per calendar month with merge='period'."
        )
    columns = [account, date] + ([value] if value is not None else [])
    absent = [c for c in columns if c not in transactions.columns]
    if absent:
        hint = " Pass value=None to summarise without values." if absent == [value] else ""
        raise MissingColumnError(
            f"The invoice lines have no column {', '.join(repr(c) for c in absent)}. "
            f"Columns found: {', '.join(map(str, transactions.columns))}. Name the columns with the "
            f"account=, date= and value= arguments.{hint}"
        )


def _period_ends(days, calibration_end, observation_end):
    """The last day of calibration (default: the last line's) and of the holdout period (or None), as day numbers."""
    cal_day = _day_number(calibration_end, "calibration_end") if calibration_end is not None else None
    obs_day = _day_number(observation_end, "observation_end") if observation_end is not None else None
    if cal_day is None:
        if obs_day is not None:
            raise ParameterError("observation_end needs a calibration_end: give the last day of calibration.")
        cal_day = int(days.max()) if len(days) else 0
    if obs_day is not None and obs_day <= cal_day:
        raise ParameterError(
            f"observation_end ({_day_text(obs_day)}) must be after calibration_end ({_day_text(cal_day)})."
        )
    return cal_day, obs_day


@dataclass
class _Lines:
    """The invoice lines as integer arrays, for vectorised group operations.

    No per-account Python loop and no sort of the lines by account: an (account, day or
    period) pair is the single number ``code * span + unit - u_min`` (:meth:`keys`).
    """

    codes: np.ndarray  # account code per line (position in account_ids)
    account_ids: pd.Index
    units: np.ndarray  # day or period number per line
    values: np.ndarray
    u_min: int
    span: int
    credit: np.ndarray | None = None  # lines of a day (period) that nets to a credit; None: there are none

    @classmethod
    def make(cls, codes, account_ids, units, values):
        u_min = int(units.min()) if len(units) else 0
        span = int(units.max()) - u_min + 1 if len(units) else 1
        if len(account_ids) * span >= 2**62:  # pragma: no cover - would need ~10^13 account-days
            raise ParameterError("Too many accounts times days to summarise at once; split the data by account.")
        return cls(codes, account_ids, units, values, u_min, span)

    @property
    def n_accounts(self):
        return len(self.account_ids)

    def keys(self, mask):
        """The (account, unit) key of each line selected by ``mask``."""
        return self.codes[mask] * self.span + (self.units[mask] - self.u_min)

    def purchases(self, mask):
        """The lines selected by ``mask`` that are purchases (not part of a net credit)."""
        return mask if self.credit is None else mask & ~self.credit

    def mark_credits(self):
        """Find the days (periods) whose lines net to less than 0: they are not purchases.

        Sets :attr:`credit` and returns the keys of those days and their net values.
        """
        key = self.keys(slice(None))
        candidates = np.unique(key[self.values < 0])
        position = np.minimum(np.searchsorted(candidates, key), len(candidates) - 1)
        on_candidate = candidates[position] == key
        net = np.bincount(position[on_candidate], weights=self.values[on_candidate], minlength=len(candidates))
        self.credit = on_candidate & (net < 0)[position]
        return candidates[net < 0], net[net < 0]


def _start_sorting(account_ids):
    """Start sorting the account ids; returns a function that gives the sorted codes when called.

    From :data:`_THREAD_MIN_ACCOUNTS` accounts on the sort runs in a second thread while the
    caller goes on; below, it runs when the function is called.
    """
    if len(account_ids) < _THREAD_MIN_ACCOUNTS:
        return lambda: _sorted_codes(account_ids)
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(_sorted_codes, account_ids)

    def result():
        try:
            return future.result()
        finally:
            pool.shutdown()

    return result


def _calibration_purchases(lines, cal):
    """Per account code: first and last purchase unit of the lines ``cal``, and the number of purchases."""
    c_code, c_unit = lines.codes[cal], lines.units[cal]
    first = np.full(lines.n_accounts, _NEVER)
    np.minimum.at(first, c_code, c_unit)
    last = np.full(lines.n_accounts, -_NEVER)
    np.maximum.at(last, c_code, c_unit)
    purchases = _distinct_per_account(lines.keys(cal), lines.span, lines.n_accounts)
    return first, last, purchases


def _mean_repeat_value(lines, cal, first, rows, frequency):
    """Mean value of the repeat purchases among the lines ``cal`` (all but the first day or period), 0 without any."""
    c_code, c_unit = lines.codes[cal], lines.units[cal]
    repeat_value = np.where(c_unit != first[c_code], lines.values[cal], 0.0)
    repeat_sum = np.bincount(c_code, weights=repeat_value, minlength=lines.n_accounts)[rows]
    return np.where(frequency > 0, repeat_sum / np.maximum(frequency, 1), 0.0)


def _holdout_columns(lines, cal_unit, end_unit, rows, scale, *, with_value):
    """``frequency_holdout``, ``monetary_value_holdout`` (with values) and ``duration_holdout`` of the rows."""
    hold = lines.purchases((lines.units > cal_unit) & (lines.units <= end_unit))
    h_code = lines.codes[hold]
    n_hold = _distinct_per_account(lines.keys(hold), lines.span, lines.n_accounts)[rows]
    columns = {"frequency_holdout": n_hold.astype("int64")}
    if with_value:
        sum_hold = np.bincount(h_code, weights=lines.values[hold], minlength=lines.n_accounts)[rows]
        columns["monetary_value_holdout"] = np.where(n_hold > 0, sum_hold / np.maximum(n_hold, 1), 0.0)
    columns["duration_holdout"] = np.full(len(rows), (end_unit - cal_unit) / scale)
    return columns


def _distinct_per_account(keys, span, n_accounts):
    """Number of distinct (account, day or period) keys per account code."""
    if len(keys) == 0:
        return np.zeros(n_accounts, dtype="int64")
    keys = np.sort(keys)
    new = np.empty(len(keys), dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    return np.bincount(keys[new] // span, minlength=n_accounts)


def _sorted_codes(account_ids):
    """Codes of the account ids in the order of the sorted ids (as text if they cannot be compared)."""
    try:
        return np.asarray(account_ids.argsort(), dtype="int64")
    except TypeError:
        return np.asarray(account_ids.astype("str").argsort(), dtype="int64")


def _unit_function(freq, merge):
    if merge == "day" or freq == "D":
        return lambda days: days
    if freq == "W":
        return lambda days: np.floor_divide(days - _FIRST_MONDAY, 7)
    return lambda days: days.astype("datetime64[D]").astype("datetime64[M]").astype("int64")


def _timestamp(day):
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _day_text(day):
    return str(np.datetime64(int(day), "D"))


def _day_number(when, name):
    try:
        stamp = pd.Timestamp(when)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError(f"{name}={when!r} is not a date; give a day such as '1997-09-30'.")
    return int(np.datetime64(stamp.tz_localize(None) if stamp.tzinfo else stamp, "D").astype("int64"))


def _account_codes(ids, column):
    codes, uniques = pd.factorize(ids, sort=False)
    missing = codes < 0
    if missing.any():
        raise DataFormatError(
            f"{int(missing.sum()):,} of {len(ids):,} lines have no account id (column {column!r}); the first is "
            f"row {int(np.flatnonzero(missing)[0])}. Drop them on purpose (lines.dropna(subset=[{column!r}])) first.",
            column=column,
            n_more=int(missing.sum()) - 1,
        )
    return codes.astype("int64", copy=False), pd.Index(uniques)


def _day_numbers(dates, column):
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates)
        except (ValueError, TypeError) as exc:
            raise DataFormatError(
                f"The column {column!r} holds values that are not dates ({exc}). Parse it first, e.g. with "
                "pd.to_datetime, or load the file with kamlab.read_transactions.",
                column=column,
            ) from None
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    missing = dates.isna().to_numpy()
    if missing.any():
        raise DataFormatError(
            f"{int(missing.sum()):,} of {len(dates):,} lines have no date (column {column!r}); the first is row "
            f"{int(np.flatnonzero(missing)[0])}. Every purchase needs a date: fix or drop those lines first.",
            column=column,
            n_more=int(missing.sum()) - 1,
        )
    return dates.to_numpy().astype("datetime64[D]").astype("int64")


def _values(values, column):
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(numbers)
    if bad.any():
        raise DataFormatError(
            f"{int(bad.sum()):,} of {len(values):,} lines have no readable {column!r}; the first is row "
            f"{int(np.flatnonzero(bad)[0])} ({values.iloc[int(np.flatnonzero(bad)[0])]!r}). Fix or drop those "
            "lines first, or pass value=None to count purchases without values.",
            column=column,
            value=values.iloc[int(np.flatnonzero(bad)[0])],
            n_more=int(bad.sum()) - 1,
        )
    return numbers
