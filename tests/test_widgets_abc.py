"""Tests of the ABC explorer: set a control's value, check the classes it computed.

ipywidgets 8 needs no kernel for this: observers run when ``.value`` is set.
"""

import pandas as pd
import pytest

import kamlab
import kamlab.identify
from kamlab.identify.widgets import ABCExplorer

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def tables():
    # 2024: revenue 50, 20, 15, 10, 5 (cumulative 50, 70, 85, 95, 100 %)
    # 2025: revenue 40, 30, 20, 10 over other accounts; db4 ranks them differently
    year_2024 = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5"],
        "revenue": [50.0, 20.0, 15.0, 10.0, 5.0],
        "db1": [10.0, 8.0, 6.0, 4.0, 2.0],
        "db4": [1.0, 5.0, 2.0, 1.0, 1.0],
    })
    year_2025 = pd.DataFrame({
        "account_id": ["K1", "K2", "K6", "K7"],
        "revenue": [40.0, 30.0, 20.0, 10.0],
        "db1": [9.0, 9.0, 1.0, 1.0],
        "db4": [-2.0, 6.0, 3.0, 1.0],  # K1 loses money: no share
    })
    return {2024: year_2024, 2025: year_2025}


def _classes(explorer):
    return dict(zip(explorer.result["account_id"], explorer.result["abc"].astype(str)))


def _counts(explorer):
    return explorer.summary["accounts"].to_dict()


def test_starts_on_the_last_period_with_the_defaults(tables):
    explorer = ABCExplorer(tables, plot=False)
    assert explorer.period.value == 2025 and explorer.value.value == "revenue" and explorer.rule.value == "cover"
    assert explorer.thresholds.value == (0.8, 0.95)
    # 40, 70, 90, 100 %: A = K1, K2, K6 (90 % reaches 80 %), B = K7 (100 % reaches 95 %), C empty
    assert _counts(explorer) == {"A": 3, "B": 1, "C": 0}
    assert all(not getattr(control, "continuous_update", False)
               for control in (explorer.thresholds, explorer.rule, explorer.value, explorer.period))


def test_period_switch_uses_that_table(tables):
    explorer = ABCExplorer(tables, plot=False)
    explorer.period.value = 2024
    assert set(explorer.result["account_id"]) == {"K1", "K2", "K3", "K4", "K5"}
    assert _classes(explorer) == {"K1": "A", "K2": "A", "K3": "A", "K4": "B", "K5": "C"}


def test_rule_switch(tables):
    explorer = ABCExplorer(tables, period=2024, plot=False)
    explorer.rule.value = "within"
    # within: A = 50 + 20 (70 % ≤ 80 %), B = 15 and 10 (85 %, 95 % ≤ 95 %), C = 5
    assert _classes(explorer) == {"K1": "A", "K2": "A", "K3": "B", "K4": "B", "K5": "C"}
    assert _counts(explorer) == {"A": 2, "B": 2, "C": 1}


def test_thresholds_slider(tables):
    explorer = ABCExplorer(tables, period=2024, plot=False)
    explorer.thresholds.value = (0.5, 0.7)
    assert explorer.result.attrs["thresholds"] == (0.5, 0.7)
    # cover: A = K1 (50 % reaches 50 %), B = K2 (70 %), C = the rest
    assert _counts(explorer) == {"A": 1, "B": 1, "C": 3}
    explorer.rule.value = "within"
    assert _counts(explorer) == {"A": 1, "B": 1, "C": 3}  # the thresholds are hit exactly: the rules agree
    explorer.thresholds.value = (0.6, 0.9)
    assert _counts(explorer) == {"A": 1, "B": 2, "C": 2}


def test_handles_on_one_share_leave_b_empty(tables):
    explorer = ABCExplorer(tables, period=2024, plot=False)
    explorer.thresholds.value = (0.7, 0.7)
    assert _counts(explorer) == {"A": 2, "C": 3}
    assert list(explorer.summary.index) == ["A", "C"]


def test_value_switch_and_no_share_group(tables):
    explorer = ABCExplorer(tables, plot=False)
    assert [v for _, v in explorer.value.options] == ["revenue", "db1", "db4"]
    explorer.value.value = "db4"
    # db4 6, 3, 1 of 10 (60, 90, 100 %): A = K2, K6; B = K7; K1 (-2) has no share
    assert _classes(explorer) == {"K2": "A", "K6": "A", "K7": "B", "K1": "none (≤ 0)"}
    assert _counts(explorer) == {"A": 2, "B": 1, "C": 0, "none (≤ 0)": 1}


def test_wiring_every_control_gives_abc_analysis_result(tables, monkeypatch):
    """After each change the explorer holds what abc_analysis returns for the controls' values; the ranking of a
    period and value is computed once (a threshold or the rule only assigns the classes again)."""
    from kamlab.identify import abc as abc_module

    ranked, checking = [], []
    original = abc_module._ranked

    def spy(table, value, *args, **kwargs):
        if not checking:  # the explorer's calls, not abc_analysis' below
            ranked.append((table, value))
        return original(table, value, *args, **kwargs)

    monkeypatch.setattr(abc_module, "_ranked", spy)

    def expect(period, value, thresholds, rule, labels=None):
        checking.append(True)
        want = kamlab.abc_analysis(tables[period], value, thresholds, rule, labels=labels)
        checking.clear()
        pd.testing.assert_frame_equal(explorer.result, want)
        assert explorer.result.attrs == want.attrs
        pd.testing.assert_frame_equal(explorer.summary, kamlab.abc_summary(want))

    explorer = ABCExplorer(tables, plot=False)
    expect(2025, "revenue", (0.8, 0.95), "cover")
    explorer.period.value = 2024
    expect(2024, "revenue", (0.8, 0.95), "cover")
    explorer.value.value = "db1"
    expect(2024, "db1", (0.8, 0.95), "cover")
    explorer.rule.value = "within"
    expect(2024, "db1", (0.8, 0.95), "within")
    explorer.thresholds.value = (0.55, 0.85)
    expect(2024, "db1", (0.55, 0.85), "within")
    explorer.thresholds.value = (0.7, 0.7)  # the handles meet: one boundary, classes A and C
    expect(2024, "db1", (0.7,), "within", labels=("A", "C"))
    explorer.period.value = 2025
    explorer.value.value = "revenue"
    expect(2025, "revenue", (0.7,), "within", labels=("A", "C"))
    # the spy saw each (period, value) ranked once: the threshold and rule moves and the way back ranked nothing
    assert [(id(t), v) for t, v in ranked] == [(id(tables[2025]), "revenue"), (id(tables[2024]), "revenue"),
                                               (id(tables[2024]), "db1"), (id(tables[2025]), "db1")]
    # db1 10, 8 of 30 (33, 60 %) stay within 70 %: A = K1, K2, C = the rest
    explorer.period.value, explorer.value.value = 2024, "db1"
    assert _counts(explorer) == {"A": 2, "C": 3}


def test_one_table_and_only_the_columns_it_has(tables):
    table = tables[2024].drop(columns="db1")
    table.attrs["year"] = 2024
    explorer = ABCExplorer(table, plot=False)
    assert explorer.period.value == 2024 and explorer.period.disabled
    assert [v for _, v in explorer.value.options] == ["revenue", "db4"]
    explorer = ABCExplorer(tables[2025].drop(columns="db4"), values=("db4", "revenue"), plot=False)
    assert explorer.period.value == "all" and explorer.value.value == "revenue"


def test_errors(tables):
    with pytest.raises(kamlab.MissingColumnError, match="values="):
        ABCExplorer(tables, values=("margin",), plot=False)
    with pytest.raises(kamlab.ParameterError, match="period"):
        ABCExplorer(tables, period=2030, plot=False)
    with pytest.raises(kamlab.ParameterError, match="account tables"):
        ABCExplorer({}, plot=False)


def test_controls_speak_german(tables):
    with kamlab.language("de"):
        explorer = ABCExplorer(tables, plot=False)
    assert explorer.thresholds.description == "Schwellenwerte"
    assert explorer.rule.description == "Regel" and explorer.period.description == "Zeitraum"
    assert explorer.value.options[0] == ("Umsatz", "revenue") and explorer.value.options[2] == ("DB IV", "db4")
    assert explorer.rule.options[0][0].startswith("cover: bis zum Kunden")


def test_draws_the_pareto_chart_and_moves_its_classes_in_place(tables):
    explorer = ABCExplorer(tables)
    ax = explorer.ax
    assert [bar.get_height() for bar in ax.containers[0]] == [40, 30, 20, 10]
    assert ax.get_title() == "Revenue · 2025"
    draws = explorer.chart.draws
    explorer.thresholds.value = (0.5, 0.6)
    # the result is the analysis function's for the new setting
    expected = kamlab.identify.abc_analysis(tables[2025], "revenue", (0.5, 0.6), "cover")
    pd.testing.assert_frame_equal(explorer.result, expected)
    # the chart shows it: the class labels count the new classes, the dashed lines sit at the new thresholds
    counts = expected["abc"].value_counts()
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "abc-class"]
    assert labels == [f"{c} ({counts[c]})" for c in ("A", "B", "C") if counts[c]]
    twin = ax.figure.axes[-1]
    lines = [ln.get_ydata()[0] for ln in twin.lines if ln.get_gid() == "abc-threshold"]
    assert lines == [50, 60]
    assert ax is explorer.ax and explorer.chart.draws == draws + 1  # the same chart, drawn once more
    # the bars stay (same value and period); another period draws the chart anew
    explorer.period.value = 2024
    assert explorer.ax.get_title() == "Revenue · 2024"
    assert [bar.get_height() for bar in explorer.ax.containers[0]] == sorted(
        tables[2024]["revenue"].tolist(), reverse=True)


def test_a_value_seen_before_is_its_chart_again_with_the_current_classes(tables):
    explorer = ABCExplorer(tables)
    revenue_ax = explorer.ax
    explorer.value.value = "db1"
    assert explorer.ax is not revenue_ax and not revenue_ax.get_visible()
    assert explorer.ax.get_title() == "CM I · 2025"
    explorer.thresholds.value = (0.6, 0.9)
    explorer.value.value = "revenue"  # seen before: its Axes again; its classes are those of the new thresholds
    assert explorer.ax is revenue_ax and revenue_ax.get_visible()
    expected = kamlab.identify.abc_analysis(tables[2025], "revenue", (0.6, 0.9), "cover")
    pd.testing.assert_frame_equal(explorer.result, expected)
    counts = expected["abc"].value_counts()
    labels = [t.get_text() for t in revenue_ax.texts if t.get_gid() == "abc-class"]
    assert labels == [f"{c} ({counts[c]})" for c in ("A", "B", "C") if counts[c]]
    twin = next(a for a in revenue_ax.get_shared_x_axes().get_siblings(revenue_ax) if a is not revenue_ax)
    assert [ln.get_ydata()[0] for ln in twin.lines if ln.get_gid() == "abc-threshold"] == [60, 90]


def test_a_live_chart_leaves_matplotlib_s_backend_alone():
    """``import ipympl`` makes ipympl the backend; kamlab's live charts must not change the user's."""
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('agg'); import matplotlib.pyplot as plt; "
            "from kamlab._util.live import LiveFigure; figure = LiveFigure((3, 2)); "
            "print(matplotlib.get_backend(), figure.live)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["agg", "True"]


def test_class_table_shows_every_share_in_percent():
    # issue 16: "Share of ranked (%)" showed fractions (0.6 under a "%" header).
    # 10 accounts, 5 with a positive value: A = the two biggest (80 of 100 is 80 % -> cover rule), so the
    # A class is 2 of 10 accounts (20 %) and 2 of the 5 ranked ones (40 %).
    from kamlab.identify.widgets import _summary_display

    table = pd.DataFrame({"account_id": [f"K{i}" for i in range(10)],
                          "revenue": [50.0, 30.0, 10.0, 6.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0]})
    summary = kamlab.identify.abc_summary(kamlab.identify.abc_analysis(table, "revenue", thresholds=(0.8, 0.95)))
    with kamlab.language("en"):
        shown = _summary_display(summary)
    assert shown.loc["A", "Share of ranked (%)"] == pytest.approx(40.0)
    assert shown.loc["A", "Share of accounts (%)"] == pytest.approx(20.0)
    assert shown.loc["A", "Share of value (%)"] == pytest.approx(80.0)


def test_class_table_headers_in_german():
    from kamlab.identify.widgets import _summary_display

    table = pd.DataFrame({"account_id": ["K1", "K2"], "revenue": [3.0, 1.0]})
    summary = kamlab.identify.abc_summary(kamlab.identify.abc_analysis(table, "revenue"))
    with kamlab.language("de"):
        columns = _summary_display(summary).columns.tolist()
    assert "Anteil der klassierten Kunden (%)" in columns and not any("Share" in c for c in columns)
    zeros = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "revenue": [3.0, 1.0, 0.0]})
    with kamlab.language("de"):
        rows = _summary_display(kamlab.identify.abc_summary(kamlab.identify.abc_analysis(zeros, "revenue"))).index
    assert "keine (≤ 0)" in rows and "none (≤ 0)" not in rows
