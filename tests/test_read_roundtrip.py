"""Round trip: random small tables of invoice lines, written in random dialects, read back exactly.

Separator, decimal mark, thousands separator, encoding, date format, title lines above
the header, line ends, a missing final line break and a footer ("Summe", "Gesamt",
...) vary; the ids, dates and amounts (to the cent) must come back exactly, and the
footer must be refused by default and set aside with ``errors="drop"``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError

NAMES = ["Müller & Söhne GmbH", 'Café "Zur Post"', "Smith, Jones; Partners", "Größl KG", "ACME Ltd", "Ölmühle Nord"]
TITLES = ["Umsatzliste 2024", "Exportiert am 03.01.2025 von Jürgen Weiß", "Mandant 100"]
FOOTERS = ["Summe", "Gesamt", "Total", "Endsumme", "Gesamtsumme:", "Summe aller Kunden"]
DATE_STYLES = ["%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%dT00:00:00+01:00", "%Y-%m-%dT00:00:00Z", "%d.%m.%Y 00:00"]


def amount(cents, decimal, thousands):
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", thousands) if thousands else str(whole)
    return f"{sign}{digits}{decimal}{frac:02d}"


rows_strategy = st.lists(
    st.tuples(
        st.from_regex(r"[A-Z]{0,2}[1-9][0-9]{0,5}", fullmatch=True),
        st.sampled_from(NAMES),
        st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2035, 12, 31)),
        st.integers(min_value=-10**9, max_value=10**9),
    ),
    min_size=2,
    max_size=12,
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("roundtrip_dialects")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=rows_strategy,
    sep=st.sampled_from([";", ",", "\t", "|"]),
    decimal=st.sampled_from([",", "."]),
    use_thousands=st.booleans(),
    date_style=st.sampled_from(DATE_STYLES),
    titles=st.integers(min_value=0, max_value=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    eol=st.sampled_from(["\n", "\r\n"]),
    final_eol=st.booleans(),
    footer=st.one_of(st.none(), st.tuples(st.sampled_from(FOOTERS), st.booleans(), st.booleans())),
)
def test_any_dialect_reads_back_exactly_and_never_reads_the_footer(
    scratch, rows, sep, decimal, use_thousands, date_style, titles, encoding, eol, final_eol, footer
):
    thousands = ("." if decimal == "," else ",") if use_thousands else ""
    buffer = io.StringIO()
    for title in TITLES[:titles]:
        buffer.write(title + eol)
    writer = csv.writer(buffer, delimiter=sep, lineterminator=eol)
    writer.writerow(["Kundennr.", "Name", "Rechnungsdatum", "Umsatz"])
    for account, name, day, cents in rows:
        writer.writerow([account, name, day.strftime(date_style), amount(cents, decimal, thousands)])
    footer_line = titles + 2 + len(rows)
    if footer is not None:
        word, in_account_column, with_date = footer
        total = amount(sum(r[3] for r in rows), decimal, thousands)
        day = rows[-1][2].strftime(date_style) if with_date else ""
        writer.writerow([word, "", day, total] if in_account_column else ["", word, day, total])
    text = buffer.getvalue()
    if not final_eol:
        text = text[: -len(eol)]
    path = scratch / "roundtrip.csv"
    path.write_bytes(text.encode(encoding))

    if footer is not None:
        with pytest.raises(DataFormatError) as info:
            read_transactions(path)
        assert info.value.line == footer_line
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df, report = read_transactions(path, errors="drop", report=True)
        assert report.set_aside["line"].tolist() == [footer_line]
    else:
        df, report = read_transactions(path, report=True)
        assert report.rows_set_aside == 0

    assert report.header_line == titles + 1
    assert (report.sep, report.decimal) == (sep, decimal)
    assert report.encoding == ("utf-8" if encoding == "cp1252" and text.isascii() else encoding)
    assert df["account_id"].tolist() == [r[0] for r in rows]
    assert df["name"].tolist() == [r[1] for r in rows]
    assert df["date"].tolist() == [pd.Timestamp(r[2]) for r in rows]
    cents = np.round(df["revenue"].to_numpy() * 100).astype(np.int64)
    assert cents.tolist() == [r[3] for r in rows]
