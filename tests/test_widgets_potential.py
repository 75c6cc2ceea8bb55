"""Tests of the potential and whitespace explorers' logic: set the controls' values, compare with kamlab's functions."""

from html.parser import HTMLParser

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
    assert "kamlab-stale" in explorer.chart.widget._dom_classes  # the chart of 0.9 faded meanwhile
    explorer.wait()
    assert "kamlab-stale" not in explorer.chart.widget._dom_classes
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


def _fresh_chart(result, top, lang="en"):
    """The wallet chart of ``result`` drawn by the plot function on a new figure (what the explorer must show)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from kamlab.potential.plots import wallet_chart

    figure = Figure(figsize=(9, 5.2))
    FigureCanvasAgg(figure)
    with kamlab.language(lang):
        return wallet_chart(result, label_top=top, label_col="name", ax=figure.subplots())


def _artists(ax):
    """What a wallet chart shows: dots, headroom segments, texts (with gids), legend texts and limits."""
    dots = [c for c in ax.collections if c.get_gid() == "accounts"][0]
    segments = [c for c in ax.collections if c.get_gid() == "headroom"]
    return {"dots": np.asarray(dots.get_offsets()).tolist(),
            "segments": [np.asarray(s).tolist() for s in segments[0].get_segments()] if segments else [],
            "texts": [(t.get_gid(), t.get_text()) for t in ax.texts],
            "legend": [t.get_text() for t in ax.get_legend().get_texts()],
            "lines": [line.get_gid() for line in ax.lines],
            "limits": (ax.get_xlim(), ax.get_ylim())}


def test_the_live_chart_after_moves_is_the_plot_functions_chart(accounts):
    """The explorer keeps one Axes and replaces its artists: after moves it shows exactly a fresh chart's artists."""
    explorer = _explorer(accounts, plot=True, top=4, background=False)
    axes = explorer.ax
    for quantile, group in ((0.7, ALL), (0.7, "A"), (0.8, "C"), (0.6, "B")):
        explorer.quantile.value, explorer.group.value = quantile, group
        expected = _fresh_chart(explorer.result, 4)
        assert explorer.ax is axes and len(explorer.chart.figure.axes) == 1
        assert _artists(explorer.ax) == _artists(expected)
    # the result is the analysis function's for the last setting
    wallets = estimate_wallets(WalletEstimator(0.6, "linear", random_state=0), accounts, FEATURES, cv=5,
                               random_state=0)
    pd.testing.assert_frame_equal(explorer.wallets, wallets)
    german = _explorer(accounts, plot=True, top=3, lang="de", background=False)
    german.quantile.value = 0.75
    assert _artists(german.ax) == _artists(_fresh_chart(german.result, 3, "de"))


def test_longer_names_beside_the_chart_narrow_it_to_fit(accounts):
    named = accounts.assign(name=np.where(accounts["abc"] == "C", "Maschinenbau Aktiengesellschaft " +
                                          accounts["account_id"], accounts["account_id"]))
    explorer = PotentialExplorer(named, FEATURES, groups="abc", label_col="name", method="linear", top=5,
                                 plot=True, background=False)
    explorer.group.value = "A"  # short names: the margins measured for them
    right = explorer.chart.figure.subplotpars.right
    explorer.group.value = "C"  # long names: the Axes narrowed so that the list ends inside the figure
    figure = explorer.chart.figure
    renderer = figure.canvas.get_renderer()
    listed = [t for t in explorer.ax.texts if t.get_gid() == "account-label"]
    assert any("Maschinenbau" in t.get_text() for t in listed)
    assert figure.subplotpars.right < right
    assert max(t.get_window_extent(renderer).x1 for t in listed) <= figure.bbox.x1


def test_an_empty_group_hides_the_chart_and_the_next_shows_it_again(accounts):
    lonely = accounts.assign(abc=accounts["abc"].cat.add_categories("D"))
    explorer = PotentialExplorer(lonely, FEATURES, groups="abc", label_col="name", method="linear", top=3)
    explorer.result = explorer.result.iloc[:0]
    explorer._draw(explorer._key())
    assert not explorer.ax.get_visible() and explorer._table_view.value == ""
    explorer.group.value = "B"
    assert explorer.ax.get_visible() and _artists(explorer.ax) == _artists(_fresh_chart(explorer.result, 3))


def test_a_setting_seen_before_is_its_kept_picture_with_its_artists(accounts):
    """Back to a setting: its picture as rendered then (no new render), and the Axes get that setting's artists."""
    explorer = _explorer(accounts, plot=True, top=4, background=False)
    _show_on_a_page(explorer.chart)
    canvas = explorer.chart.figure.canvas
    explorer.quantile.value = 0.7  # new: rendered, and its picture kept
    first = np.array(canvas.get_renderer().buffer_rgba())
    explorer.group.value = "A"
    renders = explorer.chart.draws
    explorer.group.value = ALL  # seen: the kept picture is shown
    shown = np.array(canvas.get_renderer().buffer_rgba())
    np.testing.assert_array_equal(shown, first)
    assert explorer.chart.draws == renders + 1
    expected = estimate_wallets(WalletEstimator(0.7, "linear", random_state=0), accounts, FEATURES, cv=5,
                                random_state=0)
    np.testing.assert_allclose(_dots(explorer.ax), expected[["revenue", "wallet"]].to_numpy())
    assert _artists(explorer.ax) == _artists(_fresh_chart(explorer.result, 4))
    # the kept picture is what rendering the setting's artists gives now
    canvas._picture = None
    explorer.chart.figure.stale = True
    canvas.draw()
    np.testing.assert_array_equal(np.asarray(canvas.get_renderer().buffer_rgba()), first)


def test_quantiles_fitted_ahead_are_rendered_ahead_as_the_live_chart_draws_them(accounts, monkeypatch):
    from kamlab._util.live import LiveFigure

    monkeypatch.setattr(LiveFigure, "IDLE", 0.0)
    explorer = _explorer(accounts, plot=True, top=4)
    _show_on_a_page(explorer.chart)
    explorer.quantile.value = 0.85
    explorer.wait()  # 0.85 fitted and shown, then every other quantile fitted ahead, nearest first
    assert sorted(q for q, _ in explorer._cache) == pytest.approx([0.5 + 0.05 * k for k in range(10)])
    explorer.chart._jobs.wait()  # the pictures of every quantile fitted ahead (the student pauses)
    others = {(round(0.5 + 0.05 * k, 4), "linear", ALL) for k in range(10)} - {(0.85, "linear", ALL)}
    assert others <= set(explorer.chart._pictures)
    figure, pixels = explorer.chart._pictures[(0.6, "linear", ALL)]
    assert figure is not explorer.chart.figure
    explorer.quantile.value = 0.6  # five steps away, shown from the picture rendered ahead
    canvas = explorer.chart.figure.canvas
    assert canvas._picture is pixels and "kamlab-stale" not in explorer.chart.widget._dom_classes
    np.testing.assert_array_equal(np.asarray(canvas.get_renderer().buffer_rgba()), pixels)
    expected = estimate_wallets(WalletEstimator(0.6, "linear", random_state=0), accounts, FEATURES, cv=5,
                                random_state=0)
    np.testing.assert_allclose(_dots(explorer.ax), expected[["revenue", "wallet"]].to_numpy())
    canvas._picture = None  # the live figure drawing the same setting gives the same picture
    explorer.chart.figure.stale = True
    canvas.draw()
    np.testing.assert_array_equal(np.asarray(canvas.get_renderer().buffer_rgba()), pixels)


def test_a_page_showing_the_explorer_fits_every_quantile_ahead_nearest_first_in_the_worker_process(accounts,
                                                                                                   monkeypatch):
    import os

    from kamlab._util.live import LiveFigure
    from kamlab.potential import evaluate_wallet

    monkeypatch.setattr(LiveFigure, "IDLE", 0.0)
    fitted = []  # the quantile of each fit in the worker process
    original = widgets_potential.run_in_worker
    monkeypatch.setattr(widgets_potential, "run_in_worker",
                        lambda function, *a: fitted.append(a[2]) or original(function, *a))
    explorer = _explorer(accounts, plot=True, quantile=0.6)
    assert explorer.process  # with a chart: the fits ahead run in the worker process
    assert sorted(explorer._cache) == [(0.6, "linear")]  # run top to bottom without a page: nothing ahead
    assert fitted == []  # the first setting is fitted in the kernel (the explorer appears with its chart)
    _show_on_a_page(explorer.chart)
    explorer.wait()
    # every other quantile of the slider by distance from 0.6, the upper one first on a tie
    assert fitted == [0.65, 0.55, 0.7, 0.5, 0.75, 0.8, 0.85, 0.9, 0.95]
    explorer.chart._jobs.wait()  # and their charts rendered ahead; also the first one's, drawn before the page
    assert {(round(0.5 + 0.05 * k, 4), "linear", ALL) for k in range(10)} <= set(explorer.chart._pictures)
    assert kamlab._util.worker._WORKER.run(os.getpid) != os.getpid()  # they ran in another process
    for quantile in [0.5 + 0.05 * k for k in range(10)]:  # each the analysis functions' result
        key = (round(quantile, 4), "linear")
        wallets, evaluation = explorer._cache[key]
        pd.testing.assert_frame_equal(wallets, estimate_wallets(WalletEstimator(key[0], "linear", random_state=0),
                                                                accounts, FEATURES, cv=5, random_state=0))
        pd.testing.assert_series_equal(evaluation, evaluate_wallet(WalletEstimator(key[0], "linear", random_state=0),
                                                                   accounts[FEATURES], accounts["revenue"],
                                                                   test_size=0.3, random_state=0))
    for quantile in (0.65, 0.7, 0.75):  # a student walking the slider: each shown at once, no "fitting…"
        explorer.quantile.value = quantile
        assert "kamlab-stale" not in explorer.chart.widget._dom_classes
        assert f"Quantile {quantile}" in explorer._summary_view.value
        expected = explorer._cache[(quantile, "linear")][0]
        pd.testing.assert_frame_equal(explorer.wallets, expected)
        np.testing.assert_allclose(_dots(explorer.ax), expected[["revenue", "wallet"]].to_numpy())
    explorer.wait()
    assert len(fitted) == 9  # nothing fitted twice
    explorer.method.value = "knn"  # another method: fitted in the background, then its quantiles ahead
    explorer.wait()
    assert fitted[9:] == [0.75, 0.8, 0.7, 0.85, 0.65, 0.9, 0.6, 0.95, 0.55, 0.5]


def test_the_worker_process_gives_the_numbers_of_the_kernel_and_without_it_the_thread_fits(accounts, monkeypatch):
    import os

    from kamlab._util import worker

    fresh = worker.WorkerProcess()  # a worker of this test's own: it must be the one that fitted
    monkeypatch.setattr(worker, "_WORKER", fresh)
    settings = [(0.85, "gbm"), (0.7, "knn")]
    in_kernel = _explorer(accounts, plot=False)
    in_process = _explorer(accounts, plot=True, background=True)
    assert in_process.process and not in_kernel.process
    for quantile, method in settings:
        in_process.method.value = method
        in_process.quantile.value = quantile
        in_process.wait()
        wallets, evaluation = in_kernel.compute(quantile, method)
        pd.testing.assert_frame_equal(in_process.wallets, wallets)  # exactly: same code, same thread limit
        pd.testing.assert_series_equal(in_process.evaluation, evaluation)
    assert fresh._process is not None and fresh.failures == 0  # the fits ran in the worker, none fell back
    assert fresh.run(os.getpid) != os.getpid()
    fresh.close()

    class NoProcesses(worker.WorkerProcess):
        def _start(self):
            raise OSError("no processes here")

    monkeypatch.setattr(worker, "_WORKER", NoProcesses())
    fallback = _explorer(accounts, plot=True)
    fallback.quantile.value = 0.85
    assert "Fitting linear quantile regression for quantile 0.85" in fallback._summary_view.value
    fallback.wait()  # fitted in the explorer's thread instead
    pd.testing.assert_frame_equal(fallback.wallets, in_kernel.compute(0.85, "linear")[0])
    assert "Quantile 0.85" in fallback._summary_view.value
    assert not worker._WORKER.available


def _dots(ax):
    return np.asarray([c for c in ax.collections if c.get_gid() == "accounts"][0].get_offsets())


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


class _Cells(HTMLParser):
    """The heatmap table's row names, column names and cells (value, colour, served, text), read from its HTML."""

    def __init__(self, page):
        super().__init__()
        self.rows, self.columns, self.cells, self.title, self._in = [], [], [], None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "td":
            self.cells.append({"value": float(attrs["data-value"]), "color": attrs["data-color"],
                               "served": attrs["data-served"] == "1", "text": ""})
            self._in = "td"
        elif tag == "th":
            self._in = {"row": "row", "col": "column"}.get(attrs.get("scope"), "other")
            if self._in != "other":
                (self.rows if self._in == "row" else self.columns).append("")
        elif tag == "div" and self.title is None and "font-weight: bold" in attrs.get("style", ""):
            self._in = "title"
            self.title = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") or (tag == "div" and self._in == "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "td":
            self.cells[-1]["text"] += data
        elif self._in == "row":
            self.rows[-1] += data
        elif self._in == "column" and self.columns:
            self.columns[-1] += data
        elif self._in == "title":
            self.title += data


def _seaborn_colours(result, values, top):
    """The cell colours of the static chart (seaborn's QuadMesh of whitespace_heatmap), as #rrggbb."""
    from matplotlib.colors import to_hex
    from matplotlib.figure import Figure

    from kamlab.potential.plots import whitespace_heatmap

    ax = whitespace_heatmap(result, values=values, top=top, ax=Figure().subplots())
    mesh = [c for c in ax.collections if c.get_gid() == "cells"][0]
    return [to_hex(c) for c in mesh.to_rgba(mesh.get_array().ravel())]


def test_whitespace_explorer_shows_the_matrix_as_a_coloured_table(result, accounts):
    names = accounts.set_index("account_id")["name"]
    explorer = WhitespaceExplorer(result, top=10, names=names, plot=True)
    for values, top in (("gap", 10), ("gap", 5), ("propensity", 5), ("expected_value", 35)):
        explorer.values.value, explorer.top.value = values, top
        matrix = kamlab.whitespace_matrix(result, values, top=top)
        assert explorer.matrix.equals(matrix)  # the analysis function's result for this setting
        table = _Cells(explorer.heatmap.value)  # and the page's table shows it
        assert table.rows == names.loc[matrix.index].tolist()
        assert len(table.rows) == top and table.columns == list(matrix.columns)
        numbers = [c["value"] for c in table.cells]
        np.testing.assert_allclose(numbers, matrix.to_numpy().ravel())
        assert [c["color"] for c in table.cells] == _seaborn_colours(result, values, top)
        served = kamlab.whitespace_matrix(result, "revenue").loc[matrix.index, matrix.columns].to_numpy() > 0
        assert [c["served"] for c in table.cells] == served.ravel().tolist()
        texts = [c["text"] for c in table.cells]
        if values == "propensity":
            assert texts == [f"{v * 100:.0f} %" for v in matrix.to_numpy().ravel()]
        else:
            assert all(t == "0" or t.endswith((" k", " M")) or float(t) == round(v)
                       for t, v in zip(texts, matrix.to_numpy().ravel()))
        assert table.title == kamlab.label(values)
    german = WhitespaceExplorer(result, lang="de", plot=True)
    table = _Cells(german.heatmap.value)
    assert "Angebotsbereich" in german.heatmap.value and "Schraffiert" in german.heatmap.value
    assert table.title == "Lücke (Potenzial − Umsatz)" and german.values.description == "Zellen zeigen"
    assert all(t == "0" or t.endswith((" Tsd.", " Mio.")) for t in (c["text"] for c in table.cells))


def test_whitespace_table_escapes_names_and_offerings(result):
    tricky = result.replace({"offering": {"motors": "<motors & drives>"}})
    names = {a: f"<b>{a}</b> & Co" for a in result["account_id"].unique()}
    long = "<i>A very long name of a firm that goes on</i>"
    names[WhitespaceExplorer(tricky, top=1, plot=False).matrix.index[0]] = long
    explorer = WhitespaceExplorer(tricky, top=5, names=names, plot=True)
    page = explorer.heatmap.value
    assert "<b>" not in page and "<i>" not in page and "&lt;b&gt;" in page and "&lt;motors &amp; drives&gt;" in page
    table = _Cells(page)
    assert "<motors & drives>" in table.columns
    assert table.rows[0] == long[:27] + "…"  # 28 characters at most, as in the chart
    assert table.rows[1:] == [names[a] for a in explorer.matrix.index[1:]]


def test_whitespace_setting_seen_before_is_the_same_table(result):
    explorer = WhitespaceExplorer(result, top=10, plot=True)
    first = explorer.heatmap.value
    explorer.top.value = 15
    assert explorer.heatmap.value != first and len(_Cells(explorer.heatmap.value).rows) == 15
    explorer.top.value = 10
    assert explorer.heatmap.value == first and explorer.matrix.equals(kamlab.whitespace_matrix(result, "gap", top=10))


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
    canvas._handle_custom_msg({"type": "initialized"}, [])  # as a message from the page arrives


def test_whitespace_tables_made_ahead_are_the_tables_of_their_setting(result):
    from kamlab.potential.plots import _whitespace_html

    explorer = WhitespaceExplorer(result, top=10, plot=True)
    assert set(explorer._tables) == {("gap", 10)}  # nothing ahead before a move
    explorer.values.value = "propensity"
    explorer._ahead.wait()
    assert set(explorer._tables) >= {("propensity", t) for t in (5, 15, 20, 25)}
    explorer.top.value = 20  # made ahead: the table of whitespace_heatmap's cells for 20 accounts
    assert explorer.heatmap.value == _whitespace_html(result, values="propensity", top=20)
    assert explorer.matrix.equals(kamlab.whitespace_matrix(result, "propensity", top=20))
    np.testing.assert_allclose([c["value"] for c in _Cells(explorer.heatmap.value).cells],
                               explorer.matrix.to_numpy().ravel())
    explorer._ahead.wait()


def test_whitespace_explorer_errors(result):
    with pytest.raises(kamlab.ParameterError, match="values"):
        WhitespaceExplorer(result, values="revenue", plot=False)
    with pytest.raises(kamlab.MissingColumnError, match="'propensity'"):
        WhitespaceExplorer(result.drop(columns="propensity"), plot=False)
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        WhitespaceExplorer(result.to_numpy(), plot=False)
