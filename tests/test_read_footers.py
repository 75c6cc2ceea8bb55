"""Footer, total and subtotal lines are never data: they stop the load or are set aside.

Every expected value is worked out by hand from the lines written in each test.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from kamlab.data.readers import RowsSetAsideWarning, read_accounts, read_transactions
from kamlab.data.readers.lines import _is_total_text
from kamlab.errors import DataFormatError

HEAD = "Kundennr.;Name;Datum;Umsatz\n"
LINES = "4711;Müller GmbH;01.03.2024;100,00\n4712;Meier AG;02.03.2024;50,00\n"


def write(tmp_path, text, name="umsatz.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def drop(path, **kwargs):
    with pytest.warns(RowsSetAsideWarning) as caught:
        df, report = read_transactions(path, errors="drop", report=True, **kwargs)
    return df, report, caught


def test_footer_with_a_date_is_refused_not_read_as_account_summe(tmp_path):
    # today's bug: "Summe" with a date became an account and doubled the revenue (300 instead of 150)
    path = write(tmp_path, HEAD + LINES + "Summe;;31.03.2024;150,00\n")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (4, "Kundennr.", "Summe", 0)
    assert str(err).startswith(
        "umsatz.csv, line 4, column 'Kundennr.': 'Summe' marks a total or subtotal line, not an invoice line "
        "(its revenue 150.00 is the sum of the 2 lines above)"
    )
    assert 'errors="drop"' in str(err)


def test_footer_with_a_date_is_set_aside_with_drop_and_the_total_is_right(tmp_path):
    path = write(tmp_path, HEAD + LINES + "Summe;;31.03.2024;150,00\n")
    df, report, caught = drop(path)
    assert df["account_id"].tolist() == ["4711", "4712"]
    assert df["revenue"].sum() == 150.0
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (3, 2, 1)
    assert report.set_aside["line"].tolist() == [4]
    assert report.problems[["line", "column", "value"]].values.tolist() == [[4, "Kundennr.", "Summe"]]
    assert any("look like total or subtotal lines (line(s) 4)" in note for note in report.notes)
    assert "1 of 3 rows set aside" in str(caught[0].message)


@pytest.mark.parametrize(
    "footer, line, column, value",
    [
        ("Gesamt;;;150,00", 4, "Kundennr.", "Gesamt"),
        ("Total:;;31.03.2024;150,00", 4, "Kundennr.", "Total:"),
        ("Endsumme;;;150,00", 4, "Kundennr.", "Endsumme"),
        ("4711;Zwischensumme;01.03.2024;100,00", 4, "Name", "Zwischensumme"),
        ("Summe Kunde 4711;;;100,00", 4, "Kundennr.", "Summe Kunde 4711"),
        ("4711;Summe Kunde 4711;;100,00", 4, "Name", "Summe Kunde 4711"),
        ("4711;Gesamt 2024;31.12.2024;150,00", 4, "Name", "Gesamt 2024"),
    ],
)
def test_total_words_anywhere_on_the_line(tmp_path, footer, line, column, value):
    path = write(tmp_path, HEAD + LINES + footer + "\n")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value) == (line, column, value)
    assert "a total or subtotal line" in str(info.value)


def test_subtotals_per_account_and_a_grand_total(tmp_path):
    text = (
        HEAD
        + "4711;Müller GmbH;01.03.2024;100,00\n4711;Müller GmbH;05.03.2024;20,00\n"
        + "4711;Zwischensumme;;120,00\n"  # line 4: 100 + 20
        + "4712;Meier AG;02.03.2024;30,00\n4712;Meier AG;09.03.2024;-10,00\n"
        + "4712;Zwischensumme;;20,00\n"  # line 7: 30 - 10
        + "Gesamtsumme;;;140,00\n"  # line 8: 120 + 20
    )
    df, report, _ = drop(write(tmp_path, text))
    assert df["revenue"].tolist() == [100.0, 20.0, 30.0, -10.0]
    assert df["revenue"].sum() == 140.0
    assert report.set_aside["line"].tolist() == [4, 7, 8]
    reasons = report.problems.drop_duplicates("line")["reason"].tolist()
    assert "the sum of the 2 lines above" in reasons[0] and "the sum of the 2 lines above" in reasons[1]
    assert "the sum of the 4 lines above" in reasons[2]


def test_repeated_amount_and_credit_note_stay(tmp_path):
    # a line equal to the sum of the lines above is not a total line by that alone
    text = HEAD + (
        "4711;Müller GmbH;01.03.2024;50,00\n4711;Müller GmbH;02.03.2024;50,00\n"
        "4711;Müller GmbH;03.03.2024;100,00\n"  # = 50 + 50, but an ordinary invoice line
        "4712;Meier AG;04.03.2024;80,00\n4712;Meier AG;05.03.2024;-80,00\n"  # credit note cancels
    )
    df = read_transactions(write(tmp_path, text))
    assert df["revenue"].tolist() == [50.0, 50.0, 100.0, 80.0, -80.0]
    assert df["account_id"].tolist() == ["4711"] * 3 + ["4712"] * 2


@pytest.mark.parametrize("name", ["Total Deutschland GmbH", "Summit Partners", "Gesamtschule Nord", "Subaru AG"])
def test_company_names_that_start_like_a_total_word_are_accounts(tmp_path, name):
    df = read_transactions(write(tmp_path, HEAD + f"4711;{name};01.03.2024;100,00\n"))
    assert df["name"].tolist() == [name]


def test_empty_account_id_footer_is_refused_by_default(tmp_path):
    path = write(tmp_path, HEAD + LINES + ";;;150,00\n")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value) == (4, "Kundennr.", "")


def test_empty_account_id_footer_when_account_id_is_not_required(tmp_path):
    # required relaxed: an empty id alone is allowed, but with the sum of the lines above it is a total line
    path = write(tmp_path, HEAD + LINES + ";;31.03.2024;150,00\n;Barverkauf;01.04.2024;7,50\n")
    df, report, _ = drop(path, required=("date", "revenue"))
    assert df["revenue"].tolist() == [100.0, 50.0, 7.5]
    assert report.set_aside["line"].tolist() == [4]
    assert report.problems["reason"].iloc[0].startswith(
        "the account id is empty and its revenue 150.00 is the sum of the 2 lines above"
    )


def test_account_master_data_with_a_count_footer(tmp_path):
    path = write(tmp_path, "Kundennr.;Firmenname\n4711;Müller GmbH\n4712;Meier AG\nGesamt: 2 Kunden;\n")
    with pytest.raises(DataFormatError) as info:
        read_accounts(path)
    assert (info.value.line, info.value.value) == (4, "Gesamt: 2 Kunden")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        accounts = read_accounts(path, errors="drop")
    assert accounts["account_id"].tolist() == ["4711", "4712"]


def test_excel_footer_row_names_the_spreadsheet_row(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Umsatzliste 2024"], [], ["Kundennr.", "Datum", "Umsatz"], ["4711", pd.Timestamp("2024-03-01"), 100.0],
                ["4712", pd.Timestamp("2024-03-02"), 50.0], ["Summe", None, 150.0]):
        sheet.append(row)
    path = tmp_path / "umsatz.xlsx"
    book.save(path)
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value) == (6, "Kundennr.", "Summe")
    assert str(info.value).startswith("umsatz.xlsx, row 6, column 'Kundennr.'")


@pytest.mark.parametrize(
    "text, expected",
    [("Summe", True), ("SUMME:", True), ("Gesamt 2024", True), ("Summe Kunde 4711", True), ("Total", True),
     ("Zwischensumme März", True), ("Grand total", True), ("Übertrag", True), ("Total AG", False),
     ("Summit", False), ("Gesamtschule", False), ("Sum 41 Records", False), ("Endsummenprüfung", False)],
)
def test_what_counts_as_a_total_word(text, expected):
    assert _is_total_text(text) is expected


def test_footer_message_in_german(tmp_path):
    import kamlab

    path = write(tmp_path, HEAD + LINES + "Summe;;31.03.2024;150,00\n")
    with kamlab.language("de"), pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert "'Summe' kennzeichnet eine Summen- oder Zwischensummenzeile" in str(info.value)
    assert "sein Umsatz 150,00 ist die Summe der 2 Zeilen darüber" in str(info.value)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_total_word_beside_an_empty_account_id_is_named_once_with_its_reason(tmp_path, kind):
    # the empty id is the row's problem already: the total word beside it gives no second, empty reason
    frame = pd.DataFrame({"Kundennr": ["K1", "", "K2", "K3"], "Datum": ["01.02.2024"] * 4,
                          "Warengruppe": ["Motoren", "Summe", " Gesamt ", "Service"],
                          "Umsatz": ["1,00", "3,00", "4,00", "2,00"]})
    path = tmp_path / f"lines.{kind}"
    if kind == "csv":
        frame.to_csv(path, sep=";", index=False)
    else:
        frame.assign(Warengruppe=frame["Warengruppe"].astype("category")).to_parquet(path)
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert info.value.line in (3, 2)  # the first problem row: the empty id (CSV line 3, Parquet row 2)
    with pytest.warns(UserWarning):
        df, report = read_transactions(path, errors="drop", report=True)
    assert df["account_id"].tolist() == ["K1", "K3"]
    assert report.problems["reason"].notna().all() and len(report.problems) == 2
