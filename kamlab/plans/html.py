"""The account plan as HTML: one fragment with a small scoped style sheet, no JavaScript.

Every text that comes from the data (names, cities, offerings) or from the user (objectives,
strategy, actions) goes through :func:`html.escape`; numbers are written the way the
plan's language writes them (German 1.234,5).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from html import escape

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

MONEY = {"revenue", "contribution_margin", "db4", "wallet", "headroom", "target_revenue", "target_contribution_margin",
         "open_value", "expected_value", "amount", "quote_value", "potential", "gap"}
SHARES = {"share", "cumulative_share", "share_of_wallet", "margin_rate", "share_coordinated", "rate", "win_rate_year",
          "target_growth", "growth", "propensity", "weight", "p_win", "gain"}
TRANSLATED_VALUES = {"level_name", "axis", "criterion", "manager_role"}  # columns whose cells are kamlab keys, shown as labels
STYLE = (
    "<style>.kamlab-plan{font-family:sans-serif;font-size:13px;max-width:980px}"
    ".kamlab-plan h2{margin:4px 0 8px}.kamlab-plan h3{margin:14px 0 4px;border-bottom:1px solid #999}"
    ".kamlab-plan table{border-collapse:collapse;margin:4px 0}"
    ".kamlab-plan td,.kamlab-plan th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}"
    ".kamlab-plan td.num{text-align:right;white-space:nowrap}.kamlab-plan .source{color:#666;font-size:11px}"
    ".kamlab-plan .missing{color:#a00}</style>"
)


def plain(value):
    """``value`` with numpy/pandas scalars, timestamps and missing values made plain Python (for JSON)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, pd.Timestamp | _dt.date):
        return None if pd.isna(value) else value.isoformat()[:10]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(float(value)) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def _number(value, decimals=0):
    from kamlab._util.format import decimal

    return decimal(f"{value:,.{decimals}f}")


def fmt(key, value):
    """One value as escaped text in the current language."""
    from kamlab._util.labels import label

    value = plain(value)
    if value is None:
        return "–"
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):  # a day: 01.04.2024 in German
        from kamlab._util.format import day

        return day(value)
    if key == "thresholds" and isinstance(value, list):
        return " / ".join(_number(v * 100, 0) + " %" for v in value)
    if isinstance(value, bool):
        return label("yes") if value else label("no")
    if isinstance(value, int | float) and key in MONEY:
        return _number(value) + " €"
    if isinstance(value, int | float) and key in SHARES:
        return _number(value * 100, 1) + " %"
    if isinstance(value, float):
        return _number(value, 0 if "days" in key else 2)  # days are whole
    if isinstance(value, int) and key not in ("year", "target_year"):
        return _number(value)
    if key in TRANSLATED_VALUES:
        return escape(label(str(value)))
    return escape(str(value))


def _label(key):
    from kamlab._util.labels import label

    return escape(label(key))


def _has_label(key):
    from kamlab._util.labels import has_label

    return has_label(key)


def _values(values, keys=None):
    rows = []
    for key in keys or values:
        if key in values and not key.startswith("_"):
            value = plain(values[key])
            items = value if isinstance(value, list) and value else [value]  # thresholds: a list of numbers
            numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in items)
            rows.append(f"<tr><th>{_label(key)}</th><td{' class=num' if numeric else ''}>{fmt(key, values[key])}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else ""


def _table(frame, max_rows=None):
    import pandas as pd

    if frame is None or frame.empty:
        return ""
    frame = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f"<th>{_label(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            numeric = isinstance(value, int | float) and not isinstance(value, bool) and not pd.isna(value)
            cells.append(f"<td{' class=num' if numeric else ''}>{fmt(column, value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _special(name, section):
    """Values that read better in words: the portfolio quadrant and the planned level."""
    from kamlab.config import get_language
    from kamlab.portfolios.scoring import VOCABULARIES

    values = dict(section.values)
    if name == "portfolio" and "quadrant" in values:
        quadrant, strategy = VOCABULARIES["de" if get_language() == "de" else "mcdonald"][values["quadrant"]]
        values["quadrant"] = quadrant
        values["strategy"] = strategy
    if name == "facts" and "level" in values:
        values["level"] = _label_text(f"level_{values['level']}")
    if name == "key_account" and "key_account" in values:
        values = {"key_account_status": values.pop("key_account"), **values}
    return values


def _label_text(key):
    from kamlab._util.labels import label

    return label(key)


def _section(name, section, brief):
    heading = f"<h3>{_label('section_' + name)}</h3>"
    if not section.available:
        return f"{heading}<p class=missing>{_label('unavailable')}: {escape(section.reason)}</p>"
    parts = [heading, _values(_special(name, section))]
    if not brief:
        for key, frame in section.tables.items():
            rows = 10 if key in ("open", "centres") else None
            if len(section.tables) > 1 or key not in ("reasons",):
                parts.append(f"<p><b>{_label('table_' + key if _has_label('table_' + key) else key)}</b></p>")
            parts.append(_table(frame, rows))
    elif name == "history" and "by_year" in section.tables:
        parts.append(_table(section.tables["by_year"]))
    parts.append(f"<p class=source>{_label('source')}: {escape(section.source)}</p>")
    return "".join(parts)


def _user(plan):
    missing = f"<p>{_label('not_written')}</p>"
    objectives = "".join(f"<li>{escape(o)}</li>" for o in plan.objectives)
    parts = [f"<h3>{_label('section_objectives')}</h3>", f"<ul>{objectives}</ul>" if objectives else missing,
             f"<h3>{_label('section_strategy')}</h3>",
             f"<p>{escape(plan.strategy)}</p>" if plan.strategy else missing,
             f"<h3>{_label('section_actions')}</h3>"]
    if plan.actions:
        head = "".join(f"<th>{_label(c)}</th>" for c in ("what", "who", "by_when"))
        rows = "".join("<tr>" + "".join(f"<td>{escape(a[c])}</td>" for c in ("what", "who", "by_when")) + "</tr>"
                       for a in plan.actions)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    else:
        parts.append(missing)
    return "".join(parts)


def render(plan, brief=False, lang=None):
    """The plan (or its one-page profile) as an HTML fragment in ``lang`` (default: the current language)."""
    from kamlab.config import get_language, language
    from kamlab.plans.plan import BRIEF_SECTIONS
    from kamlab.plans.texts import register

    register()
    with language(lang or get_language()):
        title = _label("account_brief" if brief else "account_plan")
        head = (f"<h2>{title}: {escape(plan.name)} ({escape(plan.unit_id)})</h2>"
                f"<p>{_label('plan_year')}: {plan.year}</p>")
        sections = [_section(name, section, brief) for name, section in plan.sections.items()
                    if not brief or name in BRIEF_SECTIONS]
        user = _user(plan)
        return f"<div class=kamlab-plan>{STYLE}{head}{''.join(sections)}{user}</div>"
