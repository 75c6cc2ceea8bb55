"""kamlab.report.build: the standard KAM analysis of the case company and of client invoice lines.

Expected values come from plain pandas on the raw tables (invoice lines, cost to serve, targets,
group membership), never from the report being checked.
"""

import matplotlib.text
import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.errors import MissingColumnError, ParameterError
from kamlab.report import build
from kamlab.report.safe import pseudonym

EXAMPLE = "datasets/examples/umsatzliste_nord_2025q4.csv"
CHART_SECTIONS = {"abc": "pareto", "concentration": "lorenz", "cascade": "waterfall", "revenue_vs_margin": "heatmap",
                  "portfolio": "matrix"}
KEY = "workshop-2026"


@pytest.fixture(scope="module")
def case():
    return kamlab.load_case()


@pytest.fixture(scope="module")
def report_de(case):
    return build(case, lang="de", top_plans=1)


@pytest.fixture(scope="module")
def report_pseudo(case):
    return build(case, lang="en", top_plans=1, pseudonymize=True, key=KEY)


@pytest.fixture(scope="module")
def export_lines():
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / EXAMPLE
    return kamlab.read_transactions(path)


def _plain_units(case, year=2025):
    """Revenue, DB I, DB IV and next year's target per unit (group or account), by plain pandas."""
    lines = case.transactions[case.transactions["date"].dt.year == year]
    sales = lines.groupby("account_id")[["revenue", "cost"]].sum()
    costs = case.costs[case.costs["year"] == year].set_index("account_id")
    items = ["discounts_rebates", "marketing", "sales_visits", "order_handling", "logistics", "technical_service"]
    table = sales.join(costs[items], how="outer").fillna(0.0)
    table["contribution_margin"] = table["revenue"] - table["cost"]
    table["db4"] = table["revenue"] - table[items].sum(axis=1) - table["cost"]
    target_year = case.targets["year"].max()
    targets = case.targets[case.targets["year"] == target_year].set_index("account_id")["target_revenue"]
    table = table.join(targets, how="outer").fillna(0.0)
    group = case.accounts.set_index("account_id")["group_id"]
    table["unit_id"] = [group.get(a) if pd.notna(group.get(a)) else a for a in table.index]
    return table.groupby("unit_id")[["revenue", "contribution_margin", "db4", "target_revenue"]].sum().reset_index()


def test_key_accounts_equal_kamlab_key_accounts_on_plain_pandas_units(case, report_de):
    units = _plain_units(case)
    expected = kamlab.key_accounts(units, share=0.6, by=("revenue", "contribution_margin", "db4", "target_revenue"),
                                   id_col="unit_id")
    expected_ids = set(expected.loc[expected["key_account"], "unit_id"])
    table = report_de["key_accounts"].tables["key_accounts"]
    assert set(table["unit_id"]) == expected_ids
    assert len(table) == len(expected_ids) > 100
    # the Möller group (G001) is one unit: the sum of its 12 entities' revenue
    moeller = case.accounts.loc[case.accounts["group_id"] == "G001", "account_id"]
    lines = case.transactions[(case.transactions["date"].dt.year == 2025) & case.transactions["account_id"].isin(moeller)]
    row = table[table["unit_id"] == "G001"].iloc[0]
    assert row["revenue"] == pytest.approx(lines["revenue"].sum())
    assert row["entities"] == 12 and row["name"] == "Möller Gruppe"
    assert "Umsatz (Rang 1)" in row["reasons"]


def test_abc_summary_adds_up_to_the_invoice_lines(case, report_de):
    lines = case.transactions[case.transactions["date"].dt.year == 2025]
    summary = report_de["abc"].tables["abc_summary"]
    assert summary["value"].sum() == pytest.approx(lines["revenue"].sum(), rel=1e-12)
    assert summary["accounts"].sum() == len(report_de["abc"].tables["abc"])


def test_case_report_has_every_section_in_order(report_de):
    keys = [s.key for s in report_de]
    assert keys == ["key_accounts", "overview", "abc", "concentration", "cascade", "revenue_vs_margin", "portfolio",
                    "potential", "followup", "plans", "method"]
    assert all(s.available for s in report_de), [(s.key, s.skipped) for s in report_de if not s.available]
    assert len(report_de.plans) == 1 and report_de.plans[0].unit_id == "G001"
    assert report_de.as_of == pd.Timestamp("2025-12-31")


def test_german_texts_quote_numbers_the_german_way(case, report_de):
    total = case.transactions.loc[case.transactions["date"].dt.year == 2025, "revenue"].sum()
    german = f"{total:,.0f}".replace(",", ".") + " €"
    assert german in report_de["overview"].texts[0]
    open_quotes = case.projects[case.projects["outcome"] == "open"]
    assert f"{len(open_quotes)} offene Angebote" in report_de["followup"].texts[0]
    assert report_de["abc"].title == "ABC-Analyse"
    assert report_de["method"].title == "Methodik"
    assert any("DB IV" in key or "Deckungsbeitrag" in key for key in report_de.method)


def test_english_titles(export_lines):
    report = build(export_lines, lang="en", top_plans=0)
    assert report["abc"].title == "ABC analysis"
    assert report["key_accounts"].title == "Key accounts"
    assert report["method"].title == "Method"
    assert report["cascade"].skipped.startswith("No cost-to-serve table given")


def test_german_export_skips_what_it_has_no_data_for(export_lines):
    report = build(export_lines, lang="de")
    available = {s.key for s in report if s.available}
    assert available == {"key_accounts", "overview", "abc", "concentration", "revenue_vs_margin", "method"}
    assert "Deckungsbeitrag I" in report["cascade"].skipped
    assert "Bewertungen" in report["portfolio"].skipped
    assert "Projekte" in report["followup"].skipped
    # key accounts on revenue and DB I of the file, by plain pandas
    sums = export_lines.groupby("account_id")[["revenue", "cost"]].sum()
    sums["contribution_margin"] = sums["revenue"] - sums["cost"]
    expected = kamlab.key_accounts(sums.reset_index(), by=("revenue", "contribution_margin"))
    table = report["key_accounts"].tables["key_accounts"]
    assert set(table["account_id"]) == set(expected.loc[expected["key_account"], "account_id"])
    assert report["abc"].tables["abc_summary"]["value"].sum() == pytest.approx(export_lines["revenue"].sum())


def test_a_superstore_like_english_file():
    rng = np.random.default_rng(7)
    n = 600
    ids = rng.integers(0, 60, n)
    lines = pd.DataFrame({"account_id": [f"CG-{i:05d}" for i in ids], "name": [f"Customer {i}" for i in ids],
                          "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), "D"),
                          "revenue": rng.gamma(1.2, 400.0, n).round(2)})
    lines["cost"] = (lines["revenue"] * rng.uniform(0.4, 1.1, n)).round(2)
    report = build(lines, lang="en", top_plans=2)
    sums = lines.groupby("account_id")[["revenue", "cost"]].sum()
    sums["contribution_margin"] = sums["revenue"] - sums["cost"]
    expected = kamlab.key_accounts(sums.reset_index(), by=("revenue", "contribution_margin"))
    assert set(report["key_accounts"].tables["key_accounts"]["account_id"]) == \
        set(expected.loc[expected["key_account"], "account_id"])
    assert report["plans"].skipped.startswith("Account plans need")
    assert report["revenue_vs_margin"].available and not report["cascade"].available


def _strings(report):
    for section in report:
        for name, table in section.tables.items():
            for column in table.columns:
                for value in table[column]:
                    if isinstance(value, str):
                        yield section.key, name, value


def test_pseudonymised_report_has_no_original_name_or_id(case, report_pseudo):
    originals = set(case.accounts["name"]) | set(case.groups["group_name"]) | set(case.accounts["account_id"])
    originals |= set(case.accounts["account_manager"].dropna()) | set(case.accounts["territory_manager"].dropna())
    originals |= set(case.groups["group_id"])
    leaks = [(s, t, v) for s, t, v in _strings(report_pseudo) if v in originals]
    assert not leaks, leaks[:5]
    # no original name inside longer texts either (reasons, method, section texts, figures, plan profiles)
    names = set(case.accounts["name"]) | set(case.groups["group_name"])
    texts = [v for _, _, v in _strings(report_pseudo)] + [t for s in report_pseudo for t in s.texts]
    texts += [plan.to_html(brief=True) for plan in report_pseudo.plans]
    for section in report_pseudo:
        for figure in section.figures.values():
            texts += [t.get_text() for t in figure.findobj(matplotlib.text.Text)]
    joined = "\n".join(texts)
    assert not [n for n in names if n in joined]
    assert report_pseudo.pseudonymized and len(report_pseudo.pseudonyms) > 2000


def test_the_same_unit_has_the_same_pseudonym_in_every_section(report_pseudo):
    group, name = pseudonym("G001", KEY, "G"), pseudonym("Möller Gruppe", KEY, "N")
    for key, table_name in (("key_accounts", "key_accounts"), ("abc", "abc"), ("cascade", "by_unit"),
                            ("portfolio", "portfolio"), ("potential", "potential")):
        table = report_pseudo[key].tables[table_name]
        rows = table[table["unit_id"] == group]
        assert len(rows) == 1, key
        assert rows["name"].iloc[0] == name, key
    assert report_pseudo.plans[0].unit_id == group and report_pseudo.plans[0].name == name
    # an account's id and name agree wherever both appear
    pairs = {}
    for section in report_pseudo:
        for table in section.tables.values():
            id_col = "unit_id" if "unit_id" in table.columns else "account_id"
            if id_col in table.columns and "name" in table.columns:
                for i, n in zip(table[id_col], table["name"], strict=True):
                    assert pairs.setdefault(i, n) == n
    mapping = report_pseudo.pseudonyms
    assert mapping.loc[mapping["original"] == "G001", "pseudonym"].tolist() == [group]


def test_figures_exist_for_the_chart_sections(report_de):
    import matplotlib.figure

    for key, name in CHART_SECTIONS.items():
        figure = report_de[key].figures[name]
        assert isinstance(figure, matplotlib.figure.Figure)
        assert figure.axes and (figure.axes[0].patches or figure.axes[0].lines or figure.axes[0].collections)
    assert not report_de["key_accounts"].figures


def test_bad_input_raises_clear_errors(export_lines):
    with pytest.raises(ParameterError, match="lines_or_case"):
        build("umsatz.csv")
    with pytest.raises(MissingColumnError, match="revenue"):
        build(export_lines.drop(columns="revenue"))
    with pytest.raises(ParameterError, match="key="):
        build(export_lines, pseudonymize=True)
    with pytest.raises(ParameterError, match="lang"):
        build(export_lines, lang="fr")
    with pytest.raises(ParameterError, match="weights"):
        build(export_lines, weights={"attractiveness": {"a": 1.0}})


def test_the_same_data_give_the_same_report(case, report_de):
    """Seeded everywhere (wallet model and its folds): a second build has exactly the same tables."""
    again = build(case, lang="de", top_plans=1)
    for section in report_de:
        for name, table in section.tables.items():
            pd.testing.assert_frame_equal(table, again[section.key].tables[name], obj=f"{section.key}.{name}")
