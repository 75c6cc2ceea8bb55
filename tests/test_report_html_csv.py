"""The HTML and CSV writers of kamlab.report: escaped, self-contained, formula-safe, read back exactly."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.report import Report, Section, build
from kamlab.report.csvout import to_csv
from kamlab.report.html import to_html
from kamlab.report.safe import neutralize_frame

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","klick")'
MINUS_TEXT = "-1.234,56"


def _lines():
    """Invoice lines with hostile names and a credit note (a negative number)."""
    names = {"K1": SCRIPT, "K2": FORMULA, "K3": MINUS_TEXT, "K4": "Müller & Söhne GmbH", "K5": "@SUM(1)"}
    rows = [("K1", "2025-02-01", 900.0, 500.0), ("K2", "2025-03-01", 700.0, 300.0), ("K3", "2025-04-01", 400.0, 350.0),
            ("K4", "2025-05-01", 250.0, 100.0), ("K5", "2025-06-01", 100.0, 40.0),
            ("K5", "2025-07-01", -1234.56, -600.0)]
    frame = pd.DataFrame(rows, columns=["account_id", "date", "revenue", "cost"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["name"] = frame["account_id"].map(names)
    return frame


@pytest.fixture(scope="module", params=["de", "en"])
def report(request):
    return build(_lines(), lang=request.param, top_plans=0)


def test_html_has_no_script_from_data_and_escapes_it(report, tmp_path):
    path = tmp_path / "report.html"
    page = to_html(report, path)
    assert path.read_text(encoding="utf-8") == page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;klick&quot;)" in page


def test_html_is_self_contained_and_printable(report):
    page = to_html(report)
    n_figures = sum(len(s.figures) for s in report)
    assert n_figures >= 3
    assert page.count('src="data:image/png;base64,') == n_figures
    assert "<link" not in page and 'src="http' not in page
    assert "break-before:page" in page and "@media print" in page
    for section in report:
        assert f'id="{section.key}"' in page
        if not section.available:
            assert kamlab.report.safe.escape(section.skipped) in page


def test_html_numbers_in_the_report_language():
    german = to_html(build(_lines(), lang="de", top_plans=0))
    english = to_html(build(_lines(), lang="en", top_plans=0))
    assert _lines()["revenue"].sum() == pytest.approx(900 + 700 + 400 + 250 + 100 - 1234.56)  # 1115.44
    assert "1.115,44 €" in german and "€1,115.44" in english


def test_html_renders_account_plans_as_their_profiles():
    case = kamlab.load_case()
    plan = kamlab.account_plan(case, "G001", sections=["facts", "abc"], lang="en")
    report = Report("Plans", "en", pd.Timestamp("2025-12-31"),
                    sections=[Section("plans", "Account plans", tables={"plans": pd.DataFrame({"unit_id": ["G001"]})})],
                    plans=[plan])
    page = to_html(report)
    assert plan.to_html(brief=True, lang="en") in page
    assert "Möller Gruppe" in page


def _read_back(path, lang):
    # float_precision="round_trip": the writer writes every float exactly (repr); pandas' default C parser ("high"
    # precision, the default of the oldest pandas kamlab supports) may read it one unit in the last place off
    if lang == "de":
        return pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False, na_values=[""],
                           float_precision="round_trip")
    return pd.read_csv(path, sep=",", encoding="utf-8", keep_default_na=False, na_values=[""],
                       float_precision="round_trip")


def _same(written, read):
    """Each column as the report holds it (labels translated, text neutralised) equals the column read back."""
    assert list(read.columns) == list(written.columns)
    for column in written.columns:
        expected, got = written[column], read[column]
        if pd.api.types.is_bool_dtype(expected):
            assert got.astype(str).tolist() == expected.astype(str).tolist(), column
        elif pd.api.types.is_numeric_dtype(expected):
            assert np.array_equal(pd.to_numeric(got).to_numpy(float), expected.to_numpy(float), equal_nan=True), column
        elif pd.api.types.is_datetime64_any_dtype(expected):
            assert pd.to_datetime(got).tolist() == expected.tolist(), column
        else:
            assert got.fillna("").astype(str).tolist() == expected.fillna("").astype(str).tolist(), column


def test_csv_reads_back_exactly(report, tmp_path):
    paths = to_csv(report, tmp_path)
    tables = [(s, name, t) for s in report for name, t in s.tables.items()]
    assert len(paths) == len(tables) and all(p.exists() for p in paths)
    for path, (_, _, table) in zip(paths, tables, strict=True):
        written = neutralize_frame(kamlab.translate_columns(table, report.lang))
        _same(written, _read_back(path, report.lang))


def test_csv_encoding_separator_and_formula_safety(report, tmp_path):
    paths = to_csv(report, tmp_path)
    raw = paths[0].read_bytes()
    if report.lang == "de":
        assert raw.startswith(b"\xef\xbb\xbf")
        header = raw.decode("utf-8-sig").splitlines()[0]
        assert ";" in header and "Kundennummer" in header
    else:
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert raw.decode("utf-8").splitlines()[0].startswith("Account ID,")
    abc = next(p for p in paths if p.name == "03_abc.csv")
    read = _read_back(abc, report.lang)
    names = read[kamlab.label("name", report.lang)].tolist()
    assert "'" + FORMULA in names and "'" + MINUS_TEXT in names and "'@SUM(1)" in names
    assert SCRIPT in names  # not a formula: left as it is
    revenue = read[kamlab.label("revenue", report.lang)]
    assert pd.api.types.is_float_dtype(revenue)
    assert revenue.min() == pytest.approx(100.0 - 1234.56)  # the credit note's account: a negative number
    text = abc.read_text(encoding="utf-8-sig" if report.lang == "de" else "utf-8")
    assert "'-1134" not in text and "'-1.134" not in text


def test_report_methods_delegate(tmp_path):
    report = build(_lines(), lang="en", top_plans=0)
    assert report.to_html() == to_html(report)
    assert [p.name for p in report.to_csv(tmp_path)] == [p.name for p in to_csv(report, tmp_path / "b")]
