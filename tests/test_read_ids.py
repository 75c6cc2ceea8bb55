"""Ids written two ways: "10000.0" (through Excel or pandas) and "10000" are one customer."""

import pytest

import kamlab
from kamlab.data.readers import read_accounts, read_transactions


def write(tmp_path, rows, sep):
    path = tmp_path / "ids.csv"
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep, header, day, amounts", [
    (";", ["Kundennr.", "Rechnungsnr.", "Datum", "Umsatz"], "02.01.2024", ["1,50", "2,50", "3,00", "4,00"]),
    (",", ["Customer ID", "Invoice no", "Date", "Sales"], "2024-01-02", ["1.50", "2.50", "3.00", "4.00"]),
    ("\t", ["Customer ID", "Invoice no", "Date", "Sales"], "2024-01-02", ["1.50", "2.50", "3.00", "4.00"]),
])
def test_float_ids_join_their_integer_twins_and_leading_zeros_stay(tmp_path, sep, header, day, amounts):
    ids = ["10000.0", "10000", "000123", "K-7"]
    invoices = ["500.0", "500", "501", "502.00"]
    rows = [header] + [[i, n, day, a] for i, n, a in zip(ids, invoices, amounts)]
    df, report = read_transactions(write(tmp_path, rows, sep), report=True)
    assert df["account_id"].tolist() == ["10000", "10000", "000123", "K-7"]
    assert df["invoice_id"].tolist() == ["500", "500", "501", "502"]
    assert report.n_accounts == 3
    table = kamlab.accounts_from_transactions(df)
    assert table.set_index("account_id")["revenue"].to_dict() == {"000123": 3.0, "10000": 4.0, "K-7": 4.0}
    assert f"column {header[0]!r}: 1 ids written as decimal numbers such as '10000.0' (line 2) were read as " \
           "'10000'" in " ".join(report.notes)


def test_dotted_ids_that_are_not_floats_stay_as_they_are(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz"], ["10.0", "02.01.2024", "1,00"], ["10.1", "02.01.2024", "2,00"]]
    df, report = read_transactions(write(tmp_path, rows, ";"), report=True)
    assert df["account_id"].tolist() == ["10.0", "10.1"]
    assert not any("ids written" in n for n in report.notes)


def test_three_zeros_may_be_thousands_and_stay(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz"], ["12.000", "02.01.2024", "1,00"], ["12", "02.01.2024", "2,00"]]
    df = read_transactions(write(tmp_path, rows, ";"))
    assert df["account_id"].tolist() == ["12.000", "12"]


def test_account_master_data_too(tmp_path):
    rows = [["Kundennr.", "Name"], ["10000.0", "Alpha"], ["20000", "Beta"], ["000123", "Gamma"]]
    df = read_accounts(write(tmp_path, rows, ";"))
    assert df["account_id"].tolist() == ["10000", "20000", "000123"]


def test_the_note_in_german(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz"], ["10000,0", "02.01.2024", "1,00"], ["10000", "02.01.2024", "2,00"]]
    with kamlab.language("de"):
        df, report = read_transactions(write(tmp_path, rows, "\t"), report=True)
    assert df["account_id"].tolist() == ["10000", "10000"]
    assert "Spalte 'Kundennr.': 1 Nummern mit Nachkommastellen wie '10000,0' (Zeile 2) wurden als '10000' gelesen" \
        in " ".join(report.notes)
