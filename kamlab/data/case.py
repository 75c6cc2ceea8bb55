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
>>> sorted(case.tables)[:3]
['accounts', 'centres', 'costs']
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from kamlab.errors import ChecksumError, DatasetError

__all__ = ["Case", "load_case", "default_case_path", "COMPANY", "TABLES", "SCHEMA", "GERMAN_NAMES"]

COMPANY = "Kesselbach Antriebstechnik GmbH, Bielefeld"
MANIFEST_NAME = "manifest.json"
ENV_VAR = "KAMLAB_CASE"
REGENERATE = "python -m kamlab.casegen datasets/case"

# table -> (what it holds, [(column, unit, meaning), ...]); datasets/README.md explains the same columns
SCHEMA = {
    "accounts": (
        "business customers: master data as the CRM holds it",
        [
            ("account_id", "", "account number K00001..., the key of every table"),
            ("name", "", "company name (fictional)"),
            ("industry", "", "industry of the account"),
            ("country", "", "country of the headquarters"),
            ("country_code", "", "ISO 3166-1 alpha-2 country code"),
            ("region", "", "Bundesland (Germany, Austria), canton (Switzerland), region elsewhere"),
            ("nielsen_region", "", "Nielsen area I to VII of German accounts; missing abroad"),
            ("city", "", "city of the headquarters"),
            ("employees", "persons", "number of employees of the whole company"),
            ("plants", "count", "number of buying centres (headquarters, plants, branches): rows in centres"),
            ("key_account_manager", "", "key-account manager responsible (by sales territory)"),
            (
                "key_account",
                "bool",
                "designated key account in the CRM (a management decision, not the truth)",
            ),
            (
                "customer_since",
                "date",
                "date the account was opened (Kunde seit); the acquisition date for new accounts",
            ),
        ],
    ),
    "centres": (
        "buying centres: headquarters, plants, branches, divisions of each account",
        [
            ("account_id", "", "account the centre belongs to"),
            ("centre_id", "", "buying centre K00001-01...; -01 is the headquarters"),
            ("centre_name", "", "name of the site, such as 'Werk Gütersloh'"),
            ("city", "", "city of the site"),
            ("country", "", "country of the site"),
            ("role", "", "headquarters, plant, division, branch (distributors) or engineering"),
        ],
    ),
    "offerings": (
        "product groups of the seven offerings, with list prices and standard cost",
        [
            ("offering", "", "offering (Angebotsbereich): the level of wallets and whitespace"),
            ("offering_de", "", "German name of the offering"),
            ("product_group", "", "product group within the offering"),
            ("product_group_de", "", "German name of the product group"),
            ("unit", "", "unit of quantity: pcs, h (hours) or lump sum"),
            ("list_price_min", "EUR per unit", "lowest list price in the group"),
            ("list_price_max", "EUR per unit", "highest list price in the group"),
            (
                "standard_cost_ratio",
                "ratio",
                "standard cost of goods / list price (projects: / invoiced value)",
            ),
        ],
    ),
    "transactions": (
        "invoice lines 2023-2025, credit notes as negative lines",
        [
            ("invoice_id", "", "invoice RE-2023-000001... or credit note GS-2023-000001..."),
            ("line", "", "line number within the invoice, from 1"),
            ("date", "date", "invoice date (business days only)"),
            ("account_id", "", "account invoiced"),
            ("centre_id", "", "buying centre that ordered (delivery address)"),
            ("offering", "", "offering of the line"),
            ("product_group", "", "product group of the line"),
            ("quantity", "unit of the group", "quantity; negative for returned goods"),
            ("unit_price", "EUR per unit", "net invoiced price; negative for a price correction"),
            ("revenue", "EUR", "net invoiced amount = quantity * unit_price, before year-end rebates"),
            ("cost", "EUR", "cost of goods sold; negative for returned goods"),
            ("is_credit_note", "bool", "True for credit notes (returns and price corrections)"),
            ("project_id", "", "quote the line was won from (projects table); missing for regular orders"),
        ],
    ),
    "projects": (
        "quotes and projects with follow-up contacts and outcome",
        [
            ("project_id", "", "quote number Q-2023-00001..."),
            ("account_id", "", "account quoted"),
            ("centre_id", "", "buying centre that asked for the quote"),
            ("offering", "", "offering quoted"),
            ("quote_date", "date", "date the quote was sent"),
            ("quote_value", "EUR", "value of the quote"),
            ("competitors", "count", "other suppliers bidding against us on this quote (1 to 4)"),
            ("followups", "count", "follow-up contacts (Nachfassen) after the quote"),
            ("decision_date", "date", "date the customer decided; missing while open"),
            ("days_to_decision", "days", "decision_date - quote_date; missing while open"),
            ("outcome", "", "won, lost or open (no decision by the end of the window)"),
            ("order_value", "EUR", "value ordered if won (after negotiation); missing otherwise"),
            ("loss_reason", "", "price, technology, relationship or cancelled if lost; missing otherwise"),
        ],
    ),
    "costs": (
        "cost to serve per account and calendar year (for the contribution-margin cascade)",
        [
            ("account_id", "", "account"),
            ("year", "", "calendar year"),
            (
                "discounts_rebates",
                "EUR",
                "year-end rebates and bonuses paid back: net revenue = revenue - this",
            ),
            (
                "marketing",
                "EUR",
                "account-attributable marketing: catalogues, fairs, events, co-op marketing",
            ),
            ("sales_visits", "EUR", "cost of sales visits (KAM time and travel)"),
            ("order_handling", "EUR", "order processing in inside sales: per invoice and per credit note"),
            ("logistics", "EUR", "freight per shipment, packaging and handling, consignment stock"),
            (
                "technical_service",
                "EUR",
                "unbilled application engineering, commissioning and goodwill service",
            ),
            ("n_visits", "count", "number of sales visits in the year"),
            ("service_hours", "h", "unbilled technical service hours in the year"),
        ],
    ),
    "ratings": (
        "qualitative ratings 1 (worst) to 10 (best) from the last account review",
        [
            ("account_id", "", "account"),
            ("rating_date", "date", "date of the last account review"),
            ("growth_potential", "1-10", "growth potential of the account for us (Wachstumspotenzial)"),
            ("cooperation_potential", "1-10", "willingness to cooperate (Kooperationspotenzial)"),
            ("reference_value", "1-10", "value as a reference customer (Referenzwert)"),
            ("price_enforcement", "1-10", "how well we enforce our prices (Preisdurchsetzung)"),
            ("solvency", "1-10", "creditworthiness (Bonität)"),
            ("satisfaction", "1-10", "the customer's satisfaction with us (Zufriedenheit)"),
            ("relationship_level", "1-10", "quality of the relationship (Beziehungsebene)"),
            ("service_quality", "1-10", "service quality the customer perceives (Servicequalität)"),
            ("proximity", "1-10", "geographic and cultural closeness (Nähe)"),
            ("n_competitors", "count", "competing suppliers of drive and automation at the account"),
        ],
    ),
    "truth": (
        "what the generator knows and an analyst never sees, per account",
        [
            ("account_id", "", "account"),
            ("archetype", "", "latent kind of customer the account was generated as"),
            ("lifecycle", "", "stable, growing, shrinking, new (acquired in the window) or lost"),
            ("wallet_eur_per_year", "EUR per year", "true wallet: spend on all offerings from all suppliers"),
            (
                "expected_revenue_eur_per_year",
                "EUR per year",
                "wallet * share of wallet, summed over offerings",
            ),
            ("share_of_wallet", "ratio", "true share of wallet = expected revenue / wallet"),
            ("headroom_eur_per_year", "EUR per year", "wallet - expected revenue"),
            ("growth_rate", "per year", "log growth rate g of the revenue intensity exp(g t)"),
            ("orders_per_year", "per year", "rate of regular orders at the middle of the window"),
            (
                "relationship",
                "z-score",
                "latent relationship strength r behind share, ratings, churn, win rate",
            ),
            ("list_price_discount", "ratio", "usual discount off list price on regular orders"),
            ("over_served", "bool", "gets extra rebates, visits, service and consignment stock"),
            ("acquired_date", "date", "day a new account was acquired; missing for the others"),
            ("dropout_date", "date", "day a lost account stopped buying; missing if alive"),
            ("alive_at_end", "bool", "still a customer at the end of the window"),
        ],
    ),
    "wallets": (
        "truth by account and offering: wallet and share of wallet",
        [
            ("account_id", "", "account"),
            ("offering", "", "offering"),
            ("wallet_eur_per_year", "EUR per year", "true wallet of the account for the offering"),
            ("share_of_wallet", "ratio", "true share of wallet; 0 where the account does not buy it from us"),
            ("expected_revenue_eur_per_year", "EUR per year", "wallet * share (at the middle of the window)"),
        ],
    ),
}
TABLES = tuple(SCHEMA)

# German names of the category values, for German plots and tables
GERMAN_NAMES = {
    "Geared motors": "Getriebemotoren",
    "Frequency inverters": "Frequenzumrichter",
    "Servo drives": "Servoantriebe",
    "Controls & PLC": "Steuerungen & SPS",
    "Sensors": "Sensorik",
    "Service & spare parts": "Service & Ersatzteile",
    "Engineering & retrofit": "Engineering & Retrofit",
    "Machine building": "Maschinenbau",
    "Automotive supplier": "Automobilzulieferer",
    "Food & beverage": "Nahrungsmittel & Getränke",
    "Intralogistics": "Intralogistik",
    "Chemicals & process": "Chemie & Prozessindustrie",
    "Packaging": "Verpackung",
    "Wholesale & distribution": "Großhandel",
    "Plant engineering": "Anlagenbau",
    "Strategic OEM": "Strategischer OEM",
    "Price-driven distributor": "Preisgetriebener Händler",
    "Project business": "Projektgeschäft",
    "Maintenance end user": "Instandhaltung Endkunde",
    "Small regular buyer": "Kleiner Stammkunde",
    "Occasional buyer": "Gelegenheitskunde",
    "stable": "stabil",
    "growing": "wachsend",
    "shrinking": "schrumpfend",
    "new": "neu",
    "lost": "verloren",
    "won": "gewonnen",
    "open": "offen",
    "headquarters": "Zentrale",
    "plant": "Werk",
    "division": "Division",
    "branch": "Niederlassung",
    "engineering": "Engineering",
}


@dataclass(eq=False, repr=False)
class Case:
    """The tables of the case company.

    Every attribute is a pandas DataFrame; ``account_id`` links them. ``truth`` and
    ``wallets`` hold what the generator knows and an analyst never sees: use them
    only to grade an estimate. ``case.describe()`` lists every column.

    Attributes
    ----------
    accounts : DataFrame
        One row per business customer (firmographics, key-account manager).
    centres : DataFrame
        One row per buying centre (headquarters, plants, branches) of an account.
    offerings : DataFrame
        One row per product group: offering, list price range, standard cost ratio.
    transactions : DataFrame
        Invoice lines; credit notes are negative lines.
    projects : DataFrame
        Quotes with follow-up contacts, competitors and outcome.
    costs : DataFrame
        Cost to serve per account and calendar year.
    ratings : DataFrame
        Qualitative ratings (1 to 10) and number of competitors per account.
    truth : DataFrame
        Per account: archetype, life cycle, true wallet and share of wallet, dropout date.
    wallets : DataFrame
        Per account and offering: true wallet and share of wallet.
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
    info: dict = field(default_factory=dict)

    @property
    def tables(self):
        """Dict of table name to DataFrame, in a fixed order."""
        return {name: getattr(self, name) for name in TABLES}

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

        names = TABLES if table is None else (table,)
        unknown = [t for t in names if t not in SCHEMA]
        if unknown:
            raise ParameterError(f"The case has no table {unknown[0]!r}; its tables are {', '.join(TABLES)}.")
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
            ``key_account_manager``, the columns of
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
                                "key_account_manager"]]
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
        info = self.info or {}
        head = f"Case company: {info.get('company', COMPANY)}"
        if info.get("start"):
            head += f", {info['start']} to {info['end']} (seed {info.get('seed')})"
        lines = [head]
        for name in TABLES:
            frame = getattr(self, name)
            lines.append(f"  {name:<13}{len(frame):>9,} rows  {SCHEMA[name][0]}")
        lines.append(
            "case.describe() lists every column; datasets/README.md explains how the data were made."
        )
        return "\n".join(lines)


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
    missing_tables = [t for t in TABLES if t not in files]
    if missing_tables:
        raise DatasetError(
            f"{manifest_path} lists no table {missing_tables[0]!r}; it was written by another kamlab version. "
            f"Regenerate the tables with `{REGENERATE}`."
        )
    return manifest


def _read_tables(folder, manifest):
    import pandas as pd

    frames = {}
    for name in TABLES:
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
        ``transactions``, ``projects``, ``costs``, ``ratings``, ``truth`` and
        ``wallets``; ``case.describe()`` explains every column.

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
    for name in TABLES:
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
