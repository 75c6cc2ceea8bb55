"""Parquet: typed columns stay typed, time-zone-aware timestamps, the same result as the CSV path."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kamlab.data.readers.convert as convert_module
from kamlab import read_transactions
from kamlab.errors import DataFormatError


def _lines(n=6):
    return pd.DataFrame(
        {
            "Kundennr": [f"K{i % 3}" for i in range(n)],
            "Datum": pd.to_datetime([f"2024-0{1 + i % 9}-1{i % 10}" for i in range(n)]).astype("datetime64[us]"),
            "Menge": np.arange(1, n + 1, dtype="int64"),
            "Umsatz": np.round(np.linspace(-50.25, 1234.5, n), 2),
            "Bemerkung": ["a", None, " b ", "c", "", "d"][:n],
        }
    )


def _write(frame, path, schema=None):
    pq.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False), path)
    return path


def test_typed_columns_are_kept_typed_not_parsed_from_text(tmp_path, monkeypatch):
    path = _write(_lines(), tmp_path / "lines.parquet")
    parsed = []
    original = convert_module._parse_amounts
    monkeypatch.setattr(convert_module, "_parse_amounts", lambda text, *a: parsed.append(len(text)) or original(
        text, *a))
    df, report = read_transactions(path, report=True, decimal=",")  # decimal concerns text only
    assert parsed == []  # no number was written as text
    assert df["revenue"].tolist() == _lines()["Umsatz"].tolist()
    assert df["quantity"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert df["date"].dtype == "datetime64[ns]"
    assert df["date"].tolist() == _lines()["Datum"].tolist()
    assert df["account_id"].tolist() == ["K0", "K1", "K2", "K0", "K1", "K2"]
    # a column kamlab does not map stays as the file has it (text here, missing values as NaN)
    assert df["Bemerkung"].iloc[0] == "a" and pd.isna(df["Bemerkung"].iloc[1])
    assert report.rows_read == report.rows_kept == 6


def test_integer_and_float_ids_become_text(tmp_path):
    frame = _lines().assign(Kundennr=[17850, 17851, 12, 17850, 3, 4])
    df = read_transactions(_write(frame, tmp_path / "ints.parquet"))
    assert df["account_id"].tolist() == ["17850", "17851", "12", "17850", "3", "4"]
    frame = frame.assign(Kundennr=frame["Kundennr"].astype(float))  # ids that went through a float
    df = read_transactions(_write(frame, tmp_path / "floats.parquet"))
    assert df["account_id"].tolist() == ["17850", "17851", "12", "17850", "3", "4"]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_time_zone_aware_timestamps_are_the_local_time_in_their_zone(tmp_path, zone):
    local = pd.to_datetime(["2024-03-31 23:30", "2024-01-01 00:15", "2024-07-01 12:00"])
    frame = pd.DataFrame(
        {"Kunde": ["A", "B", "C"], "Datum": local.tz_localize(zone).astype(f"datetime64[us, {zone}]"),
         "Umsatz": [1.0, 2.0, 3.0]}
    )
    df, report = read_transactions(_write(frame, tmp_path / "tz.parquet"), report=True)
    assert df["date"].dtype == "datetime64[ns]"
    assert df["date"].tolist() == local.tolist()  # 31 March stays 31 March, whatever UTC says
    assert any("time zone " + zone in n and "'Datum'" in n for n in report.notes), report.notes


def test_time_zone_aware_timestamps_as_spark_writes_them(tmp_path):
    # Spark and Snowflake write timestamp[us, tz=UTC] without pandas metadata
    stamps = pa.array([1_711_927_800_000_000, 1_704_067_200_000_000], type=pa.timestamp("us", tz="UTC"))
    table = pa.table({"customer_id": pa.array([7, 8], pa.int64()), "order_date": stamps,
                      "revenue": pa.array([10.5, 20.0])})
    pq.write_table(table, tmp_path / "spark.parquet")
    df = read_transactions(tmp_path / "spark.parquet")
    assert df["account_id"].tolist() == ["7", "8"]
    assert df["date"].tolist() == [pd.Timestamp("2024-03-31 23:30"), pd.Timestamp("2024-01-01")]


@pytest.mark.parametrize("other", [False, True])
def test_a_timestamp_pandas_cannot_hold_is_named_with_its_row(tmp_path, other):
    # other: a second timestamp column, not mapped (a file's only one is converted beside the other columns'
    # work, several later), holding a date pandas cannot hold either: returned as it is, no problem of its own
    stamps = pa.array(np.array(["2024-01-05", "9999-12-31"], dtype="datetime64[us]"))
    table = pa.table({"Kunde": ["A", "B"], "Datum": stamps, "Umsatz": [1.0, 2.0]})
    if other:
        table = table.append_column("Stand", pa.array(np.array(["1200-01-01", "2024-02-03"], dtype="datetime64[us]")))
    pq.write_table(table, tmp_path / "far.parquet")
    with pytest.raises(DataFormatError) as info:
        read_transactions(tmp_path / "far.parquet")
    assert (info.value.line, info.value.column) == (2, "Datum")
    assert "9999-12-31" in str(info.value.value)
    assert "outside the dates pandas can hold" in str(info.value)
    with pytest.warns(UserWarning):
        df, report = read_transactions(tmp_path / "far.parquet", errors="drop", report=True)
    assert df["account_id"].tolist() == ["A"]
    assert report.set_aside["line"].tolist() == [2]
    assert "9999-12-31" in report.set_aside["Datum"].iloc[0]
    assert report.set_aside["Umsatz"].iloc[0] == "2"  # typed cells of a row set aside, as text
    if other:
        assert df["Stand"].tolist() == [np.datetime64("1200-01-01", "us")]
        assert report.set_aside["Stand"].iloc[0] == "2024-02-03"  # as pandas prints a day without a time


def test_rows_with_missing_required_values_and_blank_rows(tmp_path):
    frame = pd.DataFrame({"Kunde": ["A", None, None, "D"], "Datum": pd.to_datetime(["2024-01-01", None, None,
                                                                                     "2024-01-04"]),
                          "Umsatz": [1.0, 2.5, np.nan, np.nan]})
    path = _write(frame, tmp_path / "holes.parquet")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert info.value.line == 2  # row 3 is blank: not a row, never an error
    with pytest.warns(UserWarning):
        df, report = read_transactions(path, errors="drop", report=True)
    assert df["account_id"].tolist() == ["A"]
    assert sorted(set(report.problems["line"])) == [2, 4]
    assert report.set_aside["Umsatz"].tolist() == ["2.5", ""]


def test_same_result_as_the_csv_path(tmp_path):
    frame = _lines().drop(columns="Bemerkung")
    parquet = read_transactions(_write(frame, tmp_path / "lines.parquet"))
    text = frame.assign(
        Datum=frame["Datum"].dt.strftime("%d.%m.%Y"),
        Umsatz=frame["Umsatz"].map(lambda v: f"{v:.2f}".replace(".", ",")),
    )
    text.to_csv(tmp_path / "lines.csv", sep=";", index=False, encoding="cp1252")
    csv = read_transactions(tmp_path / "lines.csv")
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)
    assert parquet.dtypes.to_dict() == csv.dtypes.to_dict()


def test_a_category_column_is_kept_as_one_unless_mapped(tmp_path):
    # "Farbe" is no column kamlab knows: kept as the file has it, a category column with its own categories (the
    # spaces too) and missing cells missing; "Warengruppe" (product_group) is mapped: read as its text, stripped
    farbe = pd.Categorical(["rot", " grün", None, "rot", "blau ", " grün"])
    frame = _lines().assign(Farbe=farbe,
                            Warengruppe=pd.Categorical(["Antriebe", " Service", "Antriebe", None, "Service", "Summe"]))
    with pytest.warns(UserWarning, match="rows 6"):
        df, report = read_transactions(_write(frame, tmp_path / "lines.parquet"), errors="drop", report=True)
    assert isinstance(df["Farbe"].dtype, pd.CategoricalDtype)
    assert df["Farbe"].cat.categories.tolist() == [" grün", "blau ", "rot"]
    assert [None if pd.isna(v) else v for v in df["Farbe"]] == ["rot", " grün", None, "rot", "blau "]
    assert pd.api.types.is_string_dtype(df["product_group"].dtype)
    assert [None if pd.isna(v) else v for v in df["product_group"]] == ["Antriebe", "Service", "Antriebe", None,
                                                                         "Service"]
    # the total line (row 6) is set aside showing each cell's text, stripped, as for any other column
    assert report.set_aside["line"].tolist() == [6] and report.problems["value"].tolist() == ["Summe"]
    assert report.set_aside[["Farbe", "Warengruppe"]].astype(object).values.tolist() == [["grün", "Summe"]]
    assert pd.api.types.is_string_dtype(report.set_aside["Farbe"].dtype)


def test_a_total_word_in_an_unmapped_category_column_stops_the_read(tmp_path):
    frame = _lines().assign(Notiz=pd.Categorical(["x", "x", "  Gesamt 2024", "x", "x", None]))
    with pytest.raises(DataFormatError, match="row 3") as caught:
        read_transactions(_write(frame, tmp_path / "lines.parquet"))
    assert "'Gesamt 2024'" in str(caught.value)


@pytest.mark.parametrize("errors", ["raise", "drop"])
def test_mapped_category_columns_read_as_their_text_would(tmp_path, errors):
    # ids, amounts, dates and text written as category columns (as pandas users save them) give what the same
    # cells written as text give: the same frame, report and errors
    text = pd.DataFrame({
        "Kundennr.": ["17850.0", " 4711", "17850", None, "4711", "0815"],
        "Belegdatum": ["03.01.2024", "04.01.2024", "03.01.2024", "05.01.2024", "", "06.01.2024"],
        "Umsatz": ["1.234,56", "-12,50", "1.234,56", "7,00", "(3,10)", "Summe"],
        "Warengruppe": ["Antriebe", " Service", "Antriebe", None, "Service", "Antriebe"],
    })
    coded = text.astype("category")
    results = []
    for frame, name in ((text, "text.parquet"), (coded, "coded.parquet")):
        try:
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                results.append(read_transactions(_write(frame, tmp_path / name), errors=errors, report=True))
        except DataFormatError as exc:
            results.append(str(exc).replace("coded.parquet", "text.parquet"))
    if errors == "raise":
        assert results[0] == results[1] and "Kundennr." in results[0]
        return
    (a, ra), (b, rb) = results
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ra.problems, rb.problems)
    pd.testing.assert_frame_equal(ra.set_aside, rb.set_aside)
    assert ra.notes == rb.notes and ra.rows_set_aside == 3  # the missing id, the missing date, "Summe"
    assert a["account_id"].tolist() == ["17850", "4711", "17850"]


@pytest.mark.skipif("to_pandas_kwargs" not in __import__("inspect").signature(pd.read_parquet).parameters,
                    reason="pandas < 3 has no to_pandas_kwargs: the dates are converted after the read")
def test_the_only_timestamp_column_is_read_in_ns_at_once(tmp_path, monkeypatch):
    import functools

    calls, original = [], pd.read_parquet

    @functools.wraps(original)
    def read_parquet(path, **options):
        calls.append(options)
        return original(path, **options)

    monkeypatch.setattr(pd, "read_parquet", read_parquet)
    at_once = {"to_pandas_kwargs": {"coerce_temporal_nanoseconds": True}}
    lines = _lines()  # "Datum" in µs, the file's only column of time
    df = read_transactions(_write(lines, tmp_path / "lines.parquet"))
    assert calls == [at_once]
    assert df["date"].dtype == "datetime64[ns]" and df["date"].tolist() == lines["Datum"].tolist()
    # a duration (which the option would change too) or a second timestamp column: read as they are, kept so
    for extra in (pd.Series(np.arange(6) * 1_500_000, dtype="timedelta64[us]"), lines["Datum"] + pd.Timedelta("1D")):
        calls.clear()
        df = read_transactions(_write(lines.assign(Extra=extra), tmp_path / "more.parquet"))
        assert calls == [{}] and df["Extra"].dtype == extra.dtype and df["Extra"].tolist() == extra.tolist()
    # a date ns cannot hold: tried at once, then read as it is and named as before
    far = lines.assign(Datum=np.array(["2024-01-05"] * 5 + ["9999-12-31"], dtype="datetime64[us]"))
    calls.clear()
    with pytest.raises(DataFormatError) as info:
        read_transactions(_write(far, tmp_path / "far.parquet"))
    assert calls == [at_once, {}] and (info.value.line, info.value.column) == (6, "Datum")
    # the only timestamp column not mapped (the date written as text): read in ns, given back its own unit
    stamps = np.array(["2024-01-05T10:11:12.345", "2024-06-05"], dtype="datetime64[ms]")
    for last in (stamps[1], np.datetime64("9999-12-31", "ms")):  # and with a date ns cannot hold: as it is
        table = pa.table({"Kundennr": ["K1", "K2"], "Datum": ["05.01.2024", "06.01.2024"], "Umsatz": [1.0, 2.0],
                          "Stempel": pa.array(np.array([stamps[0], last]))})
        pq.write_table(table, tmp_path / "unit.parquet")
        calls.clear()
        df = read_transactions(tmp_path / "unit.parquet")
        assert calls[0] == at_once and df["Stempel"].dtype == "datetime64[ms]"
        assert df["Stempel"].tolist() == [pd.Timestamp(stamps[0]), pd.Timestamp(last)]
    # a time zone: its local times may not fit in ns where the UTC ones do (2262-04-11 23:00 UTC is 2262-04-12
    # 01:00 in Berlin), so it is read as it is, and that local date named
    utc = np.array(["2024-01-05T12:00", "2262-04-11T23:00"], dtype="datetime64[us]")
    table = pa.table({"Kundennr": ["K1", "K2"], "Umsatz": [1.0, 2.0],
                      "Datum": pa.array(utc, pa.timestamp("us", tz="Europe/Berlin"))})
    pq.write_table(table, tmp_path / "zone.parquet")
    calls.clear()
    with pytest.raises(DataFormatError) as info:
        read_transactions(tmp_path / "zone.parquet")
    assert calls == [{}] and (info.value.line, info.value.column) == (2, "Datum")
    assert "2262-04-12 01:00:00" in str(info.value)


def test_a_category_column_of_bytes_is_kept_as_it_is(tmp_path):
    # a dictionary of binary values (not text): no stripping of its categories as text; kept as the file has it
    codes = pa.array([b"x", b" y", None]).dictionary_encode()
    table = pa.table({"Kundennr": ["K1", "K2", "K3"], "Datum": ["05.01.2024"] * 3, "Umsatz": [1.0, 2.0, 3.0],
                      "Code": codes})
    pq.write_table(table, tmp_path / "bytes.parquet")
    df = read_transactions(tmp_path / "bytes.parquet")
    assert [None if pd.isna(v) else v for v in df["Code"]] == [b"x", b" y", None]
    assert df["account_id"].tolist() == ["K1", "K2", "K3"]
