"""Write the small hand-made files the loader tests read.

The files are committed; this script documents exactly what is in them (encodings and
line endings are hard to see in an editor) and re-creates them:

    .venv/bin/python tests/data/make_files.py

The expected results in tests/test_io.py are worked out by hand from the contents below.
"""

from __future__ import annotations

import datetime as dt
import gzip
import pathlib

HERE = pathlib.Path(__file__).resolve().parent


def write(name, text, encoding="utf-8", newline="\n"):
    data = text.replace("\n", newline).encode(encoding)
    (HERE / name).write_bytes(data)


# A German ERP export: cp1252, CRLF, ";" separated, decimal comma, thousands dot,
# dd.mm.yyyy, two preamble lines above the header (line 3). 10 data rows (lines 4-13).
ERP = """\
Umsatzliste Müller & Söhne GmbH – Geschäftsjahr 2024
Mandant: 100;Exportiert am 03.01.2025 von Jürgen Weiß
Kundennr.;Kunde;Rechnungsnr.;Rechnungsdatum;Artikel;Menge;Einzelpreis;Umsatz
10017;Bäckerei Größl KG;RE-24-0001;02.01.2024;Brötchenautomat;1;12.499,00;12.499,00
10017;Bäckerei Größl KG;RE-24-0001;02.01.2024;Wartungsvertrag;1;1.200,00;1.200,00
10234;Fleischerei Köhler;RE-24-0002;15.01.2024;Kühltheke;2;3.450,50;6.901,00
10552;Café Süß;RE-24-0003;31.01.2024;Espressomaschine;3;899,99;2.699,97
10017;Bäckerei Größl KG;RE-24-0004;29.02.2024;Ofenreinigung;4;75,25;301,00
10889;Hotel Zur Mühle;RE-24-0005;15.03.2024;Spülmaschine;1;18.750,00;18.750,00
10234;Fleischerei Köhler;GS-24-0001;20.03.2024;Gutschrift Kühltheke;-1;3.450,50;-3.450,50
10552;Café Süß;RE-24-0006;30.06.2024;Kaffeemühle;5;249,90;1.249,50
11003;Großküche Straße 7 GmbH;RE-24-0007;01.10.2024;Kombidämpfer;2;21.345,67;42.691,34
10889;Hotel Zur Mühle;RE-24-0008;31.12.2024;Servicepauschale;12;99,00;1.188,00
"""


def main():
    write("erp_export_de.csv", ERP, encoding="cp1252", newline="\r\n")
    # the same file with one unreadable cell: line 9, column 'Umsatz', a letter O for a zero
    bad = ERP.replace("Spülmaschine;1;18.750,00;18.750,00", "Spülmaschine;1;18.750,00;18.750,0O")
    assert bad != ERP
    write("erp_export_de_bad_cell.csv", bad, encoding="cp1252", newline="\r\n")

    write(
        "utf8_comma.csv",
        """\
Customer ID,Invoice,Date,Product,Quantity,Price,Sales
C-001,INV-1001,2024-03-01,Widget,10,2.50,25.00
C-002,INV-1002,2024-03-05,"Gadget, large",1,1250.00,1250.00
C-001,INV-1003,2024-04-11,Widget,4,2.50,10.00
C-003,INV-1004,2024-04-30,Service,1,99.90,99.90
""",
    )
    (HERE / "utf8_comma.csv.gz").write_bytes(gzip.compress((HERE / "utf8_comma.csv").read_bytes(), mtime=0))

    write(
        "utf8_bom_semicolon.csv",
        """\
Kunden-Nr;Firmenname;Belegdatum;Warengruppe;Stückpreis;Menge;Nettoumsatz
K-100;Müller Maschinenbau GmbH;05.02.2024;Ersatzteile;12,5;8;100,00
K-101;Öztürk Logistik;06.02.2024;Service;80;1,5;120,00
K-100;Müller Maschinenbau GmbH;07.03.2024;Ersatzteile;12,5;2;25,00
""",
        encoding="utf-8-sig",
        newline="\r\n",
    )

    write(
        "latin1_tab.txt",
        "Debitor\tName\tLand\tDatum\tUmsatz\n"
        "4711\tJosé Peñalver S.L.\tES\t10.05.2024\t1.000,00\n"
        "4712\tFraîche Crèmerie\tFR\t11.05.2024\t250,75\n"
        "4711\tJosé Peñalver S.L.\tES\t12.05.2024\t-50,25\n",
        encoding="latin-1",
    )

    write(
        "pipe_separated.csv",
        """\
account_id|date|revenue|product_group
A1|2024-01-15|100.10|Tools
A2|2024-01-16|200.20|Parts
A3|2024-01-17|300.30|Tools
""",
    )

    write(
        "us_thousands_comma.csv",
        """\
CustomerID,InvoiceNo,InvoiceDate,Amount
"1001","INV-1","12/31/2024","1,234.56"
"1002","INV-2","01/15/2025","12,345,678.90"
"1001","INV-3","02/03/2025","-99.99"
""",
    )

    write(
        "quoted_separator.csv",
        """\
Kundennr.;Kunde;Datum;Umsatz
1;"Müller; Sohn GmbH";01.03.2024;"1.500,00"
2;"Der ""Beste"" Laden";02.03.2024;250,00
""",
    )

    write("empty.csv", "")
    write("blank_lines_only.csv", "\r\n\r\n   \r\n")
    write("header_only.csv", "Kundennr.;Datum;Umsatz\r\n\r\n")

    write(
        "duplicated_columns.csv",
        """\
Kundennr.;Datum;Umsatz;Umsatz
1;01.01.2024;10,00;12,00
""",
    )

    write(
        "missing_required_column.csv",
        """\
Kundennr.;Datum;Betrag netto
1;01.01.2024;10,00
""",
    )

    # lines 3, 5 and 6 hold values that are not numbers
    write(
        "unparsable_number.csv",
        """\
Kundennr.;Datum;Umsatz
1;01.01.2024;10,00
2;02.01.2024;12,3x
3;03.01.2024;20,00
4;04.01.2024;abc
5;05.01.2024;1.2.3
6;06.01.2024;30,00
""",
    )

    # 31.02.2016 does not exist; 29.02.2016 does (leap year)
    write(
        "impossible_date.csv",
        """\
Kundennr.;Rechnungsdatum;Umsatz
1;28.02.2016;100,00
2;31.02.2016;200,00
3;29.02.2016;300,00
""",
    )

    # lines 3 and 5 have no account id, line 6 is a total line without id and date
    write(
        "missing_account_id.csv",
        """\
Kundennr.;Kunde;Datum;Umsatz
1;Alpha;01.01.2024;10,00
;Beta;02.01.2024;20,00
3;Gamma;03.01.2024;30,00
  ;Delta;04.01.2024;40,00
;Summe;;100,00
""",
    )

    # blank lines (3, 6, 9) and a line of separators only (5) are not rows; line 7 is bad
    write(
        "blank_lines.csv",
        """\
Kundennr.;Datum;Umsatz
1;01.01.2024;10,00

2;02.01.2024;20,00
;;

3;03.01.2024;x
4;04.01.2024;40,00

""",
    )

    # SAP-style credit notes: trailing minus, parentheses, currency, space as thousands
    write(
        "credit_notes_sap.csv",
        """\
Debitor;Belegnr.;Buchungsdatum;Betrag
100;9000001;02.01.2024;1.234,56
100;9000002;03.01.2024;1.234,56-
200;9000003;04.01.2024;€ 2.000,00
200;9000004;05.01.2024;(500,00)
300;9000005;06.01.2024;750,25 EUR
300;9000006;07.01.2024;-0,25
400;9000007;08.01.2024;1 000,00
""",
        encoding="cp1252",
    )

    write(
        "quantity_price_only.csv",
        """\
Kundennummer;Datum;Artikelnr.;Menge;Einzelpreis
K1;01.01.2024;A-1;3;19,99
K2;02.01.2024;A-2;10;0,5
K1;03.01.2024;A-3;-1;19,99
""",
    )

    write(
        "ambiguous_columns.csv",
        """\
Kundennr.;Datum;Umsatz;Nettoumsatz
1;01.01.2024;11,90;10,00
""",
    )

    write(
        "iso_datetimes.csv",
        """\
InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID
536365,85123A,6,2010-12-01 08:26:00,2.55,17850.0
536366,22633,6,2010-12-01 08:28:00,1.85,17850.0
C536379,D,-1,2010-12-01 09:41:00,27.50,14527.0
536370,22728,24,2010-12-01 08:45:00,3.75,12583.0
""",
    )

    write(
        "ambiguous_us_dates.csv",
        """\
Customer ID,Date,Sales
1,03/04/2024,10.00
2,05/06/2024,20.00
""",
    )

    write(
        "uk_dates.csv",
        """\
Customer ID,Date,Sales
1,31/12/2024,10.00
2,05/06/2024,20.00
""",
    )

    write(
        "semicolon_decimal_point.csv",
        """\
Kundennr.;Datum;Umsatz
1;2024-01-01;1234.56
2;2024-01-02;0.44
""",
    )

    # line 3: the name contains the separator without quotes, so the line has 5 fields
    write(
        "too_many_fields.csv",
        """\
Kundennr.;Kunde;Datum;Umsatz
1;Alpha;01.01.2024;10,00
2;Beta; Gamma GmbH;02.01.2024;20,00
3;Delta;03.01.2024;30,00
""",
    )

    # a quoted line break: the record of account 1 spans lines 2-3, so 'oops' is on line 4
    write(
        "multiline_quoted.csv",
        """\
Customer ID,Description,Date,Sales
1,"Line one
continued",2024-01-01,10.00
2,Plain,2024-01-02,oops
3,Plain,2024-01-03,30.00
""",
    )

    # Excel's "Unicode text": UTF-16 with byte-order mark, tab separated
    write(
        "utf16_tab.txt",
        "Kundennr.\tDatum\tUmsatz\r\n1\t01.01.2024\t1.000,50\r\n2\t02.01.2024\t2.000,25\r\n",
        encoding="utf-16",
    )

    # every data line ends with a separator, the header does not (an ERP habit)
    write(
        "trailing_separator.csv",
        """\
Kundennr.;Datum;Umsatz
1;01.01.2024;10,00;
2;02.01.2024;20,50;
3;03.01.2024;x;
""",
    )

    # ERPs write 31.12.9999 for "open end"; pandas cannot hold it
    write(
        "placeholder_date.csv",
        """\
Kundennr.;Datum;Umsatz
1;31.12.9999;10,00
2;01.01.2024;20,00
""",
    )

    write(
        "no_header.csv",
        """\
1;01.01.2024;10,00
2;02.01.2024;20,00
""",
    )

    write(
        "accounts_de.csv",
        """\
Kundennr.;Name;Branche;Land;Region;Mitarbeiter;Key-Account-Manager
K-1001;Müller Maschinenbau GmbH;Maschinenbau;DE;Süd;1.250;Anna Schmidt
K-1002;Öztürk Logistik;Logistik;DE;West;85;Jan Becker
K-1003;Schweizer Präzision AG;Maschinenbau;CH;;420;Anna Schmidt
""",
        encoding="cp1252",
    )

    write(
        "accounts_duplicate_ids.csv",
        """\
Kundennr.;Name
K-1;Alpha
K-2;Beta
K-1;Alpha (alt)
K-3;Gamma
""",
    )

    write_excel()
    write_parquet()


def write_excel():
    import openpyxl

    def sheet_with_title(ws, revenue_row6):
        ws["A1"] = "Umsatzübersicht 2024"  # title in row 1, row 2 left blank
        ws.append([])
        ws.append(["Kundennummer", "Kundenname", "Rechnungsdatum", "Umsatz"])  # row 3
        ws.append([20001, "Alpha AG", dt.datetime(2024, 1, 10), 1500.5])  # row 4
        ws.append([20002, "Beta GmbH", dt.datetime(2024, 2, 20), 2500])  # row 5
        ws.append([20001, "Alpha AG", dt.datetime(2024, 3, 30), revenue_row6])  # row 6
        ws.append([20003, "Gamma KG", dt.datetime(2024, 4, 15), -200.25])  # row 7
        for row in ws.iter_rows(min_row=4, min_col=3, max_col=3):
            row[0].number_format = "DD.MM.YYYY"

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Umsätze"
    sheet_with_title(ws, "1.234,50")  # a number typed as German text
    info = wb.create_sheet("Info")
    info["A1"] = "Quelle: ERP-Export"
    _save(wb, "excel_title_row.xlsx")

    wb = openpyxl.Workbook()
    sheet_with_title(wb.active, "n/a")
    _save(wb, "excel_bad_cell.xlsx")

    # cells as real exports have them; the empty 4th column has no name and is dropped
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    ws.append(["Kundennr.", "Datum", "Umsatz", None, "Bemerkung"])  # row 1
    ws.append([17850.0, 45292, "1.234,50", None, "x"])  # row 2: serial 45292 = 2024-01-01, float id
    ws.append([None, dt.date(2024, 1, 2), True, None, 5])  # row 3: no id, a boolean as revenue
    ws.append(["K3", dt.time(8, 0), "#DIV/0!", None, None])  # row 4: a time, not a date; an Excel error
    ws.append(["K4", dt.datetime(9999, 12, 31), 5, None, None])  # row 5: a placeholder date
    ws.append(["K5", dt.datetime(2024, 3, 1, 14, 5), 5.5, None, "letzte"])  # row 6
    _save(wb, "excel_odd_cells.xlsx")


def _save(wb, name):
    # openpyxl stamps the time of saving into the file, so re-running the script changes
    # the bytes of the .xlsx files (not their cells); commit them only when cells change
    wb.properties.created = dt.datetime(2025, 1, 1)
    wb.save(HERE / name)


def write_parquet():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "KundenNr": pd.array([1, 2, 1, 3], dtype="int64"),
            "Datum": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-02-11", "2024-03-01"]),
            "Menge": pd.array([1, 2, 3, 4], dtype="int64"),
            "Umsatz": [10.5, 20.25, -5.75, 100.0],
            "Bemerkung": ["erste", None, "Gutschrift", "groß"],
        }
    )
    frame.to_parquet(HERE / "transactions.parquet", index=False)


if __name__ == "__main__":
    main()
