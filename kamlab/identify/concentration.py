"""Concentration: how few accounts make how much of the business (top shares, Lorenz, Gini, HHI)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamlab._util.validation import column, numeric
from kamlab.errors import ParameterError

__all__ = ["Concentration", "TopShare", "concentration", "top_count", "top_share"]

_EPS = 1e-12  # tolerance for "the cumulative share reaches the threshold" in floating point


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
        from kamlab._util.labels import get_language, label

        pct, share = f"{self.fraction * 100:g}", f"{self.share * 100:.1f}"
        if get_language() == "de":
            from kamlab._util.format import count, decimal

            text = (f"Die Top {decimal(pct)} % der Kunden ({count(self.n_top)} von {count(self.n_accounts)}) "
                    f"haben einen Anteil von {decimal(share)} % am {label(what, 'de')}.")
            if self.n_set_aside:
                text += f" {count(self.n_set_aside)} Kunden mit negativem Wert sind nicht mitgezählt."
            return text
        text = (f"The top {pct} % of accounts ({self.n_top} of {self.n_accounts}) "
                f"hold {share} % of {label(what, 'en').lower()}.")
        if self.n_set_aside:
            text += f" {self.n_set_aside} accounts with a negative value are not counted."
        return text


def _values_for_shares(data, value):
    """The values that take part in shares (zero included, negatives set aside) and the number set aside."""
    if isinstance(data, pd.DataFrame):
        series = column(data, value)
    else:
        series = pd.Series(np.asarray(data).ravel() if not isinstance(data, pd.Series) else data)
    values = numeric(series, value if isinstance(data, pd.DataFrame) else "values").to_numpy()
    kept = values[values >= 0]
    if len(kept) == 0 or kept.sum() <= 0:
        raise ParameterError("No account has a positive value, so no account holds a share.")
    return kept, int(len(values) - len(kept))


def top_count(fraction, n):
    """How many accounts the top ``fraction`` of ``n`` accounts are: ``ceil(fraction * n)``, at least 1."""
    return max(1, math.ceil(fraction * n - 1e-9))


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
        ``share`` is the top accounts' sum over the sum of all accounts. Accounts with a
        zero value count as accounts (they hold nothing). Accounts with a negative value
        (a net credit) cannot hold a share: they are not counted, and ``n_set_aside``
        says how many there were.

    Examples
    --------
    >>> result = top_share([50, 20, 10, 10, 5, 5, 0, -3], fraction=0.2)
    >>> result.n_accounts, result.n_top, result.share, result.n_set_aside
    (7, 2, 0.7, 1)
    """
    if not 0 < fraction <= 1:
        raise ParameterError(f"fraction must be a share between 0 and 1 (0.2 for the top 20 %), not {fraction!r}.")
    kept, n_set_aside = _values_for_shares(data, value)
    ordered = np.sort(kept)[::-1]
    n_top = top_count(fraction, len(ordered))
    share = float(ordered[:n_top].sum() / ordered.sum())
    return TopShare(float(fraction), len(ordered), n_top, share, n_set_aside)


@dataclass(frozen=True)
class Concentration:
    """How concentrated the business is: the result of :func:`concentration`."""

    n_accounts: int
    n_set_aside: int
    total: float
    gini: float
    hhi: float
    top_shares: dict
    n_for_50: int
    n_for_80: int
    lorenz: pd.DataFrame = field(repr=False)

    @property
    def pareto(self):
        """The Pareto (concentration) curve: the Lorenz curve seen from the biggest account down.

        Columns ``share_of_accounts`` and ``share_of_value``, from (0, 0) to (1, 1): the
        biggest x % of the accounts hold y % of the total. It is the Lorenz curve turned by
        180°: y(x) = 1 − L(1 − x).
        """
        lorenz = self.lorenz
        accounts = 1.0 - lorenz["share_of_accounts"].to_numpy()[::-1]
        value = 1.0 - lorenz["share_of_value"].to_numpy()[::-1]
        accounts[0] = value[0] = 0.0  # exactly: the Lorenz curve's running sum may end at 1 ± 1e-16
        return pd.DataFrame({"share_of_accounts": accounts, "share_of_value": value})

    def top(self, fraction):
        """What the top ``fraction`` of accounts hold, read off the curve (as :func:`top_share` counts them).

        Returns
        -------
        TopShare
        """
        if not 0 < fraction <= 1:
            raise ParameterError(f"fraction must be a share between 0 and 1 (0.2 for the top 20 %), not {fraction!r}.")
        n_top = top_count(fraction, self.n_accounts)
        share = float(self.pareto["share_of_value"].iloc[n_top])
        return TopShare(float(fraction), self.n_accounts, n_top, share, self.n_set_aside)

    def summary(self):
        """The measures as a Series, for a table."""
        rows = {
            "accounts": self.n_accounts,
            "gini": self.gini,
            "hhi": self.hhi,
            **{f"share_top_{fraction * 100:g}pct": share for fraction, share in self.top_shares.items()},
            "accounts_for_50pct": self.n_for_50,
            "accounts_for_80pct": self.n_for_80,
        }
        if self.n_set_aside:
            rows["set_aside_negative"] = self.n_set_aside
        return pd.Series(rows, name="concentration", dtype=object)


def concentration(values, *, value="revenue", top=(0.01, 0.05, 0.1, 0.2)):
    """Concentration of a value across accounts: Lorenz curve, Gini, HHI, top shares.

    Parameters
    ----------
    values : array-like or pandas.DataFrame
        One value per account (or the account table, with ``value`` naming the column).
        Zero values count (accounts that hold nothing); negative values (net credits)
        cannot hold a share and are set aside (``n_set_aside``).
    value : str, default="revenue"
        The column when ``values`` is a DataFrame.
    top : sequence of float, default=(0.01, 0.05, 0.1, 0.2)
        Shares of accounts whose share of the total is reported (``ceil(p * n)``
        accounts, as in :func:`top_share`).

    Returns
    -------
    Concentration
        - ``gini``: with the values sorted ascending x_1..x_n,
          G = Σ (2i − n − 1)·x_i / (n·Σx): 0 when all are equal, (n − 1)/n when one
          account has everything.
        - ``hhi``: Herfindahl–Hirschman index Σ s_i² of the shares s_i: 1/n when all are
          equal, 1 when one account has everything.
        - ``top_shares``: {fraction: share of the total}.
        - ``n_for_50``, ``n_for_80``: the fewest accounts (biggest first) that hold at
          least 50 % and 80 %.
        - ``lorenz``: the Lorenz curve, columns ``share_of_accounts`` and
          ``share_of_value``, from (0, 0) to (1, 1), smallest accounts first.

    Examples
    --------
    >>> result = concentration([0, 0, 0, 10])
    >>> result.gini, result.hhi, result.n_for_50
    (0.75, 1.0, 1)
    >>> concentration([5, 5, 5, 5]).gini
    0.0
    """
    kept, n_set_aside = _values_for_shares(values, value)
    ascending = np.sort(kept)
    n = len(ascending)
    total = float(ascending.sum())
    i = np.arange(1, n + 1)
    gini = float(np.sum((2 * i - n - 1) * ascending) / (n * total))
    shares = ascending / total
    hhi = float(np.sum(shares**2))
    descending = ascending[::-1]
    running = np.cumsum(descending) / total
    top_shares = {float(p): float(descending[: top_count(p, n)].sum() / total) for p in top}
    n_for = {t: int(np.argmax(running >= t - _EPS) + 1) for t in (0.5, 0.8)}
    lorenz = pd.DataFrame(
        {
            "share_of_accounts": np.concatenate([[0.0], i / n]),
            "share_of_value": np.concatenate([[0.0], np.cumsum(ascending) / total]),
        }
    )
    return Concentration(n, n_set_aside, total, gini, hhi, top_shares, n_for[0.5], n_for[0.8], lorenz)


