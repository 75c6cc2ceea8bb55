"""What a reader tells about a file: the :class:`ReadReport`, the warnings and the row errors.

- :class:`ReadReport`: how a file was read, the column mapping and the rows set aside;
- :class:`RowsSetAsideWarning`, :class:`AmbiguousDatesWarning`: the readers' warnings;
- :func:`summary`: a one-line summary of a frame as it is now;
- ``_Problems``: collects the cells (or lines) that cannot be used while a file is converted;
- ``_row_error``: the :class:`~kamlab.errors.DataFormatError` for them with ``errors="raise"``.
"""


from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlab.data.readers.texts import _t, count, day, money
from kamlab.errors import DataFormatError, ParameterError


class RowsSetAsideWarning(UserWarning):
    """Rows of a file were set aside because ``errors="drop"`` was given."""


class AmbiguousDatesWarning(UserWarning):
    """Dates such as ``03/04/2024`` could be day-first or month-first."""


def _display(path):
    return os.path.basename(str(path))


def _show_sep(sep):
    return _t({"\t": "tab", " ": "space"}[sep]) if sep in ("\t", " ") else repr(sep)


def _list_lines(lines, limit=8):
    shown = ", ".join(str(x) for x in lines[:limit])
    return shown + (", ..." if len(lines) > limit else "")


class _Job:
    """Work for a report field whose result is asked for later (see :class:`_OnDemand`): done once, its
    result kept; a report copied or pickled carries the result, not the work."""

    __slots__ = ("work", "value")

    def __init__(self, work):
        self.work, self.value = work, None

    def __call__(self):
        work = self.work  # once: another thread may finish the work meanwhile
        if work is not None:
            self.value, self.work = work(), None  # the work (and what it holds) let go once done
        return self.value

    def __reduce__(self):
        return _value, (self(),)


def _value(value):
    """What a pickled :class:`_Job` becomes: its result."""
    return value


class _OnDemand:
    """A report field that may be set to a :class:`_Job`: its result is taken when the field is first read
    and replaces it. The account count of a big file is one: it is counted when someone first asks for it
    (10 million ids: about 0.3 s), not by every read."""

    def __set_name__(self, owner, name):
        self.slot = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return None  # the field's default
        value = obj.__dict__.get(self.slot)
        if isinstance(value, _Job):
            value = obj.__dict__[self.slot] = value()
        return value

    def __set__(self, obj, value):
        obj.__dict__[self.slot] = value


@dataclass(eq=False)
class ReadReport:
    """What a loader read, how, and which rows it could not use.

    A report is attached to every frame the loaders return, as
    ``df.attrs["kamlab_report"]``, and returned beside the frame with ``report=True``
    (as the ``report`` field of a :class:`~kamlab.data.readers.ReadResult`).
    ``print(report)`` shows a short summary in the current language (``kamlab.set_language``),
    including the column mapping.

    Attributes
    ----------
    path : str
        The file as given.
    format : {"text", "excel", "parquet"}
        How the file was read.
    encoding : str or None
        Text files: the encoding used (``"utf-8"``, ``"utf-8-sig"`` for UTF-8 with a
        byte-order mark, ``"utf-16"``, ``"utf-16-le"``/``"utf-16-be"`` for UTF-16
        without byte-order mark, ``"cp1252"`` or ``"cp850"``, or the ``encoding=``
        given). A Latin-1 file is reported as ``"cp1252"``: Windows-1252 reads every
        Latin-1 letter the same way.
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
        Distinct account ids among the rows kept. For a file of a million rows or more whose rows are all kept
        (and whose ids are Arrow text, as pandas 3 reads them), counted when this field is first read (about
        0.3 s for 10 million rows), or when the frame the read returned is deleted, whichever comes first:
        until then the report holds the frame's account ids (no copy).
    total_revenue : float or None
        Sum of ``revenue`` over the rows kept.
    currency : str or None
        The ISO code of the currency the amounts are in ("EUR"), from a currency column,
        the column names ("Umsatz EUR") or the cells ("1.234,56 €"); with ``currency=``
        rates the reporting currency (the one with factor 1); ``None`` if unknown.
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
    n_accounts: int | None = _OnDemand()
    total_revenue: float | None = None
    currency: str | None = None
    notes: list = field(default_factory=list)

    def __deepcopy__(self, memo):
        # pandas deep-copies ``attrs`` on every operation; a report describes the file
        # as read and is never changed, so sharing it is safe and keeps pandas fast.
        return self

    def __str__(self):
        name = os.path.basename(str(self.path))
        how = [_t(f"fmt_{self.format}")]
        if self.sheet is not None:
            how.append(_t("sheet", sheet=self.sheet))
        if self.encoding:
            how.append(_t("encoding", encoding=self.encoding))
        if self.sep is not None:
            how.append(_t("separator", sep=_show_sep(self.sep)))
        if self.decimal:
            how.append(_t("decimal", decimal=self.decimal))
        if self.decimal and self.thousands is not None:
            how.append(_t("thousands", thousands=self.thousands) if self.thousands else _t("no_thousands"))
        if self.date_format:
            how.append(_t("dates", fmt=self.date_format))
        if self.header_line is not None:
            how.append(_t("header_in", word="row" if self.format == "excel" else "line", line=self.header_line))
        lines = [_t("read", name=name, how=", ".join(how))]
        if self.columns:
            lines.append(_t("columns", mapped=", ".join(f"{k!r} -> {v}" for k, v in self.columns.items())))
        if self.unmapped:
            lines.append(_t("kept_names", names=", ".join(repr(c) for c in self.unmapped)))
        if self.revenue_computed:
            lines.append(_t("revenue_computed"))
        lines.append(
            _t("rows_line", read=count(self.rows_read), kept=count(self.rows_kept), aside=count(self.rows_set_aside))
            + (_t("see_problems") if self.rows_set_aside else ".")
        )
        facts = []
        if self.date_min is not None and not pd.isna(self.date_min):
            facts.append(_t("date_range", start=day(self.date_min), end=day(self.date_max)))
        if self.n_accounts is not None:
            facts.append(_t("one_account" if self.n_accounts == 1 else "n_accounts", n=count(self.n_accounts)))
        if self.total_revenue is not None:
            facts.append(_t("total_revenue", amount=money(self.total_revenue))
                         + (f" {self.currency}" if self.currency else ""))
        if facts:
            lines.append(facts[0][0].upper() + "; ".join(facts)[1:] + ".")
        lines.extend(_t("note", note=note) for note in self.notes)
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
        raise ParameterError(_t("summary_type", type=type(df).__name__))
    parts = [_t("n_rows", n=count(len(df)))]
    if "date" in df and len(df) and df["date"].notna().any():
        parts.append(_t("date_range", start=day(df["date"].min()), end=day(df["date"].max())))
    if "account_id" in df:
        n = df["account_id"].nunique()
        parts.append(_t("one_account" if n == 1 else "n_accounts", n=count(n)))
    if "revenue" in df:
        parts.append(_t("total_revenue", amount=money(float(df["revenue"].sum()))))
    return "; ".join(parts) + "."


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
                    "value": self.raw.text[column].iloc[idx].to_numpy(),  # those cells only (not 10 M objects)
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


def _row_error(problems, path, word, decimal, thousands, report, function, n_rows=None):
    """The :class:`~kamlab.errors.DataFormatError` naming the first unusable row, with counts and hints."""
    name = _display(path)
    first = problems.iloc[0]
    rows = problems.drop_duplicates("pos")
    n_more = len(rows) - 1
    where = f"{name}, {_t(word)} {first['line']}"
    if first["column"] is not None and not pd.isna(first["column"]):
        where += _t("where_column", column=first["column"])
    reason = first["reason"]
    parts = [f"{where}: {reason}" + ("" if reason.endswith(("?", "!", ".")) else ".")]
    if n_more:
        parts += _more_rows(problems, rows, word, n_more)
    parts += _convention_hints(problems, decimal, thousands, report, n_rows)
    parts.append(_t("fix", function=function))
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


def _more_rows(problems, rows, word, n_more):
    """The sentences about the rows after the first: their lines and how many of each kind."""
    others = rows["line"].iloc[1:].tolist()
    parts = [_t("more_one" if n_more == 1 else "more", n=count(n_more), word=word, lines=_list_lines(others))]
    kinds = problems.assign(kind=problems["reason"].map(_reason_kind), column=problems["column"].fillna(""))
    counts = kinds.drop_duplicates(["pos", "kind", "column"]).groupby(["kind", "column"], sort=False).size()
    listed = []
    for (kind, column), n in counts.items():
        col = _t("in_column", column=column) if column else ""
        if kind in ("kind_total", "kind_cut"):
            listed.append(_t(f"{kind}_{'one' if n == 1 else 'many'}", n=count(n)) + col)
        else:
            listed.append(_t("kind_one" if n == 1 else "kind_many", n=count(n), kind=_t(kind)) + col)
    parts.append(_t("in_all", listed="; ".join(listed)))
    return parts


def _convention_hints(problems, decimal, thousands, report, n_rows):
    """Hints at the decimal mark or date format used, when many values fail to read with them."""
    kinds = problems["reason"].map(_reason_kind)
    numeric_looking = problems["value"].astype(str).str.contains(r"\d", regex=True).any()

    # Only when many values fail is the file's convention the likely cause; one typo is just a typo.
    def many(kind):
        return n_rows is None or int((kinds == kind).sum()) >= max(2, 0.2 * n_rows)

    many_numbers, many_dates = many("kind_number"), many("kind_date")
    kinds = set(kinds)
    hints = []
    if "kind_number" in kinds and numeric_looking and many_numbers:
        other = "." if decimal == "," else ","
        and_thousands = _t("and_thousands", thousands=thousands) if thousands else ""
        hints.append(_t("hint_numbers", decimal=decimal, and_thousands=and_thousands, other=other))
    if "kind_date" in kinds and report.date_format and many_dates:
        hints.append(_t("hint_dates", fmt=report.date_format))
    return hints


def _reason_kind(reason):
    """The kind of a problem (a key of :mod:`~kamlab.data.readers.texts`), from its reason in either language."""
    if "a total or subtotal line" in reason or "Summen- oder Zwischensummenzeile" in reason:
        return "kind_total"
    if reason.startswith(("the file ends in the middle of this line", "die Datei endet mitten in dieser Zeile")):
        return "kind_cut"
    if "as a number" in reason or "als Zahl" in reason:
        return "kind_number"
    if any(w in reason for w in ("not a valid date", "as a date", "kein gültiges Datum", "als Datum")):
        return "kind_date"
    if reason.startswith(("the account id is empty", "die Kundennummer ist leer")):
        return "kind_empty_id"
    if "appears more than once" in reason or "kommt mehr als einmal vor" in reason:
        return "kind_duplicate"
    if "fields but the header" in reason or "Felder, die Kopfzeile aber" in reason:
        return "kind_fields"
    if "currency" in reason or "Währung" in reason:
        return "kind_currency"
    if "revenue - cost" in reason or "Umsatz - Wareneinsatz" in reason:
        return "kind_margin"
    return "kind_empty"
