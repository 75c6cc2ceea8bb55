"""Read the user's own sales data: invoice lines and account master data.

:func:`read_transactions` and :func:`read_accounts` read CSV and other delimited
text (also gzip-compressed, ``.csv.gz``), Excel workbooks (``.xlsx``) and Parquet
files and return a :class:`pandas.DataFrame` with kamlab's canonical column names
(``account_id``, ``date``, ``revenue``, ...). They work out the file's dialect
themselves: the encoding, the separator, decimal comma and thousands separator,
day-first dates and title lines above the header; each can also be given.

A loader never drops a row silently. A row that cannot be used either raises a
:class:`~kamlab.errors.DataFormatError` naming the file, the line, the column and the
value, or -- with ``errors="drop"`` -- is set aside with a warning and listed in the
:class:`ReadReport`.

Examples
--------
>>> import kamlab
>>> df = kamlab.read_transactions("tests/data/erp_export_de.csv")  # doctest: +SKIP
>>> print(df.attrs["kamlab_report"])  # doctest: +SKIP
Read erp_export_de.csv: text, encoding cp1252, separator ';', decimal ',', ...
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import gzip
import io
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, EmptyDataError, MissingColumnError, ParameterError

__all__ = [
    "read_transactions",
    "read_accounts",
    "ReadReport",
    "RowsSetAsideWarning",
    "AmbiguousDatesWarning",
    "summary",
    "CANONICAL_COLUMNS",
    "SYNONYMS",
]


class RowsSetAsideWarning(UserWarning):
    """Rows of a file were set aside because ``errors="drop"`` was given."""


class AmbiguousDatesWarning(UserWarning):
    """Dates such as ``03/04/2024`` could be day-first or month-first."""


# --------------------------------------------------------------------------------------
# canonical columns and the names they go by in German and English exports
# --------------------------------------------------------------------------------------

# canonical name -> how its values are read
_KINDS = {
    "account_id": "id",
    "date": "date",
    "invoice_id": "text",
    "product": "text",
    "product_group": "text",
    "quantity": "number",
    "unit_price": "number",
    "revenue": "number",
    "cost": "number",
    "unit_cost": "number",
    "name": "text",
    "industry": "text",
    "country": "text",
    "region": "text",
    "employees": "number",
    "key_account_manager": "text",
}
CANONICAL_COLUMNS = tuple(_KINDS)

#: Names recognised for each canonical column, strongest first. Matching ignores case,
#: spaces, dots, dashes, underscores and umlaut spelling ("Stückpreis" = "Stueckpreis").
SYNONYMS = {
    "account_id": (
        "Kundennr.", "Kundennummer", "Kunden-Nr", "Kunden-ID", "Kd.-Nr.", "KdNr", "Debitor",
        "Debitorennr.", "Debitorennummer", "Debitor-Nr", "Debitorkonto", "Customer ID", "CustomerID",
        "Customer no", "Customer number", "Cust ID", "Account ID", "Account no", "Account number",
        "Client ID", "Sold-to", "Sold-to party", "Auftraggeber",
    ),
    "date": (
        "Datum", "Rechnungsdatum", "Belegdatum", "Buchungsdatum", "Fakturadatum", "Date", "InvoiceDate",
        "Invoice date", "Document date", "Posting date", "Transaction date", "Billing date",
    ),
    "invoice_id": (
        "Rechnungsnr.", "Rechnungsnummer", "Rechnungs-Nr", "Belegnr.", "Belegnummer", "Fakturanr.",
        "Fakturanummer", "InvoiceNo", "Invoice no", "Invoice number", "Invoice ID", "Invoice",
        "Document no", "Document number",
    ),
    "product": (
        "Artikelnr.", "Artikelnummer", "Material", "Materialnr.", "Materialnummer", "Produktnr.",
        "Produktnummer", "StockCode", "Stock code", "Product ID", "Product code", "Product no", "SKU",
        "Item no", "Item number", "Item code",
    ),
    "product_group": (
        "Warengruppe", "Produktgruppe", "Artikelgruppe", "Materialgruppe", "Sparte", "Produktkategorie",
        "Kategorie", "Product group", "Product category", "Product line", "Category",
    ),
    "quantity": (
        "Menge", "Anzahl", "Stück", "Stk", "Liefermenge", "Fakturamenge", "Absatz", "Quantity", "Qty",
        "Units", "Pieces",
    ),
    "unit_price": (
        "Preis", "Einzelpreis", "Stückpreis", "Nettopreis", "VK-Preis", "Verkaufspreis", "UnitPrice",
        "Unit price", "Price", "Price per unit", "Sales price",
    ),
    "revenue": (
        "Umsatz", "Nettoumsatz", "Umsatz netto", "Netto-Umsatz", "Erlös", "Erlöse", "Nettoerlös",
        "Sales", "Net sales", "Revenue", "Net revenue", "Turnover", "Sales amount",
    ),
    "cost": (
        "Wareneinsatz", "Kosten", "Herstellkosten", "Selbstkosten", "Einstandswert", "Cost", "Costs",
        "COGS", "Cost of goods", "Cost of goods sold", "Cost of sales",
    ),
    "unit_cost": (
        "Einstandspreis", "EK-Preis", "Einkaufspreis", "Unit cost", "Cost price", "Purchase price",
    ),
    "name": (
        "Name", "Kundenname", "Firma", "Firmenname", "Unternehmen", "Name 1", "Customer name",
        "Account name", "Company", "Company name", "Client name",
    ),
    "industry": ("Branche", "Wirtschaftszweig", "Industry", "Sector"),
    "country": ("Land", "Staat", "Country", "Country code", "Länderkennzeichen"),
    "region": (
        "Region", "Gebiet", "Verkaufsgebiet", "Vertriebsgebiet", "Bundesland", "Sales region",
        "Territory",
    ),
    "employees": (
        "Mitarbeiterzahl", "Anzahl Mitarbeiter", "Beschäftigte", "Employees", "Number of employees",
        "Headcount",
    ),
    "key_account_manager": (
        "Key-Account-Manager", "KAM", "Kundenbetreuer", "Betreuer", "Account manager",
        "Key account manager", "Vertriebsmitarbeiter", "Außendienst", "Sales rep", "Account owner",
    ),
}

# Weaker names: used only when no column has a name from SYNONYMS for the same canonical
# column. "Kunde" is the customer number in some exports and the customer name in others:
# with a "Kundennr." beside it, it becomes the name.
_WEAK = {
    "account_id": ("Kunde", "Customer", "Account", "Client"),
    "date": ("Auftragsdatum", "Bestelldatum", "Lieferdatum", "Leistungsdatum", "Order date", "Delivery date"),
    "invoice_id": (
        "Auftragsnr.", "Auftragsnummer", "Bestellnr.", "Bestellnummer", "Lieferscheinnr.", "Order ID",
        "Order no", "Order number", "Order",
    ),
    "product": ("Artikel", "Produkt", "Product", "Item"),
    "revenue": (
        "Netto", "Betrag", "Nettobetrag", "Wert", "Nettowert", "Gesamtpreis", "Positionswert", "Amount",
        "Net amount", "Value", "Total", "Line total",
    ),
}
# a weak name that is not used for its first choice goes here if that column is free
_FALLBACK = {"account_id": "name"}
# only in account tables: in invoice lines "Mitarbeiter" is usually a salesperson
_WEAK_ACCOUNTS = {"employees": ("Mitarbeiter",)}

_CURRENCY_SUFFIX = re.compile(r"(?:in(?:eur|euro|usd|chf|gbp)?|eur|euro|usd|chf|gbp)$")


def _norm(name, plain=False):
    """Normalise a column name for matching: lower case, letters and digits only."""
    s = str(name).strip().casefold()
    if not plain:
        s = s.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    s = s.replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", s)


def _lookup_table(table, tier):
    out = {}
    for canon, names in table.items():
        for name in names:
            for key in (_norm(name), _norm(name, plain=True)):
                out.setdefault(key, (canon, tier))
    return out


_STRONG_KEYS = _lookup_table(SYNONYMS, 1)
_WEAK_KEYS = _lookup_table(_WEAK, 2)
_WEAK_ACCOUNT_KEYS = _lookup_table(_WEAK_ACCOUNTS, 2)


def _recognise(name, accounts):
    """Return ``(canonical, tier)`` for a file column name, or ``None``."""
    tables = [_STRONG_KEYS, _WEAK_KEYS] + ([_WEAK_ACCOUNT_KEYS] if accounts else [])
    keys = [_norm(name), _norm(name, plain=True)]
    # "Umsatz EUR", "Umsatz in TEUR", "Nettoumsatz (€)" -> as without the currency
    keys += [_CURRENCY_SUFFIX.sub("", k) for k in keys if _CURRENCY_SUFFIX.search(k)]
    for table in tables:
        for key in keys:
            if key and key in table:
                return table[key]
    return None


# --------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class ReadReport:
    """What a loader read, how, and which rows it could not use.

    A report is attached to every frame the loaders return, as
    ``df.attrs["kamlab_report"]``, and returned beside the frame with ``report=True``.
    ``print(report)`` shows a short summary in English, including the column mapping.

    Attributes
    ----------
    path : str
        The file as given.
    format : {"text", "excel", "parquet"}
        How the file was read.
    encoding : str or None
        Text files: the encoding used (``"utf-8"``, ``"utf-8-sig"`` for UTF-8 with a
        byte-order mark, ``"utf-16"``, ``"cp1252"`` or ``"latin-1"``). A Latin-1 file
        is reported as ``"cp1252"``: Windows-1252 reads every Latin-1 letter the same way.
    sep : str or None
        Text files: the separator between fields.
    decimal, thousands : str or None
        The decimal mark and the thousands separator used for numbers written as text.
        ``thousands`` is ``""`` when no thousands separator was accepted.
    date_format : str or None
        The format of dates written as text (``strftime`` codes, e.g. ``"%d.%m.%Y"``, or
        ``"ISO8601"``); several formats are separated by ``" | "`` if dates come with
        and without times.
    header_line : int or None
        The line (text) or spreadsheet row (Excel) of the header, 1-based as a text
        editor or Excel shows it; ``None`` for Parquet.
    sheet : str or None
        Excel: the worksheet read.
    columns : dict
        The mapping used, ``{name in the file: canonical name}``.
    unmapped : list of str
        File columns kept under their own names.
    revenue_computed : bool
        ``True`` if ``revenue`` was computed as ``quantity * unit_price``.
    rows_read, rows_kept, rows_set_aside : int
        Data rows in the file (blank lines are not rows), rows returned and rows set
        aside; always ``rows_read == rows_kept + rows_set_aside``.
    problems : pandas.DataFrame
        One row per cell that could not be used, with columns ``line`` (as in messages),
        ``column`` (as named in the file; empty for a line with too many fields),
        ``value`` and ``reason``.
    set_aside : pandas.DataFrame
        The rows set aside, as text exactly as in the file, with their ``line``.
    date_min, date_max : pandas.Timestamp or None
        The date range of the rows kept.
    n_accounts : int or None
        Distinct account ids among the rows kept.
    total_revenue : float or None
        Sum of ``revenue`` over the rows kept.
    notes : list of str
        Assumptions worth knowing (e.g. how ambiguous dates were read).
    """

    path: str
    format: str
    encoding: str | None = None
    sep: str | None = None
    decimal: str | None = None
    thousands: str | None = None
    date_format: str | None = None
    header_line: int | None = None
    sheet: str | None = None
    columns: dict = field(default_factory=dict)
    unmapped: list = field(default_factory=list)
    revenue_computed: bool = False
    rows_read: int = 0
    rows_kept: int = 0
    rows_set_aside: int = 0
    problems: pd.DataFrame = field(default_factory=lambda: _empty_problems())
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)
    date_min: pd.Timestamp | None = None
    date_max: pd.Timestamp | None = None
    n_accounts: int | None = None
    total_revenue: float | None = None
    notes: list = field(default_factory=list)

    def __deepcopy__(self, memo):
        # pandas deep-copies ``attrs`` on every operation; a report describes the file
        # as read and is never changed, so sharing it is safe and keeps pandas fast.
        return self

    def __str__(self):
        name = os.path.basename(str(self.path))
        how = [self.format]
        if self.sheet is not None:
            how.append(f"sheet {self.sheet!r}")
        if self.encoding:
            how.append(f"encoding {self.encoding}")
        if self.sep is not None:
            how.append(f"separator {_show_sep(self.sep)}")
        if self.decimal:
            how.append(f"decimal {self.decimal!r}")
        if self.decimal and self.thousands is not None:
            how.append(f"thousands {self.thousands!r}" if self.thousands else "no thousands separator")
        if self.date_format:
            how.append(f"dates {self.date_format}")
        if self.header_line is not None:
            word = "row" if self.format == "excel" else "line"
            how.append(f"header in {word} {self.header_line}")
        lines = [f"Read {name}: " + ", ".join(how) + "."]
        if self.columns:
            mapped = ", ".join(f"{k!r} -> {v}" for k, v in self.columns.items())
            lines.append(f"Columns: {mapped}.")
        if self.unmapped:
            lines.append("Kept under their own names: " + ", ".join(repr(c) for c in self.unmapped) + ".")
        if self.revenue_computed:
            lines.append("Revenue computed as quantity x unit price.")
        lines.append(
            f"Rows: {self.rows_read:,} read, {self.rows_kept:,} kept, {self.rows_set_aside:,} set aside"
            + (" (see .problems)." if self.rows_set_aside else ".")
        )
        facts = []
        if self.date_min is not None and not pd.isna(self.date_min):
            facts.append(f"dates {self.date_min:%Y-%m-%d} to {self.date_max:%Y-%m-%d}")
        if self.n_accounts is not None:
            facts.append(f"{self.n_accounts:,} accounts")
        if self.total_revenue is not None:
            facts.append(f"total revenue {self.total_revenue:,.2f}")
        if facts:
            lines.append(facts[0][0].upper() + "; ".join(facts)[1:] + ".")
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)

    __repr__ = __str__


def _empty_problems():
    return pd.DataFrame(
        {
            "line": pd.Series(dtype="int64"),
            "column": pd.Series(dtype="object"),
            "value": pd.Series(dtype="object"),
            "reason": pd.Series(dtype="object"),
        }
    )


def _show_sep(sep):
    return {"\t": "tab", " ": "space"}.get(sep, repr(sep))


def summary(df):
    """Return a short summary of a table of invoice lines or accounts.

    It describes the frame as it is now (after any filtering), unlike the report in
    ``df.attrs["kamlab_report"]``, which describes the file as it was read.

    Parameters
    ----------
    df : pandas.DataFrame
        A frame with kamlab's canonical columns (any of ``account_id``, ``date``,
        ``revenue``).

    Returns
    -------
    str
        E.g. ``"12 rows; dates 2024-01-02 to 2024-12-20; 6 accounts; total revenue 1,234.50."``

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"account_id": ["A", "B", "A"], "revenue": [10.0, 5.5, 2.0],
    ...                    "date": pd.to_datetime(["2024-01-31", "2024-02-01", "2024-03-01"])})
    >>> summary(df)
    '3 rows; dates 2024-01-31 to 2024-03-01; 2 accounts; total revenue 17.50.'
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"summary() needs a pandas DataFrame, not {type(df).__name__}.")
    parts = [f"{len(df):,} rows"]
    if "date" in df and len(df) and df["date"].notna().any():
        parts.append(f"dates {df['date'].min():%Y-%m-%d} to {df['date'].max():%Y-%m-%d}")
    if "account_id" in df:
        parts.append(f"{df['account_id'].nunique():,} accounts")
    if "revenue" in df:
        parts.append(f"total revenue {float(df['revenue'].sum()):,.2f}")
    return "; ".join(parts) + "."


# --------------------------------------------------------------------------------------
# recognising numbers, dates and header lines in text
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# raw tables: the file's cells as text, with line numbers
# --------------------------------------------------------------------------------------


@dataclass
class _Raw:
    names: list  # column names as in the file (unique)
    text: pd.DataFrame  # cells as stripped text, "" where empty; columns = names
    native: dict  # name -> Series of typed values (Excel, Parquet), NaN/None where text
    lines: np.ndarray  # line (or row) number of each row
    structural: list  # [(position, line, value, reason)] for rows with too many fields
    meta: dict


def _display(path):
    return os.path.basename(str(path))


def _read_bytes(path):
    data = Path(path).read_bytes()
    if str(path).lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DataFormatError(
                f"{_display(path)}: the file looks gzip-compressed but cannot be unpacked ({exc}). "
                "Is the download complete?",
                path=str(path),
            ) from None
    return data


def _decode(data, encoding, path):
    name = _display(path)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ParameterError(
                f"encoding={encoding!r} is not an encoding Python knows. Try 'utf-8', 'cp1252' or "
                "'latin-1', or leave encoding=None to let kamlab detect it."
            ) from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise DataFormatError(
                f"{name}, line {line}: this line cannot be read with encoding={encoding!r}. "
                "Leave encoding=None to let kamlab detect it, or try encoding='cp1252'.",
                path=str(path),
                line=line,
            ) from None
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        # cp1252 decodes all but five bytes; latin-1 decodes every byte
        candidates = ["utf-8", "cp1252", "latin-1"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            last = exc
    line = data[: last.start].count(b"\n") + 1
    raise DataFormatError(
        f"{name}, line {line}: the file starts with a byte-order mark for {candidates[0]} but this "
        f"line is not valid {candidates[0]}. Save the file again as 'CSV UTF-8', or pass encoding=.",
        path=str(path),
        line=line,
    )


_SAMPLE_LINES = 200


def _read_text(path, *, encoding, sep, header_row):
    name = _display(path)
    data = _read_bytes(path)
    if not data.strip():
        raise EmptyDataError(f"{name} is empty: it holds no header and no data rows.")
    text, enc = _decode(data, encoding, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip("\n\t ;,|\ufeff"):
        raise EmptyDataError(f"{name} is empty: it holds no header and no data rows.")
    n_sample = _SAMPLE_LINES + (header_row or 0)
    sample = text.split("\n", n_sample)[:n_sample]
    if header_row is not None:
        n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if header_row >= n_lines:
            raise ParameterError(
                f"header_row={header_row}, but {name} has only {n_lines} lines (header_row counts from 0)."
            )
    sep, head = _detect_layout(sample, sep, header_row)
    if head is None:
        raise DataFormatError(
            f"{name}: kamlab cannot find the header line (the line with the column names) in the "
            f"first {_SAMPLE_LINES} lines. Pass header_row= with the line's index counted from 0 "
            "(header_row=2 means the third line).",
            path=str(path),
        )
    offset = 0
    for _ in range(head):
        offset = text.index("\n", offset) + 1
    body = text[offset:]
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
        raise EmptyDataError(f"{name} is empty: it holds no header and no data rows.") from None
    frame = frame.fillna("")
    header_cells = [str(c).strip() for c in frame.iloc[0]]
    data_frame = frame.iloc[1:].reset_index(drop=True)
    raw = _make_raw(path, header_cells, data_frame, lines[1:], structural, header_line=head + 1)
    raw.meta.update(format="text", encoding=enc, sep=sep)
    return raw


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
                        f"the line has {len(record)} fields but the header has {width}: a value probably "
                        f"contains the separator {_show_sep(sep)} without quotes around it",
                    )
                )
            record = record[:width]
        records.append(record + [""] * (width - len(record)))
        lines.append(head + start)
        start = reader.line_num + 1
    frame = pd.DataFrame(records, dtype=str)
    return frame, np.asarray(lines, dtype=np.int64), structural


def _make_raw(path, header_cells, data, lines, structural, header_line, native=None):
    """Name the columns, drop blank rows and check the header for duplicates."""
    name = _display(path)
    native = native or {}
    text = {}
    names = []
    sources = {}
    native_out = {}
    for j, col in enumerate(data.columns):
        header = header_cells[j] if j < len(header_cells) else ""
        values = data[col].astype("str").fillna("").str.strip()
        if not header:
            if not (values != "").any() and (native.get(col) is None or native[col].isna().all()):
                continue  # an empty column without a name: a trailing separator
            header = f"column_{j + 1}"
        names.append(header)
        sources[header] = col
        text[header] = values
        if native.get(col) is not None:
            native_out[header] = native[col]
    seen = {}
    for j, header in enumerate(names):
        seen.setdefault(header, []).append(j + 1)
    dups = {h: pos for h, pos in seen.items() if len(pos) > 1}
    if dups:
        first = next(iter(dups))
        listed = "; ".join(
            f"{h!r} (columns {', '.join(str(p) for p in pos)})" for h, pos in dups.items()
        )
        where = "row" if native else "line"
        raise DataFormatError(
            f"{name}, {where} {header_line}: the header has the same column name more than once: {listed}. "
            "kamlab cannot tell these columns apart. Give each column its own name in the file.",
            path=str(path),
            line=header_line,
            column=first,
        )
    text_frame = pd.DataFrame(text, index=data.index) if text else pd.DataFrame(index=data.index)
    blank = np.ones(len(text_frame), dtype=bool)  # fresh arrays: pandas' to_numpy() may be read-only
    for header in names:
        filled = (text_frame[header] != "").to_numpy()
        if header in native_out:
            filled = filled | native_out[header].notna().to_numpy()
        blank = blank & ~filled
    structural_positions = {s[0] for s in structural}
    if structural_positions:
        blank[list(structural_positions)] = False
    keep = ~blank
    positions = np.flatnonzero(keep)
    structural = [(int(np.searchsorted(positions, p)), *rest) for p, *rest in structural]
    text_frame = text_frame.iloc[positions].reset_index(drop=True)
    native_out = {h: s.iloc[positions].reset_index(drop=True) for h, s in native_out.items()}
    return _Raw(
        names=names,
        text=text_frame,
        native=native_out,
        lines=np.asarray(lines)[positions],
        structural=structural,
        meta={"header_line": header_line, "positions": positions, "sources": sources},
    )


def _cell_text(value):
    """How a typed spreadsheet cell is shown in messages."""
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _read_excel(path, *, sheet_name, header_row):
    import openpyxl

    name = _display(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise DataFormatError(
            f"{name}: cannot open the file as an Excel workbook ({type(exc).__name__}). "
            "Open it in Excel and save it again as .xlsx.",
            path=str(path),
        ) from None
    try:
        sheets = book.sheetnames
        if isinstance(sheet_name, int) and not isinstance(sheet_name, bool):
            if not -len(sheets) <= sheet_name < len(sheets):
                raise ParameterError(
                    f"{name} has {len(sheets)} worksheet(s) ({', '.join(map(repr, sheets))}); "
                    f"sheet_name={sheet_name} does not exist. Sheets are counted from 0."
                )
            sheet = sheets[sheet_name]
        elif isinstance(sheet_name, str):
            if sheet_name not in sheets:
                raise ParameterError(
                    f"{name} has no worksheet {sheet_name!r}. Its worksheets: {', '.join(map(repr, sheets))}."
                )
            sheet = sheet_name
        else:
            raise ParameterError("sheet_name must be a worksheet's name or its number counted from 0.")
        ws = book[sheet]
        ws.reset_dimensions()
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    for r in rows:
        while r and (r[-1] is None or (isinstance(r[-1], str) and not r[-1].strip())):
            r.pop()
    if not any(rows):
        raise EmptyDataError(f"{name}, worksheet {sheet!r}: the sheet is empty, it holds no header and no data.")
    if header_row is not None and header_row >= len(rows):
        raise ParameterError(
            f"header_row={header_row}, but worksheet {sheet!r} of {name} has only {len(rows)} rows "
            "(header_row counts from 0)."
        )
    head = header_row if header_row is not None else _find_header(rows[:_SAMPLE_LINES])
    if head is None:
        raise DataFormatError(
            f"{name}, worksheet {sheet!r}: kamlab cannot find the header row (the row with the column "
            f"names) in the first {_SAMPLE_LINES} rows. Pass header_row= with the row's index counted "
            "from 0 (header_row=2 means Excel row 3).",
            path=str(path),
        )
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
    raw.meta.update(format="excel", sheet=sheet)
    return raw


def _read_parquet(path):
    name = _display(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many kinds: all mean "not a readable Parquet file"
        raise DataFormatError(
            f"{name}: cannot read the file as Parquet ({type(exc).__name__}: {exc}).", path=str(path)
        ) from None
    if frame.columns.duplicated().any():
        dups = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise DataFormatError(
            f"{name}: the column name(s) {', '.join(map(repr, dups))} appear more than once.",
            path=str(path),
            column=dups[0],
        )
    header_cells = [str(c).strip() for c in frame.columns]
    frame = frame.reset_index(drop=True)
    frame.columns = range(frame.shape[1])
    text, native = {}, {}
    for j in frame.columns:
        col = frame[j]
        if pd.api.types.is_bool_dtype(col) or not (
            pd.api.types.is_numeric_dtype(col) or pd.api.types.is_datetime64_any_dtype(col)
        ):
            if col.dtype == object and col.map(lambda v: v is not None and not isinstance(v, str)).any():
                is_text = col.map(lambda v: v is None or isinstance(v, str))
                native[j] = col.where(~is_text, None)
                text[j] = col.map(_cell_text)
            else:
                text[j] = col.astype(object).where(col.notna(), "").astype(str)
        else:
            native[j] = col
            text[j] = col.astype("str").where(col.notna(), "")
    text = pd.DataFrame(text, index=frame.index, columns=frame.columns)
    lines = 1 + np.arange(len(frame), dtype=np.int64)
    raw = _make_raw(path, header_cells, text, lines, [], header_line=None, native=native)
    # Parquet columns are typed already: columns kamlab does not map keep their type
    original = frame.iloc[raw.meta["positions"]].reset_index(drop=True)
    raw.meta.update(format="parquet", original={n: original[j] for n, j in raw.meta["sources"].items()})
    return raw


# --------------------------------------------------------------------------------------
# converting cells
# --------------------------------------------------------------------------------------

_CURRENCY = r"(?:€|\$|£|EUR|EURO|USD|CHF|GBP|eur|euro|usd|chf|gbp)"
_STRIP_CURRENCY = rf"^{_CURRENCY}\s*|\s*{_CURRENCY}$"
_SPACES = "\u00a0\u202f '\u2019"


def _number_pattern(decimal, thousands):
    group = "[" + re.escape(thousands or "") + re.escape(_SPACES) + "]"
    dec = re.escape(decimal)
    return rf"[+-]?(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)?(?:{dec}\d*)?(?:[eE][+-]?\d+)?"


def _clean_numbers(text):
    """Strip currency and turn "(12.50)", "12.50-" and "−12.50" into a leading minus."""
    s = text.str.replace(_STRIP_CURRENCY, "", regex=True).str.replace("\u2212", "-", regex=False)
    paren = s.str.startswith("(") & s.str.endswith(")")
    s = s.mask(paren, s.str.slice(1, -1).str.strip())
    trailing = s.str.endswith("-") & ~s.str.startswith("-")
    s = s.mask(trailing, s.str.slice(0, -1).str.strip())
    s = s.str.replace(_STRIP_CURRENCY, "", regex=True)
    negate = (paren ^ trailing).to_numpy()
    return s, negate


def _parse_numbers(text, decimal, thousands):
    """Vectorised: text -> (float array, bad mask). Empty text gives NaN, not bad."""
    pattern = _number_pattern(decimal, thousands)
    empty = (text == "").to_numpy()
    valid = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    s = text
    negate = np.zeros(len(text), dtype=bool)
    rest = ~valid & ~empty
    if rest.any():
        # currency, "(12.50)", "12.50-": clean only the cells that need it
        cleaned, neg = _clean_numbers(text[rest])
        ok = cleaned.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        s = text.copy()
        s[rest] = cleaned.to_numpy()
        valid = valid.copy()
        valid[rest] = ok
        negate[rest] = neg
    valid = valid & s.str.contains(r"\d", regex=True).fillna(False).to_numpy(dtype=bool)
    plain = s.str.replace("[" + re.escape(thousands or "") + re.escape(_SPACES) + "]", "", regex=True)
    if decimal != ".":
        plain = plain.str.replace(decimal, ".", regex=False)
    values = pd.to_numeric(plain.where(valid, None), errors="coerce").to_numpy(dtype=float)
    values = np.where(negate, -values, values)
    bad = ~valid & ~empty
    return values, bad


def _detect_decimal(texts, sep):
    """Decide the decimal mark from numbers written as text; ``(decimal, evidence)``."""
    if not texts:
        return ("," if sep == ";" else "."), False
    s = pd.concat([t[t != ""].head(200_000) for t in texts], ignore_index=True)
    if s.empty:
        return ("," if sep == ";" else "."), False
    # drop signs, currency and brackets around the digits
    s = s.str.replace(r"^[^0-9]+|[^0-9]+$", "", regex=True)
    comma = s.str.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d*|\d+,(?:\d{1,2}|\d{4,})|0,\d+|\d{1,3}(?:\.\d{3}){2,}")
    point = s.str.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d*|\d+\.(?:\d{1,2}|\d{4,})|0\.\d+|\d{1,3}(?:,\d{3}){2,}")
    n_comma, n_point = int(comma.fillna(False).sum()), int(point.fillna(False).sum())
    if n_comma > n_point:
        return ",", True
    if n_point > n_comma:
        return ".", True
    return ("," if sep == ";" else "."), False


# date formats kamlab recognises: (date part, time parts to try, day-first?)
_TIMES = ("", " %H:%M:%S", " %H:%M", " %H:%M:%S.%f")
_DATE_FAMILIES = (
    ("ISO8601", None),
    ("%d.%m.%Y", None),
    ("%d.%m.%y", None),
    ("%d/%m/%Y", True),
    ("%m/%d/%Y", False),
    ("%d/%m/%y", True),
    ("%m/%d/%y", False),
    ("%d-%m-%Y", None),
    ("%Y/%m/%d", None),
    ("%Y%m%d", None),
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_KNOWN_DATES = (
    "a date such as 31.12.2024, 2024-12-31, 31/12/2024 or 12/31/2024; pass date_format= for other formats"
)


def _family_formats(part):
    return [part] if part == "ISO8601" else [part + t for t in _TIMES]


def _parse_with(text, formats):
    """Parse ``text`` trying each format on the cells the earlier ones could not read."""
    parsed = pd.to_datetime(text, format=formats[0], errors="coerce")
    used = [formats[0]] if parsed.notna().any() else []
    for fmt in formats[1:]:
        todo = (parsed.isna() & (text != "")).to_numpy()
        if not todo.any():
            break
        again = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        if again.notna().any():
            used.append(fmt)
            parsed = parsed.copy()
            parsed[todo] = again
    return parsed, used


def _date_shape(fmt):
    """A regex for text that looks like a date in ``fmt`` (digits in the right places)."""
    if fmt == "ISO8601":
        return re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
    codes = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d{2}", "%H": r"\d{1,2}",
             "%M": r"\d{1,2}", "%S": r"\d{1,2}", "%f": r"\d{1,6}"}
    parts = re.split(r"(%[a-zA-Z])", fmt)
    return re.compile("".join(codes.get(p, re.escape(p)) for p in parts))


def _date_example(fmt):
    example = "2024-12-31" if fmt == "ISO8601" else pd.Timestamp("2024-12-31 08:30:00").strftime(fmt)
    return f"{fmt} like {example}" if fmt != "ISO8601" else "ISO dates like 2024-12-31"


def _translate_date_format(fmt):
    """Accept "dd.mm.yyyy" as well as "%d.%m.%Y"."""
    if "%" in fmt or fmt.upper() == "ISO8601":
        return fmt
    out = fmt.replace("yyyy", "%Y").replace("YYYY", "%Y").replace("yy", "%y").replace("YY", "%y")
    return out.replace("mm", "%m").replace("MM", "%m").replace("dd", "%d").replace("DD", "%d")


def _choose_date_family(values, dayfirst, day_default):
    """Pick the date format family that reads most of ``values``; also say if ambiguous."""
    uniq = pd.Series(pd.unique(values[values != ""]), dtype=str)
    if len(uniq) > 2000:
        uniq = pd.concat([uniq.head(1000), uniq.tail(1000)], ignore_index=True)
    scores = []
    for order, (part, day) in enumerate(_DATE_FAMILIES):
        if dayfirst is not None and day is not None and day != dayfirst:
            continue
        parsed, _ = _parse_with(uniq, _family_formats(part))
        scores.append((int(parsed.notna().sum()), part, day, order, parsed))
    best_count = max(s[0] for s in scores) if scores else 0
    if best_count == 0:
        return None, False
    top = [s for s in scores if s[0] == best_count]
    ambiguous = False
    if len(top) > 1 and {s[2] for s in top} == {True, False}:
        same = top[0][4].equals(top[1][4])
        ambiguous = not same
        top = [s for s in top if s[2] == day_default] or top
    return top[0][1], ambiguous


def _in_range(values):
    """Which dates fit ``datetime64[ns]`` (1677-09-22 to 2262-04-11); missing ones count as fitting."""
    return (values.isna() | ((values >= pd.Timestamp.min) & (values <= pd.Timestamp.max))).to_numpy()


def _to_dates(text, native, date_format, dayfirst, day_default):
    """Read a date column.

    Returns ``(dates, bad, far, formats used, ambiguous)``: ``dates`` as a
    ``datetime64[ns]`` Series, ``bad`` the cells that are not empty but no date, ``far``
    those of them that are dates outside the years pandas can hold (such as the
    placeholder 31.12.9999).
    """
    n = len(text)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    has_native = np.zeros(n, dtype=bool)
    far = np.zeros(n, dtype=bool)

    def put(mask, values):
        fits = _in_range(values)
        idx = np.flatnonzero(mask)
        far[idx[~fits]] = True
        out.iloc[idx[fits]] = values[fits].astype("datetime64[ns]").to_numpy()

    if native is not None:
        if pd.api.types.is_datetime64_any_dtype(native):
            has_native = native.notna().to_numpy()
            put(has_native, native[has_native])
        else:
            is_dt = native.map(lambda v: hasattr(v, "year") and not isinstance(v, str)).to_numpy(dtype=bool)
            if is_dt.any():
                put(is_dt, pd.to_datetime(native[is_dt].map(pd.Timestamp)))
            is_num, serial = _native_numbers(native)
            if is_num.any():
                # an Excel date saved without date formatting: days since 1899-12-30
                ok = is_num & (serial >= 1) & (serial < 2958466)
                put(ok, pd.Series(_EXCEL_EPOCH + pd.to_timedelta(serial[ok], unit="D")))
            has_native = is_dt | is_num
    todo = ~has_native & (text != "").to_numpy()
    used, ambiguous = [], False
    if todo.any():
        values = text[todo]
        if date_format is not None:
            formats = [_translate_date_format(date_format)]
        else:
            family, ambiguous = _choose_date_family(values, dayfirst, day_default)
            formats = _family_formats(family) if family else []
        try:
            parsed, used = _parse_with(values, formats) if formats else (pd.Series(pd.NaT, index=values.index), [])
        except ValueError as exc:
            raise ParameterError(f"date_format={date_format!r} is not a valid date format: {exc}") from None
        if not used and date_format is not None:
            used = formats
        put(todo, parsed)
    bad = out.isna().to_numpy() & ((text != "").to_numpy() | has_native)
    return out, bad, far, used, ambiguous


def _to_ids(text, native):
    ids = text.copy()
    if native is not None:
        nums, _ = _native_numbers(native)
        if nums.any():
            ids[nums] = native[nums].map(_cell_text).astype(str)
    filled = ids != ""
    if filled.any() and ids[filled].str.fullmatch(r"-?\d+\.0+").all():
        # "17850.0": the ids went through a float on the way (Excel, pandas); only when
        # every id looks like that, so "10.0" among "10.1" stays as it is
        ids = ids.str.replace(r"\.0+$", "", regex=True)
    return ids


def _to_text(text, native):
    out = text.copy()
    if native is not None:
        nums = native.notna().to_numpy() if pd.api.types.is_numeric_dtype(native) else None
        if nums is not None and nums.any():
            out[nums] = native[nums].map(_cell_text).astype(str)
    return out.astype("str").where(out != "", np.nan)


# --------------------------------------------------------------------------------------
# column mapping
# --------------------------------------------------------------------------------------


def _map_columns(names, columns, accounts, path, function):
    name = _display(path)
    mapping = {}
    taken = {}
    if columns is not None:
        if not isinstance(columns, dict):
            raise ParameterError(
                "columns must be a dict from the names in the file to kamlab's names, e.g. "
                "columns={'Umsatz netto': 'revenue'}."
            )
        by_norm = {}
        for n in names:
            by_norm.setdefault(_norm(n), []).append(n)
        for source, target in columns.items():
            if target is not None and target not in _KINDS:
                close = difflib.get_close_matches(str(target), CANONICAL_COLUMNS, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ParameterError(
                    f"columns={{{source!r}: {target!r}}}: {target!r} is not one of kamlab's column names "
                    f"({', '.join(CANONICAL_COLUMNS)}).{hint}"
                )
            if source in names:
                actual = source
            elif len(by_norm.get(_norm(source), [])) == 1:
                actual = by_norm[_norm(source)][0]
            else:
                raise MissingColumnError(
                    f"columns={{{source!r}: {target!r}}}: {name} has no column {source!r}. "
                    f"Its columns: {', '.join(map(repr, names))}."
                )
            if target is not None and target in taken:
                raise ParameterError(
                    f"columns maps both {taken[target]!r} and {actual!r} to {target!r}; "
                    "each of kamlab's columns can come from one column of the file only."
                )
            mapping[actual] = target
            if target is not None:
                taken[target] = actual
    candidates = {}
    for n in names:
        if n in mapping:
            continue
        hit = _recognise(n, accounts)
        if hit is not None:
            candidates[n] = hit
    leftovers = []
    for canon in CANONICAL_COLUMNS:
        if canon in taken:
            leftovers += [n for n, (c, _) in candidates.items() if c == canon]
            continue
        for tier in (1, 2):
            found = [n for n, (c, t) in candidates.items() if c == canon and t == tier]
            if len(found) > 1:
                raise DataFormatError(
                    f"{name}: the columns {' and '.join(map(repr, found))} both look like {canon!r}. "
                    f"Tell kamlab which one to use, e.g. {function}({name!r}, columns={{{found[0]!r}: "
                    f"{canon!r}}}).",
                    path=str(path),
                    column=found[0],
                )
            if found:
                mapping[found[0]] = canon
                taken[canon] = found[0]
                leftovers += [n for n, (c, t) in candidates.items() if c == canon and t > tier]
                break
    notes = []
    for n in leftovers:
        canon = candidates[n][0]
        fallback = _FALLBACK.get(canon)
        if fallback and fallback not in taken and candidates[n][1] == 2:
            mapping[n] = fallback
            taken[fallback] = n
        else:
            notes.append(f"column {n!r} also looks like {canon!r}; {taken[canon]!r} was used.")
    used = {k: v for k, v in mapping.items() if v is not None}
    return used, notes


def _missing_column_error(missing, names, mapping, path, function):
    name = _display(path)
    unmapped = [n for n in names if n not in mapping]
    parts = [f"{name} has no column for {', '.join(repr(m) for m in missing)}."]
    parts.append(f"Columns found: {', '.join(map(repr, names)) or 'none'}.")
    example = None
    for canon in missing:
        accepted = list(SYNONYMS.get(canon, ())) + list(_WEAK.get(canon, ()))
        parts.append(
            f"Names kamlab recognises for {canon}: {', '.join(accepted)} "
            "(case, spaces, dots and dashes do not matter)."
        )
        if canon == "revenue":
            parts.append("Or give quantity and unit price columns: kamlab then computes the revenue.")
        if example is None:
            keys = {_norm(a): a for a in accepted}
            for n in unmapped:
                if difflib.get_close_matches(_norm(n), list(keys), n=1, cutoff=0.6):
                    example = (n, canon)
                    break
    source, canon = example or ("YourColumn", missing[0])
    parts.append(
        f"Tell kamlab which column holds it: {function}({name!r}, columns={{{source!r}: {canon!r}}})."
    )
    return MissingColumnError(" ".join(parts))


# --------------------------------------------------------------------------------------
# the loaders
# --------------------------------------------------------------------------------------

_DOC_PARAMETERS = """path : str or path-like
        A ``.csv``, ``.txt``, ``.tsv`` (also ``.gz``-compressed), ``.xlsx`` or
        ``.parquet`` file. The format is recognised from the file's content.
    columns : dict, optional
        ``{name in the file: canonical name}`` for columns kamlab does not recognise
        or recognises wrongly, e.g. ``{"Betrag netto": "revenue"}``; map a name to
        ``None`` to keep it under its own name. Columns not named here are recognised
        by their German or English names (see :data:`SYNONYMS`); the rest are kept
        under their own names.
    encoding : str, optional
        Text files: the encoding. By default UTF-8 (with or without byte-order mark),
        UTF-16 with byte-order mark, else Windows-1252 (cp1252, which reads Latin-1 too).
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
    errors : {"raise", "drop"}, default="raise"
        What to do with rows that cannot be used (a value that is not a number or not a
        date, an empty required value, a line with too many fields). ``"raise"`` raises
        a :class:`~kamlab.errors.DataFormatError` naming the first of them (file, line,
        column, value) and how many more there are. ``"drop"`` sets them aside, warns
        with a :class:`RowsSetAsideWarning` and lists them in the report's
        ``problems`` and ``set_aside``."""

_DOC_TAIL = """report : bool, default=False
        Also return the :class:`ReadReport`. It is always in ``df.attrs["kamlab_report"]``.
    verbose : bool, default=False
        Print the report (how the file was read and the column mapping used)."""

_DOC_LINES = """Line numbers are those a text editor shows: 1-based, counting title lines, the
    header and blank lines. Blank lines (and lines holding only separators) are not rows
    and never an error. A quoted field may hold the separator and line breaks; a row is
    then reported by the line it starts on. For Excel the number is the spreadsheet row,
    for Parquet the data row counted from 1.

    Account ids are text, stripped of surrounding spaces. Ids written as "17850.0" (a
    number that went through a float, as in many Excel exports) become "17850", but
    only if every id in the file has that form. Numbers are float64 and may be
    negative ("-1.234,56", SAP's "1.234,56-", "(12.50)"); currency signs and codes
    ("€ 1.234,56", "1.234,56 EUR") are ignored. Dates are ``datetime64[ns]``. Other
    recognised columns (invoice_id, product, name, ...) are text with missing values
    as NaN; columns kamlab does not recognise are kept as the file has them (text for
    text files)."""


def _check_parameters(errors, sep, decimal, thousands, header_row, required, dayfirst, date_format):
    if errors not in ("raise", "drop"):
        raise ParameterError(f'errors must be "raise" or "drop", not {errors!r}.')
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1):
        raise ParameterError(f"sep must be a single character such as ';' or ',', not {sep!r}.")
    if decimal is not None and decimal not in (",", "."):
        raise ParameterError(f"decimal must be ',' or '.', not {decimal!r}.")
    if thousands is not None and thousands not in ("", ".", ",", " ", "'", "\u00a0"):
        raise ParameterError(f"thousands must be '.', ',', ' ', \"'\" or '' (none), not {thousands!r}.")
    if decimal is not None and thousands is not None and decimal == thousands:
        raise ParameterError(f"decimal and thousands cannot both be {decimal!r}.")
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, (int, np.integer)) or header_row < 0
    ):
        raise ParameterError(f"header_row must be a line index counted from 0 (0, 1, 2, ...), not {header_row!r}.")
    if dayfirst is not None and not isinstance(dayfirst, (bool, np.bool_)):
        raise ParameterError(f"dayfirst must be True, False or None (decide from the dates), not {dayfirst!r}.")
    if date_format is not None and not isinstance(date_format, str):
        raise ParameterError(f"date_format must be a text such as '%d.%m.%Y' or 'dd.mm.yyyy', not {date_format!r}.")
    if isinstance(required, str):
        required = (required,)
    unknown = [r for r in required if r not in _KINDS]
    if unknown:
        raise ParameterError(
            f"required={tuple(required)!r}: {', '.join(map(repr, unknown))} is not one of kamlab's column "
            f"names ({', '.join(CANONICAL_COLUMNS)})."
        )
    return tuple(required)


def _file_format(path):
    p = Path(path)
    suffix = p.name.lower()
    if suffix.endswith(".xls"):
        raise ParameterError(
            f"{p.name} is an old Excel file (.xls). Open it in Excel and save it as .xlsx or as CSV."
        )
    with open(p, "rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1" or suffix.endswith((".parquet", ".pq")):
        return "parquet"
    if magic[:2] == b"PK" or suffix.endswith((".xlsx", ".xlsm")):
        return "excel"
    return "text"


def _open(path, *, encoding, sep, header_row, sheet_name):
    """Check the path and read the file's cells as a :class:`_Raw` table."""
    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"path must be a file name, not {type(path).__name__}.")
    p = Path(path)
    name = _display(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"There is no file {name!r} in {p.resolve().parent}. Check the file name and the folder; "
            f"the notebook runs in {Path.cwd()}."
        )
    fmt = _file_format(p)
    if fmt == "text":
        raw = _read_text(p, encoding=encoding, sep=sep, header_row=header_row)
    elif fmt == "excel":
        raw = _read_excel(p, sheet_name=sheet_name, header_row=header_row)
    else:
        raw = _read_parquet(p)
    if len(raw.text) == 0:
        head = raw.meta.get("header_line")
        where = f" ({_word(raw)} {head})" if head else ""
        raise EmptyDataError(f"{name} has a header{where} but no data rows.")
    return raw


def _word(raw):
    """What a position in the file is called: a line of text or a spreadsheet/table row."""
    return "line" if raw.meta["format"] == "text" else "row"


class _Problems:
    """The cells (or whole lines) that cannot be used, collected column by column."""

    def __init__(self, raw):
        self.raw = raw
        self.parts = []
        self.rows = np.zeros(len(raw.text), dtype=bool)
        for pos, line, value, reason in raw.structural:
            self.parts.append(
                pd.DataFrame({"pos": [pos], "line": [line], "column": [None], "value": [value], "reason": [reason]})
            )
            self.rows[pos] = True

    def add(self, mask, column, reasons):
        """Record the cells of ``column`` where ``mask`` is true; ``reasons`` is one text or one per row."""
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        if not isinstance(reasons, str):
            reasons = np.asarray(reasons, dtype=object)[idx]
        self.parts.append(
            pd.DataFrame(
                {
                    "pos": idx,
                    "line": self.raw.lines[idx],
                    "column": column,
                    "value": self.raw.text[column].to_numpy()[idx],
                    "reason": reasons,
                }
            )
        )
        self.rows[idx] = True

    def frame(self):
        """All problems sorted by line and column; a line with too many fields only once."""
        if not self.parts:
            return _empty_problems().assign(pos=pd.Series(dtype="int64"))
        frame = pd.concat(self.parts, ignore_index=True)
        # the cells of a line with too many fields are shifted: report the line, not them
        shifted = frame["pos"].isin([s[0] for s in self.raw.structural]) & frame["column"].notna()
        frame = frame[~shifted]
        order = {c: i for i, c in enumerate(self.raw.names)}
        return (
            frame.assign(_order=frame["column"].map(order).fillna(-1))
            .sort_values(["line", "_order"], kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)
        )


def _choose_decimal(raw, mapping, decimal, thousands, report):
    """Decide the decimal mark and thousands separator from the number columns written as text."""
    texts = []
    for source, canon in mapping.items():
        if _KINDS[canon] != "number":
            continue
        nat = raw.native.get(source)
        text = raw.text[source]
        texts.append(text if nat is None else text[nat.isna().to_numpy()])
    any_text = any((t != "").any() for t in texts)
    if decimal is None:
        decimal, evidence = _detect_decimal(texts, raw.meta.get("sep"))
        if any_text and not evidence:
            report.notes.append(
                f"the numbers do not show their decimal mark; read with decimal {decimal!r}. "
                "Pass decimal= if that is wrong."
            )
    if thousands is None:
        thousands = "." if decimal == "," else ","
    if any_text or raw.meta["format"] == "text":
        report.decimal, report.thousands = decimal, thousands
    return decimal, thousands


def _convert_numbers(raw, source, problems, decimal, thousands):
    text, nat = raw.text[source], raw.native.get(source)
    is_native, native_values = np.zeros(len(text), dtype=bool), np.full(len(text), np.nan)
    if nat is not None:
        is_native, native_values = _native_numbers(nat)
    parsed, bad = _parse_numbers(text, decimal, thousands)
    values = np.where(is_native, native_values, parsed)
    bad = bad & ~is_native
    shown = f"thousands {thousands!r}" if thousands else "no thousands separator"
    reasons = [f"cannot read {v!r} as a number (decimal {decimal!r}, {shown})" for v in text.to_numpy()[bad]]
    problems.add(bad, source, _spread(reasons, bad))
    return pd.Series(values, dtype="float64")


def _convert_dates(raw, source, problems, date_format, dayfirst, day_default, report):
    text = raw.text[source]
    values, bad, far, used, ambiguous = _to_dates(text, raw.native.get(source), date_format, dayfirst, day_default)
    if used:
        report.date_format = " | ".join(used)
    if ambiguous:
        order = "day first" if day_default else "month first"
        message = (
            f"dates such as {text[text != ''].iloc[0]!r} in column {source!r} could be day first or "
            f"month first; they were read {order} ({report.date_format}). Pass dayfirst=True or "
            "dayfirst=False to say which."
        )
        report.notes.append(message)
        warnings.warn(f"{_display(report.path)}: {message}", AmbiguousDatesWarning, stacklevel=5)
    shapes = [_date_shape(f) for f in used]
    expected = ", ".join(_date_example(f) for f in used) if used else _KNOWN_DATES
    reasons = [
        f"{v!r} is outside the dates pandas can hold (1677-09-22 to 2262-04-11); is it a placeholder?"
        if is_far
        else f"{v!r} is not a valid date: there is no such day"
        if any(shape.fullmatch(v) for shape in shapes)
        else f"cannot read {v!r} as a date (expected {expected})"
        for v, is_far in zip(text.to_numpy()[bad], far[bad])
    ]
    problems.add(bad, source, _spread(reasons, bad))
    return values.reset_index(drop=True)


def _convert(raw, mapping, required, problems, *, decimal, thousands, dayfirst, date_format, report):
    """Convert each mapped column to its kind; record unreadable and missing values."""
    decimal, thousands = _choose_decimal(raw, mapping, decimal, thousands, report)
    out = {}
    for source, canon in mapping.items():
        kind = _KINDS[canon]
        text, nat = raw.text[source], raw.native.get(source)
        if kind == "number":
            out[canon] = _convert_numbers(raw, source, problems, decimal, thousands)
        elif kind == "date":
            out[canon] = _convert_dates(raw, source, problems, date_format, dayfirst, decimal == ",", report)
        elif kind == "id":
            ids = _to_ids(text, nat).reset_index(drop=True)
            out[canon] = ids.astype("str").where(ids != "", np.nan)
        else:
            out[canon] = _to_text(text, nat).reset_index(drop=True)
        if canon in required:
            empty = (text == "").to_numpy()
            if nat is not None:
                empty = empty & nat.isna().to_numpy()
            if canon == "account_id":
                problems.add(empty, source, _total_line_hint(raw.text, empty, "the account id is empty"))
            else:
                problems.add(empty, source, f"the {canon.replace('_', ' ')} is empty")
    return out, decimal, thousands


# canonical column -> the two columns it is the product of, when the file lacks it
_COMPUTABLE = {"revenue": ("quantity", "unit_price"), "cost": ("quantity", "unit_cost")}


def _compute_missing(out, mapping, required, problems, report):
    """revenue = quantity x unit_price (and cost = quantity x unit_cost) when not in the file."""
    file_name = {v: k for k, v in mapping.items()}
    for target, (a, b) in _COMPUTABLE.items():
        if target in out or a not in out or b not in out:
            continue
        out[target] = out[a] * out[b]
        if target == "revenue":
            report.revenue_computed = True
        else:
            report.notes.append(f"{target} computed as {a.replace('_', ' ')} x {b.replace('_', ' ')}.")
        if target in required:
            for part in (a, b):
                hole = out[part].isna().to_numpy() & ~problems.rows
                reason = f"the {part.replace('_', ' ')} is empty, so the {target} cannot be computed"
                problems.add(hole, file_name[part], reason)


def _check_duplicate_ids(raw, out, mapping, problems):
    """In an account table every account id may appear once; name all lines of a repeated one."""
    ids = out["account_id"]
    dup = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
    if not dup.any():
        return
    lines_of = pd.Series(raw.lines[dup]).groupby(ids[dup].to_numpy()).agg(list)
    reasons = np.empty(len(ids), dtype=object)
    for idx in np.flatnonzero(dup):
        lines = lines_of[ids.iloc[idx]]
        listed = ", ".join(str(x) for x in lines[:-1]) + f" and {lines[-1]}"
        reasons[idx] = f"the account id {ids.iloc[idx]!r} appears more than once ({_word(raw)}s {listed})"
    source = next(k for k, v in mapping.items() if v == "account_id")
    problems.add(dup, source, reasons)


def _assemble(raw, mapping, out, keep):
    """The frame returned: canonical columns in canonical order, then the file's other columns."""
    frame = pd.DataFrame({c: out[c] for c in CANONICAL_COLUMNS if c in out})
    for source in raw.names:
        if source in mapping:
            continue
        target = source if source not in frame.columns else f"{source}_file"
        text, nat = raw.text[source], raw.native.get(source)
        if raw.meta["format"] == "parquet":
            frame[target] = raw.meta["original"][source].to_numpy()
        elif nat is not None:
            frame[target] = nat.where(nat.notna(), text.where(text != "", None)).infer_objects()
        else:
            frame[target] = text.astype("str").where(text != "", np.nan).to_numpy()
    return frame[keep].reset_index(drop=True)


def _read(path, columns, *, function, accounts, encoding, sep, decimal, thousands, dayfirst, date_format,
          header_row, sheet_name, errors, required, verbose):
    required = _check_parameters(errors, sep, decimal, thousands, header_row, required, dayfirst, date_format)
    raw = _open(path, encoding=encoding, sep=sep, header_row=header_row, sheet_name=sheet_name)
    name, word = _display(path), _word(raw)

    mapping, notes = _map_columns(raw.names, columns, accounts, path, function)
    present = set(mapping.values())
    missing = [
        r for r in required
        if r not in present and not (r in _COMPUTABLE and all(c in present for c in _COMPUTABLE[r]))
    ]
    if missing:
        raise _missing_column_error(missing, raw.names, mapping, path, function)

    report = ReadReport(
        path=str(path),
        format=raw.meta["format"],
        encoding=raw.meta.get("encoding"),
        sep=raw.meta.get("sep"),
        header_line=raw.meta.get("header_line"),
        sheet=raw.meta.get("sheet"),
        columns=dict(mapping),
        unmapped=[n for n in raw.names if n not in mapping],
        notes=notes,
    )
    problems = _Problems(raw)
    out, decimal, thousands = _convert(
        raw, mapping, required, problems,
        decimal=decimal, thousands=thousands, dayfirst=dayfirst, date_format=date_format, report=report,
    )
    _compute_missing(out, mapping, required, problems, report)
    if accounts and "account_id" in out:
        _check_duplicate_ids(raw, out, mapping, problems)

    problem_frame = problems.frame()
    bad_rows = problems.rows
    if bad_rows.any() and errors == "raise":
        raise _row_error(problem_frame, path, word, decimal, thousands, report, function, n_rows=len(raw.text))

    frame = _assemble(raw, mapping, out, ~bad_rows)
    report.rows_read = len(raw.text)
    report.rows_kept = len(frame)
    report.rows_set_aside = int(bad_rows.sum())
    report.problems = problem_frame.drop(columns="pos")
    set_aside = raw.text[bad_rows].copy()
    set_aside.insert(0, "line", raw.lines[bad_rows])
    report.set_aside = set_aside.reset_index(drop=True)
    if "date" in frame and frame["date"].notna().any():
        report.date_min, report.date_max = frame["date"].min(), frame["date"].max()
    if "account_id" in frame:
        report.n_accounts = int(frame["account_id"].nunique())
    if "revenue" in frame:
        report.total_revenue = float(frame["revenue"].sum())
    frame.attrs["kamlab_report"] = report
    if report.rows_set_aside:
        warnings.warn(
            f"{name}: {report.rows_set_aside:,} of {report.rows_read:,} rows set aside because they cannot be "
            f"used ({word}s {_list_lines(report.set_aside['line'].tolist())}). "
            "See df.attrs['kamlab_report'].problems.",
            RowsSetAsideWarning,
            stacklevel=3,
        )
    if verbose:
        print(report)
    return frame, report


def _is_plain_number(v):
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) and v == v


def _native_numbers(native):
    """``(mask, float values)`` of the cells that are numbers already (Excel, Parquet)."""
    if pd.api.types.is_bool_dtype(native):
        return np.zeros(len(native), dtype=bool), np.full(len(native), np.nan)
    if pd.api.types.is_numeric_dtype(native):
        values = native.to_numpy(dtype=float, na_value=np.nan)
        return ~np.isnan(values), values
    mask = native.map(_is_plain_number).to_numpy(dtype=bool)
    values = np.full(len(native), np.nan)
    if mask.any():
        values[mask] = native[mask].astype(float).to_numpy()
    return mask, values


def _spread(reasons_for_bad, bad):
    """Place the reasons of the bad cells into a full-length array."""
    out = np.empty(len(bad), dtype=object)
    out[np.flatnonzero(bad)] = reasons_for_bad
    return out


_TOTAL_WORDS = re.compile(r"(?i)^(summe|gesamt|total|sum|zwischensumme|subtotal)\b")


def _total_line_hint(text, empty, reason):
    reasons = np.full(len(text), reason, dtype=object)
    idx = np.flatnonzero(empty)
    if len(idx) == 0 or len(idx) > 1000:
        return reasons
    for i in idx:
        if any(_TOTAL_WORDS.match(v) for v in text.iloc[i].to_numpy()):
            reasons[i] = reason + " (is this a total line? Delete it from the file)"
    return reasons


def _list_lines(lines, limit=8):
    shown = ", ".join(str(x) for x in lines[:limit])
    return shown + (", ..." if len(lines) > limit else "")


def _row_error(problems, path, word, decimal, thousands, report, function, n_rows=None):
    name = _display(path)
    first = problems.iloc[0]
    rows = problems.drop_duplicates("pos")
    n_more = len(rows) - 1
    where = f"{name}, {word} {first['line']}"
    if first["column"] is not None and not pd.isna(first["column"]):
        where += f", column {first['column']!r}"
    reason = first["reason"]
    parts = [f"{where}: {reason}" + ("" if reason.endswith(("?", "!", ".")) else ".")]
    if n_more:
        others = rows["line"].iloc[1:].tolist()
        plural = "s" if n_more > 1 else ""
        parts.append(f"{n_more:,} more row{plural} cannot be used ({word}{plural} {_list_lines(others)}).")
        kinds = problems.assign(kind=problems["reason"].map(_reason_kind), column=problems["column"].fillna(""))
        counts = kinds.drop_duplicates(["pos", "kind", "column"]).groupby(["kind", "column"], sort=False).size()
        listed = []
        for (kind, column), count in counts.items():
            col = f" in column {column!r}" if column else ""
            listed.append(f"{count:,} row{'s' if count > 1 else ''} with {kind}{col}")
        parts.append("In all: " + "; ".join(listed) + ".")
    kinds = problems["reason"].map(_reason_kind)
    numeric_looking = problems["value"].astype(str).str.contains(r"\d", regex=True).any()
    # Only when many values fail is the file's convention the likely cause; one typo is just a typo.
    def many(kind):
        return n_rows is None or int((kinds == kind).sum()) >= max(2, 0.2 * n_rows)

    many_numbers, many_dates = many("an unreadable number"), many("an unreadable date")
    kinds = set(kinds)
    if "an unreadable number" in kinds and numeric_looking and many_numbers:
        other = "." if decimal == "," else ","
        parts.append(
            f"Numbers were read with decimal {decimal!r}"
            + (f" and thousands {thousands!r}" if thousands else "")
            + f"; if the file writes them differently, pass decimal={other!r}."
        )
    if "an unreadable date" in kinds and report.date_format and many_dates:
        parts.append(
            f"Dates were read in the format {report.date_format}; pass date_format= if the file writes them "
            "differently."
        )
    parts.append(
        f'Fix the file, or use {function}(..., errors="drop") to set these rows aside; '
        "the report then lists them (report=True)."
    )
    err = DataFormatError(
        " ".join(parts),
        path=str(path),
        line=int(first["line"]),
        column=None if pd.isna(first["column"]) else first["column"],
        value=first["value"],
        n_more=n_more,
    )
    err.problems = problems.drop(columns="pos").reset_index(drop=True)
    return err


def _reason_kind(reason):
    if "as a number" in reason:
        return "an unreadable number"
    if "not a valid date" in reason or "as a date" in reason:
        return "an unreadable date"
    if reason.startswith("the account id is empty"):
        return "an empty account id"
    if "appears more than once" in reason:
        return "a duplicated account id"
    if "fields but the header" in reason:
        return "too many fields"
    return "an empty value"


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
    errors="raise",
    required=("account_id", "date", "revenue"),
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
    {tail}

    Returns
    -------
    df : pandas.DataFrame
        One row per data row kept, canonical columns first (``account_id``, ``date``,
        ``invoice_id``, ``product``, ``product_group``, ``quantity``, ``unit_price``,
        ``revenue``, ``cost``, ... as far as present), then the file's other columns.
        ``df.attrs["kamlab_report"]`` holds the :class:`ReadReport`.
    report : ReadReport
        Only with ``report=True``: ``(df, report)`` is returned.

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
    """
    frame, rep = _read(
        path, columns, function="read_transactions", accounts=False, encoding=encoding, sep=sep,
        decimal=decimal, thousands=thousands, dayfirst=dayfirst, date_format=date_format,
        header_row=header_row, sheet_name=sheet_name, errors=errors, required=required, verbose=verbose,
    )
    return (frame, rep) if report else frame


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
    df : pandas.DataFrame
        One row per account, canonical columns first (``account_id``, ``name``,
        ``industry``, ``country``, ``region``, ``employees``, ``key_account_manager``,
        as far as present), then the file's other columns.
        ``df.attrs["kamlab_report"]`` holds the :class:`ReadReport`.
    report : ReadReport
        Only with ``report=True``: ``(df, report)`` is returned.

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
    )
    return (frame, rep) if report else frame


for _function in (read_transactions, read_accounts):
    _function.__doc__ = (
        _function.__doc__.replace("{parameters}", _DOC_PARAMETERS)
        .replace("{tail}", _DOC_TAIL)
        .replace("{lines}", _DOC_LINES)
    )
del _function
