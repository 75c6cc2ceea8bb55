"""The search for total-line words ("Summe", "Gesamt", "Total", ...) in big text columns, from the cells' first
bytes (:func:`kamlab.data.readers.fast._edge_bytes`) and second bytes, each distinct text matched once: what
``col.str.contains(_TOTAL_START)`` gives, without a regex over millions of cells (used by ``lines.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.data.readers.fast import _NO_BYTE, _edge_bytes, _str_dtype, _string_text, _text_buffers


# first letters of a total word ("Summe", "Gesamt", "Übertrag", ...) as bytes, both cases
_TOTAL_FIRST = np.array(sorted({ord(c) for c in "gszeiutGSZEIUT"}), dtype=np.int16)
# by first byte (an edge byte of _edge_bytes): such a letter, or _maybe_space (not _NO_BYTE, an empty cell)
_TOTAL_OR_SPACE = np.zeros(256, dtype=bool)
_TOTAL_OR_SPACE[_TOTAL_FIRST] = True
_TOTAL_OR_SPACE[: 0x21] = True
_TOTAL_OR_SPACE[0x7F : 0x100] = True
_TOTAL_OR_SPACE[_NO_BYTE] = False


def _total_candidates(col, pattern, categories=None):
    """``col.str.contains(pattern)`` for the total-line words: :func:`_maybe_total` as an array."""
    found = _maybe_total(col, pattern, categories)
    return np.zeros(len(col), dtype=bool) if found is None else found


def _maybe_total(col, pattern, categories=None):
    """``col.str.contains(pattern)`` for the total-line words, looked at only where it can match; None where no
    cell matches (most columns: no array of them made).

    ``pattern`` starts with optional spaces and one of the total words: a cell can match
    only if its first byte is such a letter, a space or control character, or not ASCII.
    ``categories``: the Parquet category column ``col`` was decoded from (and stripped as
    :func:`_string_text` strips): then each category is looked at once.
    """
    if categories is not None and len(col) > 10_000 and _str_dtype() is not None:
        names = pd.Series(np.asarray(categories.cat.categories, dtype=object), dtype=_str_dtype())
        stripped = _string_text(names)
        if stripped is not None:
            hit = np.append(_total_matches(stripped, pattern), False)  # code -1 (missing): "", no total
            return hit[categories.cat.codes.to_numpy()] if hit.any() else None
    if len(col) > 10_000 and isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.dtype == object:
        # a typed column's lazy text: each category once, as col.str.contains does (missing: False)
        names = pd.Series(np.asarray(col.cat.categories, dtype=object), dtype=object)
        hit = np.append(names.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool), False)
        return hit[col.cat.codes.to_numpy()] if hit.any() else None
    edges = _edge_bytes(col) if len(col) > 10_000 else None
    if edges is None:
        return col.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    low, high = int(edges[0].min()), int(edges[0].max())
    if not _TOTAL_OR_SPACE[low : high + 1].any():  # no such byte from the lowest first byte to the highest (ids
        return None  # "K4711", "R0815" or "10023"): two cheap passes
    starting = np.flatnonzero((_byte_counts(edges[0]) > 0) & _TOTAL_OR_SPACE)  # such first bytes present
    if not len(starting):  # no cell starts so: one pass
        return None
    if len(starting) <= 4:  # a few bytes: compared directly (a table lookup copies the index array first)
        maybe = edges[0] == starting[0]
        for byte in starting[1:]:
            maybe |= edges[0] == byte
    else:
        maybe = _TOTAL_OR_SPACE[edges[0]]  # np.isin(first, _TOTAL_FIRST) | _maybe_space(first)
    # a cell starting with a letter can match only with the word's second letter after it ("Stellantriebe" and
    # "Service" cannot be "Summe"): looked at in the bytes, for the cells that start with a letter only
    letter = np.flatnonzero(maybe & (edges[0] >= ord("A")) & (edges[0] < 0x7F))
    if len(letter):
        second = _second_bytes(col, letter)
        maybe[letter[~_TOTAL_SECOND[edges[0][letter] | 0x20, second.view(np.uint16) & 0x1FF]]] = False
    out = np.zeros(len(col), dtype=bool)
    # each distinct text once (a column of product groups repeats a few words a million times), a million
    # rows at a time (the cells taken out and their hash table stay small)
    for start in range(0, len(col), 1 << 20):
        part = maybe[start : start + (1 << 20)]
        if part.any():
            codes, uniques = pd.factorize(col.iloc[start : start + (1 << 20)][part], use_na_sentinel=False)
            out[start : start + len(part)][part] = _total_matches(pd.Series(uniques, dtype=col.dtype), pattern)[codes]
    return out


# first letter (lower case) x second byte (-1 for none, as 0x1FF): may the cell start a total word? The second
# letters of the words of lines.py's _TOTAL_START after each first letter, either case; any non-ASCII byte
_TOTAL_SECOND = np.zeros((128, 512), dtype=bool)
for _word in ("ges", "gra", "sum", "sub", "zwi", "end", "ins", "ueb", "tot"):
    _TOTAL_SECOND[ord(_word[0]), [ord(_word[1]), ord(_word[1].upper())]] = True
_TOTAL_SECOND[:, 0x80:0x100] = True


def _second_bytes(col, rows):
    """The second byte of the cells at ``rows`` (sorted positions) of a pyarrow-backed text Series, -1 where
    a cell has fewer than two bytes."""
    import pyarrow as pa

    arr = pa.array(col.array)
    out, at = np.full(len(rows), -1, dtype=np.int16), 0
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        lo, hi = np.searchsorted(rows, [at, at + len(chunk)])
        if hi > lo:
            offsets, data = _text_buffers(chunk)
            local = rows[lo:hi] - at
            start = offsets[local]
            long = offsets[local + 1] - start >= 2
            out[lo:hi][long] = data[start[long] + 1]
        at += len(chunk)
    return out


def _total_matches(texts, pattern):
    """``texts.str.contains(pattern)`` as booleans: RE2 (pyarrow) with a looser pattern first, then the
    exact one on what is left."""
    maybe = _re2_contains(texts, _TOTAL_LOOSE)
    if maybe.any():  # the exact pattern: Python's re (a compiled pattern; pandas hands it to re)
        maybe[maybe] = texts[maybe].str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    return maybe


def _re2_contains(texts, pattern):
    """``texts.str.contains(pattern)`` (missing: False) by pyarrow's RE2 itself, for an RE2 pattern (``\\pL``):
    pandas 2.3 hands some to Python's ``re``, which refuses them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(texts.array) if isinstance(texts.dtype, pd.StringDtype) and texts.dtype.storage == "pyarrow" \
        else pa.array(texts.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    hit = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
    return hit.to_numpy(zero_copy_only=False).astype(bool, copy=True)


# matches wherever lines.py's _TOTAL_START does (any non-letter before the word; every case variant, also the
# letters Python's re folds to i and RE2 does not: ı and İ)
_TOTAL_LOOSE = r"(?i)^[^\pL\pN]*(?:ges|[sſ]um|zw[iıİ]|end|[iıİ]ns|übe|ueb|gra|[sſ]ub|tot)"


def _byte_counts(edge):
    """How many cells start (or end) with each byte 0..255 (an edge array of :func:`_edge_bytes`; empty cells,
    :data:`_NO_BYTE`, not counted): ``np.bincount`` a million cells at a time, so its index copy stays small."""
    counts = np.zeros(256, dtype=np.int64)
    for start in range(0, len(edge), 1 << 20):
        counts += np.bincount(edge[start : start + (1 << 20)], minlength=256)
    counts[_NO_BYTE] = 0
    return counts
