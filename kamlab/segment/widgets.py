"""The segment explorer: choose features, method and number of segments; see the profiles and the map.

A thin ipywidgets layer over :class:`kamlab.AccountSegmenter`,
:func:`kamlab.segment_profiles` and the charts of :mod:`kamlab.segment.plots`. Like the
other explorers it keeps its controls as attributes and its latest result in
``result``, so its logic is tested without a browser: set a control's ``value`` and look
at ``result``, ``profiles`` and ``segmenter``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from kamlab._util.format import translator
from kamlab._util.labels import LANGUAGES, get_language, label, language
from kamlab._util.live import LiveFigure, show_widget, table_html, text_html
from kamlab.errors import KamlabError, MissingColumnError, ParameterError
from kamlab.segment import AccountSegmenter, segment_profiles

__all__ = ["SegmentExplorer", "EXPLORER_METHODS", "K_RANGE"]

#: The clustering methods the explorer offers (HDBSCAN finds k itself and is left out).
EXPLORER_METHODS = ("kmeans", "gmm", "ward")
#: The smallest and largest k of the slider (and of the automatic choice).
K_RANGE = (2, 8)

_TEXT = {
    "few_features": ("Choose at least two features (Ctrl- or Cmd-click to pick several). The charts still show the "
                     "last segmentation.",
                     "Wähle mindestens zwei Merkmale (mit Strg- oder Cmd-Klick mehrere). Die Diagramme zeigen noch "
                     "die letzte Segmentierung."),
    "left_out": ("{n} accounts without a value in the chosen features are left out.",
                 "{n} Kunden ohne Wert in den gewählten Merkmalen bleiben außen vor."),
    "fitted": ("{n} accounts, {k} segments ({method}).", "{n} Kunden, {k} Segmente ({method})."),
    "auto": ("Automatic k: {reason}", "Automatisches k: {reason}"),
    "failed": ("This segmentation failed: {error}", "Diese Segmentierung ist gescheitert: {error}"),
}
_t = translator(_TEXT)


def _numeric_columns(table):
    return [c for c in table.columns
            if pd.api.types.is_numeric_dtype(table[c].dtype) and not pd.api.types.is_bool_dtype(table[c].dtype)]


class SegmentExplorer:
    """Controls for the features, the method and k; the profiles and the map follow.

    Every change refits :class:`kamlab.AccountSegmenter` (seeded, so the same settings
    always give the same segments) on the accounts that have a value in every chosen
    feature, profiles the segments with :func:`kamlab.segment_profiles` and draws the
    profile heatmap beside the 2-D map, with the profile table below. Fits are cached per
    setting, so going back to a setting is instant.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account.
    features : list of str, optional
        The features chosen at the start; default: every column of ``choices``.
    choices : list of str, optional
        The features offered; default: ``features`` when given, else every numeric
        column. Give a short list: with thirty columns nobody finds the interesting ones.
    method : {"kmeans", "gmm", "ward"}, default="kmeans"
    k : int or "auto", default=4
        The starting number of segments (2 to 8), or ``"auto"`` to start with
        :func:`kamlab.select_k` choosing it.
    log_features, scaler
        The preprocessing, as in :class:`kamlab.AccountSegmenter`.
    random_state : int, default=0
        Seeds every fit.
    lang : {"en", "de"}, optional
        The language of the labels; default: kamlab's current language. The explorer
        draws inside ``kamlab.language(...)``: it never changes the global one.
    plot : bool, default=True
        Show the charts and the table in ``output``. ``False`` only computes (for tests
        and scripts).

    Attributes
    ----------
    features : ipywidgets.SelectMultiple
        The chosen features (``value`` is a tuple of column names).
    method : ipywidgets.Dropdown
        ``"kmeans"``, ``"gmm"`` or ``"ward"``.
    k : ipywidgets.IntSlider
        The number of segments, 2 to 8 (``continuous_update=False``: it refits when
        released). With ``auto_k`` ticked it is disabled and shows the k chosen.
    auto_k : ipywidgets.Checkbox
        Let :func:`kamlab.select_k` choose k (silhouette, k from 2 to 8).
    output : ipywidgets.VBox
        Where the note, the charts and the table appear.
    result : pandas.Series
        The segment of every account used (index: the rows of ``accounts``; accounts
        left out for missing values are not in it), named ``"segment"``.
    profiles : pandas.DataFrame
        :func:`kamlab.segment_profiles` of the latest segmentation.
    segmenter : AccountSegmenter
        The latest fitted segmenter (``segmenter.selection_`` holds the k table when
        ``auto_k`` is ticked).
    message : str
        The latest note (accounts left out, too few features, the reason for k).
    chart : kamlab._util.live.LiveFigure or None
        The live figure of the heatmap and the map (``None`` with ``plot=False``), redrawn in place;
        a setting seen before is shown from its kept picture, and while a page shows the chart the
        other k of the slider are fitted and rendered in the background: right after the explorer is
        built at once, for later settings when the student pauses.
    axes : tuple of matplotlib Axes or None
        The latest heatmap and map drawn (on ``chart``, or on the figure of a setting rendered ahead).

    Examples
    --------
    >>> from kamlab.segment import make_segmented_accounts
    >>> accounts, _ = make_segmented_accounts(200, n_segments=3, random_state=0)
    >>> explorer = SegmentExplorer(accounts, ["revenue", "orders", "margin_rate"], k=3, plot=False)
    >>> explorer.segmenter.n_segments_, len(explorer.result)
    (3, 200)
    >>> explorer.k.value = 2   # refits with two segments
    >>> explorer.profiles["size"].tolist() == [int((explorer.result == s).sum()) for s in (0, 1)]
    True
    """

    def __init__(self, accounts, features=None, *, choices=None, method="kmeans", k=4, log_features="auto",
                 scaler="standard", random_state=0, lang=None, plot=True):
        if not isinstance(accounts, pd.DataFrame):
            raise ParameterError(f"SegmentExplorer needs the account table as a DataFrame, not "
                                 f"{type(accounts).__name__}.")
        if features is not None:
            features = [features] if isinstance(features, str) else list(features)
        if choices is None:
            choices = list(features) if features is not None else _numeric_columns(accounts)
        choices = list(dict.fromkeys(choices))
        features = list(choices) if features is None else features
        missing = [c for c in [*choices, *features] if c not in accounts.columns]
        if missing:
            raise MissingColumnError(f"The account table has no column {missing[0]!r}. Columns found: "
                                     f"{', '.join(map(str, accounts.columns))}.")
        not_offered = [c for c in features if c not in choices]
        if not_offered:
            raise ParameterError(f"Feature {not_offered[0]!r} is not among the choices {choices!r}.")
        wrong = [c for c in choices if c not in _numeric_columns(accounts)]
        if wrong:
            raise ParameterError(f"Feature {wrong[0]!r} is not numeric; the explorer segments on numbers only.")
        if method not in EXPLORER_METHODS:
            raise ParameterError(f"method must be one of {', '.join(EXPLORER_METHODS)}; got {method!r}.")
        auto = isinstance(k, str) and k == "auto"
        if not auto and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or
                         not K_RANGE[0] <= k <= K_RANGE[1]):
            raise ParameterError(f"k must be an integer from {K_RANGE[0]} to {K_RANGE[1]}, or 'auto'; got {k!r}.")
        lang = get_language() if lang is None else str(lang).lower()
        if lang not in LANGUAGES:
            raise ParameterError(f"lang must be 'en' or 'de', not {lang!r}.")
        self.accounts = accounts
        self.log_features = log_features
        self.scaler = scaler
        self.random_state = random_state
        self.lang = lang
        self.plot = plot
        self.axes = None
        self.message = ""
        self.result = None
        self.profiles = None
        self.segmenter = None
        self._cache = {}
        self._updating = False
        self._prepared = False  # whether the pictures of the other k were asked for (the first time at once)

        with language(lang):
            self.features = widgets.SelectMultiple(
                options=[(label(c), c) for c in choices], value=tuple(features), rows=min(8, len(choices)),
                description=label("features"), style={"description_width": "70px"},
                layout=widgets.Layout(width="330px"),
            )
            self.method = widgets.Dropdown(options=[(label(m), m) for m in EXPLORER_METHODS], value=method,
                                           description=label("method"), style={"description_width": "70px"},
                                           layout=widgets.Layout(width="280px"))
            self.k = widgets.IntSlider(value=4 if auto else int(k), min=K_RANGE[0], max=K_RANGE[1], step=1,
                                       description="k", continuous_update=False, disabled=auto,
                                       style={"description_width": "70px"}, layout=widgets.Layout(width="280px"))
            self.auto_k = widgets.Checkbox(value=auto, description=label("auto_k"), indent=False)
        self._message_view = widgets.HTML()
        self._table_view = widgets.HTML()
        self.chart = LiveFigure((9.6, 4.2), adjust={"left": 0.17, "right": 0.97, "bottom": 0.17, "top": 0.9,
                                                    "wspace": 0.75}) if plot else None
        self.output = widgets.VBox([self._message_view, *([self.chart.widget] if plot else []), self._table_view])
        self.widget = widgets.VBox([
            widgets.HBox([self.features, widgets.VBox([self.method, self.k, self.auto_k])]),
            self.output,
        ])
        for control in (self.features, self.method, self.k, self.auto_k):
            control.observe(self._on_change, names="value")
        self.update()

    # ------------------------------------------------------------------ logic
    def settings(self):
        """The current settings: ``(features, method, k)`` with k an int or ``"auto"``."""
        return tuple(self.features.value), self.method.value, "auto" if self.auto_k.value else int(self.k.value)

    def _fit(self, features, method, k):
        key = (features, method, k)
        if key not in self._cache:
            data = self.accounts.dropna(subset=list(features))
            segmenter = AccountSegmenter(
                list(features), log_features=self.log_features, scaler=self.scaler, method=method, n_segments=k,
                k_range=K_RANGE, random_state=self.random_state, progress=False,
            ).fit(data)
            labels = pd.Series(segmenter.labels_, index=data.index, name="segment")
            self._cache[key] = (segmenter, labels, segment_profiles(data, segmenter=segmenter))
        return self._cache[key]

    def update(self):
        """Refit with the controls' settings and redraw (keeps the last result when the settings are unusable)."""
        if self._updating:
            return
        with language(self.lang):
            features, method, k = self.settings()
            self.k.disabled = k == "auto"
            if len(features) < 2:
                self.message = _t("few_features")
                self._draw()
                return
            try:
                self.segmenter, self.result, self.profiles = self._fit(features, method, k)
            except (KamlabError, ValueError) as error:  # an unusable setting, e.g. negative values to log
                self.message = _t("failed", error=error)
                self._draw()
                return
            if k == "auto":
                self._updating = True
                try:
                    self.k.value = self.segmenter.n_segments_  # show the chosen k without refitting
                finally:
                    self._updating = False
            notes = [_t("fitted", n=f"{len(self.result):,}", k=self.segmenter.n_segments_, method=label(method))]
            left_out = len(self.accounts) - len(self.result)
            if left_out:
                notes.append(_t("left_out", n=f"{left_out:,}"))
            if k == "auto":
                notes.append(_t("auto", reason=self.segmenter.selection_.attrs["reason"]))
            self.message = " ".join(notes)
            self._draw()

    def _on_change(self, change):
        self.update()

    # ------------------------------------------------------------------ output
    def profile_table(self):
        """The latest profiles for people: name, size, shares in percent, medians; columns in the explorer's language."""
        profiles = self.profiles
        features = profiles.attrs["features"]
        shares = ["share_of_accounts", *[f"{c}_share" for c in profiles.attrs["value_columns"]]]
        table = profiles[["name", "size", *shares, *[f"median_{f}" for f in features]]].copy()
        for column in shares:
            table[column] = (100 * table[column]).round(1)
        with language(self.lang):
            names = {"name": label("name"), "size": label("n_accounts")}
            names.update({c: f"{label(c)} (%)" for c in shares})
            names.update({f"median_{f}": f"{label('median')}: {label(f)}" for f in features})
            table = table.rename(columns=names)
        return table.round(2)

    def _draw(self):
        if not self.plot:
            return
        self._message_view.value = text_html(self.message)
        if self.segmenter is None:
            return
        drawn = (self.segmenter, self.lang)
        if drawn == getattr(self, "_drawn", None):  # the same segmentation (e.g. too few features): keep it
            return
        # one view per setting, kept (a setting seen before is its saved picture); the settings next to this
        # one (k ± 1, 2, 3) are fitted and rendered in the background when the student pauses
        key = self.settings()
        picture = self.chart.show_picture(key)
        if picture is not None:
            self.axes = tuple(picture.axes[:2])
        else:
            self.axes = tuple(self.chart.show_view(key, lambda: self._charts(self.chart.figure, self.segmenter,
                                                                               self.result, self.profiles))[:2])
        with language(self.lang):
            self._table_view.value = table_html(self.profile_table())
        self._drawn = drawn
        features, method, k = key
        if k != "auto":
            # the other k of the slider, nearest first: right after the build at once (nobody moves yet; a few
            # fits of a few thousand rows and their charts), later when the student pauses
            near = sorted(range(K_RANGE[0], K_RANGE[1] + 1), key=lambda other: (abs(other - k), -other))[1:]
            self.chart.prepare([(features, method, other) for other in near], self._picture,
                               at_once=not self._prepared)
            self._prepared = True

    def _charts(self, figure, segmenter, result, profiles):
        """The profile heatmap and the segment map on ``figure`` (for the live chart and its pictures)."""
        from kamlab.segment.plots import profile_heatmap, segment_map

        with language(self.lang):
            axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1.0]})
            profile_heatmap(profiles, ax=axes[0])
            segment_map(self.accounts.loc[result.index], segmenter=segmenter, names=profiles["name"], ax=axes[1])
            figure.tight_layout()  # fit the colour bar, labels and legend
        return axes

    def _picture(self, key):
        """A new figure with the charts of setting ``key`` (fitted and rendered in the background)."""
        from matplotlib.figure import Figure

        segmenter, result, profiles = self._fit(*key)
        figure = Figure(figsize=tuple(self.chart.figure.get_size_inches()), dpi=self.chart.figure.dpi)
        figure.subplots_adjust(**{name: getattr(self.chart.figure.subplotpars, name)
                                  for name in ("left", "right", "bottom", "top", "wspace")})
        self._charts(figure, segmenter, result, profiles)
        return figure

    def _ipython_display_(self):
        show_widget(self.widget)
