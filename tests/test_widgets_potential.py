"""Tests of the potential and whitespace explorers' logic: set the controls' values, compare with kamlab's functions."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.potential import widgets as widgets_potential
from kamlab.potential import WalletEstimator, estimate_wallets, whitespace
from kamlab.potential.widgets import ALL, PotentialExplorer, WhitespaceExplorer

FEATURES = ["employees", "industry"]


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture(scope="module")
def accounts():
    """300 accounts whose revenue is a random share of a wallet that grows with size; ABC classes by revenue."""
    rng = np.random.default_rng(5)
    n = 300
    employees = np.exp(rng.normal(5, 1.1, n)).round() + 5
    industry = rng.choice(["machines", "food", "chemicals"], n)
    wallet = 200 * employees**0.9 * pd.Series(industry).map({"machines": 1.5, "food": 0.7, "chemicals": 1.0})
    revenue = wallet.to_numpy() * rng.beta(1.5, 4, n)
    table = pd.DataFrame({"account_id": [f"K{i:03d}" for i in range(n)], "name": [f"Firma {i}" for i in range(n)],
                          "employees": employees, "industry": industry, "revenue": revenue},
                         index=pd.RangeIndex(100, 100 + n))  # an index that is not 0..n-1
    order = table["revenue"].rank(ascending=False)
    table["abc"] = pd.Categorical(np.where(order <= 40, "A", np.where(order <= 120, "B", "C")),
                                  categories=["A", "B", "C"], ordered=True)
    return table


def _explorer(accounts, **kwargs):
    kwargs.setdefault("plot", False)
    kwargs.setdefault("method", "linear")
    return PotentialExplorer(accounts, FEATURES, groups="abc", label_col="name", **kwargs)


def test_controls_start_where_asked(accounts):
    explorer = _explorer(accounts, quantile=0.8)
    assert explorer.quantile.value == 0.8 and explorer.method.value == "linear" and explorer.group.value == ALL
    assert (explorer.quantile.min, explorer.quantile.max, explorer.quantile.step) == (0.5, 0.95, 0.05)
    assert not explorer.quantile.continuous_update
    assert [value for _, value in explorer.method.options] == ["gbm", "linear", "knn"]
    assert list(explorer.group.options) == [("All", "all"), ("A", "A"), ("B", "B"), ("C", "C")]
    assert not explorer.group.disabled
    plain = PotentialExplorer(accounts, FEATURES, method="knn", plot=False)
    assert list(plain.group.options) == [("All", "all")] and plain.group.disabled


def test_result_joins_the_names_to_the_wallets(accounts):
    explorer = _explorer(accounts)
    pd.testing.assert_frame_equal(explorer.result[explorer.wallets.columns], explorer.wallets)
    assert explorer.result["name"].tolist() == accounts["name"].tolist()
    assert explorer.evaluation["quantile"] == 0.9 and explorer.evaluation.name == "linear"


def test_a_higher_quantile_gives_bigger_wallets(accounts):
    explorer = _explorer(accounts, quantile=0.5)
    median_wallets = explorer.wallets["wallet"].copy()
    explorer.quantile.value = 0.95
    assert (explorer.wallets["wallet"] >= median_wallets).mean() > 0.95
    assert explorer.evaluation["coverage"] > 0.85


def test_wiring_quantile_and_method_reach_both_estimates_which_are_cached(accounts, monkeypatch):
    calls, evaluated = [], []
    original = widgets_potential.estimate_wallets
    original_evaluate = widgets_potential.evaluate_wallet
    monkeypatch.setattr(widgets_potential, "estimate_wallets", lambda *a, **k: calls.append(a[0]) or original(*a, **k))
    monkeypatch.setattr(widgets_potential, "evaluate_wallet",
                        lambda *a, **k: evaluated.append(a[0]) or original_evaluate(*a, **k))
    explorer = _explorer(accounts)
    explorer.quantile.value = 0.7
    explorer.method.value = "knn"
    assert [(e.quantile, e.method) for e in evaluated] == [(0.9, "linear"), (0.7, "linear"), (0.7, "knn")]
    assert explorer.evaluation["quantile"] == 0.7 and explorer.evaluation.name == "knn"
    assert len(calls) == 3
    explorer.method.value = "linear"  # back to (0.7, linear): from the cache
    explorer.quantile.value = 0.9     # back to the start: from the cache
    explorer.group.value = "B"        # a filter, not an estimate
    assert len(calls) == 3
    assert [(e.quantile, e.method) for e in calls] == [(0.9, "linear"), (0.7, "linear"), (0.7, "knn")]
    assert sorted(explorer._cache) == [(0.7, "knn"), (0.7, "linear"), (0.9, "linear")]


def test_group_filters_the_result_and_its_summary(accounts):
    explorer = _explorer(accounts)
    explorer.group.value = "A"
    wallets = explorer.wallets  # the estimate for all accounts; the group only filters it
    in_a = accounts["abc"] == "A"
    pd.testing.assert_frame_equal(explorer.result[wallets.columns], wallets[in_a])
    assert len(explorer.result) == 40 and (explorer.result["abc"] == "A").all()
    summary = explorer.group_summary
    chosen = wallets[in_a]
    assert summary["n_accounts"] == 40
    assert summary["revenue"] == pytest.approx(accounts.loc[in_a, "revenue"].sum())
    assert summary["coverage"] == pytest.approx(np.mean(chosen["revenue"] <= chosen["wallet"]))
    capped_wallet = np.maximum(chosen["wallet"], chosen["revenue"]).sum()  # an account spends at least its revenue
    assert summary["share_of_wallet"] == pytest.approx(chosen["revenue"].sum() / capped_wallet)
    q = 0.9
    diff = chosen["revenue"] - chosen["wallet"]
    assert summary["pinball_loss"] == pytest.approx(np.mean(np.where(diff >= 0, q * diff, (q - 1) * diff)))
    # the biggest accounts spend above what their firmographics predict more often than the average account
    explorer.group.value = ALL
    assert summary["coverage"] < explorer.group_summary["coverage"]
    assert explorer.group_summary["n_accounts"] == len(accounts)


def test_top_table_lists_the_most_headroom_first(accounts):
    explorer = _explorer(accounts, top=5)
    table = explorer.top_table()
    expected = explorer.result.sort_values("headroom", ascending=False).head(5)
    assert table["Account ID"].tolist() == expected["account_id"].tolist()
    assert table.columns.tolist() == ["Account ID", "Name", "ABC class", "Revenue", "Wallet", "Headroom",
                                      "Share of wallet"]
    assert table["Headroom"].tolist() == expected["headroom"].round(-2).tolist()
    assert len(explorer.top_table(12)) == 12
    german = _explorer(accounts, lang="de").top_table(3)
    assert german.columns[-2:].tolist() == ["Ungenutztes Potenzial", "Lieferanteil (Share of Wallet)"]


def test_summary_text_says_coverage_and_totals(accounts):
    explorer = _explorer(accounts)
    text = explorer.summary_text()
    coverage = explorer.evaluation["coverage"]
    assert f"{coverage * 100:.1f} % at or under their estimated wallet (target 90.0 %)" in text
    assert "Held-out accounts (90 of 300" in text and text.startswith("linear · Quantile 0.90")
    explorer.group.value = "C"
    assert "\nABC class C: 180 accounts, revenue " in explorer.summary_text()
    german = _explorer(accounts, lang="de")
    assert "Zurückgehaltene Kunden (90 von 300" in german.summary_text()
    assert kamlab.get_language() == "en"


def test_new_quantile_is_fitted_in_the_background_and_then_drawn(accounts):
    explorer = _explorer(accounts, plot=True, top=4)
    assert explorer.background  # with a chart, new settings are fitted in a worker thread
    explorer.quantile.value = 0.75
    assert "Fitting linear quantile regression for quantile 0.75" in explorer._summary_view.value
    explorer.wait()
    # the result is the analysis function's for the new setting
    expected = estimate_wallets(WalletEstimator(0.75, "linear", random_state=0), accounts, FEATURES, cv=5,
                                random_state=0)
    pd.testing.assert_frame_equal(explorer.wallets, expected)
    # and the chart shows it: one dot per account at (revenue, wallet)
    dots = [c for c in explorer.ax.collections if c.get_gid() == "accounts"][0]
    np.testing.assert_allclose(dots.get_offsets(), expected[["revenue", "wallet"]].to_numpy())
    assert "Quantile 0.75" in explorer._summary_view.value
    explorer.wait()  # the neighbours (0.7 and 0.8) are fitted ahead
    assert {(0.7, "linear"), (0.8, "linear")} <= set(explorer._cache)


def test_plot_draws_the_wallet_chart_of_the_group(accounts):
    explorer = _explorer(accounts, plot=True, top=4)
    dots = [c for c in explorer.ax.collections if c.get_gid() == "accounts"][0]
    assert len(dots.get_offsets()) == len(accounts)
    explorer.group.value = "A"
    dots = [c for c in explorer.ax.collections if c.get_gid() == "accounts"][0]
    np.testing.assert_allclose(dots.get_offsets(), explorer.result[["revenue", "wallet"]].to_numpy())
    names = [t.get_text() for t in explorer.ax.texts if t.get_gid() == "account-label"]
    top = explorer.result.sort_values("headroom", ascending=False).head(4)["name"].tolist()
    assert [n.split("  ")[1] for n in names] == top
    german = _explorer(accounts, plot=True, lang="de")
    assert german.ax.get_ylabel() == "Kundenpotenzial (Bedarfsvolumen)"


def test_potential_explorer_errors(accounts):
    with pytest.raises(kamlab.MissingColumnError, match="'plants'"):
        PotentialExplorer(accounts, ["employees", "plants"], plot=False)
    with pytest.raises(kamlab.MissingColumnError, match="'segment'"):
        PotentialExplorer(accounts, FEATURES, groups="segment", plot=False)
    with pytest.raises(kamlab.ParameterError, match="method"):
        PotentialExplorer(accounts, FEATURES, method="forest", plot=False)
    with pytest.raises(kamlab.ParameterError, match="between 0.5 and 0.95"):
        PotentialExplorer(accounts, FEATURES, quantile=0.99, plot=False)
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        PotentialExplorer(accounts.to_numpy(), FEATURES, plot=False)
    with pytest.raises(kamlab.ParameterError, match="lang"):
        PotentialExplorer(accounts, FEATURES, lang="fr", plot=False)


# ----------------------------------------------------------------------------- whitespace explorer
@pytest.fixture(scope="module")
def result(accounts):
    rng = np.random.default_rng(6)
    offerings = np.array(["motors", "inverters", "sensors", "service"])
    rows = []
    for account, size in zip(accounts["account_id"], accounts["employees"]):
        for offering in offerings[rng.random(4) < 0.5]:
            rows.append((account, offering, float(size * rng.uniform(10, 50))))
    lines = pd.DataFrame(rows, columns=["account_id", "offering", "revenue"])
    return whitespace(lines, accounts.set_index("account_id")[FEATURES], n_neighbors=10)


def test_wiring_whitespace_controls_reach_whitespace_matrix(result, monkeypatch):
    calls = []
    original = widgets_potential.whitespace_matrix
    monkeypatch.setattr(widgets_potential, "whitespace_matrix",
                        lambda table, values, top: calls.append((table, values, top)) or original(table, values, top=top))
    explorer = WhitespaceExplorer(result, plot=False)
    assert explorer.values.value == "gap" and explorer.top.value == 20 and not explorer.top.continuous_update
    assert [v for _, v in explorer.values.options] == ["gap", "expected_value", "propensity"]
    assert calls[-1][0] is result and calls[-1][1:] == ("gap", 20)
    explorer.values.value = "propensity"
    assert calls[-1][1:] == ("propensity", 20)
    explorer.top.value = 35
    assert calls[-1][1:] == ("propensity", 35) and len(explorer.matrix) == 35
    explorer.values.value = "expected_value"
    assert calls[-1][1:] == ("expected_value", 35)
    assert WhitespaceExplorer(result, values="propensity", top=5, plot=False).matrix.shape == (5, 4)


def test_whitespace_explorer_draws_the_heatmap(result, accounts):
    names = accounts.set_index("account_id")["name"]
    explorer = WhitespaceExplorer(result, top=10, names=names, plot=True)
    np.testing.assert_allclose(explorer.ax.collections[0].get_array(), explorer.matrix.to_numpy())
    assert [t.get_text() for t in explorer.ax.get_yticklabels()] == names.loc[explorer.matrix.index].tolist()
    explorer.top.value = 5
    assert explorer.ax.collections[0].get_array().shape == (5, 4)
    german = WhitespaceExplorer(result, lang="de", plot=True)
    assert german.ax.get_xlabel() == "Angebotsbereich" and german.values.description == "Zellen zeigen"


def _show_on_a_page(chart):
    """What ipympl's page tells the kernel when it shows the canvas (and a socket for the images it is sent)."""
    class Page:
        def send_binary(self, data):
            pass

        def send_json(self, content):
            pass

    canvas = chart.figure.canvas
    sockets = canvas.manager.web_sockets
    sockets.add(Page()) if hasattr(sockets, "add") else sockets.append(Page())
    canvas._handle_message(canvas, {"type": "initialized"}, [])


def test_whitespace_settings_seen_before_and_rendered_ahead_show_their_own_matrix(result, monkeypatch):
    from kamlab._util.live import LiveFigure

    monkeypatch.setattr(LiveFigure, "IDLE", 0.0)
    explorer = WhitespaceExplorer(result, top=10, plot=True)
    _show_on_a_page(explorer.chart)
    first = explorer.ax
    explorer.top.value = 15  # a new setting: drawn now; the other numbers of accounts are rendered in the background
    np.testing.assert_allclose(explorer.ax.collections[0].get_array(),
                               kamlab.whitespace_matrix(result, "gap", top=15).to_numpy())
    assert tuple(explorer.chart.figure.get_size_inches()) == pytest.approx((8.5, 1.8 + 0.28 * 15))
    explorer.top.value = 10  # seen before: its own Axes again, not a new drawing
    assert explorer.ax is first and first.get_visible()
    explorer.chart._jobs.wait()
    explorer.top.value = 30  # rendered ahead: the figure of that setting, the matrix of whitespace_matrix(top=30)
    expected = kamlab.whitespace_matrix(result, "gap", top=30)
    assert explorer.ax.figure is not explorer.chart.figure
    np.testing.assert_allclose(explorer.ax.collections[0].get_array(), expected.to_numpy())
    assert [t.get_text() for t in explorer.ax.get_yticklabels()] == [str(a) for a in expected.index]
    assert tuple(explorer.chart.figure.get_size_inches()) == pytest.approx((8.5, 1.8 + 0.28 * 30))
    assert explorer.matrix.equals(expected)


def test_whitespace_explorer_errors(result):
    with pytest.raises(kamlab.ParameterError, match="values"):
        WhitespaceExplorer(result, values="revenue", plot=False)
    with pytest.raises(kamlab.MissingColumnError, match="'propensity'"):
        WhitespaceExplorer(result.drop(columns="propensity"), plot=False)
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        WhitespaceExplorer(result.to_numpy(), plot=False)
