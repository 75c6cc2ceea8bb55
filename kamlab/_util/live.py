"""Live charts for the explorers: one matplotlib figure that stays on the page and is redrawn in place.

An explorer used to draw a new figure on every control change and show it as a PNG in an Output
widget (render, tight bounding box, encode, send, decode, replace the image). A :class:`LiveFigure`
keeps one figure on an ``ipympl`` canvas widget instead: the explorer changes the artists' data
(``set_offsets``, ``set_data``, ``set_height``, ``set_text``) or redraws the axes, and
:meth:`LiveFigure.redraw` renders once and sends only the pixels that changed. Without ``ipympl``
the figure is shown as a PNG in an :class:`ipywidgets.Image` (slower, same content).

Texts and tables beside the chart are :class:`ipywidgets.HTML` widgets (:func:`text_html`,
:func:`table_html`): a new value is one message, the page does not rebuild an output area.
"""

from __future__ import annotations

import atexit
import html
import threading
import weakref

from kamlab._util import worker
from kamlab._util.fastdraw import TextSprites, fast_png_canvas, png_bytes
from kamlab._util.worker import EXITING as _EXITING

__all__ = ["LiveFigure", "TextSprites", "png_bytes", "text_html", "table_html", "Debouncer", "BackgroundJobs",
           "show_widget", "ipympl_canvas"]


_PLACEHOLDER = (
    "[Interactive explorer: run this cell (or Run All) to see it.]",
    "[Interaktiver Explorer: Zelle ausführen (oder „Alle ausführen“), um ihn zu sehen.]",
)


_LAST_CHANGE = [0.0]  # time.monotonic() of the latest change any live figure showed
_ALL_JOBS = weakref.WeakSet()  # every BackgroundJobs: stopped and joined when the interpreter exits

@atexit.register
def _stop_all_jobs():
    """At exit (a script ends, a kernel shuts down): no new background work, the running one finished. A
    thread killed inside matplotlib's C++ drawing at exit can abort the process."""
    _EXITING.set()
    worker._WORKER.close()  # a job waiting for the worker process returns at once, computing nothing
    for jobs in list(_ALL_JOBS):
        jobs.stop(timeout=30)


def _changed():
    """Note that a live figure changed now: background pictures wait until no explorer has moved for a while."""
    import time

    _LAST_CHANGE[0] = time.monotonic()


def show_widget(widget):
    """Display ``widget`` with a readable stand-in where it cannot be drawn.

    A notebook opened before running (or rendered on GitHub, or printed) shows a widget's
    ``text/plain`` form; ipywidgets puts its repr there (``VBox(children=(IntSlider(...``).
    The explorers put one sentence there instead, in the current language.
    """
    from IPython.display import display

    from kamlab.config import get_language

    bundle = dict(widget._repr_mimebundle_())
    bundle["text/plain"] = _PLACEHOLDER[get_language() == "de"]
    display(bundle, raw=True)


def ipympl_canvas():
    """ipympl's canvas and figure manager, without changing matplotlib's backend.

    ``import ipympl`` makes ipympl matplotlib's backend when matplotlib is imported
    (``matplotlib.use``): every later ``plt.show()`` of the notebook would then give an ipympl
    widget instead of a picture. kamlab puts its canvases in the explorers itself and restores the
    backend the user had (the only global state kamlab may change is its own settings).
    """
    import matplotlib

    previous = matplotlib.rcParams._get_backend_or_none()
    from ipympl.backend_nbagg import Canvas, FigureManager

    if previous is not None and matplotlib.rcParams._get_backend_or_none() != previous:
        matplotlib.use(previous)
        _reconfigure_inline(previous)
    return fast_png_canvas(Canvas), FigureManager


def _reconfigure_inline(backend):
    """IPython's inline figures again (the switch to ipympl unregistered their PNG formatter)."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import configure_inline_support
    except ImportError:  # pragma: no cover - outside IPython nothing to restore
        return
    shell = get_ipython()
    if shell is not None and "inline" in str(backend):
        configure_inline_support(shell, backend)


class LiveFigure:
    """A matplotlib figure shown as a widget that is redrawn in place.

    Parameters
    ----------
    figsize : (float, float)
        The figure's size in inches (100 pixels each).
    adjust : dict, optional
        Fixed margins for :meth:`matplotlib.figure.Figure.subplots_adjust` (a fixed layout costs
        nothing per redraw; ``tight_layout`` measures every text each time).

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    widget : ipywidgets.DOMWidget
        The ipympl canvas (or an ``ipywidgets.Image`` without ipympl): put it in the explorer's box.
    live : bool
        True when the figure is on an ipympl canvas.

    Examples
    --------
    >>> chart = LiveFigure((4, 3))
    >>> ax = chart.figure.subplots()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> line.set_ydata([1, 0])
    >>> chart.redraw()
    >>> chart.draws
    1
    """

    def __init__(self, figsize, adjust=None):
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=figsize, dpi=100)
        if adjust:
            self.figure.subplots_adjust(**adjust)
        self.draws = 0
        self._animated = []
        self._background = None
        self._views, self._view = {}, None  # key -> [its Axes, (figure size, saved background) or None]
        self._pictures, self._jobs, self._make_figure, self._wanted = {}, None, None, []  # rendered in the background
        self._at_once = set()  # pictures rendered without waiting for the explorers to be idle
        self._sprites = TextSprites(self.figure)
        try:
            Canvas, FigureManager = ipympl_canvas()
        except ImportError:  # pragma: no cover - ipympl is a dependency; a plain PNG still works
            import ipywidgets as widgets
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(self.figure)
            self.widget = widgets.Image(format="png")
            self.live = False
        else:
            canvas = Canvas(self.figure)
            FigureManager(canvas, 0)
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.resizable = False
            canvas.toolbar_position = "right"
            self.widget = canvas
            self.live = True
            canvas.mpl_connect("draw_event", self._on_draw)
            # before a page shows the canvas, ipympl keeps a PNG data URL of every render in the widget's state
            # (for static exports); a page given that state could fail on it ("broken image") and draw no
            # canvas: keep it empty, the page asks for a full draw when it shows the canvas
            canvas.observe(self._no_data_url, names="_data_url")
            # the size the page will be told when it shows the canvas, known now: a size change that reaches
            # the page before its first image makes ipympl draw a not yet loaded image and fail
            _, _, width, height = self.figure.bbox.bounds
            canvas._size = (width, height)

    def redraw(self):
        """Render the whole figure now and send it to the page (ipympl sends only the changed pixels)."""
        self.draws += 1
        _changed()
        if self.live:
            canvas = self.figure.canvas
            canvas._picture = None
            if canvas.syncing_data_url:  # no page shows the canvas yet: it asks for a full draw when it does
                canvas.draw_idle()
            else:
                canvas.draw()
        else:  # pragma: no cover
            from io import BytesIO

            buffer = BytesIO()
            self.figure.savefig(buffer, format="png")
            self.widget.value = buffer.getvalue()

    @staticmethod
    def _no_data_url(change):
        if change["new"] is not None:
            change["owner"]._data_url = None

    def set_animated(self, artists, keep_background=False):
        """The artists that change on a move: drawn over a saved background by :meth:`blit`.

        Everything else (axes, ticks, labels, the data that stay) is rendered once into the background;
        a move then costs only these artists. Call :meth:`redraw` after a change of anything else.
        ``keep_background=True``: the artists replace animated ones (the background is still right).
        """
        for artist in self._animated:
            artist.set_animated(False)
        self._animated = list(artists) if self.live else []
        for artist in self._animated:
            artist.set_animated(True)
        if not keep_background:
            self._background = None

    def blit(self):
        """Send the figure with the animated artists' new data (a full :meth:`redraw` when no background yet)."""
        if self._background is None or self.figure.canvas.syncing_data_url:
            self.redraw()
            return
        self.draws += 1
        _changed()
        canvas = self.figure.canvas
        canvas._picture = None
        canvas.restore_region(self._background)
        self._draw_animated()
        canvas.blit(self.figure.bbox)
        _changed()

    def _draw_animated(self):
        renderer = self.figure.canvas.get_renderer()
        for artist in sorted(self._animated, key=lambda a: (self._axes_order(a), a.get_zorder())):
            if artist.figure is not None and not self._sprites.draw(artist, renderer):
                self.figure.draw_artist(artist)

    def _axes_order(self, artist):
        axes = self.figure.axes
        return axes.index(artist.axes) if artist.axes in axes else len(axes)

    def _on_draw(self, event):
        # after every full draw (also one the page asks for): keep the background, add the animated artists
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        if self._view is not None:
            self._views[self._view][1] = (self._size(), self._background)
        self._draw_animated()
        _changed()

    def _size(self):
        return tuple(self.figure.bbox.size), self.figure.dpi  # as FastPngCanvas keeps it

    def show_view(self, key, build, animated=()):
        """Show the Axes of view ``key``: built by ``build()`` the first time, hidden and kept when another is shown.

        For an explorer whose control switches between a few charts (a value, a period): the first time a
        view is shown costs a full draw, later it is its saved background (rendered when it was last drawn)
        with its ``animated`` artists drawn over it (:meth:`blit`). ``animated`` is a function of the view's
        Axes that returns the artists that change within the view (or a list). Returns the view's Axes
        (those ``build`` added to the figure).
        """
        _changed()
        if self.live:
            self.figure.canvas._picture = None
        for other, (axes, _) in self._views.items():
            for ax in axes:
                ax.set_visible(other == key)
        fresh = key not in self._views
        if fresh:
            before = set(self.figure.axes)
            build()
            self._views[key] = [[ax for ax in self.figure.axes if ax not in before], None]
        axes, saved = self._views[key]
        self._view = key
        self.set_animated(animated(axes) if callable(animated) else animated)
        if saved is not None and saved[0] == self._size() and self.live:
            self._background = saved[1]
            self.blit()
            # the buffer now holds what a full draw would give (a view does not change, only its animated
            # artists): a draw the page asks for (after a resize) sends it instead of rendering it again
            self.figure.stale = False
            self.figure.canvas._rendered = self._size()
        else:
            self.redraw()
        return axes

    def prepare(self, keys, make_figure, at_once=False):
        """Render the figures of settings a student will likely ask for next, in a background thread.

        ``make_figure(key)`` returns a new matplotlib Figure for setting ``key`` (drawn as the live figure
        would be, same size and dpi). Its picture is kept (the :attr:`PICTURES` latest) for
        :meth:`show_picture`. Only for a live figure (nothing is prepared without a page). The pictures
        wait until no explorer has changed for :attr:`IDLE` seconds; ``at_once=True`` renders these without
        waiting (for a few settings right after an explorer is built, before anyone moves it).
        """
        if not self.live:
            return
        self._make_figure, self._wanted = make_figure, list(keys)
        if at_once:
            self._at_once.update(self._wanted)
        if self.figure.canvas.syncing_data_url:  # no page yet (or never, as in a script): wait for one
            self.figure.canvas.on_page = self._start_pictures
            return
        self._start_pictures()

    def _start_pictures(self):
        if self._jobs is None:
            self._jobs = BackgroundJobs(self._render_picture, lambda key: key in self._pictures, lambda key: None,
                                        name="kamlab-live-pictures")
        self._jobs.add([k for k in self._wanted if k not in self._views], first=True)

    #: the most pictures kept (the oldest dropped first)
    PICTURES = 12

    #: seconds without a change of any live figure before a picture is rendered (rendering competes with a
    #: move for the CPU, also with another explorer's)
    IDLE = 2.0

    def _render_picture(self, key):
        import time

        import numpy as np
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        while key not in self._at_once and time.monotonic() - _LAST_CHANGE[0] < self.IDLE:
            if _EXITING.wait(self.IDLE / 4):
                return  # the interpreter is exiting: no picture
        figure = self._make_figure(key)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        pixels = np.array(canvas.buffer_rgba())
        FigureCanvasAgg(figure)  # a new canvas without the renderer: the picture keeps the pixels
        while len(self._pictures) >= self.PICTURES:
            self._pictures.pop(next(iter(self._pictures)))
        self._pictures[key] = (figure, pixels)

    def put_pixels(self, pixels, prepared=None):
        """Put ``pixels`` (this figure rendered elsewhere, its animated artists drawn in) on the canvas and send
        them; the saved background stays. ``prepared``: their diff PNG encoded ahead, sent instead of encoding
        if the page shows the picture it was encoded against (the canvas checks). Returns False, having done
        nothing, when no page shows the canvas, nothing was drawn yet or the pixels do not fit it."""
        import numpy as np

        canvas = self.figure.canvas
        if not self.live or canvas.syncing_data_url or self._background is None:
            return False
        buffer = np.asarray(canvas.get_renderer().buffer_rgba())
        if buffer.shape != pixels.shape:
            return False
        self.draws += 1
        _changed()
        canvas._picture = None
        buffer[...] = pixels
        canvas.prepared = prepared
        canvas.blit(self.figure.bbox)
        canvas.prepared = None
        _changed()
        return True

    def keep_picture(self, key):
        """Keep the picture just rendered as setting ``key``'s: :meth:`show_picture` sends it again.

        Only a picture of the figure as it is now (a canvas without a page renders nothing: nothing kept).
        """
        import numpy as np

        figure = self.figure
        if not self.live or figure.stale:
            return
        while len(self._pictures) >= self.PICTURES:
            self._pictures.pop(next(iter(self._pictures)))
        self._pictures[key] = (figure, np.array(figure.canvas.get_renderer().buffer_rgba()))

    def show_picture(self, key):
        """Show the picture :meth:`prepare` rendered for ``key``: returns its Figure, or None if there is none yet."""
        import numpy as np

        found = self._pictures.get(key) if self.live else None
        if found is None:
            return None
        figure, pixels = found
        if figure.dpi != self.figure.dpi:
            return None
        if tuple(figure.get_size_inches()) != tuple(self.figure.get_size_inches()):
            self.figure.set_size_inches(figure.get_size_inches(), forward=True)
        canvas = self.figure.canvas
        buffer = np.asarray(canvas.get_renderer().buffer_rgba())
        if buffer.shape != pixels.shape:
            return None
        self.set_animated([])
        for axes, _ in self._views.values():
            for ax in axes:
                ax.set_visible(False)
        self._view = None
        buffer[...] = pixels
        canvas._picture = pixels
        self.draws += 1
        _changed()
        if not canvas.syncing_data_url:
            canvas.blit()
        return figure

    def clear(self):
        """Remove every Axes (for a full redraw), and every view; the margins given at the start stay."""
        self.set_animated([])
        self._views, self._view = {}, None
        self.figure.clear()


def text_html(text):
    """``text`` as HTML that keeps its line breaks (for an :class:`ipywidgets.HTML`).

    >>> text_html("a < b\\nc")
    '<div style="white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace); font-size: 12px; line-height: 1.35">a &lt; b\\nc</div>'
    """
    return ('<div style="white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace); '
            f'font-size: 12px; line-height: 1.35">{html.escape(str(text))}</div>')


def table_html(table):
    """A DataFrame as HTML styled like a notebook's table (JupyterLab's and Voilà's table style).

    >>> import pandas as pd
    >>> "<table" in table_html(pd.DataFrame({"a": [1]}))
    True
    """
    return f'<div class="jp-RenderedHTMLCommon" style="padding: 0">{table.to_html(border=0)}</div>'


class Debouncer:
    """Call ``function`` once, ``wait`` seconds after the last :meth:`__call__` (a slider dragged or keyed).

    Only the last call within ``wait`` runs; :meth:`flush` runs a pending call at once (tests).

    >>> calls = []
    >>> debounce = Debouncer(calls.append, wait=10)
    >>> debounce(1); debounce(2); debounce.flush()
    >>> calls
    [2]
    """

    def __init__(self, function, wait=0.05):
        self.function = function
        self.wait = wait
        self._timer = None
        self._args = None
        self._lock = threading.Lock()

    def __call__(self, *args):
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._args = args
            self._timer = threading.Timer(self.wait, self.flush)
            self._timer.daemon = True
            self._timer.start()

    def flush(self):
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, args = None, self._args
            self._args = None
        if args is not None:
            self.function(*args)


class BackgroundJobs:
    """Settings an explorer cannot compute instantly, computed one at a time in a worker thread.

    ``compute(key)`` computes a setting and caches it; ``is_done(key)`` says whether it is cached;
    ``ready(key)`` runs in the worker after a setting is done (the explorer shows it if its controls
    still ask for it). :meth:`add` queues settings, those asked for now first (``first=True``), those
    a student likely asks for next after them. A setting whose computation raised is kept in
    :attr:`errors` (the explorer shows the message) and not tried again.

    >>> done = {}
    >>> jobs = BackgroundJobs(lambda k: done.setdefault(k, k * k), lambda k: k in done, lambda k: None)
    >>> jobs.add([3, 4]); jobs.wait()
    >>> sorted(done.items())
    [(3, 9), (4, 16)]
    """

    def __init__(self, compute, is_done, ready, *, name="kamlab-explorer-jobs"):
        self._compute, self._is_done, self._ready = compute, is_done, ready
        self.name = name
        self.errors = {}
        self._queue = []
        self._worker = None
        self._lock = threading.Lock()
        _ALL_JOBS.add(self)

    def stop(self, timeout=None):
        """Drop the queued settings and wait (up to ``timeout`` seconds) for the one being computed."""
        with self._lock:
            self._queue = []
            worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def add(self, keys, first=False):
        """Queue ``keys`` (not done, not queued, not failed), in front with ``first``; start the worker."""
        with self._lock:
            keys = [k for k in keys if not self._is_done(k) and k not in self._queue and k not in self.errors]
            self._queue = keys + self._queue if first else self._queue + keys
            if self._worker is None and self._queue:
                self._worker = threading.Thread(target=self._work, name=self.name, daemon=True)
                self._worker.start()

    def _work(self):
        while True:
            with self._lock:
                if not self._queue or _EXITING.is_set():
                    self._worker = None
                    return
                key = self._queue.pop(0)
            if self._is_done(key):
                continue
            try:
                self._compute(key)
            except Exception as error:  # noqa: BLE001 -- shown by the explorer, never lost in the thread
                self.errors[key] = error
            self._ready(key)

    def wait(self, timeout=None):
        """Block until the queue is done (scripts and tests that read the results at once)."""
        while True:
            worker = self._worker
            if worker is None:
                return
            worker.join(timeout)
            if timeout is not None:
                return
