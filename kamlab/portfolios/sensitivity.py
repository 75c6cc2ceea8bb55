"""How much the portfolio depends on the (subjective) weights: one-at-a-time and Monte Carlo scenarios."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.portfolios.matrix import portfolio
from kamlab.portfolios.scoring import ScoringModel
from kamlab.errors import ParameterError

__all__ = [
    "weight_sensitivity",
]

_TOL = 1e-9

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


def _totals(model, data, scenario_models):
    """Totals of every account (columns) under every scenario model (rows): Σ weight × score.

    The criterion scores are computed once; the sum runs over the criteria in the model's order, as
    :meth:`ScoringModel.score` adds them, so equal totals stay equal (ties rank alike) and every
    total is the one a scenario model gives.
    """
    scores = model.scores(data)[list(model.weights)].to_numpy(dtype=float)
    weights = np.array([[m.weights[c] for c in model.weights] for m in scenario_models], dtype=float)
    totals = weights[:, :1] * scores[None, :, 0]
    for k in range(1, scores.shape[1]):
        totals = totals + weights[:, k:k + 1] * scores[None, :, k]
    return totals


def _quadrant_codes(xs, ys, split):
    """Quadrant code (0 attractive & strong, 1 attractive & weak, 2 strong, 3 neither) per scenario and
    account, with :func:`~kamlab.portfolios.matrix.portfolio`'s rule: an account on a split counts as high."""
    if isinstance(split, str):
        centre = np.median if split == "median" else np.mean
        x_split, y_split = centre(xs, axis=1)[:, None], centre(ys, axis=1)[:, None]
    else:
        x_split, y_split = float(split[0]), float(split[1])
    attractive, strong = ys >= y_split - _TOL, xs >= x_split - _TOL
    return np.where(attractive, np.where(strong, 0, 1), np.where(strong, 2, 3))


def _ranks_descending(values):
    """Each row's ranks, biggest first, ties sharing the best rank (pandas' ``rank(ascending=False,
    method="min")`` of every row): one sort per row, the first position of each run of equals."""
    order = np.argsort(-values, axis=1)  # ties may come in any order: a run of equals gets its first position
    ordered = np.take_along_axis(values, order, axis=1)
    starts = np.ones(ordered.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    positions = np.where(starts, np.arange(values.shape[1])[None, :], 0)
    ranked = np.maximum.accumulate(positions, axis=1) + 1
    ranks = np.empty_like(ranked)
    np.put_along_axis(ranks, order, ranked, axis=1)
    return ranks


def _other_quadrants(codes, base_code, names):
    """Per account, the quadrants (names sorted, comma-separated) some scenario moves it to."""
    present = np.stack([(codes == q).any(axis=0) & (base_code != q) for q in range(len(names))])
    mask = (present * (1 << np.arange(len(names)))[:, None]).sum(axis=0)
    texts = [", ".join(sorted(str(names[q]) for q in range(len(names)) if m >> q & 1))
             for m in range(1 << len(names))]
    return np.asarray(texts, dtype=object)[mask].tolist()


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
    base = portfolio(pd.DataFrame({id_col: ids, "attractiveness": attractiveness.score(data)["total"].to_numpy(),
                                   "position": position.score(data)["total"].to_numpy()}),
                     x="position", y="attractiveness", split=split, labels=labels)
    scenarios = _scenarios(attractiveness, position, method, delta, n_samples, random_state)
    # every scenario at once: a total is Σ effective weight × criterion score, so the totals of all
    # scenarios are one array computation over the criterion scores (computed once) and the scenarios' weights
    att = _totals(attractiveness, data, [s.attractiveness for s in scenarios])
    pos = _totals(position, data, [s.position for s in scenarios])
    codes = _quadrant_codes(pos, att, split)
    names = np.asarray(base["quadrant"].cat.categories, dtype=object)
    ranks = _ranks_descending(att)
    base_rank = base["attractiveness"].rank(ascending=False, method="min").to_numpy()
    base_code = pd.Categorical(base["quadrant"]).codes
    same = codes == base_code[None, :]
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
    out["other_quadrants"] = _other_quadrants(codes, base_code, names)
    out.attrs["scenarios"] = [s.name for s in scenarios]
    out.attrs["split"] = base.attrs["split"]
    out.attrs["labels"] = labels
    return out
