"""Tests of top_share, the Pareto curve and the start-here widget."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.identify import top_share
from kamlab.identify.plots import pareto_curve
from kamlab.identify.widgets import TopShareExplorer

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def accounts():
    # revenues 1..100: the top 20 accounts hold 81 + ... + 100 = 1810 of 5050
    return pd.DataFrame({"account_id": [f"K{i:03d}" for i in range(1, 101)], "revenue": np.arange(1.0, 101.0)})


def test_top_share_hand_computed(accounts):
    result = top_share(accounts, 0.2)
    assert (result.n_accounts, result.n_top, result.n_set_aside) == (100, 20, 0)
    assert result.share == pytest.approx(1810 / 5050)
    # ceil: 2.5 % of 100 accounts are 3 accounts (98 + 99 + 100)
    assert top_share(accounts, 0.025).share == pytest.approx(297 / 5050)
    assert top_share(accounts, 1.0).share == pytest.approx(1.0)


def test_top_share_counts_zero_and_sets_aside_negative_and_says_so():
    result = top_share([10.0, 0.0, -5.0, 30.0, -1.0], 0.5)
    # accounts 30, 10, 0 take part; the top 50 % are ceil(1.5) = 2 accounts holding 40 of 40
    assert (result.n_accounts, result.n_top, result.n_set_aside) == (3, 2, 2)
    assert result.share == pytest.approx(1.0)
    assert top_share([10.0, 0.0, -5.0, 30.0], 0.3).share == pytest.approx(0.75)
    assert "2 accounts with a negative value are not counted" in result.describe()


@pytest.mark.parametrize("fraction", [0, -0.1, 1.5])
def test_top_share_rejects_bad_fraction(accounts, fraction):
    with pytest.raises(kamlab.ParameterError, match="between 0 and 1"):
        top_share(accounts, fraction)


def test_top_share_errors():
    with pytest.raises(kamlab.MissingColumnError):
        top_share(pd.DataFrame({"sales": [1.0]}), 0.2)
    with pytest.raises(kamlab.ParameterError, match="No account has a positive value"):
        top_share([0.0, -1.0], 0.2)


def test_describe_speaks_german(accounts):
    with kamlab.language("de"):
        text = top_share(accounts, 0.2).describe()
    assert text == "Die Top 20 % der Kunden (20 von 100) haben einen Anteil von 35,8 % am Umsatz."


def test_pareto_curve_draws_the_cumulative_shares(accounts):
    fig, ax = plt.subplots()
    returned = pareto_curve(accounts, mark=0.2, ax=ax)
    assert returned is ax
    curve = ax.lines[0]
    x, y = curve.get_xdata(), curve.get_ydata()
    assert x[0] == 0 and y[0] == 0 and x[-1] == 100 and y[-1] == pytest.approx(100)
    assert y[20] == pytest.approx(1810 / 5050 * 100)  # after the 20 biggest accounts
    assert np.all(np.diff(y) >= 0) and np.all(np.diff(np.diff(y)) <= 1e-12)  # rising, concave
    guide = ax.lines[2]
    assert list(guide.get_xdata()) == [20, 20, 0]
    assert guide.get_ydata()[1] == pytest.approx(1810 / 5050 * 100)
    assert ax.get_xlabel() == "Share of accounts (%)"


def test_pareto_curve_german_labels(accounts):
    with kamlab.language("de"):
        ax = pareto_curve(accounts)
    assert ax.get_xlabel() == "Anteil der Kunden (%)" and "Umsatz" in ax.get_ylabel()


def test_top_share_explorer_follows_its_slider(accounts):
    explorer = TopShareExplorer(accounts, plot=False)
    assert explorer.slider.value == 20 and explorer.result.share == pytest.approx(1810 / 5050)
    explorer.slider.value = 50  # sum of 51..100 = 3775
    assert explorer.result.n_top == 50 and explorer.result.share == pytest.approx(3775 / 5050)
    assert explorer.text.startswith("The top 50 % of accounts (50 of 100) hold 74.8 % of revenue")
    explorer.slider.value = 100
    assert explorer.result.share == pytest.approx(1.0)


def test_top_share_explorer_on_another_value(accounts):
    accounts["contribution_margin"] = accounts["revenue"][::-1].to_numpy() - 50  # 50 down to -49
    explorer = TopShareExplorer(accounts, value="contribution_margin", percent=10, plot=False)
    # margins 0..50 take part (51 accounts): the top 10 % are ceil(5.1) = 6 accounts, 45..50
    assert explorer.result.n_accounts == 51 and explorer.result.n_top == 6
    assert explorer.result.share == pytest.approx(sum(range(45, 51)) / sum(range(1, 51)))
    assert "49 accounts with a negative value are not counted" in explorer.text


def test_top_share_explorer_moves_the_mark_in_place():
    accounts = pd.DataFrame({"account_id": list("ABCDE"), "revenue": [50.0, 20.0, 15.0, 10.0, 5.0]})
    explorer = TopShareExplorer(accounts, percent=20)
    ax, draws = explorer.ax, explorer.chart.draws
    explorer.slider.value = 40
    # top 40 % of 5 accounts = the 2 biggest: (50 + 20) / 100 = 70 %
    assert explorer.result.n_top == 2 and explorer.result.share == pytest.approx(0.7)
    line = next(ln for ln in ax.lines if ln.get_gid() == "mark")
    note = next(t for t in ax.texts if t.get_gid() == "mark")
    assert list(line.get_xdata()) == [40, 40, 0] and list(line.get_ydata()) == pytest.approx([0, 70, 70])
    assert note.get_text() == "70.0 %" and explorer.chart.draws == draws + 1 and explorer.ax is ax


def test_describe_writes_german_thousands():
    # issue 17: "1.897 Kunden", not "1897"; 2,000 accounts of value 1 .. 2,000: the top 20 % are 400 of 2,000
    accounts = pd.DataFrame({"account_id": range(2000), "revenue": np.arange(1, 2001, dtype=float)})
    with kamlab.language("de"):
        text = kamlab.top_share(accounts, 0.2).describe()
    share = np.arange(1601, 2001).sum() / np.arange(1, 2001).sum()  # 36.0 %
    assert text == f"Die Top 20 % der Kunden (400 von 2.000) haben einen Anteil von {share * 100:.1f} % am Umsatz.".replace(
        f"{share * 100:.1f}", f"{share * 100:.1f}".replace(".", ","))


def test_top_share_explorer_stays_german_with_a_german_mark(accounts):
    # issue 17: the mark's label was "73.1 %" beside a German sentence saying "73,1 %"
    with kamlab.language("de"):
        explorer = TopShareExplorer(accounts, percent=20)
    explorer.slider.value = 30  # moved while kamlab speaks English: the explorer keeps German
    mark = next(t for t in explorer.ax.texts if t.get_gid() == "mark").get_text()
    share = explorer.result.share * 100
    assert mark == f"{share:.1f} %".replace(".", ",")
    assert explorer.text.startswith("Die Top 30 % der Kunden")
    with kamlab.language("de"):
        ax = pareto_curve(accounts, mark=0.2, ax=plt.subplots()[1])
    assert "," in next(t for t in ax.texts if t.get_gid() == "mark").get_text()
