"""Exercises of notebook ``02_key_accounts``.

The right answers are computed with kamlab from the case company's account tables of
2024 and 2025 (:meth:`kamlab.data.case.Case.account_table`); ``tests/test_course_chapter02.py``
computes them again from the invoice lines and the cost-to-serve table, without kamlab's
analysis functions.
"""

from functools import cache

from kamlab.course.exercises import Exercise

__all__ = ["q1", "q2", "q3", "q4", "q5"]


@cache
def _table(year):
    from kamlab.data.case import load_case

    return load_case().account_table(year)


def _n_a_accounts():
    from kamlab.identify import abc_analysis

    result = abc_analysis(_table(2025), value="revenue", thresholds=(0.8, 0.95), rule="cover")
    return int((result["abc"] == "A").sum())


def _gini_2025():
    from kamlab.identify import concentration

    return concentration(_table(2025), value="revenue").gini


def _candidates_db4():
    from kamlab.identify import key_account_candidates

    return len(key_account_candidates(_table(2025), share=0.5, value="db4"))


def _plan_list_50():
    from kamlab.data.case import load_case
    from kamlab.identify import key_accounts

    table = _table(2025).merge(load_case().targets, on="account_id", how="left")
    return int(key_accounts(table, share=0.5, by=("target_revenue",))["key_account"].sum())


def _a_to_c():
    from kamlab.identify import abc_migration

    migration = abc_migration(_table(2024), _table(2025), value="revenue")
    moved = migration[(migration["abc_before"] == "A") & (migration["abc_after"] == "C")]
    return set(moved["account_id"])


q1 = Exercise(
    "Number of A accounts by 2025 revenue (thresholds 80 % and 95 %, rule 'cover')",
    expected=_n_a_accounts,
    hint=(
        "kamlab.abc_analysis(t25, value='revenue') uses these thresholds and the cover rule by default; "
        "count the rows whose column 'abc' is 'A' (or read kamlab.abc_summary(...))."
    ),
    solution=(
        "result = kamlab.abc_analysis(t25, value='revenue', thresholds=(0.8, 0.95), rule='cover')\n"
        "n_a = int((result['abc'] == 'A').sum())"
    ),
)

q2 = Exercise(
    "Gini coefficient of 2025 revenue across the accounts of the 2025 account table (3 decimals are enough)",
    expected=_gini_2025,
    hint="kamlab.concentration(t25, value='revenue') returns a result whose .gini is the answer.",
    solution="gini_2025 = kamlab.concentration(t25, value='revenue').gini",
    rtol=1e-3,
)

q3 = Exercise(
    "Number of key-account candidates that together hold 50 % of DB IV (2025)",
    expected=_candidates_db4,
    hint="kamlab.key_account_candidates(t25, share=0.5, value='db4') lists them; len(...) counts them.",
    solution="n_candidates_db4 = len(kamlab.key_account_candidates(t25, share=0.5, value='db4'))",
)

q4 = Exercise(
    "Account ids that were A by revenue in 2024 and C in 2025",
    expected=_a_to_c,
    hint=(
        "kamlab.abc_migration(t24, t25) gives each account's class in both years (abc_before, abc_after); "
        "keep the rows with abc_before == 'A' and abc_after == 'C' and take their account_id."
    ),
    solution=(
        "migration = kamlab.abc_migration(t24, t25, value='revenue')\n"
        "a_to_c = migration.loc[(migration['abc_before'] == 'A') & (migration['abc_after'] == 'C'), "
        "'account_id'].tolist()"
    ),
)

q5 = Exercise(
    "Number of accounts that hold 50 % of the 2026 target revenue (the plan, case.targets)",
    expected=_plan_list_50,
    hint=(
        "Merge case.targets into t25 on account_id, then kamlab.key_accounts(table, share=0.5, "
        "by=('target_revenue',)) and count the rows whose key_account is True."
    ),
    solution=(
        "table = t25.merge(case.targets, on='account_id', how='left')\n"
        "n_plan_50 = int(kamlab.key_accounts(table, share=0.5, by=('target_revenue',))['key_account'].sum())"
    ),
)
