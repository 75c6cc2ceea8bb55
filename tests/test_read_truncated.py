"""A download cut off in the last line: the line is refused (default) or set aside, never read short.

Every expected value is worked out by hand from the text written in each test.
"""

from __future__ import annotations

import gzip

import pytest

from kamlab.data.readers import RowsSetAsideWarning, read_transactions
from kamlab.errors import DataFormatError

HEAD = "Kundennr.;Name;Datum;Umsatz\n"
LINES = "4711;Müller;01.03.2024;100,00\n4712;Meier;02.03.2024;50,25\n"


def write(tmp_path, text, name="umsatz.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "last, why",
    [
        ("4713;Schulz;03.03.2024", "it has 3 of the 4 fields the lines above have"),
        ("4713;Sch", "it has 2 of the 4 fields the lines above have"),
        ("4713;Schulz;03.03.2024;12,5", "its last value '12,5' has fewer decimals than the values above it"),
        ("4713;Schulz;03.03.2024;1.2", "its last value '1.2' has fewer decimals than the values above it"),
        ("4713;Schulz;03.03.2024;", "its last value is empty, unlike every other value of its column"),
        ('4713;"Schulz', "it ends inside a quoted value"),
    ],
)
def test_cut_last_line_is_refused_naming_line_4(tmp_path, last, why):
    path = write(tmp_path, HEAD + LINES + last)
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    err = info.value
    assert (err.line, err.value) == (4, last)
    assert str(err).startswith(
        f"umsatz.csv, line 4: the file ends in the middle of this line: there is no line break after it and {why}"
    )


def test_cut_last_line_is_set_aside_with_drop(tmp_path):
    path = write(tmp_path, HEAD + LINES + "4713;Schulz;03.03.2024;12,5")
    with pytest.warns(RowsSetAsideWarning, match="1 of 3 rows set aside"):
        df, report = read_transactions(path, errors="drop", report=True)
    assert df["revenue"].tolist() == [100.0, 50.25]
    assert report.set_aside["line"].tolist() == [4]
    assert report.problems["reason"].iloc[0].startswith("the file ends in the middle of this line")


def test_complete_last_line_without_line_break_is_read(tmp_path):
    df = read_transactions(write(tmp_path, HEAD + LINES + "4713;Schulz;03.03.2024;12,50"))
    assert df["revenue"].tolist() == [100.0, 50.25, 12.5]


def test_short_last_line_with_a_line_break_is_not_a_cut(tmp_path):
    # the line break at the end shows the file is complete; the 12,5 is as the system wrote it
    df = read_transactions(write(tmp_path, HEAD + LINES + "4713;Schulz;03.03.2024;12,5\n"))
    assert df["revenue"].tolist() == [100.0, 50.25, 12.5]


def test_cut_gzip_download_is_refused(tmp_path):
    packed = gzip.compress((HEAD + LINES).encode("utf-8"))
    path = tmp_path / "umsatz.csv.gz"
    path.write_bytes(packed[: len(packed) - 12])
    with pytest.raises(DataFormatError, match="looks gzip-compressed but cannot be unpacked"):
        read_transactions(path)


def test_cut_line_in_a_crlf_file(tmp_path):
    path = tmp_path / "umsatz.csv"
    path.write_bytes((HEAD + LINES).replace("\n", "\r\n").encode("cp1252") + b"4713;Schulz;03.0")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.value) == (4, "4713;Schulz;03.0")


def test_cut_line_message_in_german(tmp_path):
    import kamlab

    path = write(tmp_path, HEAD + LINES + "4713;Schulz;03.03.2024")
    with kamlab.language("de"), pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert "die Datei endet mitten in dieser Zeile: danach kommt kein Zeilenumbruch, und sie hat 3 der 4 Felder" in str(
        info.value
    )
