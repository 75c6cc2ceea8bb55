"""A file's dialect and its raw table: which format, encoding, separator and header line.

What a file is comes from :mod:`~kamlab.data.readers.containers` (by content, also
inside ``.gz`` and ``.zip``), its encoding from :mod:`~kamlab.data.readers.encoding`.
Text files, Excel workbooks and Parquet files are read into a
``_Raw`` table: every cell as stripped text, typed spreadsheet/Parquet values beside
them, and the line (or row) number of every data row for messages. Nothing is
converted here; that is :mod:`kamlab.data.readers.cells`.
"""


from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kamlab._util.format import translator
from kamlab.data.readers.cells import _cell_text
from kamlab.data.readers.containers import _load
from kamlab.data.readers.encoding import _decode
from kamlab.data.readers.lines import _cut_last_line
from kamlab.data.readers.report import _display, _show_sep
from kamlab.data.readers.texts import _t as _say
from kamlab.errors import DataFormatError, EmptyDataError, KamlabError, ParameterError


_t = translator({
    "epoch_1904": (
        "the workbook uses Excel's 1904 date system (Excel for Mac); dates stored as plain numbers were counted "
        "from 1904-01-01.",
        "die Arbeitsmappe nutzt das 1904-Datumssystem von Excel (Excel für Mac); als Zahlen gespeicherte Daten "
        "wurden ab dem 01.01.1904 gezählt.",
    ),
})
_NUMBER_LIKE = re.compile(
    r"^[\s(+\-\u2212]*(?:€|\$|£|EUR|USD|CHF|GBP)?\s*[+\-\u2212]?\d[\d\s.,'\u00a0\u202f]*(?:[eE][+-]?\d+)?"
    r"[)\-\u2212%]?\s*(?:€|\$|£|EUR|USD|CHF|GBP)?\s*[)\-\u2212]?$",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:[ T].*)?$")


def _is_texty(value):
    """True for a non-empty cell that is neither a number nor a date (a header name)."""
    if not isinstance(value, str):
        return False
    v = value.strip()
    return bool(v) and not _NUMBER_LIKE.match(v) and not _DATE_LIKE.match(v)


def _filled(cells):
    return sum(1 for c in cells if c is not None and str(c).strip() != "")


def _find_header(rows, sample=50):
    """Index of the header among ``rows`` (lists of cells), or ``None``.

    The header is the first row whose cells are mostly names (not numbers or dates) and
    that has at least about as many filled cells as the rows below it; a title or an
    "exported on ..." line above it has fewer.
    """
    filled = [_filled(r) for r in rows]
    nonblank = [i for i, f in enumerate(filled) if f > 0]
    widest = max(filled, default=0)
    for pos, i in enumerate(nonblank):
        if filled[i] < 2 and widest >= 2:
            continue
        texty = sum(1 for c in rows[i] if _is_texty(c))
        if texty < 0.8 * filled[i]:
            continue
        below = [filled[j] for j in nonblank[pos + 1 : pos + 1 + sample]]
        if below and filled[i] < 0.75 * float(np.median(below)):
            continue
        return i
    return None


_SEPARATORS = (";", ",", "\t", "|")


def _split(line, sep):
    try:
        return next(csv.reader([line], delimiter=sep, quotechar='"', strict=False), [])
    except csv.Error:
        return line.split(sep)


def _detect_layout(lines, sep, header_row):
    """Choose the separator and the header line from the first lines of a text file.

    For each candidate separator the lines are split; a separator wins if it splits the
    lines into two or more fields, a header can be found with it and the lines below the
    header have the same number of fields (decimal commas make "," inconsistent in a
    German file, where ";" is consistent), the more fields the better.
    """
    candidates = [sep] if sep is not None else list(_SEPARATORS)
    best = None
    for order, cand in enumerate(candidates):
        rows = [_split(line, cand) if line.strip() else [] for line in lines]
        head = header_row if header_row is not None else _find_header(rows)
        if head is None or head >= len(rows):
            widths = [len(r) for r in rows if r]
            k = max(set(widths), key=widths.count) if widths else 0
            consistency = widths.count(k) / len(widths) if widths else 0.0
            score = (k >= 2, False, round(consistency, 2), k, -order)
        else:
            k = len(rows[head])
            body = [r for r in rows[head + 1 :] if r]
            same = sum(1 for r in body if len(r) == k or (len(r) > k and not any(c.strip() for c in r[k:])))
            consistency = same / len(body) if body else 1.0
            score = (k >= 2, True, round(consistency, 2), k, -order)
        if best is None or score > best[0]:
            best = (score, cand, head)
    (several, found, *_), cand, head = best
    if not found and not several and sep is None:
        # nothing looks like a table with a separator: a single column
        rows = [[line] if line.strip() else [] for line in lines]
        head = header_row if header_row is not None else _find_header(rows)
        cand = ","
    return cand, head


@dataclass
class _Raw:
    names: list  # column names as in the file (unique)
    text: pd.DataFrame  # cells as stripped text, "" where empty; columns = names
    native: dict  # name -> Series of typed values (Excel, Parquet), NaN/None where text
    lines: np.ndarray  # line (or row) number of each row (or a _LineNumbers standing for it)
    structural: list  # [(position, line, value, reason)] for rows with too many fields
    meta: dict


class _LineNumbers:
    """The line numbers ``first, first + 1, ...`` of ``n`` rows, indexed like the array of them but without
    it: a big file whose every line is a row needs no array of its line numbers (10 M rows: 80 MB of fresh
    memory and 0.1-0.2 s less). An integer gives a number, a slice, mask or array of positions an array."""

    __slots__ = ("first", "n")

    def __init__(self, first, n):
        self.first, self.n = int(first), int(n)

    def __len__(self):
        return self.n

    def __array__(self, dtype=None, copy=None):
        return np.arange(self.first, self.first + self.n, dtype=dtype or np.int64)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)):
            return np.int64(self.first + range(self.n)[key])  # range checks the bounds and counts from the end
        if isinstance(key, slice):
            part = range(self.first, self.first + self.n)[key]
            return np.arange(part.start, part.stop, part.step, dtype=np.int64)
        key = np.asarray(key)
        if key.dtype == bool:
            if key.shape != (self.n,):
                raise IndexError(f"a mask of {key.shape} for {self.n} rows")
            return np.flatnonzero(key).astype(np.int64) + self.first
        positions = key.astype(np.int64)
        if len(positions) and (positions.min() < -self.n or positions.max() >= self.n):
            raise IndexError(f"a position out of {self.n} rows")
        return np.where(positions < 0, positions + self.n, positions) + self.first


_SAMPLE_LINES = 200


def _read_text(path, data, *, encoding, sep, header_row, stamp=None):
    """Read text ``data`` (the file's bytes, unpacked) into a :class:`_Raw` table.

    ``data`` may be a list holding the bytes as its only reference: the fast path then lets
    go of them once they are parsed (a big file's bytes are not held beside its table).
    """
    from kamlab.data.readers.fastcsv import _read_text_fast

    box = data if isinstance(data, list) else [data]
    del data
    fast = _read_text_fast(path, box, encoding=encoding, sep=sep, header_row=header_row, stamp=stamp)
    if fast is not None:
        return fast
    data = box[0]
    name = _display(path)
    if not data.strip():
        raise EmptyDataError(_say("empty", name=name))
    text, enc, notes = _decode(data, encoding, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip("\n\t ;,|\ufeff"):
        raise EmptyDataError(_say("empty", name=name))
    sep, head = _text_layout(text, path, sep, header_row)
    offset = 0
    for _ in range(head):
        offset = text.index("\n", offset) + 1
    body = text[offset:]
    frame, lines, structural = _parse_text_body(body, sep, head, name)
    frame = frame.fillna("")
    cut = _cut_last_line(body, frame, lines, sep)
    if cut is not None:
        structural = [s for s in structural if s[0] != cut[0]] + [cut]
    header_cells = [str(c).strip() for c in frame.iloc[0]]
    data_frame = frame.iloc[1:].reset_index(drop=True)
    raw = _make_raw(path, header_cells, data_frame, lines[1:], structural, header_line=head + 1)
    raw.meta.update(format="text", encoding=enc, sep=sep, notes=notes)
    return raw


def _text_layout(text, path, sep, header_row):
    """The separator and the header's line index, from the first lines of ``text``."""
    name = _display(path)
    n_sample = _SAMPLE_LINES + (header_row or 0)
    sample = text.split("\n", n_sample)[:n_sample]
    if header_row is not None:
        n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if header_row >= n_lines:
            raise ParameterError(_say("header_row_text", header_row=header_row, name=name, n=n_lines))
    sep, head = _detect_layout(sample, sep, header_row)
    if head is None:
        raise DataFormatError(_say("no_header_text", name=name, n=_SAMPLE_LINES), path=str(path))
    return sep, head


def _parse_text_body(body, sep, head, name):
    """Split the text from the header on into fields: ``(frame of text, line numbers, structural)``."""
    structural = []
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            quotechar='"',
            engine="c",
        )
        lines = _line_numbers(frame, body, head)
    except pd.errors.ParserError:
        # rows with more fields than the header: read with the csv module, which tells
        # each record's line, and set those rows aside
        frame, lines, structural = _read_text_slowly(body, sep, head)
    except pd.errors.EmptyDataError:
        raise EmptyDataError(_say("empty", name=name)) from None
    return frame, lines, structural


def _line_numbers(frame, body, head):
    n_lines = body.count("\n") + (0 if body.endswith("\n") else 1)
    lines = head + 1 + np.arange(len(frame), dtype=np.int64)
    if n_lines != len(frame):
        # quoted fields with line breaks: a record spans several lines
        extra = np.zeros(len(frame), dtype=np.int64)
        for col in frame.columns:
            extra += frame[col].fillna("").str.count("\n").to_numpy(dtype=np.int64)
        lines = lines + np.concatenate([[0], np.cumsum(extra)[:-1]])
    return lines


def _read_text_slowly(body, sep, head):
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, quotechar='"', strict=False)
    records, lines, structural = [], [], []
    start = 1
    width = None
    for record in reader:
        if width is None:
            width = len(record)
        elif len(record) > width:
            if any(c.strip() for c in record[width:]):
                structural.append(
                    (
                        len(records) - 1,  # position among data rows (the header is record 0)
                        head + start,
                        sep.join(record),
                        _say("too_many_fields", n=len(record), width=width, sep=_show_sep(sep)),
                    )
                )
            record = record[:width]
        records.append(record + [""] * (width - len(record)))
        lines.append(head + start)
        start = reader.line_num + 1
    frame = pd.DataFrame(records, dtype=str)
    return frame, np.asarray(lines, dtype=np.int64), structural


def _make_raw(path, header_cells, data, lines, structural, header_line, native=None, prepared=False):
    """Name the columns, drop blank rows and check the header for duplicates (``prepared``: the cells
    are stripped text already)."""
    native = native or {}
    text = {}
    names = []
    sources = {}
    native_out = {}
    for j, col in enumerate(data.columns):
        header = header_cells[j] if j < len(header_cells) else ""
        values = data[col] if prepared else data[col].astype("str").fillna("").str.strip()
        if not header:
            if not (values != "").any() and (native.get(col) is None or native[col].isna().all()):
                continue  # an empty column without a name: a trailing separator
            header = f"column_{j + 1}"
        names.append(header)
        sources[header] = col
        text[header] = values
        if native.get(col) is not None:
            native_out[header] = native[col]
    _check_unique_names(names, path, header_line, where="row" if native else "line")
    text_frame = pd.DataFrame(text, index=data.index) if text else pd.DataFrame(index=data.index)
    positions = _filled_positions(names, text_frame, native_out, structural)
    lines = lines if isinstance(lines, _LineNumbers) else np.asarray(lines)
    if positions is not None:  # blank lines: drop them (no copy of every column when there are none)
        structural = [(int(np.searchsorted(positions, p)), *rest) for p, *rest in structural]
        text_frame = text_frame.iloc[positions]
        native_out = {h: s.iloc[positions] for h, s in native_out.items()}
        lines = lines[positions]
    text_frame = text_frame.reset_index(drop=True)
    native_out = {h: s.reset_index(drop=True) for h, s in native_out.items()}
    return _Raw(
        names=names,
        text=text_frame,
        native=native_out,
        lines=lines,
        structural=structural,
        meta={"header_line": header_line, "sources": sources},
    )


def _check_unique_names(names, path, header_line, where):
    """Raise if the header names a column more than once (``where`` is "line" or "row")."""
    seen = {}
    for j, header in enumerate(names):
        seen.setdefault(header, []).append(j + 1)
    dups = {h: pos for h, pos in seen.items() if len(pos) > 1}
    if dups:
        first = next(iter(dups))
        listed = "; ".join(
            _say("dup_columns", header=h, positions=", ".join(str(p) for p in pos)) for h, pos in dups.items()
        )
        raise DataFormatError(
            _say("dup_names", name=_display(path), word=where, line=header_line, listed=listed),
            path=str(path),
            line=header_line,
            column=first,
        )


def _filled_positions(names, text_frame, native_out, structural):
    """Positions of the rows that are not blank (a line with too many fields always counts), or None when
    no row is blank (no array of every position)."""
    from kamlab.data.readers.fast import _all_filled, _filled_cells

    if any(_all_filled(text_frame[header]) for header in names):  # a column without an empty cell: no masks
        return None
    blank = np.ones(len(text_frame), dtype=bool)  # fresh arrays: pandas' to_numpy() may be read-only
    for header in names:
        filled = _filled_cells(text_frame[header])
        if header in native_out:
            filled = filled | native_out[header].notna().to_numpy()
        blank &= ~filled
        if not blank.any():
            break  # every row has a filled cell already: the other columns cannot make one blank
    structural_positions = {s[0] for s in structural}
    if structural_positions:
        blank[list(structural_positions)] = False
    return np.flatnonzero(~blank) if blank.any() else None


def _read_excel(path, source, *, sheet_name, header_row):
    name = _display(path)
    sheet, rows, epoch = _excel_rows(source, sheet_name, name)
    if not any(rows):
        raise EmptyDataError(_say("sheet_empty", name=name, sheet=sheet))
    if header_row is not None and header_row >= len(rows):
        raise ParameterError(_say("header_row_excel", header_row=header_row, sheet=sheet, name=name, n=len(rows)))
    head = header_row if header_row is not None else _find_header(rows[:_SAMPLE_LINES])
    if head is None:
        raise DataFormatError(_say("no_header_excel", name=name, sheet=sheet, n=_SAMPLE_LINES), path=str(path))
    header_cells = [_cell_text(c) for c in rows[head]]
    body = rows[head + 1 :]
    width = max([len(header_cells)] + [len(r) for r in body])
    body = [r + [None] * (width - len(r)) for r in body]
    objects = pd.DataFrame(body, columns=range(width), dtype=object)
    if objects.empty:
        objects = pd.DataFrame(columns=range(width), dtype=object)
    text = objects.apply(lambda col: col.map(_cell_text)) if len(objects) else objects.astype(str)
    native = {}
    for j in range(width):
        col = objects[j]
        is_text = col.map(lambda v: v is None or isinstance(v, str))
        native[j] = col.where(~is_text, None)
    lines = head + 2 + np.arange(len(body), dtype=np.int64)
    raw = _make_raw(path, header_cells, text, lines, [], header_line=head + 1, native=native)
    raw.meta.update(format="excel", sheet=sheet, notes=[])
    if epoch.year == 1904:
        # plain numbers in date columns count days from the workbook's own epoch (cells.py reads it here)
        for series in raw.native.values():
            series.attrs["excel_epoch"] = pd.Timestamp(epoch)
        raw.meta["notes"].append(_t("epoch_1904"))
    return raw


# what openpyxl raises on a damaged workbook (XML errors are SyntaxErrors)
_EXCEL_FAILURES = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, SyntaxError, AttributeError,
                   IndexError, EOFError)


def _unreadable_workbook(name, exc):
    return DataFormatError(_say("workbook", name=name, error=type(exc).__name__), path=name)


def _excel_rows(source, sheet_name, name):
    """The worksheet's name, its rows as lists of typed cells (without empty cells at the end), the epoch.

    ``source`` is the file or its unpacked bytes; the epoch is the day Excel's date numbers
    count from: 1899-12-30, or 1904-01-01 in a workbook with the 1904 date system.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except _EXCEL_FAILURES as exc:
        raise _unreadable_workbook(name, exc) from None
    try:
        sheet = _choose_sheet(book.sheetnames, sheet_name, name)
        ws = book[sheet]
        ws.reset_dimensions()
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        epoch = book.epoch
    except KamlabError:
        raise
    except _EXCEL_FAILURES as exc:
        raise _unreadable_workbook(name, exc) from None
    finally:
        book.close()
    for r in rows:
        while r and (r[-1] is None or (isinstance(r[-1], str) and not r[-1].strip())):
            r.pop()
    return sheet, rows, epoch


def _choose_sheet(sheets, sheet_name, name):
    """The name of the worksheet ``sheet_name`` (a number from 0 or a name) among ``sheets``."""
    if isinstance(sheet_name, int) and not isinstance(sheet_name, bool):
        if not -len(sheets) <= sheet_name < len(sheets):
            raise ParameterError(_say("sheet_number_one" if len(sheets) == 1 else "sheet_number", name=name,
                                      n=len(sheets), sheets=", ".join(map(repr, sheets)), sheet_name=sheet_name))
        return sheets[sheet_name]
    if isinstance(sheet_name, str):
        if sheet_name not in sheets:
            raise ParameterError(_say("sheet_name", name=name, sheet_name=sheet_name,
                                      sheets=", ".join(map(repr, sheets))))
        return sheet_name
    raise ParameterError(_say("sheet_type"))


def _read_parquet(path):
    name = _display(path)
    frame, units = None, {}
    unit = _one_timestamp_column(path)
    if unit:  # read in ns at once (the dates kamlab returns): no second array of them
        try:
            frame = pd.read_parquet(path, to_pandas_kwargs={"coerce_temporal_nanoseconds": True})
        except Exception:  # a date ns cannot hold (9999-12-31), or any other trouble: read as it is, below
            frame = None
        else:  # the column's own unit, for when it is not mapped (kept as the file has it)
            units = {k: unit for k, dtype in enumerate(frame.dtypes) if dtype == np.dtype("datetime64[ns]")}
    try:
        if frame is None:
            frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many kinds: all mean "not a readable Parquet file"
        raise DataFormatError(_say("parquet", name=name, error=f"{type(exc).__name__}: {exc}"), path=str(path)) from None
    if frame.columns.duplicated().any():
        dups = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise DataFormatError(
            _say("parquet_dup" if len(dups) == 1 else "parquet_dups", name=name, names=", ".join(map(repr, dups))),
            path=str(path),
            column=dups[0],
        )
    # typed columns stay typed (no text to parse): kamlab.data.readers.fast
    from kamlab.data.readers.fast import _parquet_raw

    return _parquet_raw(path, frame, units)


def _one_timestamp_column(path):
    """The unit of a Parquet file's only column of time when it is a timestamp column without time zone and
    pandas can read it in ns (``to_pandas_kwargs``, pandas 3), else None. Then no durations, dates or nested
    columns are there, which that option would change too, and no time zone, whose local times may not fit in
    ns where the UTC ones do. That column is the date column almost always, and converted to ns anyway."""
    import inspect

    import pyarrow as pa
    import pyarrow.parquet as pq

    if "to_pandas_kwargs" not in inspect.signature(pd.read_parquet).parameters:
        return None
    try:
        types = [field.type for field in pq.read_schema(path)]
    except Exception:  # not a readable Parquet file: pd.read_parquet says why
        return None
    timed = [t for t in types if pa.types.is_temporal(t) or pa.types.is_nested(t) or pa.types.is_dictionary(t)
             and pa.types.is_temporal(t.value_type)]
    if len(timed) != 1 or not pa.types.is_timestamp(timed[0]) or timed[0].tz is not None:
        return None
    return timed[0].unit


def _open(path, *, encoding, sep, header_row, sheet_name, member=None):
    """Check the path and read the file's cells as a :class:`_Raw` table."""
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(_say("path_type", type=type(path).__name__))
    p = Path(path)
    name = _display(path)
    if not p.is_file():
        raise FileNotFoundError(_say("not_found", name=name, folder=p.resolve().parent, cwd=Path.cwd()))
    source = _load(p, member)
    if source.fmt == "text":
        box, source.data = [source.data], None  # the only reference: the fast path may free the bytes early
        raw = _read_text(p, box, encoding=encoding, sep=sep, header_row=header_row, stamp=source.stamp)
    elif source.fmt == "excel":
        raw = _read_excel(p, source.excel_source(p), sheet_name=sheet_name, header_row=header_row)
    else:
        raw = _read_parquet(p)
    raw.meta["notes"] = source.notes + raw.meta.get("notes", [])
    if len(raw.text) == 0:
        head = raw.meta.get("header_line")
        where = _say("no_rows_where", word=_word(raw), line=head) if head else ""
        raise EmptyDataError(_say("no_rows", name=name, where=where))
    return raw


def _word(raw):
    """What a position in the file is called: a line of text or a spreadsheet/table row."""
    return "line" if raw.meta["format"] == "text" else "row"
