"""Benchmark: kamlab's CLV models against the ``lifetimes`` package (same output, time ratio).

Three comparisons, each timed in the same run (best of ``--repeat``):

1. ``kamlab.rfm_summary`` against ``lifetimes.utils.summary_data_from_transaction_data``
   on 1 million generated invoice lines (100,000 accounts), in weeks:

   - kamlab's default (``merge="day"``: same-day purchases merged, weeks = days / 7, the
     definition of the published CDNOW summaries) against lifetimes with ``freq="D"`` and
     ``freq_multiplier=7``;
   - ``merge="period"`` (calendar weeks) against lifetimes with ``freq="W"``, and the same
     with integer account ids.

   Frequency must agree exactly, recency, T and monetary value to 1e-9.
2. ``kamlab.BetaGeo().fit`` against ``lifetimes.BetaGeoFitter().fit`` on the CDNOW summary
   (2,357 customers) and on 1 million customers simulated from known parameters: both
   log-likelihoods (evaluated by kamlab's function at each package's parameters) and the
   largest relative difference of the parameters.
3. With kamlab's CDNOW parameters given to both packages: the largest relative difference
   of the conditional expected purchases (39 weeks) and of P(alive).

``lifetimes`` (0.11.3, archived) is only a benchmark peer, never a kamlab dependency:
``.venv/bin/pip install lifetimes==0.11.3``. Without it the benchmark says so and stops.

Usage::

    .venv/bin/python benchmarks/bench_clv.py
    .venv/bin/python benchmarks/bench_clv.py --lines 1e6 --customers 1e6 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import kamlab
from timing import best_of
from kamlab import clv as kclv

CDNOW_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def make_lines(n_lines, n_accounts, seed=0):
    """Invoice lines over two years: each account buys first on a random day of the first
    year, then on random later days; several lines per day are common."""
    rng = np.random.default_rng(seed)
    first_day = rng.integers(0, 365, n_accounts)
    # heavy-tailed number of lines per account, at least one (the first purchase)
    weights = rng.pareto(1.5, n_accounts) + 1
    extra = rng.multinomial(n_lines - n_accounts, weights / weights.sum())
    account = np.repeat(np.arange(n_accounts), extra + 1)
    is_first = np.r_[True, account[1:] != account[:-1]]
    span = 730 - first_day[account]
    # lines of an account cluster on few days: draw a day among up to 40 per account
    slot = rng.integers(0, 40, len(account))
    day_of_slot = first_day[account] + (np.abs(np.sin(account * 12.9898 + slot * 78.233)) * span).astype("int64")
    day = np.where(is_first, first_day[account], day_of_slot)
    revenue = np.round(rng.lognormal(4, 1, len(account)), 2)
    ids = np.char.add("C", np.char.zfill(account.astype(str), 6))
    lines = pd.DataFrame(
        {
            "account_id": pd.Series(ids, dtype="str"),
            "date": (np.datetime64("2023-01-01") + day.astype("timedelta64[D]")).astype("datetime64[us]"),
            "revenue": revenue,
        }
    )
    return lines.sample(frac=1.0, random_state=seed, ignore_index=True)  # files are rarely sorted


def compare_summaries(ours, theirs):
    theirs = theirs.reindex(ours["account_id"])
    if theirs.isna().any().any() or len(theirs) != len(ours):
        return "different accounts"
    worst = {}
    if not np.array_equal(ours["frequency"].to_numpy(), theirs["frequency"].to_numpy()):
        return "frequency differs"
    for column in ("recency", "T", "monetary_value"):
        worst[column] = float(np.max(np.abs(ours[column].to_numpy() - theirs[column].to_numpy())))
    ok = all(v < 1e-9 for v in worst.values())
    return ("same" if ok else "DIFFERENT") + " (max abs diff " + ", ".join(f"{k} {v:.1e}" for k, v in worst.items()) + ")"


def bench_summary(args, lifetimes_utils):
    n_lines, n_accounts = int(args.lines), int(args.accounts)
    lines = make_lines(n_lines, n_accounts)
    end = "2023-12-31"
    print(f"\n1. rfm_summary on {n_lines:,} lines, {n_accounts:,} accounts, calibration end {end}, in weeks")
    print(f"{'variant':<44} {'kamlab':>8} {'lifetimes':>10} {'ratio':>7}  output")
    # the same lines with the account ids as integers (as in CDNOW): no strings to hash and sort
    int_lines = lines.assign(account_id=lines["account_id"].str[1:].astype("int64"))
    variants = [
        ("merge='day' (days/7) vs freq='D', mult=7", lines, {"merge": "day"}, {"freq": "D", "freq_multiplier": 7}),
        ("merge='period' (weeks) vs freq='W'", lines, {"merge": "period"}, {"freq": "W"}),
        ("  the same, integer account ids", int_lines, {"merge": "period"}, {"freq": "W"}),
    ]
    ratios = []
    for name, data, ours_kw, theirs_kw in variants:
        t_ours, ours = best_of(lambda d=data, kw=ours_kw: kclv.rfm_summary(d, end, "W", **kw), args.repeat)
        t_theirs, theirs = best_of(
            lambda d=data, kw=theirs_kw: lifetimes_utils.summary_data_from_transaction_data(
                d, "account_id", "date", monetary_value_col="revenue", observation_period_end=end, **kw
            ),
            args.repeat,
        )
        ratios.append(t_theirs / t_ours)
        print(f"{name:<44} {t_ours:7.3f}s {t_theirs:9.3f}s {t_theirs / t_ours:6.1f}x  {compare_summaries(ours, theirs)}")
    return ratios[:2]


def fit_both(summary, lifetimes_module, repeat):
    t_ours, ours = best_of(lambda: kclv.BetaGeo().fit(summary), repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_theirs, theirs = best_of(
            lambda: lifetimes_module.BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"]),
            repeat,
        )
    their_params = {k: float(theirs.params_[k]) for k in ("r", "alpha", "a", "b")}
    from kamlab.clv.bgnbd import _bgnbd_log_likelihood, _BGNBDData

    data = _BGNBDData(*(summary[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T")))
    ll_ours = _bgnbd_log_likelihood(tuple(ours.params_.values()), data)
    ll_theirs = _bgnbd_log_likelihood(tuple(their_params.values()), data)
    rel = max(abs(ours.params_[k] - their_params[k]) / abs(their_params[k]) for k in their_params)
    return t_ours, t_theirs, ours, their_params, ll_ours, ll_theirs, rel


def bench_fit(args, lifetimes_module):
    cdnow = kamlab.datasets.fetch_cdnow(kind="summary")
    n = int(args.customers)
    rng = np.random.default_rng(1)
    simulated = kclv.simulate_bg_nbd(CDNOW_PARAMS, rng.uniform(1, 78, n).round(2), random_state=2)
    print("\n2. BG/NBD fit (log-likelihoods evaluated by kamlab's function at each package's parameters)")
    print(f"{'data':<28} {'kamlab':>8} {'lifetimes':>10} {'ratio':>7} {'LL kamlab':>15} {'LL lifetimes':>15} "
          f"{'max rel diff params':>20}")
    rows = []
    fits = {}
    for name, summary, repeat in (
        ("CDNOW (2,357)", cdnow, args.repeat),
        (f"simulated ({n:,})", simulated, 1),
    ):
        t_ours, t_theirs, ours, theirs, ll_ours, ll_theirs, rel = fit_both(summary, lifetimes_module, repeat)
        fits[name] = (ours, theirs)
        rows.append(t_theirs / t_ours)
        print(f"{name:<28} {t_ours:7.3f}s {t_theirs:9.3f}s {t_theirs / t_ours:6.1f}x {ll_ours:15.4f} {ll_theirs:15.4f} "
              f"{rel:20.1e}")
    for name, (ours, theirs) in fits.items():
        print(f"   {name:<25} kamlab    " + "  ".join(f"{k}={v:.6f}" for k, v in ours.params_.items()))
        print(f"   {'':<25} lifetimes " + "  ".join(f"{k}={v:.6f}" for k, v in theirs.items()))
    print(f"   (simulated from {CDNOW_PARAMS}, T uniform on 1..78 weeks)")
    return rows, fits["CDNOW (2,357)"][0], cdnow


def bench_predictions(model, cdnow, lifetimes_module):
    peer = lifetimes_module.BetaGeoFitter()
    peer.params_ = pd.Series(model.params_)
    x, tx, T = (cdnow[c] for c in ("frequency", "recency", "T"))
    ours_e = model.expected_purchases(39, cdnow).to_numpy()
    theirs_e = np.asarray(peer.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T))
    ours_a = model.probability_alive(cdnow).to_numpy()
    theirs_a = np.asarray(peer.conditional_probability_alive(x, tx, T))
    ours_n = model.expected_purchases_new(np.array([1.0, 39.0, 78.0]))
    theirs_n = np.asarray(peer.expected_number_of_purchases_up_to_time(np.array([1.0, 39.0, 78.0])))
    print("\n3. Predictions with kamlab's CDNOW parameters in both packages: max relative difference")
    print(f"   expected purchases in 39 weeks: {np.max(np.abs(ours_e - theirs_e) / theirs_e):.1e}; "
          f"P(alive): {np.max(np.abs(ours_a - theirs_a) / theirs_a):.1e}; "
          f"E[X(t)] new customer, t = 1, 39, 78: {np.max(np.abs(ours_n - theirs_n) / theirs_n):.1e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=float, default=1e6)
    parser.add_argument("--accounts", type=float, default=1e5)
    parser.add_argument("--customers", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import lifetimes
        import lifetimes.utils
    except ImportError:
        print("lifetimes is not installed: this benchmark compares kamlab with it. Install it into the venv "
              "(.venv/bin/pip install lifetimes==0.11.3; it is archived and only a benchmark peer) and run again.")
        return 0
    if not os.environ.get("KAMLAB_DATA"):
        shared = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
        if shared.is_dir():
            os.environ["KAMLAB_DATA"] = str(shared.resolve())
    print(f"kamlab {kamlab.__version__}, lifetimes {lifetimes.__version__}, pandas {pd.__version__}, "
          f"numpy {np.__version__}, {os.cpu_count()} cores; best of {args.repeat}")
    summary_ratios = bench_summary(args, lifetimes.utils)
    fit_ratios, model, cdnow = bench_fit(args, lifetimes)
    bench_predictions(model, cdnow, lifetimes)
    print(f"\nrfm_summary speed-up (string ids): {min(summary_ratios):.1f}x to {max(summary_ratios):.1f}x "
          "(goal: at least 5x); "
          f"BG/NBD fit: {min(fit_ratios):.1f}x to {max(fit_ratios):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
