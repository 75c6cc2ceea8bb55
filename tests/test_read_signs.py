"""Signs and brackets: "- 60,34", "(1.234,56)", "+1.234,56", "1.234,56- " are read exactly."""

from decimal import Decimal

import pytest

from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError

GERMAN = [("- 60,34", "-60.34"), ("(1.234,56)", "-1234.56"), ("+1.234,56", "1234.56"), ("1.234,56- ", "-1234.56"),
          ("€ -12,50", "-12.50"), ("-12,50 EUR", "-12.50"), ("( 7,00 € )", "-7.00"), ("\u2212 3,10", "-3.10")]
ENGLISH = [("- 60.34", "-60.34"), ("(1,234.56)", "-1234.56"), ("+1,234.56", "1234.56"), ("1,234.56- ", "-1234.56"),
           ("$ -12.50", "-12.50"), ("-12.50 USD", "-12.50")]


def write(tmp_path, header, values, sep, date):
    lines = [sep.join(header)]
    for i, value in enumerate(values, start=1):
        cell = f'"{value}"' if sep in value else value
        lines.append(sep.join([str(i), date, cell]))
    path = tmp_path / "signs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sep", [";", "\t", "|"])
@pytest.mark.parametrize("cell, expected", GERMAN)
def test_german_signs(tmp_path, sep, cell, expected):
    # a second row with a plain decimal comma makes the convention clear
    path = write(tmp_path, ["Kundennr.", "Datum", "Umsatz"], [cell, "1,00"], sep, "02.01.2024")
    df = read_transactions(path)
    assert df["revenue"].tolist() == [float(Decimal(expected)), 1.0]


@pytest.mark.parametrize("sep", [",", "\t", "|"])
@pytest.mark.parametrize("cell, expected", ENGLISH)
def test_english_signs(tmp_path, sep, cell, expected):
    path = write(tmp_path, ["Customer ID", "Date", "Sales"], [cell, "1.00"], sep, "2024-01-02")
    df = read_transactions(path)
    assert df["revenue"].tolist() == [float(Decimal(expected)), 1.0]


def test_a_column_of_every_style_sums_exactly(tmp_path):
    cells = [c for c, _ in GERMAN]
    path = write(tmp_path, ["Kundennr.", "Datum", "Umsatz"], cells, ";", "02.01.2024")
    df = read_transactions(path)
    expected = sum(Decimal(e) for _, e in GERMAN)
    # -60.34 - 1234.56 + 1234.56 - 1234.56 - 12.50 - 12.50 - 7.00 - 3.10
    assert expected == Decimal("-1330.00")
    assert df["revenue"].sum() == pytest.approx(float(expected), abs=1e-9)


@pytest.mark.parametrize("cell", ["(-12,00)", "-12,00-", "(12,00", "+-12,00", "- - 12,00", "12 € USD"])
def test_two_signs_or_an_open_bracket_are_refused(tmp_path, cell):
    path = write(tmp_path, ["Kundennr.", "Datum", "Umsatz"], ["1,00", cell], ";", "02.01.2024")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value) == (3, "Umsatz", cell)
    assert f"cannot read {cell!r} as a number" in str(info.value)
