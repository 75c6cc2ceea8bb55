"""Write the course's example ERP exports (``datasets/examples/``) from the case company.

Usage: .venv/bin/python tools/make_example_exports.py [OUTPUT_FOLDER]   (default: datasets/examples)

Notebook ``01_data`` loads these files to show what real exports look like and how
kamlab reads them. They are made from the committed case company, so every number in
them can be checked against ``kamlab.load_case()``; nothing is random, so the script
writes the same bytes every time (``tests/test_course_chapter01.py`` checks that the
committed files are exactly what it writes).

``umsatzliste_nord_2025q4.csv``
    The invoice lines of one sales territory (Vertriebsgebiet Nord, key-account manager
    Jens Hagemann: Niedersachsen, Hamburg, Schleswig-Holstein, Bremen,
    Mecklenburg-Vorpommern) in the fourth quarter of 2025, as a German ERP writes them:
    Windows-1252 (cp1252), Windows line ends (CRLF), ``;`` between fields, decimal
    comma and thousands dot, dates as dd.mm.yyyy, minus signs *after* the number as SAP
    writes them (``617,08-``), two title lines above the header, German column names.
``umsatzliste_nord_2025q4_fehler.csv``
    The same list after it went through a spreadsheet by hand, with four faults that
    occur in real files (see ``FAULTS``): a letter O for a zero in an amount, a date
    that does not exist, a line without a customer number, and a total line at the
    bottom. Every other byte is as in the clean file.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "datasets" / "examples"

TERRITORY_MANAGER = "Jens Hagemann"
TERRITORY = "Vertriebsgebiet Nord"
START, END = "2025-10-01", "2025-12-31"
CLEAN = "umsatzliste_nord_2025q4.csv"
FAULTY = "umsatzliste_nord_2025q4_fehler.csv"
ENCODING = "cp1252"
NEWLINE = "\r\n"

TITLE = f"Kesselbach Antriebstechnik GmbH – Umsatzliste {TERRITORY} (Betreuer: {TERRITORY_MANAGER})"
PERIOD = "Zeitraum: 01.10.2025 – 31.12.2025;Buchungskreis 1000;Währung EUR"
HEADER = [
    "Belegnr.", "Pos.", "Belegdatum", "Kundennr.", "Kundenname", "Artikelgruppe",
    "Menge", "ME", "Einzelpreis", "Nettoumsatz", "Wareneinsatz",
]
UNITS = {"pcs": "Stk", "h": "Std", "lump sum": "pausch."}

#: The faults of the faulty copy: (data row, counted from 0 in the clean file; column; what is done).
#: The rows are the first ones at or after the given position that fit the fault.
FAULTS = (
    (600, "Nettoumsatz", "a letter O for the last zero of an amount such as 1.234,50 -> 1.234,5O"),
    (1500, "Belegdatum", "a day that does not exist: 31.11.2025"),
    (2300, "Kundennr.", "the customer number is empty"),
    (None, "Summe", "a total line at the bottom, after a blank line, as spreadsheets add it"),
)


def german_number(value, decimals=2):
    """1234.5 -> '1.234,50'; negative numbers with the minus after the number, as SAP writes them."""
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text + "-" if round(value, decimals) < 0 else text


def territory_lines(case):
    """The case company's invoice lines of the territory and quarter, in invoice order."""
    accounts = case.accounts.loc[
        case.accounts["territory_manager"] == TERRITORY_MANAGER, ["account_id", "name"]
    ]
    lines = case.transactions
    in_quarter = (lines["date"] >= START) & (lines["date"] <= END)
    selected = lines[in_quarter & lines["account_id"].isin(accounts["account_id"])]
    groups = case.offerings.set_index("product_group")[["product_group_de", "unit"]]
    selected = selected.join(groups, on="product_group").merge(accounts, on="account_id", how="left")
    return selected.sort_values(["date", "invoice_id", "line"], kind="stable").reset_index(drop=True)


def rows_of(lines):
    """The data rows as lists of cells (text as the ERP writes it)."""
    rows = []
    for line in lines.itertuples(index=False):
        rows.append([
            line.invoice_id,
            str(line.line),
            line.date.strftime("%d.%m.%Y"),
            line.account_id,
            line.name,
            line.product_group_de,
            german_number(line.quantity, 0),
            UNITS[line.unit],
            german_number(line.unit_price),
            german_number(line.revenue),
            german_number(line.cost),
        ])
    return rows


def text_of(rows, preamble=(TITLE, PERIOD)):
    body = [*preamble, ";".join(HEADER)] + [";".join(row) if row else "" for row in rows]
    return (NEWLINE.join(body) + NEWLINE).encode(ENCODING)  # strict: every character must exist in cp1252


def faulty_rows(rows, lines):
    """A copy of ``rows`` with the faults in ``FAULTS``."""
    import re

    rows = [list(row) for row in rows]
    col = {name: j for j, name in enumerate(HEADER)}
    (typo_at, _, _), (date_at, _, _), (empty_at, _, _), _ = FAULTS

    i = next(i for i in range(typo_at, len(rows)) if re.fullmatch(r"\d{1,3}\.\d{3},\d0", rows[i][col["Nettoumsatz"]]))
    rows[i][col["Nettoumsatz"]] = rows[i][col["Nettoumsatz"]][:-1] + "O"

    i = next(i for i in range(date_at, len(rows)) if rows[i][col["Belegdatum"]].endswith(".11.2025"))
    rows[i][col["Belegdatum"]] = "31.11.2025"

    i = next(i for i in range(empty_at, len(rows)) if rows[i][col["Kundennr."]])
    rows[i][col["Kundennr."]] = ""

    total = [""] * len(HEADER)
    total[0] = "Summe"
    total[col["Nettoumsatz"]] = german_number(lines["revenue"].sum())
    total[col["Wareneinsatz"]] = german_number(lines["cost"].sum())
    return rows + [[], total]


def build(case=None):
    """``{file name: bytes}`` of the example files."""
    if case is None:
        import kamlab

        case = kamlab.load_case()
    lines = territory_lines(case)
    rows = rows_of(lines)
    return {CLEAN: text_of(rows), FAULTY: text_of(faulty_rows(rows, lines))}


def main(out=DEFAULT_OUT):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (out / name).write_bytes(data)
        print(f"{out / name}: {len(data):,} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
