"""Key-account identification: ABC/Pareto, concentration and the contribution-margin cascade.

The first question of KAM is *who are our key accounts?* The classic answer: the few
customers that together make up at least 50–60 % of revenue or of contribution margin
(*Deckungsbeitrag*, DB), found with an ABC/Pareto analysis and checked against margin,
because a big account can earn little once rebates and cost-to-serve are paid.

Every function here is a pure function on DataFrames: the account table in, a new
table (or a small result object) out.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "DEFAULT_LEVELS",
    "NO_SHARE",
    "NEW",
    "LOST",
    "Concentration",
    "TopShare",
    "abc_analysis",
    "abc_summary",
    "abc_compare",
    "abc_crosstab",
    "abc_migration",
    "migration_matrix",
    "concentration",
    "contribution_cascade",
    "key_account_candidates",
    "top_share",
]

#: Class of the accounts whose value is zero or negative (a net credit): they cannot take part in shares.
NO_SHARE = "none (≤ 0)"
#: In a migration: the account was not in the earlier period.
NEW = "new"
#: In a migration: the account is not in the later period.
LOST = "lost"

_EPS = 1e-12  # tolerance for "the cumulative share reaches the threshold" in floating point

#: The default levels of the contribution-margin cascade (Kundendeckungsbeitragsrechnung):
#: each level's name and the cost columns it subtracts from the level before.
DEFAULT_LEVELS = (
    ("db1", ("cost",)),
    ("db2", ("marketing",)),
    ("db3", ("sales_visits", "order_handling")),
    ("db4", ("logistics", "technical_service")),
)


# ----------------------------------------------------------------------------- helpers
def _column(table, name, what="column"):
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"Expected a pandas DataFrame (the account table), not {type(table).__name__}.")
    if name not in table.columns:
        raise MissingColumnError(
            f"The table has no {what} {name!r}. Columns found: {', '.join(map(str, table.columns))}."
        )
    return table[name]


def _numeric(series, name):
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


def _check_thresholds(thresholds):
    try:
        values = [float(t) for t in np.atleast_1d(thresholds)]
    except (TypeError, ValueError):
        raise ParameterError(
            f"thresholds must be numbers between 0 and 1, such as (0.8, 0.95); got {thresholds!r}."
        ) from None
    if not values:
        raise ParameterError("Give at least one threshold, such as thresholds=(0.8, 0.95).")
    if any(not 0 < t < 1 for t in values):
        raise ParameterError(
            f"Each threshold is a cumulative share strictly between 0 and 1 (0.8 means 80 %); got {thresholds!r}."
        )
    if any(b <= a for a, b in zip(values, values[1:])):
        raise ParameterError(f"Thresholds must increase, such as (0.8, 0.95); got {thresholds!r}.")
    return tuple(values)


def _class_labels(n_classes, labels):
    if labels is None:
        if n_classes > 26:
            raise ParameterError("At most 25 thresholds (26 classes A–Z) without your own labels.")
        return list(string.ascii_uppercase[:n_classes])
    labels = [str(label) for label in labels]
    if len(labels) != n_classes or len(set(labels)) != n_classes:
        raise ParameterError(f"Give {n_classes} different labels for {n_classes - 1} thresholds; got {labels!r}.")
    return labels


def _sort_accounts(table, value, id_col):
    """Sort by value descending, then by account id, so equal values always come out in the same order."""
    keys = pd.DataFrame({"value": table[value].to_numpy(), "position": np.arange(len(table))})
    ids = table[id_col] if id_col in table.columns else table.index.to_series()
    keys["id"] = ids.astype(str).to_numpy()
    order = keys.sort_values(["value", "id"], ascending=[False, True], kind="mergesort")["position"].to_numpy()
    return table.iloc[order]


# ----------------------------------------------------------------------------- ABC
def abc_analysis(
    accounts,
    value="revenue",
    thresholds=(0.8, 0.95),
    rule="cover",
    by="value",
    *,
    id_col="account_id",
    labels=None,
):
    """ABC/Pareto classes of accounts by their share of a value.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account.
    value : str, default="revenue"
        The column to rank and add up: revenue, a contribution-margin level, ...
    thresholds : sequence of float, default=(0.8, 0.95)
        Increasing cumulative shares in (0, 1) where one class ends and the next begins.
        k thresholds give k + 1 classes.
    rule : {"cover", "within"}, default="cover"
        Where a class ends, with accounts sorted from the biggest value down:

        - ``"cover"``: a class ends with the account whose cumulative share first
          *reaches* the threshold. Class A is the smallest set of accounts covering at
          least 80 %.
        - ``"within"``: an account belongs to a class while its cumulative share, itself
          included, is *at most* the threshold. Class A is the largest set of accounts
          covering at most 80 % (it can be empty when the biggest account alone holds
          more than 80 %).
    by : {"value", "count"}, default="value"
        ``"value"``: thresholds are shares of the value (the classic ABC analysis).
        ``"count"``: thresholds are shares of the accounts, e.g. ``(0.2, 0.5)`` for the
        top 20 %, the next 30 % and the rest; the rules apply to the share of accounts.
    id_col : str, default="account_id"
        The account id column, used to order equal values; the index when absent.
    labels : sequence of str, optional
        Class labels; default "A", "B", "C", ...

    Returns
    -------
    pandas.DataFrame
        The accounts sorted by value descending and then by account id, with the added
        columns ``share`` (of the total of positive values), ``cumulative_share``,
        ``rank`` (1 = biggest) and ``abc`` (an ordered categorical). Accounts whose value is
        zero or negative (a net credit) cannot take part in shares: they come last, in the
        class ``"none (≤ 0)"`` (:data:`NO_SHARE`) with no share or rank. They are kept,
        never removed; ``result.attrs["n_no_share"]`` counts them.

    Examples
    --------
    Four accounts with 50, 30, 15 and 5 (cumulative 50 %, 80 %, 95 %, 100 %); the
    thresholds are hit exactly, so both rules agree:

    >>> import pandas as pd
    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [15, 50, 5, 30]})
    >>> abc_analysis(table)[["account_id", "cumulative_share", "abc"]]
      account_id  cumulative_share abc
    1         K2              0.50   A
    3         K4              0.80   A
    0         K1              0.95   B
    2         K3              1.00   C

    With 60, 25, 10 and 5 the rules differ: under ``"cover"`` the account that crosses
    80 % (cumulative 85 %) still belongs to A; under ``"within"`` it is the first B.

    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [60, 25, 10, 5]})
    >>> abc_analysis(table, rule="cover")["abc"].tolist()
    ['A', 'A', 'B', 'C']
    >>> abc_analysis(table, rule="within")["abc"].tolist()
    ['A', 'B', 'B', 'C']
    """
    values = _numeric(_column(accounts, value), value)
    thresholds = _check_thresholds(thresholds)
    if rule not in ("cover", "within"):
        raise ParameterError(f"rule must be 'cover' or 'within', not {rule!r}.")
    if by not in ("value", "count"):
        raise ParameterError(f"by must be 'value' or 'count', not {by!r}.")
    class_labels = _class_labels(len(thresholds) + 1, labels)

    table = accounts.copy()
    table[value] = values
    table = _sort_accounts(table, value, id_col)
    positive = (table[value] > 0).to_numpy()
    n = int(positive.sum())
    sorted_values = table[value].to_numpy()[positive]
    total = sorted_values.sum()

    share = np.full(len(table), np.nan)
    cumulative = np.full(len(table), np.nan)
    classes = np.full(len(table), NO_SHARE, dtype=object)
    rank = pd.array([pd.NA] * len(table), dtype="Int64")
    if n:
        share[positive] = sorted_values / total
        running = np.cumsum(sorted_values) / total
        running[-1] = 1.0
        cumulative[positive] = running
        measure = running if by == "value" else np.arange(1, n + 1) / n
        before = np.concatenate([[0.0], measure[:-1]])
        index = np.zeros(n, dtype=int)
        for t in thresholds:
            if rule == "cover":
                index += before >= t - _EPS
            else:
                index += measure > t + _EPS
        classes[positive] = np.asarray(class_labels, dtype=object)[index]
        rank[np.flatnonzero(positive)] = np.arange(1, n + 1)
    table["share"] = share
    table["cumulative_share"] = cumulative
    table["rank"] = rank
    table["abc"] = pd.Categorical(classes, categories=[*class_labels, NO_SHARE], ordered=True)
    table.attrs.update(
        {
            "value": value,
            "thresholds": thresholds,
            "rule": rule,
            "by": by,
            "n_no_share": int(len(table) - n),
            "total": float(total),
        }
    )
    return table


def abc_summary(result):
    """One row per ABC class: accounts, their share, the value and its share.

    Parameters
    ----------
    result : pandas.DataFrame
        The output of :func:`abc_analysis`.

    Returns
    -------
    pandas.DataFrame
        Indexed by class (the :data:`NO_SHARE` group included when it has accounts), with
        the columns ``accounts``, ``share_of_accounts`` (of all accounts),
        ``share_of_ranked`` (of the accounts with a positive value, the ones ranked into
        classes: what ``by="count"`` thresholds refer to; NaN for the no-share group), ``value``,
        ``share_of_value`` (of the positive total; NaN for the no-share group) and
        ``smallest`` (the smallest value in the class).
    """
    value = result.attrs.get("value")
    if value is None or "abc" not in result.columns:
        raise ParameterError("abc_summary needs the table that abc_analysis returned.")
    grouped = result.groupby("abc", observed=False)[value]
    summary = pd.DataFrame(
        {
            "accounts": grouped.size(),
            "value": grouped.sum(),
            "smallest": grouped.min(),
        }
    )
    summary["share_of_accounts"] = summary["accounts"] / max(len(result), 1)
    n_ranked = len(result) - result.attrs.get("n_no_share", 0)
    summary["share_of_ranked"] = summary["accounts"] / n_ranked if n_ranked else np.nan
    total = result.attrs.get("total", 0.0)
    summary["share_of_value"] = summary["value"] / total if total else np.nan
    if NO_SHARE in summary.index:
        summary.loc[NO_SHARE, ["share_of_value", "share_of_ranked"]] = np.nan
        if summary.loc[NO_SHARE, "accounts"] == 0:
            summary = summary.drop(index=NO_SHARE)
    summary.index = summary.index.astype(str)
    summary.index.name = "abc"
    return summary[["accounts", "share_of_accounts", "share_of_ranked", "value", "share_of_value", "smallest"]]


def key_account_candidates(accounts, share=0.6, value="revenue", *, id_col="account_id"):
    """The smallest set of accounts that together hold ``share`` of the value.

    The seed definition of key accounts: the few customers that make up 50–60 % of
    revenue or of contribution margin. This is class A of :func:`abc_analysis` with the
    single threshold ``share`` and the ``"cover"`` rule.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table.
    share : float, default=0.6
        The share of the value to cover, in (0, 1).
    value : str, default="revenue"
        The column to rank and add up.
    id_col : str, default="account_id"

    Returns
    -------
    pandas.DataFrame
        The candidates, biggest first, with ``share``, ``cumulative_share`` and ``rank``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [60, 25, 10, 5]})
    >>> key_account_candidates(table, share=0.6)["account_id"].tolist()
    ['K1']
    >>> key_account_candidates(table, share=0.61)["account_id"].tolist()
    ['K1', 'K2']
    """
    result = abc_analysis(accounts, value=value, thresholds=(share,), rule="cover", id_col=id_col)
    candidates = result[result["abc"] == "A"].drop(columns="abc")
    candidates.attrs = {"value": value, "share": float(share), "n_accounts": int(len(result))}
    return candidates


def abc_compare(accounts, values=("revenue", "db4"), thresholds=(0.8, 0.95), rule="cover", *, id_col="account_id"):
    """Each account's ABC class by two (or more) values side by side.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table with an ``id_col`` column and every column in ``values``.
    values : sequence of str, default=("revenue", "db4")
        The values to classify by, e.g. revenue and a contribution-margin level.
    thresholds, rule
        As in :func:`abc_analysis`.

    Returns
    -------
    pandas.DataFrame
        One row per account (in the order of ``accounts``): ``id_col``, the values, and a
        class column ``abc_<value>`` for each value.
    """
    ids = _column(accounts, id_col, "account id column")
    if ids.duplicated().any():
        raise DataFormatError(f"Account ids repeat in column {id_col!r} (e.g. {ids[ids.duplicated()].iloc[0]!r}).")
    out = accounts[[id_col, *values]].copy()
    for name in values:
        classes = abc_analysis(accounts, name, thresholds, rule, id_col=id_col)
        out[f"abc_{name}"] = classes.set_index(id_col)["abc"].reindex(out[id_col]).to_numpy()
    return out


def abc_crosstab(accounts, rows="revenue", columns="db4", thresholds=(0.8, 0.95), rule="cover", *,
                 id_col="account_id", normalize=False):
    """Cross-table of ABC classes by one value against another (e.g. revenue against DB).

    Who is A by revenue but C by contribution margin? The answer is the cell (A, C).

    Parameters
    ----------
    accounts : pandas.DataFrame
    rows, columns : str
        The value whose classes form the rows and the columns.
    thresholds, rule
        As in :func:`abc_analysis`.
    normalize : bool, default=False
        Shares of all accounts instead of counts.

    Returns
    -------
    pandas.DataFrame
        Counts (or shares) with every class on both axes, the no-share group included.
    """
    both = abc_compare(accounts, (rows, columns), thresholds, rule, id_col=id_col)
    table = pd.crosstab(both[f"abc_{rows}"], both[f"abc_{columns}"], dropna=False,
                        normalize="all" if normalize else False)
    table.index.name, table.columns.name = f"abc_{rows}", f"abc_{columns}"
    return table


def abc_migration(before, after, value="revenue", thresholds=(0.8, 0.95), rule="cover", *, id_col="account_id"):
    """Each account's ABC class in two periods: who moved, who is new, who was lost.

    Parameters
    ----------
    before, after : pandas.DataFrame
        Account tables of the earlier and the later period (e.g. two calendar years).
        An account only in ``after`` is ``"new"`` in the earlier period; an account only
        in ``before`` is ``"lost"`` in the later one.
    value, thresholds, rule
        As in :func:`abc_analysis`; the classes are computed within each period.

    Returns
    -------
    pandas.DataFrame
        One row per account of either period, sorted by account id, with ``abc_before``
        and ``abc_after`` (ordered categoricals that include ``"new"`` and ``"lost"``),
        the value in each period and ``moved`` (``True`` when the class changed).
    """
    first = abc_analysis(before, value, thresholds, rule, id_col=id_col)
    second = abc_analysis(after, value, thresholds, rule, id_col=id_col)
    labels = list(first["abc"].cat.categories)
    merged = pd.merge(
        first[[id_col, value, "abc"]],
        second[[id_col, value, "abc"]],
        on=id_col,
        how="outer",
        suffixes=("_before", "_after"),
    )
    merged["abc_before"] = pd.Categorical(
        merged["abc_before"].astype(object).where(merged["abc_before"].notna(), NEW),
        categories=[*labels, NEW], ordered=True,
    )
    merged["abc_after"] = pd.Categorical(
        merged["abc_after"].astype(object).where(merged["abc_after"].notna(), LOST),
        categories=[*labels, LOST], ordered=True,
    )
    merged["moved"] = merged["abc_before"].astype(str) != merged["abc_after"].astype(str)
    merged = merged.sort_values(id_col, ignore_index=True)
    return merged[[id_col, f"{value}_before", f"{value}_after", "abc_before", "abc_after", "moved"]]


def migration_matrix(migration, normalize=False):
    """Counts of accounts by class before (rows) and after (columns) from :func:`abc_migration`.

    ``normalize="index"`` gives each row's shares (where did last year's A accounts go?).
    """
    table = pd.crosstab(migration["abc_before"], migration["abc_after"], dropna=False, normalize=normalize)
    # "new" accounts cannot be lost in the same comparison and vice versa; keep the full grid for a stable shape
    table.index.name, table.columns.name = "abc_before", "abc_after"
    return table


# ----------------------------------------------------------------------------- concentration
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
                text += f" {self.n_set_aside} Kunden mit negativem Wert sind nicht mitgezählt."
            return text
        text = (f"The top {pct} % of accounts ({self.n_top} of {self.n_accounts}) "
                f"hold {share} % of {label(what, 'en').lower()}.")
        if self.n_set_aside:
            text += f" {self.n_set_aside} accounts with a negative value are not counted."
        return text


def _values_for_shares(data, value):
    """The values that take part in shares (zero included, negatives set aside) and the number set aside."""
    if isinstance(data, pd.DataFrame):
        series = _column(data, value)
    else:
        series = pd.Series(np.asarray(data).ravel() if not isinstance(data, pd.Series) else data)
    values = _numeric(series, value if isinstance(data, pd.DataFrame) else "values").to_numpy()
    kept = values[values >= 0]
    if len(kept) == 0 or kept.sum() <= 0:
        raise ParameterError("No account has a positive value, so no account holds a share.")
    return kept, int(len(values) - len(kept))


def _top_count(fraction, n):
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
    n_top = _top_count(fraction, len(ordered))
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
    top_shares = {float(p): float(descending[: _top_count(p, n)].sum() / total) for p in top}
    n_for = {t: int(np.argmax(running >= t - _EPS) + 1) for t in (0.5, 0.8)}
    lorenz = pd.DataFrame(
        {
            "share_of_accounts": np.concatenate([[0.0], i / n]),
            "share_of_value": np.concatenate([[0.0], np.cumsum(ascending) / total]),
        }
    )
    return Concentration(n, n_set_aside, total, gini, hhi, top_shares, n_for[0.5], n_for[0.8], lorenz)


# ----------------------------------------------------------------------------- DB cascade
def contribution_cascade(data, levels=None, *, revenue="revenue", deductions=("discounts_rebates",),
                         id_col="account_id"):
    """Contribution-margin cascade per account (*Kundendeckungsbeitragsrechnung*).

    Net revenue is revenue minus the deductions (discounts, rebates, bonuses). Each
    level subtracts its cost columns from the level before. The default levels:

    ========  ======================================================================
    level     computed as
    ========  ======================================================================
    db1       DB I = net revenue − cost of goods (``cost``)
    db2       DB II = DB I − marketing (``marketing``)
    db3       DB III = DB II − sales costs (``sales_visits``, ``order_handling``)
    db4       DB IV = DB III − logistics and service (``logistics``, ``technical_service``)
    ========  ======================================================================

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the revenue, deduction and cost columns (all in the same
        currency and period), e.g. :meth:`kamlab.case.Case.account_table`.
    levels : sequence of (str, sequence of str), optional
        Your own levels: each a name and the cost columns it subtracts. Default:
        :data:`DEFAULT_LEVELS`.
    revenue : str, default="revenue"
        The invoiced revenue column.
    deductions : sequence of str, default=("discounts_rebates",)
        Columns subtracted from revenue to get net revenue; ``()`` when revenue is net already.
    id_col : str, default="account_id"

    Returns
    -------
    pandas.DataFrame
        ``id_col``, ``revenue``, the deductions, ``net_revenue``, then for each level its
        cost columns and the level itself, then ``<level>_rate`` for each level (the level
        as a share of net revenue; NaN unless net revenue > 0).

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"account_id": ["K1"], "revenue": [1000.0], "discounts_rebates": [50.0],
    ...                      "cost": [600.0], "marketing": [20.0], "sales_visits": [80.0],
    ...                      "order_handling": [10.0], "logistics": [30.0], "technical_service": [40.0]})
    >>> cascade = contribution_cascade(data)
    >>> cascade[["net_revenue", "db1", "db2", "db3", "db4"]].iloc[0].tolist()
    [950.0, 350.0, 330.0, 240.0, 170.0]
    >>> round(float(cascade["db4_rate"].iloc[0]), 4)
    0.1789
    """
    levels = DEFAULT_LEVELS if levels is None else levels
    try:
        levels = [(str(name), tuple(columns) if not isinstance(columns, str) else (columns,))
                  for name, columns in levels]
    except (TypeError, ValueError):
        raise ParameterError("levels must be pairs (name, cost columns), e.g. [('db1', ['cost'])].") from None
    names = [name for name, _ in levels]
    if len(set(names)) != len(names) or not names:
        raise ParameterError(f"Each level needs its own name; got {names!r}.")
    needed = [revenue, *deductions, *[c for _, cols in levels for c in cols]]
    missing = [c for c in dict.fromkeys(needed) if c not in data.columns]
    if missing:
        raise MissingColumnError(
            f"The cascade needs the column(s) {', '.join(map(repr, missing))}. Columns found: "
            f"{', '.join(map(str, data.columns))}. Pass levels=[...] or deductions=() to match your data."
        )
    out = pd.DataFrame({id_col: data[id_col].to_numpy()} if id_col in data.columns else {}, index=data.index)
    out[revenue] = _numeric(data[revenue], revenue)
    net = out[revenue].copy()
    for column in deductions:
        out[column] = _numeric(data[column], column)
        net = net - out[column]
    out["net_revenue"] = net
    current = net
    for name, columns in levels:
        for column in columns:
            if column not in out.columns:
                out[column] = _numeric(data[column], column)
            current = current - out[column]
        out[name] = current
    positive = out["net_revenue"] > 0
    for name in names:
        out[f"{name}_rate"] = (out[name] / out["net_revenue"]).where(positive)
    out.attrs["levels"] = levels
    return out
