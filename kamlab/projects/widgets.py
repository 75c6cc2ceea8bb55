"""The pipeline explorer: filter the quotes, choose the follow-up contrast and the method; the effect follows.

A thin ipywidgets layer over :func:`kamlab.followup_effect`, :func:`kamlab.win_rates` and the charts
:func:`~kamlab.projects.effect_plots.dose_response_chart` and :func:`~kamlab.projects.plots.win_rate_chart`.
Like the other explorers it keeps its controls as attributes and its latest results in attributes
(``effect``, ``rates``, ``quotes``, ``true_effect``), and it caches the results per setting, so its logic
is tested without a browser: set a control's ``value`` and look at what was computed.

What :func:`kamlab.followup_effect` fits (the nuisance models, μ(k) of every count and their covariance)
is the same for every pair of counts ``(k0, k1)``: the explorer fits once per filter and method and
takes each pair's effect from that fit (the same numbers as a call with those levels), so the k0 and
k1 sliders answer at once; the dose-response chart then stays and only its title and the win rates
are redrawn.
"""

from __future__ import annotations

import threading
import warnings

import ipywidgets as widgets
import numpy as np
import pandas as pd

from kamlab._util.format import count as _count
from kamlab._util.format import percent, translator
from kamlab._util.labels import LANGUAGES, get_language, has_label, label, language
from kamlab._util.live import BackgroundJobs, LiveFigure, show_widget, text_html
from kamlab.errors import KamlabError, MissingColumnError, ParameterError
from kamlab.projects.effect import METHODS, _level_fit
from kamlab.projects.rates import win_rates

__all__ = ["PipelineExplorer", "ALL", "FILTERS", "PRE_QUOTE_COVARIATES"]

#: The value of a filter control that keeps every quote.
ALL = "all"
#: The filter columns, in the order of the controls: offering, ABC class, account manager.
FILTERS = ("offering", "abc", "account_manager")
#: What the CRM records before a quote goes out (the case company's ``projects``): the default covariates.
PRE_QUOTE_COVARIATES = ("relationship_at_quote", "revenue_12m", "quote_value", "competitors", "offering")
# options of followup_effect that shape only the result of a contrast, not the fit shared by every pair of counts
_CONTRAST_OPTIONS = ("overlap", "overlap_share", "alpha")
# warnings are recorded by changing global state (warnings.catch_warnings): one thread at a time (the worker's
# fits and a contrast taken from a kept fit at once could otherwise record each other's warnings, or lose them)
_RECORDING = threading.Lock()

_METHOD_NAMES = {
    "naive": ("naive (raw win rates)", "naiv (rohe Quoten)"),
    "regression": ("regression (g-computation)", "Regression (G-Berechnung)"),
    "ipw": ("IPW (weighting)", "IPW (Gewichtung)"),
    "aipw": ("AIPW (doubly robust)", "AIPW (doppelt robust)"),
}
_TEXT = {
    "contrast": ("Compare", "Vergleich"),
    "levels": ("k0 vs k1 follow-ups", "k0 vs. k1 Nachfassaktionen"),
    "threshold": ("at least t", "mindestens t"),
    "at_least": ("t (at least)", "t (mindestens)"),
    "quotes": ("{n} quotes: {decided} decided, {open} open (left out){filters}",
               "{n} Angebote: {decided} entschieden, {open} offen (nicht gezählt){filters}"),
    "effect_levels": ("Effect of {k1} instead of {k0} follow-ups ({method}): {ate} ({low} to {high}); raw {naive}",
                      "Wirkung von {k1} statt {k0} Nachfassaktionen ({method}): {ate} ({low} bis {high}); "
                      "roh {naive}"),
    "effect_threshold": ("Effect of at least {t} follow-ups ({method}): {ate} ({low} to {high}); raw {naive}",
                         "Wirkung von mindestens {t} Nachfassaktionen ({method}): {ate} ({low} bis {high}); "
                         "roh {naive}"),
    "truth": ("True effect in these quotes: {ate}", "Wahre Wirkung in diesen Angeboten: {ate}"),
    "same_levels": ("Choose two different numbers of follow-ups (k0 ≠ k1).",
                    "Wähle zwei verschiedene Anzahlen von Nachfassaktionen (k0 ≠ k1)."),
    "no_effect": ("No effect for this setting: {reason}", "Keine Wirkung für diese Einstellung: {reason}"),
    "no_rates": ("No win rates for this setting: {reason}", "Keine Erfolgsquoten für diese Einstellung: {reason}"),
    "computing": ("Estimating the effect ({method})… the charts follow when it is ready; the controls stay free.",
                  "Die Wirkung wird geschätzt ({method}) … die Diagramme folgen, sobald sie fertig ist; die "
                  "Regler bleiben frei."),
}
_t = translator(_TEXT)


def _points(value):
    """A difference of win probabilities in percentage points, signed: +11.4 pp."""
    sign = "+" if value >= 0 else "\u2212"
    return sign + percent(abs(value), 1).replace(" %", " pp")


def _check_language(lang):
    lang = get_language() if lang is None else str(lang).lower()
    if lang not in LANGUAGES:
        raise ParameterError(f"lang must be 'en' or 'de', not {lang!r}.")
    return lang


def _with_filters(projects, accounts):
    """The quotes with the filter columns they lack looked up in ``accounts`` by ``account_id``."""
    data = projects.copy()
    tables = [] if accounts is None else [accounts] if isinstance(accounts, pd.DataFrame) else list(accounts)
    for column in FILTERS:
        if column in data.columns:
            continue
        table = next((t for t in tables if column in t.columns and "account_id" in t.columns), None)
        if table is not None and "account_id" in data.columns:
            data[column] = data["account_id"].map(table.drop_duplicates("account_id").set_index("account_id")[column])
    return data


def _values(column):
    """The values of a filter column, in category order (or sorted), without missing ones."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = column.dropna().unique()
        return [v for v in column.cat.categories if v in set(present)]
    return sorted(column.dropna().unique(), key=str)


class PipelineExplorer:
    """Filters, the follow-up contrast and the method; the effect, the dose response and the win rates follow.

    Every change filters the quotes (offering, ABC class, key-account manager), estimates the
    effect of follow-ups with :func:`kamlab.followup_effect` (two counts ``k0``, ``k1``, or
    "at least ``t``" against fewer), computes the raw win rates of the two compared groups with
    :func:`kamlab.win_rates` (Wilson intervals) and draws both. Results are cached per setting, so
    going back to a setting costs nothing.

    Parameters
    ----------
    projects : pandas.DataFrame
        One row per quote (e.g. ``case.projects``): ``outcome``, the treatment, the covariates,
        ``account_id`` and, for the filters, ``offering`` (the others may come from ``accounts``).
    accounts : DataFrame or list of DataFrames, optional
        Tables by ``account_id`` with ``abc`` and ``account_manager`` (the account table, an
        :func:`kamlab.abc_analysis` result). A filter whose column is nowhere is shown disabled.
    covariates : sequence of str, default=PRE_QUOTE_COVARIATES
        Passed to :func:`kamlab.followup_effect`: what was known when the quote went out.
    treatment : str, default="followups"
        A count column.
    levels : (int, int), default=(0, 4)
        The starting contrast ``(k0, k1)``.
    at_least : int, optional
        Start with the threshold contrast "at least ``at_least``" instead.
    method : {"aipw", "regression", "ipw", "naive"}, default="aipw"
    truth : pandas.DataFrame, optional
        ``project_id``, ``followups_k``, ``p_win`` (``case.quote_truth``): the true μ(k) of the filtered
        decided quotes is drawn with the estimate, and ``true_effect`` set (count contrasts only).
    max_level : int, optional
        The sliders' maximum; default the largest count among the quotes.
    lang : {"en", "de"}, optional
        The language of the controls, texts and charts; default kamlab's current language. The
        explorer draws inside ``kamlab.language(...)``: it never changes the global one.
    random_state : int, default=0
        Seeds :func:`kamlab.followup_effect` and :func:`kamlab.win_rates`.
    effect_options : dict, optional
        Further keyword arguments of :func:`kamlab.followup_effect` (``cv``, ``n_bootstrap``, ...).
    plot : bool, default=True
        Draw in ``output``; ``False`` only computes (tests, scripts).

    Attributes
    ----------
    offering, abc, manager : ipywidgets.Dropdown
        The filters (``ALL`` keeps every quote).
    contrast : ipywidgets.ToggleButtons
        ``"levels"`` (k0 against k1 follow-ups) or ``"threshold"`` (at least t against fewer).
    k0, k1, threshold : ipywidgets.IntSlider
    method : ipywidgets.Dropdown
        ``"naive"``, ``"regression"``, ``"ipw"`` or ``"aipw"``.
    output : ipywidgets.VBox
        Where the texts and the two charts appear.
    chart : kamlab._util.live.LiveFigure or None
        The live figure of both charts (``None`` with ``plot=False``), redrawn in place.
    quotes : pandas.DataFrame
        The filtered quotes.
    effect : FollowupEffect or None
        The latest estimate (None when the setting allows none; ``message`` says why).
    rates : pandas.DataFrame or None
        :func:`kamlab.win_rates` of the two compared groups (by the treatment column: the counts
        ``k0`` and ``k1``, or ``"< t"`` and ``"≥ t"``).
    true_effect : float
        μ(k1) − μ(k0) from ``truth`` over the filtered decided quotes (NaN without it).
    message : str
        Notes for the setting: overlap warnings, why no effect could be estimated; empty otherwise.
    ax_effect, ax_rates : matplotlib.axes.Axes or None
        The latest charts (on ``chart``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> fit = rng.normal(size=800)
    >>> followups = rng.binomial(4, 1 / (1 + np.exp(-fit)))
    >>> won = rng.random(800) < 1 / (1 + np.exp(-(-1 + 0.3 * followups + fit)))
    >>> quotes = pd.DataFrame({"account_id": [f"K{i % 40}" for i in range(800)], "fit": fit,
    ...                        "offering": np.where(np.arange(800) % 2, "Drives", "Controls"),
    ...                        "followups": followups, "outcome": np.where(won, "won", "lost")})
    >>> explorer = PipelineExplorer(quotes, covariates=["fit"], levels=(1, 3), method="ipw", plot=False)
    >>> explorer.rates["followups"].tolist()
    [1, 3]
    >>> explorer.offering.value = "Drives"
    >>> len(explorer.quotes), explorer.effect.method
    (400, 'ipw')
    """

    def __init__(self, projects, accounts=None, covariates=PRE_QUOTE_COVARIATES, *, treatment="followups",
                 levels=(0, 4), at_least=None, method="aipw", truth=None, max_level=None, lang=None,
                 random_state=0, effect_options=None, plot=True, background=None):
        if not isinstance(projects, pd.DataFrame):
            raise ParameterError(f"PipelineExplorer needs the quotes as a pandas DataFrame, not "
                                 f"{type(projects).__name__}.")
        covariates = [covariates] if isinstance(covariates, str) else list(covariates)
        missing = [c for c in ["outcome", treatment, *covariates] if c not in projects.columns]
        if missing:
            raise MissingColumnError(f"PipelineExplorer: the quotes have no column {missing[0]!r}.")
        if method not in METHODS:
            raise ParameterError(f"method must be one of {', '.join(METHODS)}, not {method!r}.")
        if truth is not None and not {"project_id", "followups_k", "p_win"} <= set(truth.columns):
            raise MissingColumnError("truth needs the columns project_id, followups_k and p_win (case.quote_truth).")
        self.data = _with_filters(projects, accounts)
        self.covariates = covariates
        self.treatment = treatment
        self.truth = truth
        self.lang = _check_language(lang)
        self.random_state = random_state
        self.effect_options = dict(effect_options or {})
        self.plot = plot
        self.ax_effect = self.ax_rates = None
        self._cache = {}
        self._true_mu = {}  # filters -> the true μ(k) of their decided quotes
        self._fits = {}  # fit key (see _fit_key) -> (the _LevelFit, the warnings of fitting it)
        self._drawn = None  # what the dose-response chart on the figure shows (its fit key)
        # settings not computed yet are estimated in a worker thread (first the one asked for, then its neighbours)
        self.background = plot if background is None else bool(background)
        self._started = False  # the first setting is computed at once (the explorer appears with its charts)
        self._jobs = BackgroundJobs(self.compute, lambda setting: setting in self._cache, self._computed,
                                    name="kamlab-followup-fits")
        self._draw_lock = threading.RLock()
        counts = pd.to_numeric(self.data[treatment], errors="coerce")
        top = int(max_level if max_level is not None else max(counts.max(), 1))
        with language(self.lang):
            self._build_controls(levels, at_least, method, top)
        self._summary_view = widgets.HTML()
        self.chart = LiveFigure((9.6, 4.0), adjust={"left": 0.08, "right": 0.98, "bottom": 0.15, "top": 0.86,
                                                    "wspace": 0.3}) if plot else None
        self.output = widgets.VBox([self._summary_view, *([self.chart.widget] if plot else [])])
        self.widget = widgets.VBox([
            widgets.HBox([self.offering, self.abc, self.manager]),
            widgets.HBox([self.contrast, self.method]),
            widgets.HBox([self.k0, self.k1, self.threshold]),
            self.output,
        ])
        for control in self.controls():
            control.observe(self._on_change, names="value")
        self.update()
        self._started = True

    # ------------------------------------------------------------------ controls
    def _build_controls(self, levels, at_least, method, top):
        style = {"description_width": "130px"}
        filters = []
        for column in FILTERS:
            present = column in self.data.columns
            options = [(label("all"), ALL)] + ([(label(v) if self.lang == "de" and has_label(v) else str(v), v)
                                                for v in _values(self.data[column])] if present else [])
            filters.append(widgets.Dropdown(options=options, value=ALL, description=label(column), disabled=not present,
                                            style=style, layout=widgets.Layout(width="330px")))
        self.offering, self.abc, self.manager = filters
        self.contrast = widgets.ToggleButtons(options=[(_t("levels"), "levels"), (_t("threshold"), "threshold")],
                                              value="levels" if at_least is None else "threshold",
                                              description=_t("contrast"), style={**style, "button_width": "170px"})
        self.method = widgets.Dropdown(options=[(_METHOD_NAMES[m][self.lang == "de"], m) for m in METHODS],
                                       value=method, description=label("method"), style=style)

        def slider(value, description, low):
            return widgets.IntSlider(value=int(value), min=low, max=top, description=description,
                                     continuous_update=False, style={"description_width": "90px"})

        self.k0 = slider(levels[0], "k0", 0)
        self.k1 = slider(levels[1], "k1", 0)
        self.threshold = slider(at_least if at_least is not None else max(1, levels[1]), _t("at_least"), 1)

    def controls(self):
        """The controls whose values the results depend on, in the order of :meth:`setting`."""
        return (self.offering, self.abc, self.manager, self.contrast, self.k0, self.k1, self.threshold, self.method)

    def setting(self):
        """The current setting as a hashable key: filters, contrast (its levels or threshold), method."""
        contrast = ((self.k0.value, self.k1.value) if self.contrast.value == "levels" else (self.threshold.value,))
        return (self.offering.value, self.abc.value, self.manager.value, self.contrast.value, contrast,
                self.method.value)

    # ------------------------------------------------------------------ logic
    def filtered(self, offering=ALL, abc=ALL, manager=ALL):
        """The quotes of an offering, ABC class and key-account manager (``ALL``: no filter)."""
        keep = np.ones(len(self.data), dtype=bool)
        for column, value in zip(FILTERS, (offering, abc, manager)):
            if value != ALL:
                keep &= (self.data[column] == value).fillna(False).to_numpy(dtype=bool)
        return self.data[keep]

    def _groups(self, quotes, contrast):
        """The quotes of the two compared groups, the treatment column holding the group."""
        counts = pd.to_numeric(quotes[self.treatment], errors="coerce")
        if len(contrast) == 2:
            return quotes[counts.isin(contrast).to_numpy()]
        t = contrast[0]
        return quotes.assign(**{self.treatment: np.where(counts >= t, f"≥ {t}", f"< {t}")})

    def compute(self, setting):
        """Effect, win rates, true effect and notes for a setting (see :meth:`setting`); cached."""
        if setting in self._cache:
            return self._cache[setting]
        offering, abc, manager, mode, contrast, method = setting
        quotes = self.filtered(offering, abc, manager)
        result = {"quotes": quotes, "effect": None, "rates": None, "true_effect": np.nan, "notes": []}
        with language(self.lang):
            if mode == "levels" and contrast[0] == contrast[1]:
                result["notes"].append(_t("same_levels"))
            else:
                self._estimate(quotes, setting, result)
            try:
                result["rates"] = win_rates(self._groups(quotes, contrast), by=self.treatment,
                                            random_state=self.random_state)
            except KamlabError as error:
                result["notes"].append(_t("no_rates", reason=error))
        if mode == "levels" and self.truth is not None:
            result["true_effect"] = self._true_effect(setting[:3], quotes, contrast)
        self._cache[setting] = result
        return result

    @staticmethod
    def _fit_key(setting):
        """What the fit of a setting depends on: filters, contrast kind and method (and the threshold: it makes
        the treatment); the two counts of a ``levels`` contrast do not change it."""
        offering, abc, manager, mode, contrast, method = setting
        return offering, abc, manager, mode, contrast if mode == "threshold" else None, method

    def has_fit(self, setting):
        """Whether the fit of ``setting`` is done (its effect then takes milliseconds)."""
        return self._fit_key(setting) in self._fits

    def _estimate(self, quotes, setting, result):
        """``followup_effect(quotes, covariates, levels=… or at_least=…, …)`` of the setting, from its kept fit."""
        _, _, _, mode, contrast, method = setting
        options = {"treatment": self.treatment, "method": method, "random_state": self.random_state,
                   **self.effect_options}
        contrast_options = {k: options.pop(k) for k in _CONTRAST_OPTIONS if k in options}
        if mode == "levels":
            options["levels"] = tuple(contrast)
        else:
            options["at_least"] = contrast[0]
        key = self._fit_key(setting)
        with _RECORDING, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if key not in self._fits:  # the warnings of the fit itself (a covariate measured late): every pair's
                    fit, _ = _level_fit(quotes, self.covariates, **options)
                    self._fits[key] = (fit, [str(w.message) for w in caught])
                    del caught[:]
                fit, fit_notes = self._fits[key]
                result["effect"] = fit.effect(options.get("levels", (0, 1)), **contrast_options)
            except KamlabError as error:
                result["notes"].append(_t("no_effect", reason=error))
            else:
                result["notes"].extend(fit_notes)
        result["notes"].extend(str(w.message) for w in caught)

    def true_mu(self, quotes=None):
        """The true μ(k) of the decided ``quotes`` (default: the filtered ones) from ``truth``, by k."""
        quotes = self.quotes if quotes is None else quotes
        if self.truth is None or "project_id" not in quotes.columns:
            return None
        decided = quotes.loc[quotes["outcome"].astype(str).isin(["won", "lost"]), "project_id"]
        rows = self.truth[self.truth["project_id"].isin(decided)]
        return rows.groupby("followups_k")["p_win"].mean()

    def _true_mu_of(self, filters, quotes):
        """:meth:`true_mu` of the filtered quotes, kept per filter (the same for every contrast)."""
        if filters not in self._true_mu:
            self._true_mu[filters] = self.true_mu(quotes)
        return self._true_mu[filters]

    def _true_effect(self, filters, quotes, contrast):
        mu = self._true_mu_of(filters, quotes)
        if mu is None or not set(contrast) <= set(mu.index):
            return np.nan
        return float(mu[contrast[1]] - mu[contrast[0]])

    def update(self):
        """Compute (or take from the cache) the results of the controls' setting, and redraw.

        With ``background`` a setting whose fit is not done yet shows "estimating…" at once and is
        computed in a worker thread (an AIPW fit with its bootstrap takes seconds); its result appears
        when ready (the controls stay free), then the neighbouring settings are computed ahead. Another
        pair of counts with the same filters and method takes its effect from the kept fit, at once.
        """
        mode = self.contrast.value
        self.k0.disabled = self.k1.disabled = mode != "levels"
        self.threshold.disabled = mode == "levels"
        setting = self.setting()
        if setting in self._jobs.errors:  # a background computation that raised: its message
            self._summary_view.value = text_html(str(self._jobs.errors[setting]))
            return
        if self.background and self._started and setting not in self._cache and not (
                self.has_fit(setting) or setting[3] == "levels" and setting[4][0] == setting[4][1]):
            with language(self.lang):
                self._summary_view.value = text_html(_t("computing", method=_METHOD_NAMES[setting[-1]][
                    self.lang == "de"]))
            self._jobs.add([setting], first=True)
            return
        with self._draw_lock:
            result = self.compute(setting)
            self.quotes, self.effect, self.rates = result["quotes"], result["effect"], result["rates"]
            self.true_effect = result["true_effect"]
            self.message = "\n".join(result["notes"])
            self._draw(setting)
        if self.background and self._started:  # ahead only once someone moves a control
            self._jobs.add(self._neighbours(setting))

    def _computed(self, setting):
        """A background computation is done (or failed): show it if the controls still ask for it."""
        if setting == self.setting():
            self.update()

    def _neighbours(self, setting):
        """The settings a student likely asks for next: each slider of the contrast one step up or down."""
        *filters, mode, contrast, method = setting
        top = self.k1.max
        if mode == "levels":
            k0, k1 = contrast
            options = [(k0, k1 + 1), (k0, k1 - 1), (k0 + 1, k1), (k0 - 1, k1)]
            contrasts = [c for c in options if min(c) >= 0 and max(c) <= top and c[0] != c[1]]
        else:
            contrasts = [(t,) for t in (contrast[0] + 1, contrast[0] - 1) if 1 <= t <= top]
        return [(*filters, mode, c, method) for c in contrasts]

    def wait(self, timeout=None):
        """Block until the background computations are done (scripts and tests that read results at once)."""
        self._jobs.wait(timeout)

    def summary_text(self):
        """The quotes counted, the effect against the raw contrast and (with ``truth``) the true effect."""
        with language(self.lang):
            outcome = self.quotes["outcome"].astype(str)
            chosen = [f"{label(c)} {v}" for c, v in zip(FILTERS, self.setting()[:3]) if v != ALL]
            lines = [_t("quotes", n=_count(len(self.quotes)), decided=_count(outcome.isin(["won", "lost"]).sum()),
                        open=_count((outcome == "open").sum()), filters=" · " + ", ".join(chosen) if chosen else "")]
            effect = self.effect
            if effect is not None:
                numbers = {"method": _METHOD_NAMES[effect.method][self.lang == "de"], "ate": _points(effect.ate),
                           "low": _points(effect.ci[0]), "high": _points(effect.ci[1]),
                           "naive": _points(effect.naive)}
                if effect.at_least is None:
                    lines.append(_t("effect_levels", k0=effect.levels[0], k1=effect.levels[1], **numbers))
                else:
                    lines.append(_t("effect_threshold", t=effect.at_least, **numbers))
            if not np.isnan(self.true_effect):
                lines.append(_t("truth", ate=_points(self.true_effect)))
            if self.message:
                lines.append(self.message)
            return "\n".join(lines)

    # ------------------------------------------------------------------ output
    def _on_change(self, change):
        self.update()

    def _draw(self, setting):
        if not self.plot:
            return
        from kamlab.projects.effect_plots import dose_response_chart, effect_title
        from kamlab.projects.plots import set_win_rates, win_rate_chart

        with language(self.lang):
            self._summary_view.value = text_html(self.summary_text())
            # the dose response is that of the fit: another pair of counts changes only its title and the rates
            drawn = (self._fit_key(setting), self.effect is not None)
            if drawn == self._drawn:
                left, right = self.chart.figure.axes
                # the same two bars with other rates: changed in place and drawn over the rest; otherwise anew
                if self.rates is not None and self.ax_rates is right and set_win_rates(right, self.rates):
                    if self.effect is not None:
                        left.title.set_text(effect_title(self.effect))
                    self.chart.blit()
                    return
            self.chart.clear()
            left, right = self.chart.figure.subplots(1, 2)
            self.ax_effect = None
            if self.effect is not None:
                truth = self._true_mu_of(setting[:3], self.quotes) if self.effect.kind == "count" else None
                dose_response_chart(self.effect, truth=truth, ax=left)
                self.ax_effect = left
            else:
                left.set_axis_off()
            self._rates_chart(right, win_rate_chart)
            self.chart.figure.tight_layout()
            # what changes with the pair of counts is drawn over the rest (kept as the background)
            self.chart.set_animated([left.title, *self._moving(right)])
            self.chart.redraw()
            self._drawn = drawn

    def _moving(self, ax):
        """The artists of the rates' chart a new pair of counts changes, in the order the Axes draws them (the
        spines too: drawn over the bars). Its y axis and labels stay in the background."""
        if self.ax_rates is not ax:
            return []
        moving = {*(p for p in ax.patches if p.get_gid() == "win_rate_bars"),
                  *(t for t in ax.texts if t.get_gid() == "win_rate_n"), *ax.spines.values(), ax.xaxis, ax.title}
        for container in ax.containers:
            if getattr(container, "has_yerr", False):
                moving.update(a for a in (*container.lines[1], *container.lines[2]) if a is not None)
        return [a for a in ax.get_children() if a in moving]

    def _rates_chart(self, ax, win_rate_chart):
        self.ax_rates = None
        if self.rates is not None:
            ax.set_axis_on()
            win_rate_chart(self.rates, ax=ax)
            self.ax_rates = ax
        else:
            ax.set_axis_off()

    def _ipython_display_(self):
        show_widget(self.widget)
