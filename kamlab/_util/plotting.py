"""Private helpers shared by kamlab's chart modules."""

from __future__ import annotations

import pandas as pd

from kamlab._util.format import small_amount
from kamlab.errors import MissingColumnError, ParameterError


def axes(ax):
    """``ax``, or the current Axes when it is None (the seaborn convention)."""
    import matplotlib.pyplot as plt

    return plt.gca() if ax is None else ax


def need(data, columns, what):
    """Raise a kamlab error unless ``data`` is a DataFrame with every column in ``columns``."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(f"{what} needs a pandas DataFrame, not {type(data).__name__}.")
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingColumnError(
            f"{what}: the data have no column {missing[0]!r}. Columns found: {', '.join(map(str, data.columns))}."
        )


def amount_formatter():
    """A matplotlib tick formatter writing compact amounts in the current language."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: "0" if v == 0 else small_amount(v))
