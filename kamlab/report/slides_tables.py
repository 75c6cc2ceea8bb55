"""Tables and text boxes on slides that fit: an estimate of how tall text gets when it wraps.

python-pptx cannot measure text, and PowerPoint or LibreOffice grow a table row until its
text fits, so a table written with fixed row heights can run over the slide's footer. This
module estimates instead: the width of a text from the width of each character (those of DejaVu
Sans, regular and bold, rounded up: LibreOffice's fallback font, wider than Calibri or Arial, so
the estimate errs on the tall side), the number of lines a cell wraps to
(greedy word wrap over the column width minus the cell's margins) and from these each row's
height. :func:`fit_table` lays out a frame for a slide — columns of figures as wide as their
longest value so money never wraps, text columns share the rest, low-value columns left out,
only as many rows as fit into the height given — and :func:`add_table` puts it on a slide with
those row heights. :func:`table_height` estimates a table read back from a deck (the tests use
it). Sizes are in inches unless a name says EMU.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from kamlab.report.kinds import column_kind, header, plain, text

__all__ = ["text_width", "wrap_lines", "text_height", "fit_table", "add_table", "table_height", "SLIDE_SKIP"]

EMU_PER_INCH = 914400
#: Width of characters in em (DejaVu Sans, LibreOffice's fallback and wider than Calibri or Arial; rounded up).
_REGULAR = {0.28: "'ijl", 0.3: "IJ", 0.32: " ,.·", 0.34: "/:;\\|", 0.36: "f", 0.37: "-", 0.4: "()[]t", 0.41: "!²³",
            0.42: "r", 0.46: '"', 0.5: "*_`–§°", 0.53: "sz", 0.54: "?", 0.55: "c", 0.56: "L", 0.58: "Fk", 0.6: "vxy",
            0.61: "P", 0.62: "TYaeoäö", 0.63: "ß", 0.64: "$0123456789ESbdghnpqu{}ü€", 0.66: "K", 0.69: "ABVXZÄ",
            0.7: "CR", 0.74: "UÜ", 0.75: "N", 0.76: "H", 0.78: "&DG", 0.79: "OQÖ", 0.82: "w", 0.84: "#+<=>^~×−",
            0.87: "M", 0.96: "%", 0.98: "m", 0.99: "W", 1.0: "@—…"}
_BOLD = {0.31: "'", 0.35: " ijl", 0.37: "/\\|", 0.38: ",.IJ·", 0.4: ":;", 0.42: "-", 0.44: "f²³", 0.46: "!()[]",
         0.48: "t", 0.5: "_`r–§°", 0.53: '"*', 0.59: "?z", 0.6: "cs", 0.64: "L", 0.65: "x", 0.66: "vy", 0.67: "k",
         0.68: "aeä", 0.69: "EFToö", 0.7: "$0123456789€", 0.72: "bdghnpqu{}üß", 0.73: "SYZ", 0.74: "CP", 0.77: "B",
         0.78: "AKRVXÄ", 0.82: "UÜ", 0.83: "G", 0.84: "#+<=>DHN^~×−", 0.86: "OQÖ", 0.88: "&", 0.93: "w",
         1.0: "@M—…", 1.01: "%", 1.05: "m", 1.11: "W"}
_EM = ({c: w for w, chars in _REGULAR.items() for c in chars}, {c: w for w, chars in _BOLD.items() for c in chars})
#: A factor on every estimate: kerning and hinting can differ a little between renderers.
SAFETY = 1.02
#: Line height in em (font ascent + descent + leading) and the default margins of a table cell.
LINE = 1.22
CELL_MARGIN_X, CELL_MARGIN_Y = 0.1, 0.05
#: Columns left out of tables on slides (the Excel workbook has them): detail that does not fit a slide.
SLIDE_SKIP = frozenset({
    "unit_level", "entities", "rank_contribution_margin", "rank_db4", "rank_target_revenue", "rank_db1",
    "followups", "competitors", "win_rate_low", "win_rate_high", "value_win_rate_low", "value_win_rate_high",
    "smallest", "share_of_ranked",
})
#: Kinds whose cells are figures: right-aligned, one line, as wide as their longest value.
FIGURES = ("money", "share", "count", "number", "date")
#: A text cell that is a formatted figure ("2.032.000 €", "14,4 %", "−5"): never broken at its space.
_FIGURE = re.compile(r"^[−+-]?[\d.,]+(\s?[€%])?$")


def _em(char, bold=False):
    table = _EM[1 if bold else 0]
    if char in table:
        return table[char]
    base = unicodedata.normalize("NFKD", char)[:1]  # č, é, ř: as wide as c, e, r
    return table.get(base, 1.0)


def text_width(words, size, bold=False):
    """Estimated width in inches of one line of ``words`` at ``size`` points (rather too wide than too narrow).

    Examples
    --------
    >>> round(text_width("1.234.567 €", 10), 2)  # (8 x 0.64 + 3 x 0.32) em x 10 pt / 72 x 1.02
    0.86
    """
    em = sum(_em(c, bold) for c in str(words))
    return em * size / 72 * SAFETY


def wrap_lines(words, width, size, bold=False):
    """How many lines ``words`` take in a box ``width`` inches wide (greedy word wrap; a word too long is split).

    Examples
    --------
    >>> wrap_lines("Umsatz", 2.0, 10), wrap_lines("Umsatz (Rang 2); Deckungsbeitrag (Rang 4); DB IV (Rang 4)", 2.0, 10)
    (1, 3)
    """
    width = max(width, 1e-6)
    space = text_width(" ", size, bold)
    lines = 0
    for paragraph in str(words).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if used and used + space + w <= width + 1e-6:
                used += space + w
                continue
            if used:
                lines += 1
            while w > width + 1e-6:  # a word longer than the line is broken
                lines += 1
                w -= width
            used = w
    return max(lines, 1)


def text_height(words, width, size, bold=False, margin_x=0.1, margin_y=0.05):
    """Estimated height in inches of a text box (or cell) ``width`` inches wide holding ``words``."""
    lines = wrap_lines(words, width - 2 * margin_x, size, bold)
    return lines * LINE * size / 72 + 2 * margin_y


@dataclass
class TableLayout:
    """A table laid out for a slide: texts, column widths and row heights (inches), rows shown of total."""

    headers: list
    rows: list
    right: list
    widths: list
    heights: list
    size: float
    total: int
    columns: list = field(default_factory=list)

    @property
    def shown(self):
        return len(self.rows)

    @property
    def height(self):
        return sum(self.heights[: self.shown + 1])


def _is_figure(kind, values):
    if kind in FIGURES:
        return True
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def _cells(frame, lang, max_rows, right):
    columns = list(frame.columns)
    kinds = [column_kind(c, frame[c].dtype) for c in columns]
    head = frame.head(max_rows)
    values = [[plain(v) for v in row] for row in head.itertuples(index=False, name=None)]
    if right is None:
        right = [_is_figure(kinds[j], [r[j] for r in values]) for j in range(len(columns))]
    rows = [[v if isinstance(v, str) else text(v, kinds[j], lang) for j, v in enumerate(row)] for row in values]
    return [header(c, lang) for c in columns], rows, list(right)


def _widths(headers, rows, right, width, size, stretch):
    """Column widths or None when the columns cannot fit ``width`` without breaking figures or words."""
    pad = 2 * CELL_MARGIN_X + 0.01  # the margins, and a little room so a longest word never sits on the edge
    need, natural = [], []
    for j, head in enumerate(headers):
        values = [r[j] for r in rows]
        word = max((text_width(w, size, True) for w in head.split()), default=0.0)
        longest = max((text_width(v, size) for v in values), default=0.0)
        if right[j]:  # figures never wrap
            need.append(max(word, longest) + pad)
            natural.append(max(text_width(head, size, True), longest) + pad + 0.01)
        else:
            words = max((text_width(v, size) if _FIGURE.match(str(v)) else text_width(w, size)
                         for v in values for w in str(v).split()), default=0.0)  # "2.032.000 €" stays on one line
            need.append(max(word, words, 0.4) + pad)
            natural.append(min(max(text_width(head, size, True), longest) + pad + 0.01, 6.0))
    natural = [max(n, m) for n, m in zip(natural, need, strict=True)]
    if sum(need) > width:
        return None
    if sum(natural) <= width:
        if not stretch:
            return natural
        extra = width - sum(natural)
        texts = [j for j in range(len(headers)) if not right[j]] or list(range(len(headers)))
        base = sum(natural[j] for j in texts)
        return [n + (extra * n / base if j in texts else 0.0) for j, n in enumerate(natural)]
    return _share(need, natural, right, rows, width, size)


def _share(need, natural, right, rows, width, size):
    """Text columns start at their longest word; the rest of ``width`` goes, step by step, where rows get lowest."""
    widths = list(need)
    texts = [j for j in range(len(widths)) if not right[j]]
    steps = 40
    step = (width - sum(widths)) / steps

    def cost(j, w):  # lines of column j in each row when it is w inches wide
        return [wrap_lines(r[j], w - 2 * CELL_MARGIN_X, size) for r in rows]

    lines = {j: cost(j, widths[j]) for j in texts}
    for _ in range(steps):
        if not texts or step <= 0:
            break
        best, best_score, best_lines = None, None, None
        for j in texts:
            if widths[j] >= natural[j]:
                continue
            trial = cost(j, widths[j] + step)
            tall = [max([trial[i]] + [lines[k][i] for k in texts if k != j]) for i in range(len(rows))]
            # lowest rows first, then fewest lines; on a tie the column that wraps most (the bottleneck) grows
            score = (sum(tall), sum(trial) + sum(sum(lines[k]) for k in texts if k != j), -sum(lines[j]))
            if best_score is None or score < best_score:
                best, best_score, best_lines = j, score, trial
        if best is None:
            break
        widths[best] += step
        lines[best] = best_lines
    extra = width - sum(widths)
    grow = texts or list(range(len(widths)))
    base = sum(widths[j] for j in grow)
    return [w + (extra * w / base if j in grow else 0.0) for j, w in enumerate(widths)]


def fit_table(frame, lang, width, height, *, size=10, min_size=9, max_rows=15, right=None, stretch=True):
    """Lay ``frame`` out as a slide table ``width`` x at most ``height`` inches.

    Columns in :data:`SLIDE_SKIP` are left out; the font is ``size`` points, ``min_size`` when the
    columns need it; when they still do not fit the last columns are dropped. Rows are shown from
    the top while they fit (at most ``max_rows``); ``total`` keeps the frame's row count so the slide
    can say how many are shown. ``right`` (one flag per column) overrides which columns are figures.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"name": ["Müller GmbH", "Schmidt AG"], "revenue": [2139862.7, 45742.0]})
    >>> layout = fit_table(frame, "de", width=6.0, height=3.0)
    >>> layout.rows, layout.shown, layout.total
    ([['Müller GmbH', '2.139.863 €'], ['Schmidt AG', '45.742 €']], 2, 2)
    """
    keep = [c for c in frame.columns if str(c) not in SLIDE_SKIP] if len(frame.columns) > 2 else list(frame.columns)
    if right is not None:
        right = [r for c, r in zip(frame.columns, right, strict=True) if c in keep]
    frame = frame[keep]
    while True:
        heads, rows, flags = _cells(frame, lang, max_rows, right)
        for font in dict.fromkeys((size, min_size)):
            widths = _widths(heads, rows, flags, width, font, stretch)
            if widths is not None:
                break
        if widths is not None or len(frame.columns) <= 1:
            break
        frame = frame.iloc[:, :-1]
        right = right[:-1] if right is not None else None
    if widths is None:  # one column wider than the slide: it wraps
        widths = [width]
    heights = [max(text_height(h, w, font, True) for h, w in zip(heads, widths, strict=True))]
    used = heights[0]
    for row in rows:
        row_height = max(text_height(v, w, font) for v, w in zip(row, widths, strict=True))
        if used + row_height > height:
            break
        heights.append(row_height)
        used += row_height
    return TableLayout(heads, rows[: len(heights) - 1], flags, widths, heights, font, len(frame), list(frame.columns))


def add_table(slide, layout, left, top, name=None):
    """Put a :class:`TableLayout` on ``slide`` at ``left``, ``top`` (EMU); rows get the estimated heights."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    emu = EMU_PER_INCH
    rows = [layout.headers, *layout.rows]
    heights = [int(h * emu) + 1 for h in layout.heights[: len(rows)]]
    widths = [math.ceil(w * emu) for w in layout.widths]
    shape = slide.shapes.add_table(len(rows), len(widths), left, top, sum(widths), sum(heights))
    if name:
        shape.name = name
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = w
    for i, h in enumerate(heights):
        table.rows[i].height = h
    for i, row in enumerate(rows):
        for j, words in enumerate(row):
            cell = table.cell(i, j)
            cell.text = str(words)
            for paragraph in cell.text_frame.paragraphs:
                if i and layout.right[j]:
                    paragraph.alignment = PP_ALIGN.RIGHT
                for run in paragraph.runs:
                    run.font.size, run.font.bold = Pt(layout.size), (i == 0) or None
                if not paragraph.runs:  # an empty cell's line is as tall as its end mark's size (18 pt unless set)
                    paragraph._p.get_or_add_endParaRPr().set("sz", str(int(layout.size * 100)))
    return shape


def table_height(shape):
    """Estimated height in EMU of a table shape as a renderer draws it: each row as tall as its tallest cell.

    Reads the cells' texts, font sizes, bold and margins and the column widths back from the
    deck; a row is at least its set height.
    """
    table = shape.table
    widths = [c.width / EMU_PER_INCH for c in table.columns]
    total = 0
    for row in table.rows:
        tallest = row.height / EMU_PER_INCH
        for cell, width in zip(row.cells, widths, strict=True):
            size = _cell_size(cell)
            runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
            bold = bool(runs and runs[0].font.bold)
            mx = (cell.margin_left + cell.margin_right) / 2 / EMU_PER_INCH
            my = (cell.margin_top + cell.margin_bottom) / 2 / EMU_PER_INCH
            tallest = max(tallest, text_height(cell.text, width, size, bold, mx, my))
        total += tallest
    return int(total * EMU_PER_INCH)


def _cell_size(cell):
    """The font size (pt) of a cell: its first run's, else its end mark's, else the default 18 pt."""
    runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
    if runs and runs[0].font.size:
        return runs[0].font.size.pt
    end = cell.text_frame.paragraphs[0]._p.endParaRPr
    if end is not None and end.get("sz"):
        return int(end.get("sz")) / 100
    return 18.0
