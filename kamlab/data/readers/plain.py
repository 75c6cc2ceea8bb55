"""Plain amounts ("-1.234,56") read from the bytes of Arrow text cells with numpy: which cells are plain, and
their values, without a regular expression, a rewritten copy of the text or a cast (a third of their time).

A plain cell, as ``cells._plain_amounts`` defines it: at most 17 bytes, an optional "-", digits (grouped by
``thousands`` in threes, or not at all) and optionally ``decimal`` followed by digits. Its value is the float
nearest to the decimal number it writes, as Arrow's cast (and Python's ``float``) gives it: the digits make
an integer below 10**17 and the decimals a power of ten; when the integer is below 2**53 both are floats
exactly, and one division rounds their quotient correctly (Clinger's fast path). The few cells with 16 or 17
digits that are not below 2**53 are cast by Arrow.
"""

from __future__ import annotations

import numpy as np

_WIDTH = 17  # the longest plain cell, in bytes
_EXACT = 2**53  # integers below it are floats exactly


def _plain_values(cells, decimal, thousands):
    """``(values, plain)`` of an Arrow (large) string array: a float for each plain cell (NaN elsewhere) and
    the mask of the plain cells. ``decimal`` and ``thousands`` (or "") are single ASCII characters."""
    import pyarrow as pa

    from kamlab.data.readers.fast import _text_buffers

    n = len(cells)
    offsets, data = _text_buffers(cells)
    starts = offsets[:-1].astype(np.int64) - offsets[0]
    length = (offsets[1:] - offsets[:-1]).astype(np.int64)
    data = data[offsets[0] : offsets[-1]]
    ok = (length >= 1) & (length <= _WIDTH)
    if cells.null_count:
        ok &= cells.is_valid().to_numpy(zero_copy_only=False)
    # each cell's bytes in a row of _WIDTH (rows of cells that cannot be plain stay empty): a view of the bytes
    # with _WIDTH zeros after them, its windows taken at the cells' starts
    padded = np.concatenate([data, np.zeros(_WIDTH, dtype=np.uint8)])
    rows = np.lib.stride_tricks.sliding_window_view(padded, _WIDTH)[np.where(ok, starts, len(data))]
    column = np.arange(_WIDTH)
    inside = column < np.where(ok, length, 0)[:, None]
    digit = (rows >= ord("0")) & (rows <= ord("9")) & inside
    point = (rows == ord(decimal)) & inside
    group = (rows == ord(thousands)) & inside if thousands else np.zeros_like(digit)
    minus = rows[:, 0] == ord("-")
    sign = minus.astype(np.int64)
    # every byte a digit, a mark, or the "-" in front; at most one decimal mark
    other = inside & ~(digit | point | group)
    other[:, 0] &= ~minus
    n_points = point.sum(axis=1)
    ok &= ~other.any(axis=1) & (n_points <= 1)
    # the integer part: from after the "-" to the decimal mark (or the end), at least one byte, starting with a
    # digit; the decimals after the mark: at least one digit, no thousands mark among them
    mark_at = np.where(n_points == 1, point.argmax(axis=1), length)
    whole = mark_at - sign
    ok &= (whole >= 1) & ((n_points == 0) | (mark_at < length - 1))
    ok &= digit[np.arange(n), np.minimum(sign, _WIDTH - 1)]
    # thousands marks: k of them, exactly at the positions that leave a first group of 1-3 digits and groups of
    # three after it ("1.234.567", never "12.34" or "1234.567")
    n_groups = group.sum(axis=1)
    first = whole - 4 * n_groups
    ok &= (n_groups == 0) | ((first >= 1) & (first <= 3))
    if thousands:
        # small integers: positions are below 17 (an int64 matrix of 262,144 rows would take 36 MB)
        where = column.astype(np.int16)[None, :] - np.clip(sign + first, -64, 64).astype(np.int16)[:, None]
        expected = ((n_groups > 0)[:, None] & (where >= 0) & (where % 4 == 0)
                    & (column[None, :] < mark_at[:, None]))
        ok &= ~(group ^ expected).any(axis=1)
    # the value: the digits as one integer (at most 17 of them: below 10**17), divided by 10**decimals
    integer = np.zeros(n, dtype=np.int64)
    for j in range(min(_WIDTH, int(length[ok].max(initial=0)))):
        integer = np.where(digit[:, j], integer * 10 + (rows[:, j] - ord("0")), integer)
    decimals = np.where(n_points == 1, length - mark_at - 1, 0)
    values = np.full(n, np.nan)
    exact = ok & (integer < _EXACT)
    values[exact] = integer[exact] / 10.0 ** decimals[exact]
    values[exact & minus] = -values[exact & minus]
    rest = np.flatnonzero(ok & ~exact)
    if len(rest):  # 16 or 17 digits, too many for the division: Arrow's cast of the same number written plainly
        texts = [bytes(rows[i, : length[i]]).decode("ascii") for i in rest]
        texts = [(t.replace(thousands, "") if thousands else t).replace(decimal, ".") for t in texts]
        values[rest] = pa.array(texts, pa.string()).cast(pa.float64()).to_numpy(zero_copy_only=False)
    return values, ok
