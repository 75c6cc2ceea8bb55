"""The potential explorer and the whitespace explorer.

Thin ipywidgets layers over :func:`kamlab.estimate_wallets`, :func:`kamlab.evaluate_wallet`,
:func:`kamlab.whitespace_matrix` and the charts of :mod:`kamlab.potential.plots`. Like
the other explorers they keep their controls as attributes and their latest results in
attributes (``result``, ``evaluation``, ``matrix``), so their logic is tested without a
browser: set a control's ``value`` and look at what was computed.
"""

from __future__ import annotations

import threading

import ipywidgets as widgets
import numpy as np
import pandas as pd

from kamlab._util.format import count as _count
from kamlab._util.format import decimal as _decimal
from kamlab._util.format import percent, translator
from kamlab._util.labels import LANGUAGES, get_language, label, language
from kamlab._util.live import BackgroundJobs, LiveFigure, show_widget, table_html, text_html
from kamlab._util.worker import run_in_worker
from kamlab.errors import MissingColumnError, ParameterError
from kamlab.potential import (
    WalletEstimator,
    estimate_wallets,
    evaluate_wallet,
    pinball_loss,
    whitespace_matrix,
)

__all__ = ["PotentialExplorer", "WhitespaceExplorer", "ALL"]

#: The value of the group control that selects every account.
ALL = "all"
METHODS = ("gbm", "linear", "knn")
_METHOD_NAMES = {
    "gbm": ("gradient boosting", "Gradient Boosting"),
    "linear": ("linear quantile regression", "lineare Quantilsregression"),
    "knn": ("nearest neighbours", "nächste Nachbarn"),
}
_TEXT = {
    "held_out": ("Held-out accounts ({n_test} of {n}, random split): {covered} at or under their estimated "
                 "wallet (target {quantile}); pinball loss {loss}",
                 "Zurückgehaltene Kunden ({n_test} von {n}, Zufallsaufteilung): {covered} liegen bei oder unter "
                 "ihrem geschätzten Wallet (Ziel {quantile}); Pinball-Verlust {loss}"),
    "group": ("{group}: {n} accounts, revenue {revenue}, estimated wallet {wallet}, headroom {headroom}, "
              "share of wallet {share}; {covered} at or under their cross-fitted wallet.",
              "{group}: {n} Kunden, Umsatz {revenue}, geschätztes Kundenpotenzial {wallet}, ungenutztes Potenzial {headroom}, "
              "Lieferanteil {share}; {covered} bei oder unter ihrem kreuzvalidierten Kundenpotenzial."),
    "empty": ("No account in this group.", "Kein Kunde in dieser Gruppe."),
    "top": ("The {n} accounts with the most headroom:", "Die {n} Kunden mit dem größten ungenutzten Potenzial:"),
    "fitting": ("Fitting {method} for quantile {quantile}… (cross-fitted on every account; the chart follows in "
                "a moment)", "Schätze {method} für Quantil {quantile}… (kreuzvalidiert über alle Kunden; das Diagramm "
                "folgt gleich)"),
}


_t = translator(_TEXT)

# while a new setting is fitted, the chart of the one before is faded (its widget has this class)
_STALE_STYLE = "<style>.kamlab-stale { opacity: 0.35; transition: opacity 0.15s; }</style>"


def _percent(share):
    return percent(share, decimals=1)


def _check_language(lang):
    lang = get_language() if lang is None else str(lang).lower()
    if lang not in LANGUAGES:
        raise ParameterError(f"lang must be 'en' or 'de', not {lang!r}.")
    return lang


class PotentialExplorer:
    """Estimate every account's wallet and headroom; choose the quantile, the method and a group.

    Each change of quantile or method re-estimates the wallets with
    :func:`kamlab.estimate_wallets` (cross-fitted: every account's wallet comes from a
    model that has not seen it) and judges the estimator with
    :func:`kamlab.evaluate_wallet` (coverage and pinball loss on held-out accounts).
    Results are cached per (quantile, method), so going back to a setting is instant.
    The group control only filters what is shown: the estimate always uses all accounts.

    Parameters
    ----------
    accounts : pandas.DataFrame
        One row per account with ``id_col``, ``revenue`` and the ``features`` (and
        ``groups`` and ``label_col`` if given), e.g. the 2025 account table with revenue.
    features : sequence of str
        The firmographic columns the wallet is estimated from.
    quantile : float, default=0.9
        The starting quantile (the slider runs from 0.5 to 0.95 in steps of 0.05).
    method : {"gbm", "linear", "knn"}, default="gbm"
        The starting method of :class:`kamlab.WalletEstimator`.
    groups : str, optional
        A column to filter by (ABC class, segment, industry, key-account manager, ...).
        Without it the group control offers only "all".
    revenue : str, default="revenue"
    id_col : str, default="account_id"
    label_col : str, optional
        Column with the names shown in the chart and the table (e.g. ``"name"``).
    cv : int, default=5
        Folds of the cross-fitting.
    test_size : float, default=0.3
        Share of accounts held out by :func:`kamlab.evaluate_wallet`.
    random_state : int, default=0
        Seed of the estimator, the folds and the held-out split.
    top : int, default=10
        Accounts in the table and the chart's headroom list.
    lang : {"en", "de"}, optional
        Language of the texts, chart and table; default: kamlab's current language. The
        explorer draws inside ``kamlab.language(...)``: it never changes the global one.
    plot : bool, default=True
        Show the texts, chart and table in ``output``. ``False`` only computes (for tests
        and scripts).
    background : bool, optional
        Fit settings not seen yet in the background: "fitting…" shows at once, the result when
        ready; once a page shows the explorer every other quantile of the method is fitted ahead,
        nearest first (again after a move, from the new quantile). Default: ``plot``. Scripts that
        read the results right after a change call :meth:`wait` first.
    process : bool, optional
        Run the background fits in a low-priority worker process of the kernel
        (:class:`kamlab._util.worker.WorkerProcess`) instead of a thread of the kernel, so that they do
        not slow the notebook's other explorers; where no process can start they run in the thread.
        Same numbers either way. Default: ``background``.

    Attributes
    ----------
    quantile : ipywidgets.FloatSlider
        The quantile that estimates the wallet, 0.5 to 0.95.
    method : ipywidgets.ToggleButtons
        ``"gbm"``, ``"linear"`` or ``"knn"``.
    group : ipywidgets.Dropdown
        :data:`ALL` (``"all"``) or one value of the ``groups`` column.
    output : ipywidgets.Output
    wallets : pandas.DataFrame
        The latest :func:`kamlab.estimate_wallets` table of *all* accounts (index of
        ``accounts``).
    result : pandas.DataFrame
        The rows of ``wallets`` of the chosen group, with ``label_col`` and ``groups``
        added when given.
    evaluation : pandas.Series
        The latest :func:`kamlab.evaluate_wallet` result (all accounts).
    group_summary : pandas.Series
        For the chosen group: ``n_accounts``, ``revenue``, ``wallet``, ``headroom``,
        ``share_of_wallet`` (revenue / wallet of the group), ``coverage`` (share of its
        accounts whose revenue is at or under the cross-fitted wallet) and
        ``pinball_loss`` of the cross-fitted wallets.
    chart : kamlab._util.live.LiveFigure or None
        The live wallet chart (``None`` with ``plot=False``), redrawn in place.
    ax : matplotlib.axes.Axes or None
        The wallet chart's Axes (on ``chart``): one Axes whose artists are replaced for each setting; a
        setting seen before (or rendered ahead) is shown from its kept picture and its artists are
        drawn on the Axes when ``ax`` is read.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> employees = rng.integers(10, 5000, 400)
    >>> accounts = pd.DataFrame({"account_id": [f"K{i:03d}" for i in range(400)], "employees": employees,
    ...                          "revenue": 100 * employees * rng.uniform(0, 1, 400),
    ...                          "abc": rng.choice(["A", "B", "C"], 400)})
    >>> explorer = PotentialExplorer(accounts, ["employees"], method="linear", groups="abc", plot=False)
    >>> explorer.group.options[0], len(explorer.result)
    (('All', 'all'), 400)
    >>> explorer.group.value = "A"
    >>> bool((explorer.result["abc"] == "A").all())
    True
    """

    def __init__(self, accounts, features, *, quantile=0.9, method="gbm", groups=None, revenue="revenue",
                 id_col="account_id", label_col=None, cv=5, test_size=0.3, random_state=0, top=10, lang=None,
                 plot=True, background=None, process=None):
        if not isinstance(accounts, pd.DataFrame):
            raise ParameterError(f"PotentialExplorer needs a pandas DataFrame, not {type(accounts).__name__}.")
        features = list(features)
        needed = [id_col, revenue, *features] + [c for c in (groups, label_col) if c]
        missing = [c for c in needed if c not in accounts.columns]
        if missing:
            raise MissingColumnError(f"PotentialExplorer: the accounts have no column {missing[0]!r}.")
        if method not in METHODS:
            raise ParameterError(f"method must be one of {', '.join(METHODS)}, not {method!r}.")
        if not 0.5 <= quantile <= 0.95:
            raise ParameterError(f"quantile must lie between 0.5 and 0.95 (the slider's range), not {quantile!r}.")
        self.accounts = accounts
        self.features = features
        self.revenue = revenue
        self.id_col = id_col
        self.label_col = label_col
        self.groups = groups
        self.cv = cv
        self.test_size = test_size
        self.random_state = random_state
        self.top = int(top)
        self.lang = _check_language(lang)
        self.plot = plot
        self._ax, self._unbuilt = None, None  # the chart's Axes; the rows it shows once built (see ax)
        self._cache = {}
        # fits of settings not seen yet run in the background (first the one asked for, then the nearest quantiles)
        self.background = plot if background is None else bool(background)
        self.process = self.background if process is None else bool(process)
        self._started = False  # the first setting is fitted at once (the explorer appears with its chart)
        self._jobs = BackgroundJobs(self._fit_ahead, lambda key: key in self._cache, self._fitted,
                                    name="kamlab-potential-fits")
        self._draw_lock = threading.RLock()
        with language(self.lang):
            self.quantile = widgets.FloatSlider(value=quantile, min=0.5, max=0.95, step=0.05, readout_format=".2f",
                                                continuous_update=False, description=label("quantile"),
                                                style={"description_width": "90px"})
            self.method = widgets.ToggleButtons(options=[(m, m) for m in METHODS], value=method,
                                                description=label("method"), style={"description_width": "90px",
                                                                                    "button_width": "70px"},
                                                tooltips=[_METHOD_NAMES[m][self.lang == "de"] for m in METHODS])
            options = [(label("all"), ALL)]
            if groups:
                column = accounts[groups]
                values = (list(column.cat.categories[column.cat.categories.isin(column.dropna().unique())])
                          if isinstance(column.dtype, pd.CategoricalDtype) else sorted(column.dropna().unique()))
                options += [(str(v), v) for v in values]
            self.group = widgets.Dropdown(options=options, value=ALL, description=label(groups or "group"),
                                          disabled=not groups, style={"description_width": "90px"})
        self._summary_view = widgets.HTML()
        self._table_view = widgets.HTML()
        self.chart = LiveFigure((9, 5.2), adjust={"left": 0.1, "right": 0.74, "bottom": 0.1, "top": 0.95}) \
            if plot else None
        if plot:
            self.chart.PICTURES = 20  # settings seen or rendered ahead, kept (about 2 MB each)
            if self.chart.live and self.background:  # a page shows the explorer: the other quantiles fitted ahead
                self.chart.widget.on_msg(self._on_page_message)
        self.output = widgets.VBox([self._summary_view, *([self.chart.widget] if plot else []), self._table_view])
        self.widget = widgets.VBox([widgets.HBox([self.quantile, self.method]), self.group, self.output])
        for control in (self.quantile, self.method, self.group):
            control.observe(self._on_change, names="value")
        self.update()
        self._started = True

    # ------------------------------------------------------------------ logic
    def compute(self, quantile, method):
        """The cross-fitted wallets and the held-out evaluation for a setting (cached)."""
        key = (round(float(quantile), 4), method)
        if key not in self._cache:
            self._cache[key] = _fit_setting(*self._fit_arguments(key))
        return self._cache[key]

    def _fit_arguments(self, key):
        return (self.accounts, self.features, key[0], key[1], self.revenue, self.id_col, self.cv, self.test_size,
                self.random_state)

    def _fit_ahead(self, key):
        """A background fit: in the worker process (with ``process``) or in this thread, then cached."""
        if key in self._cache:
            return
        if not self.process:
            self.compute(*key)
            return
        columns = list(dict.fromkeys([self.id_col, self.revenue, *self.features]))  # what the fit reads
        accounts, *rest = self._fit_arguments(key)
        self._cache[key] = run_in_worker(_fit_setting, accounts[columns], *rest)

    def _key(self):
        return round(float(self.quantile.value), 4), self.method.value

    def _fitted(self, key):
        """A background fit is done (or failed): show it if the controls still ask for it, else render it ahead."""
        if key == self._key():
            self.update()
        elif self.plot and key in self._cache and key[1] == self.method.value:
            self._render_ahead(self._key(), self.group.value)

    def _render_ahead(self, key, group):
        """The charts of the quantiles of the method fitted so far, nearest first, rendered while the student pauses
        (:meth:`LiveFigure.prepare <kamlab._util.live.LiveFigure.prepare>`: not while any explorer moves); last the
        one shown, if it was drawn before a page showed it (no picture kept): for the way back to it."""
        self.chart.prepare([(*k, group) for k in [*self._ahead(key), key] if k in self._cache], self._picture)

    def _on_page_message(self, widget, content, buffers):
        """The page shows the chart: every other quantile of the method is fitted ahead, nearest first.

        Some ten seconds of work for gradient boosting; with ``process`` it runs in the low-priority worker
        process, so the notebook's other explorers in the same kernel stay as fast meanwhile. The kernel
        handles the page's message after the cells already queued (a "Run All" is not slowed).
        """
        if content.get("type") == "initialized":
            self._jobs.add(self._ahead(self._key()), first=True)

    def _queue_ahead(self, key):
        ahead = self._ahead(key)
        self._jobs.add(ahead[:2], first=True)  # the neighbours before what was queued for an earlier setting
        self._jobs.add(ahead[2:])

    def _ahead(self, key):
        """Every other quantile of the slider with the same method, nearest first (upper one first on a tie)."""
        quantile, method = key
        steps = np.round(np.arange(0.5, 0.95 + 1e-9, 0.05), 4)
        order = sorted((float(q) for q in steps if abs(q - quantile) > 1e-9),
                       key=lambda q: (round(abs(q - quantile), 4), -q))
        return [(q, method) for q in order]

    def wait(self, timeout=None):
        """Block until the background fits are done (scripts and tests that read the results at once)."""
        self._jobs.wait(timeout)

    def update(self):
        """Estimate (or take from the cache) for the controls' values, filter the group, redraw.

        With ``background`` a setting not fitted yet shows "fitting…" at once and is fitted in the background
        (the worker process with ``process``); its result appears when ready (the controls stay free), then the other quantiles of the
        method are fitted ahead, nearest first (their charts are rendered when the student pauses).
        A setting seen before is its kept picture.
        """
        key = self._key()
        if key in self._jobs.errors:  # a background fit that raised: its message, not "fitting…" forever
            self._summary_view.value = text_html(str(self._jobs.errors[key]))
            return
        if self.background and self._started and key not in self._cache:
            with language(self.lang):
                self._summary_view.value = _STALE_STYLE + text_html(_t(
                    "fitting", method=_METHOD_NAMES[key[1]][self.lang == "de"], quantile=_decimal(f"{key[0]:.2f}")))
            if self.plot:  # the chart of the earlier setting, faded until the new one is there
                self.chart.widget.add_class("kamlab-stale")
            self._jobs.add([key], first=True)
            return
        with self._draw_lock:
            self._show(key)
        if self.background and self._started:  # ahead once a page shows it or a control moves: a notebook run
            self._queue_ahead(key)  # top to bottom without a page starts no thread

    def _show(self, key):
        self.wallets, self.evaluation = self.compute(*key)
        self.result = self._group_rows(self.wallets, self.group.value)
        self.group_summary = self._summary(self.result)
        self._draw(key)

    def _group_rows(self, wallets, group):
        """The rows of ``wallets`` of ``group``, with the names and groups joined."""
        extra = [c for c in dict.fromkeys([self.label_col, self.groups]) if c and c not in wallets.columns]
        result = wallets.join(self.accounts[extra]) if extra else wallets
        if self.groups and group != ALL:
            result = result[self.accounts[self.groups] == group]
        return result

    def _summary(self, result):
        revenue, wallet, headroom = (float(result[c].sum()) for c in ("revenue", "wallet", "headroom"))
        quantile = round(float(self.quantile.value), 4)
        return pd.Series({
            "n_accounts": len(result),
            "revenue": revenue,
            "wallet": wallet,
            "headroom": headroom,
            # an account never spends less than it buys from us: its wallet is at least its revenue
            "share_of_wallet": float(revenue / (revenue + headroom)) if revenue + headroom > 0 else np.nan,
            "coverage": float(np.mean(result["revenue"] <= result["wallet"])) if len(result) else np.nan,
            "pinball_loss": pinball_loss(result["revenue"], result["wallet"], quantile) if len(result) else np.nan,
        })

    def top_table(self, n=None):
        """The ``n`` accounts of the group with the most headroom, for people (columns in the explorer's language)."""
        n = self.top if n is None else int(n)
        columns = [c for c in dict.fromkeys([self.id_col, self.label_col, self.groups]) if c]
        columns += ["revenue", "wallet", "headroom", "share_of_wallet"]
        table = self.result.sort_values(["headroom", self.id_col], ascending=[False, True], kind="mergesort")
        table = table[columns].head(n).reset_index(drop=True)
        table[["revenue", "wallet", "headroom"]] = table[["revenue", "wallet", "headroom"]].round(-2)
        table["share_of_wallet"] = table["share_of_wallet"].round(2)
        with language(self.lang):
            return table.rename(columns={c: label(c) for c in table.columns})

    def summary_text(self):
        """The evaluation and the group's totals in two sentences, in the explorer's language."""
        from kamlab._util.format import amount as _amount

        ev, summary = self.evaluation, self.group_summary
        with language(self.lang):
            lines = [f"{self.method.value} · {label('quantile')} {_decimal(f'{self.quantile.value:.2f}')}",
                     _t("held_out", n_test=_count(ev["n_test"]), n=_count(ev["n_train"] + ev["n_test"]),
                        covered=_percent(ev["coverage"]), quantile=_percent(ev["quantile"]),
                        loss=_amount(ev["pinball_loss"]))]
            if summary["n_accounts"] == 0:
                lines.append(_t("empty"))
            else:
                group = label("all") if self.group.value == ALL else f"{label(self.groups)} {self.group.value}"
                lines.append(_t("group", group=group, n=_count(summary["n_accounts"]),
                                revenue=_amount(summary["revenue"]), wallet=_amount(summary["wallet"]),
                                headroom=_amount(summary["headroom"]), share=_percent(summary["share_of_wallet"]),
                                covered=_percent(summary["coverage"])))
            return "\n".join(lines)

    # ------------------------------------------------------------------ controls and output
    def _on_change(self, change):
        self.update()

    def _draw(self, key):
        if not self.plot:
            return
        view = (*key, self.group.value)
        self.chart.widget.remove_class("kamlab-stale")
        with language(self.lang):
            # a setting seen before (or rendered ahead while the student paused) is its kept picture, sent at
            # once; the live Axes get the setting's artists (what a redraw would show) when ``ax`` is read
            picture = self.chart.show_picture(view)
            self._unbuilt = self.result if picture is not None else None  # its artists built when asked for
            if picture is None:
                self._chart_artists(self.chart.figure, self.result)
                self.chart.redraw()
                self.chart.keep_picture(view)
            self._summary_view.value = text_html(self.summary_text())
            self._table_view.value = (text_html(_t("top", n=min(self.top, len(self.result))))
                                      + table_html(self.top_table())) if len(self.result) else ""
        if self.background and self._started:  # the quantiles already fitted: rendered ahead
            self._render_ahead(key, view[2])

    def _chart_artists(self, figure, result):
        """The wallet chart of ``result`` on ``figure``'s one Axes: its artists replaced, its axes kept.

        The Axes (with its log-scale ticks, the costly part of a new one) stays from setting to setting;
        :func:`~kamlab.potential.plots.wallet_chart` draws the dots, lines, texts and legend again. The
        margins are measured once (``tight_layout``); the Axes is narrowed if a later list or legend beside
        it would not fit.
        """
        from kamlab.potential.plots import wallet_chart

        fresh = not figure.axes
        ax = figure.subplots() if fresh else figure.axes[0]
        for artist in [*ax.collections, *ax.lines, *ax.texts, *ax.patches]:
            artist.remove()
        if ax.legend_ is not None:
            ax.legend_.remove()
        ax.set_visible(bool(len(result)))
        if len(result):
            wallet_chart(result, label_top=self.top, label_col=self.label_col, id_col=self.id_col, ax=ax)
            if fresh:
                figure.tight_layout()  # fit the list of the biggest headrooms beside the chart
            else:
                _fit_beside(ax)
        if figure is self.chart.figure:
            self._ax = ax
        return ax

    @property
    def ax(self):
        """The wallet chart's Axes (on ``chart``), with the artists of the setting shown (``None`` without a chart)."""
        if self._unbuilt is not None:
            result, self._unbuilt = self._unbuilt, None
            with self._draw_lock, language(self.lang):
                self._chart_artists(self.chart.figure, result)
        return self._ax

    def _picture(self, view):
        """A new figure with the wallet chart of ``view`` (quantile, method, group), rendered in the background."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        live = self.chart.figure
        figure = Figure(figsize=live.get_size_inches(), dpi=live.dpi)
        FigureCanvasAgg(figure)  # the headroom numbers are placed by their drawn size
        params = live.subplotpars
        figure.subplots_adjust(left=params.left, right=params.right, bottom=params.bottom, top=params.top)
        figure.subplots()  # the live figure's margins (narrowed only if the texts beside do not fit)
        wallets, _ = self._cache[view[:2]]
        with language(self.lang):
            self._chart_artists(figure, self._group_rows(wallets, view[2]))
        return figure

    def _ipython_display_(self):
        show_widget(self.widget)


def _fit_setting(accounts, features, quantile, method, revenue, id_col, cv, test_size, random_state):
    """:func:`kamlab.estimate_wallets` and :func:`kamlab.evaluate_wallet` of one setting (also in the worker
    process: a module's function of picklable arguments)."""
    wallets = estimate_wallets(WalletEstimator(quantile, method, random_state=random_state), accounts, features,
                               revenue=revenue, id_col=id_col, cv=cv, random_state=random_state)
    evaluation = evaluate_wallet(WalletEstimator(quantile, method, random_state=random_state), accounts[features],
                                 accounts[revenue], test_size=test_size, random_state=random_state)
    return wallets, evaluation


def _fit_beside(ax):
    """Narrow the Axes if the texts and legend beside it reach past the figure's right edge (a cheap tight_layout:
    only the list and legend are measured, and the chart never widens again, so it does not jump)."""
    renderer = ax.figure.canvas.get_renderer()
    beside = [t for t in ax.texts if t.get_gid() in ("account-label", "account-list-title")]
    beside += [ax.legend_] if ax.legend_ is not None else []
    overflow = max((artist.get_window_extent(renderer).x1 for artist in beside), default=0) - ax.figure.bbox.x1
    if overflow > 0:
        ax.figure.subplots_adjust(right=ax.figure.subplotpars.right - (overflow + 6) / ax.figure.bbox.width)


class WhitespaceExplorer:
    """The whitespace heatmap with controls: what the cells show and how many accounts.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`kamlab.whitespace`.
    values : {"gap", "expected_value", "propensity"}, default="gap"
        What the cells show at the start.
    top : int, default=20
        How many accounts at the start (the slider runs from 5 to 50 in steps of 5): the
        ones with the largest total expected value, as :func:`kamlab.whitespace_matrix`
        picks them.
    names : mapping or pandas.Series, optional
        Account id → name for the rows.
    lang : {"en", "de"}, optional
        Language of the chart; default: kamlab's current language.
    plot : bool, default=True
        Show the heatmap in ``output``; ``False`` only computes ``matrix``.

    Attributes
    ----------
    values : ipywidgets.Dropdown
        ``"gap"``, ``"expected_value"`` or ``"propensity"``.
    top : ipywidgets.IntSlider
        Number of accounts shown.
    matrix : pandas.DataFrame
        The latest ``whitespace_matrix(result, values, top=top)``.
    heatmap : ipywidgets.HTML or None
        The heatmap on the page (``None`` with ``plot=False``): the cells of
        :func:`kamlab.potential.plots.whitespace_heatmap` as a coloured HTML table (same colours, values,
        hatching of served cells, labels; the colour bar as a legend above it). A page shows a new table
        at once: every setting appears without a chart being rendered (after a move, the tables of the
        four nearest numbers of accounts are made in a worker thread; a setting seen before is its
        table). Each cell carries its number (``data-value``) and colour (``data-color``); the static
        chart stays :func:`~kamlab.potential.plots.whitespace_heatmap`.
    """

    VALUES = ("gap", "expected_value", "propensity")

    def __init__(self, result, *, values="gap", top=20, names=None, lang=None, plot=True):
        if not isinstance(result, pd.DataFrame):
            raise ParameterError(f"WhitespaceExplorer needs the DataFrame of kamlab.whitespace, not "
                                 f"{type(result).__name__}.")
        missing = [c for c in ("account_id", "offering", "revenue", *self.VALUES) if c not in result.columns]
        if missing:
            raise MissingColumnError(f"WhitespaceExplorer needs the output of kamlab.whitespace; it has no column "
                                     f"{missing[0]!r}.")
        if values not in self.VALUES:
            raise ParameterError(f"values must be one of {', '.join(self.VALUES)}, not {values!r}.")
        self.result = result
        self.names = names
        self.lang = _check_language(lang)
        self.plot = plot
        self._matrices, self._tables = {}, {}  # (values, top) -> its matrix, the heatmap's HTML
        self._ahead = BackgroundJobs(self._table, lambda key: key in self._tables, lambda key: None,
                                     name="kamlab-whitespace-tables")
        with language(self.lang):
            self.values = widgets.Dropdown(options=[(label(v), v) for v in self.VALUES], value=values,
                                           description=label("cell_values"), style={"description_width": "110px"},
                                           layout=widgets.Layout(width="420px"))
            self.top = widgets.IntSlider(value=int(top), min=5, max=50, step=5, continuous_update=False,
                                         description=label("top_accounts"), style={"description_width": "110px"})
        self.heatmap = widgets.HTML() if plot else None
        self.output = widgets.VBox([self.heatmap] if plot else [])
        self.widget = widgets.VBox([widgets.HBox([self.values, self.top]), self.output])
        for control in (self.values, self.top):
            control.observe(self._on_change, names="value")
        self.update()

    def update(self):
        """Pivot the cells for the controls' values (once per setting) and show the heatmap."""
        key = (self.values.value, self.top.value)
        if key not in self._matrices:
            self._matrices[key] = whitespace_matrix(self.result, key[0], top=key[1])
        self.matrix = self._matrices[key]
        self._draw()

    def _on_change(self, change):
        self.update()
        if self.plot:  # after a move: the tables of the nearby numbers of accounts, made while the student looks
            tops = range(self.top.min, self.top.max + 1, self.top.step)
            near = sorted((t for t in tops if t != self.top.value), key=lambda t: abs(t - self.top.value))[:4]
            self._ahead.add([(self.values.value, t) for t in near])

    def _table(self, key):
        """The heatmap's HTML of setting ``key`` (values, top), made once."""
        from kamlab.potential.plots import _whitespace_html

        if key not in self._tables:
            with language(self.lang):
                self._tables[key] = _whitespace_html(self.result, values=key[0], top=key[1], names=self.names)
        return self._tables[key]

    def _draw(self):
        if self.plot:
            self.heatmap.value = self._table((self.values.value, self.top.value))

    def _ipython_display_(self):
        show_widget(self.widget)
