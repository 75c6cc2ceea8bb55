"""Timestamps with UTC offsets: read as the local date and time written, made naive; never a crash.

kamlab's convention (documented in read_transactions): "2024-03-31T23:30:00-05:00" is
2024-03-31 23:30 -- the calendar day the sale was booked on where it was booked.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError


def write(tmp_path, lines):
    path = tmp_path / "zeiten.csv"
    path.write_text("Kundennr.,Datum,Umsatz\n" + "".join(f"{i + 1},{d},1.00\n" for i, d in enumerate(lines)))
    return path


def test_mixed_offsets_z_and_naive_in_one_column(tmp_path):
    path = write(tmp_path, [
        "2024-03-31T23:30:00-05:00", "2024-03-01T10:00:00Z", "2024-03-01 10:00:00+01:00",
        "2024-07-01T00:15:00+0200", "2024-03-01", "2024-03-02 08:00",
    ])
    df, report = read_transactions(path, report=True)
    assert df["date"].tolist() == [
        pd.Timestamp("2024-03-31 23:30"), pd.Timestamp("2024-03-01 10:00"), pd.Timestamp("2024-03-01 10:00"),
        pd.Timestamp("2024-07-01 00:15"), pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02 08:00"),
    ]
    assert str(df["date"].dtype) == "datetime64[ns]"
    assert report.date_format == "ISO8601"
    note = next(n for n in report.notes if "UTC offset" in n)
    assert note.startswith("the dates in column 'Datum' carry UTC offsets (mixed offsets): +01:00, +0200, -05:00, Z.")


def test_one_offset_throughout(tmp_path):
    path = write(tmp_path, ["2024-12-31T23:59:59+01:00", "2025-01-01T00:00:01+01:00"])
    df, report = read_transactions(path, report=True)
    assert df["date"].tolist() == [pd.Timestamp("2024-12-31 23:59:59"), pd.Timestamp("2025-01-01 00:00:01")]
    assert "(mixed offsets)" not in next(n for n in report.notes if "UTC offset" in n)


def test_german_dates_with_utc_suffix(tmp_path):
    path = write(tmp_path, ["31.03.2024 23:30 UTC", "01.04.2024 00:10 UTC"])
    df = read_transactions(path)
    assert df["date"].tolist() == [pd.Timestamp("2024-03-31 23:30"), pd.Timestamp("2024-04-01 00:10")]


def test_explicit_format_with_percent_z(tmp_path):
    path = write(tmp_path, ["2024-03-31 23:30:00 -0500", "2024-04-01 01:00:00 +0200"])
    df = read_transactions(path, date_format="%Y-%m-%d %H:%M:%S %z")
    assert df["date"].tolist() == [pd.Timestamp("2024-03-31 23:30"), pd.Timestamp("2024-04-01 01:00")]


def test_impossible_day_with_offset_is_named(tmp_path):
    path = write(tmp_path, ["2024-03-01T10:00:00+01:00", "2024-02-30T10:00:00+01:00"])
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value) == (3, "Datum", "2024-02-30T10:00:00+01:00")
    assert "is not a valid date: there is no such day" in str(info.value)


def test_plain_dates_get_no_offset_note(tmp_path):
    _, report = read_transactions(write(tmp_path, ["2024-03-01", "2024-03-02"]), report=True)
    assert not any("UTC offset" in n for n in report.notes)


def test_the_note_in_german(tmp_path):
    import kamlab

    path = write(tmp_path, ["2024-03-31T23:30:00-05:00"])
    with kamlab.language("de"):
        _, report = read_transactions(path, report=True)
    assert any(n.startswith("die Daten in Spalte 'Datum' tragen die UTC-Verschiebung -05:00.") for n in report.notes)
