"""The key-account list: ABC class, portfolio quadrant and potential combined, with a reason per account."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kamlab.portfolios.scoring import VOCABULARIES
from kamlab.errors import MissingColumnError, ParameterError

__all__ = [
    "select_key_accounts",
]

# ----------------------------------------------------------------------------- the key-account list
def select_key_accounts(data, *, abc="abc", quadrant="quadrant", potential=None, value="revenue",
                        labels="mcdonald", max_accounts=35, quotas=None, id_col="account_id"):
    """Combine ABC class, portfolio quadrant and (optionally) potential into a short key-account list.

    The rules, in order of priority (each account gets the first that applies):

    1. A by value and attractive & strong position: *core key account*.
    2. A by value and attractive but weak position: *key account to develop* (share of wallet).
    3. Attractive and in the top quarter of ``potential`` (when given), not A: *potential key account*.
       The top quarter is the first ceil(n / 4) of all n accounts ranked by potential
       (ties by account id), so it is a quarter even when potential is a rating with ties.
    4. A by value but unattractive: *key account under review* (big today, little future).

    Other accounts are not listed. Within a priority, accounts are ordered by ``value``,
    then potential, then account id. Without ``quotas`` the list is the first
    ``max_accounts`` in priority order, which on a large customer base can be core
    accounts only; ``quotas`` reserve room for the other priorities.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the ABC class (from :func:`kamlab.abc_analysis`), the
        quadrant (from :func:`portfolio`) and ``value``.
    potential : str, optional
        A column of estimated potential (e.g. headroom); without it rule 3 is skipped.
    labels : str, default="mcdonald"
        The vocabulary the quadrants are in (to know which are attractive and strong).
    max_accounts : int or None, default=35
        The longest list (key-account programmes typically run 15–35 accounts); None for
        every account that meets a rule.
    quotas : dict, optional
        The most accounts each priority may take, e.g. ``{1: 25, 2: 10}``; priorities not
        named are not limited. The list is then cut at ``max_accounts``.

    Returns
    -------
    pandas.DataFrame
        The selected accounts with ``priority`` (1–4) and ``reason`` (a sentence).
    """
    needed = [abc, quadrant, value] + ([potential] if potential else [])
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise MissingColumnError(f"select_key_accounts needs the column(s) {', '.join(map(repr, missing))}.")
    if labels not in VOCABULARIES:
        raise ParameterError(f"labels must be one of {', '.join(VOCABULARIES)}, not {labels!r}.")
    names = [name for name, _ in VOCABULARIES[labels]]
    quad = data[quadrant].astype(str)
    unknown = sorted(set(quad) - set(names))
    if unknown:
        raise ParameterError(f"Quadrant {unknown[0]!r} is not in the {labels!r} vocabulary ({', '.join(names)}).")
    is_a = data[abc].astype(str) == "A"
    attractive = quad.isin(names[:2])
    strong = quad.isin([names[0], names[2]])
    priority = pd.Series(0, index=data.index)
    reasons = pd.Series("", index=data.index, dtype=object)
    high_potential = pd.Series(False, index=data.index)
    ids = data[id_col].astype(str) if id_col in data.columns else data.index.to_series().astype(str)
    if potential:
        values = pd.to_numeric(data[potential], errors="coerce")
        ranking = pd.DataFrame({"potential": values.fillna(-np.inf), "id": ids}).sort_values(
            ["potential", "id"], ascending=[False, True], kind="mergesort")
        top = ranking.index[: math.ceil(len(ranking) / 4)]
        high_potential.loc[top] = True
    rules = [
        (is_a & attractive & strong, "A account in an attractive position where we are strong: core key account"),
        (is_a & attractive & ~strong, "A account, attractive, but our position is weak: develop the share of wallet"),
        (~is_a & attractive & high_potential, "not A yet, but attractive with potential in the top quarter"),
        (is_a & ~attractive, "A account today but unattractive: key account under review"),
    ]
    for level, (mask, text) in enumerate(rules, start=1):
        take = mask & (priority == 0)
        priority[take] = level
        reasons[take] = text
    selected = data[priority > 0].assign(priority=priority[priority > 0], reason=reasons[priority > 0],
                                         _id=ids[priority > 0])
    sort_by = ["priority", value] + ([potential] if potential else []) + ["_id"]
    ascending = [True, False] + ([False] if potential else []) + [True]
    selected = selected.sort_values(sort_by, ascending=ascending, kind="mergesort")
    if quotas:
        bad = [p for p in quotas if p not in (1, 2, 3, 4) or int(quotas[p]) < 0]
        if bad:
            raise ParameterError(f"quotas map priorities 1 to 4 to a number of accounts ≥ 0; got {quotas!r}.")
        place = selected.groupby("priority").cumcount()
        cap = selected["priority"].map(lambda p: quotas.get(p, len(selected)))
        selected = selected[place < cap]
    selected = selected.drop(columns="_id")
    return selected if max_accounts is None else selected.head(int(max_accounts))
