"""The Spark engine: ``accounts_from_transactions`` and ``rfm_summary`` on a Spark DataFrame equal the pandas path.

One local Spark session (``local[2]``, the ``spark`` fixture of conftest.py) serves the whole run.
The expected tables are the results of the same call on the pandas frame (the default engine);
equal means: the same columns in the same order, the same dtypes, the same account ids, the same
dates, counts exactly and amounts to 1e-9 (relative, with 1e-9 absolute for values at 0), and the
same ``attrs`` (what was left out). Without pyspark or Java the file is skipped; under ``CI=true`` a
missing Java fails (see ``require_spark``).
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kamlab

pytestmark = pytest.mark.spark


# --------------------------------------------------------------------------- helpers


def _same_value(a, b):
    if a is pd.NaT or b is pd.NaT:
        return a is b
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return bool(a == b)


# An EMPTY rfm_summary from a Spark (or file) source has an object account column where the pandas path
# gives the frame's str dtype (kamlab.clv.summary._account_values); test_empty_summary_dtypes pins it as a
# strict xfail, and only for empty tables is that one difference let through here.
_EMPTY_SUMMARY_ACCOUNT_IS_OBJECT = False  # fixed in 045fd79: the empty summary's ids are str on every source


def assert_same_table(got, expected):
    """``got`` (Spark) equals ``expected`` (pandas path): columns, order, dtypes, ids, numbers, attrs."""
    assert list(got.columns) == list(expected.columns)
    if _EMPTY_SUMMARY_ACCOUNT_IS_OBJECT and len(expected) == 0 and "frequency" in expected:
        first = expected.columns[0]
        assert got[first].dtype == object and expected[first].dtype == "str"
        got = got.astype({first: expected[first].dtype})
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    assert got.index.equals(expected.index)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, atol=1e-9)
    assert set(got.attrs) - {"read_report"} == set(expected.attrs)  # what the engine read: only for non-frames
    for key, value in expected.attrs.items():
        assert _same_value(got.attrs[key], value), (key, got.attrs[key], value)


def outcome(call):
    """The result of ``call()`` and the warnings it gave, or the kamlab error it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except kamlab.KamlabError as exc:
            return ("error", type(exc), str(exc)), []
    return ("table", result), sorted((type(w.message).__name__, str(w.message)) for w in caught
                                     if issubclass(w.category, UserWarning))


def assert_same_outcome(spark_call, pandas_call):
    (kind, *rest), spark_warnings = outcome(spark_call)
    (expected_kind, *expected_rest), pandas_warnings = outcome(pandas_call)
    assert kind == expected_kind, (rest, expected_rest)
    if kind == "error":
        assert rest[0] is expected_rest[0]
    else:
        assert_same_table(rest[0], expected_rest[0])
        assert spark_warnings == pandas_warnings
    return kind


@pytest.fixture(scope="module")
def to_spark(spark):
    """pandas frame -> Spark DataFrame of the test session (through Arrow, dates as TIMESTAMP_NTZ)."""
    from kamlab.data.engines.spark import to_spark as convert

    return lambda frame: convert(frame, spark)


# --------------------------------------------------------------------------- the case company


@pytest.fixture(scope="module")
def case_spark(case, spark, to_spark):
    frame = to_spark(case.transactions).cache()
    yield frame
    frame.unpersist()


def test_case_account_table_on_spark_equals_pandas(case, case_spark):
    got = kamlab.accounts_from_transactions(case_spark)  # engine chosen from the source: Spark
    assert got.attrs["read_report"]["engine"] == "spark"
    assert_same_table(got, kamlab.accounts_from_transactions(case.transactions))
    assert got.attrs["read_report"]["lines"] == len(case.transactions)


def test_case_rfm_summary_on_spark_equals_pandas(case, case_spark):
    got = kamlab.rfm_summary(case_spark, "2024-12-31", "W", observation_end="2025-12-31", engine="spark")
    assert_same_table(got, kamlab.rfm_summary(case.transactions, "2024-12-31", "W", observation_end="2025-12-31"))


# --------------------------------------------------------------------------- Online Retail


def test_online_retail_on_spark_equals_pandas(online_retail_lines, to_spark):
    lines = online_retail_lines[["invoice_id", "product", "date", "account_id", "revenue"]]
    # the pandas path keeps a frame's account dtype in rfm_summary (here pandas' NA-string dtype); a Spark
    # STRING column comes back as pandas' default text dtype, so compare with a frame of that dtype
    lines = lines.assign(account_id=lines["account_id"].astype("str").where(lines["account_id"].notna(), None))
    frame = to_spark(lines).cache()
    try:
        # 135,080 lines without a customer, gathered as one account
        got = kamlab.accounts_from_transactions(frame, engine="spark", missing_account="group")
        assert_same_table(got, kamlab.accounts_from_transactions(lines, missing_account="group"))
        assert len(got) == 4372 + 1
        known = frame.dropna(subset=["account_id"])
        got = kamlab.rfm_summary(known, "2011-06-30", "D", observation_end="2011-12-09", engine="spark")
        expected = kamlab.rfm_summary(lines.dropna(subset=["account_id"]), "2011-06-30", "D",
                                      observation_end="2011-12-09")
        assert_same_table(got, expected)
        assert len(got) > 2000
    finally:
        frame.unpersist()


# --------------------------------------------------------------------------- generated lines


_ACCOUNTS = ["K1", "K2", "K10", "Müller GmbH", " K3 "]
line_rows = st.lists(
    st.tuples(
        st.sampled_from(_ACCOUNTS),
        st.integers(0, 5),  # invoice number within the account
        st.integers(0, 800),  # day offset
        st.integers(0, 23),  # hour of the day
        st.sampled_from(["motors", "drives", "service"]),
        st.one_of(st.integers(-500_00, 5_000_00), st.just(0), st.integers(-100_00, -1)).map(lambda c: c / 100),
    ),
    min_size=1,
    max_size=40,
)


def _frame(rows, credit_only, with_cost):
    frame = pd.DataFrame(rows, columns=["account_id", "invoice", "day", "hour", "offering", "revenue"])
    if credit_only:  # an account with credit notes only
        frame.loc[len(frame)] = ["Gutschrift AG", 9, 400, 12, "motors", -25.5]
        frame.loc[len(frame)] = ["Gutschrift AG", 8, 401, 12, "service", -4.5]
    frame["invoice_id"] = frame["account_id"].str.strip() + "-" + frame["invoice"].astype(str)
    frame["date"] = (pd.Timestamp("2022-01-01") + pd.to_timedelta(frame["day"], unit="D")
                     + pd.to_timedelta(frame["hour"], unit="h")).astype("datetime64[us]")
    if with_cost:
        frame["cost"] = (frame["revenue"] * 0.6).round(2)
    return frame.drop(columns=["invoice", "day", "hour"])


# Spark takes about a second per query: few examples, and no shrinking (the failing example is printed)
@settings(max_examples=12, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=line_rows, credit_only=st.booleans(), with_cost=st.booleans(), with_invoice=st.booleans(),
       cut=st.integers(0, 900), freq=st.sampled_from([("W", "day"), ("D", "day"), ("M", "period")]))
def test_generated_lines_on_spark_equal_pandas(to_spark, rows, credit_only, with_cost, with_invoice, cut, freq):
    frame = _frame(rows, credit_only, with_cost)
    if not with_invoice:
        frame = frame.drop(columns="invoice_id")  # an invoice is then a day of an account
    sdf = to_spark(frame)
    # as_of: the last day (cut > 800) or a day inside the data, cutting lines off
    as_of = None if cut > 800 else pd.Timestamp("2022-01-01") + pd.Timedelta(days=cut)
    assert_same_outcome(
        lambda: kamlab.accounts_from_transactions(sdf, as_of, engine="spark"),
        lambda: kamlab.accounts_from_transactions(frame, as_of),
    )
    unit, merge = freq
    calibration = pd.Timestamp("2022-01-01") + pd.Timedelta(days=cut % 800)
    assert_same_outcome(
        lambda: kamlab.rfm_summary(sdf, calibration, unit, merge=merge, observation_end="2024-06-30",
                                   engine="spark"),
        lambda: kamlab.rfm_summary(frame, calibration, unit, merge=merge, observation_end="2024-06-30"),
    )


def test_zero_negative_and_one_line_accounts_by_hand(to_spark):
    """Spark gives the hand-computed table (not only the pandas one): zero, negative and one-line invoices."""
    frame = pd.DataFrame({
        "account_id": ["A", "A", "A", "B", "C", "C", "D"],
        "invoice_id": ["R1", "R1", "G1", "R2", "R3", "G3", "R4"],
        "date": pd.to_datetime(["2024-01-10 09:00", "2024-01-10 17:30", "2024-02-01", "2024-03-31 23:59",
                                "2024-03-01", "2024-03-02", "2024-03-15"], format="ISO8601"),
        "revenue": [100.0, 50.0, -30.0, 80.0, 10.0, -10.0, 0.0],
    })
    table = kamlab.accounts_from_transactions(to_spark(frame), engine="spark").set_index("account_id")
    assert list(table.index) == ["A", "B", "C", "D"]
    assert table["revenue"].tolist() == [120.0, 80.0, 0.0, 0.0]
    assert table["orders"].tolist() == [1, 1, 1, 0]  # D's invoice sums to 0: neither order nor credit note
    assert table["credit_notes"].tolist() == [1, 0, 1, 0]
    assert table["lines"].tolist() == [3, 1, 2, 1]
    assert table.loc["A", "first_order"] == pd.Timestamp("2024-01-10 09:00")  # an invoice is dated by its first line
    assert table.loc["B", "recency_days"] == 0 and table.loc["A", "recency_days"] == 81  # as_of 2024-03-31
    assert pd.isna(table.loc["D", "last_order"])


def test_empty_summary_dtypes(to_spark):
    frame = _frame([("K1", 1, 300, 10, "motors", 10.0)], False, False)
    got = kamlab.rfm_summary(to_spark(frame), "2022-01-31", "W", engine="spark")  # the purchase is later
    expected = kamlab.rfm_summary(frame, "2022-01-31", "W")
    assert len(got) == len(expected) == 0
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()


def test_missing_cost_and_account_refused_alike(to_spark):
    frame = _frame([("K1", 1, 3, 10, "motors", 10.0), ("K2", 1, 4, 11, "drives", 20.0)], False, True)
    frame.loc[1, "cost"] = np.nan
    assert assert_same_outcome(
        lambda: kamlab.accounts_from_transactions(to_spark(frame), engine="spark"),
        lambda: kamlab.accounts_from_transactions(frame),
    ) == "error"
    frame = frame.assign(cost=1.0, account_id=pd.Series(["K1", None], dtype="str"))
    assert assert_same_outcome(
        lambda: kamlab.accounts_from_transactions(to_spark(frame), engine="spark"),
        lambda: kamlab.accounts_from_transactions(frame),
    ) == "error"


# --------------------------------------------------------------------------- dates, types, other sources


def test_timestamp_date_and_zoned_columns_give_the_wall_clock_day(spark, to_spark):
    """TIMESTAMP_NTZ, DATE and TIMESTAMP columns and a zone-aware pandas frame: the same wall-clock days."""
    from kamlab.data.engines.spark import to_ibis

    frame = pd.DataFrame({
        "account_id": ["A", "A", "B"],
        "invoice_id": ["R1", "R2", "R3"],
        "date": pd.to_datetime(["2024-01-10 00:30", "2024-06-30 23:30", "2024-12-31 23:59"]),
        "revenue": [100.0, 50.0, 80.0],
    })
    expected = kamlab.accounts_from_transactions(frame)
    ntz = to_spark(frame)
    assert dict(ntz.dtypes)["date"] == "timestamp_ntz"
    # TIMESTAMP (instant) columns: read in the session's zone (UTC here) as the wall clock
    ltz = ntz.withColumn("date", ntz["date"].cast("timestamp"))
    assert dict(ltz.dtypes)["date"] == "timestamp"
    assert_same_table(kamlab.accounts_from_transactions(ltz, engine="spark"), expected)
    # a zone-aware pandas frame: its local wall clock, as the pandas path reads it
    berlin = frame.assign(date=frame["date"].dt.tz_localize("Europe/Berlin"))
    assert_same_table(kamlab.accounts_from_transactions(to_spark(berlin), engine="spark"), expected)
    # an explicit zone: 2024-06-30 23:30 UTC is 2024-07-01 01:30 in Berlin (summer time, +2 h)
    shifted = to_ibis(ltz, time_zone="Europe/Berlin").to_pyarrow().to_pandas()
    assert shifted["date"].tolist() == [pd.Timestamp("2024-01-10 01:30"), pd.Timestamp("2024-07-01 01:30"),
                                        pd.Timestamp("2025-01-01 00:59")]
    # DATE columns: days
    days = ntz.withColumn("date", ntz["date"].cast("date"))
    got = kamlab.accounts_from_transactions(days, engine="spark")
    assert_same_table(got, kamlab.accounts_from_transactions(frame.assign(date=frame["date"].dt.normalize())))


def test_decimal_and_integer_columns_of_a_warehouse_table(spark, to_spark):
    """DECIMAL amounts and integer account ids (typical of a warehouse table) give the pandas path's table."""
    frame = pd.DataFrame({
        "account_id": [17850, 17850, 13047, 12346],
        "invoice_id": ["536365", "C536379", "536367", "541431"],
        "date": pd.to_datetime(["2010-12-01 08:26", "2010-12-01 09:41", "2010-12-01 08:34", "2011-01-18 10:01"]),
        "revenue": [15.30, -27.50, 54.08, 77183.60],
        "cost": [9.10, -16.5, 30.0, 50000.0],
    })
    sdf = to_spark(frame)
    sdf = (sdf.withColumn("revenue", sdf["revenue"].cast("decimal(18,2)"))
           .withColumn("cost", sdf["cost"].cast("decimal(18,2)")))
    got = kamlab.accounts_from_transactions(sdf, engine="spark")
    assert_same_table(got, kamlab.accounts_from_transactions(frame))
    assert got["account_id"].tolist() == ["12346", "13047", "17850"]


def test_pandas_frame_and_parquet_files_with_engine_spark(spark, tmp_path, case):
    lines = case.transactions[case.transactions["date"] < "2023-07-01"]
    expected = kamlab.accounts_from_transactions(lines)
    assert_same_table(kamlab.accounts_from_transactions(lines, engine="spark"), expected)
    path = tmp_path / "lines.parquet"
    lines.to_parquet(path)
    assert_same_table(kamlab.accounts_from_transactions(str(path), engine="spark"), expected)


def test_views_are_dropped_and_bad_sources_refused(spark, to_spark):
    from kamlab.data.engines.spark import VIEW_PREFIX, drop_views, read_files, to_ibis

    to_ibis(to_spark(pd.DataFrame({"account_id": ["A"], "revenue": [1.0]})))
    assert drop_views(spark) >= 1
    assert not [t for t in spark.catalog.listTables() if t.name.startswith(VIEW_PREFIX)]
    with pytest.raises(kamlab.ParameterError, match="Spark DataFrame"):
        to_ibis(pd.DataFrame({"a": [1]}))
    with pytest.raises(kamlab.ParameterError, match="engine='duckdb'"):
        read_files(["lines.csv"], "csv", {"decimal": ","}, session=spark)
