"""The format comes from the content, not the name; .gz and .zip are unpacked transparently.

Every expected value is worked out by hand from the files written in each test.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import pandas as pd
import pytest

from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError, ParameterError

CSV = "Kundennr.;Datum;Umsatz\n4711;01.03.2024;100,00\n4712;02.03.2024;50,25\n"
EXPECTED = {
    "account_id": ["4711", "4712"],
    "date": [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-02")],
    "revenue": [100.0, 50.25],
}


def workbook_bytes():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kundennr.", "Datum", "Umsatz"])
    sheet.append(["4711", dt.datetime(2024, 3, 1), 100.0])
    sheet.append(["4712", dt.datetime(2024, 3, 2), 50.25])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def read(path, **kwargs):
    df, report = read_transactions(path, report=True, **kwargs)
    assert df[list(EXPECTED)].to_dict("list") == EXPECTED
    return report


@pytest.mark.parametrize("name", ["umsatz.csv", "umsatz.txt", "umsatz", "umsatz.xls"])
def test_xlsx_under_another_name_is_read_as_excel(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(workbook_bytes())
    assert read(path).format == "excel"


def test_csv_named_xlsx_is_read_as_text(tmp_path):
    path = tmp_path / "umsatz.xlsx"
    path.write_text(CSV, encoding="utf-8")
    assert read(path).format == "text"


def test_zip_holding_one_csv(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes({"export/umsatz.csv": CSV.encode("utf-8"), "__MACOSX/._umsatz.csv": b"x"}))
    report = read(path)
    assert (report.format, report.encoding) == ("text", "utf-8")
    assert "read the file 'export/umsatz.csv' inside the ZIP archive export.zip." in report.notes


def test_zip_with_several_files_needs_member(tmp_path):
    path = tmp_path / "export.zip"
    other = CSV.replace("4711", "9999")
    path.write_bytes(zip_bytes({"a.csv": other, "b.csv": CSV}))
    with pytest.raises(ParameterError, match=r"export.zip is a ZIP archive with 2 files \('a.csv', 'b.csv'\)"):
        read_transactions(path)
    read(path, member="b.csv")
    with pytest.raises(ParameterError, match="export.zip holds no file 'c.csv'. It holds: 'a.csv', 'b.csv'."):
        read_transactions(path, member="c.csv")


def test_member_by_its_name_without_folder(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes({"2024/umsatz.csv": CSV, "2024/liesmich.txt": "Hallo"}))
    read(path, member="umsatz.csv")


def test_zip_holding_a_workbook_and_gzip_holding_one(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes({"umsatz.xlsx": workbook_bytes()}))
    assert read(path).format == "excel"
    path = tmp_path / "umsatz.xlsx.gz"
    path.write_bytes(gzip.compress(workbook_bytes()))
    assert read(path).format == "excel"


def test_gzip_without_gz_name(tmp_path):
    path = tmp_path / "umsatz.csv"
    path.write_bytes(gzip.compress(CSV.encode("utf-8")))
    assert read(path).format == "text"


def test_member_for_a_file_that_is_no_archive(tmp_path):
    path = tmp_path / "umsatz.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(ParameterError, match="member='x.csv' names a file inside a ZIP archive"):
        read_transactions(path, member="x.csv")


def test_empty_and_broken_archives(tmp_path):
    path = tmp_path / "leer.zip"
    path.write_bytes(zip_bytes({}))
    with pytest.raises(DataFormatError, match="leer.zip is an empty ZIP archive"):
        read_transactions(path)
    path = tmp_path / "kaputt.zip"
    path.write_bytes(zip_bytes({"umsatz.csv": CSV * 50})[:120])
    with pytest.raises(DataFormatError, match="cannot open the file as an Excel workbook or ZIP archive"):
        read_transactions(path)


def test_old_excel_pdf_and_html_get_what_to_do(tmp_path):
    path = tmp_path / "umsatz.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(ParameterError, match=r"umsatz.xls is an old Excel file \(.xls\). Open it in Excel and save"):
        read_transactions(path)
    path = tmp_path / "umsatz.csv"  # the name does not matter: the content tells
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(ParameterError, match=r"old Excel file \(.xls\)"):
        read_transactions(path)
    path.write_bytes(b"%PDF-1.7\n%binary")
    with pytest.raises(ParameterError, match="umsatz.csv is a PDF document.*Export the data .* as CSV"):
        read_transactions(path)
    path.write_bytes(b"<html><table><tr><td>Kundennr.</td></tr></table></html>")
    with pytest.raises(ParameterError, match=r"is a web page \(HTML\)"):
        read_transactions(path)


def test_xls_named_file_holding_text_is_read(tmp_path):
    path = tmp_path / "export.xls"  # some systems save tab-separated text as .xls
    path.write_text(CSV.replace(";", "\t"), encoding="utf-8")
    assert read(path).sep == "\t"


def test_zip_message_in_german(tmp_path):
    import kamlab

    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes({"a.csv": CSV, "b.csv": CSV}))
    with kamlab.language("de"), pytest.raises(ParameterError, match="export.zip ist ein ZIP-Archiv mit 2 Dateien"):
        read_transactions(path)
