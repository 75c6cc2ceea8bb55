"""Benchmark: the one definition of the account table and the RFM summary, run by the engines.

Three parts, each with its peers timed in the same run:

1. ``kamlab.accounts_from_transactions`` on 10 million in-memory lines (DuckDB scans the
   frame, handed over as kamlab hands it: an Arrow table where the columns allow, for the floors too) against the same definition hand-written as ONE DuckDB SQL query over the same
   frame (invoice level, then account level: the floor for this engine; kamlab's call also
   checks the lines and converts the result), and against a bare ``GROUP BY account_id``
   sum. Best of ``--repeat``.
2. 100 million lines as Parquet files on disk, generated in chunks to a temporary folder
   (deleted afterwards): ``accounts_from_transactions("folder/*.parquet",
   memory_limit=...)`` and the hand-written query over the same files, each in a child
   process, with its wall time and peak memory (the child's ``ru_maxrss``).
3. ``kamlab.rfm_summary`` on 10 million lines against ``lifetimes``'
   ``summary_data_from_transaction_data`` (0.11.3, a benchmark peer only:
   ``.venv/bin/pip install lifetimes==0.11.3``; without it this part says so and is skipped).

Usage::

    .venv/bin/python benchmarks/bench_engines.py
    .venv/bin/python benchmarks/bench_engines.py --lines 1e6 --big 1e7 --repeat 1   # quick
    .venv/bin/python benchmarks/bench_engines.py --big 0                            # without part 2
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

import kamlab
from timing import best_of

HERE = Path(__file__).resolve().parent

# The definition of kamlab.data.engines.definition.account_table, hand-written as one DuckDB query.
HAND_WRITTEN = """
WITH lines AS (
    SELECT CASE WHEN account_id < '!' OR right(account_id, 1) < '!' THEN trim(account_id, ' \t\n\r\x0b\x0c')
                ELSE account_id END AS account_id, invoice_id, date, revenue, cost, offering FROM {source}
    WHERE date < $end),
inv AS (
    SELECT account_id, invoice_id, min(date) AS d, sum(revenue) AS r, sum(cost) AS c, count(*) AS n
    FROM lines GROUP BY account_id, invoice_id),
acc AS (
    SELECT account_id, sum(r) AS revenue, sum(c) AS cost,
           count(*) FILTER (WHERE r > 1e-6) AS orders, count(*) FILTER (WHERE r < -1e-6) AS credit_notes,
           sum(n) AS lines, min(d) FILTER (WHERE r > 1e-6) AS first_order, max(d) FILTER (WHERE r > 1e-6) AS last_order,
           count(DISTINCT year(d) * 12 + month(d)) FILTER (WHERE r > 1e-6) AS active_months,
           coalesce(sum(r) FILTER (WHERE d >= $start_last), 0) AS revenue_last_12m,
           coalesce(sum(r) FILTER (WHERE d >= $start_prev AND d < $start_last), 0) AS revenue_prev_12m
    FROM inv GROUP BY account_id),
offerings AS (
    SELECT account_id, count(DISTINCT offering) FILTER (WHERE revenue > 0) AS n_offerings
    FROM lines GROUP BY account_id)
SELECT account_id, revenue, cost, revenue - cost AS contribution_margin,
       CASE WHEN revenue > 0 THEN (revenue - cost) / revenue END AS margin_rate,
       orders, credit_notes, lines, first_order, last_order,
       date_diff('day', CAST(last_order AS DATE), CAST($as_of AS DATE)) AS recency_days,
       date_diff('day', CAST(first_order AS DATE), CAST($as_of AS DATE)) AS tenure_days,
       active_months, n_offerings, revenue_last_12m, revenue_prev_12m,
       CASE WHEN revenue_prev_12m > 0 THEN revenue_last_12m / revenue_prev_12m - 1 END AS growth
FROM acc JOIN offerings USING (account_id) ORDER BY account_id
"""
# The BTYD summary of kamlab.data.engines.definition.summary_table hand-written as one DuckDB query, with everything
# kamlab's result and its report need (calibration purchases, credit days, lines after the end, accounts without a
# purchase up to the end; the lines after the end are counted only, as kamlab does): the floor for part 3.
# SUMMARY_CORE is only the summary's four columns (less than kamlab must report).
SUMMARY_FLOOR = """
WITH l AS (SELECT account_id, CAST(date AS DATE) AS d, revenue AS v FROM lines),
u AS (SELECT account_id, d, sum(v) AS net FROM l WHERE d <= DATE '{end}' GROUP BY 1, 2),
a AS (SELECT account_id,
             min(d) FILTER (WHERE net >= -1e-6) AS first, max(d) FILTER (WHERE net >= -1e-6) AS last,
             count(*) FILTER (WHERE net >= -1e-6) AS purchases, sum(net) FILTER (WHERE net >= -1e-6) AS cal_value,
             arg_min(net, d) FILTER (WHERE net >= -1e-6) AS first_value, bool_or(net >= -1e-6) AS any_purchase,
             count(*) FILTER (WHERE net < -1e-6) AS credit_periods,
             coalesce(sum(net) FILTER (WHERE net < -1e-6), 0) AS credit_value
      FROM u GROUP BY 1),
after AS (SELECT count(*) AS lines_after_end FROM l WHERE d > DATE '{end}')
SELECT account_id, purchases - 1 AS frequency,
       date_diff('day', first, last) / 7 AS recency, date_diff('day', first, DATE '{end}') / 7 AS T,
       CASE WHEN purchases > 1 THEN (cal_value - first_value) / (purchases - 1) ELSE 0 END AS monetary_value,
       any_purchase, lines_after_end, credit_periods, credit_value
FROM a CROSS JOIN after ORDER BY 1
"""
SUMMARY_CORE = """
WITH u AS (SELECT account_id, CAST(date AS DATE) AS d, sum(revenue) AS net FROM lines GROUP BY 1, 2),
c AS (SELECT * FROM u WHERE net >= 0 AND d <= DATE '{end}')
SELECT account_id, count(*) - 1 AS frequency, date_diff('day', min(d), max(d)) / 7 AS recency,
       date_diff('day', min(d), DATE '{end}') / 7 AS T,
       CASE WHEN count(*) > 1 THEN (sum(net) - arg_min(net, d)) / (count(*) - 1) ELSE 0 END AS monetary_value
FROM c GROUP BY 1 ORDER BY 1
"""
BARE = "SELECT account_id, sum(revenue) AS revenue FROM {source} GROUP BY account_id"


def params(as_of):
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    return {"end": end.to_pydatetime(), "as_of": pd.Timestamp(as_of).to_pydatetime(),
            "start_last": (end - pd.DateOffset(years=1)).to_pydatetime(),
            "start_prev": (end - pd.DateOffset(years=2)).to_pydatetime()}


def peak_gb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def _as_duckdb_sees_it(frame):
    """The frame as kamlab hands it to DuckDB (an Arrow table without copying when its columns allow it, see
    kamlab.data.engines.duckdb.scan_frame): the hand-written floors read the same data the same way."""
    from kamlab.data.engines.duckdb import _arrow_view

    return _arrow_view(frame)


def bench_frame(args):
    from bench_accounts import make_lines

    n = int(args.lines)
    lines = make_lines(n)
    as_of = lines["date"].max()
    print(f"\n1. accounts_from_transactions on {n:,} lines in memory ({lines['account_id'].nunique():,} accounts)")
    con = duckdb.connect()
    con.register("lines_frame", _as_duckdb_sees_it(lines))
    hand = HAND_WRITTEN.format(source="lines_frame")
    # interleaved (hand, bare, kamlab, hand, ...), best of each: a load that changes during the run
    # (a shared machine) falls on all three alike
    t_hand = t_bare = t_kamlab = float("inf")
    for _ in range(args.repeat):
        t, by_hand = best_of(lambda: con.execute(hand, params(as_of)).df(), 1)
        t_hand = min(t_hand, t)
        t_bare = min(t_bare, best_of(lambda: con.execute(BARE.format(source="lines_frame")).df(), 1)[0])
        t, table = best_of(lambda: kamlab.accounts_from_transactions(lines), 1)
        t_kamlab = min(t_kamlab, t)
    con.close()
    same = len(table) == len(by_hand) and np.allclose(table["revenue"], by_hand["revenue"], rtol=1e-9) and (
        table["orders"].to_numpy() == by_hand["orders"].to_numpy()).all()
    print(f"   hand-written one SQL query {t_hand:7.3f}s   bare GROUP BY account_id {t_bare:7.3f}s   "
          f"kamlab {t_kamlab:7.3f}s")
    print(f"   kamlab / hand-written query: {t_kamlab / t_hand:.2f}x   kamlab / bare GROUP BY: {t_kamlab / t_bare:.1f}x"
          f"   (same table: {same}; peak memory of this process {peak_gb():.1f} GB)")
    return t_kamlab / t_hand


def write_parquet(folder, n_total, chunk):
    """``n_total`` generated lines in Parquet files of ``chunk`` lines; invoice ids unique over the files."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from bench_accounts import make_lines

    n_accounts = max(n_total // 100, 10)
    for k, start in enumerate(range(0, n_total, chunk)):
        lines = make_lines(min(chunk, n_total - start), n_accounts=n_accounts, seed=k)
        table = pa.Table.from_pandas(lines, preserve_index=False)
        invoice = pc.binary_join_element_wise(pa.scalar(f"F{k}-", type=table["invoice_id"].type), table["invoice_id"],
                                              pa.scalar("", type=table["invoice_id"].type))
        table = table.set_column(table.schema.get_field_index("invoice_id"), "invoice_id", invoice)
        pq.write_table(table, folder / f"lines_{k:03d}.parquet", row_group_size=1_000_000)


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {here!r})
import duckdb, pandas as pd
import kamlab
from bench_engines import HAND_WRITTEN, params
glob, kind, limit = {glob!r}, {kind!r}, {limit!r}
start = time.perf_counter()
if kind == "kamlab":
    table = kamlab.accounts_from_transactions(glob, memory_limit=limit)
    n, revenue, lines = len(table), float(table["revenue"].sum()), int(table.attrs["read_report"]["lines"])
else:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{{limit}}'")
    con.execute("SET enable_progress_bar = false")
    as_of = con.execute(f"SELECT max(date) FROM read_parquet('{{glob}}')").fetchone()[0]
    table = con.execute(HAND_WRITTEN.format(source=f"read_parquet('{{glob}}')"), params(as_of)).df()
    n, revenue, lines = len(table), float(table["revenue"].sum()), int(table["lines"].sum())
seconds = time.perf_counter() - start
print("RESULT " + json.dumps({{"seconds": seconds, "accounts": n, "revenue": revenue, "lines": lines,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6}}))
"""


def run_child(glob, kind, limit):
    code = CHILD.format(here=str(HERE), glob=glob, kind=kind, limit=limit)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])


def bench_files(args):
    n = int(args.big)
    folder = Path(tempfile.mkdtemp(prefix="kamlab-bench-engines-", dir=args.tmp))
    try:
        start = time.perf_counter()
        write_parquet(folder, n, int(args.chunk))
        size = sum(p.stat().st_size for p in folder.glob("*.parquet")) / 1e9
        print(f"\n2. {n:,} lines in {len(list(folder.glob('*.parquet')))} Parquet files ({size:.1f} GB on disk, "
              f"written in {time.perf_counter() - start:.0f}s), memory_limit={args.memory_limit}, each run in a "
              "child process")
        glob = str(folder / "*.parquet")
        ours = run_child(glob, "kamlab", args.memory_limit)
        hand = run_child(glob, "hand", args.memory_limit)
        for name, r in (("kamlab accounts_from_transactions", ours), ("hand-written one SQL query", hand)):
            print(f"   {name:<34} {r['seconds']:7.1f}s  peak memory {r['peak_gb']:5.1f} GB  "
                  f"{r['accounts']:,} accounts, {r['lines']:,} lines")
        same = ours["accounts"] == hand["accounts"] and abs(ours["revenue"] - hand["revenue"]) <= 1e-9 * abs(
            hand["revenue"]) and ours["lines"] == hand["lines"] == n
        print(f"   kamlab / hand-written query: {ours['seconds'] / hand['seconds']:.2f}x   (same accounts, lines and "
              f"revenue: {same})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench_summary(args):
    try:
        from lifetimes import utils as lifetimes_utils
    except ImportError:
        print("\n3. rfm_summary: lifetimes is not installed (.venv/bin/pip install lifetimes==0.11.3); skipped")
        return
    from bench_clv import compare_summaries, make_lines

    n = int(args.lines)
    lines = make_lines(n, n // 10)
    end = "2023-12-31"
    print(f"\n3. rfm_summary on {n:,} lines ({n // 10:,} accounts), calibration end {end}, in weeks")
    variants = [("merge='day' vs lifetimes freq='D', freq_multiplier=7", {"merge": "day"},
                 {"freq": "D", "freq_multiplier": 7}),
                ("merge='period' vs lifetimes freq='W'", {"merge": "period"}, {"freq": "W"})]
    t_theirs_day = None
    for name, ours_kw, theirs_kw in variants:
        t_ours, ours = best_of(lambda kw=ours_kw: kamlab.rfm_summary(lines, end, "W", **kw), args.repeat)
        t_theirs, theirs = best_of(lambda kw=theirs_kw: lifetimes_utils.summary_data_from_transaction_data(
            lines, "account_id", "date", monetary_value_col="revenue", observation_period_end=end, **kw), 1)
        print(f"   {name:<52} kamlab {t_ours:6.2f}s  lifetimes {t_theirs:7.2f}s  "
              f"{t_theirs / t_ours:5.1f}x  {compare_summaries(ours, theirs)}")
        t_theirs_day = t_theirs if t_theirs_day is None else t_theirs_day
    con = duckdb.connect()
    if kamlab.get_threads():  # as kamlab's own queries
        con.execute(f"SET threads={kamlab.get_threads()}")
    con.register("lines", _as_duckdb_sees_it(lines))
    t_floor, _ = best_of(lambda: con.sql(SUMMARY_FLOOR.format(end=end)).to_arrow_table(), args.repeat)
    t_core, _ = best_of(lambda: con.sql(SUMMARY_CORE.format(end=end)).to_arrow_table(), args.repeat)
    t_ours, _ = best_of(lambda: kamlab.rfm_summary(lines, end, "W"), args.repeat)
    print(f"   the floor: the same summary and report counts hand-written as one DuckDB query {t_floor:6.2f}s "
          f"(the four summary columns alone {t_core:.2f}s); kamlab {t_ours:6.2f}s = {t_ours / t_floor:.2f}x the floor; "
          f"lifetimes / floor = {t_theirs_day / t_floor:.1f}x is what a DuckDB implementation could gain at most")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=float, default=1e7, help="lines of parts 1 and 3")
    parser.add_argument("--big", type=float, default=1e8, help="lines of part 2 (0: skip it)")
    parser.add_argument("--chunk", type=float, default=1e7, help="lines per Parquet file of part 2")
    parser.add_argument("--memory-limit", default="12GB", help="DuckDB's memory limit in part 2")
    parser.add_argument("--tmp", default=None, help="folder for part 2's temporary files")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parts", default="123", help="which parts to run, e.g. 13")
    args = parser.parse_args()
    print(f"kamlab {kamlab.__version__}, duckdb {duckdb.__version__}, pandas {pd.__version__}")
    if "1" in args.parts:
        bench_frame(args)
    if args.big and "2" in args.parts:
        bench_files(args)
    if "3" in args.parts:
        bench_summary(args)


if __name__ == "__main__":
    main()
