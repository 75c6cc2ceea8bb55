"""Tests of the pipeline explorer: each control reaches the analyses, and what the user sees changes with it."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.projects import widgets as project_widgets
from kamlab.projects.widgets import ALL, PipelineExplorer

pytestmark = pytest.mark.usefixtures("close_figures")

FAST = {"cv": 2, "n_bootstrap": 20}


@pytest.fixture(scope="module")
def quotes():
    """900 quotes of 60 accounts; accounts that fit us get more follow-ups and win more (confounding)."""
    rng = np.random.default_rng(6)
    n = 900
    account = rng.integers(0, 60, n)
    fit = rng.normal(size=60)[account] + 0.5 * rng.normal(size=n)
    followups = np.minimum(rng.poisson(np.exp(0.6 + 0.4 * fit)), 6)
    p_win = 1 / (1 + np.exp(-(-1.0 + 0.8 * fit + 0.2 * followups)))
    outcome = np.where(rng.random(n) < p_win, "won", "lost").astype(object)
    outcome[:40] = "open"
    return pd.DataFrame({
        "project_id": [f"Q{i:04d}" for i in range(n)],
        "account_id": [f"K{a:02d}" for a in account],
        "offering": np.where(rng.random(n) < 0.5, "Drives", "Controls"),
        "fit": fit,
        "competitors": rng.integers(1, 5, n),
        "quote_value": rng.uniform(1e3, 1e5, n).round(-1),
        "followups": followups,
        "outcome": outcome,
    })


@pytest.fixture(scope="module")
def accounts():
    ids = [f"K{a:02d}" for a in range(60)]
    return pd.DataFrame({"account_id": ids, "abc": ["A"] * 15 + ["B"] * 20 + ["C"] * 25,
                         "account_manager": ["Anja Richter", "Stefan Kurz", "Jens Hagemann"] * 20})


@pytest.fixture(scope="module")
def truth(quotes):
    """p_i(k) for k = 0..6 of every decided quote, from the model the quotes were drawn with."""
    decided = quotes[quotes["outcome"] != "open"]
    k = np.arange(7)
    p = 1 / (1 + np.exp(-(-1.0 + 0.8 * decided["fit"].to_numpy()[:, None] + 0.2 * k[None, :])))
    return pd.DataFrame({"project_id": np.repeat(decided["project_id"].to_numpy(), 7),
                         "followups_k": np.tile(k, len(decided)), "p_win": p.ravel()})


def _explorer(quotes, accounts=None, **kwargs):
    kwargs.setdefault("plot", False)
    kwargs.setdefault("background", False)  # the tests below read each result right after a change
    kwargs.setdefault("effect_options", FAST)
    kwargs.setdefault("method", "ipw")
    return PipelineExplorer(quotes, accounts, ["fit", "competitors"], levels=(1, 3), **kwargs)


@pytest.fixture
def spies(monkeypatch):
    """Record the explorer's fits (quotes, covariates, keyword arguments), the pairs it took from them, and its
    win_rates calls."""
    from kamlab.projects.effect import _LevelFit

    calls = {"effect": [], "pairs": [], "rates": []}
    fit, pair_effect, rates = project_widgets._level_fit, _LevelFit.effect, project_widgets.win_rates

    def spy_effect(projects, covariates, **kwargs):
        calls["effect"].append((projects.copy(), list(covariates), kwargs))
        return fit(projects, covariates, **kwargs)

    def spy_pair(self, contrast, **kwargs):
        calls["pairs"].append(tuple(contrast))
        return pair_effect(self, contrast, **kwargs)

    def spy_rates(projects, **kwargs):
        calls["rates"].append((projects.copy(), kwargs))
        return rates(projects, **kwargs)

    monkeypatch.setattr(project_widgets, "_level_fit", spy_effect)
    monkeypatch.setattr(_LevelFit, "effect", spy_pair)
    monkeypatch.setattr(project_widgets, "win_rates", spy_rates)
    return calls


def test_controls_start_from_the_arguments(quotes, accounts):
    explorer = _explorer(quotes, accounts)
    assert (explorer.k0.value, explorer.k1.value, explorer.method.value) == (1, 3, "ipw")
    assert explorer.contrast.value == "levels" and explorer.threshold.disabled and not explorer.k0.disabled
    assert [v for _, v in explorer.abc.options] == [ALL, "A", "B", "C"]
    assert explorer.k1.max == quotes["followups"].max()
    assert (explorer.effect.levels, explorer.effect.method, explorer.effect.n_open) == ((1, 3), "ipw", 40)
    # without account tables, the filters that need them are there but disabled
    bare = _explorer(quotes)
    assert bare.abc.disabled and bare.manager.disabled and not bare.offering.disabled
    assert _explorer(quotes, at_least=2).contrast.value == "threshold"


def test_wiring_every_control_reaches_the_analyses(quotes, accounts, spies):
    explorer = _explorer(quotes, accounts)
    projects, covariates, kwargs = spies["effect"][-1]
    assert len(projects) == len(quotes) and covariates == ["fit", "competitors"]
    assert kwargs["levels"] == (1, 3) and kwargs["method"] == "ipw" and kwargs["cv"] == 2
    assert kwargs["n_bootstrap"] == 20 and kwargs["random_state"] == 0

    explorer.offering.value = "Drives"
    assert set(spies["effect"][-1][0]["offering"]) == {"Drives"}
    assert len(spies["effect"][-1][0]) == (quotes["offering"] == "Drives").sum()
    explorer.abc.value = "A"  # accounts K00..K14
    a_accounts = {f"K{a:02d}" for a in range(15)}
    expected = ((quotes["offering"] == "Drives") & quotes["account_id"].isin(a_accounts)).sum()
    assert set(spies["effect"][-1][0]["account_id"]) <= a_accounts and len(spies["effect"][-1][0]) == expected
    explorer.offering.value = ALL
    explorer.manager.value = "Stefan Kurz"  # accounts 1, 4, 7, ... of class A
    kurz = {f"K{a:02d}" for a in range(1, 15, 3)}
    assert set(spies["effect"][-1][0]["account_id"]) == set(quotes.loc[quotes["account_id"].isin(kurz), "account_id"])
    explorer.manager.value = ALL
    explorer.abc.value = ALL

    # a pair of counts is taken from the fit of its filters and method (fitted once, the same for every pair)
    n_fits = len(spies["effect"])
    explorer.k0.value = 0
    assert spies["pairs"][-1] == (0, 3) and explorer.effect.levels == (0, 3)
    explorer.k1.value = 4
    assert spies["pairs"][-1] == (0, 4) and explorer.effect.levels == (0, 4)
    assert len(spies["effect"]) == n_fits
    rates_quotes, rates_kwargs = spies["rates"][-1]
    assert rates_kwargs["by"] == "followups" and set(rates_quotes["followups"]) == {0, 4}
    explorer.method.value = "aipw"
    assert spies["effect"][-1][2]["method"] == "aipw" and spies["effect"][-1][2]["levels"] == (0, 4)
    explorer.contrast.value = "threshold"
    explorer.threshold.value = 2
    kwargs = spies["effect"][-1][2]
    assert kwargs["at_least"] == 2 and "levels" not in kwargs and kwargs["method"] == "aipw"
    groups = spies["rates"][-1][0]["followups"]
    assert len(groups) == len(quotes)
    assert (groups == "≥ 2").sum() == (quotes["followups"] >= 2).sum()
    assert explorer.k0.disabled and not explorer.threshold.disabled


def test_results_are_cached_per_setting(quotes, spies):
    explorer = _explorer(quotes)
    first = explorer.effect
    explorer.method.value = "naive"
    n_calls = len(spies["effect"])
    explorer.method.value = "ipw"
    assert explorer.effect is first and len(spies["effect"]) == n_calls
    explorer.contrast.value = "threshold"
    n_calls = len(spies["effect"])
    explorer.k0.value = 0  # the levels do not matter while comparing against a threshold
    assert len(spies["effect"]) == n_calls


def test_the_raw_win_rates_are_the_groups_shares_won(quotes):
    explorer = _explorer(quotes, plot=True)
    decided = quotes[quotes["outcome"] != "open"]
    by_hand = [(decided.loc[decided["followups"] == k, "outcome"] == "won").mean() for k in (1, 3)]
    heights = [p.get_height() for p in explorer.ax_rates.patches if p.get_gid() == "win_rate_bars"]
    assert heights == pytest.approx(by_hand)
    assert explorer.effect.naive == pytest.approx(by_hand[1] - by_hand[0])
    explorer.contrast.value = "threshold"
    explorer.threshold.value = 2
    ticks = [t.get_text() for t in explorer.ax_rates.get_xticklabels()]
    assert ticks == ["< 2", "≥ 2"]
    treated = decided["followups"] >= 2
    heights = [p.get_height() for p in explorer.ax_rates.patches if p.get_gid() == "win_rate_bars"]
    assert heights == pytest.approx([(decided.loc[~treated, "outcome"] == "won").mean(),
                                     (decided.loc[treated, "outcome"] == "won").mean()])
    assert explorer.ax_effect.get_xlabel() == "Treated"


def test_the_dose_response_chart_follows_the_method_and_draws_the_truth(quotes, truth):
    explorer = _explorer(quotes, plot=True, truth=truth)
    line = next(ln for ln in explorer.ax_effect.lines if ln.get_gid() == "dose-response")
    assert list(line.get_xdata()) == sorted(quotes["followups"].unique())
    assert list(line.get_ydata()) == pytest.approx(explorer.effect.dose_response["mu"].tolist())
    true_line = next(ln for ln in explorer.ax_effect.lines if ln.get_gid() == "truth")
    mu = truth.groupby("followups_k")["p_win"].mean()
    assert list(true_line.get_ydata()) == pytest.approx(mu.loc[list(line.get_xdata())].tolist())
    assert explorer.true_effect == pytest.approx(mu[3] - mu[1])
    assert "True effect in these quotes: +" in explorer.summary_text()
    ipw = list(line.get_ydata())
    explorer.method.value = "naive"
    line = next(ln for ln in explorer.ax_effect.lines if ln.get_gid() == "dose-response")
    decided = quotes[quotes["outcome"] != "open"]
    raw = decided.groupby("followups")["outcome"].apply(lambda s: (s == "won").mean())
    assert list(line.get_ydata()) == pytest.approx(raw.tolist()) and list(line.get_ydata()) != pytest.approx(ipw)
    assert explorer.ax_effect.get_title().startswith("1 → 3: +")
    # the truth of a filtered view is the mean over its own decided quotes
    explorer.offering.value = "Controls"
    ids = decided.loc[decided["offering"] == "Controls", "project_id"]
    mu = truth[truth["project_id"].isin(ids)].groupby("followups_k")["p_win"].mean()
    assert explorer.true_effect == pytest.approx(mu[3] - mu[1])


def test_german_labels_under_kamlab_language(quotes, accounts):
    with kamlab.language("de"):
        explorer = _explorer(quotes, accounts, plot=True)
    assert kamlab.get_language() == "en" and explorer.lang == "de"
    assert explorer.ax_effect.get_xlabel() == "Nachfassaktionen"
    assert explorer.ax_effect.get_ylabel() == "Gewinnwahrscheinlichkeit"
    assert explorer.ax_rates.get_ylabel() == "Erfolgsquote"
    assert explorer.abc.description == "ABC-Klasse" and explorer.offering.options[0][0] == "Alle"
    assert dict((v, k) for k, v in explorer.method.options)["aipw"] == "AIPW (doppelt robust)"
    assert explorer.summary_text().startswith("900 Angebote: 860 entschieden, 40 offen")
    explorer.method.value = "naive"  # redrawn in German, kamlab's language untouched
    assert explorer.ax_effect.get_ylabel() == "Gewinnwahrscheinlichkeit" and kamlab.get_language() == "en"
    assert _explorer(quotes, lang="en", plot=True).ax_effect.get_xlabel() == "Follow-ups"


def test_settings_without_an_answer_say_why(quotes, accounts):
    explorer = _explorer(quotes, accounts, plot=True)
    explorer.k1.value = 1
    assert explorer.effect is None and "k0 ≠ k1" in explorer.message
    assert explorer.ax_effect is None and explorer.ax_rates is not None
    explorer.k1.value = 3
    assert explorer.effect is not None and explorer.message == ""
    explorer.manager.value = "Jens Hagemann"
    explorer.abc.value = "A"
    explorer.offering.value = "Drives"
    view = explorer.quotes[explorer.quotes["outcome"] != "open"]
    assert 20 <= len(view) < 60
    absent = next(k for k in range(1, 7) if k not in set(view["followups"]))
    explorer.k1.value = absent  # no decided quote of this view has that many follow-ups
    assert explorer.effect is None and "No effect for this setting" in explorer.message
    assert f"followups = {absent}" in explorer.message


def test_explorer_errors(quotes):
    with pytest.raises(kamlab.MissingColumnError, match="no column 'nope'"):
        PipelineExplorer(quotes, covariates=["nope"], plot=False)
    with pytest.raises(kamlab.ParameterError, match="method must be one of"):
        PipelineExplorer(quotes, covariates=["fit"], method="ols", plot=False)
    with pytest.raises(kamlab.ParameterError, match="lang must be"):
        PipelineExplorer(quotes, covariates=["fit"], lang="fr", plot=False)
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        PipelineExplorer(quotes.to_dict(), covariates=["fit"])


def test_a_new_setting_is_estimated_in_the_background_and_then_drawn(quotes):
    # issue 15: an AIPW fit with its bootstrap takes seconds; the explorer says so at once and stays free
    explorer = _explorer(quotes, plot=True, background=True)
    assert explorer.background
    explorer.method.value = "aipw"  # a new fit
    assert "Estimating the effect (AIPW" in explorer._summary_view.value  # before any result
    assert explorer.effect.method == "ipw"
    explorer.wait()
    expected = kamlab.followup_effect(quotes, ["fit", "competitors"], levels=(1, 3), method="aipw",
                                      random_state=0, **FAST)
    assert explorer.effect.ate == expected.ate and explorer.effect.levels == (1, 3)
    line = next(ln for ln in explorer.ax_effect.lines if ln.get_gid() == "dose-response")
    assert list(line.get_ydata()) == expected.dose_response["mu"].tolist()
    assert explorer.ax_effect.get_title().startswith("1 → 3")
    assert "Effect of 3 instead of 1 follow-ups (AIPW" in explorer._summary_view.value
    # the neighbours of the new setting were computed ahead
    assert (ALL, ALL, ALL, "levels", (1, 4), "aipw") in explorer._cache
    assert (ALL, ALL, ALL, "levels", (2, 3), "aipw") in explorer._cache
    # another pair of counts uses the kept fit: answered at once, never "estimating"
    explorer.k1.value = 5
    assert explorer.effect.levels == (1, 5) and "Estimating" not in explorer._summary_view.value


def test_a_failed_background_estimate_shows_its_message(quotes, monkeypatch):
    explorer = _explorer(quotes, plot=True, background=True)

    def broken(*args, **kwargs):
        raise RuntimeError("the estimator broke")

    monkeypatch.setattr(project_widgets, "_level_fit", broken)
    explorer.method.value = "naive"  # a new fit
    explorer.wait()
    assert "the estimator broke" in explorer._summary_view.value


@pytest.mark.parametrize("method", ["aipw", "regression", "ipw", "naive"])
def test_each_pair_of_counts_equals_the_analysis_of_that_pair(quotes, accounts, method):
    """The effect taken from the kept fit is followup_effect's result for that pair, and the chart shows it."""
    explorer = _explorer(quotes, accounts, plot=True, method=method)
    explorer.offering.value = "Drives"
    drives = quotes[quotes["offering"] == "Drives"]
    for control, value in ((explorer.k1, 5), (explorer.k0, 0), (explorer.k1, 2), (explorer.k0, 4)):
        control.value = value
        pair = (explorer.k0.value, explorer.k1.value)
        expected = kamlab.followup_effect(drives, ["fit", "competitors"], levels=pair, method=method,
                                          random_state=0, **FAST)
        effect = explorer.effect
        assert effect.levels == pair
        assert [effect.ate, *effect.ci, effect.naive] == [expected.ate, *expected.ci, expected.naive]
        pd.testing.assert_frame_equal(effect.dose_response, expected.dose_response)
        if method != "naive":
            assert effect.overlap == expected.overlap
        # the chart: the effect's title over the dose response, the two groups' rates beside it
        assert explorer.ax_effect.get_title().startswith(f"{pair[0]} → {pair[1]}: ")
        line = next(ln for ln in explorer.ax_effect.lines if ln.get_gid() == "dose-response")
        assert list(line.get_ydata()) == expected.dose_response["mu"].tolist()
        decided = drives[drives["outcome"] != "open"]
        shares = [(decided.loc[decided["followups"] == k, "outcome"] == "won").mean() for k in sorted(pair)]
        heights = [p.get_height() for p in explorer.ax_rates.patches if p.get_gid() == "win_rate_bars"]
        assert heights == pytest.approx(shares)
        assert [t.get_text() for t in explorer.ax_rates.get_xticklabels()] == [str(k) for k in sorted(pair)]


def test_a_pair_from_a_kept_fit_keeps_the_overlap_note_of_its_own(quotes):
    """An overlap warning belongs to a pair: taken from a kept fit it is noted for that pair only."""
    explorer = _explorer(quotes, effect_options={**FAST, "overlap_share": 0.0, "overlap": (0.3, 0.7)})
    assert "Poor overlap" in explorer.message and "1 and 3 follow-ups" in explorer.message
    explorer.k1.value = 5
    assert "1 and 5 follow-ups" in explorer.message and "1 and 3 follow-ups" not in explorer.message
    strict = _explorer(quotes)
    strict.k1.value = 2
    assert "Poor overlap" not in strict.message


def _chart_of_rates(ax):
    """What a win-rate chart shows: bars, whiskers, caps, n labels, tick labels, title."""
    from matplotlib.container import ErrorbarContainer

    whiskers = next(c for c in ax.containers if isinstance(c, ErrorbarContainer))
    return {"bars": [p.get_height() for p in ax.patches if p.get_gid() == "win_rate_bars"],
            "whiskers": [np.asarray(s).tolist() for s in whiskers.lines[2][0].get_segments()],
            "caps": [np.asarray(c.get_ydata()).tolist() for c in whiskers.lines[1]],
            "n": [(t.get_text(), tuple(t.get_position())) for t in ax.texts if t.get_gid() == "win_rate_n"],
            "ticks": [t.get_text() for t in ax.get_xticklabels()], "title": ax.get_title()}


def test_a_move_changes_the_rates_in_place_as_a_new_chart_would_draw_them(quotes):
    """A k1 move puts the new rates into the kept chart: what it shows is what win_rate_chart draws anew, and the
    picture sent is the one a full draw gives."""
    from matplotlib.figure import Figure

    from kamlab.projects.plots import win_rate_chart
    from test_live import _Page, _pixels

    explorer = _explorer(quotes, plot=True)
    _Page(explorer.chart.figure.canvas)
    explorer.chart.redraw()
    ax = explorer.ax_rates
    draws = []
    explorer.chart.figure.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    for k1 in (4, 6, 2):
        explorer.k1.value = k1
        assert explorer.ax_rates is ax and not draws  # the same Axes, blitted, no full draw
        fresh = win_rate_chart(explorer.rates, ax=Figure().subplots())
        assert _chart_of_rates(ax) == _chart_of_rates(fresh)
        assert _chart_of_rates(ax)["ticks"] == ["1", str(k1)]
    blitted = _pixels(explorer.chart.figure).copy()
    explorer.chart.set_animated([])
    explorer.chart.figure.canvas._rendered = None
    explorer.chart.figure.canvas.draw()  # everything rendered by matplotlib
    assert np.array_equal(blitted, _pixels(explorer.chart.figure))
