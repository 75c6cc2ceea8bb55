"""Benchmark: kamlab.weight_sensitivity on the case company against placing each scenario one at a time.

500 Monte Carlo weight scenarios (±20 %) of notebook 04's two scoring models over the case company's
rated accounts. ``weight_sensitivity`` computes the criterion scores once and every scenario's totals and
quadrants as arrays; the peer, measured in the same run, is the loop kamlab used before: each scenario's
models scored and placed with ``kamlab.portfolio``. Target (issue 15): under 0.1 s for 500 scenarios.

Usage::

    .venv/bin/python benchmarks/bench_sensitivity.py [--samples 500] [--repeat 3]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from timing import best_of

import kamlab
from kamlab.portfolios.sensitivity import _scenarios


def one_at_a_time(data, attractiveness, position, scenarios):
    """The previous implementation's work: score and place every scenario separately."""
    quadrants = []
    for scenario in scenarios:
        frame = pd.DataFrame({"account_id": data["account_id"],
                              "attractiveness": scenario.attractiveness.score(data)["total"].to_numpy(),
                              "position": scenario.position.score(data)["total"].to_numpy()})
        quadrants.append(kamlab.portfolio(frame, x="position", y="attractiveness")["quadrant"].to_numpy())
    return np.array(quadrants, dtype=object)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    case = kamlab.load_case()
    data = case.ratings
    from kamlab.plans.sections import ATTRACTIVENESS, POSITION  # notebook 04 models

    attractiveness, position = kamlab.ScoringModel(ATTRACTIVENESS), kamlab.ScoringModel(POSITION)
    fast, result = best_of(lambda: kamlab.weight_sensitivity(data, attractiveness, position, method="monte_carlo",
                                                             n_samples=args.samples, random_state=0), args.repeat)
    scenarios = _scenarios(attractiveness, position, "monte_carlo", 0.2, args.samples, 0)
    slow, quadrants = best_of(lambda: one_at_a_time(data, attractiveness, position, scenarios), 1)
    same = quadrants == result["quadrant"].astype(str).to_numpy()[None, :]
    assert np.array_equal(same.mean(axis=0), result["stability"].to_numpy()), "the two disagree"
    print(f"weight_sensitivity, {args.samples} scenarios x {len(data):,} accounts: {fast * 1000:.0f} ms "
          f"(target < 100 ms); one scenario at a time: {slow:.2f} s; ratio {slow / fast:.0f}x")


if __name__ == "__main__":
    main()
