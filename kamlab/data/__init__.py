"""Data: the user's files, public datasets and the case company, turned into invoice lines and the account table.

- :mod:`~kamlab.data.readers`: ``read_transactions`` / ``read_accounts`` for CRM/ERP exports
  (CSV/TXT in any dialect, Excel, Parquet) with a report of what was read;
- :mod:`~kamlab.data.accounts`: invoice lines → one row per account;
- :mod:`~kamlab.data.cascade`: the contribution-margin cascade (DB I–IV) of the account table;
- :mod:`~kamlab.data.datasets`: public datasets, downloaded once and checksum-verified;
- :mod:`~kamlab.data.case` and :mod:`~kamlab.data.casegen`: the case company, loaded and generated.

This is the bottom layer: it imports no analysis, chart or widget.
"""

from kamlab.data.accounts import UNKNOWN_ACCOUNT, AsOfWarning, accounts_from_transactions
from kamlab.data.cascade import DEFAULT_LEVELS, contribution_cascade
from kamlab.data.case import Case, default_case_path, load_case
from kamlab.data.datasets import (
    clear_data_home,
    fetch_cdnow,
    fetch_file,
    fetch_online_retail,
    fetch_wholesale,
    get_data_home,
    list_datasets,
)
from kamlab.data.readers import (
    AmbiguousDatesWarning,
    ReadReport,
    ReadResult,
    RowsSetAsideWarning,
    read_accounts,
    read_transactions,
)

__all__ = [
    "read_transactions",
    "read_accounts",
    "ReadReport",
    "ReadResult",
    "RowsSetAsideWarning",
    "AmbiguousDatesWarning",
    "accounts_from_transactions",
    "UNKNOWN_ACCOUNT",
    "AsOfWarning",
    "DEFAULT_LEVELS",
    "contribution_cascade",
    "Case",
    "load_case",
    "default_case_path",
    "fetch_wholesale",
    "fetch_online_retail",
    "fetch_cdnow",
    "fetch_file",
    "get_data_home",
    "list_datasets",
    "clear_data_home",
]
