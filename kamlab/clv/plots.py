"""Customer-value charts: P(alive) and the distribution or concentration of CLV.

Data first, keyword arguments, ``ax=None``, return the Axes; labels follow
:func:`kamlab.set_language`. The numbers drawn come from :mod:`kamlab.clv`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.errors import ParameterError
from kamlab._util.labels import label
from kamlab._util.format import amount as _amount
from kamlab._util.format import decimal as _decimal
from kamlab._util.format import count as _count
from kamlab._util.format import percent as _percent
from kamlab._util.format import small_amount as _small_amount
from kamlab._util.format import translator
from kamlab._util.plotting import amount_formatter as _amount_formatter
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import need as _need

__all__ = [
    "alive_chart",
    "clv_chart",
]

_HEADROOM_COLOR = "#D55E00"
_ACCOUNT_COLOR = "#0072B2"
_GROUP_COLORS = ("#009E73", "#D55E00", "#0072B2", "#E69F00", "#CC79A7", "#8C8C8C")
_TEXT = {
    "below": ("{n} accounts below {value} not shown (log scale)",
              "{n} Kunden unter {value} nicht gezeigt (log. Skala)"),
    "group_legend": ("{name} (n = {n}, mean {mean})", "{name} (n = {n}, Mittel {mean})"),
    "top_share": ("top {top} of accounts: {share} of CLV", "Top {top} der Kunden: {share} des Kundenwerts"),
    "median_legend": ("median {value}", "Median {value}"),
}

_t = translator(_TEXT)


# ----------------------------------------------------------------------------- P(alive)
def _values_and_groups(data, x, hue, what):
    if isinstance(data, pd.DataFrame):
        _need(data, [x] + ([hue] if isinstance(hue, str) else []), what)
        values = data[x]
        groups = data[hue] if isinstance(hue, str) else hue
    else:
        values = data
        if isinstance(hue, str):
            raise ParameterError(f"{what}: hue={hue!r} names a column, so pass a DataFrame as data.")
        groups = hue
    values = pd.to_numeric(pd.Series(np.asarray(values)), errors="coerce").to_numpy(dtype=float)
    if groups is not None:
        groups = np.asarray(groups)
        if len(groups) != len(values):
            raise ParameterError(f"{what}: hue has {len(groups)} values for {len(values)} accounts.")
    return values, groups


def _group_names(groups):
    """Groups in the order drawn, with their names (True/False read as alive/dropped out)."""
    if groups is None:
        return [(None, label("accounts"))]
    if groups.dtype == bool:
        return [(True, label("alive")), (False, label("dropped"))]
    return [(g, str(g)) for g in pd.unique(groups)]


def alive_chart(data, *, x="probability_alive", hue=None, bins=20, log=False, ax=None, **kwargs):
    """Histogram of P(alive): how sure the model is that each account is still a customer.

    With ``hue`` the bars are stacked by group, e.g. the hidden truth ``alive_at_end`` of
    the case company: a good model puts the dropped-out accounts on the left.

    Parameters
    ----------
    data : pandas.DataFrame, pandas.Series or array-like
        The probabilities (from :meth:`kamlab.BetaGeo.probability_alive`), or a table
        with a column ``x``.
    x : str, default="probability_alive"
        The column of a table.
    hue : str or array-like, optional
        A column of the table (or values, one per account) to split the bars by.
        True/False are read as alive/dropped out and drawn in that order; other values in
        the order they first appear.
    bins : int, default=20
        Number of equal bins between 0 and 1.
    log : bool, default=False
        Logarithmic count axis (P(alive) piles up near 1).
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers`` holds one bar container per group, in the order drawn; each
        bar's height is the count of its group in the bin (``numpy.histogram`` with edges
        ``numpy.linspace(0, 1, bins + 1)``), stacked on the groups before it. The legend
        gives each group's size and mean P(alive).
    """
    values, groups = _values_and_groups(data, x, hue, "alive_chart")
    finite = np.isfinite(values)
    if np.any((values[finite] < 0) | (values[finite] > 1)):
        raise ParameterError("alive_chart draws probabilities: every value must lie between 0 and 1.")
    ax = _axes(ax)
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    bottom = np.zeros(int(bins))
    kwargs.setdefault("edgecolor", "white")
    kwargs.setdefault("linewidth", 0.5)
    for k, (group, name) in enumerate(_group_names(groups)):
        members = finite if group is None else finite & (groups == group)
        counts, _ = np.histogram(values[members], edges)
        mean = _decimal(f"{values[members].mean():.2f}") if members.any() else "–"
        ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", bottom=bottom,
               color=_GROUP_COLORS[k % len(_GROUP_COLORS)] if groups is not None else _ACCOUNT_COLOR,
               label=_t("group_legend", name=name, n=_count(int(members.sum())), mean=mean), **kwargs)
        bottom = bottom + counts
    if log:
        ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.set_xlabel(label("probability_alive"))
    ax.set_ylabel(label("n_accounts"))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


# ----------------------------------------------------------------------------- customer value
def clv_chart(data, *, x="clv", kind="hist", bins=30, min_value=None, top_share=0.2, ax=None, **kwargs):
    """The distribution of customer lifetime value: a histogram on a log scale, or the concentration curve.

    Parameters
    ----------
    data : pandas.DataFrame, pandas.Series or array-like
        The values (from :func:`kamlab.customer_lifetime_value`), or a table with a
        column ``x``.
    x : str, default="clv"
    kind : {"hist", "curve"}, default="hist"
        ``"hist"``: how many accounts have which value, on a log axis (values spread over
        orders of magnitude), with the median. ``"curve"``: the accounts sorted by value,
        highest first, against the cumulative share of the total value (a Pareto curve),
        with the share the top ``top_share`` of accounts hold.
    bins : int, default=30
        Number of bins of equal width on the log scale, from ``min_value`` to the largest
        value.
    min_value : float, optional
        For ``kind="hist"``: the left end of the histogram. Default: the smallest positive
        value, but at least 1/10,000 of the largest (models give accounts that are surely
        gone values like 1e-12, which would stretch a log axis over 15 decades).
    top_share : float or None, default=0.2
        For ``kind="curve"``: mark what the top share of accounts holds (None: no mark).
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar` (``"hist"``) or
        :meth:`matplotlib.axes.Axes.plot` (``"curve"``).

    Returns
    -------
    matplotlib.axes.Axes
        ``"hist"``: one bar container, its heights ``numpy.histogram`` of the values from
        ``min_value`` on, with edges ``numpy.geomspace(min_value, max, bins + 1)``; the
        median of all values is a line with gid ``"median"``; the values below
        ``min_value`` are counted in a note with gid ``"not-shown"``. ``"curve"``: a line with gid ``"curve"`` through
        (0, 0) and (share of accounts, cumulative share of value) in percent, and the mark
        as lines with gid ``"top-share"`` and a text.
    """
    if kind not in ("hist", "curve"):
        raise ParameterError(f"kind must be 'hist' or 'curve', not {kind!r}.")
    values, _ = _values_and_groups(data, x, None, "clv_chart")
    values = values[np.isfinite(values)]
    ax = _axes(ax)
    if kind == "hist":
        positive = values[values > 0]
        low = high = None
        if len(positive):
            high = positive.max()
            low = float(min_value) if min_value is not None else max(positive.min(), high * 1e-4)
            if not 0 < low <= high:
                raise ParameterError(f"min_value must lie above 0 and at most the largest value ({high:g}).")
        if low is not None:
            shown = values[values >= low]
            edges = np.geomspace(low, high if high > low else low * 1.01, int(bins) + 1)
            counts, _ = np.histogram(shown, edges)
            kwargs.setdefault("color", _ACCOUNT_COLOR)
            kwargs.setdefault("edgecolor", "white")
            kwargs.setdefault("linewidth", 0.5)
            ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", **kwargs)
            median = float(np.median(values))
            ax.axvline(median, color=_HEADROOM_COLOR, linestyle="--", linewidth=1.2, gid="median",
                       label=_t("median_legend", value=_amount(median)))
            ax.legend(loc="upper right", bbox_to_anchor=(1.0, 0.93), fontsize=8, frameon=False)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(_amount_formatter())
        hidden = int((values < low).sum()) if low is not None else len(values)
        if hidden:
            ax.annotate(_t("below", n=_count(hidden), value=_small_amount(low) if low is not None else "0"),
                        (0.99, 0.98), xycoords="axes fraction", ha="right", va="top", fontsize=7, color="0.35",
                        gid="not-shown")
        ax.set_xlabel(label(x))
        ax.set_ylabel(label("n_accounts"))
        return ax

    from kamlab.identify.concentration import concentration

    kept = values[values >= 0]
    curve = None
    if len(kept) and kept.sum() > 0:
        result = concentration(kept, top=())
        curve = result.pareto
    kwargs.setdefault("color", _ACCOUNT_COLOR)
    if curve is not None:
        ax.plot(curve["share_of_accounts"].to_numpy() * 100, curve["share_of_value"].to_numpy() * 100, gid="curve",
                **kwargs)
    else:
        ax.plot(np.arange(len(kept) + 1) / max(len(kept), 1) * 100, np.zeros(len(kept) + 1), gid="curve", **kwargs)
    ax.plot([0, 100], [0, 100], color="0.6", linewidth=0.8, linestyle=":", gid="equality")
    if top_share is not None and curve is not None:
        top = result.top(top_share)
        x_mark, y_mark = top.n_top / top.n_accounts * 100, top.share * 100
        ax.plot([x_mark, x_mark, 0], [0, y_mark, y_mark], color=_HEADROOM_COLOR, linestyle="--", linewidth=1,
                gid="top-share")
        ax.annotate(_t("top_share", top=_percent(top_share), share=_percent(top.share)), (x_mark, y_mark),
                    xytext=(8, -16), textcoords="offset points", fontsize=8, color=_HEADROOM_COLOR, gid="top-share")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel(f"{label('accounts_by_clv')} (%)")
    ax.set_ylabel(f"{label('share_of_clv')} (%)")
    return ax
