"""From invoice lines to the account table (one row per account).

The account table is where every later analysis starts: ABC classes, segments,
portfolio positions and potential are all computed on it. The rules are one Ibis
expression (:mod:`kamlab.data.engines.definition`) run where the lines are: DuckDB for a
pandas frame (ten million lines in a few seconds, see ``benchmarks/bench_engines.py``) or for
Parquet/CSV files larger than memory, Spark for a Spark DataFrame.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kamlab._util.format import translator
from kamlab.data.readers.texts import count, money
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = ["accounts_from_transactions", "UNKNOWN_ACCOUNT", "AsOfWarning"]

#: The account id under which ``missing_account="group"`` gathers lines without an account.
UNKNOWN_ACCOUNT = "(no account)"  # the same as kamlab.data.engines.definition.UNKNOWN_ACCOUNT

_OFFERING_CANDIDATES = ("offering", "product_group", "product")


_t = translator({
    "missing_account": ("missing_account must be 'raise' or 'group', not {value!r}.",
                        "missing_account muss 'raise' oder 'group' sein, nicht {value!r}."),
    "after": ("{n} lines dated after as_of={day} (revenue {revenue}) are not in the account table.",
              "{n} Rechnungszeilen mit Datum nach as_of={day} (Umsatz {revenue}) sind nicht in der Kundentabelle."),
    "after_one": ("{n} lines dated after as_of={day} (revenue {revenue}) are not in the account table.",
                  "{n} Rechnungszeile mit Datum nach as_of={day} (Umsatz {revenue}) ist nicht in der Kundentabelle."),
    "as_of": ("as_of={value!r} is not a date; give a day such as '2024-12-31'.",
              "as_of={value!r} ist kein Datum; geben Sie einen Tag wie '2024-12-31' an."),
    "no_columns": (
        "The invoice lines have no column {absent}. Columns found: {names}. Load the file with "
        "kamlab.read_transactions (it finds these columns), or rename yours, e.g. "
        "lines.rename(columns={{'Kunde': 'account_id'}}) (for files: columns={{'Kunde': 'account_id'}}).",
        "Die Rechnungszeilen haben keine Spalte {absent}. Gefundene Spalten: {names}. Laden Sie die Datei mit "
        "kamlab.read_transactions (es findet diese Spalten) oder benennen Sie Ihre Spalten um, z. B. "
        "lines.rename(columns={{'Kunde': 'account_id'}}) (für Dateien: columns={{'Kunde': 'account_id'}}).",
    ),
    "no_offering": ("There is no column {offering!r} to count offerings in.",
                    "Es gibt keine Spalte {offering!r}, in der sich Angebotsbereiche zählen ließen."),
    "missing": ("{n} of {total} invoice lines have no {what} (column '{column}'). ",
                "{n} von {total} Rechnungszeilen haben {what} (Spalte '{column}'). "),
    "missing_one": ("{n} of {total} invoice lines have no {what} (column '{column}'). ",
                    "{n} von {total} Rechnungszeilen hat {what} (Spalte '{column}'). "),
    "what_account": ("account id", "keine Kundennummer"),
    "what_date": ("date", "kein Datum"),
    "what_readable": ("readable {column}", "keinen lesbaren Wert"),
    "group_hint": ("Pass missing_account='group' to gather them as one account named {name!r}.",
                   "Geben Sie missing_account='group' an, um sie als einen Kunden namens {name!r} zusammenzufassen."),
    "fix_first": ("Fix or drop those lines first.", "Berichtigen oder entfernen Sie diese Zeilen zuerst."),
    "first_row": (
        "The first is row {first} of the table. Lines without a customer cannot be given to an account: drop them "
        "on purpose (lines.dropna(subset=['account_id'])) or pass missing_account='group' to gather them as one "
        "account named {name!r}.",
        "Die erste ist Zeile {first} der Tabelle. Zeilen ohne Kunden lassen sich keinem Kunden zuordnen: "
        "entfernen Sie sie bewusst (lines.dropna(subset=['account_id'])) oder geben Sie missing_account='group' "
        "an, um sie als einen Kunden namens {name!r} zusammenzufassen.",
    ),
    "not_dates": (
        "The column 'date' holds values that are not dates ({error}). Load the file with kamlab.read_transactions, "
        "which says which line is wrong.",
        "Die Spalte 'date' enthält Werte, die keine Datumsangaben sind ({error}). Laden Sie die Datei mit "
        "kamlab.read_transactions; es nennt die fehlerhafte Zeile.",
    ),
    "need_date": ("Every line needs a date; fix or drop those lines first.",
                  "Jede Zeile braucht ein Datum; berichtigen oder entfernen Sie diese Zeilen zuerst."),
    "bad_value": (
        "First bad value: {value!r}. Fix or drop those lines first (kamlab.read_transactions names the line in "
        "the file).",
        "Erster fehlerhafter Wert: {value!r}. Berichtigen oder entfernen Sie diese Zeilen zuerst "
        "(kamlab.read_transactions nennt die Zeile in der Datei).",
    ),
})


class AsOfWarning(UserWarning):
    """Lines dated after ``as_of`` were left out of the account table."""


def accounts_from_transactions(
    transactions,
    as_of=None,
    *,
    offering=None,
    missing_account="raise",
    engine=None,
    columns=None,
    csv=None,
    memory_limit=None,
    progress=False,
):
    """Aggregate invoice lines into one row per account, where the lines are.

    The account table has one definition (:mod:`kamlab.data.engines.definition`, an Ibis
    expression) that every engine runs: DuckDB on a pandas frame (scanned in place), on
    Parquet/CSV files of any size (read out of core) or on an Ibis table, and Spark on a Spark
    DataFrame. The result is always the same small pandas table.

    Parameters
    ----------
    transactions : pandas.DataFrame, path, glob, list of paths, ibis Table or pyspark.sql.DataFrame
        Invoice lines with kamlab's canonical columns: ``account_id``, ``date`` and
        ``revenue`` are required; ``invoice_id``, ``cost`` and an offering column are
        used when present. Credit notes are lines with negative revenue. Files are
        Parquet (``.parquet``, ``.pq``) or CSV (``.csv``, ``.txt``, also gzipped).
    as_of : date-like, optional
        The day the table describes ("today" of the analysis). Default: the day of the
        last line. Lines dated after that day are left out, with an :class:`AsOfWarning`
        giving their number and revenue (and ``result.attrs["lines_after_as_of"]``).
    offering : str, optional
        Column that names what was bought, for ``n_offerings``. Default: the first of
        ``offering``, ``product_group``, ``product`` that exists; without any of them
        the column ``n_offerings`` is left out.
    missing_account : {"raise", "group"}, default="raise"
        Lines without an account id (up to ``as_of``) raise a :class:`~kamlab.DataFormatError`
        saying how many there are, or, with ``"group"``, are gathered as one account named
        ``"(no account)"`` so the table still adds up to the file.
    engine : {"duckdb", "spark"}, optional
        Where the definition runs. Default: chosen from the source (Spark for a Spark
        DataFrame or a PySpark Ibis table, DuckDB otherwise).
    columns : dict, optional
        Files: ``{name in the file: canonical name}``, e.g. ``{"Kunde": "account_id"}``.
    csv : dict, optional
        CSV files: ``sep`` (default ``","``), ``decimal`` (``"."`` or ``","``; required for
        ``;``-separated files), ``thousands``, ``date_format`` (default ISO dates) and
        ``encoding``. A text that does not fit them raises a :class:`~kamlab.DataFormatError`
        naming the column, the number of lines and an example; nothing is guessed.
    memory_limit : str, optional
        DuckDB's memory limit, e.g. ``"8GB"``; beyond it DuckDB spills to a temporary folder.
    progress : bool, default=False
        Show DuckDB's progress bar while the lines are read and aggregated.

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
        - ``orders``: invoices whose lines sum to more than 0 (more than a millionth:
          floating-point dust of cancelled lines is 0). Without an
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

        ``result.attrs`` holds ``as_of`` and ``lines_after_as_of``; for files, Ibis tables
        and Spark DataFrames also ``read_report``, what the engine read: ``engine``,
        ``source``, ``files``, ``lines``, ``revenue`` (all lines), ``lines_after_as_of``,
        ``revenue_after_as_of`` and ``lines_without_account`` (the lines of the account
        gathered with ``missing_account="group"``).

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
    if missing_account not in ("raise", "group"):
        raise ParameterError(_t("missing_account", value=missing_account))
    as_of_day = _as_of_day(as_of)
    from kamlab.data.engines import definition
    from kamlab.data.engines.sources import open_source

    with open_source(transactions, engine=engine, frame=lambda frame: _frame_to_scan(frame, offering),
                     columns=columns, csv=csv, numbers=("revenue", "cost", "contribution_margin"), dates=("date",),
                     memory_limit=memory_limit, progress=progress) as source:
        offering, cost = _columns_used(source.table.columns, offering)
        checked = definition.canonical_lines(source.table, offering=offering, cost=cost, missing_account="check")
        end = as_of_day + pd.Timedelta(days=1) if as_of_day is not None else None
        checks = source.execute(definition.line_checks(checked, end=end)).iloc[0]
        _raise_unusable(checks, source, missing_account)
        n_lines = int(checks["lines"])
        if as_of_day is None:  # the day of the last line: nothing is after it
            as_of_day = pd.Timestamp(checks["last_date"]).normalize() if n_lines else pd.NaT
            end = as_of_day + pd.Timedelta(days=1) if n_lines else pd.Timestamp("1970-01-01")
        n_after = int(checks.get("after", 0) or 0)
        if n_after:
            warnings.warn(
                _t("after_one" if n_after == 1 else "after", n=count(n_after), day=as_of_day.date(), revenue=money(float(checks["revenue_after"]))),
                AsOfWarning,
                stacklevel=2,
            )
        lines = definition.canonical_lines(source.table, offering=offering, cost=cost, missing_account=missing_account)
        day = as_of_day if not pd.isna(as_of_day) else pd.Timestamp("1970-01-01")
        expr = definition.account_table(
            lines, as_of=day.date(), end=end.to_pydatetime(),
            start_last=(end - pd.DateOffset(years=1)).to_pydatetime(),
            start_prev=(end - pd.DateOffset(years=2)).to_pydatetime(),
        )
        table = source.execute(expr)
    no_account = table["account_id"].isna() | (table["account_id"] == "")
    if no_account.any():  # missing_account="raise": lines without an id are an account without an id
        _raise_unusable({"lines": n_lines, "no_account": int(table.loc[no_account, "lines"].sum())}, source,
                        missing_account)
    table = _finish(table, definition, has_cost=cost is not None, has_offering=offering is not None)
    table.attrs["as_of"] = as_of_day
    table.attrs["lines_after_as_of"] = n_after
    if source.kind != "frame":
        gathered = table.loc[table["account_id"] == UNKNOWN_ACCOUNT, "lines"].sum() if missing_account == "group" else 0
        table.attrs["read_report"] = _read_report(source, checks, n_after, int(gathered))
    return table


def _as_of_day(as_of):
    if as_of is None:
        return None
    try:
        day = pd.Timestamp(as_of)
    except (ValueError, TypeError):
        day = pd.NaT
    if pd.isna(day):
        raise ParameterError(_t("as_of", value=as_of))
    return (day.tz_localize(None) if day.tzinfo else day).normalize()


def _columns_used(names, offering):
    """The offering column (or None) and where the cost comes from ("cost", "margin" or None)."""
    absent = [c for c in ("account_id", "date", "revenue") if c not in names]
    if absent:
        raise MissingColumnError(_t("no_columns", absent=", ".join(repr(c) for c in absent),
                                    names=", ".join(map(str, names))))
    if offering is None:
        offering = next((c for c in _OFFERING_CANDIDATES if c in names), None)
    elif offering not in names:
        raise MissingColumnError(_t("no_offering", offering=offering))
    cost = "cost" if "cost" in names else "margin" if "contribution_margin" in names else None
    return offering, cost


def _frame_to_scan(transactions, offering):
    """The columns of a pandas frame the engine needs, in types it reads (dates parsed, text as text)."""
    offering, cost = _columns_used(transactions.columns, offering)
    wanted = ["account_id", "date", "revenue", "invoice_id"]
    wanted += ["cost"] if cost == "cost" else ["contribution_margin"] if cost == "margin" else []
    wanted += [offering] if offering is not None else []
    columns = {}
    for name in dict.fromkeys(wanted):
        if name not in transactions.columns:
            continue
        column = transactions[name]
        if name == "date":
            if not pd.api.types.is_datetime64_dtype(column):  # text, objects or with a time zone
                column = _dates(column)
        elif name in ("revenue", "cost", "contribution_margin"):
            if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
                column = _numbers(column, name)
        elif column.dtype == object:  # mixed Python objects: as text, missing kept missing
            column = column.astype("str").where(column.notna(), None)
        columns[name] = column
    return pd.DataFrame(columns, copy=False)


def _raise_unusable(checks, source, missing_account):
    """The errors for lines without account, date or a readable revenue or cost (frames: with the row)."""
    frame = source.frame
    problems = [("no_account", "account_id"), ("no_date", "date"), ("bad_revenue", "revenue"), ("bad_cost", "cost")]
    for key, column in problems:
        n_bad = int(checks.get(key, 0) or 0)
        if not n_bad:
            continue
        if frame is not None:  # the messages that name the first row
            if key == "no_account":
                _account_ids(frame["account_id"], missing_account)
            elif key == "no_date":
                _dates(frame["date"])
            elif column in frame.columns:
                _numbers(frame[column], column)
            else:  # cost from contribution_margin
                _numbers(frame["contribution_margin"], "contribution_margin")
        what = {"no_account": "what_account", "no_date": "what_date"}.get(key, "what_readable")
        hint = _t("group_hint", name=UNKNOWN_ACCOUNT) if key == "no_account" else _t("fix_first")
        raise DataFormatError(_missing_message(n_bad, int(checks["lines"]), column, what) + hint,
                              column=column, n_more=n_bad - 1)


def _read_report(source, checks, n_after, gathered):
    """What the engine read: the files, their lines and revenue, and what is not in the table."""
    revenue_after = float(checks.get("revenue_after", 0.0) or 0.0) if n_after else 0.0
    return {
        "engine": source.engine,
        "source": source.kind,
        "files": list(source.paths),
        "lines": int(checks["lines"]),
        "revenue": float(checks["revenue_total"] or 0.0),
        "lines_after_as_of": n_after,
        "revenue_after_as_of": revenue_after,
        "lines_without_account": gathered,
    }


def _finish(table, definition, *, has_cost, has_offering):
    """The engine's account table in kamlab's pandas dtypes, column order and row order (by account id)."""
    table = table.copy()
    table["account_id"] = table["account_id"].astype("str")
    for col in ("orders", "credit_notes", "lines", "active_months") + (("n_offerings",) if has_offering else ()):
        table[col] = table[col].astype("int64")
    for col in ("first_order", "last_order"):
        table[col] = pd.to_datetime(table[col]).astype("datetime64[us]")
    for col in ("recency_days", "tenure_days"):
        table[col] = table[col].astype("Int64")
    floats = ["revenue", "revenue_last_12m", "revenue_prev_12m", "growth"]
    floats += ["cost", "contribution_margin", "margin_rate"] if has_cost else []
    for col in floats:
        table[col] = table[col].astype("float64")
    order = definition.ACCOUNT_COLUMNS(has_cost=has_cost, has_offering=has_offering)
    return table[order].sort_values("account_id", ignore_index=True)


def _missing_message(n_missing, n_total, column, what):
    """'3 of 10 invoice lines have no date (column 'date'). '; ``what``: "what_account", "what_date" or
    "what_readable"."""
    return _t("missing_one" if n_missing == 1 else "missing", n=count(n_missing), total=count(n_total), what=_t(what, column=column), column=column)


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
                _missing_message(n_missing, len(ids), "account_id", "what_account")
                + _t("first_row", first=first, name=UNKNOWN_ACCOUNT),
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
            _t("not_dates", error=exc),
            column="date",
        ) from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    n_missing = int(parsed.isna().sum())
    if n_missing:
        raise DataFormatError(
            _missing_message(n_missing, len(dates), "date", "what_date") + _t("need_date"),
            column="date",
            n_more=n_missing - 1,
        )
    return parsed.astype("datetime64[us]")


def _numbers(values, column):
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.astype("float64"))
    if bad.any():
        raise DataFormatError(
            _missing_message(int(bad.sum()), len(values), column, "what_readable")
            + _t("bad_value", value=values[bad].iloc[0]),
            column=column,
            n_more=int(bad.sum()) - 1,
        )
    return numbers.astype("float64")
