"""The readers' texts in English and German: the report, the row errors, the warnings and errors.

Each text is a pair (English, German), chosen when the message is made (``kamlab.set_language``
or ``with kamlab.language("de")``). Numbers in German texts are written 1.234,50 and dates
01.02.2024; names of arguments, columns and values from the file stay as they are.
"""

from __future__ import annotations

from kamlab._util.format import count as _count
from kamlab._util.format import decimal as _decimal
from kamlab._util.format import translator
from kamlab._util.labels import get_language

_t = translator({
    # ---- how a position in the file is called
    "line": ("line", "Zeile"),
    "row": ("row", "Zeile"),
    "lines": ("lines", "Zeilen"),
    "rows": ("rows", "Zeilen"),
    "tab": ("tab", "Tabulator"),
    "space": ("space", "Leerzeichen"),
    "and": (" and ", " und "),
    "none": ("none", "keine"),
    # ---- ReadReport
    "fmt_text": ("text", "Text"),
    "fmt_excel": ("excel", "Excel"),
    "fmt_parquet": ("parquet", "Parquet"),
    "sheet": ("sheet {sheet!r}", "Tabellenblatt {sheet!r}"),
    "encoding": ("encoding {encoding}", "Kodierung {encoding}"),
    "separator": ("separator {sep}", "Trennzeichen {sep}"),
    "decimal": ("decimal {decimal!r}", "Dezimaltrennzeichen {decimal!r}"),
    "thousands": ("thousands {thousands!r}", "Tausendertrennzeichen {thousands!r}"),
    "no_thousands": ("no thousands separator", "kein Tausendertrennzeichen"),
    "dates": ("dates {fmt}", "Datumsformat {fmt}"),
    "header_in": ("header in {word} {line}", "Kopfzeile in Zeile {line}"),
    "read": ("Read {name}: {how}.", "{name} gelesen: {how}."),
    "columns": ("Columns: {mapped}.", "Spalten: {mapped}."),
    "kept_names": ("Kept under their own names: {names}.", "Unter eigenem Namen übernommen: {names}."),
    "revenue_computed": ("Revenue computed as quantity x unit price.", "Umsatz berechnet als Menge × Einzelpreis."),
    "rows_line": ("Rows: {read} read, {kept} kept, {aside} set aside",
                  "Zeilen: {read} gelesen, {kept} übernommen, {aside} aussortiert"),
    "see_problems": (" (see .problems).", " (siehe .problems)."),
    "date_range": ("dates {start} to {end}", "Zeitraum {start} bis {end}"),
    "n_accounts": ("{n} accounts", "{n} Kunden"),
    "one_account": ("{n} accounts", "{n} Kunde"),
    "total_revenue": ("total revenue {amount}", "Gesamtumsatz {amount}"),
    "note": ("Note: {note}", "Hinweis: {note}"),
    "n_rows": ("{n} rows", "{n} Zeilen"),
    "summary_type": ("summary() needs a pandas DataFrame, not {type}.",
                     "summary() braucht einen pandas-DataFrame, nicht {type}."),
    # ---- row errors
    "where_column": (", column {column!r}", ", Spalte {column!r}"),
    "fix": (
        'Fix the file, or use {function}(..., errors="drop") to set these rows aside; the report then lists '
        "them (report=True).",
        'Berichtigen Sie die Datei oder sortieren Sie diese Zeilen mit {function}(..., errors="drop") aus; '
        "der Bericht führt sie dann auf (report=True).",
    ),
    "more_one": ("{n} more row cannot be used ({word} {lines}).",
                 "{n} weitere Zeile ist nicht verwendbar (Zeile {lines})."),
    "more": ("{n} more rows cannot be used ({word}s {lines}).",
             "{n} weitere Zeilen sind nicht verwendbar (Zeilen {lines})."),
    "in_all": ("In all: {listed}.", "Insgesamt: {listed}."),
    "kind_one": ("{n} row with {kind}", "{n} Zeile mit {kind}"),
    "kind_many": ("{n} rows with {kind}", "{n} Zeilen mit {kind}"),
    "in_column": (" in column {column!r}", " in Spalte {column!r}"),
    # a whole line's kind reads better in German as the subject: "1 Summenzeile in Spalte 'Kundennr.'"
    "kind_total_one": ("{n} row with a total line", "{n} Summenzeile"),
    "kind_total_many": ("{n} rows with a total line", "{n} Summenzeilen"),
    "kind_cut_one": ("{n} row with a cut-off last line", "{n} abgeschnittene letzte Zeile"),
    "kind_cut_many": ("{n} rows with a cut-off last line", "{n} abgeschnittene letzte Zeilen"),
    "kind_total": ("a total line", "einer Summenzeile"),
    "kind_cut": ("a cut-off last line", "einer abgeschnittenen letzten Zeile"),
    "kind_number": ("an unreadable number", "einer unlesbaren Zahl"),
    "kind_date": ("an unreadable date", "einem unlesbaren Datum"),
    "kind_empty_id": ("an empty account id", "einer leeren Kundennummer"),
    "kind_duplicate": ("a duplicated account id", "einer doppelten Kundennummer"),
    "kind_fields": ("too many fields", "zu vielen Feldern"),
    "kind_currency": ("a currency problem", "einem Währungsproblem"),
    "kind_margin": ("a margin that is not revenue - cost",
                    "einem Deckungsbeitrag, der nicht Umsatz - Wareneinsatz ist"),
    "kind_empty": ("an empty value", "einem leeren Wert"),
    "hint_numbers": (
        "Numbers were read with decimal {decimal!r}{and_thousands}; if the file writes them differently, pass "
        "decimal={other!r}.",
        "Die Zahlen wurden mit Dezimaltrennzeichen {decimal!r}{and_thousands} gelesen; schreibt die Datei sie "
        "anders, geben Sie decimal={other!r} an.",
    ),
    "and_thousands": (" and thousands {thousands!r}", " und Tausendertrennzeichen {thousands!r}"),
    "hint_dates": (
        "Dates were read in the format {fmt}; pass date_format= if the file writes them differently.",
        "Die Datumsangaben wurden im Format {fmt} gelesen; schreibt die Datei sie anders, geben Sie "
        "date_format= an.",
    ),
    # ---- parameters (read.py)
    "p_errors": ('errors must be "raise" or "drop", not {value!r}.',
                 'errors muss "raise" oder "drop" sein, nicht {value!r}.'),
    "p_sep": ("sep must be a single character such as ';' or ',', not {value!r}.",
              "sep muss ein einzelnes Zeichen wie ';' oder ',' sein, nicht {value!r}."),
    "p_decimal": ("decimal must be ',' or '.', not {value!r}.", "decimal muss ',' oder '.' sein, nicht {value!r}."),
    "p_thousands": ("thousands must be '.', ',', ' ', \"'\" or '' (none), not {value!r}.",
                    "thousands muss '.', ',', ' ', \"'\" oder '' (keines) sein, nicht {value!r}."),
    "p_both": ("decimal and thousands cannot both be {value!r}.",
               "decimal und thousands können nicht beide {value!r} sein."),
    "p_header_row": ("header_row must be a line index counted from 0 (0, 1, 2, ...), not {value!r}.",
                     "header_row muss eine ab 0 gezählte Zeilennummer sein (0, 1, 2, ...), nicht {value!r}."),
    "p_dayfirst": ("dayfirst must be True, False or None (decide from the dates), not {value!r}.",
                   "dayfirst muss True, False oder None (aus den Datumsangaben entscheiden) sein, nicht {value!r}."),
    "p_date_format": ("date_format must be a text such as '%d.%m.%Y' or 'dd.mm.yyyy', not {value!r}.",
                      "date_format muss ein Text wie '%d.%m.%Y' oder 'dd.mm.yyyy' sein, nicht {value!r}."),
    "p_required": ("required={required}: {unknown} is not one of kamlab's column names ({known}).",
                   "required={required}: {unknown} ist kein Spaltenname von kamlab ({known})."),
    "set_aside": (
        "{name}: {n} of {total} rows set aside because they cannot be used ({word}s {lines}). "
        "See df.attrs['kamlab_report'].problems.",
        "{name}: {n} von {total} Zeilen aussortiert, weil sie nicht verwendbar sind (Zeilen {lines}). "
        "Siehe df.attrs['kamlab_report'].problems.",
    ),
    "set_aside_one": (
        "{name}: {n} of {total} rows set aside because they cannot be used ({word}s {lines}). "
        "See df.attrs['kamlab_report'].problems.",
        "{name}: {n} von {total} Zeilen aussortiert, weil sie nicht verwendbar ist (Zeile {lines}). "
        "Siehe df.attrs['kamlab_report'].problems.",
    ),
    # ---- the file (dialect.py)
    "changed": ("{name} changed while kamlab read it (its size or time is not the same): read it again once it "
                "is written completely.",
                "{name} hat sich geändert, während kamlab sie las (Größe oder Zeit sind nicht mehr dieselben): "
                "lesen Sie sie erneut, wenn sie vollständig geschrieben ist."),
    "empty": ("{name} is empty: it holds no header and no data rows.",
              "{name} ist leer: die Datei enthält weder eine Kopfzeile noch Datenzeilen."),
    "header_row_text": ("header_row={header_row}, but {name} has only {n} lines (header_row counts from 0).",
                        "header_row={header_row}, aber {name} hat nur {n} Zeilen (header_row zählt ab 0)."),
    "no_header_text": (
        "{name}: kamlab cannot find the header line (the line with the column names) in the first {n} lines. "
        "Pass header_row= with the line's index counted from 0 (header_row=2 means the third line).",
        "{name}: kamlab findet in den ersten {n} Zeilen keine Kopfzeile (die Zeile mit den Spaltennamen). "
        "Geben Sie header_row= mit der ab 0 gezählten Nummer der Zeile an (header_row=2 ist die dritte Zeile).",
    ),
    "too_many_fields": (
        "the line has {n} fields but the header has {width}: a value probably contains the separator {sep} "
        "without quotes around it",
        "die Zeile hat {n} Felder, die Kopfzeile aber {width}: ein Wert enthält wohl das Trennzeichen {sep} "
        "ohne Anführungszeichen",
    ),
    "dup_names": (
        "{name}, {word} {line}: the header has the same column name more than once: {listed}. kamlab cannot "
        "tell these columns apart. Give each column its own name in the file.",
        "{name}, Zeile {line}: die Kopfzeile enthält denselben Spaltennamen mehrmals: {listed}. kamlab kann "
        "diese Spalten nicht unterscheiden. Geben Sie jeder Spalte in der Datei einen eigenen Namen.",
    ),
    "dup_columns": ("{header!r} (columns {positions})", "{header!r} (Spalten {positions})"),
    "sheet_empty": ("{name}, worksheet {sheet!r}: the sheet is empty, it holds no header and no data.",
                    "{name}, Tabellenblatt {sheet!r}: das Blatt ist leer, es enthält weder Kopfzeile noch Daten."),
    "header_row_excel": (
        "header_row={header_row}, but worksheet {sheet!r} of {name} has only {n} rows (header_row counts from 0).",
        "header_row={header_row}, aber Tabellenblatt {sheet!r} von {name} hat nur {n} Zeilen (header_row zählt "
        "ab 0).",
    ),
    "no_header_excel": (
        "{name}, worksheet {sheet!r}: kamlab cannot find the header row (the row with the column names) in the "
        "first {n} rows. Pass header_row= with the row's index counted from 0 (header_row=2 means Excel row 3).",
        "{name}, Tabellenblatt {sheet!r}: kamlab findet in den ersten {n} Zeilen keine Kopfzeile (die Zeile mit "
        "den Spaltennamen). Geben Sie header_row= mit der ab 0 gezählten Nummer der Zeile an (header_row=2 ist "
        "Zeile 3 in Excel).",
    ),
    "workbook": (
        "{name}: cannot open the file as an Excel workbook ({error}). Open it in Excel and save it again as .xlsx.",
        "{name}: die Datei lässt sich nicht als Excel-Arbeitsmappe öffnen ({error}). Öffnen Sie sie in Excel "
        "und speichern Sie sie erneut als .xlsx.",
    ),
    "sheet_number": (
        "{name} has {n} worksheet(s) ({sheets}); sheet_name={sheet_name} does not exist. Sheets are counted "
        "from 0.",
        "{name} hat {n} Tabellenblätter ({sheets}); sheet_name={sheet_name} gibt es nicht. Die Blätter werden "
        "ab 0 gezählt.",
    ),
    "sheet_number_one": (
        "{name} has {n} worksheet(s) ({sheets}); sheet_name={sheet_name} does not exist. Sheets are counted "
        "from 0.",
        "{name} hat {n} Tabellenblatt ({sheets}); sheet_name={sheet_name} gibt es nicht. Die Blätter werden "
        "ab 0 gezählt.",
    ),
    "sheet_name": ("{name} has no worksheet {sheet_name!r}. Its worksheets: {sheets}.",
                   "{name} hat kein Tabellenblatt {sheet_name!r}. Die Tabellenblätter der Datei: {sheets}."),
    "sheet_type": ("sheet_name must be a worksheet's name or its number counted from 0.",
                   "sheet_name muss der Name eines Tabellenblatts oder seine ab 0 gezählte Nummer sein."),
    "parquet": ("{name}: cannot read the file as Parquet ({error}).",
                "{name}: die Datei lässt sich nicht als Parquet lesen ({error})."),
    "parquet_dups": ("{name}: the column name(s) {names} appear more than once.",
                     "{name}: die Spaltennamen {names} kommen mehrmals vor."),
    "parquet_dup": ("{name}: the column name(s) {names} appear more than once.",
                    "{name}: der Spaltenname {names} kommt mehrmals vor."),
    "path_type": ("path must be a file name, not {type}.", "path muss ein Dateiname sein, nicht {type}."),
    "not_found": (
        "There is no file {name!r} in {folder}. Check the file name and the folder; the notebook runs in {cwd}.",
        "Es gibt keine Datei {name!r} in {folder}. Prüfen Sie Dateinamen und Ordner; das Notebook läuft in "
        "{cwd}.",
    ),
    "no_rows": ("{name} has a header{where} but no data rows.", "{name} hat eine Kopfzeile{where}, aber keine Datenzeilen."),
    "no_rows_where": (" ({word} {line})", " (Zeile {line})"),
    # ---- columns (columns.py)
    "c_dict": (
        "columns must be a dict from the names in the file to kamlab's names, e.g. "
        "columns={{'Umsatz netto': 'revenue'}}.",
        "columns muss ein dict von den Namen in der Datei auf die Namen von kamlab sein, z. B. "
        "columns={{'Umsatz netto': 'revenue'}}.",
    ),
    "c_unknown": ("columns={{{source!r}: {target!r}}}: {target!r} is not one of kamlab's column names ({known}).{hint}",
                  "columns={{{source!r}: {target!r}}}: {target!r} ist kein Spaltenname von kamlab ({known}).{hint}"),
    "c_mean": (" Did you mean {close!r}?", " Meinten Sie {close!r}?"),
    "c_no_column": (
        "columns={{{source!r}: {target!r}}}: {name} has no column {source!r}. Its columns: {names}.",
        "columns={{{source!r}: {target!r}}}: {name} hat keine Spalte {source!r}. Die Spalten der Datei: {names}.",
    ),
    "c_both_map": (
        "columns maps both {first!r} and {second!r} to {target!r}; each of kamlab's columns can come from one "
        "column of the file only.",
        "columns ordnet sowohl {first!r} als auch {second!r} der Spalte {target!r} zu; jede Spalte von kamlab "
        "kann nur aus einer Spalte der Datei kommen.",
    ),
    "c_both_look": (
        "{name}: the columns {found} both look like {canon!r}. Tell kamlab which one to use, e.g. "
        "{function}({name!r}, columns={{{first!r}: {canon!r}}}).",
        "{name}: die Spalten {found} sehen beide wie {canon!r} aus. Sagen Sie kamlab, welche gilt, z. B. "
        "{function}({name!r}, columns={{{first!r}: {canon!r}}}).",
    ),
    "c_also": ("column {column!r} also looks like {canon!r}; {used!r} was used.",
               "Spalte {column!r} sieht ebenfalls wie {canon!r} aus; verwendet wurde {used!r}."),
    "m_none": ("{name} has no column for {missing}.", "{name} hat keine Spalte für {missing}."),
    "m_found": ("Columns found: {names}.", "Gefundene Spalten: {names}."),
    "m_names": (
        "Names kamlab recognises for {canon}: {accepted} (case, spaces, dots and dashes do not matter).",
        "Namen, die kamlab für {canon} erkennt: {accepted} (Groß- und Kleinschreibung, Leerzeichen, Punkte und "
        "Bindestriche spielen keine Rolle).",
    ),
    "m_compute": ("Or give quantity and unit price columns: kamlab then computes the revenue.",
                  "Oder liefern Sie Spalten für Menge und Einzelpreis: kamlab berechnet dann den Umsatz."),
    "m_tell": ("Tell kamlab which column holds it: {function}({name!r}, columns={{{source!r}: {canon!r}}}).",
               "Sagen Sie kamlab, welche Spalte es ist: {function}({name!r}, columns={{{source!r}: {canon!r}}})."),
    "m_your_column": ("YourColumn", "IhreSpalte"),
    # ---- cells (convert.py, cells.py, fast.py)
    "no_decimal": (
        "the numbers do not show their decimal mark; read with decimal {decimal!r}. Pass decimal= if that is "
        "wrong.",
        "die Zahlen lassen ihr Dezimaltrennzeichen nicht erkennen; gelesen wurde mit Dezimaltrennzeichen "
        "{decimal!r}. Geben Sie decimal= an, wenn das nicht stimmt.",
    ),
    "bad_number": ("cannot read {value!r} as a number (decimal {decimal!r}, {shown})",
                   "{value!r} lässt sich nicht als Zahl lesen (Dezimaltrennzeichen {decimal!r}, {shown})"),
    "ambiguous_dates": (
        "dates such as {value!r} in column {column!r} could be day first or month first; they were read "
        "{order} ({fmt}). Pass dayfirst=True or dayfirst=False to say which.",
        "Datumsangaben wie {value!r} in Spalte {column!r} können mit dem Tag oder mit dem Monat beginnen; "
        "gelesen wurden sie {order} ({fmt}). Geben Sie dayfirst=True oder dayfirst=False an, um das festzulegen.",
    ),
    "day_first": ("day first", "mit dem Tag zuerst"),
    "month_first": ("month first", "mit dem Monat zuerst"),
    "far_date": (
        "{value!r} is outside the dates pandas can hold (1677-09-22 to 2262-04-11); is it a placeholder?",
        "{value!r} liegt außerhalb des Datumsbereichs, den pandas darstellen kann (22.09.1677 bis 11.04.2262); ist "
        "es ein Platzhalter?",
    ),
    "no_such_day": ("{value!r} is not a valid date: there is no such day",
                    "{value!r} ist kein gültiges Datum: diesen Tag gibt es nicht"),
    "bad_date": ("cannot read {value!r} as a date (expected {expected})",
                 "{value!r} lässt sich nicht als Datum lesen (erwartet: {expected})"),
    "date_like": ("{fmt} like {example}", "{fmt} wie {example}"),
    "iso_like": ("ISO dates like 2024-12-31", "ISO-Datumsangaben wie 2024-12-31"),
    "known_dates": (
        "a date such as 31.12.2024, 2024-12-31, 31/12/2024 or 12/31/2024; pass date_format= for other formats",
        "ein Datum wie 31.12.2024, 2024-12-31, 31/12/2024 oder 12/31/2024; für andere Formate geben Sie "
        "date_format= an",
    ),
    "bad_date_format": ("date_format={fmt!r} is not a valid date format: {error}",
                        "date_format={fmt!r} ist kein gültiges Datumsformat: {error}"),
    "id_empty": ("the account id is empty", "die Kundennummer ist leer"),
    "is_empty": ("the {what} is empty", "{what} ist leer"),
    "total_hint": (" (is this a total line? Delete it from the file)",
                   " (ist das eine Summenzeile? Löschen Sie sie aus der Datei)"),
    "computed": ("{target} computed as {a} x {b}.", "{target} berechnet als {a} × {b}."),
    "cannot_compute": ("the {part} is empty, so the {target} cannot be computed",
                       "{part} ist leer, daher kann {target} nicht berechnet werden"),
    "duplicate_id": ("the {what} {value!r} appears more than once ({word}s {listed})",
                     "{what} {value!r} kommt mehr als einmal vor (Zeilen {listed})"),
})

# canonical column -> (article, German noun): "die Kundennummer ist leer"
_NOUNS_DE = {
    "account_id": ("die", "Kundennummer"), "date": ("das", "Datum"), "invoice_id": ("die", "Rechnungsnummer"),
    "product": ("der", "Artikel"), "product_group": ("die", "Warengruppe"), "quantity": ("die", "Menge"),
    "unit_price": ("der", "Einzelpreis"), "revenue": ("der", "Umsatz"), "cost": ("der", "Wareneinsatz"),
    "unit_cost": ("der", "Einstandspreis"), "contribution_margin": ("der", "Deckungsbeitrag"),
    "currency": ("die", "Währung"), "name": ("der", "Name"), "industry": ("die", "Branche"),
    "country": ("das", "Land"), "region": ("die", "Region"), "employees": ("die", "Mitarbeiterzahl"),
    "key_account_manager": ("der", "Key-Account-Manager"), "project_id": ("die", "Projektnummer"),
}


def german():
    """True when kamlab speaks German now."""
    return get_language() == "de"


def column_noun(canon, article=True):
    """A canonical column as a noun of the current language: "unit price" (German "der Einzelpreis")."""
    if not german():
        return canon.replace("_", " ")
    art, noun = _NOUNS_DE.get(canon, ("der", f"Wert der Spalte {canon}"))
    return f"{art} {noun}" if article else noun


def id_noun(column):
    """The name of an id column in "the account id 'K1' appears more than once" (German "die Kundennummer")."""
    if not german():
        return column.replace("_id", " id").replace("_", " ")
    return column_noun(column)


def count(n):
    """A whole number with thousands separators in the current language: 1,234 (German 1.234)."""
    return _count(n)


def money(value):
    """An amount with two decimals and thousands separators: 1,234.50 (German 1.234,50)."""
    return _decimal(f"{value:,.2f}")


def day(stamp):
    """A date in the current language: 2024-02-01 (German 01.02.2024)."""
    return f"{stamp:%d.%m.%Y}" if german() else f"{stamp:%Y-%m-%d}"


def word(key):
    """"line"/"row" (``dialect._word``) in the current language."""
    return _t(key)


def joined(items):
    """Items joined by " and " (German " und ")."""
    return _t("and").join(items)


def listed_and(items):
    """'2, 3 and 5' (German '2, 3 und 5')."""
    items = [str(x) for x in items]
    return ", ".join(items[:-1]) + _t("and") + items[-1]
