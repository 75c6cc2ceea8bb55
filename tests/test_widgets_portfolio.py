"""Tests of the portfolio explorer's logic: set the controls' values, look at what it computed."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab._util import fastdraw
from kamlab.portfolios import ScoringModel
from kamlab.portfolios import widgets as portfolio_widgets
from kamlab.portfolios.widgets import PortfolioExplorer

ATTRACTIVENESS = {"c1": 0.5, "c2": 0.3, "c3": 0.2}
POSITION = {"p1": 0.6, "p2": 0.4}


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def accounts():
    """Eight hand-made accounts; the split is fixed at (5, 5).

    K1: attractiveness 0.5·9 + 0.3·2 + 0.2·2 = 5.5, so just attractive, and only through c1: when c2's
    weight rises to 0.7 (renormalised 0.5/1.4, 0.7/1.4, 0.2/1.4) it falls to (4.5 + 1.4 + 0.4) / 1.4 = 4.5
    and moves from Strategic to Status. K2 is clearly attractive and strong whatever the weights.
    K3: position 0.6·3 + 0.4·9 = 5.4, strong only through p2.
    """
    rng = np.random.default_rng(0)
    data = pd.DataFrame({
        "account_id": [f"K{i}" for i in range(1, 9)],
        "revenue": [500.0, 900.0, 300.0, 50.0, 120.0, 80.0, 60.0, 10.0],
        "c1": [9, 9, 8, 2, 3, 4, 6, 1],
        "c2": [2, 9, 8, 2, 3, 4, 6, 1],
        "c3": [2, 8, 8, 3, 2, 5, 7, 2],
        "p1": [8, 9, 3, 2, 7, 3, 4, 1],
        "p2": [8, 9, 9, 2, 7, 3, 5, 2],
    })
    data["name"] = [f"Firma {i}" for i in rng.permutation(8)]
    return data


def _explorer(accounts, **kwargs):
    kwargs.setdefault("plot", False)
    return PortfolioExplorer(accounts, ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION), split=(5, 5), **kwargs)


def test_controls_start_at_the_models_weights(accounts):
    explorer = _explorer(accounts)
    assert {c: s.value for c, s in explorer.attractiveness_weights.items()} == ATTRACTIVENESS
    assert {c: s.value for c, s in explorer.position_weights.items()} == POSITION
    assert all(not s.continuous_update for s in explorer.attractiveness_weights.values())
    assert explorer.vocabulary.value == "mcdonald" and explorer.language.value == "en"
    assert explorer.moved.empty


def test_wiring_every_control_reaches_the_placement(accounts, monkeypatch):
    calls = []
    original = portfolio_widgets.portfolio

    def spy(table, **kwargs):
        calls.append((table[["account_id", "attractiveness", "supplier_position"]].copy(), kwargs))
        return original(table, **kwargs)

    monkeypatch.setattr(portfolio_widgets, "portfolio", spy)
    explorer = _explorer(accounts)
    assert calls[-1][1]["split"] == (5, 5) and calls[-1][1]["size"] == "revenue"
    explorer.attractiveness_weights["c1"].value = 0.9
    explorer.attractiveness_weights["c3"].value = 0.0  # 0.9, 0.3, 0: sums to 1.2, renormalised to 0.75, 0.25, 0
    explorer.position_weights["p2"].value = 0.75
    scores = calls[-1][0].set_index("account_id")
    # K1 by hand: attractiveness 0.75·9 + 0.25·2 = 7.25; position (0.6·8 + 0.75·8) / 1.35 = 8
    assert scores.loc["K1", "attractiveness"] == pytest.approx(7.25)
    assert scores.loc["K1", "supplier_position"] == pytest.approx(8.0)
    explorer.vocabulary.value = "dpm"
    assert calls[-1][1]["labels"] == "dpm"
    assert explorer.result.set_index("account_id").loc["K1", "attractiveness"] == pytest.approx(7.25)
    assert explorer.models[0].weights == pytest.approx({"c1": 0.75, "c2": 0.25, "c3": 0.0})
    assert sum(explorer.models[1].weights.values()) == pytest.approx(1.0)


def test_an_account_known_to_flip_appears_in_moved(accounts):
    explorer = _explorer(accounts)
    start = explorer.result.set_index("account_id")["quadrant"]
    assert start["K1"] == "Strategic" and start["K3"] == "Strategic"
    explorer.attractiveness_weights["c2"].value = 0.7
    assert explorer.result.set_index("account_id").loc["K1", "attractiveness"] == pytest.approx(4.5)
    moved = explorer.moved.set_index("account_id")
    assert "K1" in moved.index and "K2" not in moved.index
    assert (moved.loc["K1", "from_quadrant"], moved.loc["K1", "to_quadrant"]) == ("Strategic", "Status")
    # moved = every account whose quadrant differs from the start, biggest first
    now = explorer.result.set_index("account_id")["quadrant"]
    assert set(moved.index) == set(now.index[now.astype(str) != start.astype(str)])
    assert explorer.moved["revenue"].is_monotonic_decreasing
    # moving the weight back returns K1; then p1 up: K3 (strong only through p2) loses its position
    explorer.attractiveness_weights["c2"].value = 0.3
    assert explorer.moved.empty
    explorer.position_weights["p1"].value = 1.0  # K3: (3·1 + 9·0.4) / 1.4 = 4.71 < 5
    moved = explorer.moved.set_index("account_id")
    assert moved.loc["K3", "to_quadrant"] == "Star"


def test_reset_restores_the_start_in_one_update(accounts):
    explorer = _explorer(accounts)
    explorer.attractiveness_weights["c2"].value = 0.7
    explorer.position_weights["p1"].value = 0.1
    calls = []
    original = explorer._place
    explorer._place = lambda *args: calls.append(args) or original(*args)
    explorer._settings.clear()  # the start is placed again, not taken from the settings kept
    explorer.reset.click()
    assert len(calls) == 1
    assert {c: s.value for c, s in explorer.attractiveness_weights.items()} == ATTRACTIVENESS
    assert explorer.moved.empty


def test_vocabulary_switch_changes_the_quadrant_names_not_the_placement(accounts):
    explorer = _explorer(accounts)
    explorer.attractiveness_weights["c2"].value = 0.7
    before = explorer.result.copy()
    explorer.vocabulary.value = "de"
    names = explorer.result.set_index("account_id")["quadrant"].astype(str)
    assert names["K2"] == "Starkunden" and names["K1"] == "Ertragskunden"
    assert explorer.result["strategy"].iloc[1] == "Position halten und ausbauen"
    assert (explorer.result["attractive"] == before["attractive"]).all()
    moved = explorer.moved.set_index("account_id")
    assert (moved.loc["K1", "from_quadrant"], moved.loc["K1", "to_quadrant"]) == ("Starkunden", "Ertragskunden")
    explorer.vocabulary.value = "dpm"
    assert explorer.result.set_index("account_id").loc["K2", "quadrant"] == "Invest for growth"


def test_language_switch_changes_the_labels_but_not_kamlabs_language(accounts):
    explorer = _explorer(accounts, plot=True)
    assert explorer.ax.get_xlabel() == "Supplier position"
    assert explorer.attractiveness_weights["c1"].description == "C1"
    explorer.language.value = "de"
    assert explorer.ax.get_xlabel() == "Lieferantenposition"
    assert explorer.ax.get_ylabel() == "Kundenattraktivität"
    assert explorer.reset.description == "Gewichte zurücksetzen"
    assert kamlab.get_language() == "en"
    explorer.language.value = "en"
    assert explorer.ax.get_xlabel() == "Supplier position"


def test_language_starts_from_kamlabs_language(accounts):
    with kamlab.language("de"):
        explorer = _explorer(accounts)
    assert explorer.language.value == "de"
    assert _explorer(accounts, lang="en").language.value == "en"


def test_the_matrix_names_the_biggest_accounts_and_the_moved_table_speaks_german(accounts):
    explorer = _explorer(accounts, plot=True, label_top=2, label_col="name", lang="de")
    names = sorted(t.get_text() for t in explorer.ax.texts if t.get_gid() == "account-label")
    biggest = accounts.nlargest(2, "revenue")["name"]
    assert names == sorted(biggest)
    explorer.attractiveness_weights["c2"].value = 0.7
    table = explorer.moved_table()
    assert list(table.columns) == ["Kundennummer", "Name", "Umsatz", "Von", "Nach"]
    assert "Beziehungsebene" not in explorer.weights_text()
    assert explorer.weights_text().startswith("Kundenattraktivität: C1 36 % · C2 50 % · C3 14 %")


def test_all_weights_zero_keeps_the_last_result_and_says_why(accounts):
    explorer = _explorer(accounts)
    explorer.position_weights["p1"].value = 0.0
    kept = explorer.result.copy()
    explorer.position_weights["p2"].value = 0.0
    assert "All weights of the Supplier position model are 0" in explorer.message
    pd.testing.assert_frame_equal(explorer.result, kept)
    explorer.position_weights["p2"].value = 0.5
    assert explorer.message == ""


def test_hierarchical_models_keep_their_groups(accounts):
    attractiveness = ScoringModel({"market": (0.6, {"c1": 0.5, "c2": 0.5}), "fit": (0.4, {"c3": 1.0})})
    explorer = PortfolioExplorer(accounts, attractiveness, ScoringModel(POSITION), split=(5, 5), plot=False)
    assert {c: s.value for c, s in explorer.attractiveness_weights.items()} == pytest.approx(
        {"c1": 0.3, "c2": 0.3, "c3": 0.4}
    )
    explorer.attractiveness_weights["c3"].value = 0.2  # effective 0.3/0.3/0.2 -> 0.375/0.375/0.25
    assert explorer.models[0].hierarchical
    assert explorer.models[0].weights == pytest.approx({"c1": 0.375, "c2": 0.375, "c3": 0.25})
    # K1 by hand: 0.375·9 + 0.375·2 + 0.25·2 = 4.625
    assert explorer.result.set_index("account_id").loc["K1", "attractiveness"] == pytest.approx(4.625)


def test_explorer_errors(accounts):
    with pytest.raises(kamlab.ParameterError, match="ScoringModel"):
        PortfolioExplorer(accounts, ATTRACTIVENESS, ScoringModel(POSITION))
    with pytest.raises(kamlab.ParameterError, match="labels must be one of"):
        _explorer(accounts, labels="bcg")
    with pytest.raises(kamlab.ParameterError, match="lang must be"):
        _explorer(accounts, lang="fr")
    with pytest.raises(kamlab.MissingColumnError):
        PortfolioExplorer(accounts.drop(columns="p2"), ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION))


def _placed_by_hand(explorer, accounts, c2):
    """kamlab.portfolio of the accounts scored by hand with c2's weight changed (renormalised); the explorer's
    result must be it."""
    table = accounts.copy()
    table["attractiveness"] = (0.5 * accounts["c1"] + c2 * accounts["c2"] + 0.2 * accounts["c3"]) / (0.7 + c2)
    table["supplier_position"] = 0.6 * accounts["p1"] + 0.4 * accounts["p2"]
    expected = kamlab.portfolio(table, x="supplier_position", y="attractiveness", size="revenue", split="median")
    np.testing.assert_allclose(explorer.result["attractiveness"], expected["attractiveness"], atol=1e-12)
    assert explorer.result["quadrant"].astype(str).tolist() == expected["quadrant"].astype(str).tolist()
    return expected


def test_a_weight_moves_the_bubbles_in_place(accounts):
    explorer = PortfolioExplorer(accounts, ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION), label_col="name",
                                 label_top=3, split="median")
    ax, draws = explorer.ax, explorer.chart.draws
    explorer.attractiveness_weights["c2"].value = 0.7
    # the result is the analysis function's: scored by hand (weights renormalised), placed by kamlab.portfolio
    expected = _placed_by_hand(explorer, accounts, c2=0.7)
    # the chart shows it: the same Axes, drawn once more, bubbles at the new scores (biggest first), splits moved
    assert explorer.ax is ax and explorer.chart.draws == draws + 1
    bubbles = next(c for c in ax.collections if c.get_gid() == "accounts")
    order = np.argsort(-accounts["revenue"].to_numpy(), kind="stable")
    np.testing.assert_allclose(bubbles.get_offsets(),
                               expected[["supplier_position", "attractiveness"]].to_numpy()[order])
    vertical, horizontal = (line for line in ax.lines if line.get_gid() == "split")
    assert vertical.get_xdata()[0] == pytest.approx(expected["supplier_position"].median())
    assert horizontal.get_ydata()[0] == pytest.approx(expected["attractiveness"].median())
    names = sorted(t.get_text() for t in ax.texts if t.get_gid() == "account-label")
    assert names == sorted(accounts.nlargest(3, "revenue")["name"])
    # each bubble in its quadrant's colour (the kamlab colour of the quadrant portfolio() gave it)
    from matplotlib.colors import to_rgba

    from kamlab.portfolios.plots import QUADRANT_COLORS

    quadrants = [name for name, _ in kamlab.portfolios.VOCABULARIES["mcdonald"]]
    colours = [to_rgba(QUADRANT_COLORS[quadrants.index(q)], 0.7) for q in expected["quadrant"].astype(str)]
    np.testing.assert_allclose(bubbles.get_facecolors(), np.array(colours)[order])


def test_names_are_placed_as_when_every_place_is_measured_anew(accounts):
    """The boxes a name takes beside its bubble are measured once per Axes and kept: a move places the names where
    measuring every place again puts them."""

    def names(explorer):
        return [(t.get_text(), t.xy, t.xyann, t.get_ha(), t.get_va(), t.arrow_patch is not None)
                for t in explorer.ax.texts if t.get_gid() == "account-label"]

    kept, fresh = _explorer(accounts, plot=True), _explorer(accounts, plot=True)
    assert names(kept) and names(kept) == names(fresh)
    for value in (0.9, 0.1, 0.55, 0.0):
        for explorer in (kept, fresh):
            explorer.ax._kamlab_label_boxes = None if explorer is fresh else explorer.ax._kamlab_label_boxes
            explorer.attractiveness_weights["c2"].value = value
        assert len(kept.ax._kamlab_label_boxes[2]) > 0
        assert names(kept) == names(fresh)
        # each name beside its account's bubble at the account's new scores
        where = kept.result.set_index(kept.label_col)[["supplier_position", "attractiveness"]]
        for text, xy, *_ in names(kept):
            assert xy == pytest.approx(tuple(where.loc[text]))


def test_the_weights_one_step_away_are_computed_ahead_as_the_analysis_gives_them(accounts):
    """Issue 15: after a move the settings one step of the moved slider either side are placed in the background;
    moving there shows them (no placement in the move), and they are kamlab.portfolio's result."""
    explorer = PortfolioExplorer(accounts, ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION), label_col="name",
                                 split="median")
    explorer.AHEAD_AFTER = 0.0
    slider = explorer.attractiveness_weights["c2"]
    slider.value = 0.5
    explorer._jobs.wait()
    up, down = ({"c1": 0.5, "c2": c2, "c3": 0.2} for c2 in (0.51, 0.49))
    assert {explorer._key((up, POSITION)), explorer._key((down, POSITION))} <= set(explorer._settings)
    placements = []
    original = explorer._place
    explorer._place = lambda *args: placements.append(args) or original(*args)
    slider.value = 0.51
    assert placements == []  # computed ahead
    expected = _placed_by_hand(explorer, accounts, c2=0.51)
    assert explorer.models[0].weights == pytest.approx({"c1": 0.5 / 1.21, "c2": 0.51 / 1.21, "c3": 0.2 / 1.21})
    # the chart and the texts show it
    bubbles = next(c for c in explorer.ax.collections if c.get_gid() == "accounts")
    order = np.argsort(-accounts["revenue"].to_numpy(), kind="stable")
    np.testing.assert_allclose(bubbles.get_offsets(), expected[["supplier_position", "attractiveness"]].to_numpy()[order])
    assert "C1 41 % · C2 42 % · C3 17 %" in explorer._notes.value
    # a language switch is another setting: the texts are not those kept for English
    explorer.language.value = "de"
    assert "Verwendete Gewichte" in explorer._notes.value


class _Page:
    """What ipympl's page does with the chart's canvas, as far as the kernel sees it: it shows it, receives images."""

    def __init__(self, canvas):
        self.images = []
        canvas.manager.web_sockets.add(self) if hasattr(canvas.manager.web_sockets, "add") \
            else canvas.manager.web_sockets.append(self)
        canvas._handle_message(canvas, {"type": "initialized"}, [])

    def send_binary(self, data):
        self.images.append(data)

    def send_json(self, content):
        pass


def _full_draw(explorer):
    """The live chart as matplotlib draws the whole figure (nothing animated, no kept picture or sprite)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    explorer.chart.set_animated([])
    FigureCanvasAgg.draw(explorer.chart.figure.canvas)
    return np.asarray(explorer.chart.figure.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_step_computed_ahead_shows_the_picture_rendered_ahead_which_is_matplotlibs_full_draw(accounts, lang):
    """Issue 15: the picture of a setting one step away is rendered in the worker on a copy of the chart; the move
    sends it (nothing drawn in the move), and it is the picture a full matplotlib draw of the moved chart gives."""
    import io

    from PIL import Image

    explorer = PortfolioExplorer(accounts, ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION), label_col="name",
                                 label_top=3, split="median", lang=lang)
    explorer.AHEAD_AFTER = 0.0
    canvas = explorer.chart.figure.canvas
    page = _Page(canvas)
    canvas.draw()  # the page asks for the first picture
    slider = explorer.attractiveness_weights["c2"]
    slider.value = 0.5  # the first move: drawn here (nothing was computed ahead)
    explorer._jobs.wait()
    up = explorer._key(({"c1": 0.5, "c2": 0.51, "c3": 0.2}, POSITION))
    down = explorer._key(({"c1": 0.5, "c2": 0.49, "c3": 0.2}, POSITION))
    assert explorer._frames.get(up) is not None and explorer._frames.get(down) is not None
    drawn, draws, sent = [], explorer.chart.draws, len(page.images)
    original = explorer.chart._draw_animated
    explorer.chart._draw_animated = lambda: drawn.append(1) or original()
    slider.value = 0.51
    assert drawn == [] and explorer.chart.draws == draws + 1 and len(page.images) == sent + 1
    shown = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    # the chart's artists show the setting (the analysis function's placement) ...
    expected = _placed_by_hand(explorer, accounts, c2=0.51)
    bubbles = next(c for c in explorer.ax.collections if c.get_gid() == "accounts")
    order = np.argsort(-accounts["revenue"].to_numpy(), kind="stable")
    np.testing.assert_allclose(bubbles.get_offsets(), expected[["supplier_position", "attractiveness"]].to_numpy()[order])
    # ... the page got the pixels that changed, and the picture is matplotlib's full draw of them, pixel for pixel
    diff = np.asarray(Image.open(io.BytesIO(page.images[-1])).convert("RGBA"))
    changed = diff[..., 3] > 0
    assert changed.sum() > 100 and np.array_equal(diff[changed], shown[changed])
    assert np.array_equal(shown, _full_draw(explorer))
    # the next step's image was encoded ahead too, against this picture: the move sends those bytes, which are
    # the diff image the canvas encodes itself
    explorer._jobs.wait()
    further = explorer._frames.get(explorer._key(({"c1": 0.5, "c2": 0.52, "c3": 0.2}, POSITION)))
    assert further is not None and further[3] is not None
    slider.value = 0.52
    assert page.images[-1] is further[3][2]
    canvas._last_buff = further[3][0]  # the page's picture before the step: the canvas encodes the step itself
    canvas._png_is_old = True
    assert canvas.get_diff_image() == page.images[-1]
    assert np.array_equal(np.asarray(canvas.get_renderer().buffer_rgba()), _full_draw(explorer))


def test_pictures_rendered_ahead_are_not_shown_after_the_chart_was_drawn_anew(accounts):
    explorer = PortfolioExplorer(accounts, ScoringModel(ATTRACTIVENESS), ScoringModel(POSITION), label_col="name",
                                 label_top=3, split="median")
    explorer.AHEAD_AFTER = 0.0
    _Page(explorer.chart.figure.canvas)
    slider = explorer.attractiveness_weights["c2"]
    slider.value = 0.5
    explorer._jobs.wait()
    up = explorer._key(({"c1": 0.5, "c2": 0.51, "c3": 0.2}, POSITION))
    assert explorer._frames.get(up) is not None
    explorer.vocabulary.value = "de"  # drawn anew (other quadrant names): the English picture is not this chart's
    explorer.vocabulary.value = "mcdonald"  # again a new layout
    explorer._jobs.wait()
    assert explorer._frames.get(up) is None
    slider.value = 0.51  # drawn in the move, as matplotlib draws it
    shown = np.asarray(explorer.chart.figure.canvas.get_renderer().buffer_rgba()).copy()
    assert [t.get_text() for t in explorer.ax.texts if t.get_gid() == "quadrant-name"][0] == "Strategic"
    full = _full_draw(explorer)
    assert np.abs(shown.astype(int) - full).mean() < 0.5  # the names as text sprites (tests/test_live.py)


def test_texts_drawn_again_at_the_same_place_are_matplotlibs_pixels():
    """The copy's renderer draws a text seen before at the same place from the glyph images kept: the same pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def build(figure):
        ax = figure.subplots()
        ax.scatter([0.2, 0.8], [0.8, 0.2], s=900, c=["C0", "C1"], alpha=0.7)
        ax.annotate("Strategic", (0.985, 0.985), xycoords="axes fraction", ha="right", va="top", fontsize=10,
                    fontweight="bold", color="#009E73", bbox={"boxstyle": "round,pad=0.25", "facecolor": "white",
                                                              "alpha": 0.8, "edgecolor": "none"})
        ax.text(0.1, 0.1, "Kundenattraktivität\nzwei Zeilen", fontsize=7)
        ax.text(0.5, 0.5, r"$x^2$")  # mathtext: drawn by matplotlib each time
        return figure

    def render(replay):
        figure = build(Figure(figsize=(4, 3), dpi=100))
        canvas = FigureCanvasAgg(figure)
        kept = fastdraw.TextReplay(canvas.get_renderer()) if replay else None
        canvas.draw()
        return figure, canvas, kept

    import matplotlib

    plain = np.asarray(render(False)[1].buffer_rgba()).copy()
    figure, canvas, replay = render(True)
    assert np.array_equal(np.asarray(canvas.buffer_rgba()), plain)
    if tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) < (3, 11):
        # matplotlib 3.9/3.10 hand the renderer a font, not glyph images: nothing is kept, matplotlib draws each time
        assert replay._kept == {}
        canvas.draw()
        assert np.array_equal(np.asarray(canvas.buffer_rgba()), plain)
        return
    assert len(replay._kept) > 0 and not any("$" in key[0] for key in replay._kept)
    calls = []
    original = replay._draw_text
    replay._draw_text = lambda *args, **kwargs: calls.append(args[3]) or original(*args, **kwargs)
    canvas.draw()  # the same texts at the same places: from the images kept (only the mathtext drawn again)
    assert calls == [r"$x^2$"]
    assert np.array_equal(np.asarray(canvas.buffer_rgba()), plain)
