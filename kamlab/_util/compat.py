"""Old module paths of kamlab 0.1 (``kamlab.plots``, ``kamlab.widgets_portfolio``, ...), kept for one release."""

from __future__ import annotations

import importlib
import sys
import warnings


def moved(old, new):
    """Make the module ``old`` an alias of ``new`` and warn that it moved.

    After ``import kamlab.plots`` the name refers to ``kamlab.identify.plots`` itself, so
    everything (also private names and monkeypatching) keeps working.
    """
    warnings.warn(
        f"{old} moved to {new} in kamlab 0.2; import it from there (the old path goes in the next release).",
        DeprecationWarning,
        stacklevel=3,
    )
    module = importlib.import_module(new)
    sys.modules[old] = module
    return module
