"""Property tests: every DuckDB source gives the plain-pandas oracle's account table and RFM summary.

Hypothesis draws invoice lines with credit notes, invoices netting to zero or below, one-line
accounts, accounts with only credit notes, ids with blanks, lines without cost and ``as_of``
cuts; the same lines as a pandas frame, a Parquet file, a glob of two CSV files and an Ibis
table must all give the oracle's table (tests/oracle_engines.py): same ids, same dtypes,
numbers to 1e-9 relative.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_engines import assert_same_table, oracle_accounts, oracle_summary, oracle_summary_counts

import kamlab
from kamlab.data.accounts import AsOfWarning

ibis = pytest.importorskip("ibis")

rows = st.lists(
    st.tuples(
        st.sampled_from(["K1", "K2", "K10", " K2", "Müller GmbH", "K3 "]),
        st.integers(0, 4),  # invoice number within the account
        st.integers(0, 800),  # day
        st.integers(0, 23),  # hour
        st.sampled_from(["motors", "drives", None]),
        st.integers(-300_00, 500_00).map(lambda cents: cents / 100),  # credit notes, zero lines
        st.integers(0, 400_00).map(lambda cents: cents / 100),
    ),
    min_size=1,
    max_size=40,
)


def make_frame(draw_rows, *, with_cost, with_invoice):
    frame = pd.DataFrame(draw_rows, columns=["account_id", "inv", "day", "hour", "offering", "revenue", "cost"])
    frame["invoice_id"] = frame["account_id"].str.strip() + "-" + frame["inv"].astype(str)
    frame["date"] = (pd.Timestamp("2022-01-01") + pd.to_timedelta(frame["day"], unit="D")
                     + pd.to_timedelta(frame["hour"], unit="h")).astype("datetime64[us]")
    keep = ["account_id", "invoice_id", "date", "offering", "revenue", "cost"]
    keep = [c for c in keep if (with_cost or c != "cost") and (with_invoice or c != "invoice_id")]
    return frame[keep].astype({"account_id": "str"})


def sources(frame, folder):
    """The same lines as a frame, a Parquet file, a glob of two CSV files and two Ibis tables."""
    frame.to_parquet(folder / "lines.parquet", index=False)
    half = len(frame) // 2
    frame.iloc[:half].to_csv(folder / "part1.csv", index=False)
    frame.iloc[half:].to_csv(folder / "part2.csv", index=False)
    import duckdb

    raw = duckdb.connect()
    raw.register("frame_view", frame)
    raw.execute("CREATE TABLE lines AS SELECT * FROM frame_view")
    yield "frame", frame
    yield "parquet", folder / "lines.parquet"
    yield "csv glob", str(folder / "part*.csv")
    yield "ibis memtable", ibis.memtable(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield "ibis duckdb table", ibis.duckdb.from_connection(raw).table("lines")


def run(function, source, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AsOfWarning)
        return function(source, *args, **kwargs)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(draw_rows=rows, with_cost=st.booleans(), with_invoice=st.booleans(), cut=st.integers(-1, 820))
def test_every_source_gives_the_oracles_account_table(tmp_path_factory, draw_rows, with_cost, with_invoice, cut):
    frame = make_frame(draw_rows, with_cost=with_cost, with_invoice=with_invoice)
    as_of = None if cut < 0 else pd.Timestamp("2022-01-01") + pd.Timedelta(days=cut)
    if as_of is not None and (frame["date"] >= as_of + pd.Timedelta(days=1)).all():
        as_of = None  # every line after the cut: an empty table is tested elsewhere
    expected = oracle_accounts(frame, as_of)
    for name, source in sources(frame, tmp_path_factory.mktemp("lines")):
        got = run(kamlab.accounts_from_transactions, source, as_of)
        try:
            assert_same_table(got, expected)
        except AssertionError as exc:
            raise AssertionError(f"source {name}: {exc}") from None
        assert got.attrs["as_of"] == (as_of if as_of is not None else frame["date"].max().normalize())
        n_after = int((frame["date"] >= got.attrs["as_of"] + pd.Timedelta(days=1)).sum())
        assert got.attrs["lines_after_as_of"] == n_after
        if name != "frame":  # the read report comes from the engine: every line and the whole revenue
            report = got.attrs["read_report"]
            assert report["lines"] == len(frame) and report["lines_after_as_of"] == n_after
            assert report["revenue"] == pytest.approx(frame["revenue"].sum(), rel=1e-9, abs=1e-9)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(draw_rows=rows, cal=st.integers(0, 700), holdout=st.integers(0, 120), freq=st.sampled_from(["W", "D"]))
def test_every_source_gives_the_oracles_rfm_summary(tmp_path_factory, draw_rows, cal, holdout, freq):
    frame = make_frame(draw_rows, with_cost=False, with_invoice=False).drop(columns="offering")
    frame["account_id"] = frame["account_id"].str.strip()
    cal_end = pd.Timestamp("2022-01-01") + pd.Timedelta(days=cal)
    obs_end = cal_end + pd.Timedelta(days=holdout) if holdout else None
    expected = oracle_summary(frame, cal_end, freq, observation_end=obs_end)
    counts = oracle_summary_counts(frame, cal_end, observation_end=obs_end)
    for name, source in sources(frame, tmp_path_factory.mktemp("lines")):
        got = kamlab.rfm_summary(source, cal_end, freq, observation_end=obs_end)
        try:
            assert_same_table(got, expected.astype({"account_id": got["account_id"].dtype}))
        except AssertionError as exc:
            raise AssertionError(f"source {name}: {exc}") from None
        assert got.attrs["lines"] == len(frame)
        reported = {key: got.attrs[key] for key in counts}
        assert reported == pytest.approx(counts, rel=1e-9, abs=1e-9), name


@pytest.mark.parametrize("missing", ["raise", "group"])
def test_missing_accounts_and_cost_on_every_source(tmp_path, missing):
    frame = make_frame([("K1", 0, 1, 0, "motors", 10.0, 4.0), ("K2", 0, 2, 0, "motors", -5.0, 0.0),
                        ("K1", 1, 3, 0, "drives", 7.5, 1.0)], with_cost=True, with_invoice=True)
    frame.loc[1, "account_id"] = None
    for name, source in sources(frame, tmp_path):
        if missing == "raise":
            with pytest.raises(kamlab.DataFormatError, match="1 of 3 invoice lines have no account id"):
                kamlab.accounts_from_transactions(source)
            continue
        got = kamlab.accounts_from_transactions(source, missing_account="group")
        assert_same_table(got, oracle_accounts(frame, missing_account="group"))
        if name != "frame":
            assert got.attrs["read_report"]["lines_without_account"] == 1
    bad = frame.assign(cost=[4.0, np.nan, 1.0])
    for _, source in sources(bad, tmp_path):
        with pytest.raises(kamlab.DataFormatError, match="readable cost"):
            kamlab.accounts_from_transactions(source, missing_account="group")
