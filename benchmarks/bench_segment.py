"""Benchmark: kamlab.select_k against the naive sweep, and AccountSegmenter on a million accounts.

The naive sweep is what a tutorial does to choose k: for every k, KMeans on all accounts
and scikit-learn's ``silhouette_score`` on all accounts. The silhouette needs every
pairwise distance, n² of them (10^10 for 100,000 accounts), and the sweep computes them
again for every k. ``select_k`` computes the silhouette on a seeded sample of 10,000
accounts (the same sample for every k, one pass over its distances for all k), fits
mini-batch k-means above 50,000 accounts, and adds the elbow, Calinski–Harabasz and
Davies–Bouldin on all accounts. Both run on the same generated accounts (known number
of segments) in the same process; the naive sweep gets the data already log-transformed
and scaled (its preprocessing is not timed), ``select_k`` is timed from the raw table.
Both recommend the k with the highest silhouette. kamlab runs OpenMP and BLAS on one
thread (faster on a busy 2-core machine); the naive sweep runs with the libraries' default
threads, as a user would run it.

The naive sweep runs in full (scikit-learn's silhouette works in chunks, so it fits in
memory); nothing is extrapolated unless ``--naive-accounts`` asks for a smaller naive run,
and then the printout says so.

Usage::

    .venv/bin/python benchmarks/bench_segment.py                 # 100,000 accounts; 1,000,000 for the segmenter
    .venv/bin/python benchmarks/bench_segment.py --accounts 2e4 --million 2e5   # a quick run
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from kamlab.segment import AccountSegmenter, make_segmented_accounts, select_k
from timing import best_of


def naive_sweep(Z, ks, n_init, random_state):
    """KMeans on all accounts and the full silhouette for each k; the k with the highest silhouette."""
    silhouettes = {}
    for k in ks:
        start = time.perf_counter()
        labels = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit_predict(Z)
        silhouettes[k] = silhouette_score(Z, labels)
        print(f"    naive k = {k:2d}: silhouette {silhouettes[k]:.4f} ({time.perf_counter() - start:.1f} s)", flush=True)
    return max(silhouettes, key=silhouettes.get), silhouettes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=float, default=1e5, help="accounts for the k sweep (default 100,000)")
    parser.add_argument("--segments", type=int, default=5, help="true number of segments (default 5)")
    parser.add_argument("--naive-accounts", type=float, default=None,
                        help="run the naive sweep on fewer accounts and extrapolate (default: run it in full)")
    parser.add_argument("--million", type=float, default=1e6, help="accounts for the segmenter timing (default 1e6)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of select_k; the best time counts")
    args = parser.parse_args()
    n_accounts, n_million = int(args.accounts), int(args.million)
    ks = range(2, 11)
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    accounts, truth = make_segmented_accounts(n_accounts, n_segments=args.segments, random_state=0)
    print(f"\nselect_k over k = 2..10 on {n_accounts:,} generated accounts with {args.segments} true segments")
    seconds_kamlab, table = best_of(lambda: select_k(accounts, k_range=(2, 10), random_state=0, progress=False),
                                    args.repeat)
    k_kamlab = table.attrs["recommended_k"]
    print(table.round(4).to_string())
    print(f"  kamlab.select_k: {seconds_kamlab:.2f} s (best of {args.repeat}), recommends k = {k_kamlab}")
    print(f"  reason: {table.attrs['reason']}")

    # the naive sweep on the same preprocessing (log1p of the skewed columns, standard scaling)
    Z = AccountSegmenter()._fit_preprocessing(accounts)
    n_naive = n_accounts if args.naive_accounts is None else int(args.naive_accounts)
    rows = np.random.default_rng(0).choice(n_accounts, n_naive, replace=False) if n_naive < n_accounts else slice(None)
    print(f"  naive sweep (KMeans n_init=4 + full silhouette_score) on {n_naive:,} accounts:")
    start = time.perf_counter()
    k_naive, _ = naive_sweep(Z[rows], ks, n_init=4, random_state=0)
    seconds_naive = time.perf_counter() - start
    if n_naive < n_accounts:
        # the silhouette dominates and grows with n²: an estimate, not a measurement
        seconds_naive *= (n_accounts / n_naive) ** 2
        print(f"  naive sweep: ESTIMATED {seconds_naive:.0f} s for {n_accounts:,} accounts (measured on "
              f"{n_naive:,}, scaled by n²), recommends k = {k_naive} (on the smaller run)")
    else:
        print(f"  naive sweep: {seconds_naive:.1f} s (one run), recommends k = {k_naive}")
    print(f"  ratio naive / select_k: {seconds_naive / seconds_kamlab:.1f}x faster "
          f"({'same k' if k_naive == k_kamlab else 'DIFFERENT k'}: select_k {k_kamlab}, naive {k_naive}; "
          f"true {args.segments})")

    print(f"\nAccountSegmenter on {n_million:,} generated accounts")
    big, big_truth = make_segmented_accounts(n_million, n_segments=args.segments, random_state=1)
    for n_segments in (args.segments, "auto"):
        segmenter = AccountSegmenter(n_segments=n_segments, random_state=0, progress=False)
        start = time.perf_counter()
        segmenter.fit(big)
        seconds = time.perf_counter() - start
        print(f"  n_segments={n_segments!r}: fit {seconds:.1f} s with {type(segmenter.model_).__name__}, "
              f"{segmenter.n_segments_} segments, ARI with the truth {adjusted_rand_score(big_truth, segmenter.labels_):.3f}")
    start = time.perf_counter()
    segmenter.predict(big)
    print(f"  predict on all {n_million:,}: {time.perf_counter() - start:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak:,.0f} MB; load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
