"""Segmentation charts: choosing k, segment profiles, the segment map, size against value.

The conventions of :mod:`kamlab.identify.plots`: data first, keyword arguments, ``ax=None``,
return the Axes; every label comes from :func:`kamlab.label`, so
``kamlab.set_language("de")`` (or ``with kamlab.language("de"):``) turns the charts
German. Every number drawn is computed by :mod:`kamlab.segment`
(:func:`~kamlab.select_k`, :func:`~kamlab.segment_profiles`,
:meth:`~kamlab.AccountSegmenter.preprocess`); the charts only draw it (the map adds a
principal component analysis, which only rotates the prepared features).

Segment ``s`` is drawn in ``SEGMENT_COLORS[s % 10]`` in every chart, so a segment has the
same colour on the map and in the snake plot.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import kamlab
>>> from kamlab.segment import AccountSegmenter, make_segmented_accounts, segment_profiles
>>> accounts, _ = make_segmented_accounts(300, n_segments=3, random_state=0)
>>> segmenter = AccountSegmenter(["revenue", "orders", "margin_rate"], n_segments=3, random_state=0).fit(accounts)
>>> profiles = segment_profiles(accounts, segmenter=segmenter)
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> ax = profile_heatmap(profiles, ax=ax)
>>> [mesh.get_array().shape for mesh in ax.collections if mesh.get_gid() == "z-profile"]
[(3, 3)]
>>> fig, ax = plt.subplots()
>>> ax = segment_map(accounts, segmenter=segmenter, ax=ax)
>>> ax.get_xlabel().startswith("Principal component 1")
True
>>> plt.close("all")
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from kamlab.errors import MissingColumnError, ParameterError
from kamlab._util.labels import label
from kamlab._util.format import decimal as _decimal
from kamlab._util.format import percent as _percent
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import heatmap as _heatmap

__all__ = [
    "SEGMENT_COLORS",
    "NOISE_COLOR",
    "k_selection_panel",
    "profile_heatmap",
    "snake_plot",
    "segment_map",
    "segment_share_chart",
    "pca_coordinates",
]

#: Colours of segments 0, 1, 2, ... (Okabe–Ito, then Paul Tol's colours; readable for colour-blind eyes).
SEGMENT_COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#882255", "#44AA99",
                  "#332288", "#999933")
#: Colour of accounts in no segment (HDBSCAN's noise, label −1).
NOISE_COLOR = "#BBBBBB"
_RECOMMENDED_COLOR = "#D55E00"
_GREY = "0.35"
# the indices of the third panel -> True when a higher value is better
_INDICES = {
    "calinski_harabasz": True,
    "davies_bouldin": False,
    "bic": False,
}


def _segment_color(segment, position=None):
    """The colour of a segment number (noise grey); non-integer labels are coloured by their position."""
    if isinstance(segment, (int, np.integer)) and not isinstance(segment, bool):
        return NOISE_COLOR if segment < 0 else SEGMENT_COLORS[int(segment) % len(SEGMENT_COLORS)]
    return SEGMENT_COLORS[int(position or 0) % len(SEGMENT_COLORS)]


def _check_profiles(profiles, what):
    if not isinstance(profiles, pd.DataFrame):
        raise ParameterError(f"{what} needs the table of kamlab.segment_profiles, not {type(profiles).__name__}.")
    if "name" not in profiles.columns:
        raise MissingColumnError(
            f"{what}: the table has no column 'name'. Pass the output of kamlab.segment_profiles(accounts, labels)."
        )


def _z_profile(profiles, features, what):
    """The z-profile as a DataFrame: rows = segments, columns = features."""
    _check_profiles(profiles, what)
    if features is None:
        features = profiles.attrs.get("features") or [c[2:] for c in profiles.columns if str(c).startswith("z_")]
    features = [features] if isinstance(features, str) else list(features)
    missing = [f for f in features if f"z_{f}" not in profiles.columns]
    if missing or not features:
        raise MissingColumnError(
            f"{what}: the profiles have no z-score column z_{missing[0] if missing else '<feature>'}. "
            "Profile the features with kamlab.segment_profiles(accounts, labels, features=[...])."
        )
    return profiles[[f"z_{f}" for f in features]].set_axis(features, axis=1).astype(float)


def _wrap(text, width):
    """``text`` on lines of about ``width`` characters, never inside a word (German compounds stay whole)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def _names(profiles, wrap=None):
    names = [str(n) for n in profiles["name"]]
    return [_wrap(n, wrap) for n in names] if wrap else names


# ----------------------------------------------------------------------------- choosing k
def k_selection_panel(selection, *, axes=None):
    """The table of :func:`kamlab.select_k` as three small charts, the recommended k marked on each.

    1. **Inertia** (within-segment sum of squares) against k, with the **elbow** (the
       k after which more segments buy little) marked.
    2. **Silhouette** against k (higher is better), with its highest value marked.
    3. The other indices — **Calinski–Harabasz** (higher is better), **Davies–Bouldin**
       (lower is better) and, for Gaussian mixtures, the **BIC** (lower is better) — on
       one common scale: each is scaled so its *best* k is 1 and its worst k is 0, so
       all three lines peak where their index prefers.

    A dashed vertical line (gid ``"recommended-k"``) marks ``selection.attrs["recommended_k"]``
    on every panel; ``selection.attrs["reason"]`` says in words why (print it beside the chart).

    Parameters
    ----------
    selection : pandas.DataFrame
        The output of :func:`kamlab.select_k` (or ``AccountSegmenter(...).selection_``):
        index ``k``, columns ``inertia``, ``elbow``, ``silhouette``,
        ``calinski_harabasz``, ``davies_bouldin`` and maybe ``bic``.
    axes : sequence of 3 matplotlib Axes, optional
        Where to draw; default: a new figure with three panels side by side (laid out
        with ``tight_layout``; a figure you pass keeps its own layout).

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The three Axes. Panel 1 holds the inertia line (gid ``"inertia"``) and the elbow
        marker (gid ``"elbow"``, absent without an elbow); panel 2 the silhouette line
        (gid ``"silhouette"``) and its best point (gid ``"best"``); panel 3 one line per
        index with gid the index's name, its y-values the scaled index.
    """
    import matplotlib.pyplot as plt

    if not isinstance(selection, pd.DataFrame):
        raise ParameterError(f"k_selection_panel needs the table of kamlab.select_k, not {type(selection).__name__}.")
    missing = [c for c in ("inertia", "silhouette") if c not in selection.columns]
    if missing:
        raise MissingColumnError(
            f"k_selection_panel: the table has no column {missing[0]!r}. Pass the output of kamlab.select_k(...)."
        )
    created = axes is None
    if created:
        _, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) != 3:
        raise ParameterError(f"axes must be three Axes (inertia, silhouette, other indices); got {len(axes)}.")
    ks = selection.index.to_numpy(dtype=float)
    recommended = selection.attrs.get("recommended_k")

    ax = axes[0]
    inertia = selection["inertia"].to_numpy(dtype=float)
    ax.plot(ks, inertia, marker="o", color=SEGMENT_COLORS[0], gid="inertia")
    if "elbow" in selection.columns and selection["elbow"].astype(bool).any():
        elbow = selection.index[selection["elbow"].astype(bool).to_numpy()][0]
        ax.plot([elbow], [selection.at[elbow, "inertia"]], marker="o", markersize=13, markerfacecolor="none",
                markeredgecolor=_RECOMMENDED_COLOR, markeredgewidth=2, linestyle="", gid="elbow",
                label=f"{label('elbow')}: k = {elbow}")
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_ylabel(label("inertia"))

    ax = axes[1]
    silhouette = selection["silhouette"].to_numpy(dtype=float)
    ax.plot(ks, silhouette, marker="o", color=SEGMENT_COLORS[2], gid="silhouette")
    if np.isfinite(silhouette).any():
        best = int(np.nanargmax(silhouette))
        ax.plot([ks[best]], [silhouette[best]], marker="*", markersize=14, color=SEGMENT_COLORS[2], linestyle="",
                gid="best")
    ax.set_ylabel(f"{label('silhouette')} ({label('higher_is_better')})")

    ax = axes[2]
    for j, (index, higher) in enumerate(_INDICES.items()):
        if index not in selection.columns:
            continue
        values = selection[index].to_numpy(dtype=float)
        low, high = np.nanmin(values), np.nanmax(values)
        span = high - low
        scaled = np.full(len(values), 1.0) if not span > 0 else (values - low) / span
        if not higher:
            scaled = 1.0 - scaled
        better = label("higher_is_better") if higher else label("lower_is_better")
        ax.plot(ks, scaled, marker="os^"[j], color=SEGMENT_COLORS[4 + j], gid=index,
                label=f"{label(index)} ({better})")
    ax.set_ylim(-0.05, 1.12)
    ax.set_ylabel(label("index_scaled"))
    ax.legend(loc="best", fontsize=7, frameon=False)

    for ax in axes:
        if recommended is not None:
            ax.axvline(float(recommended), color=_RECOMMENDED_COLOR, linestyle="--", linewidth=1.2, zorder=0,
                       gid="recommended-k")
        ax.set_xticks(ks, [str(int(k)) for k in ks])
        ax.set_xlabel(label("n_segments"))
    if recommended is not None:
        axes[1].annotate(f"{label('recommended_k')}: {recommended}", (float(recommended), 1.0),
                         xycoords=("data", "axes fraction"), xytext=(4, -4), textcoords="offset points",
                         ha="left", va="top", fontsize=8, color=_RECOMMENDED_COLOR, gid="recommended-label")
    if created:  # a caller's own figure keeps its layout
        axes[0].figure.tight_layout()
    return axes


# ----------------------------------------------------------------------------- profiles
_HEATMAP_FONT = 10  # points: the profile heatmap's cell values and names (read in a notebook scaled down)


def profile_heatmap(profiles, *, features=None, annotate=True, vmax=None, cmap="RdBu_r", name_chars=34, ax=None,
                    **kwargs):
    """The z-profile of every segment as a diverging heatmap: what makes each segment different.

    A cell is the segment's mean of a standardised feature (after the same log transform
    as the clustering): +1 (dark red) means its accounts lie one standard deviation above
    the average account, −1 (dark blue) one below, 0 (white) average.

    Parameters
    ----------
    profiles : pandas.DataFrame
        The output of :func:`kamlab.segment_profiles` (one row per segment, ``name`` and
        ``z_<feature>`` columns).
    features : list of str, optional
        The features (columns) to show, in this order; default: the profiled features
        (``profiles.attrs["features"]``).
    annotate : bool, default=True
        Write each z-score in its cell (one decimal).
    vmax : float, optional
        The z-score of the darkest colour (the scale runs from −vmax to +vmax); default:
        the largest absolute z-score, at least 1.
    cmap : str or colormap, default="RdBu_r"
        A diverging colour map (blue low, red high).
    name_chars : int, default=34
        Segment names longer than this are wrapped onto several lines.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib.axes.Axes
        The cells are one QuadMesh (gid ``"z-profile"``) whose array is the z-profile (rows =
        segments in the table's order, labelled with their names; columns = features; cell
        (i, j) centred at (j + 0.5, i + 0.5)); the cell texts have gid ``"z-value"`` (row by
        row), in 10 points like the names (the colour bar's in 9). A colour bar is added beside the Axes.
    """
    z = _z_profile(profiles, features, "profile_heatmap")
    numbers = z.to_numpy(dtype=float)
    finite = numbers[np.isfinite(numbers)]
    limit = float(vmax) if vmax is not None else max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)
    texts = colors = None
    if annotate:
        texts = [["" if not np.isfinite(v) else _decimal(f"{v:+.1f}").replace("-", "\u2212") for v in row]
                 for row in numbers]
        colors = np.where(np.isfinite(numbers) & (np.abs(numbers) > 0.6 * limit), "white", "0.15")
    frame = pd.DataFrame(numbers, index=_names(profiles, name_chars),
                         columns=["\n".join(textwrap.wrap(label(f), 10, break_long_words=False)) for f in z.columns])
    ax, _, colorbar = _heatmap(frame, texts=texts, text_colors=colors, cmap=cmap, vmin=-limit, vmax=limit,
                               cbar_label="\n".join(textwrap.wrap(label("z_score"), 30)), gid="z-profile",
                               text_gid="z-value", fontsize=_HEATMAP_FONT, check_overlap=False, ax=ax,
                               **kwargs)  # both label rotations set below
    if colorbar is not None:
        colorbar.ax.tick_params(labelsize=_HEATMAP_FONT - 1)
        colorbar.ax.yaxis.label.set_fontsize(_HEATMAP_FONT - 1)
    ax.tick_params(length=0, labelsize=_HEATMAP_FONT)
    ax.tick_params(axis="y", rotation=0)
    # narrow cells (an explorer's small panel): the feature names upright, else they run into each other
    column_inches = ax.get_position().width * ax.figure.get_figwidth() / max(numbers.shape[1], 1)
    if column_inches < 0.8:
        for tick in ax.get_xticklabels():
            tick.set(rotation=90, ha="center")
    else:
        ax.tick_params(axis="x", rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def snake_plot(profiles, *, features=None, ax=None, **kwargs):
    """The z-profile as lines: one line per segment across the features (a "snake plot").

    The same numbers as :func:`profile_heatmap`; lines make it easy to see on which
    features two segments differ (where their lines are far apart) and where they are
    alike (where they cross or run together). The dashed line at 0 is the average account.

    Parameters
    ----------
    profiles : pandas.DataFrame
        The output of :func:`kamlab.segment_profiles`.
    features : list of str, optional
        The features along the x-axis, in this order; default: the profiled features.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` (e.g. ``linewidth``).

    Returns
    -------
    matplotlib.axes.Axes
        One line per segment (gid ``"segment-<number>"``, label its name) whose y-values
        are the segment's z-scores at x = 0, 1, 2, ... (the features in order); the line
        at 0 has gid ``"average"``.
    """
    z = _z_profile(profiles, features, "snake_plot")
    ax = _axes(ax)
    x = np.arange(z.shape[1])
    ax.axhline(0.0, color=_GREY, linestyle="--", linewidth=1, zorder=0, gid="average", label=label("average_account"))
    kwargs.setdefault("linewidth", 2)
    kwargs.setdefault("marker", "o")
    for position, (segment, name) in enumerate(zip(profiles.index, profiles["name"])):
        ax.plot(x, z.loc[segment].to_numpy(dtype=float), color=_segment_color(segment, position),
                gid=f"segment-{segment}", label=str(name), **kwargs)
    ax.set_xticks(x, [_wrap(label(f), 12) for f in z.columns], fontsize=8)
    ax.set_xlim(-0.3, len(x) - 0.7)
    ax.set_ylabel("\n".join(textwrap.wrap(label("z_score"), 34)))
    ax.legend(title=label("segment"), loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8,
              title_fontsize=8)
    return ax


# ----------------------------------------------------------------------------- the map
def pca_coordinates(X, *, segmenter=None, features=None, log_features="auto", scaler="standard"):
    """The first two principal components of the prepared features, as :func:`segment_map` draws them.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        The accounts.
    segmenter : AccountSegmenter, optional
        A fitted segmenter: its :meth:`~kamlab.AccountSegmenter.preprocess` prepares X
        (the space the segments were found in).
    features, log_features, scaler
        Without a segmenter, X is prepared as :class:`kamlab.AccountSegmenter` would with
        these parameters (default: the numeric columns, ``log1p`` of the skewed ones,
        standard scaling). Pass ``log_features=None, scaler=None`` for a matrix that is
        already prepared.

    Returns
    -------
    coordinates : ndarray of shape (n_samples, 2)
        The accounts' coordinates on the first two principal components.
    explained : ndarray of shape (2,)
        The share of the prepared features' variance each component explains.
    pca : sklearn.decomposition.PCA
        The fitted PCA (its ``transform`` places segment centres on the same map).
    """
    from sklearn.decomposition import PCA

    from kamlab.segment import AccountSegmenter

    if segmenter is not None:
        if features is not None:
            raise ParameterError("Give either a fitted segmenter or features, not both: the segmenter knows its "
                                 "features.")
        prepared = segmenter.preprocess(X)
    else:
        prepared = AccountSegmenter(features=features, log_features=log_features, scaler=scaler)._fit_preprocessing(X)
    if prepared.shape[1] < 2:
        raise ParameterError(f"A 2-D map needs at least two features; there is {prepared.shape[1]}.")
    pca = PCA(n_components=2, svd_solver="full").fit(prepared)
    return pca.transform(prepared), pca.explained_variance_ratio_, pca


def segment_map(X, labels=None, *, segmenter=None, features=None, names=None, centres=True, log_features="auto",
                scaler="standard", ax=None, **kwargs):
    """A 2-D map of the accounts, coloured by segment: the first two principal components.

    Segments live in as many dimensions as there are features. A principal component
    analysis (PCA) turns the prepared (logged and scaled) features into new axes, the
    first two of which keep as much of the accounts' spread as any flat map can; the
    axis labels say how much. Segments that overlap on the map may still be apart in
    the dimensions the map leaves out — read the explained variance.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        The accounts (the account table, or a numeric matrix).
    labels : array-like of shape (n_samples,), optional
        The segment (or any group, such as a sales channel) of each account; default
        ``segmenter.labels_``.
    segmenter : AccountSegmenter, optional
        A fitted segmenter; its preprocessing prepares X (see :func:`pca_coordinates`).
    features : list of str, optional
        Without a segmenter: the columns to map (default: every numeric column).
    names : dict or sequence, optional
        Legend names: a dict from label to name, a sequence with one name per segment
        (in label order), or the ``name`` column of :func:`kamlab.segment_profiles`.
        Default: "Segment 0", "Segment 1", ... for numbers, the labels themselves
        otherwise.
    centres : bool, default=True
        With a segmenter whose labels are drawn, mark each segment's centre (gid
        ``"centres"``).
    log_features, scaler
        Without a segmenter: the preparation, as in :class:`kamlab.AccountSegmenter`.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` (e.g. ``s``, ``alpha``).

    Returns
    -------
    matplotlib.axes.Axes
        One point collection per segment (gid ``"segment-<label>"``, legend label its
        name) whose offsets are the PCA coordinates of its accounts, in their row order;
        the axis labels give each component's share of the variance.
    """
    if labels is None:
        if segmenter is None:
            raise ParameterError("Give the segment labels (labels=...) or a fitted segmenter (segmenter=...).")
        labels = segmenter.labels_
    labels = np.asarray(labels)
    coordinates, explained, pca = pca_coordinates(X, segmenter=segmenter, features=features,
                                                  log_features=log_features, scaler=scaler)
    if labels.ndim != 1 or len(labels) != len(coordinates):
        raise ParameterError(f"labels must have one segment per account: {len(coordinates)} accounts, got shape "
                             f"{labels.shape}.")
    groups = list(pd.unique(labels))
    try:
        groups = sorted(groups)
    except TypeError:
        pass
    if isinstance(names, pd.Series):
        names = names.to_dict()
    if names is not None and not isinstance(names, dict):
        names = list(names)
        numbered = [g for g in groups if not (isinstance(g, (int, np.integer)) and g < 0)]
        if len(names) != len(numbered):
            raise ParameterError(f"names must have one name per segment ({len(numbered)}); got {len(names)}.")
        names = dict(zip(numbered, names))
    names = names or {}
    ax = _axes(ax)
    kwargs.setdefault("s", 12)
    kwargs.setdefault("alpha", 0.6)
    kwargs.setdefault("linewidths", 0)
    for position, group in enumerate(groups):
        members = labels == group
        is_number = isinstance(group, (int, np.integer)) and not isinstance(group, bool)
        if group in names:
            name = str(names[group])
        elif is_number and group < 0:
            name = label("noise")
        elif is_number:
            name = f"{label('segment')} {group}"
        else:
            name = str(group)
        points = ax.scatter(coordinates[members, 0], coordinates[members, 1], color=_segment_color(group, position),
                            label=name, **kwargs)
        points.set_gid(f"segment-{group}")
    if centres and segmenter is not None and np.array_equal(labels, segmenter.labels_):
        placed = pca.transform(segmenter.cluster_centers_)
        marks = ax.scatter(placed[:, 0], placed[:, 1], marker="X", s=140, zorder=5, edgecolors="black",
                           linewidths=1.0, c=[_segment_color(s) for s in range(len(placed))],
                           label=label("segment_centre"))
        marks.set_gid("centres")
    ax.set_xlabel(label("principal_component").format(n=1, share=_percent(explained[0])))
    ax.set_ylabel(label("principal_component").format(n=2, share=_percent(explained[1])))
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    for handle in legend.legend_handles:  # legend markers: opaque, of one readable size
        handle.set_alpha(1.0)
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([60.0 if handle.get_label() == label("segment_centre") else 30.0])
    return ax


# ----------------------------------------------------------------------------- size against value
def _share_columns(profiles, value):
    if value == "auto":
        columns = [f"{c}_share" for c in profiles.attrs.get("value_columns", []) if f"{c}_share" in profiles.columns]
        if not columns:
            columns = [c for c in profiles.columns if str(c).endswith("_share") and c != "share_of_accounts"]
        return columns
    values = [value] if isinstance(value, str) else list(value)
    columns = [v if str(v).endswith("_share") else f"{v}_share" for v in values]
    missing = [c for c in columns if c not in profiles.columns]
    if missing:
        found = [c for c in profiles.columns if str(c).endswith("_share")]
        raise MissingColumnError(
            f"segment_share_chart: the profiles have no column {missing[0]!r} (shares found: {', '.join(found)}). "
            "Compute it with kamlab.segment_profiles(..., value_columns=[...])."
        )
    return columns


def segment_share_chart(profiles, *, value="auto", annotate=True, name_chars=18, ax=None, **kwargs):
    """Per segment: its share of the accounts next to its share of revenue (and of contribution margin).

    The chart of a segmentation's economics: a segment with 10 % of the accounts and 60 %
    of the revenue needs other service than one with 40 % of the accounts and 5 % of the
    revenue. A margin bar far below the revenue bar shows a segment that costs more than
    its revenue suggests; a negative one, a segment that loses money.

    Parameters
    ----------
    profiles : pandas.DataFrame
        The output of :func:`kamlab.segment_profiles` (``share_of_accounts`` and
        ``<value>_share`` columns).
    value : "auto", str or list of str, default="auto"
        The value shares to draw beside the share of accounts: ``"revenue"``, ``"db4"``,
        ``["revenue", "db4"]``, ... (``"revenue_share"`` works too). ``"auto"``: every
        value share the profiles hold (revenue and contribution margin by default).
    annotate : bool, default=True
        Write each share above its bar (in percent).
    name_chars : int, default=18
        Segment names are wrapped at this many characters.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers`` holds one bar container per share, the share of accounts first,
        then the values in order, each with one bar per segment (in the table's order;
        every bar's gid is its column, e.g. ``"revenue_share"``); the bar heights are the
        shares (fractions, the axis shows percent).
    """
    from matplotlib.ticker import FuncFormatter

    _check_profiles(profiles, "segment_share_chart")
    if "share_of_accounts" not in profiles.columns:
        raise MissingColumnError("segment_share_chart: the profiles have no column 'share_of_accounts'. Pass the "
                                 "output of kamlab.segment_profiles.")
    columns = ["share_of_accounts", *_share_columns(profiles, value)]
    ax = _axes(ax)
    positions = np.arange(len(profiles))
    width = 0.8 / len(columns)
    colors = ["0.6", SEGMENT_COLORS[0], SEGMENT_COLORS[2], SEGMENT_COLORS[1], SEGMENT_COLORS[4]]
    kwargs.setdefault("edgecolor", "white")
    for j, column in enumerate(columns):
        heights = profiles[column].to_numpy(dtype=float)
        bars = ax.bar(positions + (j - (len(columns) - 1) / 2) * width, heights, width, label=label(column),
                      color=colors[j % len(colors)], **kwargs)
        for bar in bars:
            bar.set_gid(column)
        if annotate:
            for bar, height in zip(bars, heights):
                if np.isfinite(height):
                    ax.annotate(_percent(height).replace("-", "\u2212"),
                                (bar.get_x() + bar.get_width() / 2, max(height, 0.0) if height >= 0 else height),
                                xytext=(0, 2 if height >= 0 else -2), textcoords="offset points", ha="center",
                                va="bottom" if height >= 0 else "top", fontsize=7, gid="share-value")
    ax.axhline(0.0, color=_GREY, linewidth=0.8)
    ax.set_xticks(positions, _names(profiles, name_chars), fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _percent(v)))
    low = min(0.0, float(np.nanmin(profiles[columns].to_numpy(dtype=float))))
    high = float(np.nanmax(profiles[columns].to_numpy(dtype=float)))
    ax.set_ylim(low * 1.15 if low < 0 else 0.0, max(high, 0.0) * 1.15 + 0.02)
    ax.set_ylabel(label("share"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return ax
