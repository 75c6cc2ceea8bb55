"""Exercises of notebook ``03_segmentation``.

The right answers are computed with kamlab (:func:`~kamlab.select_k`,
:class:`~kamlab.AccountSegmenter`, :func:`~kamlab.rfm_scores`) on the UCI Wholesale
customers and on the case company's accounts with revenue in 2025;
``tests/test_course_chapter03.py`` computes them again with numpy and scikit-learn's
own estimators.
"""

from functools import cache

from kamlab.course.exercises import Exercise

__all__ = ["SPEND", "FEATURES", "RFM_ACCOUNT", "q1", "q2", "q3", "q4"]

#: The six spend columns of the Wholesale customers (the notebook's ``SPEND``).
SPEND = ["fresh", "milk", "grocery", "frozen", "detergents_paper", "delicatessen"]
#: The features of the case company's segmentation (the notebook's ``FEATURES``).
FEATURES = ["revenue", "orders", "margin_rate", "recency_days", "n_offerings"]
#: The account of exercise 4.
RFM_ACCOUNT = "K00558"
#: The seed of every clustering in the notebook.
SEED = 0


@cache
def _clients():
    from kamlab.data.datasets import fetch_wholesale

    return fetch_wholesale()


@cache
def _accounts():
    """The accounts with revenue in 2025 (the notebook's ``accounts``)."""
    from kamlab.data.case import load_case

    table = load_case().account_table(2025)
    return table[table["revenue"] > 0].reset_index(drop=True)


def _bic_k():
    from kamlab.segment import select_k

    table = select_k(_clients(), features=SPEND, method="gmm", criterion="bic", random_state=SEED, progress=False)
    return int(table.attrs["recommended_k"])


def _robust_agreement():
    from kamlab.segment import AccountSegmenter, segment_agreement

    clients = _clients()
    segments = AccountSegmenter(SPEND, scaler="robust", n_segments=2, random_state=SEED,
                                progress=False).fit_predict(clients)
    return segment_agreement(segments, clients["channel"])


def _biggest_of_five():
    import numpy as np

    from kamlab.segment import AccountSegmenter

    segments = AccountSegmenter(FEATURES, n_segments=5, random_state=SEED, progress=False).fit_predict(_accounts())
    return int(np.bincount(segments).max())


def _rfm_code():
    from kamlab.segment import rfm_scores

    scores = rfm_scores(_accounts()).set_index("account_id")
    return str(scores.at[RFM_ACCOUNT, "rfm"])


q1 = Exercise(
    "Wholesale: the k a Gaussian mixture's BIC recommends (k from 2 to 10)",
    expected=_bic_k,
    hint=(
        "kamlab.select_k(clients, features=SPEND, method='gmm', criterion='bic', random_state=0) — the "
        "recommended k is in the table's attrs; its reason says how the other indices disagree."
    ),
    solution=(
        "bic_table = kamlab.select_k(clients, features=SPEND, method='gmm', criterion='bic', random_state=0,\n"
        "                            progress=False)\n"
        "k_bic = bic_table.attrs['recommended_k']   # the BIC keeps falling longer than the silhouette"
    ),
)

q2 = Exercise(
    "Wholesale: share of clients in their channel's segment (k-means, k = 2, log1p, robust scaling)",
    expected=_robust_agreement,
    rtol=1e-3,
    hint=(
        "Fit kamlab.AccountSegmenter(SPEND, scaler='robust', n_segments=2, random_state=0) and compare its labels "
        "with clients['channel'] as in section 9: try both ways of matching the two segments to the two "
        "channels and keep the better one. The answer is a share (0 to 1), not a percentage."
    ),
    solution=(
        "robust = kamlab.AccountSegmenter(SPEND, scaler='robust', n_segments=2, random_state=0,\n"
        "                                 progress=False).fit_predict(clients)\n"
        "robust_agreement = kamlab.segment_agreement(robust, clients['channel'])"
    ),
)

q3 = Exercise(
    "Case company: accounts in the biggest of five segments (the five features, k-means)",
    expected=_biggest_of_five,
    hint=(
        "AccountSegmenter(FEATURES, n_segments=5, random_state=0).fit(accounts): segment 0 is always the biggest, "
        "so count the labels equal to 0 (or take the largest np.bincount)."
    ),
    solution=(
        "five = kamlab.AccountSegmenter(FEATURES, n_segments=5, random_state=0, progress=False).fit(accounts)\n"
        "biggest = int((five.labels_ == 0).sum())"
    ),
)

q4 = Exercise(
    f"The RFM code of account {RFM_ACCOUNT} in 2025 (as text, such as '543')",
    expected=_rfm_code,
    hint=(
        "kamlab.rfm_scores(accounts) adds the column 'rfm'; pick the row whose account_id is "
        f"'{RFM_ACCOUNT}'. Answer with the text, e.g. '543', not the number."
    ),
    solution=(
        "scores = kamlab.rfm_scores(accounts)\n"
        f"rfm_code = scores.loc[scores['account_id'] == '{RFM_ACCOUNT}', 'rfm'].iloc[0]"
    ),
)
