"""Customer lifetime value: simple margin multiples and the BG/NBD and Gamma-Gamma models.

Two ways to put a value on an account's future:

- **Margin multiples** (:func:`clv_margin_multiple`, :func:`clv_finite`): an account that
  earns a margin ``m`` per period, stays with probability ``r`` from one period to the
  next, and whose money is discounted at ``i`` per period is worth ``m·r/(1+i−r)``
  (Gupta & Lehmann 2005). One retention rate for everybody: a back-of-the-envelope number.
- **Buy-till-you-die models** for repeat-purchase data, fitted per customer base:
  :func:`rfm_summary` turns invoice lines into each account's purchase history
  (frequency, recency, age ``T`` and mean spend), :class:`BetaGeo` (the BG/NBD model of
  Fader, Hardie & Lee 2005) predicts how many purchases each account will still make and
  the probability it is still "alive", :class:`GammaGamma` predicts what each purchase
  will be worth, and :func:`customer_lifetime_value` discounts the product to a value.

Time units are always explicit: :func:`rfm_summary` states the unit of its durations
(days or weeks of 7 days, or calendar months when purchases are counted per month), the
models' times are in that unit, and :func:`customer_lifetime_value` takes the length of
the discount rate's period in that unit. There is no hidden 30-day month anywhere.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves
for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/

Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*. Wharton School
Publishing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from kamlab.config import thread_limits
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "BetaGeo",
    "ConvergenceWarning",
    "GammaGamma",
    "clv_finite",
    "clv_margin_multiple",
    "customer_lifetime_value",
    "rfm_summary",
    "simulate_bg_nbd",
]

# length of one time unit in days, for the units that are a fixed number of days
_UNIT_DAYS = {"D": 1, "W": 7}
_UNIT_NAMES = {"D": "days", "W": "weeks (7 days)", "M": "calendar months"}
# from this many accounts on, rfm_summary sorts the account ids in a second thread
_THREAD_MIN_ACCOUNTS = 20_000
# "no purchase" in per-account minimum arrays
_NEVER = np.iinfo("int64").max
# 1970-01-01 (day 0 of numpy's day count) is a Thursday: day 4 is the first Monday
_FIRST_MONDAY = 4


class ConvergenceWarning(UserWarning):
    """The maximum-likelihood fit stopped before it reached the optimum."""


# --------------------------------------------------------------------------- margin multiples


def _check_rates(retention, discount_rate):
    retention = np.asarray(retention, dtype="float64")
    discount_rate = np.asarray(discount_rate, dtype="float64")
    if np.any(~np.isfinite(retention)) or np.any((retention < 0) | (retention > 1)):
        raise ParameterError(
            f"retention must be a probability between 0 and 1 (the share of accounts that stay from one "
            f"period to the next), not {retention.tolist()!r}."
        )
    if np.any(~np.isfinite(discount_rate)) or np.any(discount_rate <= -1):
        raise ParameterError(
            f"discount_rate must be a rate per period above -1 (0.08 for 8 %), not {discount_rate.tolist()!r}."
        )
    return retention, discount_rate


def _check_margin(margin):
    margin = np.asarray(margin, dtype="float64")
    if np.any(~np.isfinite(margin)):
        raise ParameterError(f"margin must be a finite number, not {margin.tolist()!r}.")
    return margin


def _scalar_or_array(value):
    return float(value) if np.ndim(value) == 0 else value


def clv_margin_multiple(margin, retention, discount_rate):
    """Lifetime value of an account as a multiple of its margin per period (infinite horizon).

    .. math:: \\mathrm{CLV} = \\sum_{t=1}^{\\infty} \\frac{m\\,r^t}{(1+i)^t} = m\\,\\frac{r}{1+i-r}

    The textbook convention of Gupta & Lehmann (2005): the margin ``m`` of a period is
    earned at the end of that period by an account that is still there, the account stays
    from one period to the next with probability ``r`` (so the first period's margin is
    counted with probability ``r``), and money is discounted by ``1 + i`` per period. The
    margin of the current period (already earned) is not included; add ``m`` for it.
    Retention, discount rate and margin must refer to the same period (a year, say).

    Parameters
    ----------
    margin : float or array-like
        Contribution margin per period, ``m``.
    retention : float or array-like
        Retention rate per period, ``r``, between 0 and 1.
    discount_rate : float or array-like
        Discount rate per period, ``i`` (0.1 for 10 %), above -1 and with ``1 + i > r``.

    Returns
    -------
    float or numpy.ndarray
        The lifetime value, in the unit of ``margin``; arrays broadcast.

    Raises
    ------
    ParameterError
        A retention outside [0, 1], a discount rate at or below -1, or ``r >= 1 + i``
        (the sum does not converge: an account that never leaves is worth infinitely much
        when money is not discounted).

    See Also
    --------
    clv_finite : the same sum over a finite number of periods.

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2005). *Managing Customers as Investments*, ch. 2.

    Examples
    --------
    An account with a margin of 1,000 per year, a retention of 80 % and a discount rate of
    10 % per year is worth 2.67 annual margins:

    >>> round(clv_margin_multiple(1000, 0.8, 0.1), 2)
    2666.67
    """
    margin = _check_margin(margin)
    retention, discount_rate = _check_rates(retention, discount_rate)
    if np.any(retention >= 1 + discount_rate):
        raise ParameterError(
            "With retention >= 1 + discount_rate the margins never shrink and the lifetime value is infinite: "
            "use a retention below 1 (or a positive discount rate), or clv_finite with a finite horizon."
        )
    return _scalar_or_array(margin * retention / (1 + discount_rate - retention))


def clv_finite(margin, retention, discount_rate, periods):
    """Lifetime value of an account over a finite number of periods.

    .. math:: \\mathrm{CLV}_T = \\sum_{t=1}^{T} \\frac{m\\,r^t}{(1+i)^t}
              = m\\,\\frac{q\\,(1-q^T)}{1-q}, \\qquad q = \\frac{r}{1+i}

    The same convention as :func:`clv_margin_multiple` (margin at the end of each period,
    counted if the account is still there), cut after ``T`` periods; as ``T`` grows it
    converges to ``m·r/(1+i−r)``.

    Parameters
    ----------
    margin : float or array-like
        Contribution margin per period, ``m``.
    retention : float or array-like
        Retention rate per period, ``r``, between 0 and 1.
    discount_rate : float or array-like
        Discount rate per period, ``i``, above -1.
    periods : int or array-like of int
        Number of periods ``T`` (0 or more).

    Returns
    -------
    float or numpy.ndarray
        The lifetime value, in the unit of ``margin``; arrays broadcast.

    Raises
    ------
    ParameterError
        A retention outside [0, 1], a discount rate at or below -1, or a number of
        periods that is negative or not a whole number.

    Examples
    --------
    >>> round(clv_finite(1000, 0.8, 0.1, periods=1), 2)      # 1000 · 0.8 / 1.1
    727.27
    >>> round(clv_finite(1000, 0.8, 0.1, periods=5), 2)
    2124.1
    """
    margin = _check_margin(margin)
    retention, discount_rate = _check_rates(retention, discount_rate)
    periods = np.asarray(periods)
    if periods.dtype.kind not in "iuf" or np.any(~np.isfinite(periods)) or np.any(periods < 0) or np.any(
        periods != np.round(periods)
    ):
        raise ParameterError(f"periods must be a whole number of periods, 0 or more, not {periods.tolist()!r}.")
    q = retention / (1 + discount_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = np.where(q == 1, periods, q * (1 - q**periods) / np.where(q == 1, 1.0, 1 - q))
    return _scalar_or_array(margin * geometric)


# --------------------------------------------------------------------------- rfm_summary


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

    n_lines = len(transactions)
    codes, account_ids = _account_codes(transactions[account], account)
    days = _day_numbers(transactions[date], date)
    values = _values(transactions[value], value) if value is not None else np.zeros(n_lines)

    cal_day = _day_number(calibration_end, "calibration_end") if calibration_end is not None else None
    obs_day = _day_number(observation_end, "observation_end") if observation_end is not None else None
    if cal_day is None:
        if obs_day is not None:
            raise ParameterError("observation_end needs a calibration_end: give the last day of calibration.")
        cal_day = int(days.max()) if n_lines else 0
    if obs_day is not None and obs_day <= cal_day:
        raise ParameterError(
            f"observation_end ({_day_text(obs_day)}) must be after calibration_end ({_day_text(cal_day)})."
        )

    to_unit = _unit_function(freq, merge)
    scale = _UNIT_DAYS[freq] if merge == "day" else 1
    units = to_unit(days)
    cal_unit = int(to_unit(np.array([cal_day]))[0])
    end_unit = int(to_unit(np.array([obs_day]))[0]) if obs_day is not None else cal_unit

    # Everything is computed on the lines, with vectorised group operations on integer codes
    # (no per-account Python loop and no sort of the lines by account). An (account, day or
    # period) pair is the single number code * span + unit - u_min.
    n_accounts = len(account_ids)
    u_min = int(units.min()) if n_lines else 0
    span = int(units.max()) - u_min + 1 if n_lines else 1
    if n_accounts * span >= 2**62:  # pragma: no cover - would need ~10^13 account-days
        raise ParameterError("Too many accounts times days to summarise at once; split the data by account.")

    # The rows are sorted by account id. Sorting many text ids takes as long as all the rest, and
    # pyarrow sorts without holding the GIL: for large tables it runs in a second thread meanwhile.
    pool = ThreadPoolExecutor(max_workers=1) if n_accounts >= _THREAD_MIN_ACCOUNTS else None
    sorted_codes = pool.submit(_sorted_codes, account_ids) if pool is not None else None

    # credit days: a day (period) whose lines net to less than 0 is not a purchase
    credit_line = None
    credit_keys, credit_net = np.zeros(0, dtype="int64"), np.zeros(0)
    if value is not None and np.any(values < 0):
        key = codes * span + (units - u_min)
        candidates = np.unique(key[values < 0])
        position = np.minimum(np.searchsorted(candidates, key), len(candidates) - 1)
        on_candidate = candidates[position] == key
        net = np.bincount(position[on_candidate], weights=values[on_candidate], minlength=len(candidates))
        credit_line = on_candidate & (net < 0)[position]
        credit_keys, credit_net = candidates[net < 0], net[net < 0]

    # calibration purchases per account
    cal = units <= cal_unit
    if credit_line is not None:
        cal &= ~credit_line
    c_code, c_unit = codes[cal], units[cal]
    first = np.full(n_accounts, _NEVER)
    np.minimum.at(first, c_code, c_unit)
    last = np.full(n_accounts, -_NEVER)
    np.maximum.at(last, c_code, c_unit)
    purchases = _distinct_per_account(c_code * span + (c_unit - u_min), span, n_accounts)

    # rows of the table: accounts with a calibration purchase, sorted by account id
    if pool is not None:
        rows = sorted_codes.result()
        pool.shutdown()
    else:
        rows = _sorted_codes(account_ids)
    rows = rows[purchases[rows] > 0]
    frequency = purchases[rows] - 1
    result = {
        account: account_ids.take(rows),
        "frequency": frequency.astype("int64"),
        "recency": (last[rows] - first[rows]) / scale,
        "T": (cal_unit - first[rows]) / scale,
    }
    if value is not None:
        c_value = values[cal]
        repeat_value = np.where(c_unit != first[c_code], c_value, 0.0)
        repeat_sum = np.bincount(c_code, weights=repeat_value, minlength=n_accounts)[rows]
        result["monetary_value"] = np.where(frequency > 0, repeat_sum / np.maximum(frequency, 1), 0.0)

    if obs_day is not None:
        hold = (units > cal_unit) & (units <= end_unit)
        if credit_line is not None:
            hold &= ~credit_line
        h_code = codes[hold]
        n_hold = _distinct_per_account(h_code * span + (units[hold] - u_min), span, n_accounts)[rows]
        result["frequency_holdout"] = n_hold.astype("int64")
        if value is not None:
            sum_hold = np.bincount(h_code, weights=values[hold], minlength=n_accounts)[rows]
            result["monetary_value_holdout"] = np.where(n_hold > 0, sum_hold / np.maximum(n_hold, 1), 0.0)
        result["duration_holdout"] = np.full(len(rows), (end_unit - cal_unit) / scale)

    # accounts not in the table: first purchase after calibration, or never a purchase
    if credit_line is None:
        n_never = 0  # every line is a purchase
    else:
        n_never = int((np.bincount(codes[~credit_line], minlength=n_accounts) == 0).sum())
    n_later = int(n_accounts - len(rows) - n_never)
    credit_used = credit_keys % span + (u_min if n_lines else 0) <= end_unit

    summary = pd.DataFrame(result)
    summary.attrs.update(
        {
            "freq": freq,
            "merge": merge,
            "time_unit": _UNIT_NAMES[freq],
            "calibration_end": _timestamp(cal_day),
            "observation_end": _timestamp(obs_day) if obs_day is not None else None,
            "lines": n_lines,
            "lines_after_end": int((units > end_unit).sum()),
            "accounts_first_purchase_after_calibration": n_later,
            "accounts_without_purchase": n_never,
            "credit_periods": int(credit_used.sum()),
            "credit_value": float(credit_net[credit_used].sum()),
        }
    )
    return summary


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


# --------------------------------------------------------------------------- model inputs


def _summary_columns(summary, names, what):
    """The named columns of a summary table (DataFrame or mapping of arrays) as float arrays."""
    if not isinstance(summary, (pd.DataFrame, Mapping)):
        raise ParameterError(
            f"{what} needs a summary table (a DataFrame from kamlab.rfm_summary, or a dict of arrays) with the "
            f"columns {', '.join(names)}, not {type(summary).__name__}."
        )
    keys = list(summary.columns) if isinstance(summary, pd.DataFrame) else list(summary)
    absent = [n for n in names if n not in keys]
    if absent:
        raise MissingColumnError(
            f"{what} needs the column{'s' if len(absent) > 1 else ''} {', '.join(repr(n) for n in absent)}; "
            f"found: {', '.join(map(str, keys))}. Make the table with kamlab.rfm_summary, or rename your columns "
            "(e.g. summary.rename(columns={'x': 'frequency', 't_x': 'recency'}))."
        )
    arrays = []
    for name in names:
        column = summary[name]
        try:
            array = np.asarray(column, dtype="float64")
        except (TypeError, ValueError):
            raise DataFormatError(f"The column {name!r} must hold numbers.", column=name) from None
        if array.ndim != 1:
            raise DataFormatError(f"The column {name!r} must be one-dimensional.", column=name)
        bad = ~np.isfinite(array) | (array < 0)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise DataFormatError(
                f"{int(bad.sum()):,} values of {name!r} are missing, infinite or negative (the first in row "
                f"{first}: {array[first]!r}); purchase counts, times and values must be 0 or more.",
                column=name,
                value=array[first],
                n_more=int(bad.sum()) - 1,
            )
        arrays.append(array)
    if len({len(a) for a in arrays}) > 1:
        raise DataFormatError(f"The columns {', '.join(names)} have different lengths.")
    return arrays


def _index(summary, n):
    return summary.index if isinstance(summary, pd.DataFrame) else pd.RangeIndex(n)


def _bgnbd_inputs(summary, what):
    x, tx, T = _summary_columns(summary, ["frequency", "recency", "T"], what)
    if np.any(x != np.round(x)):
        raise DataFormatError("frequency must be a whole number of repeat purchases.", column="frequency")
    if np.any(tx > T * (1 + 1e-9) + 1e-12):
        first = int(np.flatnonzero(tx > T * (1 + 1e-9) + 1e-12)[0])
        raise DataFormatError(
            f"recency is larger than T (row {first}: recency {tx[first]!r}, T {T[first]!r}). In these models "
            "recency is the time from the first to the last purchase (not the time since the last purchase) "
            "and T the time from the first purchase to the end of calibration: make the table with "
            "kamlab.rfm_summary.",
            column="recency",
        )
    if np.any((x == 0) & (tx > 0)):
        raise DataFormatError(
            "Some accounts have frequency 0 but a recency above 0. Recency is the time from the first to the "
            "last purchase, so it is 0 without repeat purchases: make the table with kamlab.rfm_summary.",
            column="recency",
        )
    return x, tx, T


def _check_penalizer(penalizer):
    if not isinstance(penalizer, (int, float, np.floating, np.integer)) or not (
        math.isfinite(penalizer) and penalizer >= 0
    ):
        raise ParameterError(f"penalizer must be a number, 0 or more, not {penalizer!r}.")
    return float(penalizer)


def _check_fitted(model, name):
    if not hasattr(model, "params_"):
        raise ParameterError(f"This {name} is not fitted yet: call {name.lower()}.fit(summary) first.")


# --------------------------------------------------------------------------- maximum likelihood


def _maximise(objective, start, n):
    """Minimise ``objective(log_params) -> (mean negative log-likelihood, gradient)``.

    L-BFGS-B in log-parameter space (the parameters are positive), then Newton steps with
    a finite-difference Hessian of the analytic gradient to polish the optimum.
    """
    from scipy.optimize import minimize

    bounds = [(-25.0, 25.0)] * len(start)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), thread_limits("blas"):
        result = minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-11, "maxcor": 20},
        )
        phi = np.clip(result.x, -25.0, 25.0)
        value, grad = objective(phi)
        for _ in range(8):  # Newton polish
            if not np.isfinite(value) or np.max(np.abs(grad)) < 1e-11:
                break
            hessian = _hessian(objective, phi)
            try:
                step = -np.linalg.solve(hessian, grad)
            except np.linalg.LinAlgError:
                break
            if not np.all(np.isfinite(step)) or grad @ step >= 0:
                break
            for shrink in (1.0, 0.5, 0.25, 0.125):
                candidate = np.clip(phi + shrink * step, -25.0, 25.0)
                new_value, new_grad = objective(candidate)
                if np.isfinite(new_value) and new_value <= value + 1e-15 * abs(value):
                    break
            else:
                break
            if np.max(np.abs(new_grad)) >= np.max(np.abs(grad)) and new_value >= value:
                break
            phi, value, grad = candidate, new_value, new_grad
    at_bound = np.any(np.abs(phi) >= 25.0 - 1e-9)
    converged = bool(np.isfinite(value) and np.max(np.abs(grad)) < 1e-6 and not at_bound)
    if not converged:
        warnings.warn(
            "The maximum-likelihood fit did not reach a clear optimum (largest gradient "
            f"{np.max(np.abs(grad)):.2g}{', a parameter at its bound' if at_bound else ''}): the data may not "
            "identify the model's parameters (for the BG/NBD model, e.g., when no account has been silent for "
            "long, drop-out cannot be estimated). Check the summary table; a small penalizer (e.g. 0.001) may help.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return np.exp(phi), -value * n, {"n_iter": int(result.nit), "gradient": grad, "converged": converged}


def _hessian(objective, phi, h=1e-5):
    k = len(phi)
    hessian = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        hessian[:, j] = (objective(phi + e)[1] - objective(phi - e)[1]) / (2 * h)
    return (hessian + hessian.T) / 2


class _BGNBDData:
    """Frequency, recency and T prepared for repeated likelihood evaluations.

    Terms that depend only on the frequency are computed once per distinct frequency, and
    accounts without repeat purchases (often most of them), whose likelihood depends only
    on T, once per distinct T.
    """

    def __init__(self, x, tx, T):
        self.n = len(x)
        self.x_unique, self.x_count = np.unique(x, return_counts=True)
        repeat = x > 0
        self.T0_unique, self.T0_count = np.unique(T[~repeat], return_counts=True)
        self.x, self.tx, self.T = x[repeat], tx[repeat], T[repeat]
        self.xp_unique, self.xp_inverse = np.unique(self.x, return_inverse=True)
        self.x1_unique = self.xp_unique - 1


def _bgnbd_log_likelihood(theta, d, gradient=False):
    """Total log-likelihood of the BG/NBD model (FHL 2005, eq. 6) and its gradient in (r, α, a, b)."""
    from scipy.special import betaln, digamma, gammaln

    r, alpha, a, b = theta
    xu, cnt = d.x_unique, d.x_count
    per_x = gammaln(r + xu) - gammaln(r) + betaln(a, b + xu) - betaln(a, b)
    # accounts without repeat purchases: ln L = per_x(0) + r ln α − r ln(α + T)
    log_T0 = np.log(alpha + d.T0_unique)
    # repeat buyers: the bracket of eq. 6 in log space
    rx = r + d.x
    log_T = np.log(alpha + d.T)
    log_tx = np.log(alpha + d.tx)
    A3 = -rx * log_T
    A4 = (np.log(a) - np.log(b + d.x1_unique))[d.xp_inverse] - rx * log_tx
    lse = np.logaddexp(A3, A4)
    ll = cnt @ per_x + d.n * r * np.log(alpha) - r * (d.T0_count @ log_T0) + lse.sum()
    if not gradient:
        return ll
    w = np.exp(A4 - lse)  # weight of the "dropped out after the last purchase" term
    w_per_x = np.bincount(d.xp_inverse, weights=w, minlength=len(d.xp_unique))
    d_r = (
        cnt @ (digamma(r + xu) - digamma(r))
        + d.n * np.log(alpha)
        - d.T0_count @ log_T0
        - (log_T + w * (log_tx - log_T)).sum()
    )
    d_alpha = (
        d.n * r / alpha
        - r * (d.T0_count @ (1.0 / (alpha + d.T0_unique)))
        - (rx * ((1 - w) / (alpha + d.T) + w / (alpha + d.tx))).sum()
    )
    d_a = cnt @ (digamma(a + b) - digamma(a + b + xu)) + w_per_x.sum() / a
    d_b = cnt @ (digamma(b + xu) - digamma(a + b + xu) - digamma(b) + digamma(a + b)) - w_per_x @ (
        1.0 / (b + d.x1_unique)
    )
    return ll, np.array([d_r, d_alpha, d_a, d_b])


def _gg_log_likelihood(theta, x, m, gradient=False):
    """Total log-likelihood of the Gamma-Gamma model (Fader & Hardie 2013, eq. 1a) and its gradient."""
    from scipy.special import digamma, gammaln

    p, q, gamma = theta
    px = p * x
    log_xm = np.log(gamma + x * m)
    log_m, log_x = np.log(m), np.log(x)
    ll = (
        gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * log_m + px * log_x
        - (px + q) * log_xm
    ).sum()
    if not gradient:
        return ll
    psi = digamma(px + q)
    d_p = (x * (psi - digamma(px) + log_m + log_x - log_xm)).sum()
    d_q = (psi - digamma(q) + np.log(gamma) - log_xm).sum()
    d_gamma = len(x) * q / gamma - ((px + q) / (gamma + x * m)).sum()
    return ll, np.array([d_p, d_q, d_gamma])


def _objective(log_likelihood, n, penalizer):
    """Mean negative log-likelihood plus penalty, and its gradient, in log-parameter space."""

    def objective(phi):
        theta = np.exp(phi)
        ll, grad = log_likelihood(theta)
        value = -ll / n + penalizer * np.sum(theta**2)
        grad_phi = theta * (-grad / n + 2 * penalizer * theta)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(phi)
        return value, grad_phi

    return objective


# --------------------------------------------------------------------------- BG/NBD


class BetaGeo:
    """The BG/NBD ("beta-geometric / negative binomial") model of repeat purchases.

    Fader, Hardie & Lee (2005): while an account is "alive" it buys at random times, at a
    rate λ per time unit (a Poisson process); after each repeat purchase it drops out for
    good with probability p. Across accounts λ follows a gamma distribution with shape
    ``r`` and rate ``alpha`` (mean r/α) and p a beta distribution with parameters ``a``
    and ``b`` (mean a/(a+b)). Nobody sees when an account drops out: the model infers it
    from a long silence after a history of frequent purchases.

    The parameters are estimated by maximum likelihood on each account's ``frequency``
    (x), ``recency`` (t_x) and ``T``:

    .. math::
        L = \\frac{B(a, b+x)}{B(a, b)} \\frac{\\Gamma(r+x)\\,\\alpha^r}{\\Gamma(r)}
            \\left[\\frac{1}{(\\alpha+T)^{r+x}} + \\delta_{x>0}\\,\\frac{a}{b+x-1}\\,
            \\frac{1}{(\\alpha+t_x)^{r+x}}\\right]

    (FHL 2005, eq. 6; the bracket is summed in log space), in log-parameter space with
    L-BFGS-B and the analytic gradient, polished with Newton steps.

    All times (recency, T, the ``t`` of the predictions and ``alpha``, whose unit is a
    time) are in the unit of the summary table, e.g. weeks for ``rfm_summary(freq="W")``.

    Parameters
    ----------
    penalizer : float, default=0.0
        Adds ``penalizer · (r² + α² + a² + b²)`` to the mean negative log-likelihood (as
        ``lifetimes`` does, which however first rescales time so that the largest T is 1).
        A small value (0.001) helps when the data hardly identify the model; 0 gives the
        maximum-likelihood estimate.

    Attributes
    ----------
    params_ : dict
        The estimates ``{"r": ..., "alpha": ..., "a": ..., "b": ...}``.
    log_likelihood_ : float
        Total log-likelihood of the data at ``params_`` (without the penalty).
    n_customers_ : int
        Number of accounts the model was fitted on.
    n_iter_ : int
        Iterations of the optimiser.
    converged_ : bool
        Whether the fit reached an optimum (gradient below 1e-6 in log-parameter space, no
        parameter at its bound); otherwise a :class:`ConvergenceWarning` was issued.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
    way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

    Examples
    --------
    The CDNOW sample (weeks), with the estimates published by Fader, Hardie & Lee (2005):

    >>> from kamlab import datasets
    >>> summary = datasets.fetch_cdnow(kind="summary")                         # doctest: +SKIP
    >>> model = BetaGeo().fit(summary)                                         # doctest: +SKIP
    >>> {k: round(v, 3) for k, v in model.params_.items()}                     # doctest: +SKIP
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    >>> round(model.log_likelihood_, 1)                                        # doctest: +SKIP
    -9582.4

    Histories simulated from known parameters give them back:

    >>> truth = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    >>> histories = simulate_bg_nbd(truth, T=52, n_customers=20_000, random_state=0)
    >>> model = BetaGeo().fit(histories)
    >>> all(abs(model.params_[k] / truth[k] - 1) < 0.2 for k in truth)
    True
    """

    def __init__(self, penalizer=0.0):
        self.penalizer = penalizer

    def __repr__(self):
        return f"BetaGeo(penalizer={self.penalizer!r})"

    def fit(self, summary):
        """Estimate the parameters from a summary table.

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            One row per account with ``frequency`` (repeat purchases), ``recency`` (time
            from the first to the last purchase) and ``T`` (time from the first purchase
            to the end of calibration), as made by :func:`rfm_summary`.

        Returns
        -------
        BetaGeo
            The fitted model (``self``).

        Raises
        ------
        MissingColumnError
            A column is missing.
        DataFormatError
            Missing, negative or inconsistent values (recency above T, a recency for an
            account without repeat purchases, a fractional frequency), no accounts, or
            no repeat purchase at all.
        ParameterError
            ``penalizer`` is negative or not a number.
        """
        penalizer = _check_penalizer(self.penalizer)
        x, tx, T = _bgnbd_inputs(summary, "BetaGeo.fit")
        if len(x) == 0:
            raise DataFormatError("The summary table has no accounts to fit the model on.")
        if not np.any(x > 0):
            raise DataFormatError(
                "No account has a repeat purchase (frequency is 0 everywhere): the data say nothing about "
                "purchase rates or drop-out, so the BG/NBD model cannot be fitted."
            )
        data = _BGNBDData(x, tx, T)
        # start: purchase rate of about (repeat purchases / time observed); no drop-out preference
        rate = max(x.sum(), 1.0) / max(T.sum(), 1e-9)
        start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
        objective = _objective(lambda theta: _bgnbd_log_likelihood(theta, data, gradient=True), data.n, penalizer)
        theta, _, info = _maximise(objective, start, data.n)
        self.params_ = dict(zip(("r", "alpha", "a", "b"), map(float, theta)))
        self.log_likelihood_ = float(_bgnbd_log_likelihood(theta, data))
        self.n_customers_ = int(data.n)
        self.n_iter_ = info["n_iter"]
        self.converged_ = info["converged"]
        return self

    def _theta(self):
        _check_fitted(self, "BetaGeo")
        return tuple(self.params_[k] for k in ("r", "alpha", "a", "b"))

    def probability_alive(self, summary):
        """Probability that each account is still alive (has not dropped out) at the end of calibration.

        .. math:: P(\\text{alive} \\mid x, t_x, T) = \\left[1 + \\delta_{x>0}\\,\\frac{a}{b+x-1}
                  \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}\\right]^{-1}

        (FHL 2005; Fader, Hardie & Lee 2008, "Computing P(alive) using the BG/NBD model").
        It is 1 for an account without repeat purchases: in this model an account can
        drop out only right after a repeat purchase.

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            ``frequency``, ``recency`` and ``T`` per account.

        Returns
        -------
        pandas.Series
            ``probability_alive``, with the index of ``summary``.
        """
        r, alpha, a, b = self._theta()
        x, tx, T = _bgnbd_inputs(summary, "BetaGeo.probability_alive")
        values = _p_alive(r, alpha, a, b, x, tx, T)
        return pd.Series(values, index=_index(summary, len(x)), name="probability_alive")

    def expected_purchases(self, t, summary):
        """Expected number of purchases of each account in the next ``t`` time units.

        The conditional expectation of FHL 2005, eq. 10:

        .. math:: E[Y(t) \\mid x, t_x, T] = \\frac{a+b+x-1}{a-1}
                  \\frac{1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
                  {}_2F_1\\!\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)}
                  {1 + \\delta_{x>0}\\,\\frac{a}{b+x-1}\\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}}

        The hypergeometric term is evaluated after Euler's transformation,
        ``(1−z)^{r+x} ₂F₁(r+x, b+x; c; z) = (1−z)^{a−1} ₂F₁(a+b−1−r, a−1; c; z)``, whose
        parameters do not grow with x (the original overflows for frequent buyers). At
        its removable singularities (a = 1; a + b = 1 for x = 0; r − a a whole number,
        where scipy's ``hyp2f1`` fails) the value is extrapolated from nearby a.

        Parameters
        ----------
        t : float
            Length of the forecast period, in the time unit of the summary (0 or more).
        summary : pandas.DataFrame or dict of arrays
            ``frequency``, ``recency`` and ``T`` per account.

        Returns
        -------
        pandas.Series
            ``expected_purchases``, with the index of ``summary``.
        """
        theta = self._theta()
        t = _check_time(t, "t")
        x, tx, T = _bgnbd_inputs(summary, "BetaGeo.expected_purchases")
        values = _conditional_expected_purchases(theta, t, x, tx, T)
        return pd.Series(values, index=_index(summary, len(x)), name="expected_purchases")

    def expected_purchases_new(self, t):
        """Expected number of repeat purchases of a new account in its first ``t`` time units.

        FHL 2005, eq. 9 (the same expression as :meth:`expected_purchases` with x = t_x = T = 0):

        .. math:: E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
                  {}_2F_1\\!\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]

        Parameters
        ----------
        t : float or array-like
            Time since the first purchase, in the time unit of the summary.

        Returns
        -------
        float or numpy.ndarray
        """
        theta = self._theta()
        t_array = np.asarray(t, dtype="float64")
        if np.any(~np.isfinite(t_array)) or np.any(t_array < 0):
            raise ParameterError(f"t must be a time of 0 or more, not {t!r}.")
        zero = np.zeros_like(t_array)
        values = _conditional_expected_purchases(theta, t_array, zero, zero, zero)
        return _scalar_or_array(values)


def _check_time(t, name):
    if isinstance(t, bool) or not isinstance(t, (int, float, np.integer, np.floating)) or not (
        math.isfinite(t) and t >= 0
    ):
        raise ParameterError(f"{name} must be a single time of 0 or more (in the summary's time unit), not {t!r}.")
    return float(t)


def _log_odds_dead(r, alpha, a, b, x, tx, T):
    # log of a/(b+x-1) · ((α+T)/(α+t_x))^(r+x): P(alive) = 1 / (1 + exp(this)); -inf when x = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
    return np.where(x > 0, odds, -np.inf)


def _p_alive(r, alpha, a, b, x, tx, T):
    from scipy.special import expit

    return expit(-_log_odds_dead(r, alpha, a, b, x, tx, T))


def _conditional_expected_purchases(theta, t, x, tx, T):
    r, alpha, a, b = theta
    # The closed form has removable singularities: a = 1 (the factor 1/(a−1)), a + b = 1 for x = 0
    # (c = 0), and scipy's hyp2f1 returns inf/nan when c − A − B = x + r − a + 1 is an integer (its
    # z → 1 − z connection formula is degenerate there). The expectation is smooth in a: evaluate it at
    # a ± δ, a ± 2δ and extrapolate to a, (4·S₁ − S₂)/6 with error δ⁴·f⁗/6.
    near_integer = abs((r - a) - round(r - a)) < 1e-9
    if near_integer or abs(a - 1) < 5e-4 or abs(a + b - 1) < 1e-9:
        delta = 1e-3 * min(a, 1.0)
        s1 = sum(_expected_purchases_formula((r, alpha, a + k * delta, b), t, x, tx, T) for k in (-1, 1))
        s2 = sum(_expected_purchases_formula((r, alpha, a + k * delta, b), t, x, tx, T) for k in (-2, 2))
        return (4 * s1 - s2) / 6
    return _expected_purchases_formula(theta, t, x, tx, T)


def _expected_purchases_formula(theta, t, x, tx, T):
    from scipy.special import expit, hyp2f1

    r, alpha, a, b = theta
    z = t / (alpha + T + t)
    # Euler: (1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1) 2F1(c-r-x, c-b-x; c; z), c = a+b+x-1
    c = a + b + x - 1
    hyp = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z)
    expected_if_alive = c / (a - 1) * (1 - hyp)
    return expected_if_alive * expit(-_log_odds_dead(r, alpha, a, b, x, tx, T))


# --------------------------------------------------------------------------- Gamma-Gamma


class GammaGamma:
    """The Gamma-Gamma model of the value of an account's purchases.

    Fader, Hardie & Lee (2005, JMR); Fader & Hardie (2013): the value of each purchase of
    an account follows a gamma distribution with shape ``p`` and an account-specific rate
    ν, so the account's own mean value is p/ν; across accounts ν follows a gamma
    distribution with shape ``q`` and rate ``gamma`` (γ, called v in ``lifetimes``). The
    mean value per purchase in the population is p·γ/(q−1). Fitted on the repeat buyers
    (frequency x > 0) with their mean repeat-purchase value z̄ (the ``monetary_value`` of
    :func:`rfm_summary`) by maximising

    .. math:: \\ell = \\sum \\ln\\Gamma(px+q) - \\ln\\Gamma(px) - \\ln\\Gamma(q) + q\\ln\\gamma
              + (px-1)\\ln\\bar z + px\\ln x - (px+q)\\ln(\\gamma + x\\bar z)

    in log-parameter space (L-BFGS-B with the analytic gradient, Newton polish).

    The model assumes that the value of an account's purchases does not depend on how
    often it buys; check that the correlation of ``frequency`` and ``monetary_value``
    among repeat buyers is weak before using it.

    Parameters
    ----------
    penalizer : float, default=0.0
        Adds ``penalizer · (p² + q² + γ²)`` to the mean negative log-likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"p": ..., "q": ..., "gamma": ...}``.
    log_likelihood_ : float
        Total log-likelihood at ``params_`` (without the penalty).
    n_customers_ : int
        Number of repeat buyers the model was fitted on.
    n_iter_ : int
        Iterations of the optimiser.
    converged_ : bool
        Whether the fit reached an optimum.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value
    curves for customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """

    def __init__(self, penalizer=0.0):
        self.penalizer = penalizer

    def __repr__(self):
        return f"GammaGamma(penalizer={self.penalizer!r})"

    def fit(self, summary):
        """Estimate the parameters from the repeat buyers of a summary table.

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            ``frequency`` and ``monetary_value`` (mean value of the repeat purchases) per
            account. Accounts with frequency 0 are left out (they have no repeat-purchase
            value); ``n_customers_`` says how many were used.

        Returns
        -------
        GammaGamma
            The fitted model (``self``).

        Raises
        ------
        MissingColumnError
            A column is missing.
        DataFormatError
            Missing or negative values, no repeat buyer, or a repeat buyer whose mean
            value is 0 (the model describes positive values; leave such accounts out).
        """
        penalizer = _check_penalizer(self.penalizer)
        x, m = _summary_columns(summary, ["frequency", "monetary_value"], "GammaGamma.fit")
        repeat = x > 0
        x, m = x[repeat], m[repeat]
        if len(x) == 0:
            raise DataFormatError(
                "No account has a repeat purchase (frequency > 0): the Gamma-Gamma model is fitted on the mean "
                "value of repeat purchases, so it needs repeat buyers."
            )
        if np.any(m <= 0):
            raise DataFormatError(
                f"{int((m <= 0).sum()):,} repeat buyers have a mean purchase value of 0 or less. The Gamma-Gamma "
                "model describes positive values: leave them out, e.g. summary[summary.monetary_value > 0].",
                column="monetary_value",
            )
        # start: p = 1, q = 2 and γ such that the population mean p·γ/(q−1) is the observed mean
        start = np.log([1.0, 2.0, float(np.mean(m))])
        objective = _objective(lambda theta: _gg_log_likelihood(theta, x, m, gradient=True), len(x), penalizer)
        theta, _, info = _maximise(objective, start, len(x))
        self.params_ = dict(zip(("p", "q", "gamma"), map(float, theta)))
        self.log_likelihood_ = float(_gg_log_likelihood(theta, x, m))
        self.n_customers_ = int(len(x))
        self.n_iter_ = info["n_iter"]
        self.converged_ = info["converged"]
        return self

    def conditional_expected_average_profit(self, summary):
        """Expected mean value of each account's future purchases, given its past ones.

        .. math:: E[Z \\mid x, \\bar z] = \\frac{q-1}{px+q-1}\\,\\frac{p\\gamma}{q-1}
                  + \\frac{px}{px+q-1}\\,\\bar z

        a weighted mean of the population mean p·γ/(q−1) and the account's own mean z̄,
        with more weight on the account's own the more repeat purchases it made (Fader &
        Hardie 2013, eq. 5). For an account without repeat purchases it is the population
        mean. Infinite when q ≤ 1 (the population mean does not exist).

        Parameters
        ----------
        summary : pandas.DataFrame or dict of arrays
            ``frequency`` and ``monetary_value`` per account.

        Returns
        -------
        pandas.Series
            ``expected_average_profit``, with the index of ``summary``.
        """
        _check_fitted(self, "GammaGamma")
        x, m = _summary_columns(summary, ["frequency", "monetary_value"], "conditional_expected_average_profit")
        values = _expected_average_value(self.params_, x, m)
        return pd.Series(values, index=_index(summary, len(x)), name="expected_average_profit")


def _expected_average_value(params, x, m):
    p, q, gamma = params["p"], params["q"], params["gamma"]
    denominator = p * x + q - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        value = p * (gamma + x * m) / denominator
    return np.where(denominator > 0, value, np.inf)


# --------------------------------------------------------------------------- CLV from the models


def customer_lifetime_value(beta_geo, gamma_gamma, summary, horizon, *, discount_rate, rate_period, margin=1.0, step=1.0):
    """Discounted value of each account's expected purchases over a horizon (BG/NBD × Gamma-Gamma).

    .. math:: \\mathrm{CLV} = \\text{margin}\\cdot E[Z \\mid x, \\bar z]\\cdot
              \\sum_{k=1}^{K} \\frac{E[Y(t_k)] - E[Y(t_{k-1})]}{(1+i)^{t_k / P}}

    with ``t_k = min(k · step, horizon)``: the horizon is cut into steps, the purchases
    :meth:`BetaGeo.expected_purchases` expects in each step are valued at
    :meth:`GammaGamma.conditional_expected_average_profit` and discounted from the end of
    the step. ``i`` is ``discount_rate`` per ``P = rate_period`` time units; all times are
    in the unit of the summary table (weeks for ``rfm_summary(freq="W")``).

    Parameters
    ----------
    beta_geo : BetaGeo
        A fitted BG/NBD model.
    gamma_gamma : GammaGamma
        A fitted Gamma-Gamma model.
    summary : pandas.DataFrame or dict of arrays
        ``frequency``, ``recency``, ``T`` and ``monetary_value`` per account.
    horizon : float
        How far ahead to count, in the summary's time unit (52 weeks: one year of a
        weekly summary).
    discount_rate : float
        Discount rate per ``rate_period`` (0.1 for 10 %), above -1.
    rate_period : float
        Length, in the summary's time unit, of the period ``discount_rate`` refers to:
        for an annual rate on a weekly summary 365.25 / 7 ≈ 52.18; on a daily summary
        365.25 (or 365). For a rate per time unit, 1.
    margin : float or array-like, default=1.0
        Share of a purchase's value that is margin (1.0: the value of the purchases
        itself; 0.3 for a 30 % contribution margin); one per account or one for all.
    step : float, default=1.0
        Length of the discounting steps, in the summary's time unit.

    Returns
    -------
    pandas.Series
        ``clv``, with the index of ``summary``, in the currency of ``monetary_value``.

    Raises
    ------
    ParameterError
        A model is not fitted, or a time, rate or margin is out of range.
    MissingColumnError, DataFormatError
        As for the models' methods.

    Notes
    -----
    ``lifetimes.utils.customer_lifetime_value`` counts its horizon in "months" of 30
    days, or of 4.345 weeks; here the horizon, the steps and the discount period are all
    stated in the summary's own time unit.
    """
    if not isinstance(beta_geo, BetaGeo):
        raise ParameterError(f"beta_geo must be a kamlab.BetaGeo model, not {type(beta_geo).__name__}.")
    if not isinstance(gamma_gamma, GammaGamma):
        raise ParameterError(f"gamma_gamma must be a kamlab.GammaGamma model, not {type(gamma_gamma).__name__}.")
    theta = beta_geo._theta()
    _check_fitted(gamma_gamma, "GammaGamma")
    horizon = _check_time(horizon, "horizon")
    step = _check_time(step, "step")
    rate_period = _check_time(rate_period, "rate_period")
    if step == 0 or rate_period == 0:
        raise ParameterError("step and rate_period must be longer than 0.")
    _, discount = _check_rates(0.0, discount_rate)
    margin = _check_margin(margin)
    x, tx, T = _bgnbd_inputs(summary, "customer_lifetime_value")
    (m,) = _summary_columns(summary, ["monetary_value"], "customer_lifetime_value")
    value_per_purchase = _expected_average_value(gamma_gamma.params_, x, m)

    n_steps = max(int(math.ceil(horizon / step - 1e-9)), 1 if horizon > 0 else 0)
    discounted = np.zeros(len(x))
    previous = np.zeros(len(x))
    for k in range(1, n_steps + 1):
        t_k = min(k * step, horizon)
        current = _conditional_expected_purchases(theta, t_k, x, tx, T)
        discounted += (current - previous) / (1 + float(discount)) ** (t_k / rate_period)
        previous = current
    return pd.Series(margin * value_per_purchase * discounted, index=_index(summary, len(x)), name="clv")


# --------------------------------------------------------------------------- simulation


def simulate_bg_nbd(params, T, *, n_customers=None, random_state=None):
    """Simulate purchase histories from the BG/NBD model.

    Each account gets a purchase rate λ ~ Gamma(shape r, rate α) and a drop-out
    probability p ~ Beta(a, b); it makes its first purchase at time 0, repeat purchases
    as a Poisson process with rate λ, and drops out right after each repeat purchase with
    probability p. Observed until ``T``.

    Parameters
    ----------
    params : dict
        ``r``, ``alpha``, ``a``, ``b`` (e.g. a fitted model's ``params_``).
    T : float or array-like
        Time from each account's first purchase to the end of observation.
    n_customers : int, optional
        Number of accounts, when ``T`` is a single number.
    random_state : int or numpy.random.Generator, optional
        Seed for reproducible draws.

    Returns
    -------
    pandas.DataFrame
        ``frequency``, ``recency`` and ``T`` per account, as :func:`rfm_summary` makes
        them (times continuous, not rounded to days).

    Examples
    --------
    >>> histories = simulate_bg_nbd({"r": 0.25, "alpha": 4.4, "a": 0.8, "b": 2.4}, T=39,
    ...                             n_customers=3, random_state=0)
    >>> list(histories.columns)
    ['frequency', 'recency', 'T']
    """
    try:
        r, alpha, a, b = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    except (KeyError, TypeError, ValueError):
        raise ParameterError("params must be a dict with the numbers r, alpha, a and b.") from None
    if not all(math.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
        raise ParameterError(f"r, alpha, a and b must be positive numbers, not {params!r}.")
    T = np.asarray(T, dtype="float64")
    if T.ndim == 0:
        if n_customers is None or int(n_customers) != n_customers or n_customers < 0:
            raise ParameterError("With a single T, give the number of accounts as n_customers=.")
        T = np.full(int(n_customers), float(T))
    elif n_customers is not None and n_customers != len(T):
        raise ParameterError(f"n_customers={n_customers} does not match the {len(T)} values of T.")
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise ParameterError("T must be times of 0 or more.")
    rng = np.random.default_rng(random_state)
    n = len(T)
    rate = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    purchases = rng.poisson(rate * T)  # repeat purchases if the account never dropped out
    lifetime_purchases = rng.geometric(np.maximum(p, 1e-300))  # drops out after this repeat purchase
    x = np.minimum(purchases, lifetime_purchases)
    # given N purchases in (0, T], their times are N uniform order statistics: the x-th is T·Beta(x, N−x+1)
    has = x > 0
    recency = np.zeros(n)
    recency[has] = T[has] * rng.beta(x[has], purchases[has] - x[has] + 1)
    return pd.DataFrame({"frequency": x.astype("int64"), "recency": recency, "T": T})
