"""Faster drawing for the explorers' live figures (:mod:`kamlab._util.live`), with the same pixels.

- :func:`png_bytes`: the PNG encoder of the images an ipympl canvas sends (unfiltered rows, zlib level 1);
- :func:`fast_png_canvas`: ipympl's canvas with that encoder, which resends an unchanged picture instead of
  rendering it again, and can show a picture rendered elsewhere (``LiveFigure.show_picture``) and send an
  image encoded ahead (:func:`diff_png`);
- :class:`TextSprites`: animated texts copied from images rendered once.
"""

from __future__ import annotations

import functools

__all__ = ["png_bytes", "diff_png", "fast_png_canvas", "TextSprites", "TextReplay", "PNG_COMPRESS_LEVEL"]

# the PNG images a live canvas sends: rows unfiltered, zlib level 1. Pillow's default (adaptive row filters,
# level 6) took 25-35 ms for a 900 × 560 figure on the case's 2-core machine; this takes 7-9 ms and the
# explorers' images (flat colours, a diff image mostly 0) come out smaller. PNG is lossless: the same pixels.
PNG_COMPRESS_LEVEL = 1


def png_bytes(rgba, level=PNG_COMPRESS_LEVEL):
    """An RGBA image (rows top-down, ``uint8``) as PNG: unfiltered rows, one zlib stream at ``level``.

    >>> import io, numpy as np
    >>> from PIL import Image
    >>> image = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    >>> bool((np.asarray(Image.open(io.BytesIO(png_bytes(image)))) == image).all())
    True
    """
    import struct
    import zlib

    import numpy as np

    height, width, _ = rgba.shape
    rows = np.zeros((height, width * 4 + 1), dtype=np.uint8)  # each row: filter type 0 (none), then its pixels
    rows[:, 1:] = rgba.reshape(height, width * 4)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA, deflate, no filter, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
            + chunk(b"IEND", b""))


@functools.cache  # one subclass per canvas class: every live figure's canvas is of the same class
def fast_png_canvas(Canvas):
    """ipympl's canvas with a faster PNG encoder for the images it sends (same pixels, see :func:`png_bytes`)."""
    import numpy as np

    class FastPngCanvas(Canvas):
        _rendered = None  # (size, dpi) of the last full render, while the figure has not changed since
        _picture = None  # the pixels shown instead of the figure's own (LiveFigure.show_picture)
        on_page = None  # called once a page shows the canvas
        prepared = None  # (base, pixels, png): the next image encoded ahead (see diff_png), used once if it fits

        def _handle_message(self, object, content, buffers):
            super()._handle_message(object, content, buffers)
            if content.get("type") == "initialized" and self.on_page is not None:
                self.on_page()

        def draw(self):
            if self._picture is not None:  # a picture rendered in the background is shown: it is the image
                pixels = np.asarray(self.get_renderer().buffer_rgba())
                if pixels.shape == self._picture.shape:
                    pixels[...] = self._picture
                    self._png_is_old = True
                    self.manager.refresh_all()
                    return
                self._picture = None
            # the page asks for a draw after each resize (and when it shows the canvas again): if nothing changed
            # since the last full render (matplotlib marks a changed figure stale), the picture is in the buffer
            key = (tuple(self.figure.bbox.size), self.figure.dpi)
            if not self.figure.stale and self._rendered == key:
                self._png_is_old = True
                self.manager.refresh_all()
                return
            super().draw()
            self._rendered = key

        def get_diff_image(self):
            # matplotlib's FigureCanvasWebAggCore.get_diff_image (3.9-3.11), with kamlab's PNG encoder
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)  # one uint32 per pixel: compared in one numpy call
            prepared, self.prepared = self.prepared, None
            if (prepared is not None and not self._force_full and buff.shape == self._last_buff.shape
                    and np.array_equal(prepared[0], self._last_buff) and np.array_equal(prepared[1], buff)):
                # encoded ahead (in a worker): the diff image of these pixels against those the page has now
                self.set_image_mode("diff")
                self._last_buff, self._png_is_old = buff.copy(), False
                return prepared[2]
            if self._force_full or buff.shape != self._last_buff.shape or (pixels[:, :, 3] != 255).any():
                self.set_image_mode("full")
                output = buff
            else:
                self.set_image_mode("diff")
                output = np.where(buff != self._last_buff, buff, 0)
            self._last_buff = buff.copy()
            self._force_full = False
            self._png_is_old = False
            return png_bytes(output.view(dtype=np.uint8).reshape((*output.shape, 4)))

    return FastPngCanvas


def diff_png(base, pixels):
    """The diff image a live canvas sends when the page shows ``base`` and the canvas now holds ``pixels``.

    Both are RGBA pictures of the canvas (``uint8``, rows top-down). Returns ``(base, pixels, png)`` as one
    uint32 per pixel, for the canvas's ``prepared``: its next image is then ``png`` (no encoding) if the page
    does show ``base`` and the canvas holds ``pixels`` (else it encodes as usual). None when the canvas would
    send a full image (a pixel not opaque). The PNG is the one the canvas would encode itself.

    >>> import numpy as np
    >>> base = np.full((2, 3, 4), 255, dtype=np.uint8); pixels = base.copy(); pixels[1, 2, :3] = 7
    >>> from PIL import Image; import io
    >>> np.asarray(Image.open(io.BytesIO(diff_png(base, pixels)[2])))[..., 3].tolist()
    [[0, 0, 0], [0, 0, 255]]
    """
    import numpy as np

    if (pixels[:, :, 3] != 255).any():
        return None
    old, new = (np.ascontiguousarray(p).view(np.uint32).squeeze(2) for p in (base, pixels))
    output = np.where(new != old, new, 0)
    return old, new, png_bytes(output.view(dtype=np.uint8).reshape((*output.shape, 4)))


class TextSprites:
    """Animated texts drawn as images: each look is rendered once, then copied to where the text is now.

    matplotlib lays out and rasterises every glyph of a text on each draw (a few ms per short text, about
    10 ms for a three-line one on the case's 2-core machine). A blit of an explorer draws the same texts
    again and again, often at a new place (an account's name beside its moving bubble). A sprite is the
    text with its box, rendered on a transparent layer the second time the same text is drawn (a text
    seen once is drawn by matplotlib); copying it costs microseconds. The pixels
    are those of a drawn text to within one unit of colour (and at most half a pixel of place).

    Only plain, unrotated texts fully inside their Axes (or the figure) are drawn this way (an annotation's
    leader line is drawn as usual); :meth:`draw` returns False for any other artist, which is then drawn by
    matplotlib.
    """

    #: the most sprites kept (older ones are dropped all at once: the next blits render them again)
    LIMIT = 400

    def __init__(self, figure):
        self.figure = figure
        self._cache = {}
        self._seen = set()

    def draw(self, artist, renderer):
        """Draw ``artist`` as a sprite if it is a text that can be; returns whether it was drawn."""
        from matplotlib.text import Annotation, Text

        if not isinstance(artist, Text) or not hasattr(renderer, "draw_image") or artist.get_rotation() % 360:
            return False
        if not artist.get_visible() or not artist.get_text():
            return True
        arrow = artist.arrow_patch if isinstance(artist, Annotation) else None
        if isinstance(artist, Annotation):
            if not artist._check_xy(renderer):  # an annotation whose point is clipped away is not drawn
                return True
            artist.update_positions(renderer)
        anchor = Text.get_window_extent(artist, renderer)
        x, y = round(anchor.x0), round(anchor.y0)
        frame = artist.axes.bbox if artist.axes is not None else self.figure.bbox
        key = self._key(artist)
        if key in self._cache:
            bounds = self._cache[key][3]
        else:
            bounds = self._bounds(artist, anchor, renderer)
        left, bottom, right, top = bounds
        if not (frame.x0 <= x + left and x + right <= frame.x1 and frame.y0 <= y + bottom and y + top <= frame.y1):
            return False  # (partly) clipped: matplotlib draws it
        if key not in self._cache:  # rendered where it is not clipped, so the sprite is whole
            if key not in self._seen:  # seen once: drawn by matplotlib (a text that changes every move, such as
                if len(self._seen) >= 4 * self.LIMIT:  # a percentage, would cost a sprite each time)
                    self._seen.clear()
                self._seen.add(key)
                return False
            if len(self._cache) >= self.LIMIT:
                self._cache.clear()
            self._cache[key] = self._render(artist, x, y, bounds)
        image, dx, dy, _ = self._cache[key]
        if arrow is not None:  # the leader line, drawn as matplotlib does, before the text
            artist.update_bbox_position_size(renderer)  # the line ends at the text's box
            if arrow.figure is None:
                arrow.set_figure(self.figure)
            arrow.draw(renderer)
        if image is not None:
            gc = renderer.new_gc()
            renderer.draw_image(gc, x + dx, y + dy, image)
            gc.restore()
        return True

    def _key(self, text):
        patch = text.get_bbox_patch()
        box = None if patch is None else (_style_key(patch.get_boxstyle()), patch.get_facecolor(),
                                          patch.get_edgecolor(), patch.get_linewidth(), patch.get_alpha())
        return (text.get_text(), hash(text.get_fontproperties()), str(text.get_color()), text.get_alpha(),
                text.get_horizontalalignment(), text.get_verticalalignment(), text._multialignment,
                _linespacing(text), text.get_usetex(), box, self.figure.dpi)

    @staticmethod
    def _bounds(text, anchor, renderer):
        """Where the text and its box reach, relative to the text's rounded lower left corner."""
        x, y = round(anchor.x0), round(anchor.y0)
        extent = anchor
        if text.get_bbox_patch() is not None:
            text.update_bbox_position_size(renderer)
            extent = type(anchor).union([anchor, text.get_bbox_patch().get_window_extent(renderer)])
        return extent.x0 - x, extent.y0 - y, extent.x1 - x, extent.y1 - y

    def _render(self, text, x, y, bounds):
        """The text and its box on a transparent layer, cut to its pixels.

        Returns the RGBA rows bottom-up, their place relative to the text's rounded lower left corner
        ``(x, y)``, and ``bounds`` (kept with the sprite).
        """
        import numpy as np
        from matplotlib.backends.backend_agg import RendererAgg
        from matplotlib.text import Text

        width, height = (int(v) for v in self.figure.bbox.size)
        layer = RendererAgg(width, height, self.figure.dpi)
        layer.clear()
        Text.draw(text, layer)  # the text and its box, not an annotation's leader line
        pixels = np.asarray(layer.buffer_rgba())
        rows, columns = np.nonzero(pixels[..., 3])
        if not len(rows):
            return None, 0, 0, bounds
        top, bottom, left, right = rows.min(), rows.max() + 1, columns.min(), columns.max() + 1
        # draw_image takes the rows bottom-up, placed by their lower left corner (pixels from the bottom)
        image = np.ascontiguousarray(pixels[top:bottom, left:right][::-1])
        return image, int(left) - x, int(height - bottom) - y, bounds


def _style_key(style):
    """A box style as a comparable value: its kind and parameters (the objects compare by identity)."""
    return type(style).__name__, tuple(sorted((k, repr(v)) for k, v in vars(style).items()))


def _linespacing(text):
    """A text's line spacing: ``Text.get_linespacing`` (matplotlib 3.10+) or the attribute it reads (3.9)."""
    getter = getattr(text, "get_linespacing", None)
    return getter() if getter is not None else text._linespacing


class TextReplay:
    """A text drawn again exactly where it was drawn before: matplotlib's glyph images of the first drawing, drawn again.

    Installed on an Agg renderer (its ``draw_text``). The first drawing of a text at a place is matplotlib's; the
    glyph images it passes to the renderer (``draw_text_image``) are kept with the text, its font, place, angle
    and antialiasing, and a later drawing of the same text at the same place passes them again with the new
    graphics context (colour, clip): the same calls with the same images, so the same pixels, without laying
    out and rasterising the glyphs again. Texts drawn otherwise (mathtext, a matplotlib whose ``draw_text``
    passes no images) are drawn by matplotlib each time.
    """

    #: the most texts kept (all dropped at once when full)
    LIMIT = 200

    def __init__(self, renderer):
        self._renderer, self._draw_text, self._kept = renderer, renderer.draw_text, {}
        renderer.draw_text = self.draw_text

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        import matplotlib

        if ismath:
            return self._draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        look = (getattr(mtext, "get_fontfeatures", lambda: None)(), getattr(mtext, "get_language", lambda: None)())
        key = (s, prop, x, y, angle, gc.get_antialiased(), matplotlib.rcParams["text.hinting"],
               str(look), self._renderer.dpi, self._renderer.height)
        calls = self._kept.get(key)
        if calls is not None:
            for image, ix, iy, iangle in calls:
                self._renderer._renderer.draw_text_image(image, ix, iy, iangle, gc)
            return None
        agg, recorder = self._renderer._renderer, _GlyphRecorder(self._renderer._renderer)
        self._renderer._renderer = recorder
        try:
            self._draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        finally:
            self._renderer._renderer = agg
        if recorder.calls is not None:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[key] = recorder.calls
        return None


class _GlyphRecorder:
    """An Agg renderer's C++ part that notes the glyph images drawn (``calls``: None if anything else was drawn)."""

    def __init__(self, agg):
        self._agg, self.calls = agg, []

    def draw_text_image(self, image, x, y, angle, gc):
        import numpy as np

        if self.calls is not None and isinstance(image, np.ndarray):
            self.calls.append((image.copy(), x, y, angle))
        else:
            self.calls = None
        return self._agg.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name):
        self.calls = None  # drawn another way (boxes of mathtext): not kept
        return getattr(self._agg, name)
