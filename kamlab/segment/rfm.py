"""RFM: recency, frequency and monetary scores from 1 to 5, and named segments read off the scores.

:func:`rfm_scores` scores every account; :func:`rfm_segments` names segments from a fixed map of
the scores (:data:`RFM_PRESETS`: the classic R–F grid or a B2B map) or from a map of your own.
Transparent, but the cut points are fixed in advance; the clustering in
:mod:`~kamlab.segment.estimator` finds them from the data instead.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError
from kamlab.segment.validation import _numeric_column

__all__ = ["RFM_PRESETS", "rfm_scores", "rfm_segments"]


def _rfm_score(values, higher_is_better, bins):
    """1 + floor(bins × share of accounts strictly worse); missing values are the worst."""
    oriented = values if higher_is_better else -values
    oriented = oriented.fillna(-np.inf)
    strictly_worse = oriented.rank(method="min").to_numpy() - 1
    return (1 + np.floor(bins * strictly_worse / len(values))).astype("int64")


def rfm_scores(
    accounts,
    *,
    recency="recency_days",
    frequency="orders",
    monetary="revenue",
    bins=5,
    id_col="account_id",
):
    """Recency, frequency and monetary scores from 1 to ``bins`` for every account.

    Each score says which of ``bins`` equal shares of the accounts an account beats:

        score = 1 + ⌊bins × (share of accounts strictly worse than this one)⌋

    Higher is always better: a high R score means a *recent* last order (few days), a
    high F score many orders, a high M score much revenue.

    **Ties** (say, thirty accounts with exactly two orders) get the same score: an
    account's score depends only on how many accounts are strictly worse, never on its
    id or on the row order. This is the ``method="min"`` rank of pandas, and the
    result is the same however the table is sorted. The price: bins are equal in size
    only when there are no ties, and a big group of equal values can leave a score
    unused (if 60 % of the accounts ordered once, the next account already starts at
    F = 4 when bins = 5).

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table, one row per account (see
        :func:`kamlab.accounts_from_transactions`).
    recency : str, default="recency_days"
        Days since the last order: fewer is better. A missing value (an account that
        never ordered, only had credit notes or cost to serve) counts as the worst.
    frequency : str, default="orders"
        Number of orders: more is better.
    monetary : str, default="revenue"
        Revenue (or contribution margin): more is better.
    bins : int, default=5
        Number of score levels (5: quintiles).
    id_col : str, default="account_id"
        The account id column; when present its ids must be unique.

    Returns
    -------
    pandas.DataFrame
        A copy of ``accounts`` in the same row order with the added integer columns
        ``r_score``, ``f_score``, ``m_score`` and the string ``rfm`` (``"545"``; with
        more than 9 bins the scores are joined by ``-``, as in ``"10-4-5"``).
        ``result.attrs["rfm_bins"]`` holds ``bins``.

    Raises
    ------
    MissingColumnError
        A named column is not in the table.
    DataFormatError
        A column is not numeric, frequency or monetary have missing values, or the
        account ids repeat.
    ParameterError
        ``bins`` is not an integer of at least 2.

    See Also
    --------
    rfm_segments : named segments from the scores.

    Examples
    --------
    Ten accounts; two share 20 days, three share 1 order:

    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "account_id": [f"K{i}" for i in range(1, 11)],
    ...     "recency_days": [5, 20, 20, 40, 60, 90, 120, 200, 300, 365],
    ...     "orders": [30, 12, 8, 1, 1, 1, 4, 6, 2, 3],
    ...     "revenue": [900, 500, 450, 40, 30, 20, 100, 80, 60, 70],
    ... })
    >>> rfm_scores(table)[["account_id", "r_score", "f_score", "m_score", "rfm"]].head(4)
      account_id  r_score  f_score  m_score  rfm
    0         K1        5        5        5  555
    1         K2        4        5        5  455
    2         K3        4        4        4  444
    3         K4        4        1        2  412
    """
    if not isinstance(accounts, pd.DataFrame):
        raise ParameterError(f"rfm_scores needs the account table as a pandas DataFrame, not {type(accounts).__name__}.")
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 2:
        raise ParameterError(f"bins must be an integer of at least 2 (5 gives quintiles); got {bins!r}.")
    if len(accounts) == 0:
        raise DataFormatError("The account table has no rows: there is nothing to score.")
    if id_col in accounts.columns and accounts[id_col].duplicated().any():
        duplicate = accounts[id_col][accounts[id_col].duplicated()].iloc[0]
        raise DataFormatError(
            f"The account id {duplicate!r} appears more than once in column {id_col!r}; RFM needs one row per "
            "account. Aggregate invoice lines first with kamlab.accounts_from_transactions.",
            column=id_col,
            value=duplicate,
        )
    r = _numeric_column(accounts, recency, allow_missing=True, what="recency column")
    f = _numeric_column(accounts, frequency, what="frequency column")
    m = _numeric_column(accounts, monetary, what="monetary column")
    result = accounts.copy()
    result["r_score"] = _rfm_score(r, higher_is_better=False, bins=bins)
    result["f_score"] = _rfm_score(f, higher_is_better=True, bins=bins)
    result["m_score"] = _rfm_score(m, higher_is_better=True, bins=bins)
    separator = "" if bins <= 9 else "-"
    result["rfm"] = pd.array(
        [separator.join(map(str, scores)) for scores in zip(result["r_score"], result["f_score"], result["m_score"])],
        dtype="str",
    )
    result.attrs = {**accounts.attrs, "rfm_bins": int(bins)}
    return result



#: Named segment maps for :func:`rfm_segments` on 1–5 scores. Each maps a segment name to
#: the score ranges (both ends included) it covers; the first matching entry wins.
#:
#: ``"classic"``: the R–F grid used by many RFM tutorials and tools (ten segments from
#: "Champions" to "Hibernating"; monetary value is not used), e.g. the segment map of
#: Putler's "RFM Analysis for Successful Customer Segmentation".
#:
#: ``"b2b"``: a key-account reading of R, F and M: *Key* (recent, frequent, big), *Retain*
#: (big and still active), *Win back* (valuable but lapsed), *Develop* (active but small:
#: grow the share of wallet) and *Maintain* (everything else: serve efficiently).
RFM_PRESETS = {
    "classic": {
        "Champions": {"r": (5, 5), "f": (4, 5)},
        "Loyal customers": {"r": (3, 4), "f": (4, 5)},
        "Potential loyalists": {"r": (4, 5), "f": (2, 3)},
        "New customers": {"r": (5, 5), "f": (1, 1)},
        "Promising": {"r": (4, 4), "f": (1, 1)},
        "Need attention": {"r": (3, 3), "f": (3, 3)},
        "About to sleep": {"r": (3, 3), "f": (1, 2)},
        "Can't lose them": {"r": (1, 2), "f": (5, 5)},
        "At risk": {"r": (1, 2), "f": (3, 4)},
        "Hibernating": {"r": (1, 2), "f": (1, 2)},
    },
    "b2b": {
        "Key": {"r": (4, 5), "f": (4, 5), "m": (4, 5)},
        "Retain": {"r": (3, 5), "m": (4, 5)},
        "Win back": {"r": (1, 2), "m": (3, 5)},
        "Develop": {"r": (4, 5), "m": (1, 3)},
        "Maintain": {"r": (1, 5)},
    },
}

_SCORE_COLUMNS = {"r": "r_score", "f": "f_score", "m": "m_score"}
#: The presets' segment names in German (used under ``kamlab.set_language("de")``).
RFM_NAMES_DE = {
    "Champions": "Champions", "Loyal customers": "Treue Kunden", "Potential loyalists": "Künftig treue Kunden",
    "New customers": "Neukunden", "Promising": "Vielversprechend", "Need attention": "Brauchen Aufmerksamkeit",
    "About to sleep": "Drohen einzuschlafen", "Can't lose them": "Nicht verlieren", "At risk": "Gefährdet",
    "Hibernating": "Eingeschlafen",
    "Key": "Schlüsselkunden", "Retain": "Halten", "Win back": "Zurückgewinnen", "Develop": "Entwickeln",
    "Maintain": "Pflegen", "Other": "Übrige",
}


def _rule_ranges(name, rule):
    if not isinstance(rule, dict) or not rule or set(rule) - set(_SCORE_COLUMNS):
        raise ParameterError(
            f"The rule for segment {name!r} must be a dict with keys among 'r', 'f', 'm', each an inclusive "
            f"score range such as {{'r': (4, 5), 'f': (4, 5)}} or a single score; got {rule!r}."
        )
    ranges = {}
    for key, value in rule.items():
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            low = high = int(value)
        else:
            try:
                low, high = (int(v) for v in value)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"Segment {name!r}: the {key!r} range must be a score or a pair (low, high); got {value!r}."
                ) from None
        if low > high:
            raise ParameterError(f"Segment {name!r}: the {key!r} range ({low}, {high}) is empty (low > high).")
        ranges[key] = (low, high)
    return ranges


def rfm_segments(scores, preset="classic", *, default="Other", column="rfm_segment"):
    """Named segments from RFM scores.

    Parameters
    ----------
    scores : pandas.DataFrame
        The result of :func:`rfm_scores` (needs ``r_score``, ``f_score`` and, when a rule
        uses it, ``m_score``).
    preset : {"classic", "b2b"}, dict or callable, default="classic"
        The segment map:

        - ``"classic"`` or ``"b2b"``: a map of :data:`RFM_PRESETS` (defined for scores
          from 1 to 5, i.e. ``bins=5``);
        - a dict of your own, from segment name to score ranges (both ends included),
          e.g. ``{"Top": {"r": (4, 5), "f": (4, 5)}, "Sleeping": {"r": (1, 2)}}``. The
          first entry that matches an account wins;
        - a function that takes the scores table and returns one name per row.
    default : str, default="Other"
        The name of accounts that no entry matches (the presets cover every score). Under
        ``kamlab.set_language("de")`` a preset's names are German (:data:`RFM_NAMES_DE`:
        "Schlüsselkunden", "Zurückgewinnen", ...).
    column : str, default="rfm_segment"
        Name of the added column.

    Returns
    -------
    pandas.DataFrame
        A copy of ``scores`` with the added column: a categorical whose categories are
        the segment names in the order of the map (then ``default``).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"r_score": [5, 1, 4], "f_score": [5, 4, 1], "m_score": [5, 5, 2]})
    >>> rfm_segments(scores)["rfm_segment"].tolist()
    ['Champions', 'At risk', 'Promising']
    >>> rfm_segments(scores, "b2b")["rfm_segment"].tolist()
    ['Key', 'Win back', 'Develop']
    >>> rfm_segments(scores, {"Top": {"r": (4, 5), "f": (4, 5)}})["rfm_segment"].tolist()
    ['Top', 'Other', 'Other']
    """
    if not isinstance(scores, pd.DataFrame):
        raise ParameterError(f"rfm_segments needs the table of rfm_scores, not {type(scores).__name__}.")
    result = scores.copy()
    if callable(preset):
        names = pd.Series(np.asarray(preset(scores), dtype=object), index=scores.index)
        if len(names) != len(scores):
            raise ParameterError(f"The segment function returned {len(names)} names for {len(scores)} accounts.")
        result[column] = pd.Categorical(names.astype(str))
        return result
    rules = _checked_rules(scores, preset)
    segments = _first_match(scores, rules, default)
    from kamlab._util.labels import get_language

    if isinstance(preset, str) and get_language() == "de":  # a preset's names in German ("Other" too)
        segments = segments.rename_categories([RFM_NAMES_DE.get(c, c) for c in segments.categories])
    result[column] = segments
    return result


def _checked_rules(scores, preset):
    """The rules of a preset name or an own dict, checked: segment name -> {"r"/"f"/"m": (low, high)}."""
    if isinstance(preset, str):
        if preset not in RFM_PRESETS:
            raise ParameterError(f"Unknown preset {preset!r}; choose one of {', '.join(map(repr, RFM_PRESETS))}, "
                                 "or give your own dict of segment name to score ranges.")
        bins = scores.attrs.get("rfm_bins", 5)
        if bins != 5:
            raise ParameterError(
                f"The preset {preset!r} is defined for scores from 1 to 5, but these scores have {bins} bins. "
                "Score with bins=5, or give your own map for your bins."
            )
        rules = RFM_PRESETS[preset]
    elif isinstance(preset, dict):
        rules = preset
    else:
        raise ParameterError(f"preset must be 'classic', 'b2b', a dict or a function; got {type(preset).__name__}.")
    rules = {str(name): _rule_ranges(name, rule) for name, rule in rules.items()}
    needed = sorted({_SCORE_COLUMNS[key] for ranges in rules.values() for key in ranges})
    missing = [c for c in needed if c not in scores.columns]
    if missing:
        raise MissingColumnError(
            f"The table has no column {', '.join(map(repr, missing))}. Compute the scores first: "
            "kamlab.segment.rfm_segments(kamlab.segment.rfm_scores(accounts))."
        )
    if isinstance(preset, str) and any(scores[c].max() > 5 for c in needed):
        raise ParameterError(f"The preset {preset!r} is defined for scores from 1 to 5; these go higher.")
    return rules


def _first_match(scores, rules, default):
    """Every account's segment: the first rule it matches, else ``default`` (a categorical in rule order)."""
    names = np.full(len(scores), default, dtype=object)
    open_rows = np.ones(len(scores), dtype=bool)
    for name, ranges in rules.items():
        match = open_rows.copy()
        for key, (low, high) in ranges.items():
            values = scores[_SCORE_COLUMNS[key]].to_numpy()
            match &= (values >= low) & (values <= high)
        names[match] = name
        open_rows &= ~match
    categories = list(dict.fromkeys([*rules, default]))
    return pd.Categorical(names, categories=categories)
