"""Writing the case company: Parquet tables, ``manifest.json`` and the command line."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from kamlab.data.case import MANIFEST_NAME, SCHEMA, TABLES
from kamlab.data.casegen.generate import generate_case
from kamlab.data.casegen.parameters import GENERATOR_VERSION
from kamlab.errors import ParameterError


def write_case(case, path):
    """Write the tables of ``case`` as Parquet files plus ``manifest.json`` into ``path``.

    Parameters
    ----------
    case : Case
        Usually ``generate_case()``.
    path : str or Path
        Folder; created if needed. Existing table files are replaced.

    Returns
    -------
    dict
        The manifest: generator, seed, versions, and for each table its file,
        row count and SHA-256.
    """
    import pyarrow

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {}
    for name in TABLES:
        frame = getattr(case, name)
        expected = [c for c, _, _ in SCHEMA[name][1]]
        if list(frame.columns) != expected:
            raise ParameterError(
                f"Table {name!r} has columns {list(frame.columns)}, the schema says {expected}."
            )
        file = folder / f"{name}.parquet"
        frame.to_parquet(file, index=False, compression="zstd")
        tables[name] = {
            "file": file.name,
            "rows": int(len(frame)),
            "columns": int(frame.shape[1]),
            "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
        }
    manifest = {
        "info": dict(case.info),
        "generator": "kamlab.casegen.generate_case",
        "generator_version": GENERATOR_VERSION,
        "seed": case.info.get("seed"),
        "regenerate": "python -m kamlab.casegen datasets/case",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "pyarrow": pyarrow.__version__,
        },
        "tables": tables,
    }
    (folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv=None):
    """Command line: ``python -m kamlab.casegen [FOLDER] [--seed N] [--accounts N] [--years N]``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(
        prog="python -m kamlab.casegen", description="Generate the kamlab case company and write its tables."
    )
    parser.add_argument(
        "folder", nargs="?", default="datasets/case", help="output folder (default: datasets/case)"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--start", default="2023-01-01")
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    case = generate_case(seed=args.seed, n_accounts=args.accounts, start=args.start, years=args.years)
    manifest = write_case(case, args.folder)
    for name, entry in manifest["tables"].items():
        print(f"{name:<13}{entry['rows']:>9,} rows  {entry['sha256'][:12]}")
    print(f"written to {args.folder} in {time.perf_counter() - began:.1f} s")
    return 0
