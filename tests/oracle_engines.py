"""A small plain-pandas reading of the business rules of the account table and the RFM summary.

The oracle of tests/test_engines*.py: written from the docstrings of
``kamlab.accounts_from_transactions`` and ``kamlab.rfm_summary``, independent of the package
(no kamlab import), in plain pandas group-bys. Not a product path.
"""

import numpy as np
import pandas as pd

DUST = 1e-6  # "sums within a millionth of 0 are exactly 0"
UNKNOWN = "(no account)"
ACCOUNT_DTYPES = {
    "account_id": "str", "revenue": "float64", "cost": "float64", "contribution_margin": "float64",
    "margin_rate": "float64", "orders": "int64", "credit_notes": "int64", "lines": "int64",
    "first_order": "datetime64[us]", "last_order": "datetime64[us]", "recency_days": "Int64", "tenure_days": "Int64",
    "active_months": "int64", "n_offerings": "int64", "revenue_last_12m": "float64", "revenue_prev_12m": "float64",
    "growth": "float64",
}


def _ids(ids, missing_account):
    text = ids.astype(object).where(ids.notna(), None)
    text = text.map(lambda v: None if v is None else str(v).strip())
    missing = text.isna() | (text == "")
    if missing.any():
        assert missing_account == "group", "the oracle only groups missing accounts"
        text = text.mask(missing, UNKNOWN)
    return text.astype(str)


def oracle_accounts(lines, as_of=None, *, missing_account="raise"):
    """The account table by the docstring's rules, in plain pandas."""
    df = lines.copy()
    df["account_id"] = _ids(df["account_id"], missing_account)
    as_of = (pd.Timestamp(as_of) if as_of is not None else df["date"].max()).normalize()
    end = as_of + pd.Timedelta(days=1)
    df = df[df["date"] < end]
    df["key"] = df["invoice_id"].astype(str) if "invoice_id" in df else df["date"].dt.normalize().astype(str)
    has_cost = "cost" in df
    inv = df.groupby(["account_id", "key"]).agg(d=("date", "min"), r=("revenue", "sum"), n=("revenue", "size"))
    inv = inv.reset_index()
    inv["order"], inv["credit"] = inv["r"] > DUST, inv["r"] < -DUST
    rows = []
    per_account = dict(tuple(df.groupby("account_id")))
    for account, group in inv.groupby("account_id"):
        orders = group[group["order"]]
        mine = per_account[account]
        row = {"account_id": account, "revenue": mine["revenue"].sum(), "orders": len(orders),
               "credit_notes": int(group["credit"].sum()), "lines": int(group["n"].sum()),
               "first_order": orders["d"].min(), "last_order": orders["d"].max(),
               "active_months": orders["d"].dt.to_period("M").nunique()}
        if has_cost:
            row["cost"] = mine["cost"].sum()
        if "offering" in df:
            row["n_offerings"] = mine.loc[mine["revenue"] > 0, "offering"].dropna().nunique()
        last = group["d"] >= end - pd.DateOffset(years=1)
        prev = (group["d"] >= end - pd.DateOffset(years=2)) & ~last
        row["revenue_last_12m"], row["revenue_prev_12m"] = group.loc[last, "r"].sum(), group.loc[prev, "r"].sum()
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("revenue", "cost", "revenue_last_12m", "revenue_prev_12m"):
        if col in out:
            out[col] = out[col].where(out[col].abs() >= DUST, 0.0)
    if has_cost:
        out["contribution_margin"] = out["revenue"] - out["cost"]
        out["margin_rate"] = [m / r if r > 0 else np.nan for m, r in zip(out["contribution_margin"], out["revenue"])]
    out["recency_days"] = [pd.NA if pd.isna(d) else (as_of - d.normalize()).days for d in out["last_order"]]
    out["tenure_days"] = [pd.NA if pd.isna(d) else (as_of - d.normalize()).days for d in out["first_order"]]
    out["growth"] = [a / b - 1 if b > 0 else np.nan for a, b in zip(out["revenue_last_12m"], out["revenue_prev_12m"])]
    order = [c for c in ACCOUNT_DTYPES if c in out]
    return out[order].astype({c: ACCOUNT_DTYPES[c] for c in order}).sort_values("account_id", ignore_index=True)


def oracle_summary(lines, calibration_end, freq="W", *, observation_end=None):
    """The BTYD summary (merge="day") by the docstring's rules, in plain pandas."""
    df = lines.assign(day=lines["date"].dt.normalize())
    cal, obs = pd.Timestamp(calibration_end), pd.Timestamp(observation_end) if observation_end else None
    scale = {"D": 1, "W": 7}[freq]
    days = df.groupby(["account_id", "day"], as_index=False)["revenue"].sum()
    days = days[days["revenue"] >= -DUST]  # a day netting below 0 is no purchase
    rows = []
    for account, group in days.groupby("account_id"):
        in_cal = group[group["day"] <= cal].sort_values("day")
        if in_cal.empty:
            continue
        first, last = in_cal["day"].iloc[0], in_cal["day"].iloc[-1]
        repeat = in_cal.iloc[1:]
        row = {"account_id": account, "frequency": len(repeat), "recency": (last - first).days / scale,
               "T": (cal - first).days / scale,
               "monetary_value": repeat["revenue"].mean() if len(repeat) else 0.0}
        if obs is not None:
            hold = group[(group["day"] > cal) & (group["day"] <= obs)]
            row.update(frequency_holdout=len(hold),
                       monetary_value_holdout=hold["revenue"].mean() if len(hold) else 0.0,
                       duration_holdout=(obs - cal).days / scale)
        rows.append(row)
    columns = ["account_id", "frequency", "recency", "T", "monetary_value"]
    if obs is not None:
        columns += ["frequency_holdout", "monetary_value_holdout", "duration_holdout"]
    out = pd.DataFrame(rows, columns=columns).sort_values("account_id", ignore_index=True)
    return out.astype({c: "int64" if c.startswith("frequency") else "float64" for c in columns[1:]})


def assert_same_table(got, expected, rtol=1e-9, atol=1e-9):
    """Same ids in the same order, same columns and dtypes, numbers to ``rtol`` (dust: ``atol``)."""
    assert list(got.columns) == list(expected.columns)
    assert list(got.iloc[:, 0]) == list(expected.iloc[:, 0])
    for col in got.columns[1:]:
        g, e = got[col], expected[col]
        assert str(g.dtype) == str(e.dtype), (col, g.dtype, e.dtype)
        if pd.api.types.is_float_dtype(g):
            np.testing.assert_allclose(g.to_numpy(), e.to_numpy(), rtol=rtol, atol=atol, err_msg=col)
        else:
            pd.testing.assert_series_equal(g, e, check_names=False, obj=col)


def oracle_summary_counts(lines, calibration_end, *, observation_end=None):
    """The counts ``rfm_summary`` reports beside the summary (merge="day"), by their documented meaning, in plain
    pandas: lines after the end (counted, not read further), and among the lines up to the end the accounts whose
    first purchase is after the calibration, the accounts without any purchase, and the credit days (days netting
    below 0) with their value."""
    df = lines.assign(day=lines["date"].dt.normalize())
    cal = pd.Timestamp(calibration_end)
    end = pd.Timestamp(observation_end) if observation_end else cal
    days = df[df["day"] <= end].groupby(["account_id", "day"], as_index=False)["revenue"].sum()
    bought = days["revenue"] >= -DUST
    buyers = set(days.loc[bought, "account_id"])
    calibration_buyers = set(days.loc[bought & (days["day"] <= cal), "account_id"])
    credit = days[~bought]
    return {
        "lines_after_end": int((df["day"] > end).sum()),
        "accounts_first_purchase_after_calibration": len(buyers - calibration_buyers),
        "accounts_without_purchase": len(set(days["account_id"]) - buyers),
        "credit_periods": len(credit),
        "credit_value": float(credit["revenue"].sum()),
    }
