"""Tests of key-account identification: ABC/Pareto, concentration, DB cascade, cross-tables, migration.

Small examples are computed by hand (in the comments); real-data checks recompute the
results independently with plain Python/NumPy.
"""

import math
import random

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.identify import (
    LOST,
    NEW,
    NO_SHARE,
    abc_analysis,
    abc_compare,
    abc_crosstab,
    abc_migration,
    abc_summary,
    concentration,
    contribution_cascade,
    key_account_candidates,
    migration_matrix,
)


def table(values, ids=None):
    ids = ids or [f"K{i}" for i in range(1, len(values) + 1)]
    return pd.DataFrame({"account_id": ids, "revenue": values})


def classes(result):
    return dict(zip(result["account_id"], result["abc"].astype(str)))


# ----------------------------------------------------------------------------- ABC, by hand
@pytest.mark.parametrize("rule", ["cover", "within"])
def test_thresholds_hit_exactly(rule):
    # 50, 30, 15, 5: cumulative 0.50, 0.80, 0.95, 1.00 -> both rules: A A B C
    result = abc_analysis(table([5, 50, 15, 30]), thresholds=(0.8, 0.95), rule=rule)
    assert result["account_id"].tolist() == ["K2", "K4", "K3", "K1"]
    assert result["abc"].astype(str).tolist() == ["A", "A", "B", "C"]
    np.testing.assert_allclose(result["cumulative_share"], [0.5, 0.8, 0.95, 1.0])
    np.testing.assert_allclose(result["share"], [0.5, 0.3, 0.15, 0.05])
    assert result["rank"].tolist() == [1, 2, 3, 4]


@pytest.mark.parametrize("rule", ["cover", "within"])
def test_thresholds_hit_exactly_despite_floating_point(rule):
    # ten accounts of 0.1: the cumulative sums are 0.30000000000000004 etc. in floating point
    result = abc_analysis(table([0.1] * 10), thresholds=(0.3, 0.7), rule=rule)
    assert result["abc"].value_counts().loc[["A", "B", "C"]].tolist() == [3, 4, 3]


def test_the_two_rules_differ_where_an_account_crosses_the_threshold():
    # 60, 25, 10, 5: cumulative 0.60, 0.85, 0.95, 1.00
    cover = abc_analysis(table([60, 25, 10, 5]), rule="cover")
    within = abc_analysis(table([60, 25, 10, 5]), rule="within")
    assert cover["abc"].astype(str).tolist() == ["A", "A", "B", "C"]  # 0.85 is the first to reach 0.8
    assert within["abc"].astype(str).tolist() == ["A", "B", "B", "C"]  # 0.85 > 0.8, but 0.95 <= 0.95


def test_within_can_leave_class_a_empty():
    # 90, 5, 5: the biggest account alone holds more than 80 %
    assert abc_analysis(table([90, 5, 5]), rule="within")["abc"].astype(str).tolist() == ["B", "B", "C"]
    assert abc_analysis(table([90, 5, 5]), rule="cover")["abc"].astype(str).tolist() == ["A", "B", "C"]


def test_ties_are_ordered_by_account_id_whatever_the_input_order():
    # 40 then three accounts of 20 (ids K1, K2, K3): cumulative 0.4, 0.6, 0.8, 1.0
    values, ids = [20, 20, 40, 20], ["K3", "K1", "K9", "K2"]
    rows = list(zip(ids, values))
    for seed in range(5):
        random.Random(seed).shuffle(rows)
        frame = pd.DataFrame(rows, columns=["account_id", "revenue"])
        cover = abc_analysis(frame, thresholds=(0.5, 0.9), rule="cover")
        assert cover["account_id"].tolist() == ["K9", "K1", "K2", "K3"]
        assert cover["abc"].astype(str).tolist() == ["A", "A", "B", "B"]
        within = abc_analysis(frame, thresholds=(0.5, 0.9), rule="within")
        assert within["abc"].astype(str).tolist() == ["A", "B", "B", "C"]


def test_zero_and_negative_values_form_their_own_group_and_stay():
    frame = table([100.0, 0.0, -20.0, 50.0])
    result = abc_analysis(frame, thresholds=(0.6,))
    assert len(result) == 4 and result["revenue"].sum() == 130.0  # nothing removed
    assert classes(result) == {"K1": "A", "K4": "B", "K2": NO_SHARE, "K3": NO_SHARE}
    assert result["account_id"].tolist() == ["K1", "K4", "K2", "K3"]
    assert result["share"].iloc[:2].tolist() == pytest.approx([100 / 150, 50 / 150])
    assert result["share"].iloc[2:].isna().all() and result["rank"].iloc[2:].isna().all()
    assert result.attrs["n_no_share"] == 2
    summary = abc_summary(result)
    assert summary.loc[NO_SHARE, "accounts"] == 2 and math.isnan(summary.loc[NO_SHARE, "share_of_value"])
    assert summary.loc["A", "share_of_value"] == pytest.approx(2 / 3)


def test_by_count_uses_the_share_of_accounts():
    ten = abc_analysis(table(list(range(10, 0, -1))), thresholds=(0.2, 0.5), by="count")
    assert ten["abc"].value_counts().loc[["A", "B", "C"]].tolist() == [2, 3, 5]
    # 7 accounts: 20 % is 1.4 accounts and 50 % is 3.5
    seven = table(list(range(7, 0, -1)))
    cover = abc_analysis(seven, thresholds=(0.2, 0.5), by="count", rule="cover")
    within = abc_analysis(seven, thresholds=(0.2, 0.5), by="count", rule="within")
    assert cover["abc"].astype(str).tolist() == ["A", "A", "B", "B", "C", "C", "C"]
    assert within["abc"].astype(str).tolist() == ["A", "B", "B", "C", "C", "C", "C"]


def test_any_number_of_thresholds_and_own_labels():
    result = abc_analysis(table([40, 30, 20, 10]), thresholds=(0.4, 0.7, 0.9), labels=["I", "II", "III", "IV"])
    assert result["abc"].astype(str).tolist() == ["I", "II", "III", "IV"]
    assert list(result["abc"].cat.categories) == ["I", "II", "III", "IV", NO_SHARE]
    assert abc_analysis(table([1, 1]), thresholds=(0.5,))["abc"].astype(str).tolist() == ["A", "B"]


def test_index_is_the_id_when_there_is_no_id_column():
    frame = pd.DataFrame({"revenue": [10, 30, 10]}, index=["b", "a", "c"])
    assert abc_analysis(frame).index.tolist() == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"thresholds": (0.95, 0.8)}, "must increase"),
        ({"thresholds": (0.8, 1.0)}, "strictly between 0 and 1"),
        ({"thresholds": ()}, "at least one threshold"),
        ({"thresholds": "high"}, "numbers between 0 and 1"),
        ({"rule": "inside"}, "'cover' or 'within'"),
        ({"by": "accounts"}, "'value' or 'count'"),
        ({"value": "sales"}, "no column 'sales'"),
        ({"labels": ["A", "B"]}, "Give 3 different labels"),
    ],
)
def test_bad_parameters_are_clear_errors(kwargs, message):
    with pytest.raises(kamlab.KamlabError, match=message):
        abc_analysis(table([3, 2, 1]), **kwargs)


def test_missing_values_are_a_clear_error():
    with pytest.raises(kamlab.DataFormatError, match="1 accounts have no usable number in column 'revenue'"):
        abc_analysis(table([3.0, None, 1.0]))


def test_key_account_candidates_is_the_smallest_covering_set():
    frame = table([60, 25, 10, 5])
    assert key_account_candidates(frame, share=0.5)["account_id"].tolist() == ["K1"]
    assert key_account_candidates(frame, share=0.6)["account_id"].tolist() == ["K1"]  # 60 % reached exactly
    assert key_account_candidates(frame, share=0.61)["account_id"].tolist() == ["K1", "K2"]
    assert key_account_candidates(frame, share=0.9)["account_id"].tolist() == ["K1", "K2", "K3"]


# ----------------------------------------------------------------------------- concentration
def test_gini_hhi_and_shares_by_hand():
    # 1, 2, 3, 4: sum (2i - n - 1) x_i = -3 - 2 + 3 + 12 = 10, over n * sum = 40 -> 0.25
    result = concentration([3, 1, 4, 2])
    assert result.gini == pytest.approx(0.25)
    assert result.hhi == pytest.approx((1 + 4 + 9 + 16) / 100)
    assert result.top_shares[0.2] == pytest.approx(0.4)  # ceil(0.8) = 1 account
    assert (result.n_for_50, result.n_for_80) == (2, 3)  # 0.4, 0.7 | 0.9
    np.testing.assert_allclose(result.lorenz["share_of_accounts"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(result.lorenz["share_of_value"], [0, 0.1, 0.3, 0.6, 1])


@pytest.mark.parametrize("n", [1, 2, 5, 100])
def test_gini_and_hhi_extremes(n):
    equal = concentration(np.full(n, 7.0))
    assert equal.gini == pytest.approx(0.0, abs=1e-12) and equal.hhi == pytest.approx(1 / n)
    monopoly = concentration(np.r_[np.zeros(n - 1), 5.0])
    assert monopoly.gini == pytest.approx((n - 1) / n) and monopoly.hhi == pytest.approx(1.0)
    assert monopoly.n_for_50 == monopoly.n_for_80 == 1


def test_concentration_sets_aside_negative_values():
    result = concentration(pd.DataFrame({"db4": [10.0, -5.0, 0.0, 30.0]}), value="db4")
    assert (result.n_accounts, result.n_set_aside) == (3, 1)
    assert result.total == 40.0
    assert result.summary()["set_aside_negative"] == 1
    with pytest.raises(kamlab.ParameterError, match="No account has a positive value"):
        concentration([0.0, -1.0])


# ----------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def retail_revenue(online_retail_lines):
    return online_retail_lines.dropna(subset=["account_id"]).groupby("account_id")["revenue"].sum()


def test_online_retail_classes_gini_and_60_percent_cover_match_an_independent_computation(retail_revenue):
    frame = retail_revenue.rename("revenue").reset_index()
    result = abc_analysis(frame, thresholds=(0.8, 0.95))
    # independent: plain Python over the positive revenues, biggest first, ties by id
    positive = sorted(((-v, k) for k, v in retail_revenue.items() if v > 0))
    total = sum(-v for v, _ in positive)
    counts, running, expected_class = {"A": 0, "B": 0, "C": 0}, 0.0, {}
    for negative_value, account in positive:
        before = running / total
        label = "A" if before < 0.8 - 1e-12 else ("B" if before < 0.95 - 1e-12 else "C")
        counts[label] += 1
        expected_class[account] = label
        running += -negative_value
    got = result["abc"].value_counts()
    assert [got["A"], got["B"], got["C"]] == [counts["A"], counts["B"], counts["C"]]
    assert got[NO_SHARE] == int((retail_revenue <= 0).sum()) > 0
    assert classes(result.iloc[: len(positive)]) == expected_class

    # 60 % cover: the first account whose running share reaches 0.6
    running, n_60 = 0.0, 0
    for negative_value, _ in positive:
        running += -negative_value
        n_60 += 1
        if running / total >= 0.6 - 1e-12:
            break
    assert len(key_account_candidates(frame, share=0.6)) == n_60

    # Gini as the mean absolute difference over all pairs, over twice the mean (zero values included)
    values = retail_revenue[retail_revenue >= 0].to_numpy()
    mad = sum(np.abs(values[i] - values).sum() for i in range(len(values))) / len(values) ** 2
    assert concentration(values).gini == pytest.approx(mad / (2 * values.mean()), rel=1e-9)


# ----------------------------------------------------------------------------- DB cascade
@pytest.fixture
def costs():
    return pd.DataFrame(
        {
            "account_id": ["K1", "K2"],
            "revenue": [1000.0, 200.0],
            "discounts_rebates": [50.0, 0.0],
            "cost": [600.0, 150.0],
            "marketing": [20.0, 10.0],
            "sales_visits": [80.0, 60.0],
            "order_handling": [10.0, 5.0],
            "logistics": [30.0, 20.0],
            "technical_service": [40.0, 15.0],
        }
    )


def test_default_cascade_by_hand(costs):
    cascade = contribution_cascade(costs).set_index("account_id")
    # K1: 1000 - 50 = 950; -600 = 350; -20 = 330; -90 = 240; -70 = 170
    assert cascade.loc["K1", ["net_revenue", "db1", "db2", "db3", "db4"]].tolist() == [950, 350, 330, 240, 170]
    # K2: 200; 50; 40; -25; -60: a customer who loses money once cost-to-serve is paid
    assert cascade.loc["K2", ["net_revenue", "db1", "db2", "db3", "db4"]].tolist() == [200, 50, 40, -25, -60]
    assert cascade.loc["K2", "db4_rate"] == pytest.approx(-0.3)
    assert cascade.loc["K1", "db1_rate"] == pytest.approx(350 / 950)
    assert list(cascade.columns[:4]) == ["revenue", "discounts_rebates", "net_revenue", "cost"]


def test_own_levels_and_no_deductions(costs):
    levels = [("margin", ["cost"]), ("after_service", ["logistics", "technical_service", "sales_visits"])]
    cascade = contribution_cascade(costs, levels, deductions=())
    assert cascade["net_revenue"].tolist() == [1000.0, 200.0]
    assert cascade["after_service"].tolist() == [1000 - 600 - 150.0, 200 - 150 - 95.0]
    assert "db1" not in cascade and "after_service_rate" in cascade


def test_cascade_errors(costs):
    with pytest.raises(kamlab.MissingColumnError, match="'marketing'"):
        contribution_cascade(costs.drop(columns="marketing"))
    with pytest.raises(kamlab.ParameterError, match="own name"):
        contribution_cascade(costs, [("x", ["cost"]), ("x", ["marketing"])])
    broken = costs.astype({"cost": object})
    broken.loc[0, "cost"] = "n/a"
    with pytest.raises(kamlab.DataFormatError, match="column 'cost'"):
        contribution_cascade(broken)


def test_zero_net_revenue_has_no_rate(costs):
    costs.loc[1, "revenue"] = 0.0
    cascade = contribution_cascade(costs)
    assert cascade["db1_rate"].isna().tolist() == [False, True]


# ----------------------------------------------------------------------------- cross-table and migration
def test_crosstab_revenue_against_margin():
    frame = pd.DataFrame(
        {
            "account_id": ["K1", "K2", "K3", "K4"],
            "revenue": [60.0, 25.0, 10.0, 5.0],  # cover (0.8, 0.95): A A B C
            "db4": [-5.0, 50.0, 30.0, 20.0],  # positive total 100: K2 A (0.5), K3 A (reaches 0.8), K4 B
        }
    )
    both = abc_compare(frame, ("revenue", "db4")).set_index("account_id")
    assert both["abc_db4"].astype(str).to_dict() == {"K1": NO_SHARE, "K2": "A", "K3": "A", "K4": "B"}
    cross = abc_crosstab(frame, "revenue", "db4")
    assert cross.loc["A", NO_SHARE] == 1  # the biggest account by revenue earns nothing
    assert cross.loc["A", "A"] == 1 and cross.loc["B", "A"] == 1 and cross.loc["C", "B"] == 1
    assert int(cross.to_numpy().sum()) == 4
    assert abc_crosstab(frame, "revenue", "db4", normalize=True).to_numpy().sum() == pytest.approx(1.0)


def test_migration_between_two_periods():
    before = table([100.0, 50.0, 10.0], ["K1", "K2", "K3"])
    after = table([10.0, 100.0, 50.0], ["K1", "K2", "K4"])
    # thresholds (0.6, 0.9), cover. before: K1 0.625 A, K2 0.9375 B, K3 C; after: K2 A, K4 B, K1 C
    moves = abc_migration(before, after, thresholds=(0.6, 0.9)).set_index("account_id")
    assert moves["abc_before"].astype(str).to_dict() == {"K1": "A", "K2": "B", "K3": "C", "K4": NEW}
    assert moves["abc_after"].astype(str).to_dict() == {"K1": "C", "K2": "A", "K3": LOST, "K4": "B"}
    assert moves["moved"].all()
    assert moves.loc["K4", "revenue_after"] == 50.0 and math.isnan(moves.loc["K4", "revenue_before"])
    matrix = migration_matrix(moves.reset_index())
    assert matrix.loc["A", "C"] == 1 and matrix.loc["B", "A"] == 1
    assert matrix.loc["C", LOST] == 1 and matrix.loc[NEW, "B"] == 1
    assert int(matrix.to_numpy().sum()) == 4
    assert migration_matrix(moves.reset_index(), normalize="index").loc["A"].sum() == pytest.approx(1.0)


def test_case_account_tables_add_up_to_the_case_data():
    case = kamlab.load_case()
    for year in (2024, 2025):
        accounts = case.account_table(year)
        lines = case.transactions[case.transactions["date"].dt.year == year]
        costs = case.costs[case.costs["year"] == year]
        assert accounts["revenue"].sum() == pytest.approx(lines["revenue"].sum())
        assert accounts["marketing"].sum() == pytest.approx(costs["marketing"].sum())
        assert set(accounts["account_id"]) == set(lines["account_id"]) | set(costs["account_id"])
        expected_db4 = (lines["revenue"].sum() - lines["cost"].sum()
                        - costs[["discounts_rebates", "marketing", "sales_visits", "order_handling", "logistics",
                                 "technical_service"]].to_numpy().sum())
        assert accounts["db4"].sum() == pytest.approx(expected_db4)
    with pytest.raises(kamlab.ParameterError, match="years"):
        case.account_table(1999)


def test_summary_share_of_ranked_accounts_matches_by_count_thresholds():
    # 10 positive accounts and 2 with nothing: by="count" 20 % means 2 of the 10 ranked accounts
    result = abc_analysis(table([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]), thresholds=(0.2, 0.5), by="count")
    summary = abc_summary(result)
    assert summary.loc["A", "accounts"] == 2
    assert summary.loc["A", "share_of_ranked"] == pytest.approx(0.2)
    assert summary.loc["A", "share_of_accounts"] == pytest.approx(2 / 12)
    assert math.isnan(summary.loc[NO_SHARE, "share_of_ranked"])


def test_summary_every_column_by_hand():
    # 100, 50, 30, 20 and a credit of -10; positive total 200, cumulative 50, 75, 90, 100 %; under "cover" with
    # (0.6, 0.9): A = 100, 50 (75 % covers 60 %), B = 30 (90 % covers 90 %), C = 20, and the credit in NO_SHARE
    result = abc_analysis(table([100.0, 50.0, 30.0, 20.0, -10.0]), thresholds=(0.6, 0.9))
    summary = abc_summary(result)
    assert summary.index.tolist() == ["A", "B", "C", NO_SHARE] and summary.index.name == "abc"
    assert summary.columns.tolist() == ["accounts", "share_of_accounts", "share_of_ranked", "value",
                                        "share_of_value", "smallest"]
    expected = {"A": [2, 2 / 5, 2 / 4, 150.0, 0.75, 50.0], "B": [1, 1 / 5, 1 / 4, 30.0, 0.15, 30.0],
                "C": [1, 1 / 5, 1 / 4, 20.0, 0.10, 20.0], NO_SHARE: [1, 1 / 5, np.nan, -10.0, np.nan, -10.0]}
    for cls, row in expected.items():
        assert summary.loc[cls].tolist() == pytest.approx(row, nan_ok=True)
    # the same from the columns alone (attrs lost in a merge: the value named), and no NO_SHARE row without one
    bare = result.copy()
    bare.attrs = {}
    pd.testing.assert_frame_equal(abc_summary(bare, "revenue"), summary)
    assert NO_SHARE not in abc_summary(abc_analysis(table([100.0, 50.0]), thresholds=(0.6,))).index
