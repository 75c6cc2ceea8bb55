"""A text file's encoding: found, checked and reported as the one actually used.

The rules, in order:

- a byte-order mark decides (``utf-8-sig``, ``utf-16``);
- NUL bytes in every second place mean UTF-16 without a byte-order mark (``utf-16-le``
  or ``utf-16-be``); NUL bytes elsewhere mean the file is not text;
- text that is valid UTF-8 is UTF-8;
- otherwise a single-byte encoding: Windows-1252 (``cp1252``, which reads every Latin-1
  letter the same way), unless ``charset-normalizer`` finds the file reads better as the
  DOS code page 850 (``cp850``) of old ERP exports, whose umlauts are other bytes.

Two checks refuse text that would come out silently wrong: a file whose lines are partly
UTF-8 and partly Windows-1252 (two exports joined), and mojibake -- UTF-8 read once as
Windows-1252 and saved again, so that "Müller" is "MÃ¼ller". Either would make one
account two.
"""


from __future__ import annotations

import codecs
import re
from itertools import islice

from kamlab._util.format import translator
from kamlab.data.readers.report import _display
from kamlab.errors import DataFormatError, ParameterError

_VALID_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# a UTF-8 lead byte read as Windows-1252 (Â..ô), then continuation bytes read as Windows-1252
_CP1252_HIGH = "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a" \
    "\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]{{1,3}}")
_t = translator({
    "line": ("line", "Zeile"),
    "utf16_note": (
        "the file is {enc} without a byte-order mark (kamlab found it by its NUL bytes).",
        "die Datei ist {enc} ohne Byte-Order-Mark (kamlab hat das an ihren NUL-Bytes erkannt).",
    ),
    "unknown": (
        "encoding={encoding!r} is not an encoding Python knows. Try 'utf-8', 'cp1252' or 'latin-1', or leave "
        "encoding=None to let kamlab detect it.",
        "encoding={encoding!r} ist keine Kodierung, die Python kennt. Versuchen Sie 'utf-8', 'cp1252' oder "
        "'latin-1', oder lassen Sie encoding=None, damit kamlab sie erkennt.",
    ),
    "bom": (
        "{name}, line {line}: the file is {encoding} (by its first bytes) but this line is not valid {encoding}. "
        "Save the file again as 'CSV UTF-8', or pass encoding=.",
        "{name}, Zeile {line}: die Datei ist {encoding} (nach ihren ersten Bytes), aber diese Zeile ist kein "
        "gültiges {encoding}. Speichern Sie die Datei erneut als 'CSV UTF-8' oder geben Sie encoding= an.",
    ),
    "cannot": (
        "{name}, line {line}: this line cannot be read with encoding={encoding!r} (byte {byte}). Leave "
        "encoding=None to let kamlab detect it, or try encoding='cp1252'.",
        "{name}, Zeile {line}: diese Zeile lässt sich nicht mit encoding={encoding!r} lesen (Byte {byte}). Lassen "
        "Sie encoding=None, damit kamlab die Kodierung erkennt, oder versuchen Sie encoding='cp1252'.",
    ),
    "nul": (
        "{name}, line {line}: the file holds NUL bytes, so it is not a text (CSV) file. Is it a spreadsheet or "
        "database file under another name? Export it as CSV or .xlsx.",
        "{name}, Zeile {line}: die Datei enthält NUL-Bytes, ist also keine Text-(CSV-)Datei. Ist es eine "
        "Tabellen- oder Datenbankdatei unter anderem Namen? Exportieren Sie sie als CSV oder .xlsx.",
    ),
    "mixed": (
        "{name}: the file mixes two encodings: line {line1} is {enc1} ({word1!r}), line {line2} is {enc2} "
        "({word2!r}). Were two exports joined? Read either way, some names would come out garbled and one "
        "account would become two. Save the parts in one encoding (e.g. open each in Excel and save as "
        "'CSV UTF-8') and join them again.",
        "{name}: die Datei mischt zwei Kodierungen: Zeile {line1} ist {enc1} ({word1!r}), Zeile {line2} ist "
        "{enc2} ({word2!r}). Wurden zwei Exporte aneinandergehängt? So oder so gelesen kämen manche Namen "
        "verstümmelt heraus, und aus einem Kunden würden zwei. Speichern Sie die Teile in einer Kodierung "
        "(z. B. jeden in Excel öffnen und als 'CSV UTF-8' speichern) und fügen Sie sie erneut zusammen.",
    ),
    "cp850": (
        "the file is in the DOS code page 850 (cp850) of older ERP systems, not in Windows-1252; pass "
        "encoding='cp1252' if its umlauts come out wrong.",
        "die Datei ist in der DOS-Codepage 850 (cp850) älterer ERP-Systeme, nicht in Windows-1252; geben Sie "
        "encoding='cp1252' an, wenn die Umlaute falsch herauskommen.",
    ),
    "undefined": (
        "{name}, line {line}: the byte {byte} is no letter in UTF-8 or Windows-1252 (cp1252), the encodings "
        "kamlab expects. Pass encoding= with the file's encoding (e.g. 'cp850' for old DOS exports, "
        "'mac_roman', 'cp1250' for Central European text).",
        "{name}, Zeile {line}: das Byte {byte} ist in UTF-8 und Windows-1252 (cp1252), den Kodierungen, die "
        "kamlab erwartet, kein Zeichen. Geben Sie mit encoding= die Kodierung der Datei an (z. B. 'cp850' für "
        "alte DOS-Exporte, 'mac_roman', 'cp1250' für mitteleuropäischen Text).",
    ),
    "mojibake_also": (
        " Line {line} has {word!r} written correctly: the file mixes proper text and garbled text (were two "
        "exports joined?), and kamlab would read 'Müller' and 'MÃ¼ller' as two accounts.",
        " Zeile {line} hat {word!r} richtig geschrieben: die Datei mischt richtigen und verstümmelten Text "
        "(wurden zwei Exporte aneinandergehängt?), und kamlab würde 'Müller' und 'MÃ¼ller' als zwei Kunden lesen.",
    ),
    "mojibake": (
        "{name}, line {line}: {word!r} looks like {meant!r} garbled: UTF-8 text that was read as Windows-1252 "
        "and saved again (mojibake).{also} Export the data again from the system it comes from (as "
        "'CSV UTF-8'), or repair the names before reading the file.",
        "{name}, Zeile {line}: {word!r} sieht aus wie ein verstümmeltes {meant!r}: UTF-8-Text, der als "
        "Windows-1252 gelesen und wieder gespeichert wurde (Mojibake).{also} Exportieren Sie die Daten erneut "
        "aus dem System, aus dem sie stammen (als 'CSV UTF-8'), oder reparieren Sie die Namen vor dem Einlesen.",
    ),
})


def _line_of(data, pos):
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, pos) + 1


def _word_at(text, pos):
    """The word (between spaces and separators) around ``text[pos]``."""
    start = pos
    while start > 0 and text[start - 1] not in ' \t\n;,|"':
        start -= 1
    end = pos
    while end < len(text) and text[end] not in ' \t\n;,|"':
        end += 1
    return text[start:end][:40]


def _decode(data, encoding, path):
    """Decode ``data``; return ``(text, encoding used, notes for the report)``."""
    notes = []
    if encoding is not None:
        text, enc = _decode_as(data, encoding, path), encoding
    elif data.startswith(codecs.BOM_UTF8):
        text, enc = _decode_as(data, "utf-8-sig", path, bom=True), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = _decode_as(data, "utf-16", path, bom=True), "utf-16"
    else:
        enc = _utf16_without_bom(data, path)
        if enc is not None:
            text = _decode_as(data, enc, path, bom=True)
            notes.append(_t("utf16_note", enc=enc.upper()))
        else:
            try:
                text, enc = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                _check_mixed(data, exc.start, path)
                enc = _single_byte_encoding(data, path, notes)
                text = _decode_as(data, enc, path)
    _check_mojibake(text, path)
    return text, enc, notes


def _decode_as(data, encoding, path, bom=False):
    """``data`` decoded with ``encoding``; a kamlab error naming the line it fails on."""
    name = _display(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParameterError(_t("unknown", encoding=encoding)) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        if bom:
            message = _t("bom", name=name, line=line, encoding=encoding)
        else:
            message = _t("cannot", name=name, line=line, encoding=encoding, byte=f"0x{data[exc.start]:02x}")
        raise DataFormatError(message, path=str(path), line=line) from None


def _utf16_without_bom(data, path):
    """``"utf-16-le"``/``"utf-16-be"`` if NUL bytes sit in every second place, else ``None``.

    NUL bytes anywhere else mean the file is not text at all.
    """
    sample = data[:8192]
    if b"\x00" not in sample:
        return None
    half = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    line = _line_of(data, data.index(b"\x00"))
    raise DataFormatError(_t("nul", name=_display(path), line=line), path=str(path), line=line)


def _line_bounds(data, pos):
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return start, (end if end >= 0 else len(data))


def _check_mixed(data, bad_at, path):
    """Raise if some lines are UTF-8 while the line at byte ``bad_at`` is not (two encodings joined)."""
    for match in islice(_utf8_sequences(data), 2000):
        start, end = _line_bounds(data, match.start())
        try:
            line_text = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not _plausible(match.group().decode("utf-8")):
            continue
        utf8_word = _word_at(line_text, len(data[start : match.start()].decode("utf-8")))
        bad_start, bad_end = _line_bounds(data, bad_at)
        single_word = _word_at(data[bad_start:bad_end].decode("cp1252", errors="replace"), bad_at - bad_start)
        first, second = sorted(
            [(_line_of(data, bad_at), "Windows-1252 (cp1252)", single_word),
             (_line_of(data, match.start()), "UTF-8", utf8_word)]
        )
        raise DataFormatError(
            _t("mixed", name=_display(path), line1=first[0], enc1=first[1], word1=first[2], line2=second[0],
               enc2=second[1], word2=second[2]),
            path=str(path),
            line=first[0],
            value=first[2],
        )


def _utf8_sequences(data, block=1 << 24):
    """``_VALID_UTF8_SEQ.finditer(data)``, looked for only where a lead byte C2..F4 is followed by a
    continuation byte 80..BF (numpy, a block at a time): the same matches, in order, fast."""
    import numpy as np

    view = np.frombuffer(data, dtype=np.uint8)
    for start in range(0, len(view), block):
        b = view[start : start + block + 1]
        lead = (b[:-1] >= 0xC2) & (b[:-1] <= 0xF4)
        if not lead.any():
            continue
        nxt = b[1:]
        for pos in np.flatnonzero(lead & (nxt >= 0x80) & (nxt <= 0xBF)):
            match = _VALID_UTF8_SEQ.match(data, start + int(pos))
            if match is not None:
                yield match


def _high_lines(data, limit, block=1 << 24):
    """The first ``limit`` lines holding a byte 80..FF, as ``re.finditer(rb"[^\n]*[\x80-\xff][^\n]*")``
    finds them (whole lines, without their line break), found with numpy."""
    import numpy as np

    view = np.frombuffer(data, dtype=np.uint8)
    out, last = [], -1
    for start in range(0, len(view), block):
        for pos in np.flatnonzero(view[start : start + block] >= 0x80):
            pos = start + int(pos)
            if pos <= last:
                continue
            begin, end = _line_bounds(data, pos)
            out.append(data[begin:end])
            last = end
            if len(out) >= limit:
                return out
    return out


_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def _plausible(char):
    """A letter or sign that text in a European language holds (not a stray Greek or Syriac letter)."""
    return (char.isalpha() and ord(char) < 0x250) or char in "€„“”‘’‚–—…•™°§²³µ×÷«»¿¡"


def _plausible_share(data, encoding):
    """The share of the non-ASCII characters of ``data`` read with ``encoding`` that are letters or
    common signs (``None`` if it cannot be read so)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    high = re.findall(r"[^\x00-\x7f]", text)
    letters = [c for c in high if (c.isalpha() and ord(c) < 0x250) or c in "€„“”‘’–—…"]
    return len(letters) / len(high) if high else 1.0


def _single_byte_encoding(data, path, notes):
    """Windows-1252, or the DOS code page 850 when its umlauts read better and charset-normalizer agrees."""
    lines = b"\n".join(_high_lines(data, 3000))
    share_1252, share_850 = _plausible_share(lines, "cp1252"), _plausible_share(lines, "cp850")
    if share_850 >= 0.9 and (share_1252 is None or share_850 > share_1252):
        from charset_normalizer import from_bytes

        chaos = {r.encoding: r.chaos for r in from_bytes(lines[:200_000], cp_isolation=["cp1252", "cp850"])}
        if "cp850" in chaos and ("cp1252" not in chaos or chaos["cp850"] < chaos["cp1252"]):
            notes.append(_t("cp850"))
            return "cp850"
    # cp1252 reads every byte but five: where the first of them is, decoding fails
    found = [at for at in (data.find(b) for b in _CP1252_UNDEFINED) if at >= 0]
    if not found:
        return "cp1252"
    bad_at = min(found)
    line = _line_of(data, bad_at)
    byte = f"0x{data[bad_at]:02x}"
    raise DataFormatError(
        _t("undefined", name=_display(path), line=line, byte=byte), path=str(path), line=line, value=byte
    )


def _unmangle(chars):
    """The text ``chars`` were before UTF-8 bytes were read as Windows-1252, or ``None``."""
    try:
        raw = bytes(ord(c) if ord(c) < 0x100 else c.encode("cp1252")[0] for c in chars)
        lead = raw[0]
        need = 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
        fixed = raw[: need + 1].decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError, IndexError):
        return None
    return fixed if _plausible(fixed) else None


def _check_mojibake(text, path):
    """Raise if ``text`` holds UTF-8 that was read as Windows-1252 once already ("MÃ¼ller" for "Müller")."""
    found = None
    for match in islice(_MOJIBAKE.finditer(text), 2000):
        if _unmangle(match.group()) is not None:
            found = match
            break
    if found is None:
        return
    line, pos = _line_of(text, found.start()), found.start()
    word = _word_at(text, pos)
    meant = _MOJIBAKE.sub(lambda m: (_unmangle(m.group()) or m.group()) + m.group()[_seq_len(m.group()):], word)
    proper = _first_proper_line(text)
    also = ""
    if proper is not None:
        also = _t("mojibake_also", line=proper[0], word=proper[1])
    raise DataFormatError(
        _t("mojibake", name=_display(path), line=line, word=word, meant=meant, also=also),
        path=str(path),
        line=line,
        value=word,
    )


def _seq_len(chars):
    lead = ord(chars[0])
    return 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _first_proper_line(text):
    """``(line, word)`` of the first non-ASCII letter that is not part of mojibake, or ``None``."""
    spans = [m.span() for m in islice(_MOJIBAKE.finditer(text), 100_000) if _unmangle(m.group())]
    covered = set()
    for a, b in spans:
        covered.update(range(a, a + min(b - a, _seq_len(text[a]))))
    for match in islice(re.finditer(r"[^\x00-\x7f]", text), 100_000):
        if match.start() not in covered and match.group().isalpha():
            return _line_of(text, match.start()), _word_at(text, match.start())
    return None
