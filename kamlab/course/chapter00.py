"""Exercises of notebook ``00_start_here``."""

from functools import cache

from kamlab.course.exercises import Exercise

__all__ = ["q1", "q2", "q3"]


@cache
def _accounts():
    from kamlab.data.accounts import accounts_from_transactions
    from kamlab.data.case import load_case

    return accounts_from_transactions(load_case().transactions)


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
