"""The line numbers of a file whose every line is a row, kept without an array (dialect._LineNumbers):
indexed exactly like the array they stand for, and used for the line numbers of big files' messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kamlab.data.readers.fastcsv as fastcsv
from kamlab import read_transactions
from kamlab.data.readers.dialect import _LineNumbers
from kamlab.errors import DataFormatError


@given(first=st.integers(0, 10), n=st.integers(1, 40), data=st.data())
def test_indexed_like_the_array(first, n, data):
    lines, array = _LineNumbers(first, n), np.arange(first, first + n, dtype=np.int64)
    assert len(lines) == n
    np.testing.assert_array_equal(np.asarray(lines), array)
    i = data.draw(st.integers(-n, n - 1))
    assert lines[i] == array[i]
    assert lines[np.int64(i)] == array[i]
    start, stop = data.draw(st.integers(-n - 2, n + 2)), data.draw(st.integers(-n - 2, n + 2))
    step = data.draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
    np.testing.assert_array_equal(lines[start:stop:step], array[start:stop:step])
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    np.testing.assert_array_equal(lines[mask], array[mask])
    positions = np.array(data.draw(st.lists(st.integers(-n, n - 1), max_size=10)), dtype=np.int64)
    np.testing.assert_array_equal(lines[positions], array[positions])
    assert lines[mask].dtype == lines[positions].dtype == np.int64


def test_out_of_range_is_an_index_error_like_the_array():
    lines, array = _LineNumbers(2, 5), np.arange(2, 7)
    for key in (5, -6, np.array([0, 5]), np.array([-6]), np.ones(4, dtype=bool)):
        with pytest.raises(IndexError):
            array[key]
        with pytest.raises(IndexError):
            lines[key]


def test_a_big_files_bad_line_is_named_by_its_number(tmp_path, monkeypatch):
    # 30,000 lines read by the fast path (its size limit lowered: the file has 0.7 MB) after a title line and a
    # header: the bad cell is in row 20,001, file line 2 + 20,001
    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1000)
    n = 30_000
    frame = pd.DataFrame({"Kunde": [f"K{i % 97}" for i in range(n)],
                          "Datum": ["03.01.2024"] * n, "Umsatz": ["12,50"] * n})
    frame.loc[20_000, "Umsatz"] = "zwölf"
    path = tmp_path / "umsatz.csv"
    path.write_text("Umsatzliste 2024\n" + frame.to_csv(sep=";", index=False), encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"line 20003\b") as caught:
        read_transactions(path)
    assert "zwölf" in str(caught.value)
    df, report = read_transactions(path, errors="drop", report=True)
    assert len(df) == n - 1
    assert report.set_aside["line"].tolist() == [20_003]


def test_a_parquet_rows_bad_cell_is_named_by_its_row(tmp_path):
    n = 30_000
    frame = pd.DataFrame({"account_id": [f"K{i % 97}" for i in range(n)],
                          "date": pd.Timestamp("2024-01-03"), "revenue": ["12.5"] * n})
    frame.loc[12_345, "revenue"] = "twelve"
    path = tmp_path / "lines.parquet"
    frame.to_parquet(path)
    df, report = read_transactions(path, errors="drop", report=True)
    assert len(df) == n - 1
    assert report.set_aside["line"].tolist() == [12_346]  # rows counted from 1
