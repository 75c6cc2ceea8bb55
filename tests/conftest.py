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


def pytest_terminal_summary(terminalreporter):
    """Say how many notebook cells (nbval) and browser tests ran, so a skipped part is never silent."""
    counts = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup") or (outcome == "passed" and report.when != "call"):
                continue
            path = report.nodeid.split("::")[0]
            if path.endswith(".ipynb"):
                kind = "notebook cells (nbval) in " + path
            elif "test_browser" in path:
                kind = "browser tests"
            else:
                continue
            counts.setdefault(kind, {}).setdefault(outcome, 0)
            counts[kind][outcome] += 1
    if counts:
        terminalreporter.section("kamlab: notebooks and browser")
        for kind in sorted(counts):
            parts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts[kind].items()))
            terminalreporter.write_line(f"{kind}: {parts}")
