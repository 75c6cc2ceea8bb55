"""The set-up check of the start-here notebook: packages, the case company, and the public datasets.

The datasets part must never say "All set" when a later notebook cannot get its data: tested
with the data home empty and no network (the reachability test replaced), and with a local
HTTP server standing in for the sources (the real reachability test, then ``fetch_all``).
"""

import dataclasses
import http.server
import shutil
import threading
from importlib import metadata
from types import SimpleNamespace

import pytest

import kamlab
from kamlab import datasets
from kamlab.course import setup_check
from kamlab.data.datasets import classroom

PATHS = [e.relative_path for e in datasets.REGISTRY.values()]


def _dataset_lines(out):
    return [line for line in out.splitlines() if line.startswith(("✔ dataset", "✘ dataset"))]


def test_everything_installed_says_all_set(data_home, monkeypatch, capsys):
    monkeypatch.setenv("KAMLAB_DATA", str(data_home))
    monkeypatch.setattr(classroom, "source_reachable", lambda *a: pytest.fail("no request when all is here"))
    assert kamlab.check_setup() is True
    out = capsys.readouterr().out.splitlines()
    names = [name for name, _ in setup_check._requirements()]
    assert "pandas" in names and "ipython" in names
    packages = [line for line in out if line.startswith("✔ ") and "case company" not in line and "dataset" not in line]
    assert packages == [f"✔ {n}" for n in names]
    assert _dataset_lines("\n".join(out)) == [f"✔ dataset {p}: here, checksum verified" for p in PATHS]
    assert out[-1] == "All set: the course is ready."
    assert any("2,000 accounts" in line for line in out)


def test_a_too_old_or_missing_package_is_named(monkeypatch, capsys):
    real_version = metadata.version

    def version(name):
        if name == "pandas":
            return "1.5.3"
        if name == "tqdm":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(setup_check.metadata, "version", version)
    monkeypatch.setattr(classroom, "source_reachable", lambda url, timeout: (True, None))
    assert setup_check.check_setup() is False
    out = capsys.readouterr().out
    # the lower bound the installed kamlab declares (pyproject.toml), not a copy of it
    bound = next(r for r in metadata.requires("kamlab") if r.startswith("pandas")).split(">=")[1].split(",")[0]
    assert f"✘ pandas: version 1.5.3 is too old, kamlab needs {bound} or newer." in out
    assert "✘ tqdm: not installed" in out
    assert out.rstrip().endswith("Something is missing: see the ✘ lines above.")


def test_empty_data_home_without_network_is_not_all_set(monkeypatch, tmp_path, capsys):
    asked = []
    monkeypatch.setattr(classroom, "source_reachable", lambda url, timeout: asked.append(url) or (False, None))
    home = tmp_path / "empty"
    assert kamlab.check_setup(data_home=home) is False
    out = capsys.readouterr().out
    assert "All set" not in out
    assert out.rstrip().endswith("Something is missing: see the ✘ lines above.")
    lines = _dataset_lines(out)
    assert lines == [
        f"✘ dataset {p}: not in the data home and its source cannot be reached (no internet?)." for p in PATHS
    ]
    assert sorted(asked) == sorted({s.url for e in datasets.REGISTRY.values() for s in e.sources})
    # which file, which folder
    assert f"put it into the folder {home / 'online_retail'}" in out
    assert "'online+retail.zip' from https://archive.ics.uci.edu/static/public/352/online+retail.zip" in out
    assert "'Online Retail.xlsx' from https://archive.ics.uci.edu/ml/machine-learning-databases/00352/" in out
    assert "'wholesale+customers.zip' from" in out and f"into the folder {home / 'cdnow'}" in out
    # and the room's way, once
    assert out.count("run `make data` there") == 1 and "KAMLAB_DATA" in out and str(home) in out
    assert not home.exists()  # the check writes nothing


def test_reachable_sources_are_downloaded_on_first_use(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(classroom, "source_reachable", lambda url, timeout: (True, 23_715_344))
    assert kamlab.check_setup(data_home=tmp_path) is True
    out = capsys.readouterr().out
    assert (
        "✔ dataset online_retail/online_retail.csv.gz: not here yet, downloaded on first use (23.7 MB) "
        "from archive.ics.uci.edu"
    ) in out
    assert "from raw.githubusercontent.com" in out  # CDNOW's first source
    assert out.rstrip().endswith("All set: the course is ready.")


def test_in_german(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(classroom, "source_reachable", lambda url, timeout: (url.endswith(".csv"), 1_250_000))
    kamlab.set_language("de")
    try:
        assert kamlab.check_setup(data_home=tmp_path) is False
    finally:
        kamlab.set_language("en")
    out = capsys.readouterr().out
    assert "✔ Datensatz cdnow/cdnow_customers_summary.csv: noch nicht vorhanden" in out and "(1,2 MB)" in out
    assert "✘ Datensatz cdnow/CDNOW_sample.txt: nicht im Datenordner" in out
    assert out.rstrip().endswith("Etwas fehlt: siehe die Zeilen mit ✘ oben.")


def test_a_damaged_file_is_not_all_set(data_home, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(classroom, "source_reachable", lambda url, timeout: (True, None))
    shutil.copytree(data_home / "cdnow", tmp_path / "cdnow")
    (tmp_path / "cdnow" / "CDNOW_sample.txt").write_text("damaged")
    assert kamlab.check_setup(data_home=tmp_path) is False
    lines = _dataset_lines(capsys.readouterr().out)
    assert lines[2].startswith(f"✘ dataset cdnow/CDNOW_sample.txt: The cached file {tmp_path / 'cdnow'}")
    assert lines[3] == "✔ dataset cdnow/cdnow_customers_summary.csv: here, checksum verified"


# --------------------------------------------------------------------------- a local HTTP server as the sources


@pytest.fixture
def server(tmp_path, monkeypatch):
    """An HTTP server on 127.0.0.1 serving ``www/`` (404 for what is not there)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(root=root, url=f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_with_a_local_server_as_source_then_fetch_all(data_home, server, monkeypatch, tmp_path, capsys):
    """Every registry entry points at the local server; it serves the CDNOW files but not the UCI ones.
    The real reachability test finds the served files (with their size) and the 404s: not All set.
    Once the UCI files are there too, ``fetch_all`` fills the data home and the check says All set."""
    for name, entry in datasets.REGISTRY.items():
        source = datasets.Source(f"{server.url}/{entry.filename}")
        monkeypatch.setitem(datasets.REGISTRY, name, dataclasses.replace(entry, sources=(source,)))
    cdnow = [e for e in datasets.REGISTRY.values() if e.folder == "cdnow"]
    for entry in cdnow:
        shutil.copyfile(data_home / entry.relative_path, server.root / entry.filename)
    home = tmp_path / "room"

    assert kamlab.check_setup(data_home=home) is False
    out = capsys.readouterr().out
    lines = _dataset_lines(out)
    assert lines[0] == (
        "✘ dataset wholesale/wholesale_customers_data_uci.csv: not in the data home and its source cannot be "
        "reached (no internet?)."
    )
    size = (data_home / "cdnow" / "CDNOW_sample.txt").stat().st_size / 1e6
    assert lines[2] == (
        f"✔ dataset cdnow/CDNOW_sample.txt: not here yet, downloaded on first use ({size:.1f} MB) from 127.0.0.1"
    )
    assert "All set" not in out

    # the trainer's room: the UCI files served as well (already converted, to keep the test small)
    for name in ("wholesale", "online_retail"):
        entry = datasets.REGISTRY[name]
        shutil.copyfile(data_home / entry.relative_path, server.root / entry.filename)
        if entry.content == "gzip":  # served as is: verify the decompressed content, as for the cache
            monkeypatch.setitem(datasets.REGISTRY, name, dataclasses.replace(entry, convert="copy"))
    table = datasets.fetch_all(home, progress=False)
    assert table["cached"].all()
    assert kamlab.check_setup(data_home=home) is True
    out = capsys.readouterr().out
    assert _dataset_lines(out) == [f"✔ dataset {p}: here, checksum verified" for p in PATHS]
    assert out.rstrip().endswith("All set: the course is ready.")


def test_an_original_put_into_the_folder_is_made_into_the_dataset(data_home, monkeypatch, tmp_path, capsys):
    """The check makes the cached file from an original a student downloaded by hand (offline)."""
    import zipfile

    monkeypatch.setattr(classroom, "source_reachable", lambda url, timeout: (False, None))
    (tmp_path / "wholesale").mkdir()
    with zipfile.ZipFile(tmp_path / "wholesale" / "wholesale+customers.zip", "w") as archive:
        archive.write(data_home / "wholesale" / "wholesale_customers_data_uci.csv", "Wholesale customers data.csv")
    assert kamlab.check_setup(data_home=tmp_path) is False  # the other files are still missing
    lines = _dataset_lines(capsys.readouterr().out)
    assert lines[0] == "✔ dataset wholesale/wholesale_customers_data_uci.csv: here, checksum verified"
    assert [line[0] for line in lines] == ["✔", "✘", "✘", "✘", "✘"]
    made = tmp_path / "wholesale" / "wholesale_customers_data_uci.csv"
    assert made.read_bytes() == (data_home / "wholesale" / "wholesale_customers_data_uci.csv").read_bytes()


def test_check_keeps_matplotlibs_backend(tmp_path):
    # importing ipympl switches matplotlib's backend to ipympl's widget; the check must not
    # (notebook 00 runs it first, and every later plt.show() would give a widget, not a picture).
    # A fresh interpreter: in this one ipympl may have been imported already.
    import subprocess
    import sys

    pytest.importorskip("ipympl")
    code = (
        "import matplotlib; matplotlib.use('agg'); from kamlab.course.setup_check import check_setup; "
        f"check_setup(verbose=False, data_home={str(tmp_path)!r}, timeout=0.01); "
        "import sys; assert 'ipympl' in sys.modules; print(matplotlib.get_backend())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().lower() == "agg"


def test_check_speaks_german(capsys):
    # issue 17: the set-up check follows kamlab.set_language (German numbers: 2.000 Kunden)
    case = kamlab.load_case()
    n_accounts, n_lines = len(case.accounts), len(case.transactions)
    with kamlab.language("de"):
        setup_check.check_setup(timeout=0.01)
    german = capsys.readouterr().out
    dotted = [f"{n:,}".replace(",", ".") for n in (n_accounts, n_lines)]
    assert f"✔ Daten der Fallstudie: {dotted[0]} Kunden, {dotted[1]} Rechnungspositionen" in german
    assert "invoice lines" not in german and "dataset " not in german
    setup_check.check_setup(timeout=0.01)
    assert f"✔ case company data: {n_accounts:,} accounts, {n_lines:,} invoice lines" in capsys.readouterr().out
