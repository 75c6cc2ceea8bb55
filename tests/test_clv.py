"""Tests of kamlab.clv: the published CDNOW results, hand-computed summaries, model properties
checked against independent computations (quadrature, event-by-event simulation, finite differences),
standard errors (published figures, simulation coverage), the scikit-learn API, and errors.

Every expected number is a published figure, a hand computation or an independent computation; where
a bound is statistical, its reason is written beside it."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from kamlab.data import datasets
from kamlab.clv import (
    BetaGeo,
    ConvergenceWarning,
    GammaGamma,
    customer_lifetime_value,
    clv_finite,
    clv_margin_multiple,
    rfm_summary,
    simulate_bg_nbd,
)
from kamlab.clv.bgnbd import _bgnbd_log_likelihood, _BGNBDData
from kamlab.clv.fitting import ModelNotFittedError
from kamlab.clv.gammagamma import _gg_log_likelihood
from kamlab.errors import DataFormatError, KamlabError, MissingColumnError, ParameterError

# Fader, Hardie & Lee (2005), Marketing Science 24(2), and Fader & Hardie (2013), note 025
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LL = -9582.4
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}
# The lifetimes documentation (docs/Quickstart.md, BetaGeoFitter().fit on its copy of the CDNOW summary,
# `bgf.summary`) prints these standard errors; lifetimes inverts the Hessian of the log-likelihood in
# log-parameters and applies the delta method, the same definition as kamlab.
LIFETIMES_BGNBD_SE = {"r": 0.012557, "alpha": 0.378221, "a": 0.185719, "b": 0.705345}
# ... and for the Gamma-Gamma model on its copy of the summary with the rounded zbar: "p: 6.25, q: 3.74, v: 15.45"
LIFETIMES_GG_ROUNDED_ZBAR = {"p": 6.25, "q": 3.74, "gamma": 15.45}


def _fetch_cdnow(data_home, kind="transactions"):
    return datasets.fetch_cdnow(data_home, download_if_missing=False, kind=kind)


# --------------------------------------------------------------------------- CDNOW: the published numbers


@pytest.fixture(scope="module")
def cdnow_summary(data_home):
    """Our summary of the CDNOW sample: calibration to 1997-09-30, in weeks."""
    return rfm_summary(_fetch_cdnow(data_home), "1997-09-30", "W", account="customer_id")


@pytest.fixture(scope="module")
def bgnbd(cdnow_summary):
    return BetaGeo().fit(cdnow_summary)


def test_cdnow_summary_equals_published_file(cdnow_summary, data_home):
    published = _fetch_cdnow(data_home, "summary")
    joined = cdnow_summary.merge(published, on="customer_id", suffixes=("", "_published"), validate="1:1")
    assert len(cdnow_summary) == len(published) == len(joined) == 2357
    assert (joined["frequency"] == joined["frequency_published"]).all()
    # the published file rounds to 2 decimals
    assert np.abs(joined["recency"] - joined["recency_published"]).max() < 0.005
    assert np.abs(joined["T"] - joined["T_published"]).max() < 0.005
    assert cdnow_summary.attrs["accounts_first_purchase_after_calibration"] == 0
    assert cdnow_summary.attrs["lines"] == 6919  # the records of CDNOW_sample.txt (Hardie's description of the file)
    # lines after the calibration end are counted, not lost
    tx = _fetch_cdnow(data_home)
    assert cdnow_summary.attrs["lines_after_end"] == int((tx["date"] > "1997-09-30").sum())


def test_cdnow_monetary_value_equals_published_zbar(cdnow_summary, data_home):
    published = _fetch_cdnow(data_home, "summary_with_transactions")
    joined = cdnow_summary.merge(published, on="customer_id", validate="1:1")
    assert (joined["frequency"] == joined["x"]).all()
    # zbar is rounded to cents (half up; floating point puts a few halves a hair above 0.005)
    assert np.abs(joined["monetary_value"] - joined["zbar"]).max() < 0.005 + 1e-9
    assert (joined["frequency"] > 0).sum() == 946  # the repeat buyers of Fader & Hardie (2013), note 025


def test_bgnbd_cdnow_published_estimates(bgnbd):
    assert {k: round(v, 3) for k, v in bgnbd.params_.items()} == PUBLISHED_BGNBD
    assert round(bgnbd.log_likelihood_, 1) == PUBLISHED_LL
    assert bgnbd.n_customers_ == 2357 and bgnbd.converged_


def test_bgnbd_cdnow_published_file_gives_the_same(data_home):
    model = BetaGeo().fit(_fetch_cdnow(data_home, "summary"))
    assert {k: round(v, 3) for k, v in model.params_.items()} == PUBLISHED_BGNBD
    assert round(model.log_likelihood_, 1) == PUBLISHED_LL


def test_gamma_gamma_cdnow_published_estimates(cdnow_summary):
    # our own (unrounded) mean repeat spend of the 946 repeat buyers gives the published digits
    model = GammaGamma().fit(cdnow_summary)
    assert model.n_customers_ == 946 and model.converged_  # 946 repeat buyers: Fader & Hardie (2013)
    assert {k: round(v, 2) for k, v in model.params_.items()} == PUBLISHED_GG


def test_gamma_gamma_on_rounded_zbar_differs_in_the_last_digit(data_home):
    # The published file's zbar is rounded to cents: gamma comes out 15.45, not the 15.44 of Fader & Hardie,
    # and so it does in lifetimes' documentation, which fits the same file (LIFETIMES_GG_ROUNDED_ZBAR).
    published = _fetch_cdnow(data_home, "summary_with_transactions")
    model = GammaGamma().fit(published.rename(columns={"x": "frequency", "zbar": "monetary_value"}))
    assert {k: round(v, 2) for k, v in model.params_.items()} == LIFETIMES_GG_ROUNDED_ZBAR


def test_bgnbd_fit_is_the_optimum(cdnow_summary, bgnbd):
    data = _BGNBDData(*(cdnow_summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T")))
    theta = np.array(list(bgnbd.params_.values()))
    ll, grad = _bgnbd_log_likelihood(theta, data, gradient=True)
    assert ll == pytest.approx(bgnbd.log_likelihood_, abs=1e-9)
    # gradient in log-parameters, per customer: zero at the optimum
    assert np.max(np.abs(theta * grad)) / data.n < 1e-8
    # and the analytic gradient is the derivative of the function (central differences)
    for j in range(4):
        h = 1e-6 * theta[j]
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        numeric = (_bgnbd_log_likelihood(up, data) - _bgnbd_log_likelihood(down, data)) / (2 * h)
        probe = theta * np.array([1.3, 0.7, 1.2, 0.9])
        _, g_probe = _bgnbd_log_likelihood(probe, data, gradient=True)
        up_p, down_p = probe.copy(), probe.copy()
        up_p[j] += h
        down_p[j] -= h
        numeric_probe = (_bgnbd_log_likelihood(up_p, data) - _bgnbd_log_likelihood(down_p, data)) / (2 * h)
        assert g_probe[j] == pytest.approx(numeric_probe, rel=1e-5, abs=1e-4)
        assert abs(numeric) < 1e-3
    # every nearby point is worse
    rng = np.random.default_rng(0)
    for _ in range(20):
        assert _bgnbd_log_likelihood(theta * np.exp(rng.normal(0, 1e-3, 4)), data) < ll


# --------------------------------------------------------------------------- rfm_summary by hand


@pytest.fixture
def lines():
    rows = [
        ("A", "2024-01-01 00:00", 10.0),  # first purchase
        ("A", "2024-01-08 00:00", 20.0),  # two lines on one day: one purchase of 25
        ("A", "2024-01-08 09:30", 5.0),
        ("A", "2024-01-10 00:00", -8.0),  # a day with only a credit note: not a purchase
        ("A", "2024-01-15 00:00", 30.0),  # a purchase with a partial return: 18
        ("A", "2024-01-15 00:00", -12.0),
        ("A", "2024-01-29 00:00", 40.0),  # holdout
        ("B", "2024-01-20 00:00", 0.0),  # a free order is a purchase
        ("B", "2024-02-03 00:00", 12.0),  # holdout
        ("C", "2024-02-01 00:00", 50.0),  # first purchase after calibration: not in the table
        ("D", "2024-01-05 00:00", -20.0),  # only a credit note
        ("E", "2024-02-20 00:00", 70.0),  # after the observation end
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_hand_computed_summary_in_weeks(lines):
    summary = rfm_summary(lines, "2024-01-28", "W", observation_end="2024-02-11")
    assert list(summary["account_id"]) == ["A", "B"]
    a, b = summary.iloc[0], summary.iloc[1]
    assert a["frequency"] == 2  # 8 and 15 January
    assert a["recency"] == pytest.approx(14 / 7)
    assert a["T"] == pytest.approx(27 / 7)
    assert a["monetary_value"] == pytest.approx((25 + 18) / 2)
    assert (a["frequency_holdout"], a["monetary_value_holdout"]) == (1, 40.0)
    assert a["duration_holdout"] == pytest.approx(14 / 7)
    assert (b["frequency"], b["recency"], b["monetary_value"]) == (0, 0.0, 0.0)
    assert b["T"] == pytest.approx(8 / 7)
    assert (b["frequency_holdout"], b["monetary_value_holdout"]) == (1, 12.0)
    assert summary["frequency"].dtype == "int64" and summary["frequency_holdout"].dtype == "int64"
    attrs = summary.attrs
    # C buys first in the holdout period; E's only line is after the observation end: counted as a line, not read
    assert attrs["accounts_first_purchase_after_calibration"] == 1  # C
    assert attrs["accounts_without_purchase"] == 1  # D
    assert (attrs["credit_periods"], attrs["credit_value"]) == (2, -28.0)
    assert (attrs["lines"], attrs["lines_after_end"]) == (12, 1)
    assert attrs["calibration_end"] == pd.Timestamp("2024-01-28")
    assert attrs["observation_end"] == pd.Timestamp("2024-02-11")
    assert (attrs["freq"], attrs["merge"], attrs["time_unit"]) == ("W", "day", "weeks (7 days)")


def test_hand_computed_summary_in_days_without_values(lines):
    summary = rfm_summary(lines, "2024-01-28", "D", value=None)
    a = summary.set_index("account_id").loc["A"]
    # without values every day with a line is a purchase, credit notes too
    assert (a["frequency"], a["recency"], a["T"]) == (3, 14.0, 27.0)
    assert "monetary_value" not in summary.columns
    assert summary.attrs["accounts_without_purchase"] == 0


def test_hand_computed_summary_in_calendar_weeks(lines):
    # merge="period": Monday-to-Sunday weeks; 2024-01-01 is a Monday, 2024-01-28 a Sunday
    summary = rfm_summary(lines, "2024-01-28", "W", merge="period", observation_end="2024-02-11")
    a, b = summary.iloc[0], summary.iloc[1]
    # A: weeks 0, 1 (25 − 8 = 17 net) and 2 (18); the calibration has weeks 0..3
    assert (a["frequency"], a["recency"], a["T"], a["monetary_value"]) == (2, 2.0, 3.0, 17.5)
    assert (a["frequency_holdout"], a["duration_holdout"]) == (1, 2.0)
    assert (b["frequency"], b["T"]) == (0, 1.0)  # Saturday 20 January: week 2


def test_calendar_months_count_the_whole_month_of_the_calibration_end(lines):
    summary = rfm_summary(lines, "2024-01-28", "M", merge="period")
    a = summary.set_index("account_id").loc["A"]
    # every January purchase, 29 January too, is one purchase in the month of the calibration end
    assert (a["frequency"], a["recency"], a["T"]) == (0, 0.0, 0.0)
    assert summary.attrs["time_unit"] == "calendar months"


@pytest.mark.parametrize(("freq", "merge", "period"), [("W", "day", None), ("D", "period", None),
                                                     ("W", "period", "W-SUN"), ("M", "period", "M")])
def test_lines_after_the_end_unit_counted_alike_from_a_frame_and_by_the_engine(freq, merge, period):
    # dates (some with a time of day) around the ends of weeks and months: a line is after the end when its day
    # is after the end's unit (day, or with merge="period" the Monday-to-Sunday week or the month): pandas'
    # periods count it independently; the frame's count (from its arrays) and the engine's (an Ibis table
    # of the same lines, counted by DuckDB) must both be that
    import ibis

    days = pd.date_range("2024-01-20", "2024-03-10", freq="D")
    stamps = days.append(days + pd.Timedelta(hours=23, minutes=59))
    lines = pd.DataFrame({"account_id": [f"K{i % 7}" for i in range(len(stamps))], "date": stamps,
                          "revenue": np.linspace(1.0, 50.0, len(stamps))})
    for end in ("2024-01-28", "2024-01-31", "2024-02-03", "2024-02-29"):
        if period is None:
            expected = int((lines["date"].dt.normalize() > pd.Timestamp(end)).sum())
        else:
            expected = int((lines["date"].dt.to_period(period) > pd.Period(end, period)).sum())
        assert 0 < expected < len(lines)
        frame = rfm_summary(lines, end, freq, merge=merge)
        engine = rfm_summary(ibis.memtable(lines), end, freq, merge=merge)
        assert frame.attrs["lines_after_end"] == engine.attrs["lines_after_end"] == expected, end
        pd.testing.assert_frame_equal(frame, engine)


@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_ends_far_from_the_lines_count_all_or_none_of_them_on_both_paths(unit):
    # ends pandas' nanoseconds cannot hold (after 2262, before 1677) and in the last week and month of 9999 (the
    # "no end" of many exports): every line is after 1600, none after 2300 or 9999
    import ibis

    lines = pd.DataFrame({"account_id": ["A", "A", "B"], "revenue": [1.0, 2.0, 3.0],
                          "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-20"]).astype(f"datetime64[{unit}]")})
    cases = [("2024-01-10", "D", "day", "2300-01-01", 0), ("1600-01-01", "D", "day", None, 3),
             ("9999-12-15", "M", "period", None, 0), ("9999-12-31", "W", "period", None, 0)]
    for cal, freq, merge, obs, expected in cases:
        for source in (lines, ibis.memtable(lines)):
            got = rfm_summary(source, cal, freq, merge=merge, observation_end=obs)
            assert got.attrs["lines_after_end"] == expected, (cal, freq, merge, obs)


def test_calibration_end_defaults_to_the_last_day(lines):
    summary = rfm_summary(lines, freq="D")
    assert summary.attrs["calibration_end"] == pd.Timestamp("2024-02-20")
    assert summary.attrs["lines_after_end"] == 0
    assert list(summary["account_id"]) == ["A", "B", "C", "E"]


def test_other_column_names_and_unsorted_lines(lines):
    shuffled = lines.sample(frac=1, random_state=3).rename(
        columns={"account_id": "Kunde", "date": "Datum", "revenue": "Umsatz"}
    )
    ours = rfm_summary(shuffled, "2024-01-28", account="Kunde", date="Datum", value="Umsatz")
    expected = rfm_summary(lines, "2024-01-28")
    pd.testing.assert_frame_equal(ours.rename(columns={"Kunde": "account_id"}), expected)


def _reference_summary(lines, cal_end, freq, merge):
    """A slow, plain pandas version of the definitions, for comparison."""
    frame = lines.copy()
    day = frame["date"].dt.normalize()
    if merge == "day":
        frame["unit"] = (day - pd.Timestamp("1970-01-01")).dt.days
        cal_unit = (pd.Timestamp(cal_end) - pd.Timestamp("1970-01-01")).days
        scale = {"D": 1, "W": 7}[freq]
    else:
        frame["unit"] = day.dt.to_period("W-SUN").apply(lambda p: p.ordinal)
        cal_unit = pd.Timestamp(cal_end).to_period("W-SUN").ordinal
        scale = 1
    per_unit = frame.groupby(["account_id", "unit"], as_index=False)["revenue"].sum()
    purchases = per_unit[(per_unit["revenue"] >= 0) & (per_unit["unit"] <= cal_unit)]
    rows = []
    for account, group in purchases.groupby("account_id"):
        group = group.sort_values("unit")
        repeat = group.iloc[1:]
        rows.append(
            {
                "account_id": account,
                "frequency": len(repeat),
                "recency": (group["unit"].max() - group["unit"].min()) / scale,
                "T": (cal_unit - group["unit"].min()) / scale,
                "monetary_value": repeat["revenue"].mean() if len(repeat) else 0.0,
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("freq", "merge"), [("W", "day"), ("D", "day"), ("W", "period")])
def test_summary_matches_a_plain_pandas_reference(seed, freq, merge):
    rng = np.random.default_rng(seed)
    n = 3000
    lines = pd.DataFrame(
        {
            "account_id": rng.choice([f"K{i:03d}" for i in range(150)], n),
            "date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 400, n), unit="D")
            + pd.to_timedelta(rng.integers(0, 24, n), unit="h"),
            "revenue": np.round(rng.normal(50, 60, n), 2),  # about a fifth are credits
        }
    )
    ours = rfm_summary(lines, "2023-10-15", freq, merge=merge)
    expected = _reference_summary(lines, "2023-10-15", freq, merge)
    assert list(ours["account_id"]) == list(expected["account_id"])
    assert (ours["frequency"].to_numpy() == expected["frequency"].to_numpy()).all()
    for column in ("recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[column], expected[column], rtol=0, atol=1e-9)


def test_integer_account_ids_keep_their_type_and_order():
    lines = pd.DataFrame(
        {"customer": [10, 2, 10, 33], "date": pd.to_datetime(["2024-01-01"] * 2 + ["2024-01-03"] * 2), "revenue": 1.0}
    )
    summary = rfm_summary(lines, freq="D", account="customer")
    assert summary["customer"].tolist() == [2, 10, 33]
    assert summary["frequency"].tolist() == [0, 1, 0]


def test_empty_lines_give_an_empty_table():
    empty = pd.DataFrame({"account_id": pd.Series([], dtype="str"), "date": pd.to_datetime([]), "revenue": []})
    summary = rfm_summary(empty, "2024-01-01")
    assert len(summary) == 0 and list(summary.columns) == ["account_id", "frequency", "recency", "T", "monetary_value"]


# --------------------------------------------------------------------------- model properties


def _quadrature_expected_purchases(theta, t, x, tx, T):
    """E[Y(t) | x, t_x, T] from its definition: P(alive) times the mean, over the posterior given alive
    (λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x)), of E[Y(t) | λ, p]; averaged over λ this is
    (1 − (1 + p·t/(α+T))^−(r+x)) / p, integrated numerically over u = ln p."""
    r, alpha, a, b = theta
    log_beta = special.betaln(a, b + x)
    k, c = r + x, t / (alpha + T)

    def integrand(u):
        p = math.exp(u)
        if p >= 1:
            return 0.0
        f = -math.expm1(-k * math.log1p(p * c))  # p · E[Y(t) | p]
        log_f = math.log(f) if f > 1e-300 else math.log(k * c) + u
        return math.exp(log_f + (a - 1) * u + (b + x - 1) * math.log1p(-p) - log_beta)

    mode = math.log(a / (a + b + x))
    width = 1 / math.sqrt(a) + 1
    low = min(mode - 40 * width, -60 / a)
    points = [mode + d * width for d in (-8, -4, -2, -1, 0, 1, 2) if low < mode + d * width < 0]
    points += [-math.log1p(c)] if -math.log1p(c) > low else []
    with warnings.catch_warnings():
        # b + x < 1 puts an integrable singularity at p = 1: quad warns about roundoff but converges
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, _ = integrate.quad(integrand, low, 0, points=sorted(set(points)), epsabs=0, epsrel=1e-11, limit=1000)
    alive = 1.0 if x == 0 else 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
    return value * alive


def _model(params):
    model = BetaGeo()
    model.params_ = dict(params)
    return model


@pytest.mark.parametrize(
    "theta",
    [
        (0.243, 4.414, 0.793, 2.426),  # CDNOW
        (0.5, 1.0, 0.3, 0.4),
        (3.0, 2.0, 0.2, 0.1),
        (1.2, 0.5, 5.0, 20.0),
        # removable singularities of the closed form: r − a a whole number (scipy's hyp2f1 returns nan),
        # a = 1, a + b = 1
        (2.0, 10.0, 3.0, 0.5),
        (1.0, 3.0, 1.0, 2.0),
        (0.7, 2.0, 0.4, 0.6),
    ],
)
def test_expected_purchases_equal_quadrature(theta):
    model = _model(dict(zip(("r", "alpha", "a", "b"), theta)))
    histories = pd.DataFrame(
        {"frequency": [0, 1, 3, 20, 200, 1000], "recency": [0, 5.0, 25.0, 29.0, 29.9, 29.99], "T": 30.0}
    )
    for t in (0.5, 10.0, 100.0, 1000.0):
        ours = model.expected_purchases(t, histories).to_numpy()
        expected = [_quadrature_expected_purchases(theta, t, *row) for row in histories.to_numpy()]
        np.testing.assert_allclose(ours, expected, rtol=1e-9)
    new = model.expected_purchases_new(np.array([1.0, 52.0]))
    np.testing.assert_allclose(new, [_quadrature_expected_purchases(theta, t, 0, 0, 0) for t in (1.0, 52.0)], rtol=1e-9)


def test_probability_alive_properties(bgnbd, cdnow_summary):
    alive = bgnbd.probability_alive(cdnow_summary)
    assert alive.name == "probability_alive" and alive.index.equals(cdnow_summary.index)
    assert (alive[cdnow_summary["frequency"] == 0] == 1.0).all()
    assert ((alive > 0) & (alive <= 1)).all()
    # a longer silence since the last purchase makes drop-out more likely
    silence = pd.DataFrame({"frequency": 3, "recency": [30.0, 20.0, 10.0, 1.0], "T": 39.0})
    assert np.all(np.diff(bgnbd.probability_alive(silence).to_numpy()) < 0)


def test_expected_purchases_grow_with_t(bgnbd, cdnow_summary):
    sample = cdnow_summary.iloc[:200]
    previous = bgnbd.expected_purchases(0, sample)
    assert (previous == 0).all()
    for t in (1, 5, 39, 100, 1000):
        current = bgnbd.expected_purchases(t, sample)
        assert (current > previous).all()
        previous = current
    new = bgnbd.expected_purchases_new(np.linspace(0, 200, 50))
    assert new[0] == 0 and np.all(np.diff(new) > 0)


def _simulate_event_by_event(params, horizon_a, horizon_b, n, seed):
    """Purchases of n new accounts, one event at a time: numbers and times by horizon_a, and the purchases
    in (horizon_a, horizon_b]; also whether each account is alive at horizon_a."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(params["r"], 1 / params["alpha"], n)
    dropout = rng.beta(params["a"], params["b"], n)
    now = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    x = np.zeros(n, dtype=int)
    last = np.zeros(n)
    later = np.zeros(n, dtype=int)
    active = np.arange(n)
    while len(active):
        now[active] += rng.exponential(1 / rate[active])
        active = active[now[active] <= horizon_b]
        before = now[active] <= horizon_a
        x[active[before]] += 1
        last[active[before]] = now[active[before]]
        later[active[~before]] += 1
        dies = rng.random(len(active)) < dropout[active]
        alive[active[dies & before]] = False
        active = active[~dies]
    summary = pd.DataFrame({"frequency": x, "recency": last, "T": float(horizon_a)})
    return summary, later, alive


def test_expected_purchases_new_matches_simulation():
    params = dict(PUBLISHED_BGNBD)
    model = _model(params)
    summary, later, _ = _simulate_event_by_event(params, 39.0, 78.0, 200_000, seed=1)
    for t, counts in ((39.0, summary["frequency"].to_numpy()), (78.0, summary["frequency"].to_numpy() + later)):
        mean, se = counts.mean(), counts.std() / math.sqrt(len(counts))
        assert abs(model.expected_purchases_new(t) - mean) < 4 * se


def test_conditional_predictions_match_simulation():
    # law of total expectation: averaged over simulated histories, the conditional forecast equals the
    # mean of the purchases that follow, and P(alive) the share of accounts actually alive
    params = dict(PUBLISHED_BGNBD)
    model = _model(params)
    summary, later, alive = _simulate_event_by_event(params, 39.0, 78.0, 200_000, seed=2)
    forecast = model.expected_purchases(39.0, summary).to_numpy()
    difference = later - forecast
    assert abs(difference.mean()) < 4 * difference.std() / math.sqrt(len(later))
    p_alive = model.probability_alive(summary).to_numpy()
    residual = alive - p_alive
    assert abs(residual.mean()) < 4 * residual.std() / math.sqrt(len(alive))
    # also among the repeat buyers alone, where P(alive) < 1
    repeat = summary["frequency"].to_numpy() > 0
    assert abs(residual[repeat].mean()) < 4 * residual[repeat].std() / math.sqrt(repeat.sum())


def test_simulate_and_fit_recover_the_parameters():
    truth = {"r": 0.8, "alpha": 6.0, "a": 1.5, "b": 4.0}
    rng = np.random.default_rng(5)
    histories = simulate_bg_nbd(truth, rng.uniform(10, 80, 40_000), random_state=6)
    assert set(histories.columns) == {"frequency", "recency", "T"}
    assert (histories["recency"] <= histories["T"]).all()
    model = BetaGeo().fit(histories)
    for name, value in truth.items():
        assert model.params_[name] == pytest.approx(value, rel=0.1)
    # the simulator's purchase counts agree with the closed-form E[X(T)]
    one_cohort = simulate_bg_nbd(truth, 52.0, n_customers=100_000, random_state=7)["frequency"]
    se = one_cohort.std() / math.sqrt(len(one_cohort))
    assert abs(one_cohort.mean() - _model(truth).expected_purchases_new(52.0)) < 4 * se


def test_penalizer_shrinks_the_parameters(cdnow_summary, bgnbd):
    shrunk = BetaGeo(penalizer=0.01).fit(cdnow_summary)
    assert sum(v**2 for v in shrunk.params_.values()) < sum(v**2 for v in bgnbd.params_.values())
    assert shrunk.log_likelihood_ < bgnbd.log_likelihood_
    assert repr(shrunk) == "BetaGeo(penalizer=0.01)"


def test_fit_accepts_a_dict_of_arrays(cdnow_summary, bgnbd):
    arrays = {c: cdnow_summary[c].to_numpy() for c in ("frequency", "recency", "T")}
    model = BetaGeo().fit(arrays)
    assert model.params_ == pytest.approx(bgnbd.params_, rel=1e-8)
    assert isinstance(model.probability_alive(arrays), pd.Series)


def test_gamma_gamma_expected_average_profit(cdnow_summary):
    model = GammaGamma().fit(cdnow_summary)
    p, q, gamma = model.params_["p"], model.params_["q"], model.params_["gamma"]
    table = pd.DataFrame({"frequency": [0, 1, 5, 50], "monetary_value": [0.0, 20.0, 20.0, 20.0]})
    expected = model.conditional_expected_average_profit(table)
    population_mean = p * gamma / (q - 1)
    assert expected.iloc[0] == pytest.approx(population_mean)
    for i, x in enumerate([1, 5, 50], start=1):
        weight = p * x / (p * x + q - 1)
        assert expected.iloc[i] == pytest.approx((1 - weight) * population_mean + weight * 20.0)
    # more repeat purchases: closer to the account's own mean
    assert abs(expected.iloc[3] - 20) < abs(expected.iloc[2] - 20) < abs(expected.iloc[1] - 20)


def test_unidentified_model_warns():
    # every account bought just now: nothing says anyone dropped out, the drop-out parameters run off
    rng = np.random.default_rng(0)
    x = rng.poisson(3, 2000)
    histories = pd.DataFrame({"frequency": x, "recency": np.where(x > 0, 52 - rng.uniform(0, 0.5, 2000), 0), "T": 52.0})
    with pytest.warns(ConvergenceWarning, match="drop-out cannot be estimated"):
        model = BetaGeo().fit(histories)
    assert not model.converged_
    # no optimum, no standard errors: NaN, not numbers that look meaningful
    assert model.standard_errors_.isna().all() and model.confidence_intervals_.isna().all().all()


# --------------------------------------------------------------------------- standard errors


def _numerical_covariance(log_likelihood, theta, step=1e-4):
    """Inverse of minus the Hessian of the log-likelihood in the natural parameters, by central second
    differences of its values alone: no analytic gradient, no log scale, no delta method."""
    theta = np.asarray(theta, dtype=float)
    h = step * theta
    k = len(theta)
    hessian = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            total = 0.0
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                point = theta.copy()
                point[i] += si * h[i]
                point[j] += sj * h[j]
                total += si * sj * log_likelihood(point)
            hessian[i, j] = total / (4 * h[i] * h[j])
    return np.linalg.inv(-hessian)


def _assert_same_covariance(ours, reference):
    # entries compared on the scale of se_i · se_j: a covariance near 0 need not agree in relative terms
    scale = np.sqrt(np.outer(np.diag(reference), np.diag(reference)))
    assert np.max(np.abs(ours - reference) / scale) < 1e-4


def test_bgnbd_cdnow_standard_errors_equal_the_published_ones(data_home):
    # the summary lifetimes fitted (its copy of the CDNOW summary, times rounded to 2 decimals)
    model = BetaGeo().fit(_fetch_cdnow(data_home, "summary"))
    assert list(model.standard_errors_.index) == list(model.params_)
    for name, se in LIFETIMES_BGNBD_SE.items():
        assert model.standard_errors_[name] == pytest.approx(se, rel=2e-4)  # printed to 5 significant digits


def test_bgnbd_cdnow_standard_errors_equal_finite_differences(cdnow_summary, bgnbd):
    data = _BGNBDData(*(cdnow_summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T")))
    theta = np.array(list(bgnbd.params_.values()))
    covariance = _numerical_covariance(lambda t: _bgnbd_log_likelihood(t, data), theta)
    _assert_same_covariance(bgnbd.covariance_.to_numpy(), covariance)
    np.testing.assert_allclose(bgnbd.standard_errors_, np.sqrt(np.diag(covariance)), rtol=1e-4)
    # our own (unrounded) summary gives the published standard errors too
    for name, se in LIFETIMES_BGNBD_SE.items():
        assert bgnbd.standard_errors_[name] == pytest.approx(se, rel=1e-3)


def test_gamma_gamma_cdnow_standard_errors_equal_finite_differences(cdnow_summary):
    # No published standard errors of the CDNOW Gamma-Gamma fit were found: an independent computation.
    model = GammaGamma().fit(cdnow_summary)
    repeat = cdnow_summary[cdnow_summary["frequency"] > 0]
    x, m = repeat["frequency"].to_numpy(dtype=float), repeat["monetary_value"].to_numpy(dtype=float)
    theta = np.array(list(model.params_.values()))
    covariance = _numerical_covariance(lambda t: _gg_log_likelihood(t, x, m), theta)
    _assert_same_covariance(model.covariance_.to_numpy(), covariance)
    np.testing.assert_allclose(model.standard_errors_, np.sqrt(np.diag(covariance)), rtol=1e-4)


def test_summary_and_confidence_intervals(bgnbd):
    table = bgnbd.summary()
    assert list(table.columns) == ["coef", "se", "lower", "upper"]
    assert list(table.index) == list(bgnbd.params_)
    np.testing.assert_allclose(table["coef"], list(bgnbd.params_.values()))
    np.testing.assert_allclose(table["se"], bgnbd.standard_errors_)
    pd.testing.assert_frame_equal(table[["lower", "upper"]], bgnbd.confidence_intervals_)
    # normal on the log scale: ln(upper) − ln(coef) = ln(coef) − ln(lower) = 1.959964 · se / coef
    coef, se = table["coef"], table["se"]
    np.testing.assert_allclose(np.log(table["upper"] / coef), 1.959963985 * se / coef, rtol=1e-9)
    np.testing.assert_allclose(np.log(coef / table["lower"]), 1.959963985 * se / coef, rtol=1e-9)
    wider = bgnbd.summary(level=0.99)
    assert (wider["lower"] < table["lower"]).all() and (wider["upper"] > table["upper"]).all()
    with pytest.raises(ParameterError, match="level"):
        bgnbd.summary(level=95)


def test_confidence_intervals_cover_the_true_parameters_in_simulation():
    # 40 data sets of 10,000 accounts from the published CDNOW parameters, ages T as in CDNOW's first
    # quarter (27 to 39 weeks). A correct 95 % interval misses the truth in 40 tries 7 times or more with
    # probability 0.003 (binomial), so at least 34 hits per parameter. And the standard errors must be the
    # spread of the estimates: z = (ln estimate − ln truth) / (se / estimate) is standard normal, the
    # standard deviation of 40 of them lies in [0.65, 1.38] with probability 0.999 (chi-square, 39 df).
    truth = dict(PUBLISHED_BGNBD)
    hits, z = [], []
    for seed in range(40):
        rng = np.random.default_rng([2024, seed])
        model = BetaGeo().fit(simulate_bg_nbd(truth, rng.uniform(27, 39, 10_000), random_state=rng))
        assert model.converged_
        estimate, se = pd.Series(model.params_), model.standard_errors_
        intervals = model.confidence_intervals_
        hits.append([intervals.loc[k, "lower"] < v < intervals.loc[k, "upper"] for k, v in truth.items()])
        z.append((np.log(estimate) - np.log(pd.Series(truth))) / (se / estimate))
    assert (np.sum(hits, axis=0) >= 34).all()
    spread = pd.DataFrame(z).std()
    assert spread.between(0.65, 1.38).all(), spread


def test_gamma_gamma_confidence_intervals_cover_the_true_parameters_in_simulation():
    # Gamma-Gamma data drawn by hand: ν ~ Gamma(q, rate γ) per account, each of its x purchases
    # ~ Gamma(p, rate ν), so their mean is Gamma(p·x, rate ν·x). Same bounds as for the BG/NBD model.
    truth = dict(PUBLISHED_GG)
    hits, z = [], []
    for seed in range(40):
        rng = np.random.default_rng([2025, seed])
        x = 1 + rng.poisson(1.5, 3000)
        nu = rng.gamma(truth["q"], 1 / truth["gamma"], len(x))
        zbar = rng.gamma(truth["p"] * x, 1 / (nu * x))
        model = GammaGamma().fit(pd.DataFrame({"frequency": x, "monetary_value": zbar}))
        estimate, se = pd.Series(model.params_), model.standard_errors_
        intervals = model.confidence_intervals_
        hits.append([intervals.loc[k, "lower"] < v < intervals.loc[k, "upper"] for k, v in truth.items()])
        z.append((np.log(estimate) - np.log(pd.Series(truth))) / (se / estimate))
    assert (np.sum(hits, axis=0) >= 34).all()
    spread = pd.DataFrame(z).std()
    assert spread.between(0.65, 1.38).all(), spread


@pytest.mark.slow
def test_standard_errors_halve_when_the_customers_quadruple(cdnow_summary, bgnbd):
    # The information is a sum over customers: four times as many give half the standard error (√4 = 2).
    # Exactly so for the same customers four times (the same estimates, four times the information):
    four_times = BetaGeo().fit(pd.concat([cdnow_summary] * 4, ignore_index=True))
    assert four_times.params_ == pytest.approx(bgnbd.params_, rel=1e-6)
    np.testing.assert_allclose(bgnbd.standard_errors_ / four_times.standard_errors_, 2.0, rtol=1e-5)
    # About so for new customers: 20,000 and 80,000 simulated accounts (the first 20,000 and 60,000 more).
    # For r and alpha each ratio is 2 within a few per cent. The standard errors of a and b are evaluated
    # at the estimates, which scatter by about 10 % at 20,000 accounts, and they grow with them: one ratio
    # scatters by about 13 % (sd of the log-ratio in 16 samples), the mean log-ratio of 8 samples by about
    # 5 %; bound: 3 of those, ±15 %.
    log_ratios = []
    for seed in range(8):
        rng = np.random.default_rng([31, seed])
        histories = simulate_bg_nbd(PUBLISHED_BGNBD, rng.uniform(27, 39, 80_000), random_state=rng)
        small, large = BetaGeo().fit(histories.iloc[:20_000]), BetaGeo().fit(histories)
        log_ratios.append(np.log(small.standard_errors_ / large.standard_errors_))
    log_ratios = pd.DataFrame(log_ratios)
    assert (np.abs(log_ratios[["r", "alpha"]] - math.log(2)) < 0.06).all().all(), np.exp(log_ratios)
    mean_ratio = np.exp(log_ratios[["a", "b"]].mean())
    assert mean_ratio.between(2 * math.exp(-0.15), 2 * math.exp(0.15)).all(), mean_ratio


# --------------------------------------------------------------------------- scikit-learn API


@pytest.mark.parametrize("model_class", [BetaGeo, GammaGamma])
def test_models_follow_the_scikit_learn_api(model_class, cdnow_summary):
    model = model_class()
    assert model.get_params() == {"penalizer": 0.0}
    assert model.set_params(penalizer=0.01) is model and model.penalizer == 0.01
    copy = clone(model)
    assert copy is not model and copy.get_params() == {"penalizer": 0.01}
    assert repr(copy) == f"{model_class.__name__}(penalizer=0.01)"
    # the constructor only stores: a bad penalizer is found by fit
    unchecked = model_class(penalizer=-1)
    with pytest.raises(ParameterError, match="penalizer"):
        unchecked.fit(cdnow_summary)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    predict = (lambda m: m.probability_alive(cdnow_summary)) if model_class is BetaGeo else (
        lambda m: m.conditional_expected_average_profit(cdnow_summary))
    for error in (ModelNotFittedError, NotFittedError, ParameterError, KamlabError, ValueError, AttributeError):
        with pytest.raises(error, match=f"This {model_class.__name__} is not fitted yet"):
            predict(model)
    with pytest.raises(NotFittedError):
        model.summary()
    model.fit(cdnow_summary)
    check_is_fitted(model)
    assert isinstance(predict(model), pd.Series)
    # fitting did not change the parameters
    assert model.get_params() == {"penalizer": 0.01}


# --------------------------------------------------------------------------- CLV


def test_margin_multiple_is_the_infinite_sum():
    m, r, i = 1000.0, 0.8, 0.1
    explicit = sum(m * r**t / (1 + i) ** t for t in range(1, 2000))
    assert clv_margin_multiple(m, r, i) == pytest.approx(explicit, rel=1e-12)
    assert clv_margin_multiple(m, r, i) == pytest.approx(m * r / (1 + i - r))


def test_finite_clv_sums_and_converges_to_the_margin_multiple():
    m, r, i = 250.0, 0.9, 0.08
    assert clv_finite(m, r, i, 0) == 0.0
    assert clv_finite(m, r, i, 1) == pytest.approx(m * r / (1 + i))
    assert clv_finite(m, r, i, 7) == pytest.approx(sum(m * r**t / (1 + i) ** t for t in range(1, 8)))
    values = clv_finite(m, r, i, np.array([1, 10, 50, 200, 1000]))
    assert np.all(np.diff(values) > 0)
    assert values[-1] == pytest.approx(clv_margin_multiple(m, r, i), rel=1e-12)
    # without discounting and full retention it is simply T margins
    assert clv_finite(m, 1.0, 0.0, 12) == pytest.approx(12 * m)


def test_model_clv_without_discounting_is_value_times_purchases(bgnbd, cdnow_summary):
    gamma_gamma = GammaGamma().fit(cdnow_summary)
    values = customer_lifetime_value(bgnbd, gamma_gamma, cdnow_summary, 52, discount_rate=0.0, rate_period=1.0)
    expected = gamma_gamma.conditional_expected_average_profit(cdnow_summary) * bgnbd.expected_purchases(
        52, cdnow_summary
    )
    np.testing.assert_allclose(values, expected, rtol=1e-10)
    assert values.name == "clv"
    half = customer_lifetime_value(bgnbd, gamma_gamma, cdnow_summary, 52, discount_rate=0.0, rate_period=1.0, margin=0.5)
    np.testing.assert_allclose(half, 0.5 * values, rtol=1e-12)


def test_model_clv_discounting(bgnbd, cdnow_summary):
    gamma_gamma = GammaGamma().fit(cdnow_summary)
    sample = cdnow_summary.iloc[:300]
    plain = customer_lifetime_value(bgnbd, gamma_gamma, sample, 104, discount_rate=0.0, rate_period=52)
    annual = customer_lifetime_value(bgnbd, gamma_gamma, sample, 104, discount_rate=0.1, rate_period=52)
    assert (annual < plain).all() and (annual > plain / 1.1**2).all()
    # an annual rate over 52 weeks is the same as the equivalent weekly rate over 1 week
    weekly = customer_lifetime_value(bgnbd, gamma_gamma, sample, 104, discount_rate=1.1 ** (1 / 52) - 1, rate_period=1)
    np.testing.assert_allclose(annual, weekly, rtol=1e-12)
    # finer steps converge (to the continuously discounted value)
    fine = customer_lifetime_value(bgnbd, gamma_gamma, sample, 104, discount_rate=0.1, rate_period=52, step=0.25)
    finer = customer_lifetime_value(bgnbd, gamma_gamma, sample, 104, discount_rate=0.1, rate_period=52, step=0.125)
    assert np.max(np.abs(finer - fine) / fine) < np.max(np.abs(fine - annual) / annual)
    # a horizon that is not a multiple of the step ends with a shorter step
    odd = customer_lifetime_value(bgnbd, gamma_gamma, sample, 10.5, discount_rate=0.0, rate_period=52)
    np.testing.assert_allclose(
        odd, gamma_gamma.conditional_expected_average_profit(sample) * bgnbd.expected_purchases(10.5, sample)
    )


# --------------------------------------------------------------------------- errors


def test_rfm_summary_errors(lines):
    with pytest.raises(MissingColumnError, match="value=None"):
        rfm_summary(lines.drop(columns="revenue"))
    with pytest.raises(MissingColumnError, match="'Kunde'"):
        rfm_summary(lines, account="Kunde")
    with pytest.raises(ParameterError, match="30-day month"):
        rfm_summary(lines, freq="M")
    with pytest.raises(ParameterError, match="freq must be"):
        rfm_summary(lines, freq="Q")
    with pytest.raises(ParameterError, match="merge must be"):
        rfm_summary(lines, merge="week")
    with pytest.raises(ParameterError, match="must be after"):
        rfm_summary(lines, "2024-01-28", observation_end="2024-01-28")
    with pytest.raises(ParameterError, match="needs a calibration_end"):
        rfm_summary(lines, observation_end="2024-01-28")
    with pytest.raises(ParameterError, match="not a date"):
        rfm_summary(lines, "someday")
    with pytest.raises(ParameterError, match="DataFrame"):
        rfm_summary(lines.to_dict())
    bad = lines.copy()
    bad.loc[3, "revenue"] = np.nan
    with pytest.raises(DataFormatError, match="row 3"):
        rfm_summary(bad)
    bad = lines.copy()
    bad.loc[2, "date"] = pd.NaT
    with pytest.raises(DataFormatError, match="no date"):
        rfm_summary(bad)
    bad = lines.astype({"account_id": "object"})
    bad.loc[0, "account_id"] = None
    with pytest.raises(DataFormatError, match="no account id"):
        rfm_summary(bad)
    # pandas' Arrow-backed text: Arrow's count of missing ids decides whether the engine counts them
    bad = lines.astype({"account_id": "string[pyarrow]"})
    bad.loc[4, "account_id"] = None
    assert bad["account_id"].array._pa_array.null_count == 1
    with pytest.raises(DataFormatError, match="1 of 12 lines have no account id"):
        rfm_summary(bad, "2024-01-28")
    # a dictionary-encoded column can hide a missing id in its dictionary (Arrow counts no null): the engine counts
    import pyarrow as pa

    codes = pa.array([0] * 7 + [1] + [2] * 4, type=pa.int32())
    dictionary = pa.DictionaryArray.from_arrays(codes, pa.array(["A", None, "B"]))
    assert dictionary.null_count == 0
    bad = lines.assign(account_id=pd.Series(pd.arrays.ArrowExtensionArray(dictionary)))
    with pytest.raises(DataFormatError, match="1 of 12 lines have no account id"):
        rfm_summary(bad, "2024-01-28")
    bad = lines.astype({"date": "str"})
    bad.loc[1, "date"] = "yesterday"
    with pytest.raises(DataFormatError, match="not dates"):
        rfm_summary(bad)


def test_model_input_errors(cdnow_summary):
    with pytest.raises(MissingColumnError, match="'T'"):
        BetaGeo().fit(cdnow_summary.drop(columns="T"))
    bad = cdnow_summary.copy()
    bad.loc[5, "recency"] = -1.0
    with pytest.raises(DataFormatError, match="negative"):
        BetaGeo().fit(bad)
    bad = cdnow_summary.copy()
    bad.loc[7, "T"] = np.nan
    with pytest.raises(DataFormatError, match="missing"):
        BetaGeo().fit(bad)
    bad = cdnow_summary.copy()
    bad.loc[0, "recency"] = 100.0
    with pytest.raises(DataFormatError, match="recency is larger than T"):
        BetaGeo().fit(bad)
    bad = cdnow_summary.copy()
    bad.loc[bad["frequency"] == 0, "recency"] = 1.0  # "time since last purchase" by mistake
    with pytest.raises(DataFormatError, match="frequency 0 but a recency"):
        BetaGeo().fit(bad)
    bad = cdnow_summary.astype({"frequency": float})
    bad.loc[0, "frequency"] = 1.5
    with pytest.raises(DataFormatError, match="whole number"):
        BetaGeo().fit(bad)
    with pytest.raises(DataFormatError, match="No account has a repeat purchase"):
        BetaGeo().fit(cdnow_summary[cdnow_summary["frequency"] == 0])
    with pytest.raises(DataFormatError, match="no accounts"):
        BetaGeo().fit(cdnow_summary.iloc[:0])
    with pytest.raises(ParameterError, match="penalizer"):
        BetaGeo(penalizer=-1).fit(cdnow_summary)
    with pytest.raises(ParameterError, match="summary table"):
        BetaGeo().fit([1, 2, 3])
    with pytest.raises(ParameterError, match="not fitted"):
        BetaGeo().probability_alive(cdnow_summary)
    with pytest.raises(DataFormatError, match="No account has a repeat purchase"):
        GammaGamma().fit(cdnow_summary[cdnow_summary["frequency"] == 0])
    with pytest.raises(MissingColumnError, match="monetary_value"):
        GammaGamma().fit(cdnow_summary.drop(columns="monetary_value"))
    bad = cdnow_summary.copy()
    bad.loc[bad["frequency"] > 0, "monetary_value"] = 0.0
    with pytest.raises(DataFormatError, match="mean purchase value of 0"):
        GammaGamma().fit(bad)
    with pytest.raises(ParameterError, match="not fitted"):
        GammaGamma().conditional_expected_average_profit(cdnow_summary)


def test_clv_errors(bgnbd, cdnow_summary):
    gamma_gamma = GammaGamma().fit(cdnow_summary)
    with pytest.raises(ParameterError, match="retention"):
        clv_margin_multiple(100, 1.2, 0.1)
    with pytest.raises(ParameterError, match="infinite"):
        clv_margin_multiple(100, 1.0, 0.0)
    with pytest.raises(ParameterError, match="discount_rate"):
        clv_finite(100, 0.5, -1.0, 3)
    with pytest.raises(ParameterError, match="whole number"):
        clv_finite(100, 0.5, 0.1, 2.5)
    with pytest.raises(ParameterError, match="horizon"):
        customer_lifetime_value(bgnbd, gamma_gamma, cdnow_summary, -1, discount_rate=0.1, rate_period=52)
    with pytest.raises(ParameterError, match="longer than 0"):
        customer_lifetime_value(bgnbd, gamma_gamma, cdnow_summary, 52, discount_rate=0.1, rate_period=0)
    with pytest.raises(TypeError):
        customer_lifetime_value(bgnbd, gamma_gamma, cdnow_summary, 52, discount_rate=0.1)  # the rate's period must be stated
    with pytest.raises(ParameterError, match="not fitted"):
        customer_lifetime_value(BetaGeo(), gamma_gamma, cdnow_summary, 52, discount_rate=0.1, rate_period=52)
    with pytest.raises(ParameterError, match="GammaGamma"):
        customer_lifetime_value(bgnbd, bgnbd, cdnow_summary, 52, discount_rate=0.1, rate_period=52)
    with pytest.raises(ParameterError, match="single time"):
        bgnbd.expected_purchases([1, 2], cdnow_summary)
    with pytest.raises(ParameterError, match="n_customers"):
        simulate_bg_nbd(PUBLISHED_BGNBD, 10.0)
    # every error is a KamlabError and so a ValueError
    assert issubclass(ParameterError, KamlabError) and issubclass(KamlabError, ValueError)


def test_a_large_tables_accounts_come_in_the_order_pandas_sorts_them():
    # the engine sorts the accounts (byte order of the text, as pandas and pyarrow sort it)
    rng = np.random.default_rng(11)
    n = 60_000
    lines = pd.DataFrame(
        {
            "account_id": pd.Series([f"A{i}" for i in rng.integers(0, 30_000, n)], dtype="str"),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "revenue": rng.uniform(-5, 100, n),
        }
    )
    summary = rfm_summary(lines, "2024-08-01")
    assert summary["account_id"].is_monotonic_increasing and summary["account_id"].is_unique
    pd.testing.assert_frame_equal(summary, summary.sample(frac=1.0, random_state=1).sort_values("account_id")
                                  .reset_index(drop=True))


@pytest.mark.parametrize("dtype", ["str", "object", "int64"])
def test_account_order_check_says_increasing_only_for_strictly_increasing_ids(dtype):
    from kamlab.clv.summary import _increasing

    def ids(values):
        return pd.Series(values).astype(dtype) if dtype != "int64" else pd.Series(values, dtype="int64")

    ordered = ["10", "11", "12", "9"] if dtype != "int64" else [9, 10, 11, 12]  # text: byte order, "9" last
    assert _increasing(ids(ordered))
    assert not _increasing(ids(ordered[1:] + ordered[:1]))  # one out of place
    assert not _increasing(ids(ordered[:2] + ordered[1:]))  # a repeated id
    if dtype != "int64":
        assert not _increasing(pd.Series(["1", None, "3"], dtype=dtype))  # a missing id
