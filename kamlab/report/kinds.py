"""What kind of figure a column holds (money, share, count, date), decided from kamlab's column names.

The writers format, they never compute: a column called ``revenue`` or ``db4`` is shown as an
amount in euros, ``margin_rate`` or ``cumulative_share_revenue`` as a percentage, ``orders`` or
``rank_revenue`` as a whole number, ``first_order`` as a date. :func:`column_kind` gives the kind,
:data:`EXCEL_FORMATS` the Excel number format of each kind and :func:`text` the value as text in
the report's language (PowerPoint tables, German ``1.234.567 €``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re

__all__ = ["column_kind", "excel_format", "text", "header", "headers"]

#: Columns of amounts in euros (besides the patterns in :func:`column_kind`).
MONEY = {
    "revenue", "cost", "contribution_margin", "net_revenue", "net_revenue_after_rebates", "discounts_rebates",
    "marketing", "sales_visits", "order_handling", "logistics", "technical_service", "wallet", "headroom",
    "target_revenue", "target_contribution_margin", "open_value", "expected_value", "amount", "quote_value",
    "potential", "gap", "whitespace_value", "monetary", "clv", "average_order_value", "revenue_last_12m",
    "revenue_prev_12m", "target_db4", "quoted_value", "won_value", "lost_value",
}
#: Columns of shares and rates (fractions shown as percentages).
SHARES = {
    "share", "cumulative_share", "share_of_wallet", "margin_rate", "share_coordinated", "rate", "win_rate",
    "win_rate_year", "target_growth", "growth", "propensity", "p_win", "gain", "share_of_accounts",
    "share_of_ranked", "share_of_value", "share_of_revenue", "share_of_units", "top_share", "cr4", "cr10",
}
#: Columns of whole numbers.
COUNTS = {
    "orders", "credit_notes", "lines", "rank", "employees", "plants", "entities", "accounts", "units", "n",
    "count", "active_months", "recency_days", "tenure_days", "people", "contacts", "buying_centres",
    "quotes", "won", "lost", "open", "days_since_quote", "days_since_contact", "year", "target_year",
}
#: Columns of dates.
DATES = {"date", "first_order", "last_order", "managed_since", "rating_date", "as_of", "quote_date",
         "last_contact", "decision_date", "valid_until"}

_MONEY_PATTERN = re.compile(r"^(value_.*|db[1-4]|target_db[1-4]|.*_revenue|revenue_.*|contribution_margin_.*|.*_value_eur"
                            r"|.*_cost|cost_.*)$")
_SHARE_PATTERN = re.compile(r"^(.*_rate|share.*|cumulative_share.*|.*_share|.*_rate_.*|p_.*)$")
_COUNT_PATTERN = re.compile(r"^(rank.*|n_.*|.*_days|.*_count|count_.*|n)$")


#: The kinds of :func:`kamlab.report.texts.column_kind` in this module's words.
_SHARED = {"percent": "share", "bool": "text"}
#: Columns whose rows each name their own kind: a (key, value) table such as the key figures.
ROW_KIND_COLUMNS = ("unit", "key")


def column_kind(name, dtype=None):
    """The kind of a column as the report's texts decide it (:func:`kamlab.report.texts.column_kind`).

    Where that says only ``"number"`` or ``"text"``, the name rules of :func:`name_kind` may be
    more specific (``whitespace_value`` is money, ``*_days`` a count).

    Examples
    --------
    >>> [column_kind(c) for c in ("revenue", "db4", "db2_rate", "cumulative_share_revenue", "rank_revenue", "name")]
    ['money', 'money', 'share', 'share', 'count', 'text']
    """
    own = name_kind(name, dtype)
    try:
        from kamlab.report.texts import column_kind as shared
    except ImportError:  # pragma: no cover - the texts module is part of the package
        return own
    kind = shared(name, dtype)
    kind = _SHARED.get(kind, kind)
    return own if kind in ("number", "text") and own not in ("number", "text") else kind


def row_kind(key, unit=None):
    """The kind of one row of a (key, value[, unit]) table: its ``unit`` when given, else its key's kind."""
    if isinstance(unit, str) and unit:
        return _SHARED.get(unit, unit)
    kind = column_kind(key) if isinstance(key, str) else "number"
    return "number" if kind == "text" else kind


def name_kind(name, dtype=None):
    """The kind of a column: ``"money"``, ``"share"``, ``"count"``, ``"date"``, ``"number"`` or ``"text"``.

    The name decides for numeric columns (kamlab's names: ``revenue``, ``db1`` ... ``db4``,
    ``*_rate``, ``share*``, ``rank*``, ``n_*``); a column of dates is a date whatever its name;
    other numeric columns are ``"number"``, everything else ``"text"``. Without ``dtype`` only the
    name decides.

    Examples
    --------
    >>> [column_kind(c) for c in ("revenue", "db4", "db2_rate", "cumulative_share_revenue", "rank_revenue", "name")]
    ['money', 'money', 'share', 'share', 'count', 'text']
    """
    import pandas as pd

    key = str(name).lower()
    if dtype is not None:
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return "date"
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            return "text"
    if key in DATES:
        return "date"
    if key.startswith(("rank", "n_")):
        return "count"
    if key in SHARES or _SHARE_PATTERN.match(key):
        return "share"
    if key in MONEY or _MONEY_PATTERN.match(key):
        return "money"
    if key in COUNTS or _COUNT_PATTERN.match(key):
        return "count"
    if dtype is None:
        return "text"
    return "count" if pd.api.types.is_integer_dtype(dtype) else "number"


def excel_format(kind, lang):
    """The Excel number format of a kind; dates ``DD.MM.YYYY`` in German, ``YYYY-MM-DD`` in English.

    Examples
    --------
    >>> excel_format("money", "de"), excel_format("share", "en"), excel_format("date", "de")
    ('#,##0.00 €', '0.0%', 'DD.MM.YYYY')
    """
    formats = {"money": "#,##0.00 €", "share": "0.0%", "count": "#,##0", "number": "#,##0.00",
               "date": "DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD"}
    return formats.get(kind)


def _decimal(number_text, lang):
    if lang != "de":
        return number_text
    return number_text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def plain(value):
    """``value`` as plain Python: numpy scalars unwrapped, missing values None, timestamps as datetime."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    return value


def text(value, kind, lang):
    """A value as text in ``lang`` for a kind (German ``1.234.567 €``, ``12,3 %``, ``31.12.2025``).

    Text values come back unchanged (the caller decides about escaping); missing values as ``–``.

    Examples
    --------
    >>> text(1234567.891, "money", "de"), text(0.1234, "share", "en"), text(-5, "count", "de")
    ('1.234.568 €', '12.3 %', '−5')
    """
    value = plain(value)
    if value is None:
        return "–"
    if isinstance(value, bool):
        return ("ja" if value else "nein") if lang == "de" else ("yes" if value else "no")
    if isinstance(value, _dt.datetime | _dt.date):
        return value.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")
    if not isinstance(value, int | float):
        return str(value)
    if kind == "money":
        body = _decimal(f"{abs(value):,.0f}", lang) + " €"
    elif kind == "share":
        body = _decimal(f"{abs(value) * 100:,.1f}", lang) + " %"
    elif kind == "count" or (isinstance(value, int) and kind != "number"):
        body = _decimal(f"{abs(value):,.0f}", lang)
    else:
        body = _decimal(f"{abs(value):,.2f}", lang)
    return ("\u2212" if value < 0 and body.strip("0,.%€ ") else "") + body


def header(name, lang):
    """A column's label in ``lang`` (kamlab's label table; a user's own column made readable)."""
    from kamlab._util.labels import label

    if not isinstance(name, str):
        name = " / ".join(str(part) for part in name) if isinstance(name, tuple) else str(name)
    return label(name, lang)


def headers(columns, lang):
    """The labels of ``columns`` in ``lang``, made unique (a repeated label gets `` (2)``, `` (3)``)."""
    seen, out = {}, []
    for column in columns:
        text_ = header(column, lang)
        base, n = text_, 1
        while text_.lower() in seen:
            n += 1
            text_ = f"{base} ({n})"
        seen[text_.lower()] = True
        out.append(text_)
    return out


#: The one-page profile's figures on a slide: section -> keys (the plan's Kundensteckbrief, shortened).
BRIEF_KEYS = {
    "facts": ("level", "entities", "countries", "account_manager", "territory_manager"),
    "history": ("revenue", "contribution_margin", "db4"),
    "abc": ("abc", "rank", "share"),
    "portfolio": ("quadrant", "attractiveness", "supplier_position"),
    "wallet": ("wallet", "headroom", "share_of_wallet"),
    "targets": ("target_year", "target_revenue", "target_growth"),
    "key_account": ("key_account",),
}


def plan_rows(plan, lang, keys=None):
    """The figures of an account plan as rows ``(section label, key, label, value)`` in ``lang``.

    ``plan`` is a :class:`kamlab.plans.AccountPlan` (read through :meth:`~kamlab.plans.AccountPlan.to_dict`);
    ``keys`` maps a section to the keys to show (default: every value of every available section).
    The portfolio quadrant is shown by its name, the planned level in words; the values themselves
    are the plan's (nothing is computed here).
    """
    from kamlab._util.labels import label
    from kamlab.plans.texts import register

    register()
    data = plan.to_dict() if hasattr(plan, "to_dict") else dict(plan)
    rows = []
    for name, section in data["sections"].items():
        if keys is not None and name not in keys:
            continue
        if not section["available"]:
            rows.append((label("section_" + name, lang), "unavailable", label("unavailable", lang), section["reason"]))
            continue
        values = section["values"]
        for key in (keys[name] if keys is not None else values):
            if key not in values or key.startswith("_"):
                continue
            value = values[key]
            if name == "portfolio" and key == "quadrant" and isinstance(value, int):
                from kamlab.portfolios.scoring import VOCABULARIES

                value = VOCABULARIES["de" if lang == "de" else "mcdonald"][value][0]
            elif name == "facts" and key == "level":
                value = label(f"level_{value}", lang)
            elif key in ("manager_role",) and isinstance(value, str):
                value = label(value, lang)
            elif isinstance(value, list):
                value = ", ".join(str(v) for v in value) if key != "thresholds" else " / ".join(
                    text(v, "share", lang) for v in value)
            rows.append((label("section_" + name, lang), key, label(key, lang), value))
    return rows
