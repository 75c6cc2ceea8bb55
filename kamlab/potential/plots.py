"""Potential charts: revenue against wallet and the whitespace heatmap.

The seaborn conventions: data first, keyword arguments, ``ax=None``,
return the Axes; every label comes from :func:`kamlab.label`, so
``kamlab.set_language("de")`` (or ``with kamlab.language("de"):``) turns the charts
German. Every number drawn is computed by :mod:`kamlab.potential`
(:func:`~kamlab.estimate_wallets`, :func:`~kamlab.whitespace`); the charts only draw it.
Artists carry a ``gid`` so tests (and curious students) can find what was drawn.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> wallets = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "revenue": [50e3, 200e3, 10e3],
...                         "wallet": [400e3, 250e3, 12e3]})
>>> ax = wallet_chart(wallets, label_top=2)
>>> ax.get_xlabel(), ax.get_ylabel()
('Revenue', 'Wallet')
>>> [t.get_text() for t in ax.texts if t.get_gid() == "account-label"]   # number, name, headroom
['1  K1  (350 k)', '2  K2  (50 k)']
>>> import matplotlib.pyplot as plt
>>> plt.close(ax.figure)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.errors import ParameterError
from kamlab._util.labels import has_label, label
from kamlab._util.format import amount as _amount
from kamlab._util.format import count as _count
from kamlab._util.format import percent as _percent
from kamlab._util.format import short as _short
from kamlab._util.format import small_amount as _small_amount
from kamlab._util.format import translator
from kamlab._util.plotting import amount_formatter as _amount_formatter
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import heatmap as _heatmap
from kamlab._util.plotting import need as _need

__all__ = [
    "wallet_chart",
    "whitespace_heatmap",
]


_HEADROOM_COLOR = "#D55E00"
_HATCH_WIDTH = 0.6  # points: the served cells' hatching stays behind the numbers
_ACCOUNT_COLOR = "#0072B2"
_TEXT = {
    "not_shown_log": ("{n} accounts with {what} ≤ 0 not shown (log scale)",
                      "{n} Kunden mit {what} ≤ 0 nicht gezeigt (log. Skala)"),
    "or": (" or ", " oder "),
}

_t = translator(_TEXT)


# ----------------------------------------------------------------------------- revenue against wallet
def _value_in_language(value):
    """A category value (an offering) as written: in German its German name where kamlab knows one."""
    from kamlab._util.labels import get_language

    return label(value) if get_language() == "de" and has_label(value) else str(value)


def wallet_chart(data, *, revenue="revenue", wallet="wallet", label_top=10, label_col=None, id_col="account_id",
                 shares=(1.0, 0.5, 0.2), label_chars=30, ax=None, **kwargs):
    """Revenue against the (estimated) wallet: share of wallet and headroom at a glance.

    One dot per account on log axes: our revenue across, the wallet up. On the diagonal
    an account gives us its whole wallet (share of wallet 100 %); the further above the
    diagonal, the smaller our share. The ``label_top`` accounts with the most headroom
    (wallet − revenue) get a vertical segment from their revenue up to their wallet — the
    headroom itself, as a length — and a number that refers to the list of their names
    beside the chart.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account, e.g. the output of :func:`kamlab.estimate_wallets`.
    revenue, wallet : str, default "revenue", "wallet"
        The columns drawn across and up.
    label_top : int, default=10
        Draw the headroom of this many accounts, the biggest headroom first, and list
        them; 0 draws none.
    label_col : str, optional
        Column with the names in the list; default ``id_col`` (or the index when there is
        no such column).
    id_col : str, default="account_id"
    shares : sequence of float, default=(1.0, 0.5, 0.2)
        Lines of equal share of wallet (wallet = revenue / share); 1.0 is the diagonal.
    label_chars : int, default=30
        Longer names are cut to this many characters.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` (e.g. ``s``, ``alpha``).

    Returns
    -------
    matplotlib.axes.Axes
        The accounts are one collection (gid ``"accounts"``), in the order of ``data``
        (accounts with a revenue or wallet of 0 or less cannot sit on a log axis: they are
        left out and counted in a note with gid ``"not-shown"``); the diagonal is a line
        with gid ``"diagonal"``, the other share lines ``"share-line"``; the headroom
        segments one line collection (gid ``"headroom"``), biggest headroom first, each
        numbered at its top (texts with gid ``"account-number"``; a number that would cover
        another is moved up or beside its segment); the list beside the
        chart has one text per account (gid ``"account-label"``: number, name, headroom)
        in the same order.
    """
    _need(data, [revenue, wallet] + ([label_col] if label_col else []), "wallet_chart")
    shares = [float(s) for s in shares]
    if any(not 0 < s <= 1 for s in shares):
        raise ParameterError(f"shares are shares of wallet between 0 and 1 (1.0 = the diagonal), not {shares!r}.")
    x = pd.to_numeric(data[revenue], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(data[wallet], errors="coerce").to_numpy(dtype=float)
    drawable = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    ax = _axes(ax)
    kwargs.setdefault("s", 12)
    kwargs.setdefault("alpha", 0.45)
    kwargs.setdefault("color", _ACCOUNT_COLOR)
    kwargs.setdefault("linewidths", 0)
    kwargs.setdefault("label", f"{label('accounts')} ({_count(int(drawable.sum()))})")
    dots = ax.scatter(x[drawable], y[drawable], **kwargs)
    dots.set_gid("accounts")
    ax.set_xscale("log")
    ax.set_yscale("log")
    if drawable.any():
        x_low, x_high = x[drawable].min() / 1.5, x[drawable].max() * 1.5
        y_low, y_high = y[drawable].min() / 1.5, y[drawable].max() * 2.0
    else:
        x_low, x_high, y_low, y_high = 1.0, 10.0, 1.0, 10.0
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    ends = np.array([min(x_low, y_low), max(x_high, y_high)])
    dotted = [share for share in sorted(set(shares), reverse=True) if share < 1.0]
    if 1.0 in shares:
        ax.plot(ends, ends, color="0.3", linewidth=1, zorder=1, gid="diagonal", label=label("full_share_of_wallet"))
    for k, share in enumerate(dotted):
        legend = f"{label('share_of_wallet')} {', '.join(_percent(s) for s in dotted)}" if k == 0 else None
        ax.plot(ends, ends / share, color="0.55", linewidth=0.8, linestyle=":", zorder=1, gid="share-line",
                label=legend)
        # name the line where it leaves the top of the plot (or the right edge)
        top_x = min(y_high * share, x_high) / 1.12
        ax.annotate(_percent(share), (top_x, top_x / share), ha="right", va="bottom", fontsize=7, color="0.4",
                    gid="share-label")

    headroom = np.clip(y - x, 0, None)
    order = [i for i in np.argsort(-headroom, kind="stable") if drawable[i] and headroom[i] > 0][: int(label_top)]
    if order:
        segments = ax.vlines(x[order], x[order], y[order], colors=_HEADROOM_COLOR, linewidth=1.6, zorder=3,
                             label=label("biggest_headroom"))
        segments.set_gid("headroom")
        if label_col:
            names = data[label_col].to_numpy()
        elif id_col in data.columns:
            names = data[id_col].to_numpy()
        else:
            names = data.index.to_numpy()
        ax.get_xlim(), ax.get_ylim()
        renderer = ax.figure.canvas.get_renderer()
        placed = []
        for number, i in enumerate(order, start=1):
            _place_number(ax, renderer, str(number), (x[i], y[i]), placed)
            ax.annotate(f"{number}  {_short(names[i], label_chars)}  ({_amount(headroom[i])})", (1.02, 1.0),
                        xycoords="axes fraction", xytext=(0, -11 * number), textcoords="offset points", ha="left",
                        va="top", fontsize=7, color="0.15", gid="account-label")
        ax.annotate(label("headroom"), (1.02, 1.0), xycoords="axes fraction", ha="left", va="top", fontsize=8,
                    fontweight="bold", color=_HEADROOM_COLOR, gid="account-list-title")

    hidden = int((~drawable).sum())
    if hidden:
        what = label(revenue) + _t("or") + label(wallet)
        ax.annotate(_t("not_shown_log", n=_count(hidden), what=what), (0.99, 0.01), xycoords="axes fraction",
                    ha="right", va="bottom", fontsize=7, color="0.35", gid="not-shown")
    ax.xaxis.set_major_formatter(_amount_formatter())
    ax.yaxis.set_major_formatter(_amount_formatter())
    ax.set_xlabel(label(revenue))
    ax.set_ylabel(label(wallet))
    # beside the chart under the list of accounts: inside it would cover the accounts and their headroom
    ax.legend(loc="lower left", bbox_to_anchor=(1.02, 0.0), borderaxespad=0, fontsize=8, frameon=False)
    return ax


# where a headroom number may go: above the segment's top, higher, then beside it (offset in points, alignment)
_NUMBER_PLACES = (((0, 2), "center", "bottom"), ((0, 10), "center", "bottom"), ((5, 0), "left", "center"),
                  ((-5, 0), "right", "center"), ((0, 18), "center", "bottom"), ((5, -9), "left", "center"),
                  ((-5, -9), "right", "center"), ((5, -18), "left", "center"), ((-5, -18), "right", "center"))


def _place_number(ax, renderer, text, point, placed):
    """Write a headroom number at the top of its segment, moved up or aside where it would cover another."""
    for k, (offset, ha, va) in enumerate(_NUMBER_PLACES):
        number = ax.annotate(text, point, xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=7,
                             fontweight="bold", color=_HEADROOM_COLOR, zorder=5, gid="account-number")
        box = number.get_window_extent(renderer).expanded(1.15, 1.1)
        if not any(box.overlaps(other) for other in placed) or k == len(_NUMBER_PLACES) - 1:
            placed.append(box)
            return number
        number.remove()


# ----------------------------------------------------------------------------- whitespace heatmap
_AMOUNT_VALUES = {"revenue", "potential", "gap", "expected_value"}


def whitespace_heatmap(result, *, values="gap", top=20, served=None, names=None, annotate=True,
                       account="account_id", offering="offering", name_chars=28, cmap="YlGn", ax=None, **kwargs):
    """Accounts × offerings, shaded by the gap (or expected value); cells we already serve hatched.

    Read it as a map of where to grow: a dark cell that is *not* hatched is whitespace
    (*weiße Flecken*): similar accounts buy the offering, this one buys nothing of it
    from us — a **mining** opportunity. A dark hatched cell is an offering the account
    already buys from us, but less than similar accounts do — **farming**.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`kamlab.whitespace` (one row per account and offering; the
        ``top`` accounts with the largest total expected value are shown, as
        :func:`kamlab.whitespace_matrix` picks them), or a matrix that is already
        pivoted (accounts as rows, offerings as columns; its first ``top`` rows are
        shown).
    values : {"gap", "expected_value", "propensity", "potential", "revenue"}, default="gap"
        What the cells show (for a whitespace result).
    top : int or None, default=20
        How many accounts to show; None shows all.
    served : pandas.DataFrame, optional
        For a pivoted matrix: our revenue (or True/False) per cell, same rows and columns;
        cells above 0 are hatched. For a whitespace result the served cells are the cells
        with revenue > 0, taken from the result.
    names : mapping or pandas.Series, optional
        Account id → name, for the row labels (e.g.
        ``case.accounts.set_index("account_id")["name"]``); default: the ids.
    annotate : bool, default=True
        Write each cell's value (amounts as 12 k or 1.2 M, propensity in percent).
    account, offering : str
        The columns of a whitespace result.
    name_chars : int, default=28
        Longer names are cut to this many characters.
    cmap : str or colormap, default="YlGn"
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib.axes.Axes
        The cells are one QuadMesh (gid ``"cells"``, cell (i, j) centred at (j + 0.5, i + 0.5))
        whose array is the matrix shown (rows =
        accounts in order, columns = offerings); each served cell is a lightly hatched
        rectangle with gid ``"served"``; the cell texts have gid ``"cell-value"`` (row by
        row), those of served cells on a patch of the cell's colour so the hatching does
        not run through the number. A
        colour bar is added beside the Axes; its label names the values and, when some
        cells are served, what the hatching means.
    """
    from matplotlib.patches import Rectangle

    cells = _whitespace_cells(result, values=values, top=top, served=served, names=names, annotate=annotate,
                              account=account, offering=offering, name_chars=name_chars)
    numbers, served_mask, percent = cells.numbers, cells.served, cells.percent
    frame = pd.DataFrame(numbers, index=cells.rows, columns=cells.columns)
    title = cells.title
    if served_mask.any():
        title = f"{title}\n{label('served')}" if title else label("served")
    kwargs.setdefault("vmin", 0.0)
    ax, mesh, _ = _heatmap(frame, texts=cells.texts, text_colors=cells.text_colors, cmap=cmap, cbar_label=title,
                           cbar_format=None if percent else _amount_formatter(), gid="cells", text_gid="cell-value",
                           fontsize=8, check_overlap=False, ax=ax, **kwargs)  # both label rotations set below
    # served cells: a light, sparse hatching, and the cell's value on a patch of the cell's own colour
    cell_texts = [t for t in ax.texts if t.get_gid() == "cell-value"]
    n_columns = numbers.shape[1]
    for i, j in zip(*np.nonzero(served_mask)):
        hatch = Rectangle((j, i), 1, 1, fill=False, hatch="//", edgecolor=(0.25, 0.25, 0.25, 0.45), linewidth=0,
                          gid="served")
        if hasattr(hatch, "set_hatch_linewidth"):  # matplotlib >= 3.10; older ones draw their default width
            hatch.set_hatch_linewidth(_HATCH_WIDTH)
        ax.add_patch(hatch)
        if cell_texts and np.isfinite(numbers[i, j]):
            face = mesh.cmap(mesh.norm(numbers[i, j]))
            text = cell_texts[i * n_columns + j]
            text.set_bbox({"boxstyle": "round,pad=0.2", "facecolor": face, "edgecolor": "none"})
            text.set_zorder(4)
    ax.tick_params(axis="x", rotation=35, labelsize=8)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.tick_params(axis="y", rotation=0, labelsize=8)
    ax.set_xlabel(label(offering))
    ax.set_ylabel(label("account"))
    return ax


def _whitespace_cells(result, *, values="gap", top=20, served=None, names=None, annotate=True, account="account_id",
                      offering="offering", name_chars=28):
    """What the whitespace heatmap shows (its matplotlib form and its HTML form): the same cells, texts and labels.

    Returns a namespace: ``matrix`` (the DataFrame shown), ``numbers`` (its values as floats), ``served`` (bool
    per cell), ``texts`` and ``text_colors`` (per cell, None without ``annotate``; colours are matplotlib
    colour strings), ``rows`` and ``columns`` (the labels), ``title`` (what the values are; "" for a pivoted
    matrix) and ``percent`` (the cells are shares).
    """
    from types import SimpleNamespace

    if not isinstance(result, pd.DataFrame):
        raise ParameterError(f"whitespace_heatmap needs a DataFrame, not {type(result).__name__}.")
    if top is not None and int(top) < 1:
        raise ParameterError(f"top must be 1 or more (or None for all accounts), not {top!r}.")
    long_form = {account, offering}.issubset(result.columns)
    if long_form:
        from kamlab.potential import whitespace_matrix

        _need(result, [account, offering, values, "revenue", "expected_value"], "whitespace_heatmap")
        matrix = whitespace_matrix(result, values, account=account, offering=offering, top=top)
        revenue = whitespace_matrix(result, "revenue", account=account, offering=offering)
        served_mask = revenue.loc[matrix.index, matrix.columns].to_numpy(dtype=float) > 0
    else:
        matrix = result if top is None else result.head(int(top))
        if served is not None:
            aligned = served.reindex(index=matrix.index, columns=matrix.columns)
            served_mask = aligned.fillna(0).to_numpy(dtype=float) > 0
        else:
            served_mask = np.zeros(matrix.shape, dtype=bool)
    numbers = matrix.to_numpy(dtype=float)
    percent = long_form and values == "propensity"
    texts = colors = None
    if annotate and numbers.size:
        top_value = np.nanmax(numbers) if np.isfinite(numbers).any() else 0.0
        texts = [[_percent(v) if percent else ("0" if v == 0 else _amount(v)) for v in row] for row in numbers]
        colors = np.where((top_value > 0) & (numbers > 0.6 * top_value), "white", "0.15")
    lookup = names.to_dict() if isinstance(names, pd.Series) else (names or {})
    return SimpleNamespace(matrix=matrix, numbers=numbers, served=served_mask, texts=texts, text_colors=colors,
                           rows=[_short(lookup.get(a, a), name_chars) for a in matrix.index],
                           columns=[_value_in_language(c) for c in matrix.columns],
                           title=label(values) if long_form else "", percent=percent)


# the served cells' hatching in the HTML table: thin dark lines rising to the right ("//"), as in the chart
_HTML_HATCH = "repeating-linear-gradient(135deg, rgba(64, 64, 64, 0.45) 0 1px, transparent 1px 6px)"


def _whitespace_html(result, *, values="gap", top=20, names=None, account="account_id", offering="offering",
                     name_chars=28, cmap="YlGn"):
    """The whitespace heatmap of :func:`whitespace_heatmap` as an HTML table, for the explorer's page.

    The same cells, colours (``cmap`` from 0 to the largest value, as seaborn shades them), texts, hatching
    of served cells and labels; the colour bar is a legend above the table (an SVG gradient with the
    colour bar's ticks). A page shows a new table at once, where a chart is rendered, encoded and sent.

    Returns
    -------
    str
        The HTML: a ``<table class="kamlab-heatmap">`` with one row per account (its name in a ``<th>``)
        and one ``<td>`` per offering carrying ``data-value`` (the number, ``repr`` of the float; ``nan``
        for an empty cell), ``data-color`` (its colour, ``#rrggbb``) and ``data-served`` (``1`` for a
        served cell, hatched); names and offerings are HTML-escaped.
    """
    import html

    import matplotlib
    from matplotlib.colors import Normalize, to_hex

    cells = _whitespace_cells(result, values=values, top=top, names=names, account=account, offering=offering,
                              name_chars=name_chars)
    numbers, served, texts = cells.numbers, cells.served, cells.texts
    finite = np.isfinite(numbers)
    vmax = float(np.nanmax(numbers)) if finite.any() else 0.0
    colormap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    norm = Normalize(0.0, vmax)
    faces = [[to_hex(c) for c in row] for row in colormap(norm(numbers))] if numbers.size else []
    escape = html.escape
    cell = "padding: 3px 7px; text-align: center; min-width: 52px; border: 1px solid #fff"
    head = [f'<th style="text-align: left; padding: 2px 8px 2px 0">{escape(label("account"))}</th>']
    head += [f'<th scope="col" style="{cell}; font-weight: normal; vertical-align: bottom">{escape(c)}</th>'
             for c in cells.columns]
    rows = []
    for i, name in enumerate(cells.rows):
        row = [f'<th scope="row" style="text-align: left; font-weight: normal; padding: 0 8px 0 0; '
               f'white-space: nowrap">{escape(name)}</th>']
        for j in range(numbers.shape[1]):
            value = float(numbers[i, j])
            if not finite[i, j]:
                row.append(f'<td data-value="nan" data-color="" data-served="{int(served[i, j])}" style="{cell}"></td>')
                continue
            face, text = faces[i][j], escape(texts[i][j])
            ink = to_hex(cells.text_colors[i, j])
            style = f"{cell}; background-color: {face}; color: {ink}"
            if served[i, j]:
                style += f"; background-image: {_HTML_HATCH}"
                text = f'<span style="background-color: {face}; border-radius: 3px; padding: 0 3px">{text}</span>'
            row.append(f'<td data-value="{value!r}" data-color="{face}" data-served="{int(served[i, j])}" '
                       f'style="{style}">{text}</td>')
        rows.append("<tr>" + "".join(row) + "</tr>")
    legend = _html_colour_legend(colormap, vmax, cells.percent)
    if served.any():
        legend += (f'<span style="display: inline-flex; align-items: center; gap: 6px"><span style="display: '
                   f'inline-block; width: 22px; height: 14px; border: 1px solid #bbb; background-image: '
                   f'{_HTML_HATCH}"></span>{escape(label("served"))}</span>')
    return ('<div class="kamlab-heatmap" style="font-family: var(--jp-ui-font-family, sans-serif); font-size: 12px; '
            'color: #262626; line-height: 1.3">'
            f'<div style="font-weight: bold; margin: 2px 0 4px">{escape(cells.title)}</div>'
            f'<div style="display: flex; align-items: center; flex-wrap: wrap; gap: 18px; margin-bottom: 6px">'
            f'{legend}</div>'
            f'<table class="kamlab-heatmap" style="border-collapse: collapse">'
            f'<thead><tr><th></th><th colspan="{numbers.shape[1]}" style="text-align: center; padding: 2px">'
            f'{escape(label(offering))}</th></tr><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _html_colour_legend(colormap, vmax, percent, width=250):
    """The colour bar as an inline SVG: the gradient from 0 to ``vmax`` with its ticks (amounts or percentages)."""
    import html

    from matplotlib.colors import to_hex
    from matplotlib.ticker import MaxNLocator

    stops = "".join(f'<stop offset="{k / 10:.1f}" stop-color="{to_hex(colormap(k / 10))}"/>' for k in range(11))
    ticks = [t for t in MaxNLocator(nbins=5).tick_values(0.0, vmax) if 0 <= t <= vmax] if vmax > 0 else [0.0]
    marks = []
    for tick in ticks:
        x = 18 + (width - 36) * (tick / vmax if vmax > 0 else 0)  # room for the end ticks' labels
        text = _percent(tick) if percent else ("0" if tick == 0 else _small_amount(tick))
        marks.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="14" y2="18" stroke="#444"/>'
                     f'<text x="{x:.1f}" y="29" font-size="10" text-anchor="middle" fill="#262626">{html.escape(text)}</text>')
    gradient = html.escape(f"kamlab-colour-legend-{colormap.name}")  # the same colours wherever the id is found
    return (f'<svg class="kamlab-colour-legend" width="{width}" height="32" role="img">'
            f'<defs><linearGradient id="{gradient}">{stops}</linearGradient></defs>'
            f'<rect x="18" y="2" width="{width - 36}" height="12" fill="url(#{gradient})" stroke="#999" '
            f'stroke-width="0.5"/>{"".join(marks)}</svg>')
