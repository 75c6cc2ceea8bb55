"""Fast paths of the readers: typed Parquet columns, and the bulk parse of large plain CSV files.

Parquet: columns that are typed already (numbers, timestamps) are never turned into text
and parsed back. Their text in the ``_Raw`` table is *lazy*: a categorical column of ""
(costs one byte a row); the few cells a message or the report shows (a timestamp pandas
cannot hold, the rows set aside) are rendered when needed. :func:`_typed_column` converts
them for :func:`~kamlab.data.readers.convert._convert`, and time-zone-aware timestamps (as
Spark and Snowflake write them) become the local date and time in their own zone, made
naive, with a note in the report.

Text: see :func:`_bulk_text` (the same cells as the slow path, or ``None`` to use it).

Big files: the columns of a Parquet file and the amount columns of a text file are converted
two at a time in threads (:func:`_in_threads`), unless ``kamlab.get_threads()`` is 1.
"""


from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from kamlab._util.format import translator
from kamlab.data.readers.cells import _FLOAT_ID, _cell_text, _to_ids, _to_text
from kamlab.data.readers.threads import _in_threads, _pool_empty
from kamlab.data.readers.texts import _t as _say

_t = translator({
    "zone": (
        "the timestamps in column {column!r} carry the time zone {zone}. They were read as the local date and "
        "time in that zone, made naive, without converting (2024-03-31 23:30 -05:00 is 2024-03-31 23:30).",
        "die Zeitstempel in Spalte {column!r} tragen die Zeitzone {zone}. Sie wurden als die Ortszeit in dieser "
        "Zone gelesen, ohne Umrechnung (2024-03-31 23:30 -05:00 ist 2024-03-31 23:30).",
    ),
})
_THREADS_MIN_ROWS = 1_000_000  # Parquet frames this long convert their columns in two threads, and text files
# this long have their total words looked for in one while they are converted (tests lower it)
_NS_LIMITS = (np.iinfo(np.int64).min + 1, np.iinfo(np.int64).max)  # datetime64[ns] (min is NaT)


# ----------------------------------------------------------------------------------------
# Parquet
# ----------------------------------------------------------------------------------------


def _is_typed(col):
    """Numbers (not booleans) and timestamps: kept typed, never parsed from text."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)


def _lazy_text(n):
    """n empty cells as a categorical: the text of a typed column, rendered only where shown."""
    return pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([""], dtype=object)))


def _set_cells(lazy, idx, texts):
    """``lazy`` (a categorical text column) with the cells at ``idx`` set to ``texts``."""
    texts = np.asarray(texts, dtype=object)
    new = pd.Index(pd.unique(texts), dtype=object).difference(lazy.cat.categories, sort=False)
    series = lazy.cat.add_categories(new) if len(new) else lazy.copy()
    codes = series.cat.codes.to_numpy().copy()
    codes[idx] = series.cat.categories.get_indexer(texts)
    return pd.Series(pd.Categorical.from_codes(codes, categories=series.cat.categories), index=lazy.index)


def _render(col):
    """Typed cells as the slow path shows them: numbers as :func:`_cell_text`, dates as pandas prints them."""
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col.astype("str").where(col.notna(), "").astype(object)
    values = col.to_numpy(dtype=float, na_value=np.nan) if not pd.api.types.is_integer_dtype(col.dtype) else None
    if values is None:  # integers: exact as text
        out = col.astype(object).where(col.notna(), None)
        return pd.Series([str(v) if v is not None else "" for v in out], index=col.index, dtype=object)
    whole = np.isfinite(values) & (np.abs(values) < 1e15) & (values == np.round(values))
    out = np.full(len(values), "", dtype=object)
    out[whole] = values[whole].astype(np.int64).astype(str).astype(object)
    rest = ~whole & ~np.isnan(values)
    out[rest] = [_cell_text(float(v)) for v in values[rest]]
    return pd.Series(out, index=col.index, dtype=object)


def _edge_bytes(series, compute=True):
    """``(first, last)`` byte of each cell of a pyarrow-backed text Series, as uint8 (:data:`_NO_BYTE` where
    empty or missing).

    None for other Series. Read from the Arrow buffers with numpy: no Python object per cell.
    The last few results are kept (the same column is asked several times).
    """
    dtype = series.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    array = series.array
    # keyed by the Arrow data (immutable): pandas wraps the same data anew (a frame's column, a copy)
    key = getattr(array, "_pa_array", array)
    _EDGES[:] = [(k, e) for k, e in _EDGES if k() is not None]
    for kept, edges in _EDGES:
        if kept() is key:
            return edges
    if not compute:
        return None
    edges = _arrow_edges(array)
    if edges is not None:
        _EDGES.insert(0, (weakref.ref(key, _drop_dead), edges))
        del _EDGES[_EDGES_KEPT:]
    return edges


_EDGES_KEPT = 8  # a file's text columns, each asked several times in one read (dropped at its end)
_EDGES = []  # [(weak reference to the Arrow data of a pandas array, its edges)], newest first: keeps no column alive


def _drop_dead(ref):
    """The Arrow data of ``ref`` is gone: so are its edges (they are not held until the next read)."""
    _EDGES[:] = [(k, e) for k, e in _EDGES if k is not ref]


def _forget_edges():
    """Drop the kept edge bytes (a read is done; its frame's text columns may live on, their edges need not)."""
    _EDGES.clear()


def _text_buffers(chunk):
    """``(offsets, bytes)`` of an Arrow (large) string array as numpy views, no copy: cell ``i`` is
    ``bytes[offsets[i]:offsets[i + 1]]`` (``bytes`` is empty when no cell holds any)."""
    import pyarrow as pa

    _, offsets_buf, data_buf = chunk.buffers()
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    return offsets, data


_NO_BYTE = 0xFF  # the edge byte of an empty or missing cell: no byte of UTF-8 text is 0xFF (Arrow's text is UTF-8)


def _arrow_edges(array):
    import pyarrow as pa

    arr = pa.array(array)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    if not all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks):
        return None
    # filled in place, a chunk at a time: no concatenated copies, no copies of each chunk's bytes; one byte a
    # cell each (3 M cells: 6 MB a column, kept while the read asks)
    first, last = _pool_empty(len(arr), np.uint8), _pool_empty(len(arr), np.uint8)
    at = 0
    for chunk in chunks:
        n = len(chunk)
        offsets, data = _text_buffers(chunk)
        if len(data) == 0:
            first[at : at + n] = _NO_BYTE
            last[at : at + n] = _NO_BYTE
            at += n
            continue
        valid = chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count else None
        # a slice of cells at a time, into one small index array: no temporary array of every cell (an int64
        # one of 10 M cells is 80 MB of fresh memory, which a VM may be slow to hand out)
        index = np.empty(min(n, _SLICE), dtype=np.intp)
        for a in range(0, n, _SLICE):
            b = min(n, a + _SLICE)
            start, end, into = offsets[a:b], offsets[a + 1 : b + 1], index[: b - a]
            np.copyto(into, start, casting="unsafe")
            np.take(data, into, mode="clip", out=first[at + a : at + b])
            np.subtract(end, 1, out=into, casting="unsafe")
            np.take(data, into, mode="clip", out=last[at + a : at + b])
            empty = end <= start
            if valid is not None:
                empty |= ~valid[a:b]
            if empty.any():
                first[at + a : at + b][empty] = _NO_BYTE
                last[at + a : at + b][empty] = _NO_BYTE
        at += n
    return first, last


_SLICE = 1 << 20  # cells looked at at once where a whole column's temporary arrays would be big


def _filled_cells(col):
    """``(col != "").to_numpy()``: for a big column from the edge bytes or the categories, not each cell."""
    if len(col) > 10_000 and isinstance(col.dtype, pd.CategoricalDtype):
        filled = np.asarray(col.cat.categories, dtype=object) != ""
        codes = col.cat.codes.to_numpy()
        if not filled.any():  # a typed column's lazy text: only missing cells (code -1) are not ""
            return codes < 0
        return np.append(filled, True)[codes]  # code -1: NaN != ""
    dtype = col.dtype
    if len(col) <= 10_000 or not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow" or col.hasnans:
        return (col != "").to_numpy()
    edges = _edge_bytes(col, compute=False)  # known already: no pass over the cells
    if edges is not None:
        return edges[0] != _NO_BYTE
    import pyarrow as pa
    import pyarrow.compute as pc

    length = pc.binary_length(pa.array(col.array))
    return np.asarray(pc.greater(length, 0), dtype=bool)


def _maybe_space(byte):
    """Edge bytes a cell may start or end with if stripping changes it: ASCII controls, space, non-ASCII (not
    :data:`_NO_BYTE`: an empty cell)."""
    return (byte <= 0x20) | ((byte >= 0x7F) & (byte != _NO_BYTE))


def _may_need_stripping(edges):
    """``_maybe_space(first) | _maybe_space(last)`` of edge bytes ``(first, last)``, or None where no cell may
    need stripping (most columns): made a slice at a time, so that no column-long temporary arrays are."""
    first, last = edges
    out = None
    for a in range(0, len(first), _SLICE):
        part = _maybe_space(first[a : a + _SLICE])
        part |= _maybe_space(last[a : a + _SLICE])
        if part.any():
            if out is None:
                out = np.zeros(len(first), dtype=bool)
            out[a : a + _SLICE] = part
    return out


def _string_text(col):
    """A string column's cells as the slow path makes them: stripped, "" where missing; or None."""
    edges = _edge_bytes(col)
    if edges is None:
        return None
    text = col.fillna("") if col.hasnans else col
    # strip only the cells that may need it (stripping all of 10 million cells costs a second)
    edge = _may_need_stripping(edges)
    if edge is not None:
        text = text.copy()
        text[edge] = text[edge].str.strip()
    return text.astype("str")


def _factorized(text):
    """``pd.factorize(text, use_na_sentinel=False)`` of a pyarrow-backed text column without missing cells,
    by Arrow: int32 codes (half the memory of pandas' int64 ones, no int64 copy made of them) and the distinct
    texts in the order they first appear, as a Series of ``text``'s dtype; None for other columns."""
    dtype = text.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow" or text.hasnans:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pa.array(text.array))
    chunks = encoded.unify_dictionaries().chunks if isinstance(encoded, pa.ChunkedArray) else [encoded]
    if not chunks:
        return None
    codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    return codes, pd.Series(pd.array(chunks[0].dictionary, dtype=dtype))


def _take(values, codes):
    """``values.take(codes)`` a slice of ``codes`` at a time: numpy makes intp copies of int32 codes, of a slice
    only (3 M codes: 24 MB less at once); in memory from Arrow's pool."""
    out = _pool_empty(len(codes), values.dtype)
    for start in range(0, len(codes), _SLICE):
        np.take(values, codes[start : start + _SLICE], out=out[start : start + _SLICE])
    return out


def _str_dtype():
    """pandas 3's default text dtype (pyarrow, NaN for missing), or None (pandas < 3)."""
    try:
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:
        return None


def _decodable(col):
    """True for a categorical column of texts under pandas 3 (:func:`_decoded` decodes it)."""
    return (_str_dtype() is not None and isinstance(col.dtype, pd.CategoricalDtype)
            and pd.api.types.is_string_dtype(col.cat.categories.dtype))


def _decoded(col, parts=None):
    """A categorical column of texts as that text dtype, decoded by pyarrow (10x faster than pandas);
    None for other columns or pandas < 3 (where it stays as the slow path makes it). ``parts``: the column's
    pieces decoded already (:func:`_decoded_part`), in order."""
    if not _decodable(col):
        return None
    import pyarrow as pa

    chunks = [_decoded_part(col)] if parts is None else parts
    return pd.Series(pd.array(pa.chunked_array(chunks, type=pa.large_string()), dtype=_str_dtype()), index=col.index)


def _decoded_part(col):
    """The texts of (a slice of) a categorical column as an Arrow ``large_string`` array, the text type of
    pandas 3 (decoded to it at once: no second copy)."""
    import pyarrow as pa

    return pa.array(col).cast(pa.large_string())


def _category_text(col, decoded):
    """``_string_text(decoded)`` for a category column none of whose categories may need stripping (then
    no cell does), without looking at each cell's bytes; None otherwise (then :func:`_string_text`)."""
    names = pd.Series(np.asarray(col.cat.categories, dtype=object), dtype=decoded.dtype)
    edges = _edge_bytes(names)
    if edges is None or _may_need_stripping(edges) is not None:
        return None
    text = decoded.fillna("") if decoded.hasnans else decoded
    return text.astype("str")


def _parquet_values(col, unit=None):
    """What the frame gets for a Parquet column kamlab does not map: its values as the file has them (a
    category column stays one), text as text; ``unit``: a timestamp column's own, when it was read in ns."""
    if unit is not None and unit != "ns":  # exact: its ns values are whole multiples of the unit
        return col.to_numpy().astype(f"datetime64[{unit}]")
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.array
    if isinstance(col.dtype, pd.StringDtype) and col.dtype == _str_dtype():  # text already: as it is
        return col.array
    return col.to_numpy()


def _coded(col):
    """True for a category column of texts (not bytes): its text stays coded in the raw table
    (:func:`_category_cells`) until the column is mapped (:func:`_decode_mapped`)."""
    return (isinstance(col.dtype, pd.CategoricalDtype)
            and pd.api.types.infer_dtype(col.cat.categories, skipna=True) == "string")


def _category_cells(col):
    """The cells of a category column of texts as the slow path makes them (stripped, "" where missing), kept
    as a categorical: each category stripped once, no text made per cell."""
    names = pd.Series(np.asarray(col.cat.categories, dtype=object), dtype=object).str.strip()
    # the position of each stripped category among the distinct ones, and of "" (missing cells, code -1: last)
    positions, distinct = pd.factorize(np.append(names.to_numpy(dtype=object), ""))
    width = np.int8 if len(distinct) < 1 << 7 else np.int16 if len(distinct) < 1 << 15 else np.int32
    codes = _take(positions.astype(width), col.cat.codes.to_numpy())
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(distinct, dtype=object)), index=col.index)


def _decode_mapped(raw, sources):
    """The cells of the category columns of texts among ``sources`` (the mapped columns) as text, in
    ``raw.text``: their conversion reads text. A big column is decoded in two halves, one per worker thread."""
    coded = [s for s in sources if s in raw.meta.get("coded", ())]
    for source in coded:
        col = raw.meta["original"][source]
        parts = None
        if _decodable(col) and len(col) >= _THREADS_MIN_ROWS:
            half = len(col) // 2
            parts = _in_threads(_decoded_part, [col.iloc[:half], col.iloc[half:]])
        raw.text[source] = _text_column(col, parts)
    raw.meta["coded"] = raw.meta.get("coded", set()) - set(coded)


def _parquet_columns(frame):
    """``(text, native, typed, zones, dates)`` of a Parquet frame, by column position; ``dates``: the timestamp
    columns as :func:`_dates_in_ns` gives them.

    A big frame's columns are done two at a time: Arrow and numpy do the work and release the GIL.
    """
    text, native, typed, zones, dates = {}, {}, set(), {}, {}
    columns = [frame[j] for j in frame.columns]
    # the dates of a file's only timestamp column are converted here, beside the other columns' work (it is
    # the date column then, almost always); of several, only those mapped to a date later (not each of them)
    in_ns = sum(pd.api.types.is_datetime64_any_dtype(col.dtype) for col in columns) == 1
    if len(frame) < _THREADS_MIN_ROWS:
        done = [_parquet_column(col, in_ns) for col in columns]
    else:
        done = _in_threads(lambda col: _parquet_column(col, in_ns), columns)
    for j, (cells, nat, zone, ns) in zip(frame.columns, done):
        text[j] = cells
        if ns is not None:
            dates[j] = ns
        if nat is not None:
            native[j] = nat
        if zone is not None:
            zones[j] = zone
    typed |= {j for j, col in zip(frame.columns, columns) if _is_typed(col)}
    return text, native, typed, zones, dates


def _parquet_column(col, in_ns=False):
    """``(text, native or None, time zone or None, dates or None)`` of one Parquet column; ``dates``: a
    timestamp column as :func:`_dates_in_ns` gives it, with ``in_ns`` (else None). The text of a category
    column of texts stays coded (:func:`_category_cells`)."""
    if _is_typed(col):
        zone = None
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            zone = str(col.dt.tz)
            col = col.dt.tz_localize(None)  # the local date and time in its own zone
        dates = _dates_in_ns(col.to_numpy()) if in_ns and pd.api.types.is_datetime64_dtype(col.dtype) else None
        return _lazy_text(len(col)), col, zone, dates
    if _coded(col):
        return _category_cells(col), None, None, None
    if col.dtype == object and col.map(lambda v: v is not None and not isinstance(v, str)).any():
        is_text = col.map(lambda v: v is None or isinstance(v, str))
        return col.map(_cell_text).astype(str).str.strip(), col.where(~is_text, None), None, None
    return _text_column(col), None, None, None


def _text_column(col, parts=None):
    """The cells of a Parquet column of texts as the slow path makes them: stripped, "" where missing.
    ``parts``: a category column's texts decoded in pieces already (:func:`_decoded`)."""
    decoded = _decoded(col, parts)
    strings = None if decoded is None else _category_text(col, decoded)
    if strings is None:
        strings = _string_text(col if decoded is None else decoded)
    if strings is not None:
        return strings
    return col.astype(object).where(col.notna(), "").astype(str).str.strip()


def _parquet_raw(path, frame, units=None):
    """The ``_Raw`` table of a Parquet file's frame (columns unique), typed columns kept typed; ``units``: {column
    position: its unit} of a timestamp column read in ns (given back to it when it is not mapped)."""
    from kamlab.data.readers.dialect import _check_unique_names, _filled_positions, _LineNumbers, _Raw

    header_cells = [str(c).strip() for c in frame.columns]
    frame = frame.reset_index(drop=True)
    frame.columns = range(frame.shape[1])
    cells, natives, typed, zones, in_ns = _parquet_columns(frame)
    names, sources, text, native = [], {}, {}, {}
    for j in frame.columns:
        header = header_cells[j]
        if not header:
            nat = natives.get(j)
            if not (cells[j] != "").any() and (nat is None or nat.isna().all()):
                continue  # an empty column without a name
            header = f"column_{j + 1}"
        names.append(header)
        sources[header], text[header] = j, cells[j]
        if j in natives:
            native[header] = natives[j]
    _check_unique_names(names, path, None, where="row")
    text_frame = pd.DataFrame(text, copy=False) if text else pd.DataFrame(index=frame.index)  # no copy of a column
    positions = _filled_positions(names, text_frame, native, [])
    original = frame
    dates = {h: in_ns[j] for h, j in sources.items() if j in in_ns}
    if positions is not None:  # blank rows: drop them
        dates = {}
        text_frame = text_frame.iloc[positions].reset_index(drop=True)
        native = {h: s.iloc[positions].reset_index(drop=True) for h, s in native.items()}
        original = frame.iloc[positions].reset_index(drop=True)
    lazy = {h for h, j in sources.items() if j in typed}
    return _Raw(
        names=names,
        text=text_frame,
        native=native,
        lines=_LineNumbers(1, len(frame)) if positions is None else positions + 1,
        structural=[],
        meta={
            "header_line": None, "sources": sources, "format": "parquet",
            "original": {h: original[j] for h, j in sources.items()}, "lazy": lazy, "ns": dates,
            "coded": {h for h, j in sources.items() if _coded(frame[j])},
            "units": {h: (units or {})[j] for h, j in sources.items() if j in (units or {})},
            "zones": {h: zones[j] for h, j in sources.items() if j in zones},
        },
    )


def _typed_column(raw, source, kind, problems, report):
    """A typed Parquet column converted to ``kind`` without parsing text (and a plain id column of a big
    file at once); None for the other columns: convert.py converts them."""
    if kind == "id" and source not in raw.meta.get("lazy", ()):
        return _plain_ids(raw.text[source])
    if source not in raw.meta.get("lazy", ()):
        return None
    nat = raw.native[source]
    is_date = pd.api.types.is_datetime64_any_dtype(nat.dtype)
    if kind == "number" and not is_date:
        if nat.dtype == np.float64:  # NaN where missing already: the column itself, not a copy
            return pd.Series(nat.to_numpy(), dtype="float64", copy=False)
        return pd.Series(nat.to_numpy(dtype=float, na_value=np.nan), dtype="float64")
    if kind == "date" and is_date:
        return _typed_dates(raw, source, problems, report)
    if kind in ("id", "text"):
        # the cells as text, then the text rules (ids "17850.0"): render every cell once
        rendered = _render(nat)
        raw.text[source] = rendered.astype("str")
        values = _to_ids(rendered, None)[0] if kind == "id" else rendered
        if kind == "id":
            return values.reset_index(drop=True).astype("str").where(values != "", np.nan)
        return _to_text(values, None).reset_index(drop=True)
    return None  # e.g. numbers as dates (Excel serials): the slow path's rules


def _plain_ids(text):
    """An id column (text) as convert.py's ``_convert_ids`` gives it when no id looks like a float
    ("17850.0", which ends with "0"); None when some may (then convert.py decides)."""
    edges = _edge_bytes(text) if len(text) > 10_000 else None
    if edges is None:
        return None
    # "17850.0" starts with a digit, ends with "0" and has ".", "," or "0" before that
    if int(edges[0].min()) > ord("9"):  # no id starts with a digit ("K4711"): no masks made
        return _as_ids(text, edges)
    maybe = edges[1] == ord("0")
    maybe &= edges[0] <= ord("9")
    maybe &= edges[0] >= ord("0")
    if maybe.any():
        maybe[maybe] = np.isin(_bytes_before_last(text[maybe]), np.array([ord("."), ord(","), ord("0")]))
    if maybe.any() and text[maybe].str.fullmatch(_FLOAT_ID).fillna(False).any():
        return None
    return _as_ids(text, edges)


def _as_ids(text, edges):
    ids = text.reset_index(drop=True).astype("str")
    return ids.where(ids != "", np.nan) if int(edges[0].max()) == _NO_BYTE else ids  # empty cells: missing ids


def _all_filled(col):
    """True when no cell of a big text column is empty, known from its edge bytes (made already) without a mask;
    False otherwise (also where it is not known)."""
    edges = _edge_bytes(col, compute=False) if len(col) > 10_000 else None
    return edges is not None and int(edges[0].max()) != _NO_BYTE


def _bytes_before_last(text):
    """The byte before the last of each cell of a pyarrow-backed text Series (-1 where it has fewer than two)."""
    import pyarrow as pa

    arr = pa.array(text.array)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    out = [np.zeros(0, np.int16)]
    for chunk in chunks:
        offsets, data = _text_buffers(chunk)
        data = data if len(data) else np.zeros(1, np.uint8)  # take(mode="clip") needs a byte to clip to
        byte = data.take(offsets[1:] - 2, mode="clip").astype(np.int16)
        byte[(offsets[1:] - offsets[:-1] < 2) | ~chunk.is_valid().to_numpy(zero_copy_only=False)] = -1
        out.append(byte)
    return np.concatenate(out)


def _typed_dates(raw, source, problems, report):
    nat = raw.native[source]
    done = raw.meta.get("ns", {}).get(source)  # converted beside the other columns' work
    ns, far = _dates_in_ns(nat.to_numpy()) if done is None else done
    out = pd.Series(ns, dtype="datetime64[ns]", copy=False)
    if far is not None:
        idx = np.flatnonzero(far)
        shown = _render(nat.iloc[idx]).to_numpy()
        raw.text[source] = _set_cells(raw.text[source], idx, shown)
        reasons = np.empty(len(nat), dtype=object)
        reasons[idx] = [_say("far_date", value=v) for v in shown]
        problems.add(far, source, reasons)
    zone = raw.meta.get("zones", {}).get(source)
    if zone:
        report.notes.append(_t("zone", column=source, zone=zone))
    return out


def _dates_in_ns(values):
    """``(dates, far)``: ``values`` (``datetime64`` of any unit) as ``datetime64[ns]``, and a mask of the dates
    that cannot be held so (NaT in ``dates``), or None when all can (missing ones too)."""
    # compare as integers in the column's own unit (numpy's unit conversions overflow silently)
    unit, count = np.datetime_data(values.dtype)
    per = int(np.timedelta64(count, unit) // np.timedelta64(1, "ns")) if unit not in ("Y", "M") else None
    ints = values.view("int64")
    if per is None:  # years or months: never finer than a day, convert exactly via days
        ints, per = values.astype("datetime64[D]").view("int64"), 86_400 * 10**9
    low, high = -(-_NS_LIMITS[0] // per), _NS_LIMITS[1] // per
    far = None  # all dates fit (missing ones too)
    if not (len(ints) and low <= ints.min() and ints.max() <= high):  # else: no masks made
        fits = np.isnat(values) | ((ints >= low) & (ints <= high))
        far = None if fits.all() else ~fits
    # copy=False: the array is new, or the column's own in ns (pandas 3 would copy it again: 80 MB of fresh
    # memory on 10 M rows)
    return (values.astype("datetime64[ns]", copy=False) if far is None else _fit(values, ~far)), far


def _fit(values, fits):
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    out[fits] = values[fits].astype("datetime64[ns]")
    return out


def _rows_text(raw, rows):
    """``raw.text[rows]`` with the typed cells of those rows rendered (for the report's ``set_aside``)."""
    part = raw.text[rows].copy() if rows.any() else raw.text.iloc[:0].copy()
    for source in raw.meta.get("lazy", ()):
        if isinstance(part[source].dtype, pd.CategoricalDtype):
            part[source] = _render(raw.native[source][rows]).astype("str").to_numpy()
    for source in raw.meta.get("coded", ()):  # a category column's text, as the text it stands for
        part[source] = part[source].astype(object).astype(str)
    return part
