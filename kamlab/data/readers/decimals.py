"""The decimal mark of number columns written as text: the evidence of the numbers that can be read one way
only ("1.234,56", "12,5"), and the columns whose numbers could be read both ways ("1.706")."""

from __future__ import annotations

import re

import numpy as np

from kamlab.data.readers.fast import _edge_bytes
from kamlab.data.readers.threads import _in_threads


def _bare_numbers(text):
    """The cells of ``text`` that are not empty, without signs, currency and brackets around the digits."""
    s = text[text != ""]
    return s.str.replace(r"^[^0-9]+|[^0-9]+$", "", regex=True)


_DECIMAL_SAMPLE = 200_000  # the first cells of each column looked at for the decimal mark


def _detect_decimal(texts, sep):
    """Decide the decimal mark from numbers written as text; ``(decimal, evidence)``: the numbers that can be
    read one way only ("1.234,56", "12,5", "0,75") are counted for each mark among the first 200,000 cells of
    each column, and the mark with more wins (each column looked at in a worker thread of the reader, two at
    a time)."""
    if not texts:
        return ("," if sep == ";" else "."), False

    counts = (_in_threads(_column_evidence, texts) if len(texts[0]) > 10_000
              else [_column_evidence(t) for t in texts])
    n_comma, n_point = sum(c for c, _ in counts), sum(p for _, p in counts)
    if n_comma > n_point:
        return ",", True
    if n_point > n_comma:
        return ".", True
    return ("," if sep == ";" else "."), False


def _column_evidence(text):
    """:func:`_decimal_evidence` of the bare numbers among a column's first :data:`_DECIMAL_SAMPLE` cells."""
    head = text.head(_DECIMAL_SAMPLE)
    bare = _digits_at_both_ends(head)
    if bare is None:
        return _decimal_evidence(_bare_numbers(head))
    # the cells starting and ending with a digit are bare already: counted as they are, only the others bared
    here, there = _decimal_evidence(head[bare]), _decimal_evidence(_bare_numbers(head[~bare]))
    return here[0] + there[0], here[1] + there[1]


def _digits_at_both_ends(text):
    """Which cells of a pyarrow-backed text column start and end with an ASCII digit (from their edge bytes), or
    None for other columns."""
    edges = _edge_bytes(text) if len(text) > 10_000 else None
    if edges is None:
        return None
    first, last = edges
    return (first >= ord("0")) & (first <= ord("9")) & (last >= ord("0")) & (last <= ord("9"))


def _decimal_evidence(s):
    """``(n_comma, n_point)``: how many of the bare numbers ``s`` can be read with a decimal comma only, and
    with a decimal point only."""
    if s.empty:
        return 0, 0
    comma = s.str.fullmatch(
        r"\d{1,3}(?:\.\d{3})+,\d*|\d+,(?:\d{1,2}|\d{4,})|0,\d+|\d{4,},\d{3}|\d{1,3}(?:\.\d{3}){2,}"
    )
    point = s.str.fullmatch(
        r"\d{1,3}(?:,\d{3})+\.\d*|\d+\.(?:\d{1,2}|\d{4,})|0\.\d+|\d{4,}\.\d{3}|\d{1,3}(?:,\d{3}){2,}"
    )
    return int(comma.fillna(False).sum()), int(point.fillna(False).sum())


def _may_be_ambiguous(text):
    """False if some number in ``text`` is neither whole nor "1.706"/"1,706": then no column holding
    ``text`` can be read both ways (the answer of :func:`_ambiguous_mark` is None at once)."""
    s = _bare_numbers(text)
    either = s.str.fullmatch(r"\d+|\d{1,3}[.]\d{3}|\d{1,3},\d{3}").fillna(False)
    return bool(either.all())


def _ambiguous_mark(text):
    """``(mark, mask)`` when a column's numbers could have a thousands separator or a decimal mark.

    That is when every number in it is whole ("705") or has one ``mark`` ("." or ",")
    followed by exactly three digits ("1.706", "12.450"): 1706 with a thousands
    separator, 1.706 with a decimal mark. ``mask`` marks the cells with the mark.
    ``(None, None)`` when the column tells by itself.
    """
    if len(text) > 10_000 and not _may_be_ambiguous(text.head(1000)):
        return None, None
    s = _bare_numbers(text)
    if s.empty:
        return None, None
    plain = s.str.fullmatch(r"\d+").fillna(False)
    for mark in (".", ","):
        grouped = s.str.fullmatch(r"\d{1,3}" + re.escape(mark) + r"\d{3}").fillna(False)
        if grouped.any() and (grouped | plain).all():
            mask = np.zeros(len(text), dtype=bool)
            mask[np.flatnonzero((text != "").to_numpy())[grouped.to_numpy()]] = True
            return mark, mask
    return None, None
