"""Tests of the live figures behind the explorers (kamlab._util.live): the PNG images, text sprites, views, pictures.

No timings: what is checked is that the faster paths show the same picture as matplotlib's own drawing.
"""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from kamlab._util import live
from kamlab._util.live import LiveFigure, png_bytes

pytestmark = pytest.mark.usefixtures("close_figures")


def _decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


class _Page:
    """What ipympl's page does with the canvas, as far as the kernel sees it: it receives images."""

    def __init__(self, canvas):
        self.images = []
        canvas.manager.web_sockets.add(self) if hasattr(canvas.manager.web_sockets, "add") \
            else canvas.manager.web_sockets.append(self)
        canvas._handle_message(canvas, {"type": "initialized"}, [])  # the page shows the canvas

    def send_binary(self, data):
        self.images.append(data)

    def send_json(self, content):
        pass


def _pixels(figure):
    return np.asarray(figure.canvas.get_renderer().buffer_rgba()).astype(int)


def _plain_render(build, size=(4, 3)):
    """The figure ``build`` makes, rendered by matplotlib alone (no kamlab shortcut)."""
    figure = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(figure)
    build(figure)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).astype(int)


def test_png_bytes_decode_to_the_same_pixels():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    assert np.array_equal(_decode(png_bytes(image)), image)
    figure = Figure(figsize=(3, 2), dpi=100)
    FigureCanvasAgg(figure)
    figure.subplots().plot([0, 1, 3], [2, 0, 1])
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())
    assert np.array_equal(_decode(png_bytes(pixels)), pixels)


def test_the_canvas_sends_the_pixels_matplotlib_would_send():
    """kamlab's encoder (unfiltered rows, zlib level 1) in place of Pillow's default: the same full and diff images."""
    from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore

    chart = LiveFigure((4, 3))
    page = _Page(chart.figure.canvas)
    line, = chart.figure.subplots().plot([0, 1, 2], [0, 1, 0])
    canvas = chart.figure.canvas
    canvas.draw()
    line.set_ydata([1, 0, 1])
    chart.redraw()
    ours = page.images[-1]
    # matplotlib's own encoder on the same two frames: the full frame first, then the diff
    canvas._png_is_old, canvas._last_buff = True, np.empty((0, 0))
    line.set_ydata([0, 1, 0])
    chart.figure.canvas.draw()
    first_full = _decode(page.images[-1])
    canvas._png_is_old, canvas._last_buff = True, np.empty((0, 0))
    full = _decode(FigureCanvasWebAggCore.get_diff_image(canvas))
    assert np.array_equal(first_full, full)
    line.set_ydata([1, 0, 1])
    FigureCanvasAgg.draw(canvas)
    canvas._png_is_old = True
    theirs = FigureCanvasWebAggCore.get_diff_image(canvas)
    assert np.array_equal(_decode(ours), _decode(theirs))
    assert (_decode(ours)[..., 3] == 0).any()  # a diff: the unchanged pixels are left out


def test_animated_texts_drawn_as_sprites_look_like_matplotlib_s():
    """A name with its box, moved and blitted: the same footprint as matplotlib's drawing of it (to half a pixel)."""
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.8, "edgecolor": "none"}

    def build(figure, at=(0.4, 0.7)):
        ax = figure.subplots()
        ax.scatter([0.2, 0.6, 0.7], [0.3, 0.4, 0.8], s=400, c="C1")
        ax.set(xlim=(0, 1), ylim=(0, 1))
        return ax, ax.annotate("Krause Sondermaschinenbau", at, xytext=(4, 3), textcoords="offset points",
                               fontsize=7, bbox=box, gid="account-label")

    chart = LiveFigure((4, 3))
    _Page(chart.figure.canvas)
    ax, name = build(chart.figure, at=(0.2, 0.3))
    chart.set_animated([name])
    chart.redraw()
    name.xy = (0.4, 0.7)  # the account moved: blitted, the name from its sprite
    chart.blit()
    assert len(chart._sprites._cache) == 1  # one look, drawn at two places from one rendering
    blitted = _pixels(chart.figure)
    expected = _plain_render(lambda figure: build(figure))
    background = _plain_render(lambda figure: build(figure)[1].set_visible(False))
    drawn, ours = np.abs(expected - background).max(-1) > 40, np.abs(blitted - background).max(-1) > 40
    assert drawn.sum() > 300  # the name is there

    def extent(mask):
        rows, columns = np.nonzero(mask)
        return np.array([rows.min(), rows.max(), columns.min(), columns.max()])

    assert np.abs(extent(ours) - extent(drawn)).max() <= 1  # at the same place, to a pixel
    assert np.abs(blitted - expected).mean() < 0.5


def test_a_view_seen_before_is_its_saved_picture_not_a_new_draw():
    chart = LiveFigure((4, 3))
    page = _Page(chart.figure.canvas)
    draws = []
    chart.figure.canvas.mpl_connect("draw_event", lambda event: draws.append(1))

    def build(values):
        return lambda: chart.figure.add_subplot().plot(values)

    first = chart.show_view("a", build([0, 1]))
    picture_a = _pixels(chart.figure).copy()
    second = chart.show_view("b", build([1, 0]))
    assert len(draws) == 2 and not any(ax.get_visible() for ax in first)
    again = chart.show_view("a", build([5, 5]))  # not built again: the kept Axes
    assert again == first and all(ax.get_visible() for ax in first) and not any(ax.get_visible() for ax in second)
    assert len(draws) == 2 and np.array_equal(_pixels(chart.figure), picture_a)
    # the page asks for a draw (e.g. after a resize): the picture is sent again, not rendered again
    sent = len(page.images)
    chart.figure.canvas.draw()
    assert len(draws) == 2 and len(page.images) == sent + 1
    # a real change is drawn
    first[0].lines[0].set_ydata([3, 3])
    chart.figure.canvas.draw()
    assert len(draws) == 3


def test_pictures_are_rendered_in_the_background_and_shown_as_rendered(monkeypatch):
    monkeypatch.setattr(LiveFigure, "IDLE", 0.0)

    def make(key):
        figure = Figure(figsize=(4, 2 + key), dpi=100)
        figure.subplots().bar([0, 1], [key, 1])
        return figure

    chart = LiveFigure((4, 3))
    chart.prepare([1, 2], make)
    assert chart._jobs is None  # no page shows the canvas: nothing rendered for nobody
    page = _Page(chart.figure.canvas)
    chart._jobs.wait()
    assert sorted(chart._pictures) == [1, 2]
    figure = chart.show_picture(2)
    assert figure.axes[0].patches[0].get_height() == 2
    assert tuple(chart.figure.get_size_inches()) == (4, 4)
    expected = _plain_render(lambda f: f.subplots().bar([0, 1], [2, 1]), size=(4, 4))
    assert np.array_equal(_pixels(chart.figure), expected)
    assert np.array_equal(_decode(page.images[-1]), expected.astype(np.uint8))
    assert chart.show_picture(3) is None


def test_background_pictures_wait_while_explorers_move(monkeypatch):
    """Rendering competes with a move for the CPU: a picture starts only after IDLE seconds without a change."""
    import time

    monkeypatch.setattr(LiveFigure, "IDLE", 0.3)
    started = []

    def make(key):
        started.append(time.monotonic())
        return Figure(figsize=(2, 2), dpi=100)

    chart = LiveFigure((2, 2))
    _Page(chart.figure.canvas)
    chart.redraw()
    moved = live._LAST_CHANGE[0]
    chart.prepare(["next"], make)
    chart._jobs.wait()
    assert started[0] - moved >= 0.3


def test_background_drawing_is_finished_not_killed_when_the_interpreter_exits():
    # a script (or a kernel) ending while a background job draws: the job is stopped at its end, the queue
    # dropped, and the process exits normally (a thread killed inside matplotlib's drawing can abort it)
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        import matplotlib
        matplotlib.use("agg")
        import matplotlib.pyplot as plt
        from kamlab._util.live import BackgroundJobs

        done = []

        def draw(key):
            fig, ax = plt.subplots(figsize=(9, 6), dpi=150)
            for k in range(60):
                ax.scatter(range(2000), [(i * (k + 1)) % 97 for i in range(2000)], s=8)
            fig.canvas.draw()
            done.append(key)
            print("drawn", key, flush=True)

        jobs = BackgroundJobs(draw, lambda key: key in done, lambda key: None)
        jobs.add(list(range(20)))
        import time
        time.sleep(0.3)  # the first drawing is under way when the script ends
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "terminate" not in run.stderr and "Fatal" not in run.stderr
    drawn = run.stdout.split()
    assert 1 <= drawn.count("drawn") < 20  # the one under way finished; the rest of the queue was dropped


def test_an_image_encoded_ahead_is_sent_only_onto_the_picture_it_was_encoded_against():
    """fastdraw.diff_png: the diff image encoded in a worker is the one the canvas encodes itself, and the canvas
    sends it only if the page shows the picture it was encoded against and the canvas holds its pixels."""
    from kamlab._util.fastdraw import diff_png

    chart = LiveFigure((4, 3))
    page = _Page(chart.figure.canvas)
    canvas = chart.figure.canvas
    line, = chart.figure.subplots().plot([0, 1, 2], [0, 1, 0])
    chart.redraw()
    before = _pixels(chart.figure).astype(np.uint8)
    line.set_ydata([1, 0, 1])
    FigureCanvasAgg.draw(canvas)
    after = _pixels(chart.figure).astype(np.uint8)
    prepared = diff_png(before, after)
    canvas._png_is_old = True
    own = canvas.get_diff_image()  # the canvas's own diff image of the same step
    assert prepared[2] == own
    canvas._last_buff = before.view(np.uint32).squeeze(2).copy()  # the page shows the first picture again
    canvas.prepared, canvas._png_is_old = prepared, True
    assert canvas.get_diff_image() is prepared[2] and canvas.prepared is None  # used once
    # encoded against another picture (the page shows `after` now): not sent, the canvas encodes the step itself
    line.set_ydata([0, 0, 1])
    FigureCanvasAgg.draw(canvas)
    third = _pixels(chart.figure).astype(np.uint8)
    stale = diff_png(before, third)
    canvas.prepared, canvas._png_is_old = stale, True
    image = canvas.get_diff_image()
    assert image != stale[2]
    decoded = _decode(image)
    changed = np.any(third != after, axis=-1)
    assert changed.any() and np.array_equal(decoded[changed], third[changed]) and (decoded[~changed] == 0).all()
    # nor when the canvas holds other pixels than those it was encoded for
    canvas.prepared, canvas._png_is_old = diff_png(third, after), True
    assert _decode(canvas.get_diff_image())[..., 3].max() == 0  # nothing changed since: an empty diff
    assert len(page.images) >= 1
