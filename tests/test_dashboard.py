"""The dashboard's logic (kamlab/report/dashboard.py), tested by setting its controls' values (no browser).

Expected values come from the example export read with the csv module, from plain pandas on the case
company's invoice lines, or by hand (renormalised weights).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime
import io
import re
from pathlib import Path

import pytest

import kamlab
from kamlab.report import dashboard as dashboard_module
from kamlab.report.dashboard import TABS, Dashboard, upload_guard

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "datasets" / "examples" / "umsatzliste_nord_2025q4.csv"
FAULTY = ROOT / "datasets" / "examples" / "umsatzliste_nord_2025q4_fehler.csv"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    kamlab.set_language("en")


@pytest.fixture
def dash(case):
    with contextlib.redirect_stdout(io.StringIO()):  # outside a notebook the explorers print their tables
        yield Dashboard(case, lang="en", plot=False)


def quiet(function, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args)


def upload(dash, path, name=None):
    data = Path(path).read_bytes()
    item = {"name": name or Path(path).name, "type": "text/csv", "size": len(data), "content": memoryview(data),
            "last_modified": datetime.datetime(2026, 1, 5)}
    quiet(setattr, dash.upload, "value", (item,))


def example_accounts():
    with open(EXAMPLE, encoding="cp1252", newline="") as handle:
        rows = [r for r in list(csv.reader(handle, delimiter=";"))[3:] if r]
    return {r[3] for r in rows}


def select(dash, key):
    quiet(setattr, dash.tabs, "selected_index", TABS.index(key))
    return dash.explorers[key]


def test_case_company_by_default_and_each_tab_has_its_explorer(dash, case):
    assert dash.lines is None and "Kesselbach" in dash.source.value
    names = {key: type(select(dash, key)).__name__ for key in TABS}
    assert names == {"key_accounts": "ABCExplorer", "portfolio": "PortfolioExplorer",
                     "potential": "PotentialExplorer", "followup": "PipelineExplorer"}
    abc = dash.explorers["key_accounts"]
    assert list(abc.tables) == [2024, 2025] and abc.period.value == 2025
    lines = case.transactions
    revenue_2025 = lines.loc[lines["date"].dt.year == 2025, "revenue"].sum()
    assert abc.tables[2025]["revenue"].sum() == pytest.approx(revenue_2025)
    # each tab shows its explorer's widget
    for index, key in enumerate(TABS):
        assert dash.tabs.children[index].children == (dash.explorers[key].widget,)


def test_portfolio_weights_on_screen_go_to_the_report(dash, monkeypatch):
    portfolio = select(dash, "portfolio")
    assert dash.weights()["attractiveness"] == pytest.approx(
        {"growth_potential": 0.25, "cooperation_potential": 0.30, "price_enforcement": 0.20,
         "reference_value": 0.15, "solvency": 0.10})
    before = portfolio.result["quadrant"].astype(str).copy()
    quiet(setattr, portfolio.attractiveness_weights["growth_potential"], "value", 0.0)
    weights = dash.weights()["attractiveness"]
    # renormalised by hand: the other four keep their proportions, 0.30 / 0.75 = 0.4
    assert weights["growth_potential"] == 0 and weights["cooperation_potential"] == pytest.approx(0.4)
    assert (portfolio.result["quadrant"].astype(str) != before).any()

    calls = []

    def fake_build(data, **kwargs):
        calls.append((data, kwargs))
        return "report"

    monkeypatch.setattr("kamlab.report.build", fake_build)
    monkeypatch.setattr(dashboard_module, "_render", lambda report, fmt: b"PK" + fmt.encode())
    assert dash.make_report() == b"PKxlsx"
    data, kwargs = calls[-1]
    assert data is dash.case and kwargs["lang"] == "en"
    assert kwargs["weights"]["attractiveness"] == pytest.approx(weights)
    # another format of the same setting: no second analysis
    dash.format.value = "pptx"
    assert dash.make_report() == b"PKpptx" and len(calls) == 1
    link = re.search(r'download="([^"]+)" href="data:([^;]+);base64,([^"]+)"', dash.link.value)
    assert link.group(1) == "kam_report_en.pptx"
    assert link.group(2) == dashboard_module.MIME["pptx"]
    assert base64.b64decode(link.group(3)) == b"PKpptx"


def test_language_switch_relabels_and_keeps_the_portfolio(dash):
    portfolio = select(dash, "portfolio")
    quiet(setattr, portfolio.position_weights["proximity"], "value", 0.5)
    quiet(setattr, dash.language, "value", "de")
    assert dash.tabs.titles == ("Key Accounts", "Portfolio", "Potenzial", "Nachfassen")
    assert kamlab.get_language() == "de" and "Fallstudie" in dash.source.value
    assert dash.explorers["portfolio"] is portfolio and portfolio.language.value == "de"
    assert portfolio.position_weights["proximity"].value == 0.5
    assert dash.upload.description == "Export hochladen (CSV/XLSX)"


def test_upload_of_an_export(dash):
    upload(dash, EXAMPLE)
    accounts = example_accounts()
    assert dash.lines is not None and set(dash.lines["account_id"]) == accounts
    assert "umsatzliste_nord_2025q4.csv" in dash.status.value and "kamlab-ok" in dash.status.value
    assert f"({len(accounts)} accounts)" in dash.source.value
    abc = select(dash, "key_accounts")
    assert list(abc.tables) == ["umsatzliste_nord_2025q4.csv"]
    assert set(abc.tables["umsatzliste_nord_2025q4.csv"]["account_id"]) == accounts
    for key, option in (("portfolio", "--ratings"), ("potential", "--accounts"), ("followup", "--projects")):
        message = select(dash, key)
        assert isinstance(message, str) and option in message
        assert option in dash.tabs.children[TABS.index(key)].children[0].value
    quiet(dash.use_case.click)
    assert dash.lines is None and type(select(dash, "portfolio")).__name__ == "PortfolioExplorer"


def test_faulty_upload_is_a_message_and_keeps_the_data(dash):
    upload(dash, FAULTY)
    assert dash.lines is None  # still the case company
    status = dash.status.value
    assert "kamlab-error" in status and "line 609" in status and "umsatzliste_nord_2025q4_fehler.csv" in status
    assert "Traceback" not in status
    quiet(setattr, dash.language, "value", "de")
    upload(dash, FAULTY, name="fehler.csv")
    assert "Zeile 609" in dash.status.value and "fehler.csv" in dash.status.value


def test_too_big_upload_says_what_to_do(case):
    with contextlib.redirect_stdout(io.StringIO()):
        small = Dashboard(case, lang="en", upload_limit_mb=0.1, plot=False)
    assert "up to 0.1 MB" in small.limit_note.value and "kamlab report" in small.limit_note.value
    upload(small, EXAMPLE)  # 318 KB
    assert small.lines is None
    assert "more than the 0.1 MB" in small.status.value and "File on the server" in small.status.value
    small.path.value = str(EXAMPLE)  # the way for a bigger file: a path on the server
    quiet(small.load_path.click)
    assert small.lines is not None and set(small.lines["account_id"]) == example_accounts()
    small.path.value = "/no/such/file.csv"
    quiet(small.load_path.click)
    assert "There is no file /no/such/file.csv" in small.status.value


def test_upload_guard_holds_the_limit():
    script = upload_guard(2).data
    assert f"limit: {2 * 1024 * 1024 - 64 * 1024}" in script
    assert "readAsArrayBuffer" in script and "kamlab-status" in script


def test_upload_limit_from_environment(monkeypatch):
    monkeypatch.setenv("KAMLAB_UPLOAD_LIMIT_MB", "250")
    assert dashboard_module.upload_limit() == 250.0
    monkeypatch.setenv("KAMLAB_UPLOAD_LIMIT_MB", "lots")
    assert dashboard_module.upload_limit() == 10.0


def test_download_of_an_uploaded_export_opens_in_openpyxl(dash):
    import openpyxl

    upload(dash, EXAMPLE)
    quiet(dash.make_report)
    link = re.search(r'href="data:[^;]+;base64,([^"]+)"', dash.link.value)
    assert link, dash.link.value
    payload = base64.b64decode(link.group(1))
    assert payload == dash.payload
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert len(book.sheetnames) >= 3
    assert dash.report.lang == "en"
