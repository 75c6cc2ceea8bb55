"""Safe output for client files: spreadsheet formulas neutralised, HTML escaped, names pseudonymised.

A customer called ``=HYPERLINK("http://x","klick")`` must stay a name in the client's Excel, and one
called ``<script>alert(1)</script>`` must stay text in the HTML report. Every writer of
:mod:`kamlab.report` passes text cells through :func:`neutralize` (spreadsheets, CSV) or
:func:`escape` (HTML); numbers are never altered (the credit note ``-1234.56`` is a number, not a
formula). :func:`pseudonymize` replaces names and ids by stable pseudonyms (a keyed hash) for
workshops and anything that leaves the client; figures stay as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import html

__all__ = ["FORMULA_STARTS", "neutralize", "neutralize_frame", "escape", "pseudonym", "pseudonymize"]

#: Characters that make a spreadsheet read a text cell as a formula (or a DDE command):
#: ``=``, ``+``, ``-``, ``@``, tab and carriage return (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A text cell that a spreadsheet would read as a formula, made plain text; anything else unchanged.

    The text gets a leading apostrophe (``'``), which Excel and LibreOffice show as nothing and
    read as "this is text". Numbers, dates, booleans and missing values pass unchanged.

    Examples
    --------
    >>> neutralize('=HYPERLINK("http://x","klick")')
    '\\'=HYPERLINK("http://x","klick")'
    >>> neutralize("-1.234,56"), neutralize(-1234.56), neutralize("Müller GmbH")
    ("'-1.234,56", -1234.56, 'Müller GmbH')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralize_frame(frame):
    """A copy of ``frame`` with every text cell (and column name) passed through :func:`neutralize`.

    Numeric, boolean and date columns are left exactly as they are.
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series) or isinstance(
            series.dtype, pd.CategoricalDtype
        ):
            out[column] = series.astype(object).map(neutralize)
    out.columns = [neutralize(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out


def escape(value):
    """Text for HTML: ``<``, ``>``, ``&`` and quotes escaped (``html.escape``); None becomes ''.

    Examples
    --------
    >>> escape("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    """
    return "" if value is None else html.escape(str(value), quote=True)


def pseudonym(value, key, prefix="K"):
    """A stable pseudonym of ``value``: ``prefix`` plus 8 hex digits of HMAC-SHA256 under ``key``.

    The same value and key give the same pseudonym in every file and run; without the key the
    original cannot be recovered or checked against a guess.

    Examples
    --------
    >>> pseudonym("Müller GmbH", key="workshop-2026")
    'K-0b5f323e'
    """
    if not key:
        from kamlab.errors import ParameterError

        raise ParameterError("pseudonymize needs a key (a secret text of your own): pass key='...'.")
    digest = hmac.new(str(key).encode("utf-8"), str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:8]}"


def pseudonymize(frame, key, columns, *, prefixes=None):
    """A copy of ``frame`` with the text of ``columns`` replaced by pseudonyms, and the mapping.

    Parameters
    ----------
    frame : pandas.DataFrame
    key : str
        The user's secret key for :func:`pseudonym`.
    columns : sequence of str
        Columns to replace (ids, names, contact persons); missing columns are ignored.
    prefixes : dict, optional
        Column -> prefix of its pseudonyms (default ``"K"`` for every column).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The pseudonymised copy and the mapping (``column``, ``original``, ``pseudonym``) for the
        consultant's own records.
    """
    import pandas as pd

    prefixes = prefixes or {}
    out, rows = frame.copy(), []
    for column in columns:
        if column not in out.columns:
            continue
        values = out[column]
        mapping = {v: pseudonym(v, key, prefixes.get(column, "K")) for v in pd.unique(values.dropna())}
        out[column] = values.map(mapping).astype(object).where(values.notna(), None)
        rows += [(column, original, alias) for original, alias in mapping.items()]
    return out, pd.DataFrame(rows, columns=["column", "original", "pseudonym"])
