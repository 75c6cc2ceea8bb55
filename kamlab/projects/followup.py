"""Monday's follow-up list: the open quotes where one more follow-up is worth the most.

For each open quote, the expected value of one more follow-up is

    quote value × (p̂(k + 1) − p̂(k)),

where ``k`` is the follow-ups the quote has had so far and ``p̂`` the outcome model of a
:func:`~kamlab.projects.effect.followup_effect` estimate at the quote's covariates: the
*causal* gain in win probability under that estimate's assumptions (the covariates hold every
common cause of follow-ups and wins). A forecast model (:class:`~kamlab.projects.winmodel.WinModel`)
would not do: quotes with many follow-ups are won more often partly because they come from
accounts that like us.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.errors import MissingColumnError, ParameterError
from kamlab.projects.effect import FollowupEffect, win_outcome

__all__ = ["followup_gain", "followup_list"]


def followup_gain(effect, quotes):
    """The gain in win probability from one more follow-up, per quote: p̂(k + 1) − p̂(k).

    For a count effect ``k`` is the quote's count; for a yes/no effect from ``at_least=t`` the
    treatment is ``k ≥ t`` (so only quotes at ``t − 1`` gain); for a yes/no column, untreated
    quotes gain p̂(1) − p̂(0) and treated ones 0.

    Parameters
    ----------
    effect : FollowupEffect
    quotes : pandas.DataFrame
        The covariates of ``effect`` and its treatment column.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        p̂(k), p̂(k + 1) and their difference.
    """
    if not isinstance(effect, FollowupEffect):
        raise ParameterError(f"effect must be the result of kamlab.followup_effect, not {type(effect).__name__}.")
    if effect.treatment not in quotes.columns:
        raise MissingColumnError(f"The open quotes have no treatment column {effect.treatment!r}.")
    k = pd.to_numeric(quotes[effect.treatment].astype(float), errors="coerce").fillna(0).to_numpy()
    if effect.kind == "binary" and effect.at_least is None:
        after = np.ones_like(k)
    else:
        after = k + 1
    now, then = effect.predict_win(quotes, k), effect.predict_win(quotes, after)
    return now, then, then - now


def _last_contact(contacts, ids, as_of, id_col):
    """Date of each quote's last contact on or before ``as_of`` (NaT without one)."""
    if contacts is None:
        return pd.Series(pd.NaT, index=range(len(ids)), dtype="datetime64[ns]")
    missing = [c for c in (id_col, "contact_date") if c not in contacts.columns]
    if missing:
        raise MissingColumnError(f"The contacts table needs the column {missing[0]!r}.")
    dates = pd.to_datetime(contacts["contact_date"])
    last = dates[dates <= as_of].groupby(contacts.loc[dates <= as_of, id_col]).max()
    return pd.Series(ids).map(last).reset_index(drop=True)


def _account_columns(table, accounts, account, abc, key_account):
    """The ABC class and key-account flag of each quote's account (from the quotes or ``accounts``)."""
    out = {}
    for name in (abc, key_account):
        if name in table.columns:
            out[name] = table[name].reset_index(drop=True)
        elif accounts is not None and name in accounts.columns and account in table.columns:
            lookup = accounts.drop_duplicates(account).set_index(account)[name]
            out[name] = table[account].map(lookup).reset_index(drop=True)
    return out


def followup_list(open_quotes, effect, *, value="quote_value", date="quote_date", contacts=None, accounts=None,
                  as_of=None, id_col="project_id", account="account_id", competitors="competitors", abc="abc",
                  key_account="key_account", outcome="outcome", top=None):
    """Rank open quotes by the expected value of one more follow-up.

    Parameters
    ----------
    open_quotes : pandas.DataFrame
        The quotes still open (if ``outcome`` is a column, only open ones are kept), with the
        covariates and treatment of ``effect``, ``value`` and ``date``.
    effect : FollowupEffect
        From :func:`~kamlab.projects.effect.followup_effect`, ideally with a count treatment.
    value : str, default="quote_value"
    date : str, default="quote_date"
    contacts : pandas.DataFrame, optional
        ``id_col`` and ``contact_date``: the last contact per quote gives ``days_since_contact``
        (NaN without the table, or for a quote without contact).
    accounts : pandas.DataFrame, optional
        ``account`` with the ABC class (``abc``) and key-account flag (``key_account``), if the
        quotes do not hold them.
    as_of : date-like, optional
        The day the list is made; default the latest quote or contact date.
    id_col, account, competitors, abc, key_account, outcome : str
        Column names.
    top : int, optional
        Keep the first ``top`` rows.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``expected_value`` (highest first), with ``rank``, ``id_col``, ``account``,
        ``value``, the treatment, ``p_win`` (p̂(k)), ``p_win_next`` (p̂(k + 1)), ``gain``,
        ``expected_value`` (value × gain), ``days_since_quote``, ``days_since_contact`` and, where
        available, ``competitors``, ``abc`` and ``key_account``. Export it with ``.to_excel()``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from kamlab.projects.effect import followup_effect
    >>> rng = np.random.default_rng(0)
    >>> fit = rng.normal(size=2000)
    >>> quotes = pd.DataFrame({"project_id": [f"Q{i}" for i in range(2000)], "fit": fit,
    ...                        "followups": rng.binomial(3, 1 / (1 + np.exp(-fit))),
    ...                        "quote_value": rng.uniform(1e3, 1e5, 2000),
    ...                        "quote_date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300, 2000), "D")})
    >>> won = rng.random(2000) < 1 / (1 + np.exp(-(-1 + 0.4 * quotes["followups"] + fit)))
    >>> quotes["outcome"] = np.where(won, "won", "lost")
    >>> quotes.loc[:9, "outcome"] = "open"
    >>> effect = followup_effect(quotes, ["fit"], levels=(1, 2), cv=2, random_state=0)
    >>> monday = followup_list(quotes, effect)
    >>> len(monday), monday["expected_value"].is_monotonic_decreasing
    (10, True)
    """
    for name in (value, date, *effect.covariates):
        if name not in open_quotes.columns:
            raise MissingColumnError(f"The open quotes have no column {name!r}.")
    table = open_quotes
    if outcome in table.columns:
        table = table[np.isnan(win_outcome(table[outcome]))]
    table = table.reset_index(drop=True)
    quote_dates = pd.to_datetime(table[date])
    if as_of is None:
        candidates = [quote_dates.max()]
        if contacts is not None and "contact_date" in contacts.columns:
            candidates.append(pd.to_datetime(contacts["contact_date"]).max())
        as_of = max(candidates)
    as_of = pd.Timestamp(as_of)
    ids = table[id_col] if id_col in table.columns else pd.Series(table.index)
    now, then, gain = followup_gain(effect, table)
    out = pd.DataFrame({id_col: ids.to_numpy()})
    if account in table.columns:
        out[account] = table[account].to_numpy()
    out[value] = table[value].to_numpy(dtype=float)
    out[effect.treatment] = table[effect.treatment].to_numpy()
    out["p_win"], out["p_win_next"], out["gain"] = now, then, gain
    out["expected_value"] = out[value] * out["gain"]
    out["days_since_quote"] = (as_of - quote_dates).dt.days.to_numpy(dtype=float)
    out["days_since_contact"] = (as_of - _last_contact(contacts, ids, as_of, id_col)).dt.days.to_numpy(dtype=float)
    if competitors in table.columns:
        out[competitors] = table[competitors].to_numpy()
    for name, column in _account_columns(table, accounts, account, abc, key_account).items():
        out[name] = column.to_numpy()
    out = out.sort_values("expected_value", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out if top is None else out.head(top)
