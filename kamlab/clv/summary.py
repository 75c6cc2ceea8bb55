"""The purchase history of each account in the form the buy-till-you-die models use.

:func:`rfm_summary` turns invoice lines into one row per account with its frequency
(repeat purchases), recency (time from the first to the last purchase), age ``T`` and
mean repeat-purchase value, optionally with a holdout period. The rules are written once,
as an Ibis expression (:func:`kamlab.data.engines.definition.summary_table`), and run where
the lines are: DuckDB on a pandas frame, on Parquet/CSV files or an Ibis table, Spark on a
Spark DataFrame. This module checks the arguments and gives the result its pandas form.

Time units are always explicit: days, weeks of 7 days, or (counting purchases per
period) calendar weeks and months. There is no hidden 30-day month.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = ["rfm_summary"]

_UNIT_NAMES = {"D": "days", "W": "weeks (7 days)", "M": "calendar months"}


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
    engine=None,
    columns=None,
    csv=None,
    memory_limit=None,
    progress=False,
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
    transactions : pandas.DataFrame, path, glob, list of paths, ibis Table or pyspark.sql.DataFrame
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
    engine : {"duckdb", "spark"}, optional
        Where the summary is computed; default chosen from the source (see
        :func:`kamlab.accounts_from_transactions`, which takes ``columns``, ``csv``,
        ``memory_limit`` and ``progress`` in the same way).
    columns, csv, memory_limit, progress
        For files: renaming, exact CSV options, DuckDB's memory limit and progress bar.

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
          ``merge="period"`` after the period that contains it), not used, as ``lifetimes``
          leaves them out: they are counted, not read further (an account whose lines all
          come after the end is in this count only; give the last day as ``observation_end``
          to have the accounts that start buying after the calibration counted);
        - ``accounts_first_purchase_after_calibration``: accounts whose first purchase is
          in the holdout period, after ``calibration_end`` (new later: not in the table; 0
          without ``observation_end``);
        - ``accounts_without_purchase``: accounts with lines up to the end but no purchase
          in them (only credit notes);
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
    February, after the end of calibration, so it is not in the summary:

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
    >>> summary.attrs["lines_after_end"]
    1

    With a holdout period up to the end of February, B is counted as an account that buys first after the
    calibration (in the holdout period), and no line is left after the end:

    >>> held = rfm_summary(lines, calibration_end="2024-01-29", observation_end="2024-02-29")
    >>> held.attrs["accounts_first_purchase_after_calibration"], held.attrs["lines_after_end"]
    (1, 0)
    """
    _check_options(freq, merge)
    cal_day = _day_number(calibration_end, "calibration_end") if calibration_end is not None else None
    obs_day = _day_number(observation_end, "observation_end") if observation_end is not None else None
    from kamlab.data.engines import definition
    from kamlab.data.engines.sources import open_source

    scanned = []  # a frame's columns as the engine scans them

    def to_scan(frame):
        scanned.append(_frame_to_scan(frame, account, date, value))
        return scanned[0]

    with open_source(transactions, engine=engine, function="rfm_summary", columns=columns, csv=csv,
                     frame=to_scan, numbers=(value,) if value is not None else (), dates=(date,),
                     memory_limit=memory_limit, progress=progress) as source:
        _check_columns(source.table.columns, account, date, value)
        lines = definition.summary_lines(source.table, account=account, date=date, value=value)
        end_day = obs_day if obs_day is not None else cal_day  # None: the last line's day, no line after it
        end = _date(end_day) if end_day is not None else None
        # a frame: its arrays say it, without a pass of the engine over the lines (None: they cannot say it)
        checks = _frame_checks(scanned[0], account, date, value, end=end, freq=freq, merge=merge) if scanned else None
        if checks is None:
            checks = source.execute(definition.summary_checks(lines, end=end, freq=freq, merge=merge)).iloc[0]
        _raise_unusable(checks, source, account, date, value)
        n_lines = int(checks["lines"])
        last_day = _day_number(checks["last_day"], "last day") if n_lines else 0
        cal_day, obs_day = _period_ends(last_day, cal_day, obs_day)
        expr = definition.summary_table(lines, calibration_end=_date(cal_day),
                                        observation_end=_date(obs_day) if obs_day is not None else None,
                                        freq=freq, merge=merge, with_value=value is not None)
        per_account = source.execute(expr)
    rows = _sorted(per_account[per_account["purchases"] > 0], "account")
    summary = pd.DataFrame({account: _account_values(rows["account"], source.frame, account)})
    summary["frequency"] = rows["frequency"].to_numpy(dtype="int64")
    for column in ("recency", "T", "monetary_value", "frequency_holdout", "monetary_value_holdout",
                   "duration_holdout"):
        if column in rows:
            summary[column] = rows[column].to_numpy(dtype="int64" if column == "frequency_holdout" else "float64")
    n_never = int((~per_account["any_purchase"].astype(bool)).sum())
    summary.attrs.update(
        {
            "freq": freq,
            "merge": merge,
            "time_unit": _UNIT_NAMES[freq],
            "calibration_end": _timestamp(cal_day),
            "observation_end": _timestamp(obs_day) if obs_day is not None else None,
            "lines": n_lines,
            "lines_after_end": int(checks["lines_after_end"]) if end_day is not None else 0,
            "accounts_first_purchase_after_calibration": int(len(per_account) - len(rows) - n_never),
            "accounts_without_purchase": n_never,
            "credit_periods": int(per_account["credit_periods"].sum()),
            "credit_value": float(per_account["credit_value"].sum()),
        }
    )
    return summary


def _check_options(freq, merge):
    """Raise the errors of :func:`rfm_summary` for a wrong ``freq`` or ``merge``."""
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


def _check_columns(names, account, date, value):
    columns = [account, date] + ([value] if value is not None else [])
    absent = [c for c in columns if c not in names]
    if absent:
        hint = " Pass value=None to summarise without values." if absent == [value] else ""
        raise MissingColumnError(
            f"The invoice lines have no column {', '.join(repr(c) for c in absent)}. "
            f"Columns found: {', '.join(map(str, names))}. Name the columns with the "
            f"account=, date= and value= arguments.{hint}"
        )


def _frame_to_scan(transactions, account, date, value):
    """The frame's columns the engine needs, in types it reads (dates parsed, numbers checked)."""
    _check_columns(transactions.columns, account, date, value)
    ids = transactions[account]
    if ids.dtype == object:  # mixed Python objects: as text, missing kept missing
        ids = ids.astype("str").where(ids.notna(), None)
    columns = {account: ids, date: _dates(transactions[date], date)}
    if value is not None:
        values = transactions[value]
        if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            values = pd.Series(_values(values, value), index=values.index)
        columns[value] = values
    return pd.DataFrame(columns, copy=False)


def _frame_checks(scan, account, date, value, *, end, freq, merge):
    """What :func:`kamlab.data.engines.definition.summary_checks` counts, from the arrays of a frame as the
    engine scans it (:func:`_frame_to_scan`): its lines, those without account, date or usable value, the last
    day and the lines after the unit of ``end``. The engine would read every line once more for these counts
    (a tenth of the whole summary on 10 million lines); numpy reads only the dates and values, Arrow knows the
    missing ids of Arrow text without reading them. None for columns whose arrays cannot say it so (dates
    of Arrow type, Arrow ids other than text: a dictionary can hide a missing id that pandas does not see)."""
    from kamlab.data.engines.definition import unit_end

    n_missing = _n_missing(scan[account])
    if n_missing is None or not isinstance(scan[date].dtype, np.dtype):
        return None
    dates = scan[date].to_numpy()  # naive datetime64 (_frame_to_scan), NaT where missing
    missing = np.isnat(dates)
    n_nat = int(np.count_nonzero(missing))
    if n_nat == len(dates):
        last = None
    else:  # numpy's maximum of dates with a NaT is NaT: the dates there are, if some are missing
        last = dates[~missing].max() if n_nat else dates.max()
    checks = {"lines": len(scan), "no_account": n_missing, "no_date": n_nat, "bad_value": 0, "last_day": last}
    if value is not None:
        values = scan[value].to_numpy(dtype="float64", na_value=np.nan)
        checks["bad_value"] = len(values) - int(np.count_nonzero(np.isfinite(values)))
    if end is not None:  # dated after the end unit's last day (a time of day does not count)
        checks["lines_after_end"] = _n_after(dates, unit_end(end, freq, merge), len(dates) - n_nat)
    return checks


def _n_after(dates, day, n_dated):
    """How many of the naive datetime64 ``dates`` fall on a day after ``day`` (a ``datetime.date``), compared as
    integers in the dates' own unit; a day beyond what that unit can hold is before or after all of them
    (``n_dated``: the dates that are not NaT)."""
    unit, count = np.datetime_data(dates.dtype)
    per_day = 86_400 * 10**9 // (int(np.timedelta64(count, unit) // np.timedelta64(1, "ns")))
    start = ((day - datetime.date(1970, 1, 1)).days + 1) * per_day  # the next day's first moment, in the unit
    info = np.iinfo(np.int64)
    if start > info.max:
        return 0
    if start <= info.min + 1:  # NaT is the smallest int64: every date is at or after it
        return n_dated
    return int(np.count_nonzero(dates.view("int64") >= start))


def _n_missing(ids):
    """The missing ids (None, NaN, NA) of a column: Arrow text says so without reading the ids; None for other
    Arrow types (a dictionary can hide a null in its values, which pandas does not count)."""
    import pyarrow as pa

    arr = getattr(ids.array, "_pa_array", None)
    if arr is None:
        return int(ids.isna().sum())
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr.null_count
    return None


def _raise_unusable(checks, source, account, date, value):
    """Errors for lines without account or date or with an unusable value (frames: naming the row)."""
    frame = source.frame
    for key, column in (("no_account", account), ("no_date", date), ("bad_value", value)):
        n_bad = int(checks[key] or 0)
        if not n_bad or column is None:
            continue
        if frame is not None:
            {"no_account": lambda: _account_codes(frame[account], account),
             "no_date": lambda: _day_numbers(frame[date], date),
             "bad_value": lambda: _values(frame[value], value)}[key]()
        what = {"no_account": "no account id", "no_date": "no date"}.get(key, f"no readable {column!r}")
        raise DataFormatError(f"{n_bad:,} of {int(checks['lines']):,} lines have {what} (column {column!r}). "
                              "Fix or drop those lines first.", column=column, n_more=n_bad - 1)


def _sorted(rows, column):
    """The rows in the order of their account ids (as text if the ids cannot be compared); the engine's
    order when it is that already (the summary query sorts them)."""
    if _increasing(rows[column]):
        return rows.reset_index(drop=True)
    try:
        return rows.sort_values(column, kind="stable", ignore_index=True)
    except TypeError:
        return rows.sort_values(column, kind="stable", key=lambda ids: ids.astype("str"), ignore_index=True)


def _increasing(ids):
    """True if ``ids`` increase strictly and none is missing; Arrow compares Arrow-backed text (bytewise, as the
    engines sort it) without a Python object per id."""
    if ids.hasnans:
        return False
    arr = getattr(ids.array, "_pa_array", None)
    if arr is None or len(ids) < 2:
        return bool(ids.is_monotonic_increasing and ids.is_unique)
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return bool(pc.all(pc.less(arr.slice(0, len(arr) - 1), arr.slice(1))).as_py())


def _account_values(ids, frame, column):
    """The account ids with the dtype of the frame's column (other sources: as the engine gives them, text as str)."""
    if frame is not None and ids.dtype == frame[column].dtype:  # as they are: no conversion of each id
        return ids.reset_index(drop=True)
    if frame is not None:
        return pd.Series(ids.to_numpy(), dtype=frame[column].dtype)
    if ids.dtype == object and all(isinstance(v, str) for v in ids):  # also an empty column of text
        return pd.Series(ids.to_numpy(), dtype="str")
    return pd.Series(ids.to_numpy(), dtype=ids.dtype)


def _date(day):
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=int(day))


def _period_ends(last_day, cal_day, obs_day):
    """The last day of calibration (default: the last line's) and of the holdout period (or None), as day numbers."""
    if cal_day is None:
        if obs_day is not None:
            raise ParameterError("observation_end needs a calibration_end: give the last day of calibration.")
        cal_day = last_day
    if obs_day is not None and obs_day <= cal_day:
        raise ParameterError(
            f"observation_end ({_day_text(obs_day)}) must be after calibration_end ({_day_text(cal_day)})."
        )
    return cal_day, obs_day


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


def _dates(dates, column):
    """The dates as naive datetime64 (a time zone's wall-clock time kept); text that is no date raises."""
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
    return dates


def _day_numbers(dates, column):
    dates = _dates(dates, column)
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
