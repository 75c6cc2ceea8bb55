"""The client report's words and numbers in German and English: titles, sentences, column kinds, formats.

Every sentence the report shows is a pair (English, German) in :data:`TEXTS`; numbers in it are
formatted the way the report's language writes them (German ``1.234,56 €`` and ``12,3 %``,
English ``€1,234.56`` and ``12.3%``). :func:`column_kind` tells the writers how to show a column
of the report's tables (money, percent, count, number, date, text), so Excel, HTML and slides
agree without each guessing.
"""

from __future__ import annotations

__all__ = ["TEXTS", "REPORT_LABELS", "register", "text", "money", "percent", "number", "count", "date",
           "column_kind", "fmt_cell"]

#: Labels of the report's own columns and concepts (kamlab's label table knows the others).
REPORT_LABELS = {
    "unit_id": ("Account or group", "Kunde oder Konzern"),
    "level": ("Level", "Ebene"),
    "level_group": ("customer group", "Konzern"),
    "level_account": ("account", "Kunde"),
    "entities": ("Entities", "Gesellschaften"),
    "reasons": ("Why a key account", "Warum Key Account"),
    "figure": ("Key figure", "Kennzahl"),
    "value": ("Value", "Wert"),
    "unit": ("Unit", "Einheit"),
    "measure": ("Measure", "Kennzahl"),
    "n_on_list": ("On the list", "Auf der Liste"),
    "covered_of_positive": ("Share covered", "Abgedeckter Anteil"),
    "level_name": ("Level", "Stufe"),
    "amount": ("Amount", "Betrag"),
    "rate": ("Rate", "Quote"),
    "item": ("Item", "Punkt"),
    "whitespace_value": ("Expected value of whitespace", "Erwartungswert weißer Flecken"),
    "days_since_quote": ("Days since the quote", "Tage seit Angebot"),
    "days_since_contact": ("Days since the last contact", "Tage seit letztem Kontakt"),
    "quote_value": ("Quote value", "Angebotswert"),
    "quote_date": ("Quote date", "Angebotsdatum"),
    "followups": ("Follow-ups", "Nachfassaktionen"),
    "quadrant": ("Quadrant", "Quadrant"),
    "plan_revenue": ("Revenue", "Umsatz"),
}

#: Every sentence of the report: key -> (English, German); ``{...}`` fields are filled with formatted numbers.
TEXTS = {
    "title": ("Key-account analysis", "Key-Account-Analyse"),
    "period": ("{start} to {end}", "{start} bis {end}"),
    # section titles
    "key_accounts": ("Key accounts", "Key Accounts"),
    "overview": ("Key figures", "Kennzahlen"),
    "abc": ("ABC analysis", "ABC-Analyse"),
    "concentration": ("Concentration", "Konzentration"),
    "cascade": ("Contribution-margin cascade", "Deckungsbeitragsrechnung"),
    "revenue_vs_margin": ("Revenue against contribution margin", "Umsatz gegen Deckungsbeitrag"),
    "portfolio": ("Customer portfolio", "Kundenportfolio"),
    "potential": ("Potential: share of wallet and whitespace", "Potenzial: Lieferanteil und weiße Flecken"),
    "followup": ("Open quotes and follow-up", "Offene Angebote und Nachfassen"),
    "plans": ("Account plans of the top key accounts", "Kundenpläne der wichtigsten Key Accounts"),
    "method": ("Method", "Methodik"),
    # sentences
    "ka_text": ("{n_key} of {n_units} {units} are key accounts: each is on at least one list of the {units} that "
                "together hold {share} of {measures} (the OR rule of kamlab.key_accounts). Together they have "
                "{revenue} revenue, {revenue_share} of the total.",
                "{n_key} von {n_units} {units} sind Key Accounts: Jeder steht auf mindestens einer Liste der "
                "{units}, die zusammen {share} von {measures} ausmachen (ODER-Regel von kamlab.key_accounts). "
                "Zusammen haben sie {revenue} Umsatz, {revenue_share} des Gesamtumsatzes."),
    "units_grouped": ("accounts and customer groups", "Kunden und Konzerne"),
    "units_accounts": ("accounts", "Kunden"),
    "ka_groups": ("Customer groups are counted as one unit ({n_groups} groups with {n_entities} entities; "
                  "kamlab.rollup).",
                  "Konzerne zählen als eine Einheit ({n_groups} Konzerne mit {n_entities} Gesellschaften; "
                  "kamlab.rollup)."),
    "reason": ("{measure} (rank {rank})", "{measure} (Rang {rank})"),
    "and": ("and", "und"),
    "ov_text": ("{n_accounts} accounts bought in the period {period}, for {revenue} revenue in total.",
                "{n_accounts} Kunden haben im Zeitraum {period} gekauft, zusammen für {revenue} Umsatz."),
    "ov_margin": ("Contribution margin I (revenue minus the standard manufacturing cost): {margin} ({rate}).",
                  "Deckungsbeitrag I (Umsatz minus (Standard-)Herstellkosten): {margin} ({rate})."),
    "abc_text": ("Class A: {n_a} {units} ({share_a} of them) hold {value_a} of revenue; thresholds {thresholds} of "
                 "the cumulative share (rule 'cover').",
                 "Klasse A: {n_a} {units} ({share_a} davon) bringen {value_a} des Umsatzes; Schwellen {thresholds} "
                 "des kumulierten Anteils (Regel 'cover')."),
    "abc_db_text": ("By {measure}, class A has {n_a} {units}.", "Nach {measure} umfasst Klasse A {n_a} {units}."),
    "conc_text": ("The top 20 % of the {units} hold {top20} of revenue; {n50} {units} make half of it. Gini "
                  "coefficient {gini}.",
                  "Die größten 20 % der {units} bringen {top20} des Umsatzes; {n50} {units} machen die Hälfte. "
                  "Gini-Koeffizient {gini}."),
    "cascade_text": ("From {revenue} revenue, {db1} remain as CM I ({db1_rate} of net revenue) and {db4} as CM IV "
                     "({db4_rate}) after the cost to serve.",
                     "Von {revenue} Umsatz bleiben {db1} als DB I ({db1_rate} des Nettoerlöses) und nach den "
                     "kundenbezogenen Kosten {db4} als DB IV ({db4_rate})."),
    "cascade_skipped": ("No cost-to-serve table given: the report has contribution margin I (DB I) only, no cascade "
                        "down to CM IV.",
                        "Keine Tabelle der kundenbezogenen Kosten (Cost to Serve): Der Bericht zeigt nur den "
                        "Deckungsbeitrag I, keine Deckungsbeitragsrechnung bis DB IV."),
    "cascade_failed": ("The cost table cannot make the cascade ({error}): contribution margin I only.",
                       "Aus der Kostentabelle lässt sich keine Deckungsbeitragsrechnung bilden ({error}): nur DB I."),
    "no_cost": ("The invoice lines have no cost (manufacturing cost or cost of goods): no contribution margin, only revenue.",
                "Die Rechnungszeilen haben keine Kosten (Herstellkosten oder Wareneinsatz): kein Deckungsbeitrag, nur Umsatz."),
    "rvm_text": ("{n_same} of {n_units} {units} have the same ABC class by revenue and by {measure}; {n_aa} are "
                 "A on both.",
                 "{n_same} von {n_units} {units} haben nach Umsatz und nach {measure} dieselbe ABC-Klasse; "
                 "{n_aa} sind auf beiden A."),
    "pf_text": ("{n_units} {units} with ratings placed by customer attractiveness and supplier position "
                "(split at the median); {n_key} in the key-account quadrant ({quadrant}).",
                "{n_units} bewertete {units} nach Kundenattraktivität und Lieferantenposition eingeordnet "
                "(Trennung am Median); {n_key} im Key-Account-Quadranten ({quadrant})."),
    "pf_weights": ("Scoring models: {source}.", "Scoring-Modelle: {source}."),
    "pf_default": ("kamlab's documented default models (notebook 04, kamlab.plans)",
                   "die dokumentierten Standardmodelle von kamlab (Notebook 04, kamlab.plans)"),
    "pf_given": ("the weights passed", "die übergebenen Gewichte"),
    "pf_skipped": ("No ratings given: no portfolio.", "Keine Bewertungen (Ratings) angegeben: kein Portfolio."),
    "pf_missing": ("The ratings have no column {column!r}: no portfolio.",
                   "Die Bewertungen haben keine Spalte {column!r}: kein Portfolio."),
    "pot_text": ("Estimated headroom (wallet minus revenue, 90 % quantile of comparable accounts): {headroom}; "
                 "expected value of offerings not yet sold: {whitespace}.",
                 "Geschätztes ungenutztes Potenzial (Kundenpotenzial minus Umsatz, 90-%-Quantil vergleichbarer Kunden): "
                 "{headroom}; Erwartungswert noch nicht verkaufter Angebote: {whitespace}."),
    "pot_skipped": ("No firmographics ({missing}) and offerings: no wallet or whitespace estimate.",
                    "Keine Firmendaten ({missing}) und Angebotsbereiche: keine Schätzung von Bedarf und weißen "
                    "Flecken."),
    "fu_text": ("{n_open} open quotes worth {value}; the win rate of the quotes decided in {year} is {rate}.",
                "{n_open} offene Angebote im Wert von {value}; die Gewinnquote der {year} entschiedenen "
                "Angebote beträgt {rate}."),
    "fu_skipped": ("No projects (quotes) given: no follow-up list.",
                   "Keine Projekte (Angebote) angegeben: keine Nachfassliste."),
    "plans_text": ("Account plans of the {n} biggest key accounts by revenue; the profile (Kundensteckbrief) of "
                   "each follows.",
                   "Kundenpläne der {n} umsatzstärksten Key Accounts; es folgt jeweils der Kundensteckbrief."),
    "plans_skipped": ("Account plans need the accounts, the invoice lines with offerings and the cost to serve "
                      "({missing} missing).",
                      "Kundenpläne brauchen Kunden, Rechnungszeilen mit Angebotsbereichen und Kosten "
                      "({missing} fehlt)."),
    "plans_none": ("top_plans=0: no account plans.", "top_plans=0: keine Kundenpläne."),
    "method_text": ("Thresholds, definitions and sources of every figure in this report.",
                    "Schwellenwerte, Definitionen und Quellen jeder Zahl dieses Berichts."),
    "pseudonymized": ("Names and ids are pseudonymised (keyed hash).",
                      "Namen und Nummern sind pseudonymisiert (Schlüssel-Hash)."),
    "source": ("Source", "Quelle"),
    "data_as_of": ("Data as of", "Datenstand"),
    "rows_shown": ("The first {shown} of {total} rows; all rows are in the Excel and CSV files.",
                   "Die ersten {shown} von {total} Zeilen; alle Zeilen stehen in den Excel- und CSV-Dateien."),
    "skipped": ("Not available", "Nicht verfügbar"),
    "contents": ("Contents", "Inhalt"),
}


def register():
    """Add :data:`REPORT_LABELS` to kamlab's labels (keys kamlab labels already are left as they are)."""
    from kamlab._util.labels import has_label, register_labels

    register_labels({k: v for k, v in REPORT_LABELS.items() if not has_label(k) or k in ("unit_id", "reasons")})


def text(key, lang, **values):
    """The sentence ``key`` in ``lang`` ("en" or "de") with ``values`` filled in.

    Examples
    --------
    >>> text("reason", "de", measure="Umsatz", rank=3)
    'Umsatz (Rang 3)'
    """
    english, german = TEXTS[key]
    return (german if lang == "de" else english).format(**values)


def _missing(value):
    import pandas as pd

    try:
        return bool(pd.isna(value)) if not isinstance(value, str) else False
    except (TypeError, ValueError):  # a list or array: not one missing value
        return False


def _german(text_):
    return text_.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number(value, lang, decimals=2):
    """A number with thousands separators: German ``1.234,56``, English ``1,234.56``; missing is ``–``.

    Examples
    --------
    >>> number(-1234.5, "de"), number(1234.5, "en", 1)
    ('-1.234,50', '1,234.5')
    """
    if _missing(value):
        return "–"
    out = f"{float(value):,.{decimals}f}"
    return _german(out) if lang == "de" else out


def money(value, lang, decimals=2):
    """An amount in euros: German ``1.234,56 €``, English ``€1,234.56``.

    Examples
    --------
    >>> money(1234.56, "de"), money(-1234.56, "en"), money(2500000, "de", 0)
    ('1.234,56 €', '-€1,234.56', '2.500.000 €')
    """
    if _missing(value):
        return "–"
    if lang == "de":
        return number(value, lang, decimals) + " €"
    sign = "-" if float(value) < 0 else ""
    return f"{sign}€{number(abs(float(value)), lang, decimals)}"


def percent(share, lang, decimals=1):
    """A share as a percentage: German ``12,3 %``, English ``12.3%``.

    Examples
    --------
    >>> percent(0.1234, "de"), percent(0.1234, "en")
    ('12,3 %', '12.3%')
    """
    if _missing(share):
        return "–"
    out = number(float(share) * 100, lang, decimals)
    return out + (" %" if lang == "de" else "%")


def count(n, lang):
    """A whole number: German ``1.234``, English ``1,234``."""
    return number(n, lang, 0)


def date(value, lang):
    """A day: German ``31.12.2025``, English ``2025-12-31``."""
    import pandas as pd

    if _missing(value) or value is pd.NaT:
        return "–"
    day = pd.Timestamp(value)
    return day.strftime("%d.%m.%Y") if lang == "de" else day.strftime("%Y-%m-%d")


_MONEY = ("revenue", "cost", "contribution_margin", "net_revenue", "db1", "db2", "db3", "db4", "wallet", "headroom",
          "discounts_rebates", "marketing", "sales_visits", "order_handling", "logistics", "technical_service",
          "target_revenue", "target_contribution_margin", "expected_value", "potential", "gap", "quote_value",
          "open_value", "amount", "smallest", "value_decided", "value_won", "whitespace_value", "revenue_last_12m",
          "revenue_prev_12m", "plan_revenue")
_COUNTS = ("accounts", "entities", "orders", "credit_notes", "lines", "n_quotes", "n_open", "n_decided", "n_won",
           "n_lost", "followups", "competitors", "days_since_quote", "days_since_contact", "recency_days",
           "tenure_days", "n_on_list", "active_months", "n_offerings", "n_countries")


def column_kind(name, values=None):
    """How a column of the report's tables is shown: "money", "percent", "count", "number", "date", "bool" or "text".

    Decided by kamlab's column names (``revenue``, ``db4``, ``*_rate``, ``share*``, ``rank_*``, ...) and,
    for other columns, by the dtype of ``values`` (a pandas Series).

    Examples
    --------
    >>> column_kind("db4"), column_kind("margin_rate"), column_kind("rank_revenue"), column_kind("name")
    ('money', 'percent', 'count', 'text')
    """
    import pandas as pd

    key = str(name)
    if values is not None:
        if pd.api.types.is_bool_dtype(values):
            return "bool"
        if pd.api.types.is_datetime64_any_dtype(values):
            return "date"
        if not pd.api.types.is_numeric_dtype(values):
            return "text"
    if key in _MONEY:
        return "money"
    if (key.endswith("_rate") or key.startswith(("share", "cumulative_share", "win_rate", "value_win_rate"))
            or key in ("growth", "rate", "covered_of_positive", "propensity", "hhi", "gini", "target_growth")
            or key.startswith("share_top")):
        return "percent" if key not in ("gini", "hhi") else "number"
    if key in _COUNTS or key.startswith(("rank", "n_", "accounts_for")):
        return "count"
    if values is None:
        return "text"
    return "count" if pd.api.types.is_integer_dtype(values) else "number"


def fmt_cell(kind, value, lang):
    """One cell as text in ``lang`` by its :func:`column_kind` (money, percent, ...); missing is ``–``.

    Examples
    --------
    >>> fmt_cell("money", 1234.56, "de"), fmt_cell("percent", 0.5, "en"), fmt_cell("text", "A", "de")
    ('1.234,56 €', '50.0%', 'A')
    """
    if kind == "text":
        return "" if _missing(value) else str(value)
    if kind == "bool":
        if _missing(value):
            return "–"
        yes_no = {"de": ("ja", "nein"), "en": ("yes", "no")}[lang if lang == "de" else "en"]
        return yes_no[0] if bool(value) else yes_no[1]
    if kind == "date":
        return date(value, lang)
    if _missing(value):
        return "–"
    if isinstance(value, str):
        return value
    if kind == "money":
        return money(value, lang)
    if kind in ("percent", "share"):
        return percent(value, lang)
    if kind == "count":
        return count(value, lang)
    return number(value, lang, 2 if abs(float(value)) < 1000 else 0)
