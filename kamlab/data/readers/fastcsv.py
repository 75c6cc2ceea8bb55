"""The fast path for big text files: pyarrow's multithreaded CSV reader, proven equal to the slow path.

:func:`_read_text_fast` gives the same ``_Raw`` table as ``dialect._read_text`` or None, and
then the slow path reads the file (and raises or reports exactly as it always did). It answers
None for anything it cannot prove the same: a small file, ``encoding=`` or ``header_row=``
given, UTF-16, NUL bytes, a line break that is a lone carriage return, no line break at the
end (a cut last line is the slow path's to find), possible mojibake or mixed encodings,
lines with too few or too many fields, quoted fields holding line breaks, and quoted lines
that pandas' parser splits otherwise.

The checks work on the file's bytes with numpy, a block at a time: no Python string of
the whole file and no Python object per cell.
"""


from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd

from kamlab.data.readers.report import _display
from kamlab.data.readers.texts import _t as _say

_FAST_MIN_BYTES = 1 << 20  # smaller files take the slow path (tests lower it to compare both)
_BLOCK = 1 << 24
_MAX_QUOTED_LINES = 20_000  # lines with quotes checked against pandas' parser; more: the slow path


def _blocks(data, overlap=0):
    """``(start, uint8 view)`` of ``data`` a block at a time, each with ``overlap`` bytes of the next."""
    view = np.frombuffer(data, dtype=np.uint8)
    for start in range(0, len(view), _BLOCK):
        yield start, view[start : start + _BLOCK + overlap]


def _in_halves(function, data):
    """``[function(starts)]`` for the block starts of ``data`` (:func:`_blocks`), in two halves done by the
    reader's two worker threads (numpy lets go of the interpreter while it compares bytes); one part when
    ``data`` is a few blocks or the reader has one thread."""
    from kamlab.data.readers.threads import _in_threads

    starts = range(0, len(data), _BLOCK)
    half = len(starts) // 2 if len(starts) >= 8 else 0
    return _in_threads(function, [starts[:half], starts[half:]] if half else [starts])


def _count_byte(data, byte, start=0):
    """``data.count(bytes([byte]), start)`` by numpy a block at a time (four times faster than bytes.count)."""
    view = np.frombuffer(memoryview(data)[start:], dtype=np.uint8)
    return sum(_in_halves(lambda starts: sum(int(np.count_nonzero(view[s : s + _BLOCK] == byte)) for s in starts),
                          view))


def _lone_cr(data):
    """True if some carriage return (13) is not followed by a line feed (10), as in an old Mac file."""
    if b"\r" not in data:
        return False
    return any(bool(((b[:-1] == 13) & (b[1:] != 10)).any()) or (len(b) <= _BLOCK and b[-1] == 13)
               for _, b in _blocks(data, overlap=1))


def _any_pair(data, first, second):
    """True if some byte in ``first`` (lo, hi) is directly followed by one in ``second`` (lo, hi).

    One comparison over the bytes (``>= lo``; few bytes of a text are 80..FF), the rest only
    where it holds.
    """
    view = np.frombuffer(data, dtype=np.uint8)

    def found(starts):
        for start in starts:
            b = view[start : start + _BLOCK + 1]  # and the first byte of the next block
            lead = np.flatnonzero(b[:-1] >= first[0])
            if len(lead):
                lead = lead[b[lead] <= first[1]]
                nxt = b[lead + 1]
                if ((nxt >= second[0]) & (nxt <= second[1])).any():
                    return True
        return False

    return any(_in_halves(found, view))


def _maybe_mojibake_utf8(data):
    """True if UTF-8 ``data`` may hold mojibake: "Â".."ô" followed by a character that starts with
    byte C2, C5, C6, CB or E2 (U+0080..U+00BF and the Windows-1252 signs of encoding._MOJIBAKE)."""
    follow = np.zeros(256, dtype=bool)
    follow[[0xC2, 0xC5, 0xC6, 0xCB, 0xE2]] = True
    for _, b in _blocks(data, overlap=2):
        lead = np.flatnonzero(b[:-2] == 0xC3)
        if len(lead):
            second = b[lead + 1]
            if ((second >= 0x82) & (second <= 0xB4) & follow[b[lead + 2]]).any():
                return True
    return False


def _encoding(data, path):
    """``(encoding, notes, bytes to skip)`` as ``encoding._decode`` finds it, or None (slow path)."""
    from kamlab.data.readers.encoding import _single_byte_encoding

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:8192]:
        return None
    skip, enc = (3, "utf-8-sig") if data.startswith(codecs.BOM_UTF8) else (0, "utf-8")
    if not _is_utf8(memoryview(data)[skip:]):
        if skip:
            return None
        # a byte C2..F4 followed by one 80..BF: mojibake read as a single-byte code, or UTF-8 lines among
        # single-byte ones. Without such a pair encoding._check_mixed finds nothing (it looks at those pairs).
        if _any_pair(data, (0xC2, 0xF4), (0x80, 0xBF)):
            return None
        notes = []
        try:
            enc = _single_byte_encoding(data, "", notes)
        except Exception:  # noqa: BLE001 -- the slow path raises it with the file's name
            return None
        return enc, notes, 0
    if _maybe_mojibake_utf8(data):
        return None
    return enc, [], skip


def _is_utf8(data):
    """True if the bytes ``data`` are valid UTF-8, as ``codecs.utf_8_decode(data, "strict")`` decides it
    (no overlong forms, no surrogates, nothing above U+10FFFF), checked by Arrow without decoding: six times
    faster on valid text, and without a decoded copy of the file."""
    import pyarrow as pa
    import pyarrow.compute as pc

    value = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), 1, [None, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)])
    try:
        pc.cast(value, pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _line_starts(data, start, count):
    """The byte offset after the ``count``-th line break from ``start`` (None if there are fewer)."""
    pos = start
    for _ in range(count):
        pos = data.find(b"\n", pos)
        if pos < 0:
            return None
        pos += 1
    return pos


def _layout(data, skip, enc, path, sep):
    """``(sep, header line index, byte offset of the header)`` from the first lines, as the slow path."""
    from kamlab.data.readers.dialect import _SAMPLE_LINES, _text_layout

    end = _line_starts(data, skip, _SAMPLE_LINES)
    if end is None:
        return None
    sample = bytes(memoryview(data)[skip:end]).decode(enc.replace("-sig", "")).replace("\r\n", "\n")
    sep, head = _text_layout(sample, path, sep, None)
    offset = _line_starts(data, skip, head)
    return sep, head, offset


def _nonempty_lines(body):
    """Which lines of ``body`` (ending with a line break) hold anything, by line index."""
    ends = []
    for start, b in _blocks(body):
        ends.append(np.flatnonzero(b[:_BLOCK] == 10) + start)
    ends = np.concatenate(ends)
    view = np.frombuffer(body, dtype=np.uint8)
    starts = np.concatenate([[0], ends[:-1] + 1])
    length = ends - starts
    crlf = (length == 1) & (view[np.maximum(ends - 1, 0)] == 13)
    return (length > 0) & ~crlf


def _parse(body, enc, sep, width):
    """The body (bytes, or a pyarrow file at its start) as a pyarrow table of text (header as row 0), or None
    where pyarrow refuses it."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"f{j}" for j in range(width)]
    # blocks of 2 MB: the parse holds less beside the table than with 16 MB (measured on 3 M lines: about
    # 90 MB lower at its peak) and is no slower
    try:
        return pcsv.read_csv(
            body if isinstance(body, pa.NativeFile) else pa.py_buffer(body), memory_pool=_parse_pool(),
            read_options=pcsv.ReadOptions(column_names=names, encoding="utf8" if enc.startswith("utf-8") else enc,
                                          block_size=1 << 21),
            parse_options=pcsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                            newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.large_string() for n in names}, null_values=[],
                                                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, LookupError, UnicodeDecodeError):
        return None


def _parse_pool():
    """The Arrow memory pool the parse allocates from: jemalloc where pyarrow has it, which hands the parse's
    scratch memory back at once (measured on 3 M lines: a peak about 60 MB lower than with the default
    mimalloc pool, whose threads keep theirs); else the default pool."""
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except (NotImplementedError, AttributeError):
        return pa.default_memory_pool()


def _quoted_lines_agree(body, enc, sep, table, nonempty):
    """True if the lines holding a quote split into the same cells with pandas' parser (the slow path's)."""
    import io

    view = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(view == ord('"'))
    if len(quotes) == 0:
        return True
    ends = np.flatnonzero(view == 10)
    line_of_quote = np.unique(np.searchsorted(ends, quotes))
    if len(line_of_quote) > _MAX_QUOTED_LINES:
        return False
    starts = np.concatenate([[0], ends[:-1] + 1])
    text = b"".join(bytes(view[starts[i] : ends[i] + 1]) for i in line_of_quote)
    text = text.decode(enc.replace("-sig", "")).replace("\r\n", "\n")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, quotechar='"', engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return False
    rows = np.cumsum(nonempty)[line_of_quote] - 1  # table rows of those lines
    if frame.shape != (len(rows), table.num_columns):
        return False
    mine = table.take(rows).to_pandas(types_mapper=lambda t: None).astype(object)
    return bool((mine.to_numpy(dtype=object) == frame.fillna("").to_numpy(dtype=object)).all())


def _read_text_fast(path, box, *, encoding, sep, header_row, stamp=None):
    """The ``_Raw`` table of big text read with pyarrow, or None: then the slow path reads it.

    ``box``: a list holding the file's bytes. Once they are parsed and the parse proven the
    slow path's, the list is emptied (``box[0] = None``): the bytes are not held beside the table.
    ``stamp``: the file's size and time when the bytes are the file's, unpacked from nothing (then
    pyarrow may read the file itself, and the bytes are let go before the parse).
    """
    from kamlab.data.readers.fast import _str_dtype

    data = box[0]
    if encoding is not None or header_row is not None or len(data) < _FAST_MIN_BYTES or _str_dtype() is None:
        return None
    if not data.endswith(b"\n") or _lone_cr(data):
        return None
    found = _encoding(data, path)
    if found is None:
        return None
    enc, notes, skip = found
    try:
        layout = _layout(data, skip, enc, path, sep)
    except Exception:  # noqa: BLE001 -- no header found: the slow path says so
        return None
    if layout is None or layout[2] is None:
        return None
    sep, head, offset = layout
    body = memoryview(data)[offset:]
    from kamlab.data.readers.dialect import _split

    first_line = bytes(body[: data.find(b"\n", offset) - offset]).decode(enc.replace("-sig", "")).rstrip("\r")
    width = len(_split(first_line, sep))
    quoted = data.find(b'"', offset) >= 0
    breaks = _count_byte(data, 10, offset)
    if stamp is not None and not quoted:
        # the file's bytes let go before the parse, pyarrow reading the file itself: the peak of the read is the
        # bytes lower (a 150 MB file: 150 MB). The same bytes: the file's size and time are checked after it
        box[0] = data = body = None
        try:
            with _file_at(path, offset) as stream:
                table = _parse(stream, enc, sep, width)
            if table is None or breaks != table.num_rows:  # the bytes needed again: the slow path's, or below
                box[0] = data = Path(path).read_bytes()
                body = memoryview(data)[offset:]
        except OSError:  # gone or unreadable since kamlab read it
            _check_unchanged(path, stamp)
            raise
        _check_unchanged(path, stamp)
    else:
        table = _parse(body, enc, sep, width)
    if table is None:
        return None
    if breaks == table.num_rows:
        # a row from every line (pyarrow skips the empty ones): no line is empty, none holds a line break
        nonempty = np.ones(table.num_rows, dtype=bool)
    else:
        nonempty = _nonempty_lines(body)
        if table.num_rows != int(nonempty.sum()):
            return None  # a quoted field with a line break
    if quoted and not _quoted_lines_agree(body, enc, sep, table, nonempty):
        return None  # quotes pandas reads otherwise
    box[0] = None  # the caller's reference: with ours below, the bytes are freed
    del data, body
    return _raw_of(path, table, head, nonempty, enc, sep, notes)


def _file_at(path, offset):
    """The file ``path`` opened by pyarrow (read a block at a time, not held whole), from byte ``offset``."""
    import pyarrow as pa

    stream = pa.OSFile(str(path))
    stream.seek(offset)
    return stream


def _check_unchanged(path, stamp):
    """Raise if the file ``path`` is no longer the one whose size and time ``stamp`` are."""
    from kamlab.data.readers.containers import _stamp
    from kamlab.errors import DataFormatError

    try:
        same = _stamp(path) == stamp
    except OSError:  # removed, or no longer readable
        same = False
    if not same:
        raise DataFormatError(_say("changed", name=_display(path)), path=str(path)) from None


def _raw_of(path, table, head, nonempty, enc, sep, notes):
    """The ``_Raw`` table as ``dialect._read_text`` makes it, from the parsed text."""
    from kamlab.data.readers.dialect import _LineNumbers, _make_raw
    from kamlab.data.readers.fast import _str_dtype, _string_text
    from kamlab.data.readers.threads import _in_threads

    header_cells = [str(table.column(j)[0].as_py()).strip() for j in range(table.num_columns)]
    body = table.slice(1)
    dtype = _str_dtype()
    columns = _in_threads(lambda j: _string_text(pd.Series(pd.array(body.column(j), dtype=dtype))),
                          range(table.num_columns))
    data = pd.DataFrame(dict(enumerate(columns)))
    if nonempty.all():  # every line a row: the header's line + 1, + 2, ...
        lines = _LineNumbers(head + 2, len(nonempty) - 1)
    else:
        lines = head + 1 + np.flatnonzero(nonempty)[1:].astype(np.int64)
    raw = _make_raw(path, header_cells, data, lines, [], header_line=head + 1, prepared=True)
    raw.meta.update(format="text", encoding=enc, sep=sep, notes=notes)
    return raw
