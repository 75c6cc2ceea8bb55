"""Tests of the ABC charts: they draw what kamlab.identify computed, asserted on the artists.

Each chart is checked on small hand-made tables whose numbers are known, then on the
case company where the expectations come from kamlab.identify.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection

import kamlab
from kamlab.identify import (
    abc_analysis,
    abc_crosstab,
    abc_migration,
    concentration,
    contribution_cascade,
    migration_matrix,
)
from kamlab.identify.plots import MAX_BARS, abc_heatmap, db_waterfall, lorenz_curve, pareto_chart


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture
def five():
    # 50, 20, 15, 10, 5 (cumulative 50, 70, 85, 95, 100 %) and one account without revenue
    return pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4", "K5", "K6"],
                         "revenue": [15.0, 50.0, 0.0, 5.0, 20.0, 10.0]})


@pytest.fixture
def costs():
    # hand-made cost-to-serve for two accounts: K2 earns, K1 loses money after cost to serve
    return pd.DataFrame({
        "account_id": ["K1", "K2"],
        "revenue": [1000.0, 500.0],
        "discounts_rebates": [100.0, 0.0],
        "cost": [700.0, 250.0],
        "marketing": [20.0, 10.0],
        "sales_visits": [80.0, 30.0],
        "order_handling": [10.0, 5.0],
        "logistics": [60.0, 15.0],
        "technical_service": [50.0, 0.0],
    })


@pytest.fixture(scope="module")
def case_tables():
    case = kamlab.load_case()
    return case.account_table(2024), case.account_table(2025)


def _twin(ax):
    others = [a for a in ax.figure.axes if a is not ax]
    assert len(others) == 1
    return others[0]


def _bars(ax):
    return [(float(bar.get_y()), float(bar.get_height())) for bar in ax.containers[0]]


# ----------------------------------------------------------------------------- Pareto chart
def test_pareto_chart_bars_line_and_thresholds(five, ax):
    result = abc_analysis(five)
    assert pareto_chart(result, ax=ax) is ax
    bars = ax.containers[0]
    assert [bar.get_height() for bar in bars] == [50, 20, 15, 10, 5]  # the K3 without revenue has no bar
    assert [bar.get_x() + bar.get_width() / 2 for bar in bars] == [1, 2, 3, 4, 5]
    twin = _twin(ax)
    line = twin.lines[0]
    assert list(line.get_xdata()) == [1, 2, 3, 4, 5]
    np.testing.assert_allclose(line.get_ydata(), [50, 70, 85, 95, 100])
    np.testing.assert_allclose(line.get_ydata(), result["cumulative_share"].dropna() * 100)
    thresholds = [ln for ln in twin.lines[1:] if ln.get_linestyle() == "--"]
    assert [ln.get_ydata()[0] for ln in thresholds] == [80, 95]
    assert twin.get_ylim()[0] == 0 and twin.get_ylim()[1] >= 100
    assert ax.get_ylabel() == "Revenue" and twin.get_ylabel() == "Cumulative share (%)"


def test_pareto_chart_class_spans_follow_the_rule(five, ax):
    # cover: A = 50, 20, 15 (85 % reaches 80 %); within: A = 50, 20, B = 15, 10, C = 5
    pareto_chart(abc_analysis(five, rule="cover"), ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["A (3)", "B (1)", "C (1)"]
    spans = [p for p in ax.patches if p not in list(ax.containers[0])]
    assert [(p.get_x(), p.get_x() + p.get_width()) for p in spans] == [(0.5, 3.5), (3.5, 4.5), (4.5, 5.5)]

    fig, other = plt.subplots()
    pareto_chart(abc_analysis(five, rule="within"), ax=other)
    assert [t.get_text() for t in other.texts] == ["A (2)", "B (2)", "C (1)"]
    plt.close(fig)


def test_pareto_chart_area_for_many_accounts_and_max_accounts(ax):
    n = MAX_BARS + 40
    table = pd.DataFrame({"account_id": [f"K{i:03d}" for i in range(n)], "revenue": np.arange(n, 0, -1.0)})
    result = abc_analysis(table)
    pareto_chart(result, ax=ax)
    assert not ax.containers  # no bars: a filled step area
    area = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(area) == 1
    np.testing.assert_allclose(_twin(ax).lines[0].get_ydata(), result["cumulative_share"] * 100)

    fig, few = plt.subplots()
    pareto_chart(result, max_accounts=10, ax=few)
    assert [bar.get_height() for bar in few.containers[0]] == list(np.arange(n, n - 10, -1.0))
    assert few.get_xlim() == (0.5, 10.5)
    # the labels still count every account of the class
    assert few.texts[0].get_text() == f"A ({int((result['abc'] == 'A').sum())})"
    plt.close(fig)


def test_pareto_chart_by_count_draws_vertical_boundaries(ax):
    table = pd.DataFrame({"account_id": [f"K{i}" for i in range(10)], "revenue": np.arange(10.0, 0, -1)})
    pareto_chart(abc_analysis(table, thresholds=(0.2, 0.5), by="count"), ax=ax)
    boundaries = [ln.get_xdata()[0] for ln in ax.lines if ln.get_linestyle() == "--"]
    assert boundaries == [2.5, 5.5]  # after the 2nd and the 5th account


def test_pareto_chart_needs_an_abc_table(five):
    with pytest.raises(kamlab.ParameterError, match="abc_analysis"):
        pareto_chart(five)
    with pytest.raises(kamlab.ParameterError, match="kind"):
        pareto_chart(abc_analysis(five), kind="pie")


def test_pareto_chart_on_the_case_company(case_tables, ax):
    result = abc_analysis(case_tables[1], value="db4", thresholds=(0.6, 0.9), rule="within")
    pareto_chart(result, ax=ax)
    twin = _twin(ax)
    np.testing.assert_allclose(twin.lines[0].get_ydata(), result["cumulative_share"].dropna() * 100)
    assert [ln.get_ydata()[0] for ln in twin.lines[1:]] == [60, 90]
    counts = result["abc"].value_counts()
    assert [t.get_text() for t in ax.texts] == [f"{c} ({counts[c]:,})" for c in "ABC"]
    assert ax.get_ylabel() == "CM IV"


# ----------------------------------------------------------------------------- Lorenz curve
def test_lorenz_curve_draws_the_concentration_result(ax):
    values = [0.0, 10.0, 30.0, 60.0]
    assert lorenz_curve(values, ax=ax) is ax
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_xdata(), [0, 25, 50, 75, 100])
    np.testing.assert_allclose(curve.get_ydata(), [0, 0, 10, 40, 100])
    equality = ax.lines[1]
    assert list(equality.get_xdata()) == [0, 100] and list(equality.get_ydata()) == [0, 100]
    # G = sum (2i - n - 1) x_i / (n sum x) = (-3*0 - 1*10 + 1*30 + 3*60) / (4 * 100) = 0.5
    assert concentration(values).gini == pytest.approx(0.5)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Revenue (Gini 0.50)", "Line of equality"]


def test_lorenz_curve_on_the_case_company_twice_on_one_axes(case_tables, ax):
    table = case_tables[1]
    lorenz_curve(table, value="revenue", ax=ax)
    lorenz_curve(kamlab.concentration(table, value="db1"), value="db1", ax=ax)
    expected = concentration(table, value="revenue")
    np.testing.assert_allclose(ax.lines[0].get_xdata(), expected.lorenz["share_of_accounts"] * 100)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), expected.lorenz["share_of_value"] * 100)
    assert len(ax.lines) == 3  # the line of equality once
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == f"Revenue (Gini {expected.gini:.2f})"
    assert legend[2] == f"CM I (Gini {concentration(table, value='db1').gini:.2f})"


def test_lorenz_curve_own_label_keeps_the_gini(ax):
    lorenz_curve([1.0, 1.0, 2.0], ax=ax, label="Shop", color="C5")
    assert ax.get_legend().get_texts()[0].get_text() == "Shop (Gini 0.17)"  # (−2·1 + 0·1 + 2·2) / (3·4)
    assert ax.lines[0].get_color() == "C5"


def test_lorenz_curve_errors():
    with pytest.raises(kamlab.ParameterError, match="needs data"):
        lorenz_curve()
    with pytest.raises(kamlab.MissingColumnError):
        lorenz_curve(pd.DataFrame({"sales": [1.0]}))


# ----------------------------------------------------------------------------- DB waterfall
def test_db_waterfall_one_account_by_hand(costs, ax):
    cascade = contribution_cascade(costs)
    assert db_waterfall(cascade, "K1", ax=ax) is ax
    # K1: 1000 - 100 = 900 net; - 700 = 200 DB I; - 20 = 180 DB II; - 90 = 90 DB III; - 110 = -20 DB IV
    assert _bars(ax) == [
        (0, 1000), (900, 100), (0, 900),
        (200, 700), (0, 200),
        (180, 20), (0, 180),
        (90, 90), (0, 90),
        (-20, 110), (0, -20),
    ]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["Revenue", "− Year-end bonuses", "Net revenue", "− Manufacturing cost (standard)", "CM I",
                     "− Marketing", "CM II", "− Sales costs", "CM III", "− Logistics and service", "CM IV"]
    colors = {tuple(bar.get_facecolor()) for i, bar in enumerate(ax.containers[0]) if i in (0, 2, 4, 6, 8, 10)}
    deduction_colors = {tuple(bar.get_facecolor()) for i, bar in enumerate(ax.containers[0]) if i % 2 == 1}
    assert len(colors) == 1 and len(deduction_colors) == 1 and colors != deduction_colors
    assert [t.get_text() for t in ax.texts] == ["1,000", "−100", "900", "−700", "200", "−20", "180", "−90",
                                               "90", "−110", "−20"]
    assert ax.get_title() == "K1"


def test_db_waterfall_total_and_detail(costs, ax):
    cascade = contribution_cascade(costs)
    db_waterfall(cascade, detail=True, ax=ax)
    total = cascade.drop(columns="account_id").sum()
    bars = _bars(ax)
    assert bars[0] == (0, 1500) and bars[2] == (0, total["net_revenue"])
    # with detail, sales costs are two bars: sales visits (110) then order handling (15)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    i = ticks.index("− Sales visits")
    assert ticks[i + 1] == "− Order handling"
    assert bars[i] == (total["db2"] - 110, 110) and bars[i + 1] == (total["db3"], 15)
    assert bars[-1] == (0, total["db4"]) == (0, -20 + 190)
    assert ax.get_title() == "Total (2 accounts)"


def test_db_waterfall_from_an_account_table_and_own_levels(costs, ax):
    # no cascade columns: computed with contribution_cascade; own levels and no deductions
    levels = [("margin", ["cost"]), ("after_service", ["logistics", "technical_service"])]
    db_waterfall(costs, "K2", levels=levels, deductions=(), ax=ax)
    assert _bars(ax) == [(0, 500), (250, 250), (0, 250), (235, 15), (0, 235)]
    assert [t.get_text() for t in ax.get_xticklabels()][-2:] == ["− Logistics and service", "After service"]
    with pytest.raises(kamlab.ParameterError, match="No account 'K9'"):
        db_waterfall(costs, "K9")


def test_db_waterfall_uses_the_levels_in_attrs(costs, ax):
    cascade = contribution_cascade(costs, levels=[("db1", ["cost"]), ("db2", ["marketing", "sales_visits"])])
    db_waterfall(cascade, "K2", ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()][-2:] == ["− Marketing + Sales visits", "CM II"]
    assert _bars(ax)[-1] == (0, 500 - 250 - 10 - 30)


def test_db_waterfall_on_the_case_account_table(case_tables, ax):
    table = case_tables[1]  # Case.account_table concatenates the cascade columns (no attrs["levels"])
    row = table.loc[table["revenue"].idxmax()]
    db_waterfall(table, row["account_id"], ax=ax)
    subtotals = [height for i, (_, height) in enumerate(_bars(ax)) if i % 2 == 0]
    np.testing.assert_allclose(subtotals, row[["revenue", "net_revenue", "db1", "db2", "db3", "db4"]].astype(float))
    deductions = _bars(ax)[7]
    assert deductions == pytest.approx((row["db3"], row["sales_visits"] + row["order_handling"]))
    assert ax.get_title() == f"{row['account_id']} · {row['name']}"
    assert ax.get_ylabel() == "Amount (k)"


# ----------------------------------------------------------------------------- heatmap
def test_abc_heatmap_counts_and_labels(five, ax):
    five["db4"] = [1.0, 2.0, -1.0, 40.0, 3.0, 4.0]
    table = abc_crosstab(five, "revenue", "db4")
    assert abc_heatmap(table, ax=ax) is ax
    texts = [t.get_text() for t in ax.texts]
    assert texts == [str(v) for v in table.to_numpy().ravel()]
    assert ax.get_ylabel() == "ABC class (Revenue)" and ax.get_xlabel() == "ABC class (CM IV)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C", "none (≤ 0)"]


def test_abc_heatmap_shares_in_percent(five, ax):
    five["db4"] = [1.0, 2.0, -1.0, 40.0, 3.0, 4.0]
    table = abc_crosstab(five, "revenue", "db4", normalize=True)
    abc_heatmap(table, ax=ax)
    assert [t.get_text() for t in ax.texts] == [f"{v * 100:.1f} %" for v in table.to_numpy().ravel()]


def test_abc_heatmap_migration_matrix_on_the_case(case_tables, ax):
    table = migration_matrix(abc_migration(*case_tables))
    abc_heatmap(table, ax=ax)
    assert [t.get_text() for t in ax.texts] == [f"{v:,}" for v in table.to_numpy().ravel()]
    assert ax.get_ylabel() == "Class before" and ax.get_xlabel() == "Class after"
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "new"
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "lost"
    assert not abc_heatmap(table, annot=False, ax=plt.subplots()[1]).texts
    plt.close("all")


# ----------------------------------------------------------------------------- German
def test_german_labels(five, costs, case_tables):
    five["db4"] = [1.0, 2.0, -1.0, 40.0, 3.0, 4.0]
    with kamlab.language("de"):
        fig, axes = plt.subplots(2, 2)
        pareto_chart(abc_analysis(five), ax=axes[0, 0])
        lorenz_curve(five, ax=axes[0, 1])
        db_waterfall(contribution_cascade(costs), ax=axes[1, 0])
        abc_heatmap(migration_matrix(abc_migration(*case_tables)), ax=axes[1, 1])
    assert axes[0, 0].get_xlabel() == "Kunden, größte zuerst" and axes[0, 0].get_ylabel() == "Umsatz"
    assert _twin_of(fig, axes[0, 0]).get_ylabel() == "Kumulierter Anteil (%)"
    legend = [t.get_text() for t in axes[0, 1].get_legend().get_texts()]
    gini = concentration(five).gini
    assert legend == [f"Umsatz (Gini {gini:.2f})".replace(".", ","), "Gleichverteilungsgerade"]
    assert axes[0, 1].get_xlabel() == "Anteil der Kunden, kleinste zuerst (%)"
    ticks = [t.get_text() for t in axes[1, 0].get_xticklabels()]
    assert ticks[:3] == ["Umsatz", "− Nachträgliche Erlösschmälerungen (Boni)", "Nettoerlös"] and ticks[-1] == "DB IV"
    assert axes[1, 0].get_title() == "Gesamt (2 Kunden)"
    assert [t.get_text() for t in axes[1, 0].texts][0] == "1.500"
    assert axes[1, 1].get_ylabel() == "Klasse vorher"
    assert [t.get_text() for t in axes[1, 1].get_yticklabels()][-2:] == ["keine (≤ 0)", "neu"]
    assert [t.get_text() for t in axes[1, 1].get_xticklabels()][-1] == "verloren"
    plt.close(fig)
    # German thousands separator in the cells
    with kamlab.language("de"):
        big = pd.DataFrame([[1234, 5]], index=pd.Index(["A"], name="abc_before"),
                           columns=pd.Index(["A", "lost"], name="abc_after"))
        heat = abc_heatmap(big, ax=plt.subplots()[1])
    assert [t.get_text() for t in heat.texts] == ["1.234", "5"]
    plt.close(heat.figure)


def _twin_of(fig, ax):
    siblings = [a for a in fig.axes if a is not ax and a.get_shared_x_axes().joined(a, ax)]
    assert len(siblings) == 1
    return siblings[0]
