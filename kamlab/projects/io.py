"""Reading quote and project lists (CRM exports): :func:`read_projects`.

The reader is the readers' own machinery (:mod:`kamlab.data.readers`: dialect, cells, line
numbers, the report, ``errors=``) with the column vocabulary of quotes: ``project_id``,
``account_id``, ``quote_date``, ``quote_value``, ``competitors``, ``followups``,
``decision_date``, ``outcome``, ``order_value``, ``loss_reason`` (and, when the file has
them, ``name``, ``centre_id``, ``offering``, ``key_account_manager``,
``relationship_level``). The outcome is read from German or English words into
``"won"``, ``"lost"`` or ``"open"``; a word kamlab does not know is an error naming its
line and column.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from kamlab.data.readers.columns import SYNONYMS, ColumnVocabulary
from kamlab.data.readers.read import ReadResult, document_reader, read_table
from kamlab.errors import DataFormatError, ParameterError

__all__ = ["read_projects", "OUTCOMES", "OUTCOME_WORDS", "PROJECT_COLUMNS"]

#: The three outcomes of a quote.
OUTCOMES = ("won", "lost", "open")

#: The words read as each outcome (case, spaces, dashes and umlaut spelling do not matter).
OUTCOME_WORDS = {
    "won": ("won", "win", "closed won", "order", "order received", "gewonnen", "auftrag", "auftrag gewonnen",
            "auftrag erhalten", "auftrag erteilt", "beauftragt", "zuschlag", "zuschlag erhalten"),
    "lost": ("lost", "loss", "closed lost", "no order", "verloren", "auftrag verloren", "kein auftrag",
             "nicht beauftragt", "kein zuschlag", "absage", "abgesagt", "abgelehnt"),
    "open": ("open", "pending", "in progress", "in negotiation", "submitted", "offen", "in bearbeitung",
             "in verhandlung", "laufend", "ausstehend", "abgegeben"),
}

_NAMES = {
    "project_id": ("Angebotsnr.", "Angebotsnummer", "Angebots-Nr", "Angebots-ID", "Angebot", "Projektnr.",
                   "Projektnummer", "Projekt-Nr", "Quote ID", "Quote no", "Quote number", "Quote", "Quotation",
                   "Quotation no", "Quotation number", "Opportunity ID", "Project ID", "Project no"),
    "account_id": SYNONYMS["account_id"],
    "name": ("Kundenname", "Firma", "Firmenname", "Customer name", "Account name", "Company", "Company name"),
    "centre_id": ("Einkaufszentrum", "Buying Center", "Standort", "Werk", "Buying centre", "Centre ID",
                  "Center ID", "Site", "Plant"),
    "offering": ("Angebotsbereich", "Leistungsbereich", "Produktbereich", "Sparte", "Offering", "Product line",
                 "Business line"),
    "key_account_manager": SYNONYMS["key_account_manager"],
    "quote_date": ("Angebotsdatum", "Angebot vom", "Datum Angebot", "Quote date", "Quotation date",
                   "Date quoted"),
    "quote_value": ("Angebotswert", "Angebotssumme", "Angebotsbetrag", "Angebotsvolumen", "Quote value",
                    "Quotation value", "Quoted value", "Amount quoted", "Opportunity value"),
    "competitors": ("Wettbewerber", "Anzahl Wettbewerber", "Mitbewerber", "Anzahl Mitbewerber", "Konkurrenten",
                    "Competitors", "Number of competitors", "Competing suppliers"),
    "followups": ("Nachfassaktionen", "Nachfassen", "Nachfasskontakte", "Anzahl Nachfassaktionen", "Kontakte",
                  "Anzahl Kontakte", "Follow-ups", "Follow-up contacts", "Number of follow-ups", "Contacts"),
    "decision_date": ("Entscheidungsdatum", "Entscheidung", "Entschieden am", "Datum Entscheidung",
                      "Decision date", "Decided on", "Decision", "Close date", "Closing date"),
    "outcome": ("Status", "Ergebnis", "Angebotsstatus", "Gewonnen/verloren", "Outcome", "Result", "Won/lost"),
    "order_value": ("Auftragswert", "Auftragsvolumen", "Auftragssumme", "Order value", "Order amount",
                    "Won value", "Amount won"),
    "loss_reason": ("Verlustgrund", "Absagegrund", "Verlustursache", "Grund", "Loss reason", "Lost reason",
                    "Reason lost", "Reason"),
    "relationship_level": ("Beziehungsebene", "Beziehungsqualität", "Beziehung", "Relationship level",
                           "Relationship"),
}
_WEAK = {
    "account_id": ("Kunde", "Customer", "Account", "Client"),
    "project_id": ("Projekt", "Project", "Opportunity"),
}
_KINDS = {
    "project_id": "id", "account_id": "id", "name": "text", "centre_id": "id", "offering": "text",
    "key_account_manager": "text", "quote_date": "date", "quote_value": "number", "competitors": "number",
    "followups": "number", "decision_date": "date", "outcome": None, "order_value": "number",
    "loss_reason": "text", "relationship_level": "number",
}
#: The canonical columns of a quote table, in the order :func:`read_projects` returns them.
PROJECT_COLUMNS = tuple(_KINDS)


def _key(word):
    """A word as looked up: lower case, umlauts as ae/oe/ue, one space between words, no dashes."""
    text = unicodedata.normalize("NFC", str(word)).strip().casefold()
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return re.sub(r"[\s\-_/.]+", " ", text).strip()


def _outcome_parser(outcomes):
    """The kind of the outcome column: cells -> (``"won"``/``"lost"``/``"open"`` or NaN, reasons)."""
    words = {_key(w): o for o, ws in OUTCOME_WORDS.items() for w in ws}
    for word, outcome in (outcomes or {}).items():
        if outcome not in OUTCOMES:
            raise ParameterError(f"outcomes={{{word!r}: {outcome!r}}}: the outcome must be one of {OUTCOMES}.")
        words[_key(word)] = outcome
    understood = "; ".join(f"{o}: {', '.join(ws)}" for o, ws in OUTCOME_WORDS.items())

    def parse(text):
        keys = [_key(v) for v in text.to_numpy()]
        values = np.array([words.get(k, np.nan) if k else np.nan for k in keys], dtype=object)
        reasons = np.array(
            [None if (not k or k in words) else
             f"{v!r} is not an outcome kamlab understands ({understood}). Pass outcomes={{{v!r}: 'won'}} "
             "(or 'lost', 'open') to read it" for k, v in zip(keys, text.to_numpy())],
            dtype=object,
        )
        return values, reasons

    return parse


def _vocabulary(outcomes):
    kinds = {**_KINDS, "outcome": _outcome_parser(outcomes)}
    return ColumnVocabulary(kinds=kinds, synonyms=_NAMES, weak=_WEAK, unique="project_id")


@document_reader
def read_projects(
    path,
    columns=None,
    *,
    outcomes=None,
    encoding=None,
    sep=None,
    decimal=None,
    thousands=None,
    dayfirst=None,
    date_format=None,
    header_row=None,
    sheet_name=0,
    member=None,
    errors="raise",
    required=("project_id", "account_id", "quote_date", "outcome"),
    report=False,
    verbose=False,
):
    """Read a list of quotes and projects (one row per quote) from CSV, Excel or Parquet.

    German and English headers are recognised: "Angebotsnr."/"Angebot"/"Quote ID" ->
    ``project_id``, "Kundennr." -> ``account_id``, "Angebotsdatum" -> ``quote_date``,
    "Angebotswert" -> ``quote_value``, "Wettbewerber" -> ``competitors``,
    "Nachfassaktionen"/"Kontakte" -> ``followups``, "Entscheidung(sdatum)" ->
    ``decision_date``, "Status"/"Ergebnis" -> ``outcome``, "Auftragswert" -> ``order_value``,
    "Verlustgrund" -> ``loss_reason`` (all names: ``kamlab.projects.io._NAMES``).

    Parameters
    ----------
    {parameters}
    outcomes : dict, optional
        Further words for the outcome, ``{word: "won" | "lost" | "open"}``, e.g.
        ``{"storniert": "lost"}``. Understood without it: :data:`OUTCOME_WORDS` (won,
        gewonnen, Auftrag, Zuschlag; lost, verloren, kein Auftrag, Absage; open, offen,
        pending, in Verhandlung, ...).
    required : tuple of str, default=("project_id", "account_id", "quote_date", "outcome")
        Canonical columns that must be present and filled in every row.
    {tail}

    Returns
    -------
    pandas.DataFrame or ReadResult
        One row per quote: the canonical columns present (``project_id``, ``account_id``,
        ..., ``outcome`` as ``"won"``, ``"lost"`` or ``"open"``), then the file's other
        columns; the :class:`~kamlab.data.readers.ReadReport` in ``df.attrs["kamlab_report"]``.

    Raises
    ------
    DataFormatError
        A cell cannot be read, e.g. an outcome word kamlab does not know (the message names
        the line, the column and the words understood), a quote number appears twice, or a
        decision date lies before its quote date.
    MissingColumnError, EmptyDataError, ParameterError, FileNotFoundError
        As :func:`kamlab.read_transactions`.

    Notes
    -----
    {lines}

    Examples
    --------
    >>> import pathlib, tempfile, kamlab
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "angebote.csv"
    >>> _ = path.write_text("Angebotsnr.;Kundennr.;Angebotsdatum;Angebotswert;Status\\n"
    ...                     "A-1;K1;03.02.2025;12.500,00;gewonnen\\nA-2;K2;04.02.2025;8.000,00;offen\\n",
    ...                     encoding="utf-8")
    >>> df = kamlab.read_projects(path)
    >>> df[["project_id", "quote_value", "outcome"]].values.tolist()
    [['A-1', 12500.0, 'won'], ['A-2', 8000.0, 'open']]
    """
    frame, rep = read_table(
        path, columns, function="read_projects", accounts=False, vocabulary=_vocabulary(outcomes),
        encoding=encoding, sep=sep, decimal=decimal, thousands=thousands, dayfirst=dayfirst,
        date_format=date_format, header_row=header_row, sheet_name=sheet_name, errors=errors,
        required=required, verbose=verbose, member=member,
    )
    if "outcome" in frame:
        if "outcome" in required and frame["outcome"].isna().any():  # a typed (number/date) Parquet column
            source = next(s for s, c in rep.columns.items() if c == "outcome")
            raise DataFormatError(f"{path}: column {source!r} holds numbers or dates, not outcome words (won, lost, "
                                  "open, gewonnen, verloren, offen, ...). Write them as words first.",
                                  path=str(path), column=source)
        frame["outcome"] = pd.Categorical(frame["outcome"], categories=OUTCOMES)
    for count in ("competitors", "followups"):  # whole numbers as integers (missing allowed)
        if count in frame and (frame[count].dropna() % 1 == 0).all():
            frame[count] = frame[count].astype("Int64")
    _check_dates(frame, path)
    return ReadResult(frame, rep) if report else frame


def _check_dates(frame, path):
    """A decision cannot come before its quote."""
    if not {"quote_date", "decision_date"} <= set(frame.columns):
        return
    early = (frame["decision_date"] < frame["quote_date"]).to_numpy()
    if early.any():
        i = int(np.flatnonzero(early)[0])
        pid = frame["project_id"].iloc[i] if "project_id" in frame else i
        raise DataFormatError(
            f"{path}: quote {pid!r} was decided on {frame['decision_date'].iloc[i]:%Y-%m-%d}, before it was "
            f"sent ({frame['quote_date'].iloc[i]:%Y-%m-%d}); {int(early.sum())} quote(s) so. Check the dates.",
            path=str(path), column="decision_date", value=frame["decision_date"].iloc[i],
            n_more=int(early.sum()) - 1,
        )
