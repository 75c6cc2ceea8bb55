"""Charts in the seaborn style: data first, keyword arguments, ``ax=None``, return the Axes.

Labels come from :func:`kamlab.label`, so ``kamlab.set_language("de")`` turns every
chart German. Statistics are computed by the analysis modules, never here.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from kamlab.errors import MissingColumnError
from kamlab.identify.concentration import top_count
from kamlab._util.labels import label
from kamlab._util.format import MINUS as _MINUS
from kamlab._util.format import decimal as _decimal
from kamlab._util.plotting import amount_formatter as _amount_formatter
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import heatmap as _heatmap

__all__ = ["pareto_curve", "pareto_chart", "lorenz_curve", "db_waterfall", "abc_heatmap"]


def pareto_curve(data=None, *, value="revenue", mark=None, ax=None, **kwargs):
    """Cumulative share of ``value`` against the share of accounts, biggest first.

    Parameters
    ----------
    data : pandas.DataFrame, array-like or kamlab.identify.Concentration
        The account table (one row per account, with the column ``value``), the values
        themselves, or a result of :func:`kamlab.concentration`. The curve is that result's
        :attr:`~kamlab.identify.Concentration.pareto` table (accounts with a negative value
        are set aside there, as in :func:`kamlab.top_share`).
    value : str, default="revenue"
        Column to rank and add up when ``data`` is a table; also names the axis.
    mark : float, optional
        A share of accounts (e.g. 0.2) to mark with dashed guide lines at the share of
        ``value`` those accounts hold (:meth:`~kamlab.identify.Concentration.top`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the curve.

    Returns
    -------
    matplotlib.axes.Axes
        The mark's guide line and its annotation have gid ``"mark"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = pareto_curve([50, 30, 20], mark=1 / 3, ax=ax)
    >>> ax.lines[0].get_ydata().round(1).tolist()
    [0.0, 50.0, 80.0, 100.0]
    >>> plt.close(fig)
    """
    from kamlab.errors import ParameterError
    from kamlab.identify.concentration import Concentration, concentration

    if data is None:
        raise ParameterError("pareto_curve needs data: the account table, the values, or a concentration(...) result.")
    if isinstance(data, pd.DataFrame) and value not in data.columns:
        raise MissingColumnError(f"The table has no column {value!r}.")
    result = data if isinstance(data, Concentration) else concentration(data, value=value, top=())
    curve = result.pareto
    ax = _axes(ax)
    kwargs.setdefault("color", "C0")
    kwargs.setdefault("label", label(value))
    ax.plot(curve["share_of_accounts"].to_numpy() * 100, curve["share_of_value"].to_numpy() * 100, **kwargs)
    ax.plot([0, 100], [0, 100], color="0.6", linewidth=0.8, linestyle=":")
    if mark is not None:
        top = result.top(mark)
        x_mark, y_mark = top.n_top / top.n_accounts * 100, top.share * 100
        ax.plot([x_mark, x_mark, 0], [0, y_mark, y_mark], color="C3", linestyle="--", linewidth=1, gid="mark")
        ax.annotate(_decimal(f"{y_mark:.1f} %"), (x_mark, y_mark), xytext=(6, -14), textcoords="offset points", color="C3",
                    gid="mark")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 101)
    ax.set_xlabel(f"{label('share_of_accounts')} (%)")
    ax.set_ylabel(f"{label('cumulative_share')} {label(value)} (%)")
    return ax


# ----------------------------------------------------------------------------- helpers for the ABC charts
#: Above this many accounts the Pareto chart draws a filled step area instead of one bar per account.
MAX_BARS = 60

# names for a level's cost columns taken together (the waterfall's deduction bars)
_GROUP_LABELS = {
    ("sales_visits", "order_handling"): "sales_costs",
    ("logistics", "technical_service"): "logistics_service",
}
# class names that have a German label (the letters A, B, C ... need none)
_TRANSLATED_CLASSES = {"none (≤ 0)", "new", "lost"}
_HEADROOM = 1.15  # y-limits of the Pareto chart: the data's maximum times this, to leave room for labels


def _class_name(name):
    return label(name) if str(name) in _TRANSLATED_CLASSES else str(name)


def _abc_axis_label(name):
    """Axis label of a cross-table axis: 'abc_before' -> 'Class before', 'abc_db4' -> 'ABC class (CM IV)'."""
    from kamlab._util.labels import has_label

    name = str(name)
    if has_label(name):
        return label(name)
    if name.startswith("abc_"):
        return f"{label('abc')} ({label(name[4:])})"
    return label(name)


def _check_abc_result(result):
    from kamlab.errors import ParameterError

    if (not isinstance(result, pd.DataFrame) or "abc" not in result.columns
            or "cumulative_share" not in result.columns or "value" not in result.attrs):
        raise ParameterError(
            "pareto_chart needs the table that abc_analysis returned, e.g. "
            "pareto_chart(kamlab.abc_analysis(accounts, value='revenue'))."
        )


# ----------------------------------------------------------------------------- Pareto chart
def pareto_chart(result, *, max_accounts=None, kind="auto", annotate=True, ax=None, **kwargs):
    """Pareto chart of an ABC analysis: values, cumulative share, class spans and thresholds.

    The accounts stand on the x-axis from the biggest to the smallest (their ``rank``).
    Their values are drawn as bars, the running (cumulative) share of the total as a line
    on a second y-axis from 0 to 100 %. Each ABC class is a shaded span labelled with its
    letter and its number of accounts; dashed lines mark the thresholds.

    Parameters
    ----------
    result : pandas.DataFrame
        The table :func:`kamlab.identify.abc_analysis` returned; its ``attrs`` say which
        value, thresholds and rule were used. Accounts without a share (class
        ``"none (≤ 0)"``) are left out: they have no rank.
    max_accounts : int, optional
        Draw only the biggest ``max_accounts`` accounts (the classes' counts in the labels
        still count all accounts). Default: all accounts with a share.
    kind : {"auto", "bar", "area"}, default="auto"
        ``"bar"``: one bar per account. ``"area"``: a filled step area, one step per account,
        which stays readable for thousands of accounts where bars would merge into noise.
        ``"auto"``: bars for up to ``MAX_BARS`` (60) accounts drawn, the area above.
    annotate : bool, default=True
        Write each class's letter and number of accounts at the top of its span.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar` or
        :meth:`~matplotlib.axes.Axes.fill_between` for the values.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes of the values; with bars, they are ``ax.containers[0]`` (the class spans are
        patches too). The cumulative share and the thresholds are drawn on a twin
        Axes that shares its x-axis (``ax.twinx()``); it is the last Axes in
        ``ax.figure.axes``.

    Notes
    -----
    With ``by="value"`` the thresholds are shares of the value: horizontal dashed lines on
    the cumulative axis. With ``by="count"`` they are shares of the accounts: vertical
    dashed lines after the ``ceil``-th account, where the class boundary lies.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> from kamlab.identify import abc_analysis
    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [60, 25, 10, 5]})
    >>> fig, ax = plt.subplots()
    >>> ax = pareto_chart(abc_analysis(table), ax=ax)
    >>> [float(bar.get_height()) for bar in ax.containers[0]]
    [60.0, 25.0, 10.0, 5.0]
    >>> plt.close(ax.figure)
    """
    from kamlab.errors import ParameterError

    _check_abc_result(result)
    if kind not in ("auto", "bar", "area"):
        raise ParameterError(f"kind must be 'auto', 'bar' or 'area', not {kind!r}.")
    value = result.attrs["value"]
    ranked = result[result["rank"].notna()]
    if max_accounts is not None:
        if int(max_accounts) < 1:
            raise ParameterError(f"max_accounts must be at least 1, not {max_accounts!r}.")
        ranked = ranked.iloc[: int(max_accounts)]
    ax = _axes(ax)
    n = len(ranked)
    x = ranked["rank"].to_numpy(dtype=float)
    values = ranked[value].to_numpy(dtype=float)
    if kind == "auto":
        kind = "bar" if n <= MAX_BARS else "area"

    # shaded class spans first, so the values draw over them
    _class_spans(ax, result, ranked, x, annotate)

    kwargs.setdefault("color", "C0")
    if kind == "bar":
        kwargs.setdefault("width", 0.8)
        ax.bar(x, values, **kwargs)
    else:
        kwargs.setdefault("alpha", 0.6)
        kwargs.setdefault("linewidth", 0)
        ax.fill_between(x, values, step="mid", **kwargs)
    ax.set_xlim(0.5, max(n, 1) + 0.5)
    # the top eighth of the chart is kept free for the class labels
    ax.set_ylim(0, (values.max() if n and values.max() > 0 else 1) * _HEADROOM)
    ax.set_xlabel(label("accounts_by_rank"))
    ax.set_ylabel(label(value))
    ax.yaxis.set_major_formatter(_amount_formatter())

    twin = ax.twinx()
    twin.plot(x, ranked["cumulative_share"].to_numpy(dtype=float) * 100, color="C3",
              marker="o" if kind == "bar" else None, markersize=3, linewidth=1.5, label=label("cumulative_share"))
    _threshold_marks(ax, twin, result)
    twin.set_ylim(0, 100 * _HEADROOM)
    twin.set_yticks(range(0, 101, 20))
    twin.set_ylabel(f"{label('cumulative_share')} (%)")
    twin.grid(False)
    return ax


# gids of the artists that show the classes: an explorer moving a threshold replaces only these
CLASS_GIDS = ("abc-span", "abc-class", "abc-threshold")


def _class_spans(ax, result, ranked, x, annotate):
    """Each class's shaded span and its label (letter and number of accounts)."""
    counts = result["abc"].value_counts()
    classes = [c for c in result["abc"].cat.categories if str(c) != "none (≤ 0)"]
    span_colors = ["C2", "C1", "C7", "C4", "C5", "C6", "C8", "C9"]
    codes = ranked["abc"].to_numpy()
    for i, name in enumerate(classes):
        members = x[codes == name]
        if len(members) == 0:
            continue
        color = span_colors[i % len(span_colors)]
        ax.axvspan(members.min() - 0.5, members.max() + 0.5, color=color, alpha=0.12, linewidth=0, zorder=0,
                   gid="abc-span")
        if annotate:
            ax.text((members.min() + members.max()) / 2, 0.97, f"{name} ({int(counts[name]):,})",
                    transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize="small",
                    fontweight="bold", color=color, gid="abc-class")


def _threshold_marks(ax, twin, result):
    """Dashed lines at the thresholds: shares of the value on the twin axis, or account counts on ``ax``."""
    by = result.attrs.get("by", "value")
    for t in result.attrs.get("thresholds", ()):
        if by == "value":
            twin.axhline(t * 100, color="0.35", linestyle="--", linewidth=1, gid="abc-threshold")
            twin.annotate(_decimal(f"{t * 100:g} %"), (1, t * 100), xycoords=("axes fraction", "data"),
                          xytext=(-3, -2), textcoords="offset points", ha="right", va="top",
                          fontsize="x-small", color="0.35", gid="abc-threshold")
        else:
            boundary = top_count(t, int(result["rank"].notna().sum())) + 0.5
            ax.axvline(boundary, color="0.35", linestyle="--", linewidth=1, gid="abc-threshold")


def redraw_classes(ax, result, *, max_accounts=None, annotate=True):
    """Replace the class spans, labels and threshold lines of a :func:`pareto_chart` with ``result``'s.

    For an explorer that moves a threshold: the values and the cumulative curve stay (same value and
    period), only the artists with a gid in :data:`CLASS_GIDS` are drawn again. ``ax`` is the Axes
    :func:`pareto_chart` returned (its twin is found in the figure).
    """
    _check_abc_result(result)
    twin = next(other for other in ax.get_shared_x_axes().get_siblings(ax) if other is not ax)  # ax.twinx()
    for axes_ in (ax, twin):
        for artist in [*axes_.patches, *axes_.texts, *axes_.lines]:
            if artist.get_gid() in CLASS_GIDS:
                artist.remove()
    ranked = result[result["rank"].notna()]
    if max_accounts is not None:
        ranked = ranked.iloc[: int(max_accounts)]
    _class_spans(ax, result, ranked, ranked["rank"].to_numpy(dtype=float), annotate)
    _threshold_marks(ax, twin, result)
    return ax


def _unit(size):
    """(scale, unit label, decimals) for amounts up to ``size``: millions from 10 M, thousands from 10 k."""
    from kamlab._util.labels import get_language

    german = get_language() == "de"
    if size >= 1e7:
        return 1e6, "Mio." if german else "M", 1
    if size >= 1e4:
        return 1e3, "Tsd." if german else "k", 0
    return 1.0, "", 0


# ----------------------------------------------------------------------------- Lorenz curve
def lorenz_curve(data=None, *, value="revenue", ax=None, **kwargs):
    """Lorenz curve of a value across accounts, with the line of equality and the Gini coefficient.

    Accounts are sorted from the smallest to the biggest; the curve shows which share of
    the total the smallest x % of the accounts hold. The further it sags below the
    diagonal (the line of equality, every account the same), the more concentrated the
    business. The Gini coefficient (twice the area between the two) is in the legend.

    Parameters
    ----------
    data : pandas.DataFrame, array-like or kamlab.identify.Concentration
        The account table (with the column ``value``), the values themselves, or a result
        of :func:`kamlab.identify.concentration`. Statistics come from
        :func:`~kamlab.identify.concentration` (negative values are set aside there).
    value : str, default="revenue"
        The column when ``data`` is a table; also names the curve.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` for the curve (e.g. ``color``). A
        ``label`` names the curve in the legend; the Gini coefficient is added to it
        (default label: the value's name). Call it again on the same Axes to compare two
        values or two companies.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = lorenz_curve([0, 0, 0, 10], ax=ax)
    >>> ax.lines[0].get_ydata().tolist()
    [0.0, 0.0, 0.0, 0.0, 100.0]
    >>> ax.get_legend().get_texts()[0].get_text()
    'Revenue (Gini 0.75)'
    >>> plt.close(ax.figure)
    """
    from kamlab.errors import ParameterError
    from kamlab.identify import Concentration, concentration

    if data is None:
        raise ParameterError("lorenz_curve needs data: the account table, the values, or a concentration(...) result.")
    result = data if isinstance(data, Concentration) else concentration(data, value=value)
    ax = _axes(ax)
    x = result.lorenz["share_of_accounts"].to_numpy() * 100
    y = result.lorenz["share_of_value"].to_numpy() * 100
    gini = f"Gini {_decimal(f'{result.gini:.2f}')}"
    kwargs["label"] = f"{kwargs['label']} ({gini})" if kwargs.get("label") else f"{label(value)} ({gini})"
    line = ax.plot(x, y, **kwargs)[0]
    ax.fill_between(x, x, y, color=line.get_color(), alpha=0.12, linewidth=0)
    if not any(other.get_gid() == "kamlab-equality" for other in ax.lines):  # once, when called again
        ax.plot([0, 100], [0, 100], color="0.5", linewidth=1, linestyle=":", label=label("equality_line"),
                gid="kamlab-equality")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"{label('share_of_accounts_ascending')} (%)")
    ax.set_ylabel(f"{label('cumulative_share')} (%)")
    ax.legend(loc="upper left", fontsize="small")
    return ax


# ----------------------------------------------------------------------------- DB waterfall
def _level_pairs(levels):
    from kamlab.errors import ParameterError

    try:
        return [(str(name), (columns,) if isinstance(columns, str) else tuple(columns)) for name, columns in levels]
    except (TypeError, ValueError):
        raise ParameterError("levels must be pairs (name, cost columns), e.g. [('db1', ['cost'])].") from None


def _group_label(columns):
    key = _GROUP_LABELS.get(tuple(columns))
    if key is not None:
        return label(key)
    return " + ".join(label(c) for c in columns)


def _waterfall_steps(total, levels, revenue, deductions, detail):
    """The waterfall's steps: (tick label, amount, is_subtotal), from revenue down to the last level."""
    steps = [(label(revenue), float(total[revenue]), True)]
    groups = [(deductions, "net_revenue")] if deductions else []
    groups += [(columns, name) for name, columns in levels]
    for columns, subtotal in groups:
        parts = [(c,) for c in columns] if detail else [columns]
        for part in parts:
            steps.append((f"{_MINUS} {_group_label(part)}", float(sum(total[c] for c in part)), False))
        steps.append((label(subtotal), float(total[subtotal]), True))
    return steps


def _waterfall_bars(steps):
    """Heights, bottoms and colours of the bars: subtotals stand on 0, deductions hang from the level before."""
    heights, bottoms, colors = [], [], []
    level = 0.0
    for _, amount, is_subtotal in steps:
        level = amount if is_subtotal else level - amount
        heights.append(amount)
        bottoms.append(0.0 if is_subtotal else level)
        colors.append("C0" if is_subtotal else "C3")
    return heights, bottoms, colors


def db_waterfall(cascade, account=None, *, levels=None, revenue="revenue", deductions=("discounts_rebates",),
                 id_col="account_id", detail=False, annotate=True, ax=None, **kwargs):
    """Waterfall of the contribution-margin cascade (*Kundendeckungsbeitragsrechnung*).

    From revenue down to the last level, e.g. revenue, − rebates, = net revenue, − cost of
    goods, = DB I, − marketing, = DB II, − sales costs, = DB III, − logistics and service,
    = DB IV. Subtotals stand on zero; each deduction hangs from the subtotal before it down
    to the next one, in another colour.

    Parameters
    ----------
    cascade : pandas.DataFrame
        One row per account with the cascade's columns: the output of
        :func:`kamlab.identify.contribution_cascade` or :meth:`kamlab.data.case.Case.account_table`.
        When ``net_revenue`` or a level column is missing, the cascade is computed from the
        revenue, deduction and cost columns with :func:`~kamlab.identify.contribution_cascade`.
    account : object, optional
        The account to draw: a value of ``id_col`` (the index when there is no such column).
        Several rows of one account are added up. Default: the total of all rows.
    levels : sequence of (str, sequence of str), optional
        Each level's name and the cost columns it subtracts. Default: ``cascade.attrs["levels"]``
        when present (set by ``contribution_cascade``), else
        :data:`kamlab.identify.DEFAULT_LEVELS`.
    revenue : str, default="revenue"
        The invoiced revenue column.
    deductions : sequence of str, default=("discounts_rebates",)
        Columns between revenue and net revenue; ``()`` when revenue is net already (then no
        net-revenue bar is drawn).
    id_col : str, default="account_id"
    detail : bool, default=False
        One deduction bar per cost column instead of one per level.
    annotate : bool, default=True
        Write each bar's amount on it (compact: 1.2 M, 350 k).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar` (e.g. ``width``).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]`` holds the bars from left to right. A subtotal's bar has its bottom at 0
        and its height equal to the subtotal; a deduction's bar has its bottom at the
        subtotal after it and its height equal to the deduction.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> data = pd.DataFrame({"account_id": ["K1"], "revenue": [1000.0], "discounts_rebates": [50.0],
    ...                      "cost": [600.0], "marketing": [20.0], "sales_visits": [80.0],
    ...                      "order_handling": [10.0], "logistics": [30.0], "technical_service": [40.0]})
    >>> fig, ax = plt.subplots()
    >>> ax = db_waterfall(data, "K1", ax=ax)
    >>> [(float(bar.get_y()), float(bar.get_height())) for bar in ax.containers[0]][:4]
    [(0.0, 1000.0), (950.0, 50.0), (0.0, 950.0), (350.0, 600.0)]
    >>> [t.get_text() for t in ax.get_xticklabels()][-2:]
    ['− Logistics and service', 'CM IV']
    >>> plt.close(ax.figure)
    """
    from kamlab.errors import MissingColumnError, ParameterError
    from kamlab.identify import DEFAULT_LEVELS, contribution_cascade

    if not isinstance(cascade, pd.DataFrame):
        raise ParameterError(f"db_waterfall needs a DataFrame (the cascade), not {type(cascade).__name__}.")
    if levels is None:
        levels = cascade.attrs.get("levels") or DEFAULT_LEVELS
    levels = _level_pairs(levels)
    deductions = (deductions,) if isinstance(deductions, str) else tuple(deductions)

    if account is None:
        rows = cascade
    else:
        ids = cascade[id_col] if id_col in cascade.columns else cascade.index.to_series()
        rows = cascade[(ids == account).to_numpy()]
        if rows.empty:
            raise ParameterError(
                f"No account {account!r} in the table's {id_col if id_col in cascade.columns else 'index'}. "
                f"Pick one of its ids, e.g. {ids.iloc[0]!r}, or account=None for the total."
            )
    subtotals = ["net_revenue", *(name for name, _ in levels)]
    if any(name not in rows.columns for name in subtotals):
        rows = contribution_cascade(rows, levels, revenue=revenue, deductions=deductions, id_col=id_col)
    needed = [revenue, *deductions, *subtotals, *(c for _, cols in levels for c in cols)]
    missing = [c for c in dict.fromkeys(needed) if c not in rows.columns]
    if missing:
        raise MissingColumnError(f"The cascade has no column(s) {', '.join(map(repr, missing))}.")
    total = rows[list(dict.fromkeys(needed))].apply(pd.to_numeric, errors="coerce").sum()
    steps = _waterfall_steps(total, levels, revenue, deductions, detail)
    heights, bottoms, colors = _waterfall_bars(steps)
    ax = _axes(ax)
    x = np.arange(len(steps))
    kwargs.setdefault("width", 0.7)
    width = kwargs["width"]
    kwargs.setdefault("color", colors)
    ax.bar(x, heights, bottom=bottoms, **kwargs)
    # thin connectors at the level each bar leaves behind (a subtotal's top, a deduction's bottom)
    after = [h if step[2] else b for b, h, step in zip(bottoms, heights, steps)]
    for i in range(len(steps) - 1):
        ax.plot([i + width / 2, i + 1 - width / 2], [after[i], after[i]], color="0.5", linewidth=0.8,
                linestyle=":")
    # one unit for the whole chart (amounts in M or k), named in the y label
    scale, unit, decimals = _unit(max(abs(v) for v in heights) if heights else 0.0)
    if annotate:
        for i, (_, amount, is_subtotal) in enumerate(steps):
            top = max(bottoms[i], bottoms[i] + heights[i])
            shown = amount if is_subtotal else -amount  # a deduction shows as minus, a credit as plus
            text = _decimal(f"{abs(shown) / scale:,.{decimals}f}")
            text = (_MINUS if shown < 0 else "+" if not is_subtotal and shown > 0 else "") + text
            ax.annotate(text, (i, top), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                        fontsize="x-small")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([name for name, _, _ in steps], rotation=40, ha="right")
    ax.set_ylabel(f"{label('amount')} ({unit})" if unit else label("amount"))
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _decimal(f"{v / scale:,.10g}")))
    if account is None:
        from kamlab._util.labels import get_language

        accounts = label("accounts") if get_language() == "de" else label("accounts").lower()
        ax.set_title(f"{label('total')} ({_decimal(f'{len(rows):,}')} {accounts})")
    else:
        name = rows["name"].iloc[0] if "name" in rows.columns else None
        ax.set_title(f"{account} · {name}" if isinstance(name, str) else str(account))
    return ax


# ----------------------------------------------------------------------------- cross-table heatmap
def abc_heatmap(table, *, ax=None, annot=True, cmap="Blues", cbar=False, **kwargs):
    """Heatmap of an ABC cross-table: classes by one value against another, or one year against the next.

    Parameters
    ----------
    table : pandas.DataFrame
        A cross-table from :func:`kamlab.identify.abc_crosstab` or
        :func:`kamlab.identify.migration_matrix`: counts (integers), or shares when
        normalised. The axis titles come from its index and column names via
        :func:`kamlab.label` (``abc_before`` → "Class before", ``abc_db4`` →
        "ABC class (CM IV)").
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default: the current Axes.
    annot : bool, default=True
        Write each cell's number: the count, or the share in percent (one decimal) when the
        table holds shares.
    cmap : str or colormap, default="Blues"
    cbar : bool, default=False
        Draw a colour bar (the numbers in the cells usually say more).
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame([[3, 1], [0, 2]], index=pd.Index(["A", "B"], name="abc_revenue"),
    ...                      columns=pd.Index(["A", "B"], name="abc_db4"))
    >>> fig, ax = plt.subplots()
    >>> ax = abc_heatmap(table, ax=ax)
    >>> [t.get_text() for t in ax.texts], ax.get_ylabel()
    (['3', '1', '0', '2'], 'ABC class (Revenue)')
    >>> plt.close(ax.figure)
    """
    from kamlab.errors import ParameterError

    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"abc_heatmap needs a cross-table (DataFrame), not {type(table).__name__}.")
    counts = all(pd.api.types.is_integer_dtype(dtype) for dtype in table.dtypes)
    numbers = table.to_numpy(dtype=float)
    if counts:
        texts = [[_decimal(f"{int(v):,}") for v in row] for row in numbers]
    else:
        texts = [[_decimal(f"{v * 100:.1f} %") for v in row] for row in numbers]
    frame = pd.DataFrame(numbers, index=[_class_name(i) for i in table.index],
                         columns=[_class_name(c) for c in table.columns])
    kwargs.setdefault("linewidths", 0.5)
    kwargs.setdefault("linecolor", "white")
    top = np.nanmax(numbers) if np.isfinite(numbers).any() else 0.0
    colors = np.where(numbers > 0.6 * top, "white", "0.15") if top > 0 else None
    ax, _, _ = _heatmap(frame, texts=texts if annot else None, text_colors=colors, cmap=cmap, cbar=cbar,
                        gid="abc-cells", text_gid="cell-value", fontsize=None, ax=ax, **kwargs)
    ax.set_ylabel(_abc_axis_label(table.index.name) if table.index.name else "")
    ax.set_xlabel(_abc_axis_label(table.columns.name) if table.columns.name else "")
    ax.tick_params(axis="y", rotation=0)
    return ax
