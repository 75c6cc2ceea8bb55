"""From invoice lines to the account table (one row per account).

The account table is where every later analysis starts: ABC classes, segments,
portfolio positions and potential are all computed on it. The aggregation runs in
DuckDB, so ten million invoice lines take about a second (see
``benchmarks/bench_accounts.py``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = ["accounts_from_transactions", "UNKNOWN_ACCOUNT", "AsOfWarning"]

#: The account id under which ``missing_account="group"`` gathers lines without an account.
UNKNOWN_ACCOUNT = "(no account)"

_OFFERING_CANDIDATES = ("offering", "product_group", "product")


class AsOfWarning(UserWarning):
    """Lines dated after ``as_of`` were left out of the account table."""


def accounts_from_transactions(
    transactions,
    as_of=None,
    *,
    offering=None,
    missing_account="raise",
):
    """Aggregate invoice lines into one row per account.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Invoice lines with kamlab's canonical columns: ``account_id``, ``date`` and
        ``revenue`` are required; ``invoice_id``, ``cost`` and an offering column are
        used when present. Credit notes are lines with negative revenue.
    as_of : date-like, optional
        The day the table describes ("today" of the analysis). Default: the day of the
        last line. Lines dated after that day are left out, with an :class:`AsOfWarning`
        giving their number and revenue (and ``result.attrs["lines_after_as_of"]``).
    offering : str, optional
        Column that names what was bought, for ``n_offerings``. Default: the first of
        ``offering``, ``product_group``, ``product`` that exists; without any of them
        the column ``n_offerings`` is left out.
    missing_account : {"raise", "group"}, default="raise"
        Lines without an account id raise a :class:`~kamlab.DataFormatError` saying how
        many there are, or, with ``"group"``, are gathered as one account named
        ``"(no account)"`` so the table still adds up to the file.

    Returns
    -------
    pandas.DataFrame
        One row per account, sorted by ``account_id``, with the columns

        - ``account_id``
        - ``revenue``: sum of all lines, credit notes included (net revenue). Sums within
          a millionth of 0 (purchases cancelled by credit notes, up to floating-point
          rounding) are exactly 0.
        - ``cost``, ``contribution_margin`` (revenue − cost) and ``margin_rate``
          (contribution margin / revenue, NaN unless revenue > 0): only when the lines
          have a ``cost`` column, or a ``contribution_margin`` column (DB I per line;
          cost is then revenue − contribution margin).
        - ``orders``: invoices whose lines sum to more than 0. Without an
          ``invoice_id`` column every day with purchases counts as one invoice.
        - ``credit_notes``: invoices whose lines sum to less than 0.
        - ``lines``: number of invoice lines.
        - ``first_order``, ``last_order``: date of the first and last order (NaT when
          the account has no order, only credit notes).
        - ``recency_days``: whole days from the last order's day to ``as_of``.
        - ``tenure_days``: whole days from the first order's day to ``as_of``.
        - ``active_months``: calendar months with at least one order.
        - ``n_offerings``: distinct offerings on lines with revenue > 0.
        - ``revenue_last_12m``: net revenue of the invoices dated in the 12 months up
          to and including ``as_of`` (after the day ``as_of`` minus one year). An
          invoice's date is the date of its first line.
        - ``revenue_prev_12m``: the same for the 12 months before those.
        - ``growth``: revenue_last_12m / revenue_prev_12m − 1, NaN unless
          revenue_prev_12m > 0.

        ``result.attrs`` holds ``as_of`` and ``lines_after_as_of``.

    Raises
    ------
    MissingColumnError
        A required column is missing.
    DataFormatError
        An account id, date or revenue is missing, with the number of such lines.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({
    ...     "account_id": ["A", "A", "A", "B"],
    ...     "invoice_id": ["R1", "R1", "G1", "R2"],
    ...     "date": pd.to_datetime(["2024-01-10", "2024-01-10", "2024-02-01", "2024-03-31"]),
    ...     "revenue": [100.0, 50.0, -30.0, 80.0],
    ... })
    >>> table = accounts_from_transactions(lines)
    >>> table[["account_id", "revenue", "orders", "credit_notes", "recency_days"]]
      account_id  revenue  orders  credit_notes  recency_days
    0          A    120.0       1             1            81
    1          B     80.0       1             0             0
    """
    lines, offering = _canonical_lines(transactions, offering, missing_account)
    as_of_day, end, start_last, start_prev = _period(lines, as_of)
    after = lines["date"] >= end
    n_after = int(after.sum())
    if n_after:
        warnings.warn(
            f"{n_after:,} lines dated after as_of={as_of_day.date()} (revenue "
            f"{lines.loc[after, 'revenue'].sum():,.2f}) are not in the account table.",
            AsOfWarning,
            stacklevel=2,
        )
    has_cost = "cost" in lines.columns
    table = _aggregate(lines, end, start_last, start_prev, has_cost=has_cost,
                       has_invoice="invoice_id" in lines.columns, has_offering=offering is not None)
    return _finish(table, as_of_day, n_after, has_cost, offering is not None)


def _canonical_lines(transactions, offering, missing_account):
    """The checked columns the account table needs, and the offering column used (or None)."""
    if not isinstance(transactions, pd.DataFrame):
        raise ParameterError(
            f"accounts_from_transactions needs a pandas DataFrame of invoice lines, not {type(transactions).__name__}."
        )
    if missing_account not in ("raise", "group"):
        raise ParameterError(f"missing_account must be 'raise' or 'group', not {missing_account!r}.")
    required = ["account_id", "date", "revenue"]
    absent = [c for c in required if c not in transactions.columns]
    if absent:
        raise MissingColumnError(
            f"The invoice lines have no column {', '.join(repr(c) for c in absent)}. "
            f"Columns found: {', '.join(map(str, transactions.columns))}. "
            "Load the file with kamlab.read_transactions (it finds these columns), or rename yours, "
            "e.g. lines.rename(columns={'Kunde': 'account_id'})."
        )
    if offering is None:
        offering = next((c for c in _OFFERING_CANDIDATES if c in transactions.columns), None)
    elif offering not in transactions.columns:
        raise MissingColumnError(f"There is no column {offering!r} to count offerings in.")
    lines = pd.DataFrame(
        {
            "account_id": _account_ids(transactions["account_id"], missing_account),
            "date": _dates(transactions["date"]),
            "revenue": _numbers(transactions["revenue"], "revenue"),
        }
    )
    if "cost" in transactions.columns:
        lines["cost"] = _numbers(transactions["cost"], "cost")
    elif "contribution_margin" in transactions.columns:
        # lines with the margin (DB I) but no cost: cost = revenue - margin, so the table's margin is the lines' sum
        lines["cost"] = lines["revenue"] - _numbers(transactions["contribution_margin"], "contribution_margin")
    if "invoice_id" in transactions.columns:
        lines["invoice_id"] = transactions["invoice_id"]
    if offering is not None:
        lines["offering"] = transactions[offering]
    return lines, offering


def _period(lines, as_of):
    """``as_of`` as a day, the end of the period (exclusive) and the starts of the last two 12-month windows."""
    if len(lines) == 0:
        as_of_day = pd.Timestamp(as_of).normalize() if as_of is not None else pd.NaT
        end = pd.Timestamp("1970-01-01")
    else:
        as_of_day = (pd.Timestamp(as_of) if as_of is not None else lines["date"].max()).normalize()
        if pd.isna(as_of_day):
            raise ParameterError(f"as_of={as_of!r} is not a date.")
        end = as_of_day + pd.Timedelta(days=1)
    return as_of_day, end, end - pd.DateOffset(years=1), end - pd.DateOffset(years=2)


def _aggregate(lines, end, start_last, start_prev, *, has_cost, has_invoice, has_offering):
    """One DuckDB query: invoice lines -> invoices -> accounts (before ``end``)."""
    import duckdb

    invoice_key = "hash(invoice_id)" if has_invoice else "hash(CAST(date AS DATE))"
    offering_count = ", count(DISTINCT offering) FILTER (WHERE revenue > 0) AS n_offerings" if has_offering else ""
    # Two passes over the lines: invoices (hashed keys keep the big GROUP BY cheap), and account
    # names with their offerings; the account level is then aggregated from the invoices.
    query = f"""
        WITH inv AS (
            SELECT hash(account_id) AS ah, {invoice_key} AS ih, min(date) AS d, sum(revenue) AS r,
                   {'sum(cost)' if has_cost else 'NULL'} AS c, count(*) AS n
            FROM lines WHERE date < $end GROUP BY ALL),
        acc AS (
            SELECT ah, sum(r) AS revenue, {'sum(c) AS cost,' if has_cost else ''}
                   count(*) FILTER (WHERE r > 0) AS orders,
                   count(*) FILTER (WHERE r < 0) AS credit_notes,
                   sum(n) AS lines,
                   min(d) FILTER (WHERE r > 0) AS first_order,
                   max(d) FILTER (WHERE r > 0) AS last_order,
                   count(DISTINCT year(d) * 12 + month(d)) FILTER (WHERE r > 0) AS active_months,
                   coalesce(sum(r) FILTER (WHERE d >= $start_last), 0) AS revenue_last_12m,
                   coalesce(sum(r) FILTER (WHERE d >= $start_prev AND d < $start_last), 0) AS revenue_prev_12m
            FROM inv GROUP BY ah),
        names AS (
            SELECT account_id, hash(account_id) AS ah {offering_count}
            FROM lines WHERE date < $end GROUP BY account_id)
        SELECT names.*, acc.* EXCLUDE (ah) FROM names JOIN acc USING (ah) ORDER BY account_id
    """
    params = {
        "end": end.to_pydatetime(),
        "start_last": start_last.to_pydatetime(),
        "start_prev": start_prev.to_pydatetime(),
    }
    con = duckdb.connect()
    try:
        con.register("lines", lines)
        table = con.execute(query, params).df()
    finally:
        con.close()
    if table["ah"].duplicated().any():
        # Two account ids with the same 64-bit hash: practically never, but never wrong either.
        raise RuntimeError("hash collision between account ids; please report this to the kamlab developers")
    return table.drop(columns="ah")


def _finish(table, as_of_day, n_after, has_cost, has_offering):
    table = table.reset_index(drop=True)
    # Purchases and credit notes that cancel each other leave floating-point dust (±1e-13) in the
    # sums; a millionth of a currency unit is no money, so such sums are set to exactly 0.
    for col in ("revenue", "cost", "revenue_last_12m", "revenue_prev_12m"):
        if col in table:
            table[col] = table[col].mask(table[col].abs() < 1e-6, 0.0)
    table["account_id"] = table["account_id"].astype("str")
    for col in ("orders", "credit_notes", "lines", "active_months") + (("n_offerings",) if has_offering else ()):
        table[col] = table[col].astype("int64")
    for col in ("first_order", "last_order"):
        table[col] = pd.to_datetime(table[col])
    if has_cost:
        table["contribution_margin"] = table["revenue"] - table["cost"]
        positive = table["revenue"] > 0
        table["margin_rate"] = np.where(positive, table["contribution_margin"] / table["revenue"].where(positive), np.nan)
    table["recency_days"] = (as_of_day - table["last_order"].dt.normalize()).dt.days.astype("Int64")
    table["tenure_days"] = (as_of_day - table["first_order"].dt.normalize()).dt.days.astype("Int64")
    prev = table["revenue_prev_12m"]
    table["growth"] = np.where(prev > 0, table["revenue_last_12m"] / prev.where(prev > 0) - 1, np.nan)
    order = ["account_id", "revenue"]
    if has_cost:
        order += ["cost", "contribution_margin", "margin_rate"]
    order += ["orders", "credit_notes", "lines", "first_order", "last_order", "recency_days", "tenure_days",
              "active_months"]
    if has_offering:
        order += ["n_offerings"]
    order += ["revenue_last_12m", "revenue_prev_12m", "growth"]
    table = table[order].sort_values("account_id", ignore_index=True)
    table.attrs["as_of"] = as_of_day
    table.attrs["lines_after_as_of"] = n_after
    return table


def _missing_message(n_missing, n_total, column, what):
    return (
        f"{n_missing:,} of {n_total:,} invoice lines have no {what} (column '{column}'). "
    )


def _account_ids(ids, missing_account):
    # missing before astype: pandas < 3 turns NaN and None into the texts "nan" and "None"
    absent = ids.isna().to_numpy(dtype=bool)
    ids = ids.astype("str") if not isinstance(ids.dtype, pd.StringDtype) else ids
    text = ids.str.strip()
    blank = (text.isna() | (text == "")).fillna(True).to_numpy(dtype=bool)
    missing = pd.Series(blank | absent, index=ids.index)
    n_missing = int(missing.sum())
    if n_missing:
        if missing_account == "raise":
            first = int(np.flatnonzero(missing.to_numpy())[0])
            raise DataFormatError(
                _missing_message(n_missing, len(ids), "account_id", "account id")
                + f"The first is row {first} of the table. Lines without a customer cannot be given to an account: "
                "drop them on purpose (lines.dropna(subset=['account_id'])) or pass missing_account='group' "
                f"to gather them as one account named {UNKNOWN_ACCOUNT!r}.",
                column="account_id",
                n_more=n_missing - 1,
            )
        text = text.mask(missing, UNKNOWN_ACCOUNT)
    return text.to_numpy(dtype=object) if len(text) == 0 else text.astype("str")


def _dates(dates):
    try:
        parsed = pd.to_datetime(dates)
    except (ValueError, TypeError) as exc:
        raise DataFormatError(
            f"The column 'date' holds values that are not dates ({exc}). "
            "Load the file with kamlab.read_transactions, which says which line is wrong.",
            column="date",
        ) from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    n_missing = int(parsed.isna().sum())
    if n_missing:
        raise DataFormatError(
            _missing_message(n_missing, len(dates), "date", "date")
            + "Every line needs a date; fix or drop those lines first.",
            column="date",
            n_more=n_missing - 1,
        )
    return parsed.astype("datetime64[us]")


def _numbers(values, column):
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.astype("float64"))
    if bad.any():
        raise DataFormatError(
            _missing_message(int(bad.sum()), len(values), column, f"readable {column}")
            + f"First bad value: {values[bad].iloc[0]!r}. Fix or drop those lines first "
            "(kamlab.read_transactions names the line in the file).",
            column=column,
            n_more=int(bad.sum()) - 1,
        )
    return numbers.astype("float64")
