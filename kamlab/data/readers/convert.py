"""Converting the mapped columns of a raw table to their kinds, recording what cannot be used.

One column at a time: numbers (with the decimal mark decided for the whole file),
dates (warning when they are ambiguous), ids and text; empty required values,
computed revenue/cost and duplicate account ids. Every unusable cell goes to the
``_Problems`` collector of :mod:`kamlab.data.readers.report`.
"""


from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from kamlab.data.readers.cells import (
    _KNOWN_DATES,
    _date_example,
    _date_shape,
    _detect_decimal,
    _native_numbers,
    _parse_numbers,
    _to_dates,
    _to_ids,
    _to_text,
)
from kamlab.data.readers.columns import _KINDS
from kamlab.data.readers.dialect import _word
from kamlab.data.readers.report import AmbiguousDatesWarning, _display


def _choose_decimal(raw, mapping, decimal, thousands, report):
    """Decide the decimal mark and thousands separator from the number columns written as text."""
    texts = []
    for source, canon in mapping.items():
        if _KINDS[canon] != "number":
            continue
        nat = raw.native.get(source)
        text = raw.text[source]
        texts.append(text if nat is None else text[nat.isna().to_numpy()])
    any_text = any((t != "").any() for t in texts)
    if decimal is None:
        decimal, evidence = _detect_decimal(texts, raw.meta.get("sep"))
        if any_text and not evidence:
            report.notes.append(
                f"the numbers do not show their decimal mark; read with decimal {decimal!r}. "
                "Pass decimal= if that is wrong."
            )
    if thousands is None:
        thousands = "." if decimal == "," else ","
    if any_text or raw.meta["format"] == "text":
        report.decimal, report.thousands = decimal, thousands
    return decimal, thousands


def _convert_numbers(raw, source, problems, decimal, thousands):
    text, nat = raw.text[source], raw.native.get(source)
    is_native, native_values = np.zeros(len(text), dtype=bool), np.full(len(text), np.nan)
    if nat is not None:
        is_native, native_values = _native_numbers(nat)
    parsed, bad = _parse_numbers(text, decimal, thousands)
    values = np.where(is_native, native_values, parsed)
    bad = bad & ~is_native
    shown = f"thousands {thousands!r}" if thousands else "no thousands separator"
    reasons = [f"cannot read {v!r} as a number (decimal {decimal!r}, {shown})" for v in text.to_numpy()[bad]]
    problems.add(bad, source, _spread(reasons, bad))
    return pd.Series(values, dtype="float64")


def _convert_dates(raw, source, problems, date_format, dayfirst, day_default, report):
    text = raw.text[source]
    values, bad, far, used, ambiguous = _to_dates(text, raw.native.get(source), date_format, dayfirst, day_default)
    if used:
        report.date_format = " | ".join(used)
    if ambiguous:
        order = "day first" if day_default else "month first"
        message = (
            f"dates such as {text[text != ''].iloc[0]!r} in column {source!r} could be day first or "
            f"month first; they were read {order} ({report.date_format}). Pass dayfirst=True or "
            "dayfirst=False to say which."
        )
        report.notes.append(message)
        warnings.warn(f"{_display(report.path)}: {message}", AmbiguousDatesWarning, stacklevel=5)
    shapes = [_date_shape(f) for f in used]
    expected = ", ".join(_date_example(f) for f in used) if used else _KNOWN_DATES
    reasons = [
        f"{v!r} is outside the dates pandas can hold (1677-09-22 to 2262-04-11); is it a placeholder?"
        if is_far
        else f"{v!r} is not a valid date: there is no such day"
        if any(shape.fullmatch(v) for shape in shapes)
        else f"cannot read {v!r} as a date (expected {expected})"
        for v, is_far in zip(text.to_numpy()[bad], far[bad])
    ]
    problems.add(bad, source, _spread(reasons, bad))
    return values.reset_index(drop=True)


def _convert(raw, mapping, required, problems, *, decimal, thousands, dayfirst, date_format, report):
    """Convert each mapped column to its kind; record unreadable and missing values."""
    decimal, thousands = _choose_decimal(raw, mapping, decimal, thousands, report)
    out = {}
    for source, canon in mapping.items():
        kind = _KINDS[canon]
        text, nat = raw.text[source], raw.native.get(source)
        if kind == "number":
            out[canon] = _convert_numbers(raw, source, problems, decimal, thousands)
        elif kind == "date":
            out[canon] = _convert_dates(raw, source, problems, date_format, dayfirst, decimal == ",", report)
        elif kind == "id":
            ids = _to_ids(text, nat).reset_index(drop=True)
            out[canon] = ids.astype("str").where(ids != "", np.nan)
        else:
            out[canon] = _to_text(text, nat).reset_index(drop=True)
        if canon in required:
            empty = (text == "").to_numpy()
            if nat is not None:
                empty = empty & nat.isna().to_numpy()
            if canon == "account_id":
                problems.add(empty, source, _total_line_hint(raw.text, empty, "the account id is empty"))
            else:
                problems.add(empty, source, f"the {canon.replace('_', ' ')} is empty")
    return out, decimal, thousands


# canonical column -> the two columns it is the product of, when the file lacks it
_COMPUTABLE = {"revenue": ("quantity", "unit_price"), "cost": ("quantity", "unit_cost")}


def _compute_missing(out, mapping, required, problems, report):
    """revenue = quantity x unit_price (and cost = quantity x unit_cost) when not in the file."""
    file_name = {v: k for k, v in mapping.items()}
    for target, (a, b) in _COMPUTABLE.items():
        if target in out or a not in out or b not in out:
            continue
        out[target] = out[a] * out[b]
        if target == "revenue":
            report.revenue_computed = True
        else:
            report.notes.append(f"{target} computed as {a.replace('_', ' ')} x {b.replace('_', ' ')}.")
        if target in required:
            for part in (a, b):
                hole = out[part].isna().to_numpy() & ~problems.rows
                reason = f"the {part.replace('_', ' ')} is empty, so the {target} cannot be computed"
                problems.add(hole, file_name[part], reason)


def _check_duplicate_ids(raw, out, mapping, problems):
    """In an account table every account id may appear once; name all lines of a repeated one."""
    ids = out["account_id"]
    dup = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
    if not dup.any():
        return
    lines_of = pd.Series(raw.lines[dup]).groupby(ids[dup].to_numpy()).agg(list)
    reasons = np.empty(len(ids), dtype=object)
    for idx in np.flatnonzero(dup):
        lines = lines_of[ids.iloc[idx]]
        listed = ", ".join(str(x) for x in lines[:-1]) + f" and {lines[-1]}"
        reasons[idx] = f"the account id {ids.iloc[idx]!r} appears more than once ({_word(raw)}s {listed})"
    source = next(k for k, v in mapping.items() if v == "account_id")
    problems.add(dup, source, reasons)


def _spread(reasons_for_bad, bad):
    """Place the reasons of the bad cells into a full-length array."""
    out = np.empty(len(bad), dtype=object)
    out[np.flatnonzero(bad)] = reasons_for_bad
    return out


_TOTAL_WORDS = re.compile(r"(?i)^(summe|gesamt|total|sum|zwischensumme|subtotal)\b")


def _total_line_hint(text, empty, reason):
    reasons = np.full(len(text), reason, dtype=object)
    idx = np.flatnonzero(empty)
    if len(idx) == 0 or len(idx) > 1000:
        return reasons
    for i in idx:
        if any(_TOTAL_WORDS.match(v) for v in text.iloc[i].to_numpy()):
            reasons[i] = reason + " (is this a total line? Delete it from the file)"
    return reasons
