"""Excel dates: the workbook's date system (1900 or 1904) decides what a plain serial number means."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kamlab.data.readers import RowsSetAsideWarning, read_transactions

openpyxl = pytest.importorskip("openpyxl")


def workbook(tmp_path, epoch_1904, rows):
    book = openpyxl.Workbook()
    if epoch_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["Kundennr.", "Datum", "Umsatz"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / ("mac.xlsx" if epoch_1904 else "windows.xlsx")
    book.save(path)
    return path


def test_1904_workbook_serial_numbers_are_not_four_years_early(tmp_path):
    # 1904 system: day 0 is 1904-01-01, so 43891 is 2024-03-02 (1462 days less than the 1900 system's 45353)
    path = workbook(tmp_path, True, [["4711", 43891, 100.0], ["4712", 0, 5.0], ["4713", dt.datetime(2024, 3, 1), 1.0]])
    with pytest.warns(RowsSetAsideWarning, match="1 of 3 rows set aside"):
        df, report = read_transactions(path, report=True, errors="drop")
    assert df["date"].tolist() == [pd.Timestamp("2024-03-02"), pd.Timestamp("2024-03-01")]
    assert report.set_aside["line"].tolist() == [3]  # serial 0: no date (as in the 1900 system)
    assert any("1904 date system" in note for note in report.notes)


def test_1900_workbook_serial_numbers(tmp_path):
    path = workbook(tmp_path, False, [["4711", 45353, 100.0], ["4712", 45353.5, 5.0], ["4713", dt.datetime(2024, 3, 1), 1.0]])
    df, report = read_transactions(path, report=True)
    assert df["date"].tolist() == [
        pd.Timestamp("2024-03-02"), pd.Timestamp("2024-03-02 12:00"), pd.Timestamp("2024-03-01"),
    ]
    assert not any("1904" in note for note in report.notes)


def test_1904_workbook_dates_formatted_as_dates(tmp_path):
    path = workbook(tmp_path, True, [["4711", dt.datetime(2024, 3, 1), 100.0], ["4712", dt.date(1999, 12, 31), 5.0]])
    df = read_transactions(path)
    assert df["date"].tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("1999-12-31")]
