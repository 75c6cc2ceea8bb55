"""The ``kamlab`` command line (kamlab/report/cli.py): click's CliRunner and real runs of ``.venv/bin/kamlab``.

Expected values come from the example export read with the csv module and hand-written number parsing
(German decimal comma, SAP's trailing minus), never from kamlab's own reader.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import kamlab
from kamlab.report.cli import main, read_costs, read_ratings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "datasets" / "examples" / "umsatzliste_nord_2025q4.csv"
FAULTY = ROOT / "datasets" / "examples" / "umsatzliste_nord_2025q4_fehler.csv"
KAMLAB = ROOT / ".venv" / "bin" / "kamlab"


def german_number(text):
    text = text.strip()
    negative = text.endswith("-")
    value = float(text.rstrip("-").replace(".", "").replace(",", "."))
    return -value if negative else value


@pytest.fixture(scope="module")
def raw_lines():
    """The example's data rows as the csv module reads them (two title lines, header in line 3)."""
    with open(EXAMPLE, encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, data = rows[2], [r for r in rows[3:] if any(r)]
    return pd.DataFrame(data, columns=header)


def run(args, env=None):
    base = {"KAMLAB_LANG": "en", "KAMLAB_PSEUDONYM_KEY": ""}
    return CliRunner().invoke(main, [str(a) for a in args], env={**base, **(env or {})})


def faulty_line():
    """The editor line of the unreadable amount '10.635,2O' in the faulty file (1-based)."""
    with open(FAULTY, encoding="cp1252", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if "10.635,2O" in line:
                return number
    raise AssertionError("the faulty example no longer holds '10.635,2O'")


# ----------------------------------------------------------------------------- help, check
def test_help_lists_the_commands_in_both_languages():
    english = run(["--help"])
    german = run(["--help"], env={"KAMLAB_LANG": "de"})
    for result in (english, german):
        assert result.exit_code == 0
        for command in ("report", "accounts", "check"):
            assert command in result.output
    assert "Write the client report" in english.output
    assert "Kundenbericht" in german.output and "Kundenbericht" not in english.output


def test_check_prints_the_load_report(raw_lines):
    result = run(["check", EXAMPLE])
    assert result.exit_code == 0, result.output
    revenue = sum(german_number(v) for v in raw_lines["Nettoumsatz"])
    assert f"{len(raw_lines):,} read, {len(raw_lines):,} kept, 0 set aside" in result.output
    assert f"{raw_lines['Kundennr.'].nunique():,} accounts" in result.output
    assert f"total revenue {revenue:,.2f}" in result.output
    assert "'Nettoumsatz' -> revenue" in result.output


def test_check_in_german_by_environment(raw_lines):
    result = run(["check", EXAMPLE], env={"KAMLAB_LANG": "de"})
    assert result.exit_code == 0
    n = f"{len(raw_lines):,}".replace(",", ".")
    assert f"Zeilen: {n} gelesen" in result.output
    assert run(["check", EXAMPLE, "--lang", "en"], env={"KAMLAB_LANG": "de"}).output.count("Rows:") == 1


@pytest.mark.parametrize("lang, words", [("en", ("line", "column")), ("de", ("Zeile", "Spalte"))])
def test_faulty_file_exit_2_with_line_and_column(lang, words):
    result = run(["check", FAULTY, "--lang", lang])
    assert result.exit_code == 2
    text = result.output
    assert f"{words[0]} {faulty_line()}" in text
    assert f"{words[1]} 'Nettoumsatz'" in text and "10.635,2O" in text
    assert "Traceback" not in text and not isinstance(result.exception, KeyError)


def test_missing_file_and_bad_language_exit_2(tmp_path):
    missing = run(["check", tmp_path / "nope.csv"])
    assert missing.exit_code == 2 and "nope.csv" in missing.output
    bad = run(["check", EXAMPLE, "--lang", "fr"])
    assert bad.exit_code == 2 and "de or en" in bad.output


# ----------------------------------------------------------------------------- accounts
@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet"])
def test_accounts_table_by_extension(tmp_path, raw_lines, ext):
    out = tmp_path / f"accounts.{ext}"
    result = run(["accounts", EXAMPLE, "-o", out])
    assert result.exit_code == 0, result.output
    if ext == "csv":
        table = pd.read_csv(out, dtype={"account_id": str})
    elif ext == "xlsx":
        table = pd.read_excel(out, dtype={"account_id": str})
    else:
        table = pd.read_parquet(out)
    expected = raw_lines.assign(revenue=raw_lines["Nettoumsatz"].map(german_number)).groupby("Kundennr.")["revenue"].sum()
    got = table.set_index("account_id")["revenue"]
    assert sorted(got.index) == sorted(expected.index)
    assert (got.reindex(expected.index) - expected).abs().max() < 0.005


def test_accounts_german_csv_has_bom_semicolon_and_decimal_comma(tmp_path):
    out = tmp_path / "kunden.csv"
    assert run(["accounts", EXAMPLE, "-o", out, "--lang", "de"]).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("account_id;revenue;")
    assert "," in first.split(";")[1]  # a revenue with cents: decimal comma


def test_accounts_reads_several_inputs_and_globs(tmp_path, raw_lines):
    text = EXAMPLE.read_bytes().decode("cp1252").splitlines(keepends=True)
    head, body = text[:3], text[3:]
    half = len(body) // 2
    (tmp_path / "part_a.csv").write_bytes("".join(head + body[:half]).encode("cp1252"))
    (tmp_path / "part_b.csv").write_bytes("".join(head + body[half:]).encode("cp1252"))
    whole, parts = tmp_path / "whole.csv", tmp_path / "parts.csv"
    assert run(["accounts", EXAMPLE, "-o", whole]).exit_code == 0
    result = run(["accounts", str(tmp_path / "part_*.csv"), "-o", parts])
    assert result.exit_code == 0, result.output
    assert result.output.count("Reading export") == 2
    a = pd.read_csv(whole, dtype={"account_id": str}).set_index("account_id").sort_index()
    b = pd.read_csv(parts, dtype={"account_id": str}).set_index("account_id").sort_index()
    pd.testing.assert_series_equal(a["revenue"], b["revenue"])
    assert run(["accounts", str(tmp_path / "none_*.csv"), "-o", tmp_path / "x.csv"]).exit_code == 2


def test_accounts_never_overwrites_without_force(tmp_path):
    out = tmp_path / "accounts.csv"
    out.write_text("keep me")
    result = run(["accounts", EXAMPLE, "-o", out])
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text() == "keep me"
    assert run(["accounts", EXAMPLE, "-o", out, "--force"]).exit_code == 0
    assert out.read_text() != "keep me"
    assert run(["accounts", EXAMPLE, "-o", tmp_path / "a.json"]).exit_code == 2


def test_accounts_neutralises_formulas(tmp_path):
    import openpyxl

    source = tmp_path / "lines.csv"
    ids = ['=HYPERLINK("http://x","klick")', "+cmd|' /C calc'!A0", "@SUM(1)", "K1"]
    source.write_text("account_id,date,revenue\n" + "".join(
        f'"{i.replace(chr(34), chr(34) * 2)}",2025-01-0{n + 1},{100 * (n + 1)}.5\n' for n, i in enumerate(ids)),
        encoding="utf-8")
    out_xlsx, out_csv = tmp_path / "a.xlsx", tmp_path / "a.csv"
    assert run(["accounts", source, "-o", out_xlsx]).exit_code == 0
    assert run(["accounts", source, "-o", out_csv]).exit_code == 0
    sheet = openpyxl.load_workbook(out_xlsx).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'" + i for i in ids[:3]} <= texts
    numbers = [c.value for c in cells if c.column_letter == "B" and c.row > 1]
    assert sorted(numbers) == [100.5, 200.5, 300.5, 400.5]
    for line in out_csv.read_text(encoding="utf-8").splitlines()[1:]:
        assert not line.startswith(("=", "+", "@", '"=', '"+', '"@'))


# ----------------------------------------------------------------------------- costs and ratings
def test_read_costs_german_headers(tmp_path, case):
    costs = case.costs[case.costs["year"] == 2025].head(30)
    german = {"account_id": "Kundennr.", "year": "Jahr"}
    with kamlab.language("de"):
        german.update({c: kamlab.label(c) for c in costs.columns if c not in german})
    path = tmp_path / "kosten.csv"
    costs.rename(columns=german).to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    frame, report = read_costs(path)
    pd.testing.assert_frame_equal(frame[list(costs.columns)].reset_index(drop=True), costs.reset_index(drop=True),
                                  check_dtype=False)
    assert report.columns["Außendienstbesuche"] == "sales_visits"


def test_read_ratings_and_a_bad_cell(tmp_path, case):
    ratings = case.ratings.head(20).drop(columns=["rating_date"])
    path = tmp_path / "ratings.csv"
    ratings.to_csv(path, index=False)
    frame = read_ratings(path).data
    criteria = [c for c in ratings.columns if c not in ("account_id", "reference_customer")]
    assert (frame[criteria].to_numpy() == ratings[criteria].to_numpy()).all()
    assert frame["reference_customer"].tolist() == ratings["reference_customer"].tolist()
    lines = path.read_text().splitlines()
    cells = lines[5].split(",")
    cells[1] = "sieben"
    lines[5] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(kamlab.DataFormatError) as info:
        read_ratings(path)
    assert info.value.line == 6 and info.value.column == ratings.columns[1]
    result = run(["report", EXAMPLE, "--ratings", path, "--out", tmp_path / "out"])
    assert result.exit_code == 2 and "line 6" in result.output


# ----------------------------------------------------------------------------- report
def test_report_refuses_to_overwrite_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "kam_report.xlsx").write_bytes(b"old")
    result = run(["report", EXAMPLE, "--out", out, "--format", "xlsx,html"])
    assert result.exit_code == 2 and "--force" in result.output
    assert "Reading" not in result.output  # refused before reading
    assert (out / "kam_report.xlsx").read_bytes() == b"old" and not (out / "kam_report.html").exists()
    assert run(["report", EXAMPLE, "--out", out, "--format", "xlsx,doc"]).exit_code == 2
    assert run(["report", EXAMPLE, "--out", out, "--as-of", "31.13.2025"]).exit_code == 2


def test_pseudonymize_needs_a_key(tmp_path):
    result = run(["report", EXAMPLE, "--out", tmp_path / "o", "--pseudonymize"])
    assert result.exit_code == 2 and "--key" in result.output
    assert not (tmp_path / "o").exists()


def _texts_of_outputs(folder):
    """All text a reader of the written files sees: workbook cells, deck text, HTML, CSV."""
    import openpyxl
    from pptx import Presentation

    parts = []
    for path in folder.rglob("*"):
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            parts += [str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value]
        elif path.suffix == ".pptx":
            for slide in Presentation(path).slides:
                for shape in slide.shapes:
                    if shape.has_text_frame:
                        parts.append(shape.text_frame.text)
                    if getattr(shape, "has_table", False) and shape.has_table:
                        parts += [cell.text for row in shape.table.rows for cell in row.cells]
        elif path.suffix in (".html", ".csv") and path.name != "pseudonym_mapping.csv":
            parts.append(path.read_text(encoding="utf-8-sig"))
    return "\n".join(parts)


def test_pseudonymized_report_has_no_original_names(tmp_path, raw_lines):
    out = tmp_path / "out"
    result = run(["report", EXAMPLE, "--out", out, "--pseudonymize", "--format", "xlsx,pptx,html,csv"],
                 env={"KAMLAB_PSEUDONYM_KEY": "workshop-key"})
    assert result.exit_code == 0, result.output
    mapping = pd.read_csv(out / "pseudonym_mapping.csv", dtype=str)
    names = set(raw_lines["Kundenname"])
    ids = set(raw_lines["Kundennr."])
    assert names <= set(mapping["original"]) and ids <= set(mapping["original"])
    text = _texts_of_outputs(out)
    leaked = [n for n in names | ids if n in text]
    assert not leaked, f"original names or ids in the outputs: {leaked[:5]}"
    assert set(mapping["pseudonym"]) & set(text.split()) or any(p in text for p in mapping["pseudonym"])


# ----------------------------------------------------------------------------- real runs of .venv/bin/kamlab
def _kamlab(*args, env=None):
    if not KAMLAB.exists():
        pytest.skip(f"{KAMLAB} is not installed (pip install -e . creates it)")
    environment = {**os.environ, "KAMLAB_LANG": "en", **(env or {})}
    return subprocess.run([str(KAMLAB), *map(str, args)], capture_output=True, text=True, env=environment,
                          timeout=600)


def test_real_run_end_to_end(tmp_path, raw_lines):
    import openpyxl
    from pptx import Presentation

    out = tmp_path / "bericht"
    done = _kamlab("report", EXAMPLE, "--out", out, "--lang", "de")
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("kam_report.xlsx", "kam_report.pptx", "kam_report.html"):
        assert (out / name).stat().st_size > 0, name
        assert f"Geschrieben: {name.split('.')[-1]}: {out / name}" in done.stdout
    assert sorted((out / "csv").glob("*.csv"))
    book = openpyxl.load_workbook(out / "kam_report.xlsx")
    assert len(book.sheetnames) >= 3
    assert zipfile.is_zipfile(out / "kam_report.pptx") and len(Presentation(out / "kam_report.pptx").slides) > 3
    assert "Traceback" not in done.stderr
    n = f"{len(raw_lines):,}".replace(",", ".")
    assert f"{n} gelesen" in done.stdout


def test_real_run_on_the_faulty_file():
    done = _kamlab("report", FAULTY, "--out", "/nonexistent-never-created")
    assert done.returncode == 2
    assert f"line {faulty_line()}" in done.stderr and "column 'Nettoumsatz'" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not Path("/nonexistent-never-created").exists()


def test_entry_point_is_the_click_group():
    done = subprocess.run([sys.executable, "-m", "kamlab.report.cli", "--help"], capture_output=True, text=True,
                          env={**os.environ, "KAMLAB_LANG": "en"})
    assert done.returncode == 0 and "accounts" in done.stdout


def test_report_with_costs_ratings_and_weights(tmp_path, case, raw_lines):
    """Costs and ratings in German layout and a weights file: the cascade and portfolio are in the report."""
    import json

    accounts = set(raw_lines["Kundennr."])
    costs = case.costs[(case.costs["year"] == 2025) & case.costs["account_id"].isin(accounts)]
    with kamlab.language("de"):
        german = {c: kamlab.label(c) for c in costs.columns if c not in ("account_id", "year")}
    costs_file, ratings_file, weights_file = tmp_path / "kosten.csv", tmp_path / "bewertung.xlsx", tmp_path / "w.json"
    costs.rename(columns={"account_id": "Kundennr.", "year": "Jahr", **german}).to_csv(
        costs_file, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    case.ratings[case.ratings["account_id"].isin(accounts)].to_excel(ratings_file, index=False)
    weights = {"attractiveness": {"growth_potential": 0.5, "solvency": 0.5},
               "position": {"satisfaction": 0.6, "proximity": 0.4}}
    weights_file.write_text(json.dumps(weights))
    result = run(["report", EXAMPLE, "--costs", costs_file, "--ratings", ratings_file, "--weights", weights_file,
                  "--out", tmp_path / "out", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.output.count("Rows:") == 3  # export, costs, ratings: each with its load report
    skipped = [line for line in result.output.splitlines() if line.startswith("Not in the report")]
    assert not [line for line in skipped if "portfolio" in line.lower() or "cascade" in line.lower()], skipped
    assert (tmp_path / "out" / "kam_report.html").exists()
    assert "'Außendienstbesuche' -> sales_visits" in result.output
    bad = run(["report", EXAMPLE, "--weights", tmp_path / "none.json", "--out", tmp_path / "o2"])
    assert bad.exit_code == 2 and "none.json" in bad.output
