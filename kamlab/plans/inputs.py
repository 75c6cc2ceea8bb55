"""What an account plan is built from: the tables, the planned unit (account or group), the user's own sections.

A plan takes the case company (:func:`kamlab.load_case`) or a dict of the same tables, so a
consultant can pass a client's own data. ``accounts``, ``transactions`` and ``costs`` are
required (they make the account table of a year); every other table only feeds its own
section, and a section whose table is missing is marked unavailable with the reason.
The hidden tables of the case (``truth``, ``wallets``, ``quote_truth``) are never read.
"""

from __future__ import annotations

import json
from pathlib import Path

from kamlab.errors import MissingColumnError, ParameterError

#: Tables the plan can use; the first three are required.
REQUIRED = ("accounts", "transactions", "costs")
OPTIONAL = ("centres", "offerings", "projects", "contacts", "ratings", "groups", "staff", "targets", "touchpoints")
#: What the generator knows and an analyst never sees: a plan never reads them.
HIDDEN = ("truth", "wallets", "quote_truth")
#: Master-data columns of the account table (Case.account_table); a client's table may lack some.
MASTER = ("name", "industry", "country", "region", "employees", "plants", "group_id", "account_manager",
          "territory_manager")
#: The sections the user writes.
USER_SECTIONS = ("objectives", "strategy", "actions")
ACTION_FIELDS = ("what", "who", "by_when")


def tables_of(case_or_tables):
    """The plan's tables as a dict, from a Case or a dict (hidden tables left out)."""
    import pandas as pd

    if isinstance(case_or_tables, dict):
        tables = dict(case_or_tables)
    elif hasattr(case_or_tables, "tables") and isinstance(case_or_tables.tables, dict):
        tables = dict(case_or_tables.tables)
    else:
        raise ParameterError(
            "case_or_tables must be the case company (kamlab.load_case()) or a dict of tables such as "
            f"{{'accounts': ..., 'transactions': ..., 'costs': ...}}; got {type(case_or_tables).__name__}."
        )
    missing = [name for name in REQUIRED if tables.get(name) is None]
    if missing:
        raise ParameterError(
            f"case_or_tables has no table {missing[0]!r}: an account plan needs {', '.join(REQUIRED)} "
            "(they make the account table of a year). Add it to the dict."
        )
    out = {}
    for name in (*REQUIRED, *OPTIONAL):
        frame = tables.get(name)
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(f"case_or_tables[{name!r}] must be a pandas DataFrame, not {type(frame).__name__}.")
        out[name] = frame
    _need(out, "accounts", ("account_id",))
    _need(out, "transactions", ("account_id", "date", "revenue", "cost", "offering"))
    _need(out, "costs", ("account_id", "year"))
    return out


def _need(tables, name, columns):
    missing = [c for c in columns if c not in tables[name].columns]
    if missing:
        raise MissingColumnError(
            f"case_or_tables[{name!r}] has no column {missing[0]!r}; an account plan needs "
            f"{', '.join(columns)} in it."
        )


def years_of(tables):
    """The calendar years of the cost table (the years an account table can be built for), ascending."""
    return sorted(int(y) for y in tables["costs"]["year"].dropna().unique())


def check_year(tables, year):
    """The plan's year: the latest year of the data when ``year`` is None."""
    years = years_of(tables)
    if not years:
        raise ParameterError("case_or_tables['costs'] has no year: the plan needs at least one year of data.")
    if year is None:
        return years[-1]
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"year must be a calendar year such as {years[-1]}, not {year!r}.") from None
    if year not in years:
        raise ParameterError(f"year={year} is not in the data; its years are {', '.join(map(str, years))}.")
    return year


def account_table(tables, year):
    """The account table of a year, made by :meth:`kamlab.data.case.Case.account_table` on these tables."""
    from kamlab.data.case import Case

    accounts = tables["accounts"].copy()
    for name in MASTER:
        if name not in accounts.columns:
            accounts[name] = None
    case = Case(accounts=accounts, centres=None, offerings=None, transactions=tables["transactions"],
                projects=None, costs=tables["costs"], ratings=None, truth=None, wallets=None)
    return case.account_table(year)


def resolve_unit(tables, unit_id):
    """``(level, unit_id, name, account_ids)`` of an account id or a group id; a clear error when unknown."""
    accounts = tables["accounts"]
    if not isinstance(unit_id, str) or not unit_id:
        raise ParameterError(f"account_or_group_id must be an account id (K00042) or a group id (G001), "
                             f"not {unit_id!r}.")
    ids = accounts["account_id"].astype(str)
    if (ids == unit_id).any():
        row = accounts[ids == unit_id].iloc[0]
        name = row["name"] if "name" in accounts.columns else unit_id
        return "account", unit_id, str(name), [unit_id]
    if "group_id" in accounts.columns and (accounts["group_id"].astype("string") == unit_id).any():
        members = sorted(ids[accounts["group_id"].astype("string") == unit_id].tolist())
        name = unit_id
        groups = tables.get("groups")
        if groups is not None and {"group_id", "group_name"} <= set(groups.columns):
            match = groups.loc[groups["group_id"].astype(str) == unit_id, "group_name"]
            if len(match):
                name = str(match.iloc[0])
        return "group", unit_id, name, members
    examples = ", ".join(ids.head(2).tolist())
    raise ParameterError(
        f"account_or_group_id={unit_id!r} is neither an account id (such as {examples}) nor a group id "
        "(a value of accounts['group_id'], such as G001) of case_or_tables."
    )


# ----------------------------------------------------------------------------- the user's own sections
def template():
    """The empty user sections: objectives (a list), strategy (a text), actions (what, who, by when)."""
    return {"objectives": [""], "strategy": "", "actions": [{"what": "", "who": "", "by_when": ""}]}


def _yaml():
    try:
        import yaml
    except ImportError:
        raise ParameterError(
            "Reading or writing YAML needs PyYAML (pip install pyyaml); or use a .json file or a dict."
        ) from None
    return yaml


def read_user(user):
    """The user sections from a dict, a JSON file or a YAML file (PyYAML); checked and normalised."""
    if user is None:
        return {"objectives": [], "strategy": "", "actions": []}
    if isinstance(user, str | Path):
        path = Path(user)
        if not path.is_file():
            raise ParameterError(f"user={str(user)!r}: no such file. Pass a dict or the path of a .yaml/.json file "
                                 "(AccountPlan.template(path) writes an empty one).")
        suffix = path.suffix.lower()
        if suffix not in (".yaml", ".yml", ".json"):
            raise ParameterError(f"user={str(user)!r}: use a .yaml, .yml or .json file.")
        loads = _yaml().safe_load if suffix != ".json" else json.loads
        try:
            user = loads(path.read_text(encoding="utf-8")) or {}
        except Exception as error:  # json's ValueError, yaml.YAMLError
            if isinstance(error, ValueError) or type(error).__module__.startswith("yaml"):
                raise ParameterError(f"user={str(path)!r} cannot be read: {error}") from None
            raise
    if not isinstance(user, dict):
        raise ParameterError(f"user must be a dict or a file path, not {type(user).__name__}.")
    unknown = [key for key in user if key not in USER_SECTIONS]
    if unknown:
        raise ParameterError(f"user has the unknown section {unknown[0]!r}; the sections are "
                             f"{', '.join(USER_SECTIONS)}.")
    objectives = user.get("objectives") or []
    if isinstance(objectives, str):
        objectives = [objectives]
    if not isinstance(objectives, list | tuple):
        raise ParameterError("user['objectives'] must be a list of texts.")
    strategy = user.get("strategy") or ""
    if not isinstance(strategy, str):
        raise ParameterError("user['strategy'] must be a text.")
    actions = []
    for i, action in enumerate(user.get("actions") or []):
        if not isinstance(action, dict):
            raise ParameterError(f"user['actions'][{i}] must be a dict with {', '.join(ACTION_FIELDS)}.")
        extra = [key for key in action if key not in ACTION_FIELDS]
        if extra:
            raise ParameterError(f"user['actions'][{i}] has the unknown field {extra[0]!r}; an action has "
                                 f"{', '.join(ACTION_FIELDS)}.")
        actions.append({key: "" if action.get(key) is None else str(action.get(key)) for key in ACTION_FIELDS})
    actions = [a for a in actions if any(a.values())]
    return {"objectives": [str(o) for o in objectives if str(o).strip()], "strategy": strategy,
            "actions": actions}


def write_user(user, path):
    """Write user sections to a .yaml/.yml (PyYAML) or .json file; return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        text = _yaml().safe_dump(user, allow_unicode=True, sort_keys=False)
    elif suffix == ".json":
        text = json.dumps(user, ensure_ascii=False, indent=2) + "\n"
    else:
        raise ParameterError(f"path={str(path)!r}: use a .yaml, .yml or .json file.")
    path.write_text(text, encoding="utf-8")
    return path
