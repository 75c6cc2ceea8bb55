"""Argument checks shared by kamlab's analyses (private to kamlab)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = ["column", "numeric"]


def column(table, name, what="column"):
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"Expected a pandas DataFrame (the account table), not {type(table).__name__}.")
    if name not in table.columns:
        raise MissingColumnError(
            f"The table has no {what} {name!r}. Columns found: {', '.join(map(str, table.columns))}."
        )
    return table[name]


def numeric(series, name):
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    bad = values.isna() | ~np.isfinite(values)
    if bad.any():
        example = series[bad].iloc[0]
        raise DataFormatError(
            f"{int(bad.sum()):,} accounts have no usable number in column {name!r} (first: {example!r} "
            f"at index {series.index[bad][0]!r}). Fill or drop them first, e.g. table.dropna(subset=[{name!r}]).",
            column=name,
            value=example,
            n_more=int(bad.sum()) - 1,
        )
    return values
