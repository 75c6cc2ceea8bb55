"""Benchmark: kamlab.accounts_from_transactions against a bare DuckDB GROUP BY.

The baseline is the least any account table costs: one DuckDB query summing revenue per
account over the same in-memory lines. kamlab's aggregation computes much more (invoice
nets, orders, credit notes, first/last order, active months, offerings, two 12-month
windows), so the ratio says what those extras cost. Both are timed in the same run, best
of ``--repeat`` runs each. Also printed: a plain pandas groupby of the same sum, and the
process's peak memory.

Usage::

    .venv/bin/python benchmarks/bench_accounts.py            # 1 million and 10 million lines
    .venv/bin/python benchmarks/bench_accounts.py --lines 1e6
"""

from __future__ import annotations

import argparse
import resource

import duckdb
import numpy as np
import pandas as pd

import kamlab
from timing import best_of


def make_lines(n_lines, n_accounts=None, seed=0):
    """Generated invoice lines: invoices of about 3 lines, each invoice one account and one day."""
    rng = np.random.default_rng(seed)
    n_accounts = n_accounts or max(n_lines // 100, 10)
    n_invoices = max(n_lines // 3, 1)
    # heavy-tailed: big accounts have many invoices
    weights = rng.pareto(1.2, n_accounts) + 1
    invoice_account = rng.choice(n_accounts, size=n_invoices, p=weights / weights.sum())
    invoice_day = rng.integers(0, 3 * 365, n_invoices)
    line_invoice = np.sort(rng.integers(0, n_invoices, n_lines))
    revenue = np.round(rng.lognormal(5, 1, n_lines), 2)
    revenue[rng.random(n_lines) < 0.02] *= -1  # credit-note lines
    offerings = np.array(["motors", "inverters", "servo", "controls", "sensors", "service", "projects"])
    return pd.DataFrame(
        {
            "account_id": pd.Series(np.char.add("K", invoice_account[line_invoice].astype(str)), dtype="str"),
            "invoice_id": pd.Series(np.char.add("R", line_invoice.astype(str)), dtype="str"),
            "date": (np.datetime64("2023-01-01") + invoice_day[line_invoice].astype("timedelta64[D]")).astype(
                "datetime64[us]"
            ),
            "offering": pd.Categorical(offerings[rng.integers(0, len(offerings), n_lines)]),
            "revenue": revenue,
            "cost": np.round(revenue * rng.uniform(0.5, 0.8, n_lines), 2),
        }
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=float, nargs="*", default=[1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'lines':>12} {'duckdb sum':>11} {'pandas sum':>11} {'kamlab':>9} {'ratio':>7}  peak memory")
    for n in args.lines:
        n = int(n)
        lines = make_lines(n)
        con = duckdb.connect()
        con.register("lines", lines)
        bare_sql = "SELECT account_id, sum(revenue) AS revenue FROM lines GROUP BY account_id"
        t_duck, bare = best_of(lambda con=con, sql=bare_sql: con.execute(sql).df(), args.repeat)
        t_pandas, _ = best_of(lambda lines=lines: lines.groupby("account_id")["revenue"].sum(), args.repeat)
        t_kamlab, table = best_of(lambda lines=lines: kamlab.accounts_from_transactions(lines), args.repeat)
        # the two agree on what they both compute
        merged = table.merge(bare, on="account_id", suffixes=("", "_bare"))
        assert len(merged) == len(bare) == len(table)
        np.testing.assert_allclose(merged["revenue"], merged["revenue_bare"], rtol=1e-9)
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(
            f"{n:>12,} {t_duck:>10.3f}s {t_pandas:>10.3f}s {t_kamlab:>8.3f}s {t_kamlab / t_duck:>6.1f}x"
            f"  {peak_gb:.1f} GB"
        )
        con.close()


if __name__ == "__main__":
    main()
