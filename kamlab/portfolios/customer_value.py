"""Customer value beyond money (*Kundenwert*): monetary value plus reference, multiplier, information and cooperation value.

What a customer is worth to a supplier is more than the money it brings. The German *Kundenwert*
adds to the monetary value (contribution margin, *Deckungsbeitrag*, or customer lifetime value)
four values that never show in the books:

- **reference value** (*Referenzwert*): its name wins us other customers;
- **multiplier value** (*Multiplikatorwert*): others follow it, it talks about us (word of mouth);
- **information value** (*Informationswert*, *Innovationswert*): we learn from it — requirements,
  ideas, early tests of new products;
- **cooperation value** (*Kooperationswert*): it develops with us, shares plans, involves us early.

:func:`customer_value` scores each of them on the 1–10 scale of the ratings, turns the monetary
value into a score on the same scale, and combines the five into one weighted score, the
customer value (1–10). Every component stays in the result, so the score can be traced:
``customer_value = Σ weight × component``. The score is a rating like the others, so it plugs into
:class:`~kamlab.ScoringModel` as a criterion of customer attractiveness.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kamlab._util.labels import register_labels
from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "COMPONENTS",
    "DEFAULT_COLUMNS",
    "DEFAULT_WEIGHTS",
    "customer_value",
    "monetary_score",
]

#: The components of the customer value, in the order of the result's columns.
COMPONENTS = ("monetary", "reference", "multiplier", "information", "cooperation")

#: The rating column each qualitative component is read from (the case company's ``ratings`` table).
DEFAULT_COLUMNS = {
    "reference": "reference_value",
    "multiplier": "multiplier_value",
    "information": "information_value",
    "cooperation": "cooperation_potential",
}

#: The default weights. The monetary value gets the biggest single weight (it is the one measured
#: number, and what the supplier lives on), but less than half, so that the four qualitative values
#: together (60 %) can move an account: otherwise the score would only rank the money. Among the
#: qualitative values no source of the course gives a ranking, so they weigh equally.
DEFAULT_WEIGHTS = {"monetary": 0.40, "reference": 0.15, "multiplier": 0.15, "information": 0.15, "cooperation": 0.15}

SCALINGS = ("rank", "log", "minmax")
MISSING = ("raise", "drop", "median")

_LOW, _HIGH = 1.0, 10.0
_TOL = 1e-9

register_labels({
    "monetary": ("Monetary value", "Monetärer Wert"),
    "reference": ("Reference value", "Referenzwert"),
    "multiplier": ("Multiplier value", "Multiplikatorwert"),
    "information": ("Information value", "Informationswert"),
    "cooperation": ("Cooperation value", "Kooperationswert"),
    "customer_value": ("Customer value", "Kundenwert"),
    "customer_value_rank": ("Rank by customer value", "Rang nach Kundenwert"),
    "reference_customer": ("Reference customer", "Referenzkunde"),
})


# ----------------------------------------------------------------------------- arguments
def _weights(weights, normalize, with_monetary):
    if weights is None:
        chosen = dict(DEFAULT_WEIGHTS)
        if not with_monetary:  # a qualitative customer value: the four others share the weight equally
            chosen.pop("monetary")
            normalize = True
    else:
        if not isinstance(weights, dict) or not weights:
            raise ParameterError(
                "weights: give a non-empty dict of component weights, e.g. "
                "{'monetary': 0.4, 'reference': 0.2, 'information': 0.2, 'cooperation': 0.2}."
            )
        unknown = [name for name in weights if name not in COMPONENTS]
        if unknown:
            raise ParameterError(
                f"weights: unknown component {unknown[0]!r}; the components are {', '.join(COMPONENTS)}."
            )
        chosen = {}
        for name, weight in weights.items():
            try:
                number = float(weight)
            except (TypeError, ValueError):
                raise ParameterError(f"weights: the weight of {name!r} is not a number ({weight!r}).") from None
            if not math.isfinite(number) or number < 0:
                raise ParameterError(f"weights: the weight of {name!r} is {weight!r}; weights must be 0 or more.")
            chosen[name] = number
        if chosen.get("monetary", 0) > 0 and not with_monetary:
            raise ParameterError(
                "weights give the monetary value a weight, but no monetary value was passed: pass monetary= "
                "(a column name, an account table or a Series), or leave 'monetary' out of weights."
            )
    total = sum(chosen.values())
    if total <= 0:
        raise ParameterError("weights add up to 0; give at least one component a positive weight.")
    if not normalize and abs(total - 1) > 1e-6:
        raise ParameterError(
            f"weights add up to {total:g}, not 1. Change them so they add up to 1, or pass normalize=True "
            "to divide each by their sum."
        )
    return {name: chosen[name] / total for name in COMPONENTS if chosen.get(name, 0) > 0}


def _ids(table, id_col, what):
    if id_col in table.columns:
        ids = table[id_col]
    elif table.index.name == id_col:
        ids = table.index.to_series()
    else:
        raise MissingColumnError(
            f"{what} has no column {id_col!r} for the account ids (columns: {', '.join(map(str, table.columns))}). "
            "Pass id_col= with the name of the id column."
        )
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise DataFormatError(
            f"{what}: account id {repeated.iloc[0]!r} appears more than once ({len(repeated):,} repeats); "
            "the customer value needs one row per account."
        )
    return pd.Index(ids.to_numpy())


def _monetary_values(ratings, ids, monetary, value, id_col):
    """The raw monetary value of each account of ``ratings`` (NaN where it has none) and the column's name."""
    if isinstance(monetary, str):
        if monetary not in ratings.columns:
            raise MissingColumnError(
                f"monetary={monetary!r} is not a column of ratings (columns: {', '.join(map(str, ratings.columns))})."
            )
        return pd.Series(ratings[monetary].to_numpy(), index=ids), monetary
    if isinstance(monetary, pd.Series):
        if monetary.index.has_duplicates:
            raise DataFormatError("monetary: the Series' index (the account ids) repeats; give one value per account.")
        return monetary.reindex(ids), str(monetary.name or "monetary_value")
    if isinstance(monetary, pd.DataFrame):
        if value not in monetary.columns:
            raise MissingColumnError(
                f"The monetary table has no column {value!r} (columns: {', '.join(map(str, monetary.columns))}). "
                "Pass value= with the column of the money, e.g. value='clv' or value='db4'."
            )
        other = _ids(monetary, id_col, "The monetary table")
        return pd.Series(monetary[value].to_numpy(), index=other).reindex(ids), value
    raise ParameterError(
        "monetary takes a column name of ratings, an account table (with value=) or a Series indexed by account id, "
        f"not {type(monetary).__name__}."
    )


def _numbers(values, name):
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = values.notna() & (numbers.isna() | ~np.isfinite(numbers))
    if bad.any():
        raise DataFormatError(
            f"Column {name!r}: {int(bad.sum()):,} values are not numbers (first {values[bad].iloc[0]!r} for account "
            f"{values.index[bad][0]!r}).", column=name, value=values[bad].iloc[0], n_more=int(bad.sum()) - 1,
        )
    return numbers


def _rating(ratings, column, name, ids):
    """One qualitative component: the rating column, checked to be numbers on the 1–10 scale."""
    if column not in ratings.columns:
        raise MissingColumnError(
            f"ratings have no column {column!r} for the {name} value (columns: "
            f"{', '.join(map(str, ratings.columns))}). Pass columns={{{name!r}: ...}} or leave {name!r} out "
            "of weights."
        )
    scores = _numbers(pd.Series(ratings[column].to_numpy(), index=ids), column)
    outside = scores.notna() & ((scores < _LOW - _TOL) | (scores > _HIGH + _TOL))
    if outside.any():
        raise DataFormatError(
            f"Column {column!r}: {int(outside.sum()):,} ratings lie outside 1–10 (first {scores[outside].iloc[0]:g} "
            f"for account {scores.index[outside][0]!r}). Rate on the scale from 1 to 10.",
            column=column, value=scores[outside].iloc[0], n_more=int(outside.sum()) - 1,
        )
    return scores


def _reference_flag(ratings, column):
    if column not in ratings.columns:
        raise MissingColumnError(
            f"ratings have no column {column!r} (reference_customer=); columns: "
            f"{', '.join(map(str, ratings.columns))}."
        )
    flag = ratings[column]
    if flag.isna().any() or not set(pd.unique(flag)) <= {True, False}:
        raise DataFormatError(
            f"Column {column!r} must be True or False for every account (reference_customer=).", column=column,
        )
    return flag.astype(bool).to_numpy()


# ----------------------------------------------------------------------------- the monetary scale
def monetary_score(values, scaling="rank"):
    """Turn money (DB, CLV) into a score from 1 to 10.

    Parameters
    ----------
    values : pandas.Series
        The monetary value per account; NaN stays NaN and is left out of the scaling.
    scaling : {"rank", "log", "minmax"}, default="rank"
        - ``"rank"``: each value's percentile rank among the accounts, mapped linearly onto 1–10
          (``1 + 9 (rank − 1) / (n − 1)``, ties get their average rank). Money in B2B is very skewed
          (a few accounts make most of the margin), and DB can be negative: a rank spreads the accounts
          evenly over the scale, one huge account cannot squeeze all others to the bottom, and a loss is
          simply a low rank. It is the default for these reasons. It forgets distances: the biggest
          account is one step ahead of the second, however far it leads.
        - ``"log"``: min–max on ``log(1 + value)``, values ≤ 0 counted as 0 (they score 1). Keeps
          ratios (ten times the money is always the same step up) but a value of 0 or less is the bottom.
        - ``"minmax"``: linear min–max. Keeps distances in EUR; with skewed money most accounts
          score near 1. Shown for comparison.

    Returns
    -------
    pandas.Series
        The scores, same index; 5.5 (the middle) for every account when all values are equal.

    Examples
    --------
    >>> import pandas as pd
    >>> monetary_score(pd.Series([100.0, -50.0, 1000.0, 100.0])).tolist()
    [5.5, 1.0, 10.0, 5.5]
    """
    if scaling not in SCALINGS:
        raise ParameterError(f"scaling must be one of {', '.join(map(repr, SCALINGS))}, not {scaling!r}.")
    known = values.dropna()
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    if len(known) == 0:
        return out
    if scaling == "rank":
        if len(known) == 1:
            out[known.index] = (_LOW + _HIGH) / 2
            return out
        ranks = known.rank(method="average")
        out[known.index] = _LOW + (ranks - 1) / (len(known) - 1) * (_HIGH - _LOW)
        return out
    numbers = np.log1p(known.clip(lower=0)) if scaling == "log" else known
    smallest, biggest = numbers.min(), numbers.max()
    if biggest - smallest <= 0:
        out[known.index] = (_LOW + _HIGH) / 2
        return out
    out[known.index] = _LOW + (numbers - smallest) / (biggest - smallest) * (_HIGH - _LOW)
    return out


# ----------------------------------------------------------------------------- the customer value
def _fill(components, missing, ids):
    """Apply the missing-value rule to the component scores; returns them and the ids dropped."""
    gaps = components.isna()
    if not gaps.any().any():
        return components, []
    if isinstance(missing, str) and missing == "raise":
        column = gaps.any().idxmax()
        first = components.index[gaps[column]][0]
        raise DataFormatError(
            f"{int(gaps.any(axis=1).sum()):,} accounts lack a value for a component (first: {column!r} of account "
            f"{first!r}). Rate them, or pass missing='drop' (leave them out), missing='median' (the component's "
            "median) or a number from 1 to 10 (e.g. missing=5.5, the middle of the scale).", column=column,
        )
    if isinstance(missing, str) and missing == "drop":
        keep = ~gaps.any(axis=1)
        return components[keep], list(ids[~keep.to_numpy()])
    if isinstance(missing, str) and missing == "median":
        return components.fillna(components.median()), []
    return components.fillna(float(missing)), []


def _check_missing(missing):
    if isinstance(missing, str):
        if missing not in MISSING:
            raise ParameterError(f"missing must be one of {', '.join(map(repr, MISSING))} or a number from 1 to 10, "
                                 f"not {missing!r}.")
        return
    try:
        number = float(missing)
    except (TypeError, ValueError):
        number = math.nan
    if not _LOW <= number <= _HIGH:
        raise ParameterError(f"missing must be 'raise', 'drop', 'median' or a number from 1 to 10, not {missing!r}.")


def customer_value(ratings, monetary=None, *, value="contribution_margin", weights=None, normalize=False,
                   scaling="rank", columns=None, reference_customer=None, reference_bonus=2.0,
                   missing="raise", id_col="account_id"):
    """Customer value beyond money (*Kundenwert*): one traceable 1–10 score per account.

    ``customer_value = Σ weight × component`` over five components, each on the 1–10 scale:
    the **monetary** value (money turned into a score, see ``scaling``), the **reference**,
    **multiplier**, **information** and **cooperation** value (ratings). The components the weights
    leave out are neither needed nor shown.

    Parameters
    ----------
    ratings : pandas.DataFrame
        One row per account with the account id (column or index named ``id_col``) and the rating
        columns (1–10) named in ``columns``; in the case company ``case.ratings``.
    monetary : str, pandas.DataFrame or pandas.Series, optional
        The money: a column of ``ratings``; an account table with the column ``value`` (e.g. the
        account table with ``contribution_margin`` or ``db4``, or a CLV table with ``clv``), matched
        on ``id_col``; or a Series indexed by account id (e.g. :func:`~kamlab.customer_lifetime_value`'s
        ``clv``). Without it the customer value is qualitative only (see ``weights``).
    value : str, default="contribution_margin"
        The column of the monetary table to use (only when ``monetary`` is a DataFrame).
    weights : dict, optional
        Component → weight, 0 or more, adding up to 1 (or pass ``normalize=True`` to divide each by
        their sum). Default :data:`DEFAULT_WEIGHTS`: monetary 0.40, reference, multiplier, information
        and cooperation 0.15 each. Without ``monetary`` the default is the four qualitative values at
        0.25 each.
    normalize : bool, default=False
        Scale weights that do not add up to 1 instead of raising an error.
    scaling : {"rank", "log", "minmax"}, default="rank"
        How money becomes a 1–10 score (:func:`monetary_score`): by percentile rank among the
        accounts given (robust to the skew of money and to negative DB), on a log scale, or linearly.
        The scale is relative: it ranks the accounts passed in, as a median split does.
    columns : dict, optional
        Component → rating column, for ratings named otherwise; default :data:`DEFAULT_COLUMNS`
        (``reference_value``, ``multiplier_value``, ``information_value``, ``cooperation_potential``).
    reference_customer : str, optional
        A boolean column marking the customers that let us name them as a reference (*Referenzkunde*).
        Their reference component is raised by ``reference_bonus`` points, at most to 10: the rating says
        how much a reference *could* be worth; a customer that has agreed realises it.
    reference_bonus : float, default=2.0
        The points a confirmed reference customer gains (0 to 9); a choice, not a published figure.
    missing : {"raise", "drop", "median"} or float, default="raise"
        A missing rating or monetary value is an error by default. ``"drop"`` leaves such accounts
        out (their ids in ``attrs["dropped"]``), ``"median"`` fills the component's median, a number
        from 1 to 10 fills that score (5.5 is the middle of the scale).
    id_col : str, default="account_id"
        The account id column (or the index's name) in ``ratings`` and in a monetary table.

    Returns
    -------
    pandas.DataFrame
        One row per account, index of ``ratings``: ``id_col``, the raw monetary column (when used),
        ``reference_customer`` (when used), the components (1–10), ``customer_value`` (1–10) and
        ``customer_value_rank`` (1 = highest, ties share the best rank). ``attrs["weights"]`` holds
        the weights used, ``attrs["scaling"]`` the monetary scaling.

    Examples
    --------
    >>> import pandas as pd
    >>> ratings = pd.DataFrame({"account_id": ["K1", "K2", "K3"], "reference_value": [9, 4, 6],
    ...                         "multiplier_value": [8, 5, 6], "information_value": [7, 3, 6],
    ...                         "cooperation_potential": [6, 5, 6], "db": [20_000, 900_000, 50_000]})
    >>> value = customer_value(ratings, monetary="db")
    >>> value[["account_id", "monetary", "customer_value", "customer_value_rank"]]
      account_id  monetary  customer_value  customer_value_rank
    0         K1       1.0            4.90                    3
    1         K2      10.0            6.55                    1
    2         K3       5.5            5.80                    2

    By hand: the DB ranks put K1 at 1, K3 at 5.5, K2 at 10; K1 = 0.40 × 1 + 0.15 × (9 + 8 + 7 + 6)
    = 0.40 + 4.50 = 4.90, K2 = 0.40 × 10 + 0.15 × 17 = 6.55, K3 = 0.40 × 5.5 + 0.15 × 24 = 5.80.
    K1 has the best qualitative values and the least money: it comes last with these weights.
    The score plugs into a scoring model as a criterion of customer attractiveness:

    >>> from kamlab.portfolios.scoring import ScoringModel
    >>> model = ScoringModel({"customer_value": 0.5, "growth_potential": 0.5})
    >>> scored = value.assign(growth_potential=[8, 3, 5])
    >>> model.score(scored)["total"].round(3).tolist()
    [6.45, 4.775, 5.4]
    """
    if not isinstance(ratings, pd.DataFrame):
        raise ParameterError(f"ratings must be a pandas DataFrame (one row per account), not {type(ratings).__name__}.")
    if scaling not in SCALINGS:
        raise ParameterError(f"scaling must be one of {', '.join(map(repr, SCALINGS))}, not {scaling!r}.")
    _check_missing(missing)
    chosen = _weights(weights, normalize, with_monetary=monetary is not None)
    mapping = dict(DEFAULT_COLUMNS)
    if columns is not None:
        unknown = [name for name in columns if name not in DEFAULT_COLUMNS]
        if unknown:
            raise ParameterError(
                f"columns: unknown component {unknown[0]!r}; rating columns are given for "
                f"{', '.join(DEFAULT_COLUMNS)}."
            )
        mapping.update(columns)
    try:
        bonus = float(reference_bonus)
    except (TypeError, ValueError):
        bonus = math.nan
    if not 0 <= bonus <= _HIGH - _LOW:
        raise ParameterError(f"reference_bonus must be a number of points from 0 to 9, not {reference_bonus!r}.")

    ids = _ids(ratings, id_col, "ratings")
    out = pd.DataFrame({id_col: ids.to_numpy()}, index=ratings.index)
    components = pd.DataFrame(index=ids)
    if "monetary" in chosen:
        money, money_name = _monetary_values(ratings, ids, monetary, value, id_col)
        money = _numbers(money, money_name)
        out[money_name] = money.to_numpy()
        components["monetary"] = monetary_score(money, scaling)
    for name in COMPONENTS[1:]:
        if name in chosen:
            components[name] = _rating(ratings, mapping[name], name, ids)
    if reference_customer is not None and "reference" in chosen:
        flag = _reference_flag(ratings, reference_customer)
        out[reference_customer] = flag
        components["reference"] = np.where(flag, np.minimum(components["reference"] + bonus, _HIGH),
                                           components["reference"])
    components, dropped = _fill(components, missing, ids)
    keep = ids.isin(components.index)
    out = out[keep]
    for name in chosen:
        out[name] = components[name].to_numpy()
    out["customer_value"] = sum(weight * components[name].to_numpy() for name, weight in chosen.items())
    out["customer_value_rank"] = out["customer_value"].rank(method="min", ascending=False).astype("int64")
    out.attrs.update({"weights": chosen, "scaling": scaling, "dropped": dropped})
    return out
