"""Checks of arguments and account-table columns shared by the segmentation modules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError


def _numeric_column(table, name, *, allow_missing=False, what="column"):
    if name not in table.columns:
        raise MissingColumnError(
            f"The account table has no {what} {name!r}. Columns found: {', '.join(map(str, table.columns))}. "
            f"Name the right column, e.g. {what.split()[0]}='my_column'."
        )
    series = table[name]
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise DataFormatError(
            f"Column {name!r} must hold numbers, but its type is {series.dtype}. "
            "Convert it first, e.g. pd.to_numeric(table[name], errors='coerce').",
            column=name,
        )
    values = series.astype("float64")
    bad = ~np.isfinite(values.fillna(0.0)) if allow_missing else ~np.isfinite(values.fillna(np.inf))
    if bad.any():
        first = series.index[bad.to_numpy()][0]
        raise DataFormatError(
            f"{int(bad.sum()):,} accounts have no usable number (NaN or infinite) in column {name!r} "
            f"(first at index {first!r}). Fill or drop them first, e.g. table.dropna(subset=[{name!r}]).",
            column=name,
            value=series.loc[first],
            n_more=int(bad.sum()) - 1,
        )
    return values


def _is_number_dtype(dtype):
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _check_choice(name, value, choices):
    if not isinstance(value, (str, type(None))) or value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}.")
