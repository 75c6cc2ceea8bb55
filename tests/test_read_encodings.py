"""Encodings: the one used is reported; mixed encodings and mojibake are refused naming the lines.

Every expected value is worked out by hand from the bytes written in each test.
"""

from __future__ import annotations

import codecs

import pytest

from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError, KamlabError

HEAD = "Kundennr.;Name;Datum;Umsatz\n"
MUELLER = "4711;Müller;01.03.2024;100,00\n"
MEIER = "4712;Meier;02.03.2024;50,00\n"
GROESSL = "4713;Größl KG;03.03.2024;10,00\n"


def write(tmp_path, data, name="umsatz.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_cp1252_export_joined_with_a_utf8_export_is_refused_naming_both_lines(tmp_path):
    # lines 1-2 from a cp1252 export, line 3 from a UTF-8 one: "Müller" would become two accounts
    data = (HEAD + MUELLER).encode("cp1252") + "4711;Müller;05.03.2024;20,00\n".encode("utf-8")
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, data))
    err = info.value
    assert (err.line, err.value) == (2, "Müller")
    assert str(err).startswith(
        "umsatz.csv: the file mixes two encodings: line 2 is Windows-1252 (cp1252) ('Müller'), "
        "line 3 is UTF-8 ('Müller'). Were two exports joined?"
    )


def test_utf8_first_then_cp1252_is_refused_too(tmp_path):
    data = (HEAD + MEIER + MUELLER).encode("utf-8") + GROESSL.encode("cp1252")
    with pytest.raises(DataFormatError, match=r"line 3 is UTF-8 \('Müller'\), line 4 is Windows-1252"):
        read_transactions(write(tmp_path, data))


def test_mojibake_mixed_with_proper_text_is_refused(tmp_path):
    # line 3 holds UTF-8 that was read as cp1252 and saved again: "MÃ¼ller"
    text = HEAD + MUELLER + "4711;MÃ¼ller;05.03.2024;20,00\n"
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, text.encode("utf-8")))
    err = info.value
    assert (err.line, err.value) == (3, "MÃ¼ller")
    message = str(err)
    assert message.startswith("umsatz.csv, line 3: 'MÃ¼ller' looks like 'Müller' garbled")
    assert "Line 2 has 'Müller' written correctly" in message


def test_mojibake_throughout_is_refused_too(tmp_path):
    text = HEAD + "4711;MÃ¼ller;01.03.2024;100,00\n4713;GrÃ¶ÃŸl KG;03.03.2024;10,00\n"
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, text.encode("utf-8")))
    assert (info.value.line, info.value.value) == (2, "MÃ¼ller")
    assert "written correctly" not in str(info.value)


def test_cp1252_with_euro_sign_and_typographic_quotes_is_cp1252_not_latin1(tmp_path):
    text = HEAD + "4711;Bäckerei „Süd“ – Café;01.03.2024;12,50 €\n" + GROESSL
    df, report = read_transactions(write(tmp_path, text.encode("cp1252")), report=True)
    assert report.encoding == "cp1252"
    assert df["name"].tolist() == ["Bäckerei „Süd“ – Café", "Größl KG"]
    assert df["revenue"].tolist() == [12.5, 10.0]


def test_byte_undefined_in_cp1252_is_refused_naming_its_line_not_read_as_latin1(tmp_path):
    # today this fell back to latin-1 and reported "latin-1": byte 0x81 is no letter there either
    data = (HEAD + MUELLER).encode("cp1252") + b"4712;M\x81ller;02.03.2024;50,00\n"
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, data))
    assert (info.value.line, info.value.value) == (3, "0x81")
    assert "Pass encoding=" in str(info.value)


def test_dos_code_page_850_export_is_read_as_cp850(tmp_path):
    text = HEAD + MUELLER + MEIER + GROESSL
    df, report = read_transactions(write(tmp_path, text.encode("cp850")), report=True)
    assert report.encoding == "cp850"
    assert df["name"].tolist() == ["Müller", "Meier", "Größl KG"]
    assert any("cp850" in note for note in report.notes)


@pytest.mark.parametrize("codec, reported", [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")])
def test_utf16_without_byte_order_mark(tmp_path, codec, reported):
    text = HEAD + MUELLER + MEIER
    df, report = read_transactions(write(tmp_path, text.encode(codec)), report=True)
    assert report.encoding == reported
    assert set(report.columns) == {"Kundennr.", "Name", "Datum", "Umsatz"}  # no "\x00" in the names
    assert df["name"].tolist() == ["Müller", "Meier"]
    assert df["revenue"].tolist() == [100.0, 50.0]


def test_utf16_with_byte_order_mark_still_reads(tmp_path):
    data = codecs.BOM_UTF16_LE + (HEAD + MUELLER).encode("utf-16-le")
    df, report = read_transactions(write(tmp_path, data), report=True)
    assert (report.encoding, df["name"].tolist()) == ("utf-16", ["Müller"])


def test_nul_bytes_in_no_pattern_mean_not_a_text_file(tmp_path):
    data = (HEAD + MUELLER).encode("utf-8") + b"\x00\x01\x02garbage\n"
    with pytest.raises(DataFormatError, match=r"umsatz.csv, line 3: the file holds NUL bytes"):
        read_transactions(write(tmp_path, data))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_the_encoding_used_is_reported(tmp_path, encoding):
    text = HEAD + MUELLER + GROESSL
    df, report = read_transactions(write(tmp_path, text.encode(encoding)), report=True)
    assert report.encoding == encoding
    assert df["name"].tolist() == ["Müller", "Größl KG"]


def test_explicit_encoding_on_a_mixed_file_still_refuses(tmp_path):
    data = (HEAD + MUELLER).encode("cp1252") + "4711;Müller;05.03.2024;20,00\n".encode("utf-8")
    with pytest.raises(KamlabError):
        read_transactions(write(tmp_path, data), encoding="cp1252")
    with pytest.raises(DataFormatError, match="line 2: this line cannot be read with encoding='utf-8'"):
        read_transactions(write(tmp_path, data), encoding="utf-8")


def test_mixed_encodings_message_in_german(tmp_path):
    import kamlab

    data = (HEAD + MUELLER).encode("cp1252") + "4711;Müller;05.03.2024;20,00\n".encode("utf-8")
    with kamlab.language("de"), pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, data))
    assert str(info.value).startswith("umsatz.csv: die Datei mischt zwei Kodierungen: Zeile 2 ist Windows-1252")
