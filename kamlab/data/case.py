"""The case company: ``load_case()`` and the :class:`Case` container.

kamlab's course works on a fictional business-to-business company, Kesselbach
Antriebstechnik GmbH, a maker of drive and automation components in Bielefeld, and
on its about 2,000 business customers. Its tables were generated once by
:func:`kamlab.casegen.generate_case` (seed 2024) and committed under
``datasets/case``; :func:`load_case` reads them, checks every file against the
checksums in ``manifest.json`` and works offline.

Examples
--------
>>> import kamlab
>>> case = kamlab.load_case()
>>> len(case.accounts)
2000
>>> list(case.tables)[:3]
['accounts', 'centres', 'offerings']
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kamlab.data.case_schema import GERMAN_NAMES, SCHEMA, TABLES, V2_TABLES, V21_TABLES
from kamlab.errors import ChecksumError, DatasetError

__all__ = ["Case", "load_case", "default_case_path", "COMPANY", "TABLES", "SCHEMA", "GERMAN_NAMES"]


def _register_value_labels():
    """The case company's category values (offerings, industries, roles, ...) as labels: charts and explorers that
    label a value show it in German under ``kamlab.set_language("de")`` (keys that are labels already stay)."""
    from kamlab._util.labels import has_label, label, register_labels

    # English as label() wrote these values before (first letter capital, "_" as a space): English stays as it was
    register_labels({value: (label(value, "en"), german) for value, german in GERMAN_NAMES.items()
                     if not has_label(value)})


_register_value_labels()

COMPANY = "Kesselbach Antriebstechnik GmbH, Bielefeld"
MANIFEST_NAME = "manifest.json"
ENV_VAR = "KAMLAB_CASE"
REGENERATE = "python -m kamlab.casegen datasets/case"


@dataclass(eq=False, repr=False)
class Case:
    """The tables of the case company.

    Every attribute is a pandas DataFrame; ``account_id`` links them (``project_id`` links
    ``projects``, ``contacts`` and ``quote_truth``). ``truth``, ``wallets`` and ``quote_truth``
    hold what the generator knows and an analyst never sees: use them only to grade an
    estimate. ``case.describe()`` lists every column.

    Attributes
    ----------
    accounts : DataFrame
        One row per business customer (firmographics, group, account manager).
    centres : DataFrame
        One row per buying centre (headquarters, plants, branches) of an account.
    offerings : DataFrame
        One row per product group: offering, list price range, standard cost ratio.
    transactions : DataFrame
        Invoice lines; credit notes are negative lines.
    projects : DataFrame
        Quotes with competitors, what the CRM showed at the quote date, follow-ups and outcome.
    costs : DataFrame
        Cost to serve per account and calendar year.
    ratings : DataFrame
        Qualitative ratings (1 to 10) and number of competitors per account.
    truth : DataFrame
        Per account: archetype, life cycle, true wallet and share of wallet, dropout date.
    wallets : DataFrame
        Per account and offering: true wallet and share of wallet.
    contacts : DataFrame or None
        One row per follow-up contact of a quote: date and channel (generator 2.0; None for a
        case written by generator 1.x).
    quote_truth : DataFrame or None
        Per decided quote and number of follow-ups k = 0..12: the true win probability
        (generator 2.0; None for a case written by generator 1.x).
    groups, staff, targets, touchpoints : DataFrame or None
        Customer groups, the people who meet customers, the plan of the next year, and their
        contacts by function in the last year (generator 2.1; None for older cases).
    info : dict
        Seed, window, generator version.
    """

    accounts: object
    centres: object
    offerings: object
    transactions: object
    projects: object
    costs: object
    ratings: object
    truth: object
    wallets: object
    contacts: object = None
    quote_truth: object = None
    groups: object = None
    staff: object = None
    targets: object = None
    touchpoints: object = None
    info: dict = field(default_factory=dict)

    @property
    def tables(self):
        """Dict of table name to DataFrame, in a fixed order (tables the case does not have left out)."""
        return {name: getattr(self, name) for name in TABLES if getattr(self, name) is not None}

    def describe(self, table=None):
        """Every column of every table (or of one table) with dtype, unit and meaning.

        Parameters
        ----------
        table : str, optional
            One of ``case.tables``; all tables if omitted.

        Returns
        -------
        DataFrame
            Columns ``table``, ``column``, ``dtype``, ``unit``, ``description``.
        """
        import pandas as pd

        from kamlab.errors import ParameterError

        names = tuple(self.tables) if table is None else (table,)
        unknown = [t for t in names if t not in self.tables]
        if unknown:
            raise ParameterError(
                f"The case has no table {unknown[0]!r}; its tables are {', '.join(self.tables)}."
            )
        rows = []
        for name in names:
            frame = getattr(self, name)
            for column, unit, meaning in SCHEMA[name][1]:
                dtype = str(frame[column].dtype) if column in frame.columns else "(missing)"
                rows.append((name, column, dtype, unit, meaning))
        return pd.DataFrame(rows, columns=["table", "column", "dtype", "unit", "description"])

    def account_table(self, year=None, *, cascade=True):
        """The account table an analyst would build: master data, activity and cost to serve.

        Parameters
        ----------
        year : int, optional
            A calendar year of the case (e.g. 2025): invoice lines and cost to serve of
            that year only, ``as_of`` its 31 December. Default: all years together.
        cascade : bool, default=True
            Add the contribution-margin cascade (``net_revenue``, ``db1`` to ``db4`` and
            their rates) from :func:`kamlab.contribution_cascade`.

        Returns
        -------
        pandas.DataFrame
            One row per account with invoice lines or cost to serve in the period (an
            account can cost money in a year it buys nothing): ``account_id``, ``name``,
            ``industry``, ``country``, ``region``, ``employees``, ``plants``,
            ``group_id``, ``account_manager``, ``territory_manager``, the columns of
            :func:`kamlab.accounts_from_transactions` (without the 12-month windows for a
            single year), the cost-to-serve items, and the cascade.
        """
        import pandas as pd

        from kamlab.data.accounts import accounts_from_transactions
        from kamlab.errors import ParameterError
        from kamlab.data.cascade import contribution_cascade

        lines, costs = self.transactions, self.costs
        if year is None:
            as_of = lines["date"].max()
        else:
            years = sorted(int(y) for y in costs["year"].unique())
            if year not in years:
                raise ParameterError(f"The case has the years {years}; {year!r} is not one of them.")
            lines = lines[lines["date"].dt.year == year]
            costs = costs[costs["year"] == year]
            as_of = pd.Timestamp(year=year, month=12, day=31)
        activity = accounts_from_transactions(lines, as_of=as_of)
        if year is not None:
            activity = activity.drop(columns=["revenue_last_12m", "revenue_prev_12m", "growth"])
        cost_columns = [c for c in costs.columns if c not in ("account_id", "year", "n_visits", "service_hours")]
        cost_to_serve = costs.groupby("account_id", observed=True)[cost_columns].sum().reset_index()
        ids = pd.Index(activity["account_id"]).union(pd.Index(cost_to_serve["account_id"].astype("str")))
        master = self.accounts[["account_id", "name", "industry", "country", "region", "employees", "plants",
                                "group_id", "account_manager", "territory_manager"]]
        table = master[master["account_id"].isin(ids)].merge(activity, on="account_id", how="left")
        table = table.merge(cost_to_serve, on="account_id", how="left")
        for column in ["revenue", "cost", "contribution_margin", *cost_columns]:
            table[column] = table[column].fillna(0.0)
        for column in ["orders", "credit_notes", "lines", "active_months", "n_offerings"]:
            table[column] = table[column].fillna(0).astype("int64")
        table = table.sort_values("account_id", ignore_index=True)
        attrs = {"year": year, "as_of": pd.Timestamp(as_of).normalize()}
        if cascade:
            levels = contribution_cascade(table)
            extra = [c for c in levels.columns if c not in table.columns]
            table = pd.concat([table, levels[extra]], axis=1)
            attrs["levels"] = levels.attrs["levels"]
        table.attrs = attrs
        return table

    def __repr__(self):
        from kamlab._util.format import count, day
        from kamlab._util.labels import get_language

        german = get_language() == "de"
        info = self.info or {}
        head = f"{'Fallstudie' if german else 'Case company'}: {info.get('company', COMPANY)}"
        if info.get("start"):
            if german:
                head += f", {day(info['start'])} bis {day(info['end'])} (Seed {info.get('seed')})"
            else:
                head += f", {info['start']} to {info['end']} (seed {info.get('seed')})"
        lines = [head]
        for name, frame in self.tables.items():
            n = f"{count(len(frame)):>9}"
            what = _TABLES_DE.get(name, SCHEMA[name][0]) if german else SCHEMA[name][0]
            lines.append(f"  {name:<13}{n} {'Zeilen' if german else 'rows '} {what}")
        lines.append(
            "case.describe() beschreibt jede Spalte; datasets/README.md erklärt, wie die Daten entstanden sind."
            if german else "case.describe() lists every column; datasets/README.md explains how the data were made."
        )
        return "\n".join(lines)


# the tables in German (the descriptions of case_schema.SCHEMA), for the case's summary under set_language("de")
_TABLES_DE = {
    "accounts": "Geschäftskunden: Stammdaten, wie sie das CRM führt",
    "centres": "Buying Center: Zentrale, Werke, Niederlassungen, Sparten jedes Kunden",
    "offerings": "Warengruppen der sieben Angebote, mit Listenpreisen und Standard-Herstellkosten",
    "transactions": "Rechnungspositionen 2023-2025, Gutschriften als negative Positionen",
    "projects": "Angebote und Projekte mit Nachfassaktionen und Ergebnis",
    "contacts": "Nachfassaktionen zu den Angeboten, eine Zeile je Kontakt",
    "costs": "Kundenbezogene Kosten je Kunde und Kalenderjahr (für die Deckungsbeitragsrechnung)",
    "ratings": "Qualitative Bewertungen 1 (schlecht) bis 10 (sehr gut) aus dem letzten Kundengespräch",
    "truth": "Was der Generator weiß und keine Analyse je sieht, je Kunde",
    "wallets": "Wahrheit je Kunde und Angebot: Kundenpotenzial und Lieferanteil",
    "quote_truth": "Wahrheit je entschiedenem Angebot und Zahl der Nachfassaktionen: die wahre Gewinnwahrscheinlichkeit",
    "groups": "Konzerne: rechtliche Einheiten eines Konzerns, auch in mehreren Ländern",
    "staff": "Die Mitarbeitenden mit Kundenkontakt: Manager, Innendienst, Service, Technik, Geschäftsleitung",
    "targets": "Der Absatzplan des Jahres nach dem Zeitraum, je Kunde",
    "touchpoints": "Kontakte der Mitarbeitenden mit den Kunden im letzten Jahr, nach Funktion",
}


PACKAGE_DATA = "kamlab.casedata"  # datasets/case, shipped in the wheel as package data (setup.py)


def _installed_case_folder():
    """Folder of the case company installed with kamlab (package ``kamlab.casedata``), or None."""
    from importlib.resources import files

    try:
        manifest = files(PACKAGE_DATA) / MANIFEST_NAME
    except (ImportError, TypeError, ValueError):  # not installed (a repository checkout, an editable install)
        return None
    if not isinstance(manifest, Path) or not manifest.is_file():  # e.g. kamlab imported from a zip
        return None
    return manifest.parent


def default_case_path():
    """Folder the case company is read from.

    In this order: the folder in the environment variable ``KAMLAB_CASE``; the
    copy installed with kamlab (``pip install kamlab`` ships the tables as
    package data, ``kamlab.casedata``); the ``datasets/case`` folder of the
    repository checkout kamlab is imported from (``pip install -e .``).

    Raises
    ------
    DatasetError
        If none of them exists, with what to do about it.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    installed = _installed_case_folder()
    if installed is not None:
        return installed
    checkout = Path(__file__).resolve().parents[2] / "datasets" / "case"
    if checkout.is_dir():
        return checkout
    raise DatasetError(
        f"kamlab cannot find the case company: {ENV_VAR} is not set, this kamlab was installed without "
        f"its package data ({PACKAGE_DATA}) and it does not run from a repository clone (no {checkout}). "
        "Reinstall kamlab (`pip install --force-reinstall kamlab`), or in a clone of the repository run "
        f"`{REGENERATE}`, or point {ENV_VAR} (or load_case(path=...)) at a folder with the tables and "
        "manifest.json."
    )


def sha256_of(path):
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_CACHE = {}


def _read_manifest(folder):
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        raise DatasetError(
            f"No case company in {folder}: {MANIFEST_NAME} is missing. Regenerate the tables with "
            f"`{REGENERATE}` from the kamlab repository, or point {ENV_VAR} (or load_case(path=...)) "
            "at a folder that holds them."
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["tables"]
    except (ValueError, KeyError, TypeError) as error:
        raise DatasetError(
            f"{manifest_path} is not a valid case manifest ({error}). Regenerate it with `{REGENERATE}`."
        ) from None
    missing_tables = [t for t in _tables_of(manifest) if t not in files]
    if missing_tables:
        raise DatasetError(
            f"{manifest_path} lists no table {missing_tables[0]!r}; it was written by another kamlab version. "
            f"Regenerate the tables with `{REGENERATE}`."
        )
    return manifest


def _tables_of(manifest):
    """The tables a manifest must list: all of TABLES, without V2_TABLES for a case of generator 1.x."""
    version = str(manifest.get("generator_version", "")) if isinstance(manifest, dict) else ""
    if version.startswith("1."):
        return tuple(t for t in TABLES if t not in V2_TABLES + V21_TABLES)
    if version.startswith("2.0"):
        return tuple(t for t in TABLES if t not in V21_TABLES)
    return TABLES


def _read_tables(folder, manifest):
    import pandas as pd

    frames = {}
    for name in _tables_of(manifest):
        entry = manifest["tables"][name]
        path = folder / entry["file"]
        if not path.is_file():
            raise DatasetError(
                f"The case table {name!r} is missing: {path} does not exist. Restore it with "
                f"`git checkout -- {path.name}` in {folder} or regenerate the tables with `{REGENERATE}`."
            )
        actual = sha256_of(path)
        if actual != entry["sha256"]:
            raise ChecksumError(
                f"The case table {path} has changed: its SHA-256 is {actual[:12]}..., the manifest expects "
                f"{entry['sha256'][:12]}.... Restore it with `git checkout -- {path.name}` in {folder} or "
                f"regenerate the tables with `{REGENERATE}`."
            )
        frames[name] = pd.read_parquet(path)
    return frames


def load_case(path=None):
    """Load the case company Kesselbach Antriebstechnik GmbH.

    Reads the committed tables (offline), checks every file against the SHA-256
    in ``manifest.json`` and returns fresh copies on every call: changing
    ``case.accounts`` does not change the next ``load_case()``.

    Parameters
    ----------
    path : str or Path, optional
        Folder with the Parquet files and ``manifest.json``. Default:
        :func:`default_case_path` (``KAMLAB_CASE`` if set, else the copy
        installed with kamlab, else the repository's ``datasets/case``).

    Returns
    -------
    Case
        DataFrame attributes ``accounts``, ``centres``, ``offerings``,
        ``transactions``, ``projects``, ``contacts``, ``costs``, ``ratings``, ``truth``,
        ``wallets`` and ``quote_truth``; ``case.describe()`` explains every column.
        A case written by generator 1.x has no ``contacts`` and ``quote_truth`` (None).

    Raises
    ------
    DatasetError
        If the folder, the manifest or a table is missing; :class:`ChecksumError`
        (a DatasetError) if a file differs from its checksum.

    Examples
    --------
    >>> import kamlab
    >>> case = kamlab.load_case()
    >>> case.transactions.columns[:5].tolist()
    ['invoice_id', 'line', 'date', 'account_id', 'centre_id']
    >>> case.accounts is kamlab.load_case().accounts  # a fresh copy on every call
    False
    """
    folder = Path(path).expanduser() if path is not None else default_case_path()
    folder = folder.resolve()
    if not folder.is_dir():
        raise DatasetError(
            f"The case company folder {folder} does not exist. Regenerate the tables with `{REGENERATE}` "
            f"or point {ENV_VAR} (or load_case(path=...)) at the folder that holds them."
        )
    manifest = _read_manifest(folder)
    # the cache is valid while no file changed (size and modification time of every file)
    stamp = []
    for name in _tables_of(manifest):
        file = folder / manifest["tables"][name]["file"]
        stat = file.stat() if file.is_file() else None
        stamp.append((name, manifest["tables"][name]["sha256"], stat and (stat.st_size, stat.st_mtime_ns)))
    stamp = tuple(stamp)
    cached = _CACHE.get(str(folder))
    if cached is None or cached[0] != stamp:
        frames = _read_tables(folder, manifest)
        _CACHE[str(folder)] = (stamp, frames)
    else:
        frames = cached[1]
    info = dict(manifest.get("info", {}))
    return Case(**{name: frame.copy(deep=True) for name, frame in frames.items()}, info=info)
