"""Notebook 01_data: its example exports and its exercises.

The example files are checked byte for byte against the script that writes them and
read here with the csv module and exact decimals, not with kamlab; the exercises'
answers are recomputed in another way than ``kamlab.course.chapter01`` does.
"""

import csv
import importlib.util
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_dataset

from kamlab.course import chapter01

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "datasets" / "examples"
CLEAN = EXAMPLES / "umsatzliste_nord_2025q4.csv"
FAULTY = EXAMPLES / "umsatzliste_nord_2025q4_fehler.csv"
HEADER = "Belegnr.;Pos.;Belegdatum;Kundennr.;Kundenname;Artikelgruppe;Menge;ME;Einzelpreis;Nettoumsatz;Wareneinsatz"


def _script():
    spec = importlib.util.spec_from_file_location("make_example_exports", ROOT / "tools" / "make_example_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _german(text):
    """'1.234,56-' -> Decimal('-1234.56'), by hand."""
    negative = text.endswith("-")
    digits = text.rstrip("-").replace(".", "").replace(",", ".")
    return -Decimal(digits) if negative else Decimal(digits)


def _rows(path):
    text = path.read_bytes().decode("cp1252")
    lines = text.split("\r\n")
    assert lines[2] == HEADER
    reader = csv.DictReader(io.StringIO("\n".join(lines[2:])), delimiter=";")
    return [row for row in reader if any(row.values())]


@pytest.fixture(scope="module")
def territory_q4(case):
    accounts = case.accounts.loc[case.accounts["territory_manager"] == "Jens Hagemann", "account_id"]
    lines = case.transactions
    dates = lines["date"].dt.strftime("%Y-%m-%d")
    return lines[(dates >= "2025-10-01") & (dates <= "2025-12-31") & lines["account_id"].isin(set(accounts))]


def test_committed_examples_are_what_the_script_writes(case):
    built = _script().build(case)
    assert sorted(built) == sorted(p.name for p in EXAMPLES.glob("*.csv"))
    for name, data in built.items():
        assert (EXAMPLES / name).read_bytes() == data, f"{name} differs: run tools/make_example_exports.py"
    assert (EXAMPLES / "README.md").is_file()


def test_clean_export_looks_like_a_german_erp_file(territory_q4):
    data = CLEAN.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # cp1252: the dash in the title is the single byte 0x96
    assert b"\x96" in data.split(b"\r\n")[0]
    assert data.count(b"\r\n") == data.count(b"\n")  # Windows line ends only
    text = data.decode("cp1252").split("\r\n")
    assert text[0].startswith("Kesselbach Antriebstechnik GmbH – Umsatzliste")
    assert text[1].startswith("Zeitraum: 01.10.2025 – 31.12.2025")
    rows = _rows(CLEAN)
    assert len(rows) == len(territory_q4)
    assert all(r["Belegdatum"][2] == "." and r["Belegdatum"].endswith(".2025") for r in rows)
    assert any(r["Nettoumsatz"].endswith("-") for r in rows)  # SAP's trailing minus on credit notes
    assert any("." in r["Nettoumsatz"] and "," in r["Nettoumsatz"] for r in rows)  # 1.234,56


def test_clean_export_adds_up_to_the_case_company(territory_q4):
    rows = _rows(CLEAN)
    total = sum(_german(r["Nettoumsatz"]) for r in rows)
    assert total == sum(Decimal(f"{v:.2f}") for v in territory_q4["revenue"])
    assert {r["Kundennr."] for r in rows} == set(territory_q4["account_id"])
    for r in rows:  # every line: quantity x unit price = amount, to the cent
        assert abs(_german(r["Menge"]) * _german(r["Einzelpreis"]) - _german(r["Nettoumsatz"])) <= Decimal("0.01")


def test_faulty_export_has_exactly_the_documented_faults():
    clean = CLEAN.read_bytes().decode("cp1252").split("\r\n")
    faulty = FAULTY.read_bytes().decode("cp1252").split("\r\n")
    changed = [(i + 1, a, b) for i, (a, b) in enumerate(zip(clean, faulty)) if a != b]
    assert len(changed) == 3
    kinds = []
    for _, before, after in changed:
        cells_before, cells_after = before.split(";"), after.split(";")
        diff = [HEADER.split(";")[j] for j, (x, y) in enumerate(zip(cells_before, cells_after)) if x != y]
        assert len(diff) == 1
        kinds.append((diff[0], cells_after[HEADER.split(";").index(diff[0])]))
    assert kinds[0][0] == "Nettoumsatz" and kinds[0][1].endswith("O")
    assert kinds[1] == ("Belegdatum", "31.11.2025")
    assert kinds[2] == ("Kundennr.", "")
    tail = faulty[len(clean) - 1 :]
    assert tail[0] == "" and tail[1].startswith("Summe;") and tail[2] == ""


def test_chapter01_q1_credit_note_lines(case):
    lines = case.transactions
    n_lines = int(lines["invoice_id"].str.startswith("GS-").sum())
    assert chapter01.q1.check(n_lines).correct
    n_documents = lines.loc[lines["invoice_id"].str.startswith("GS-"), "invoice_id"].nunique()
    assert n_documents != n_lines
    assert not chapter01.q1.check(n_documents).correct  # documents, not lines


def test_chapter01_q2_export_total(territory_q4):
    total = float(sum(_german(r["Nettoumsatz"]) for r in _rows(CLEAN)))
    # the export is the territory's fourth quarter: its total is the case company's, to the cent
    assert total == float(sum(Decimal(f"{v:.2f}") for v in territory_q4["revenue"]))
    assert chapter01.q2.check(round(total, 2)).correct
    faulty_total = float(sum(_german(r["Nettoumsatz"]) for r in _rows(FAULTY)[:-1] if not r["Nettoumsatz"].endswith("O")))
    assert not chapter01.q2.check(faulty_total).correct
    assert not chapter01.q2.check(2 * total).correct  # a total line read as data


def test_chapter01_q3_rows_set_aside():
    clean = set(CLEAN.read_bytes().decode("cp1252").split("\r\n"))
    faulty = [line for line in FAULTY.read_bytes().decode("cp1252").split("\r\n") if line]
    not_in_clean = [line for line in faulty if line not in clean]
    assert chapter01.q3.check(len(not_in_clean)).correct
    assert not chapter01.q3.check(len(not_in_clean) - 1).correct  # forgetting the total line
    assert not chapter01.q3.check(len(not_in_clean) + 1).correct  # counting problems, not rows


def test_chapter01_q4_retail_customers_active_in_last_12_months():
    # the raw file read with plain pandas (not kamlab's reader): an independent count
    raw = pd.read_csv(require_dataset("online_retail", "online_retail.csv.gz"), dtype=str, keep_default_na=False)
    raw = raw[raw["CustomerID"] != ""]
    revenue = raw["Quantity"].astype(int) * raw["UnitPrice"].astype(float)
    day = raw["InvoiceDate"].str.slice(0, 10)
    invoices = defaultdict(lambda: [0.0, "9999"])  # (customer, invoice) -> [sum, first day]
    for customer, invoice, value, d in zip(raw["CustomerID"], raw["InvoiceNo"], revenue, day):
        entry = invoices[(customer, invoice)]
        entry[0] += value
        entry[1] = min(entry[1], d)
    last_day = raw["InvoiceDate"].max()[:10]
    assert last_day == "2011-12-09"
    active = {customer for (customer, _), (value, d) in invoices.items() if value > 0 and d >= "2010-12-10"}
    assert chapter01.q4.check(len(active)).correct
    assert not chapter01.q4.check(len(active) + 1).correct  # counting "(no account)" as a customer
    assert not chapter01.q4.check(raw["CustomerID"].nunique()).correct  # all customers
