"""The two public readers, :func:`read_transactions` and :func:`read_accounts`, and their steps.

``_read`` runs the steps in order: check the parameters, read the raw table
(:mod:`~kamlab.data.readers.dialect`), map the columns
(:mod:`~kamlab.data.readers.columns`), convert them (:mod:`~kamlab.data.readers.convert`),
then raise or set rows aside and fill in the :class:`ReadReport`.
"""


from __future__ import annotations

import concurrent.futures
import functools
import warnings
import weakref
from typing import NamedTuple

import numpy as np
import pandas as pd

from kamlab.data.readers.columns import (
    _KINDS,
    CANONICAL_COLUMNS,
    _map_columns,
    _missing_column_error,
)
from kamlab.data.readers.convert import _COMPUTABLE, _check_duplicate_ids, _compute_missing, _convert
from kamlab.data.readers.dialect import _open, _word
from kamlab.data.readers.fast import _decode_mapped, _forget_edges, _parquet_values, _rows_text
from kamlab.data.readers.lines import _find_total_lines
from kamlab.data.readers.timestamps import _timezone_notes
from kamlab.data.readers.report import (
    ReadReport,
    RowsSetAsideWarning,
    _display,
    _list_lines,
    _Job,
    _Problems,
    _row_error,
)
from kamlab.data.readers.texts import _t, count
from kamlab.errors import ParameterError


_DOC_PARAMETERS = """path : str or path-like
        A ``.csv``, ``.txt``, ``.tsv``, ``.xlsx`` or ``.parquet`` file; text and
        Excel files also ``.gz``-compressed or inside a ``.zip`` archive. The format is
        recognised from the file's content, not its name (an .xlsx named .csv is read
        as Excel); .xls, PDF and HTML files are refused with what to do instead.
    columns : dict, optional
        ``{name in the file: canonical name}`` for columns kamlab does not recognise
        or recognises wrongly, e.g. ``{"Betrag netto": "revenue"}``; map a name to
        ``None`` to keep it under its own name. Columns not named here are recognised
        by their German or English names (see :data:`SYNONYMS`); the rest are kept
        under their own names.
    encoding : str, optional
        Text files: the encoding. By default UTF-8 (with or without byte-order mark),
        UTF-16 (with byte-order mark, or without: found by its NUL bytes), else
        Windows-1252 (cp1252, which reads Latin-1 too) or, where charset-normalizer
        finds it fits better, the DOS code page cp850; the report names the one used.
        A file mixing UTF-8 and Windows-1252 lines, or holding mojibake ("MÃ¼ller"
        for "Müller"), is refused naming the lines: read either way, one account
        would become two.
    sep : str, optional
        Text files: the separator, one character. By default the one of ``;``, ``,``,
        tab and ``|`` that splits the lines into equally many fields.
    decimal : {",", "."}, optional
        The decimal mark of numbers written as text. By default decided from the
        numbers ("1.234,56" and "12,5" mean ","; "1,234.56" and "2.55" mean "."); if the
        numbers do not tell, "," for ``;``-separated files and "." otherwise.
    thousands : str, optional
        The thousands separator; by default "." with decimal "," and "," with decimal
        "."; ``""`` for none. Spaces and apostrophes between groups of three digits are
        always accepted. A thousands separator counts only between groups of three
        digits, so "12.5" is not read as 125 when the decimal mark is ",".
    dayfirst : bool, optional
        For dates such as "03/04/2024" only: ``True`` reads 3 April, ``False`` 4 March.
        By default decided from the dates (a first number above 12 means day first);
        if they do not tell, day first for files with decimal comma and month first
        otherwise, with an :class:`AmbiguousDatesWarning`. "31.12.2024" (dots) is always
        day first, "2024-12-31" (ISO, also with a time) always year first.
    date_format : str, optional
        The date format, as ``strftime`` codes (``"%d.%m.%Y"``), as ``"dd.mm.yyyy"``
        or ``"ISO8601"``. By default recognised from the dates.
    header_row : int, optional
        The header's line (text) or row (Excel) counted from 0, blank lines included:
        ``header_row=2`` is line 3 in an editor. By default the first line that holds
        mostly names rather than numbers and dates and is about as wide as the lines
        below it, so that title and "exported on" lines above it are skipped.
    sheet_name : int or str, default=0
        Excel: the worksheet, by number (from 0) or name.
    member : str, optional
        A ``.zip`` archive: the name of the file inside it to read (with or without
        its folder). By default the archive's only file; an archive with several
        files needs ``member=``. Excel workbooks are ZIP files too but need none.
    errors : {"raise", "drop"}, default="raise"
        What to do with rows that cannot be used (a value that is not a number or not a
        date, an empty required value, a line with too many fields). ``"raise"`` raises
        a :class:`~kamlab.errors.DataFormatError` naming the first of them (file, line,
        column, value) and how many more there are. ``"drop"`` sets them aside, warns
        with a :class:`RowsSetAsideWarning` and lists them in the report's
        ``problems`` and ``set_aside``."""
_DOC_TAIL = """report : bool, default=False
        Also return the :class:`ReadReport`: the result is then a :class:`ReadResult`
        ``(data, report)``. The report is always in ``df.attrs["kamlab_report"]``.
    verbose : bool, default=False
        Print the report (how the file was read and the column mapping used)."""
_DOC_LINES = """Line numbers are those a text editor shows: 1-based, counting title lines, the
    header and blank lines. Blank lines (and lines holding only separators) are not rows
    and never an error. A quoted field may hold the separator and line breaks; a row is
    then reported by the line it starts on. For Excel the number is the spreadsheet row,
    for Parquet the data row counted from 1.

    Account and invoice ids are text, stripped of surrounding spaces. Ids written as
    "17850.0" (a number that went through a float, as in many Excel exports) become
    "17850", the same id as "17850" (the report notes it), unless another id in the
    column has a decimal part that is not zero ("10.1"); leading zeros ("000123") stay.
    Numbers are float64 and may be negative ("-1.234,56", "- 60,34", SAP's
    "1.234,56-", "(1.234,56)"); a number with two signs ("(-12)") is not read. Numbers
    such as "1.706" (one mark, three digits after it) are read by the file's other
    conventions (other numbers, dates with dots, ";"); with none, kamlab refuses and
    asks for ``decimal=`` or ``thousands=``. Currency signs and codes ("€ 1.234,56",
    "1.234,56 EUR") name the currency (see ``currency=``). A ``contribution_margin``
    (DB I per line: Deckungsbeitrag, DB, Rohertrag, gross profit) gives
    ``cost = revenue - contribution_margin`` when the file has no cost, and cost gives
    the margin likewise. Dates are ``datetime64[ns]``, without
    time zone: a timestamp written with a UTC offset ("2024-03-31T23:30:00-05:00",
    "...Z", mixed offsets too) is read as the local date and time written, made naive
    (2024-03-31 23:30), since a KAM analysis works on calendar days; the report's
    ``notes`` say so. Parquet timestamps with a time zone (as Spark and Snowflake write
    them) likewise become the local date and time in their zone, made naive. Excel dates stored as plain numbers follow the workbook's date
    system (1900, or 1904 for Excel for Mac workbooks).

    Total and subtotal lines ("Summe", "Gesamt", "Total", "Zwischensumme", "Summe
    Kunde 4711", or an empty account id with a revenue that is the sum of the lines
    above when ``account_id`` is not required) are never data: like an unreadable
    value they raise, or are set aside with ``errors="drop"``. So is a last line cut
    off by an interrupted download (no line break at the end and fewer fields, an open
    quote or a value cut short). Other
    recognised columns (invoice_id, product, name, ...) are text with missing values
    as NaN; columns kamlab does not recognise are kept as the file has them (text for
    text files; a Parquet file's numbers, dates and category columns keep their type)."""


def _check_parameters(errors, sep, decimal, thousands, header_row, required, dayfirst, date_format,
                      known=CANONICAL_COLUMNS):
    if errors not in ("raise", "drop"):
        raise ParameterError(_t("p_errors", value=errors))
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1):
        raise ParameterError(_t("p_sep", value=sep))
    if decimal is not None and decimal not in (",", "."):
        raise ParameterError(_t("p_decimal", value=decimal))
    if thousands is not None and thousands not in ("", ".", ",", " ", "'", "\u00a0"):
        raise ParameterError(_t("p_thousands", value=thousands))
    if decimal is not None and thousands is not None and decimal == thousands:
        raise ParameterError(_t("p_both", value=decimal))
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, (int, np.integer)) or header_row < 0
    ):
        raise ParameterError(_t("p_header_row", value=header_row))
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise ParameterError(_t("p_dayfirst", value=dayfirst))
    if date_format is not None and not isinstance(date_format, str):
        raise ParameterError(_t("p_date_format", value=date_format))
    if isinstance(required, str):
        required = (required,)
    unknown = [r for r in required if r not in known]
    if unknown:
        raise ParameterError(_t("p_required", required=repr(tuple(required)),
                                unknown=", ".join(map(repr, unknown)), known=", ".join(known)))
    return tuple(required)


def _assemble(raw, mapping, out, keep, columns=CANONICAL_COLUMNS):
    """The frame returned: canonical columns in canonical order, then the file's other columns."""
    # no copy and no stacking of columns into blocks: the converted columns are fresh (or immutable) already
    frame = pd.DataFrame({c: out[c] for c in columns if c in out}, copy=False)
    for source in raw.names:
        if source in mapping:
            continue
        target = source if source not in frame.columns else f"{source}_file"
        text, nat = raw.text[source], raw.native.get(source)
        if raw.meta["format"] == "parquet":
            frame[target] = _parquet_values(raw.meta["original"][source], raw.meta["units"].get(source))
        elif nat is not None:
            frame[target] = nat.where(nat.notna(), text.where(text != "", None)).infer_objects()
        else:
            frame[target] = text.astype("str").where(text != "", np.nan).to_numpy()
    return (frame if keep.all() else frame[keep]).reset_index(drop=True)


def _read(path, columns, *, function, accounts, encoding, sep, decimal, thousands, dayfirst, date_format,
          header_row, sheet_name, errors, required, verbose, currency=None, member=None, vocabulary=None):
    # vocabulary: a ColumnVocabulary (kamlab.projects' quotes) instead of the invoice/account columns
    kinds = _KINDS if vocabulary is None else vocabulary.kinds
    known = CANONICAL_COLUMNS if vocabulary is None else vocabulary.columns
    required = _check_parameters(errors, sep, decimal, thousands, header_row, required, dayfirst, date_format,
                                 known)
    raw = _open(path, encoding=encoding, sep=sep, header_row=header_row, sheet_name=sheet_name, member=member)
    name, word = _display(path), _word(raw)

    mapping, notes = _map_columns(raw.names, columns, accounts, path, function, vocabulary)
    _check_required_columns(required, raw.names, mapping, path, function, vocabulary)
    _decode_mapped(raw, mapping)  # a Parquet category column that is mapped: its text is converted
    report = _new_report(path, raw, mapping, notes)
    problems = _Problems(raw)
    words = _total_words_later(raw)
    try:
        # _convert must stay called from here: its AmbiguousDatesWarning counts the frames up to the caller
        out, decimal, thousands = _convert(
            raw, mapping, required, problems,
            decimal=decimal, thousands=thousands, dayfirst=dayfirst, date_format=date_format, report=report,
            currency=currency, kinds=kinds,
        )
        _compute_missing(out, mapping, required, problems, report)
        n_accounts = _count_later(out.get("account_id"))
        _find_total_lines(raw, mapping, out, required, problems, report, None if words is None else words.result)
    except BaseException:  # the search is not left running (holding the file's cells) behind an error
        if words is not None and not words.cancel():
            concurrent.futures.wait([words])
        raise
    # typed (Parquet, Excel) dates have no text to hold an offset: their time zone is noted where they are converted
    lazy = raw.meta.get("lazy", ())
    report.notes.extend(_timezone_notes({s: raw.text[s] for s, c in mapping.items() if kinds[c] == "date" and s not in lazy}))
    if accounts and "account_id" in out:
        _check_duplicate_ids(raw, out, mapping, problems)
    if vocabulary is not None and vocabulary.unique in out:
        _check_duplicate_ids(raw, out, mapping, problems, column=vocabulary.unique)

    problem_frame = problems.frame()
    bad_rows = problems.rows
    if bad_rows.any() and errors == "raise":
        raise _row_error(problem_frame, path, word, decimal, thousands, report, function, n_rows=len(raw.text))

    frame = _assemble(raw, mapping, out, ~bad_rows, known)
    _complete_report(report, raw, frame, problem_frame, bad_rows, n_accounts)
    _forget_edges()
    frame.attrs["kamlab_report"] = report
    _count_when_the_frame_goes(frame, report)
    if report.rows_set_aside:
        warnings.warn(
            _t("set_aside_one" if report.rows_set_aside == 1 else "set_aside", name=name,
               n=count(report.rows_set_aside), total=count(report.rows_read), word=word,
               lines=_list_lines(report.set_aside["line"].tolist())),
            RowsSetAsideWarning,
            stacklevel=3,
        )
    if verbose:
        print(report)
    return frame, report


def _check_required_columns(required, names, mapping, path, function, vocabulary=None):
    """Raise if a required column is neither in the file nor computable from columns that are."""
    present = set(mapping.values())
    missing = [
        r for r in required
        if r not in present and not (r in _COMPUTABLE and all(c in present for c in _COMPUTABLE[r]))
    ]
    if missing:
        raise _missing_column_error(missing, names, mapping, path, function, vocabulary)


def _new_report(path, raw, mapping, notes):
    """The report as far as it is known before converting: how the file was read and the mapping."""
    return ReadReport(
        path=str(path),
        format=raw.meta["format"],
        encoding=raw.meta.get("encoding"),
        sep=raw.meta.get("sep"),
        header_line=raw.meta.get("header_line"),
        sheet=raw.meta.get("sheet"),
        columns=dict(mapping),
        unmapped=[n for n in raw.names if n not in mapping],
        notes=[*notes, *raw.meta.get("notes", [])],
    )


def _total_words_later(raw):
    """A future of ``lines._total_words(raw)``, or None: for a big text file it is started now in a worker
    thread of the reader, beside the choice of the decimal mark and the conversion (it needs the cells only,
    which they do not change; the typed cells of Parquet and Excel files are rendered during the conversion,
    so those are looked at afterwards)."""
    from kamlab.data.readers.fast import _THREADS_MIN_ROWS
    from kamlab.data.readers.lines import _total_words
    from kamlab.data.readers.threads import _start

    if raw.meta["format"] != "text" or len(raw.text) < _THREADS_MIN_ROWS:
        return None
    return _start(_total_words, raw)


def _count_when_the_frame_goes(frame, report):
    """An account count left for when ``report.n_accounts`` is read holds the frame's ids: if the frame is
    deleted first, the count is made then, so that a report kept alone (a loop keeping the reports of many
    files) does not keep the ids of its file."""
    job = report.__dict__.get("_n_accounts")
    if isinstance(job, _Job) and job.work is not None:
        weakref.finalize(frame, job).atexit = False


_COUNT_LATER_MIN = 1_000_000  # account ids counted when the report is asked from this many rows (tests lower it)


def _count_later(ids):
    """``job()`` giving ``ids.nunique()``, or None without ids. A big column of Arrow ids (which nothing can
    change meanwhile) is counted only when the report's ``n_accounts`` is first read: 10 million ids take about
    0.3 s of hashing, which a read whose count nobody asks for (a loop over files) need not spend, in the
    caller's thread or in one beside it. Other ids: counted at the read's end."""
    if ids is None:
        return None
    dtype = ids.dtype
    arrow = isinstance(dtype, pd.ArrowDtype) or (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow")
    if not arrow or len(ids) < _COUNT_LATER_MIN:
        return ids.nunique
    return _Job(functools.partial(_count_distinct, ids.array.__arrow_array__()))


def _count_distinct(arrow):
    """The distinct values of an Arrow array, missing ones not counted (``Series.nunique``)."""
    import pyarrow.compute as pc

    unique = pc.unique(arrow)
    return len(unique) - unique.null_count


def _complete_report(report, raw, frame, problem_frame, bad_rows, n_accounts=None):
    """Fill in the rows read, kept and set aside, the problems and the facts about the rows kept.

    ``n_accounts``: ``job()`` counting the account ids of all rows read, used when every row is kept."""
    report.rows_read = len(raw.text)
    report.rows_kept = len(frame)
    report.rows_set_aside = int(bad_rows.sum())
    report.problems = problem_frame.drop(columns="pos")
    set_aside = _rows_text(raw, bad_rows)  # typed Parquet cells rendered
    set_aside.insert(0, "line", raw.lines[bad_rows])
    report.set_aside = set_aside.reset_index(drop=True)
    if "date" in frame:
        report.date_min, report.date_max = _date_range(frame["date"])
    if "account_id" in frame:
        if n_accounts is not None and not bad_rows.any():  # all rows kept: counted now or when asked
            report.n_accounts = n_accounts if isinstance(n_accounts, _Job) else int(n_accounts())
        else:
            report.n_accounts = int(frame["account_id"].nunique())
    if "revenue" in frame:
        revenue = frame["revenue"]
        with np.errstate(invalid="ignore"):  # +inf and -inf: NaN here, and pandas' sum says so below
            total = revenue.to_numpy().sum() if revenue.dtype == np.float64 else np.nan  # no masks: 3x faster
        report.total_revenue = float(total if not np.isnan(total) else revenue.sum())


def _date_range(dates):
    """``(dates.min(), dates.max())``, or ``(None, None)`` when no date is known; for ``datetime64`` dates
    without a missing one from the integers, without the masks pandas makes (10 M dates: 5 instead of 30 ms)."""
    if isinstance(dates.dtype, np.dtype) and dates.dtype.kind == "M" and len(dates):
        values = dates.to_numpy()
        ints = values.view("int64")
        low = ints.min()
        if low != np.iinfo(np.int64).min:  # NaT is the lowest int64: none missing
            ends = np.array([low, ints.max()]).view(values.dtype)
            return pd.Timestamp(ends[0]), pd.Timestamp(ends[1])
    if not dates.notna().any():
        return None, None
    return dates.min(), dates.max()


class ReadResult(NamedTuple):
    """What a reader returns with ``report=True``: the frame and its :class:`ReadReport`.

    A named tuple, so ``df, rep = read_transactions(path, report=True)`` unpacks it,
    and ``result.data`` / ``result.report`` name the two parts. The report is also in
    ``result.data.attrs["kamlab_report"]``, as for every frame a reader returns.

    Attributes
    ----------
    data : pandas.DataFrame
        The rows kept, exactly the frame returned without ``report=True``.
    report : ReadReport
        How the file was read and which rows were set aside.
    """

    data: pd.DataFrame
    report: ReadReport


# 80 lines only because of its numpydoc docstring; the code is the 6-line call to _read
def read_transactions(
    path,
    columns=None,
    *,
    encoding=None,
    sep=None,
    decimal=None,
    thousands=None,
    dayfirst=None,
    date_format=None,
    header_row=None,
    sheet_name=0,
    member=None,
    errors="raise",
    required=("account_id", "date", "revenue"),
    currency=None,
    report=False,
    verbose=False,
):
    """Read invoice lines (one row per invoice line or sale) from CSV, Excel or Parquet.

    Parameters
    ----------
    {parameters}
    required : tuple of str, default=("account_id", "date", "revenue")
        Canonical columns that must be present and filled in every row. ``revenue``
        is computed as ``quantity * unit_price`` when the file has no revenue column
        but has both of those (and ``cost`` as ``quantity * unit_cost`` likewise).
    currency : dict, optional
        ``{currency: factor}``, the factor that turns an amount in that currency into
        the reporting currency, e.g. ``{"EUR": 1.0, "USD": 0.92}``. Needed when the
        amounts are in more than one currency (a currency column such as "Währung",
        "Currency" or "WKZ" with several codes, column names such as "Umsatz EUR" and
        "Kosten USD", or cells such as "12,50 €" and "9.99 USD"): kamlab never adds up
        different currencies, so without it such a file is refused. Every amount
        (revenue, cost, unit price, unit cost, contribution margin) is multiplied by the
        factor of its row's currency; ``report.currency`` is the currency with factor 1.
        A file in one currency needs none: the report names its currency.
    {tail}

    Returns
    -------
    pandas.DataFrame or ReadResult
        By default the frame: one row per data row kept, canonical columns first
        (``account_id``, ``date``, ``invoice_id``, ``product``, ``product_group``,
        ``quantity``, ``unit_price``, ``revenue``, ``cost``, ... as far as present), then
        the file's other columns. ``df.attrs["kamlab_report"]`` holds the
        :class:`ReadReport`. With ``report=True`` a :class:`ReadResult`, the named tuple
        ``(data, report)`` of that frame and its report, so that
        ``df, rep = read_transactions(path, report=True)`` unpacks it.

    Raises
    ------
    DataFormatError
        A cell cannot be read (with ``errors="raise"``), a column name is duplicated,
        two columns look like the same canonical column, or no header is found.
    MissingColumnError
        A required column is missing; the message lists the columns found and the
        names kamlab recognises.
    EmptyDataError
        The file is empty or holds a header but no data rows.
    ParameterError
        A parameter has an impossible value.
    FileNotFoundError
        There is no such file.

    Warns
    -----
    RowsSetAsideWarning
        With ``errors="drop"``, when rows were set aside.
    AmbiguousDatesWarning
        When dates like "03/04/2024" could be read either way.

    Notes
    -----
    {lines}

    Examples
    --------
    >>> import kamlab
    >>> df = kamlab.read_transactions("tests/data/erp_export_de.csv")  # doctest: +SKIP
    >>> df, rep = kamlab.read_transactions("sales.csv", errors="drop", report=True)  # doctest: +SKIP
    >>> rep.problems  # doctest: +SKIP
    >>> result = kamlab.read_transactions("sales.csv", report=True)  # doctest: +SKIP
    >>> result.data.shape, result.report.rows_set_aside  # doctest: +SKIP
    """
    frame, rep = _read(
        path, columns, function="read_transactions", accounts=False, encoding=encoding, sep=sep,
        decimal=decimal, thousands=thousands, dayfirst=dayfirst, date_format=date_format,
        header_row=header_row, sheet_name=sheet_name, errors=errors, required=required, verbose=verbose,
        member=member,
        currency=currency,
    )
    return ReadResult(frame, rep) if report else frame


def read_accounts(
    path,
    columns=None,
    *,
    encoding=None,
    sep=None,
    decimal=None,
    thousands=None,
    dayfirst=None,
    date_format=None,
    header_row=None,
    sheet_name=0,
    member=None,
    errors="raise",
    required=("account_id",),
    report=False,
    verbose=False,
):
    """Read account master data (one row per account) from CSV, Excel or Parquet.

    Parameters
    ----------
    {parameters}
    required : tuple of str, default=("account_id",)
        Canonical columns that must be present and filled in every row.
    {tail}

    Returns
    -------
    pandas.DataFrame or ReadResult
        By default the frame: one row per account, canonical columns first
        (``account_id``, ``name``, ``industry``, ``country``, ``region``, ``employees``,
        ``key_account_manager``, as far as present), then the file's other columns.
        ``df.attrs["kamlab_report"]`` holds the :class:`ReadReport`. With
        ``report=True`` a :class:`ReadResult`, the named tuple ``(data, report)`` of that
        frame and its report, so that ``accounts, rep = read_accounts(path, report=True)``
        unpacks it.

    Raises
    ------
    DataFormatError
        As :func:`read_transactions`; also when an account id appears in more than one
        row (the message names the lines). With ``errors="drop"`` every row of a
        duplicated id is set aside, since kamlab cannot tell which one is right.
    MissingColumnError, EmptyDataError, ParameterError, FileNotFoundError
        As :func:`read_transactions`.

    Notes
    -----
    {lines}

    Examples
    --------
    >>> import kamlab
    >>> accounts = kamlab.read_accounts("tests/data/accounts_de.csv")  # doctest: +SKIP
    """
    frame, rep = _read(
        path, columns, function="read_accounts", accounts=True, encoding=encoding, sep=sep,
        decimal=decimal, thousands=thousands, dayfirst=dayfirst, date_format=date_format,
        header_row=header_row, sheet_name=sheet_name, errors=errors, required=required, verbose=verbose,
        member=member,
    )
    return ReadResult(frame, rep) if report else frame


def document_reader(function):
    """Fill in a reader's docstring: ``{parameters}``, ``{tail}`` and ``{lines}`` as every reader has them."""
    function.__doc__ = (
        function.__doc__.replace("{parameters}", _DOC_PARAMETERS)
        .replace("{tail}", _DOC_TAIL)
        .replace("{lines}", _DOC_LINES)
    )
    return function


for _function in (read_transactions, read_accounts):
    document_reader(_function)
del _function

#: The readers' machinery for a table with its own columns: ``read_table(path, columns, function=...,
#: accounts=False, vocabulary=ColumnVocabulary(...), encoding=..., ...)`` -> ``(frame, report)``, called
#: as read_transactions calls it (so that warnings point at the caller's line). kamlab.projects uses it.
read_table = _read
