"""The UCI Online Retail workbook turned into the gzip-compressed CSV that kamlab caches.

The public file is an Excel workbook; kamlab caches its rows as CSV text, in exactly the
format of ``pandas.read_excel(...).to_csv(index=False)``, so that the SHA-256 of that
text identifies the data whatever the workbook's packaging (see
:func:`~kamlab.data.datasets.fetch_online_retail`). pooch downloads and unzips the
workbook; this module does what pooch does not: the conversion.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from kamlab.errors import ChecksumError, DatasetError, KamlabError

__all__ = ["RETAIL_COLUMNS", "excel_dates", "format_online_retail", "write_csv_gz", "xlsx_to_csv_bytes"]

#: The columns of the workbook, and of the cached CSV, in order.
RETAIL_COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]


def _is_missing(value) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def _as_text(value) -> str:
    """A cell as text, the way pandas writes an object column to CSV (integral floats as ints,
    since Excel stores every number as a float and pandas reads integral ones as int)."""
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _as_float_text(value) -> str:
    """A number as pandas writes a float64 column: shortest round-trip repr, '' when missing."""
    if _is_missing(value) or (isinstance(value, str) and value == ""):
        return ""
    return repr(float(value))


def _as_int_text(value) -> str:
    number = float(value)
    if not number.is_integer():
        raise DatasetError(f"quantity {value!r} is not a whole number")
    return str(int(number))


def excel_dates(column: pd.Series) -> pd.Series:
    """Dates from the workbook (datetimes, or Excel serial numbers), rounded to the second.

    openpyxl converts Excel's day fractions to times rounded to the millisecond; rounding
    to the second removes that float noise (all invoice times are whole minutes).

    Parameters
    ----------
    column : pandas.Series
        The ``InvoiceDate`` column as ``pandas.read_excel`` returns it.

    Returns
    -------
    pandas.Series
        datetime64 values, rounded to the second.

    Raises
    ------
    DatasetError
        A date is missing.

    Examples
    --------
    >>> excel_dates(pd.Series([40513.35138888889])).iloc[0]
    Timestamp('2010-12-01 08:26:00')
    """
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        dates = pd.Timestamp("1899-12-30") + pd.to_timedelta(column.astype("float64"), unit="D")
    else:
        dates = pd.to_datetime(column)
    if dates.isna().any():
        raise DatasetError(f"{int(dates.isna().sum())} invoice lines have no InvoiceDate")
    return dates.dt.round("s")


def format_online_retail(frame: pd.DataFrame) -> bytes:
    """Turn the workbook's table into the CSV text kamlab caches (UTF-8, ``\\n`` line ends).

    The format is the one of ``frame.to_csv(index=False)`` for a frame read with
    ``pandas.read_excel``: ids and text as they are, ``Quantity`` as an integer,
    ``InvoiceDate`` as ``2010-12-01 08:26:00``, ``UnitPrice`` and ``CustomerID`` as floats
    (``2.55``, ``17850.0``), missing values as empty fields, minimal quoting.

    Parameters
    ----------
    frame : pandas.DataFrame
        The workbook's first sheet, read with ``dtype=object``; columns :data:`RETAIL_COLUMNS`.

    Returns
    -------
    bytes
        The CSV text, header first.

    Raises
    ------
    DatasetError
        The columns are not the expected ones, or a value cannot be converted.
    """
    if list(frame.columns) != RETAIL_COLUMNS:
        raise DatasetError(f"the workbook has the columns {list(frame.columns)}, expected {RETAIL_COLUMNS}")
    try:
        dates = excel_dates(frame["InvoiceDate"])
        date_text = np.datetime_as_string(dates.to_numpy().astype("datetime64[s]"), unit="s")
        columns = [
            [_as_text(v) for v in frame["InvoiceNo"]],
            [_as_text(v) for v in frame["StockCode"]],
            [_as_text(v) for v in frame["Description"]],
            [_as_int_text(v) for v in frame["Quantity"]],
            [d.replace("T", " ") for d in date_text],
            [_as_float_text(v) for v in frame["UnitPrice"]],
            [_as_float_text(v) for v in frame["CustomerID"]],
            [_as_text(v) for v in frame["Country"]],
        ]
    except KamlabError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise DatasetError(f"the workbook holds a value kamlab cannot convert ({exc})") from exc
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(RETAIL_COLUMNS)
    writer.writerows(zip(*columns))
    return out.getvalue().encode("utf-8")


def xlsx_to_csv_bytes(path: Path) -> bytes:
    """Read the Online Retail workbook (first sheet) and return the CSV text kamlab caches.

    Parameters
    ----------
    path : pathlib.Path
        The workbook (``Online Retail.xlsx``).

    Returns
    -------
    bytes
        See :func:`format_online_retail`.

    Raises
    ------
    ChecksumError
        The file is not a readable Excel workbook.
    DatasetError
        Its table is not the Online Retail one.
    """
    try:
        frame = pd.read_excel(path, sheet_name=0, engine="openpyxl", dtype=object)
    except Exception as exc:  # openpyxl raises many kinds of errors on a broken workbook
        raise ChecksumError(
            f"the download is not a readable Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc
    return format_online_retail(frame)


def write_csv_gz(workbook: Path, target: Path) -> Path:
    """Convert the Online Retail workbook into the cached ``.csv.gz`` file.

    Parameters
    ----------
    workbook : pathlib.Path
        The downloaded (and extracted) workbook.
    target : pathlib.Path
        The file to write; gzip-compressed with no time stamp, so that the same rows
        always give the same bytes.

    Returns
    -------
    pathlib.Path
        `target`.
    """
    target.write_bytes(gzip.compress(xlsx_to_csv_bytes(workbook), compresslevel=6, mtime=0))
    return target
