"""``kamlab.datasets`` is :mod:`kamlab.data.datasets` (the public datasets), under its short name."""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("kamlab.data.datasets")
