"""Charts in the seaborn style: data first, keyword arguments, ``ax=None``, return the Axes.

Labels come from :func:`kamlab.label`, so ``kamlab.set_language("de")`` turns every
chart German. Statistics are computed by the analysis modules, never here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import MissingColumnError
from .labels import label

__all__ = ["pareto_curve"]


def _axes(ax):
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


def pareto_curve(data=None, *, value="revenue", mark=None, ax=None, **kwargs):
    """Cumulative share of ``value`` against the share of accounts, biggest first.

    Parameters
    ----------
    data : pandas.DataFrame
        The account table, one row per account.
    value : str, default="revenue"
        Column to rank and add up. Accounts with a negative value are left out, as in
        :func:`kamlab.identify.top_share`.
    mark : float, optional
        A share of accounts (e.g. 0.2) to mark with dashed guide lines at the share of
        ``value`` those accounts hold.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the curve.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if value not in data.columns:
        raise MissingColumnError(f"The table has no column {value!r}.")
    ax = _axes(ax)
    values = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    positive = np.sort(values[values >= 0])[::-1]
    n = len(positive)
    x = np.arange(0, n + 1) / max(n, 1)
    y = np.concatenate([[0.0], np.cumsum(positive) / positive.sum()]) if n else np.zeros(1)
    kwargs.setdefault("color", "C0")
    kwargs.setdefault("label", label(value))
    ax.plot(x * 100, y * 100, **kwargs)
    ax.plot([0, 100], [0, 100], color="0.6", linewidth=0.8, linestyle=":")
    if mark is not None and n:
        from .identify import top_share

        result = top_share(positive, mark)
        x_mark, y_mark = result.n_top / n * 100, result.share * 100
        ax.plot([x_mark, x_mark, 0], [0, y_mark, y_mark], color="C3", linestyle="--", linewidth=1)
        ax.annotate(f"{y_mark:.1f} %", (x_mark, y_mark), xytext=(6, -14), textcoords="offset points", color="C3")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel(f"{label('share_of_accounts')} (%)")
    ax.set_ylabel(f"{label('cumulative_share')} {label(value)} (%)")
    return ax
