"""Key-account identification: who holds how much of the business.

This module starts with the question of the start-here notebook ("what share of
revenue do the top x % of accounts hold?"); the ABC/Pareto analysis, concentration
measures and the contribution-margin cascade build on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import MissingColumnError, ParameterError

__all__ = ["TopShare", "top_share"]


@dataclass(frozen=True)
class TopShare:
    """What the top accounts hold: the result of :func:`top_share`."""

    fraction: float
    n_accounts: int
    n_top: int
    share: float
    n_set_aside: int

    def describe(self, what="revenue"):
        """One sentence, in the current label language."""
        from .labels import get_language, label

        pct, share = f"{self.fraction * 100:g}", f"{self.share * 100:.1f}"
        if get_language() == "de":
            text = (f"Die Top {pct} % der Kunden ({self.n_top} von {self.n_accounts}) haben einen Anteil "
                    f"von {share.replace('.', ',')} % am {label(what, 'de')}.")
            if self.n_set_aside:
                text += f" {self.n_set_aside} Kunden mit Wert ≤ 0 sind nicht mitgezählt."
            return text
        text = (f"The top {pct} % of accounts ({self.n_top} of {self.n_accounts}) "
                f"hold {share} % of {label(what, 'en').lower()}.")
        if self.n_set_aside:
            text += f" {self.n_set_aside} accounts with a value ≤ 0 are not counted."
        return text


def top_share(data, fraction=0.2, *, value="revenue"):
    """Share of the total held by the top ``fraction`` of accounts.

    Parameters
    ----------
    data : pandas.DataFrame or array-like
        The account table (one row per account) or the values themselves.
    fraction : float, default=0.2
        Share of accounts counted as "top", in (0, 1]. The number of top accounts is
        ``ceil(fraction * n)``, at least 1.
    value : str, default="revenue"
        Column to rank by when ``data`` is a DataFrame.

    Returns
    -------
    TopShare
        ``share`` is the top accounts' sum over the sum of all accounts with a positive
        value. Accounts with zero or negative value (net credit) cannot hold a share:
        they are not counted, and ``n_set_aside`` says how many there were.

    Examples
    --------
    >>> result = top_share([50, 20, 10, 10, 5, 5, 0], fraction=0.2)
    >>> result.n_accounts, result.n_top, result.share, result.n_set_aside
    (6, 2, 0.7, 1)
    """
    if isinstance(data, pd.DataFrame):
        if value not in data.columns:
            raise MissingColumnError(f"The table has no column {value!r}; columns: {', '.join(map(str, data.columns))}.")
        values = data[value]
    else:
        values = data
    values = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    if np.isnan(values).any():
        raise ParameterError(f"{int(np.isnan(values).sum())} values are missing or not numbers.")
    if not 0 < fraction <= 1:
        raise ParameterError(f"fraction must be a share between 0 and 1 (0.2 for the top 20 %), not {fraction!r}.")
    positive = np.sort(values[values > 0])[::-1]
    n = len(positive)
    if n == 0:
        raise ParameterError("No account has a positive value, so no account holds a share.")
    n_top = max(1, math.ceil(fraction * n - 1e-9))
    share = float(positive[:n_top].sum() / positive.sum())
    return TopShare(float(fraction), n, n_top, share, int(len(values) - n))
