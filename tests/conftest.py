"""Shared test set-up: where the public datasets are, fixtures used by several test files, the run's summary.

The public datasets are found in ONE way: the folder in ``KAMLAB_DATA`` (``make test`` sets it
to the shared copies; so can anyone running plain ``pytest``). A test that needs a dataset asks
for the ``data_home`` fixture (or ``online_retail_lines``): without the data it is skipped with
a message saying how to get it, and under CI (``CI=true``) it FAILS instead, so a CI run can
never go green by skipping its real-data tests.
"""

import os
import pathlib

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _data_home():
    value = os.environ.get("KAMLAB_DATA")
    return pathlib.Path(value).expanduser() if value else None


def require_dataset(*parts):
    """The path of a file or folder under ``KAMLAB_DATA``; skip (fail under CI) when it is not there."""
    home = _data_home()
    path = home.joinpath(*parts) if home else None
    if path is None or not path.exists():
        where = f"{home}" if home else "KAMLAB_DATA (not set)"
        message = (f"the public dataset {'/'.join(parts) or 'folder'} is not in {where}: set KAMLAB_DATA to a "
                   "folder holding the datasets (make test points it at ../shared/datasets)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI needs every dataset: " + message)
        pytest.skip(message)
    return path


def require_spark():
    """Skip unless pyspark (with Ibis's PySpark backend) and Java are there; under CI a missing Java FAILS.

    pyspark comes with ``pip install kamlab[spark]`` (and the test extra); Java from Debian's
    ``default-jre-headless`` (``.ci/run`` installs it), so CI can never go green by skipping Spark.
    """
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("ibis.backends.pyspark") is None:
        pytest.skip("the Spark engine's tests need pyspark and Ibis's PySpark backend: pip install 'kamlab[spark]'")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and pathlib.Path(java_home, "bin", "java").exists()):
        message = ("the Spark engine's tests need Java (no `java` on PATH, no JAVA_HOME): "
                   "apt-get install default-jre-headless (.ci/run does)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI needs Java for the Spark tests: " + message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def data_home():
    """The folder of the public datasets (``KAMLAB_DATA``); see :func:`require_dataset`."""
    return require_dataset()


@pytest.fixture(scope="session")
def online_retail_lines():
    """The UCI Online Retail invoice lines as ``kamlab.fetch_online_retail`` gives them, read once per run.

    Tests must not change it: take ``.copy()`` first.
    """
    home = require_dataset("online_retail", "online_retail.csv.gz").parents[1]
    import kamlab

    return kamlab.fetch_online_retail(home, download_if_missing=False)


@pytest.fixture(scope="session")
def case():
    """The case company, loaded once per run. Tests must not change its tables: take .copy() first."""
    import kamlab

    return kamlab.load_case()


@pytest.fixture(scope="session")
def case_accounts(case):
    """The account table over all three years (notebooks 00 and 01)."""
    import kamlab

    return kamlab.accounts_from_transactions(case.transactions)


@pytest.fixture(scope="session")
def account_tables(case):
    """``{year: case.account_table(year)}`` for 2024 and 2025."""
    return {year: case.account_table(year) for year in (2024, 2025)}


@pytest.fixture(scope="session")
def buying_2025(account_tables):
    """The 2025 accounts with revenue (notebooks 03 and 04), index 0..n-1."""
    t25 = account_tables[2025]
    return t25[t25["revenue"] > 0].reset_index(drop=True)


@pytest.fixture(scope="session")
def wholesale_clients():
    """UCI Wholesale customers, from KAMLAB_DATA only (never downloaded in a test)."""
    home = require_dataset("wholesale").parent
    import kamlab

    return kamlab.fetch_wholesale(home, download_if_missing=False)


@pytest.fixture(scope="session")
def cdnow_lines():
    """The CDNOW purchases, from KAMLAB_DATA only."""
    home = require_dataset("cdnow", "CDNOW_sample.txt").parents[1]
    import kamlab

    return kamlab.fetch_cdnow(home, download_if_missing=False)


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (local[2], UTC, no UI, 2 GB driver) for the whole run, stopped at the end.

    Only the Spark engine's tests ask for it, so a run without them starts no JVM.
    """
    require_spark()
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("kamlab-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # small test data: no adaptive re-planning, and the JVM's quick JIT (a test session is short)
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.driver.extraJavaOptions", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def close_figures():
    """Close every matplotlib figure after the test (charts are checked through their artists)."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def pytest_terminal_summary(terminalreporter):
    """Say how many notebook cells (nbval) and browser tests ran, so a skipped part is never silent."""
    counts = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup") or (outcome == "passed" and report.when != "call"):
                continue
            path = report.nodeid.split("::")[0]
            if path.endswith(".ipynb"):
                kind = "notebook cells (nbval) in " + path
            elif "browser" in getattr(report, "keywords", {}):  # the browser marker (JupyterLab, Voilà)
                kind = "browser tests"
            else:
                continue
            counts.setdefault(kind, {}).setdefault(outcome, 0)
            counts[kind][outcome] += 1
    if counts:
        terminalreporter.section("kamlab: notebooks and browser")
        for kind in sorted(counts):
            parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts[kind].items()))
            terminalreporter.write_line(f"{kind}: {parts}")
