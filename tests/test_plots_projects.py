"""Charts of kamlab.projects: assertions on the artists (bars, whiskers, steps, bands, medians)."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.errors import MissingColumnError, ParameterError
from kamlab.projects.plots import survival_chart, win_rate_chart


def _new_ax():
    import matplotlib.pyplot as plt

    return plt.figure().add_subplot()

pytestmark = pytest.mark.usefixtures("close_figures")


def _rates():
    quotes = pd.DataFrame({
        "competitors": [1] * 10 + [3] * 5,
        "outcome": ["won"] * 7 + ["lost"] * 3 + ["won", "lost", "lost", "lost", "open"],
        "quote_value": np.arange(1.0, 16.0),
    })
    return kamlab.win_rates(quotes, by="competitors")


def _whisker_ends(ax):
    (whiskers,) = [c for c in ax.collections if c.get_gid() == "win_rate_whiskers"]
    return np.array([[seg[0][1], seg[1][1]] for seg in whiskers.get_segments()])


def test_win_rate_chart_bars_whiskers_and_n():
    rates = _rates()
    ax = win_rate_chart(rates, ax=_new_ax())
    bars = [p for p in ax.patches if p.get_gid() == "win_rate_bars"]
    assert [b.get_height() for b in bars] == pytest.approx(rates["win_rate"].tolist())
    assert [b.get_height() for b in bars] == pytest.approx([0.7, 0.25])
    ends = np.sort(_whisker_ends(ax), axis=1)
    assert ends == pytest.approx(rates[["win_rate_low", "win_rate_high"]].to_numpy())
    assert ends[0] == pytest.approx([0.3967781, 0.8922087], abs=1e-6)
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "win_rate_n"]
    assert texts == ["n = 10", "n = 4"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "3"]
    assert "1 open" in ax.get_title()


def test_win_rate_chart_by_value_and_in_german():
    rates = _rates()
    with kamlab.language("de"):
        ax = win_rate_chart(rates, value=True, ax=_new_ax())
        bars = [p for p in ax.patches if p.get_gid() == "win_rate_bars"]
        assert [b.get_height() for b in bars] == pytest.approx(rates["value_win_rate"].tolist())
        ends = np.sort(_whisker_ends(ax), axis=1)
        assert ends == pytest.approx(rates[["value_win_rate_low", "value_win_rate_high"]].to_numpy())
        assert ax.get_ylabel() == "Erfolgsquote nach Wert"
        assert ax.get_xlabel() == "Wettbewerber"


def test_win_rate_chart_on_the_case_and_bad_input(case):
    rates = kamlab.win_rates(case.projects, by="offering")
    ax = win_rate_chart(rates, ax=_new_ax())
    bars = [p for p in ax.patches if p.get_gid() == "win_rate_bars"]
    assert [b.get_height() for b in bars] == pytest.approx(rates["win_rate"].tolist())
    with pytest.raises(MissingColumnError):
        win_rate_chart(pd.DataFrame({"x": [1]}))


def test_survival_chart_steps_bands_and_medians():
    quotes = pd.DataFrame({
        "offering": ["A"] * 4 + ["B"] * 3,
        "outcome": ["won", "lost", "won", "open", "lost", "won", "open"],
        "quote_date": pd.to_datetime(["2025-01-01"] * 7),
        "decision_date": pd.to_datetime(["2025-01-05", "2025-01-11", "2025-01-21", None,
                                         "2025-01-03", "2025-01-31", None]),
    })
    result = kamlab.time_to_decision(quotes, by="offering", as_of="2025-02-10")
    ax = survival_chart(result, ax=_new_ax())
    curves = [line for line in ax.get_lines() if line.get_gid() == "km_curve"]
    assert len(curves) == 2
    for line, offering in zip(curves, ["A", "B"]):
        curve = result.curves[result.curves["offering"] == offering]
        assert line.get_drawstyle() == "steps-post"
        assert np.asarray(line.get_xdata(), dtype=float) == pytest.approx(curve["days"].to_numpy())
        assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(curve["still_open"].to_numpy())
    # A: 4, 10, 20 days decided, one open 40 days -> S = 3/4, 2/4, 1/4: median 10 days
    a = result.curves[result.curves["offering"] == "A"]["still_open"].tolist()
    assert a == pytest.approx([1, 0.75, 0.5, 0.25, 0.25])
    medians = [line for line in ax.get_lines() if line.get_gid() == "km_median"]
    assert [(float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in medians] == [(10.0, 0.5), (30.0, 0.5)]
    bands = [c for c in ax.collections if c.get_gid() == "km_band"]
    assert len(bands) == 2
    assert ax.get_xlabel() == kamlab.label("days_to_decision")
    with pytest.raises(ParameterError):
        survival_chart(result.summary)


def test_survival_chart_on_the_case(case):
    result = kamlab.time_to_decision(case.projects)
    ax = survival_chart(result, band=False, max_days=180, ax=_new_ax())
    (line,) = [line for line in ax.get_lines() if line.get_gid() == "km_curve"]
    assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(result.curves["still_open"].to_numpy())
    assert not [c for c in ax.collections if c.get_gid() == "km_band"]
    assert ax.get_xlim() == (0, 180)


def test_followup_table_shows_the_list_with_labels_and_formats():
    from kamlab.projects.plots import followup_table

    rows = pd.DataFrame({"rank": [1, 2, 3], "project_id": ["Q1", "Q2", "Q3"],
                         "quote_value": [120000.0, 8000.0, 950.0], "p_win": [0.31, 0.52, 0.05],
                         "gain": [0.045, 0.03, 0.2], "expected_value": [5400.0, 240.0, 190.0]})
    styled = followup_table(rows, top=2)
    assert styled.data["Rank"].tolist() == [1, 2]  # the first two rows, as given: the table computes nothing
    html = styled.to_html()
    assert "120 k" in html and "8 k" in html and "31 %" in html and "4.5 %" in html
    assert html == followup_table(rows, top=2).to_html()  # the same HTML every run (nbval compares it)
    assert "width" in html  # the bar of the expected value
    with kamlab.language("de"):
        german = followup_table(rows, top=1)
    assert "Angebotswert" in german.data.columns or "Angebotswert" in "".join(german.data.columns)
    assert "4,5 %" in german.to_html()
    with pytest.raises(kamlab.ParameterError):
        followup_table([1, 2])
