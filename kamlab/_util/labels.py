"""German and English labels for plots and tables.

kamlab speaks English by default. ``kamlab.set_language("de")`` switches every
label that plots, tables and widgets take from here to German.

Examples
--------
>>> import kamlab
>>> kamlab.set_language("de")
>>> kamlab.label("revenue")
'Umsatz'
>>> kamlab.set_language("en")
>>> kamlab.label("revenue")
'Revenue'
"""

from __future__ import annotations

from kamlab.config import LANGUAGES, get_language, language, set_language
from kamlab.errors import ParameterError

__all__ = ["set_language", "get_language", "label", "language", "translate_columns", "LANGUAGES"]


# key -> (English, German). Keys are kamlab's canonical column and concept names.
_LABELS = {
    # columns of the canonical invoice lines and the account table
    "account_id": ("Account ID", "Kundennummer"),
    "account": ("Account", "Kunde"),
    "accounts": ("Accounts", "Kunden"),
    "name": ("Name", "Name"),
    "date": ("Date", "Datum"),
    "invoice_id": ("Invoice", "Rechnungsnummer"),
    "product": ("Product", "Produkt"),
    "offering": ("Offering", "Angebotsbereich"),
    "product_group": ("Product group", "Produktgruppe"),
    "quantity": ("Quantity", "Menge"),
    "unit_price": ("Unit price", "Stückpreis"),
    "revenue": ("Revenue", "Umsatz"),
    "net_revenue": ("Net revenue", "Nettoerlös"),
    "cost": ("Manufacturing cost (standard)", "(Standard-)Herstellkosten"),
    "contribution_margin": ("Contribution margin", "Deckungsbeitrag"),
    "margin_rate": ("Margin rate", "DB-Quote"),
    "net_revenue_after_rebates": ("Net revenue (after year-end bonuses)", "Nettoerlös (nach Boni)"),
    "discounts_rebates": ("Year-end bonuses", "Nachträgliche Erlösschmälerungen (Boni)"),
    "marketing": ("Marketing", "Marketing"),
    "sales_visits": ("Sales visits", "Außendienstbesuche"),
    "order_handling": ("Order handling", "Auftragsabwicklung"),
    "logistics": ("Logistics", "Logistik"),
    "technical_service": ("Technical service", "Technischer Service"),
    "db1": ("CM I", "DB I"),
    "db2": ("CM II", "DB II"),
    "db3": ("CM III", "DB III"),
    "db4": ("CM IV", "DB IV"),
    "db1_rate": ("CM I rate", "DB-I-Quote"),
    "db2_rate": ("CM II rate", "DB-II-Quote"),
    "db3_rate": ("CM III rate", "DB-III-Quote"),
    "db4_rate": ("CM IV rate", "DB-IV-Quote"),
    "gini": ("Gini coefficient", "Gini-Koeffizient"),
    "hhi": ("Herfindahl-Hirschman index", "Herfindahl-Hirschman-Index"),
    "lorenz_curve": ("Lorenz curve", "Lorenzkurve"),
    "pareto_chart": ("Pareto chart", "Pareto-Diagramm"),
    "abc_before": ("Class before", "Klasse vorher"),
    "abc_after": ("Class after", "Klasse nachher"),
    "rule": ("Rule", "Regel"),
    "thresholds": ("Thresholds", "Schwellenwerte"),
    "period": ("Period", "Zeitraum"),
    "orders": ("Orders", "Aufträge"),
    "credit_notes": ("Credit notes", "Gutschriften"),
    "first_order": ("First order", "Erster Auftrag"),
    "last_order": ("Last order", "Letzter Auftrag"),
    "recency_days": ("Recency (days)", "Tage seit letztem Auftrag"),
    "tenure_days": ("Tenure (days)", "Kundenalter (Tage)"),
    "active_months": ("Active months", "Aktive Monate"),
    "n_offerings": ("Offerings bought", "Gekaufte Angebotsbereiche"),
    "revenue_last_12m": ("Revenue, last 12 months", "Umsatz letzte 12 Monate"),
    "revenue_prev_12m": ("Revenue, 12 months before", "Umsatz 12 Monate davor"),
    "growth": ("Growth", "Wachstum"),
    "industry": ("Industry", "Branche"),
    "country": ("Country", "Land"),
    "region": ("Region", "Region"),
    "employees": ("Employees", "Mitarbeiter"),
    "key_account_manager": ("Key-account manager", "Key-Account-Manager"),
    "account_manager": ("Account manager", "Kundenverantwortlicher"),
    "territory_manager": ("Territory manager", "Gebietsverkaufsleiter"),
    "manager_role": ("Role", "Rolle"),
    "managed_since": ("Managed since", "Betreut seit"),
    "group_id": ("Group", "Konzern"),
    "group_name": ("Group name", "Konzernname"),
    "entities": ("Entities", "Gesellschaften"),
    "countries": ("Countries", "Länder"),
    "n_countries": ("Number of countries", "Anzahl Länder"),
    "standalone": ("Standalone account", "Einzelkunde ohne Konzern"),
    "unit_id": ("Account or group", "Kunde oder Konzern"),
    "unit_level": ("Level", "Ebene"),
    "target_revenue": ("Target revenue", "Ziel-Umsatz"),
    "target_contribution_margin": ("Target CM I", "Ziel-DB I"),
    "share": ("Share", "Anteil"),
    "cumulative_share": ("Cumulative share", "Kumulierter Anteil"),
    "share_of_accounts": ("Share of accounts", "Anteil der Kunden"),
    "share_of_ranked": ("Share of ranked", "Anteil der klassierten Kunden"),
    "share_of_revenue": ("Share of revenue", "Umsatzanteil"),
    "top_share": ("Top accounts (%)", "Top-Kunden (%)"),
    "rank": ("Rank", "Rang"),
    "abc": ("ABC class", "ABC-Klasse"),
    "segment": ("Segment", "Segment"),
    "wallet": ("Wallet", "Kundenpotenzial (Bedarfsvolumen)"),
    "share_of_wallet": ("Share of wallet", "Lieferanteil (Share of Wallet)"),
    "headroom": ("Headroom", "Ungenutztes Potenzial"),
    "potential": ("Potential", "Potenzial"),
    "attractiveness": ("Customer attractiveness", "Kundenattraktivität"),
    "supplier_position": ("Supplier position", "Lieferantenposition"),
    # portfolio: criteria of the case company's ratings, charts and the portfolio explorer (notebook 04)
    "position": ("Supplier position", "Lieferantenposition"),
    "growth_potential": ("Growth potential", "Wachstumspotenzial"),
    "cooperation_potential": ("Cooperation potential", "Kooperationspotenzial"),
    "price_enforcement": ("Price enforcement", "Preisdurchsetzung"),
    "reference_value": ("Reference value", "Referenzwert"),
    "solvency": ("Solvency", "Bonität"),
    "satisfaction": ("Satisfaction", "Zufriedenheit"),
    "relationship_level": ("Relationship level", "Beziehungsebene"),
    "service_quality": ("Service quality", "Servicequalität"),
    "proximity": ("Proximity", "Nähe"),
    "n_competitors": ("Competing suppliers", "Wettbewerber"),
    "quadrant": ("Quadrant", "Quadrant"),
    "strategy": ("Strategy", "Strategie"),
    "vocabulary": ("Quadrant names", "Quadrantennamen"),
    "language": ("Language", "Sprache"),
    "weight": ("Weight", "Gewicht"),
    "weights": ("Weights", "Gewichte"),
    "weighted_contribution": ("Weighted contribution to the score", "Gewichteter Beitrag zum Punktwert"),
    "bubble_size": ("Bubble size", "Blasengröße"),
    "stability": ("Stability", "Stabilität"),
    "flips": ("Changes quadrant", "Wechselt den Quadranten"),
    "keeps_quadrant": ("Keeps its quadrant", "Bleibt im Quadranten"),
    "base_weights": ("Base weights", "Ausgangsgewichte"),
    "weight_range": ("Range over the weight scenarios", "Spannweite über die Gewichtsszenarien"),
    "rank_range": ("Rank (1 = most attractive)", "Rang (1 = am attraktivsten)"),
    "from_quadrant": ("From", "Von"),
    "to_quadrant": ("To", "Nach"),
    "moved_accounts": ("Accounts that changed quadrant", "Kunden mit neuem Quadranten"),
    "reset_weights": ("Reset weights", "Gewichte zurücksetzen"),
    "priority": ("Priority", "Priorität"),
    "year": ("Year", "Jahr"),
    "month": ("Month", "Monat"),
    "key_accounts": ("Key accounts", "Schlüsselkunden"),
    "n_accounts": ("Number of accounts", "Anzahl Kunden"),
    "total": ("Total", "Gesamt"),
    "rows_read": ("Rows read", "Gelesene Zeilen"),
    "rows_kept": ("Rows kept", "Übernommene Zeilen"),
    "rows_set_aside": ("Rows set aside", "Zurückgestellte Zeilen"),
    "date_range": ("Date range", "Zeitraum"),
    "line": ("Line", "Zeile"),
    "column": ("Column", "Spalte"),
    "value": ("Value", "Wert"),
    "reason": ("Reason", "Grund"),
    # ABC charts and the ABC explorer (notebook 02)
    "share_of_value": ("Share of value", "Wertanteil"),
    "smallest": ("Smallest value", "Kleinster Wert"),
    "amount": ("Amount", "Betrag"),
    "sales_costs": ("Sales costs", "Vertriebskosten"),
    "logistics_service": ("Logistics and service", "Logistik und Service"),
    "accounts_by_rank": ("Accounts, biggest first", "Kunden, größte zuerst"),
    "share_of_accounts_ascending": ("Share of accounts, smallest first", "Anteil der Kunden, kleinste zuerst"),
    "equality_line": ("Line of equality", "Gleichverteilungsgerade"),
    "rule_cover": ("cover: up to the account that reaches it", "cover: bis zum Kunden, der sie erreicht"),
    "rule_within": ("within: only accounts at or below it", "within: nur Kunden bis zur Schwelle"),
    "none (≤ 0)": ("none (≤ 0)", "keine (≤ 0)"),
    "new": ("new", "neu"),
    "lost": ("lost", "verloren"),
    # potential, whitespace and customer value: charts and explorers (notebook 05)
    "full_share_of_wallet": ("Share of wallet 100 %", "Lieferanteil 100 %"),
    "biggest_headroom": ("Headroom (the biggest)", "Ungenutztes Potenzial (die größten)"),
    "gap": ("Gap (potential − revenue)", "Lücke (Potenzial − Umsatz)"),
    "expected_value": ("Expected value (propensity × gap)", "Erwartungswert (Kaufneigung × Lücke)"),
    "propensity": ("Propensity", "Kaufneigung"),
    "whitespace": ("Whitespace", "Weiße Flecken"),
    "served": ("Hatched: we sell this offering there", "Schraffiert: wir liefern dieses Angebot dort"),
    "cell_values": ("Cells show", "Zellen zeigen"),
    "top_accounts": ("Accounts shown", "Gezeigte Kunden"),
    "probability_alive": ("P(alive)", "P(aktiv)"),
    "alive": ("Alive", "Aktiv"),
    "dropped": ("Dropped out", "Abgewandert"),
    "clv": ("Customer lifetime value (CLV)", "Kundenlebenszeitwert (CLV)"),
    "share_of_clv": ("Cumulative share of CLV", "Kumulierter Anteil am Kundenwert"),
    "accounts_by_clv": ("Share of accounts, highest CLV first", "Anteil der Kunden, höchster Kundenwert zuerst"),
    "median": ("Median", "Median"),
    "quantile": ("Quantile", "Quantil"),
    "method": ("Method", "Methode"),
    "group": ("Group", "Gruppe"),
    "all": ("All", "Alle"),
    "coverage": ("Coverage", "Abdeckung"),
    "pinball_loss": ("Pinball loss", "Pinball-Verlust"),
    # segmentation: charts and the segment explorer (notebook 03)
    "n_segments": ("Number of segments k", "Anzahl der Segmente k"),
    "inertia": ("Inertia (sum of squares within segments)", "Inertia (Quadratsumme in den Segmenten)"),
    "elbow": ("Elbow", "Knick (Elbow)"),
    "silhouette": ("Silhouette", "Silhouettenkoeffizient"),
    "calinski_harabasz": ("Calinski–Harabasz", "Calinski-Harabasz"),
    "davies_bouldin": ("Davies–Bouldin", "Davies-Bouldin"),
    "bic": ("BIC", "BIC"),
    "higher_is_better": ("higher is better", "höher ist besser"),
    "lower_is_better": ("lower is better", "niedriger ist besser"),
    "index_scaled": ("Index scaled: best k = 1, worst k = 0", "Index skaliert: bestes k = 1, schlechtestes k = 0"),
    "recommended_k": ("Recommended k", "Empfohlenes k"),
    "z_score": ("z-score: standard deviations from the average account",
                "z-Wert: Standardabweichungen vom Durchschnittskunden"),
    "average_account": ("Average account", "Durchschnittskunde"),
    "principal_component": ("Principal component {n} ({share} of the variance)",
                            "Hauptkomponente {n} ({share} der Varianz)"),
    "segment_centre": ("Segment centre", "Segmentzentrum"),
    "noise": ("No segment (noise)", "Kein Segment (Rauschen)"),
    "revenue_share": ("Share of revenue", "Umsatzanteil"),
    "db4_share": ("Share of CM IV", "Anteil am DB IV"),
    "contribution_margin_share": ("Share of contribution margin", "Anteil am Deckungsbeitrag"),
    "features": ("Features", "Merkmale"),
    "auto_k": ("choose k automatically", "k automatisch wählen"),
    "kmeans": ("k-means", "k-Means"),
    "gmm": ("Gaussian mixture", "Gauß-Mischmodell"),
    "ward": ("Ward (hierarchical)", "Ward (hierarchisch)"),
    "service_share": ("Service share of revenue", "Service-Anteil am Umsatz"),
    "project_share": ("Engineering and controls share of revenue", "Anteil Engineering und Steuerungen am Umsatz"),
    # projects and follow-up (kamlab.projects). One German term per concept: Angebot, Auftrag
    # gewonnen/verloren, Nachfassen, Erfolgsquote, Verlustgrund, Wettbewerber, Entscheidungsdauer
    "project_id": ("Quote", "Angebot"),
    "quote": ("Quote", "Angebot"),
    "quotes": ("Quotes", "Angebote"),
    "n_quotes": ("Quotes", "Angebote"),
    "quote_date": ("Quote date", "Angebotsdatum"),
    "quote_value": ("Quote value", "Angebotswert"),
    "p_win": ("Win probability", "Erfolgswahrscheinlichkeit"),
    "p_win_next": ("… after one more follow-up", "… nach einem weiteren Nachfassen"),
    "gain": ("Gain", "Zuwachs"),
    "followup_value": ("Value of one more follow-up", "Wert eines weiteren Nachfassens"),
    "days_since_quote": ("Days since the quote", "Tage seit dem Angebot"),
    "days_since_contact": ("Days since the last contact", "Tage seit dem letzten Kontakt"),
    "competitors": ("Competitors", "Wettbewerber"),
    "followups": ("Follow-ups (Nachfassen)", "Nachfassen (Kontakte)"),
    "decision_date": ("Decision date", "Entscheidungsdatum"),
    "outcome": ("Outcome", "Ergebnis"),
    "outcome_won": ("Won", "Auftrag gewonnen"),
    "outcome_lost": ("Lost", "Auftrag verloren"),
    "outcome_open": ("Open", "Offen"),
    "order_value": ("Order value", "Auftragswert"),
    "loss_reason": ("Loss reason", "Verlustgrund"),
    "win_rate": ("Win rate", "Erfolgsquote"),
    "value_win_rate": ("Win rate by value", "Erfolgsquote nach Wert"),
    "days_to_decision": ("Days to decision", "Entscheidungsdauer (Tage)"),
    "time_to_decision": ("Time to decision", "Entscheidungsdauer"),
    "still_open": ("Share of quotes still open", "Anteil noch offener Angebote"),
    "median_days": ("Median days to decision", "Mediane Entscheidungsdauer (Tage)"),
    "confidence_band": ("{share} confidence band", "{share}-Konfidenzband"),
    "confidence_interval": ("{share} confidence interval", "{share}-Konfidenzintervall"),
    "role": ("Buying-centre role", "Rolle im Buying Center"),
    "quarter": ("Quarter", "Quartal"),
    "centre_id": ("Buying centre", "Buying Center (Einkaufsgremium)"),
    "price": ("Price", "Preis"),
    "technology": ("Technology", "Technik"),
    "relationship": ("Relationship", "Beziehung"),
    "cancelled": ("Project cancelled", "Projekt abgesagt"),
    "unknown": ("Unknown", "Unbekannt"),
}


def label(key, language=None):
    """Return the label of ``key`` in the current (or the given) language.

    Unknown keys come back as they are with underscores turned into spaces and a
    capital first letter, so a user's own column still gets a readable label.

    Parameters
    ----------
    key : str
        A canonical column or concept name, such as ``"revenue"``.
    language : {"en", "de"}, optional
        Overrides the current language for this call.
    """
    code = get_language() if language is None else str(language).lower()
    if code not in LANGUAGES:
        raise ParameterError(f"Unknown language {language!r}; use 'en' or 'de'.")
    pair = _LABELS.get(key) or _composed(key)
    if pair is None:
        text = str(key).replace("_", " ")
        return text[:1].upper() + text[1:]
    return pair[LANGUAGES.index(code)]


# per-measure columns (kamlab.key_accounts, abc_compare): "rank_db4" is "Rank by CM IV" / "Rang nach DB IV"
_PREFIXES = (
    ("cumulative_share_", ("Cumulative share of {}", "Kumulierter Anteil {}")),
    ("share_", ("Share of {}", "Anteil {}")),
    ("rank_", ("Rank by {}", "Rang nach {}")),
    ("on_", ("On the {} list", "Auf der Liste {}")),
    ("abc_", ("ABC class by {}", "ABC-Klasse nach {}")),
)


def _composed(key):
    """The label of a per-measure column whose measure has a label, else None."""
    if not isinstance(key, str):
        return None
    for prefix, (english, german) in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix):] in _LABELS:
            measure = _LABELS[key[len(prefix):]]
            name = measure[0] if measure[0][:2].isupper() else measure[0][:1].lower() + measure[0][1:]
            return english.format(name), german.format(measure[1])
    return None


def has_label(key):
    """Whether ``key`` has a label of its own (else :func:`label` makes one from the key)."""
    return key in _LABELS


def register_labels(mapping):
    """Add or replace labels: ``mapping`` maps a key to a pair (English, German)."""
    for key, pair in mapping.items():
        english, german = pair
        _LABELS[key] = (str(english), str(german))


def translate_columns(frame, language=None):
    """Return a copy of ``frame`` with its column labels in the current language."""
    return frame.rename(columns={c: label(c, language) for c in frame.columns})
