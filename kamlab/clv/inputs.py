"""Checks of what the models and CLV functions are given: summary tables, times and numbers.

The helpers here are shared by :mod:`~kamlab.clv.bgnbd`, :mod:`~kamlab.clv.gammagamma`
and :mod:`~kamlab.clv.value`; they turn a summary table (a DataFrame from
:func:`~kamlab.clv.rfm_summary` or a dict of arrays) into float arrays and say in plain
words what is wrong with it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError


def _summary_columns(summary, names, what):
    """The named columns of a summary table (DataFrame or mapping of arrays) as float arrays.

    Parameters
    ----------
    summary : pandas.DataFrame or mapping of arrays
        The table.
    names : list of str
        The columns wanted, in this order.
    what : str
        The function or method asking, named in the error messages.

    Returns
    -------
    list of numpy.ndarray
        One float64 array per name, all of the same length.

    Raises
    ------
    ParameterError
        ``summary`` is not a table.
    MissingColumnError
        A column is missing.
    DataFormatError
        A column holds something other than finite numbers of 0 or more, or the columns
        differ in length.
    """
    if not isinstance(summary, (pd.DataFrame, Mapping)):
        raise ParameterError(
            f"{what} needs a summary table (a DataFrame from kamlab.rfm_summary, or a dict of arrays) with the "
            f"columns {', '.join(names)}, not {type(summary).__name__}."
        )
    keys = list(summary.columns) if isinstance(summary, pd.DataFrame) else list(summary)
    absent = [n for n in names if n not in keys]
    if absent:
        raise MissingColumnError(
            f"{what} needs the column{'s' if len(absent) > 1 else ''} {', '.join(repr(n) for n in absent)}; "
            f"found: {', '.join(map(str, keys))}. Make the table with kamlab.rfm_summary, or rename your columns "
            "(e.g. summary.rename(columns={'x': 'frequency', 't_x': 'recency'}))."
        )
    arrays = [_nonnegative_column(summary[name], name) for name in names]
    if len({len(a) for a in arrays}) > 1:
        raise DataFormatError(f"The columns {', '.join(names)} have different lengths.")
    return arrays


def _nonnegative_column(column, name):
    """One column as a float array of finite numbers, 0 or more (else a DataFormatError)."""
    try:
        array = np.asarray(column, dtype="float64")
    except (TypeError, ValueError):
        raise DataFormatError(f"The column {name!r} must hold numbers.", column=name) from None
    if array.ndim != 1:
        raise DataFormatError(f"The column {name!r} must be one-dimensional.", column=name)
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DataFormatError(
            f"{int(bad.sum()):,} values of {name!r} are missing, infinite or negative (the first in row "
            f"{first}: {array[first]!r}); purchase counts, times and values must be 0 or more.",
            column=name,
            value=array[first],
            n_more=int(bad.sum()) - 1,
        )
    return array


def _index(summary, n):
    """The index of the results: the summary's own index, or 0 .. n−1 for a dict of arrays."""
    return summary.index if isinstance(summary, pd.DataFrame) else pd.RangeIndex(n)


def _check_time(t, name):
    """A single time of 0 or more (in the summary's time unit), as a float."""
    if isinstance(t, bool) or not isinstance(t, (int, float, np.integer, np.floating)) or not (
        math.isfinite(t) and t >= 0
    ):
        raise ParameterError(f"{name} must be a single time of 0 or more (in the summary's time unit), not {t!r}.")
    return float(t)


def _scalar_or_array(value):
    """A float for a 0-dimensional result, the array otherwise."""
    return float(value) if np.ndim(value) == 0 else value
