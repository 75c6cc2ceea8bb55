"""Tests of kamlab.accounts_from_transactions: exact hand-computed values and properties."""

import numpy as np
import pandas as pd
import pytest
from conftest import require_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamlab
from kamlab.data.accounts import UNKNOWN_ACCOUNT, AsOfWarning


@pytest.fixture
def lines():
    rows = [
        # account, invoice, date, offering, revenue, cost
        ("A", "R1", "2024-01-10", "motors", 100.0, 60.0),
        ("A", "R1", "2024-01-10", "inverters", 50.0, 20.0),
        ("A", "G1", "2024-02-01", "motors", -30.0, 0.0),
        ("A", "R3", "2023-03-15", "motors", 200.0, 150.0),
        ("B", "R2", "2024-03-31", "service", 80.0, 100.0),
        ("B", "R4", "2024-03-31", "sensors", 10.0, 5.0),
        ("B", "R4", "2024-03-31", "sensors", -10.0, -5.0),
        ("C", "G2", "2024-01-05", "motors", -40.0, 0.0),
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "invoice_id", "date", "offering", "revenue", "cost"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_hand_computed_account_table(lines):
    table = kamlab.accounts_from_transactions(lines, as_of="2024-03-31").set_index("account_id")
    assert list(table.index) == ["A", "B", "C"]
    a, b, c = table.loc["A"], table.loc["B"], table.loc["C"]
    # A: 100 + 50 - 30 + 200; cost 60 + 20 + 0 + 150
    assert a["revenue"] == 320.0 and a["cost"] == 230.0 and a["contribution_margin"] == 90.0
    assert a["margin_rate"] == pytest.approx(90 / 320)
    assert (a["orders"], a["credit_notes"], a["lines"]) == (2, 1, 4)
    assert a["first_order"] == pd.Timestamp("2023-03-15") and a["last_order"] == pd.Timestamp("2024-01-10")
    assert a["recency_days"] == 21 + 29 + 31  # rest of January, leap February, March
    assert a["tenure_days"] == 366 + 16  # 2023-03-15 -> 2024-03-15 spans 29 Feb 2024
    assert a["active_months"] == 2 and a["n_offerings"] == 2
    assert a["revenue_last_12m"] == 120.0 and a["revenue_prev_12m"] == 200.0
    assert a["growth"] == pytest.approx(120 / 200 - 1)
    # B: an invoice netting to zero is neither an order nor a credit note
    assert (b["revenue"], b["cost"], b["contribution_margin"]) == (80.0, 100.0, -20.0)
    assert b["margin_rate"] == pytest.approx(-0.25)
    assert (b["orders"], b["credit_notes"], b["lines"], b["recency_days"], b["tenure_days"]) == (1, 0, 3, 0, 0)
    assert b["n_offerings"] == 2 and np.isnan(b["growth"])
    # C: only a credit note
    assert (c["revenue"], c["orders"], c["credit_notes"], c["active_months"], c["n_offerings"]) == (-40.0, 0, 1, 0, 0)
    assert pd.isna(c["first_order"]) and pd.isna(c["recency_days"]) and np.isnan(c["margin_rate"])
    assert c["revenue_last_12m"] == -40.0


def test_totals_and_accounts_kept(lines):
    table = kamlab.accounts_from_transactions(lines)
    assert table["revenue"].sum() == pytest.approx(lines["revenue"].sum())
    assert table["lines"].sum() == len(lines)
    assert set(table["account_id"]) == set(lines["account_id"])
    assert table.attrs["as_of"] == pd.Timestamp("2024-03-31")


def test_as_of_leaves_out_later_lines_and_says_so(lines):
    with pytest.warns(AsOfWarning, match=r"4 lines dated after as_of=2024-01-31 \(revenue 50.00\)"):
        table = kamlab.accounts_from_transactions(lines, as_of="2024-01-31").set_index("account_id")
    assert list(table.index) == ["A", "C"]
    assert table.loc["A", "revenue"] == 350.0 and table.loc["A", "credit_notes"] == 0
    assert table.loc["A", "recency_days"] == 21
    assert table.loc["A", "revenue_last_12m"] == 350.0 and table.loc["A", "revenue_prev_12m"] == 0.0
    assert table.attrs["lines_after_as_of"] == 4


def test_times_on_the_as_of_day_count(lines):
    lines.loc[4, "date"] = pd.Timestamp("2024-03-31 17:45")
    table = kamlab.accounts_from_transactions(lines, as_of="2024-03-31").set_index("account_id")
    assert table.loc["B", "revenue"] == 80.0 and table.loc["B", "recency_days"] == 0


def test_without_invoice_ids_an_order_is_a_purchase_day(lines):
    table = kamlab.accounts_from_transactions(lines.drop(columns="invoice_id")).set_index("account_id")
    # A buys on 2023-03-15 and 2024-01-10 and gets a credit on 2024-02-01; B's three lines are one day
    assert (table.loc["A", "orders"], table.loc["A", "credit_notes"]) == (2, 1)
    assert table.loc["B", "orders"] == 1


def test_no_cost_no_margin_columns(lines):
    table = kamlab.accounts_from_transactions(lines.drop(columns=["cost", "offering"]))
    assert "cost" not in table and "contribution_margin" not in table and "n_offerings" not in table


def test_missing_account_ids_raise_with_count_or_are_grouped(lines):
    lines.loc[[1, 5], "account_id"] = None
    with pytest.raises(kamlab.DataFormatError, match="2 of 8 invoice lines have no account id") as info:
        kamlab.accounts_from_transactions(lines)
    assert isinstance(info.value, ValueError) and info.value.n_more == 1
    table = kamlab.accounts_from_transactions(lines, missing_account="group").set_index("account_id")
    assert table.loc[UNKNOWN_ACCOUNT, "revenue"] == 60.0 and table.loc[UNKNOWN_ACCOUNT, "lines"] == 2
    assert table["revenue"].sum() == pytest.approx(lines["revenue"].sum())


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [("date", None, "have no date"), ("revenue", "12,5x", "readable revenue"), ("revenue", np.inf, "readable")],
)
def test_unusable_values_raise(lines, column, value, message):
    lines[column] = lines[column].astype(object)
    lines.loc[2, column] = value
    with pytest.raises(kamlab.DataFormatError, match=message):
        kamlab.accounts_from_transactions(lines)


def test_missing_column_and_bad_parameters(lines):
    with pytest.raises(kamlab.MissingColumnError, match="no column 'revenue'"):
        kamlab.accounts_from_transactions(lines.drop(columns="revenue"))
    with pytest.raises(kamlab.ParameterError):
        kamlab.accounts_from_transactions(lines, missing_account="drop")
    with pytest.raises(kamlab.ParameterError):
        kamlab.accounts_from_transactions(lines.to_dict())
    with pytest.raises(kamlab.MissingColumnError):
        kamlab.accounts_from_transactions(lines, offering="segment")


def reference_table(lines, as_of):
    """A plain-pandas reading of the docstring's definitions, for the property test."""
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    lines = lines[lines["date"] < end]
    invoices = lines.groupby(["account_id", "invoice_id"]).agg(d=("date", "min"), r=("revenue", "sum")).reset_index()
    orders = invoices[invoices["r"] > 0]
    out = pd.DataFrame(index=sorted(lines["account_id"].unique()))
    out["revenue"] = lines.groupby("account_id")["revenue"].sum()
    out["orders"] = orders.groupby("account_id").size().reindex(out.index, fill_value=0)
    out["credit_notes"] = invoices[invoices["r"] < 0].groupby("account_id").size().reindex(out.index, fill_value=0)
    out["last_order"] = orders.groupby("account_id")["d"].max()
    out["active_months"] = (
        orders.assign(m=orders["d"].dt.to_period("M")).groupby("account_id")["m"].nunique()
        .reindex(out.index, fill_value=0)
    )
    recent = invoices[invoices["d"] >= end - pd.DateOffset(years=1)]  # an invoice is dated by its first line
    out["revenue_last_12m"] = recent.groupby("account_id")["r"].sum().reindex(out.index, fill_value=0.0)
    out["n_offerings"] = (
        lines[lines["revenue"] > 0].groupby("account_id")["offering"].nunique().reindex(out.index, fill_value=0)
    )
    return out


line_rows = st.lists(
    st.tuples(
        st.sampled_from(["K1", "K2", "K3", "K10", "Müller GmbH"]),
        st.integers(0, 6),  # invoice number
        st.integers(0, 800),  # day offset
        st.sampled_from(["motors", "drives", "service"]),
        st.integers(-50_00, 500_00).map(lambda cents: cents / 100),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=line_rows, as_of_offset=st.integers(0, 900))
def test_aggregation_keeps_revenue_and_accounts_and_matches_reference(rows, as_of_offset):
    frame = pd.DataFrame(rows, columns=["account_id", "invoice", "day", "offering", "revenue"])
    frame["invoice_id"] = frame["account_id"] + "-" + frame["invoice"].astype(str)
    frame["date"] = pd.Timestamp("2022-01-01") + pd.to_timedelta(frame["day"], unit="D")
    frame = frame.drop(columns=["invoice", "day"])
    as_of = frame["date"].max() if as_of_offset > 800 else pd.Timestamp("2022-01-01") + pd.Timedelta(days=as_of_offset)
    kept = frame[frame["date"] <= as_of]
    with pytest.warns(AsOfWarning) if len(kept) < len(frame) else _no_warning():
        table = kamlab.accounts_from_transactions(frame, as_of=as_of)
    # nothing lost: same accounts, same revenue to the cent
    assert set(table["account_id"]) == set(kept["account_id"])
    assert round(table["revenue"].sum(), 2) == round(kept["revenue"].sum(), 2)
    assert table["lines"].sum() == len(kept)
    if len(kept):
        expected = reference_table(frame, as_of)
        got = table.set_index("account_id").loc[expected.index]
        for col in ["revenue", "revenue_last_12m"]:
            np.testing.assert_allclose(got[col], expected[col], atol=1e-6)
        for col in ["orders", "credit_notes", "active_months", "n_offerings"]:
            np.testing.assert_array_equal(got[col].to_numpy(), expected[col].to_numpy())
        pd.testing.assert_series_equal(
            got["last_order"], expected["last_order"].astype(got["last_order"].dtype), check_names=False
        )


class _no_warning:
    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("error", AsOfWarning)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def test_online_retail_refused_clearly_then_grouped_with_exactly_the_file_totals(online_retail_lines):
    import csv
    import gzip
    from decimal import Decimal

    path = require_dataset("online_retail", "online_retail.csv.gz")
    lines = online_retail_lines.copy()
    # 541,909 lines (UCI's published size of dataset 352); 135,080 without a CustomerID, 4,372 customers
    with pytest.raises(kamlab.DataFormatError, match="135,080 of 541,909 invoice lines have no account id"):
        kamlab.accounts_from_transactions(lines)
    table = kamlab.accounts_from_transactions(lines, missing_account="group").set_index("account_id")

    # independently, from the raw file: exact decimal sums per customer
    totals, n_lines = {}, {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            customer = row["CustomerID"].removesuffix(".0") or UNKNOWN_ACCOUNT
            totals[customer] = totals.get(customer, Decimal(0)) + Decimal(row["Quantity"]) * Decimal(row["UnitPrice"])
            n_lines[customer] = n_lines.get(customer, 0) + 1
    assert set(table.index) == set(totals) and len(totals) == 4372 + 1
    assert table["lines"].sum() == 541_909 and table.loc[UNKNOWN_ACCOUNT, "lines"] == 135_080
    assert round(Decimal(table["revenue"].sum()), 2) == round(sum(totals.values()), 2)
    worst = max(abs(Decimal(table.loc[c, "revenue"]) - total) for c, total in totals.items())
    assert worst < Decimal("0.000001")
    assert all(table.loc[c, "lines"] == n for c, n in n_lines.items())
    assert table.loc["12346", "revenue"] == 0.0  # bought 74,215 and returned them all


def test_cancelled_purchases_sum_to_exactly_zero():
    frame = pd.DataFrame({
        "account_id": ["A"] * 4,
        "invoice_id": ["R1", "R1", "R1", "G1"],
        "date": pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-05"]),
        "revenue": [0.1, 0.2, 0.3, -0.6],  # 0.1 + 0.2 + 0.3 - 0.6 is 1.1e-16 in floating point
    })
    table = kamlab.accounts_from_transactions(frame)
    assert table.loc[0, "revenue"] == 0.0 and table.loc[0, "revenue_last_12m"] == 0.0
