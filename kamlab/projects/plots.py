"""Charts of quotes and follow-up: win rates with their intervals, time to decision.

Data first, ``ax=None``, return the Axes; labels follow :func:`kamlab.set_language`. The
charts draw the results of :func:`kamlab.win_rates` (or :func:`kamlab.quotes_by_centre`)
and :func:`kamlab.time_to_decision`; they compute nothing. Artists carry gids for tests
and students: ``win_rate_bars``, ``win_rate_whiskers``, ``win_rate_n``; ``km_curve``,
``km_band``, ``km_median``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab._util.format import count as _count
from kamlab._util.format import decimal as _decimal
from kamlab._util.format import percent as _percent
from kamlab._util.format import short as _short
from kamlab._util.format import translator
from kamlab._util.labels import get_language, label
from kamlab._util.plotting import axes as _axes
from kamlab._util.plotting import need as _need
from kamlab.errors import ParameterError

__all__ = ["win_rate_chart", "survival_chart", "followup_table"]

_BAR_COLOR = "#0072B2"
_GROUP_COLORS = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#8C8C8C", "#F0E442")
_t = translator({
    "n": ("n = {n}", "n = {n}"),
    "open_left_out": ("{n} open quotes not counted", "{n} offene Angebote nicht gezählt"),
    "median": ("median {days} days", "Median {days} Tage"),
    "open_at": ("open quotes censored on {date}", "offene Angebote zensiert am {date}"),
    "overall": ("All quotes", "Alle Angebote"),
})


def _group_names(frame, by, max_chars=24):
    """One tick label per row: the values of the ``by`` columns, labelled, joined by " / "."""
    if not by:
        return [_t("overall")] * len(frame)
    return [" / ".join(_short(_value_name(v), max_chars) for v in row) for row in frame[list(by)].to_numpy()]


def _value_name(value):
    if isinstance(value, str):
        return label(value)
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return _decimal(f"{value:g}")
    return str(value)


def win_rate_chart(rates, *, value=False, n_labels=True, color=None, ax=None, **kwargs):
    """Win rates as bars with their confidence intervals as whiskers, n per bar.

    Parameters
    ----------
    rates : pandas.DataFrame
        The result of :func:`kamlab.win_rates` or :func:`kamlab.quotes_by_centre`.
    value : bool, default=False
        Draw the rates by value (``value_win_rate``, bootstrap interval) instead of by count
        (``win_rate``, Wilson interval).
    n_labels : bool, default=True
        Write the decided quotes behind each rate ("n = 7") above its whisker.
    color : color, optional
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        Bar i has height ``rates[column][i]`` (gid ``win_rate_bars``); the whisker of bar i
        runs from ``<column>_low`` to ``<column>_high`` (gid ``win_rate_whiskers``).

    Examples
    --------
    >>> import pandas as pd, kamlab
    >>> quotes = pd.DataFrame({"offering": ["A"] * 10 + ["B"] * 4,
    ...                        "outcome": ["won"] * 7 + ["lost"] * 5 + ["won", "open"]})
    >>> ax = win_rate_chart(kamlab.win_rates(quotes, by="offering"))
    >>> [round(float(p.get_height()), 2) for p in ax.patches]
    [0.7, 0.33]
    """
    column = "value_win_rate" if value else "win_rate"
    _need(rates, [column, f"{column}_low", f"{column}_high", "n_decided"], "win_rate_chart")
    by = list(rates.attrs.get("by", [c for c in rates.columns if c not in _RESULT_COLUMNS]))
    ax = _axes(ax)
    x = np.arange(len(rates))
    heights = rates[column].to_numpy(dtype=float)
    low, high = rates[f"{column}_low"].to_numpy(dtype=float), rates[f"{column}_high"].to_numpy(dtype=float)
    bars = ax.bar(x, np.nan_to_num(heights), color=color or _BAR_COLOR, alpha=0.85, **kwargs)
    for patch in bars.patches:
        patch.set_gid("win_rate_bars")
    whiskers = ax.errorbar(x, heights, yerr=[heights - low, high - heights], fmt="none", ecolor="0.2",
                           elinewidth=1.2, capsize=4)
    whiskers.lines[2][0].set_gid("win_rate_whiskers")
    if n_labels:
        for xi, top, n in zip(x, np.where(np.isnan(high), 0, high), rates["n_decided"].to_numpy()):
            ax.text(xi, top + 0.02, _t("n", n=_count(n)), ha="center", va="bottom", fontsize=8, color="0.3",
                    gid="win_rate_n")
    ax.set_xticks(x, _group_names(rates, by), rotation=30 if len(rates) > 4 else 0,
                  ha="right" if len(rates) > 4 else "center")
    ax.set_ylim(0, 1.1)
    ax.yaxis.set_major_formatter(_percent_formatter())
    ax.set_ylabel(label(column))
    ax.set_xlabel(" / ".join(label(b) for b in by))
    ax.set_title(_title(rates, column), fontsize=10)
    return ax


def set_win_rates(ax, rates, *, value=False):
    """Put other rates with as many bars into a :func:`win_rate_chart`, in place (an explorer's move).

    The bars' heights, the whiskers, the "n = …" labels, the tick labels and the title change as
    ``win_rate_chart(rates, ax=ax, value=value)`` would draw them on an empty Axes; nothing is drawn
    anew. Returns False, changing nothing, when the chart is not one of ``len(rates)`` bars with
    their n labels, or a rate is missing (then draw the chart anew).
    """
    column = "value_win_rate" if value else "win_rate"
    _need(rates, [column, f"{column}_low", f"{column}_high", "n_decided"], "set_win_rates")
    bars = [patch for patch in ax.patches if patch.get_gid() == "win_rate_bars"]
    labels = [text for text in ax.texts if text.get_gid() == "win_rate_n"]
    whiskers = [c for c in ax.containers if getattr(c, "has_yerr", False)]
    heights = rates[column].to_numpy(dtype=float)
    low, high = rates[f"{column}_low"].to_numpy(dtype=float), rates[f"{column}_high"].to_numpy(dtype=float)
    if (len(bars) != len(rates) or len(labels) != len(rates) or len(whiskers) != 1
            or np.isnan(np.concatenate([heights, low, high])).any()):
        return False
    _, caps, (lines,) = whiskers[0].lines
    x = np.arange(len(rates))
    for bar, height in zip(bars, heights):
        bar.set_height(height)
    lines.set_segments([[(xi, lo), (xi, hi)] for xi, lo, hi in zip(x, low, high)])
    for cap, ends in zip(caps, (low, high)):
        cap.set_data(x, ends)
    for text, xi, top, n in zip(labels, x, high, rates["n_decided"].to_numpy()):
        text.set_position((xi, top + 0.02))
        text.set_text(_t("n", n=_count(n)))
    by = list(rates.attrs.get("by", [c for c in rates.columns if c not in _RESULT_COLUMNS]))
    ax.set_xticks(x, _group_names(rates, by), rotation=30 if len(rates) > 4 else 0,
                  ha="right" if len(rates) > 4 else "center")
    ax.set_title(_title(rates, column), fontsize=10)
    return True


def _title(rates, column):
    n_open = rates.attrs.get("n_open", int(rates["n_open"].sum()) if "n_open" in rates else 0)
    share = _percent(rates.attrs.get("confidence", 0.95))
    if get_language() == "de":  # a compound: 95-%-Konfidenzintervall
        share = share.replace("\u00a0", " ").replace(" %", "-%")
    title = label(column) + f" ({label('confidence_interval').format(share=share)})"
    return title + (f"\n{_t('open_left_out', n=_count(n_open))}" if n_open else "")


_RESULT_COLUMNS = {"n_quotes", "n_open", "n_decided", "n_won", "n_lost", "win_rate", "win_rate_low",
                   "win_rate_high", "value_decided", "value_won", "value_win_rate", "value_win_rate_low",
                   "value_win_rate_high", "n_centres", "quotes_per_centre"}


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: _percent(v))


def survival_chart(result, *, band=True, medians=True, max_days=None, ax=None, **kwargs):
    """Kaplan–Meier curves of the time to decision: steps, confidence bands, medians marked.

    Parameters
    ----------
    result : TimeToDecision
        The result of :func:`kamlab.time_to_decision`.
    band : bool, default=True
        Shade the confidence band of each curve (gid ``km_band``).
    medians : bool, default=True
        Mark each group's median days to decision where its curve crosses 50 % (gid ``km_median``).
    max_days : float, optional
        Cut the x axis there.
    ax : matplotlib.axes.Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.step`.

    Returns
    -------
    matplotlib.axes.Axes
        One step line per group (gid ``km_curve``), in the order of ``result.summary``; its
        data are ``result.curves``' ``days`` and ``still_open``.

    Examples
    --------
    >>> import pandas as pd, kamlab
    >>> quotes = pd.DataFrame({"outcome": ["won", "lost", "open"],
    ...                        "quote_date": pd.to_datetime(["2025-01-01"] * 3),
    ...                        "decision_date": pd.to_datetime(["2025-01-11", "2025-01-21", None])})
    >>> ax = survival_chart(kamlab.time_to_decision(quotes, as_of="2025-01-31"))
    >>> [round(float(v), 6) for v in ax.get_lines()[0].get_ydata()]
    [1.0, 0.666667, 0.333333, 0.333333]
    """
    for name in ("curves", "summary", "by"):
        if not hasattr(result, name):
            raise ParameterError("survival_chart draws the result of kamlab.time_to_decision, "
                                 f"not {type(result).__name__}.")
    ax = _axes(ax)
    by, summary = list(result.by), result.summary
    names = _group_names(summary, by)
    for i, (_, row) in enumerate(summary.iterrows()):
        curve = result.curves
        for b in by:
            curve = curve[curve[b] == row[b]]
        color = _GROUP_COLORS[i % len(_GROUP_COLORS)]
        days, still = curve["days"].to_numpy(), curve["still_open"].to_numpy()
        line, = ax.step(days, still, where="post", color=color, label=names[i], gid="km_curve", **kwargs)
        if band:
            ax.fill_between(days, curve["low"].to_numpy(), curve["high"].to_numpy(), step="post", color=color,
                            alpha=0.15, linewidth=0, gid="km_band")
        if medians and pd.notna(row["median_days"]):
            ax.plot([row["median_days"]], [0.5], marker="o", color=color, markersize=6, linestyle="none",
                    gid="km_median", label=_t("median", days=_decimal(f"{row['median_days']:g}")))
    ax.axhline(0.5, color="0.6", linewidth=0.8, linestyle=":")
    if max_days is not None:
        ax.set_xlim(0, max_days)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(_percent_formatter())
    ax.set_xlabel(label("days_to_decision"))
    ax.set_ylabel(label("still_open"))
    ax.set_title(label("time_to_decision") + f" ({_t('open_at', date=f'{result.as_of:%Y-%m-%d}')})", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return ax


_MONEY = ("quote_value", "value", "expected_value")
_SHARES = ("p_win", "p_win_next", "gain")


def followup_table(followups, *, top=10, bars=True):
    """The Monday follow-up list as a styled table: labelled columns, money and shares formatted, a bar for the value.

    Parameters
    ----------
    followups : pandas.DataFrame
        The output of :func:`kamlab.followup_list` (it draws what that function computed).
    top : int or None, default=10
        The first ``top`` rows (None: all).
    bars : bool, default=True
        A bar in the cells of ``expected_value`` (the expected value of one more follow-up).

    Returns
    -------
    pandas.io.formats.style.Styler
        Its ``.data`` is the rows shown, with the columns renamed to their labels in the current
        language; its HTML is the same on every run (a fixed table id).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"rank": [1, 2], "project_id": ["Q1", "Q2"], "quote_value": [120000.0, 8000.0],
    ...                      "p_win": [0.31, 0.52], "gain": [0.045, 0.03], "expected_value": [5400.0, 240.0]})
    >>> styled = followup_table(rows)
    >>> list(styled.data.columns)[:3]
    ['Rank', 'Quote', 'Quote value']
    >>> "120 k" in styled.to_html() and "31 %" in styled.to_html()
    True
    """
    from kamlab._util.format import amount as _amount
    from kamlab.config import get_language, language

    if not isinstance(followups, pd.DataFrame):
        raise ParameterError(f"followup_table needs the table followup_list returned, not {type(followups).__name__}.")
    rows = followups if top is None else followups.head(int(top))
    names = {column: label("followup_value" if column == "expected_value" else column) for column in rows.columns}
    shown = rows.rename(columns=names)
    lang = get_language()  # the Styler formats when it renders: keep the language of this call

    def money(v):
        with language(lang):
            return "" if pd.isna(v) else _amount(v)

    def share(v):
        with language(lang):
            return "" if pd.isna(v) else _percent(v, 1 if abs(v) < 0.1 else 0)

    formats = {names[c]: money for c in _MONEY if c in names}
    formats.update({names[c]: share for c in _SHARES if c in names})
    styler = shown.style.format(formats).hide(axis="index").set_uuid("kamlab-followup-list")
    if bars and "expected_value" in names:
        styler = styler.bar(subset=[names["expected_value"]], color="#9ecae1", vmin=0)
    return styler
