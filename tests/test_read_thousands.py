"""Ambiguous thousands separators: "1.706" is 1706 or 1.706 depending on the file's conventions.

Every expected number is worked out by hand from the text written (decimal.Decimal).
"""

from decimal import Decimal

import pytest

import kamlab
from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError

SEPARATORS = ["\t", ",", "|"]


def write(tmp_path, rows, sep, name="amounts.csv"):
    path = tmp_path / name
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def whole_euros(dates):
    header = ["Kundennr.", "Datum", "Umsatz"]
    return [header, ["1", dates[0], "1.706"], ["2", dates[1], "12.450"], ["3", dates[2], "705"]]


@pytest.mark.parametrize("sep", SEPARATORS)
def test_whole_euros_with_iso_dates_are_refused_with_two_examples(tmp_path, sep):
    path = write(tmp_path, whole_euros(["2024-01-02", "2024-01-03", "2024-01-04"]), sep)
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    err = info.value
    assert (err.line, err.column, err.value) == (2, "Umsatz", "1.706")
    message = str(err)
    assert message.startswith("amounts.csv, line 2, column 'Umsatz': numbers such as '1.706' (line 2) and "
                              "'12.450' (line 3)")
    assert "1706 and 12450" in message and "1.706 and 12.45" in message
    assert "thousands='.'" in message and "decimal='.'" in message


@pytest.mark.parametrize("sep", SEPARATORS)
def test_errors_drop_does_not_hide_the_ambiguity(tmp_path, sep):
    path = write(tmp_path, whole_euros(["2024-01-02", "2024-01-03", "2024-01-04"]), sep)
    with pytest.raises(DataFormatError, match="thousands='.'"):
        read_transactions(path, errors="drop")


@pytest.mark.parametrize("sep", SEPARATORS)
@pytest.mark.parametrize("kwargs, expected", [
    ({"thousands": "."}, [Decimal("1706"), Decimal("12450"), Decimal("705")]),
    ({"decimal": ","}, [Decimal("1706"), Decimal("12450"), Decimal("705")]),
    ({"decimal": "."}, [Decimal("1.706"), Decimal("12.450"), Decimal("705")]),
    ({"thousands": ""}, [Decimal("1.706"), Decimal("12.450"), Decimal("705")]),
])
def test_the_arguments_settle_it(tmp_path, sep, kwargs, expected):
    path = write(tmp_path, whole_euros(["2024-01-02", "2024-01-03", "2024-01-04"]), sep)
    df = read_transactions(path, **kwargs)
    assert df["revenue"].tolist() == [float(x) for x in expected]


@pytest.mark.parametrize("sep", SEPARATORS)
def test_dates_with_dots_say_german_thousands(tmp_path, sep):
    path = write(tmp_path, whole_euros(["02.01.2024", "03.01.2024", "04.01.2024"]), sep)
    df, report = read_transactions(path, report=True)
    assert df["revenue"].tolist() == [1706.0, 12450.0, 705.0]
    assert df["revenue"].sum() == float(Decimal("1706") + Decimal("12450") + Decimal("705"))  # 14861
    assert (report.decimal, report.thousands) == (",", ".")
    assert any("'1.706' in column 'Umsatz' were read as 1706" in n and "dots" in n for n in report.notes)


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_a_decimal_comma_column_beside_it_says_thousands(tmp_path, sep):
    rows = [["Kundennr.", "Datum", "Menge", "Umsatz"],
            ["1", "2024-01-02", "2,5", "1.706"], ["2", "2024-01-03", "1,25", "12.450"]]
    df = read_transactions(write(tmp_path, rows, sep))
    assert df["quantity"].tolist() == [2.5, 1.25]
    assert df["revenue"].tolist() == [1706.0, 12450.0]


@pytest.mark.parametrize("sep", ["\t", "|", ","])
def test_a_decimal_point_column_beside_it_says_decimal(tmp_path, sep):
    rows = [["Customer ID", "Date", "Qty", "Sales"],
            ["1", "2024-01-02", "2.5", "1.706"], ["2", "2024-01-03", "1.25", "12.450"]]
    df, report = read_transactions(write(tmp_path, rows, sep), report=True)
    assert df["revenue"].tolist() == [1.706, 12.45]
    assert any("read as 1.706 (decimal mark '.')" in n for n in report.notes)


def test_semicolon_file_keeps_reading_german_thousands(tmp_path):
    df = read_transactions(write(tmp_path, whole_euros(["2024-01-02", "2024-01-03", "2024-01-04"]), ";"))
    assert df["revenue"].tolist() == [1706.0, 12450.0, 705.0]


def test_thousands_comma_in_quotes_is_refused_too(tmp_path):
    rows = [["Customer ID", "Date", "Sales"], ["1", "2024-01-02", '"1,706"'], ["2", "2024-01-03", '"12,450"']]
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, rows, ","))
    assert (info.value.line, info.value.column, info.value.value) == (2, "Sales", "1,706")
    assert "thousands=','" in str(info.value) and "decimal=','" in str(info.value)


def test_several_groups_are_not_ambiguous(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz"], ["1", "2024-01-02", "1.234.567"], ["2", "2024-01-03", "12.450"]]
    assert read_transactions(write(tmp_path, rows, "\t"))["revenue"].tolist() == [1234567.0, 12450.0]


def test_the_refusal_in_german(tmp_path):
    path = write(tmp_path, whole_euros(["2024-01-02", "2024-01-03", "2024-01-04"]), "\t")
    with kamlab.language("de"), pytest.raises(DataFormatError) as info:
        read_transactions(path)
    message = str(info.value)
    assert message.startswith("amounts.csv, Zeile 2, Spalte 'Umsatz': Zahlen wie '1.706' (Zeile 2) und '12.450'")
    assert "1,706 und 12,45" in message and "thousands='.'" in message
