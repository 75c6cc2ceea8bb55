"""Tests of kamlab.key_accounts: key accounts on several measures (the OR rule), and its totals.

Small examples are worked out by hand in the comments; on the case company the lists are
recomputed independently with NumPy (sort, cumsum, first crossing), never copied from the output.
"""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.identify import abc_analysis, key_account_candidates, key_accounts


def frame(**columns):
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"account_id": [f"K{i}" for i in range(1, n + 1)], **columns})


def on_list(result, measure):
    return sorted(result.loc[result[f"on_{measure}"], "account_id"])


# ----------------------------------------------------------------------------- by hand
def test_an_account_on_the_margin_list_only_is_a_key_account():
    # revenue 100, 80, 60, 20 (260): K1 38.5 %, K1+K2 69.2 % >= 60 %  -> revenue list K1, K2
    # margin   10, 20,  5, 45  (80): K4 56.25 %, K4+K2 81.25 % >= 60 % -> margin list K4, K2
    table = frame(revenue=[100, 80, 60, 20], contribution_margin=[10, 20, 5, 45])
    result = key_accounts(table, share=0.6)
    assert on_list(result, "revenue") == ["K1", "K2"]
    assert on_list(result, "contribution_margin") == ["K2", "K4"]
    lists = dict(zip(result["account_id"], result["lists"]))
    assert lists == {"K1": "revenue", "K2": "revenue, contribution_margin", "K4": "contribution_margin", "K3": ""}
    assert result["account_id"].tolist() == ["K1", "K2", "K4", "K3"]  # key accounts first, then by revenue rank
    assert result["key_account"].tolist() == [True, True, True, False]
    assert result.loc[result["account_id"] == "K4", "rank_contribution_margin"].item() == 1
    assert result.loc[result["account_id"] == "K4", "cumulative_share_contribution_margin"].item() == 45 / 80
    assert result.attrs["by"] == ("revenue", "contribution_margin")
    assert result.attrs["n_key_accounts"] == 3 and result.attrs["n_accounts"] == 4
    assert result.attrs["measures"]["revenue"]["covered_of_positive"] == pytest.approx(180 / 260)
    # the input is not changed, its index is kept, and its other columns come along
    assert "key_account" not in table.columns
    assert sorted(result.index) == [0, 1, 2, 3]


def test_an_account_on_the_target_list_only_is_a_key_account_on_plan():
    # actual revenue 100, 70, 20, 10 (200): K1 50 %, K1+K2 85 % >= 60 %          -> revenue list K1, K2
    # target revenue 105, 60, 90, 10 (265): K1 39.6 %, K1+K3 73.6 % >= 60 %      -> target list K1, K3
    # K3 (a planned expansion: 20 -> 90) is a key account on the plan only; K2 on the actuals only
    table = frame(revenue=[100, 70, 20, 10], target_revenue=[105, 60, 90, 10])
    result = key_accounts(table, share=0.6, by=("revenue", "target_revenue"))
    assert on_list(result, "revenue") == ["K1", "K2"]
    assert on_list(result, "target_revenue") == ["K1", "K3"]
    lists = dict(zip(result["account_id"], result["lists"]))
    assert lists == {"K1": "revenue, target_revenue", "K2": "revenue", "K3": "target_revenue", "K4": ""}
    assert result.loc[result["account_id"] == "K3", "rank_target_revenue"].item() == 2
    assert result.attrs["measures"]["target_revenue"]["covered_of_positive"] == pytest.approx(195 / 265)
    # the plan-only account: on the target list and not on the actual one
    plan_only = result[result["on_target_revenue"] & ~result["on_revenue"]]
    assert plan_only["account_id"].tolist() == ["K3"]


def test_ties_are_ordered_by_account_id_and_counted():
    # 40, 20, 20, 20 (100): K1 40 %, K2 60 % reaches 0.6 -> K2 is last on the list; K3 and K4 have the same
    # value but come after K2 by id; the result says so rather than hiding it
    table = frame(revenue=[40, 20, 20, 20])
    result = key_accounts(table, by="revenue")
    assert on_list(result, "revenue") == ["K1", "K2"]
    assert result.attrs["measures"]["revenue"]["n_tied_left_off"] == 2
    # the same table in another row order gives the same list
    shuffled = key_accounts(table.iloc[[3, 1, 0, 2]], by="revenue")
    assert on_list(shuffled, "revenue") == ["K1", "K2"]
    assert shuffled["account_id"].tolist() == ["K1", "K2", "K3", "K4"]
    # no tie at the boundary: nobody left off
    assert key_accounts(frame(revenue=[60, 25, 10, 5]), by="revenue").attrs["measures"]["revenue"][
        "n_tied_left_off"] == 0


def test_a_loss_making_account_under_both_totals():
    # db4 50, 30, 20, -20: positive total 100, net total 80
    table = frame(db4=[50, 30, 20, -20])
    positive = key_accounts(table, by="db4").set_index("account_id")
    # positive: 50 % then 80 % -> K1, K2; K4 (a loss) has no rank, share or cumulative share and is on no list
    assert positive["on_db4"].to_dict() == {"K1": True, "K2": True, "K3": False, "K4": False}
    assert positive["cumulative_share_db4"].iloc[:3].tolist() == [0.5, 0.8, 1.0]
    assert pd.isna(positive.loc["K4", "rank_db4"]) and np.isnan(positive.loc["K4", "cumulative_share_db4"])
    net = key_accounts(table, by="db4", margin_total="net").set_index("account_id")
    # net: 50/80 = 62.5 % >= 60 % -> K1 alone; the running share passes 100 % (125 %) and ends at 100 %
    assert net["on_db4"].to_dict() == {"K1": True, "K2": False, "K3": False, "K4": False}
    assert net["cumulative_share_db4"].tolist() == [0.625, 1.0, 1.25, 1.0]
    assert net["rank_db4"].tolist() == [1, 2, 3, 4]
    assert net.loc["K4", "share_db4"] == -0.25
    for result in (positive, net):  # both totals are reported whichever one the list uses
        info = result.attrs["measures"]["db4"]
        assert (info["positive_total"], info["net_total"], info["n_not_positive"]) == (100.0, 80.0, 1)
    assert positive.attrs["measures"]["db4"]["covered_of_positive"] == pytest.approx(0.8)
    assert positive.attrs["measures"]["db4"]["covered_of_net"] == pytest.approx(1.0)  # 80 of the net 80
    assert net.attrs["measures"]["db4"]["covered_of_positive"] == pytest.approx(0.5)
    assert net.attrs["measures"]["db4"]["covered_of_net"] == pytest.approx(0.625)


def test_a_net_total_of_zero_or_less_is_refused():
    table = frame(db4=[10, -30])
    with pytest.raises(kamlab.ParameterError, match="net total of 'db4' is -20.00.*margin_total='positive'"):
        key_accounts(table, by="db4", margin_total="net")
    # the positive total still has a meaning: K1 holds all of it
    assert on_list(key_accounts(table, by="db4"), "db4") == ["K1"]


def test_clear_errors():
    table = frame(revenue=[3.0, 2.0, 1.0])
    with pytest.raises(kamlab.MissingColumnError,
                       match=r"no measure column 'contribution_margin'; .*e\.g\. by=\('revenue',\)"):
        key_accounts(table)  # the margin measure is never dropped silently
    with pytest.raises(kamlab.ParameterError, match="pandas DataFrame"):
        key_accounts([1, 2, 3], by="revenue")
    with pytest.raises(kamlab.ParameterError, match="margin_total"):
        key_accounts(table, by="revenue", margin_total="gross")
    for bad in (0, 1, 1.5, "60 %"):
        with pytest.raises(kamlab.ParameterError):
            key_accounts(table, share=bad, by="revenue")
    for bad in ((), ("revenue", "revenue"), 3, ("account_id",)):
        with pytest.raises(kamlab.ParameterError):
            key_accounts(table, by=bad)
    with pytest.raises(kamlab.DataFormatError, match="1 accounts have no usable number in column 'revenue'"):
        key_accounts(frame(revenue=[3.0, None]), by="revenue")
    with pytest.raises(kamlab.DataFormatError, match="Account ids repeat.*'K1'"):
        key_accounts(table.assign(account_id=["K1", "K1", "K2"]), by="revenue")
    with pytest.raises(kamlab.ParameterError, match="already has the column.*'key_account'"):
        key_accounts(table.assign(key_account=True), by="revenue")


def test_without_an_id_column_the_index_is_the_id():
    table = pd.DataFrame({"revenue": [10.0, 50.0, 40.0]}, index=["c", "a", "b"])
    result = key_accounts(table, share=0.5, by="revenue", id_col="account_id")
    assert result.index[result["on_revenue"]].tolist() == ["a"]  # 50 of 100 reaches 50 %


def test_attrs_of_the_table_are_kept():
    table = frame(revenue=[3.0, 2.0, 1.0])
    table.attrs["year"] = 2025
    result = key_accounts(table, by="revenue")
    assert result.attrs["year"] == 2025 and result.attrs["share"] == 0.6


# ----------------------------------------------------------------------------- one measure = candidates
@pytest.mark.parametrize("seed", range(8))
def test_one_measure_equals_key_account_candidates_and_abc_class_a(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    values = rng.integers(-5, 30, n).astype(float)  # ties, zeros and losses
    values[0] = abs(values[0]) + 1  # at least one positive value
    table = pd.DataFrame({"account_id": rng.permutation([f"A{i:03d}" for i in range(n)]), "db4": values,
                          "region": rng.choice(["N", "S"], n)}, index=rng.permutation(n) + 100)
    share = float(rng.uniform(0.05, 0.95))
    lists = key_accounts(table, share=share, by=("db4",))
    candidates = key_account_candidates(table, share=share, value="db4")
    listed = lists[lists["on_db4"]]
    assert candidates["account_id"].tolist() == listed["account_id"].tolist()
    assert candidates.index.tolist() == listed.index.tolist()
    for name in ("share", "cumulative_share", "rank"):
        assert candidates[name].tolist() == listed[f"{name}_db4"].tolist()
    abc = abc_analysis(table, "db4", thresholds=(share,))
    assert candidates["account_id"].tolist() == abc.loc[abc["abc"] == "A", "account_id"].tolist()
    # key_account_candidates keeps its columns: the table's own, then share, cumulative_share, rank
    assert candidates.columns.tolist() == [*table.columns, "share", "cumulative_share", "rank"]
    assert candidates.attrs == {"value": "db4", "share": share, "n_accounts": n}


# ----------------------------------------------------------------------------- the case company
def _first_crossing_list(ids, values, share, total_of):
    """Independent: order by value descending then id, cumsum, the first account reaching ``share``."""
    ids, values = np.asarray(ids).astype(str), np.asarray(values, dtype=float)
    if total_of == "positive":
        keep = values > 0
        ids, values = ids[keep], values[keep]
    order = np.lexsort((ids, -values))  # last key first: value descending, then id
    ids, values = ids[order], values[order]
    running = np.cumsum(values) / values.sum()
    last = int(np.argmax(running >= share - 1e-12))
    return set(ids[: last + 1]), running


@pytest.fixture(scope="module")
def t25():
    return kamlab.load_case().account_table(2025)


@pytest.mark.parametrize("margin_total", ["positive", "net"])
def test_case_company_revenue_or_db4_against_numpy(t25, margin_total):
    result = key_accounts(t25, share=0.6, by=("revenue", "db4"), margin_total=margin_total)
    assert len(result) == len(t25) and set(result["account_id"]) == set(t25["account_id"])
    expected = {}
    for measure in ("revenue", "db4"):
        expected[measure], running = _first_crossing_list(t25["account_id"], t25[measure], 0.6, margin_total)
        assert set(on_list(result, measure)) == expected[measure]
        assert result.attrs["measures"][measure]["n_on_list"] == len(expected[measure])
        ranked = result.dropna(subset=[f"rank_{measure}"]).sort_values(f"rank_{measure}")
        np.testing.assert_allclose(ranked[f"cumulative_share_{measure}"], running, rtol=1e-9)
    either = expected["revenue"] | expected["db4"]
    assert set(result.loc[result["key_account"], "account_id"]) == either
    assert result.attrs["n_key_accounts"] == len(either)
    assert result["key_account"].iloc[: len(either)].all()  # key accounts first
    db4 = t25["db4"].to_numpy()
    assert result.attrs["measures"]["db4"]["positive_total"] == pytest.approx(db4[db4 > 0].sum())
    assert result.attrs["measures"]["db4"]["net_total"] == pytest.approx(db4.sum())
    # the case has loss-making accounts, so the choice matters: the net cumulative share passes 100 %
    assert (db4 < 0).any()
    if margin_total == "net":
        assert result["cumulative_share_db4"].max() > 1
        positive = key_accounts(t25, by=("db4",))
        assert set(on_list(result, "db4")) <= set(on_list(positive, "db4"))  # the net total is smaller
    # each measure alone is key_account_candidates on that measure (positive total)
    if margin_total == "positive":
        for measure in ("revenue", "db4"):
            assert set(key_account_candidates(t25, 0.6, measure)["account_id"]) == expected[measure]
