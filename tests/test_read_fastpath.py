"""The readers' fast paths (kamlab.data.readers.fast) give what the slow paths give, errors included.

The fast paths work on the Arrow buffers of big text columns (more than 10,000 cells); with
``_edge_bytes`` patched to answer None every reader takes the slow path, so both can be compared
on the same files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kamlab.data.readers.fast as fast
from kamlab import read_transactions
from kamlab.data.readers.cells import _FLOAT_ID, _to_ids
from kamlab.data.readers.lines import _TOTAL_START
from kamlab.errors import DataFormatError

pytestmark = pytest.mark.skipif(fast._str_dtype() is None, reason="the fast paths need pandas 3's text dtype")

CELLS = ["K-1", "Summe", " Gesamt", "\u00a0Total 2024", "übertrag", "Übertrag", "ſumme", "Zwischensumme:",
         "Total AG", "", "tot", "Insgesamt 3 Kunden", "K10", "10.0", "gesamt", "\tsum", "Sub-total", "€ 12",
         " x ", "x\u2003", "Straße", "Ende", "endsumme"]


def _big(cells, n=12_000):
    values = (cells * (n // len(cells) + 1))[:n]
    return pd.Series(values, dtype="str")


def _slow(monkeypatch):
    monkeypatch.setattr(fast, "_edge_bytes", lambda series: None)


def test_total_candidates_equal_the_regex_on_every_cell():
    col = _big(CELLS)
    expected = col.str.contains(_TOTAL_START, regex=True).to_numpy(dtype=bool)
    assert (fast._total_candidates(col, _TOTAL_START) == expected).all()
    assert expected.any()


def test_string_cells_are_stripped_like_the_slow_path():
    col = _big(CELLS + [None])
    slow = col.astype(object).where(col.notna(), "").astype(str).str.strip()
    pd.testing.assert_series_equal(fast._string_text(col), slow.astype("str"))


@pytest.mark.parametrize("cells", [["K-1", "K10", "", "4711"], ["17850.0", "12.0", ""], ["10.0", "10.1", "7"]])
def test_plain_ids_only_where_no_id_looks_like_a_float(cells):
    col = _big(cells)
    ids = fast._plain_ids(col)
    slow, floaty = _to_ids(col, None)
    if ids is None:  # some id may be a float: convert.py decides
        assert col.str.fullmatch(_FLOAT_ID).any()
    else:
        assert not floaty.any()
        expected = slow.reset_index(drop=True)
        pd.testing.assert_series_equal(ids, expected.astype("str").where(expected != "", np.nan))


def _german_csv(path, n, bad_line=None, total_line=None):
    rng = np.random.default_rng(1)
    rows = ["Kundennr.;Belegdatum;Warengruppe;Umsatz"]
    for i in range(n):
        amount = f"{rng.integers(-9999, 999_999) / 100:.2f}".replace(".", ",")
        group = ["Motoren", " Service ", "Förderbänder", ""][i % 4]
        rows.append(f"K{rng.integers(0, 500)};{1 + i % 28:02d}.0{1 + i % 9}.2024;{group};{amount}")
    if bad_line:
        rows[bad_line - 1] = "K1;31.02.2024;Motoren;12,50"
    if total_line:
        rows[total_line - 1] = "Summe;;;1.234,50"
    path.write_text("\n".join(rows) + "\n", encoding="cp1252")
    return path


def _same(fast_result, slow_result):
    pd.testing.assert_frame_equal(fast_result.data, slow_result.data)
    a, b = fast_result.report, slow_result.report
    assert (a.rows_read, a.rows_kept, a.rows_set_aside, a.notes) == (b.rows_read, b.rows_kept, b.rows_set_aside,
                                                                     b.notes)
    pd.testing.assert_frame_equal(a.problems, b.problems)
    pd.testing.assert_frame_equal(a.set_aside, b.set_aside)


def test_a_big_csv_reads_the_same_both_ways(tmp_path, monkeypatch):
    path = _german_csv(tmp_path / "umsatz.csv", 12_500)
    quick = read_transactions(path, report=True)
    _slow(monkeypatch)
    _same(quick, read_transactions(path, report=True))


def test_errors_name_the_same_line_both_ways(tmp_path, monkeypatch):
    path = _german_csv(tmp_path / "umsatz.csv", 12_500, bad_line=11_001, total_line=12_000)
    with pytest.raises(DataFormatError) as quick:
        read_transactions(path)
    with pytest.warns(UserWarning):
        dropped = read_transactions(path, errors="drop", report=True)
    _slow(monkeypatch)
    with pytest.raises(DataFormatError) as slow:
        read_transactions(path)
    assert (quick.value.line, quick.value.column, quick.value.value) == (slow.value.line, slow.value.column,
                                                                         slow.value.value) == (11_001, "Belegdatum",
                                                                                               "31.02.2024")
    assert str(quick.value) == str(slow.value)
    with pytest.warns(UserWarning):
        _same(dropped, read_transactions(path, errors="drop", report=True))
    assert dropped.report.set_aside["line"].tolist() == [11_001, 12_000]


def test_a_big_parquet_file_reads_the_same_both_ways(tmp_path, monkeypatch):
    n = 12_000
    frame = pd.DataFrame({
        "Kunde": _big(["K1", " K2", "K3\u00a0", "Summe"], n).where(np.arange(n) % 97 != 5),
        "Datum": pd.date_range("2024-01-01", periods=n, freq="h"),
        "Gruppe": pd.Categorical(_big(["Motoren", " Service", "Förderbänder"], n)),
        "Umsatz": np.linspace(-10, 10_000, n),
    })
    frame.to_parquet(tmp_path / "lines.parquet")
    with pytest.warns(UserWarning):
        quick = read_transactions(tmp_path / "lines.parquet", errors="drop", report=True)
    _slow(monkeypatch)
    with pytest.warns(UserWarning):
        _same(quick, read_transactions(tmp_path / "lines.parquet", errors="drop", report=True))
    assert quick.report.rows_set_aside > 0 and quick.data["Gruppe"].dtype == "str"
