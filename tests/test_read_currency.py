"""Currencies: one currency is reported, mixed currencies are refused unless currency= gives rates."""

from decimal import Decimal

import pytest

import kamlab
from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError, ParameterError


def write(tmp_path, rows, sep):
    path = tmp_path / "currency.csv"
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


GERMAN = [["Kundennr.", "Datum", "Umsatz", "Währung"],
          ["1", "02.01.2024", "100,00", "EUR"], ["2", "02.01.2024", "50,00", "USD"], ["3", "02.01.2024", "10,00", "eur"]]
ENGLISH = [["Customer ID", "Date", "Sales", "Currency"],
           ["1", "2024-01-02", "100.00", "EUR"], ["2", "2024-01-02", "50.00", "USD"], ["3", "2024-01-02", "10.00", "€"]]


@pytest.mark.parametrize("rows, sep", [(GERMAN, ";"), (GERMAN, "\t"), (ENGLISH, ","), (ENGLISH, "|")])
def test_a_currency_column_with_two_currencies_is_refused(tmp_path, rows, sep):
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, rows, sep))
    err = info.value
    assert (err.line, err.column, err.value) == (3, rows[0][3], "USD")
    assert "the amounts are in more than one currency: EUR (2 rows, first in line 2); USD (1 row, first in line 3)" \
        in str(err)
    assert "currency={'EUR': 1.0, 'USD': f}" in str(err)


@pytest.mark.parametrize("rows, sep", [(GERMAN, ";"), (ENGLISH, ",")])
def test_rates_convert_every_amount_into_the_reporting_currency(tmp_path, rows, sep):
    df, report = read_transactions(write(tmp_path, rows, sep), currency={"EUR": 1.0, "USD": 0.92}, report=True)
    # 100.00 x 1, 50.00 x 0.92 = 46.00, 10.00 x 1
    assert df["revenue"].tolist() == [100.0, float(Decimal("50.00") * Decimal("0.92")), 10.0]
    assert df["revenue"].sum() == pytest.approx(156.0, abs=1e-9)
    assert report.currency == "EUR"
    assert df["currency"].tolist() == ["EUR", "EUR", "EUR"]
    assert "amounts converted into EUR with currency=: EUR x 1, USD x 0.92." in report.notes


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_one_currency_is_reported(tmp_path, sep):
    rows = [["Kundennr.", "Datum", "Umsatz", "WKZ"], ["1", "02.01.2024", "100,00", "EUR"],
            ["2", "02.01.2024", "50,00", "EUR"]]
    df, report = read_transactions(write(tmp_path, rows, sep), report=True)
    assert report.currency == "EUR"
    assert df["revenue"].sum() == 150.0
    assert "total revenue 150.00 EUR" in str(report)


@pytest.mark.parametrize("sep", [";", "\t"])
def test_amount_headers_naming_different_currencies_are_refused_then_converted(tmp_path, sep):
    rows = [["Kundennr.", "Datum", "Betrag USD", "Wareneinsatz EUR"], ["1", "02.01.2024", "100,00", "40,00"],
            ["2", "03.01.2024", "30,00", "10,00"]]
    path = write(tmp_path, rows, sep)
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column) == (2, "Wareneinsatz EUR")
    assert "USD (2 rows, first in line 2); EUR (2 rows, first in line 2)" in str(info.value)
    df, report = read_transactions(path, currency={"EUR": 1, "USD": 0.5}, report=True)
    assert df["revenue"].tolist() == [50.0, 15.0]  # 100.00 x 0.5, 30.00 x 0.5
    assert df["cost"].tolist() == [40.0, 10.0]
    assert df["contribution_margin"].tolist() == [10.0, 5.0]
    assert report.currency == "EUR"


def test_one_header_currency_is_the_file_currency(tmp_path):
    rows = [["Customer ID", "Date", "Sales EUR"], ["1", "2024-01-02", "100.00"]]
    _, report = read_transactions(write(tmp_path, rows, ","), report=True)
    assert report.currency == "EUR"


def test_currency_signs_in_cells_are_recognised_and_mixed_ones_refused(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz"], ["1", "02.01.2024", "12,50 €"], ["2", "02.01.2024", "9,99 USD"]]
    path = write(tmp_path, rows, ";")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value) == (3, "Umsatz", "9,99 USD")
    df = read_transactions(path, currency={"EUR": 1, "USD": 0.5})
    assert df["revenue"].tolist() == [12.5, 4.995]


def test_a_cell_that_contradicts_the_currency_column_is_a_row_problem(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz", "Währung"], ["1", "02.01.2024", "12,50 €", "EUR"],
            ["2", "02.01.2024", "9,99 €", "USD"]]
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, rows, ";"))
    assert (info.value.line, info.value.column, info.value.value) == (3, "Umsatz", "9,99 €")
    assert "the currency is unclear: the amount '9,99 €' says EUR, the currency column says USD" in str(info.value)


def test_rates_must_cover_every_currency_and_be_positive(tmp_path):
    path = write(tmp_path, GERMAN, ";")
    with pytest.raises(ParameterError, match="no factor for USD"):
        read_transactions(path, currency={"EUR": 1.0})
    with pytest.raises(ParameterError, match="must be a number above 0"):
        read_transactions(path, currency={"EUR": 1.0, "USD": -1})
    with pytest.raises(ParameterError, match="must be a dict"):
        read_transactions(path, currency="EUR")


def test_the_refusal_in_german(tmp_path):
    with kamlab.language("de"), pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, GERMAN, ";"))
    assert str(info.value).startswith(
        "currency.csv, Zeile 3, Spalte 'Währung': die Beträge sind in mehr als einer Währung: EUR (2 Zeilen"
    )
