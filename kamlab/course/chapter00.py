"""Exercises of notebook ``00_start_here``.

Part 1 (q1-q3) asks about the concentration of revenue, part 2 (q4, q5, KAM fundamentals)
about the case company's contacts with one customer in 2025 (table ``touchpoints``): how many
different company people met it. ``tests/test_course.py`` and ``tests/test_course_chapter00.py``
compute the answers again in another way.
"""

from functools import cache

from kamlab.course.exercises import Exercise

__all__ = ["q1", "q2", "q3", "q4", "q5"]


@cache
def _accounts():
    from kamlab.data.accounts import accounts_from_transactions
    from kamlab.data.case import load_case

    return accounts_from_transactions(load_case().transactions)


def _people(account_ids):
    """Distinct company people (``person_id``) with a 2025 contact at any of ``account_ids``."""
    from kamlab.data.case import load_case

    touchpoints = load_case().touchpoints
    return int(touchpoints.loc[touchpoints["account_id"].isin(account_ids), "person_id"].nunique())


def _people_k01540():
    return _people(["K01540"])


def _people_g001():
    from kamlab.data.case import load_case

    accounts = load_case().accounts
    return _people(accounts.loc[accounts["group_id"] == "G001", "account_id"])


def _n_accounts():
    from kamlab.data.case import load_case

    return len(load_case().accounts)


def _top10_share():
    from kamlab.identify import top_share

    return top_share(_accounts(), 0.1).share


def _accounts_for_half():
    import numpy as np

    revenue = np.sort(_accounts()["revenue"].to_numpy())[::-1]
    cumulative = np.cumsum(revenue) / revenue[revenue > 0].sum()
    return int(np.argmax(cumulative >= 0.5) + 1)


q1 = Exercise(
    "How many business customers does the case company have?",
    expected=_n_accounts,
    hint="case.accounts holds one row per customer; len(...) counts rows.",
    solution="n_accounts = len(case.accounts)",
)

q2 = Exercise(
    "Share of revenue held by the top 10 % of accounts (a fraction between 0 and 1)",
    expected=_top10_share,
    hint="kamlab.top_share(accounts, 0.1) gives a result whose .share is that fraction.",
    solution="share_top10 = kamlab.top_share(accounts, 0.1).share",
)

q3 = Exercise(
    "How many accounts together hold half of the revenue?",
    expected=_accounts_for_half,
    hint=(
        "Sort the revenues from big to small, add them up with .cumsum(), divide by the total "
        "and count the accounts until the running share first reaches 0.5."
    ),
    solution=(
        "revenue = accounts['revenue'].sort_values(ascending=False)\n"
        "running_share = revenue.cumsum() / revenue.sum()\n"
        "n_half = int((running_share < 0.5).sum()) + 1"
    ),
)

q4 = Exercise(
    "How many different company people contacted account K01540 (Möller Werkzeugmaschinen SE) in 2025?",
    expected=_people_k01540,
    hint=(
        "Keep the rows of case.touchpoints whose account_id is 'K01540' and count the distinct "
        "person_id with .nunique() (len(...) would count contacts, not people)."
    ),
    solution=(
        "k01540 = case.touchpoints[case.touchpoints['account_id'] == 'K01540']\n"
        "people_k01540 = k01540['person_id'].nunique()"
    ),
)

q5 = Exercise(
    "How many different company people contacted the Möller group (G001, all its entities) in 2025?",
    expected=_people_g001,
    hint=(
        "case.accounts says which accounts belong to group G001 (column group_id); keep the touchpoints "
        "of those accounts (.isin(...)) and count the distinct person_id. A person who met two entities "
        "counts once."
    ),
    solution=(
        "entities = case.accounts.loc[case.accounts['group_id'] == 'G001', 'account_id']\n"
        "g001 = case.touchpoints[case.touchpoints['account_id'].isin(entities)]\n"
        "people_g001 = g001['person_id'].nunique()"
    ),
)
