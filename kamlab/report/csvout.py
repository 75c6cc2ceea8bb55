"""Every table of the client report as a CSV file, safe to open in Excel.

German (``lang="de"``): UTF-8 with byte-order mark, ``;`` between fields and the decimal comma,
the way German Excel opens a file by double-click. English: UTF-8, ``,`` and the decimal point.
Column names are in the report's language. Text cells that a spreadsheet would read as a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return at the start) get a leading apostrophe
(:func:`kamlab.report.safe.neutralize_frame`); numbers are written as numbers and never altered.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["to_csv", "csv_options", "file_name"]


def csv_options(lang):
    """The ``to_csv``/``read_csv`` options of a language: ``sep``, ``decimal`` and ``encoding``.

    Examples
    --------
    >>> csv_options("de")
    {'sep': ';', 'decimal': ',', 'encoding': 'utf-8-sig'}
    """
    if lang == "de":
        return {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"}
    return {"sep": ",", "decimal": ".", "encoding": "utf-8"}


def file_name(number, section_key, table_name):
    """``01_key_accounts.csv`` for a section's table of the same name, else ``03_abc_abc_summary.csv``."""
    stem = section_key if table_name == section_key else f"{section_key}_{table_name}"
    return f"{number:02d}_{stem}.csv"


def _frame(frame, lang):
    """The table as written: column labels in ``lang`` (repeated labels numbered), text cells neutralised."""
    from kamlab._util.labels import label
    from kamlab.report.safe import neutralize_frame

    names, seen = [], {}
    for column in frame.columns:
        name = label(str(column), lang)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    out = frame.copy()
    out.columns = names
    return neutralize_frame(out)


def to_csv(report, folder):
    """Write one CSV file per table of the report's sections; return the paths written.

    Parameters
    ----------
    report : kamlab.report.Report
    folder : str or Path
        Created if missing; files of the same names are replaced.

    Returns
    -------
    list of Path
        In report order (``01_key_accounts.csv``, ``01_key_accounts_lists.csv``, ...).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from kamlab.report import Report, Section
    >>> table = pd.DataFrame({"name": ["=SUM(1)", "Ames"], "revenue": [-1234.56, 10.0]})
    >>> report = Report("T", "de", pd.Timestamp("2025-12-31"), sections=[Section("abc", "ABC", tables={"abc": table})])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = to_csv(report, folder)
    ...     content = paths[0].read_text(encoding="utf-8-sig")
    >>> paths[0].name, content.splitlines()
    ('01_abc.csv', ['Name;Umsatz', "'=SUM(1);-1234,56", 'Ames;10,0'])
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    options = csv_options(report.lang)
    written = []
    for number, section in enumerate(report.sections, start=1):
        for name, frame in section.tables.items():
            path = folder / file_name(number, section.key, name)
            _frame(frame, report.lang).to_csv(path, index=False, sep=options["sep"], decimal=options["decimal"],
                                              encoding=options["encoding"], date_format="%Y-%m-%d")
            written.append(path)
    return written
