"""Tests of the potential charts: they draw exactly the numbers kamlab computed (asserted on the artists)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.clv.plots import alive_chart, clv_chart
from kamlab.potential.plots import wallet_chart, whitespace_heatmap
from kamlab.potential import whitespace, whitespace_matrix


pytestmark = pytest.mark.usefixtures("close_figures")


def _new_ax():
    return plt.subplots()[1]


def _texts(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def _by_gid(artists, gid):
    return [a for a in artists if a.get_gid() == gid]


# ----------------------------------------------------------------------------- wallet chart
@pytest.fixture
def wallets():
    # headroom: K1 350 k, K2 50 k, K3 2 k, K4 0 (revenue above the wallet), K5 no revenue (not drawable), K6 90 k
    return pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5", "K6"],
        "name": ["Alpha GmbH", "Beta AG", "Gamma KG", "Delta SE", "Epsilon Werke GmbH & Co. KG", "Zeta"],
        "revenue": [50e3, 200e3, 10e3, 300e3, 0.0, 10e3],
        "wallet": [400e3, 250e3, 12e3, 280e3, 80e3, 100e3],
    })


def test_wallet_chart_dots_are_revenue_and_wallet_on_log_axes(wallets):
    fig, ax = plt.subplots()
    assert wallet_chart(wallets, ax=ax) is ax
    (dots,) = _by_gid(ax.collections, "accounts")
    drawable = wallets[wallets["revenue"] > 0]
    np.testing.assert_allclose(dots.get_offsets(), drawable[["revenue", "wallet"]].to_numpy())
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "Revenue" and ax.get_ylabel() == "Wallet"
    # the account without revenue is not silently lost
    assert _texts(ax, "not-shown") == ["1 accounts with Revenue or Wallet ≤ 0 not shown (log scale)"]


def test_wallet_chart_diagonal_and_share_lines(wallets):
    ax = wallet_chart(wallets, shares=(1.0, 0.5, 0.25), ax=_new_ax())
    (diagonal,) = _by_gid(ax.lines, "diagonal")
    np.testing.assert_allclose(diagonal.get_xdata(), diagonal.get_ydata())
    lines = _by_gid(ax.lines, "share-line")
    assert len(lines) == 2
    for line, share in zip(lines, (0.5, 0.25)):  # wallet = revenue / share
        np.testing.assert_allclose(line.get_ydata(), line.get_xdata() / share)
    assert _texts(ax, "share-label") == ["50 %", "25 %"]
    assert not _by_gid(wallet_chart(wallets, shares=(1.0,), ax=_new_ax()).lines, "share-line")


def test_headroom_segments_run_from_revenue_to_wallet_biggest_first(wallets):
    ax = wallet_chart(wallets, label_top=3, ax=_new_ax())
    (segments,) = _by_gid(ax.collections, "headroom")
    expected = [("K1", 50e3, 400e3), ("K6", 10e3, 100e3), ("K2", 200e3, 250e3)]
    for segment, (_, revenue, wallet) in zip(segments.get_segments(), expected):
        np.testing.assert_allclose(segment, [[revenue, revenue], [revenue, wallet]])
    assert len(segments.get_segments()) == 3
    assert _texts(ax, "account-number") == ["1", "2", "3"]
    numbers = [t for t in ax.texts if t.get_gid() == "account-number"]
    assert [n.xy for n in numbers] == [(50e3, 400e3), (10e3, 100e3), (200e3, 250e3)]  # at the top of each segment
    assert _texts(ax, "account-label") == ["1  K1  (350 k)", "2  K6  (90 k)", "3  K2  (50 k)"]


def test_headroom_names_and_the_accounts_without_headroom(wallets):
    ax = wallet_chart(wallets, label_top=10, label_col="name", ax=_new_ax())
    # K4 (revenue above the wallet) has no headroom and K5 cannot be drawn: four segments
    assert _texts(ax, "account-label") == ["1  Alpha GmbH  (350 k)", "2  Zeta  (90 k)", "3  Beta AG  (50 k)",
                                           "4  Gamma KG  (2 k)"]
    ax = wallet_chart(wallets, label_top=1, label_col="name", label_chars=5, ax=_new_ax())
    assert _texts(ax, "account-label") == ["1  Alph…  (350 k)"]
    ax = wallet_chart(wallets, label_top=0, ax=_new_ax())
    assert not _by_gid(ax.collections, "headroom") and not _texts(ax, "account-label")


def test_wallet_chart_in_german(wallets):
    with kamlab.language("de"):
        ax = wallet_chart(wallets.rename(columns={"revenue": "umsatz"}), revenue="umsatz", ax=_new_ax())
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_ylabel() == "Kundenpotenzial (Bedarfsvolumen)" and ax.get_xlabel() == "Umsatz"
    assert "Lieferanteil 100 %" in legend and "Ungenutztes Potenzial (die größten)" in legend
    assert _texts(ax, "account-list-title") == ["Ungenutztes Potenzial"]
    assert _texts(ax, "not-shown") == ["1 Kunden mit Umsatz oder Kundenpotenzial (Bedarfsvolumen) ≤ 0 nicht gezeigt (log. Skala)"]
    assert kamlab.get_language() == "en"


def test_wallet_chart_errors(wallets):
    with pytest.raises(kamlab.MissingColumnError, match="'wallet'"):
        wallet_chart(wallets.drop(columns="wallet"))
    with pytest.raises(kamlab.ParameterError, match="between 0 and 1"):
        wallet_chart(wallets, shares=(1.0, 2.0))
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        wallet_chart(wallets["wallet"])


# ----------------------------------------------------------------------------- whitespace heatmap
@pytest.fixture
def result():
    rows = [("A", "motors", 100.0), ("A", "service", 80.0), ("B", "motors", 120.0), ("B", "service", 100.0),
            ("C", "motors", 90.0), ("D", "sensors", 500.0), ("E", "sensors", 400.0)]
    lines = pd.DataFrame(rows, columns=["account_id", "offering", "revenue"])
    features = pd.DataFrame(
        {"employees": [100, 110, 105, 5000, 5200], "industry": ["food", "food", "food", "cars", "cars"]},
        index=pd.Index(["A", "B", "C", "D", "E"], name="account_id"),
    )
    return whitespace(lines, features, n_neighbors=2, quantile=0.5)


@pytest.mark.parametrize("values", ["gap", "expected_value", "propensity"])
def test_heatmap_cells_are_the_whitespace_matrix(result, values):
    fig, ax = plt.subplots()
    assert whitespace_heatmap(result, values=values, top=3, ax=ax) is ax
    (image,) = _by_gid(ax.collections, "cells")
    matrix = whitespace_matrix(result, values, top=3)
    np.testing.assert_allclose(image.get_array(), matrix.to_numpy())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["E", "C", "D"]  # by total expected value
    assert [t.get_text() for t in ax.get_xticklabels()] == list(matrix.columns)
    assert ax.get_xlabel() == "Offering" and ax.get_ylabel() == "Account"
    assert len(_texts(ax, "cell-value")) == matrix.size


def test_served_cells_are_hatched(result):
    ax = whitespace_heatmap(result, top=None, ax=_new_ax())
    matrix = whitespace_matrix(result, "gap")
    revenue = whitespace_matrix(result, "revenue").loc[matrix.index, matrix.columns]
    served = [tuple(np.round(p.get_xy(), 6)) for p in ax.patches if p.get_gid() == "served"]
    rows, columns = np.nonzero(revenue.to_numpy() > 0)
    assert sorted(served) == sorted((j, i) for i, j in zip(rows, columns))
    assert len(served) == 7  # one per (account, offering) with revenue
    assert all(p.get_hatch() for p in ax.patches if p.get_gid() == "served")
    colorbar_axes = [a for a in ax.figure.axes if a is not ax][0]
    assert colorbar_axes.get_ylabel() == "Gap (potential − revenue)\nHatched: we sell this offering there"


def test_heatmap_cell_texts(result):
    ax = whitespace_heatmap(result, values="propensity", top=None, ax=_new_ax())
    matrix = whitespace_matrix(result, "propensity")
    assert _texts(ax, "cell-value") == [f"{v * 100:.0f} %" for v in matrix.to_numpy().ravel()]
    ax = whitespace_heatmap(result, values="gap", top=None, ax=_new_ax())
    gaps = whitespace_matrix(result, "gap").to_numpy().ravel()
    texts = _texts(ax, "cell-value")
    assert texts[list(gaps).index(0.0)] == "0" and "90" in texts  # C's service gap: 90
    assert not _texts(whitespace_heatmap(result, annotate=False, ax=_new_ax()), "cell-value")


def test_heatmap_of_a_matrix_with_names_and_served():
    matrix = pd.DataFrame({"motors": [5000.0, 0.0], "service": [1000.0, 2500.0]}, index=["K1", "K2"])
    served = pd.DataFrame({"motors": [0.0, 800.0], "service": [True, False]}, index=["K1", "K2"])
    ax = whitespace_heatmap(matrix, served=served, names={"K1": "Alpha Antriebe GmbH"}, name_chars=8,
                            ax=_new_ax())
    np.testing.assert_allclose(_by_gid(ax.collections, "cells")[0].get_array(), matrix.to_numpy())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha A…", "K2"]
    served_xy = sorted(tuple(p.get_xy()) for p in ax.patches if p.get_gid() == "served")
    assert served_xy == [(0, 1), (1, 0)]  # K2 motors, K1 service
    assert _texts(ax, "cell-value") == ["5 k", "1 k", "0", "2 k"]
    assert [a for a in ax.figure.axes if a is not ax][0].get_ylabel() == "Hatched: we sell this offering there"
    ax = whitespace_heatmap(matrix, top=1, ax=_new_ax())
    assert _by_gid(ax.collections, "cells")[0].get_array().shape == (1, 2) and not [p for p in ax.patches if p.get_gid() == "served"]
    assert [a for a in ax.figure.axes if a is not ax][0].get_ylabel() == ""


def test_heatmap_in_german(result):
    with kamlab.language("de"):
        ax = whitespace_heatmap(result, values="expected_value", ax=_new_ax())
    assert ax.get_xlabel() == "Angebotsbereich" and ax.get_ylabel() == "Kunde"
    colorbar_axes = [a for a in ax.figure.axes if a is not ax]
    assert colorbar_axes[0].get_ylabel() == (
        "Erwartungswert (Kaufneigung × Lücke)\nSchraffiert: wir liefern dieses Angebot dort")


def test_heatmap_errors(result):
    with pytest.raises(kamlab.MissingColumnError, match="'score'"):
        whitespace_heatmap(result, values="score")
    with pytest.raises(kamlab.ParameterError, match="top"):
        whitespace_heatmap(result, top=0)
    with pytest.raises(kamlab.ParameterError, match="DataFrame"):
        whitespace_heatmap(result.to_numpy())


# ----------------------------------------------------------------------------- P(alive)
@pytest.fixture
def alive():
    rng = np.random.default_rng(0)
    p_alive = np.concatenate([rng.beta(8, 1, 300), rng.beta(1, 3, 40), [0.0, 1.0, 0.05]])
    truth = np.r_[np.ones(300, bool), np.zeros(40, bool), [False, True, False]]
    return pd.DataFrame({"probability_alive": p_alive, "alive_at_end": truth})


def test_alive_histogram_counts_are_numpys(alive):
    fig, ax = plt.subplots()
    assert alive_chart(alive["probability_alive"], bins=10, ax=ax) is ax
    (bars,) = ax.containers
    counts, edges = np.histogram(alive["probability_alive"], np.linspace(0, 1, 11))
    assert list(bars.datavalues) == list(counts) and counts.sum() == len(alive)
    np.testing.assert_allclose([b.get_x() for b in bars], edges[:-1])
    assert ax.get_xlabel() == "P(alive)" and ax.get_ylabel() == "Number of accounts"
    mean = alive["probability_alive"].mean()
    assert ax.get_legend().get_texts()[0].get_text() == f"Accounts (n = 343, mean {mean:.2f})"


def test_alive_histogram_stacked_by_the_truth(alive):
    ax = alive_chart(alive, hue="alive_at_end", bins=20, ax=_new_ax())
    edges = np.linspace(0, 1, 21)
    alive_bars, dropped_bars = ax.containers
    is_alive = alive["alive_at_end"].to_numpy()
    p = alive["probability_alive"].to_numpy()
    assert list(alive_bars.datavalues) == list(np.histogram(p[is_alive], edges)[0])
    assert list(dropped_bars.datavalues) == list(np.histogram(p[~is_alive], edges)[0])
    # stacked: the dropped accounts' bars start on top of the alive ones
    np.testing.assert_allclose([b.get_y() for b in dropped_bars], np.histogram(p[is_alive], edges)[0])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"Alive (n = 301, mean {p[is_alive].mean():.2f})",
                      f"Dropped out (n = 42, mean {p[~is_alive].mean():.2f})"]
    ax = alive_chart(p, hue=np.where(is_alive, "stays", "goes"), log=True, ax=_new_ax())
    assert [t.get_text().split(" (")[0] for t in ax.get_legend().get_texts()] == ["stays", "goes"]
    assert ax.get_yscale() == "log"


def test_alive_chart_in_german(alive):
    with kamlab.language("de"):
        ax = alive_chart(alive, hue="alive_at_end", ax=_new_ax())
    assert ax.get_xlabel() == "P(aktiv)" and ax.get_ylabel() == "Anzahl Kunden"
    assert ax.get_legend().get_texts()[1].get_text().startswith("Abgewandert (n = 42, Mittel 0,")


def test_alive_chart_errors(alive):
    with pytest.raises(kamlab.ParameterError, match="between 0 and 1"):
        alive_chart([0.5, 1.2])
    with pytest.raises(kamlab.ParameterError, match="hue has 2 values"):
        alive_chart([0.5, 0.7, 0.9], hue=[True, False])
    with pytest.raises(kamlab.ParameterError, match="pass a DataFrame"):
        alive_chart(alive["probability_alive"], hue="alive_at_end")
    with pytest.raises(kamlab.MissingColumnError, match="'p'"):
        alive_chart(alive, x="p")


# ----------------------------------------------------------------------------- customer value
@pytest.fixture
def clv():
    rng = np.random.default_rng(1)
    return pd.Series(np.r_[np.exp(rng.normal(9, 1.5, 500)), [1e-9, 0.0]], name="clv")


def test_clv_histogram_counts_on_a_log_scale(clv):
    fig, ax = plt.subplots()
    assert clv_chart(clv, bins=25, ax=ax) is ax
    (bars,) = ax.containers
    low = clv.max() * 1e-4  # the smallest value (1e-9) is far below 1/10,000 of the largest
    edges = np.geomspace(low, clv.max(), 26)
    counts, _ = np.histogram(clv[clv >= low], edges)
    assert list(bars.datavalues) == list(counts)
    np.testing.assert_allclose([b.get_x() for b in bars], edges[:-1])
    np.testing.assert_allclose([b.get_width() for b in bars], np.diff(edges))
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "Customer lifetime value (CLV)"
    (median,) = _by_gid(ax.lines, "median")
    assert median.get_xdata()[0] == pytest.approx(np.median(clv))
    hidden = int((clv < low).sum())
    assert _texts(ax, "not-shown")[0].startswith(f"{hidden} accounts below ")
    # amounts below 1 keep two digits instead of becoming "0"
    ax = clv_chart(pd.Series([0.05, 0.2, 3.0, 40.0, 500.0]), bins=4, ax=_new_ax())
    ax.figure.canvas.draw()
    # by tick value: matplotlib < 3.11 also lists a tick further outside the view (0.001)
    labels = {round(float(x), 6): t.get_text() for t, x in zip(ax.get_xticklabels(), ax.get_xticks())}
    assert [labels[0.01], labels[0.1], labels[1.0]] == ["0.01", "0.1", "1"]
    ax = clv_chart(pd.Series([1e-4, 0.2, 3.0, 40.0, 5000.0]), bins=4, ax=_new_ax())
    assert _texts(ax, "not-shown") == ["2 accounts below 0.5 not shown (log scale)"]
    ax = clv_chart(clv.to_frame(), bins=10, min_value=100.0, ax=_new_ax())
    counts, _ = np.histogram(clv[clv >= 100], np.geomspace(100, clv.max(), 11))
    assert list(ax.containers[0].datavalues) == list(counts)


def test_clv_curve_is_the_cumulative_share_with_the_top_share(clv):
    ax = clv_chart(clv, kind="curve", top_share=0.2, ax=_new_ax())
    (curve,) = _by_gid(ax.lines, "curve")
    ordered = np.sort(clv.to_numpy())[::-1]
    np.testing.assert_allclose(curve.get_ydata(), np.r_[0, np.cumsum(ordered) / ordered.sum()] * 100)
    np.testing.assert_allclose(curve.get_xdata(), np.arange(len(ordered) + 1) / len(ordered) * 100)
    n_top = int(np.ceil(0.2 * len(ordered)))
    share = ordered[:n_top].sum() / ordered.sum()
    assert _texts(ax, "top-share") == [f"top 20 % of accounts: {share * 100:.0f} % of CLV"]
    (mark,) = _by_gid(ax.lines, "top-share")
    assert mark.get_ydata()[1] == pytest.approx(share * 100)
    assert not _texts(clv_chart(clv, kind="curve", top_share=None, ax=_new_ax()), "top-share")


def test_clv_chart_in_german_and_errors(clv):
    with kamlab.language("de"):
        ax = clv_chart(clv, kind="curve", ax=_new_ax())
    assert ax.get_ylabel() == "Kumulierter Anteil am Kundenwert (%)"
    assert _texts(ax, "top-share")[0].startswith("Top 20 % der Kunden: ")
    with pytest.raises(kamlab.ParameterError, match="'hist' or 'curve'"):
        clv_chart(clv, kind="box")
    with pytest.raises(kamlab.ParameterError, match="min_value"):
        clv_chart(clv, min_value=-1.0)


def test_wallet_chart_legend_sits_beside_the_chart_not_on_the_accounts(wallets):
    # issue 16: the legend (upper left, inside) covered accounts and the headroom lines
    ax = wallet_chart(wallets, label_top=5, ax=_new_ax())
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    plot_area = ax.get_window_extent(renderer)
    assert legend.x0 >= plot_area.x1  # entirely right of the plotting area
    titles = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() in ("account-label", "account-list-title")]
    assert titles and all(not legend.overlaps(box) for box in titles)  # and not on the list of accounts
    plt.close(ax.figure)
