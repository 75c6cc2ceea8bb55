"""DuckDB, the embedded engine: a connection with a memory limit, a frame scanned in place, files read exactly.

Files are read by DuckDB itself, out of core: Parquet with ``read_parquet``, CSV with
``read_csv`` as text (``all_varchar``) and then parsed by kamlab's rules, never by DuckDB's
guesses: numbers with the decimal separator (and thousands separator) the caller gives,
dates in ISO form or in the caller's ``date_format``. A text that does not fit is an error
naming the column, the number of such lines and the first one. A semicolon-separated file
needs ``decimal`` stated (German exports write ``1.234,56``; ``1.234`` would otherwise be
read as one point two three four).

``memory_limit`` is DuckDB's ``SET memory_limit``; beyond it DuckDB spills to a temporary folder
that is deleted with the connection. ``progress=True`` turns on DuckDB's own progress bar.
``kamlab.set_threads(n)`` (``KAMLAB_THREADS``) sets DuckDB's threads: with one thread the
floating-point sums are added in the same order in every run (the last digit never changes).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import warnings

from kamlab.errors import DataFormatError, ParameterError

__all__ = ["connect", "quiet", "ibis_backend", "scan_frame", "read_files", "memory_text", "CSV_OPTIONS"]

#: The CSV options kamlab passes to DuckDB (names as in :func:`kamlab.read_transactions`).
CSV_OPTIONS = ("sep", "decimal", "thousands", "date_format", "encoding")
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def memory_text(limit):
    """``limit`` (``"8GB"``, ``"500MB"``, or a number of bytes) as DuckDB's memory setting.

    >>> memory_text("8gb"), memory_text(2**30)
    ('8GB', '1024MiB')
    """
    if isinstance(limit, bool) or not isinstance(limit, (int, str)):
        raise ParameterError(f"memory_limit must be a size such as '8GB' or a number of bytes, not {limit!r}.")
    if isinstance(limit, int):
        if limit < 2**20:
            raise ParameterError(f"memory_limit={limit} bytes is less than 1 MiB; give a size such as '8GB'.")
        return f"{limit // 2**20}MiB"
    match = _MEMORY.match(limit)
    if not match:
        raise ParameterError(f"memory_limit={limit!r} is not a size; give e.g. '8GB' or '500MB'.")
    unit = match.group(2).upper().replace("IB", "iB")
    return f"{match.group(1)}{unit}"


def connect(*, memory_limit=None, progress=False):
    """A new in-memory DuckDB connection and the function that closes it (and deletes its spill folder)."""
    import duckdb

    from kamlab.config import get_threads

    con = duckdb.connect()
    if get_threads() is not None:  # kamlab.set_threads / KAMLAB_THREADS: also the same sums in every run
        con.execute(f"SET threads = {int(get_threads())}")
    spill = tempfile.mkdtemp(prefix="kamlab-duckdb-")
    con.execute(f"SET temp_directory = '{spill}'")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = '{memory_text(memory_limit)}'")
    if progress:
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = true")
    else:
        con.execute("SET enable_progress_bar = false")

    def close():
        con.close()
        shutil.rmtree(spill, ignore_errors=True)

    return con, close


@contextlib.contextmanager
def quiet():
    """Ibis 12 calls a DuckDB method that DuckDB 1.4+ calls deprecated: not the user's concern."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*fetch_arrow_table", category=DeprecationWarning)
        yield


def ibis_backend(con):
    """The Ibis DuckDB backend on the connection ``con``."""
    import ibis

    return ibis.duckdb.from_connection(con)


def _table(con, name):
    with quiet():
        return ibis_backend(con).table(name)


def scan_frame(con, frame, name="kamlab_lines"):
    """The pandas ``frame`` as an Ibis table; DuckDB scans it in place.

    A frame of numbers, timestamps and pandas' Arrow-backed text is handed over as an Arrow table
    (no copy: its columns are Arrow or numpy memory already): DuckDB then reads the text without
    a Python object per cell, twice as fast on 10 million lines. Other frames (object or
    categorical columns) are scanned as pandas frames, as DuckDB reads them.
    """
    con.register(name, _arrow_view(frame))
    return _table(con, name)


def _arrow_view(frame):
    """``frame`` as an Arrow table when every column is a number, a timestamp or Arrow-backed text (the same
    values and missing values for DuckDB: NaN and NaT are NULL either way), else ``frame`` itself."""
    import pandas as pd

    def plain(dtype):
        if isinstance(dtype, pd.StringDtype):
            return dtype.storage == "pyarrow"
        if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(dtype):
            return False
        return (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                or pd.api.types.is_datetime64_any_dtype(dtype))

    if not all(plain(dtype) for dtype in frame.dtypes) or not all(isinstance(c, str) for c in frame.columns):
        return frame
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):  # pragma: no cover - defensive
        return frame


def _quote(name):
    return '"' + str(name).replace('"', '""') + '"'


def _text(value):
    return "'" + str(value).replace("'", "''") + "'"


def _csv_options(csv):
    csv = dict(csv or {})
    unknown = sorted(set(csv) - set(CSV_OPTIONS))
    if unknown:
        raise ParameterError(f"Unknown CSV option(s) {', '.join(map(repr, unknown))}; kamlab passes "
                             f"{', '.join(CSV_OPTIONS)}.")
    sep = csv.get("sep") or ","
    decimal = csv.get("decimal")
    if decimal is None and sep == ";":
        raise ParameterError(
            "A semicolon-separated CSV file usually writes amounts with a decimal comma (1.234,56); kamlab does not "
            "guess: pass csv={'decimal': ',', 'thousands': '.'} (German/European) or csv={'decimal': '.'}."
        )
    decimal = decimal or "."
    thousands = csv.get("thousands")
    if decimal not in (".", ","):
        raise ParameterError(f"decimal must be '.' or ',', not {decimal!r}.")
    if thousands is not None and (thousands == decimal or thousands not in (".", ",", " ", "'", "\u202f")):
        raise ParameterError(f"thousands={thousands!r} must be one of '.', ',', ' ', \"'\" and differ from the "
                             f"decimal separator {decimal!r}.")
    return {"sep": sep, "decimal": decimal, "thousands": thousands, "date_format": csv.get("date_format"),
            "encoding": csv.get("encoding")}


def _number_sql(column, decimal, thousands):
    """SQL turning the text ``column`` into a DOUBLE by exactly these separators (NULL where it does not fit)."""
    d = re.escape(decimal)
    whole = r"\d+" if thousands is None else rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)"
    pattern = rf"[+-]?(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?"
    text = f"trim({column})"
    plain = text if thousands is None else f"replace({text}, {_text(thousands)}, '')"
    plain = plain if decimal == "." else f"replace({plain}, ',', '.')"
    return f"CASE WHEN regexp_full_match({text}, {_text(pattern)}) THEN CAST({plain} AS DOUBLE) END"


def _date_sql(column, date_format):
    text = f"nullif(trim({column}), '')"
    if date_format:
        return f"try_strptime({text}, {_text(date_format)})"
    return f"TRY_CAST({text} AS TIMESTAMP)"


def read_files(con, paths, fmt, *, columns=None, csv=None, numbers=(), dates=()):
    """Parquet or CSV ``paths`` as an Ibis table with canonical names (``columns`` renames); text parsed exactly.

    CSV is read as text; the canonical columns in ``numbers`` and ``dates`` are parsed with
    the options ``csv`` (Parquet columns of those names that hold text too). Raises
    :class:`~kamlab.DataFormatError` when a text does not fit the options.
    """
    files = "[" + ", ".join(_text(p) for p in paths) + "]"
    if fmt == "parquet":
        if csv:
            raise ParameterError("csv= options are for CSV files; these are Parquet files.")
        con.execute(f"CREATE VIEW kamlab_raw AS SELECT * FROM read_parquet({files}, union_by_name = true)")
        options = _csv_options({"decimal": ".", **(csv or {})})
    else:
        options = _csv_options(csv)
        extra = f", encoding = {_text(options['encoding'])}" if options["encoding"] else ""
        con.execute(
            f"CREATE VIEW kamlab_raw AS SELECT * FROM read_csv({files}, header = true, all_varchar = true, "
            f"delim = {_text(options['sep'])}, union_by_name = true{extra})"
        )
    described = con.execute("DESCRIBE kamlab_raw").fetchall()
    columns = dict(columns or {})
    absent = [c for c in columns if c not in {row[0] for row in described}]
    if absent:
        raise ParameterError(f"columns= names {', '.join(map(repr, absent))}, not in the files; they have "
                             f"{', '.join(repr(row[0]) for row in described)}.")
    select, parsed, seen = [], {}, set()
    for name, kind, *_ in described:
        new = columns.get(name, name)
        if new in seen:
            raise ParameterError(f"Two columns of the files would be called {new!r}; fix columns=.")
        seen.add(new)
        expression = _quote(name)
        if kind == "VARCHAR" and new in numbers:
            expression = _number_sql(_quote(name), options["decimal"], options["thousands"])
            parsed[new] = (name, expression, False)
        elif kind == "VARCHAR" and new in dates:
            expression = _date_sql(_quote(name), options["date_format"])
            parsed[new] = (name, expression, True)
        select.append(f"{expression} AS {_quote(new)}")
    con.execute(f"CREATE VIEW kamlab_lines AS SELECT {', '.join(select)} FROM kamlab_raw")
    if parsed:
        _check_parsed(con, parsed, options, paths)
    return _table(con, "kamlab_lines")


def _check_parsed(con, parsed, options, paths):
    """One pass over the files: per parsed column, the texts that do not fit (count and first)."""
    parts = []
    for old, expression, _ in parsed.values():
        bad = f"nullif(trim({_quote(old)}), '') IS NOT NULL AND ({expression}) IS NULL"
        parts += [f"count(*) FILTER (WHERE {bad})", f"min({_quote(old)}) FILTER (WHERE {bad})"]
    row = con.execute(f"SELECT count(*), {', '.join(parts)} FROM kamlab_raw").fetchone()
    total = row[0]
    for i, (new, (old, _, is_date)) in enumerate(parsed.items()):
        n_bad, example = row[1 + 2 * i], row[2 + 2 * i]
        if n_bad:
            raise DataFormatError(_parse_message(new, old, is_date, (n_bad, total, example), options, paths),
                                  column=old, value=example, n_more=n_bad - 1)


def _parse_message(new, old, is_date, counts, options, paths):
    n_bad, total, example = counts
    where = paths[0] if len(paths) == 1 else f"{len(paths)} files ({paths[0]}, ...)"
    if is_date:
        rule = (f"a date in the form {options['date_format']!r}" if options["date_format"]
                else "an ISO date (2024-03-31 or 2024-03-31 17:45:00)")
        hint = "Pass csv={'date_format': '%d.%m.%Y'} (or the form your file uses)."
    else:
        rule = f"a number with decimal separator {options['decimal']!r}" + (
            f" and thousands separator {options['thousands']!r}" if options["thousands"] else " and no thousands "
            "separator")
        hint = "Pass csv={'decimal': ',', 'thousands': '.'} for German amounts (1.234,56), or fix those lines."
    return (f"{n_bad:,} of {total:,} lines in {where} have a column {old!r} ({new}) that is not {rule}, for "
            f"example {example!r}. kamlab does not guess: {hint}")
