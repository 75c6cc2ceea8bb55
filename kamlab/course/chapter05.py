"""Exercises of notebook ``05_potential``.

The right answers are computed with kamlab (:func:`~kamlab.wallet_allocation`,
:func:`~kamlab.evaluate_wallet`, :func:`~kamlab.whitespace`, :class:`~kamlab.BetaGeo`)
on the case company's accounts with revenue in 2025 and on the CDNOW sample;
``tests/test_course_chapter05.py`` computes them again by hand: the rule's formula, a
split and a count, a nearest-neighbour search of its own, and P(alive) from the raw
purchase dates with the published parameters.
"""

from functools import cache

from kamlab.course.exercises import Exercise

__all__ = ["FEATURES", "WHITESPACE_GAP", "WALLET", "CDNOW_CUSTOMER", "q1", "q2", "q3", "q4"]

#: The firmographics the wallets and the whitespace are estimated from (the notebook's ``features``).
FEATURES = ["employees", "plants", "industry", "region", "country"]
#: Exercise 1: the customer's wallet in EUR per year.
WALLET = 900_000
#: Exercise 3: the gap (EUR per year) above which a whitespace cell counts.
WHITESPACE_GAP = 50_000
#: Exercise 4: the CDNOW customer whose P(alive) is asked.
CDNOW_CUSTOMER = 11


@cache
def _accounts():
    """The accounts with revenue in 2025 (the notebook's ``accounts``)."""
    from kamlab.data.case import load_case

    table = load_case().account_table(2025)
    return table[table["revenue"] > 0].reset_index(drop=True)


@cache
def _whitespace():
    """The notebook's whitespace result: 2025 lines of those accounts, neighbours by firmographics."""
    from kamlab.data.case import load_case
    from kamlab.potential import whitespace

    accounts = _accounts()
    lines = load_case().transactions
    lines = lines[(lines["date"].dt.year == 2025) & lines["account_id"].isin(accounts["account_id"])]
    return whitespace(lines, accounts.set_index("account_id")[FEATURES])


def _gain_first_place():
    from kamlab.potential import wallet_allocation

    return WALLET * (wallet_allocation(1, 3) - wallet_allocation(2, 3))


def _coverage():
    from kamlab.potential import WalletEstimator, evaluate_wallet

    accounts = _accounts()
    model = WalletEstimator(0.8, "linear", random_state=0)
    return float(evaluate_wallet(model, accounts[FEATURES], accounts["revenue"], random_state=1)["coverage"])


def _n_big_whitespace():
    result = _whitespace()
    return int((result["whitespace"] & (result["gap"] > WHITESPACE_GAP)).sum())


def _p_alive():
    from kamlab.clv import BetaGeo, rfm_summary
    from kamlab.data.datasets import fetch_cdnow

    summary = rfm_summary(fetch_cdnow(), "1997-09-30", "W", account="customer_id")
    p_alive = BetaGeo().fit(summary).probability_alive(summary)
    return float(p_alive[summary["customer_id"] == CDNOW_CUSTOMER].iloc[0])


q1 = Exercise(
    "Extra revenue per year when we move from second to first of three suppliers (wallet 900,000 EUR)",
    expected=_gain_first_place,
    hint=(
        "kamlab.wallet_allocation(rank, n_suppliers) gives the share of wallet of the supplier ranked `rank`. "
        "Take the difference of the shares of rank 1 and rank 2 (of 3) and multiply by the wallet."
    ),
    solution=(
        "gain = 900_000 * (kamlab.wallet_allocation(1, 3) - kamlab.wallet_allocation(2, 3))   "
        "# 900,000 · (50 % − 33.3 %) = 150,000"
    ),
)

q2 = Exercise(
    "Held-out coverage of the linear method at the 80 % quantile (estimator seed 0, split seed 1)",
    expected=_coverage,
    hint=(
        "kamlab.evaluate_wallet(kamlab.WalletEstimator(0.8, 'linear', random_state=0), accounts[features], "
        "accounts['revenue'], random_state=1) returns a Series; take its 'coverage'."
    ),
    solution=(
        "evaluation = kamlab.evaluate_wallet(kamlab.WalletEstimator(0.8, 'linear', random_state=0),\n"
        "                                    accounts[features], accounts['revenue'], random_state=1)\n"
        "coverage_linear = evaluation['coverage']"
    ),
    rtol=1e-3,
)

q3 = Exercise(
    "How many whitespace cells have a gap above 50,000 EUR a year?",
    expected=_n_big_whitespace,
    hint=(
        "In the whitespace table `opportunities`, the column 'whitespace' is True for cells the account does not "
        "buy from us yet; combine it with gap > 50_000 using & and count the True values with .sum()."
    ),
    solution="n_big_whitespace = int((opportunities['whitespace'] & (opportunities['gap'] > 50_000)).sum())",
    # neighbours at equal distance: float noise of 1e-15 (numpy version, CPU) can swap one, and one cell
    atol=1,
)

q4 = Exercise(
    "P(alive) of CDNOW customer 11 at the end of calibration (30 September 1997)",
    expected=_p_alive,
    hint=(
        "bgnbd.probability_alive(cdnow) gives one probability per row of the summary `cdnow`; pick the row whose "
        "customer_id is 11 (a boolean filter, then .iloc[0])."
    ),
    solution=(
        "p_alive_11 = bgnbd.probability_alive(cdnow)[cdnow['customer_id'] == 11].iloc[0]   "
        "# 0.49: six purchases, then 3.6 months of silence"
    ),
    rtol=2e-3,  # answers rounded to three digits count
)
