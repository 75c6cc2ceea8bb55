"""The column vocabulary: kamlab's canonical columns and the names they go by in exports.

:data:`SYNONYMS` (and the weaker names in ``_WEAK``) are the German and English names
recognised for each canonical column; ``_map_columns`` turns a file's header into the
mapping ``{name in the file: canonical name}``, honouring the user's ``columns=``.
"""


from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from kamlab._util.format import translator
from kamlab.data.readers.cells import _CURRENCY, _currency_code
from kamlab.data.readers.report import _display
from kamlab.data.readers.texts import _t as _say
from kamlab.data.readers.texts import joined
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError


# canonical name -> how its values are read
_KINDS = {
    "account_id": "id",
    "date": "date",
    "invoice_id": "id",
    "product": "text",
    "product_group": "text",
    "quantity": "number",
    "unit_price": "number",
    "revenue": "number",
    "cost": "number",
    "unit_cost": "number",
    "contribution_margin": "number",
    "currency": "currency",
    "name": "text",
    "industry": "text",
    "country": "text",
    "region": "text",
    "employees": "number",
    "key_account_manager": "text",
}
CANONICAL_COLUMNS = tuple(_KINDS)

#: Names recognised for each canonical column, strongest first. Matching ignores case,
#: spaces, dots, dashes, underscores and umlaut spelling ("Stückpreis" = "Stueckpreis").
SYNONYMS = {
    "account_id": (
        "Kundennr.", "Kundennummer", "Kunden-Nr", "Kunden-ID", "Kd.-Nr.", "KdNr", "Debitor",
        "Debitorennr.", "Debitorennummer", "Debitor-Nr", "Debitorkonto", "Customer ID", "CustomerID",
        "Customer no", "Customer number", "Cust ID", "Account ID", "Account no", "Account number",
        "Client ID", "Sold-to", "Sold-to party", "Auftraggeber",
    ),
    "date": (
        "Datum", "Rechnungsdatum", "Belegdatum", "Buchungsdatum", "Fakturadatum", "Date", "InvoiceDate",
        "Invoice date", "Document date", "Posting date", "Transaction date", "Billing date",
    ),
    "invoice_id": (
        "Rechnungsnr.", "Rechnungsnummer", "Rechnungs-Nr", "Belegnr.", "Belegnummer", "Fakturanr.",
        "Fakturanummer", "InvoiceNo", "Invoice no", "Invoice number", "Invoice ID", "Invoice",
        "Document no", "Document number",
    ),
    "product": (
        "Artikelnr.", "Artikelnummer", "Material", "Materialnr.", "Materialnummer", "Produktnr.",
        "Produktnummer", "StockCode", "Stock code", "Product ID", "Product code", "Product no", "SKU",
        "Item no", "Item number", "Item code",
    ),
    "product_group": (
        "Warengruppe", "Produktgruppe", "Artikelgruppe", "Materialgruppe", "Sparte", "Produktkategorie",
        "Kategorie", "Product group", "Product category", "Product line", "Category",
    ),
    "quantity": (
        "Menge", "Anzahl", "Stück", "Stk", "Liefermenge", "Fakturamenge", "Absatz", "Quantity", "Qty",
        "Units", "Pieces",
    ),
    "unit_price": (
        "Preis", "Einzelpreis", "Stückpreis", "Nettopreis", "VK-Preis", "Verkaufspreis", "UnitPrice",
        "Unit price", "Price", "Price per unit", "Sales price",
    ),
    "revenue": (
        "Umsatz", "Nettoumsatz", "Umsatz netto", "Netto-Umsatz", "Erlös", "Erlöse", "Nettoerlös",
        "Sales", "Net sales", "Revenue", "Net revenue", "Turnover", "Sales amount",
    ),
    "cost": (
        "Wareneinsatz", "Kosten", "Herstellkosten", "Selbstkosten", "Einstandswert", "Cost", "Costs",
        "COGS", "Cost of goods", "Cost of goods sold", "Cost of sales",
    ),
    "unit_cost": (
        "Einstandspreis", "EK-Preis", "Einkaufspreis", "Unit cost", "Cost price", "Purchase price",
    ),
    # DB I per line: revenue minus cost of goods, in money (not a rate, not after fixed costs)
    "contribution_margin": (
        "Deckungsbeitrag", "Deckungsbeitrag I", "Deckungsbeitrag 1", "DB", "DB I", "DB 1", "Rohertrag",
        "Rohgewinn", "Contribution margin", "Contribution margin I", "Gross profit",
    ),
    "currency": (
        "Währung", "Währungsschlüssel", "Währungskennzeichen", "WKZ", "Belegwährung", "Currency",
        "Currency code", "Curr", "Transaction currency",
    ),
    "name": (
        "Name", "Kundenname", "Firma", "Firmenname", "Unternehmen", "Name 1", "Customer name",
        "Account name", "Company", "Company name", "Client name",
    ),
    "industry": ("Branche", "Wirtschaftszweig", "Industry", "Sector"),
    "country": ("Land", "Staat", "Country", "Country code", "Länderkennzeichen"),
    "region": (
        "Region", "Gebiet", "Verkaufsgebiet", "Vertriebsgebiet", "Bundesland", "Sales region",
        "Territory",
    ),
    "employees": (
        "Mitarbeiterzahl", "Anzahl Mitarbeiter", "Beschäftigte", "Employees", "Number of employees",
        "Headcount",
    ),
    "key_account_manager": (
        "Key-Account-Manager", "KAM", "Kundenbetreuer", "Betreuer", "Account manager",
        "Key account manager", "Vertriebsmitarbeiter", "Außendienst", "Sales rep", "Account owner",
    ),
}

# Weaker names: used only when no column has a name from SYNONYMS for the same canonical
# column. "Kunde" is the customer number in some exports and the customer name in others:
# with a "Kundennr." beside it, it becomes the name.
_WEAK = {
    "account_id": ("Kunde", "Customer", "Account", "Client"),
    "date": ("Auftragsdatum", "Bestelldatum", "Lieferdatum", "Leistungsdatum", "Order date", "Delivery date"),
    "invoice_id": (
        "Auftragsnr.", "Auftragsnummer", "Bestellnr.", "Bestellnummer", "Lieferscheinnr.", "Order ID",
        "Order no", "Order number", "Order",
    ),
    "product": ("Artikel", "Produkt", "Product", "Item"),
    "revenue": (
        "Netto", "Betrag", "Nettobetrag", "Wert", "Nettowert", "Gesamtpreis", "Positionswert", "Amount",
        "Net amount", "Value", "Total", "Line total",
    ),
}

# a weak name that is not used for its first choice goes here if that column is free
_FALLBACK = {"account_id": "name"}

# only in account tables: in invoice lines "Mitarbeiter" is usually a salesperson
_WEAK_ACCOUNTS = {"employees": ("Mitarbeiter",)}
_CURRENCY_SUFFIX = re.compile(r"(?:in(?:eur|euro|usd|chf|gbp)?|eur|euro|usd|chf|gbp)$")
_HEADER_CURRENCY = re.compile(rf"(?<![A-Za-z]){_CURRENCY}(?![A-Za-z])")

# names that may or may not be the contribution margin: a profit after fixed costs, a margin in
# percent. Never mapped by themselves; columns={"Gewinn": "contribution_margin"} maps them.
_MARGIN_LIKE = ("Gewinn", "Profit", "Marge", "Margin", "Gross margin", "Rohmarge", "Net profit", "Gewinn netto")
_MARGIN_TARGETS = {"profit", "gewinn", "margin", "marge", "grossprofit", "grossmargin", "db", "dbi", "db1",
                   "deckungsbeitrag", "contributionmargin", "cm", "rohertrag", "margincontribution"}

_t = translator({
    "margin_target": (
        "columns={{{source!r}: {target!r}}}: {target!r} is not one of kamlab's column names. If {source!r} is "
        "the contribution margin of each line in money (DB I: revenue minus cost of goods, before fixed costs), "
        "use columns={{{source!r}: 'contribution_margin'}}; a margin in percent cannot be used as an amount.",
        "columns={{{source!r}: {target!r}}}: {target!r} ist kein Spaltenname von kamlab. Ist {source!r} der "
        "Deckungsbeitrag jeder Zeile in Geld (DB I: Umsatz minus Wareneinsatz, vor Fixkosten), dann "
        "columns={{{source!r}: 'contribution_margin'}}; eine Marge in Prozent ist kein Betrag.",
    ),
    "margin_like": (
        "column {name!r} was kept as it is: it may be a profit after fixed costs or a margin in percent. If it "
        "is the contribution margin of each line in money (DB I), pass columns={{{name!r}: 'contribution_margin'}}.",
        "Spalte {name!r} wurde unverändert übernommen: sie kann ein Gewinn nach Fixkosten oder eine Marge in "
        "Prozent sein. Ist sie der Deckungsbeitrag jeder Zeile in Geld (DB I), übergeben Sie "
        "columns={{{name!r}: 'contribution_margin'}}.",
    ),
})


def _header_currency(name):
    """The currency a column name names ("Umsatz EUR", "Betrag in €", "Sales (USD)"), or None.

    "TEUR" (thousands of euros) is not a currency; a name with two currencies names none.
    """
    codes = {_currency_code(m.group(0)) for m in _HEADER_CURRENCY.finditer(str(name))}
    codes.discard(None)
    return codes.pop() if len(codes) == 1 else None


def _norm(name, plain=False):
    """Normalise a column name for matching: lower case, letters and digits only."""
    s = str(name).strip().casefold()
    if not plain:
        s = s.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    s = s.replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", s)


def _lookup_table(table, tier):
    out = {}
    for canon, names in table.items():
        for name in names:
            for key in (_norm(name), _norm(name, plain=True)):
                out.setdefault(key, (canon, tier))
    return out


_STRONG_KEYS = _lookup_table(SYNONYMS, 1)
_WEAK_KEYS = _lookup_table(_WEAK, 2)
_WEAK_ACCOUNT_KEYS = _lookup_table(_WEAK_ACCOUNTS, 2)


@dataclass(frozen=True, eq=False)
class ColumnVocabulary:
    """The columns of a table that is neither invoice lines nor accounts, for :func:`~kamlab.data.readers.read_table`.

    With a vocabulary, a reader recognises its columns only (not :data:`SYNONYMS`); everything
    else -- dialect, cells, line numbers, the report, ``errors=`` -- is the readers' own.
    :mod:`kamlab.projects.io` defines the vocabulary of quote tables.

    Parameters
    ----------
    kinds : dict
        Canonical column -> how its values are read, in the order of the frame returned:
        ``"id"``, ``"date"``, ``"number"`` or ``"text"``, or a function taking the column's
        cells as text (a Series of str, ``""`` where empty) and returning ``(values, reasons)``:
        the values and, per cell, why it cannot be used (``None`` where it can).
    synonyms : dict
        Canonical column -> the names it goes by, strongest first.
    weak : dict, optional
        Weaker names, used only when no column has a name from ``synonyms`` for the same column.
    unique : str, optional
        A column whose values may appear in one row only (as account ids in an account table).
    """

    kinds: dict
    synonyms: dict
    weak: dict = field(default_factory=dict)
    unique: str | None = None

    @property
    def columns(self):
        """The canonical columns, in order."""
        return tuple(self.kinds)

    @cached_property
    def tables(self):
        """The look-up tables of :func:`_recognise`, strongest first."""
        return [_lookup_table(self.synonyms, 1), _lookup_table(self.weak, 2)]


def _recognise(name, accounts, vocabulary=None):
    """Return ``(canonical, tier)`` for a file column name, or ``None``.

    A name with "%" ("DB %", "Umsatz in %") is a rate or a share, never one of the columns.
    """
    if "%" in str(name):
        return None
    tables = [_STRONG_KEYS, _WEAK_KEYS] + ([_WEAK_ACCOUNT_KEYS] if accounts else [])
    if vocabulary is not None:
        tables = vocabulary.tables
    keys = [_norm(name), _norm(name, plain=True)]
    # "Umsatz EUR", "Umsatz in TEUR", "Nettoumsatz (€)" -> as without the currency
    keys += [_CURRENCY_SUFFIX.sub("", k) for k in keys if _CURRENCY_SUFFIX.search(k)]
    for table in tables:
        for key in keys:
            if key and key in table:
                return table[key]
    return None


def _map_columns(names, columns, accounts, path, function, vocabulary=None):
    """The mapping ``{name in the file: canonical name}`` and notes on names not used.

    The user's ``columns=`` come first; every other file column is recognised by its
    name (:data:`SYNONYMS` before the weaker names), and two columns that look like the
    same canonical column are an error unless ``columns=`` settles it.
    """
    name = _display(path)
    mapping, taken = _given_mapping(names, columns, name, vocabulary)
    candidates = {}
    for n in names:
        if n in mapping:
            continue
        hit = _recognise(n, accounts, vocabulary)
        if hit is not None:
            candidates[n] = hit
    leftovers = _map_recognised(candidates, mapping, taken, name, path, function, vocabulary)
    notes = _map_leftovers(leftovers, candidates, mapping, taken)
    like = {_norm(m) for m in _MARGIN_LIKE}
    notes += [_t("margin_like", name=n) for n in names if n not in mapping and _norm(n) in like]
    used = {k: v for k, v in mapping.items() if v is not None}
    return used, notes


def _given_mapping(names, columns, name, vocabulary=None):
    """Check the user's ``columns=`` against the file: ``(mapping, {canonical: file column})``."""
    known = CANONICAL_COLUMNS if vocabulary is None else vocabulary.columns
    mapping = {}
    taken = {}
    if columns is None:
        return mapping, taken
    if not isinstance(columns, dict):
        raise ParameterError(_say("c_dict"))
    by_norm = {}
    for n in names:
        by_norm.setdefault(_norm(n), []).append(n)
    for source, target in columns.items():
        if target is not None and target not in known and _norm(target) in _MARGIN_TARGETS and not vocabulary:
            raise ParameterError(_t("margin_target", source=source, target=target))
        if target is not None and target not in known:
            close = difflib.get_close_matches(str(target), known, n=1)
            hint = _say("c_mean", close=close[0]) if close else ""
            raise ParameterError(_say("c_unknown", source=source, target=target, known=", ".join(known), hint=hint))
        if source in names:
            actual = source
        elif len(by_norm.get(_norm(source), [])) == 1:
            actual = by_norm[_norm(source)][0]
        else:
            raise MissingColumnError(_say("c_no_column", source=source, target=target, name=name,
                                          names=", ".join(map(repr, names))))
        if target is not None and target in taken:
            raise ParameterError(_say("c_both_map", first=taken[target], second=actual, target=target))
        mapping[actual] = target
        if target is not None:
            taken[target] = actual
    return mapping, taken


def _map_recognised(candidates, mapping, taken, name, path, function, vocabulary=None):
    """Map each free canonical column to the one file column recognised for it, strongest tier first.

    Adds to ``mapping`` and ``taken``; returns the recognised columns left over.
    """
    leftovers = []
    for canon in CANONICAL_COLUMNS if vocabulary is None else vocabulary.columns:
        if canon in taken:
            leftovers += [n for n, (c, _) in candidates.items() if c == canon]
            continue
        for tier in (1, 2):
            found = [n for n, (c, t) in candidates.items() if c == canon and t == tier]
            if len(found) > 1:
                raise DataFormatError(
                    _say("c_both_look", name=name, found=joined(map(repr, found)), canon=canon, function=function,
                         first=found[0]),
                    path=str(path),
                    column=found[0],
                )
            if found:
                mapping[found[0]] = canon
                taken[canon] = found[0]
                leftovers += [n for n, (c, t) in candidates.items() if c == canon and t > tier]
                break
    return leftovers


def _map_leftovers(leftovers, candidates, mapping, taken):
    """A weak name not used for its first choice takes its fallback if free; the rest get a note."""
    notes = []
    for n in leftovers:
        canon = candidates[n][0]
        fallback = _FALLBACK.get(canon)
        if fallback and fallback not in taken and candidates[n][1] == 2:
            mapping[n] = fallback
            taken[fallback] = n
        else:
            notes.append(_say("c_also", column=n, canon=canon, used=taken[canon]))
    return notes


def _missing_column_error(missing, names, mapping, path, function, vocabulary=None):
    name = _display(path)
    strong, weak = (SYNONYMS, _WEAK) if vocabulary is None else (vocabulary.synonyms, vocabulary.weak)
    unmapped = [n for n in names if n not in mapping]
    parts = [_say("m_none", name=name, missing=", ".join(repr(m) for m in missing))]
    parts.append(_say("m_found", names=", ".join(map(repr, names)) or _say("none")))
    example = None
    for canon in missing:
        accepted = list(strong.get(canon, ())) + list(weak.get(canon, ()))
        parts.append(_say("m_names", canon=canon, accepted=", ".join(accepted)))
        if canon == "revenue":
            parts.append(_say("m_compute"))
        if example is None:
            keys = {_norm(a): a for a in accepted}
            for n in unmapped:
                if difflib.get_close_matches(_norm(n), list(keys), n=1, cutoff=0.6):
                    example = (n, canon)
                    break
    source, canon = example or (_say("m_your_column"), missing[0])
    parts.append(_say("m_tell", function=function, name=name, source=source, canon=canon))
    return MissingColumnError(" ".join(parts))
