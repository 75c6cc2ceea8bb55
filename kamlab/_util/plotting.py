"""Private helpers shared by kamlab's chart modules."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from kamlab._util.format import small_amount
from kamlab.errors import MissingColumnError, ParameterError


def axes(ax):
    """``ax``, or the current Axes when it is None (the seaborn convention)."""
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


def need(data, columns, what):
    """Raise a kamlab error unless ``data`` is a DataFrame with every column in ``columns``."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"{what} needs a pandas DataFrame, not {type(data).__name__}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingColumnError(
            f"{what}: the data have no column {missing[0]!r}. Columns found: {', '.join(map(str, data.columns))}."
        )


def amount_formatter():
    """A matplotlib tick formatter writing compact amounts in the current language."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: "0" if v == 0 else small_amount(v))


_HEATMAP_LOCK = threading.RLock()


def heatmap(numbers, *, texts=None, text_colors=None, cmap="Blues", vmin=None, vmax=None, center=None, cbar=True,
            cbar_label=None, cbar_format=None, gid=None, text_gid=None, fontsize=8, check_overlap=True, ax=None,
            **kwargs):
    """The one heatmap of kamlab's charts: :func:`seaborn.heatmap` with kamlab's cell texts and colour bar.

    Parameters
    ----------
    numbers : pandas.DataFrame
        The matrix drawn (NaN cells stay empty); its index and columns become the tick labels.
    texts : array-like of str, optional
        A text per cell (same shape), written in its centre with gid ``text_gid``.
    text_colors : array-like of str, optional
        A colour per cell text (default: dark grey).
    cmap, vmin, vmax, center
        As in :func:`seaborn.heatmap`.
    cbar : bool, default=True
    cbar_label : str, optional
    cbar_format : matplotlib.ticker.Formatter, optional
    gid : str, optional
        The gid of the cells' QuadMesh, so tests and students can find it (``.get_array()`` is the matrix).
    check_overlap : bool, default=True
        seaborn draws the whole figure once to see whether the tick labels overlap (and turns them if
        they do). ``False`` skips that draw, for callers that set the labels' rotation themselves (an
        explorer's figure is then drawn once per change instead of twice).
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    (matplotlib.axes.Axes, matplotlib.collections.QuadMesh, colorbar or None)
        Cell (i, j) is centred at (j + 0.5, i + 0.5), seaborn's convention.
    """
    import seaborn as sns

    ax = axes(ax)
    before = len(ax.collections)
    cbar_kws = {"fraction": 0.05, "pad": 0.02}
    if cbar_format is not None:
        cbar_kws["format"] = cbar_format
    import seaborn.matrix

    # one heatmap at a time (explorers render some in a background thread): the switch below is seaborn's
    with _HEATMAP_LOCK:
        draw_figure = seaborn.matrix._draw_figure
        if not check_overlap:
            seaborn.matrix._draw_figure = lambda figure: None  # the draw before seaborn's overlap check
        try:
            sns.heatmap(numbers, cmap=cmap, vmin=vmin, vmax=vmax, center=center, annot=False, cbar=cbar,
                        cbar_kws=cbar_kws if cbar else None, ax=ax, **kwargs)
        finally:
            seaborn.matrix._draw_figure = draw_figure
    mesh = ax.collections[before]
    if gid:
        mesh.set_gid(gid)
    colorbar = mesh.colorbar if cbar else None
    if colorbar is not None and cbar_label:
        colorbar.set_label(cbar_label, fontsize=8)
    if texts is not None:
        texts = np.asarray(texts, dtype=object)
        colors = np.asarray(text_colors, dtype=object) if text_colors is not None else None
        for i in range(texts.shape[0]):
            for j in range(texts.shape[1]):
                ax.text(j + 0.5, i + 0.5, texts[i, j], ha="center", va="center", fontsize=fontsize,
                        color=colors[i, j] if colors is not None else "0.15", gid=text_gid)
    return ax, mesh, colorbar


def decimal_formatter():
    """A matplotlib tick formatter for plain numbers (0.2, 1.5) with the current language's decimal mark (0,2).

    The language is that of the moment the chart is drawn (the formatter is made then).
    """
    from matplotlib.ticker import FuncFormatter

    from kamlab._util.labels import get_language

    german = get_language() == "de"
    return FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",") if german else f"{v:g}")
