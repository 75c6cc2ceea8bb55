"""The report as a PowerPoint deck for the client (python-pptx).

:func:`to_pptx` renders a :class:`~kamlab.report.Report` as 16:9 slides: a title slide, the key
figures, one slide per chart section (Pareto/ABC, concentration, DB cascade, revenue vs DB,
portfolio matrix, ...) with its figure as a picture and a one-line takeaway from the section's
texts, the key-account list as a native table, one slide per account plan (its
*Kundensteckbrief*: facts, revenue and DB, ABC, portfolio, wallet, targets, key-account status),
and next steps, which also name the sections the report had to skip and why. Every slide carries a
footer with its source (the kamlab call) and the data's date. A template ``.pptx`` gives the
client's or the firm's design: its slide size, theme and layouts (title layout 0, title and
content layout 1 or the closest one by placeholder types). Text goes into the deck literally
(``<`` and ``&`` stay as they are); nothing here computes a business figure.
"""

from __future__ import annotations

import io
from pathlib import Path

from kamlab.errors import ParameterError
from kamlab.report.kinds import BRIEF_KEYS, column_kind, header, plan_rows, row_kind, text
from kamlab.report.slides_tables import add_table, fit_table, text_height

__all__ = ["to_pptx"]

#: (English, German) texts of the deck's own slides.
TEXTS = {
    "key_figures": ("Key figures", "Kennzahlen"),
    "next_steps": ("Next steps", "Nächste Schritte"),
    "profile": ("Account profile: {name}", "Kundensteckbrief: {name}"),
    "as_of": ("Data as of {date}", "Datenstand: {date}"),
    "footer": ("Source: {source} · Data as of {date}", "Quelle: {source} · Datenstand: {date}"),
    "pseudonymized": ("Names and ids pseudonymised", "Namen und Nummern pseudonymisiert"),
    "shown": ("The first {n} of {total} rows; the full list is in the Excel workbook.",
              "Die ersten {n} von {total} Zeilen; die vollständige Liste steht in der Excel-Arbeitsmappe."),
    "not_included": ("Not in this report:", "Nicht in diesem Bericht:"),
    "objectives": ("Objectives", "Ziele"),
    "actions": ("Actions", "Maßnahmen"),
    "step_list": ("Agree the key-account list with sales and the key-account managers",
                  "Key-Account-Liste mit Vertrieb und Key-Account-Managern abstimmen"),
    "step_plans": ("Complete objectives, strategy and actions in the account plans of the top key accounts",
                   "Ziele, Strategie und Maßnahmen in den Kundenplänen der Top-Key-Accounts ergänzen"),
    "step_followup": ("Follow up the open quotes, oldest and largest first",
                      "Offene Angebote nachfassen, die ältesten und größten zuerst"),
    "step_review": ("Repeat the analysis with the next data export and compare",
                    "Analyse mit dem nächsten Datenexport wiederholen und vergleichen"),
}
#: Sections that get a slide of their own kind (or none) instead of a chart or table slide.
SPECIAL = ("key_accounts", "overview", "plans", "method", "next_steps")
#: Columns of the key-account list on its slide, in this order, when the table has them.
LIST_COLUMNS = ("rank_revenue", "unit_id", "account_id", "group_id", "name", "revenue", "contribution_margin", "db4",
                "share_revenue", "cumulative_share_revenue", "target_revenue", "reasons", "lists")
KEY_COLUMNS = ("figure", "measure", "item", "key", "kennzahl")
#: At most this many rows of the key-account list and of other tables on a slide (fewer when they do not fit).
LIST_ROWS, TABLE_ROWS = 15, 12
#: Fewer rows than this on a slide: the key-account list leaves out optional columns so rows wrap less.
MIN_ROWS = 6
EMU_PER_INCH = 914400


def _t(key, lang, **values):
    english, german = TEXTS[key]
    return (german if lang == "de" else english).format(**values)


def _date(report, lang):
    import pandas as pd

    if report.as_of is None:
        return "–"
    return text(pd.Timestamp(report.as_of), "date", lang)


def _check(report, path, template):
    from kamlab.report.model import Report

    if not isinstance(report, Report):
        raise ParameterError(f"report must be a kamlab.report.Report (from kamlab.report.build), not {type(report).__name__}.")
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        raise ParameterError(f"path: give a file name ending in .pptx, not {path.name!r}.")
    if not path.parent.exists():
        raise ParameterError(f"path: the folder {str(path.parent)!r} does not exist; create it or choose another path.")
    if template is not None:
        template = Path(template)
        if template.suffix.lower() != ".pptx" or not template.is_file():
            raise ParameterError(f"template: give an existing .pptx file (save a .potx as .pptx), not {str(template)!r}.")
    return path, ("de" if str(report.lang).lower() == "de" else "en"), template


# ---------------------------------------------------------------------------------------------- layouts
def _types(layout):
    return {ph.placeholder_format.type for ph in layout.placeholders}


def _pick_layouts(prs):
    """(title layout, content layout): layout 0 and 1 when they fit, else the closest by placeholder types."""
    from pptx.enum.shapes import PP_PLACEHOLDER as P

    layouts = list(prs.slide_layouts)
    titled = [lay for lay in layouts if _types(lay) & {P.TITLE, P.CENTER_TITLE}]

    def first(candidates, want):
        return next((lay for lay in candidates if want(_types(lay))), None)

    title = layouts[0] if layouts and layouts[0] in titled else (
        first(titled, lambda t: P.CENTER_TITLE in t and P.SUBTITLE in t) or (titled[0] if titled else layouts[0]))
    content = layouts[1] if len(layouts) > 1 and {P.TITLE, P.OBJECT} <= _types(layouts[1]) else (
        first(titled, lambda t: P.TITLE in t and P.OBJECT in t) or first(titled, lambda t: P.TITLE in t and P.BODY in t)
        or first(titled, lambda t: P.TITLE in t) or title)
    return title, content


def _widen_default(prs):
    """python-pptx's own template is 4:3: make it 13.333 x 7.5 in and stretch its master and layouts."""
    factor = 13.333 / 10
    prs.slide_width, prs.slide_height = int(13.333 * EMU_PER_INCH), int(7.5 * EMU_PER_INCH)
    for container in [prs.slide_master, *prs.slide_layouts]:
        for shape in container.shapes:
            if shape._element.xfrm is not None and shape.width is not None:  # own position, not inherited
                shape.left, shape.width = int(shape.left * factor), int(shape.width * factor)


def _drop_slides(prs):
    """Remove the template's own slides (its layouts and theme stay)."""
    ids = prs.slides._sldIdLst
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


# ---------------------------------------------------------------------------------------------- the deck
def _inch(emu):
    return emu / EMU_PER_INCH


class _Deck:
    def __init__(self, prs, report, lang, styled):
        from pptx.util import Inches

        self.prs, self.report, self.lang, self.styled = prs, report, lang, styled
        self.title_layout, self.content_layout = _pick_layouts(prs)
        self.width, self.height = prs.slide_width, prs.slide_height
        self.margin = Inches(0.5)
        self.gap = Inches(0.1)
        self.date = _date(report, lang)

    # -- building blocks
    def _new(self, layout, title, source):
        """A slide with its title and footer: (slide, heading, body placeholder or None, footer top in EMU)."""
        from pptx.enum.shapes import PP_PLACEHOLDER as P
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(layout)
        heading = slide.shapes.title
        if heading is None:  # a layout without a title placeholder: a text box takes its place
            heading = slide.shapes.add_textbox(self.margin, Inches(0.3), self.width - 2 * self.margin, Inches(1))
            heading.name = "Title"
        heading.text_frame.text = str(title)
        heading.text_frame.word_wrap = True
        if not self.styled:
            size = 40 if layout is self.title_layout else 28
            for paragraph in heading.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)
            if layout is not self.title_layout:  # a short title area: the content starts right below it
                tall = text_height(title, _inch(heading.width), size)
                left, width = heading.left, heading.width  # inherited from the layout until set
                heading.left, heading.top, heading.width, heading.height = left, Inches(0.3), width, Inches(max(0.8, tall))
        body = None
        for ph in list(slide.placeholders):
            kind = ph.placeholder_format.type
            if ph.shape_id == heading.shape_id:
                continue
            if body is None and kind in (P.OBJECT, P.BODY, P.SUBTITLE):
                body = ph
            else:
                ph._element.getparent().remove(ph._element)
        return slide, heading, body, self.footer(slide, source)

    def _area(self, heading, body, footer_top):
        """(left, top, width, bottom) for the slide's content: below the title, above the footer."""
        from pptx.util import Inches

        bottom = footer_top - self.gap
        below = (heading.top or Inches(0.3)) + (heading.height or Inches(1)) + self.gap
        if body is not None and body.width:
            top = below if not self.styled else max(body.top, below)
            return body.left, top, body.width, min(bottom, body.top + body.height if self.styled else bottom)
        return self.margin, below, self.width - 2 * self.margin, bottom

    @staticmethod
    def _drop(shape):
        if shape is not None:
            shape._element.getparent().remove(shape._element)

    def footer(self, slide, source):
        """The footer (source and data date) at the slide's bottom; returns its top in EMU."""
        from pptx.dml.color import RGBColor
        from pptx.util import Inches, Pt

        source = " ".join(str(source or "kamlab").split())
        if len(source) > 160:
            source = source[:159].rstrip() + "…"
        words = _t("footer", self.lang, source=source, date=self.date)
        width = self.width - 2 * self.margin
        tall = Inches(text_height(words, _inch(width), 9))
        top = self.height - Inches(0.1) - tall
        box = slide.shapes.add_textbox(self.margin, top, width, tall)
        box.name = "kamlab footer"
        frame = box.text_frame
        frame.word_wrap = True
        frame.text = words
        for run in frame.paragraphs[0].runs:
            run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x59, 0x59, 0x59)
        return top

    def _line(self, slide, left, top, width, words, size=16):
        """A text box as tall as its text is estimated to be; returns its bottom in EMU."""
        from pptx.util import Inches, Pt

        tall = Inches(text_height(words, _inch(width), size))
        box = slide.shapes.add_textbox(left, top, width, tall)
        box.text_frame.word_wrap = True
        box.text_frame.text = words
        for paragraph in box.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(size)
        return top + tall

    def _picture(self, slide, figures, left, top, width, height):
        from PIL import Image

        count = len(figures)
        gap = int(width * 0.02) if count > 1 else 0
        each = (width - gap * (count - 1)) // count
        for i, figure in enumerate(figures):
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
            buffer.seek(0)
            w, h = Image.open(buffer).size
            buffer.seek(0)
            scale = min(each / w, height / h)
            pw, ph = int(w * scale), int(h * scale)
            x = left + i * (each + gap) + (each - pw) // 2
            slide.shapes.add_picture(buffer, x, top, pw, ph)

    def _table(self, slide, frame, left, top, width, bottom, size=10, max_rows=TABLE_ROWS, optional=(), **options):
        """``frame`` as a native table that ends above ``bottom``; a line says when rows are left out.

        When fewer than :data:`MIN_ROWS` rows fit, the ``optional`` columns are left out one by one
        (a narrow template slide). Returns the bottom (EMU) of the table and its note.
        """
        from pptx.util import Inches

        room = _inch(bottom - top)
        layout = fit_table(frame, self.lang, _inch(width), room, size=size, max_rows=max_rows, **options)
        for column in (c for c in optional if c in frame.columns):
            if layout.shown >= min(MIN_ROWS, len(frame)):
                break
            frame = frame.drop(columns=column)
            layout = fit_table(frame, self.lang, _inch(width), room, size=size, max_rows=max_rows, **options)
        note = None
        if layout.shown < len(frame):
            note = self._shown(layout.shown, len(frame))
            reserve = text_height(note, _inch(width), 11) + 0.05
            layout = fit_table(frame, self.lang, _inch(width), room - reserve, size=size, max_rows=max_rows, **options)
            note = self._shown(layout.shown, len(frame))
        add_table(slide, layout, left, top)
        end = top + Inches(layout.height)
        if note is not None:
            end = self._line(slide, left, end + Inches(0.05), width, note, size=11)
        return end

    def _shown(self, n, total):
        return _t("shown", self.lang, n=text(n, "count", self.lang), total=text(total, "count", self.lang))

    def _bullets(self, body, slide, area, lines):
        """Bullet lines (text, level) into the body placeholder, or a text box; the font shrinks until they fit."""
        from pptx.util import Pt

        left, top, width, bottom = area
        if body is None:
            body = slide.shapes.add_textbox(left, top, width, bottom - top)
        elif not self.styled:
            body.left, body.top, body.width, body.height = left, top, width, bottom - top
        frame = body.text_frame
        frame.word_wrap = True
        room = _inch(body.height)
        for points in (20, 18, 16, 14, 12, 11, 10):  # bullets and indents take about half an inch a level
            tall = sum(text_height(words, _inch(body.width) - 0.4 - 0.5 * level, points) * 1.1 for words, level in lines)
            if tall <= room:
                break
        for i, (words, level) in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text, paragraph.level = str(words), level
            for run in paragraph.runs:
                run.font.size = Pt(points)

    # -- slides
    def title_slide(self):
        import kamlab

        report = self.report
        slide, heading, body, _ = self._new(self.title_layout, report.title, f"kamlab {kamlab.__version__}")
        lines = [_t("as_of", self.lang, date=self.date)]
        if report.pseudonymized:
            lines.append(_t("pseudonymized", self.lang))
        if body is not None:
            body.text_frame.text = "\n".join(lines)
        else:
            from pptx.util import Inches

            self._line(slide, self.margin, self.height // 2 + Inches(0.8), self.width - 2 * self.margin, "\n".join(lines))

    def key_figures(self, section):
        from pptx.util import Inches

        slide, heading, body, footer = self._new(self.content_layout, _t("key_figures", self.lang), section.source)
        left, top, width, bottom = self._area(heading, body, footer)
        self._drop(body)
        frame = _figures_table(section.tables, self.lang) if section.tables else None
        if section.texts:
            top = self._line(slide, left, top, width, _takeaway(section.texts)) + self.gap
        if frame is not None:
            keyed = list(frame.columns) == ["figure", "value"]
            size = 14 if len(frame) <= 10 else 12
            self._table(slide, frame, left, top, min(width, Inches(8)), bottom, size=size, max_rows=len(frame),
                        min_size=size - 2, right=[False, True] if keyed else None, stretch=not keyed)

    def chart(self, section):
        slide, heading, body, footer = self._new(self.content_layout, section.title, section.source)
        left, top, width, bottom = self._area(heading, body, footer)
        self._drop(body)
        if section.texts:
            top = self._line(slide, left, top, width, _takeaway(section.texts)) + self.gap
        figures = [f for f in section.figures.values() if f is not None][:2]
        if figures:
            self._picture(slide, figures, left, top, width, bottom - top)
        elif section.tables:
            frame = _flat(next(iter(section.tables.values())))
            self._table(slide, frame, left, top, width, bottom)

    def key_accounts(self, section):
        slide, heading, body, footer = self._new(self.content_layout, section.title, section.source)
        left, top, width, bottom = self._area(heading, body, footer)
        self._drop(body)
        frame = _flat(next(iter(section.tables.values()))) if section.tables else None
        if section.texts:
            top = self._line(slide, left, top, width, _takeaway(section.texts)) + self.gap
        if frame is not None and len(frame.columns):
            shown = [c for c in LIST_COLUMNS if c in frame.columns][:8]
            if len(shown) < 3:
                shown = list(frame.columns[:7])
            self._table(slide, frame[shown], left, top, width, bottom, max_rows=LIST_ROWS,
                        optional=("cumulative_share_revenue", "target_revenue", "db4", "contribution_margin"))

    def profile(self, plan):
        import pandas as pd
        from pptx.util import Inches

        slide, heading, body, footer = self._new(self.content_layout, _t("profile", self.lang, name=plan.name),
                                                 f"kamlab.account_plan(..., {plan.unit_id!r}), {plan.year}")
        left, top, width, bottom = self._area(heading, body, footer)
        self._drop(body)
        rows, last = [], None
        for section, key, label_, value in plan_rows(plan, self.lang, BRIEF_KEYS):
            if key in ("year", "target_year") and isinstance(value, int | float) and not isinstance(value, bool):
                shown = str(int(value))  # a year, not an amount: 2026, not 2.026
            elif isinstance(value, str):
                shown = value
            else:
                shown = text(value, column_kind(key) if key != "abc" else "text", self.lang)
            rows.append((section if section != last else "", label_, shown))
            last = section
        user = []
        if plan.objectives:
            user.append(f"{_t('objectives', self.lang)}: " + "; ".join(str(o) for o in plan.objectives if o))
        actions = [a for a in plan.actions if a.get("what")]
        if actions:
            user.append(f"{_t('actions', self.lang)}: " + "; ".join(
                f"{a['what']} ({', '.join(str(a[k]) for k in ('who', 'by_when') if a.get(k))})" for a in actions))
        below = sum(Inches(text_height(line, _inch(width), 12)) for line in user)
        half = (len(rows) + 1) // 2
        gap = Inches(0.3)
        columns = [_plan_header(name, self.lang) for name in ("section", "item", "value")]
        end = top
        for i, chunk in enumerate((rows[:half], rows[half:])):
            if chunk:
                frame = pd.DataFrame(chunk, columns=columns)
                end = max(end, self._table(slide, frame, left + i * ((width + gap) // 2), top, (width - gap) // 2,
                                           bottom - below, max_rows=len(frame), right=[False, False, False]))
        end += self.gap
        for line in user:
            end = self._line(slide, left, end, width, line, size=12)

    def next_steps(self, skipped):
        report, lang = self.report, self.lang
        own = next((s for s in report.sections if s.key == "next_steps" and s.available), None)
        slide, heading, body, footer = self._new(self.content_layout, _t("next_steps", lang),
                                                 own.source if own is not None and own.source else "kamlab")
        area = self._area(heading, body, footer)
        lines = [(t, 0) for t in own.texts] if own is not None else []
        for plan in report.plans:
            for action in plan.actions:
                if action.get("what"):
                    extra = ", ".join(str(action[k]) for k in ("who", "by_when") if action.get(k))
                    lines.append((f"{plan.name}: {action['what']}" + (f" ({extra})" if extra else ""), 0))
        if not lines:
            keys = {s.key for s in report.sections if s.available}
            lines = [(_t("step_list", lang), 0)]
            if report.plans:
                lines.append((_t("step_plans", lang), 0))
            if "followup" in keys:
                lines.append((_t("step_followup", lang), 0))
            lines.append((_t("step_review", lang), 0))
        if skipped:
            lines.append((_t("not_included", lang), 0))
            lines += [(f"{s.title}: {s.skipped}", 1) for s in skipped]
        self._bullets(body, slide, area, lines)


# ---------------------------------------------------------------------------------------------- helpers
def _takeaway(texts):
    """The first text of a section as one line (its first sentence when the text is long)."""
    first = " ".join(str(texts[0]).split())
    if len(first) > 160:
        if ". " in first[:160]:
            return first[: first.index(". ", 0, 160) + 1]
        return first[:159].rsplit(" ", 1)[0] + " …"
    return first


def _flat(frame):
    from kamlab.report.excel import _flat as flat

    return flat(frame)


def _plan_header(name, lang):
    words = {"section": ("Section", "Abschnitt"), "item": ("Item", "Angabe"), "value": ("Value", "Wert")}
    return words[name][1 if lang == "de" else 0]


def _figures_table(tables, lang):
    """The key-figures table to show: a (key, value) table gets its labels and each value its row's kind."""
    import pandas as pd

    frame = _flat(next(iter(tables.values())))
    keys = "key" if "key" in frame.columns else next((c for c in frame.columns if str(c).lower() in KEY_COLUMNS), None)
    if keys is None or "value" not in frame.columns:
        return frame.head(TABLE_ROWS)
    labels = frame["figure"] if "figure" in frame.columns and keys != "figure" else frame[keys].map(
        lambda k: header(k, lang) if isinstance(k, str) else str(k))
    units = frame["unit"] if "unit" in frame.columns else [None] * len(frame)
    shown = [(label_, value if isinstance(value, str) else text(value, row_kind(key, unit), lang))
             for label_, key, value, unit in zip(labels, frame[keys], frame["value"], units, strict=True)]
    return pd.DataFrame(shown, columns=["figure", "value"]).astype(object)


def to_pptx(report, path, template=None):
    """Write the report as a PowerPoint deck (.pptx) and return its path.

    Slides, in order: the title (report title, data date), the key figures (the ``overview``
    section's table), one slide per available chart section in report order (figure as picture,
    the section's first text as takeaway; a section with tables only shows its first table), the
    key-account list (its first rows as a native table), one slide per account plan in
    ``report.plans`` (its *Kundensteckbrief*), and next steps (the plans' actions, or standard
    steps, and the sections the report skipped with the reason). Every slide has a title and a
    footer with its source and the data's date.

    Parameters
    ----------
    report : kamlab.report.Report
    path : str or Path
        The file to write (ending in ``.pptx``; its folder must exist). An existing file is replaced.
    template : str or Path, optional
        A .pptx whose slide size, theme and layouts the deck uses (its own slides are left out);
        without it the deck is 16:9 (13.333 x 7.5 in) in python-pptx's plain design.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If ``report`` is not a Report, ``path`` does not end in .pptx or its folder is missing,
        or ``template`` is not an existing .pptx file.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> from pptx import Presentation
    >>> from kamlab.report import Report, Section
    >>> facts = pd.DataFrame({"figure": ["revenue", "accounts"], "value": [1234567.0, 1848]})
    >>> report = Report("Demo & Co <2025>", "de", pd.Timestamp("2025-12-31"), [Section("overview", "Überblick", tables={"f": facts})])
    >>> deck = Presentation(to_pptx(report, tempfile.mkdtemp() + "/demo.pptx"))
    >>> [slide.shapes.title.text for slide in deck.slides]
    ['Demo & Co <2025>', 'Kennzahlen', 'Nächste Schritte']
    >>> round(deck.slide_width / 914400, 3), round(deck.slide_height / 914400, 3)
    (13.333, 7.5)
    """
    from pptx import Presentation

    path, lang, template = _check(report, path, template)
    prs = Presentation(str(template)) if template is not None else Presentation()
    if template is not None:
        _drop_slides(prs)
    else:
        _widen_default(prs)
    if report.plans:
        from kamlab.plans.texts import register

        register()
    deck = _Deck(prs, report, lang, styled=template is not None)
    deck.title_slide()
    sections = {s.key: s for s in report.sections}
    if "overview" in sections and sections["overview"].available:
        deck.key_figures(sections["overview"])
    for section in report.sections:
        if section.available and section.key not in SPECIAL and (section.figures or section.tables):
            deck.chart(section)
    if "key_accounts" in sections and sections["key_accounts"].available:
        deck.key_accounts(sections["key_accounts"])
    for plan in report.plans:
        deck.profile(plan)
    deck.next_steps([s for s in report.sections if not s.available and s.key not in ("method", "next_steps")])
    prs.save(str(path))
    return path
