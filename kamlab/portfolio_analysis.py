"""Portfolio analysis: scoring models, the attractiveness × supplier-position matrix, sensitivity.

ABC only sees the past. KAM decides who is, or could become, a key account with a
portfolio: customer attractiveness (*Kundenattraktivität*) against the supplier's own
position with that customer (*Lieferantenposition*), each scored from weighted criteria
(a *Nutzwertanalyse*). kamlab makes the maths transparent: every total is the sum of
its criteria's weighted contributions, and :func:`weight_sensitivity` shows how much a
decision depends on the (subjective) weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import DataFormatError, MissingColumnError, ParameterError

__all__ = [
    "NINE_CELL_GROUPS",
    "NINE_CELL_STRATEGIES",
    "VOCABULARIES",
    "ScoringModel",
    "portfolio",
    "portfolio_grid",
    "select_key_accounts",
    "weight_sensitivity",
]

_TOL = 1e-9

# (attractive & strong, attractive & weak, unattractive & strong, unattractive & weak): (name, strategy)
VOCABULARIES = {
    "mcdonald": (
        ("Strategic", "Invest: build a partnership, joint development, senior sponsorship"),
        ("Star", "Invest selectively: win a bigger share of wallet"),
        ("Status", "Maintain: defend the position efficiently, manage for profit"),
        ("Streamline", "Streamline: lower the cost to serve, standard offers and channels"),
    ),
    "dpm": (
        ("Invest for growth", "Invest for growth"),
        ("Invest selectively", "Invest selectively: pick the opportunities where the position can be won"),
        ("Maintain", "Maintain: keep the position at lower cost"),
        ("Manage for cash", "Manage for cash / withdraw"),
    ),
    "de": (
        ("Starkunden", "Position halten und ausbauen"),
        ("Fragezeichenkunden", "Big Step or Out: massiv investieren oder zurückziehen"),
        ("Ertragskunden", "Position halten, Erträge abschöpfen"),
        ("Mitnahmekunden", "Selektiver Rückzug: Betreuungskosten senken"),
    ),
}


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


# ----------------------------------------------------------------------------- the matrix
def _split_value(series, split, axis):
    if isinstance(split, str):
        if split == "median":
            return float(series.median())
        if split == "mean":
            return float(series.mean())
        raise ParameterError(f"split must be 'median', 'mean' or a pair of numbers, not {split!r}.")
    return float(split[axis])


def portfolio(data, x="supplier_position", y="attractiveness", size=None, split="median", labels="mcdonald"):
    """Place accounts in the attractiveness × supplier-position matrix, with the standard strategies.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the two scores (e.g. the ``total`` of two
        :class:`ScoringModel` s).
    x : str, default="supplier_position"
        The supplier's own position or relative strength with the account (horizontal).
    y : str, default="attractiveness"
        The customer's attractiveness (vertical).
    size : str, optional
        A column to carry along for bubble sizes (revenue, DB, wallet).
    split : {"median", "mean"} or (float, float), default="median"
        Where each axis is split into low and high: the median or mean of the accounts,
        or fixed values ``(x_split, y_split)``. **An account exactly on a split counts as
        high** (attractive, or strong position).
    labels : {"mcdonald", "dpm", "de"}, default="mcdonald"
        The vocabulary of quadrant names and strategies, each listed as (attractive &
        strong, attractive & weak, unattractive & strong, unattractive & weak):

        - ``"mcdonald"`` (McDonald & Woodburn): Strategic, Star, Status, Streamline.
        - ``"dpm"`` (directional policy matrix, Millman & Wilson): Invest for growth,
          Invest selectively, Maintain, Manage for cash / withdraw.
        - ``"de"`` (Kundenportfolio): Starkunden (Position halten und ausbauen),
          Fragezeichenkunden (Big Step or Out), Ertragskunden (Position halten,
          abschöpfen), Mitnahmekunden (selektiver Rückzug).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``attractive`` and ``strong`` (bool), ``quadrant`` (an
        ordered categorical in the vocabulary's order) and ``strategy``;
        ``attrs["split"]`` holds the two split values.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"account_id": ["K1", "K2", "K3", "K4"],
    ...                        "supplier_position": [8, 3, 7, 2], "attractiveness": [9, 8, 2, 3]})
    >>> portfolio(scores, split=(5, 5))["quadrant"].tolist()
    ['Strategic', 'Star', 'Status', 'Streamline']
    """
    if labels not in VOCABULARIES:
        raise ParameterError(f"labels must be one of {', '.join(VOCABULARIES)}, not {labels!r}.")
    columns = [x, y] + ([size] if size else [])
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise MissingColumnError(f"The data have no column {missing[0]!r}; columns: {', '.join(map(str, data.columns))}.")
    if not isinstance(split, str):
        try:
            split = (float(split[0]), float(split[1]))
        except (TypeError, ValueError, IndexError):
            raise ParameterError(f"split must be 'median', 'mean' or a pair (x, y); got {split!r}.") from None
    out = data.copy()
    xs = pd.to_numeric(out[x], errors="coerce")
    ys = pd.to_numeric(out[y], errors="coerce")
    if xs.isna().any() or ys.isna().any():
        raise DataFormatError(f"Every account needs a number in {x!r} and {y!r}; some are missing.")
    x_split, y_split = _split_value(xs, split, 0), _split_value(ys, split, 1)
    out["attractive"] = ys >= y_split - _TOL
    out["strong"] = xs >= x_split - _TOL
    vocabulary = VOCABULARIES[labels]
    index = np.where(out["attractive"], np.where(out["strong"], 0, 1), np.where(out["strong"], 2, 3))
    names = [name for name, _ in vocabulary]
    out["quadrant"] = pd.Categorical(np.asarray(names, dtype=object)[index], categories=names, ordered=True)
    out["strategy"] = np.asarray([s for _, s in vocabulary], dtype=object)[index]
    out.attrs.update({"split": (x_split, y_split), "x": x, "y": y, "labels": labels})
    return out


# ----------------------------------------------------------------------------- the nine-cell variant
#: The nine-cell matrix (GE/McKinsey): each (attractiveness level, position level) belongs to one strategy group.
NINE_CELL_GROUPS = {
    ("high", "strong"): "invest", ("high", "medium"): "invest", ("medium", "strong"): "invest",
    ("high", "weak"): "selective", ("medium", "medium"): "selective", ("low", "strong"): "selective",
    ("medium", "weak"): "harvest", ("low", "medium"): "harvest", ("low", "weak"): "harvest",
}
NINE_CELL_STRATEGIES = {
    "invest": ("Invest and grow", "Investieren und wachsen"),
    "selective": ("Selective: invest where the position can be won, else manage for earnings",
                  "Selektiv: investieren, wo die Position zu gewinnen ist, sonst Erträge sichern"),
    "harvest": ("Harvest or withdraw", "Abschöpfen oder zurückziehen"),
}


def _cuts(series, cuts, axis):
    if isinstance(cuts, str):
        if cuts != "tertile":
            raise ParameterError(f"cuts must be 'tertile' or two pairs ((x_low, x_high), (y_low, y_high)); got {cuts!r}.")
        return float(series.quantile(1 / 3)), float(series.quantile(2 / 3))
    try:
        low, high = (float(v) for v in cuts[axis])
    except (TypeError, ValueError, IndexError):
        raise ParameterError(f"cuts must be 'tertile' or ((x_low, x_high), (y_low, y_high)); got {cuts!r}.") from None
    if not low < high:
        raise ParameterError(f"Each pair of cuts must increase; got {cuts!r}.")
    return low, high


def portfolio_grid(data, x="supplier_position", y="attractiveness", cuts="tertile", *, language=None):
    """The 3 × 3 variant of the portfolio: the nine-cell matrix (GE/McKinsey) with its three strategy groups.

    Each axis is cut twice into low/medium/high attractiveness and weak/medium/strong
    position. An account exactly on a cut counts as the upper level (as in
    :func:`portfolio`). The nine cells fall into three groups:

    - **invest** (high/strong, high/medium, medium/strong): invest and grow;
    - **selective** (the diagonal high/weak, medium/medium, low/strong): invest where the
      position can be won, otherwise manage for earnings;
    - **harvest** (medium/weak, low/medium, low/weak): harvest or withdraw.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the two scores.
    x, y : str
        Supplier position (horizontal) and customer attractiveness (vertical).
    cuts : "tertile" or ((float, float), (float, float)), default="tertile"
        The two cuts of each axis: the accounts' tertiles, or fixed values
        ``((x_low, x_high), (y_low, y_high))``.
    language : {"en", "de"}, optional
        Language of the ``strategy`` text; default: the current label language.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``attractiveness_level`` (low < medium < high),
        ``position_level`` (weak < medium < strong), ``cell`` (e.g. ``"high / strong"``),
        ``strategy_group`` and ``strategy``; ``attrs["cuts"]`` holds the cuts.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"supplier_position": [9, 2, 5], "attractiveness": [9, 9, 2]})
    >>> portfolio_grid(scores, cuts=((4, 7), (4, 7)))["strategy_group"].tolist()
    ['invest', 'selective', 'harvest']
    """
    from .labels import get_language

    missing = [c for c in (x, y) if c not in data.columns]
    if missing:
        raise MissingColumnError(f"The data have no column {missing[0]!r}; columns: {', '.join(map(str, data.columns))}.")
    code = get_language() if language is None else str(language).lower()
    if code not in ("en", "de"):
        raise ParameterError(f"language must be 'en' or 'de', not {language!r}.")
    out = data.copy()
    xs = pd.to_numeric(out[x], errors="coerce")
    ys = pd.to_numeric(out[y], errors="coerce")
    if xs.isna().any() or ys.isna().any():
        raise DataFormatError(f"Every account needs a number in {x!r} and {y!r}; some are missing.")
    x_cuts, y_cuts = _cuts(xs, cuts, 0), _cuts(ys, cuts, 1)

    def level(values, bounds, names):
        index = (values >= bounds[0] - _TOL).astype(int) + (values >= bounds[1] - _TOL).astype(int)
        return pd.Categorical(np.asarray(names, dtype=object)[index], categories=names, ordered=True)

    out["attractiveness_level"] = level(ys, y_cuts, ["low", "medium", "high"])
    out["position_level"] = level(xs, x_cuts, ["weak", "medium", "strong"])
    pairs = list(zip(out["attractiveness_level"].astype(str), out["position_level"].astype(str)))
    out["cell"] = [f"{a} / {p}" for a, p in pairs]
    out["strategy_group"] = [NINE_CELL_GROUPS[pair] for pair in pairs]
    position = 1 if code == "de" else 0
    out["strategy"] = [NINE_CELL_STRATEGIES[group][position] for group in out["strategy_group"]]
    out.attrs.update({"cuts": (x_cuts, y_cuts), "x": x, "y": y})
    return out


# ----------------------------------------------------------------------------- sensitivity
@dataclass(frozen=True)
class _Scenario:
    name: str
    attractiveness: ScoringModel
    position: ScoringModel


def _scenarios(attractiveness, position, method, delta, n_samples, random_state):
    scenarios = []
    if method == "oat":
        for which, model in (("attractiveness", attractiveness), ("position", position)):
            for criterion in model.weights:
                for sign in (-1, 1):
                    weights = dict(model.weights)
                    weights[criterion] = weights[criterion] * (1 + sign * delta)
                    changed = model.with_weights(weights)
                    pair = (changed, position) if which == "attractiveness" else (attractiveness, changed)
                    scenarios.append(_Scenario(f"{criterion} {'+' if sign > 0 else '−'}{delta:.0%}", *pair))
        return scenarios
    rng = np.random.default_rng(random_state)
    for i in range(n_samples):
        models = []
        for model in (attractiveness, position):
            factors = rng.uniform(1 - delta, 1 + delta, size=len(model.weights))
            models.append(model.with_weights({c: w * f for (c, w), f in zip(model.weights.items(), factors)}))
        scenarios.append(_Scenario(f"sample {i + 1}", *models))
    return scenarios


def weight_sensitivity(data, attractiveness, position, *, delta=0.2, method="oat", n_samples=500, split="median",
                       labels="mcdonald", random_state=None, id_col="account_id"):
    """How stable each account's totals, ranks and quadrant are when the weights move.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per account with the criteria of both models.
    attractiveness, position : ScoringModel
        The models of the vertical (customer attractiveness) and horizontal (supplier
        position) axis.
    delta : float, default=0.2
        Relative change of a weight: ``"oat"`` (one at a time) multiplies each weight in
        turn by 1 − delta and 1 + delta; ``"monte_carlo"`` multiplies every weight by a
        random factor uniform in [1 − delta, 1 + delta]. The weights moved are the
        effective criterion weights (group weight × criterion weight), renormalised
        afterwards so each level adds up to 1 again: in a hierarchical model, moving one
        criterion therefore also moves its group's weight a little.
    method : {"oat", "monte_carlo"}, default="oat"
    n_samples : int, default=500
        Scenarios drawn by ``"monte_carlo"``.
    split, labels
        As in :func:`portfolio`. With ``"median"`` the split moves with the scores.
    random_state : int, optional
        Seed for ``"monte_carlo"``.

    Returns
    -------
    pandas.DataFrame
        One row per account: base ``attractiveness`` and ``position`` totals with their
        minimum and maximum over the scenarios, the base ``rank`` by attractiveness and its
        best and worst rank, the base ``quadrant``, ``stability`` (share of scenarios that
        keep the base quadrant), ``flips`` (True when any scenario changes the quadrant)
        and ``other_quadrants`` (the quadrants it moves to). ``attrs["scenarios"]`` lists
        the scenario names, ``attrs["split"]`` the base split (x, y).
    """
    if method not in ("oat", "monte_carlo"):
        raise ParameterError(f"method must be 'oat' or 'monte_carlo', not {method!r}.")
    if not 0 < delta < 1:
        raise ParameterError(f"delta is a relative change between 0 and 1 (0.2 = ±20 %), not {delta!r}.")
    ids = data[id_col].to_numpy() if id_col in data.columns else data.index.to_numpy()

    def place(att_model, pos_model):
        frame = pd.DataFrame({
            id_col: ids,
            "attractiveness": att_model.score(data)["total"].to_numpy(),
            "position": pos_model.score(data)["total"].to_numpy(),
        })
        return portfolio(frame, x="position", y="attractiveness", split=split, labels=labels)

    base = place(attractiveness, position)
    scenarios = _scenarios(attractiveness, position, method, delta, n_samples, random_state)
    att = np.empty((len(scenarios), len(base)))
    pos = np.empty_like(att)
    quadrants = np.empty(att.shape, dtype=object)
    for i, scenario in enumerate(scenarios):
        placed = place(scenario.attractiveness, scenario.position)
        att[i], pos[i] = placed["attractiveness"], placed["position"]
        quadrants[i] = placed["quadrant"].astype(str).to_numpy()
    ranks = pd.DataFrame(att.T).rank(ascending=False, method="min").to_numpy().T
    base_rank = base["attractiveness"].rank(ascending=False, method="min").to_numpy()
    base_quadrant = base["quadrant"].astype(str).to_numpy()
    same = quadrants == base_quadrant[None, :]
    out = pd.DataFrame({
        id_col: ids,
        "attractiveness": base["attractiveness"].to_numpy(),
        "attractiveness_min": att.min(axis=0),
        "attractiveness_max": att.max(axis=0),
        "position": base["position"].to_numpy(),
        "position_min": pos.min(axis=0),
        "position_max": pos.max(axis=0),
        "rank": base_rank.astype(int),
        "rank_best": np.minimum(ranks.min(axis=0), base_rank).astype(int),
        "rank_worst": np.maximum(ranks.max(axis=0), base_rank).astype(int),
        "quadrant": base["quadrant"].to_numpy(),
        "stability": same.mean(axis=0),
    })
    out["flips"] = out["stability"] < 1
    out["other_quadrants"] = [
        ", ".join(sorted(set(quadrants[:, j][~same[:, j]]))) for j in range(len(base))
    ]
    out.attrs["scenarios"] = [s.name for s in scenarios]
    out.attrs["split"] = base.attrs["split"]
    out.attrs["labels"] = labels
    return out


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
