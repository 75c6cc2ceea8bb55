"""Tests of kamlab.data.readers (formerly kamlab.io): the loaders for the user's own files.

Every expected value below was worked out by hand from the file contents written by
tests/data/make_files.py (which documents each file line by line), not copied from
the loader's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import tempfile
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamlab
from conftest import require_dataset
from kamlab.errors import (
    DataFormatError,
    EmptyDataError,
    KamlabError,
    MissingColumnError,
    ParameterError,
)
from kamlab.data.readers import (
    AmbiguousDatesWarning,
    ReadReport,
    ReadResult,
    RowsSetAsideWarning,
    read_accounts,
    read_transactions,
    summary,
)

DATA = pathlib.Path(__file__).resolve().parent / "data"


def data(name):
    return DATA / name


def dates(*texts):
    return list(pd.to_datetime(list(texts), format="ISO8601"))


def read_quietly(*args, **kwargs):
    """Read with errors="drop" and return (df, report, the warnings raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df, report = read_transactions(*args, errors="drop", report=True, **kwargs)
    return df, report, caught


# --------------------------------------------------------------------------------------
# the German ERP export (must show)
# --------------------------------------------------------------------------------------


def test_german_erp_export_loads_every_row_with_the_exact_revenue_total():
    # cp1252, CRLF, ';', decimal comma, thousands dot, dd.mm.yyyy, two preamble lines
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing is set aside, nothing is ambiguous
        df, report = read_transactions(data("erp_export_de.csv"), report=True)
    assert len(df) == 10
    # 12499.00 + 1200.00 + 6901.00 + 2699.97 + 301.00 + 18750.00 - 3450.50 + 1249.50
    # + 42691.34 + 1188.00 = 84029.31
    assert df["revenue"].sum() == pytest.approx(84029.31, abs=1e-9)
    assert report.total_revenue == pytest.approx(84029.31, abs=1e-9)
    assert (report.encoding, report.sep, report.decimal, report.thousands) == ("cp1252", ";", ",", ".")
    assert report.date_format == "%d.%m.%Y"
    assert report.header_line == 3
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (10, 10, 0)
    assert report.columns == {
        "Kundennr.": "account_id",
        "Rechnungsdatum": "date",
        "Rechnungsnr.": "invoice_id",
        "Artikel": "product",
        "Menge": "quantity",
        "Einzelpreis": "unit_price",
        "Umsatz": "revenue",
        "Kunde": "name",  # beside "Kundennr.", "Kunde" is the customer's name
    }
    assert report.n_accounts == 5
    assert (report.date_min, report.date_max) == (pd.Timestamp("2024-01-02"), pd.Timestamp("2024-12-31"))
    assert list(df.columns) == [
        "account_id", "date", "invoice_id", "product", "quantity", "unit_price", "revenue", "name",
    ]
    assert df["account_id"].tolist() == [
        "10017", "10017", "10234", "10552", "10017", "10889", "10234", "10552", "11003", "10889",
    ]
    assert df["date"].iloc[4] == pd.Timestamp("2024-02-29")  # a leap day is a real day
    assert df["revenue"].iloc[6] == -3450.50  # the credit note
    assert df["unit_price"].iloc[8] == 21345.67
    assert df["quantity"].tolist() == [1, 1, 2, 3, 4, 1, -1, 5, 2, 12]
    assert df["name"].iloc[8] == "Großküche Straße 7 GmbH"
    assert df["product"].iloc[3] == "Espressomaschine"
    assert df["date"].dtype == "datetime64[ns]"
    assert df["revenue"].dtype == "float64"


def test_german_erp_export_with_one_unreadable_cell_names_line_and_column():
    path = data("erp_export_de_bad_cell.csv")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, KamlabError)
    # line 9 = 2 preamble lines + header + 6th data row; a letter O typed for a zero
    assert (err.line, err.column, err.value, err.n_more) == (9, "Umsatz", "18.750,0O", 0)
    assert err.path == str(path)
    message = str(err)
    assert message.startswith(
        "erp_export_de_bad_cell.csv, line 9, column 'Umsatz': cannot read '18.750,0O' as a number"
    )
    assert 'errors="drop"' in message
    assert "Traceback" not in message


def test_german_erp_export_with_one_bad_cell_drop_sets_the_row_aside_and_reports_it():
    df, report, caught = read_quietly(data("erp_export_de_bad_cell.csv"))
    aside = [w for w in caught if issubclass(w.category, RowsSetAsideWarning)]
    assert len(aside) == 1
    assert "1 of 10 rows set aside" in str(aside[0].message)
    assert "line 9" in str(aside[0].message) or "lines 9" in str(aside[0].message)
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (10, 9, 1)
    assert report.rows_read == report.rows_kept + report.rows_set_aside
    assert len(df) == 9
    assert df["revenue"].sum() == pytest.approx(84029.31 - 18750.00, abs=1e-9)
    assert report.problems[["line", "column", "value"]].values.tolist() == [[9, "Umsatz", "18.750,0O"]]
    assert report.problems["reason"].iloc[0].startswith("cannot read '18.750,0O' as a number")
    assert report.set_aside["line"].tolist() == [9]
    assert report.set_aside["Kunde"].tolist() == ["Hotel Zur Mühle"]
    assert df.attrs["kamlab_report"] is report


# --------------------------------------------------------------------------------------
# encodings
# --------------------------------------------------------------------------------------


def test_utf8_comma_separated_with_quoted_comma():
    df, report = read_transactions(data("utf8_comma.csv"), report=True)
    assert (report.encoding, report.sep, report.decimal) == ("utf-8", ",", ".")
    assert df["account_id"].tolist() == ["C-001", "C-002", "C-001", "C-003"]
    assert df["product"].tolist() == ["Widget", "Gadget, large", "Widget", "Service"]
    assert df["revenue"].tolist() == [25.0, 1250.0, 10.0, 99.90]
    assert df["revenue"].sum() == pytest.approx(1384.90, abs=1e-9)
    assert df["date"].tolist() == dates("2024-03-01", "2024-03-05", "2024-04-11", "2024-04-30")
    assert report.date_format == "ISO8601"


def test_gzip_compressed_csv_reads_like_the_plain_file():
    plain = read_transactions(data("utf8_comma.csv"))
    packed = read_transactions(data("utf8_comma.csv.gz"))
    pd.testing.assert_frame_equal(plain, packed)


def test_utf8_with_bom_does_not_leak_into_the_first_column_name():
    df, report = read_transactions(data("utf8_bom_semicolon.csv"), report=True)
    assert report.encoding == "utf-8-sig"
    assert next(iter(report.columns)) == "Kunden-Nr"
    assert report.columns["Stückpreis"] == "unit_price"
    assert report.columns["Firmenname"] == "name"
    assert report.columns["Warengruppe"] == "product_group"
    assert df["name"].tolist() == ["Müller Maschinenbau GmbH", "Öztürk Logistik", "Müller Maschinenbau GmbH"]
    assert df["quantity"].tolist() == [8.0, 1.5, 2.0]  # "1,5": decimal comma
    assert df["unit_price"].tolist() == [12.5, 80.0, 12.5]
    assert df["revenue"].sum() == pytest.approx(100 + 120 + 25, abs=1e-9)


def test_latin1_tab_separated():
    df, report = read_transactions(data("latin1_tab.txt"), report=True)
    # cp1252 reads every Latin-1 letter the same way; the report says cp1252
    assert (report.encoding, report.sep) == ("cp1252", "\t")
    assert df["name"].tolist() == ["José Peñalver S.L.", "Fraîche Crèmerie", "José Peñalver S.L."]
    assert df["country"].tolist() == ["ES", "FR", "ES"]
    assert df["revenue"].tolist() == [1000.00, 250.75, -50.25]
    assert df["revenue"].sum() == pytest.approx(1200.50, abs=1e-9)


def test_utf16_tab_separated_unicode_text_from_excel():
    df, report = read_transactions(data("utf16_tab.txt"), report=True)
    assert (report.encoding, report.sep) == ("utf-16", "\t")
    assert df["revenue"].tolist() == [1000.50, 2000.25]


def test_explicit_wrong_encoding_names_the_line():
    with pytest.raises(DataFormatError, match=r"erp_export_de\.csv, line 1: .*encoding='utf-8'") as info:
        read_transactions(data("erp_export_de.csv"), encoding="utf-8")
    assert info.value.line == 1


def test_explicit_encoding_and_separator_are_used():
    df, report = read_transactions(data("erp_export_de.csv"), encoding="cp1252", sep=";", report=True)
    assert (report.encoding, report.sep, len(df)) == ("cp1252", ";", 10)


def test_unknown_encoding_is_a_parameter_error():
    with pytest.raises(ParameterError, match="not an encoding"):
        read_transactions(data("utf8_comma.csv"), encoding="klingon")


# --------------------------------------------------------------------------------------
# separators and numbers
# --------------------------------------------------------------------------------------


def test_pipe_separated_with_canonical_headers():
    df, report = read_transactions(data("pipe_separated.csv"), report=True)
    assert report.sep == "|"
    assert report.columns == {
        "account_id": "account_id", "date": "date", "product_group": "product_group", "revenue": "revenue",
    }
    assert df["revenue"].sum() == pytest.approx(600.60, abs=1e-9)
    assert df["product_group"].tolist() == ["Tools", "Parts", "Tools"]


def test_decimal_point_with_thousands_comma_and_us_dates():
    df, report = read_transactions(data("us_thousands_comma.csv"), report=True)
    assert (report.decimal, report.thousands, report.date_format) == (".", ",", "%m/%d/%Y")
    assert df["revenue"].tolist() == [1234.56, 12345678.90, -99.99]
    assert df["revenue"].sum() == pytest.approx(12346813.47, abs=1e-6)
    # 12/31/2024 can only be month first, so 02/03/2025 is 3 February
    assert df["date"].tolist() == dates("2024-12-31", "2025-01-15", "2025-02-03")
    assert df["invoice_id"].tolist() == ["INV-1", "INV-2", "INV-3"]
    assert df["account_id"].tolist() == ["1001", "1002", "1001"]


def test_semicolon_file_with_decimal_point():
    df, report = read_transactions(data("semicolon_decimal_point.csv"), report=True)
    assert (report.sep, report.decimal) == (";", ".")
    assert df["revenue"].tolist() == [1234.56, 0.44]


def test_sap_credit_notes_trailing_minus_parentheses_and_currency():
    df = read_transactions(data("credit_notes_sap.csv"))
    assert df["revenue"].tolist() == [1234.56, -1234.56, 2000.00, -500.00, 750.25, -0.25, 1000.00]
    assert df["revenue"].sum() == pytest.approx(3250.00, abs=1e-9)
    assert df["invoice_id"].tolist() == [f"900000{i}" for i in range(1, 8)]  # ids stay text
    assert df["account_id"].tolist() == ["100", "100", "200", "200", "300", "300", "400"]


def test_explicit_decimal_is_respected_even_when_wrong():
    # with decimal '.', "12.499,00" is not a number: the first is Einzelpreis in line 4,
    # and every one of the other 9 rows has a decimal comma too
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("erp_export_de.csv"), decimal=".")
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (4, "Einzelpreis", "12.499,00", 9)
    assert "pass decimal=','" in str(err)


def test_unparsable_numbers_raise_with_the_first_line_and_the_count():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("unparsable_number.csv"))
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (3, "Umsatz", "12,3x", 2)
    message = str(err)
    assert message.startswith("unparsable_number.csv, line 3, column 'Umsatz': cannot read '12,3x' as a number")
    assert "2 more rows cannot be used (lines 5, 6)" in message
    assert "In all: 3 rows with an unreadable number in column 'Umsatz'" in message
    assert err.problems["line"].tolist() == [3, 5, 6]


def test_unparsable_numbers_drop_keeps_the_good_rows_and_lists_the_bad():
    df, report, caught = read_quietly(data("unparsable_number.csv"))
    assert df["account_id"].tolist() == ["1", "3", "6"]
    assert df["revenue"].sum() == pytest.approx(60.0, abs=1e-9)
    assert report.problems["line"].tolist() == [3, 5, 6]
    assert report.problems["column"].tolist() == ["Umsatz"] * 3
    assert report.problems["value"].tolist() == ["12,3x", "abc", "1.2.3"]
    assert all(r.startswith("cannot read") for r in report.problems["reason"])
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (6, 3, 3)
    assert report.set_aside["Umsatz"].tolist() == ["12,3x", "abc", "1.2.3"]
    assert [w.category for w in caught] == [RowsSetAsideWarning]
    assert str(caught[0].message).startswith("unparsable_number.csv: 3 of 6 rows set aside")


# --------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------


def test_impossible_date_raises_naming_line_column_and_value():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("impossible_date.csv"))
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (3, "Rechnungsdatum", "31.02.2016", 0)
    assert "'31.02.2016' is not a valid date: there is no such day" in str(err)


def test_impossible_date_dropped():
    df, report, _ = read_quietly(data("impossible_date.csv"))
    assert df["date"].tolist() == dates("2016-02-28", "2016-02-29")
    assert df["revenue"].sum() == 400.0
    assert report.problems[["line", "column", "value"]].values.tolist() == [[3, "Rechnungsdatum", "31.02.2016"]]


def test_iso_datetimes_float_ids_and_revenue_from_quantity_and_price():
    df, report = read_transactions(data("iso_datetimes.csv"), report=True)
    assert report.revenue_computed
    assert "Revenue computed as quantity x unit price" in str(report)
    assert df["account_id"].tolist() == ["17850", "17850", "14527", "12583"]  # "17850.0" -> "17850"
    assert df["invoice_id"].tolist() == ["536365", "536366", "C536379", "536370"]
    assert df["product"].tolist() == ["85123A", "22633", "D", "22728"]
    assert df["date"].tolist() == dates(
        "2010-12-01 08:26:00", "2010-12-01 08:28:00", "2010-12-01 09:41:00", "2010-12-01 08:45:00"
    )
    # 6 x 2.55, 6 x 1.85, -1 x 27.50, 24 x 3.75
    assert df["revenue"].tolist() == pytest.approx([15.30, 11.10, -27.50, 90.00], abs=1e-12)
    assert df["revenue"].sum() == pytest.approx(88.90, abs=1e-9)


def test_ambiguous_slash_dates_warn_and_dayfirst_decides():
    with pytest.warns(AmbiguousDatesWarning, match="dayfirst") as caught:
        df, report = read_transactions(data("ambiguous_us_dates.csv"), report=True)
    assert caught[0].filename == __file__  # the warning points at the caller's line
    assert df["date"].tolist() == dates("2024-03-04", "2024-05-06")  # month first in a '.' file
    assert any("day first or month first" in note for note in report.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_transactions(data("ambiguous_us_dates.csv"), dayfirst=True)
    assert df["date"].tolist() == dates("2024-04-03", "2024-06-05")


def test_day_first_slash_dates_are_recognised_from_a_day_above_12():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df, report = read_transactions(data("uk_dates.csv"), report=True)
    assert report.date_format == "%d/%m/%Y"
    assert df["date"].tolist() == dates("2024-12-31", "2024-06-05")


@pytest.mark.parametrize("fmt", ["%d.%m.%Y", "dd.mm.yyyy"])
def test_explicit_date_format(fmt):
    df = read_transactions(data("erp_export_de.csv"), date_format=fmt)
    assert df["date"].iloc[-1] == pd.Timestamp("2024-12-31")


def test_explicit_wrong_date_format_reports_every_row():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("erp_export_de.csv"), date_format="%Y-%m-%d")
    assert (info.value.line, info.value.column, info.value.n_more) == (4, "Rechnungsdatum", 9)
    assert "cannot read '02.01.2024' as a date" in str(info.value)


# --------------------------------------------------------------------------------------
# layout: preamble, blank lines, quoting, empty files
# --------------------------------------------------------------------------------------


def test_explicit_header_row_counts_from_zero():
    auto = read_transactions(data("erp_export_de.csv"))
    given_row = read_transactions(data("erp_export_de.csv"), header_row=2)
    pd.testing.assert_frame_equal(auto, given_row)


def test_wrong_header_row_gives_a_missing_column_error():
    with pytest.raises(MissingColumnError, match="Columns found: 'Umsatzliste"):
        read_transactions(data("erp_export_de.csv"), header_row=0)
    with pytest.raises(ParameterError, match="header_row=40, but erp_export_de.csv has only 13 lines"):
        read_transactions(data("erp_export_de.csv"), header_row=40)
    with pytest.raises(ParameterError, match="has only 7 rows"):
        read_transactions(data("excel_title_row.xlsx"), header_row=7)


def test_blank_lines_are_not_rows_but_count_for_line_numbers():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("blank_lines.csv"))
    assert (info.value.line, info.value.value, info.value.n_more) == (7, "x", 0)
    df, report, _ = read_quietly(data("blank_lines.csv"))
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (4, 3, 1)
    assert df["revenue"].tolist() == [10.0, 20.0, 40.0]


def test_quoted_fields_may_contain_the_separator_and_quotes():
    df = read_transactions(data("quoted_separator.csv"))
    assert df["name"].tolist() == ["Müller; Sohn GmbH", 'Der "Beste" Laden']
    assert df["revenue"].tolist() == [1500.0, 250.0]


def test_line_with_too_many_fields():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("too_many_fields.csv"))
    err = info.value
    assert (err.line, err.column, err.n_more) == (3, None, 0)
    assert str(err).startswith("too_many_fields.csv, line 3: the line has 5 fields but the header has 4")
    df, report, _ = read_quietly(data("too_many_fields.csv"))
    assert df["account_id"].tolist() == ["1", "3"]
    assert report.problems["line"].tolist() == [3]  # only the line, not its shifted cells


def test_trailing_separator_on_data_lines_is_not_a_field():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("trailing_separator.csv"))
    assert (info.value.line, info.value.column, info.value.value) == (4, "Umsatz", "x")
    df, report, _ = read_quietly(data("trailing_separator.csv"))
    assert list(df.columns) == ["account_id", "date", "revenue"]
    assert df["revenue"].tolist() == [10.0, 20.5]
    assert report.problems["line"].tolist() == [4]


def test_quoted_line_break_keeps_line_numbers_right():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("multiline_quoted.csv"))
    assert (info.value.line, info.value.column, info.value.value) == (4, "Sales", "oops")
    df, report, _ = read_quietly(data("multiline_quoted.csv"))
    assert df["Description"].tolist() == ["Line one\ncontinued", "Plain"]
    assert df["revenue"].sum() == 40.0


@pytest.mark.parametrize("name", ["empty.csv", "blank_lines_only.csv"])
def test_empty_file(name):
    with pytest.raises(EmptyDataError, match=f"{name} is empty"):
        read_transactions(data(name))


def test_header_only():
    with pytest.raises(EmptyDataError, match=r"header_only\.csv has a header \(line 1\) but no data rows"):
        read_transactions(data("header_only.csv"))


def test_duplicated_column_names():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("duplicated_columns.csv"))
    assert "'Umsatz' (columns 3, 4)" in str(info.value)
    assert (info.value.line, info.value.column) == (1, "Umsatz")


def test_file_without_header_line():
    with pytest.raises(DataFormatError, match="cannot find the header line.*header_row="):
        read_transactions(data("no_header.csv"))


# --------------------------------------------------------------------------------------
# columns
# --------------------------------------------------------------------------------------


def test_missing_required_column_lists_columns_and_suggests_a_mapping():
    with pytest.raises(MissingColumnError) as info:
        read_transactions(data("missing_required_column.csv"))
    message = str(info.value)
    assert "no column for 'revenue'" in message
    assert "Columns found: 'Kundennr.', 'Datum', 'Betrag netto'." in message
    assert "Umsatz, Nettoumsatz" in message
    assert "columns={'Betrag netto': 'revenue'}" in message
    df, report = read_transactions(
        data("missing_required_column.csv"), columns={"Betrag netto": "revenue"}, report=True
    )
    assert df["revenue"].tolist() == [10.0]
    assert report.columns["Betrag netto"] == "revenue"


def test_required_can_be_relaxed():
    df = read_transactions(data("missing_required_column.csv"), required=("account_id", "date"))
    assert df["Betrag netto"].tolist() == ["10,00"]  # unmapped columns are kept as text


def test_two_columns_for_one_canonical_name_ask_for_columns():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("ambiguous_columns.csv"))
    message = str(info.value)
    assert "'Umsatz' and 'Nettoumsatz' both look like 'revenue'" in message
    assert "columns={'Umsatz': 'revenue'}" in message
    df, report = read_transactions(data("ambiguous_columns.csv"), columns={"Nettoumsatz": "revenue"}, report=True)
    assert df["revenue"].tolist() == [10.0]
    assert df["Umsatz"].tolist() == ["11,90"]
    assert report.unmapped == ["Umsatz"]
    assert any("'Umsatz' also looks like 'revenue'" in note for note in report.notes)


def test_revenue_computed_from_quantity_and_unit_price():
    df, report = read_transactions(data("quantity_price_only.csv"), report=True)
    assert report.revenue_computed
    # 3 x 19.99, 10 x 0.50, -1 x 19.99
    assert df["revenue"].tolist() == pytest.approx([59.97, 5.00, -19.99], abs=1e-12)
    assert report.total_revenue == pytest.approx(44.98, abs=1e-9)
    assert df["product"].tolist() == ["A-1", "A-2", "A-3"]


def test_columns_mapping_matches_names_loosely_and_checks_targets():
    df, report = read_transactions(data("quantity_price_only.csv"), columns={"kundennummer": "account_id"}, report=True)
    assert report.columns["Kundennummer"] == "account_id"
    with pytest.raises(ParameterError, match="Did you mean 'revenue'"):
        read_transactions(data("quantity_price_only.csv"), columns={"Menge": "revenu"})
    with pytest.raises(MissingColumnError, match="has no column 'Umsatz'"):
        read_transactions(data("quantity_price_only.csv"), columns={"Umsatz": "revenue"})
    with pytest.raises(ParameterError, match="maps both"):
        read_transactions(data("quantity_price_only.csv"), columns={"Menge": "revenue", "Einzelpreis": "revenue"})


def test_columns_none_keeps_a_column_under_its_own_name():
    df = read_transactions(data("erp_export_de.csv"), columns={"Kunde": None})
    assert "name" not in df.columns
    assert df["Kunde"].iloc[0] == "Bäckerei Größl KG"


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("Kundennr.", "account_id"), ("Kunden-Nr", "account_id"), ("KundenNr", "account_id"),
        ("customer_id", "account_id"), ("CustomerID", "account_id"), ("Customer ID", "account_id"),
        ("Debitor", "account_id"), ("Debitorennummer", "account_id"), ("Kunde", "account_id"),
        ("Umsatz", "revenue"), ("Nettoumsatz", "revenue"), ("Umsatz netto", "revenue"), ("Netto", "revenue"),
        ("Betrag", "revenue"), ("Sales", "revenue"), ("Revenue", "revenue"), ("Amount", "revenue"),
        ("Net sales", "revenue"), ("Umsatz (EUR)", "revenue"), ("Nettoumsatz in €", "revenue"),
        ("Datum", "date"), ("Rechnungsdatum", "date"), ("Belegdatum", "date"), ("Auftragsdatum", "date"),
        ("Buchungsdatum", "date"), ("InvoiceDate", "date"), ("Date", "date"), ("Order date", "date"),
        ("Rechnungsnr.", "invoice_id"), ("Rechnungsnummer", "invoice_id"), ("Belegnr.", "invoice_id"),
        ("Auftragsnr.", "invoice_id"), ("InvoiceNo", "invoice_id"), ("Order ID", "invoice_id"),
        ("Artikel", "product"), ("Artikelnr.", "product"), ("Material", "product"), ("StockCode", "product"),
        ("Menge", "quantity"), ("Anzahl", "quantity"), ("Qty", "quantity"),
        ("Einzelpreis", "unit_price"), ("Stückpreis", "unit_price"), ("Stueckpreis", "unit_price"),
        ("UnitPrice", "unit_price"), ("Wareneinsatz", "cost"), ("COGS", "cost"), ("Einstandspreis", "unit_cost"),
        ("Branche", "industry"), ("Key-Account-Manager", "key_account_manager"),
    ],
)
def test_german_and_english_headers_are_recognised(header, canonical):
    from kamlab.data.readers.columns import _recognise

    assert _recognise(header, accounts=False)[0] == canonical


@pytest.mark.parametrize("header", ["Umsatz in TEUR", "Bruttoumsatz", "Bemerkung", "Mitarbeiter"])
def test_headers_that_must_not_be_guessed(header):
    from kamlab.data.readers.columns import _recognise

    # thousands of euros, gross amounts and a salesperson must not become revenue/employees silently
    assert _recognise(header, accounts=False) is None


# --------------------------------------------------------------------------------------
# missing account ids
# --------------------------------------------------------------------------------------


def test_missing_account_id_raises_like_an_unreadable_value():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("missing_account_id.csv"))
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (3, "Kundennr.", "", 2)
    message = str(err)
    assert message.startswith("missing_account_id.csv, line 3, column 'Kundennr.': the account id is empty.")
    assert "2 more rows cannot be used (lines 5, 6)" in message
    assert "3 rows with an empty account id in column 'Kundennr.'" in message


def test_missing_account_id_drop_reports_every_problem():
    df, report, caught = read_quietly(data("missing_account_id.csv"))
    assert df["account_id"].tolist() == ["1", "3"]
    assert df["revenue"].sum() == 40.0
    assert report.problems[["line", "column"]].values.tolist() == [
        [3, "Kundennr."], [5, "Kundennr."], [6, "Kundennr."], [6, "Datum"],
    ]
    assert "is this a total line?" in report.problems["reason"].iloc[2]
    assert report.problems["reason"].iloc[3] == "the date is empty"
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (5, 2, 3)
    assert report.set_aside["Kunde"].tolist() == ["Beta", "Delta", "Summe"]
    assert len(caught) == 1 and "3 of 5 rows set aside" in str(caught[0].message)


# --------------------------------------------------------------------------------------
# Excel and Parquet
# --------------------------------------------------------------------------------------


def test_excel_with_title_row_and_blank_row_above_the_header():
    df, report = read_transactions(data("excel_title_row.xlsx"), report=True)
    assert (report.format, report.sheet, report.header_line) == ("excel", "Umsätze", 3)
    assert df["account_id"].tolist() == ["20001", "20002", "20001", "20003"]
    assert df["name"].tolist() == ["Alpha AG", "Beta GmbH", "Alpha AG", "Gamma KG"]
    assert df["date"].tolist() == dates("2024-01-10", "2024-02-20", "2024-03-30", "2024-04-15")
    # 1500.5 + 2500 + "1.234,50" (German text in a number cell) - 200.25
    assert df["revenue"].tolist() == [1500.5, 2500.0, 1234.5, -200.25]
    assert report.total_revenue == pytest.approx(5034.75, abs=1e-9)


def test_excel_sheet_by_name_and_unknown_sheet():
    by_name = read_transactions(data("excel_title_row.xlsx"), sheet_name="Umsätze")
    assert len(by_name) == 4
    with pytest.raises(ParameterError, match="no worksheet 'Nope'. Its worksheets: 'Umsätze', 'Info'"):
        read_transactions(data("excel_title_row.xlsx"), sheet_name="Nope")
    with pytest.raises(EmptyDataError, match="no data rows"):
        read_transactions(data("excel_title_row.xlsx"), sheet_name="Info")


def test_excel_bad_cell_names_the_spreadsheet_row():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("excel_bad_cell.xlsx"))
    err = info.value
    assert (err.line, err.column, err.value) == (6, "Umsatz", "n/a")
    assert str(err).startswith("excel_bad_cell.xlsx, row 6, column 'Umsatz': cannot read 'n/a' as a number")


def test_excel_cells_as_real_exports_have_them():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("excel_odd_cells.xlsx"))
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (3, "Kundennr.", "", 2)
    df, report, _ = read_quietly(data("excel_odd_cells.xlsx"))
    assert list(df.columns) == ["account_id", "date", "revenue", "Bemerkung"]  # empty unnamed column dropped
    assert df["account_id"].tolist() == ["17850", "K5"]  # the float 17850.0 is the id "17850"
    assert df["date"].tolist() == dates("2024-01-01", "2024-03-01 14:05")  # serial 45292 is 1 Jan 2024
    assert df["revenue"].tolist() == [1234.5, 5.5]
    assert df["Bemerkung"].tolist() == ["x", "letzte"]
    assert report.problems[["line", "column", "value"]].values.tolist() == [
        [3, "Kundennr.", ""], [3, "Umsatz", "True"], [4, "Datum", "08:00:00"], [4, "Umsatz", "#DIV/0!"],
        [5, "Datum", "9999-12-31"],
    ]
    assert "outside the dates pandas can hold" in report.problems["reason"].iloc[4]
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (5, 2, 3)


def test_placeholder_date_9999_is_named_as_such():
    with pytest.raises(DataFormatError) as info:
        read_transactions(data("placeholder_date.csv"))
    assert (info.value.line, info.value.column, info.value.value) == (2, "Datum", "31.12.9999")
    assert "'31.12.9999' is outside the dates pandas can hold (1677-09-22 to 2262-04-11)" in str(info.value)


def test_parquet_typed_columns_are_mapped_and_validated():
    df, report = read_transactions(data("transactions.parquet"), report=True)
    assert report.format == "parquet"
    assert report.columns == {"KundenNr": "account_id", "Datum": "date", "Menge": "quantity", "Umsatz": "revenue"}
    assert df["account_id"].tolist() == ["1", "2", "1", "3"]
    assert df["date"].tolist() == dates("2024-01-05", "2024-02-10", "2024-02-11", "2024-03-01")
    assert df["quantity"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert df["revenue"].sum() == pytest.approx(125.0, abs=1e-9)
    assert df["Bemerkung"].iloc[0] == "erste" and pd.isna(df["Bemerkung"].iloc[1])


# --------------------------------------------------------------------------------------
# accounts
# --------------------------------------------------------------------------------------


def test_read_accounts():
    df, report = read_accounts(data("accounts_de.csv"), report=True)
    assert list(df.columns) == [
        "account_id", "name", "industry", "country", "region", "employees", "key_account_manager",
    ]
    assert df["account_id"].tolist() == ["K-1001", "K-1002", "K-1003"]
    assert df["employees"].tolist() == [1250.0, 85.0, 420.0]  # "1.250" with thousands dot
    assert df["region"].iloc[:2].tolist() == ["Süd", "West"] and pd.isna(df["region"].iloc[2])
    assert report.n_accounts == 3


def test_read_accounts_duplicated_ids_name_both_lines():
    with pytest.raises(DataFormatError) as info:
        read_accounts(data("accounts_duplicate_ids.csv"))
    err = info.value
    assert (err.line, err.column, err.value, err.n_more) == (2, "Kundennr.", "K-1", 1)
    assert "the account id 'K-1' appears more than once (lines 2 and 4)" in str(err)
    with pytest.warns(RowsSetAsideWarning, match="2 of 4 rows") as caught:
        df, report = read_accounts(data("accounts_duplicate_ids.csv"), errors="drop", report=True)
    assert caught[0].filename == __file__
    assert df["account_id"].tolist() == ["K-2", "K-3"]
    assert report.problems["line"].tolist() == [2, 4]


# --------------------------------------------------------------------------------------
# the report, summary and parameters
# --------------------------------------------------------------------------------------


def test_report_true_returns_a_read_result_that_unpacks():
    result = read_transactions(data("erp_export_de.csv"), report=True)
    assert isinstance(result, ReadResult) and isinstance(result, tuple)
    assert ReadResult._fields == ("data", "report")
    assert isinstance(result.data, pd.DataFrame) and isinstance(result.report, ReadReport)
    assert result.data.attrs["kamlab_report"] is result.report
    df, report = result
    assert df is result.data and report is result.report
    assert len(df) == 10 and report.rows_kept == 10
    plain = read_transactions(data("erp_export_de.csv"))
    assert isinstance(plain, pd.DataFrame)  # without report=True: the frame alone
    pd.testing.assert_frame_equal(plain, df)
    accounts = read_accounts(data("accounts_de.csv"), report=True)
    assert isinstance(accounts, ReadResult) and accounts.report.n_accounts == 3


def test_report_is_attached_survives_pandas_operations_and_prints_the_mapping(capsys):
    df, report = read_transactions(data("erp_export_de.csv"), report=True)
    assert isinstance(report, ReadReport)
    assert df.attrs["kamlab_report"] is report
    assert df[df["revenue"] > 0].attrs["kamlab_report"] is report  # not deep-copied
    assert len(pd.concat([df, df])) == 20
    text = str(report)
    assert "'Kundennr.' -> account_id" in text
    assert "Rows: 10 read, 10 kept, 0 set aside." in text
    assert "Dates 2024-01-02 to 2024-12-31; 5 accounts; total revenue 84,029.31." in text
    read_transactions(data("erp_export_de.csv"), verbose=True)
    assert "'Umsatz' -> revenue" in capsys.readouterr().out


def test_summary_describes_the_frame_as_it_is():
    df = read_transactions(data("erp_export_de.csv"))
    assert summary(df) == "10 rows; dates 2024-01-02 to 2024-12-31; 5 accounts; total revenue 84,029.31."
    assert summary(df[df["account_id"] == "10017"]) == (
        "3 rows; dates 2024-01-02 to 2024-02-29; 1 accounts; total revenue 14,000.00."
    )


def test_lazy_top_level_names():
    assert kamlab.read_transactions is read_transactions
    assert kamlab.read_accounts is read_accounts
    assert kamlab.ReadReport is ReadReport


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"errors": "ignore"}, 'errors must be "raise" or "drop"'),
        ({"sep": ";;"}, "single character"),
        ({"decimal": "x"}, "decimal must be"),
        ({"decimal": ",", "thousands": ","}, "cannot both be"),
        ({"header_row": -1}, "header_row must be"),
        ({"required": ("account_id", "umsatz")}, "'umsatz' is not one of kamlab's column names"),
        ({"columns": ["Umsatz"]}, "columns must be a dict"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        read_transactions(data("erp_export_de.csv"), **kwargs)


def test_missing_file_and_old_excel(tmp_path):
    with pytest.raises(FileNotFoundError, match="There is no file 'nope.csv'"):
        read_transactions(tmp_path / "nope.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ParameterError, match=r"old Excel file \(\.xls\)"):
        read_transactions(old)


def test_not_really_excel_or_parquet(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(DataFormatError, match="cannot open the file as an Excel workbook"):
        read_transactions(fake)
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"PAR1 broken")
    with pytest.raises(DataFormatError, match="cannot read the file as Parquet"):
        read_transactions(fake)


# --------------------------------------------------------------------------------------
# the Online Retail file (541,909 lines, shared copy of the public dataset)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def online_retail():
    """The raw file (this test reads it with kamlab's own reader, not through the dataset fixture)."""
    return require_dataset("online_retail", "online_retail.csv.gz")


def test_online_retail_refuses_because_135080_lines_have_no_customer(online_retail):
    with pytest.raises(DataFormatError) as info:
        read_transactions(online_retail)
    err = info.value
    # the first line without CustomerID is line 624 (checked with zcat | sed -n 624p)
    assert (err.line, err.column, err.value, err.n_more) == (624, "CustomerID", "", 135_079)
    assert "In all: 135,080 rows with an empty account id in column 'CustomerID'." in str(err)


def test_online_retail_drop_keeps_406829_rows_with_the_exact_total(online_retail):
    # its speed is measured in benchmarks/, not asserted here
    with pytest.warns(RowsSetAsideWarning, match="135,080 of 541,909 rows set aside"):
        df, report = read_transactions(online_retail, errors="drop", report=True)
    assert (report.rows_read, report.rows_kept, report.rows_set_aside) == (541_909, 406_829, 135_080)
    # sum of Quantity x UnitPrice over the lines with a CustomerID, computed with the csv
    # module and decimal.Decimal: 8,300,065.814
    assert df["revenue"].sum() == pytest.approx(8_300_065.814, abs=1e-3)
    assert report.revenue_computed
    assert df["account_id"].iloc[0] == "17850"
    assert df["invoice_id"].str.startswith("C").sum() > 0  # cancellations are kept
    assert (report.date_min, report.date_max) == (
        pd.Timestamp("2010-12-01 08:26:00"), pd.Timestamp("2011-12-09 12:50:00"),
    )
    assert set(report.problems["reason"]) == {"the account id is empty"}


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

NAMES = ["Müller & Söhne GmbH", 'Café "Zur Post"', "Smith, Jones; Partners", "Größl|KG", "ACME", "Ölmühle\tNord"]
ACCOUNT_HEADERS = ["Kundennr.", "Customer ID", "Debitor", "Kunden-Nr"]
DATE_HEADERS = ["Datum", "Rechnungsdatum", "InvoiceDate", "Belegdatum"]
REVENUE_HEADERS = ["Umsatz", "Nettoumsatz", "Sales", "Revenue"]


def format_cents(cents, decimal, thousands):
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", thousands) if thousands else str(whole)
    return f"{sign}{digits}{decimal}{frac:02d}"


rows_strategy = st.lists(
    st.tuples(
        st.from_regex(r"[A-Z]{0,2}[1-9][0-9]{0,5}", fullmatch=True),
        st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)),
        st.integers(min_value=-10**11, max_value=10**11),
        st.sampled_from(NAMES),
    ),
    min_size=1,
    max_size=30,
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("roundtrip")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=rows_strategy,
    sep=st.sampled_from([";", ",", "\t", "|"]),
    decimal=st.sampled_from([",", "."]),
    use_thousands=st.booleans(),
    date_style=st.sampled_from(["%d.%m.%Y", "%Y-%m-%d"]),
    preamble=st.integers(min_value=0, max_value=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    eol=st.sampled_from(["\n", "\r\n"]),
    headers=st.tuples(
        st.sampled_from(ACCOUNT_HEADERS), st.sampled_from(DATE_HEADERS), st.sampled_from(REVENUE_HEADERS)
    ),
)
def test_written_in_any_convention_reads_back_the_same_rows_and_total(
    scratch, rows, sep, decimal, use_thousands, date_style, preamble, encoding, eol, headers
):
    thousands = ("." if decimal == "," else ",") if use_thousands else ""
    buffer = io.StringIO()
    for i in range(preamble):
        buffer.write(["Umsatzliste 2024", "Exportiert am 03.01.2025 von Jürgen Weiß", "Mandant 100"][i] + eol)
    writer = csv.writer(buffer, delimiter=sep, lineterminator=eol)
    writer.writerow([headers[0], "Name", headers[1], headers[2]])
    for account, day, cents, name in rows:
        writer.writerow([account, name, day.strftime(date_style), format_cents(cents, decimal, thousands)])
    path = scratch / "roundtrip.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))

    df, report = read_transactions(path, report=True)

    assert report.header_line == preamble + 1
    assert (report.sep, report.decimal) == (sep, decimal)
    assert len(df) == len(rows)
    assert df["account_id"].tolist() == [r[0] for r in rows]
    assert df["date"].tolist() == [pd.Timestamp(r[1]) for r in rows]
    assert df["name"].tolist() == [r[3] for r in rows]
    cents = np.round(df["revenue"].to_numpy() * 100).astype(np.int64)
    assert cents.tolist() == [r[2] for r in rows]
    assert round(df["revenue"].sum(), 2) == round(sum(r[2] for r in rows) / 100, 2)


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=-10**13, max_value=10**13),
    decimal=st.sampled_from([",", "."]),
    thousands=st.sampled_from(["", "sep", " ", "\u00a0", "'"]),
    style=st.sampled_from(["minus", "trailing", "parentheses", "euro-prefix", "eur-suffix"]),
)
def test_every_number_style_parses_to_the_cent(cents, decimal, thousands, style):
    from kamlab.data.readers.cells import _parse_numbers

    if thousands == "sep":
        thousands = "." if decimal == "," else ","
    text = format_cents(abs(cents), decimal, thousands)
    if cents < 0:
        text = {"minus": f"-{text}", "trailing": f"{text}-", "parentheses": f"({text})"}.get(style, f"-{text}")
    text = {"euro-prefix": f"€ {text}", "eur-suffix": f"{text} EUR"}.get(style, text)
    values, bad = _parse_numbers(pd.Series([text], dtype="str"), decimal, "." if decimal == "," else ",")
    assert not bad[0], text
    assert round(values[0] * 100) == cents


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n_rows=st.integers(min_value=1, max_value=25),
    blanks=st.lists(st.integers(min_value=0, max_value=30), max_size=8),
    bad_row=st.integers(min_value=0, max_value=24),
    preamble=st.integers(min_value=0, max_value=2),
)
def test_the_reported_line_is_the_line_an_editor_shows(scratch, n_rows, blanks, bad_row, preamble):
    bad_row = bad_row % n_rows
    lines = ["Umsatzliste", "Stand 02.01.2025"][:preamble] + ["Kundennr.;Datum;Umsatz"]
    for i in range(n_rows):
        lines.append(f"{i + 1};01.01.2024;{'12,3x' if i == bad_row else '10,00'}")
    # blank lines anywhere below the header
    for position in sorted(blanks, reverse=True):
        lines.insert(preamble + 1 + position % (n_rows + 1), "")
    expected = next(i + 1 for i, line in enumerate(lines) if line.endswith("12,3x"))
    path = scratch / "lines.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert info.value.line == expected
    assert f"line {expected}, column 'Umsatz'" in str(info.value)


FUZZ_ALPHABET = ';,\t|"\n\r 0123456789abcKUNDEumsatzdtä.-€()/:'
FUZZ_HEADERS = ["Kundennr.;Datum;Umsatz\n", "Customer ID,Date,Sales\n", "Menge;Preis;Kunde;Datum\n", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.sampled_from(FUZZ_HEADERS),
    body=st.text(alphabet=FUZZ_ALPHABET, max_size=300),
    encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]),
    required=st.sampled_from([("account_id", "date", "revenue"), ("account_id",), ()]),
    errors=st.sampled_from(["raise", "drop"]),
    accounts=st.booleans(),
)
def test_any_text_gives_a_frame_or_a_kamlab_error(scratch, header, body, encoding, required, errors, accounts):
    path = scratch / "fuzz.csv"
    path.write_bytes((header + body).encode(encoding, errors="replace"))
    loader = read_accounts if accounts else read_transactions
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            df = loader(path, errors=errors, required=required)
        except KamlabError:
            return
    report = df.attrs["kamlab_report"]
    assert report.rows_read == report.rows_kept + report.rows_set_aside == len(df) + report.rows_set_aside


def test_no_raw_pandas_error_for_garbage_bytes():
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder, "garbage.csv")
        path.write_bytes(bytes(range(256)) * 4)
        with pytest.raises(KamlabError):
            read_transactions(path)
