"""Weighted scoring (*Nutzwertanalyse*): flat and hierarchical criteria, contributions per criterion.

ABC only sees the past. KAM decides who is, or could become, a key account with a
portfolio: customer attractiveness (*Kundenattraktivität*) against the supplier's own
position with that customer (*Lieferantenposition*), each scored from weighted criteria
(a *Nutzwertanalyse*). kamlab makes the maths transparent: every total is the sum of
its criteria's weighted contributions, and :func:`~kamlab.weight_sensitivity` shows how much a
decision depends on the (subjective) weights.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "VOCABULARIES",
    "ScoringModel",
    "vocabulary",
]

_TOL = 1e-9

# (attractive & strong, attractive & weak, unattractive & strong, unattractive & weak): (name, strategy)
VOCABULARIES = {
    "mcdonald": (
        ("Strategic", "Invest: build a partnership, joint development, senior sponsorship"),
        ("Star", "Invest selectively: win a bigger share of wallet"),
        ("Status", "Maintain: defend the position efficiently, manage for profit"),
        ("Streamline", "Lower the cost to serve: standard offers and channels"),
    ),
    "dpm": (
        ("Invest for growth", "Commit resources: partnership, joint development, senior sponsorship"),
        ("Invest selectively", "Pick the opportunities where the position can be won; build share there"),
        ("Maintain", "Defend the position at lower cost; manage for profit"),
        ("Manage for cash", "Cut the cost to serve (standard offers, cheaper channels); withdraw if unprofitable"),
    ),
    "de": (
        ("Starkunden", "Position halten und ausbauen"),
        ("Fragezeichenkunden", "Big Step or Out: massiv investieren oder zurückziehen"),
        ("Ertragskunden", "Position halten, Erträge abschöpfen"),
        ("Mitnahmekunden", "Selektiver Rückzug: Betreuungskosten senken"),
    ),
}


# the strategies of the English vocabularies in German (the quadrant names stay: they are the literature's)
_STRATEGIES_DE = {
    "mcdonald": (
        "Investieren: Partnerschaft aufbauen, gemeinsame Entwicklung, Betreuung durch die Geschäftsleitung",
        "Selektiv investieren: einen größeren Lieferanteil gewinnen",
        "Halten: die Position effizient verteidigen, auf Ertrag steuern",
        "Betreuungskosten senken: Standardangebote und -kanäle",
    ),
    "dpm": (
        "Ressourcen binden: Partnerschaft, gemeinsame Entwicklung, Betreuung durch die Geschäftsleitung",
        "Die Chancen wählen, bei denen die Position zu gewinnen ist, und dort Anteil aufbauen",
        "Die Position mit geringeren Kosten verteidigen; auf Ertrag steuern",
        "Betreuungskosten senken (Standardangebote, günstigere Kanäle); bei Verlust zurückziehen",
    ),
}


def vocabulary(labels="mcdonald", language=None):
    """The four (quadrant name, strategy) pairs of a vocabulary, strategies in kamlab's language.

    The quadrant names are those of the literature in every language (McDonald's "Strategic",
    the German *Starkunden*); under ``kamlab.set_language("de")`` the strategies of the English
    vocabularies are German.

    >>> import kamlab
    >>> with kamlab.language("de"):
    ...     vocabulary("mcdonald")[1]
    ('Star', 'Selektiv investieren: einen größeren Lieferanteil gewinnen')
    """
    from kamlab._util.labels import get_language

    pairs = VOCABULARIES[labels]
    code = get_language() if language is None else language
    if code == "de" and labels in _STRATEGIES_DE:
        return tuple((name, german) for (name, _), german in zip(pairs, _STRATEGIES_DE[labels]))
    return pairs


def _check_weights(mapping, where):
    if not isinstance(mapping, dict) or not mapping:
        raise ParameterError(f"{where}: give the weights as a non-empty dict, e.g. {{'solvency': 0.3, ...}}.")
    weights = {}
    for name, weight in mapping.items():
        try:
            value = float(weight)
        except (TypeError, ValueError):
            raise ParameterError(f"{where}: the weight of {name!r} is not a number ({weight!r}).") from None
        if not math.isfinite(value) or value < 0:
            raise ParameterError(f"{where}: the weight of {name!r} is {weight!r}; weights must be 0 or more.")
        weights[str(name)] = value
    return weights


def _normalized(weights, where, normalize):
    total = sum(weights.values())
    if total <= 0:
        raise ParameterError(f"{where}: the weights add up to 0; give at least one positive weight.")
    if not normalize and abs(total - 1) > 1e-6:
        raise ParameterError(
            f"{where}: the weights add up to {total:g}, not 1. Change them so they add up to 1 "
            "(e.g. 0.25 + 0.30 + 0.20 + 0.15 + 0.10), or pass normalize=True to scale them."
        )
    return {name: weight / total for name, weight in weights.items()}


class ScoringModel:
    """A weighted scoring model (*Nutzwertanalyse*), flat or hierarchical.

    Parameters
    ----------
    criteria : dict
        Flat: each criterion's weight, ``{"growth_potential": 0.3, "solvency": 0.2, ...}``.
        Hierarchical: each group's pair (group weight, criteria weights),
        ``{"market": (0.6, {"growth_potential": 0.5, ...}), "relationship": (0.4, {...})}``.
        Weights are 0 or more and add up to 1 at each level.
    scale : tuple of (float, float), default=(1, 10)
        The lowest and highest score. Totals are on the same scale.
    reverse : sequence of str, default=()
        Criteria where a higher value is worse (e.g. cost to serve): their score is
        turned around, ``low + high − score``.
    quantitative : dict, optional
        Criteria given as raw numbers (revenue, DB, headroom) and how to turn them into
        scores on the scale: ``"minmax"`` maps the smallest value to the low end and the
        biggest to the high end linearly; ``"quantile"`` maps each value's percentile rank
        (ties get their average rank) linearly onto the scale, so the scores spread evenly
        whatever the skew. Both are computed on the data being scored (or on ``reference``).
    normalize : bool, default=False
        Scale weights that do not add up to 1 instead of raising an error.

    Attributes
    ----------
    weights : dict
        The effective weight of each criterion (group weight × criterion weight).
    groups : dict
        Group name to list of criteria (one group ``"total"`` for a flat model).

    Examples
    --------
    The worked example of a weighted scoring:

    >>> model = ScoringModel({"c1": 0.25, "c2": 0.30, "c3": 0.20, "c4": 0.15, "c5": 0.10})
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"c1": [8, 6], "c2": [5, 9], "c3": [7, 7], "c4": [6, 8], "c5": [9, 5]})
    >>> model.score(accounts)["total"].round(2).tolist()
    [6.7, 7.3]
    """

    def __init__(self, criteria, scale=(1, 10), *, reverse=(), quantitative=None, normalize=False):
        try:
            low, high = (float(v) for v in scale)
        except (TypeError, ValueError):
            raise ParameterError(f"scale must be a pair (lowest, highest), such as (1, 10); got {scale!r}.") from None
        if not low < high:
            raise ParameterError(f"scale must go from low to high, such as (1, 10); got {scale!r}.")
        self.scale = (low, high)
        self.normalize = normalize
        self.criteria = criteria
        hierarchical = isinstance(criteria, dict) and criteria and all(
            isinstance(v, tuple | list) and len(v) == 2 and isinstance(v[1], dict) for v in criteria.values()
        )
        if hierarchical:
            group_weights = _normalized(
                _check_weights({g: v[0] for g, v in criteria.items()}, "group weights"), "group weights", normalize
            )
            self.groups, self.group_weights, self.criterion_weights = {}, group_weights, {}
            for group, (_, inner) in criteria.items():
                inner_weights = _normalized(_check_weights(inner, f"group {group!r}"), f"group {group!r}", normalize)
                self.groups[group] = list(inner_weights)
                self.criterion_weights.update(inner_weights)
            all_names = [c for names in self.groups.values() for c in names]
            if len(set(all_names)) != len(all_names):
                raise ParameterError("A criterion appears in two groups; give each criterion once.")
        else:
            weights = _normalized(_check_weights(criteria, "criteria"), "criteria", normalize)
            self.groups, self.group_weights, self.criterion_weights = {"total": list(weights)}, {"total": 1.0}, weights
        self.hierarchical = bool(hierarchical)
        self.weights = {
            c: self.group_weights[g] * self.criterion_weights[c] for g, names in self.groups.items() for c in names
        }
        unknown = [c for c in reverse if c not in self.weights]
        quantitative = dict(quantitative or {})
        unknown += [c for c in quantitative if c not in self.weights]
        if unknown:
            raise ParameterError(
                f"Unknown criterion {unknown[0]!r} in reverse/quantitative; the model's criteria are "
                f"{', '.join(self.weights)}."
            )
        for name, method in quantitative.items():
            if method not in ("minmax", "quantile"):
                raise ParameterError(f"Criterion {name!r}: quantitative method must be 'minmax' or 'quantile'.")
        self.reverse = tuple(reverse)
        self.quantitative = quantitative

    def __repr__(self):
        kind = "hierarchical" if self.hierarchical else "flat"
        return f"ScoringModel({kind}, {len(self.weights)} criteria, scale={self.scale})"

    def with_weights(self, weights):
        """A copy of the model with other effective criterion weights (renormalised per group).

        Parameters
        ----------
        weights : dict
            Effective weight per criterion (as in :attr:`weights`); the group weights become
            the sums over their criteria.
        """
        if set(weights) != set(self.weights):
            raise ParameterError("with_weights needs a weight for every criterion of the model.")
        if self.hierarchical:
            criteria = {}
            for group, names in self.groups.items():
                group_weight = sum(weights[c] for c in names)
                inner = {c: (weights[c] / group_weight if group_weight > 0 else 1 / len(names)) for c in names}
                criteria[group] = (group_weight, inner)
        else:
            criteria = dict(weights)
        return ScoringModel(criteria, self.scale, reverse=self.reverse, quantitative=self.quantitative,
                            normalize=True)

    def scores(self, data, reference=None):
        """Each criterion's score on the scale (quantitative criteria transformed, reverse ones turned).

        Parameters
        ----------
        data : pandas.DataFrame
            One row per account, a column per criterion.
        reference : pandas.DataFrame, optional
            The population quantitative criteria are scaled against (default: ``data``).
        """
        if not isinstance(data, pd.DataFrame):
            raise ParameterError(f"Scoring needs a pandas DataFrame, not {type(data).__name__}.")
        missing = [c for c in self.weights if c not in data.columns]
        if missing:
            raise MissingColumnError(
                f"The data have no column for the criteria {', '.join(map(repr, missing))}. "
                f"Columns found: {', '.join(map(str, data.columns))}."
            )
        reference = data if reference is None else reference
        low, high = self.scale
        out = pd.DataFrame(index=data.index)
        for name in self.weights:
            values = pd.to_numeric(data[name], errors="coerce").astype("float64")
            bad = values.isna()
            if bad.any():
                raise DataFormatError(
                    f"Criterion {name!r}: {int(bad.sum())} rows have no number (first at index "
                    f"{values.index[bad][0]!r}, value {data[name][bad].iloc[0]!r}). Rate every account first.",
                    column=name, n_more=int(bad.sum()) - 1,
                )
            method = self.quantitative.get(name)
            if method is not None:
                values = self._transform(values, pd.to_numeric(reference[name], errors="coerce").dropna(), method)
            else:
                outside = (values < low - _TOL) | (values > high + _TOL)
                if outside.any():
                    raise DataFormatError(
                        f"Criterion {name!r}: {int(outside.sum())} scores lie outside the scale {low:g}–{high:g} "
                        f"(first {values[outside].iloc[0]:g} at index {values.index[outside][0]!r}). Rate on "
                        f"the scale, or declare the criterion quantitative={{{name!r}: 'quantile'}}.",
                        column=name, value=values[outside].iloc[0], n_more=int(outside.sum()) - 1,
                    )
            if name in self.reverse:
                values = low + high - values
            out[name] = values
        return out

    def _transform(self, values, reference, method):
        low, high = self.scale
        if len(reference) == 0:
            raise DataFormatError("A quantitative criterion has no reference values to scale against.")
        if method == "minmax":
            smallest, biggest = reference.min(), reference.max()
            if biggest == smallest:
                return pd.Series((low + high) / 2, index=values.index)
            return (low + (values - smallest) / (biggest - smallest) * (high - low)).clip(low, high)
        ordered = np.sort(reference.to_numpy(dtype=float))
        n = len(ordered)
        if n == 1:
            return pd.Series((low + high) / 2, index=values.index)
        below = np.searchsorted(ordered, values.to_numpy(), side="left")
        upto = np.searchsorted(ordered, values.to_numpy(), side="right")
        average_rank = (below + upto + 1) / 2  # 1-based average rank among the reference values
        average_rank = np.clip(average_rank, 1, n)
        return pd.Series(low + (average_rank - 1) / (n - 1) * (high - low), index=values.index)

    def score(self, data, reference=None):
        """Each row's total on the scale and each criterion's weighted contribution.

        Returns
        -------
        pandas.DataFrame
            One column per criterion with its contribution (effective weight × score), for a
            hierarchical model one column per group with the group's score on the scale
            (Σ criterion weight × score), and ``total`` = Σ contributions
            = Σ group weight × group score, on the scale.
        """
        scores = self.scores(data, reference)
        out = pd.DataFrame(index=data.index)
        for name, weight in self.weights.items():
            out[name] = weight * scores[name]
        if self.hierarchical:
            for group, names in self.groups.items():
                out[group] = sum(self.criterion_weights[c] * scores[c] for c in names)
        out["total"] = out[list(self.weights)].sum(axis=1)
        return out
