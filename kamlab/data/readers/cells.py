"""Parsing cells: numbers, dates, ids and text, vectorised over a column.

Each parser takes a column's cells as text (and, for Excel and Parquet, the typed
values beside them) and returns the values and a mask of the cells it cannot read;
deciding what to do with those is :mod:`kamlab.data.readers.convert`.
"""


from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from kamlab.errors import ParameterError


def _cell_text(value):
    """How a typed spreadsheet cell is shown in messages."""
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _is_plain_number(v):
    return isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) and v == v


def _native_numbers(native):
    """``(mask, float values)`` of the cells that are numbers already (Excel, Parquet)."""
    if pd.api.types.is_bool_dtype(native):
        return np.zeros(len(native), dtype=bool), np.full(len(native), np.nan)
    if pd.api.types.is_numeric_dtype(native):
        values = native.to_numpy(dtype=float, na_value=np.nan)
        return ~np.isnan(values), values
    mask = native.map(_is_plain_number).to_numpy(dtype=bool)
    values = np.full(len(native), np.nan)
    if mask.any():
        values[mask] = native[mask].astype(float).to_numpy()
    return mask, values


_CURRENCY = r"(?:€|\$|£|EUR|EURO|USD|CHF|GBP|eur|euro|usd|chf|gbp)"
_STRIP_CURRENCY = rf"^{_CURRENCY}\s*|\s*{_CURRENCY}$"
_SPACES = "\u00a0\u202f '\u2019"


def _number_pattern(decimal, thousands):
    group = "[" + re.escape(thousands or "") + re.escape(_SPACES) + "]"
    dec = re.escape(decimal)
    return rf"[+-]?(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)?(?:{dec}\d*)?(?:[eE][+-]?\d+)?"


def _clean_numbers(text):
    """Strip currency and turn "(12.50)", "12.50-" and "−12.50" into a leading minus."""
    s = text.str.replace(_STRIP_CURRENCY, "", regex=True).str.replace("\u2212", "-", regex=False)
    paren = s.str.startswith("(") & s.str.endswith(")")
    s = s.mask(paren, s.str.slice(1, -1).str.strip())
    trailing = s.str.endswith("-") & ~s.str.startswith("-")
    s = s.mask(trailing, s.str.slice(0, -1).str.strip())
    s = s.str.replace(_STRIP_CURRENCY, "", regex=True)
    negate = (paren ^ trailing).to_numpy()
    return s, negate


def _parse_numbers(text, decimal, thousands):
    """Vectorised: text -> (float array, bad mask). Empty text gives NaN, not bad."""
    pattern = _number_pattern(decimal, thousands)
    empty = (text == "").to_numpy()
    valid = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    s = text
    negate = np.zeros(len(text), dtype=bool)
    rest = ~valid & ~empty
    if rest.any():
        # currency, "(12.50)", "12.50-": clean only the cells that need it
        cleaned, neg = _clean_numbers(text[rest])
        ok = cleaned.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        s = text.copy()
        s[rest] = cleaned.to_numpy()
        valid = valid.copy()
        valid[rest] = ok
        negate[rest] = neg
    valid = valid & s.str.contains(r"\d", regex=True).fillna(False).to_numpy(dtype=bool)
    plain = s.str.replace("[" + re.escape(thousands or "") + re.escape(_SPACES) + "]", "", regex=True)
    if decimal != ".":
        plain = plain.str.replace(decimal, ".", regex=False)
    values = pd.to_numeric(plain.where(valid, None), errors="coerce").to_numpy(dtype=float)
    values = np.where(negate, -values, values)
    bad = ~valid & ~empty
    return values, bad


def _detect_decimal(texts, sep):
    """Decide the decimal mark from numbers written as text; ``(decimal, evidence)``."""
    if not texts:
        return ("," if sep == ";" else "."), False
    s = pd.concat([t[t != ""].head(200_000) for t in texts], ignore_index=True)
    if s.empty:
        return ("," if sep == ";" else "."), False
    # drop signs, currency and brackets around the digits
    s = s.str.replace(r"^[^0-9]+|[^0-9]+$", "", regex=True)
    comma = s.str.fullmatch(r"\d{1,3}(?:\.\d{3})+,\d*|\d+,(?:\d{1,2}|\d{4,})|0,\d+|\d{1,3}(?:\.\d{3}){2,}")
    point = s.str.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d*|\d+\.(?:\d{1,2}|\d{4,})|0\.\d+|\d{1,3}(?:,\d{3}){2,}")
    n_comma, n_point = int(comma.fillna(False).sum()), int(point.fillna(False).sum())
    if n_comma > n_point:
        return ",", True
    if n_point > n_comma:
        return ".", True
    return ("," if sep == ";" else "."), False


# date formats kamlab recognises: (date part, time parts to try, day-first?)
_TIMES = ("", " %H:%M:%S", " %H:%M", " %H:%M:%S.%f")
_DATE_FAMILIES = (
    ("ISO8601", None),
    ("%d.%m.%Y", None),
    ("%d.%m.%y", None),
    ("%d/%m/%Y", True),
    ("%m/%d/%Y", False),
    ("%d/%m/%y", True),
    ("%m/%d/%y", False),
    ("%d-%m-%Y", None),
    ("%Y/%m/%d", None),
    ("%Y%m%d", None),
)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_KNOWN_DATES = (
    "a date such as 31.12.2024, 2024-12-31, 31/12/2024 or 12/31/2024; pass date_format= for other formats"
)


def _family_formats(part):
    return [part] if part == "ISO8601" else [part + t for t in _TIMES]


def _parse_with(text, formats):
    """Parse ``text`` trying each format on the cells the earlier ones could not read."""
    parsed = pd.to_datetime(text, format=formats[0], errors="coerce")
    used = [formats[0]] if parsed.notna().any() else []
    for fmt in formats[1:]:
        todo = (parsed.isna() & (text != "")).to_numpy()
        if not todo.any():
            break
        again = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        if again.notna().any():
            used.append(fmt)
            parsed = parsed.copy()
            parsed[todo] = again
    return parsed, used


def _date_shape(fmt):
    """A regex for text that looks like a date in ``fmt`` (digits in the right places)."""
    if fmt == "ISO8601":
        return re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
    codes = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d{2}", "%H": r"\d{1,2}",
             "%M": r"\d{1,2}", "%S": r"\d{1,2}", "%f": r"\d{1,6}"}
    parts = re.split(r"(%[a-zA-Z])", fmt)
    return re.compile("".join(codes.get(p, re.escape(p)) for p in parts))


def _date_example(fmt):
    example = "2024-12-31" if fmt == "ISO8601" else pd.Timestamp("2024-12-31 08:30:00").strftime(fmt)
    return f"{fmt} like {example}" if fmt != "ISO8601" else "ISO dates like 2024-12-31"


def _translate_date_format(fmt):
    """Accept "dd.mm.yyyy" as well as "%d.%m.%Y"."""
    if "%" in fmt or fmt.upper() == "ISO8601":
        return fmt
    out = fmt.replace("yyyy", "%Y").replace("YYYY", "%Y").replace("yy", "%y").replace("YY", "%y")
    return out.replace("mm", "%m").replace("MM", "%m").replace("dd", "%d").replace("DD", "%d")


def _choose_date_family(values, dayfirst, day_default):
    """Pick the date format family that reads most of ``values``; also say if ambiguous."""
    uniq = pd.Series(pd.unique(values[values != ""]), dtype=str)
    if len(uniq) > 2000:
        uniq = pd.concat([uniq.head(1000), uniq.tail(1000)], ignore_index=True)
    scores = []
    for order, (part, day) in enumerate(_DATE_FAMILIES):
        if dayfirst is not None and day is not None and day != dayfirst:
            continue
        parsed, _ = _parse_with(uniq, _family_formats(part))
        scores.append((int(parsed.notna().sum()), part, day, order, parsed))
    best_count = max(s[0] for s in scores) if scores else 0
    if best_count == 0:
        return None, False
    top = [s for s in scores if s[0] == best_count]
    ambiguous = False
    if len(top) > 1 and {s[2] for s in top} == {True, False}:
        same = top[0][4].equals(top[1][4])
        ambiguous = not same
        top = [s for s in top if s[2] == day_default] or top
    return top[0][1], ambiguous


def _in_range(values):
    """Which dates fit ``datetime64[ns]`` (1677-09-22 to 2262-04-11); missing ones count as fitting."""
    return (values.isna() | ((values >= pd.Timestamp.min) & (values <= pd.Timestamp.max))).to_numpy()


def _to_dates(text, native, date_format, dayfirst, day_default):
    """Read a date column.

    Returns ``(dates, bad, far, formats used, ambiguous)``: ``dates`` as a
    ``datetime64[ns]`` Series, ``bad`` the cells that are not empty but no date, ``far``
    those of them that are dates outside the years pandas can hold (such as the
    placeholder 31.12.9999).
    """
    n = len(text)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    has_native = np.zeros(n, dtype=bool)
    far = np.zeros(n, dtype=bool)
    if native is not None:
        has_native = _put_native_dates(out, far, native)
    todo = ~has_native & (text != "").to_numpy()
    used, ambiguous = [], False
    if todo.any():
        parsed, used, ambiguous = _parse_text_dates(text[todo], date_format, dayfirst, day_default)
        _put_dates(out, far, todo, parsed)
    bad = out.isna().to_numpy() & ((text != "").to_numpy() | has_native)
    return out, bad, far, used, ambiguous


def _put_dates(out, far, mask, values):
    """Write ``values`` into ``out`` where ``mask`` is true; mark in ``far`` those pandas cannot hold."""
    fits = _in_range(values)
    idx = np.flatnonzero(mask)
    far[idx[~fits]] = True
    out.iloc[idx[fits]] = values[fits].astype("datetime64[ns]").to_numpy()


def _put_native_dates(out, far, native):
    """Write the cells that are dates already (or Excel serial numbers) into ``out``; return which."""
    if pd.api.types.is_datetime64_any_dtype(native):
        has_native = native.notna().to_numpy()
        _put_dates(out, far, has_native, native[has_native])
        return has_native
    is_dt = native.map(lambda v: hasattr(v, "year") and not isinstance(v, str)).to_numpy(dtype=bool)
    if is_dt.any():
        _put_dates(out, far, is_dt, pd.to_datetime(native[is_dt].map(pd.Timestamp)))
    is_num, serial = _native_numbers(native)
    if is_num.any():
        # an Excel date saved without date formatting: days since 1899-12-30
        ok = is_num & (serial >= 1) & (serial < 2958466)
        _put_dates(out, far, ok, pd.Series(_EXCEL_EPOCH + pd.to_timedelta(serial[ok], unit="D")))
    return is_dt | is_num


def _parse_text_dates(values, date_format, dayfirst, day_default):
    """Parse dates written as text with ``date_format`` or the family that fits them best.

    Returns ``(parsed, formats used, ambiguous)``.
    """
    ambiguous = False
    if date_format is not None:
        formats = [_translate_date_format(date_format)]
    else:
        family, ambiguous = _choose_date_family(values, dayfirst, day_default)
        formats = _family_formats(family) if family else []
    try:
        parsed, used = _parse_with(values, formats) if formats else (pd.Series(pd.NaT, index=values.index), [])
    except ValueError as exc:
        raise ParameterError(f"date_format={date_format!r} is not a valid date format: {exc}") from None
    if not used and date_format is not None:
        used = formats
    return parsed, used, ambiguous


def _to_ids(text, native):
    ids = text.copy()
    if native is not None:
        nums, _ = _native_numbers(native)
        if nums.any():
            ids[nums] = native[nums].map(_cell_text).astype(str)
    filled = ids != ""
    if filled.any() and ids[filled].str.fullmatch(r"-?\d+\.0+").all():
        # "17850.0": the ids went through a float on the way (Excel, pandas); only when
        # every id looks like that, so "10.0" among "10.1" stays as it is
        ids = ids.str.replace(r"\.0+$", "", regex=True)
    return ids


def _to_text(text, native):
    out = text.copy()
    if native is not None:
        nums = native.notna().to_numpy() if pd.api.types.is_numeric_dtype(native) else None
        if nums is not None and nums.any():
            out[nums] = native[nums].map(_cell_text).astype(str)
    return out.astype("str").where(out != "", np.nan)
