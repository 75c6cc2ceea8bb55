"""The readers' fast paths (kamlab.data.readers.fast) give what the slow paths give, errors included.

The fast paths work on the Arrow buffers of big text columns (more than 10,000 cells); with
``_edge_bytes`` patched to answer None every reader takes the slow path, so both can be compared
on the same files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import hypothesis
from hypothesis import strategies as st

import kamlab.data.readers.fast as fast
import kamlab.data.readers.threads as threads
import kamlab.data.readers.totals as totals
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
    monkeypatch.setattr(fast, "_edge_bytes", lambda series, compute=True: None)


def test_total_candidates_equal_the_regex_on_every_cell():
    col = _big(CELLS)
    expected = col.str.contains(_TOTAL_START, regex=True).to_numpy(dtype=bool)
    assert (totals._total_candidates(col, _TOTAL_START) == expected).all()
    assert expected.any()


def test_string_cells_are_stripped_like_the_slow_path():
    col = _big(CELLS + [None])
    slow = col.astype(object).where(col.notna(), "").astype(str).str.strip()
    pd.testing.assert_series_equal(fast._string_text(col), slow.astype("str"))


@pytest.mark.parametrize("cells", [["K-1", "K10", "", "4711"], ["17850.0", "12.0", ""], ["10.0", "10.1", "7"],
                                   ["K-1", "K10", ""], ["K-1", "R10.0"]])  # no id starting with a digit
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


def test_a_big_plain_file_is_parsed_from_disk_with_its_bytes_let_go_first(tmp_path, monkeypatch):
    import kamlab.data.readers.fastcsv as fastcsv
    from kamlab.data.readers.containers import _load
    from kamlab.data.readers.dialect import _read_text

    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1000)
    path = _german_csv(tmp_path / "umsatz.csv", 12_500, bad_line=11_001)
    seen = []
    original = fastcsv._parse

    def parse(body, *args):
        seen.append((type(body).__name__, box[0] is None))
        return original(body, *args)

    monkeypatch.setattr(fastcsv, "_parse", parse)
    source = _load(path)
    box = [source.data]
    source.data = None
    raw = _read_text(path, box, encoding=None, sep=None, header_row=None, stamp=source.stamp)
    assert seen == [("OSFile", True)] and box[0] is None  # pyarrow read the file; the bytes were let go before
    assert len(raw.text) == 12_500 and raw.text["Belegdatum"].iloc[11_001 - 2] == "31.02.2024"
    # the same frame and report as from the bytes (a file unpacked from .gz has no stamp: parsed from the bytes)
    import gzip

    packed = tmp_path / "umsatz.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    with pytest.warns(UserWarning):
        from_disk = read_transactions(path, errors="drop", report=True)
    with pytest.warns(UserWarning):
        from_bytes = read_transactions(packed, errors="drop", report=True)
    assert seen[-1][0] == "memoryview"
    pd.testing.assert_frame_equal(from_disk.data, from_bytes.data)
    pd.testing.assert_frame_equal(from_disk.report.set_aside, from_bytes.report.set_aside)


def test_a_file_that_changes_while_it_is_read_is_refused(tmp_path, monkeypatch):
    import kamlab.data.readers.fastcsv as fastcsv

    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1000)
    path = _german_csv(tmp_path / "umsatz.csv", 12_500)
    original = fastcsv._file_at

    def file_at(p, offset):  # another program appends a line between kamlab's read and pyarrow's
        with open(p, "a", encoding="cp1252") as fh:
            fh.write("K1;01.01.2024;Motoren;1,00\n")
        return original(p, offset)

    monkeypatch.setattr(fastcsv, "_file_at", file_at)
    with pytest.raises(DataFormatError, match="changed while kamlab read it"):
        read_transactions(path)


def test_a_read_that_fails_leaves_no_total_word_search_running(tmp_path, monkeypatch):
    import threading
    import time

    import kamlab
    import kamlab.data.readers.lines as lines_module

    import kamlab.data.readers.fastcsv as fastcsv

    monkeypatch.setattr(fast, "_THREADS_MIN_ROWS", 0)  # the search started beside the conversion
    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1000)
    # amounts that read both ways ("1.706"), tabs, ISO dates: the conversion refuses to guess the decimal mark
    path = tmp_path / "umsatz.txt"
    path.write_text("Kunde\tDatum\tUmsatz\n" + "".join(f"K{i % 97}\t2024-02-01\t{1 + i % 9}.{i % 1000:03d}\n"
                                                      for i in range(12_500)), encoding="utf-8")
    running = threading.Event()
    original = lines_module._total_words

    def slow_search(raw):
        running.set()
        time.sleep(0.5)
        result = original(raw)
        running.clear()
        return result

    monkeypatch.setattr(lines_module, "_total_words", slow_search)
    with kamlab.threads(2), pytest.raises(DataFormatError):
        read_transactions(path)
    assert not running.is_set()  # waited for (or never started), not left behind the error


def test_a_file_removed_while_it_is_read_is_refused_clearly(tmp_path, monkeypatch):
    import kamlab.data.readers.fastcsv as fastcsv

    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1000)
    path = _german_csv(tmp_path / "umsatz.csv", 12_500)
    original = fastcsv._file_at

    def file_at(p, offset):  # another program removes the file between kamlab's read and pyarrow's
        p.unlink()
        return original(p, offset)

    monkeypatch.setattr(fastcsv, "_file_at", file_at)
    with pytest.raises(DataFormatError, match="changed while kamlab read it"):
        read_transactions(path)


def test_the_only_timestamp_column_is_converted_beside_the_others_wherever_it_stands(tmp_path):
    from kamlab.data.readers.fast import _parquet_raw

    for order in (["Datum", "Kunde", "Umsatz"], ["Kunde", "Datum", "Umsatz"], ["Kunde", "Umsatz", "Datum"]):
        frame = pd.DataFrame({"Kunde": ["A", "B"], "Datum": pd.to_datetime(["2024-01-02", None]),
                              "Umsatz": [1.0, 2.0]})[order]
        raw = _parquet_raw(tmp_path / "x.parquet", frame)
        ns, far = raw.meta["ns"]["Datum"]
        assert far is None
        np.testing.assert_array_equal(ns, frame["Datum"].to_numpy(dtype="datetime64[ns]"))


def test_re2_patterns_are_matched_by_pyarrow_on_any_text_dtype():
    from kamlab.data.readers.totals import _TOTAL_LOOSE, _re2_contains

    cells = ["Summe", "  gesamt 2024", "Motoren", None, "- Total", "ıns", "Kunde"]
    expected = [True, True, False, False, True, True, False]
    for dtype in (object, pd.StringDtype("pyarrow")):  # Python's re refuses \\pL: pyarrow's RE2 matches
        assert _re2_contains(pd.Series(cells, dtype=dtype), _TOTAL_LOOSE).tolist() == expected


def test_a_big_csv_read_as_a_million_line_file_is_read_the_same_as_in_one_thread(tmp_path, monkeypatch):
    import kamlab
    import kamlab.data.readers.convert as convert_module

    path = _german_csv(tmp_path / "umsatz.csv", 12_500, bad_line=11_001, total_line=12_000)
    with kamlab.threads(1), pytest.warns(UserWarning):
        single = read_transactions(path, errors="drop", report=True)
    with kamlab.threads(1), pytest.raises(DataFormatError) as single_error:
        read_transactions(path)
    # as for a file of a million lines: the total-word search started beside the conversion, the decimal
    # mark's evidence looked for two columns at a time, each column's memory handed back when converted
    monkeypatch.setattr(fast, "_THREADS_MIN_ROWS", 0)
    monkeypatch.setattr(convert_module, "_HAND_BACK_MIN_ROWS", 0)
    with kamlab.threads(2), pytest.warns(UserWarning):
        both = read_transactions(path, errors="drop", report=True)
    _same(both, single)
    assert both.report.set_aside["line"].tolist() == [11_001, 12_000]
    with kamlab.threads(2), pytest.raises(DataFormatError) as error:
        read_transactions(path)
    assert str(error.value) == str(single_error.value) and error.value.line == 11_001


@pytest.mark.parametrize("threads", [False, True])
def test_a_big_parquet_file_reads_the_same_both_ways(tmp_path, monkeypatch, threads):
    if threads:  # the columns converted two at a time, as for a file of a million rows
        monkeypatch.setattr(fast, "_THREADS_MIN_ROWS", 0)
    n = 12_001  # an odd number: a category column is decoded in two halves of different lengths
    frame = pd.DataFrame({
        "Kunde": _big(["K1", " K2", "K3\u00a0", "Summe"], n).where(np.arange(n) % 97 != 5),
        "Datum": pd.date_range("2024-01-01", periods=n, freq="h"),
        "Gruppe": pd.Categorical(_big(["Motoren", " Service", "Förderbänder"], n).where(np.arange(n) % 89 != 3)),
        "Farbe": pd.Categorical(_big(["rot", "grün"], n)),  # no category needs stripping
        "Warengruppe": pd.Categorical(_big(["Antriebe", "Service ", "Motoren"], n).where(np.arange(n) % 83 != 7)),
        "Umsatz": np.linspace(-10, 10_000, n),
    })
    frame.to_parquet(tmp_path / "lines.parquet")
    with pytest.warns(UserWarning):
        quick = read_transactions(tmp_path / "lines.parquet", errors="drop", report=True)
    _slow(monkeypatch)
    with pytest.warns(UserWarning):
        _same(quick, read_transactions(tmp_path / "lines.parquet", errors="drop", report=True))
    assert quick.report.rows_set_aside > 0
    kept = frame[~(frame.index + 1).isin(quick.report.set_aside["line"])]  # a Parquet file's rows count from 1
    assert len(kept) == len(quick.data) and kept["Kunde"].isna().sum() == 0
    assert quick.data["Farbe"].tolist() == kept["Farbe"].tolist()
    # a column kamlab does not map keeps its values as the file has them (" Service"), missing ones missing: a
    # category column stays one, with the file's categories
    for name in ("Gruppe", "Farbe"):
        assert isinstance(quick.data[name].dtype, pd.CategoricalDtype)
        assert quick.data[name].cat.categories.tolist() == frame[name].cat.categories.tolist()
    assert quick.data["Gruppe"].astype(object).fillna("<NA>").tolist() == kept["Gruppe"].astype(object).fillna("<NA>").tolist()
    assert pd.api.types.is_string_dtype(quick.data["product_group"].dtype)
    # the rows set aside show the text of each cell, stripped ("" where missing), not a category
    aside = quick.report.set_aside
    expected = frame["Gruppe"].astype(object).fillna("").str.strip()[aside["line"].to_numpy() - 1]
    assert pd.api.types.is_string_dtype(aside["Gruppe"].dtype) and aside["Gruppe"].tolist() == expected.tolist()
    assert quick.data["Gruppe"].isna().sum() == kept["Gruppe"].isna().sum() > 0
    # a column kamlab maps (product_group) is read as its text: stripped, missing where empty
    assert quick.data["product_group"].fillna("<NA>").tolist() == [x.strip() if isinstance(x, str) else "<NA>"
                                                                    for x in kept["Warengruppe"]]


# ----------------------------------------------------------------------------------------
# the pyarrow CSV path (fastcsv): the same frame, report and errors as the slow path
# ----------------------------------------------------------------------------------------

import kamlab.data.readers.fastcsv as fastcsv  # noqa: E402


def _generated(path, n, *, german=True, sep=";", quoted=False, encoding="cp1252", bad_line=None, total_line=None,
               float_ids=False, blank_every=0, crlf=False):
    rng = np.random.default_rng(n)
    dec, date = (",", "{d:02d}.{m:02d}.2024") if german else (".", "2024-{m:02d}-{d:02d}")
    head = ["Kundennr.", "Belegdatum", "Warengruppe", "Umsatz"] if german else ["account", "date", "product",
                                                                                  "revenue"]
    rows = ["Export vom 01.02.2024", "", sep.join(head)]
    groups = ["Motoren", " Service ", "Förderbänder", "", "Müller; Söhne" if quoted else "Zubehör"]
    for i in range(n):
        cents = int(rng.integers(-99_999, 9_999_999))
        amount = f"{cents / 100:.2f}".replace(".", dec)
        if german and i % 11 == 3 and abs(cents) >= 100_000:
            amount = f"{cents / 100:,.2f}".translate(str.maketrans(",.", ".,"))  # 1.234,56
        account = f"{int(rng.integers(1, 500))}.0" if float_ids else f"K{int(rng.integers(0, 500))}"
        group = groups[i % len(groups)]
        if quoted and (";" in group or i % 7 == 0):
            group = '"' + group.replace('"', '""') + '"'
        rows.append(sep.join([account, date.format(d=1 + i % 28, m=1 + i % 12), group, amount]))
        if blank_every and i % blank_every == 0:
            rows.append("")
    if bad_line:
        rows[bad_line - 1] = sep.join(["K1", date.format(d=31, m=2), "Motoren", "12" + dec + "50"])
    if total_line:
        rows[total_line - 1] = sep.join(["Summe", "", "", "1.234" + dec + "50"])
    text = ("\r\n" if crlf else "\n").join(rows) + ("\r\n" if crlf else "\n")
    path.write_bytes(text.encode(encoding))
    return path


def _both(monkeypatch, path, **kwargs):
    """``(fast, slow)`` results (or errors) of reading ``path``; asserts the fast path was taken."""
    taken = []
    real = fastcsv._read_text_fast

    def spy(*args, **kw):
        raw = real(*args, **kw)
        taken.append(raw is not None)
        return raw

    def read():
        try:
            return read_transactions(path, report=True, **kwargs)
        except DataFormatError as exc:
            return exc

    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 0)
    monkeypatch.setattr(fastcsv, "_read_text_fast", spy)
    quick = read()
    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1 << 62)
    return quick, read(), taken[0]


def _alike(quick, slow):
    if isinstance(slow, Exception):
        assert isinstance(quick, type(slow)) and str(quick) == str(slow)
        assert (quick.line, quick.column, quick.value) == (slow.line, slow.column, slow.value)
    else:
        _same(quick, slow)
        assert vars(quick.report).keys() == vars(slow.report).keys()
        for key in ("encoding", "sep", "decimal", "thousands", "date_format", "header_line", "currency",
                    "n_accounts", "total_revenue", "columns"):
            assert getattr(quick.report, key) == getattr(slow.report, key), key


@pytest.mark.parametrize("case", [
    {"german": True, "sep": ";"},
    {"german": True, "sep": ";", "encoding": "utf-8"},
    {"german": True, "sep": "\t", "crlf": True},
    {"german": False, "sep": ","},
    {"german": False, "sep": "|", "encoding": "utf-8-sig"},
    {"german": True, "sep": ";", "quoted": True},
    {"german": False, "sep": ",", "float_ids": True},
    {"german": True, "sep": ";", "blank_every": 97},
    {"german": True, "sep": ";", "bad_line": 1_504},
    {"german": True, "sep": ";", "total_line": 2_000},
])
def test_the_pyarrow_csv_path_reads_what_the_slow_path_reads(tmp_path, monkeypatch, case):
    path = _generated(tmp_path / "lines.csv", 3_000, **case)
    quick, slow, taken = _both(monkeypatch, path)
    assert taken
    _alike(quick, slow)
    if case.get("bad_line"):
        assert quick.line == 1_504 and quick.value == "31.02.2024"
    if case.get("total_line"):
        assert quick.line == 2_000


def test_dropped_rows_are_the_same_on_both_paths(tmp_path, monkeypatch):
    path = _generated(tmp_path / "lines.csv", 3_000, bad_line=1_504, total_line=2_000, blank_every=50)
    with pytest.warns(UserWarning):
        quick, slow, taken = _both(monkeypatch, path, errors="drop")
    assert taken
    _alike(quick, slow)
    assert quick.report.set_aside["line"].tolist() == [1_504, 2_000]


@pytest.mark.parametrize("trouble", ["newline_in_quotes", "ragged", "no_final_break", "mojibake", "lone_cr"])
def test_files_the_fast_path_cannot_prove_fall_back(tmp_path, monkeypatch, trouble):
    path = _generated(tmp_path / "lines.csv", 3_000, encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if trouble == "newline_in_quotes":
        lines[2_500] = 'K1;01.01.2024;"Motoren\nund mehr";12,50'
    elif trouble == "ragged":
        lines[2_500] = "K1;01.01.2024;Motoren;12,50;zu viel"
    elif trouble == "mojibake":
        lines[2_500] = "K1;01.01.2024;MÃ¼ller;12,50"
    elif trouble == "lone_cr":
        lines[2_500] = "K1;01.01.2024;Motoren;12,50\rK2;01.01.2024;Motoren;1,50"
    text = "\n".join(lines)
    path.write_text(text.rstrip("\n") if trouble == "no_final_break" else text, encoding="utf-8")
    quick, slow, taken = _both(monkeypatch, path)
    assert not taken
    _alike(quick, slow)


# ----------------------------------------------------------------------------------------
# bulk amounts, dates parsed once per text, total words once per category
# ----------------------------------------------------------------------------------------

from kamlab.data.readers import cells as cells_module  # noqa: E402

AMOUNTS = ["80,19", "-1.234,56", "1.234.567,8", "0,5", ",5", "5,", "12", "-0", "+3,10", "- 60,34", "1.234,56-",
           "(12,50)", "€ 1.234,56", "9,99 USD", "1 234,56", "1.2345,6", "12.5", "1e3", "", "abc", "(-12)",
           "123456789012345,67", "12345678901234567,8", "00012,30", "1.234", "٣,٥", "12,50 €", "1'234,56"]


@pytest.mark.parametrize("slices", [False, True])
@pytest.mark.parametrize(("decimal", "thousands"), [(",", "."), (".", ","), (",", ""), (".", " "), (",", "'")])
def test_bulk_amounts_equal_the_general_parser(decimal, thousands, slices, monkeypatch):
    if slices:  # converted 1,000 cells at a time, the first slices without any plain cell
        monkeypatch.setattr(cells_module, "_AMOUNT_SLICE", 1_000)
    cells = AMOUNTS + [a.translate(str.maketrans(",.", ".,")) for a in AMOUNTS]
    col = _big(cells + [None])
    if slices:
        col.iloc[:2_500] = "abc"
    quick = cells_module._parse_amounts(col, decimal, thousands)
    slow = cells_module._parse_any_amounts(col, decimal, thousands)
    assert cells_module._plain_amounts(col, decimal, thousands)[1].any()
    np.testing.assert_array_equal(quick[0], slow[0])  # NaN where NaN, -0.0 as -0.0 (the sign is checked below)
    assert (np.signbit(quick[0]) == np.signbit(slow[0])).all()
    np.testing.assert_array_equal(quick[1], slow[1])
    assert list(quick[2]) == list(slow[2])


DATES = ["31.12.2024", "01.02.2024", "31.02.2024", "31.12.9999", "1.2.2024", "2024-12-31", "", "kein Datum",
         "31.12.2024 08:30", "31.12.2024 08:30:15"]


@pytest.mark.parametrize("date_format", [None, "%d.%m.%Y"])
def test_dates_parsed_once_per_text_equal_every_cell_parsed(date_format):
    col = _big(DATES)[lambda s: s != ""].reset_index(drop=True)
    quick = cells_module._parse_unique_dates(col, date_format, None, True)
    slow = cells_module._parse_text_dates(col, date_format, None, True)
    pd.testing.assert_series_equal(quick[0], slow[0])  # 31.12.9999 does not fit ns: the unit parsed in
    assert quick[1:] == slow[1:]


def test_dates_with_offsets_parsed_once_per_text_equal_every_cell_parsed():
    col = _big(["2024-03-31T23:30:00-05:00", "2024-03-31T23:30:00Z", "2024-04-01 10:00:00+02:00", "2024-04-02"])
    quick = cells_module._parse_unique_dates(col, None, None, True)
    slow = cells_module._parse_text_dates(col, None, None, True)
    # every date fits datetime64[ns]: the result is ns already (the column's unit; no copy made to convert it)
    assert quick[0].dtype == "datetime64[ns]"
    pd.testing.assert_series_equal(quick[0], slow[0].astype("datetime64[ns]"))
    assert quick[1:] == slow[1:]


def test_total_candidates_of_a_category_column_equal_those_of_its_text():
    categories = pd.Series(pd.Categorical(_big(CELLS + [None], 30_000)))
    text = fast._string_text(fast._decoded(categories))
    expected = totals._total_candidates(text, _TOTAL_START)
    assert expected.any()
    assert (totals._total_candidates(text, _TOTAL_START, categories) == expected).all()


def test_a_parquet_category_total_line_is_found_with_the_same_error(tmp_path, monkeypatch):
    n = 12_000
    frame = pd.DataFrame({
        "Kunde": _big(["K1", "K2"], n),
        "Datum": pd.date_range("2024-01-01", periods=n, freq="h"),
        "Gruppe": pd.Categorical(_big(["Motoren", " Service"], n)),
        "Umsatz": np.linspace(-10, 10_000, n),
    })
    frame.loc[9_000, "Gruppe"] = " Service"
    frame["Gruppe"] = frame["Gruppe"].cat.add_categories(["Summe Kunde 4711"])
    frame.loc[10_500, "Gruppe"] = "Summe Kunde 4711"
    frame.to_parquet(tmp_path / "lines.parquet")
    with pytest.raises(DataFormatError) as quick:
        read_transactions(tmp_path / "lines.parquet")
    with pytest.warns(UserWarning):
        dropped = read_transactions(tmp_path / "lines.parquet", errors="drop", report=True)
    _slow(monkeypatch)
    with pytest.raises(DataFormatError) as slow:
        read_transactions(tmp_path / "lines.parquet")
    assert str(quick.value) == str(slow.value) and quick.value.line == slow.value.line == 10_501
    with pytest.warns(UserWarning):
        _same(dropped, read_transactions(tmp_path / "lines.parquet", errors="drop", report=True))


def test_total_candidates_of_a_lazy_categorical_equal_the_regex_on_every_cell():
    # a typed Parquet column's text: categorical of "" with a few rendered cells (and missing ones)
    for cells in (CELLS + [None], ["", "12.5"], [""]):
        col = pd.Series(pd.Categorical(_big(cells).astype(object), categories=pd.Index(
            sorted({c for c in cells if c is not None}), dtype=object)))
        expected = col.astype(object).str.contains(_TOTAL_START, regex=True).fillna(False).to_numpy(dtype=bool)
        assert (totals._total_candidates(col, _TOTAL_START) == expected).all()
    assert expected.sum() == 0


def test_category_text_equals_the_stripped_text():
    for cells in (["motors", "service", None], ["a b", "x"], [" Service", "Motoren"], ["Ümlaut", "x\t"]):
        col = pd.Series(pd.Categorical(_big(cells, 20_000)))
        decoded = fast._decoded(col)
        quick = fast._category_text(col, decoded)
        slow = fast._string_text(decoded)
        if quick is not None:  # None: categories that may need stripping take the general path
            pd.testing.assert_series_equal(quick, slow)
        assert (quick is None) == (cells[0] in (" Service", "Ümlaut"))


@pytest.mark.parametrize("cells", [
    ["1.234,56", "-12,5", "(1.234,50)", "12,5 €", "€ 0,75", "1,234.56", "", "abc", "7", "0,123"],
    ["1,234.56", "12.5-", "+0.75", "1.706", "USD 3.5", " 4.25 ", "1.234.567", "9"],
])
def test_decimal_evidence_from_edge_bytes_equals_that_of_the_bared_cells(cells):
    from kamlab.data.readers import decimals

    col = _big(cells, 30_000)
    bare = decimals._digits_at_both_ends(col)
    assert bare is not None and bare.any() and not bare.all()
    expected = decimals._decimal_evidence(decimals._bare_numbers(col))  # every cell bared by the regex
    assert decimals._column_evidence(col) == expected and expected[0] != expected[1]


def test_edge_bytes_are_found_again_for_the_same_arrow_data_and_never_for_changed_cells():
    col = _big(CELLS)
    edges = fast._edge_bytes(col)
    frame = pd.DataFrame({"a": col, "b": 1})
    assert fast._edge_bytes(frame["a"]) is edges  # a frame's column wraps the same Arrow data
    changed = col.copy()
    changed.iloc[0] = " x"
    assert fast._edge_bytes(changed)[0][0] == ord(" ") and edges[0][0] == ord("K")


@pytest.mark.parametrize("slice_", [1 << 20, 2, 3])  # slices of cells: in one, or across slices and chunks
@pytest.mark.parametrize("large", [False, True])
def test_edge_bytes_are_the_first_and_last_byte_of_each_cells_utf8_and_0xff_for_none(large, slice_, monkeypatch):
    import pyarrow as pa

    monkeypatch.setattr(fast, "_SLICE", slice_)
    cells = ["", None, "a", " b ", "Äpfel", "", "x\u00a0", None, "\t", "Summe", "€", ""]
    kind = pa.large_string() if large else pa.string()
    col = pd.Series(pd.array(pa.chunked_array([pa.array(cells[:4], kind), pa.array(cells[4:], kind)]),
                             dtype=pd.StringDtype("pyarrow")))
    first, last = fast._edge_bytes(col)
    encoded = [c.encode("utf-8") if c else b"" for c in cells]  # the bytes, independently of Arrow
    assert first.tolist() == [b[0] if b else 0xFF for b in encoded]
    assert last.tolist() == [b[-1] if b else 0xFF for b in encoded]
    # stripping may change the cells starting or ending with a space, a control or a non-ASCII byte, never ""
    may = fast._maybe_space(first) | fast._maybe_space(last)
    assert may.tolist() == [False, False, False, True, True, False, True, False, True, False, True, False]
    assert fast._may_need_stripping((first, last)).tolist() == may.tolist()
    plain = (first[[0, 1, 2, 9]], last[[0, 1, 2, 9]])  # "", None, "a", "Summe": none may need it
    assert fast._may_need_stripping(plain) is None


def test_filled_cells_are_the_cells_that_are_not_empty():
    n = 12_000
    lazy = fast._lazy_text(n)
    with_cells = fast._set_cells(lazy, np.array([3, 7]), ["2024-01-01", ""])
    missing = pd.Series(pd.Categorical.from_codes(np.where(np.arange(n) % 5 == 0, -1, 0), categories=["x"]))
    text = _big(["K1", "", " ", "Summe", "x"], n)
    for col, expected in [
        (lazy, np.zeros(n, dtype=bool)),
        (with_cells, np.arange(n) == 3),
        (missing, np.ones(n, dtype=bool)),  # "x", and NaN is not ""
        (text, np.arange(n) % 5 != 1),
        (text.where(np.arange(n) % 5 != 0), np.arange(n) % 5 != 1),  # NaN is not "" either
        (_big(["K1", "", " "], 100), np.arange(100) % 3 != 1),
    ]:
        assert (fast._filled_cells(col) == expected).all()
    fast._edge_bytes(text)  # known edges are used: the same answer
    assert (fast._filled_cells(text) == (np.arange(n) % 5 != 1)).all()


def test_a_column_all_filled_is_known_from_its_edge_bytes():
    n = 12_000
    full = _big(["K1", " ", "x"], n)
    one_empty = _big(["K1", " ", "x"], n).where(np.arange(n) != n - 1, "")
    one_missing = _big(["K1", " ", "x"], n).where(np.arange(n) != 5)
    assert not fast._all_filled(full)  # its edges are not known yet: not known (no pass made for it)
    for col, expected in [(full, True), (one_empty, False), (one_missing, False)]:  # missing: not known filled
        fast._edge_bytes(col)
        assert fast._all_filled(col) is expected
    assert fast._filled_cells(full).all() and not fast._filled_cells(one_empty).all()


def test_no_total_candidates_are_none_and_no_array():
    ids = _big(["K4711", "R0815", "10023"])
    assert totals._maybe_total(ids, _TOTAL_START) is None and not totals._total_candidates(ids, _TOTAL_START).any()
    col = _big(CELLS)
    expected = col.str.contains(_TOTAL_START, regex=True).to_numpy(dtype=bool)
    assert (totals._maybe_total(col, _TOTAL_START) == expected).all() and expected.any()


def test_the_byte_before_the_last_of_each_cell():
    col = pd.Series(["ab", "a", "", "xyz", None, "10.0", "ü"] * 2_000, dtype="str")
    expected = [ord("a"), -1, -1, ord("y"), -1, ord("."), 0xC3] * 2_000
    assert fast._bytes_before_last(col).tolist() == expected


@pytest.mark.parametrize("float_id", [None, "17850.0", "10.00", "0.0", "10,0", "100.0"])
def test_plain_ids_leave_float_ids_to_the_general_rule(float_id):
    ids = _big(["K10", "17850", "100", "1200", "R0", "", "0", "K1.0", "A100.0"], 12_000)
    if float_id is None:
        expected = ids.where(ids != "", np.nan)
        pd.testing.assert_series_equal(fast._plain_ids(ids), expected)
    else:
        ids.iloc[5_000] = float_id
        assert fast._plain_ids(ids) is None


def test_plain_amounts_a_slice_at_a_time(monkeypatch):
    monkeypatch.setattr(cells_module, "_AMOUNT_SLICE", 1_000)
    col = _big(["1.234,56", "-0,5", "12", "x", "1.2345,6", "", "99.999.999,99"], 12_005)
    values, plain = cells_module._plain_amounts(col, ",", ".")
    expected = {"1.234,56": 1234.56, "-0,5": -0.5, "12": 12.0, "99.999.999,99": 99999999.99}
    assert plain.tolist() == [c in expected for c in col]
    assert values[plain].tolist() == [expected[c] for c in col[plain]]
    assert np.isnan(values[~plain]).all()


def test_a_cp1252_file_with_a_utf8_line_falls_back_and_is_refused_as_both_ways(tmp_path, monkeypatch):
    path = _generated(tmp_path / "lines.csv", 3_000)  # cp1252, "Förderbänder" in every fifth line
    lines = path.read_bytes().split(b"\n")
    lines[2_500] = "K1;01.01.2024;Müller;12,50".encode()
    path.write_bytes(b"\n".join(lines))
    quick, slow, taken = _both(monkeypatch, path)
    assert not taken
    _alike(quick, slow)
    assert isinstance(slow, DataFormatError) and "UTF-8" in str(slow)


@pytest.mark.parametrize(("data", "expected"), [
    (b"abc \xc3\xbc", True),  # "ü" in UTF-8
    (b"abc \xfc \xe4", False),  # cp1252 umlauts
    (b"\xc3A\xf5\x80\xc1\x80\xc3", False),  # a lead byte before ASCII, bytes outside C2..F4, at the end
    (b"x\xf4\xbf", True),
])
def test_any_pair_finds_a_utf8_lead_byte_followed_by_a_continuation_byte(data, expected, monkeypatch):
    assert fastcsv._any_pair(data, (0xC2, 0xF4), (0x80, 0xBF)) is expected
    monkeypatch.setattr(fastcsv, "_BLOCK", 2)  # pairs across the blocks' borders
    assert fastcsv._any_pair(data, (0xC2, 0xF4), (0x80, 0xBF)) is expected
    import kamlab

    for n_threads in (1, 2):  # eight blocks or more: looked at in two halves, the pair in either or between
        with kamlab.threads(n_threads):
            for longer in (b"a" * 17 + data, data + b"a" * 17, b"a" * 9 + data + b"a" * 9):
                assert fastcsv._any_pair(longer, (0xC2, 0xF4), (0x80, 0xBF)) is expected


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_dates_pandas_cannot_hold_are_found_in_every_unit(unit):
    # pandas holds 1677-09-21 00:12:43.145224193 to 2262-04-11 23:47:16.854775807
    values = pd.Series(np.array(["1677-09-21T00:12:43", "1677-09-21T00:12:44", "2262-04-11T23:47:16",
                                 "2262-04-11T23:47:17", "NaT", "9999-12-31", "0001-01-01", "2024-01-01"],
                                dtype=f"datetime64[{unit}]"))
    assert cells_module._in_range(values).tolist() == [False, True, True, False, True, False, False, True]


def test_a_big_csv_reads_the_same_with_one_thread_and_two(tmp_path):
    import kamlab

    path = _generated(tmp_path / "lines.csv", 30_000, bad_line=1_504, total_line=2_000)
    results = []
    for n in (1, None):
        with kamlab.threads(n), pytest.warns(UserWarning):
            results.append(read_transactions(path, errors="drop", report=True))
    _same(*results)
    assert results[0].report.set_aside["line"].tolist() == [1_504, 2_000]


@pytest.mark.parametrize("empty", [False, True])
def test_a_big_text_column_without_empty_cells_is_kept_as_it_is(empty):
    col = _big(["Motoren", "Service", "Förderbänder"])
    if empty:
        col.iloc[7] = ""
    out = cells_module._to_text(col, None)
    assert out.dtype == "str" and out.isna().tolist() == [empty and i == 7 for i in range(len(col))]
    assert out.fillna("").tolist() == col.tolist()


def test_the_fast_path_lets_go_of_the_bytes_only_when_it_reads_them(tmp_path, monkeypatch):
    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 0)
    data = _generated(tmp_path / "lines.csv", 3_000).read_bytes()
    box = [data]
    raw = fastcsv._read_text_fast(tmp_path / "lines.csv", box, encoding=None, sep=None, header_row=None)
    assert raw is not None and box == [None] and len(raw.text) == 3_000
    box = [data.rstrip(b"\n")]  # no line break at the end: the slow path's to read, with the bytes
    assert fastcsv._read_text_fast(tmp_path / "lines.csv", box, encoding=None, sep=None, header_row=None) is None
    assert box == [data.rstrip(b"\n")]
    from kamlab.data.readers.dialect import _read_text

    for given in (data, [data]):  # the bytes, or a list holding them
        assert _read_text(tmp_path / "lines.csv", given, encoding=None, sep=None, header_row=None).names == [
            "Kundennr.", "Belegdatum", "Warengruppe", "Umsatz"]


def test_the_parse_reads_the_same_from_the_default_pool(tmp_path, monkeypatch):
    import pyarrow as pa

    path = _generated(tmp_path / "lines.csv", 3_000)
    with_jemalloc = _both(monkeypatch, path)[0]

    def missing():
        raise NotImplementedError("built without jemalloc")

    monkeypatch.setattr(pa, "jemalloc_memory_pool", missing)
    assert fastcsv._parse_pool().backend_name == pa.default_memory_pool().backend_name
    quick, slow, taken = _both(monkeypatch, path)
    assert taken
    _same(quick, with_jemalloc)
    _alike(quick, slow)


def test_plain_amounts_name_no_currency():
    values, bad, currency = cells_module._parse_amounts(_big(["1.234,56", "-0,5", "12"]), ",", ".")
    assert currency is None and not bad.any() and values[:3].tolist() == [1234.56, -0.5, 12.0]


def test_a_big_column_of_dates_marks_those_pandas_cannot_hold():
    col = _big(["31.12.2024", "31.12.9999", "01.01.1600", "15.03.2023"])
    dates, bad, far, used, ambiguous = cells_module._to_dates(col, None, None, None, True)
    assert used == ["%d.%m.%Y"] and not ambiguous and dates.dtype == "datetime64[ns]"
    expected_far = np.isin(np.arange(len(col)) % 4, [1, 2])
    assert (far == expected_far).all() and (bad == expected_far).all()
    assert dates[~expected_far].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2023-03-15")] * (len(col) // 4)
    assert dates[expected_far].isna().all()


def test_kept_edges_go_with_their_column_and_at_the_end_of_a_read(tmp_path, monkeypatch):
    import gc

    col = _big(CELLS)
    edges = fast._edge_bytes(col)
    assert any(e is edges for _, e in fast._EDGES)
    del col
    gc.collect()
    assert not any(e is edges for _, e in fast._EDGES)  # not held until the next read
    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 0)
    frame = read_transactions(_generated(tmp_path / "lines.csv", 12_000))
    assert fast._EDGES == [] and len(frame) == 12_000  # the frame's text columns live on, their edges not


@pytest.mark.parametrize("n_threads", [1, None])
def test_work_started_in_threads_raises_and_warns_where_the_loop_asks_for_it(tmp_path, n_threads):
    import warnings

    import kamlab
    from kamlab.data.readers.report import AmbiguousDatesWarning
    from kamlab.errors import ParameterError

    rows = ["Kunde;Datum;Umsatz"] + [f"K{i % 7};{1 + i % 12:02d}/{1 + (i + 1) % 12:02d}/2024;{i},50" for i in range(12_000)]
    path = tmp_path / "slashes.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with kamlab.threads(n_threads):
        with pytest.raises(ParameterError, match="is not a valid date format"):
            read_transactions(path, date_format="%Y-%m-%d %Q")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = read_transactions(path)
    ambiguous = [w for w in caught if issubclass(w.category, AmbiguousDatesWarning)]
    assert len(ambiguous) == 1 and ambiguous[0].filename == __file__  # the caller's line, from either path
    # "02/03/2024" day first, as files with a decimal comma are read when the dates do not tell
    assert frame["date"].iloc[13] == pd.Timestamp("2024-03-02") and frame["revenue"].iloc[13] == 13.5


@pytest.mark.parametrize("n_threads", [1, None])
def test_accounts_are_counted_among_the_rows_kept(tmp_path, n_threads):
    import kamlab

    rows = ["Kunde;Datum;Umsatz"] + [f"K{i % 7};01.02.2024;{i},50" for i in range(100)]
    rows[51] = "K99;31.02.2024;1,00"  # the only line of K99, and no date
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with kamlab.threads(n_threads), pytest.warns(UserWarning):
        dropped = read_transactions(path, errors="drop", report=True)
    assert dropped.report.n_accounts == 7 and dropped.report.rows_set_aside == 1
    rows[51] = "K99;28.02.2024;1,00"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with kamlab.threads(n_threads):
        assert read_transactions(path, report=True).report.n_accounts == 8


def test_a_big_files_accounts_are_counted_when_the_report_is_first_asked(tmp_path, monkeypatch):
    import pickle

    import kamlab
    import kamlab.data.readers.fastcsv as fastcsv
    import kamlab.data.readers.read as read_module
    from kamlab.data.readers.report import _Job

    monkeypatch.setattr(fastcsv, "_FAST_MIN_BYTES", 1000)  # the fast path (Arrow text) on a small file
    monkeypatch.setattr(read_module, "_COUNT_LATER_MIN", 0)  # counted on demand as for a big file
    ids = [f"K{i * 7 % 1_013}" for i in range(20_000)] + [""]  # an empty id: a problem row, set aside
    path = tmp_path / "lines.csv"
    path.write_text("Kunde;Datum;Umsatz\n" + "".join(f"{k};01.02.2024;1,50\n" for k in ids[:-1]), encoding="utf-8")
    for n_threads in (1, 2):
        with kamlab.threads(n_threads):
            df, report = read_transactions(path, report=True)
        pending = report.__dict__["_n_accounts"]
        assert isinstance(pending, _Job) and pending.work is not None  # not counted by the read
        df.loc[0, "account_id"] = "changed"  # the frame changed meanwhile: the ids as read are counted
        assert report.n_accounts == len(set(ids[:-1])) == 1_013
        assert report.__dict__["_n_accounts"] == 1_013 and pending.work is None  # kept; the ids let go
        assert f"{1_013:,} accounts" in str(report)
    again = read_transactions(path)
    # a frame whose count was not read yet pickles (its report carries the count, not the work)
    assert pickle.loads(pickle.dumps(again)).attrs["kamlab_report"].n_accounts == 1_013
    import gc

    kept = read_transactions(path).attrs["kamlab_report"]  # the frame is gone at once: counted then
    gc.collect()
    pending = kept.__dict__["_n_accounts"]
    assert pending.work is None and pending.value == 1_013  # counted: the report alone does not hold the ids
    monkeypatch.setattr(read_module, "_COUNT_LATER_MIN", 30_000)  # a small file: counted at the read's end
    assert read_transactions(path, report=True).report.__dict__["_n_accounts"] == 1_013
    path.write_text(path.read_text(encoding="utf-8") + ";01.02.2024;2,00\n", encoding="utf-8")
    with pytest.warns(UserWarning):
        dropped = read_transactions(path, report=True, errors="drop")
    assert dropped.report.n_accounts == 1_013 and dropped.report.rows_set_aside == 1


def test_total_candidates_of_a_column_no_cell_of_which_starts_like_a_total_word():
    col = _big(["K1", "R2", "10,5", "-3", "Kunde Summe"])
    expected = col.str.contains(_TOTAL_START, regex=True).to_numpy(dtype=bool)
    assert not expected.any() and not totals._total_candidates(col, _TOTAL_START).any()


@pytest.mark.parametrize("cells", [
    ["K1", "R2", "M3", "Nord"],  # first bytes K..R: no total word can start there
    ["K1", "Summe", "Nord"],  # the highest first byte starts one
    ["Gesamt", "K1", "R2"],  # the lowest does
    ["K1", "", "R2", "Ost"],  # an empty cell
    ["4711", "0815", "9"],  # digits
])
def test_total_candidates_of_columns_by_the_range_of_their_first_bytes_equal_str_contains(cells):
    col = _big(cells)
    expected = col.str.contains(_TOTAL_START, regex=True).fillna(False).to_numpy(dtype=bool)
    assert expected.any() == any(c in ("Summe", "Gesamt") for c in cells)
    np.testing.assert_array_equal(totals._total_candidates(col, _TOTAL_START), expected)


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("decimal", "thousands"), [(",", "."), (".", ","), (",", ""), (".", ""), (",", "'")])
def test_plain_decimals_rewritten_with_numpy_equal_arrow_replace(decimal, thousands, large):
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(7)
    marks = np.array(list("0123456789-" + decimal + thousands))
    cells = ["".join(rng.choice(marks, size=rng.integers(0, 12))) for _ in range(3_000)]
    arr = pa.array(["x", *cells, "y"], type=pa.large_string() if large else pa.string()).slice(1, len(cells))
    expected = pc.replace_substring(arr, thousands, "") if thousands else arr
    expected = pc.replace_substring(expected, decimal, ".") if decimal != "." else expected
    got = cells_module._as_plain_decimals(arr, decimal, thousands)
    assert got.to_pylist() == expected.to_pylist()
    assert got.to_pylist()[:3] == [c.replace(thousands, "").replace(decimal, ".") if thousands else
                                   c.replace(decimal, ".") for c in cells[:3]]


UTF8_CASES = [b"", b"plain ascii", "Müller;Förderbänder €".encode(), b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1",
              b"\xe2\x82\x28", b"\xf0\x28\x8c\xbc", b"\xf0\x90\x28\xbc", b"\xf8\xa1\xa1\xa1\xa1", b"\xc0\xaf",
              b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80",
              b"\xf4\x8f\xbf\xbf", b"\xef\xbf\xbf", b"\xc2\x80", b"\xdf\xbf", b"x\xc3", b"\xe2\x82", b"\xff",
              "Müller".encode("cp1252"), "\U0001F600".encode(), b"\x00\x01", "Ünïcödé ✓".encode()]


def _python_says_utf8(data):
    try:
        data.decode("utf-8", "strict")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("data", UTF8_CASES)
def test_utf8_checked_by_arrow_as_python_decodes(data):
    from kamlab.data.readers import fastcsv

    assert fastcsv._is_utf8(data) is _python_says_utf8(data)
    assert fastcsv._is_utf8(memoryview(b"abc" + data)[3:]) is _python_says_utf8(data)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.binary(max_size=40) | st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_utf8_check_equals_python_on_any_bytes(data):
    from kamlab.data.readers import fastcsv

    assert fastcsv._is_utf8(data) is _python_says_utf8(data)


@pytest.mark.parametrize("cells", [
    ["K100", "Summe", "K200", "Kunde 4"],  # one first byte that may start a total word
    ["K100", "Summe", "Gesamt", "Total 2024", " Zwischensumme", "K1"],  # several
    ["Summe", "Gesamt", "Total", "Endsumme", "Übertrag", "insgesamt", " summe", "\tTotal:", "Sum AG", "Zucker",
     "Eis", "Uhr", "total 12", "", "K7"],  # more than four
    # a first letter of a total word, the second not of one (looked at in the second byte), or a one-letter cell;
    # the words themselves in any case, and second letters written with a non-ASCII byte
    ["Stellantriebe für Förderbänder", "Service", "SUMME", "sUmme", "Gras", "GRAND TOTAL", "Gerät", "Ende",
     "Eimer", "Insel", "Ion", "Uebertrag", "UEBERTRAG", "Uhr", "Zwischensumme", "Zwerg", "Zahl", "Tor", "TOTAL",
     "Tee", "S", "g", "Süd", "ſumme", "S\u017fumme", "Gr\u00fcn", "zw\u0131schensumme", "ZW\u0130SCHENSUMME",
     "geſamt", "K1"],
    ["Stellantriebe", "Service", "Gerät", "Tee", "Zahl", "K1"],  # letters only, none a total word
])
def test_total_candidates_of_a_text_column_equal_str_contains(cells):
    text = fast._string_text(_big(cells, 30_011))
    expected = text.str.contains(_TOTAL_START, regex=True).fillna(False).to_numpy(dtype=bool)
    assert expected.any() or "Summe" not in cells
    np.testing.assert_array_equal(totals._total_candidates(text, _TOTAL_START), expected)


@pytest.mark.parametrize("chunks", [1, 3, 40])
def test_factorized_by_arrow_equals_pandas_factorize(chunks):
    import pyarrow as pa

    rng = np.random.default_rng(chunks)
    texts = [f"{d:02d}.{m:02d}.2024" for d in range(1, 29) for m in (1, 2)] + ["", "Ä x"]
    cells = rng.choice(texts, size=30_000)
    arr = pa.chunked_array([pa.array(part, type=pa.large_string()) for part in np.array_split(cells, chunks)])
    col = pd.Series(pd.array(arr, dtype=fast._str_dtype()))
    codes, uniques = fast._factorized(col)
    expected_codes, expected_uniques = pd.factorize(pd.Series(cells, dtype=object), use_na_sentinel=False)
    assert codes.dtype == np.int32
    np.testing.assert_array_equal(codes, expected_codes)
    assert uniques.tolist() == list(expected_uniques)  # in the order they first appear, over all chunks
    assert uniques.dtype == col.dtype
    assert fast._factorized(pd.Series(["a", None] * 10, dtype=fast._str_dtype())) is None  # missing: pandas'


def test_take_in_slices_equals_numpy_take():
    rng = np.random.default_rng(3)
    values = np.array(["2024-01-01", "NaT", "2023-05-06"], dtype="datetime64[ns]")
    codes = rng.integers(0, 3, size=(1 << 20) * 2 + 17).astype(np.int32)
    np.testing.assert_array_equal(fast._take(values, codes), values.take(codes))


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(data=st.binary(max_size=64).map(lambda b: bytes(x % 4 + 10 for x in b)),
                  block=st.integers(1, 9), start=st.integers(0, 70))
def test_line_breaks_counted_by_blocks_as_bytes_count(data, block, start):
    import kamlab.data.readers.fastcsv as fastcsv

    # bytes 10..13 only (line feed, carriage return and two others), blocks of a few bytes: every boundary case
    import kamlab

    with pytest.MonkeyPatch.context() as mp, kamlab.threads(2):  # eight blocks or more: two halves, two threads
        mp.setattr(fastcsv, "_BLOCK", block)
        assert fastcsv._count_byte(data, 10, start) == data.count(b"\n", start)
        assert fastcsv._lone_cr(data) == (data.count(b"\r") != data.count(b"\r\n"))


def test_the_readers_worker_threads_are_kept_for_the_next_read_and_do_nested_work_themselves():
    import threading

    import kamlab

    def who(_):
        return threading.current_thread()

    with kamlab.threads(2):
        first = threads._in_threads(who, range(6))
        second = threads._in_threads(who, range(6))
        # work started inside a worker is done by that worker (two workers waiting for each other would hang)
        nested = threads._in_threads(lambda _: (who(0), threads._in_threads(who, range(3))), range(2))
    # the same two threads, still there after the reads (threads made for each read end with it)
    assert all(t.name.startswith("kamlab-reader") and t.is_alive() for t in first + second)
    assert len(set(first) | set(second)) <= 2
    for outer, inner in nested:
        assert inner == [outer] * 3
    with kamlab.threads(1):  # one thread: the caller's
        assert threads._in_threads(who, range(3)) == [threading.current_thread()] * 3
