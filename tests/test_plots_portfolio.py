"""Tests of the portfolio charts: they draw exactly the numbers kamlab computed (asserted on the artists)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.portfolios.plots import (
    QUADRANT_COLORS,
    bubble_areas,
    criterion_contributions,
    portfolio_matrix,
    sensitivity_chart,
)
from kamlab.portfolios import VOCABULARIES, ScoringModel, portfolio, weight_sensitivity


pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def placed():
    # K1..K4 one per quadrant at split (5, 5); K5 is the biggest, K6 has a negative DB-like size
    scores = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5", "K6"],
        "name": ["Alpha GmbH", "Beta AG", "Gamma KG", "Delta SE", "Epsilon Werke GmbH & Co. KG", "Zeta"],
        "supplier_position": [8.0, 3.0, 7.0, 2.0, 9.0, 4.0],
        "attractiveness": [9.0, 8.0, 2.0, 3.0, 7.0, 4.0],
        "revenue": [400.0, 100.0, 250.0, 50.0, 800.0, -20.0],
    })
    return portfolio(scores, size="revenue", split=(5, 5))


def _new_ax():
    return plt.subplots()[1]


def _by_gid(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_bubbles_sit_at_the_scores_and_grow_with_size(placed):
    fig, ax = plt.subplots()
    assert portfolio_matrix(placed, size="revenue", ax=ax) is ax
    bubbles = [c for c in ax.collections if c.get_gid() == "accounts"]
    assert len(bubbles) == 1
    offsets, areas = bubbles[0].get_offsets(), bubbles[0].get_sizes()
    # drawn biggest first: K5, K1, K3, K2, K4, K6
    order = placed["revenue"].sort_values(ascending=False).index
    assert np.allclose(offsets[:, 0], placed.loc[order, "supplier_position"])
    assert np.allclose(offsets[:, 1], placed.loc[order, "attractiveness"])
    assert np.all(np.diff(areas) <= 0)  # areas fall with revenue
    assert areas[0] == pytest.approx(800) and areas[1] == pytest.approx(400)  # area proportional to revenue
    assert areas[-1] == pytest.approx(8)  # the negative value gets the smallest bubble, still visible
    assert ax.get_xlabel() == "Supplier position" and ax.get_ylabel() == "Customer attractiveness"


def test_bubble_colours_follow_the_quadrants(placed):
    ax = portfolio_matrix(placed, size="revenue", ax=_new_ax())
    bubbles = ax.collections[0]
    order = placed["revenue"].sort_values(ascending=False).index
    names = [name for name, _ in VOCABULARIES["mcdonald"]]
    expected = [QUADRANT_COLORS[names.index(q)] for q in placed.loc[order, "quadrant"].astype(str)]
    from matplotlib.colors import to_rgb

    assert [tuple(np.round(c[:3], 4)) for c in bubbles.get_facecolors()] == [
        tuple(np.round(to_rgb(c), 4)) for c in expected
    ]


def test_split_lines_are_at_the_portfolio_split(placed):
    moved = placed.copy()
    moved.attrs = dict(placed.attrs, split=(5.5, 4.25))
    ax = portfolio_matrix(moved, ax=_new_ax())
    lines = [line for line in ax.lines if line.get_gid() == "split"]
    assert len(lines) == 2
    assert lines[0].get_xdata()[0] == 5.5 and lines[1].get_ydata()[0] == 4.25


@pytest.mark.parametrize("vocabulary", list(VOCABULARIES))
def test_quadrant_names_and_strategies_in_the_vocabulary(placed, vocabulary):
    data = placed.drop(columns=["attractive", "strong", "quadrant", "strategy"])
    ax = portfolio_matrix(portfolio(data, split=(5, 5), labels=vocabulary), ax=_new_ax())
    assert _by_gid(ax, "quadrant-name") == [name for name, _ in VOCABULARIES[vocabulary]]
    strategies = [" ".join(t.split()) for t in _by_gid(ax, "quadrant-strategy")]
    assert strategies == [strategy for _, strategy in VOCABULARIES[vocabulary]]  # wrapped, not changed
    # the attractive & strong quadrant's name sits in the top right corner
    name = next(t for t in ax.texts if t.get_gid() == "quadrant-name")
    assert name.xy == pytest.approx((0.985, 0.985))
    assert not _by_gid(portfolio_matrix(portfolio(data, split=(5, 5)), strategies=False, ax=_new_ax()), "quadrant-strategy")


def test_the_biggest_accounts_are_named(placed):
    ax = portfolio_matrix(placed, size="revenue", label_top=3, ax=_new_ax())
    assert sorted(_by_gid(ax, "account-label")) == ["K1", "K3", "K5"]
    ax = portfolio_matrix(placed, size="revenue", label_top=2, label_col="name", label_chars=12, ax=_new_ax())
    assert sorted(_by_gid(ax, "account-label")) == ["Alpha GmbH", "Epsilon Wer…"]
    labels = {t.get_text(): t for t in ax.texts if t.get_gid() == "account-label"}
    assert labels["Alpha GmbH"].xy == (8.0, 9.0)  # the name points at its bubble
    # without a size: the most attractive ones, all bubbles equal
    ax = portfolio_matrix(placed, label_top=2, ax=_new_ax())
    assert sorted(_by_gid(ax, "account-label")) == ["K1", "K2"]
    assert len(set(ax.collections[0].get_sizes())) == 1
    assert not _by_gid(portfolio_matrix(placed, label_top=0, ax=_new_ax()), "account-label")


def test_size_legend_names_the_column_and_round_values(placed):
    ax = portfolio_matrix(placed, size="revenue", ax=_new_ax())
    legend = ax.get_legend()
    assert "Revenue" in legend.get_title().get_text()
    assert [t.get_text() for t in legend.get_texts()] == ["800", "200", "40"]


def test_portfolio_matrix_in_german(placed):
    with kamlab.language("de"):
        ax = portfolio_matrix(portfolio(placed[["account_id", "supplier_position", "attractiveness", "revenue"]],
                                        size="revenue", split=(5, 5), labels="de"), size="revenue")
    assert ax.get_xlabel() == "Lieferantenposition" and ax.get_ylabel() == "Kundenattraktivität"
    assert _by_gid(ax, "quadrant-name") == ["Starkunden", "Fragezeichenkunden", "Ertragskunden", "Mitnahmekunden"]
    assert ax.get_legend().get_title().get_text() == "Blasengröße:\nUmsatz"
    assert kamlab.get_language() == "en"


def test_portfolio_matrix_takes_the_axes_of_the_sensitivity_frame():
    # weight_sensitivity's frame calls the horizontal axis 'position': attrs name the columns
    data = pd.DataFrame({"account_id": ["K1", "K2"], "position": [2.0, 8.0], "attractiveness": [3.0, 7.0]})
    ax = portfolio_matrix(portfolio(data, x="position", split=(5, 5)))
    assert np.allclose(ax.collections[0].get_offsets(), [[2, 3], [8, 7]])
    assert ax.get_xlabel() == "Supplier position"


def test_portfolio_matrix_errors(placed):
    plain = pd.DataFrame(placed)
    plain.attrs = {}
    with pytest.raises(kamlab.ParameterError, match="output of kamlab.portfolio"):
        portfolio_matrix(plain)
    with pytest.raises(kamlab.MissingColumnError, match="'wallet'"):
        portfolio_matrix(placed, size="wallet")


def test_bubble_areas():
    assert bubble_areas([2.0, 1.0, 0.5], sizes=(1, 100)).tolist() == [100, 50, 25]
    assert bubble_areas([0.0, -1.0], sizes=(5, 100)).tolist() == [5, 5]


# ----------------------------------------------------------------------------- contributions
WEIGHTS = {"growth_potential": 0.25, "cooperation_potential": 0.30, "price_enforcement": 0.20,
           "reference_value": 0.15, "solvency": 0.10}


@pytest.fixture
def rated():
    return pd.DataFrame(
        {"growth_potential": [8, 6, 3], "cooperation_potential": [5, 9, 4], "price_enforcement": [7, 7, 2],
         "reference_value": [6, 8, 5], "solvency": [9, 5, 6]},
        index=pd.Index(["Kunde A", "Kunde B", "Kunde C"], name="account"),
    )


def test_contribution_bars_stack_the_weighted_scores(rated):
    scores = ScoringModel(WEIGHTS).score(rated)
    fig, ax = plt.subplots()
    assert criterion_contributions(scores, accounts=["Kunde A", "Kunde B"], ax=ax) is ax
    assert len(ax.containers) == 5
    widths = np.array([[bar.get_width() for bar in container] for container in ax.containers])
    lefts = np.array([[bar.get_x() for bar in container] for container in ax.containers])
    # Kunde A: 0.25*8, 0.30*5, 0.20*7, 0.15*6, 0.10*9
    assert widths[:, 0] == pytest.approx([2.0, 1.5, 1.4, 0.9, 0.9])
    assert widths.sum(axis=0) == pytest.approx([6.70, 7.30])  # the bars' lengths are the totals
    assert lefts[:, 0] == pytest.approx([0, 2.0, 3.5, 4.9, 5.8])  # stacked end to end
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kunde A", "Kunde B"]
    ys = [container[0].get_y() + container[0].get_height() / 2 for container in ax.containers]
    assert set(ys) == {0.0} and ax.get_ylim()[0] > ax.get_ylim()[1]  # the first account on top
    assert [t.get_text() for t in ax.texts if t.get_gid() == "total"] == ["6.70", "7.30"]
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "Growth potential"


def test_contributions_default_to_the_highest_totals(rated):
    scores = ScoringModel(WEIGHTS).score(rated)
    ax = criterion_contributions(scores, top=2)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Kunde B", "Kunde A"]


def test_contributions_of_a_hierarchical_model_need_the_criteria(rated):
    model = ScoringModel({
        "market": (0.6, {"growth_potential": 0.5, "reference_value": 0.25, "solvency": 0.25}),
        "relationship": (0.4, {"cooperation_potential": 0.5, "price_enforcement": 0.5}),
    })
    scores = model.score(rated)
    with pytest.raises(kamlab.ParameterError, match="pass criteria=model"):
        criterion_contributions(scores)
    ax = criterion_contributions(scores, criteria=model, accounts=["Kunde A"])
    widths = [container[0].get_width() for container in ax.containers]
    # market 0.6 × (0.5·8 + 0.25·6 + 0.25·9) + relationship 0.4 × (0.5·5 + 0.5·7) = 4.65 + 2.4 = 7.05
    assert sum(widths) == pytest.approx(7.05)
    assert widths == pytest.approx([0.3 * 8, 0.15 * 6, 0.15 * 9, 0.2 * 5, 0.2 * 7])


def test_contributions_in_german_and_errors(rated):
    scores = ScoringModel(WEIGHTS).score(rated)
    with kamlab.language("de"):
        ax = criterion_contributions(scores)
    assert ax.get_xlabel() == "Gewichteter Beitrag zum Punktwert"
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "Bonität"
    assert [t.get_text() for t in ax.texts if t.get_gid() == "total"][0] == "7,30"
    with pytest.raises(kamlab.ParameterError, match="not in the scores' index"):
        criterion_contributions(scores, accounts=[0])


# ----------------------------------------------------------------------------- sensitivity
@pytest.fixture
def sensitivity():
    # as in test_portfolio: K1 is attractive only through c1 and flips when c1 loses 20 %
    data = pd.DataFrame({
        "account_id": ["K1", "K2", "K3"],
        "c1": [10.0, 9.0, 1.0], "c2": [1.0, 9.0, 2.0],
        "p1": [9.0, 9.0, 1.0], "p2": [9.0, 9.0, 1.0],
    })
    return weight_sensitivity(data, ScoringModel({"c1": 0.5, "c2": 0.5}), ScoringModel({"p1": 0.5, "p2": 0.5}),
                              delta=0.2, split=(5, 5.5))


def test_intervals_go_from_min_to_max_with_the_base_as_a_dot(sensitivity):
    fig, ax = plt.subplots()
    assert sensitivity_chart(sensitivity, ax=ax, split=5.5) is ax
    ranges = next(c for c in ax.collections if c.get_gid() == "ranges")
    dots = next(c for c in ax.collections if c.get_gid() == "base")
    table = sensitivity.sort_values("rank")  # default: the best ranks first (K2, K1, K3)
    assert [t.get_text() for t in ax.get_yticklabels()] == table["account_id"].tolist()
    segments = ranges.get_segments()
    assert [s[0][0] for s in segments] == pytest.approx(table["attractiveness_min"].tolist())
    assert [s[1][0] for s in segments] == pytest.approx(table["attractiveness_max"].tolist())
    assert [s[0][1] for s in segments] == [0, 1, 2]
    assert list(dots.get_offsets()[:, 0]) == pytest.approx(table["attractiveness"].tolist())
    # K1 flips: red, and named with the quadrant it moves to
    colors = [tuple(np.round(c[:3], 3)) for c in ranges.get_colors()]
    assert colors[1] != colors[0] and colors[0] == colors[2]
    assert [t.get_text() for t in ax.texts if t.get_gid() == "moves-to"] == ["→ Status"]
    assert [line.get_xdata()[0] for line in ax.lines if line.get_gid() == "split"] == [5.5]
    # room for the names of the quadrants on the right: the axis ends beyond the highest value
    assert ax.get_xlim()[1] > table["attractiveness_max"].max() + 0.2 * (9.0 - 1.5)


def test_rank_and_position_intervals(sensitivity):
    ax = sensitivity_chart(sensitivity, value="rank", accounts=["K3", "K1"])
    segments = ax.collections[0].get_segments()
    table = sensitivity.set_index("account_id").loc[["K3", "K1"]]
    assert [s[0][0] for s in segments] == table["rank_best"].tolist()
    assert [s[1][0] for s in segments] == table["rank_worst"].tolist()
    assert ax.get_xlabel() == "Rank (1 = most attractive)"
    plt.close("all")
    ax = sensitivity_chart(sensitivity, value="position", top=2)
    assert [s[1][0] for s in ax.collections[0].get_segments()] == pytest.approx(
        sensitivity.sort_values("rank")["position_max"].head(2).tolist()
    )


def test_sensitivity_chart_in_german_and_errors(sensitivity):
    with kamlab.language("de"):
        ax = sensitivity_chart(sensitivity)
    assert ax.get_xlabel() == "Kundenattraktivität"
    assert ax.get_legend().get_title().get_text() == "Spannweite über die Gewichtsszenarien"
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "Wechselt den Quadranten"
    with pytest.raises(kamlab.ParameterError, match="value must be one of"):
        sensitivity_chart(sensitivity, value="total")
    with pytest.raises(kamlab.ParameterError, match="'K9'"):
        sensitivity_chart(sensitivity, accounts=["K9"])
