"""Exercises of notebook ``01_data``.

The right answers are computed with kamlab from the case company, the example exports
in ``datasets/examples`` and the Online Retail data; ``tests/test_course_chapter01.py``
computes them again in another way.
"""

import warnings
from functools import cache
from pathlib import Path

from kamlab.course.exercises import Exercise

__all__ = ["q1", "q2", "q3", "q4", "EXAMPLES"]

#: The folder of the course's example exports (written by ``tools/make_example_exports.py``).
EXAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "examples"
CLEAN_EXPORT = "umsatzliste_nord_2025q4.csv"
FAULTY_EXPORT = "umsatzliste_nord_2025q4_fehler.csv"


def _credit_note_lines():
    from kamlab.data.case import load_case

    return int(load_case().transactions["is_credit_note"].sum())


def _export_total():
    from kamlab.data.readers import read_transactions

    return float(read_transactions(EXAMPLES / CLEAN_EXPORT)["revenue"].sum())


def _rows_set_aside():
    from kamlab.data.readers import RowsSetAsideWarning, read_transactions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsSetAsideWarning)
        _, report = read_transactions(EXAMPLES / FAULTY_EXPORT, errors="drop", report=True)
    return report.rows_set_aside


@cache
def _retail_customers():
    from kamlab.data.accounts import UNKNOWN_ACCOUNT, accounts_from_transactions
    from kamlab.data.datasets import fetch_online_retail

    table = accounts_from_transactions(fetch_online_retail(), missing_account="group")
    return table[table["account_id"] != UNKNOWN_ACCOUNT]


def _retail_active_last_12m():
    return int((_retail_customers()["recency_days"] < 365).sum())


q1 = Exercise(
    "How many invoice lines of the case company are credit-note lines?",
    expected=_credit_note_lines,
    hint=(
        "case.transactions has a column 'is_credit_note' (True or False); the sum of a True/False column "
        "counts the True values. Count lines, not credit-note documents."
    ),
    solution='n_credit_note_lines = int(case.transactions["is_credit_note"].sum())',
)

q2 = Exercise(
    "Revenue total of the ERP export umsatzliste_nord_2025q4.csv (EUR)",
    expected=_export_total,
    hint=(
        "Load the file with kamlab.read_transactions and add up the column 'revenue' "
        "(or read total_revenue in its report)."
    ),
    solution='export_total = kamlab.read_transactions(CLEAN)["revenue"].sum()',
)

q3 = Exercise(
    "How many rows of umsatzliste_nord_2025q4_fehler.csv are set aside with errors='drop'?",
    expected=_rows_set_aside,
    hint=(
        "read_transactions(..., errors='drop', report=True) returns the report beside the lines; its "
        "rows_set_aside counts rows, not problems (one row can have two problems)."
    ),
    solution=(
        'faulty_lines, faulty_report = kamlab.read_transactions(FAULTY, errors="drop", report=True)\n'
        "n_set_aside = faulty_report.rows_set_aside"
    ),
)

q4 = Exercise(
    "How many Online Retail customers ordered in the last 12 months of the data?",
    expected=_retail_active_last_12m,
    hint=(
        "In the account table, 'recency_days' is the number of days from an account's last order to the "
        "data's last day: below 365 means an order in the last 12 months. Leave out the row "
        "'(no account)': it is not a customer."
    ),
    solution=(
        'customers = retail_accounts[retail_accounts["account_id"] != "(no account)"]\n'
        'n_active = int((customers["recency_days"] < 365).sum())'
    ),
)
