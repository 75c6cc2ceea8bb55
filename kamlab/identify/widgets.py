"""Interactive explorers: thin ipywidgets layers over kamlab's functions and plots.

Each explorer keeps its controls as attributes and its latest computed result in
``result``, so its logic can be tested without a browser: set a control's ``value``
and look at ``result``.
"""

from __future__ import annotations

import ipywidgets as widgets

from kamlab._util.format import decimal
from kamlab._util.labels import get_language, label, language
from kamlab._util.live import LiveFigure, show_widget, table_html
from kamlab.identify import top_share

__all__ = ["TopShareExplorer", "ABCExplorer"]


class TopShareExplorer:
    """Slider over the share of top accounts; shows the share of value they hold.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table (one row per account).
    value : str, default="revenue"
        The column to rank and add up.
    percent : int, default=20
        The starting position of the slider (top ``percent`` % of accounts).
    plot : bool, default=True
        Draw the Pareto curve under the sentence.

    Attributes
    ----------
    slider : ipywidgets.IntSlider
        The share of top accounts in percent (1 to 100).
    output : ipywidgets.Output
        Where the sentence appears (the chart is below it).
    result : kamlab.identify.TopShare
        The latest result.
    text : str
        The latest sentence.
    chart : kamlab._util.live.LiveFigure or None
        The live Pareto curve (``None`` with ``plot=False``); a move of the slider moves its mark
        (the artists with gid ``"mark"`` of ``ax``) in place.
    ax : matplotlib.axes.Axes
        The curve's Axes (with ``plot=True``).
    """

    def __init__(self, accounts, value="revenue", percent=20, plot=True):
        self.accounts = accounts
        self.value = value
        self.plot = plot
        self.chart = None
        self.lang = get_language()  # the explorer keeps the language it was made in
        description = "Top-Kunden %" if self.lang == "de" else "Top accounts %"
        self.slider = widgets.IntSlider(
            value=percent, min=1, max=100, step=1, description=description, continuous_update=False,
            style={"description_width": "initial"},
        )
        self.output = widgets.Output()
        self.widget = widgets.VBox([self.slider, self.output])
        self.slider.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, change):
        self.update()

    def update(self):
        """Recompute the result for the slider's value; move the chart's mark in place (in the explorer's language)."""
        with language(self.lang):
            self._update()

    def _update(self):
        self.result = top_share(self.accounts, self.slider.value / 100, value=self.value)
        self.text = self.result.describe(self.value)
        self.output.clear_output(wait=True)
        with self.output:
            print(self.text)
        if not self.plot:
            return
        if self.chart is None:
            from kamlab.identify.plots import pareto_curve

            self.chart = LiveFigure((5, 3.2), adjust={"left": 0.14, "right": 0.97, "bottom": 0.16, "top": 0.9})
            self.ax = self.chart.figure.subplots()
            pareto_curve(self.accounts, value=self.value, mark=self.result.fraction, ax=self.ax)
            self.ax.set_title(label("key_accounts"))
            self.chart.set_animated([a for a in (*self.ax.lines, *self.ax.texts) if a.get_gid() == "mark"])
            self.widget.children = (self.slider, self.output, self.chart.widget)
            self.chart.redraw()
            return
        else:  # only the mark moves: its guide line and its annotation
            x_mark = self.result.n_top / self.result.n_accounts * 100
            y_mark = self.result.share * 100
            line = next(ln for ln in self.ax.lines if ln.get_gid() == "mark")
            note = next(t for t in self.ax.texts if t.get_gid() == "mark")
            line.set_data([x_mark, x_mark, 0], [0, y_mark, y_mark])
            note.xy = (x_mark, y_mark)
            note.set_text(decimal(f"{y_mark:.1f} %"))
        self.chart.blit()

    def _ipython_display_(self):
        show_widget(self.widget)


class ABCExplorer:
    """ABC/Pareto analysis with controls: thresholds, rule, value and period.

    A thin layer over :func:`kamlab.identify.abc_analysis`, :func:`~kamlab.identify.abc_summary`
    and :func:`kamlab.identify.plots.pareto_chart`: every change of a control recomputes the
    classes and redraws the class table and the Pareto chart.

    Parameters
    ----------
    tables : dict or pandas.DataFrame
        Account tables by period, e.g. ``{2024: case.account_table(2024), 2025:
        case.account_table(2025)}``, or one account table (its period is
        ``table.attrs["year"]`` when set, else ``"all"``). Each is read once (its ranking and
        chart are kept): for changed tables make a new explorer.
    values : sequence of str, default=("revenue", "db1", "db4")
        The columns to choose from; those missing from any table are not offered.
    thresholds : (float, float), default=(0.8, 0.95)
        Starting boundaries of classes A and B (cumulative shares).
    rule : {"cover", "within"}, default="cover"
        Starting boundary rule, see :func:`~kamlab.identify.abc_analysis`.
    value : str, optional
        Starting value; default: the first of ``values`` that every table has.
    period : optional
        Starting period; default: the last key of ``tables``.
    id_col : str, default="account_id"
    plot : bool, default=True
        Draw the Pareto chart under the class table (``False`` for tests and speed).

    Attributes
    ----------
    thresholds : ipywidgets.FloatRangeSlider
        The A and B boundaries, from 0.5 to 0.99. When both handles sit on the same
        share, class B is empty: the accounts are split into A and C at that share.
    rule : ipywidgets.Dropdown
        ``"cover"`` or ``"within"``.
    value : ipywidgets.Dropdown
        The column to rank and add up.
    period : ipywidgets.Dropdown
        The key of the account table in use (disabled when there is only one).
    output : ipywidgets.VBox
        Where the class table and the chart appear.
    result : pandas.DataFrame
        The latest :func:`~kamlab.identify.abc_analysis` table.
    chart : kamlab._util.live.LiveFigure or None
        The live Pareto chart (``None`` with ``plot=False``): a new value or period draws it anew
        (one seen before is shown from its kept picture, with its classes drawn again), a moved
        threshold or rule redraws only the class spans, labels and threshold lines.
    ax : matplotlib.axes.Axes or None
        The values' Axes of the chart (the cumulative share is on its twin).
    summary : pandas.DataFrame
        The latest :func:`~kamlab.identify.abc_summary` of it.
    """

    def __init__(self, tables, values=("revenue", "db1", "db4"), *, thresholds=(0.8, 0.95), rule="cover",
                 value=None, period=None, id_col="account_id", plot=True):
        import pandas as pd

        from kamlab.errors import MissingColumnError, ParameterError

        if isinstance(tables, pd.DataFrame):
            year = tables.attrs.get("year")
            tables = {"all" if year is None else year: tables}
        if not isinstance(tables, dict) or not tables:
            raise ParameterError("ABCExplorer needs account tables: {period: table, ...} or one DataFrame.")
        for key, table in tables.items():
            if not isinstance(table, pd.DataFrame):
                raise ParameterError(f"The table of period {key!r} is a {type(table).__name__}, not a DataFrame.")
        self.tables = dict(tables)
        available = [v for v in dict.fromkeys(values) if all(v in t.columns for t in self.tables.values())]
        if not available:
            raise MissingColumnError(
                f"None of the values {list(values)!r} is a column of every table. Pass values=[...] with "
                "columns the tables have, e.g. values=['revenue']."
            )
        value = available[0] if value is None else value
        if value not in available:
            raise ParameterError(f"value must be one of {available!r}, not {value!r}.")
        period = list(self.tables)[-1] if period is None else period
        if period not in self.tables:
            raise ParameterError(f"period must be one of {list(self.tables)!r}, not {period!r}.")
        if rule not in ("cover", "within"):
            raise ParameterError(f"rule must be 'cover' or 'within', not {rule!r}.")
        lower, upper = (float(t) for t in thresholds)
        self.id_col = id_col
        self.plot = plot
        self.chart = self.ax = None
        self._drawn = None
        self._ranked = {}  # (period, value) -> the accounts ranked by it (kamlab.identify.abc._ranked)

        style = {"description_width": "initial"}
        self.thresholds = widgets.FloatRangeSlider(
            value=(lower, upper), min=min(0.5, lower), max=max(0.99, upper), step=0.01, readout_format=".0%",
            description=label("thresholds"), continuous_update=False, style=style,
            layout=widgets.Layout(width="380px"),
        )
        self.rule = widgets.Dropdown(
            options=[(label("rule_cover"), "cover"), (label("rule_within"), "within")], value=rule,
            description=label("rule"), style=style, layout=widgets.Layout(width="380px"),
        )
        self.value = widgets.Dropdown(
            options=[(label(v), v) for v in available], value=value, description=label("value"), style=style,
        )
        self.period = widgets.Dropdown(
            options=[(str(k), k) for k in self.tables], value=period, description=label("period"),
            disabled=len(self.tables) == 1, style=style,
        )
        self._table = widgets.HTML()
        self.output = widgets.VBox([self._table])
        self.widget = widgets.VBox([
            widgets.HBox([self.thresholds, self.value]),
            widgets.HBox([self.rule, self.period]),
            self.output,
        ])
        for control in (self.thresholds, self.rule, self.value, self.period):
            control.observe(self._on_change, names="value")
        self.update()

    def _on_change(self, change):
        self.update()

    def _parameters(self):
        """Thresholds and labels for the current slider: two boundaries, or one when they meet."""
        lower, upper = self.thresholds.value
        if upper - lower < 1e-9:
            return (lower,), ("A", "C")
        return (lower, upper), None

    def update(self):
        """Recompute the classes for the controls' values and redraw the output."""
        from kamlab.identify import abc_summary
        from kamlab.identify.abc import _check_thresholds, _class_labels, _classify, _ranked

        thresholds, labels = self._parameters()
        # abc_analysis in two steps: the ranking of a value and period is kept (a moved threshold or rule only
        # assigns the classes again: the same table abc_analysis returns, tested). The tables are read once, like
        # the kept pictures: a changed table needs a new explorer
        key = (self.period.value, self.value.value)
        if key not in self._ranked:
            self._ranked[key] = _ranked(self.tables[key[0]], key[1], "value", self.id_col)
        thresholds = _check_thresholds(thresholds)
        self.result = _classify(self._ranked[key], thresholds, self.rule.value,
                                _class_labels(len(thresholds) + 1, labels))
        self.summary = abc_summary(self.result)
        if self.plot:
            self._draw()

    def _draw(self):
        """The class table, and the Pareto chart: drawn anew for a new value or period, else only its classes."""
        from kamlab.identify.plots import pareto_chart, redraw_classes

        if self.chart is None:
            self.chart = LiveFigure((6.5, 3.4), adjust={"left": 0.11, "right": 0.9, "bottom": 0.17, "top": 0.9})
            self.output.children = (self._table, self.chart.widget)
        drawn = (self.period.value, self.value.value)
        if drawn != self._drawn:
            # one view per value and period, kept: the bars, the curve and the axes of one seen before are
            # its saved picture, only its classes are drawn again
            def build():
                ax = pareto_chart(self.result, ax=self.chart.figure.add_subplot())
                ax.set_title(f"{label(self.value.value)} · {self.period.value}")

            def classes(axes):
                redraw_classes(axes[0], self.result)
                return self._class_artists(axes)

            self.ax = self.chart.show_view(drawn, build, classes)[0]
            self._drawn = drawn
        else:  # a threshold or the rule moved: the values and the curve stay, only the classes are drawn
            redraw_classes(self.ax, self.result)
            self.chart.set_animated(self._class_artists(), keep_background=True)
            self.chart.blit()
        self._table.value = table_html(_summary_display(self.summary))  # after the chart: the page shows it first

    def _class_artists(self, axes=None):
        from kamlab.identify.plots import CLASS_GIDS

        axes = axes if axes is not None else [a for a in self.chart.figure.axes if a.get_visible()]
        return [a for ax in axes for a in (*ax.patches, *ax.texts, *ax.lines) if a.get_gid() in CLASS_GIDS]

    def _ipython_display_(self):
        show_widget(self.widget)


def _summary_display(summary):
    """The class table for people: shares in percent, amounts rounded, columns in the current language."""
    table = summary.copy()
    for column in [c for c in table.columns if c.startswith("share")]:  # every share column is labelled "(%)"
        table[column] = (table[column] * 100).round(1)
    for column in ("value", "smallest"):
        table[column] = table[column].round(0)
    names = {c: label(c) + (" (%)" if c.startswith("share") else "") for c in table.columns}
    table.index = [label(c) if c == "none (≤ 0)" else c for c in table.index]  # the no-share group's name
    table.index.name = label("abc")
    return table.rename(columns=names)
