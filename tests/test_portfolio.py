"""Tests of scoring models, the portfolio matrix, weight sensitivity and the key-account list."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.portfolios import VOCABULARIES, ScoringModel, portfolio, select_key_accounts, weight_sensitivity

WEIGHTS = {"c1": 0.25, "c2": 0.30, "c3": 0.20, "c4": 0.15, "c5": 0.10}


def test_worked_example_of_a_weighted_scoring():
    # 0.25*8 + 0.30*5 + 0.20*7 + 0.15*6 + 0.10*9 = 2 + 1.5 + 1.4 + 0.9 + 0.9 = 6.70
    # 0.25*6 + 0.30*9 + 0.20*7 + 0.15*8 + 0.10*5 = 1.5 + 2.7 + 1.4 + 1.2 + 0.5 = 7.30
    data = pd.DataFrame({"c1": [8, 6], "c2": [5, 9], "c3": [7, 7], "c4": [6, 8], "c5": [9, 5]})
    result = ScoringModel(WEIGHTS).score(data)
    assert result["total"].tolist() == pytest.approx([6.70, 7.30], abs=1e-12)
    assert result.loc[0, ["c1", "c2", "c3", "c4", "c5"]].tolist() == pytest.approx([2.0, 1.5, 1.4, 0.9, 0.9])
    assert f"{result['total'][0]:.2f}" == "6.70" and f"{result['total'][1]:.2f}" == "7.30"


def test_hierarchical_model_is_group_weight_times_weighted_criteria():
    model = ScoringModel({
        "market": (0.6, {"growth": 0.5, "cooperation": 0.5}),
        "relationship": (0.4, {"satisfaction": 0.75, "proximity": 0.25}),
    })
    data = pd.DataFrame({"growth": [8], "cooperation": [6], "satisfaction": [4], "proximity": [8]})
    result = model.score(data).iloc[0]
    # market = 0.5*8 + 0.5*6 = 7; relationship = 0.75*4 + 0.25*8 = 5; total = 0.6*7 + 0.4*5 = 6.2
    assert result["market"] == pytest.approx(7.0) and result["relationship"] == pytest.approx(5.0)
    assert result["total"] == pytest.approx(6.2)
    assert [result[c] for c in ("growth", "cooperation", "satisfaction", "proximity")] == pytest.approx(
        [0.3 * 8, 0.3 * 6, 0.3 * 4, 0.1 * 8]
    )
    assert model.weights == pytest.approx({"growth": 0.3, "cooperation": 0.3, "satisfaction": 0.3, "proximity": 0.1})


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"c1": -0.2, "c2": 1.2}, "must be 0 or more"),
        ({"c1": 0.5, "c2": 0.4}, "add up to 0.9, not 1"),
        ({"c1": "heavy"}, "not a number"),
        ({}, "non-empty dict"),
        ({"a": (0.5, {"c1": 1.0}), "b": (0.4, {"c2": 1.0})}, "group weights: the weights add up to 0.9"),
        ({"a": (1.0, {"c1": 0.5, "c2": 0.6})}, "group 'a': the weights add up to 1.1"),
        ({"a": (0.5, {"c1": 1.0}), "b": (0.5, {"c1": 1.0})}, "appears in two groups"),
    ],
)
def test_wrong_weights_are_clear_errors(criteria, message):
    with pytest.raises(kamlab.ParameterError, match=message):
        ScoringModel(criteria)


def test_normalize_scales_the_weights():
    model = ScoringModel({"c1": 2, "c2": 3, "c3": 5}, normalize=True)
    assert model.weights == pytest.approx({"c1": 0.2, "c2": 0.3, "c3": 0.5})


def test_unknown_criterion_and_missing_column():
    with pytest.raises(kamlab.ParameterError, match="Unknown criterion 'cost'"):
        ScoringModel(WEIGHTS, reverse=["cost"])
    with pytest.raises(kamlab.ParameterError, match="Unknown criterion 'revenue'"):
        ScoringModel(WEIGHTS, quantitative={"revenue": "quantile"})
    data = pd.DataFrame({"c1": [8], "c2": [5], "c3": [7], "c4": [6]})
    with pytest.raises(kamlab.MissingColumnError, match="'c5'"):
        ScoringModel(WEIGHTS).score(data)


def test_scores_outside_the_scale_or_missing_are_errors():
    data = pd.DataFrame({"c1": [8, 11], "c2": [5, 5], "c3": [7, 7], "c4": [6, 6], "c5": [9, 9]})
    with pytest.raises(kamlab.DataFormatError, match="outside the scale 1–10"):
        ScoringModel(WEIGHTS).score(data)
    data.loc[1, "c1"] = np.nan
    with pytest.raises(kamlab.DataFormatError, match="Criterion 'c1': 1 rows have no number"):
        ScoringModel(WEIGHTS).score(data)


def test_reverse_and_quantitative_criteria():
    model = ScoringModel(
        {"cost_to_serve": 0.5, "revenue": 0.25, "db": 0.25},
        reverse=["cost_to_serve"],
        quantitative={"revenue": "minmax", "db": "quantile"},
    )
    data = pd.DataFrame({"cost_to_serve": [9, 1, 5, 5], "revenue": [10.0, 20.0, 30.0, 30.0], "db": [5, 5, 10, 20]})
    scores = model.scores(data)
    assert scores["cost_to_serve"].tolist() == [2, 10, 6, 6]  # 1 + 10 - score
    assert scores["revenue"].tolist() == pytest.approx([1, 5.5, 10, 10])  # (x - 10) / 20 * 9 + 1
    # average ranks 1.5, 1.5, 3, 4 of 4 -> 1 + (rank - 1) / 3 * 9
    assert scores["db"].tolist() == pytest.approx([2.5, 2.5, 7, 10])
    # against a reference population, values outside it are clipped to the scale
    reference = pd.DataFrame({"cost_to_serve": [1, 1], "revenue": [0.0, 20.0], "db": [0, 100]})
    assert model.scores(data, reference)["revenue"].tolist() == pytest.approx([5.5, 10, 10, 10])


def test_portfolio_quadrants_and_the_split_rule():
    scores = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5"],
        "supplier_position": [8, 3, 7, 2, 5],
        "attractiveness": [9, 8, 2, 3, 5],
    })
    result = portfolio(scores, split=(5, 5)).set_index("account_id")
    assert result["quadrant"].astype(str).to_dict() == {
        "K1": "Strategic", "K2": "Star", "K3": "Status", "K4": "Streamline",
        "K5": "Strategic",  # exactly on both splits: counts as high on both
    }
    assert result.attrs["split"] == (5.0, 5.0)
    median = portfolio(scores)  # medians 5 and 5: the same result
    assert median["quadrant"].astype(str).tolist() == result["quadrant"].astype(str).tolist()
    mean = portfolio(scores, split="mean")  # means 5 and 5.4: K5 (5, 5) is no longer attractive
    assert mean.set_index("account_id").loc["K5", "quadrant"] == "Status"


@pytest.mark.parametrize("labels", list(VOCABULARIES))
def test_vocabularies_list_the_quadrants_in_the_documented_order(labels):
    scores = pd.DataFrame({"supplier_position": [8, 3, 7, 2], "attractiveness": [9, 8, 2, 3]})
    result = portfolio(scores, split=(5, 5), labels=labels)
    assert result["quadrant"].astype(str).tolist() == [name for name, _ in VOCABULARIES[labels]]
    assert result["strategy"].tolist() == [strategy for _, strategy in VOCABULARIES[labels]]


def test_german_vocabulary_names_the_standard_strategies():
    names = dict(VOCABULARIES["de"])
    assert names["Fragezeichenkunden"].startswith("Big Step or Out")
    assert names["Mitnahmekunden"].startswith("Selektiver Rückzug")


def test_portfolio_errors():
    scores = pd.DataFrame({"supplier_position": [1.0], "attractiveness": [2.0]})
    with pytest.raises(kamlab.ParameterError, match="labels must be one of"):
        portfolio(scores, labels="bcg")
    with pytest.raises(kamlab.MissingColumnError, match="'revenue'"):
        portfolio(scores, size="revenue")
    with pytest.raises(kamlab.ParameterError, match="split"):
        portfolio(scores, split="quartile")


@pytest.fixture
def rated():
    # K1 is attractive only through c1 (weights c1 0.5, c2 0.5); K2 is robustly attractive and strong
    return pd.DataFrame({
        "account_id": ["K1", "K2", "K3"],
        "c1": [10.0, 9.0, 1.0], "c2": [1.0, 9.0, 2.0],  # attractiveness: K1 5.5, K2 9, K3 1.5
        "p1": [9.0, 9.0, 1.0], "p2": [9.0, 9.0, 1.0],  # position: K1 9, K2 9, K3 1
    })


def test_one_at_a_time_sensitivity_finds_the_account_that_flips(rated):
    attractiveness = ScoringModel({"c1": 0.5, "c2": 0.5})
    position = ScoringModel({"p1": 0.5, "p2": 0.5})
    result = weight_sensitivity(rated, attractiveness, position, delta=0.2, split=(5, 5.5)).set_index("account_id")
    assert len(result.attrs["scenarios"]) == 2 * (2 + 2)
    # c1 -20 %: weights 0.4/0.5 -> 0.444/0.556, K1 = 0.444*10 + 0.556*1 = 5.0 < 5.5: K1 falls to Status
    assert result.loc["K1", "quadrant"] == "Strategic" and result.loc["K1", "flips"]
    assert result.loc["K1", "other_quadrants"] == "Status"
    assert result.loc["K1", "attractiveness_min"] == pytest.approx(0.4 / 0.9 * 10 + 0.5 / 0.9 * 1)
    assert not result.loc["K2", "flips"] and result.loc["K2", "stability"] == 1.0
    assert result.loc["K3", "quadrant"] == "Streamline" and not result.loc["K3", "flips"]


def test_monte_carlo_sensitivity_is_seeded(rated):
    attractiveness = ScoringModel({"c1": 0.5, "c2": 0.5})
    position = ScoringModel({"p1": 0.5, "p2": 0.5})
    kwargs = dict(delta=0.3, method="monte_carlo", n_samples=200, split=(5, 5.5))
    first = weight_sensitivity(rated, attractiveness, position, random_state=7, **kwargs)
    second = weight_sensitivity(rated, attractiveness, position, random_state=7, **kwargs)
    pd.testing.assert_frame_equal(first, second)
    k1 = first.set_index("account_id").loc["K1"]
    # K1 stays attractive while 10 w1 + w2 >= 5.5 (w1 + w2 = 1), i.e. w1 >= 0.5: about half of the draws
    assert 0.35 < k1["stability"] < 0.65
    with pytest.raises(kamlab.ParameterError, match="method"):
        weight_sensitivity(rated, attractiveness, position, method="sobol")


def _sensitivity_one_scenario_at_a_time(data, attractiveness, position, scenarios, split, labels):
    """The reference: every scenario placed with kamlab.portfolio, one after the other (kamlab before 0.2)."""
    att, pos, quadrants = [], [], []
    for scenario in scenarios:
        frame = pd.DataFrame({"account_id": data["account_id"],
                              "attractiveness": scenario.attractiveness.score(data)["total"].to_numpy(),
                              "position": scenario.position.score(data)["total"].to_numpy()})
        placed = portfolio(frame, x="position", y="attractiveness", split=split, labels=labels)
        att.append(placed["attractiveness"].to_numpy())
        pos.append(placed["position"].to_numpy())
        quadrants.append(placed["quadrant"].astype(str).to_numpy())
    return np.array(att), np.array(pos), np.array(quadrants, dtype=object)


@pytest.mark.parametrize(("method", "split", "hierarchical"), [("oat", "median", False), ("monte_carlo", "median", True),
                                                               ("monte_carlo", "mean", False), ("oat", (5.2, 5.4), True)])
def test_sensitivity_in_one_array_computation_equals_placing_each_scenario(method, split, hierarchical):
    """Scores within 1e-12 and the same quadrants as placing every scenario with kamlab.portfolio."""
    from kamlab.portfolios.sensitivity import _scenarios

    rng = np.random.default_rng(3)
    n = 300
    data = pd.DataFrame({"account_id": [f"K{i}" for i in range(n)],
                         **{c: rng.integers(1, 11, n).astype(float) for c in ("c1", "c2", "c3", "p1", "p2", "p3")},
                         "size": rng.gamma(1.0, 1e5, n)})
    if hierarchical:
        attractiveness = ScoringModel({"market": (0.6, {"c1": 0.5, "c2": 0.5}), "money": (0.4, {"c3": 0.3, "size": 0.7})},
                                      quantitative={"size": "quantile"})
    else:
        attractiveness = ScoringModel({"c1": 0.2, "c2": 0.5, "c3": 0.3}, reverse=("c3",))
    position = ScoringModel({"p1": 0.4, "p2": 0.35, "p3": 0.25})
    result = weight_sensitivity(data, attractiveness, position, method=method, n_samples=120, random_state=5,
                                delta=0.3, split=split)
    scenarios = _scenarios(attractiveness, position, method, 0.3, 120, 5)
    att, pos, quadrants = _sensitivity_one_scenario_at_a_time(data, attractiveness, position, scenarios, split,
                                                              "mcdonald")
    np.testing.assert_allclose(result["attractiveness_min"], att.min(axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["attractiveness_max"], att.max(axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["position_min"], pos.min(axis=0), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result["position_max"], pos.max(axis=0), rtol=1e-12, atol=1e-12)
    base = result["quadrant"].astype(str).to_numpy()
    same = quadrants == base[None, :]
    np.testing.assert_array_equal(result["stability"].to_numpy(), same.mean(axis=0))
    expected_other = [", ".join(sorted(set(quadrants[:, j][~same[:, j]]))) for j in range(n)]
    assert result["other_quadrants"].tolist() == expected_other
    ranks = pd.DataFrame(att.T).rank(ascending=False, method="min").to_numpy().T
    base_rank = result["rank"].to_numpy()
    np.testing.assert_array_equal(result["rank_best"], np.minimum(ranks.min(axis=0), base_rank))
    np.testing.assert_array_equal(result["rank_worst"], np.maximum(ranks.max(axis=0), base_rank))
    assert result["flips"].any() and not result["flips"].all()  # the comparison has something to compare


def test_select_key_accounts_reasons_and_order():
    data = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5", "K6"],
        "abc": ["A", "A", "B", "A", "C", "B"],
        "quadrant": ["Strategic", "Star", "Star", "Streamline", "Status", "Strategic"],
        "revenue": [100.0, 300.0, 50.0, 80.0, 5.0, 40.0],
        "headroom": [10.0, 20.0, 500.0, 0.0, 0.0, 1.0],
    })
    selected = select_key_accounts(data, potential="headroom")
    assert selected["account_id"].tolist() == ["K1", "K2", "K3", "K4"]
    assert selected["priority"].tolist() == [1, 2, 3, 4]
    assert "develop the share of wallet" in selected.iloc[1]["reason"]
    without_potential = select_key_accounts(data)
    assert without_potential["account_id"].tolist() == ["K1", "K2", "K4"]
    assert len(select_key_accounts(data, max_accounts=2)) == 2
    with pytest.raises(kamlab.ParameterError, match="not in the 'dpm' vocabulary"):
        select_key_accounts(data, labels="dpm")


def test_select_key_accounts_quotas_make_room_for_accounts_to_develop():
    data = pd.DataFrame({
        "account_id": [f"K{i}" for i in range(8)],
        "abc": ["A"] * 8,
        "quadrant": ["Strategic"] * 5 + ["Star"] * 3,
        "revenue": [100.0, 90, 80, 70, 60, 95, 85, 75],
    })
    strict = select_key_accounts(data, max_accounts=4)
    assert strict["account_id"].tolist() == ["K0", "K1", "K2", "K3"]  # core accounts only
    balanced = select_key_accounts(data, max_accounts=4, quotas={1: 2})
    assert balanced["account_id"].tolist() == ["K0", "K1", "K5", "K6"]
    assert balanced["priority"].tolist() == [1, 1, 2, 2]
    assert len(select_key_accounts(data, max_accounts=None)) == 8
    with pytest.raises(kamlab.ParameterError, match="quotas"):
        select_key_accounts(data, quotas={5: 1})


def test_top_quarter_of_potential_is_a_quarter_even_with_tied_ratings():
    data = pd.DataFrame({
        "account_id": [f"K{i}" for i in range(8)],
        "abc": ["B"] * 8,
        "quadrant": ["Star"] * 8,
        "revenue": [10.0] * 8,
        "rating": [9, 9, 9, 9, 5, 5, 5, 1],  # four tied at the top: only the first two (by id) are the top quarter
    })
    selected = select_key_accounts(data, potential="rating", max_accounts=None)
    assert selected["account_id"].tolist() == ["K0", "K1"] and (selected["priority"] == 3).all()
    sensitivity_split = weight_sensitivity(
        pd.DataFrame({"account_id": ["a", "b"], "c1": [2.0, 8.0], "p1": [3.0, 7.0]}),
        ScoringModel({"c1": 1.0}), ScoringModel({"p1": 1.0}), split=(5, 5),
    ).attrs["split"]
    assert sensitivity_split == (5.0, 5.0)


def test_nine_cell_grid_by_hand_and_the_cut_rule():
    from kamlab.portfolios import NINE_CELL_GROUPS, portfolio_grid

    scores = pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4", "K5", "K6"],
        "supplier_position": [9.0, 2.0, 5.0, 4.0, 7.0, 3.0],
        "attractiveness": [9.0, 9.0, 2.0, 5.0, 7.0, 6.9],
    })
    grid = portfolio_grid(scores, cuts=((4, 7), (4, 7))).set_index("account_id")
    assert grid["cell"].to_dict() == {
        "K1": "high / strong", "K2": "high / weak", "K3": "low / medium",
        "K4": "medium / medium",  # position 4 is on the lower cut: medium
        "K5": "high / strong",  # 7 and 7 are on the upper cuts: high and strong
        "K6": "medium / weak",
    }
    assert grid["strategy_group"].to_dict() == {
        "K1": "invest", "K2": "selective", "K3": "harvest", "K4": "selective", "K5": "invest", "K6": "harvest",
    }
    assert grid.loc["K3", "strategy"] == "Harvest or withdraw"
    german = portfolio_grid(scores, cuts=((4, 7), (4, 7)), language="de")
    assert german["strategy"].iloc[0] == "Investieren und wachsen"
    # three cells per group, and the groups are symmetric around the diagonal
    groups = list(NINE_CELL_GROUPS.values())
    assert all(groups.count(g) == 3 for g in ("invest", "selective", "harvest"))


def test_nine_cell_grid_tertiles_and_errors():
    from kamlab.portfolios import portfolio_grid

    rng = np.random.default_rng(0)
    scores = pd.DataFrame({"supplier_position": rng.uniform(1, 10, 300), "attractiveness": rng.uniform(1, 10, 300)})
    grid = portfolio_grid(scores)
    counts = grid["attractiveness_level"].value_counts()
    assert all(abs(counts[level] - 100) <= 1 for level in ("low", "medium", "high"))
    assert grid.attrs["cuts"][1] == pytest.approx(tuple(scores["attractiveness"].quantile([1 / 3, 2 / 3])))
    with pytest.raises(kamlab.ParameterError, match="must increase"):
        portfolio_grid(scores, cuts=((7, 4), (4, 7)))
    with pytest.raises(kamlab.ParameterError, match="tertile"):
        portfolio_grid(scores, cuts="quartile")
    with pytest.raises(kamlab.MissingColumnError):
        portfolio_grid(scores.drop(columns="attractiveness"))
