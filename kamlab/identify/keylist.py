"""Key accounts on several measures at once: the KAM definition as one call.

The textbook definition of key accounts (*Schlüsselkunden*): the few customers that together make
up at least 50–60 % of revenue **or** of contribution margin (*Deckungsbeitrag*, DB), actual
**or** target. :func:`key_accounts` draws one list per measure (the smallest set of accounts,
biggest first, that covers ``share`` of it: the ``"cover"`` rule of
:func:`~kamlab.identify.abc.abc_analysis`) and calls an account a key account when it is on any
of them. :func:`~kamlab.identify.abc.key_account_candidates` is its one-measure form.

What "a share of the margin" means when some accounts lose money is a choice, and it is made
explicitly with ``margin_total``; both totals are always reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab._util.validation import numeric
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError
from kamlab.identify.abc import _EPS, _check_thresholds, abc_analysis

__all__ = ["MARGIN_TOTALS", "key_accounts"]

#: The meanings of "the total" a share refers to (see :func:`key_accounts`).
MARGIN_TOTALS = ("positive", "net")

_POSITION = "__kamlab_position__"  # carries each account's row number through the sort


def _check_measures(by, id_col):
    measures = (by,) if isinstance(by, str) else by
    try:
        measures = tuple(measures)
    except TypeError:
        raise ParameterError(f"by takes column names, such as ('revenue', 'db4'); got {by!r}.") from None
    if not measures or not all(isinstance(m, str) for m in measures):
        raise ParameterError(f"by takes one or more column names, such as ('revenue', 'db4'); got {by!r}.")
    repeated = sorted({m for m in measures if measures.count(m) > 1})
    if repeated:
        raise ParameterError(f"by names {', '.join(map(repr, repeated))} more than once.")
    if id_col in measures:
        raise ParameterError(f"{id_col!r} is the account id column, not a measure.")
    return measures


def _check_ids(accounts, id_col):
    ids = accounts[id_col] if id_col in accounts.columns else accounts.index.to_series()
    repeated = ids[ids.duplicated()]
    if len(repeated):
        where = f"column {id_col!r}" if id_col in accounts.columns else "the index"
        raise DataFormatError(
            f"Account ids repeat in {where} (e.g. {repeated.iloc[0]!r}, {len(repeated):,} repeats): a key-account "
            "list needs one row per account. Add the rows up per account first (kamlab.accounts_from_transactions)."
        )
    return ids


def _one_list(values, ids, measure, share, id_col, margin_total):
    """One measure's list: rank, share, cumulative share and "on the list", in the order of ``values``."""
    frame = pd.DataFrame({id_col: ids.to_numpy(), measure: values.to_numpy(), _POSITION: np.arange(len(values))})
    ranked = abc_analysis(frame, measure, thresholds=(share,), rule="cover", id_col=id_col)
    sorted_values = ranked[measure].to_numpy()
    positive_total, net_total = float(ranked.attrs["total"]), float(sorted_values.sum())
    if margin_total == "positive":  # abc_analysis: the accounts > 0 share the positive total; class A is the list
        on = (ranked["abc"] == "A").to_numpy()
        rank, own, cumulative = ranked["rank"].array, ranked["share"].to_numpy(), ranked["cumulative_share"]
    else:  # every account, biggest first, against the net total: the running share can pass 100 % on the way
        if not net_total > 0:
            raise ParameterError(
                f"The net total of {measure!r} is {net_total:,.2f}: the accounts lose money together, so a share of "
                f"it means nothing. Use margin_total='positive' (shares of the accounts with {measure} > 0)."
            )
        own = sorted_values / net_total
        cumulative = np.cumsum(sorted_values) / net_total
        cumulative[-1] = 1.0  # exactly, whatever the rounding
        on = np.arange(len(cumulative)) <= np.flatnonzero(cumulative >= share - _EPS)[0]
        rank = pd.array(np.arange(1, len(cumulative) + 1), dtype="Int64")
    out = pd.DataFrame(
        {f"rank_{measure}": rank, f"share_{measure}": own, f"cumulative_share_{measure}": np.asarray(cumulative),
         f"on_{measure}": on},
        index=ranked[_POSITION].to_numpy(),
    ).sort_index()
    listed = sorted_values[on]
    tied_off = int(((sorted_values == listed[-1]) & ~on).sum()) if len(listed) else 0
    summary = {
        "n_on_list": int(on.sum()),
        "positive_total": positive_total,
        "net_total": net_total,
        "covered_of_positive": float(listed.sum() / positive_total) if positive_total > 0 else float("nan"),
        "covered_of_net": float(listed.sum() / net_total) if net_total > 0 else float("nan"),
        "n_not_positive": int((sorted_values <= 0).sum()),
        "n_tied_left_off": tied_off,
    }
    return out, summary


def _key_first(table, measures, id_col):
    """Key accounts first, then by rank on each measure in turn (unranked last), then by account id."""
    n = len(table)
    keys = {"_not_key": ~table["key_account"].to_numpy()}
    for m in measures:
        keys[f"_rank_{m}"] = table[f"rank_{m}"].fillna(n + 1).to_numpy(dtype="int64")
    ids = table[id_col] if id_col in table.columns else table.index.to_series()
    keys["_id"] = ids.astype(str).to_numpy()
    keys["_position"] = np.arange(n)
    order = pd.DataFrame(keys).sort_values(list(keys)[:-1], kind="mergesort")["_position"].to_numpy()
    return table.iloc[order]


def key_accounts(accounts, share=0.6, by=("revenue", "contribution_margin"), *, id_col="account_id",
                 margin_total="positive"):
    """Key accounts by several measures: on the list of ANY measure (the OR rule).

    For each measure in ``by`` the accounts are sorted from the biggest value down (equal
    values by account id) and the smallest set that covers ``share`` of the total is that
    measure's list: the account whose cumulative share first *reaches* ``share`` is the
    last one on it. An account is a key account when it is on at least one list.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account.
    share : float, default=0.6
        The share of each measure the list covers, in (0, 1): 0.5 to 0.6 in the KAM
        definition.
    by : sequence of str, default=("revenue", "contribution_margin")
        The measures: any numeric columns, such as revenue, a contribution-margin level
        (``"db4"``) or a target (``"target_revenue"``). A single name is one measure.
        A missing column is an error (a measure is never left out silently): for a table
        without margin pass ``by=("revenue",)``.
    id_col : str, default="account_id"
        The account id column (the index when absent); ids must not repeat.
    margin_total : {"positive", "net"}, default="positive"
        What the share is a share *of* when some accounts have a value of zero or less
        (a loss-making account's margin, a net credit's revenue):

        - ``"positive"``: of the positive total, the sum over the accounts with a value
          above zero. Only those are ranked; the others have no rank or share and are on
          no list. This is the total of :func:`~kamlab.identify.abc.abc_analysis`.
        - ``"net"``: of the net total, the sum over all accounts, losses included. All
          accounts are ranked; the cumulative share passes 100 % while the profitable
          accounts add up and comes back to 100 % as the losses are added. The net
          total is smaller, so the list is the same or shorter. A net total of zero or
          less is an error.

        Both totals, and the share of each the list covers, are in ``attrs["measures"]``.

    Returns
    -------
    pandas.DataFrame
        The accounts with their columns (the measures as floats) and, for each measure
        ``m``: ``rank_m`` (1 = biggest; missing when not ranked), ``share_m``,
        ``cumulative_share_m`` and ``on_m`` (on that measure's list); then ``lists`` (the
        measures whose list the account is on, comma-separated; empty when none) and
        ``key_account`` (on any list). Key accounts come first, then by rank on each
        measure in turn; the index is kept. ``attrs`` holds ``by``, ``share``,
        ``margin_total``, ``n_accounts``, ``n_key_accounts`` and ``measures``: per measure
        ``n_on_list``, ``positive_total``, ``net_total``, ``covered_of_positive``,
        ``covered_of_net`` (the list's share of each total), ``n_not_positive`` and
        ``n_tied_left_off`` (accounts off the list with the same value as its last one:
        equal values are ordered by account id).

    Examples
    --------
    K1 and K2 together pass 60 % of revenue (180 of 260); K4, the smallest by revenue, earns
    the most margin (45 of 80) and with K2 passes 60 % of it: a key account by margin only.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "revenue": [100, 80, 60, 20],
    ...                       "contribution_margin": [10, 20, 5, 45]})
    >>> result = key_accounts(table, share=0.6)
    >>> result[["account_id", "rank_revenue", "rank_contribution_margin", "key_account"]]
      account_id  rank_revenue  rank_contribution_margin  key_account
    0         K1             1                         3         True
    1         K2             2                         2         True
    3         K4             4                         1         True
    2         K3             3                         4        False
    >>> result["lists"].tolist()
    ['revenue', 'revenue, contribution_margin', 'contribution_margin', '']

    A loss-making account: 60 % of the positive total (100) needs K1 and K2; 60 % of the
    net total (80) is reached by K1 alone (50 / 80 = 62.5 %).

    >>> margins = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"], "db4": [50, 30, 20, -20]})
    >>> key_accounts(margins, by="db4")["on_db4"].tolist()
    [True, True, False, False]
    >>> net = key_accounts(margins, by="db4", margin_total="net")
    >>> net["cumulative_share_db4"].tolist()
    [0.625, 1.0, 1.25, 1.0]
    >>> net["on_db4"].tolist()
    [True, False, False, False]
    """
    measures = _check_measures(by, id_col)
    (share,) = _check_thresholds((share,))
    if margin_total not in MARGIN_TOTALS:
        raise ParameterError(f"margin_total must be 'positive' or 'net', not {margin_total!r}.")
    if not isinstance(accounts, pd.DataFrame):
        raise ParameterError(f"Expected a pandas DataFrame (the account table), not {type(accounts).__name__}.")
    missing = [m for m in measures if m not in accounts.columns]
    if missing:
        have = [m for m in measures if m in accounts.columns]
        raise MissingColumnError(
            f"The table has no measure column {', '.join(map(repr, missing))}; a measure is never left out "
            f"silently. Columns found: {', '.join(map(str, accounts.columns))}. Name the measures the table has"
            + (f", e.g. by={tuple(have)!r}." if have else ", e.g. by=('revenue',).")
        )
    values = {m: numeric(accounts[m], m) for m in measures}
    ids = _check_ids(accounts, id_col)
    added = [f"{what}_{m}" for m in measures for what in ("rank", "share", "cumulative_share", "on")]
    clash = [name for name in [*added, "lists", "key_account"] if name in accounts.columns]
    if clash:
        raise ParameterError(
            f"The table already has the column(s) {', '.join(map(repr, clash))} that key_accounts adds; drop or "
            f"rename them first, e.g. table.drop(columns={clash!r})."
        )

    table = accounts.copy()
    summaries = {}
    for m in measures:
        table[m] = values[m]
        part, summaries[m] = _one_list(values[m], ids, m, share, id_col, margin_total)
        for name in part.columns:  # by position (not pd.concat, which would drop the table's attrs)
            table[name] = part[name].set_axis(table.index)
    on = table[[f"on_{m}" for m in measures]].to_numpy()
    table["lists"] = [", ".join(m for m, flag in zip(measures, row) if flag) for row in on]
    table["key_account"] = on.any(axis=1)
    table = _key_first(table, measures, id_col)
    table.attrs.update(
        {
            "by": measures,
            "share": share,
            "margin_total": margin_total,
            "n_accounts": int(len(table)),
            "n_key_accounts": int(table["key_account"].sum()),
            "measures": summaries,
        }
    )
    return table
