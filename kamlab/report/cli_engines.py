"""The engine options of ``kamlab accounts``: DuckDB reads Parquet/CSV files larger than memory.

``kamlab accounts big/*.parquet -o accounts.xlsx --engine duckdb --memory-limit 8GB`` runs the
account table's one definition (:mod:`kamlab.data.engines.definition`) in DuckDB, straight on
the files (out of core), shows DuckDB's progress bar and prints the engine's read report (lines,
files, revenue, lines after the as-of day). Without ``--engine`` the command keeps kamlab's
exact readers (small exports, any dialect); the engine options are then refused.
"""

from __future__ import annotations

import click

from kamlab._util.format import translator
from kamlab.errors import ParameterError

__all__ = ["ENGINE_TEXT", "engine_options", "accounts_by_engine"]

ENGINE_TEXT = {
    "opt_engine": ("duckdb: DuckDB reads the Parquet/CSV files itself, out of core (files larger than memory; "
                   "canonical column names or --column, CSV options by --csv), with a progress bar. Default: "
                   "kamlab's exact readers.",
                   "duckdb: DuckDB liest die Parquet-/CSV-Dateien selbst, auch größer als der Arbeitsspeicher "
                   "(kanonische Spaltennamen oder --column, CSV-Optionen mit --csv), mit Fortschrittsbalken. "
                   "Standard: kamlabs exakte Leser."),
    "opt_memory_limit": ("DuckDB's memory limit, e.g. 8GB (with --engine duckdb).",
                         "Speichergrenze für DuckDB, z. B. 8GB (mit --engine duckdb)."),
    "opt_no_progress": ("No progress bar (with --engine duckdb).", "Kein Fortschrittsbalken (mit --engine duckdb)."),
    "opt_csv": ("CSV option KEY=VALUE for --engine duckdb: sep, decimal, thousands, date_format, encoding "
                "(repeatable; a ;-separated file needs decimal).",
                "CSV-Option KEY=WERT für --engine duckdb: sep, decimal, thousands, date_format, encoding "
                "(mehrfach; eine Datei mit ; braucht decimal)."),
    "opt_column": ("Column name NAME_IN_FILE=CANONICAL for --engine duckdb (repeatable), e.g. Kunde=account_id.",
                   "Spaltenname NAME_IN_DATEI=KANONISCH für --engine duckdb (mehrfach), z. B. Kunde=account_id."),
    "engine_only": ("{option} needs --engine duckdb.", "{option} braucht --engine duckdb."),
    "bad_pair": ("{value!r} is not KEY=VALUE.", "{value!r} ist nicht SCHLÜSSEL=WERT."),
    "engine_read": ("DuckDB read {lines} lines from {files} file(s), revenue {revenue}; {after} lines after "
                    "the as-of day are not in the table.",
                    "DuckDB hat {lines} Zeilen aus {files} Datei(en) gelesen, Umsatz {revenue}; {after} "
                    "Zeilen nach dem Stichtag sind nicht in der Tabelle."),
}
_t = translator(ENGINE_TEXT)


def engine_options(function):
    """The click options ``--engine``, ``--memory-limit``, ``--no-progress``, ``--csv`` and ``--column``."""
    options = [
        ("--column", {"multiple": True, "help": "opt_column"}),
        ("--csv", {"multiple": True, "help": "opt_csv"}),
        ("--no-progress", {"is_flag": True, "help": "opt_no_progress"}),
        ("--memory-limit", {"default": None, "help": "opt_memory_limit"}),
        ("--engine", {"type": click.Choice(["duckdb"]), "default": None, "help": "opt_engine"}),
    ]
    for name, kwargs in options:
        function = click.option(name, **kwargs)(function)
        function.__click_params__[-1].help_key = kwargs["help"]
    return function


def _pairs(values):
    pairs = {}
    for value in values:
        key, sep, item = value.partition("=")
        if not sep or not key.strip():
            raise ParameterError(_t("bad_pair", value=value))
        pairs[key.strip()] = item
    return pairs or None


def accounts_by_engine(paths, as_of, *, engine, memory_limit, no_progress, csv, column):
    """The account table computed by DuckDB on ``paths``; None without ``--engine`` (then no engine option)."""
    if engine is None:
        for given, option in ((memory_limit, "--memory-limit"), (no_progress, "--no-progress"), (csv, "--csv"),
                              (column, "--column")):
            if given:
                raise ParameterError(_t("engine_only", option=option))
        return None
    import kamlab

    table = kamlab.accounts_from_transactions(paths, as_of=as_of, engine=engine, memory_limit=memory_limit,
                                              progress=not no_progress, csv=_pairs(csv), columns=_pairs(column))
    read = table.attrs["read_report"]
    from kamlab._util.format import count, decimal  # 1.234.567,89 in German, as the rest of the output

    click.echo(_t("engine_read", lines=count(read["lines"]), files=len(read["files"]),
                  revenue=decimal(f"{read['revenue']:,.2f}"), after=count(read["lines_after_as_of"])))
    return table
