"""The engines on real data and their options: case company and Online Retail from files, exact CSV, errors.

The expected tables come from the plain-pandas oracle (tests/oracle_engines.py) or from the
pandas-frame call checked against it; files are written here from the same lines.
"""

import pandas as pd
import pytest
from oracle_engines import assert_same_table, oracle_accounts, oracle_summary

import kamlab
from kamlab.data.accounts import AsOfWarning

pytest.importorskip("ibis")


@pytest.fixture(scope="module")
def case_lines(case):
    return case.transactions[["account_id", "invoice_id", "date", "offering", "revenue", "cost"]].copy()


def test_case_company_from_frame_parquet_and_csv_equals_the_oracle(case_lines, tmp_path):
    expected = oracle_accounts(case_lines, "2025-06-30")
    case_lines.to_parquet(tmp_path / "case.parquet", index=False)
    case_lines.iloc[:100_000].to_csv(tmp_path / "case_1.csv", index=False)
    case_lines.iloc[100_000:].to_csv(tmp_path / "case_2.csv", index=False)
    for source in (case_lines, tmp_path / "case.parquet", str(tmp_path / "case_*.csv")):
        with pytest.warns(AsOfWarning):
            got = kamlab.accounts_from_transactions(source, "2025-06-30")
        assert_same_table(got, expected)
    report = got.attrs["read_report"]
    assert report["lines"] == len(case_lines) and len(report["files"]) == 2
    assert report["revenue"] == pytest.approx(case_lines["revenue"].sum(), rel=1e-12)
    after = case_lines["date"] >= pd.Timestamp("2025-07-01")
    assert report["lines_after_as_of"] == int(after.sum())
    assert report["revenue_after_as_of"] == pytest.approx(case_lines.loc[after, "revenue"].sum(), rel=1e-12)


def test_case_company_rfm_summary_from_parquet_equals_the_oracle(case_lines, tmp_path):
    lines = case_lines[["account_id", "date", "revenue"]]
    lines.to_parquet(tmp_path / "case.parquet", index=False)
    expected = oracle_summary(lines, "2024-12-31", "W", observation_end="2025-06-30")
    for source in (lines, tmp_path / "case.parquet"):
        got = kamlab.rfm_summary(source, "2024-12-31", "W", observation_end="2025-06-30")
        assert_same_table(got, expected)


def test_online_retail_from_parquet_equals_the_frame_and_the_oracle(online_retail_lines, tmp_path):
    lines = online_retail_lines[["account_id", "invoice_id", "date", "product", "revenue"]]
    lines.to_parquet(tmp_path / "retail.parquet", index=False)
    frame = kamlab.accounts_from_transactions(lines, missing_account="group", offering="product")
    files = kamlab.accounts_from_transactions(tmp_path / "retail.parquet", missing_account="group",
                                              offering="product")
    assert_same_table(files, frame)
    expected = oracle_accounts(lines.rename(columns={"product": "offering"}), missing_account="group")
    assert_same_table(frame.drop(columns="n_offerings"), expected.drop(columns="n_offerings"))
    assert files.attrs["read_report"]["lines_without_account"] == 135_080
    assert files.attrs["read_report"]["lines"] == 541_909


GERMAN = (
    "Kunde;Rechnung;Datum;Umsatz\n"
    "K1;R1;31.01.2024;1.234,50\n"
    "K1;R2;01.02.2024;-34,50\n"
    "K2;R3;15.03.2024;12,00\n"
)


def test_german_csv_needs_its_options_and_then_is_exact(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(GERMAN, encoding="utf-8")
    names = {"Kunde": "account_id", "Rechnung": "invoice_id", "Datum": "date", "Umsatz": "revenue"}
    with pytest.raises(kamlab.ParameterError, match="decimal"):  # ; without decimal=: refused, never guessed
        kamlab.accounts_from_transactions(path, columns=names, csv={"sep": ";"})
    with pytest.raises(kamlab.DataFormatError, match="not a number with decimal separator ','"):
        kamlab.accounts_from_transactions(path, columns=names, csv={"sep": ";", "decimal": ",",
                                                                    "date_format": "%d.%m.%Y"})
    with pytest.raises(kamlab.DataFormatError, match="'Datum'.*ISO date"):
        kamlab.accounts_from_transactions(path, columns=names, csv={"sep": ";", "decimal": ",", "thousands": "."})
    table = kamlab.accounts_from_transactions(path, columns=names, csv={"sep": ";", "decimal": ",", "thousands": ".",
                                                                        "date_format": "%d.%m.%Y"})
    assert table["account_id"].tolist() == ["K1", "K2"]
    assert table["revenue"].tolist() == [1200.0, 12.0]
    assert table["credit_notes"].tolist() == [1, 0]
    assert table.attrs["as_of"] == pd.Timestamp("2024-03-15")


def test_english_csv_with_a_decimal_comma_is_refused(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text('account_id,date,revenue\nA,2024-01-01,"1,5"\nA,2024-01-02,2.5\n', encoding="utf-8")
    with pytest.raises(kamlab.DataFormatError, match="1 of 2 lines.*'1,5'"):
        kamlab.accounts_from_transactions(path)


def test_memory_limit_progress_and_engine_choices(tmp_path):
    lines = pd.DataFrame({"account_id": ["A", "B"], "date": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                          "revenue": [1.0, 2.0]})
    table = kamlab.accounts_from_transactions(lines, engine="duckdb", memory_limit="1GB", progress=True)
    assert table["revenue"].tolist() == [1.0, 2.0]
    with pytest.raises(kamlab.ParameterError, match="memory_limit"):
        kamlab.accounts_from_transactions(lines, memory_limit="a lot")
    with pytest.raises(kamlab.ParameterError, match="engine must be"):
        kamlab.accounts_from_transactions(lines, engine="polars")
    with pytest.raises(kamlab.ParameterError, match="no file"):
        kamlab.accounts_from_transactions(str(tmp_path / "missing_*.parquet"))
    with pytest.raises(kamlab.ParameterError, match="neither Parquet"):
        (tmp_path / "lines.xlsx").write_bytes(b"")
        kamlab.accounts_from_transactions(tmp_path / "lines.xlsx")
    with pytest.raises(kamlab.MissingColumnError, match="columns="):
        lines.rename(columns={"account_id": "Kunde"}).to_parquet(tmp_path / "x.parquet")
        kamlab.accounts_from_transactions(tmp_path / "x.parquet")


def test_a_frame_of_arrow_text_numbers_and_dates_is_handed_to_duckdb_as_arrow_with_the_same_results(case_lines):
    import numpy as np
    import pyarrow as pa

    from kamlab.data.engines.duckdb import _arrow_view

    lines = case_lines[["account_id", "date", "revenue"]].iloc[:50_000].copy()
    # pandas' Arrow-backed text: the default "str" of pandas 3, asked for by name in pandas 2
    lines["account_id"] = lines["account_id"].astype("str" if pd.__version__ >= "3" else "string[pyarrow]")
    lines.loc[lines.index[:3], "revenue"] = [np.nan, -np.inf, 12.5]  # NaN is NULL for DuckDB both ways
    as_object = lines.assign(account_id=lines["account_id"].astype(object))
    as_category = lines.assign(account_id=lines["account_id"].astype("category"))
    assert isinstance(_arrow_view(lines), pa.Table)
    assert _arrow_view(as_object) is as_object and _arrow_view(as_category) is as_category
    messages = []
    for frame in (lines, as_object):  # the Arrow path and the frame path refuse the same lines
        with pytest.raises(kamlab.DataFormatError) as info:
            kamlab.rfm_summary(frame, "2025-06-30")
        messages.append(str(info.value))
    assert messages[0] == messages[1] and messages[0].startswith("2 of 50,000 lines have no readable 'revenue'")
    clean = lines.iloc[3:]
    got = kamlab.rfm_summary(clean, "2025-06-30")
    pd.testing.assert_frame_equal(got.drop(columns="account_id"), kamlab.rfm_summary(
        clean.assign(account_id=clean["account_id"].astype(object)), "2025-06-30").drop(columns="account_id"))
    assert_same_table(got, oracle_summary(clean, "2025-06-30"))
