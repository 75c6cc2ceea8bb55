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
