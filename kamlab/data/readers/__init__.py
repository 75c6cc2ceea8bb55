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
:class:`ReadReport`. With ``report=True`` a loader returns a :class:`ReadResult`, the
named tuple ``(data, report)``.

The pieces, in the order a file goes through them:

- :mod:`~kamlab.data.readers.read`: the two readers and ``_read``, which runs the steps below;
- :mod:`~kamlab.data.readers.containers`: what a file is by its content (text, Excel,
  Parquet; .xls, PDF and HTML refused), unpacking ``.gz`` and ``.zip`` (``member=``);
- :mod:`~kamlab.data.readers.encoding`: the encoding, refusing mixed encodings and mojibake;
- :mod:`~kamlab.data.readers.dialect`: separator and header line; the
  file's cells as text with their line numbers (the raw table);
- :mod:`~kamlab.data.readers.lines`: total/subtotal lines and a cut-off last line;
- :mod:`~kamlab.data.readers.timestamps`: timestamps with UTC offsets (local time as written);
- :mod:`~kamlab.data.readers.columns`: the canonical columns, the names they go by
  (:data:`SYNONYMS`) and the mapping of the file's columns to them;
- :mod:`~kamlab.data.readers.convert`: each mapped column to its kind, recording the
  cells that cannot be used;
- :mod:`~kamlab.data.readers.cells`: the parsers for numbers, dates, ids and text;
- :mod:`~kamlab.data.readers.report`: :class:`ReadReport`, the warnings, :func:`summary`
  and the error for unusable rows.

Examples
--------
>>> import kamlab
>>> df = kamlab.read_transactions("tests/data/erp_export_de.csv")  # doctest: +SKIP
>>> print(df.attrs["kamlab_report"])  # doctest: +SKIP
Read erp_export_de.csv: text, encoding cp1252, separator ';', decimal ',', ...
"""

from kamlab.data.readers.cells import _parse_numbers as _parse_numbers
from kamlab.data.readers.columns import CANONICAL_COLUMNS, SYNONYMS
from kamlab.data.readers.columns import _recognise as _recognise
from kamlab.data.readers.read import ReadResult, read_accounts, read_transactions
from kamlab.data.readers.report import AmbiguousDatesWarning, ReadReport, RowsSetAsideWarning, summary

# _parse_numbers and _recognise are kept here for code that imported them from the old
# single module; new code imports them from kamlab.data.readers.cells / .columns.

__all__ = [
    "read_transactions",
    "read_accounts",
    "ReadResult",
    "ReadReport",
    "RowsSetAsideWarning",
    "AmbiguousDatesWarning",
    "summary",
    "CANONICAL_COLUMNS",
    "SYNONYMS",
]
