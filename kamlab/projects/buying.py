"""Quotes by buying centre (*Buying Center*, *Einkaufsgremium*): headquarters, plants, divisions; countries."""

from __future__ import annotations

from kamlab.errors import DataFormatError, MissingColumnError
from kamlab.projects.prepare import as_list, check_projects
from kamlab.projects.rates import win_rates

__all__ = ["quotes_by_centre"]


def quotes_by_centre(projects, centres, by="role", *, confidence=0.95, n_boot=2000, random_state=0):
    """Quotes and win rates by the role or the country of the buying centre that asked for them.

    Parameters
    ----------
    projects : pandas.DataFrame
        The quotes, with ``centre_id`` and ``outcome`` (and ``quote_value``).
    centres : pandas.DataFrame
        The buying centres (``case.centres``): ``centre_id`` and the grouping columns, e.g.
        ``role`` (headquarters, plant, division, branch, engineering) and ``country``.
    by : str or list of str, default="role"
        Column(s) of ``centres``; ``["role", "country"]`` for both.
    confidence, n_boot, random_state
        As in :func:`kamlab.win_rates`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`kamlab.win_rates` per group, and ``n_centres`` (centres that
        asked for at least one quote) and ``quotes_per_centre``.

    Examples
    --------
    >>> import pandas as pd
    >>> centres = pd.DataFrame({"centre_id": ["K1-01", "K1-02"], "role": ["headquarters", "plant"]})
    >>> quotes = pd.DataFrame({"centre_id": ["K1-01", "K1-02", "K1-02"], "outcome": ["won", "lost", "won"]})
    >>> quotes_by_centre(quotes, centres)[["role", "n_quotes", "win_rate", "n_centres"]].values.tolist()
    [['headquarters', 1, 1.0, 1], ['plant', 2, 0.5, 1]]
    """
    by = as_list(by)
    frame = check_projects(projects, need=("outcome", "centre_id"), what="quotes_by_centre")
    missing = [c for c in ("centre_id", *by) if c not in centres.columns]
    if missing:
        raise MissingColumnError(f"quotes_by_centre: the centres have no column {missing[0]!r}. Columns found: "
                                 f"{', '.join(map(str, centres.columns))}.")
    table = centres.drop_duplicates("centre_id").set_index("centre_id")
    unknown = ~frame["centre_id"].isin(table.index)
    if unknown.any():
        first = frame["centre_id"][unknown].iloc[0]
        raise DataFormatError(f"quotes_by_centre: {int(unknown.sum())} quote(s) name a centre that is not in the "
                              f"centres table (first: {first!r}).", column="centre_id", value=first,
                              n_more=int(unknown.sum()) - 1)
    for name in by:
        frame[name] = frame["centre_id"].map(table[name])
    rates = win_rates(frame, by=by, confidence=confidence, n_boot=n_boot, random_state=random_state)
    centres_quoted = frame.groupby(by, observed=True, sort=True, dropna=False)["centre_id"].nunique()
    rates["n_centres"] = centres_quoted.to_numpy()
    rates["quotes_per_centre"] = rates["n_quotes"] / rates["n_centres"]
    return rates
