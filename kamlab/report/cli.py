"""The ``kamlab`` command line: ``kamlab report``, ``kamlab accounts`` and ``kamlab check``.

A thin layer over kamlab's loaders (:func:`kamlab.read_transactions`, :func:`kamlab.read_accounts`,
:func:`kamlab.read_projects`, and :func:`read_costs` / :func:`read_ratings` defined here with the
loaders' own machinery), :func:`kamlab.report.build` and the writers. Every message exists in German
and English (``--lang``, default the ``KAMLAB_LANG`` environment variable, else English). Bad input
ends with the loader's message (file, line, column, value) and exit code 2, never a traceback; no
existing file is overwritten without ``--force``.

Examples
--------
>>> from click.testing import CliRunner
>>> result = CliRunner().invoke(main, ["--help"], env={"KAMLAB_LANG": "en"})
>>> result.exit_code, all(name in result.output for name in ("report", "accounts", "check"))
(0, True)
"""

from __future__ import annotations

import glob
import os
import sys
from pathlib import Path

import click

from kamlab._util.format import translator
from kamlab.config import get_language, language
from kamlab.errors import KamlabError
from kamlab.report.cli_engines import ENGINE_TEXT, accounts_by_engine, engine_options

__all__ = ["main", "read_costs", "read_ratings", "load_report_text", "FORMATS", "EXIT_BAD_INPUT"]

#: The formats ``kamlab report --format`` writes, and the file each one goes to in the out folder.
FORMATS = {"xlsx": "kam_report.xlsx", "pptx": "kam_report.pptx", "html": "kam_report.html", "csv": "csv"}
#: The file of the pseudonym mapping (``--pseudonymize``), beside the report in the out folder.
MAPPING_FILE = "pseudonym_mapping.csv"
#: Exit code for bad input (a file kamlab cannot read, a bad option, a file that would be overwritten).
EXIT_BAD_INPUT = 2

_TEXT = {
    # help texts
    "main": ("kamlab: key-account analyses from your sales export, for the client.",
             "kamlab: Key-Account-Analysen aus Ihrem Umsatzexport, für den Kunden."),
    "report": ("Write the client report (Excel, PowerPoint, HTML, CSV) of an invoice-line export.",
               "Den Kundenbericht (Excel, PowerPoint, HTML, CSV) aus einem Export von Rechnungspositionen schreiben."),
    "accounts": ("Write the account table (one row per account) of one or more exports; OUT's ending chooses "
                 "xlsx, csv or parquet.",
                 "Die Kundentabelle (eine Zeile je Kunde) aus einem oder mehreren Exporten schreiben; die Endung "
                 "von OUT wählt xlsx, csv oder parquet."),
    "check": ("Read an export and print only the load report (how it was read, rows, accounts, revenue).",
              "Einen Export lesen und nur den Lesebericht ausgeben (wie gelesen, Zeilen, Kunden, Umsatz)."),
    "opt_accounts": ("Account master data (name, industry, ...).", "Kundenstammdaten (Name, Branche, ...)."),
    "opt_costs": ("Cost to serve per account and year (account_id, year, one column per cost item).",
                  "Kundenbezogene Kosten je Kunde und Jahr (Kundennr., Jahr, eine Spalte je Kostenart)."),
    "opt_projects": ("Quotes and projects (CRM export).", "Angebote und Projekte (CRM-Export)."),
    "opt_ratings": ("Portfolio ratings, one row per account, criteria on 1-10 scales.",
                    "Portfolio-Bewertungen, eine Zeile je Kunde, Kriterien auf Skalen 1-10."),
    "opt_weights": ("YAML/JSON file with the two scoring models (criteria and weights).",
                    "YAML/JSON-Datei mit den zwei Scoring-Modellen (Kriterien und Gewichte)."),
    "opt_out": ("Folder for the report files (created if missing).",
                "Ordner für die Berichtsdateien (wird angelegt, falls nötig)."),
    "opt_lang": ("Language: de or en (default: KAMLAB_LANG, else en).",
                 "Sprache: de oder en (Standard: KAMLAB_LANG, sonst en)."),
    "opt_format": ("Formats, comma-separated: xlsx,pptx,html,csv.", "Formate, durch Komma getrennt: xlsx,pptx,html,csv."),
    "opt_as_of": ("Day the figures are counted to (YYYY-MM-DD).", "Stichtag der Zahlen (JJJJ-MM-TT)."),
    "opt_pseudo": ("Replace names and ids by keyed pseudonyms; the mapping goes to a separate file.",
                   "Namen und Nummern durch Pseudonyme ersetzen; die Zuordnung kommt in eine eigene Datei."),
    "opt_key": ("Secret key of the pseudonyms (or KAMLAB_PSEUDONYM_KEY).",
                "Geheimer Schlüssel der Pseudonyme (oder KAMLAB_PSEUDONYM_KEY)."),
    "opt_force": ("Overwrite existing files.", "Vorhandene Dateien überschreiben."),
    "opt_output": ("Output file: .xlsx, .csv or .parquet.", "Ausgabedatei: .xlsx, .csv oder .parquet."),
    # messages
    "error": ("Error", "Fehler"),
    "where": ("File {file}, line {line}, column {column!r}, value {value!r}.",
              "Datei {file}, Zeile {line}, Spalte {column!r}, Wert {value!r}."),
    "no_file": ("There is no file {path}.", "Die Datei {path} gibt es nicht."),
    "no_match": ("No file matches {pattern}.", "Keine Datei passt zu {pattern}."),
    "exists": ("These files exist already and are not overwritten: {files}. Choose another --out folder or "
               "pass --force to overwrite them.",
               "Diese Dateien gibt es schon; sie werden nicht überschrieben: {files}. Wählen Sie einen anderen "
               "--out-Ordner oder geben Sie --force an, um sie zu überschreiben."),
    "exists_one": ("{file} exists already and is not overwritten: choose another name or pass --force.",
                   "{file} gibt es schon und wird nicht überschrieben: anderen Namen wählen oder --force angeben."),
    "bad_format": ("--format: {bad} is not a format; choose from xlsx, pptx, html, csv (comma-separated).",
                   "--format: {bad} ist kein Format; möglich sind xlsx, pptx, html, csv (durch Komma getrennt)."),
    "bad_date": ("--as-of: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-12-31.",
                 "--as-of: {value!r} ist kein Datum; schreiben Sie JJJJ-MM-TT, z. B. 2025-12-31."),
    "bad_lang": ("The language must be de or en, not {value!r} (option --lang or KAMLAB_LANG).",
                 "Die Sprache muss de oder en sein, nicht {value!r} (Option --lang oder KAMLAB_LANG)."),
    "no_key": ("--pseudonymize needs a key: pass --key KEY or set KAMLAB_PSEUDONYM_KEY. Keep the key: the same "
               "key gives the same pseudonyms next time.",
               "--pseudonymize braucht einen Schlüssel: --key SCHLÜSSEL angeben oder KAMLAB_PSEUDONYM_KEY setzen. "
               "Bewahren Sie ihn auf: derselbe Schlüssel ergibt beim nächsten Mal dieselben Pseudonyme."),
    "bad_ext": ("{file}: the ending must be .xlsx, .csv or .parquet, not {ext!r}.",
                "{file}: die Endung muss .xlsx, .csv oder .parquet sein, nicht {ext!r}."),
    "reading": ("Reading {what} {file} ...", "Lese {what} {file} ..."),
    "wrote": ("Written: {what}: {path}", "Geschrieben: {what}: {path}"),
    "building": ("Running the analysis ...", "Analyse läuft ..."),
    "skipped": ("Not in the report: {title}: {why}", "Nicht im Bericht: {title}: {why}"),
    "mapping": ("pseudonym mapping (keep it with the client's data, never hand it out)",
                "Pseudonym-Zuordnung (bei den Kundendaten aufbewahren, nie herausgeben)"),
    "account_table": ("account table, {n} accounts", "Kundentabelle, {n} Kunden"),
    # load report
    "what_export": ("export", "Export"), "what_accounts": ("accounts", "Kundenstamm"),
    "what_costs": ("costs", "Kosten"), "what_projects": ("projects", "Projekte"),
    "what_ratings": ("ratings", "Bewertungen"),
    "how": ("Read {file}: {how}.", "Gelesen {file}: {how}."),
    "columns": ("Columns: {mapping}.", "Spalten: {mapping}."),
    "own": ("Kept under their own names: {names}.", "Unter eigenem Namen behalten: {names}."),
    "rows": ("Rows: {read} read, {kept} kept, {aside} set aside.",
             "Zeilen: {read} gelesen, {kept} übernommen, {aside} beiseitegelegt."),
    "dates": ("dates {start} to {end}", "Daten vom {start} bis {end}"),
    "n_accounts": ("{n} accounts", "{n} Kunden"),
    "revenue": ("total revenue {amount}", "Umsatz gesamt {amount}"),
    "note": ("Note: {note}", "Hinweis: {note}"),
    "text": ("text", "Text"), "excel": ("Excel", "Excel"), "parquet": ("Parquet", "Parquet"),
    "encoding": ("encoding {v}", "Kodierung {v}"), "sep": ("separator {v}", "Trennzeichen {v}"),
    "decimal": ("decimal {v}", "Dezimalzeichen {v}"), "header": ("header in line {v}", "Kopfzeile in Zeile {v}"),
    "sheet": ("sheet {v}", "Blatt {v}"),
}
_t = translator({**_TEXT, **ENGINE_TEXT})


# ----------------------------------------------------------------------------- helpers used by the dashboard too
def _number(value, decimals=0):
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".") if get_language() == "de" else text


def _day(value):
    return f"{value:%d.%m.%Y}" if get_language() == "de" else f"{value:%Y-%m-%d}"


def load_report_text(report):
    """The load report of a file (a :class:`kamlab.ReadReport`) as lines of text in the current language.

    Examples
    --------
    >>> from kamlab.data.readers import ReadReport
    >>> import kamlab
    >>> rep = ReadReport(path="x.csv", format="text", encoding="cp1252", sep=";", rows_read=3, rows_kept=3,
    ...                  n_accounts=2, total_revenue=1234.5, currency="EUR")
    >>> with kamlab.language("de"):
    ...     print(load_report_text(rep))
    Gelesen x.csv: Text, Kodierung cp1252, Trennzeichen ';'.
    Zeilen: 3 gelesen, 3 übernommen, 0 beiseitegelegt.
    2 Kunden; Umsatz gesamt 1.234,50 EUR.
    """
    how = [_t(report.format) if report.format in ("text", "excel", "parquet") else str(report.format)]
    for key, value in (("sheet", report.sheet), ("encoding", report.encoding),
                       ("sep", None if report.sep is None else repr(report.sep).replace("'\\t'", "tab")),
                       ("decimal", None if not report.decimal else repr(report.decimal)),
                       ("header", report.header_line)):
        if value is not None:
            how.append(_t(key, v=value))
    lines = [_t("how", file=os.path.basename(str(report.path)), how=", ".join(how))]
    if report.columns:
        lines.append(_t("columns", mapping=", ".join(f"{k!r} -> {v}" for k, v in report.columns.items())))
    if report.unmapped:
        lines.append(_t("own", names=", ".join(repr(c) for c in report.unmapped)))
    lines.append(_t("rows", read=_number(report.rows_read), kept=_number(report.rows_kept),
                    aside=_number(report.rows_set_aside)))
    facts = []
    if report.date_min is not None and report.date_min == report.date_min:  # not NaT
        facts.append(_t("dates", start=_day(report.date_min), end=_day(report.date_max)))
    if report.n_accounts is not None:
        facts.append(_t("n_accounts", n=_number(report.n_accounts)))
    if report.total_revenue is not None:
        amount = _number(report.total_revenue, 2) + (f" {report.currency}" if report.currency else "")
        facts.append(_t("revenue", amount=amount))
    if facts:
        text = "; ".join(facts)
        lines.append(text[0].upper() + text[1:] + ".")
    lines.extend(_t("note", note=note) for note in report.notes)
    return "\n".join(lines)


def error_text(error):
    """A kamlab error for people: where it is (file, line, column, value) in the current language, then the
    loader's own message."""
    line = getattr(error, "line", None)
    if line is not None:
        where = _t("where", file=os.path.basename(str(error.path or "")), line=line, column=error.column,
                   value=error.value)
        return f"{_t('error')}: {where}\n{error}"
    return f"{_t('error')}: {error}"


def _labels(key):
    from kamlab._util.labels import label

    names = [key]
    for code in ("en", "de"):
        with language(code):
            names.append(label(key))
    return tuple(dict.fromkeys(names))


_COST_ITEMS = ("discounts_rebates", "marketing", "sales_visits", "order_handling", "logistics", "technical_service",
               "n_visits", "service_hours")
_RATING_CRITERIA = ("growth_potential", "cooperation_potential", "reference_value", "price_enforcement",
                    "solvency", "satisfaction", "relationship_level", "service_quality", "proximity",
                    "n_competitors", "multiplier_value", "information_value")
_TRUE = {"true", "wahr", "ja", "yes", "y", "j", "x", "1", "1.0"}
_FALSE = {"false", "falsch", "nein", "no", "n", "0", "0.0", ""}


def _yes_no(text):
    import numpy as np

    keys = [str(v).strip().lower() for v in text.to_numpy()]
    values = np.array([True if k in _TRUE else False if k in _FALSE else None for k in keys], dtype=object)
    reasons = np.array([None if (k in _TRUE or k in _FALSE) else
                        f"{v!r} is not yes/no (ja/nein, true/false, 1/0, x)" for k, v in zip(keys, text.to_numpy())],
                       dtype=object)
    return values, reasons


def _read_with(path, kinds, extra_names, function, required, unique=None):
    from kamlab.data.readers import SYNONYMS
    from kamlab.data.readers.columns import ColumnVocabulary
    from kamlab.data.readers.read import ReadResult, read_table

    synonyms = {column: _labels(column) + extra_names.get(column, ()) for column in kinds}
    synonyms["account_id"] = SYNONYMS["account_id"]
    vocabulary = ColumnVocabulary(kinds=kinds, synonyms=synonyms, unique=unique)
    frame, rep = read_table(
        path, None, function=function, accounts=False, vocabulary=vocabulary, encoding=None, sep=None,
        decimal=None, thousands=None, dayfirst=None, date_format=None, header_row=None, sheet_name=0,
        errors="raise", required=required, verbose=False,
    )
    return ReadResult(frame, rep)


def read_costs(path):
    """Read cost to serve per account and year (CSV or XLSX) with the loaders' machinery.

    Columns as in the case company's ``costs`` table, by their kamlab names or their German or English
    labels (``account_id``/"Kundennr.", ``year``/"Jahr", ``marketing``, ``sales_visits``/
    "Außendienstbesuche", ...); other columns are kept under their own names.

    Returns
    -------
    kamlab.ReadResult
        ``(frame, report)``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "kosten.csv"
    >>> _ = path.write_text("Kundennr.;Jahr;Marketing;Logistik\\nK1;2025;1.200,50;300\\n", encoding="utf-8")
    >>> read_costs(path).data[["account_id", "year", "marketing", "logistics"]].values.tolist()
    [['K1', 2025, 1200.5, 300.0]]
    """
    kinds = {"account_id": "id", "year": "number", **{c: "number" for c in _COST_ITEMS}}
    result = _read_with(path, kinds, {"year": ("Jahr", "Geschäftsjahr", "Fiscal year", "Year")}, "read_costs",
                        ("account_id", "year"))
    frame = result.data
    if (frame["year"] % 1 != 0).any():
        from kamlab.errors import DataFormatError

        raise DataFormatError(f"{path}: the year column holds numbers that are not whole years.", path=str(path),
                              column="year")
    frame["year"] = frame["year"].astype("int64")
    return result


def read_ratings(path):
    """Read portfolio ratings, one row per account (CSV or XLSX), with the loaders' machinery.

    The case company's ``ratings`` table is the template: ``account_id``, criteria on 1-10 scales
    (``growth_potential``/"Wachstumspotenzial", ``satisfaction``/"Zufriedenheit", ...), optionally
    ``rating_date`` and ``reference_customer`` (yes/no, ja/nein). An account in two rows is an error.

    Returns
    -------
    kamlab.ReadResult
        ``(frame, report)``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bewertung.csv"
    >>> _ = path.write_text("Kundennr.;Zufriedenheit;Bonität;Referenzkunde\\nK1;7;8;ja\\n", encoding="utf-8")
    >>> read_ratings(path).data[["account_id", "satisfaction", "solvency", "reference_customer"]].values.tolist()
    [['K1', 7.0, 8.0, True]]
    """
    kinds = {"account_id": "id", "rating_date": "date", **{c: "number" for c in _RATING_CRITERIA},
             "reference_customer": _yes_no}
    extra = {"rating_date": ("Bewertungsdatum", "Datum", "Rating date"),
             "reference_customer": ("Referenzkunde", "Reference customer")}
    result = _read_with(path, kinds, extra, "read_ratings", ("account_id",), unique="account_id")
    if "reference_customer" in result.data:
        result.data["reference_customer"] = result.data["reference_customer"].astype("boolean")
    return result


# ----------------------------------------------------------------------------- click plumbing
def _cli_language(value=None):
    """``--lang``, else ``KAMLAB_LANG``, else English; anything else is bad input."""
    value = value or os.environ.get("KAMLAB_LANG") or "en"
    value = str(value).strip().lower()
    if value not in ("de", "en"):
        with language("en"):
            _fail(_t("bad_lang", value=value))
    return value


def _fail(message):
    click.echo(message, err=True)
    sys.exit(EXIT_BAD_INPUT)


class _Localized:
    """Help texts (command and options) in the language of ``KAMLAB_LANG`` when help is shown."""

    def _localize(self):
        code = os.environ.get("KAMLAB_LANG", "en").strip().lower()
        with language(code if code in ("de", "en") else "en"):
            self.help = _t(self.name if self.name in _TEXT else "main")
            self.short_help = None
            for param in self.params:
                key = getattr(param, "help_key", None)
                if key:
                    param.help = _t(key)
        return self

    def format_help(self, ctx, formatter):
        self._localize()
        super().format_help(ctx, formatter)

    def get_short_help_str(self, limit=45):
        self._localize()
        return super().get_short_help_str(limit)


class _Command(_Localized, click.Command):
    pass


class _Group(_Localized, click.Group):
    pass


def _option(*decls, key, **kwargs):
    def decorator(function):
        function = click.option(*decls, help=key, **kwargs)(function)
        function.__click_params__[-1].help_key = key
        return function

    return decorator


def _existing(path):
    if not Path(path).is_file():
        _fail(_t("no_file", path=path))
    return path


def _read_one(reader, path, what):
    """Read ``path`` with ``reader(path)`` -> ReadResult; print its load report; bad input ends the program."""
    click.echo(_t("reading", what=_t(f"what_{what}"), file=path))
    result = reader(_existing(path))
    click.echo(load_report_text(result.report))
    return result.data


def _guarded(function):
    """Run a command body: a kamlab error is printed (file, line, column, value) and exits with code 2."""
    import functools
    import warnings

    @functools.wraps(function)
    def wrapper(*args, lang=None, **kwargs):
        code = _cli_language(lang)
        with language(code):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("default")
                    warnings.showwarning = _show_warning
                    return function(*args, lang=code, **kwargs)
            except KamlabError as error:
                _fail(error_text(error))

    return wrapper


def _show_warning(message, category, filename, lineno, file=None, line=None):
    click.echo(f"{category.__name__}: {message}", err=True)


# ----------------------------------------------------------------------------- commands
@click.group(cls=_Group, name="kamlab", help="main", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kamlab", prog_name="kamlab")
def main():
    pass


@main.command(cls=_Command, name="check", help="check")
@click.argument("export")
@_option("--lang", key="opt_lang")
@_guarded
def check(export, lang):
    import kamlab

    _read_one(lambda p: kamlab.read_transactions(p, report=True), export, "export")


def _expand(patterns):
    paths = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            found = sorted(glob.glob(pattern))
            if not found:
                _fail(_t("no_match", pattern=pattern))
            paths.extend(found)
        else:
            paths.append(pattern)
    return list(dict.fromkeys(paths))


def write_table(table, path, lang):
    """Write a table by ``path``'s ending: .xlsx (openpyxl) and .csv with text cells neutralised against
    formula injection (German CSV: UTF-8 with BOM, ``;``, decimal comma), .parquet as it is."""
    from kamlab.report.safe import neutralize_frame

    path = Path(path)
    ext = path.suffix.lower()
    table = table.copy()
    table.attrs = {}  # the load report and the as-of day are not the file's content (and not JSON for Parquet)
    if ext == ".parquet":
        table.to_parquet(path, index=False)
    elif ext == ".csv":
        safe = neutralize_frame(table)
        if lang == "de":
            safe.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")
        else:
            safe.to_csv(path, index=False, encoding="utf-8")
    elif ext == ".xlsx":
        safe = neutralize_frame(table)
        for column in safe.columns:  # Excel has no time zones; dates stay dates
            if hasattr(safe[column].dtype, "tz") and safe[column].dtype.tz is not None:
                safe[column] = safe[column].dt.tz_localize(None)
        safe.to_excel(path, index=False, engine="openpyxl")
    else:
        raise click.UsageError(_t("bad_ext", file=path, ext=ext))


@main.command(cls=_Command, name="accounts", help="accounts")
@click.argument("inputs", nargs=-1, required=True)
@_option("-o", "--out", "out", required=True, key="opt_output")
@_option("--as-of", "as_of", key="opt_as_of")
@_option("--lang", key="opt_lang")
@_option("--force", is_flag=True, key="opt_force")
@engine_options
@_guarded
def accounts(inputs, out, as_of, lang, force, **engine):
    import pandas as pd

    import kamlab

    ext = Path(out).suffix.lower()
    if ext not in (".xlsx", ".csv", ".parquet"):
        _fail(_t("bad_ext", file=out, ext=ext))
    if Path(out).exists() and not force:
        _fail(_t("exists_one", file=out))
    as_of = _as_of(as_of)
    table = accounts_by_engine(_expand(inputs), as_of, **engine)  # --engine duckdb: on the files, out of core
    if table is None:  # kamlab's exact readers
        frames = [_read_one(lambda p: kamlab.read_transactions(p, report=True), path, "export")
                  for path in _expand(inputs)]
        lines = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        table = kamlab.accounts_from_transactions(lines, as_of=as_of)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_table(table, out, lang)
    click.echo(_t("wrote", what=_t("account_table", n=_number(len(table))), path=out))


def _as_of(value):
    if value is None:
        return None
    import pandas as pd

    try:
        return pd.Timestamp(value)
    except (ValueError, TypeError):
        _fail(_t("bad_date", value=value))


def _formats(value):
    chosen = [part.strip().lower() for part in str(value).split(",") if part.strip()]
    bad = [part for part in chosen if part not in FORMATS]
    if bad or not chosen:
        _fail(_t("bad_format", bad=", ".join(bad) or repr(value)))
    return list(dict.fromkeys(chosen))


def _targets(out, formats, pseudonymize):
    targets = {fmt: out / FORMATS[fmt] for fmt in formats}
    if pseudonymize:
        targets["mapping"] = out / MAPPING_FILE
    return targets


def _taken(targets):
    taken = []
    for path in targets.values():
        if path.is_dir():
            if any(path.iterdir()):
                taken.append(path)
        elif path.exists():
            taken.append(path)
    return taken


@main.command(cls=_Command, name="report", help="report")
@click.argument("export")
@_option("--accounts", "accounts_file", key="opt_accounts")
@_option("--costs", "costs_file", key="opt_costs")
@_option("--projects", "projects_file", key="opt_projects")
@_option("--ratings", "ratings_file", key="opt_ratings")
@_option("--weights", "weights_file", key="opt_weights")
@_option("--out", "out", required=True, key="opt_out")
@_option("--lang", key="opt_lang")
@_option("--format", "formats", default="xlsx,pptx,html,csv", show_default=True, key="opt_format")
@_option("--as-of", "as_of", key="opt_as_of")
@_option("--pseudonymize", is_flag=True, key="opt_pseudo")
@_option("--key", "key", key="opt_key")
@_option("--force", is_flag=True, key="opt_force")
@_guarded
def report(export, accounts_file, costs_file, projects_file, ratings_file, weights_file, out, lang, formats,
           as_of, pseudonymize, key, force):
    import kamlab

    formats = _formats(formats)
    as_of = _as_of(as_of)
    key = key or os.environ.get("KAMLAB_PSEUDONYM_KEY")
    if pseudonymize and not key:
        _fail(_t("no_key"))
    if weights_file is not None:
        _existing(weights_file)
    out = Path(out)
    targets = _targets(out, formats, pseudonymize)
    taken = _taken(targets)
    if taken and not force:
        _fail(_t("exists", files=", ".join(str(p) for p in taken)))

    lines = _read_one(lambda p: kamlab.read_transactions(p, report=True), export, "export")
    tables = {}
    for name, path, reader in (("accounts", accounts_file, lambda p: kamlab.read_accounts(p, report=True)),
                               ("costs", costs_file, read_costs),
                               ("projects", projects_file, lambda p: kamlab.read_projects(p, report=True)),
                               ("ratings", ratings_file, read_ratings)):
        if path is not None:
            tables[name] = _read_one(reader, path, name)

    from kamlab.report import build

    click.echo(_t("building"))
    result = build(lines, **tables, weights=weights_file, lang=lang, as_of=as_of, pseudonymize=pseudonymize,
                   key=key)
    for section in result:
        if not section.available:
            click.echo(_t("skipped", title=section.title, why=section.skipped))

    out.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        _write(result, fmt, targets[fmt])
        click.echo(_t("wrote", what=fmt, path=targets[fmt]))
    if pseudonymize:
        write_table(_mapping(result), targets["mapping"], lang)
        click.echo(_t("wrote", what=_t("mapping"), path=targets["mapping"]))


def _write(result, fmt, path):
    """Render the report with the writer of ``fmt`` (the Report's method, else the writer module's function)."""
    import importlib

    method, module = {"xlsx": ("to_excel", "excel"), "pptx": ("to_pptx", "slides"), "html": ("to_html", "html"),
                      "csv": ("to_csv", "csvout")}[fmt]
    if fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
    writer = getattr(result, method, None)
    if writer is not None:
        return writer(path)
    return getattr(importlib.import_module(f"kamlab.report.{module}"), method)(result, path)


def _mapping(result):
    """The pseudonym mapping the build kept (``report.pseudonyms``: column, original, pseudonym)."""
    import pandas as pd

    mapping = getattr(result, "pseudonyms", None)
    return mapping if isinstance(mapping, pd.DataFrame) else pd.DataFrame(columns=["column", "original", "pseudonym"])


if __name__ == "__main__":  # pragma: no cover
    main()
