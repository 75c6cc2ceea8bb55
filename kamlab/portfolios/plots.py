"""Portfolio charts: the attractiveness × supplier-position matrix, criterion contributions, weight sensitivity.

The conventions of :mod:`kamlab.identify.plots`: data first, keyword arguments, ``ax=None``,
return the Axes; every label comes from :func:`kamlab.label`, so
``kamlab.set_language("de")`` (or ``with kamlab.language("de"):``) turns the charts
German. Every number drawn is computed by :mod:`kamlab.portfolios`
(:func:`~kamlab.portfolio`, :meth:`~kamlab.ScoringModel.score`,
:func:`~kamlab.weight_sensitivity`); the charts only draw it.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> import kamlab
>>> scores = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [400.0, 100.0, 250.0, 50.0],
...                        "supplier_position": [8, 3, 7, 2], "attractiveness": [9, 8, 2, 3]})
>>> placed = kamlab.portfolio(scores, size="revenue", split=(5, 5))
>>> ax = portfolio_matrix(placed, size="revenue", label_top=2)
>>> ax.get_xlabel(), ax.get_ylabel()
('Supplier position', 'Customer attractiveness')
>>> sorted(t.get_text() for t in ax.texts if t.get_gid() == "account-label")
['K1', 'K3']
>>> import matplotlib.pyplot as plt
>>> plt.close(ax.figure)
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from kamlab.errors import ParameterError
from kamlab._util.labels import label
from kamlab._util.format import amount as _amount
from kamlab._util.format import decimal as _decimal
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import need as _need

__all__ = ["QUADRANT_COLORS", "portfolio_matrix", "criterion_contributions", "sensitivity_chart"]

#: Colours of the quadrants in the vocabularies' order (attractive & strong, attractive & weak,
#: unattractive & strong, unattractive & weak); Okabe–Ito colours, readable for colour-blind eyes.
QUADRANT_COLORS = ("#009E73", "#E69F00", "#0072B2", "#8C8C8C")
_FLIP_COLOR = "#D55E00"
_STABLE_COLOR = "#8C8C8C"
# corner of each quadrant in axes coordinates, with its alignment
_CORNERS = (
    (0.985, 0.985, "right", "top"),
    (0.015, 0.985, "left", "top"),
    (0.985, 0.015, "right", "bottom"),
    (0.015, 0.015, "left", "bottom"),
)
_TOL = 1e-6


def _round_1(value):
    """``value`` rounded to one significant digit (a 'nice' number for a size legend)."""
    if value <= 0:
        return 0.0
    exponent = np.floor(np.log10(value))
    return float(np.round(value / 10**exponent) * 10**exponent)


# ----------------------------------------------------------------------------- the matrix
def bubble_areas(values, sizes=(8.0, 800.0)):
    """Bubble areas (points²) proportional to ``values``, the biggest value at ``sizes[1]``.

    Areas below ``sizes[0]`` (small, zero or negative values such as a negative DB) are
    raised to ``sizes[0]`` so every account stays visible.

    Examples
    --------
    >>> bubble_areas([100.0, 50.0, 1.0, -5.0], sizes=(10, 800)).tolist()
    [800.0, 400.0, 10.0, 10.0]
    """
    values = np.asarray(values, dtype=float)
    smallest, biggest = (float(s) for s in sizes)
    top = np.nanmax(values) if len(values) else 0.0
    if not top > 0:
        return np.full(len(values), smallest)
    return np.maximum(biggest * np.clip(values, 0, None) / top, smallest)


def portfolio_matrix(data, *, x=None, y=None, size=None, label_top=10, label_col=None, label_chars=24,
                     sizes=(8.0, 800.0), strategies=True, id_col="account_id", ax=None, **kwargs):
    """The portfolio matrix: accounts as bubbles in the four quadrants, with names and strategies.

    Parameters
    ----------
    data : pandas.DataFrame
        The output of :func:`kamlab.portfolio` (one row per account with ``quadrant``;
        its ``attrs`` hold the split values and the vocabulary).
    x, y : str, optional
        The horizontal (supplier position) and vertical (customer attractiveness)
        columns; default: the ones :func:`kamlab.portfolio` used (``attrs["x"]``,
        ``attrs["y"]``), else ``"supplier_position"`` and ``"attractiveness"``.
    size : str, optional
        A column for the bubble sizes (revenue, DB, wallet): each bubble's *area* is
        proportional to it (see :func:`bubble_areas`). Without it all bubbles are equal.
    label_top : int, default=10
        Name this many accounts, the biggest by ``size`` (by ``y`` without ``size``);
        0 names none.
    label_col : str, optional
        The column with the names written beside the bubbles; default ``id_col``.
    label_chars : int, default=24
        Longer names are cut to this many characters (ending in "…"). Each name is put
        beside its bubble, or farther away with a thin leader line, where it covers no
        name written before it and no quadrant text; a name that finds no such place is
        left out (fewer, readable names: lower ``label_top`` on a crowded chart).
    sizes : (float, float), default=(8, 800)
        The smallest and the biggest bubble area in points².
    strategies : bool, default=True
        Write each quadrant's standard strategy under its name.
    id_col : str, default="account_id"
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` (e.g. ``alpha``).

    Returns
    -------
    matplotlib.axes.Axes
        The bubbles are one collection (gid ``"accounts"``), drawn biggest first so
        small bubbles stay visible; the quadrant names and strategies are texts with
        gid ``"quadrant-name"`` and ``"quadrant-strategy"`` in the vocabulary's order,
        the account names texts with gid ``"account-label"``.
    """
    from kamlab.portfolios.scoring import vocabulary as vocabulary_of

    attrs = getattr(data, "attrs", {}) or {}
    x = x or attrs.get("x", "supplier_position")
    y = y or attrs.get("y", "attractiveness")
    _need(data, [x, y, "quadrant"] + ([size] if size else []), "portfolio_matrix")
    if "split" not in attrs:
        raise ParameterError(
            "portfolio_matrix draws the output of kamlab.portfolio(...), which records where the axes are "
            "split (attrs['split']); pass that table, e.g. portfolio_matrix(kamlab.portfolio(scores))."
        )
    vocabulary = vocabulary_of(attrs.get("labels", "mcdonald"))
    names = [name for name, _ in vocabulary]
    quadrant = data["quadrant"].astype(str)
    unknown = sorted(set(quadrant) - set(names))
    if unknown:
        raise ParameterError(f"Quadrant {unknown[0]!r} is not in the vocabulary {attrs.get('labels')!r}.")
    ax = _axes(ax)
    x_split, y_split = attrs["split"]

    code = quadrant.map({name: i for i, name in enumerate(names)}).to_numpy(dtype=int)
    areas = bubble_areas(data[size], sizes) if size else np.full(len(data), 30.0)
    order = np.argsort(-areas, kind="stable")  # biggest first: small bubbles on top
    colors = np.asarray(QUADRANT_COLORS, dtype=object)[code]
    kwargs.setdefault("alpha", 0.7)
    kwargs.setdefault("edgecolors", "white")
    kwargs.setdefault("linewidths", 0.5)
    bubbles = ax.scatter(
        pd.to_numeric(data[x]).to_numpy(dtype=float)[order], pd.to_numeric(data[y]).to_numpy(dtype=float)[order],
        s=areas[order], c=list(colors[order]), **kwargs,
    )
    bubbles.set_gid("accounts")
    ax.axvline(x_split, color="0.35", linestyle="--", linewidth=1, zorder=1, gid="split")
    ax.axhline(y_split, color="0.35", linestyle="--", linewidth=1, zorder=1, gid="split")
    ax.margins(0.06)

    box = {"boxstyle": "round,pad=0.25", "facecolor": "white", "alpha": 0.8, "edgecolor": "none"}
    for i, ((name, strategy), (cx, cy, ha, va)) in enumerate(zip(vocabulary, _CORNERS)):
        lines = textwrap.wrap(strategy, 30) if strategies else []
        top = va == "top"
        name_offset = 0 if top else (len(lines) * 9.5 + 3 if lines else 0)
        ax.annotate(name, (cx, cy), xycoords="axes fraction", xytext=(0, name_offset), textcoords="offset points",
                    ha=ha, va=va, fontsize=10, fontweight="bold", color=QUADRANT_COLORS[i], zorder=5, bbox=box,
                    gid="quadrant-name")
        if lines:
            ax.annotate("\n".join(lines), (cx, cy), xycoords="axes fraction", xytext=(0, -15 if top else 0),
                        textcoords="offset points", ha=ha, va=va, fontsize=7, color="0.2", zorder=5, bbox=box,
                        gid="quadrant-strategy")

    if label_top:
        label_col = label_col or (id_col if id_col in data.columns else None)
        key = pd.to_numeric(data[size] if size else data[y])
        top_rows = key.sort_values(ascending=False, kind="stable").index[: int(label_top)]
        names = [str(data.at[row, label_col]) if label_col else str(row) for row in top_rows]
        points = [(float(data.at[row, x]), float(data.at[row, y])) for row in top_rows]
        _label_accounts(ax, names, points, label_chars)

    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    if size:
        from matplotlib.lines import Line2D

        biggest = float(pd.to_numeric(data[size]).max())
        references = sorted({_round_1(biggest * f) for f in (1.0, 0.25, 0.05)} - {0.0}, reverse=True)
        handles = [
            Line2D([], [], marker="o", linestyle="", markersize=float(np.sqrt(bubble_areas([r, biggest], sizes)[0])),
                   markerfacecolor="0.75", markeredgecolor="0.4", label=_amount(r))
            for r in references
        ]
        ax.legend(handles=handles, title=f"{label('bubble_size')}:\n{label(size)}", loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), frameon=False, labelspacing=2.2, borderpad=1.2, handletextpad=2.0,
                  fontsize=8, title_fontsize=8)
    return ax


def move_accounts(ax, data, *, x=None, y=None, size=None, label_top=10, label_col=None, label_chars=24,
                  sizes=(8.0, 800.0), id_col="account_id"):
    """Move the bubbles, split lines and names of a :func:`portfolio_matrix` to ``data``'s scores, in place.

    For an explorer whose weights change the scores: same accounts, same vocabulary and sizes. The
    bubbles get new positions and colours (``set_offsets``, ``set_facecolors``), the split lines new
    positions, the names are placed again. Returns the artists that changed (for blitting), or
    ``None`` when a bubble would leave the axes' limits (then draw the matrix anew).
    """
    from matplotlib.colors import to_rgba_array

    from kamlab.portfolios import VOCABULARIES

    attrs = data.attrs
    x = x or attrs.get("x", "supplier_position")
    y = y or attrs.get("y", "attractiveness")
    names = [name for name, _ in VOCABULARIES[attrs.get("labels", "mcdonald")]]
    xs, ys = (pd.to_numeric(data[c]).to_numpy(dtype=float) for c in (x, y))
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if len(xs) and (xs.min() < x0 or xs.max() > x1 or ys.min() < y0 or ys.max() > y1):
        return None
    bubbles = next(c for c in ax.collections if c.get_gid() == "accounts")
    areas = bubble_areas(data[size], sizes) if size else np.full(len(data), 30.0)
    order = np.argsort(-areas, kind="stable")
    code = data["quadrant"].astype(str).map({name: i for i, name in enumerate(names)}).to_numpy(dtype=int)
    bubbles.set_offsets(np.column_stack([xs[order], ys[order]]))
    bubbles.set_facecolors(to_rgba_array(QUADRANT_COLORS)[code][order])  # RGBA rows: no colour names to parse
    x_split, y_split = attrs["split"]
    vertical, horizontal = (line for line in ax.lines if line.get_gid() == "split")
    vertical.set_xdata([x_split, x_split])
    horizontal.set_ydata([y_split, y_split])
    for text in [t for t in ax.texts if t.get_gid() == "account-label"]:
        text.remove()
    if label_top:
        label_col = label_col or (id_col if id_col in data.columns else None)
        key = pd.to_numeric(data[size] if size else data[y])
        top_rows = key.sort_values(ascending=False, kind="stable").index[: int(label_top)]
        _label_accounts(ax, [str(data.at[row, label_col]) if label_col else str(row) for row in top_rows],
                        [(float(data.at[row, x]), float(data.at[row, y])) for row in top_rows], label_chars)
    return [bubbles, vertical, horizontal, *(t for t in ax.texts if t.get_gid() == "account-label")]


# where a name may go beside its bubble (offset in points, alignment), in the order tried
_LABEL_PLACES = (
    ((4, 3), "left", "bottom"), ((4, -3), "left", "top"), ((-4, 3), "right", "bottom"), ((-4, -3), "right", "top"),
    ((0, 9), "center", "bottom"), ((0, -9), "center", "top"),
)
# farther places, reached by a thin leader line: directions (unit offsets) times these distances in points
_FAR_DIRECTIONS = ((1, 1), (-1, 1), (1, -1), (-1, -1), (0, 1), (0, -1), (1, 0), (-1, 0))
_FAR_DISTANCES = (16, 28, 40, 54, 72, 96)
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8, "edgecolor": "none"}


def _far_places():
    places = []
    for distance in _FAR_DISTANCES:
        for dx, dy in _FAR_DIRECTIONS:
            ha = "left" if dx > 0 else ("right" if dx < 0 else "center")
            va = "bottom" if dy > 0 else ("top" if dy < 0 else "center")
            places.append(((dx * distance, dy * distance), ha, va))
    return tuple(places)


_FAR_PLACES = _far_places()


def _label_accounts(ax, names, points, max_chars):
    """Write each name beside its point where it covers no other name and no quadrant text.

    The places next to the bubble are tried first, then places farther away (with a thin
    leader line to the bubble). A name that finds no free place inside the axes is left out:
    overlapping names cannot be read, and the table of accounts names every account.

    The box a name takes at each place, relative to its point, is measured once and kept on the Axes
    (with the quadrant texts' boxes) while the Axes keep their place: :func:`move_accounts` then only
    compares boxes, and writes the names where they fit.
    """
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    ax.get_xlim(), ax.get_ylim()  # settle the autoscaled limits: transData must be final to measure places
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    quadrant_texts = [t for t in ax.texts if t.get_gid() in ("quadrant-name", "quadrant-strategy") and t.get_visible()]
    key = (tuple(frame.bounds), ax.figure.dpi, tuple((t.get_text(), t.get_position()) for t in quadrant_texts))
    kept = getattr(ax, "_kamlab_label_boxes", None)
    if kept is None or kept[0] != key:
        # the quadrant names and strategies are obstacles too
        kept = (key, [t.get_window_extent(renderer).expanded(1.02, 1.1) for t in quadrant_texts], {})
        ax._kamlab_label_boxes = kept
    placed, boxes = list(kept[1]), kept[2]
    for name, point in zip(names, points):
        if max_chars and len(name) > max_chars:
            name = name[: max_chars - 1].rstrip() + "…"
        # right of the middle, try the places left of the point first
        px, py = ax.transData.transform(point)
        right_half = px > frame.x0 + frame.width / 2
        near = sorted(_LABEL_PLACES, key=lambda place: (place[0][0] > 0) == right_half)
        far = sorted(_FAR_PLACES, key=lambda place: (abs(place[0][0]) + abs(place[0][1]),
                                                     (place[0][0] > 0) == right_half))
        for k, (offset, ha, va) in enumerate(near + far):
            leader = {"arrowstyle": "-", "color": "0.45", "linewidth": 0.6, "shrinkA": 0, "shrinkB": 2} \
                if k >= len(near) else None
            style = {"xytext": offset, "textcoords": "offset points", "ha": ha, "va": va, "fontsize": 7,
                     "color": "0.1", "zorder": 6, "gid": "account-label", "bbox": _LABEL_BOX, "arrowprops": leader}
            relative = boxes.get((name, offset, ha, va))
            text = None
            if relative is None:
                text = ax.annotate(name, point, **style)
                text.update_positions(renderer)
                box = Text.get_window_extent(text, renderer).expanded(1.02, 1.1)  # the name, not its leader line
                relative = boxes[(name, offset, ha, va)] = (box.x0 - px, box.y0 - py, box.x1 - px, box.y1 - py)
            box = Bbox.from_extents(px + relative[0], py + relative[1], px + relative[2], py + relative[3])
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                if text is None:
                    ax.annotate(name, point, **style)
                break
            if text is not None:
                text.remove()


# ----------------------------------------------------------------------------- criterion contributions
def criterion_contributions(scores, *, accounts=None, criteria=None, top=15, annotate=True, ax=None, **kwargs):
    """Stacked horizontal bars: each criterion's weighted contribution to an account's score.

    A bar's total length is the account's score (the ``total`` column): the chart shows
    *why* an account scores high or low, criterion by criterion.

    Parameters
    ----------
    scores : pandas.DataFrame
        The output of :meth:`kamlab.ScoringModel.score`: a column per criterion with its
        contribution (weight × score) and ``total``. Its index names the accounts, so
        score a table indexed by account (``model.score(table.set_index("account_id"))``).
    accounts : sequence, optional
        Index labels of the accounts to show, top to bottom; default: the ``top``
        accounts with the highest total.
    criteria : sequence of str or ScoringModel, optional
        The contribution columns; default: every column but ``total``. A hierarchical
        model's score also holds its group scores: pass the model (or
        ``list(model.weights)``) then.
    top : int, default=15
        How many accounts to show when ``accounts`` is not given.
    annotate : bool, default=True
        Write each total at the end of its bar.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.barh`.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers`` holds one bar container per criterion, in the criteria's order.
    """
    from kamlab.portfolios import ScoringModel

    if isinstance(criteria, ScoringModel):
        criteria = list(criteria.weights)
    _need(scores, ["total"] + list(criteria or []), "criterion_contributions")
    criteria = list(criteria) if criteria is not None else [c for c in scores.columns if c != "total"]
    contributions = scores[criteria].apply(pd.to_numeric)
    if not np.allclose(contributions.sum(axis=1), scores["total"], atol=_TOL):
        raise ParameterError(
            f"The columns {', '.join(criteria)} do not add up to 'total'. A hierarchical model's score also "
            "holds the group scores: pass criteria=model (or list(model.weights))."
        )
    if accounts is None:
        accounts = list(scores["total"].sort_values(ascending=False, kind="stable").index[: int(top)])
    missing = [a for a in accounts if a not in scores.index]
    if missing:
        raise ParameterError(
            f"Account {missing[0]!r} is not in the scores' index. Score a table indexed by account: "
            "model.score(table.set_index('account_id'))."
        )
    ax = _axes(ax)
    shown = contributions.loc[list(accounts)]
    positions = np.arange(len(shown))
    left = np.zeros(len(shown))
    kwargs.setdefault("height", 0.7)
    kwargs.setdefault("edgecolor", "white")
    for j, criterion in enumerate(criteria):
        widths = shown[criterion].to_numpy(dtype=float)
        ax.barh(positions, widths, left=left, color=f"C{j % 10}", label=label(criterion), **kwargs)
        left = left + widths
    totals = scores.loc[list(accounts), "total"].to_numpy(dtype=float)
    if annotate:
        for position, total in zip(positions, totals):
            ax.annotate(_decimal(f"{total:.2f}"), (total, position), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8, gid="total")
    ax.set_yticks(positions, [str(a) for a in shown.index])
    ax.set_ylim(len(shown) - 0.5, -0.5)  # the first account on top
    ax.set_xlim(0, (totals.max() if len(totals) else 1) * 1.12)
    ax.set_xlabel(label("weighted_contribution"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return ax


# ----------------------------------------------------------------------------- weight sensitivity
_RANGES = {
    "attractiveness": ("attractiveness", "attractiveness_min", "attractiveness_max"),
    "position": ("position", "position_min", "position_max"),
    "rank": ("rank", "rank_best", "rank_worst"),
}


def sensitivity_chart(sensitivity, *, value="attractiveness", accounts=None, top=20, split=None, annotate=True,
                      id_col="account_id", ax=None, **kwargs):
    """How far each account's score (or rank) moves when the weights move.

    One line per account from the lowest to the highest value over the weight scenarios
    of :func:`kamlab.weight_sensitivity` (its range), a dot at the value with the base
    weights.
    Accounts that change quadrant in at least one scenario are drawn in red and named
    with the quadrants they move to. This teaches the two things a decision needs: how
    wide the uncertainty from subjective weights is, and whether it matters (an interval
    that crosses the split line can change the strategy; a wide one far from it cannot).

    Parameters
    ----------
    sensitivity : pandas.DataFrame
        The output of :func:`kamlab.weight_sensitivity`.
    value : {"attractiveness", "position", "rank"}, default="attractiveness"
        The score intervals of either axis, or the attractiveness rank (best–worst).
    accounts : sequence, optional
        Account ids to show, top to bottom; default: the ``top`` accounts with the best
        base rank (the most attractive ones, which a key-account decision is about).
        Pass the flipping accounts, or a key-account list, to look at them.
    top : int, default=20
    split : float, optional
        Draw the split of this axis (``portfolio(...).attrs["split"]``). With
        ``split="median"`` the split moves a little in each scenario too, so an interval
        may touch the line without a flip.
    annotate : bool, default=True
        Name the quadrants a flipping account moves to.
    id_col : str, default="account_id"
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.hlines` (e.g. ``linewidth``).

    Returns
    -------
    matplotlib.axes.Axes
        The intervals are one line collection (gid ``"ranges"``), the base values one
        point collection (gid ``"base"``), in the order of the accounts shown.
    """
    if value not in _RANGES:
        raise ParameterError(f"value must be one of {', '.join(_RANGES)}, not {value!r}.")
    base, low, high = _RANGES[value]
    _need(sensitivity, [base, low, high, "flips", "rank"], "sensitivity_chart")
    table = sensitivity.set_index(id_col, drop=False) if id_col in sensitivity.columns else sensitivity
    if accounts is None:
        accounts = list(table.sort_values("rank", kind="stable").index[: int(top)])
    missing = [a for a in accounts if a not in table.index]
    if missing:
        raise ParameterError(f"Account {missing[0]!r} is not in the sensitivity table.")
    shown = table.loc[list(accounts)]
    ax = _axes(ax)
    positions = np.arange(len(shown))
    flips = shown["flips"].to_numpy(dtype=bool)
    colors = [_FLIP_COLOR if f else _STABLE_COLOR for f in flips]
    kwargs.setdefault("linewidth", 3)
    ranges = ax.hlines(positions, shown[low].to_numpy(dtype=float), shown[high].to_numpy(dtype=float),
                       colors=colors, **kwargs)
    ranges.set_gid("ranges")
    dots = ax.scatter(shown[base].to_numpy(dtype=float), positions, c=colors, s=28, zorder=3, edgecolors="black",
                      linewidths=0.6)
    dots.set_gid("base")
    if split is not None:
        ax.axvline(float(split), color="0.35", linestyle="--", linewidth=1, zorder=1, gid="split")
    if annotate and "other_quadrants" in shown.columns:
        for position, is_flip, end, other in zip(positions, flips, shown[high], shown["other_quadrants"]):
            if is_flip:
                ax.annotate(f"→ {other}", (float(end), position), xytext=(5, 0), textcoords="offset points",
                            va="center", fontsize=7, color=_FLIP_COLOR, gid="moves-to")
    ax.set_yticks(positions, [str(a) for a in shown.index])
    ax.set_ylim(len(shown) - 0.5, -0.5)
    if len(shown):
        ends = [*shown[low].to_numpy(dtype=float), *shown[high].to_numpy(dtype=float)]
        ends += [float(split)] if split is not None else []
        lowest, highest = min(ends), max(ends)
        span = (highest - lowest) or 1.0
        room = 0.3 if annotate and flips.any() else 0.05  # room on the right for "→ quadrant"
        ax.set_xlim(lowest - 0.05 * span, highest + room * span)
    ax.set_xlabel(label("rank_range") if value == "rank" else label(value))
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=_FLIP_COLOR, linewidth=3, label=label("flips")),
        Line2D([], [], color=_STABLE_COLOR, linewidth=3, label=label("keeps_quadrant")),
        Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="black", label=label("base_weights")),
    ]
    ax.legend(handles=handles, title=label("weight_range"), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False, fontsize=8, title_fontsize=8, alignment="left")
    return ax
