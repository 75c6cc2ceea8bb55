"""Settings for every pytest run of this repository (unit tests, doctests, notebooks).

- One OpenMP/BLAS thread (``KAMLAB_THREADS=1``, kamlab's one thread setting) unless the
  caller set it: reproducible numbers, and a loaded 2-core CI machine does not stall.
  The notebooks' kernels inherit the variable.
- The deprecated module paths of kamlab 0.1 are aliases of the new modules: doctest
  collection skips them (it would collect the new modules' doctests a second time).
"""

import os
import pathlib

import matplotlib

matplotlib.use("Agg")  # this process only: the notebooks' kernels keep their inline backend

os.environ.setdefault("KAMLAB_THREADS", "1")

_DEPRECATED = ("io", "accounts", "case", "casegen", "labels", "plots", "widgets", "plots_segment",
               "widgets_segment", "portfolio_analysis", "plots_portfolio", "widgets_portfolio",
               "plots_potential", "widgets_potential", "exercises", "setup_check", "datasets")
collect_ignore = [str(pathlib.Path("kamlab", f"{name}.py")) for name in _DEPRECATED]
