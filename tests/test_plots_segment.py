"""Tests of the segmentation charts: they draw exactly the numbers kamlab computed (asserted on the artists).

The PCA map is checked against a PCA computed here with scikit-learn on features prepared by hand
(log1p and standard scaling with numpy), the heatmap and snake plot against the z-profile, the bars
against the shares.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from sklearn.decomposition import PCA

import kamlab
from kamlab.segment.plots import (
    NOISE_COLOR,
    SEGMENT_COLORS,
    k_selection_panel,
    pca_coordinates,
    profile_heatmap,
    segment_map,
    segment_share_chart,
    snake_plot,
)
from kamlab.segment import AccountSegmenter, make_segmented_accounts, segment_profiles, select_k

FEATURES = ["revenue", "orders", "margin_rate", "recency_days"]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def accounts():
    table, _ = make_segmented_accounts(240, n_segments=3, random_state=1)
    table["db4"] = table["revenue"] * (table["margin_rate"] - 0.22)  # some accounts lose money
    return table


@pytest.fixture(scope="module")
def segmenter(accounts):
    return AccountSegmenter(FEATURES, n_segments=3, random_state=0, progress=False).fit(accounts)


@pytest.fixture(scope="module")
def profiles(accounts, segmenter):
    return segment_profiles(accounts, segmenter=segmenter)


@pytest.fixture(scope="module")
def selection(accounts):
    return select_k(accounts, k_range=(2, 7), features=FEATURES, random_state=0, progress=False)


def _new_ax():
    return plt.subplots()[1]


def _line(ax, gid):
    found = [line for line in ax.lines if line.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def _prepared_by_hand(accounts, logged):
    """log1p of the logged features, then mean 0 and standard deviation 1 (numpy, no kamlab)."""
    values = accounts[FEATURES].to_numpy(dtype=float).copy()
    for i, feature in enumerate(FEATURES):
        if feature in logged:
            values[:, i] = np.log1p(values[:, i])
    return (values - values.mean(axis=0)) / values.std(axis=0)


# ----------------------------------------------------------------------------- k selection
def test_k_selection_panel_draws_the_table(selection):
    axes = k_selection_panel(selection)
    assert isinstance(axes, np.ndarray) and axes.shape == (3,)
    assert len({id(ax.figure) for ax in axes}) == 1  # one new figure
    ks = selection.index.to_numpy(dtype=float)
    inertia = _line(axes[0], "inertia")
    assert np.allclose(inertia.get_xdata(), ks) and np.allclose(inertia.get_ydata(), selection["inertia"])
    silhouette = _line(axes[1], "silhouette")
    assert np.allclose(silhouette.get_ydata(), selection["silhouette"])
    best = _line(axes[1], "best")
    assert best.get_xdata()[0] == selection["silhouette"].idxmax()
    assert best.get_ydata()[0] == pytest.approx(selection["silhouette"].max())
    # the recommended k is a dashed line on every panel
    recommended = selection.attrs["recommended_k"]
    for ax in axes:
        assert _line(ax, "recommended-k").get_xdata()[0] == recommended
    assert axes[0].get_xlabel() == "Number of segments k"
    assert [t.get_text() for t in axes[0].get_xticklabels()] == [str(k) for k in selection.index]


def test_the_elbow_is_marked_where_the_table_says(selection):
    assert selection["elbow"].sum() == 1
    elbow = selection.index[selection["elbow"]][0]
    marker = _line(k_selection_panel(selection)[0], "elbow")
    assert marker.get_xdata()[0] == elbow
    assert marker.get_ydata()[0] == pytest.approx(selection.at[elbow, "inertia"])
    no_elbow = selection.assign(elbow=False)
    no_elbow.attrs = dict(selection.attrs)
    assert not [line for line in k_selection_panel(no_elbow)[0].lines if line.get_gid() == "elbow"]


def test_other_indices_are_scaled_so_the_best_k_is_1(selection):
    ax = k_selection_panel(selection)[2]
    ch = selection["calinski_harabasz"].to_numpy()
    db = selection["davies_bouldin"].to_numpy()
    assert np.allclose(_line(ax, "calinski_harabasz").get_ydata(), (ch - ch.min()) / (ch.max() - ch.min()))
    assert np.allclose(_line(ax, "davies_bouldin").get_ydata(), (db.max() - db) / (db.max() - db.min()))
    # 1 exactly where each index is best
    assert selection.index[np.argmax(_line(ax, "davies_bouldin").get_ydata())] == selection["davies_bouldin"].idxmin()
    assert not [line for line in ax.lines if line.get_gid() == "bic"]  # k-means has no BIC
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Calinski–Harabasz (higher is better)", "Davies–Bouldin (lower is better)"]


def test_gmm_adds_the_bic_and_given_axes_are_used(accounts):
    table = select_k(accounts, k_range=(2, 5), features=FEATURES, method="gmm", random_state=0, progress=False)
    fig, axes = plt.subplots(3, 1)
    drawn = k_selection_panel(table, axes=axes)
    assert all(a is b for a, b in zip(drawn, axes))
    bic = table["bic"].to_numpy()
    assert np.allclose(_line(drawn[2], "bic").get_ydata(), (bic.max() - bic) / (bic.max() - bic.min()))


def test_k_selection_panel_speaks_german_and_checks_its_input(selection):
    with kamlab.language("de"):
        axes = k_selection_panel(selection)
    assert axes[0].get_xlabel() == "Anzahl der Segmente k"
    assert axes[1].get_ylabel() == "Silhouettenkoeffizient (höher ist besser)"
    assert [t.get_text() for t in axes[2].get_legend().get_texts()][1] == "Davies-Bouldin (niedriger ist besser)"
    assert any(t.get_text() == f"Empfohlenes k: {selection.attrs['recommended_k']}" for t in axes[1].texts)
    with pytest.raises(kamlab.ParameterError, match="three Axes"):
        k_selection_panel(selection, axes=plt.subplots(1, 2)[1])
    with pytest.raises(kamlab.MissingColumnError, match="select_k"):
        k_selection_panel(selection.drop(columns="silhouette"))


# ----------------------------------------------------------------------------- profiles
def test_heatmap_cells_are_the_z_profile(profiles):
    ax = profile_heatmap(profiles, ax=_new_ax())
    images = [mesh for mesh in ax.collections if mesh.get_gid() == "z-profile"]
    assert len(images) == 1
    expected = profiles[[f"z_{f}" for f in FEATURES]].to_numpy()
    assert np.allclose(images[0].get_array(), expected)
    low, high = images[0].get_clim()
    assert low == pytest.approx(-high) and high == pytest.approx(max(1.0, np.abs(expected).max()))
    assert [t.get_text() for t in ax.get_yticklabels()] == profiles["name"].tolist()
    texts = [t.get_text() for t in ax.texts if t.get_gid() == "z-value"]
    assert texts[:2] == [f"{v:+.1f}".replace("-", "\u2212") for v in expected[0, :2]]
    assert len(texts) == expected.size
    assert len(ax.figure.axes) == 2  # the colour bar


def test_heatmap_features_order_and_german_labels(profiles):
    with kamlab.language("de"):
        ax = profile_heatmap(profiles, features=["orders", "revenue"], vmax=2, ax=_new_ax())
    (mesh,) = [m for m in ax.collections if m.get_gid() == "z-profile"]
    assert np.allclose(mesh.get_array(), profiles[["z_orders", "z_revenue"]].to_numpy())
    assert mesh.get_clim() == (-2, 2)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Aufträge", "Umsatz"]
    assert "z-Wert" in ax.figure.axes[-1].get_ylabel()
    first = f"{profiles['z_orders'].iloc[0]:+.1f}".replace(".", ",").replace("-", "\u2212")
    assert ax.texts[0].get_text() == first
    with pytest.raises(kamlab.MissingColumnError, match="z_employees"):
        profile_heatmap(profiles, features=["employees"])
    with pytest.raises(kamlab.MissingColumnError, match="segment_profiles"):
        profile_heatmap(profiles.drop(columns="name"))


def test_snake_plot_lines_are_the_z_scores(profiles):
    ax = snake_plot(profiles, ax=_new_ax())
    for segment, row in profiles.iterrows():
        line = _line(ax, f"segment-{segment}")
        assert np.allclose(line.get_xdata(), np.arange(len(FEATURES)))
        assert np.allclose(line.get_ydata(), [row[f"z_{f}"] for f in FEATURES])
        assert line.get_label() == row["name"]
        assert to_rgb(line.get_color()) == to_rgb(SEGMENT_COLORS[segment])
    assert _line(ax, "average").get_ydata()[0] == 0
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Revenue", "Orders"]
    with kamlab.language("de"):
        ax = snake_plot(profiles, ax=_new_ax())
    assert ax.get_legend().get_title().get_text() == "Segment"
    assert ax.get_legend().get_texts()[0].get_text() == "Durchschnittskunde"


def test_own_names_appear_in_heatmap_and_snake_plot(accounts, segmenter):
    named = segment_profiles(accounts, segmenter=segmenter, names={0: "Kern", 2: "Rand"})
    assert [t.get_text() for t in profile_heatmap(named, ax=_new_ax()).get_yticklabels()][0] == "Kern"
    assert _line(snake_plot(named, ax=_new_ax()), "segment-2").get_label() == "Rand"


# ----------------------------------------------------------------------------- the map
def _same_up_to_sign(a, b):
    """PCA components are defined up to their sign."""
    return all(np.allclose(a[:, j], b[:, j], atol=1e-8) or np.allclose(a[:, j], -b[:, j], atol=1e-8)
               for j in range(a.shape[1]))


def test_map_points_are_the_pca_of_the_prepared_features(accounts, segmenter):
    ax = segment_map(accounts, segmenter=segmenter, ax=_new_ax())
    prepared = _prepared_by_hand(accounts, segmenter.log_features_)
    assert np.allclose(prepared, segmenter.preprocess(accounts))
    pca = PCA(n_components=2).fit(prepared)
    expected = pca.transform(prepared)
    for segment in range(segmenter.n_segments_):
        points = [c for c in ax.collections if c.get_gid() == f"segment-{segment}"]
        assert len(points) == 1
        members = segmenter.labels_ == segment
        assert _same_up_to_sign(points[0].get_offsets().data, expected[members])
        assert to_rgb(points[0].get_facecolor()[0][:3]) == pytest.approx(to_rgb(SEGMENT_COLORS[segment]))
    share = pca.explained_variance_ratio_
    assert ax.get_xlabel() == f"Principal component 1 ({share[0] * 100:.0f} % of the variance)"
    assert ax.get_ylabel() == f"Principal component 2 ({share[1] * 100:.0f} % of the variance)"
    # the segment centres sit at the PCA of the segmenter's centres
    centres = [c for c in ax.collections if c.get_gid() == "centres"][0].get_offsets().data
    assert _same_up_to_sign(centres, pca.transform(segmenter.cluster_centers_))


def test_map_without_segmenter_prepares_like_the_segmenter(accounts, segmenter):
    coordinates, explained, _ = pca_coordinates(accounts, features=FEATURES)
    reference, reference_explained, _ = pca_coordinates(accounts, segmenter=segmenter)
    assert np.allclose(coordinates, reference) and np.allclose(explained, reference_explained)
    ax = segment_map(accounts, segmenter.labels_, features=FEATURES, names=["big", "middle", "small"],
                     ax=_new_ax())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["big", "middle", "small"]
    assert not [c for c in ax.collections if c.get_gid() == "centres"]  # no segmenter, no centres
    # an already prepared matrix is mapped as it is
    prepared = _prepared_by_hand(accounts, segmenter.log_features_)
    raw, _, _ = pca_coordinates(prepared, log_features=None, scaler=None)
    assert _same_up_to_sign(raw, PCA(n_components=2).fit_transform(prepared))


def test_map_colours_any_grouping_and_noise(accounts, segmenter):
    channel = np.where(accounts["revenue"] > accounts["revenue"].median(), "Retail", "Horeca")
    ax = segment_map(accounts, channel, segmenter=segmenter, ax=_new_ax())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Horeca", "Retail"]
    horeca = [c for c in ax.collections if c.get_gid() == "segment-Horeca"][0]
    assert len(horeca.get_offsets()) == (channel == "Horeca").sum()
    assert not [c for c in ax.collections if c.get_gid() == "centres"]  # centres belong to the segments only
    labels = segmenter.labels_.copy()
    labels[:5] = -1
    ax = segment_map(accounts, labels, segmenter=segmenter, ax=_new_ax())
    noise = [c for c in ax.collections if c.get_gid() == "segment--1"][0]
    assert len(noise.get_offsets()) == 5 and noise.get_label() == "No segment (noise)"
    assert to_rgb(noise.get_facecolor()[0][:3]) == pytest.approx(to_rgb(NOISE_COLOR))


def test_map_in_german_and_errors(accounts, segmenter, profiles):
    with kamlab.language("de"):
        ax = segment_map(accounts, segmenter=segmenter, names=profiles["name"], ax=_new_ax())
    assert ax.get_xlabel().startswith("Hauptkomponente 1 (") and ax.get_xlabel().endswith(" der Varianz)")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*profiles["name"], "Segmentzentrum"]
    with pytest.raises(kamlab.ParameterError, match="labels"):
        segment_map(accounts)
    with pytest.raises(kamlab.ParameterError, match="one segment per account"):
        segment_map(accounts, segmenter.labels_[:-1], segmenter=segmenter)
    with pytest.raises(kamlab.ParameterError, match="at least two features"):
        segment_map(accounts, segmenter.labels_, features=["revenue"])
    with pytest.raises(kamlab.ParameterError, match="one name per segment"):
        segment_map(accounts, segmenter=segmenter, names=["a", "b"])


# ----------------------------------------------------------------------------- size against value
def test_share_bars_are_the_shares(profiles):
    ax = segment_share_chart(profiles, ax=_new_ax())
    assert len(ax.containers) == 3  # accounts, revenue, DB IV
    for container, column in zip(ax.containers, ["share_of_accounts", "revenue_share", "db4_share"]):
        assert np.allclose([bar.get_height() for bar in container], profiles[column])
        assert {bar.get_gid() for bar in container} == {column}
    assert sum(bar.get_height() for bar in ax.containers[0]) == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Share of accounts", "Share of revenue",
                                                                   "Share of CM IV"]
    values = [t.get_text() for t in ax.texts if t.get_gid() == "share-value"]
    assert values[0] == f"{profiles['share_of_accounts'].iloc[0] * 100:.0f} %"
    # bars of a segment stand side by side, centred on the segment's tick
    first = [container[0] for container in ax.containers]
    centre = np.mean([bar.get_x() + bar.get_width() / 2 for bar in first])
    assert centre == pytest.approx(0.0)


def test_share_chart_one_value_german_and_negative_margin(profiles):
    with kamlab.language("de"):
        ax = segment_share_chart(profiles, value="revenue", ax=_new_ax())
    assert len(ax.containers) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Anteil der Kunden", "Umsatzanteil"]
    assert ax.get_ylabel() == "Anteil"
    losing = profiles.copy()
    losing["db4_share"] = [1.3, 0.1, -0.4]
    ax = segment_share_chart(losing, value=["db4"], ax=_new_ax())
    assert [bar.get_height() for bar in ax.containers[1]] == pytest.approx([1.3, 0.1, -0.4])
    assert ax.get_ylim()[0] < -0.4
    assert "\u221240 %" in [t.get_text() for t in ax.texts]
    with pytest.raises(kamlab.MissingColumnError, match="employees_share"):
        segment_share_chart(profiles, value="employees")
    with pytest.raises(kamlab.ParameterError, match="segment_profiles"):
        segment_share_chart(pd.Series([1, 2]))


def test_long_german_words_are_not_broken_in_labels():
    # issue 17: "Gekaufte Ang|ebotsbereich|e" in the snake plot
    from kamlab.segment.plots import _wrap

    assert _wrap("Gekaufte Angebotsbereiche", 12) == "Gekaufte\nAngebotsbereiche"
    assert _wrap("Gelegenheitskunden, abwandernd", 18) == "Gelegenheitskunden,\nabwandernd"


def test_heatmap_feature_names_do_not_overlap_in_a_narrow_panel():
    # issue 15/16: in the segment explorer's small heatmap "Revenue Orders Margin rate ..." ran together
    import matplotlib.pyplot as plt
    import pandas as pd

    from kamlab.segment.plots import profile_heatmap

    features = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings"]
    profiles = pd.DataFrame({"name": ["a", "b"], **{f"z_{f}": [1.0, -1.0] for f in features}},
                            index=pd.Index([0, 1], name="segment"))
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    ax = profile_heatmap(profiles, ax=axes[0])
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_text()]
    assert len(boxes) == 5
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:]))
    plt.close(fig)
