"""The portfolio explorer: weight sliders that move the accounts across the matrix.

A thin ipywidgets layer over :class:`kamlab.ScoringModel`, :func:`kamlab.portfolio` and
:func:`kamlab.portfolios.plots.portfolio_matrix`. Like the other explorers it keeps its
controls as attributes and its latest result in ``result``, so its logic is tested
without a browser: set a slider's ``value`` and look at ``result`` and ``moved``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from kamlab._util.format import translator
from kamlab._util.labels import LANGUAGES, get_language, label, language
from kamlab._util.live import BackgroundJobs, LiveFigure, show_widget, table_html, text_html
from kamlab.errors import ParameterError
from kamlab.portfolios import VOCABULARIES, ScoringModel, portfolio

__all__ = ["PortfolioExplorer"]

_VOCABULARY_NAMES = {"mcdonald": "McDonald (Strategic, Star, …)", "dpm": "DPM (Invest, Maintain, …)",
                     "de": "Kundenportfolio (Starkunden, …)"}
_TEXT = {
    "moved_none": ("No account has changed quadrant.", "Kein Kunde hat den Quadranten gewechselt."),
    "moved_some": ("{n} accounts changed quadrant against the starting weights{more}:",
                   "{n} Kunden haben gegenüber den Ausgangsgewichten den Quadranten gewechselt{more}:"),
    "more": (" (the {k} biggest shown)", " (die {k} größten)"),
    "weights": ("Weights used (each model renormalised to 100 %)", "Verwendete Gewichte (je Modell auf 100 % skaliert)"),
    "zero": ("All weights of the {which} model are 0: give at least one criterion a weight. "
             "(The chart still shows the last valid weights.)",
             "Alle Gewichte des Modells {which} sind 0: gib mindestens einem Kriterium ein Gewicht. "
             "(Das Diagramm zeigt noch die letzten gültigen Gewichte.)"),
}
_t = translator(_TEXT)


class PortfolioExplorer:
    """Sliders for the criterion weights of both scoring models; the matrix follows.

    Moving a weight rescores every account (the weights of each model are renormalised to
    add up to 1, as ``ScoringModel(..., normalize=True)`` does), places them again with
    :func:`kamlab.portfolio` and redraws the matrix, with a table of the accounts whose
    quadrant now differs from the one they had with the starting weights.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the criteria of both models (and ``size``).
    attractiveness : ScoringModel
        The starting model of customer attractiveness (vertical axis).
    position : ScoringModel
        The starting model of the supplier's position (horizontal axis).
    size : str, optional, default="revenue"
        Column for the bubble sizes (``None``: equal bubbles).
    labels : {"mcdonald", "dpm", "de"}, default="mcdonald"
        The starting vocabulary of quadrant names and strategies.
    lang : {"en", "de"}, optional
        The starting language of the labels; default: kamlab's current language. The
        explorer draws inside ``kamlab.language(...)``: it never changes the global one.
    split : {"median", "mean"} or (float, float), default="median"
        As in :func:`kamlab.portfolio`. With the median the split moves with the scores.
    label_top : int, default=8
        How many of the biggest accounts the matrix names.
    label_col : str, optional
        Column with the names written in the chart and the table (e.g. ``"name"``);
        default ``id_col``.
    id_col : str, default="account_id"
    plot : bool, default=True
        Show the matrix, the weights and the moved accounts in ``output``. ``False``
        only computes ``result`` and ``moved`` (for tests and scripts).

    Attributes
    ----------
    attractiveness_weights, position_weights : dict of str to ipywidgets.FloatSlider
        One slider per criterion (0 to 1), starting at the model's effective weight.
    vocabulary : ipywidgets.Dropdown
        ``"mcdonald"``, ``"dpm"`` or ``"de"``.
    language : ipywidgets.ToggleButtons
        ``"en"`` or ``"de"``: the language of axis labels, slider names and the table.
    reset : ipywidgets.Button
        Sets every slider back to its starting weight.
    output : ipywidgets.VBox
        Where the weights, the matrix and the table of moved accounts appear.
    chart : kamlab._util.live.LiveFigure or None
        The live matrix (``None`` with ``plot=False``): a weight moves its bubbles, split lines and
        names in place (:func:`kamlab.portfolios.plots.move_accounts`); a new vocabulary or
        language, or a bubble leaving the axes, draws it anew. While a page shows it, the pictures
        of the weights one step either side of the slider moved last are rendered ahead in a
        worker thread (on a copy of the chart): a move there sends that picture (matplotlib's
        full draw of the moved chart) without drawing.
    result : pandas.DataFrame
        The latest :func:`kamlab.portfolio` table: ``data`` with the columns
        ``attractiveness`` and ``supplier_position`` (the totals of the renormalised
        models), ``attractive``, ``strong``, ``quadrant``, ``strategy``.
    moved : pandas.DataFrame
        The accounts whose quadrant differs from the start: ``id_col``, ``size``,
        ``from_quadrant`` and ``to_quadrant`` (both in the current vocabulary), biggest
        first.
    models : (ScoringModel, ScoringModel)
        The latest attractiveness and position models (weights renormalised).
    ax : matplotlib.axes.Axes or None
        The matrix's Axes (on ``chart``).
    message : str
        The latest note (e.g. when all weights of a model are 0); empty otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"account_id": ["K1", "K2"], "revenue": [100.0, 50.0],
    ...                      "c1": [9, 2], "c2": [2, 3], "p1": [8, 3]})
    >>> explorer = PortfolioExplorer(data, ScoringModel({"c1": 0.5, "c2": 0.5}), ScoringModel({"p1": 1.0}),
    ...                              split=(5, 5), plot=False)
    >>> explorer.result["quadrant"].astype(str).tolist()
    ['Strategic', 'Streamline']
    >>> explorer.attractiveness_weights["c2"].value = 0.9   # K1: (9·0.5 + 2·0.9) / 1.4 = 4.5
    >>> explorer.moved[["account_id", "from_quadrant", "to_quadrant"]].values.tolist()
    [['K1', 'Strategic', 'Status']]
    """

    def __init__(self, data, attractiveness, position, size="revenue", *, labels="mcdonald", lang=None,
                 split="median", label_top=8, label_col=None, id_col="account_id", plot=True):
        if not isinstance(data, pd.DataFrame):
            raise ParameterError(f"PortfolioExplorer needs a pandas DataFrame, not {type(data).__name__}.")
        for name, model in (("attractiveness", attractiveness), ("position", position)):
            if not isinstance(model, ScoringModel):
                raise ParameterError(f"{name} must be a kamlab.ScoringModel, not {type(model).__name__}.")
        if labels not in VOCABULARIES:
            raise ParameterError(f"labels must be one of {', '.join(VOCABULARIES)}, not {labels!r}.")
        lang = get_language() if lang is None else str(lang).lower()
        if lang not in LANGUAGES:
            raise ParameterError(f"lang must be 'en' or 'de', not {lang!r}.")
        self.data = data
        self.start_models = (attractiveness, position)
        self.models = (attractiveness, position)
        self.size = size
        self.split = split
        self.label_top = label_top
        self.id_col = id_col
        self.label_col = label_col or id_col
        self.plot = plot
        self.ax = None
        self.message = ""
        self._updating = False
        # the placement, moved accounts and texts of a setting, kept (the latest SETTINGS); the weights one step
        # either side of the slider just moved are computed ahead in a worker thread
        self._settings = {}
        self._moving = None  # the slider moved last
        self._direction = 1  # the way the slider moved last (+1 up, -1 down): that neighbour first
        self._frames = None  # pictures of the matrix at the settings computed ahead (_Frames, with a page)
        self._jobs = BackgroundJobs(self._ahead, self._ahead_done, lambda key: None, name="kamlab-portfolio-settings")
        self._moved_at = 0.0  # time.monotonic() at the end of the latest update (later while one is under way)
        # the starting placement: which side of each split every account was on
        start = self._place(attractiveness, position, labels)
        self._start_codes = self._codes(start)

        def slider(weight):
            return widgets.FloatSlider(value=float(weight), min=0.0, max=1.0, step=0.01, readout_format=".2f",
                                       continuous_update=False, style={"description_width": "150px"},
                                       layout=widgets.Layout(width="330px"))

        self.attractiveness_weights = {c: slider(w) for c, w in attractiveness.weights.items()}
        self.position_weights = {c: slider(w) for c, w in position.weights.items()}
        self.vocabulary = widgets.Dropdown(options=[(_VOCABULARY_NAMES[k], k) for k in VOCABULARIES], value=labels,
                                           layout=widgets.Layout(width="260px"))
        self.language = widgets.ToggleButtons(options=[("English", "en"), ("Deutsch", "de")], value=lang,
                                              style={"button_width": "80px"})
        self.reset = widgets.Button(icon="undo", layout=widgets.Layout(width="200px"))
        self.reset.on_click(self._on_reset)
        self._attractiveness_title = widgets.HTML()
        self._position_title = widgets.HTML()
        self._vocabulary_title = widgets.HTML()
        self._notes = widgets.HTML()
        self._moved_view = widgets.HTML()
        self.chart = None
        self._drawn = None
        if plot:
            self.chart = LiveFigure((9, 5.6), adjust={"left": 0.08, "right": 0.76, "bottom": 0.09, "top": 0.97})
        self.output = widgets.VBox([self._notes, *([self.chart.widget] if plot else []), self._moved_view])
        self.widget = widgets.VBox([
            widgets.HBox([
                widgets.VBox([self._attractiveness_title, *self.attractiveness_weights.values()]),
                widgets.VBox([self._position_title, *self.position_weights.values()]),
                widgets.VBox([self._vocabulary_title, self.vocabulary, self.language, self.reset]),
            ]),
            self.output,
        ])
        for control in (*self.attractiveness_weights.values(), *self.position_weights.values(), self.vocabulary,
                        self.language):
            control.observe(self._on_change, names="value")
        self.update()

    # ------------------------------------------------------------------ logic
    def _place(self, attractiveness, position, labels):
        if not hasattr(self, "_scores"):
            # each criterion's score does not depend on the weights: scored once, the totals per move
            self._scores = {id(model): model.scores(self.data) for model in self.start_models}
            self._table = self.data.copy()
        table = self._table.copy(deep=False)
        table["attractiveness"] = self._total(attractiveness, self.start_models[0])
        table["supplier_position"] = self._total(position, self.start_models[1])
        return portfolio(table, x="supplier_position", y="attractiveness", size=self.size, split=self.split,
                         labels=labels)

    def _total(self, model, start):
        """``model.score(data)["total"]`` from the criterion scores kept at the start (same criteria)."""
        scores = self._scores[id(start)]
        names = list(model.weights)
        contributions = scores[names].to_numpy(dtype=float) * np.array([model.weights[n] for n in names], dtype=float)
        return pd.Series(contributions.sum(axis=1), index=scores.index)

    @staticmethod
    def _codes(placed):
        """Quadrant as a number 0–3 in the vocabularies' order, so vocabularies can be compared."""
        return pd.Series(placed["quadrant"].cat.codes.to_numpy(), index=placed.index)

    def current_weights(self):
        """The sliders' values: ``(attractiveness weights, position weights)`` as dicts (not renormalised)."""
        return ({c: s.value for c, s in self.attractiveness_weights.items()},
                {c: s.value for c, s in self.position_weights.items()})

    def _models(self):
        attractiveness, position = self.start_models
        weights = self.current_weights()
        models = []
        for which, model, values in (("attractiveness", attractiveness, weights[0]),
                                     ("supplier_position", position, weights[1])):
            if sum(values.values()) <= 0:
                self.message = _t("zero", which=label(which))
                return None
            models.append(model.with_weights(values))
        return tuple(models)

    #: the most settings kept (each holds a placed copy of the table)
    SETTINGS = 24

    def _key(self, weights=None):
        """The setting: vocabulary, language and the sliders' weights (or ``weights``, two dicts)."""
        attractiveness, position = self.current_weights() if weights is None else weights
        return (self.vocabulary.value, self.language.value, tuple(attractiveness.values()), tuple(position.values()))

    def _compute(self, key):
        """Models, placement, moved accounts and the texts of setting ``key`` (None when a model has no weight)."""
        if key in self._settings:
            return self._settings[key]
        vocabulary, lang, attractiveness, position = key
        models = []
        for model, values in zip(self.start_models, (attractiveness, position)):
            if sum(values) <= 0:
                return None
            models.append(model.with_weights(dict(zip(model.weights, values))))
        with language(lang):
            result = self._place(*models, vocabulary)
            moved = self._moved(result, vocabulary)
            texts = self._texts("", models, moved, lang)
        while len(self._settings) >= self.SETTINGS:
            self._settings.pop(next(iter(self._settings)), None)
        self._settings[key] = found = (tuple(models), result, moved, texts)
        return found

    #: seconds after a move before the settings next to it are computed (the move's picture and texts are sent first:
    #: the kernel sends them from another thread, which a computation would hold up)
    AHEAD_AFTER = 0.05

    def _ahead(self, key):
        import time

        while (wait := self._moved_at + self.AHEAD_AFTER - time.monotonic()) > 0:
            time.sleep(min(wait, 0.01))
        if key == _COPY:
            self._frames.build()
            return
        found = self._compute(key)
        if found is not None and self._frames is not None:
            self._frames.render(key, found[1])

    def _ahead_done(self, key):
        """Whether setting ``key`` is computed (and, while a page shows the chart, its picture rendered)."""
        if key == _COPY:
            return self._frames is None or self._frames.built()
        return key in self._settings and (self._frames is None or self._frames.done(key))

    def _on_page(self):
        """A page shows the chart: the copy the pictures of settings ahead are rendered on is built now."""
        self._jobs.add([_COPY])

    def _neighbours(self):
        """The settings one step either side of the slider moved last (its value ± a step, to 10 decimals: the
        number the page sends)."""
        slider = self._moving
        if slider is None:
            return []
        weights = self.current_weights()
        group, name = next((values, criterion) for values, sliders in zip(weights, (self.attractiveness_weights,
                                                                                   self.position_weights))
                           for criterion, other in sliders.items() if other is slider)
        keys = []
        for sign in (self._direction, -self._direction):  # on in the direction it moved first
            value = round(slider.value + sign * slider.step, 10)
            if slider.min <= value <= slider.max:
                group[name] = value
                keys.append(self._key(weights))
        return keys

    def update(self):
        """Rescore with the sliders' weights, place the accounts, redraw the matrix and the table."""
        import time

        if self._updating:
            return
        self._moved_at = time.monotonic() + 60  # a move under way: the work ahead waits for its end
        try:
            with language(self.language.value):
                self.message = ""
                found = self._compute(self._key())
                texts = None
                if found is None:
                    self._models()  # says which model has no weight; the last valid result stays
                else:
                    self.models, self.result, self.moved, texts = found
                self._draw(texts)
                self._relabel()  # after the chart: the page gets the picture first
        finally:
            self._moved_at = time.monotonic()
        if self.plot:
            self._jobs.add(self._neighbours())

    def _moved(self, placed, vocabulary=None):
        names = [name for name, _ in VOCABULARIES[vocabulary or self.vocabulary.value]]
        codes = self._codes(placed)
        changed = codes != self._start_codes
        columns = [c for c in dict.fromkeys([self.id_col, self.label_col, self.size]) if c and c in placed.columns]
        moved = placed.loc[changed, columns].copy()
        moved["from_quadrant"] = [names[c] for c in self._start_codes[changed]]
        moved["to_quadrant"] = [names[c] for c in codes[changed]]
        if self.size:
            moved = moved.sort_values(self.size, ascending=False, kind="stable")
        return moved

    # ------------------------------------------------------------------ controls
    def _on_change(self, change):
        self._moving = change["owner"] if isinstance(change["owner"], widgets.FloatSlider) else None
        if self._moving is not None and change["new"] != change["old"]:
            self._direction = 1 if change["new"] > change["old"] else -1
        self.update()

    def _on_reset(self, button=None):
        """Set every slider back to its starting weight (one update, not one per slider)."""
        self._updating = True
        try:
            for sliders, model in zip((self.attractiveness_weights, self.position_weights), self.start_models):
                for criterion, slider in sliders.items():
                    slider.value = float(model.weights[criterion])
        finally:
            self._updating = False
        self.update()

    def _relabel(self):
        """Slider names and titles in the current language."""
        for sliders in (self.attractiveness_weights, self.position_weights):
            for criterion, slider in sliders.items():
                slider.description = label(criterion)
        self._attractiveness_title.value = f"<b>{label('attractiveness')}</b>"
        self._position_title.value = f"<b>{label('supplier_position')}</b>"
        self._vocabulary_title.value = f"<b>{label('vocabulary')} · {label('language')}</b>"
        self.reset.description = label("reset_weights")

    # ------------------------------------------------------------------ output
    def moved_table(self, n=10, moved=None, lang=None):
        """The first ``n`` moved accounts for people: columns in the explorer's language."""
        table = (self.moved if moved is None else moved).head(n).copy()
        if self.size in table.columns:
            table[self.size] = table[self.size].round(0)
        with language(lang or self.language.value):
            return table.rename(columns={c: label(c) for c in table.columns}).reset_index(drop=True)

    def weights_text(self, models=None, lang=None):
        """The weights in use, renormalised, in percent: one line per model, in the explorer's language."""
        lines = []
        with language(lang or self.language.value):
            for key, model in zip(("attractiveness", "supplier_position"), models or self.models):
                parts = " · ".join(f"{label(c)} {w * 100:.0f} %" for c, w in model.weights.items())
                lines.append(f"{label(key)}: {parts}")
        return "\n".join(lines)

    def _draw(self, texts=None):
        if not self.plot:
            return
        from kamlab.portfolios.plots import move_accounts, portfolio_matrix

        options = dict(size=self.size, label_top=self.label_top, label_col=self.label_col, id_col=self.id_col)
        drawn = (self.vocabulary.value, self.language.value)
        moved, shown = None, False
        if drawn == self._drawn:  # only the weights changed: move the bubbles, splits and names in place
            # a picture rendered ahead is sent first (the page gets it at once), then the chart's artists follow it
            frame = self._frames.get(self._key()) if self._frames is not None else None
            shown = frame is not None and self._frames.show(frame)
            moved = move_accounts(self.ax, self.result, **options)
        if moved is None:
            self.chart.clear()
            self.ax = portfolio_matrix(self.result, ax=self.chart.figure.subplots(), **options)
            self._drawn = drawn
            self.chart.figure.tight_layout()  # a full redraw: fit the size legend (moves keep this layout)
            self.chart.set_animated(self._moving_artists(self.ax))
            self.chart.redraw()
            if self.chart.live:  # the pictures of settings ahead are rendered on a copy of this layout
                self._frames = self._frames or _Frames(self.chart, options, self._moving_artists)
                self._frames.layout(self.ax, self.result, drawn)
                if self.chart.figure.canvas.syncing_data_url:  # built once a page shows the chart
                    self.chart.figure.canvas.on_page = self._on_page
                else:
                    self._jobs.add([_COPY])
        else:
            self.chart.set_animated(self._moving_artists(self.ax), keep_background=True)
            if not shown:
                self.chart.blit()
        if not shown and self._frames is not None:
            self._frames.shown = None  # drawn here: not a picture rendered ahead
        # the texts after the chart: the page shows the chart first (its layout of the table waits)
        self._notes.value, self._moved_view.value = texts or self._texts(self.message, self.models, self.moved,
                                                                         self.language.value)

    def _texts(self, message, models, moved, lang):
        """The HTML of the notes (message and weights) and of the moved accounts, in language ``lang``."""
        notes = ([message] if message else []) + [_t("weights") + ":\n" + self.weights_text(models, lang)]
        n = len(moved)
        if n == 0:
            return text_html("\n".join(notes)), text_html(_t("moved_none"))
        shown = min(n, 10)
        return text_html("\n".join(notes)), (
            text_html(_t("moved_some", n=n, more=_t("more", k=shown) if n > shown else ""))
            + table_html(self.moved_table(shown, moved, lang)))

    @staticmethod
    def _moving_artists(ax):
        # the quadrant names and strategies too: they are drawn over the bubbles; and the axes' frame (spines), which
        # the split lines (and a bubble at the edge) reach: drawn over them, as a full draw does
        return [*(c for c in ax.collections if c.get_gid() == "accounts"),
                *(line for line in ax.lines if line.get_gid() == "split"),
                *ax.spines.values(),
                *(t for t in ax.texts if t.get_gid() in ("account-label", "quadrant-name", "quadrant-strategy"))]

    def _ipython_display_(self):
        show_widget(self.widget)


_COPY = "copy of the chart"  # the job that builds _Frames' copy of the live chart


class _Frames:
    """Pictures of the matrix at settings computed ahead, rendered in the explorer's worker thread.

    A move one step of a slider shows a setting computed ahead (:meth:`PortfolioExplorer._ahead`). Its
    picture is rendered there too, on a copy of the live chart: a second figure built as the live one
    was at its latest full draw (the same table, size, dpi, margins and limits), its moving artists
    (bubbles, splits, names, quadrant texts) animated. The copy's background is rendered once per
    layout; a setting's picture is that background with the moving artists moved
    (:func:`~kamlab.portfolios.plots.move_accounts`) and drawn over it by matplotlib: what a full draw of
    the live chart at that setting gives. Its diff image against the picture shown now (when that is one
    of these) is encoded there too (:func:`kamlab._util.fastdraw.diff_png`). The move then sends the
    picture (no rendering, and no encoding when the page shows that picture) and moves the live artists.
    """

    #: the most pictures kept (each the whole figure, some 2 MB)
    LIMIT = 6

    def __init__(self, chart, options, moving):
        self._chart, self._options, self._moving = chart, options, moving
        self._layout = None  # (vocabulary, language, table, dpi, size, axes position, limits) of the live chart
        self._copy = None  # (layout, Axes, background, canvas) of the copy
        self._pictures = {}  # setting -> (layout, pixels, base, image): image is the diff PNG against picture base
        self.shown = None  # the picture (pixels) the live chart shows if it is one of these, else None

    def layout(self, ax, result, drawn):
        """Note the live chart's layout after a full draw (pictures of an older layout are not shown)."""
        figure = self._chart.figure
        self._layout = (*drawn, result, figure.dpi, tuple(figure.get_size_inches()),
                        tuple(ax.get_position().bounds), ax.get_xlim(), ax.get_ylim())

    def get(self, key):
        """The picture of setting ``key`` for the live chart's layout, or None."""
        found = self._pictures.get(key)
        return found if found is not None and found[0] is self._layout and found[1] is not None else None

    def done(self, key):
        """Whether nothing is left to render for ``key``: no page shows the chart (no picture is wanted), or its
        picture for the current layout was rendered (or cannot be: its bubbles leave the axes), with its diff
        image against the picture shown now (if that is one of these)."""
        found = self._pictures.get(key)
        return self._chart.figure.canvas.syncing_data_url or (
            found is not None and found[0] is self._layout
            and (found[1] is None or self.shown is None or self.shown is found[1] or self.shown is found[2]))

    def show(self, frame):
        """Put ``frame``'s pixels in the live chart and send them; False (nothing done) if they do not fit it."""
        layout, pixels, _, image = frame
        if self._chart.figure.dpi != layout[3] or not self._chart.put_pixels(pixels, prepared=image):
            return False
        self.shown = pixels
        return True

    def built(self):
        """Whether the copy of the live chart's current layout is built (or none is wanted: no page)."""
        return self._layout is None or self._chart.figure.canvas.syncing_data_url or (
            self._copy is not None and self._copy[0] is self._layout)

    def build(self):
        """Build the copy of the live chart's current layout (if a page shows the chart)."""
        layout = self._layout
        if not self.built():
            with language(layout[1]):
                self._build(layout)

    def render(self, key, result):
        """Render the picture of setting ``key`` (placed as ``result``) for the live chart's current layout."""
        import numpy as np

        from kamlab.portfolios.plots import move_accounts

        layout, base = self._layout, self.shown
        if layout is None or tuple(key[:2]) != layout[:2] or self.done(key):
            return
        found = self.get(key)
        if found is not None:  # rendered: only its diff image against the picture shown now
            self._keep(key, layout, found[1], base)
            return
        with language(layout[1]):
            copy = self._copy if self._copy is not None and self._copy[0] is layout else self._build(layout)
            _, ax, background, canvas = copy
            if move_accounts(ax, result, **self._options) is None:  # leaves the axes: the move draws anew
                self._keep(key, layout, None, None)
                return
            canvas.restore_region(background)
            artists = self._moving(ax)
            for artist in sorted(artists, key=lambda a: a.get_zorder()):  # stable: the live chart's order
                ax.figure.draw_artist(artist)
        self._keep(key, layout, np.array(canvas.buffer_rgba()), base)

    def _keep(self, key, layout, pixels, base):
        """Keep the picture of ``key`` (None: none possible) with its diff image against picture ``base``."""
        from kamlab._util.fastdraw import diff_png

        image = diff_png(base, pixels) if base is not None and pixels is not None else None
        while key not in self._pictures and len(self._pictures) >= self.LIMIT:
            oldest = next(iter(self._pictures))
            if self._pictures[oldest][1] is self.shown:  # the picture shown stays: the base of the next images
                self._pictures[oldest] = self._pictures.pop(oldest)
                oldest = next(iter(self._pictures))
            self._pictures.pop(oldest, None)
        self._pictures[key] = (layout, pixels, base, image)

    def _build(self, layout):
        """The copy of the live chart at ``layout``, its background rendered."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from kamlab._util.fastdraw import TextReplay
        from kamlab.portfolios.plots import portfolio_matrix

        _, _, result, dpi, size, position, xlim, ylim = layout
        figure = Figure(figsize=size, dpi=dpi)
        canvas = FigureCanvasAgg(figure)
        ax = portfolio_matrix(result, ax=figure.subplots(), **self._options)
        ax.set_position(position)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        for artist in self._moving(ax):
            artist.set_animated(True)
        canvas.draw()
        TextReplay(canvas.get_renderer())  # the quadrant texts, drawn at the same place in every picture
        self._copy = (layout, ax, canvas.copy_from_bbox(figure.bbox), canvas)
        return self._copy
