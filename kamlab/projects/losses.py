"""Why quotes are lost (*Verlustgründe*): shares of the loss reasons by group."""

from __future__ import annotations

import pandas as pd

from kamlab.projects.prepare import check_projects, with_groups

__all__ = ["loss_reasons", "NO_REASON"]

#: The reason of a lost quote whose loss reason is empty.
NO_REASON = "unknown"


def loss_reasons(projects, by="competitors", *, accounts=None, reason="loss_reason"):
    """How often each loss reason is given, by group: counts and shares of the lost quotes.

    Parameters
    ----------
    projects : pandas.DataFrame
        The quotes: ``outcome`` and the loss reason; only lost quotes are counted.
    by : str or list of str or None, default="competitors"
        Grouping column(s), as in :func:`kamlab.win_rates`: e.g. ``"competitors"``, or
        ``"relationship_level"`` -- a column of the quotes if they have one per quote, else
        looked up in ``accounts`` (``accounts=case.ratings``).
    accounts : DataFrame or list of DataFrames, optional
        Tables by ``account_id`` holding grouping columns the quotes lack.
    reason : str, default="loss_reason"
        The column of the reasons. A lost quote without one counts as ``"unknown"``.

    Returns
    -------
    pandas.DataFrame
        One row per group and reason given in it: the ``by`` columns, ``loss_reason``,
        ``n`` (lost quotes with that reason), ``n_lost`` (lost quotes in the group) and
        ``share`` = n / n_lost. ``attrs["n_lost"]``: the lost quotes counted.

    Examples
    --------
    >>> import pandas as pd
    >>> quotes = pd.DataFrame({"outcome": ["lost", "lost", "lost", "won", "lost"],
    ...                        "competitors": [1, 1, 3, 3, 3],
    ...                        "loss_reason": ["price", "price", "price", None, None]})
    >>> loss_reasons(quotes).values.tolist()
    [[1, 'price', 2, 2, 1.0], [3, 'price', 1, 2, 0.5], [3, 'unknown', 1, 2, 0.5]]
    """
    frame = check_projects(projects, need=("outcome", reason), what="loss_reasons")
    frame = frame[frame["outcome"] == "lost"]
    frame, by = with_groups(frame, by, accounts, what="loss_reasons")
    reasons = frame[reason].astype(object).where(frame[reason].notna(), NO_REASON)
    frame = frame.assign(loss_reason=reasons.astype(str))
    keys = [*by, "loss_reason"]
    counts = frame.groupby(keys, observed=True, sort=True, dropna=False).size().rename("n").reset_index()
    if by:
        totals = counts.groupby(by, observed=True, dropna=False)["n"].transform("sum")
    else:
        totals = pd.Series(int(counts["n"].sum()), index=counts.index)
    counts["n_lost"] = totals.astype("int64")
    counts["share"] = counts["n"] / counts["n_lost"]
    counts.attrs.update(by=tuple(by), n_lost=len(frame))
    return counts
