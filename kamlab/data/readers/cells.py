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

from kamlab.data.readers.texts import _t as _say
from kamlab.data.readers.timestamps import _drop_offsets, _drop_zone_codes, _to_datetime
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


# currency signs and codes kamlab recognises in cells and column names, and their ISO codes
_CURRENCY_CODES = ("EUR", "USD", "CHF", "GBP", "JPY", "CNY", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF")
_CURRENCY_SIGNS = {"€": "EUR", "EURO": "EUR", "US$": "USD", "$": "USD", "£": "GBP"}
_CURRENCY = r"(?i:US\$|€|\$|£|EURO|" + "|".join(_CURRENCY_CODES) + ")"
_SPACES = "\u00a0\u202f '\u2019"
_SIGNS = "+-\u2212"


def _currency_code(token):
    """The ISO code of a currency sign or code ("€" -> "EUR", "usd" -> "USD"), or None."""
    if token is None or token != token:
        return None
    upper = str(token).strip().upper()
    return _CURRENCY_SIGNS.get(upper, upper if upper in _CURRENCY_CODES else None)


def _number_body(decimal, thousands):
    group = "[" + re.escape(thousands or "") + re.escape(_SPACES) + "]"
    dec = re.escape(decimal)
    return rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)?(?:{dec}\d*)?(?:[eE][+-]?\d+)?"


def _number_pattern(decimal, thousands):
    return rf"[+-]?{_number_body(decimal, thousands)}"


def _signed_pattern(decimal, thousands):
    """A number with at most one sign anywhere a bookkeeping export puts it, and currency around it.

    "- 60,34" (space after the sign), "+1.234,56", "1.234,56-" (SAP), "(1.234,56)"
    (accounting), "€ -12,50", "-12,50 EUR". The groups tell which sign was used.
    """
    c, s = _CURRENCY, re.escape(_SIGNS)
    return (
        rf"^(?P<c1>{c})?\s*(?P<open>\()?\s*(?P<c2>{c})?\s*(?P<lead>[{s}])?\s*(?P<c3>{c})?\s*"
        rf"(?P<num>{_number_body(decimal, thousands)})\s*(?P<c4>{c})?\s*(?P<trail>[{s}])?\s*"
        rf"(?P<c5>{c})?\s*(?P<close>\))?\s*(?P<c6>{c})?$"
    )


def _read_signs(parts):
    """From the groups of :func:`_signed_pattern`: ``(readable, negative, currency, digits)``.

    A cell with two signs ("(-12)", "-12-") or an unclosed bracket is not readable: its
    sign cannot be told for sure. A cell with two different currencies is not readable either.
    """
    has = {k: parts[k].notna().to_numpy() for k in ("open", "lead", "trail", "close")}
    n_signs = has["open"].astype(int) + has["lead"] + has["trail"]
    ok = parts["num"].notna().to_numpy() & (has["open"] == has["close"]) & (n_signs <= 1)
    minus = list(_SIGNS[1:])
    negative = has["open"] | parts["lead"].isin(minus).to_numpy() | parts["trail"].isin(minus).to_numpy()
    currency = pd.Series(None, index=parts.index, dtype=object)
    for key in ("c1", "c2", "c3", "c4", "c5", "c6"):
        if parts[key].isna().all():
            continue
        code = parts[key].str.upper().replace(_CURRENCY_SIGNS)
        clash = (code.notna() & currency.notna() & (code != currency)).to_numpy()
        ok = ok & ~clash
        currency = currency.where(currency.notna(), code)
    return ok, negative, currency.to_numpy(dtype=object), parts["num"].fillna("").to_numpy(dtype=object)


def _parse_amounts(text, decimal, thousands):
    """Vectorised: text -> ``(float values, bad mask, currency of each cell or None)``.

    Empty text gives NaN, not bad. See :func:`_signed_pattern` for the signs and
    currencies read; a thousands separator counts only between groups of three digits.
    A big pyarrow-backed column is read in bulk by Arrow where its cells are plain
    ("-1.234,56": :func:`_plain_amounts`); only the other cells take the general path.
    When all are plain, ``currency`` is None (no array of Nones).
    """
    plain = _plain_amounts(text, decimal, thousands)
    if plain is None:
        return _parse_any_amounts(text, decimal, thousands)
    values, is_plain = plain
    n = len(text)
    if is_plain.all():
        return values, np.zeros(n, dtype=bool), None
    bad, currency = np.zeros(n, dtype=bool), np.full(n, None, dtype=object)
    if not is_plain.all():
        rest = ~is_plain
        values[rest], bad[rest], currency[rest] = _parse_any_amounts(
            text[rest].reset_index(drop=True), decimal, thousands)
    return values, bad, currency


def _plain_amounts(text, decimal, thousands):
    """``(values, mask)`` of the plain cells of a big pyarrow-backed column, read by Arrow; or None.

    A plain cell is an optional "-", digits (grouped by ``thousands`` in threes, or not at
    all) and optionally ``decimal`` and digits, at most 17 characters: what
    :func:`_parse_any_amounts` reads as valid without signs or currency and hands to
    Arrow's cast in :func:`_to_floats` too, so the values are the same floats.
    """
    dtype = text.dtype
    if len(text) <= 10_000 or not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    group = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|" if thousands else ""
    pattern = rf"^-?(?:{group}\d+)(?:{re.escape(decimal)}\d+)?$"
    arr = pa.array(text.array)
    values, is_plain = np.full(len(text), np.nan), np.zeros(len(text), dtype=bool)
    for start in range(0, len(arr), _AMOUNT_SLICE):  # a slice at a time: the texts made here stay small
        part = arr.slice(start, _AMOUNT_SLICE)
        # bytes, not characters: never more than the characters, equal for the ASCII cells that matter
        plain = pc.and_(pc.match_substring_regex(part, pattern), pc.less_equal(pc.binary_length(part), 17))
        plain = np.asarray(pc.fill_null(plain, False), dtype=bool)
        if not plain.any():
            continue
        is_plain[start : start + len(plain)] = plain
        cells = part if plain.all() else part.filter(pa.array(plain))
        cast = pc.cast(_as_plain_decimals(cells, decimal, thousands), pa.float64())
        values[start : start + len(plain)][plain] = (cast.to_numpy() if hasattr(cast, "chunks")
                                                     else cast.to_numpy(zero_copy_only=False))
    return values, is_plain


_AMOUNT_SLICE = 1 << 18  # cells converted at a time by _plain_amounts (their temporary texts: about 4 MB)


def _parse_any_amounts(text, decimal, thousands):
    """:func:`_parse_amounts` for any cells: signs, brackets, currencies, spaces between groups."""
    n = len(text)
    empty = (text == "").to_numpy()
    valid = text.str.fullmatch(_number_pattern(decimal, thousands)).fillna(False).to_numpy(dtype=bool).copy()
    negative = np.zeros(n, dtype=bool)
    currency = np.full(n, None, dtype=object)
    rest = ~valid & ~empty
    digits = text
    if rest.any():
        # signs after the number, brackets, spaces after the sign, currency: only the cells that need it
        parts = text[rest].str.extract(_signed_pattern(decimal, thousands))
        ok, neg, cur, num = _read_signs(parts)
        valid[rest], negative[rest], currency[rest] = ok, neg, cur
        digits = text.astype(object).to_numpy().copy() if not isinstance(text.dtype, pd.StringDtype) else text.copy()
        digits[rest] = num
        digits = pd.Series(digits, dtype="str")
    valid = valid & digits.str.contains(r"\d", regex=True).fillna(False).to_numpy(dtype=bool)
    plain = digits.str.replace("[" + re.escape(thousands or "") + re.escape(_SPACES) + "]", "", regex=True)
    if decimal != ".":
        plain = plain.str.replace(decimal, ".", regex=False)
    values = _to_floats(plain, valid)
    values = np.where(negative, -values, values)
    valid = valid & ~np.isnan(values)  # digits no parser reads ("٣,٥"): not a number, never a silent NaN
    currency[~valid] = None
    return values, ~valid & ~empty, currency


_SIMPLE_DECIMAL = r"-?[0-9]+(?:\.[0-9]*)?"  # ASCII digits: what Arrow casts


def _to_floats(plain, valid):
    """``pd.to_numeric(plain.where(valid, None), errors="coerce")`` as floats, the plain decimals of
    up to 17 characters ("-1234.5") cast by Arrow: both give the correctly rounded float."""
    values = np.full(len(plain), np.nan)
    idx = np.flatnonzero(valid)
    if not len(idx):
        return values
    sub = plain[valid]
    simple = np.zeros(len(sub), dtype=bool)
    if isinstance(sub.dtype, pd.StringDtype) and sub.dtype.storage == "pyarrow":
        simple = (sub.str.fullmatch(_SIMPLE_DECIMAL) & (sub.str.len() <= 17)).fillna(False).to_numpy(dtype=bool)
    if simple.any():
        import pyarrow as pa
        import pyarrow.compute as pc

        cast = pc.cast(pa.array(sub[simple].array), pa.float64())
        values[idx[simple]] = cast.to_numpy() if hasattr(cast, "chunks") else cast.to_numpy(zero_copy_only=False)
    if not simple.all():
        values[idx[~simple]] = pd.to_numeric(sub[~simple], errors="coerce").to_numpy(dtype=float)
    return values


def _parse_numbers(text, decimal, thousands):
    """Vectorised: text -> (float array, bad mask). Empty text gives NaN, not bad."""
    values, bad, _ = _parse_amounts(text, decimal, thousands)
    return values, bad


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


def _family_formats(part):
    return [part] if part == "ISO8601" else [part + t for t in _TIMES]


def _parse_with(text, formats):
    """Parse ``text`` trying each format on the cells the earlier ones could not read."""
    parsed = _to_datetime(text, formats[0])
    used = [formats[0]] if parsed.notna().any() else []
    for fmt in formats[1:]:
        todo = (parsed.isna() & (text != "")).to_numpy()
        if not todo.any():
            break
        again = _to_datetime(text[todo], fmt)
        if again.notna().any():
            used.append(fmt)
            parsed = parsed.copy()
            parsed[todo] = again
    return parsed, used


def _date_shape(fmt):
    """A regex for text that looks like a date in ``fmt`` (digits in the right places)."""
    if fmt == "ISO8601":
        return re.compile(
            r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
            r"(?:\s*(?:Z|UTC|GMT|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?))?)?"
        )
    codes = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d{2}", "%H": r"\d{1,2}",
             "%M": r"\d{1,2}", "%S": r"\d{1,2}", "%f": r"\d{1,6}"}
    parts = re.split(r"(%[a-zA-Z])", fmt)
    return re.compile("".join(codes.get(p, re.escape(p)) for p in parts))


def _date_example(fmt):
    example = "2024-12-31" if fmt == "ISO8601" else pd.Timestamp("2024-12-31 08:30:00").strftime(fmt)
    return _say("date_like", fmt=fmt, example=example) if fmt != "ISO8601" else _say("iso_like")


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
    if isinstance(values.dtype, np.dtype) and values.dtype.kind == "M":
        # compared as integers in the column's own unit: exact, without converting each date
        unit, count = np.datetime_data(values.dtype)
        if unit in ("D", "h", "m", "s", "ms", "us", "ns"):
            per = int(np.timedelta64(count, unit) // np.timedelta64(1, "ns"))
            ints = values.to_numpy().view("int64")
            low, high = -(-pd.Timestamp.min.value // per), pd.Timestamp.max.value // per
            return (ints == np.iinfo(np.int64).min) | ((ints >= low) & (ints <= high))
    return (values.isna() | ((values >= pd.Timestamp.min) & (values <= pd.Timestamp.max))).to_numpy()


def _to_dates(text, native, date_format, dayfirst, day_default):
    """Read a date column.

    Returns ``(dates, bad, far, formats used, ambiguous)``: ``dates`` as a
    ``datetime64[ns]`` Series, ``bad`` the cells that are not empty but no date, ``far``
    those of them that are dates outside the years pandas can hold (such as the
    placeholder 31.12.9999).
    """
    from kamlab.data.readers.fast import _filled_cells

    n = len(text)
    has_native = np.zeros(n, dtype=bool)
    far = np.zeros(n, dtype=bool)
    filled = _filled_cells(text)
    used, ambiguous = [], False
    if native is None and n and filled.all():  # every cell a date written as text: no copy of the column
        parsed, used, ambiguous = _parse_unique_dates(text, date_format, dayfirst, day_default)
        out = _all_dates(text.index, far, parsed)
        if _PANDAS_BEFORE_3:
            _mark_far_text(text, out, far, filled, used)
        return out, out.isna().to_numpy(), far, used, ambiguous
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if native is not None:
        has_native = _put_native_dates(out, far, native)
    todo = ~has_native & filled
    if todo.any():
        parsed, used, ambiguous = _parse_unique_dates(text[todo], date_format, dayfirst, day_default)
        _put_dates(out, far, todo, parsed)
        if _PANDAS_BEFORE_3:
            _mark_far_text(text, out, far, todo, used)
    bad = out.isna().to_numpy() & (filled | has_native)
    return out, bad, far, used, ambiguous


def _all_dates(index, far, values):
    """The dates of a column all of whose cells are in ``values``, as :func:`_put_dates` writes them into a
    column of NaT (with ``index``); marks in ``far`` those pandas cannot hold."""
    if not (isinstance(values.dtype, np.dtype) and values.dtype.kind == "M"):
        out = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
        _put_dates(out, far, np.ones(len(out), dtype=bool), values)
        return out
    fits = _in_range(values)
    far |= ~fits
    stamps = values.to_numpy()
    if fits.all():  # the dates are a new array (a take): no copies of it (pandas 3 would copy twice)
        return pd.Series(stamps.astype("datetime64[ns]", copy=False), index=index, copy=False)
    kept = np.full(len(stamps), np.datetime64("NaT"), dtype="datetime64[ns]")
    kept[fits] = stamps[fits].astype("datetime64[ns]")
    return pd.Series(kept, index=index, copy=False)


def _put_dates(out, far, mask, values):
    """Write ``values`` into ``out`` where ``mask`` is true; mark in ``far`` those pandas cannot hold."""
    fits = _in_range(values)
    idx = np.flatnonzero(mask)
    far[idx[~fits]] = True
    out.iloc[idx[fits]] = values[fits].astype("datetime64[ns]").to_numpy()


def _put_stamps(out, far, mask, stamps):
    """Write typed date cells (datetime, date, Timestamp) one by one: pandas < 3 cannot convert
    a column holding 9999-12-31 at all (OutOfBoundsDatetime), so the far ones are marked here."""
    values = np.full(len(stamps), np.datetime64("NaT"), dtype="datetime64[ns]")
    fits = np.zeros(len(stamps), dtype=bool)
    for k, v in enumerate(stamps):
        try:
            stamp = pd.Timestamp(v)
            if stamp.tzinfo is not None:
                stamp = stamp.tz_localize(None)
            values[k] = stamp.as_unit("ns").to_datetime64()
            fits[k] = True
        except (ValueError, TypeError, OverflowError):  # OutOfBoundsDatetime is a ValueError
            pass
    idx = np.flatnonzero(mask)
    far[idx[~fits]] = True
    out.iloc[idx[fits]] = values[fits]


_PANDAS_BEFORE_3 = int(pd.__version__.split(".")[0]) < 3


def _mark_far_text(text, out, far, todo, formats, limit=1000):
    """pandas < 3 parses "31.12.9999" as NaT instead of a date it cannot hold: mark such cells far."""
    left = todo & out.isna().to_numpy() & ~far
    values = text[left]
    for value in pd.unique(values)[:limit]:
        for fmt in formats:
            try:
                stamp = dt.datetime.fromisoformat(value) if fmt == "ISO8601" else dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            if not pd.Timestamp.min <= pd.Timestamp(stamp.replace(tzinfo=None)) <= pd.Timestamp.max:
                far[np.flatnonzero(left)[(values == value).to_numpy()]] = True
            break


def _put_native_dates(out, far, native):
    """Write the cells that are dates already (or Excel serial numbers) into ``out``; return which."""
    if pd.api.types.is_datetime64_any_dtype(native):
        has_native = native.notna().to_numpy()
        _put_dates(out, far, has_native, native[has_native])
        return has_native
    is_dt = native.map(lambda v: hasattr(v, "year") and not isinstance(v, str)).to_numpy(dtype=bool)
    if is_dt.any():
        _put_stamps(out, far, is_dt, native[is_dt])
    is_num, serial = _native_numbers(native)
    if is_num.any():
        # an Excel date saved without date formatting: days since 1899-12-30, or since
        # 1904-01-01 in a workbook with the 1904 date system (dialect.py puts it in attrs)
        epoch = native.attrs.get("excel_epoch", _EXCEL_EPOCH)
        ok = is_num & (serial >= 1) & (serial < 2958466)
        _put_dates(out, far, ok, pd.Series(epoch + pd.to_timedelta(serial[ok], unit="D")))
    return is_dt | is_num


def _parse_unique_dates(values, date_format, dayfirst, day_default):
    """:func:`_parse_text_dates` of a big column with repeated dates: each distinct text parsed once.

    Parsing is per cell, the family is chosen from the distinct texts in the order they
    first appear and a format counts as used when it reads some text: the same result (in
    ``datetime64[ns]`` when every date fits it, the unit the column gets anyway).
    """
    if len(values) > 10_000:
        from kamlab.data.readers.fast import _factorized, _take  # fast.py imports this module

        found = _factorized(values)
        codes, uniques = found if found is not None else pd.factorize(values, use_na_sentinel=False)
        if len(uniques) <= len(values) // 2:
            parsed, used, ambiguous = _parse_text_dates(pd.Series(uniques, dtype=values.dtype), date_format,
                                                        dayfirst, day_default)
            if parsed.dtype.kind != "M":
                return pd.Series(parsed.array.take(codes), index=values.index), used, ambiguous
            if _in_range(parsed).all():  # made ns here, not in the unit returned: no copy of the column
                parsed = parsed.astype("datetime64[ns]")
            return pd.Series(_take(parsed.to_numpy(), codes), index=values.index, copy=False), used, ambiguous
    return _parse_text_dates(values, date_format, dayfirst, day_default)


def _parse_text_dates(values, date_format, dayfirst, day_default):
    """Parse dates written as text with ``date_format`` or the family that fits them best.

    Returns ``(parsed, formats used, ambiguous)``.
    """
    ambiguous = False
    values = _drop_offsets(values)
    if date_format is not None:
        formats = [_drop_zone_codes(_translate_date_format(date_format))]
    else:
        family, ambiguous = _choose_date_family(values, dayfirst, day_default)
        formats = _family_formats(family) if family else []
    try:
        parsed, used = _parse_with(values, formats) if formats else (pd.Series(pd.NaT, index=values.index), [])
    except ValueError as exc:
        raise ParameterError(_say("bad_date_format", fmt=date_format, error=exc)) from None
    if not used and date_format is not None:
        used = formats
    return parsed, used, ambiguous


# a whole number that went through a float: "10000.0", "10000,00" (no leading zeros: "000123" is an id)
_FLOAT_ID = r"(?:0|[1-9]\d*)[.,]0{1,2}"


def _to_ids(text, native):
    """Ids as text: ``(ids, mask of the ids written as floats and read as whole numbers)``.

    "10000.0" and "10000" are the same customer once an export went through Excel or
    pandas: "10000.0" becomes "10000", unless some other id has a decimal part that is
    not zero ("10.1"), which shows that the dots belong to the ids. Leading zeros stay.
    """
    ids = text.copy()
    if native is not None:
        nums, _ = _native_numbers(native)
        if nums.any():
            ids[nums] = native[nums].map(_cell_text).astype(str)
    floaty = ids.str.fullmatch(_FLOAT_ID).fillna(False).to_numpy(dtype=bool)
    if not floaty.any():
        return ids, floaty
    dotted = ids.str.fullmatch(r"\d+[.,]\d+").fillna(False).to_numpy(dtype=bool)
    if (dotted & ~floaty).any():
        return ids, np.zeros(len(ids), dtype=bool)
    ids = ids.copy()
    ids[floaty] = ids[floaty].str.replace(r"[.,]0+$", "", regex=True)
    return ids, floaty


def _to_text(text, native):
    out = text.copy()
    if native is not None:
        nums = native.notna().to_numpy() if pd.api.types.is_numeric_dtype(native) else None
        if nums is not None and nums.any():
            out[nums] = native[nums].map(_cell_text).astype(str)
    out = out.astype("str")
    if len(out) > 10_000 and not out.hasnans:
        from kamlab.data.readers.fast import _filled_cells

        if _filled_cells(out).all():  # no empty cell: nothing to replace (and no copy of a big column)
            return out
    return out.where(out != "", np.nan)


def _as_plain_decimals(cells, decimal, thousands):
    """Arrow text cells with ``thousands`` taken out and ``decimal`` written as ".": what
    ``pc.replace_substring`` twice gives, made from the cells' bytes with numpy (a third of its time).

    For cells without nulls whose ``decimal`` and ``thousands`` are single ASCII characters (the plain
    cells of :func:`_plain_amounts`); other cells are rewritten by ``pc.replace_substring``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from kamlab.data.readers.fast import _text_buffers  # fast.py imports this module

    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    ascii_marks = all(len(m) == 1 and ord(m) < 0x80 for m in (decimal, *([thousands] if thousands else [])))
    if cells.null_count or not ascii_marks or not (pa.types.is_string(cells.type)
                                                   or pa.types.is_large_string(cells.type)):
        if thousands:
            cells = pc.replace_substring(cells, thousands, "")
        return pc.replace_substring(cells, decimal, ".") if decimal != "." else cells
    offsets, data = _text_buffers(cells)
    offsets = offsets.astype(np.int64)
    data = data[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    if thousands:
        gone = np.flatnonzero(data == ord(thousands))
        if len(gone):
            offsets = offsets - np.searchsorted(gone, offsets)  # each cell's end moves by the marks before it
            data = np.delete(data, gone)
    if decimal != ".":
        data = np.where(data == ord(decimal), np.uint8(ord(".")), data)
    return pa.LargeStringArray.from_buffers(len(cells), pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data)))
