"""The contribution margin (DB I per line) beside revenue and cost."""

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.data.readers import read_transactions
from kamlab.errors import DataFormatError, ParameterError


def write(tmp_path, rows, sep):
    path = tmp_path / "margin.csv"
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["Deckungsbeitrag", "DB", "DB I", "Rohertrag", "Deckungsbeitrag in EUR"])
@pytest.mark.parametrize("sep", [";", "\t"])
def test_german_margin_headers_give_cost_as_revenue_minus_margin(tmp_path, header, sep):
    rows = [["Kundennr.", "Datum", "Umsatz", header], ["1", "02.01.2024", "1.000,00", "250,40"],
            ["1", "03.01.2024", "200,00", "-10,00"]]
    df, report = read_transactions(write(tmp_path, rows, sep), report=True)
    assert report.columns[header] == "contribution_margin"
    assert df["contribution_margin"].tolist() == [250.40, -10.0]
    # 1000.00 - 250.40 = 749.60; 200.00 - (-10.00) = 210.00
    assert df["cost"].tolist() == [float(Decimal("749.60")), 210.0]
    assert f"cost computed as revenue - contribution margin (column {header!r})." in report.notes
    table = kamlab.accounts_from_transactions(df)
    assert table["contribution_margin"].iloc[0] == pytest.approx(240.40, abs=1e-9)


@pytest.mark.parametrize("header", ["Gross profit", "Contribution margin"])
def test_english_margin_headers(tmp_path, header):
    rows = [["Customer ID", "Date", "Sales", header], ["1", "2024-01-02", '"1,000.00"', "250.40"]]
    df = read_transactions(write(tmp_path, rows, ","))
    assert df["contribution_margin"].tolist() == [250.40]
    assert df["cost"].tolist() == [749.60]


def test_cost_only_gives_the_margin_as_the_account_table_does(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz", "Wareneinsatz"], ["1", "02.01.2024", "100,00", "60,25"],
            ["2", "02.01.2024", "50,00", "50,00"]]
    df, report = read_transactions(write(tmp_path, rows, ";"), report=True)
    assert df["contribution_margin"].tolist() == [39.75, 0.0]  # 100.00 - 60.25, 50.00 - 50.00
    table = kamlab.accounts_from_transactions(df)
    lines = df.groupby("account_id")["contribution_margin"].sum()
    assert table.set_index("account_id")["contribution_margin"].to_dict() == pytest.approx(lines.to_dict())
    assert "contribution margin computed as revenue - cost (column 'Wareneinsatz'), as in the account table." \
        in report.notes


def test_margin_and_cost_that_do_not_add_up_are_a_row_problem(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz", "Wareneinsatz", "DB"], ["1", "02.01.2024", "100,00", "60,00", "40,00"],
            ["2", "02.01.2024", "100,00", "60,00", "30,00"], ["3", "02.01.2024", "10,01", "5,00", "5,00"]]
    path = write(tmp_path, rows, ";")
    with pytest.raises(DataFormatError) as info:
        read_transactions(path)
    assert (info.value.line, info.value.column, info.value.value, info.value.n_more) == (3, "DB", "30,00", 0)
    assert "the contribution margin 30.00 is not revenue - cost (100.00 - 60.00 = 40.00)" in str(info.value)
    df = read_transactions(path, errors="drop")
    assert df["account_id"].tolist() == ["1", "3"]  # line 4 differs by a rounded cent only


@pytest.mark.parametrize("header", ["Gewinn", "Profit", "Marge"])
def test_ambiguous_names_are_kept_with_a_note_and_mapped_on_request(tmp_path, header):
    rows = [["Kundennr.", "Datum", "Umsatz", header], ["1", "02.01.2024", "100,00", "30,00"]]
    path = write(tmp_path, rows, ";")
    df, report = read_transactions(path, report=True)
    assert "contribution_margin" not in df and df[header].tolist() == ["30,00"]
    assert f"pass columns={{{header!r}: 'contribution_margin'}}" in " ".join(report.notes)
    df = read_transactions(path, columns={header: "contribution_margin"})
    assert (df["contribution_margin"].tolist(), df["cost"].tolist()) == ([30.0], [70.0])


def test_profit_as_a_target_points_to_contribution_margin(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz", "Gewinn"], ["1", "02.01.2024", "100,00", "30,00"]]
    with pytest.raises(ParameterError) as info:
        read_transactions(write(tmp_path, rows, ";"), columns={"Gewinn": "profit"})
    assert "use columns={'Gewinn': 'contribution_margin'}" in str(info.value)


@pytest.mark.parametrize("values, shown", [(["0,25", "0,3"], "'0,25', '0,3'"), (["25 %", "30 %"], "'25 %', '30 %'")])
def test_rates_are_refused_for_an_absolute_margin(tmp_path, values, shown):
    rows = [["Kundennr.", "Datum", "Umsatz", "Marge"], ["1", "02.01.2024", "100,00", values[0]],
            ["2", "02.01.2024", "200,00", values[1]]]
    with pytest.raises(DataFormatError) as info:
        read_transactions(write(tmp_path, rows, ";"), columns={"Marge": "contribution_margin"})
    assert (info.value.line, info.value.column, info.value.value) == (2, "Marge", values[0])
    assert f"'Marge' holds rates, not amounts ({shown})" in str(info.value)
    assert "columns={'Marge': None}" in str(info.value)


def test_a_percent_header_is_never_an_amount(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz", "DB %"], ["1", "02.01.2024", "100,00", "30"]]
    df = read_transactions(write(tmp_path, rows, ";"))
    assert "contribution_margin" not in df and df["DB %"].tolist() == ["30"]


def test_accounts_from_a_frame_with_margin_but_no_cost():
    lines = pd.DataFrame({"account_id": ["A", "A"], "date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                          "revenue": [100.0, 50.0], "contribution_margin": [30.0, 20.0]})
    table = kamlab.accounts_from_transactions(lines)
    assert table[["cost", "contribution_margin"]].iloc[0].tolist() == [100.0, 50.0]


def test_the_messages_in_german(tmp_path):
    rows = [["Kundennr.", "Datum", "Umsatz", "Gewinn"], ["1", "02.01.2024", "100,00", "0,30"]]
    path = write(tmp_path, rows, ";")
    with kamlab.language("de"):
        _, report = read_transactions(path, report=True)
        assert "Spalte 'Gewinn' wurde unverändert übernommen" in " ".join(report.notes)
        with pytest.raises(DataFormatError, match="enthält Quoten, keine Beträge"):
            read_transactions(path, columns={"Gewinn": "contribution_margin"})


def test_a_computed_margin_in_arrows_memory_is_exact_and_writable(tmp_path, monkeypatch):
    # big columns are made in memory from Arrow's pool (here from 4 rows on): the same numbers as pandas'
    # subtraction (inf - inf is NaN, no warning), and a frame whose cells can be set
    import warnings

    import pyarrow as pa

    from kamlab.data.readers import threads

    monkeypatch.setattr(threads, "_POOL_MIN", 4)
    array = threads._pool_empty(5, np.float64)
    assert array.flags.writeable and isinstance(array.base, pa.Buffer) and array.shape == (5,)
    assert threads._pool_empty(5, object).dtype == object  # objects: numpy's own memory
    revenue = [100.0, -20.5, float("inf"), np.nan, 7.25]
    cost = [60.25, -10.0, float("inf"), 1.0, 0.0]
    path = tmp_path / "lines.parquet"
    pd.DataFrame({"Kundennr": list("ABCDE"), "Datum": pd.to_datetime(["2024-01-02"] * 5), "Umsatz": revenue,
                  "Kosten": cost}).to_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        df = read_transactions(path, columns={"Kosten": "cost"}, required=["account_id"])
    expected = pd.Series(revenue) - pd.Series(cost)
    np.testing.assert_array_equal(df["contribution_margin"].to_numpy(), expected.to_numpy())
    from kamlab.data.readers.amounts import _difference

    made = _difference(pd.Series(revenue), pd.Series(cost)).to_numpy()
    while isinstance(made, np.ndarray):  # a view of a view of the pool's buffer
        made = made.base
    assert isinstance(made, pa.Buffer)
    df.loc[0, "contribution_margin"] = 1.0
    assert df["contribution_margin"].iloc[0] == 1.0
