"""Tests of kamlab.datasets: the public datasets parse to the known facts, the cache is verified
and never written when it is right, and downloads (pooch, from a local HTTP server) are verified,
cached, and leave nothing behind when they fail.

The public datasets are found only through ``KAMLAB_DATA`` (the ``data_home`` and
``online_retail_lines`` fixtures and ``require_dataset`` of conftest.py): without them a test
that needs one is skipped with a message, and fails under CI. No test touches the internet:
every download comes from a server on 127.0.0.1.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import http.server
import threading
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import require_dataset

from kamlab import datasets
from kamlab.data.datasets import download, online_retail, registry
from kamlab.errors import ChecksumError, DatasetError, ParameterError

ALL_FETCHES = {
    "wholesale": lambda **kw: datasets.fetch_wholesale(**kw),
    "online_retail": lambda **kw: datasets.fetch_online_retail(**kw),
    "cdnow": lambda **kw: datasets.fetch_cdnow(**kw),
    "cdnow_summary": lambda **kw: datasets.fetch_cdnow(kind="summary", **kw),
    "cdnow_summary_with_transactions": lambda **kw: datasets.fetch_cdnow(
        kind="summary_with_transactions", **kw
    ),
}


def _dataset_file(name: str) -> Path:
    """The cached file of registry entry `name` under KAMLAB_DATA (skip, or fail under CI, if missing)."""
    return require_dataset(*datasets.REGISTRY[name].relative_path.split("/"))


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- data home


def test_data_home_argument_then_environment_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KAMLAB_DATA", str(tmp_path / "env"))
    assert datasets.get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert datasets.get_data_home(str(tmp_path / "arg")) == tmp_path / "arg"
    assert datasets.get_data_home() == tmp_path / "env"
    monkeypatch.delenv("KAMLAB_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datasets.get_data_home() == tmp_path / "home" / "kamlab_data"
    assert not (tmp_path / "home").exists()  # not created just by asking


@pytest.mark.parametrize("bad", [42, ""])
def test_data_home_bad_value(bad):
    with pytest.raises(ParameterError, match="data_home"):
        datasets.get_data_home(bad)


def test_registry_matches_data_home(data_home):
    """Every registry entry is a file of the data home with that checksum."""
    for name, entry in datasets.REGISTRY.items():
        path = _dataset_file(name)
        assert path == data_home / entry.folder / entry.filename
        data = path.read_bytes()
        if entry.content == "gzip":
            data = gzip.decompress(data)
        assert _sha256(data) == entry.sha256, entry.name
        assert entry.sources and all(s.url.startswith(("http://", "https://")) for s in entry.sources)


def test_list_datasets(data_home, monkeypatch, tmp_path):
    monkeypatch.setenv("KAMLAB_DATA", str(data_home))
    table = datasets.list_datasets()
    pd.testing.assert_frame_equal(table, datasets.list_datasets(data_home))
    assert list(table["name"]) == list(datasets.REGISTRY)
    assert table["cached"].all()
    assert table["url"].tolist() == [e.sources[0].url for e in datasets.REGISTRY.values()]
    assert set(table["path"]) == {
        "wholesale/wholesale_customers_data_uci.csv",
        "online_retail/online_retail.csv.gz",
        "cdnow/CDNOW_sample.txt",
        "cdnow/cdnow_customers_summary.csv",
        "cdnow/cdnow_customers_summary_with_transactions.csv",
    }
    assert not datasets.list_datasets(tmp_path)["cached"].any()


# --------------------------------------------------------------------------- facts of the public datasets


def test_wholesale_facts(data_home):
    df = datasets.fetch_wholesale(data_home, download_if_missing=False)
    with open(_dataset_file("wholesale"), newline="") as fh:
        raw = list(csv.DictReader(fh))
    assert len(df) == len(raw) == 440
    assert list(df.columns) == [
        "client_id",
        "channel",
        "region",
        "fresh",
        "milk",
        "grocery",
        "frozen",
        "detergents_paper",
        "delicatessen",
    ]
    assert df["client_id"].tolist() == list(range(1, 441))
    assert df["channel"].value_counts().to_dict() == {"Horeca": 298, "Retail": 142}
    assert df["region"].value_counts().to_dict() == {"Other": 316, "Lisbon": 77, "Oporto": 47}
    assert list(df["channel"].cat.categories) == ["Horeca", "Retail"]
    assert Counter(r["Region"] for r in raw) == {"3": 316, "1": 77, "2": 47}
    for original, name in [
        ("Fresh", "fresh"),
        ("Milk", "milk"),
        ("Grocery", "grocery"),
        ("Frozen", "frozen"),
        ("Detergents_Paper", "detergents_paper"),
        ("Delicassen", "delicatessen"),
    ]:
        assert df[name].dtype == "int64"
        assert int(df[name].sum()) == sum(int(r[original]) for r in raw), name
    # spend of Horeca clients, computed independently
    horeca_fresh = sum(int(r["Fresh"]) for r in raw if r["Channel"] == "1")
    assert int(df.loc[df["channel"] == "Horeca", "fresh"].sum()) == horeca_fresh
    assert "10.24432/C5030X" in df.attrs["source"]
    assert "CC BY 4.0" in df.attrs["licence"]


def test_online_retail_facts(online_retail_lines):
    df = online_retail_lines  # read once per session; not changed here
    assert len(df) == 541_909
    assert list(df.columns) == [
        "invoice_id",
        "product",
        "description",
        "quantity",
        "date",
        "unit_price",
        "account_id",
        "country",
        "revenue",
        "is_cancellation",
    ]
    assert df["account_id"].isna().sum() == 135_080
    assert df["description"].isna().sum() == 1_454
    assert df["account_id"].dtype == "string" and df["invoice_id"].dtype == "string"
    assert df["quantity"].dtype == "int64" and df["unit_price"].dtype == "float64"
    assert pd.api.types.is_datetime64_dtype(df["date"])
    # exact, independent total: Decimal arithmetic on the prices as written in the file
    total = sum(
        Decimal(q) * Decimal(repr(p)) for q, p in zip(df["quantity"].tolist(), df["unit_price"].tolist())
    )
    assert df["revenue"].sum() == pytest.approx(float(total), abs=1e-4)
    assert float(total) == pytest.approx(9_747_747.934, abs=1e-3)
    assert (df["revenue"] == df["quantity"] * df["unit_price"]).all()
    assert df["is_cancellation"].sum() == df["invoice_id"].str.startswith("C").sum() == 9_288
    # ids stay text: leading letters, trailing letters, no float artefacts
    first = df.iloc[0]
    assert (first["invoice_id"], first["product"], first["account_id"]) == ("536365", "85123A", "17850")
    assert first["date"] == pd.Timestamp("2010-12-01 08:26:00")
    assert df["account_id"].dropna().str.fullmatch(r"\d{5}").all()
    assert df["account_id"].nunique() == 4_372
    assert df["date"].min() == pd.Timestamp("2010-12-01 08:26:00")
    assert df["date"].max() == pd.Timestamp("2011-12-09 12:50:00")
    assert df["product"].tolist()[:3] == ["85123A", "71053", "84406B"]
    last = df.iloc[-1]
    assert (last["invoice_id"], last["description"], last["country"]) == (
        "581587",
        "BAKING SET 9 PIECE RETROSPOT ",  # trailing space kept, as in the source
        "France",
    )
    assert "10.24432/C5BW33" in df.attrs["source"]


def test_cdnow_facts(data_home):
    tx = datasets.fetch_cdnow(data_home, download_if_missing=False)
    assert list(tx.columns) == ["account_id", "customer_id", "master_id", "date", "quantity", "revenue"]
    lines = _dataset_file("cdnow").read_text().split()
    fields = [lines[i : i + 5] for i in range(0, len(lines), 5)]
    assert len(tx) == len(fields) == 6_919
    assert tx["customer_id"].nunique() == 2_357
    assert tx["customer_id"].min() == 1 and tx["customer_id"].max() == 2_357
    assert (tx["account_id"] == tx["customer_id"].astype(str)).all()
    assert tx["master_id"].iloc[0] == "00004" == fields[0][0]
    assert int(tx["quantity"].sum()) == sum(int(f[3]) for f in fields)
    assert tx["revenue"].sum() == pytest.approx(float(sum(Decimal(f[4]) for f in fields)), abs=1e-6)
    assert tx["date"].min() == pd.Timestamp("1997-01-01") and tx["date"].max() == pd.Timestamp("1998-06-30")
    assert "Marketing Science" in tx.attrs["source"]

    summary = datasets.fetch_cdnow(data_home, kind="summary")
    assert list(summary.columns) == ["account_id", "customer_id", "frequency", "recency", "T"]
    assert len(summary) == 2_357
    assert set(summary["customer_id"]) == set(tx["customer_id"])
    # the summary derives from the transactions: purchase days in the calibration period
    end = pd.Timestamp("1997-09-30")
    days = tx[tx["date"] <= end].groupby(["customer_id", "date"], as_index=False)["revenue"].sum()
    per = days.groupby("customer_id")["date"].agg(["min", "max", "size"]).reindex(summary["customer_id"])
    assert (per["size"].to_numpy() - 1 == summary["frequency"].to_numpy()).all()
    recency = ((per["max"] - per["min"]).dt.days / 7).round(2).to_numpy()
    np.testing.assert_allclose(recency, summary["recency"], atol=1e-9)
    np.testing.assert_allclose(((end - per["min"]).dt.days / 7).round(2).to_numpy(), summary["T"], atol=1e-9)

    with_tx = datasets.fetch_cdnow(data_home, kind="summary_with_transactions")
    assert list(with_tx.columns) == ["account_id", "customer_id", "x", "t_x", "T", "zbar"]
    assert len(with_tx) == 2_357
    assert (with_tx["x"].to_numpy() == summary["frequency"].to_numpy()).all()
    assert (with_tx["zbar"] >= 0).all() and (with_tx.loc[with_tx["x"] == 0, "zbar"] == 0).all()


def test_cdnow_bad_kind():
    with pytest.raises(ParameterError, match="summary_with_transactions"):
        datasets.fetch_cdnow(kind="weekly")


def test_unknown_dataset_name():
    with pytest.raises(ParameterError, match="wholesale"):
        datasets.fetch_file("iris")


def test_data_home_is_never_written(data_home, monkeypatch):
    """Using the data home (here through KAMLAB_DATA) reads it and writes nothing.

    Online Retail is verified through ``fetch_file`` (the same check ``fetch_online_retail``
    makes before parsing) and not parsed again: the ``online_retail_lines`` fixture does that once.
    """
    monkeypatch.setenv("KAMLAB_DATA", str(data_home))

    def snapshot():
        return {
            str(p.relative_to(data_home)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(data_home.rglob("*"))
        }

    before = snapshot()
    for name, fetch in ALL_FETCHES.items():
        if name != "online_retail":
            assert len(fetch(download_if_missing=False)) == datasets.REGISTRY[name].rows
    for name in datasets.REGISTRY:
        assert datasets.fetch_file(name) == data_home / datasets.REGISTRY[name].relative_path
    assert snapshot() == before


# --------------------------------------------------------------------------- offline: cache problems


@pytest.mark.parametrize("name", ["wholesale", "online_retail", "cdnow", "cdnow_summary"])
def test_corrupt_cached_file_raises_checksum_error(tmp_path, name):
    entry = datasets.REGISTRY[name]
    target = tmp_path / entry.folder / entry.filename
    target.parent.mkdir()
    data = bytearray(_dataset_file(name).read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit
    target.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as info:
        ALL_FETCHES[name](data_home=tmp_path)
    message = str(info.value)
    assert str(target) in message and "Delete it" in message
    assert target.read_bytes() == bytes(data)  # the user's file is left alone


def test_checksum_error_names_expected_and_actual(tmp_path):
    entry = datasets.REGISTRY["wholesale"]
    target = tmp_path / entry.relative_path
    target.parent.mkdir()
    target.write_bytes(_dataset_file("wholesale").read_bytes() + b"1,1,1,1,1,1,1,1\n")
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_wholesale(tmp_path)
    assert entry.sha256 in str(info.value)
    assert _sha256(target.read_bytes()) in str(info.value)
    assert isinstance(info.value, DatasetError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("name", list(ALL_FETCHES))
def test_missing_file_without_download(tmp_path, name):
    home = tmp_path / "empty"
    with pytest.raises(DatasetError) as info:
        ALL_FETCHES[name](data_home=home, download_if_missing=False)
    message = str(info.value)
    entry = datasets.REGISTRY[name]
    assert str(home / entry.folder / entry.filename) in message
    assert "download_if_missing=True" in message and entry.sources[0].url in message
    assert not home.exists()  # nothing created


@pytest.mark.parametrize(
    "name, garbage",
    [
        ("wholesale", b"Channel,Region,Fresh\n1,2,x\n"),
        (
            "wholesale",
            b"Channel,Region,Fresh,Milk,Grocery,Frozen,Detergents_Paper,Delicassen\n7,1,1,1,1,1,1,1\n",
        ),
        ("online_retail", b"InvoiceNo,StockCode\n1,2\n"),
        (
            "online_retail",
            (
                b"InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                b"1,2,x,one,2010-12-01 08:26:00,1.0,,UK\n"
            ),
        ),
        ("cdnow", b" 00004 0001 1997-01-01  2   29.33\r\n"),
        ("cdnow", b"\x00\xff garbage"),
        ("cdnow_summary", b"ID,frequency\n1,2\n"),
        ("cdnow_summary_with_transactions", b"ID,x,t_x,T,zbar\n1,two,1,1,1\n"),
    ],
)
def test_unparsable_file_gives_dataset_error(tmp_path, monkeypatch, name, garbage):
    """Even with a matching checksum, a file that cannot be parsed gives a DatasetError."""
    entry = datasets.REGISTRY[name]
    content = garbage
    if entry.content == "gzip":
        garbage = gzip.compress(garbage)
    monkeypatch.setitem(datasets.REGISTRY, name, dataclasses.replace(entry, sha256=_sha256(content)))
    path = tmp_path / entry.relative_path
    path.parent.mkdir()
    path.write_bytes(garbage)
    with pytest.raises(DatasetError) as info:
        ALL_FETCHES[name](data_home=tmp_path)
    assert type(info.value) is DatasetError
    assert entry.relative_path in str(info.value)


def test_clear_data_home_removes_only_known_files(tmp_path):
    (tmp_path / "cdnow").mkdir()
    (tmp_path / "cdnow" / "CDNOW_sample.txt").write_text("x")
    (tmp_path / "notes.txt").write_text("mine")
    removed = datasets.clear_data_home(tmp_path)
    assert removed == [tmp_path / "cdnow" / "CDNOW_sample.txt"]
    assert _files(tmp_path) == ["notes.txt"] and not (tmp_path / "cdnow").exists()


# --------------------------------------------------------------------------- downloads from 127.0.0.1


@pytest.fixture
def server(tmp_path, monkeypatch):
    """An HTTP server on 127.0.0.1 serving ``www/``; ``log`` lists the requested paths."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    root = tmp_path / "www"
    root.mkdir()
    log = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def send_head(self):
            log.append(self.path)
            return super().send_head()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(root=root, url=f"http://127.0.0.1:{httpd.server_address[1]}", log=log)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _zip(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)


def _use_sources(monkeypatch, name, *sources, **changes):
    entry = dataclasses.replace(datasets.REGISTRY[name], sources=tuple(sources), **changes)
    monkeypatch.setitem(datasets.REGISTRY, name, entry)
    return entry


def test_download_wholesale_zip_then_use_cache(server, monkeypatch, tmp_path, capsys):
    original = _dataset_file("wholesale").read_bytes()
    _zip(server.root / "wholesale.zip", "Wholesale customers data.csv", original)
    _use_sources(
        monkeypatch,
        "wholesale",
        datasets.Source(f"{server.url}/wholesale.zip", member="Wholesale customers data.csv"),
    )
    home = tmp_path / "home"
    df = datasets.fetch_wholesale(home)
    assert len(df) == 440 and df["channel"].value_counts()["Horeca"] == 298
    assert _files(home) == ["wholesale/wholesale_customers_data_uci.csv"]  # no temporary files left
    assert (home / "wholesale" / "wholesale_customers_data_uci.csv").read_bytes() == original
    assert server.log == ["/wholesale.zip"]
    assert "downloading wholesale" in capsys.readouterr().err

    again = datasets.fetch_wholesale(home, download_if_missing=False)
    pd.testing.assert_frame_equal(again, df)
    datasets.fetch_wholesale(home)
    assert server.log == ["/wholesale.zip"]  # the cache was used, no second request


def test_download_raw_file_with_env_data_home(server, monkeypatch, tmp_path):
    (server.root / "summary.csv").write_bytes(_dataset_file("cdnow_summary").read_bytes())
    _use_sources(monkeypatch, "cdnow_summary", datasets.Source(f"{server.url}/summary.csv"))
    monkeypatch.setenv("KAMLAB_DATA", str(tmp_path / "env-home"))
    summary = datasets.fetch_cdnow(kind="summary")
    assert len(summary) == 2_357
    assert _files(tmp_path / "env-home") == ["cdnow/cdnow_customers_summary.csv"]


def test_download_wrong_bytes_keeps_nothing(server, monkeypatch, tmp_path):
    data = bytearray(_dataset_file("wholesale").read_bytes())
    data[100] = ord("9") if data[100] != ord("9") else ord("8")
    _zip(server.root / "wholesale.zip", "Wholesale customers data.csv", bytes(data))
    _use_sources(
        monkeypatch,
        "wholesale",
        datasets.Source(f"{server.url}/wholesale.zip", member="Wholesale customers data.csv"),
    )
    home = tmp_path / "home"
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_wholesale(home)
    assert "nothing was saved" in str(info.value)
    assert datasets.REGISTRY["wholesale"].sha256 in str(info.value)
    assert _files(home) == [] and not (home / "wholesale").exists()


def test_mirror_list_falls_back_after_404_and_bad_bytes(server, monkeypatch, tmp_path):
    (server.root / "bad.txt").write_bytes(b" 00004 0001 19970101  2   29.33\r\n")
    _zip(server.root / "CDNOW_sample.zip", "CDNOW_sample.txt", _dataset_file("cdnow").read_bytes())
    _use_sources(
        monkeypatch,
        "cdnow",
        datasets.Source(f"{server.url}/missing/CDNOW_sample.txt"),
        datasets.Source(f"{server.url}/bad.txt"),
        datasets.Source(f"{server.url}/CDNOW_sample.zip", member="CDNOW_sample.txt"),
    )
    home = tmp_path / "home"
    tx = datasets.fetch_cdnow(home)
    assert len(tx) == 6_919 and tx["customer_id"].nunique() == 2_357
    assert server.log == ["/missing/CDNOW_sample.txt", "/bad.txt", "/CDNOW_sample.zip"]
    assert _files(home) == ["cdnow/CDNOW_sample.txt"]


def test_all_mirrors_missing_is_a_dataset_error(server, monkeypatch, tmp_path):
    _use_sources(
        monkeypatch,
        "cdnow",
        datasets.Source(f"{server.url}/a/CDNOW_sample.txt"),
        datasets.Source(f"{server.url}/b.zip", member="CDNOW_sample.txt"),
    )
    with pytest.raises(DatasetError) as info:
        datasets.fetch_cdnow(tmp_path / "home")
    assert not isinstance(info.value, ChecksumError)
    assert f"{server.url}/a/CDNOW_sample.txt" in str(info.value) and f"{server.url}/b.zip" in str(info.value)
    assert _files(tmp_path / "home") == []


def test_archive_without_the_member_or_not_a_zip(server, monkeypatch, tmp_path):
    _zip(server.root / "other.zip", "something else.csv", b"a,b\n")
    (server.root / "page.zip").write_bytes(b"<html>not found</html>")
    _use_sources(
        monkeypatch,
        "wholesale",
        datasets.Source(f"{server.url}/other.zip", member="Wholesale customers data.csv"),
        datasets.Source(f"{server.url}/page.zip", member="Wholesale customers data.csv"),
    )
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_wholesale(tmp_path / "home")
    assert "no member 'Wholesale customers data.csv'" in str(info.value)
    assert "not a valid zip" in str(info.value)
    assert _files(tmp_path / "home") == []


def test_known_archive_hash_is_checked(server, monkeypatch, tmp_path):
    (server.root / "summary.csv").write_bytes(b"ID,frequency,recency,T\n1,2,30.43,38.86\n")
    _use_sources(monkeypatch, "cdnow_summary", datasets.Source(f"{server.url}/summary.csv", sha256="0" * 64))
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_cdnow(tmp_path / "home", kind="summary")
    assert "0" * 64 in str(info.value)  # pooch compared the download with the registry's hash
    assert _files(tmp_path / "home") == []


def test_plain_download_is_verified_by_pooch_against_the_cached_checksum(server, monkeypatch, tmp_path):
    """A download that is the cached file itself goes into pooch's registry with the cached
    file's checksum, and pooch refuses a wrong one before anything is kept."""
    entry = datasets.REGISTRY["cdnow_summary"]
    source = datasets.Source(f"{server.url}/files/cdnow%20summary.csv")
    assert registry.pooch_registry(entry, source) == {"cdnow summary.csv": f"sha256:{entry.sha256}"}
    (server.root / "files").mkdir()
    (server.root / "files" / "cdnow summary.csv").write_bytes(b"ID,frequency,recency,T\n1,2,30.43,38.86\n")
    _use_sources(monkeypatch, "cdnow_summary", source)
    home = tmp_path / "home"
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_cdnow(home, kind="summary")
    message = str(info.value)
    assert (
        entry.sha256 in message
        and "does not match the known hash" in message
        and "nothing was saved" in message
    )
    assert server.log == ["/files/cdnow%20summary.csv"]
    assert _files(home) == [] and not (home / "cdnow").exists()


def test_oversized_archive_member_is_not_extracted(server, monkeypatch, tmp_path):
    _zip(server.root / "CDNOW_sample.zip", "CDNOW_sample.txt", b"x" * 2_000)
    _use_sources(
        monkeypatch, "cdnow", datasets.Source(f"{server.url}/CDNOW_sample.zip", member="CDNOW_sample.txt")
    )
    monkeypatch.setattr(download, "_MAX_MEMBER_BYTES", 1_000)
    with pytest.raises(DatasetError) as info:
        datasets.fetch_cdnow(tmp_path / "home")
    assert not isinstance(info.value, ChecksumError)
    assert "implausibly large (2000 bytes)" in str(info.value)
    assert _files(tmp_path / "home") == []


def test_unsupported_url_scheme_is_refused(monkeypatch, tmp_path):
    _use_sources(monkeypatch, "cdnow", datasets.Source("file:///etc/passwd"))
    with pytest.raises(DatasetError, match="only over http, https or ftp"):
        datasets.fetch_cdnow(tmp_path / "home")
    assert _files(tmp_path / "home") == []


# --------------------------------------------------------------------------- Online Retail: xlsx -> csv

# A tiny workbook with the real columns and the awkward cases of the real data:
# ids stored as numbers and as text, quotes and commas, missing values, a pound sign,
# a time with float noise, a negative price, a numeric description.
_TINY_ROWS = [
    [
        536365,
        "85123A",
        "WHITE HANGING HEART T-LIGHT HOLDER",
        6,
        dt.datetime(2010, 12, 1, 8, 26),
        2.55,
        17850,
        "United Kingdom",
    ],
    [
        536365,
        71053,
        "WHITE METAL LANTERN",
        6,
        dt.datetime(2010, 12, 1, 8, 25, 59, 999000),
        3.39,
        17850,
        "United Kingdom",
    ],
    ["C536379", "D", "Discount", -1, dt.datetime(2010, 12, 1, 9, 41), 27.5, 14527, "United Kingdom"],
    [
        536381,
        82567,
        "AIRLINE LOUNGE,METAL SIGN",
        2,
        dt.datetime(2010, 12, 1, 9, 41),
        2.1,
        15311,
        "United Kingdom",
    ],
    [
        536477,
        22041,
        'RECORD FRAME 7" SINGLE SIZE ',
        48,
        dt.datetime(2010, 12, 1, 12, 27),
        2.1,
        16210,
        "United Kingdom",
    ],
    [536414, 22139, None, 56, dt.datetime(2010, 12, 1, 11, 52), 0, None, "United Kingdom"],
    [
        539492,
        "gift_0001_40",
        "Dotcomgiftshop Gift Voucher £40.00",
        1,
        dt.datetime(2010, 12, 20, 10, 14),
        34.04,
        None,
        "United Kingdom",
    ],
    [
        "A563187",
        "B",
        "Adjust bad debt",
        1,
        dt.datetime(2011, 8, 12, 14, 52),
        -11062.06,
        None,
        "United Kingdom",
    ],
    [540468, 22846, 20713, 1, dt.datetime(2011, 1, 7, 13, 55), 1, 12680, "EIRE"],
]
_TINY_CSV = (
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom\n"
    '536381,82567,"AIRLINE LOUNGE,METAL SIGN",2,2010-12-01 09:41:00,2.1,15311.0,United Kingdom\n'
    '536477,22041,"RECORD FRAME 7"" SINGLE SIZE ",48,2010-12-01 12:27:00,2.1,16210.0,United Kingdom\n'
    "536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom\n"
    "539492,gift_0001_40,Dotcomgiftshop Gift Voucher £40.00,1,2010-12-20 10:14:00,34.04,,United Kingdom\n"
    "A563187,B,Adjust bad debt,1,2011-08-12 14:52:00,-11062.06,,United Kingdom\n"
    "540468,22846,20713,1,2011-01-07 13:55:00,1.0,12680.0,EIRE\n"
).encode()


def _tiny_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Online Retail"
    ws.append(online_retail.RETAIL_COLUMNS)
    for row in _TINY_ROWS:
        ws.append(row)
    wb.save(path)


def test_xlsx_conversion_gives_the_cached_csv_format(tmp_path):
    _tiny_workbook(tmp_path / "Online Retail.xlsx")
    assert online_retail.xlsx_to_csv_bytes(tmp_path / "Online Retail.xlsx") == _TINY_CSV


def test_excel_serial_dates_are_converted():
    serials = pd.Series([40513.35138888889, 40513.35138888888])
    assert list(online_retail.excel_dates(serials)) == [pd.Timestamp("2010-12-01 08:26:00")] * 2


def test_conversion_format_reproduces_the_cached_copy(online_retail_lines):
    """Feeding the invoice lines, typed as read_excel returns them, through the converter's
    formatter gives back exactly the content whose hash kamlab verifies."""
    df = online_retail_lines

    def as_excel(value):  # numbers in the workbook come back as int, empty cells as NaN
        if value is pd.NA:
            return np.nan
        return int(value) if value.isdigit() else value

    frame = pd.DataFrame(
        {
            "InvoiceNo": pd.Series([as_excel(v) for v in df["invoice_id"].tolist()], dtype=object),
            "StockCode": pd.Series([as_excel(v) for v in df["product"].tolist()], dtype=object),
            "Description": pd.Series([as_excel(v) for v in df["description"].tolist()], dtype=object),
            "Quantity": pd.Series(df["quantity"].tolist(), dtype=object),
            "InvoiceDate": df["date"],
            "UnitPrice": df["unit_price"],
            "CustomerID": df["account_id"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
            "Country": pd.Series(df["country"].tolist(), dtype=object),
        }
    )
    content = online_retail.format_online_retail(frame)
    assert _sha256(content) == datasets.REGISTRY["online_retail"].sha256
    assert content.count(b"\n") == len(df) + 1


def test_download_online_retail_converts_and_verifies_content(server, monkeypatch, tmp_path):
    _tiny_workbook(tmp_path / "Online Retail.xlsx")
    _zip(
        server.root / "online+retail.zip",
        "Online Retail.xlsx",
        (tmp_path / "Online Retail.xlsx").read_bytes(),
    )
    _use_sources(
        monkeypatch,
        "online_retail",
        datasets.Source(f"{server.url}/online+retail.zip", member="Online Retail.xlsx"),
        sha256=_sha256(_TINY_CSV),
    )
    home = tmp_path / "home"
    df = datasets.fetch_online_retail(home)
    assert _files(home) == ["online_retail/online_retail.csv.gz"]
    assert gzip.decompress((home / "online_retail" / "online_retail.csv.gz").read_bytes()) == _TINY_CSV
    assert len(df) == len(_TINY_ROWS)
    assert df["invoice_id"].tolist() == [str(r[0]) for r in _TINY_ROWS]
    assert df["product"].tolist()[:2] == ["85123A", "71053"]
    assert df["account_id"].isna().sum() == 3 and df["account_id"].iloc[0] == "17850"
    assert df["is_cancellation"].tolist() == [False, False, True] + [False] * 6
    assert df["date"].iloc[1] == pd.Timestamp("2010-12-01 08:26:00")
    assert df["description"].isna().sum() == 1 and df["description"].iloc[8] == "20713"
    assert df["revenue"].tolist() == pytest.approx(
        [15.3, 20.34, -27.5, 4.2, 100.8, 0.0, 34.04, -11062.06, 1.0]
    )
    datasets.fetch_online_retail(home)
    assert server.log == ["/online+retail.zip"]


def test_download_online_retail_wrong_content_keeps_nothing(server, monkeypatch, tmp_path):
    _tiny_workbook(tmp_path / "Online Retail.xlsx")
    _zip(
        server.root / "online+retail.zip",
        "Online Retail.xlsx",
        (tmp_path / "Online Retail.xlsx").read_bytes(),
    )
    _use_sources(
        monkeypatch,
        "online_retail",
        datasets.Source(f"{server.url}/online+retail.zip", member="Online Retail.xlsx"),
    )
    home = tmp_path / "home"
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_online_retail(home)
    assert "decompressed content" in str(info.value) and "nothing was saved" in str(info.value)
    assert _files(home) == []


# --------------------------------------------------------------------------- classrooms: originals by hand, fetch_all


def _offline_retail(monkeypatch, **changes):
    """The Online Retail entry with its two real sources' names but no reachable server, and the
    tiny workbook's content as its checksum (a download would fail: the port is closed)."""
    return _use_sources(
        monkeypatch,
        "online_retail",
        datasets.Source("http://127.0.0.1:9/static/public/352/online+retail.zip", member="Online Retail.xlsx"),
        datasets.Source("http://127.0.0.1:9/00352/Online%20Retail.xlsx"),
        **{"sha256": _sha256(_TINY_CSV), **changes},
    )


@pytest.mark.parametrize("original", ["Online Retail.xlsx", "online+retail.zip"])
def test_original_put_into_the_folder_is_converted_verified_and_cached(monkeypatch, tmp_path, original):
    _offline_retail(monkeypatch)
    home = tmp_path / "home"
    folder = home / "online_retail"
    folder.mkdir(parents=True)
    _tiny_workbook(tmp_path / "Online Retail.xlsx")
    if original.endswith(".zip"):
        _zip(folder / original, "Online Retail.xlsx", (tmp_path / "Online Retail.xlsx").read_bytes())
    else:
        (folder / original).write_bytes((tmp_path / "Online Retail.xlsx").read_bytes())
    df = datasets.fetch_online_retail(home, download_if_missing=False)  # no network needed
    assert len(df) == len(_TINY_ROWS) and df["invoice_id"].iloc[2] == "C536379"
    assert gzip.decompress((folder / "online_retail.csv.gz").read_bytes()) == _TINY_CSV
    assert _files(home) == sorted([f"online_retail/{original}", "online_retail/online_retail.csv.gz"])
    # the cache is used from now on, even with the original gone
    (folder / original).unlink()
    pd.testing.assert_frame_equal(datasets.fetch_online_retail(home, download_if_missing=False), df)


def test_original_names_are_what_the_sources_serve():
    """The names a browser saves UCI's downloads under (the last part of each URL, decoded), and the
    archive's member for a student who unzipped it; CDNOW's first source is the cached file itself."""
    entry = datasets.REGISTRY["wholesale"]
    names = [name for name, _, _ in registry.original_names(entry)]
    assert names == ["wholesale+customers.zip", "Wholesale customers data.csv"]
    assert [n for n, _, _ in registry.original_names(datasets.REGISTRY["cdnow"])] == ["CDNOW_sample.zip"]


def test_wholesale_original_archive_offline(tmp_path, monkeypatch):
    data = _dataset_file("wholesale").read_bytes()
    monkeypatch.setattr(download, "download", lambda *a, **k: pytest.fail("must not download"))
    folder = tmp_path / "wholesale"
    folder.mkdir()
    _zip(folder / "wholesale+customers.zip", "Wholesale customers data.csv", data)
    df = datasets.fetch_wholesale(tmp_path)
    assert len(df) == 440
    assert (folder / "wholesale_customers_data_uci.csv").read_bytes() == data


def test_wrong_original_is_a_checksum_error_naming_the_file(monkeypatch, tmp_path):
    _offline_retail(monkeypatch)
    folder = tmp_path / "online_retail"
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.active.append(online_retail.RETAIL_COLUMNS)
    wb.active.append(_TINY_ROWS[0][:3] + [7] + _TINY_ROWS[0][4:])  # 7 units, not 6
    wb.save(folder / "Online Retail.xlsx")
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_online_retail(tmp_path, download_if_missing=False)
    message = str(info.value)
    assert str(folder / "Online Retail.xlsx") in message and _sha256(_TINY_CSV) in message
    assert _files(tmp_path) == ["online_retail/Online Retail.xlsx"]  # nothing cached, no temporary files


def test_original_archive_without_the_member_names_the_file(monkeypatch, tmp_path):
    _offline_retail(monkeypatch)
    folder = tmp_path / "online_retail"
    folder.mkdir()
    _zip(folder / "online+retail.zip", "something.csv", b"a\n")
    with pytest.raises(DatasetError) as info:
        datasets.fetch_online_retail(tmp_path, download_if_missing=False)
    assert not isinstance(info.value, ChecksumError)
    assert str(folder / "online+retail.zip") in str(info.value)
    assert "no member 'Online Retail.xlsx'" in str(info.value)


def test_missing_dataset_is_one_short_message_in_jupyter(monkeypatch, tmp_path):
    """IPython shows ``_render_traceback_()`` in place of the traceback: one message, with the
    original file names a student can download and the folder to put them in."""
    with pytest.raises(DatasetError) as info:
        datasets.fetch_online_retail(tmp_path, download_if_missing=False)
    lines = info.value._render_traceback_()
    assert lines[0].startswith("DatasetError: The dataset file 'online_retail.csv.gz' is not in the data home")
    text = "\n".join(lines)
    assert "Traceback" not in text and len(lines) <= 12
    assert f"into the folder {tmp_path / 'online_retail'}:" in text
    assert "'online+retail.zip' from https://archive.ics.uci.edu/static/public/352/online+retail.zip" in text
    assert "'Online Retail.xlsx' from" in text
    assert "make data" in text and "KAMLAB_DATA" in text
    assert lines[1:] == str(info.value).splitlines()[1:]


def test_checksum_error_renders_short_too(tmp_path):
    entry = datasets.REGISTRY["cdnow_summary"]
    (tmp_path / "cdnow").mkdir()
    (tmp_path / entry.relative_path).write_text("ID,frequency,recency,T\n")
    with pytest.raises(ChecksumError) as info:
        datasets.fetch_cdnow(tmp_path, kind="summary")
    lines = info.value._render_traceback_()
    assert lines[0].startswith(f"ChecksumError: The cached file {tmp_path / entry.relative_path}")
    assert "Delete it" in "\n".join(lines)


def test_failed_download_hint_names_the_originals_and_the_folder(server, monkeypatch, tmp_path):
    _use_sources(
        monkeypatch,
        "online_retail",
        datasets.Source(f"{server.url}/online+retail.zip", member="Online Retail.xlsx"),
    )
    with pytest.raises(DatasetError) as info:
        datasets.fetch_online_retail(tmp_path)
    message = str(info.value)
    assert f"'online+retail.zip' from {server.url}/online+retail.zip" in message
    assert f"into the folder {tmp_path / 'online_retail'}" in message
    assert "put it at" not in message  # the old hint asked for the .csv.gz nobody can download


def _serve_every_file(server, monkeypatch, tmp_path):
    """Every registry entry pointed at the local server, which serves each file as its source does
    (the Online Retail entry with the tiny workbook's checksum). Returns the expected cached files."""
    _zip(server.root / "wholesale.zip", "Wholesale customers data.csv", _dataset_file("wholesale").read_bytes())
    _use_sources(
        monkeypatch,
        "wholesale",
        datasets.Source(f"{server.url}/wholesale.zip", member="Wholesale customers data.csv"),
    )
    _tiny_workbook(tmp_path / "Online Retail.xlsx")
    _zip(server.root / "online+retail.zip", "Online Retail.xlsx", (tmp_path / "Online Retail.xlsx").read_bytes())
    _use_sources(
        monkeypatch,
        "online_retail",
        datasets.Source(f"{server.url}/online+retail.zip", member="Online Retail.xlsx"),
        sha256=_sha256(_TINY_CSV),
    )
    for name in ("cdnow", "cdnow_summary", "cdnow_summary_with_transactions"):
        filename = datasets.REGISTRY[name].filename
        (server.root / filename).write_bytes(_dataset_file(name).read_bytes())
        _use_sources(monkeypatch, name, datasets.Source(f"{server.url}/{filename}"))
    return sorted(e.relative_path for e in datasets.REGISTRY.values())


def test_fetch_all_fetches_every_file_once(server, monkeypatch, tmp_path, capsys):
    expected = _serve_every_file(server, monkeypatch, tmp_path)
    home = tmp_path / "room"
    table = datasets.fetch_all(home)  # with the progress bars
    assert table["cached"].all() and list(table["name"]) == list(datasets.REGISTRY)
    assert _files(home) == expected
    assert sorted(server.log) == sorted(
        ["/wholesale.zip", "/online+retail.zip", "/CDNOW_sample.txt", "/cdnow_customers_summary.csv",
         "/cdnow_customers_summary_with_transactions.csv"]
    )
    assert "kamlab datasets" in capsys.readouterr().err  # tqdm's bar over the files
    again = datasets.fetch_all(home, progress=False)
    pd.testing.assert_frame_equal(again, table)
    assert len(server.log) == 5  # nothing downloaded twice
    assert gzip.decompress((home / "online_retail" / "online_retail.csv.gz").read_bytes()) == _TINY_CSV


def test_fetch_all_goes_on_after_a_failure_and_names_it(server, monkeypatch, tmp_path):
    _serve_every_file(server, monkeypatch, tmp_path)
    (server.root / "cdnow_customers_summary.csv").unlink()
    home = tmp_path / "room"
    with pytest.raises(DatasetError) as info:
        datasets.fetch_all(home, progress=False)
    assert str(info.value).startswith("1 of 5 dataset files could not be fetched")
    assert "cdnow/cdnow_customers_summary.csv:" in str(info.value)
    assert len(_files(home)) == 4 and not (home / "cdnow" / "cdnow_customers_summary.csv").exists()


def test_make_data_fetches_into_kamlab_data(server, monkeypatch, tmp_path, capsys):
    """``make data`` runs ``python -m kamlab.data.datasets``, whose main fetches into KAMLAB_DATA."""
    from kamlab.data.datasets import __main__ as make_data

    recipe = Path(__file__).resolve().parents[1].joinpath("Makefile").read_text().split("\ndata:", 1)[1]
    assert recipe.splitlines()[1].strip() == "$(BIN)/python -m kamlab.data.datasets"
    expected = _serve_every_file(server, monkeypatch, tmp_path)
    monkeypatch.setenv("KAMLAB_DATA", str(tmp_path / "usb"))
    assert make_data.main([]) == 0
    assert _files(tmp_path / "usb") == expected
    out = capsys.readouterr().out
    assert f"all 5 files are in {tmp_path / 'usb'}" in out
    (server.root / "CDNOW_sample.txt").unlink()
    assert make_data.main([str(tmp_path / "other")]) == 1
    assert "CDNOW_sample.txt" in capsys.readouterr().err
