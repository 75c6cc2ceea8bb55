"""The loader speaks German under ``kamlab.set_language("de")`` and stays as it was in English.

Every German text is checked for German words and for the absence of the English sentence it
replaces; every English text against the sentence the readers wrote before they learnt German
(the expectations of tests/test_io.py and tests/test_read_thousands.py, written out here).
"""

from __future__ import annotations

import pathlib
import re
import warnings

import pytest

import kamlab
from kamlab.data.readers import ReadReport, RowsSetAsideWarning, read_accounts, read_transactions
from kamlab.errors import DataFormatError, EmptyDataError, MissingColumnError, ParameterError

DATA = pathlib.Path(__file__).parent / "data"

# English words no German loader text may hold (argument names and values from the file are no words here)
_ENGLISH = re.compile(
    r"\b(the|cannot|could|can|Pass|Fix|line|lines|row|rows|column|columns|set aside|kept|read|has|have|is|are|"
    r"with|from|not|no|more|In all|Note|Dates|accounts|total revenue|separator|decimal mark|header|worksheet|"
    r"empty|file|does|holds)\b"
)
# code in messages: quoted values, calls, arguments and the report's attribute (their English is Python or
# data, not prose)
_CODE = re.compile(r"'[^']*'|[\w.]+\([^()]*(?:\{[^{}]*\})?[^()]*\)|\b\w+=(?:'[^']*'|\"[^\"]*\"|\{[^{}]*\}|\S+)|df\.attrs\S*|"
                   r"\.problems|report=True")


def english_left(text):
    """The English words in ``text`` outside its code (empty when the text is all German)."""
    return _ENGLISH.findall(_CODE.sub(" ", text))


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def message(error, *args, language, **kwargs):
    with kamlab.language(language), pytest.raises(error) as info:
        read_transactions(*args, **kwargs)
    return str(info.value)


# --------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------


def test_the_report_of_a_german_erp_export_is_german():
    # erp_export_de.csv: two title lines, then the header; 10 invoice lines of 5 customers,
    # 02.01.2024 to 31.12.2024, 84,029.31 in all (tests/test_io.py)
    with kamlab.language("de"):
        df = read_transactions(DATA / "erp_export_de.csv")
        text = str(df.attrs["kamlab_report"])
    lines = text.split("\n")
    assert lines[0].startswith("erp_export_de.csv gelesen: Text, Kodierung cp1252, Trennzeichen ';', "
                               "Dezimaltrennzeichen ',', Tausendertrennzeichen '.', Datumsformat %d.%m.%Y")
    assert lines[0].endswith(", Kopfzeile in Zeile 3.")
    assert lines[1].startswith("Spalten: 'Kundennr.' -> account_id, ")
    assert "Zeilen: 10 gelesen, 10 übernommen, 0 aussortiert." in lines
    assert "Zeitraum 02.01.2024 bis 31.12.2024; 5 Kunden; Gesamtumsatz 84.029,31." in lines
    assert english_left(text) == []
    for sentence in ("Read ", "Rows:", "set aside", "accounts", "total revenue", "Columns:", "Note:"):
        assert sentence not in text


def test_the_same_report_is_english_under_english():
    df = read_transactions(DATA / "erp_export_de.csv")
    text = str(df.attrs["kamlab_report"])
    assert text.startswith("Read erp_export_de.csv: text, encoding cp1252, separator ';', decimal ',', thousands '.'")
    assert "header in line 3." in text
    assert "Rows: 10 read, 10 kept, 0 set aside." in text
    assert "Dates 2024-01-02 to 2024-12-31; 5 accounts; total revenue 84,029.31." in text


def test_the_report_speaks_the_language_of_the_moment_it_is_printed():
    report = read_transactions(DATA / "erp_export_de.csv", report=True).report
    assert isinstance(report, ReadReport)
    assert str(report).startswith("Read erp_export_de.csv:")
    with kamlab.language("de"):
        assert str(report).startswith("erp_export_de.csv gelesen:")
    assert str(report).startswith("Read erp_export_de.csv:")


def test_german_report_writes_thousands_with_dots_and_one_customer_in_the_singular(tmp_path):
    rows = "".join(f"K1;02.01.2024;{i % 7},50\n" for i in range(1200))
    path = write(tmp_path, "viele.csv", "Kundennr.;Datum;Umsatz\n" + rows)
    total = sum(i % 7 + 0.5 for i in range(1200))
    with kamlab.language("de"):
        text = str(read_transactions(path).attrs["kamlab_report"])
    assert "Zeilen: 1.200 gelesen, 1.200 übernommen, 0 aussortiert." in text
    german_total = f"{total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert f"Zeitraum 02.01.2024 bis 02.01.2024; 1 Kunde; Gesamtumsatz {german_total}." in text
    # 1200 = 171 x 7 + 3: 171 x (0 + 1 + ... + 6) + (0 + 1 + 2) = 3594, plus 1200 x 0.50 = 4194
    assert german_total == "4.194,00"


def test_summary_is_german_too():
    df = read_transactions(DATA / "erp_export_de.csv")
    with kamlab.language("de"):
        text = kamlab.data.readers.summary(df)
    assert text == "10 Zeilen; Zeitraum 02.01.2024 bis 31.12.2024; 5 Kunden; Gesamtumsatz 84.029,31."
    assert kamlab.data.readers.summary(df) == (
        "10 rows; dates 2024-01-02 to 2024-12-31; 5 accounts; total revenue 84,029.31."
    )


# --------------------------------------------------------------------------------------
# row errors and the warning of errors="drop"
# --------------------------------------------------------------------------------------


def test_one_unreadable_cell_is_named_in_german():
    # line 9 = 2 title lines + header + 6th data row; a letter O typed for a zero (tests/test_io.py)
    text = message(DataFormatError, DATA / "erp_export_de_bad_cell.csv", language="de")
    assert text.startswith(
        "erp_export_de_bad_cell.csv, Zeile 9, Spalte 'Umsatz': '18.750,0O' lässt sich nicht als Zahl lesen "
        "(Dezimaltrennzeichen ',', Tausendertrennzeichen '.'). Berichtigen Sie die Datei oder sortieren Sie "
        'diese Zeilen mit read_transactions(..., errors="drop") aus'
    )
    for english in ("cannot read", "Fix the file", "set these rows aside", "line 9", "column"):
        assert english not in text
    assert english_left(text) == []


SEVERAL = "Kundennr.;Datum;Umsatz\nK1;02.01.2024;10,00\nK2;03.01.2024;12,3x\nK3;04.01.2024;4,5y\nK4;05.01.2024;7z\n"


def test_several_unreadable_rows_are_counted_in_german(tmp_path):
    path = write(tmp_path, "umsatz.csv", SEVERAL)
    text = message(DataFormatError, path, language="de")
    assert text == (
        "umsatz.csv, Zeile 3, Spalte 'Umsatz': '12,3x' lässt sich nicht als Zahl lesen (Dezimaltrennzeichen ',', "
        "Tausendertrennzeichen '.'). 2 weitere Zeilen sind nicht verwendbar (Zeilen 4, 5). Insgesamt: 3 Zeilen "
        "mit einer unlesbaren Zahl in Spalte 'Umsatz'. Die Zahlen wurden mit Dezimaltrennzeichen ',' und "
        "Tausendertrennzeichen '.' gelesen; schreibt die Datei sie anders, geben Sie decimal='.' an. Berichtigen "
        'Sie die Datei oder sortieren Sie diese Zeilen mit read_transactions(..., errors="drop") aus; der '
        "Bericht führt sie dann auf (report=True)."
    )
    assert english_left(text) == []


def test_several_unreadable_rows_in_english_are_as_before(tmp_path):
    path = write(tmp_path, "umsatz.csv", SEVERAL)
    assert message(DataFormatError, path, language="en") == (
        "umsatz.csv, line 3, column 'Umsatz': cannot read '12,3x' as a number (decimal ',', thousands '.'). "
        "2 more rows cannot be used (lines 4, 5). In all: 3 rows with an unreadable number in column 'Umsatz'. "
        "Numbers were read with decimal ',' and thousands '.'; if the file writes them differently, pass "
        "decimal='.'. Fix the file, or use read_transactions(..., errors=\"drop\") to set these rows aside; the "
        "report then lists them (report=True)."
    )


def test_rows_of_different_kinds_are_summed_up_in_german():
    # missing_account_id.csv: ids empty in lines 3 and 5, and a total line ("Summe", line 6)
    text = message(DataFormatError, DATA / "missing_account_id.csv", language="de")
    assert text.startswith("missing_account_id.csv, Zeile 3, Spalte 'Kundennr.': die Kundennummer ist leer")
    assert "2 weitere Zeilen sind nicht verwendbar (Zeilen 5, 6)." in text
    assert "Insgesamt: " in text and "Zeilen mit einer leeren Kundennummer in Spalte 'Kundennr.'" in text
    assert english_left(text) == []


def test_rows_set_aside_warning_and_report_in_german():
    with kamlab.language("de"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = read_transactions(DATA / "erp_export_de_bad_cell.csv", errors="drop")
        text = str(df.attrs["kamlab_report"])
    aside = [str(w.message) for w in caught if issubclass(w.category, RowsSetAsideWarning)]
    assert aside == [
        "erp_export_de_bad_cell.csv: 1 von 10 Zeilen aussortiert, weil sie nicht verwendbar ist (Zeile 9). "
        "Siehe df.attrs['kamlab_report'].problems."
    ]
    assert "rows set aside" not in aside[0] and english_left(aside[0]) == []
    assert "Zeilen: 10 gelesen, 9 übernommen, 1 aussortiert (siehe .problems)." in text
    reason = df.attrs["kamlab_report"].problems["reason"].iloc[0]
    assert reason.startswith("'18.750,0O' lässt sich nicht als Zahl lesen")


def test_rows_set_aside_warning_in_english_is_as_before(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_transactions(write(tmp_path, "umsatz.csv", SEVERAL), errors="drop")
    aside = [str(w.message) for w in caught if issubclass(w.category, RowsSetAsideWarning)]
    assert aside == [
        "umsatz.csv: 3 of 4 rows set aside because they cannot be used (lines 3, 4, 5). "
        "See df.attrs['kamlab_report'].problems."
    ]


def test_with_language_chooses_the_language_when_the_message_is_made():
    with kamlab.language("de"), pytest.raises(DataFormatError) as german:
        read_transactions(DATA / "erp_export_de_bad_cell.csv")
    with pytest.raises(DataFormatError) as english:
        read_transactions(DATA / "erp_export_de_bad_cell.csv")
    assert "Zeile 9" in str(german.value) and "line 9" in str(english.value)
    assert kamlab.get_language() == "en"


# --------------------------------------------------------------------------------------
# the loader's other errors
# --------------------------------------------------------------------------------------


def test_missing_file_in_german_and_english(tmp_path):
    german = message(FileNotFoundError, tmp_path / "nope.csv", language="de")
    assert german == (
        f"Es gibt keine Datei 'nope.csv' in {tmp_path.resolve()}. Prüfen Sie Dateinamen und Ordner; das "
        f"Notebook läuft in {pathlib.Path.cwd()}."
    )
    english = message(FileNotFoundError, tmp_path / "nope.csv", language="en")
    assert english == (
        f"There is no file 'nope.csv' in {tmp_path.resolve()}. Check the file name and the folder; the notebook "
        f"runs in {pathlib.Path.cwd()}."
    )


MISSING = "Kundennr.;Datum;Betrag netto\nK1;02.01.2024;10,00\n"


def test_missing_column_in_german(tmp_path):
    path = write(tmp_path, "ohne.csv", MISSING)
    text = message(MissingColumnError, path, language="de")
    assert text.startswith(
        "ohne.csv hat keine Spalte für 'revenue'. Gefundene Spalten: 'Kundennr.', 'Datum', 'Betrag netto'. "
        "Namen, die kamlab für revenue erkennt: Umsatz, Nettoumsatz, "
    )
    assert "(Groß- und Kleinschreibung, Leerzeichen, Punkte und Bindestriche spielen keine Rolle)." in text
    assert text.endswith(
        "Oder liefern Sie Spalten für Menge und Einzelpreis: kamlab berechnet dann den Umsatz. Sagen Sie kamlab, "
        "welche Spalte es ist: read_transactions('ohne.csv', columns={'Betrag netto': 'revenue'})."
    )
    for english in ("has no column", "Columns found", "recognises", "Tell kamlab", "do not matter"):
        assert english not in text
    # the recognised names ("Sales", "Net revenue", "Line total") are data, not sentences
    names = text.split("erkennt: ")[1].split(" (Groß")[0]
    assert english_left(text.replace(names, "")) == []


def test_missing_column_in_english_is_as_before(tmp_path):
    text = message(MissingColumnError, write(tmp_path, "ohne.csv", MISSING), language="en")
    assert text.startswith(
        "ohne.csv has no column for 'revenue'. Columns found: 'Kundennr.', 'Datum', 'Betrag netto'. "
        "Names kamlab recognises for revenue: Umsatz, Nettoumsatz, "
    )
    assert text.endswith(
        "(case, spaces, dots and dashes do not matter). Or give quantity and unit price columns: kamlab then "
        "computes the revenue. Tell kamlab which column holds it: read_transactions('ohne.csv', "
        "columns={'Betrag netto': 'revenue'})."
    )


AMBIGUOUS = "Kundennr.,Datum,Umsatz\nK1,2024-02-01,1.706\nK2,2024-02-03,12.450\n"


def test_ambiguous_thousands_in_german(tmp_path):
    text = message(DataFormatError, write(tmp_path, "amounts.csv", AMBIGUOUS), language="de")
    assert text == (
        "amounts.csv, Zeile 2, Spalte 'Umsatz': Zahlen wie '1.706' (Zeile 2) und '12.450' (Zeile 3) haben ein '.' "
        "und danach drei Ziffern; sie können 1706 und 12450 sein ('.' als Tausendertrennzeichen) oder 1,706 und "
        "12,45 ('.' als Dezimaltrennzeichen), und nichts sonst in der Datei zeigt, was gilt. Geben Sie "
        "thousands='.' für 1706 und 12450 oder decimal='.' für 1,706 und 12,45 an."
    )
    for english in ("numbers such as", "could be", "thousands separator", "Pass thousands", "nothing else"):
        assert english not in text


def test_ambiguous_thousands_in_english_is_as_before(tmp_path):
    text = message(DataFormatError, write(tmp_path, "amounts.csv", AMBIGUOUS), language="en")
    assert text == (
        "amounts.csv, line 2, column 'Umsatz': numbers such as '1.706' (line 2) and '12.450' (line 3) have one '.' "
        "followed by three digits, so they could be 1706 and 12450 (with '.' as thousands separator) or 1.706 and "
        "12.45 (with '.' as decimal mark), and nothing else in the file tells which. Pass thousands='.' for 1706 "
        "and 12450, or decimal='.' for 1.706 and 12.45."
    )


@pytest.mark.parametrize(
    "error, name, kwargs, german, english",
    [
        (EmptyDataError, "empty.csv", {}, "empty.csv ist leer: die Datei enthält weder eine Kopfzeile noch "
         "Datenzeilen.", "empty.csv is empty: it holds no header and no data rows."),
        (EmptyDataError, "header_only.csv", {}, "header_only.csv hat eine Kopfzeile (Zeile 1), aber keine "
         "Datenzeilen.", "header_only.csv has a header (line 1) but no data rows."),
        (DataFormatError, "no_header.csv", {}, "no_header.csv: kamlab findet in den ersten 200 Zeilen keine "
         "Kopfzeile", "no_header.csv: kamlab cannot find the header line"),
        (DataFormatError, "duplicated_columns.csv", {}, "duplicated_columns.csv, Zeile 1: die Kopfzeile enthält "
         "denselben Spaltennamen mehrmals: 'Umsatz' (Spalten 3, 4).", "duplicated_columns.csv, line 1: the header "
         "has the same column name more than once: 'Umsatz' (columns 3, 4)."),
        (DataFormatError, "ambiguous_columns.csv", {}, "ambiguous_columns.csv: die Spalten 'Umsatz' und "
         "'Nettoumsatz' sehen beide wie 'revenue' aus.", "ambiguous_columns.csv: the columns 'Umsatz' and "
         "'Nettoumsatz' both look like 'revenue'."),
        (DataFormatError, "too_many_fields.csv", {}, "too_many_fields.csv, Zeile 3: die Zeile hat 5 Felder, die "
         "Kopfzeile aber 4: ein Wert enthält wohl das Trennzeichen ';' ohne Anführungszeichen.",
         "too_many_fields.csv, line 3: the line has 5 fields but the header has 4: a value probably contains the "
         "separator ';' without quotes around it."),
        (DataFormatError, "impossible_date.csv", {}, "impossible_date.csv, Zeile 3, Spalte 'Rechnungsdatum': "
         "'31.02.2016' ist kein gültiges Datum: diesen Tag gibt es nicht.", "impossible_date.csv, line 3, column "
         "'Rechnungsdatum': '31.02.2016' is not a valid date: there is no such day."),
        (DataFormatError, "placeholder_date.csv", {}, "placeholder_date.csv, Zeile 2, Spalte 'Datum': '31.12.9999' "
         "liegt außerhalb des Datumsbereichs, den pandas darstellen kann (22.09.1677 bis 11.04.2262); ist es "
         "ein Platzhalter?", "placeholder_date.csv, line 2, column 'Datum': '31.12.9999' is outside the dates pandas "
         "can hold (1677-09-22 to 2262-04-11); is it a placeholder?"),
        (ParameterError, "excel_title_row.xlsx", {"sheet_name": "Nope"}, "excel_title_row.xlsx hat kein "
         "Tabellenblatt 'Nope'. Die Tabellenblätter der Datei: 'Umsätze', 'Info'.", "excel_title_row.xlsx has no "
         "worksheet 'Nope'. Its worksheets: 'Umsätze', 'Info'."),
        (ParameterError, "excel_title_row.xlsx", {"sheet_name": 5}, "excel_title_row.xlsx hat 2 Tabellenblätter "
         "('Umsätze', 'Info'); sheet_name=5 gibt es nicht.", "excel_title_row.xlsx has 2 worksheet(s) ('Umsätze', "
         "'Info'); sheet_name=5 does not exist."),
        (ParameterError, "erp_export_de.csv", {"decimal": ",", "thousands": ","}, "decimal und thousands können "
         "nicht beide ',' sein.", "decimal and thousands cannot both be ','."),
        (ParameterError, "erp_export_de.csv", {"columns": {"Umsatz": "revenu"}}, "columns={'Umsatz': 'revenu'}: "
         "'revenu' ist kein Spaltenname von kamlab", "columns={'Umsatz': 'revenu'}: 'revenu' is not one of "
         "kamlab's column names"),
        (MissingColumnError, "erp_export_de.csv", {"columns": {"Betrag": "revenue"}}, "erp_export_de.csv hat keine "
         "Spalte 'Betrag'. Die Spalten der Datei: ", "erp_export_de.csv has no column 'Betrag'. Its columns: "),
    ],
)
def test_the_other_errors_in_german_and_english(error, name, kwargs, german, english):
    text = message(error, DATA / name, language="de", **kwargs)
    assert german in text
    assert english_left(text.replace(name, "")) == []
    assert english in message(error, DATA / name, language="en", **kwargs)


def test_duplicate_account_ids_in_german():
    # accounts_duplicate_ids.csv: one account id in several lines
    with kamlab.language("de"), pytest.raises(DataFormatError) as info:
        read_accounts(DATA / "accounts_duplicate_ids.csv")
    text = str(info.value)
    assert re.search(r"die Kundennummer 'K-1' kommt mehr als einmal vor \(Zeilen 2 und 4\)", text)
    assert "Insgesamt: " in text or "weitere Zeile" in text
    assert english_left(text) == []


def test_the_english_word_check_finds_english_prose_but_not_code():
    assert english_left('x.csv, line 3: cannot read it. Fix the file, or use f(..., errors="drop").') == [
        "line", "cannot", "read", "Fix", "the", "file"]
    assert english_left('x.csv, Zeile 3: Berichtigen Sie die Datei oder f(..., errors="drop"); report=True') == []


TOTALS = "Kundennr.;Datum;Umsatz\nK1;01.02.2024;10,00\nSumme;;10,00\nK2;02.02.2024;abc\n"


def test_a_total_line_among_other_problems_is_summed_up_in_german(tmp_path):
    path = write(tmp_path, "summen.csv", TOTALS)
    german = message(DataFormatError, path, language="de")
    assert german.startswith("summen.csv, Zeile 3, Spalte 'Kundennr.': 'Summe' kennzeichnet eine Summen- oder "
                             "Zwischensummenzeile, keine Rechnungszeile")
    assert ("1 weitere Zeile ist nicht verwendbar (Zeile 4). Insgesamt: 1 Summenzeile in Spalte 'Kundennr.'; "
            "1 Zeile mit einem leeren Wert in Spalte 'Datum'; 1 Zeile mit einer unlesbaren Zahl in Spalte "
            "'Umsatz'.") in german
    assert "a total or subtotal line" not in german and english_left(german) == []
    english = message(DataFormatError, path, language="en")
    assert ("1 more row cannot be used (line 4). In all: 1 row with a total line in column 'Kundennr.'; 1 row "
            "with an empty value in column 'Datum'; 1 row with an unreadable number in column 'Umsatz'.") in english


def test_the_note_on_many_total_lines_counts_with_a_thousands_dot(tmp_path):
    body = "".join(f"K{i};01.02.2024;1,00\nSumme;;1,00\n" for i in range(1001))
    path = write(tmp_path, "summen.csv", "Kundennr.;Datum;Umsatz\n" + body)
    for language, start in (("de", "1.001 Zeilen sehen wie Summen- oder Zwischensummenzeilen aus (Zeilen 3, 5, 7, "),
                            ("en", "1001 line(s) look like total or subtotal lines (line(s) 3, 5, 7, ")):
        with kamlab.language(language), warnings.catch_warnings():
            warnings.simplefilter("ignore", RowsSetAsideWarning)
            notes = read_transactions(path, errors="drop").attrs["kamlab_report"].notes
        assert any(note.startswith(start) for note in notes), notes


# --------------------------------------------------------------------------------------
# accounts_from_transactions: the step after the loader
# --------------------------------------------------------------------------------------


LINES = {"account_id": ["A", None, "B"], "date": ["2024-01-02", "2024-02-03", "2025-03-01"],
         "revenue": [10.0, 20.0, 1234.5]}


def test_accounts_from_transactions_speaks_german():
    import pandas as pd

    lines = pd.DataFrame(LINES).assign(date=lambda d: pd.to_datetime(d["date"]))
    with kamlab.language("de"):
        with pytest.raises(DataFormatError) as info:
            kamlab.accounts_from_transactions(lines)
        with pytest.warns(kamlab.data.accounts.AsOfWarning) as caught:
            kamlab.accounts_from_transactions(lines, missing_account="group", as_of="2024-12-31")
        with pytest.raises(MissingColumnError) as missing:
            kamlab.accounts_from_transactions(lines.drop(columns="date"))
    assert str(info.value).startswith("1 von 3 Rechnungszeilen hat keine Kundennummer (Spalte 'account_id'). "
                                      "Die erste ist Zeile 1 der Tabelle.")
    # one line of 2025-03-01 with 1,234.50 is after the as_of day
    assert str(caught[0].message) == ("1 Rechnungszeile mit Datum nach as_of=2024-12-31 (Umsatz 1.234,50) ist "
                                      "nicht in der Kundentabelle.")
    assert str(missing.value).startswith("Die Rechnungszeilen haben keine Spalte 'date'. Gefundene Spalten: ")
    for text in (str(info.value), str(caught[0].message), str(missing.value)):
        assert english_left(text) == [], text
    with pytest.warns(kamlab.data.accounts.AsOfWarning) as english:
        kamlab.accounts_from_transactions(lines, missing_account="group", as_of="2024-12-31")
    assert str(english[0].message) == (
        "1 lines dated after as_of=2024-12-31 (revenue 1,234.50) are not in the account table."
    )
