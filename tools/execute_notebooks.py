"""Execute notebooks top to bottom in a fresh kernel and store their outputs for nbval.

Usage: .venv/bin/python tools/execute_notebooks.py notebooks/*.ipynb

Runs each notebook from its own folder with the current environment's kernel, without
cell timing metadata, then removes saved widget state (it is large and changes on every
run). Prints each notebook's run time; the course aims at under 30 s per notebook.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ExecutePreprocessor


def execute(path):
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    processor = ExecutePreprocessor(timeout=600, kernel_name="python3", record_timing=False)
    start = time.perf_counter()
    processor.preprocess(notebook, {"metadata": {"path": str(path.parent)}})
    seconds = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)
    return seconds


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {execute(name):.1f} s", flush=True)
