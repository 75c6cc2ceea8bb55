"""Shared test set-up: point kamlab's dataset cache at the shared copies of the public data."""

import os
import pathlib

import matplotlib

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_DATASETS = (ROOT / ".." / "shared" / "datasets").resolve()

# Tests and CI have no internet: the cache of public datasets is the shared, read-only folder.
if SHARED_DATASETS.is_dir():
    os.environ.setdefault("KAMLAB_DATA", str(SHARED_DATASETS))
