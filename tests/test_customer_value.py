"""Tests of the customer value beyond money (kamlab.customer_value, kamlab.portfolios.customer_value)."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.portfolios.customer_value import DEFAULT_WEIGHTS, monetary_score

RATING_COLUMNS = ["reference_value", "multiplier_value", "information_value", "cooperation_potential"]


@pytest.fixture
def ratings():
    return pd.DataFrame({
        "account_id": ["K1", "K2", "K3", "K4"],
        "reference_value": [9, 4, 6, 2],
        "multiplier_value": [8, 5, 6, 3],
        "information_value": [7, 3, 6, 1],
        "cooperation_potential": [6, 5, 6, 2],
        "reference_customer": [True, False, False, False],
        "db": [20_000.0, 900_000.0, 50_000.0, -10_000.0],
    })


def test_hand_example_with_known_weights(ratings):
    weights = {"monetary": 0.4, "reference": 0.3, "information": 0.2, "cooperation": 0.1}
    result = kamlab.customer_value(ratings, monetary="db", weights=weights)
    # DB ranks, smallest first: K4 (-10,000) 1, K1 (20,000) 2, K3 (50,000) 3, K2 (900,000) 4 of n = 4
    # monetary score = 1 + 9 (rank - 1) / 3: K4 1, K1 4, K3 7, K2 10
    assert result["monetary"].tolist() == pytest.approx([4, 10, 7, 1])
    # K1: 0.4*4 + 0.3*9 + 0.2*7 + 0.1*6 = 1.6 + 2.7 + 1.4 + 0.6 = 6.3
    # K2: 0.4*10 + 0.3*4 + 0.2*3 + 0.1*5 = 4.0 + 1.2 + 0.6 + 0.5 = 6.3
    # K3: 0.4*7 + 0.3*6 + 0.2*6 + 0.1*6 = 2.8 + 1.8 + 1.2 + 0.6 = 6.4
    # K4: 0.4*1 + 0.3*2 + 0.2*1 + 0.1*2 = 0.4 + 0.6 + 0.2 + 0.2 = 1.4
    assert result["customer_value"].tolist() == pytest.approx([6.3, 6.3, 6.4, 1.4])
    assert result["customer_value_rank"].tolist() == [2, 2, 1, 4]  # ties share the best rank
    # traceable: the components are there, the multiplier (weight 0) is not, the raw DB comes along
    assert list(result.columns) == ["account_id", "db", "monetary", "reference", "information", "cooperation",
                                    "customer_value", "customer_value_rank"]
    assert result["reference"].tolist() == [9, 4, 6, 2]
    assert result.attrs["weights"] == pytest.approx(weights)


def test_default_weights_and_reference_customer_bonus(ratings):
    result = kamlab.customer_value(ratings, monetary="db", reference_customer="reference_customer")
    assert DEFAULT_WEIGHTS == {"monetary": 0.40, "reference": 0.15, "multiplier": 0.15, "information": 0.15,
                               "cooperation": 0.15}
    # K1 is a reference customer: reference 9 + 2 = 11, capped at 10
    # K1: 0.40*4 + 0.15*(10 + 8 + 7 + 6) = 1.6 + 4.65 = 6.25; K2: 0.40*10 + 0.15*17 = 6.55
    assert result["reference"].tolist() == [10, 4, 6, 2]
    assert result["customer_value"].iloc[:2].tolist() == pytest.approx([6.25, 6.55])
    assert result["reference_customer"].tolist() == [True, False, False, False]
    smaller = kamlab.customer_value(ratings, monetary="db", reference_customer="reference_customer",
                                    reference_bonus=0.5)
    assert smaller["reference"].iloc[0] == pytest.approx(9.5)


def test_without_money_the_four_values_weigh_equally(ratings):
    result = kamlab.customer_value(ratings.drop(columns="db"))
    assert "monetary" not in result.columns
    # K1: (9 + 8 + 7 + 6) / 4 = 7.5
    assert result["customer_value"].iloc[0] == pytest.approx(7.5)
    assert result.attrs["weights"] == pytest.approx({c: 0.25 for c in
                                                    ("reference", "multiplier", "information", "cooperation")})


def test_monetary_as_a_table_or_a_series(ratings):
    table = pd.DataFrame({"account_id": ["K4", "K3", "K2", "K1", "K9"], "clv": [1.0, 3.0, 4.0, 2.0, 99.0]})
    from_table = kamlab.customer_value(ratings, table, value="clv")
    # K9 has no ratings and is not scored; the four others rank K4 < K1 < K3 < K2 as in the DB example
    assert from_table["monetary"].tolist() == pytest.approx([4, 10, 7, 1])
    series = pd.Series([2.0, 4.0, 3.0, 1.0], index=["K1", "K2", "K3", "K4"], name="clv")
    from_series = kamlab.customer_value(ratings, series)
    pd.testing.assert_frame_equal(from_table, from_series)
    assert "clv" in from_series.columns


def test_monetary_scalings():
    values = pd.Series([0.0, 9.0, 99.0, -5.0])
    # log: log1p of [0, 9, 99, 0] = [0, log 10, log 100, 0]; min 0, max log 100 -> 1, 5.5, 10, 1
    assert monetary_score(values, "log").tolist() == pytest.approx([1.0, 5.5, 10.0, 1.0])
    # minmax: (v + 5) / 104 * 9 + 1
    assert monetary_score(values, "minmax").tolist() == pytest.approx([1 + 9 * 5 / 104, 1 + 9 * 14 / 104, 10, 1])
    assert monetary_score(pd.Series([7.0, 7.0]), "rank").tolist() == [5.5, 5.5]


@pytest.mark.parametrize("component", ["monetary", "reference", "multiplier", "information", "cooperation"])
def test_raising_one_component_never_lowers_the_score(component):
    rng = np.random.default_rng(7)
    n = 60
    ratings = pd.DataFrame({"account_id": [f"K{i}" for i in range(n)],
                            **{c: rng.integers(1, 11, n) for c in RATING_COLUMNS},
                            "db": rng.lognormal(10, 1.5, n) - 5_000})
    column = {"monetary": "db", "reference": "reference_value", "multiplier": "multiplier_value",
              "information": "information_value", "cooperation": "cooperation_potential"}[component]
    for scaling in ("rank", "log", "minmax"):
        before = kamlab.customer_value(ratings, monetary="db", scaling=scaling)
        for account in range(0, n, 7):
            raised = ratings.copy()
            step = 50_000.0 if component == "monetary" else 1
            raised.loc[account, column] = min(raised.loc[account, column] + step, 1e12 if step > 1 else 10)
            after = kamlab.customer_value(raised, monetary="db", scaling=scaling)
            assert after.loc[account, "customer_value"] >= before.loc[account, "customer_value"] - 1e-12
            if raised.loc[account, column] != ratings.loc[account, column] and component != "monetary":
                assert after.loc[account, "customer_value"] > before.loc[account, "customer_value"]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"monetary": -0.1, "reference": 1.1}, "must be 0 or more"),
        ({"monetary": 0.5, "reference": 0.4}, "add up to 0.9, not 1"),
        ({"monetary": "much"}, "not a number"),
        ({"loyalty": 1.0}, "unknown component 'loyalty'"),
        ({}, "non-empty dict"),
        ({"monetary": 0, "reference": 0}, "add up to 0"),
    ],
)
def test_wrong_weights_are_clear_errors(ratings, weights, message):
    with pytest.raises(kamlab.ParameterError, match=message):
        kamlab.customer_value(ratings, monetary="db", weights=weights)


def test_normalize_divides_by_the_sum(ratings):
    result = kamlab.customer_value(ratings, monetary="db", weights={"monetary": 2, "reference": 2}, normalize=True)
    assert result.attrs["weights"] == {"monetary": 0.5, "reference": 0.5}
    # K1: 0.5*4 + 0.5*9 = 6.5
    assert result["customer_value"].iloc[0] == pytest.approx(6.5)


def test_monetary_weight_without_money_is_an_error(ratings):
    with pytest.raises(kamlab.ParameterError, match="no monetary value was passed"):
        kamlab.customer_value(ratings, weights=DEFAULT_WEIGHTS)


def test_missing_ratings_are_an_error_unless_told(ratings):
    gappy = ratings.astype({"information_value": "float64"})
    gappy.loc[1, "information_value"] = np.nan
    with pytest.raises(kamlab.DataFormatError, match="information.*account 'K2'.*missing='drop'"):
        kamlab.customer_value(gappy, monetary="db")
    dropped = kamlab.customer_value(gappy, monetary="db", missing="drop")
    assert dropped["account_id"].tolist() == ["K1", "K3", "K4"] and dropped.attrs["dropped"] == ["K2"]
    filled = kamlab.customer_value(gappy, monetary="db", missing=5.5)
    assert filled.loc[1, "information"] == 5.5
    median = kamlab.customer_value(gappy, monetary="db", missing="median")
    assert median.loc[1, "information"] == 6  # median of 7, 6, 1
    no_money = ratings.assign(db=[1.0, np.nan, 2.0, 3.0])
    with pytest.raises(kamlab.DataFormatError, match="'monetary' of account 'K2'"):
        kamlab.customer_value(no_money, monetary="db")


@pytest.mark.parametrize(
    ("change", "kwargs", "error", "message"),
    [
        (lambda r: r.assign(reference_value=[11, 4, 6, 2]), {}, kamlab.DataFormatError, "outside 1–10"),
        (lambda r: r.assign(reference_value=["nine", 4, 6, 2]), {}, kamlab.DataFormatError, "not numbers"),
        (lambda r: r.drop(columns="multiplier_value"), {}, kamlab.MissingColumnError, "columns=.*'multiplier'"),
        (lambda r: r.assign(account_id=["K1", "K1", "K3", "K4"]), {}, kamlab.DataFormatError, "more than once"),
        (lambda r: r, {"monetary": "clv"}, kamlab.MissingColumnError, "not a column of ratings"),
        (lambda r: r, {"monetary": [1, 2]}, kamlab.ParameterError, "monetary takes"),
        (lambda r: r, {"scaling": "sqrt"}, kamlab.ParameterError, "scaling must be"),
        (lambda r: r, {"missing": "zero"}, kamlab.ParameterError, "missing must be"),
        (lambda r: r, {"missing": 0}, kamlab.ParameterError, "missing must be"),
        (lambda r: r, {"reference_bonus": 12}, kamlab.ParameterError, "reference_bonus"),
        (lambda r: r, {"reference_customer": "referenz"}, kamlab.MissingColumnError, "reference_customer="),
        (lambda r: r.assign(reference_customer=[1, 0, None, 0]), {"reference_customer": "reference_customer"},
         kamlab.DataFormatError, "True or False"),
        (lambda r: r, {"id_col": "kunde"}, kamlab.MissingColumnError, "id_col="),
        (lambda r: r, {"columns": {"loyalty": "x"}}, kamlab.ParameterError, "unknown component 'loyalty'"),
    ],
)
def test_bad_input_names_the_fix(ratings, change, kwargs, error, message):
    arguments = {"monetary": "db", **kwargs}
    with pytest.raises(error, match=message):
        kamlab.customer_value(change(ratings), **arguments)


def test_other_rating_names_through_columns(ratings):
    renamed = ratings.rename(columns={"cooperation_potential": "kooperation"})
    result = kamlab.customer_value(renamed, monetary="db", columns={"cooperation": "kooperation"})
    expected = kamlab.customer_value(ratings, monetary="db")
    pd.testing.assert_series_equal(result["customer_value"], expected["customer_value"])


def test_ids_from_the_index(ratings):
    result = kamlab.customer_value(ratings.set_index("account_id"), monetary="db")
    assert result["account_id"].tolist() == ["K1", "K2", "K3", "K4"]


def test_the_column_is_a_criterion_of_customer_attractiveness(ratings):
    value = kamlab.customer_value(ratings, monetary="db", weights={"monetary": 0.5, "reference": 0.5})
    accounts = ratings.assign(growth_potential=[2, 8, 5, 5], satisfaction=[8, 3, 6, 2],
                              customer_value=value["customer_value"])
    attractiveness = kamlab.ScoringModel({"growth_potential": 0.4, "customer_value": 0.6})
    scored = accounts.assign(attractiveness=attractiveness.score(accounts)["total"],
                             supplier_position=accounts["satisfaction"].astype(float))
    # customer value: K1 0.5*4 + 0.5*9 = 6.5, K2 0.5*10 + 0.5*4 = 7, K3 0.5*7 + 0.5*6 = 6.5, K4 0.5*1 + 0.5*2 = 1.5
    # attractiveness: K1 0.4*2 + 0.6*6.5 = 4.7, K2 0.4*8 + 0.6*7 = 7.4, K3 0.4*5 + 0.6*6.5 = 5.9, K4 0.4*5 + 0.6*1.5 = 2.9
    assert scored["attractiveness"].tolist() == pytest.approx([4.7, 7.4, 5.9, 2.9])
    placed = kamlab.portfolio(scored, split=(5, 5))
    # (position, attractiveness): K1 (8, 4.7) Status, K2 (3, 7.4) Star, K3 (6, 5.9) Strategic, K4 (2, 2.9) Streamline
    assert placed["quadrant"].tolist() == ["Status", "Star", "Strategic", "Streamline"]


def test_case_reference_customers_score_higher(case):
    table = case.account_table(2025)
    rated = table[table["revenue"] > 0].merge(case.ratings, on="account_id", how="left")
    result = kamlab.customer_value(rated, monetary="db4")
    assert result["customer_value"].between(1, 10).all()
    # the comparison derived independently: ranks of DB IV by plain pandas, the default weights by hand
    rank = rated["db4"].rank(method="average")
    monetary = 1 + 9 * (rank - 1) / (len(rated) - 1)
    by_hand = 0.40 * monetary + 0.15 * rated[RATING_COLUMNS].sum(axis=1)
    np.testing.assert_allclose(result["customer_value"], by_hand, atol=1e-9)
    reference = rated["reference_customer"].astype(bool)
    assert 50 < reference.sum() < len(rated) / 2
    assert by_hand[reference].mean() > by_hand[~reference].mean() + 1  # more than a point apart
    assert result.loc[reference, "customer_value"].mean() > result.loc[~reference, "customer_value"].mean()
