"""The portfolio speaks German under set_language("de"): strategies of McDonald's and the DPM vocabulary (issue 17)."""

import pandas as pd

import kamlab
from kamlab.portfolios.scoring import VOCABULARIES


def _scores():
    # four accounts, one per quadrant: (position x, attractiveness y) around the split 5 / 5
    return pd.DataFrame({"account_id": ["SA", "WA", "SU", "WU"], "supplier_position": [8.0, 2.0, 8.0, 2.0],
                         "attractiveness": [8.0, 8.0, 2.0, 2.0]})


def test_strategies_follow_the_language_names_stay():
    with kamlab.language("de"):
        german = kamlab.portfolio(_scores(), split=(5, 5))
    english = kamlab.portfolio(_scores(), split=(5, 5))
    assert german["quadrant"].astype(str).tolist() == ["Strategic", "Star", "Status", "Streamline"]
    assert german["strategy"].iloc[1] == "Selektiv investieren: einen größeren Lieferanteil gewinnen"
    assert german["strategy"].iloc[3].startswith("Betreuungskosten senken")
    assert english["strategy"].tolist() == [s for _, s in VOCABULARIES["mcdonald"]]
    assert set(german["strategy"]).isdisjoint(english["strategy"])


def test_dpm_strategies_in_german():
    with kamlab.language("de"):
        german = kamlab.portfolio(_scores(), split=(5, 5), labels="dpm")
    assert german["quadrant"].astype(str).tolist()[0] == "Invest for growth"
    assert all(not s.startswith(("Commit", "Pick", "Defend", "Cut")) for s in german["strategy"])
