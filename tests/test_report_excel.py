"""kamlab.report.excel: the workbook read back with openpyxl (sheets, tables, formats, no formula cells)."""

import re

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest

from kamlab.errors import ParameterError
from kamlab.report import Report, Section
from kamlab.report.excel import sheet_name, table_name, to_excel

NASTY = ['=HYPERLINK("http://x","klick")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tTab GmbH", "\rCR AG"]


def _key_accounts():
    names = NASTY + ["Müller & Söhne <GmbH>", "Plain AG"]
    n = len(names)
    return pd.DataFrame({
        "account_id": [f"K{i:05d}" for i in range(n)],
        "name": names,
        "revenue": [1000.5 * (i + 1) for i in range(n - 1)] + [-250.25],  # a credit note stays a number
        "contribution_margin": [300.0 + i for i in range(n)],
        "margin_rate": [0.3] * n,
        "share_revenue": [0.1] * n,
        "cumulative_share_revenue": [0.1 * (i + 1) for i in range(n)],
        "rank_revenue": list(range(1, n + 1)),
        "orders": [3] * n,
        "first_order": pd.to_datetime(["2021-03-04"] * n),
        "key_account": [True] * n,
    })


def _figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 0.8, 1])
    return fig


def _report(lang="de", plans=()):
    abc_table = pd.DataFrame({"abc": ["A", "B", "C"], "accounts": [2, 3, 3], "share_of_value": [0.8, 0.15, 0.05]})
    abc_summary = pd.DataFrame({"accounts": [2, 3]}, index=pd.Index(["A", "B"], name="abc"))
    title = "Kunden mit Schlüsselrolle: die Key-Account-Liste des Jahres 2025" if lang == "de" else "Key accounts 2025"
    sections = [
        Section("overview", "Kennzahlen" if lang == "de" else "Key figures",
                texts=["2 von 8 Kunden sind Key Accounts."],
                tables={"figures": pd.DataFrame({"measure": ["revenue", "accounts"], "value": [12345.6, 8.0]})},
                source="kamlab.account_table"),
        Section("key_accounts", title, texts=["Key accounts: 60 % of revenue."],
                tables={"list": _key_accounts()}, source="kamlab.key_accounts(share=0.6)"),
        Section("abc", "ABC-Analyse" if lang == "de" else "ABC analysis", texts=["A: 80 %."],
                tables={"abc": abc_table, "summary": abc_summary}, figures={"pareto": _figure()},
                source="kamlab.abc_analysis; kamlab.pareto_chart"),
        Section("portfolio", "Portfolio", skipped="keine Bewertungen: kein Portfolio"),
        Section("cascade", "ABC-Analyse" if lang == "de" else "ABC analysis", tables={"c": abc_table.head(1)},
                source="kamlab.contribution_cascade"),
    ]
    return Report("Demo GmbH 2025", lang, pd.Timestamp("2025-12-31"), sections,
                  method={"Schwelle A/B": "80 %", "Key-Account-Anteil": "=60 % (share)"}, plans=list(plans))


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    path = to_excel(_report("de"), tmp_path_factory.mktemp("xlsx") / "bericht.xlsx")
    plt.close("all")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    path = to_excel(_report("en"), tmp_path_factory.mktemp("xlsx") / "report.xlsx")
    plt.close("all")
    return openpyxl.load_workbook(path)


def _header(ws, row=1):
    return [c.value for c in ws[row] if c.value is not None]


def _column(ws, label, row=1):
    headers = [c.value for c in ws[row]]
    return headers.index(label) + 1


def test_sheets_key_accounts_first_one_per_available_section_method_last(german):
    names = german.sheetnames
    assert names[0].startswith("Kunden mit Schlüsselrolle")
    assert names[0] == "Kunden mit Schlüsselrolle die"  # cut at a word, ':' removed
    assert names[1:] == ["Kennzahlen", "ABC-Analyse", "ABC-Analyse (2)", "Methodik"]  # skipped portfolio: no sheet
    assert len({n.lower() for n in names}) == len(names)


def test_english_sheet_names_and_headers(english):
    assert english.sheetnames[-1] == "Method"
    ws = english[english.sheetnames[0]]
    assert _header(ws)[:3] == ["Account ID", "Name", "Revenue"]


def test_every_table_is_an_excel_table_with_filter_under_a_frozen_header(german):
    ws = german[german.sheetnames[0]]
    assert ws.freeze_panes == "A2"
    (table,) = ws.tables.values()
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", table.displayName)
    assert table.ref == f"A1:K{1 + len(_key_accounts())}"
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    abc = german["ABC-Analyse"]
    assert len(abc.tables) == 2 and abc.freeze_panes == "A2"
    names = [t.displayName for ws in german.worksheets for t in ws.tables.values()]
    assert len(set(n.lower() for n in names)) == len(names)
    assert german["Methodik"].tables  # the method sheet's lists are tables too


def test_headers_are_kamlabs_german_labels(german):
    ws = german[german.sheetnames[0]]
    assert _header(ws)[:5] == ["Kundennummer", "Name", "Umsatz", "Deckungsbeitrag", "DB-Quote"]
    summary_header = [c.value for c in german["ABC-Analyse"][7] if c.value is not None]
    assert summary_header[:2] == ["ABC-Klasse", "Kunden"]  # the index of the summary became a column


def test_number_formats_by_column_kind(german, english):
    ws = german[german.sheetnames[0]]
    formats = {h: ws.cell(row=2, column=_column(ws, h)).number_format
               for h in ("Umsatz", "Deckungsbeitrag", "DB-Quote", "Aufträge", "Erster Auftrag")}
    assert formats == {"Umsatz": "#,##0.00 €", "Deckungsbeitrag": "#,##0.00 €", "DB-Quote": "0.0%",
                       "Aufträge": "#,##0", "Erster Auftrag": "DD.MM.YYYY"}
    first = ws.cell(row=2, column=_column(ws, "Erster Auftrag")).value
    assert (first.year, first.month, first.day) == (2021, 3, 4)
    ws_en = english[english.sheetnames[0]]
    assert ws_en.cell(row=2, column=_column(ws_en, "First order")).number_format == "YYYY-MM-DD"
    for column in range(1, ws.max_column + 1):
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width >= 8


def test_no_formula_cell_names_stay_text_numbers_stay_numbers(german):
    ws = german[german.sheetnames[0]]
    names = [ws.cell(row=r, column=2) for r in range(2, 2 + len(NASTY) + 2)]
    for cell, original in zip(names, NASTY, strict=False):
        assert cell.data_type == "s"
        assert cell.value == original  # the name exactly, as text: Excel's quote prefix marks it
        assert cell.quotePrefix
    assert names[len(NASTY)].value == "Müller & Söhne <GmbH>" and names[-1].value == "Plain AG"
    for sheet in german.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert cell.quotePrefix and cell.data_type == "s", cell.value  # text, marked as text
    revenue = [ws.cell(row=r, column=3).value for r in range(2, 2 + len(_key_accounts()))]
    assert revenue[-1] == -250.25 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in revenue)


def test_key_account_revenue_total_equals_the_report_table(german):
    ws = german[german.sheetnames[0]]
    column = _column(ws, "Umsatz")
    total = sum(ws.cell(row=r, column=column).value for r in range(2, ws.max_row + 1))
    assert total == pytest.approx(_key_accounts()["revenue"].sum())
    assert total == pytest.approx(sum(1000.5 * k for k in range(1, 8)) - 250.25)  # by hand


def test_figures_are_images_beside_the_tables(german):
    assert len(german["ABC-Analyse"]._images) == 1
    assert not german[german.sheetnames[0]]._images


def test_method_sheet_lists_method_sources_and_skipped_reasons(german):
    texts = [c.value for row in german["Methodik"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Schwelle A/B" in texts and "80 %" in texts
    assert "=60 % (share)" in texts  # method text stays text too
    guarded = [c for row in german["Methodik"].iter_rows() for c in row if c.value == "=60 % (share)"]
    assert guarded and all(c.quotePrefix and c.data_type == "s" for c in guarded)
    assert "kamlab.abc_analysis; kamlab.pareto_chart" in texts
    assert "ausgelassen: keine Bewertungen: kein Portfolio" in texts
    assert "Demo GmbH 2025" in texts
    dates = [c.value for row in german["Methodik"].iter_rows() for c in row if hasattr(c.value, "year")]
    assert [(d.year, d.month, d.day) for d in dates] == [(2025, 12, 31)]


def test_sheet_and_table_names_are_valid_and_unique():
    taken = set()
    names = [sheet_name(t, taken) for t in ("a/b:c*d?e[f]g\\h", "History", "x" * 40, "X" * 40, "'quoted'")]
    assert names[0] == "a b c d e f g h" and names[1] == "History 1"
    assert len(names[2]) == 31 and len(names[3]) <= 31 and names[2].lower() != names[3].lower()
    assert names[4] == "quoted"
    tables = set()
    assert table_name("abc", "Übersicht 1", taken=tables) == "T_abc_bersicht_1"
    assert table_name("1", "A1", taken=tables) == "T_1_A1"


def test_bad_input_raises_parameter_errors(tmp_path):
    with pytest.raises(ParameterError, match="report"):
        to_excel({"title": "x"}, tmp_path / "x.xlsx")
    with pytest.raises(ParameterError, match=r"\.xlsx"):
        to_excel(_report(), tmp_path / "x.csv")
    with pytest.raises(ParameterError, match="folder"):
        to_excel(_report(), tmp_path / "missing" / "x.xlsx")
    plt.close("all")


@pytest.fixture(scope="module")
def case_plan(case):
    from kamlab.plans import account_plan

    return account_plan(case, "G001", sections=["facts", "history", "abc", "targets"], lang="de")


def test_account_profiles_sheet_holds_the_plans_figures(case, case_plan, tmp_path):
    path = to_excel(_report("de", plans=[case_plan]), tmp_path / "plans.xlsx")
    plt.close("all")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-2:] == ["Kundensteckbriefe", "Methodik"]
    ws = book["Kundensteckbriefe"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    revenue = [r for r in rows if r[2] == "Umsatz und Deckungsbeitrag" and r[3] == "Umsatz"]
    ids = case.accounts.loc[case.accounts["group_id"] == "G001", "account_id"]
    lines = case.transactions
    expected = lines.loc[lines["account_id"].isin(ids) & (lines["date"].dt.year == 2025), "revenue"].sum()
    assert len(revenue) == 1 and revenue[0][4] == pytest.approx(expected)
    assert ws.cell(row=2 + rows.index(revenue[0]), column=5).number_format == "#,##0.00 €"
    assert all(r[0] == "G001" for r in rows)


# ---------------------------------------------------------------------------------------------- on build()
@pytest.fixture(scope="module")
def case_report(case):
    from kamlab.report import build

    report = build(case, lang="de")
    yield report
    plt.close("all")


def _unit_revenue(case, units, year):
    """Revenue of key units from the invoice lines with plain pandas: a group is the sum of its entities."""
    accounts = case.accounts[["account_id", "group_id"]]
    groups = [u for u in units if str(u).startswith("G")]
    ids = set(accounts.loc[accounts["group_id"].isin(groups), "account_id"]) | {u for u in units if u not in groups}
    lines = case.transactions
    return lines.loc[lines["account_id"].isin(ids) & (lines["date"].dt.year == year), "revenue"].sum()


def test_case_workbook_key_accounts_total_equals_the_invoice_lines(case, case_report, tmp_path):
    book = openpyxl.load_workbook(to_excel(case_report, tmp_path / "case.xlsx"))
    section = case_report["key_accounts"]
    assert book.sheetnames[0] == sheet_name(section.title, set())
    available = [s for s in case_report.sections if s.available and s.key != "method"]
    assert len(book.sheetnames) == len(available) + 2  # + account profiles + method
    assert book.sheetnames[-1] == "Methodik"
    ws = book[book.sheetnames[0]]
    main = next(iter(section.tables.values()))
    assert ws.freeze_panes == "A2" and min(ws.tables.values(), key=lambda t: t.ref).ref.startswith("A1:")
    column = _column(ws, "Umsatz")
    values = [ws.cell(row=r, column=column).value for r in range(2, 2 + len(main))]
    assert sum(values) == pytest.approx(main["revenue"].sum())
    units = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(main))]
    assert sum(values) == pytest.approx(_unit_revenue(case, units, 2025))
    assert ws.cell(row=2, column=column).number_format == "#,##0.00 €"
    for sheet in book.worksheets:
        assert sheet.tables, sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
    with_figures = [s for s in available if s.figures]
    assert sum(bool(book[n]._images) for n in book.sheetnames) == len(with_figures)


def test_key_figures_rows_formatted_by_their_unit(case_report, tmp_path):
    book = openpyxl.load_workbook(to_excel(case_report, tmp_path / "case.xlsx"))
    ws = book[sheet_name(case_report["overview"].title, set())]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    value = [c.value for c in ws[1]].index("Wert")
    assert rows["revenue"][value].number_format == "#,##0.00 €"
    assert rows["margin_rate"][value].number_format == "0.0%"
    assert rows["accounts"][value].number_format == "#,##0"


def test_german_example_export_workbook(tmp_path):
    import pathlib

    import kamlab
    from kamlab.report import build

    export = pathlib.Path(__file__).resolve().parents[1] / "datasets" / "examples" / "umsatzliste_nord_2025q4.csv"
    lines = kamlab.read_transactions(export)
    report = build(lines, lang="de")
    book = openpyxl.load_workbook(to_excel(report, tmp_path / "nord.xlsx"))
    plt.close("all")
    assert book.sheetnames[0] == "Key Accounts" and book.sheetnames[-1] == "Methodik"
    ws = book["Key Accounts"]
    main = next(iter(report["key_accounts"].tables.values()))
    column = _column(ws, "Umsatz")
    total = sum(ws.cell(row=r, column=column).value for r in range(2, 2 + len(main)))
    ids = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(main))]
    assert total == pytest.approx(lines.loc[lines["account_id"].isin(ids), "revenue"].sum())
    method = [c.value for row in book["Methodik"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("ausgelassen: Keine Bewertungen") for v in method)


def test_superstore_like_workbook_key_accounts_total_equals_plain_pandas(tmp_path):
    """An English retail-style export (order lines with customer, date, sales and cost): the key-account
    sheet's revenue is the revenue of the key accounts computed with plain pandas."""
    from kamlab.report import build

    rng = np.random.default_rng(11)
    n = 900
    ids = rng.integers(0, 80, n)
    lines = pd.DataFrame({"account_id": [f"CG-{i:05d}" for i in ids], "name": [f"Customer {i}" for i in ids],
                          "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), "D"),
                          "revenue": rng.gamma(1.1, 350.0, n).round(2)})
    lines["cost"] = (lines["revenue"] * rng.uniform(0.5, 1.05, n)).round(2)
    report = build(lines, lang="en", top_plans=0)
    book = openpyxl.load_workbook(to_excel(report, tmp_path / "superstore.xlsx"))
    ws = book[book.sheetnames[0]]
    revenue = _column(ws, "Revenue")
    ids_col = _column(ws, "Account ID")
    main = min(ws.tables.values(), key=lambda t: t.ref)  # the key-account table starts at A1
    last = openpyxl.utils.cell.range_boundaries(main.ref)[3]
    rows = list(range(2, last + 1))
    listed = {ws.cell(row=r, column=ids_col).value for r in rows}
    total = sum(ws.cell(row=r, column=revenue).value for r in rows)
    # the key accounts by plain pandas: 60 % of revenue or of DB I, biggest first, ties by id
    sums = lines.groupby("account_id")[["revenue", "cost"]].sum()
    sums["margin"] = sums["revenue"] - sums["cost"]
    expected = set()
    for column in ("revenue", "margin"):
        positive = sums[sums[column] > 0].reset_index().sort_values([column, "account_id"], ascending=[False, True])
        share = positive[column].cumsum() / positive[column].sum()
        expected |= set(positive["account_id"].iloc[: int((share < 0.6).sum()) + 1])
    assert listed == expected
    assert total == pytest.approx(sums.loc[sorted(expected), "revenue"].sum())
    assert ws.cell(row=2, column=revenue).number_format.startswith("#,##0.00")
