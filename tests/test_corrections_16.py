"""Corrections of issue 16, section 4: terms, the portfolio vocabularies, chart legibility, printed numbers."""

import kamlab
from kamlab._util.labels import label


# ----------------------------------------------------------------------------- terms (items 2-4)
def test_cascade_terms_in_both_languages():
    with kamlab.language("de"):
        assert label("net_revenue") == "Nettoerlös"  # = fakturierter Umsatz − Erlösschmälerungen
        assert label("discounts_rebates") == "Nachträgliche Erlösschmälerungen (Boni)"
        assert label("cost") == "(Standard-)Herstellkosten"
        german = [label(k) for k in ("net_revenue", "discounts_rebates", "cost", "net_revenue_after_rebates")]
    with kamlab.language("en"):
        assert label("net_revenue") == "Net revenue"
        assert label("discounts_rebates") == "Year-end bonuses"
        assert label("cost") == "Manufacturing cost (standard)"
    # the terms the review found ambiguous or wrong are gone from the labels
    assert not any(word in text for text in german for word in ("Nettoumsatz", "Bruttoumsatz", "Wareneinsatz"))


def test_cascade_docstring_states_the_terms():
    from kamlab.data import cascade

    doc = cascade.contribution_cascade.__doc__
    assert "fakturierter Umsatz" in doc and "Erlösschmälerungen" in doc and "Nettoerlös" in doc
    assert "nachträgliche Erlösschmälerungen (Boni)" in doc
    assert "Wareneinsatz" not in doc and "manufacturing cost" in doc


def test_key_account_definition_names_target_figures():
    from kamlab.identify import abc, keylist

    for text in (abc.__doc__, abc.key_account_candidates.__doc__, keylist.__doc__):
        assert "50–60 %" in text and "target" in text


# ----------------------------------------------------------------------------- the portfolio vocabularies (item 5, 10)
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kamlab.portfolios import VOCABULARIES, portfolio  # noqa: E402
from kamlab.portfolios.matrix import FALSE_FRIENDS, vocabulary_table  # noqa: E402

# one account per quadrant: (supplier position, attractiveness) with the split at (5, 5)
_CORNER_SCORES = pd.DataFrame({"account_id": ["AS", "AW", "US", "UW"],
                               "supplier_position": [8.0, 2.0, 8.0, 2.0], "attractiveness": [8.0, 8.0, 2.0, 2.0]})


@pytest.mark.parametrize("vocabulary", ["mcdonald", "dpm", "de"])
def test_each_strategy_says_more_than_its_quadrant_name(vocabulary):
    for name, strategy in VOCABULARIES[vocabulary]:
        assert name.lower() not in strategy.lower(), (name, strategy)
        assert len(strategy.split()) >= 4  # a strategy, not a label


def test_false_friend_mapping_follows_the_quadrants():
    # the same four accounts placed with each vocabulary: the names that share an account are one quadrant
    by = {v: portfolio(_CORNER_SCORES, split=(5, 5), labels=v).set_index("account_id")["quadrant"].astype(str)
          for v in ("mcdonald", "de")}
    assert by["mcdonald"]["AW"] == "Star" and by["de"]["AW"] == "Fragezeichenkunden"
    assert by["de"]["AS"] == "Starkunden" and by["mcdonald"]["AS"] == "Strategic"
    assert FALSE_FRIENDS["Star"] == (by["de"]["AW"], by["de"]["AS"], by["mcdonald"]["AS"])
    table = vocabulary_table("en")
    same_quadrant = dict(zip(table["vocabulary_mcdonald"], table["vocabulary_de"], strict=True))
    assert same_quadrant == {by["mcdonald"][a]: by["de"][a] for a in _CORNER_SCORES["account_id"]}
    flagged = table[table["false_friend"] != ""]
    assert set(flagged["vocabulary_mcdonald"]) == {"Star", "Strategic"}
    assert "Fragezeichenkunde" in table.loc[table["vocabulary_mcdonald"] == "Star", "false_friend"].item()


def test_vocabulary_table_in_both_languages():
    english, german = vocabulary_table("en"), vocabulary_table("de")
    assert list(english.index) == ["attractive, strong position", "attractive, weak position",
                                   "unattractive, strong position", "unattractive, weak position"]
    assert list(german.index) == ["attraktiv, starke Position", "attraktiv, schwache Position",
                                  "unattraktiv, starke Position", "unattraktiv, schwache Position"]
    assert german.loc["attraktiv, schwache Position", "false_friend"].startswith("Falscher Freund")
    assert english.loc["attractive, weak position", "vocabulary_de_strategy"].startswith("Big Step or Out")
    with kamlab.language("de"):
        headings = list(kamlab.translate_columns(german).columns)
    assert "Normstrategie (deutsch)" in headings and "Vorsicht" in headings
    # the DPM's names are strategies: the table gives what to do beside each
    assert (english["vocabulary_dpm"] != english["vocabulary_dpm_strategy"]).all()
    with pytest.raises(kamlab.errors.ParameterError, match="language"):
        vocabulary_table("fr")


def test_dpm_matrix_draws_a_strategy_unlike_its_name():
    from kamlab.portfolios.plots import portfolio_matrix

    fig, ax = plt.subplots()
    portfolio_matrix(portfolio(_CORNER_SCORES, split=(5, 5), labels="dpm"), ax=ax, label_top=0)
    names = [t.get_text() for t in ax.texts if t.get_gid() == "quadrant-name"]
    strategies = [t.get_text().replace("\n", " ") for t in ax.texts if t.get_gid() == "quadrant-strategy"]
    plt.close(fig)
    assert names == [n for n, _ in VOCABULARIES["dpm"]]
    assert all(n.lower() not in s.lower() for n, s in zip(names, strategies, strict=True))


# ----------------------------------------------------------------------------- chart legibility (item 10)
def _crowded_scores(n=300, crowd=12, seed=0):
    """Many accounts; the biggest ``crowd`` of them in one corner, where the quadrant's texts are."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "account_id": [f"Account number {i}" for i in range(n)],
        "supplier_position": np.r_[rng.uniform(8.6, 9.4, crowd), rng.uniform(1, 10, n - crowd)],
        "attractiveness": np.r_[rng.uniform(8.6, 9.4, crowd), rng.uniform(1, 10, n - crowd)],
        "revenue": np.r_[rng.uniform(500, 1000, crowd), rng.uniform(1, 100, n - crowd)],
    })


def _boxes(fig, ax, gids):
    """The texts' own boxes (an annotation's extent would include its leader line)."""
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()
    return [Text.get_window_extent(t, renderer) for t in ax.texts if t.get_gid() in gids]


def _overlaps(boxes, others=None):
    if others is None:
        return sum(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    return sum(a.overlaps(b) for a in boxes for b in others)


def test_portfolio_names_cover_no_name_and_no_quadrant_text():
    from kamlab.portfolios.plots import portfolio_matrix

    scores = _crowded_scores()
    fig, ax = plt.subplots(figsize=(8.5, 6))
    portfolio_matrix(portfolio(scores, size="revenue", split=(5, 5)), size="revenue", label_top=10, ax=ax)
    fig.canvas.draw()
    names = _boxes(fig, ax, ("account-label",))
    quadrant_texts = _boxes(fig, ax, ("quadrant-name", "quadrant-strategy"))
    shown = [t.get_text() for t in ax.texts if t.get_gid() == "account-label"]
    plt.close(fig)
    biggest = scores.nlargest(10, "revenue")["account_id"].str.slice(0, 23).tolist()
    assert 3 <= len(shown) <= 10 and all(any(b.startswith(s.rstrip("…")) for b in biggest) for s in shown)
    assert _overlaps(names) == 0
    assert _overlaps(names, quadrant_texts) == 0


def test_portfolio_names_all_shown_when_there_is_room():
    from kamlab.portfolios.plots import portfolio_matrix

    scores = pd.DataFrame({"account_id": [f"K{i}" for i in range(6)], "revenue": [60.0, 50, 40, 30, 20, 10],
                           "supplier_position": [2.0, 4, 6, 8, 3, 7], "attractiveness": [3.0, 7, 4, 6, 5, 2]})
    fig, ax = plt.subplots(figsize=(8, 6))
    portfolio_matrix(portfolio(scores, size="revenue"), size="revenue", label_top=4, ax=ax)
    shown = sorted(t.get_text() for t in ax.texts if t.get_gid() == "account-label")
    plt.close(fig)
    assert shown == ["K0", "K1", "K2", "K3"]


def test_wallet_chart_numbers_do_not_cover_each_other():
    from kamlab.potential.plots import wallet_chart

    # five accounts with nearly the same revenue and wallet: their headroom segments stand side by side
    data = pd.DataFrame({"account_id": list("ABCDEFGH"),
                         "revenue": [1000.0, 1010, 1020, 1030, 1040, 50, 20_000, 300],
                         "wallet": [90_000.0, 89_000, 88_000, 87_000, 86_000, 400, 30_000, 2_000]})
    fig, ax = plt.subplots(figsize=(7.5, 5.4))
    wallet_chart(data, label_top=5, ax=ax)
    fig.canvas.draw()
    numbers = [t for t in ax.texts if t.get_gid() == "account-number"]
    boxes = _boxes(fig, ax, ("account-number",))
    plt.close(fig)
    assert [t.get_text() for t in numbers] == ["1", "2", "3", "4", "5"]
    assert _overlaps(boxes) == 0


def test_whitespace_heatmap_served_cells_keep_readable_numbers():
    from kamlab.potential.plots import whitespace_heatmap

    matrix = pd.DataFrame({"X": [300.0, 10.0], "Y": [150.0, 0.0]}, index=["K1", "K2"])
    served = pd.DataFrame({"X": [1.0, 0.0], "Y": [0.0, 5.0]}, index=["K1", "K2"])
    fig, ax = plt.subplots()
    whitespace_heatmap(matrix, served=served, ax=ax)
    texts = [t for t in ax.texts if t.get_gid() == "cell-value"]
    hatches = [p for p in ax.patches if p.get_gid() == "served"]
    mesh = next(c for c in ax.collections if c.get_gid() == "cells")
    plt.close(fig)
    assert len(hatches) == 2
    if hasattr(hatches[0], "get_hatch_linewidth"):  # matplotlib >= 3.10 (older: the default width)
        assert all(p.get_hatch_linewidth() <= 0.6 for p in hatches)
    # served cells (K1/X, K2/Y): the number sits on a patch of its cell's colour; the others have none
    for k, (value, is_served) in enumerate([(300.0, True), (150.0, False), (10.0, False), (0.0, True)]):
        patch = texts[k].get_bbox_patch()
        assert (patch is not None) == is_served
        if is_served:
            np.testing.assert_allclose(patch.get_facecolor(), mesh.cmap(mesh.norm(value)))


def test_profile_heatmap_fonts_are_readable():
    from kamlab.segment.plots import profile_heatmap

    profiles = pd.DataFrame({"name": ["big, frequent", "small, rare"], "z_revenue": [1.2, -0.8],
                             "z_margin_rate": [-0.5, 0.4]})
    profiles.attrs["features"] = ["revenue", "margin_rate"]
    fig, ax = plt.subplots()
    profile_heatmap(profiles, ax=ax)
    values = [t for t in ax.texts if t.get_gid() == "z-value"]
    colorbar_ax = ax.collections[0].colorbar.ax
    assert [t.get_text() for t in values] == ["+1.2", "\u22120.5", "\u22120.8", "+0.4"]
    assert min(t.get_fontsize() for t in values) >= 10
    assert min(t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()) >= 10
    assert min(t.get_fontsize() for t in colorbar_ax.get_yticklabels()) >= 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Revenue", "Margin\nrate"]
    plt.close(fig)


# ----------------------------------------------------------------------------- printed numbers (item 10)
def test_printed_numbers_do_not_wrap():
    from kamlab.plans import html as plan_html
    from kamlab.report import html as report_html

    assert "td.num{text-align:right;white-space:nowrap}" in plan_html.STYLE
    values = plan_html._values({"revenue": 1234567.0, "name": "Müller GmbH", "growth": 0.125})
    assert "<td class=num>1,234,567 €</td>" in values and "<td>Müller GmbH</td>" in values
    assert "<td class=num>12.5 %</td>" in values
    assert "<td class=num>80 % / 95 %</td>" in plan_html._values({"thresholds": [0.8, 0.95]})
    printed = report_html.STYLE[report_html.STYLE.index("@media print"):]
    assert "td.num{white-space:nowrap}" in printed


def test_profile_heatmap_keeps_long_feature_names_whole():
    from kamlab.segment.plots import profile_heatmap

    profiles = pd.DataFrame({"name": ["a", "b"], "z_Delicatessen": [0.5, -0.5], "z_Detergents_Paper": [0.1, -0.1]})
    profiles.attrs["features"] = ["Delicatessen", "Detergents_Paper"]
    fig, ax = plt.subplots()
    profile_heatmap(profiles, ax=ax)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    plt.close(fig)
    assert ticks[0] == "Delicatessen" and all(len(line) > 2 for tick in ticks for line in tick.split("\n"))
