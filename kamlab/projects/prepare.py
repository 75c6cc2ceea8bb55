"""The quote table checked and grouped: shared by the analyses of :mod:`kamlab.projects`.

- :func:`check_projects`: a copy of the quote table with the columns an analysis needs,
  the outcome as ``"won"``/``"lost"``/``"open"`` (German words too);
- :func:`with_groups`: the quote table with the grouping columns ``by``: its own columns,
  ``"quarter"``/``"year"``/``"month"`` of the quote date, or columns of account tables
  (the account table, the ratings, an ABC result) looked up by ``account_id``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.errors import DataFormatError, EmptyDataError, MissingColumnError, ParameterError
from kamlab.projects.io import OUTCOME_WORDS, OUTCOMES, _key

__all__ = ["check_projects", "with_groups", "as_list", "PERIODS"]

#: Groupings computed from the quote date: name -> pandas period code.
PERIODS = {"quarter": "Q", "year": "Y", "month": "M"}
_WORDS = {_key(w): o for o, ws in OUTCOME_WORDS.items() for w in ws}


def as_list(by):
    """``by`` as a list of column names (``None`` -> ``[]``)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    if isinstance(by, (list, tuple)) and all(isinstance(b, str) for b in by):
        return list(by)
    raise ParameterError(f"by must be a column name or a list of them, not {by!r}.")


def check_projects(projects, need=("outcome",), what="the analysis"):
    """A copy of ``projects`` with the columns ``need``; the outcome as won/lost/open.

    Raises
    ------
    ParameterError, MissingColumnError, EmptyDataError, DataFormatError

    Examples
    --------
    >>> import pandas as pd
    >>> check_projects(pd.DataFrame({"outcome": ["Won", "verloren", "offen"]}))["outcome"].tolist()
    ['won', 'lost', 'open']
    """
    if not isinstance(projects, pd.DataFrame):
        raise ParameterError(f"{what} needs the quote table as a pandas DataFrame, not {type(projects).__name__}.")
    missing = [c for c in need if c not in projects.columns]
    if missing:
        raise MissingColumnError(
            f"{what}: the quote table has no column {missing[0]!r}. Columns found: "
            f"{', '.join(map(str, projects.columns))}. Read your file with kamlab.read_projects, or rename it."
        )
    if len(projects) == 0:
        raise EmptyDataError(f"{what}: the quote table has no rows.")
    frame = projects.copy()
    if "outcome" in frame:
        frame["outcome"] = _outcomes(frame["outcome"])
    return frame


def _outcomes(series):
    keys = [_key(v) if isinstance(v, str) else "" for v in series.astype(object).to_numpy()]
    values = np.array([_WORDS.get(k) for k in keys], dtype=object)
    bad = pd.isna(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataFormatError(
            f"the outcome {series.iloc[i]!r} of row {series.index[i]!r} is not won, lost or open "
            f"({int(bad.sum())} row(s) so). Words understood: "
            + "; ".join(f"{o}: {', '.join(ws)}" for o, ws in OUTCOME_WORDS.items()) + ".",
            column="outcome", value=series.iloc[i], n_more=int(bad.sum()) - 1,
        )
    return pd.Categorical(values, categories=OUTCOMES)


def _lookup_tables(accounts):
    if accounts is None:
        return []
    tables = [accounts] if isinstance(accounts, pd.DataFrame) else list(accounts)
    for table in tables:
        if not isinstance(table, pd.DataFrame) or "account_id" not in table.columns:
            raise ParameterError("accounts must be a DataFrame (or a list of them) with a column 'account_id', "
                                 "one row per account: the account table, the ratings, an ABC result.")
    return tables


def with_groups(frame, by, accounts=None, what="the analysis"):
    """``frame`` with the columns ``by`` (looked up where needed); ``by`` as a list.

    Examples
    --------
    >>> import pandas as pd
    >>> quotes = pd.DataFrame({"account_id": ["K1", "K2"], "quote_date": pd.to_datetime(["2024-02-01", "2024-05-02"])})
    >>> ratings = pd.DataFrame({"account_id": ["K1", "K2"], "relationship_level": [7, 3]})
    >>> out, by = with_groups(quotes, ["quarter", "relationship_level"], accounts=ratings)
    >>> out[by].values.tolist()
    [['2024Q1', 7], ['2024Q2', 3]]
    """
    by = as_list(by)
    tables = _lookup_tables(accounts)
    frame = frame.copy()
    for name in by:
        if name in frame.columns:
            continue
        if name in PERIODS and "quote_date" in frame.columns:
            frame[name] = pd.to_datetime(frame["quote_date"]).dt.to_period(PERIODS[name]).astype(str)
            continue
        table = next((t for t in tables if name in t.columns), None)
        if table is None or "account_id" not in frame.columns:
            raise MissingColumnError(
                f"{what}: no column {name!r} in the quote table"
                + (" or in the account tables given" if tables else "")
                + f". Columns found: {', '.join(map(str, frame.columns))}. Group by a column of the quotes, "
                f"by {', '.join(map(repr, PERIODS))} of the quote date, or pass accounts= (a table with "
                f"account_id and {name!r}, e.g. the account table or the ratings)."
            )
        if table["account_id"].duplicated().any():
            raise DataFormatError(f"{what}: the table with {name!r} has more than one row for an account.",
                                  column="account_id")
        frame[name] = frame["account_id"].map(table.set_index("account_id")[name])
    return frame, by
