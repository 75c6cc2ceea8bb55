"""The client report as one self-contained, printable HTML file.

Styles inline, charts embedded as PNG (base64), no JavaScript; every text that comes from the data,
the user or the report goes through :func:`kamlab.report.safe.escape`. Each section starts on a new
page when printed (a browser's "Print to PDF" makes the client's PDF). Long tables show their first
rows and say where the rest is; the account plans follow as their one-page profiles
(:meth:`kamlab.plans.AccountPlan.to_html` with ``brief=True``).
"""

from __future__ import annotations

from pathlib import Path

from kamlab.report.safe import escape

__all__ = ["to_html", "MAX_ROWS"]

#: Rows of a table shown in the HTML report (all rows are in the Excel and CSV files).
MAX_ROWS = 25

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;font-size:13px;color:#222;margin:24px auto;max-width:1100px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #1f4e79;padding-bottom:3px}
h3{font-size:14px;margin:14px 0 4px}.meta{color:#555}.note{color:#555;font-size:11px}
.skipped{color:#a00;font-style:italic}.source{color:#666;font-size:11px;margin-top:6px}
.wrap{overflow-x:auto;max-width:100%}table.data{border-collapse:collapse;margin:6px 0 10px;font-size:12px}
table.data td.text{min-width:6em;max-width:32em}
table.data th,table.data td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}
table.data th{background:#eef3f8}table.data td.num{text-align:right;white-space:nowrap}
img{max-width:100%;height:auto}nav ol{columns:2}
section.part,div.plan{break-before:page;page-break-before:always}
.num{white-space:nowrap}
@media print{body{margin:0;max-width:none;font-size:10px}table.data{font-size:8px}table.data td.num{white-space:nowrap}.wrap{overflow:visible}nav{display:none}a{color:inherit;text-decoration:none}}
@page{size:A4;margin:15mm}
"""


def _png(figure):
    import base64
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


_PER_MEASURE = ("rank_", "share_", "cumulative_share_", "on_")


def _table(frame, lang, max_rows=MAX_ROWS):
    """One table as HTML: column labels in ``lang``, cells formatted by their kind, everything escaped."""
    from kamlab._util.labels import label
    from kamlab.report.texts import column_kind, fmt_cell, text

    shown = frame.head(max_rows)
    per_row = "key" in frame.columns and "value" in frame.columns  # key figures: each row its own kind
    columns = [c for c in frame.columns if not (per_row and c in ("key", "unit"))]
    if "reasons" in frame.columns:  # the reasons name every rank: the per-measure columns stay in Excel and CSV
        columns = [c for c in columns if not str(c).startswith(_PER_MEASURE)]
    kinds = {c: column_kind(c, frame[c]) for c in columns}
    head = "".join(f"<th>{escape(label(str(c), lang))}</th>" for c in columns)
    rows = []
    for _, row in shown.iterrows():
        cells = []
        for c in columns:
            kind = kinds[c]
            if per_row and c == "value":
                kind = row["unit"] if "unit" in frame.columns else column_kind(row["key"])
            css = ' class="num"' if kind in ("money", "percent", "share", "count", "number") else ' class="text"'
            cells.append(f"<td{css}>{escape(fmt_cell(kind, row[c], lang))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    out = (f'<div class="wrap"><table class="data"><thead><tr>{head}</tr></thead>'
           f'<tbody>{"".join(rows)}</tbody></table></div>')
    if len(frame) > len(shown):
        out += f'<p class="note">{escape(text("rows_shown", lang, shown=len(shown), total=len(frame)))}</p>'
    return out


def _section(section, report):
    from kamlab._util.labels import label
    from kamlab.report.texts import text

    lang = report.lang
    parts = [f'<section class="part" id="{escape(section.key)}"><h2>{escape(section.title)}</h2>']
    if not section.available:
        parts.append(f'<p class="skipped">{escape(text("skipped", lang))}: {escape(section.skipped)}</p></section>')
        return "".join(parts)
    parts += [f"<p>{escape(paragraph)}</p>" for paragraph in section.texts]
    for name, figure in section.figures.items():
        parts.append(f'<figure><img alt="{escape(label(name, lang))}" src="data:image/png;base64,{_png(figure)}">'
                     "</figure>")
    for name, frame in section.tables.items():
        if len(section.tables) > 1:
            parts.append(f"<h3>{escape(label(name, lang))}</h3>")
        parts.append(_table(frame, lang))
    if section.source:
        parts.append(f'<p class="source">{escape(text("source", lang))}: {escape(section.source)}</p>')
    if section.key == "plans":
        for plan in report.plans:
            parts.append(f'<div class="plan">{plan.to_html(brief=True, lang=lang)}</div>')
    parts.append("</section>")
    return "".join(parts)


def to_html(report, path=None):
    """The report as one self-contained HTML page; written to ``path`` when given.

    Parameters
    ----------
    report : kamlab.report.Report
        What :func:`kamlab.report.build` returned.
    path : str or Path, optional
        Where to write the file (UTF-8). Its folder must exist.

    Returns
    -------
    str
        The HTML text.

    Examples
    --------
    >>> from kamlab.report import Report, Section
    >>> import pandas as pd
    >>> report = Report("Test <b>", "en", pd.Timestamp("2025-12-31"), sections=[
    ...     Section("overview", "Key figures", texts=["A & B"], tables={"t": pd.DataFrame({"revenue": [1234.5]})})])
    >>> page = to_html(report)
    >>> "Test &lt;b&gt;" in page, "€1,234.50" in page, "<script" in page
    (True, True, False)
    """
    from kamlab.report.texts import date, text

    lang = report.lang
    contents = "".join(f'<li><a href="#{escape(s.key)}">{escape(s.title)}</a></li>' for s in report.sections)
    meta = f"{escape(text('data_as_of', lang))}: {escape(date(report.as_of, lang))}"
    if report.pseudonymized:
        meta += f" · {escape(text('pseudonymized', lang))}"
    body = "".join(_section(section, report) for section in report.sections)
    page = (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>"
            f'<header><h1>{escape(report.title)}</h1><p class="meta">{meta}</p></header>'
            f"<nav><h2>{escape(text('contents', lang))}</h2><ol>{contents}</ol></nav>{body}</body></html>")
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page
