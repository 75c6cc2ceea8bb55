"""Benchmark: kamlab.read_transactions against pyarrow on the same files (Parquet and a German CSV).

* Parquet, 10 million invoice lines: the baseline is ``pyarrow.parquet.read_table(...).to_pandas()``
  plus the date column as ``datetime64[ns]`` (what kamlab returns). Target: within 2x.
* German CSV (cp1252, ``;``, decimal comma, dd.mm.yyyy), 3 million lines: the baseline is pyarrow's
  multithreaded CSV reader told the delimiter, the encoding and the date format, with the amounts read as
  text and converted (thousands dots out, decimal comma to point). Target: within 1.5x, and a peak
  memory no higher than ``pandas.read_csv``'s.

Each reader runs in its own process (so that peak memory, ru_maxrss, is its own; the files are
written by another one, since a Linux child inherits its parent's ru_maxrss); times are the
best of ``--repeat`` reads inside that process after its first read (which imports the reader's libraries,
once per session: its time is printed apart) and of ``--rounds`` such processes, the readers taking
turns, all in the same run of this script; the peak memory is a process's after its first read (one read
in a fresh process), the highest of the rounds. The files
are generated in a temporary folder and deleted at the end.

Usage::

    .venv/bin/python benchmarks/bench_readers.py                      # 10 M Parquet, 3 M CSV lines
    .venv/bin/python benchmarks/bench_readers.py --parquet 1e6 --csv 1e6
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_accounts import make_lines
from timing import best_of

HERE = Path(__file__).resolve().parent


def write_parquet(path, n):
    make_lines(n).to_parquet(path)


def write_german_csv(path, n):
    """Invoice lines as a German ERP exports them: cp1252, ';', decimal comma with thousands dots."""
    lines = make_lines(n)
    revenue = lines["revenue"].to_numpy()
    whole = np.abs(revenue).astype(np.int64)
    cents = np.round((np.abs(revenue) - whole) * 100).astype(np.int64)
    thousands = np.char.add(np.char.add((whole // 1000).astype(str), "."),
                            np.char.zfill((whole % 1000).astype(str), 3))
    amount = np.where(whole >= 1000, thousands, whole.astype(str))
    amount = np.char.add(np.char.add(np.where(revenue < 0, "-", ""), amount),
                         np.char.add(",", np.char.zfill(cents.astype(str), 2)))
    frame = lines.assign(
        date=lines["date"].dt.strftime("%d.%m.%Y"), revenue=amount,
        cost=np.char.replace(np.round(lines["cost"].to_numpy(), 2).astype(str), ".", ","),
        offering=lines["offering"].astype(str).str.replace("servo", "Stellantriebe für Förderbänder"),
    ).rename(columns={"account_id": "Kundennr.", "invoice_id": "Belegnr.", "date": "Belegdatum",
                      "offering": "Warengruppe", "revenue": "Umsatz", "cost": "Wareneinsatz"})
    frame.to_csv(path, sep=";", index=False, encoding="cp1252")


def baseline_parquet(path):
    import pyarrow.parquet as pq

    frame = pq.read_table(path).to_pandas()
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def baseline_csv(path):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    table = pcsv.read_csv(
        path,
        read_options=pcsv.ReadOptions(encoding="cp1252"),
        parse_options=pcsv.ParseOptions(delimiter=";"),
        convert_options=pcsv.ConvertOptions(
            timestamp_parsers=["%d.%m.%Y"],
            column_types={"Umsatz": pa.string(), "Wareneinsatz": pa.string(), "Kundennr.": pa.string()},
        ),
    )
    for name in ("Umsatz", "Wareneinsatz"):
        text = pc.replace_substring(pc.replace_substring(table[name], ".", ""), ",", ".")
        table = table.set_column(table.schema.get_field_index(name), name, pc.cast(text, pa.float64()))
    frame = table.to_pandas()
    frame["Belegdatum"] = frame["Belegdatum"].astype("datetime64[ns]")
    return frame


def pandas_csv(path):
    import pandas as pd

    frame = pd.read_csv(path, sep=";", encoding="cp1252", decimal=",", thousands=".",
                        dtype={"Belegdatum": str, "Kundennr.": str})
    frame["Belegdatum"] = pd.to_datetime(frame["Belegdatum"], format="%d.%m.%Y")
    return frame


def kamlab_read(path):
    import kamlab

    return kamlab.read_transactions(path)


READERS = {"pyarrow-parquet": baseline_parquet, "pyarrow-csv": baseline_csv, "pandas-csv": pandas_csv,
           "kamlab": kamlab_read}


def child(reader, path, repeat):
    """Run one reader in this process; print its best time, rows and peak memory as JSON.

    The peak memory is the process's after the first read (a fresh process, one read, and for kamlab the
    report's account count): later reads start
    from what the allocators kept of the earlier ones (Arrow's and the C library's pools keep freed memory
    for a while), which says more about the allocators than about the read."""
    first, frame = best_of(lambda: READERS[reader](path), 1)
    rows = len(frame)
    # kamlab's report counts a big file's accounts in a thread the read does not wait for: the time of reading
    # the count right after the read (waiting for that thread), shown beside the read's; the peak taken after it
    report, count = frame.attrs.get("kamlab_report"), 0.0
    if report is not None:
        start = time.perf_counter()
        report.n_accounts  # noqa: B018 -- read to time it (the count, or waiting for its thread)
        count = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    del frame, report
    # the reads timed come after that first one, which also imports the reader's libraries (pandas, pyarrow,
    # kamlab's reader modules: a few tenths of a second, once per session, not per read)
    seconds = best_of(lambda: READERS[reader](path), repeat)[0]
    print(json.dumps({"seconds": seconds, "first": first, "rows": rows, "peak": peak, "count": count}))


def make(kind, path, n):
    """Write a file in a child process: this process stays small (Linux children inherit its ru_maxrss)."""
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--make", kind, str(path), str(n)],
                   check=True, cwd=HERE)


def measure(reader, path, repeat):
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", reader, str(path), "--repeat", str(repeat)],
        capture_output=True, text=True, check=True, cwd=HERE,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_rounds(readers, path, repeat, rounds):
    """``{reader: result}`` over ``rounds`` rounds, each reader once per round in a fresh process, in turn: the
    best time and the highest first-read peak of each. Taking turns spreads the machine's drift (here mostly
    how fast the kernel hands out fresh memory) over all readers instead of letting it fall on one."""
    results = {}
    for _ in range(rounds):
        for reader in readers:
            got = measure(reader, path, repeat)
            best = results.setdefault(reader, got)
            best["seconds"], best["peak"] = min(best["seconds"], got["seconds"]), max(best["peak"], got["peak"])
            best["first"] = min(best["first"], got["first"])
            best["count"] = min(best["count"], got["count"])
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parquet", type=float, default=1e7, help="Parquet lines (0: skip)")
    parser.add_argument("--csv", type=float, default=3e6, help="German CSV lines (0: skip)")
    parser.add_argument("--repeat", type=int, default=2, help="reads timed in each process")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per reader, taking turns")
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=3, metavar=("KIND", "PATH", "LINES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 1 or args.repeat < 1:
        parser.error("--rounds and --repeat must be at least 1")
    if args.child:
        return child(args.child[0], args.child[1], args.repeat)
    if args.make:
        kind, path, n = args.make
        return (write_parquet if kind == "parquet" else write_german_csv)(path, int(float(n)))
    with tempfile.TemporaryDirectory(prefix="kamlab-bench-") as folder:
        if args.parquet:
            path = Path(folder) / "lines.parquet"
            make("parquet", path, int(args.parquet))
            got = measure_rounds(["pyarrow-parquet", "kamlab"], path, args.repeat, args.rounds)
            base, ours = got["pyarrow-parquet"], got["kamlab"]
            assert base["rows"] == ours["rows"] == int(args.parquet)
            print(f"Parquet, {int(args.parquet):,} lines: pyarrow + dates {base['seconds']:.2f} s, kamlab "
                  f"{ours['seconds']:.2f} s, ratio {ours['seconds'] / base['seconds']:.2f}x (target <= 2x); the "
                  f"report's account count read right after: {ours['count']:.2f} s more")
            print(f"  a fresh process's first read (its imports included): pyarrow {base['first']:.2f} s, kamlab "
                  f"{ours['first']:.2f} s")
        if args.csv:
            path = Path(folder) / "umsatz.csv"
            make("csv", path, int(args.csv))
            got = measure_rounds(["pyarrow-csv", "kamlab", "pandas-csv"], path, args.repeat, args.rounds)
            base, ours, peer = got["pyarrow-csv"], got["kamlab"], got["pandas-csv"]
            assert base["rows"] == ours["rows"] == peer["rows"] == int(args.csv)
            print(f"German CSV, {int(args.csv):,} lines: pyarrow.csv {base['seconds']:.2f} s, pandas "
                  f"{peer['seconds']:.2f} s, kamlab {ours['seconds']:.2f} s, ratio "
                  f"{ours['seconds'] / base['seconds']:.2f}x (target <= 1.5x); account count read right after: "
                  f"{ours['count']:.2f} s more")
            print(f"  a fresh process's first read (its imports included): pyarrow.csv {base['first']:.2f} s, "
                  f"pandas {peer['first']:.2f} s, kamlab {ours['first']:.2f} s")
            print(f"  peak memory: kamlab {ours['peak'] / 1e9:.2f} GB, pandas.read_csv {peer['peak'] / 1e9:.2f} GB "
                  f"(ratio {ours['peak'] / peer['peak']:.3f}, target <= 1), pyarrow {base['peak'] / 1e9:.2f} GB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
