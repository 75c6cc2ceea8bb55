"""The report as an Excel workbook: one sheet per section, real Excel tables, a method sheet.

:func:`to_excel` renders a :class:`~kamlab.report.Report` with openpyxl: the key-account list first,
then one sheet per available section in report order, each table an Excel table (filter buttons,
banded rows) under a frozen header row, with column labels and sheet names in the report's language
and number formats by the kind of column (amounts ``#,##0.00 €``, shares ``0.0%``, counts
``#,##0``, dates ``DD.MM.YYYY`` in German); the section's charts are inserted as PNG images beside
its tables. A "Methodik"/"Method" sheet states the report's thresholds and definitions, each
section's source and why a section was skipped; an "Account profiles" sheet holds the figures of
the account plans. Every text cell is written as a string cell, and one that a spreadsheet would read
as a formula (:func:`kamlab.report.safe.neutralize`: it starts with ``=``, ``+``, ``-``, ``@``, tab or
CR) also carries Excel's quote prefix, so it shows exactly as written and stays text when edited: no
cell of the workbook is a formula. (CSV has no cell types: there the text gets the apostrophe.) Nothing here computes a business
figure — the writer formats what the report holds.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from kamlab.errors import ParameterError
from kamlab.report.kinds import column_kind, excel_format, header, headers, plain, plan_rows, row_kind
from kamlab.report.safe import neutralize

__all__ = ["to_excel"]

#: (English, German) texts of the workbook's own sheets and captions.
TEXTS = {
    "method": ("Method", "Methodik"),
    "profiles": ("Account profiles", "Kundensteckbriefe"),
    "item": ("Item", "Angabe"),
    "value": ("Value", "Wert"),
    "section": ("Section", "Abschnitt"),
    "sheet": ("Sheet", "Tabellenblatt"),
    "source": ("Source", "Quelle"),
    "status": ("Status", "Status"),
    "included": ("included", "enthalten"),
    "skipped": ("skipped: {reason}", "ausgelassen: {reason}"),
    "report": ("Report", "Bericht"),
    "as_of": ("Data as of", "Datenstand"),
    "pseudonymized": ("Names and ids pseudonymised", "Namen und Nummern pseudonymisiert"),
    "yes": ("yes", "ja"),
    "no": ("no", "nein"),
    "account": ("Account or group", "Kunde oder Konzern"),
    "plan_section": ("Plan section", "Planabschnitt"),
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_ROW_PIXELS = 20  # default row height (15 pt) in pixels, to place images one under the other


def _t(key, lang, **values):
    english, german = TEXTS[key]
    return (german if lang == "de" else english).format(**values)


def _check(report, path):
    from kamlab.report.model import Report

    if not isinstance(report, Report):
        raise ParameterError(f"report must be a kamlab.report.Report (from kamlab.report.build), not {type(report).__name__}.")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"path: give a file name ending in .xlsx, not {path.name!r}.")
    if not path.parent.exists():
        raise ParameterError(f"path: the folder {str(path.parent)!r} does not exist; create it or choose another path.")
    return path, ("de" if str(report.lang).lower() == "de" else "en")


def sheet_name(title, taken):
    """A valid, unique sheet name from ``title``: at most 31 characters, none of ``[]:*?/\\``.

    ``taken`` is the set of names used so far (compared case-insensitively, as Excel does); the
    new name is added to it.

    Examples
    --------
    >>> taken = set()
    >>> sheet_name("ABC-Analyse: Umsatz/DB [2025]", taken), sheet_name("abc-analyse  umsatz db  2025", taken)
    ('ABC-Analyse Umsatz DB 2025', 'abc-analyse umsatz db 2025 (2)')
    """
    name = re.sub(r"\s+", " ", _SHEET_FORBIDDEN.sub(" ", str(title))).strip().strip("'").strip() or "Sheet"
    if name.lower() == "history":  # reserved by Excel
        name += " 1"
    if len(name) > 31:  # cut at a word when one ends late enough
        cut = name[:31]
        name = cut.rsplit(" ", 1)[0].rstrip(" -–:,") if " " in cut[15:] else cut
    name, base, n = name, name, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
    taken.add(name.lower())
    return name


def table_name(*parts, taken):
    """A valid, unique Excel table name (letters, digits, underscores; starts with ``T_``).

    Examples
    --------
    >>> taken = set()
    >>> table_name("key_accounts", "Kunden-Liste", taken=taken), table_name("key_accounts", "Kunden Liste", taken=taken)
    ('T_key_accounts_Kunden_Liste', 'T_key_accounts_Kunden_Liste_2')
    """
    text = "_".join(str(p) for p in parts)
    text = text.encode("ascii", "ignore").decode()
    name = "T_" + (re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "table")
    name, base, n = name[:200], name[:200], 1
    while name.lower() in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name.lower())
    return name


def _flat(frame):
    """A frame with plain columns: a meaningful index becomes columns, column levels are joined."""
    import pandas as pd

    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" / ".join(str(p) for p in c if str(p) != "") for c in frame.columns]
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        names = [n if n is not None else ("index" if frame.index.nlevels == 1 else f"level_{i}")
                 for i, n in enumerate(frame.index.names)]
        frame.index.names = names
        frame = frame.reset_index()
    frame.columns = [c if isinstance(c, str) else str(c) for c in frame.columns]
    return frame


def _clean_text(value):
    """Text without the control characters XML cannot hold (the formula guard is :func:`_guard`)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _guard(cell, text):
    """Store ``text`` as a string cell; one a spreadsheet would read as a formula also gets Excel's
    quote prefix (the cell stays text when edited, and Excel shows the name without an apostrophe)."""
    cell.value = text
    cell.data_type = "s"
    if neutralize(text) != text:  # starts with = + - @ tab or CR
        cell.quotePrefix = True


def _put(cell, value, kind, lang):
    """Write one value: text neutralised and typed as string, numbers and dates with their format."""
    import datetime as dt

    value = plain(value)
    if value is None:
        return 0
    if isinstance(value, bool):
        cell.value = value
        return 5
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return 0
        cell.value = value
        fmt = excel_format(kind if kind != "text" else ("count" if isinstance(value, int) else "number"), lang)
        if kind == "date":
            fmt = excel_format("number", lang)
        cell.number_format = fmt
        return len(f"{value:,.2f}") + (2 if kind == "money" else 0)
    if isinstance(value, dt.datetime | dt.date):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        cell.value = value
        cell.number_format = excel_format("date", lang)
        return 10
    text = _clean_text(value)
    _guard(cell, text)
    return len(text)


def _write_text(ws, row, column, value, bold=False):
    from openpyxl.styles import Font

    cell = ws.cell(row=row, column=column)
    _guard(cell, _clean_text(value))
    if bold:
        cell.font = Font(bold=True)
    return cell


def _write_table(ws, frame, top, left, name, lang, widths):
    """Write ``frame`` as an Excel table with its header at (``top``, ``left``); return its last row."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    frame = _flat(frame)
    if frame.shape[1] == 0:
        return top - 1
    labels = [_clean_text(h) for h in headers(frame.columns, lang)]
    kinds = [column_kind(c, frame[c].dtype) for c in frame.columns]
    for j, text in enumerate(labels):
        cell = ws.cell(row=top, column=left + j)
        _guard(cell, text)
        cell.font = Font(bold=True)
        widths[left + j] = max(widths.get(left + j, 0), len(text) + 4)
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        for j, value in enumerate(row):
            width = _put(ws.cell(row=top + 1 + i, column=left + j), value, kinds[j], lang)
            if i < 500:
                widths[left + j] = max(widths.get(left + j, 0), width + 2)
    if "value" in frame.columns and ("key" in frame.columns or "unit" in frame.columns):  # each row its own kind
        column = left + list(frame.columns).index("value")
        units = frame["unit"] if "unit" in frame.columns else [None] * len(frame)
        keys = frame["key"] if "key" in frame.columns else [None] * len(frame)
        for i, (key, unit) in enumerate(zip(keys, units, strict=True)):
            cell = ws.cell(row=top + 1 + i, column=column)
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = excel_format(row_kind(key, unit), lang) or "General"
    last = top + max(len(frame), 1)  # a table needs one body row, even an empty one
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(labels) - 1)}{last}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    return last


def _image(figure):
    import io

    from openpyxl.drawing.image import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    buffer.seek(0)
    return Image(buffer)


def _section_sheet(ws, section, lang, table_names, widths):
    """Tables from A1 down (the first one's header frozen), texts, source and charts to their right."""
    tables = [(key, frame) for key, frame in section.tables.items() if frame is not None]
    row = 1
    for index, (key, frame) in enumerate(tables):
        if index > 0:
            row += 2
            _write_text(ws, row, 1, header(key, lang), bold=True)
            row += 1
        name = table_name(section.key, key, taken=table_names)
        last = _write_table(ws, frame, row, 1, name, lang, widths)
        if index == 0:
            ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate
        row = last
    side = (max(widths) + 2) if tables and widths else 1
    line = 1
    _write_text(ws, line, side, section.title, bold=True)
    for paragraph in section.texts:
        line += 1
        _write_text(ws, line, side, paragraph)
    if section.source:
        line += 1
        _write_text(ws, line, side, f"{_t('source', lang)}: {section.source}")
    line += 2
    for figure in section.figures.values():
        if figure is None:
            continue
        image = _image(figure)
        ws.add_image(image, ws.cell(row=line, column=side).coordinate)
        line += math.ceil(image.height / _ROW_PIXELS) + 2
    widths[side] = max(widths.get(side, 0), 12)


def _set_widths(ws, widths):
    from openpyxl.utils import get_column_letter

    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width, 8), 60)


def _method_sheet(ws, report, lang, sheets, table_names):
    import pandas as pd

    widths = {}
    pseudo = _t("yes" if report.pseudonymized else "no", lang)
    rows = [(_t("report", lang), report.title), (_t("as_of", lang), plain(pd.Timestamp(report.as_of)) if report.as_of is not None else None),
            (_t("pseudonymized", lang), pseudo)]
    rows += [(str(k), v if isinstance(v, str | int | float) else str(v)) for k, v in report.method.items()]
    frame = pd.DataFrame(rows, columns=[_t("item", lang), _t("value", lang)])
    last = _write_table(ws, frame, 1, 1, table_name("method", taken=table_names), lang, widths)
    ws.freeze_panes = "A2"
    status = [(s.title, sheets.get(s.key, ""), s.source,
               _t("included", lang) if s.available else _t("skipped", lang, reason=s.skipped)) for s in report.sections]
    frame = pd.DataFrame(status, columns=[_t(k, lang) for k in ("section", "sheet", "source", "status")])
    top = last + 3
    _write_text(ws, top - 1, 1, _t("section", lang), bold=True)
    last = _write_table(ws, frame, top, 1, table_name("method", "sections", taken=table_names), lang, widths)
    for section in report.sections:  # a section "method" of the report: its tables here, not on a sheet of its own
        if section.key == "method" and section.available:
            for paragraph in section.texts:
                last += 2
                _write_text(ws, last, 1, paragraph)
            for key, table in section.tables.items():
                last += 3
                _write_text(ws, last - 1, 1, header(key, lang), bold=True)
                last = _write_table(ws, table, last, 1, table_name("method", key, taken=table_names), lang, widths)
    _set_widths(ws, widths)


def _profiles_sheet(ws, report, lang, table_names):
    import pandas as pd

    widths = {}
    rows = []
    for plan in report.plans:
        for section, key, text, value in plan_rows(plan, lang):
            rows.append((plan.unit_id, plan.name, section, text, value, key))
    frame = pd.DataFrame(rows, columns=["account_id", "name", "plan_section", "item", "value", "_key"])
    columns = [c for c in frame.columns if c != "_key"]
    labels = {"account_id": _t("account", lang), "plan_section": _t("plan_section", lang),
              "item": _t("item", lang), "value": _t("value", lang), "name": header("name", lang)}
    shown = frame[columns].rename(columns=labels)
    last = _write_table(ws, shown, 1, 1, table_name("profiles", taken=table_names), lang, widths)
    ws.freeze_panes = "A2"
    value_column = columns.index("value") + 1
    for i, key in enumerate(frame["_key"]):  # each figure formatted by its own kind (amount, share, count)
        cell = ws.cell(row=2 + i, column=value_column)
        kind = column_kind(key)
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool) and kind != "text":
            cell.number_format = excel_format(kind, lang)
    widths[value_column] = max(widths.get(value_column, 0), 16)
    _set_widths(ws, widths)
    return last


def to_excel(report, path):
    """Write the report as an Excel workbook (.xlsx) and return its path.

    Sheets: the key-account list first, then one per available section in report order (sheet
    names from the section titles, at most 31 characters, unique), the account profiles when the
    report has account plans, and the "Methodik"/"Method" sheet with the report's method, each
    section's source and the reasons for skipped sections. Each table is an Excel table with
    filter buttons under a frozen header row; column labels follow the report's language;
    number formats follow the kind of column (:func:`kamlab.report.kinds.column_kind`); charts are
    PNG images beside the tables. Text from the data is neutralised
    (:func:`kamlab.report.safe.neutralize`) and stored as text, so no cell is a formula.

    Parameters
    ----------
    report : kamlab.report.Report
    path : str or Path
        The file to write (ending in ``.xlsx``; its folder must exist). An existing file is replaced.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If ``report`` is not a Report, or ``path`` does not end in .xlsx or its folder is missing.

    Examples
    --------
    >>> import pandas as pd, tempfile, openpyxl
    >>> from kamlab.report import Report, Section
    >>> table = pd.DataFrame({"account_id": ["K1", "K2"], "name": ["=1+1", "Müller GmbH"], "revenue": [1500.0, -20.5]})
    >>> report = Report("Demo", "de", pd.Timestamp("2025-12-31"), [Section("key_accounts", "Key Accounts", tables={"list": table})])
    >>> path = to_excel(report, tempfile.mkdtemp() + "/demo.xlsx")
    >>> book = openpyxl.load_workbook(path)
    >>> book.sheetnames, book["Key Accounts"]["B1"].value, book["Key Accounts"]["B2"].value
    (['Key Accounts', 'Methodik'], 'Name', '=1+1')
    >>> book["Key Accounts"]["C3"].value, book["Key Accounts"]["C3"].number_format
    (-20.5, '#,##0.00 €')
    """
    from openpyxl import Workbook

    path, lang = _check(report, path)
    if report.plans:
        from kamlab.plans.texts import register

        register()
    book = Workbook()
    book.remove(book.active)
    book.properties.title = str(report.title)
    book.properties.creator = "kamlab"
    taken, table_names, sheets = set(), set(), {}
    ordered = sorted((s for s in report.sections if s.available and s.key != "method"),
                     key=lambda s: s.key != "key_accounts")  # stable: the key-account list first
    for section in ordered:
        ws = book.create_sheet(sheet_name(section.title, taken))
        sheets[section.key] = ws.title
        widths = {}
        _section_sheet(ws, section, lang, table_names, widths)
        _set_widths(ws, widths)
    if report.plans:
        _profiles_sheet(book.create_sheet(sheet_name(_t("profiles", lang), taken)), report, lang, table_names)
    _method_sheet(book.create_sheet(sheet_name(_t("method", lang), taken)), report, lang, sheets, table_names)
    book.save(path)
    return path
