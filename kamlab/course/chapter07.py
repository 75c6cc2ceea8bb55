"""Exercises of notebook ``07_account_plan`` (the capstone).

The right answers are computed with kamlab (:func:`~kamlab.rollup`, :func:`~kamlab.key_accounts`,
:func:`~kamlab.account_plan`) on the case company's account table of 2025 with the 2026 plan;
``tests/test_course_chapter07.py`` computes them again from the invoice lines, the plan and the
accounts table with plain pandas and Python loops.
"""

from functools import cache

from kamlab.course.exercises import Exercise

__all__ = ["MEASURES", "SHARE", "unit_table", "q1", "q2", "q3", "q4"]

#: The four measures of the key-account definition: actual and target revenue and DB I.
MEASURES = ("revenue", "contribution_margin", "target_revenue", "target_contribution_margin")
#: The share of each measure the key-account lists cover.
SHARE = 0.6


@cache
def _case():
    from kamlab.data.case import load_case

    return load_case()


def unit_table(case=None):
    """The notebook's tables: accounts of 2025 with the 2026 plan, and the same rolled up to groups.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The account table of 2025 with ``target_revenue`` and ``target_contribution_margin``, and
        :func:`kamlab.rollup` of it to customer groups (accounts outside a group stay on their own).
    """
    from kamlab.data.rollup import rollup

    case = _case() if case is None else case
    plan = case.targets[["account_id", "target_revenue", "target_contribution_margin"]]
    table = case.account_table(2025).merge(plan, on="account_id", how="left")
    groups = case.accounts[["account_id", "group_id"]].merge(
        case.groups[["group_id", "group_name", "parent_account_id"]], on="group_id", how="left"
    )
    units = rollup(table.drop(columns=["active_months", "n_offerings"]), groups, as_of="2025-12-31")
    return table, units


def _key_units():
    from kamlab.identify import key_accounts

    _, units = unit_table()
    return key_accounts(units, share=SHARE, by=MEASURES, id_col="group_id")


def _n_key_units():
    return int(_key_units()["key_account"].sum())


def _g001_revenue():
    _, units = unit_table()
    return float(units.loc[units["group_id"] == "G001", "revenue"].iloc[0])


def _groups_key_only_as_group():
    from kamlab.identify import key_accounts

    table, _ = unit_table()
    on_list = set(key_accounts(table, share=SHARE, by=MEASURES).query("key_account")["account_id"])
    keys = _key_units()
    accounts = _case().accounts
    out = set()
    for group in keys.loc[keys["key_account"] & ~keys["standalone"], "group_id"]:
        if not on_list & set(accounts.loc[accounts["group_id"] == group, "account_id"]):
            out.add(group)
    return out


def _key_units_without_kam():
    keys = _key_units()
    roles = _case().staff.set_index("name")["role"].astype(str)
    served_by = keys["account_manager"].map(roles)
    return int((keys["key_account"] & (served_by == "territory_sales")).sum())


q1 = Exercise(
    "Number of key units (groups and accounts outside a group) on any of the four 60 % lists",
    expected=_n_key_units,
    hint=(
        "kamlab.key_accounts(units, share=0.6, by=MEASURES, id_col='group_id') on the rolled-up table; "
        "count the rows whose key_account is True."
    ),
    solution=(
        "keys = kamlab.key_accounts(units, share=0.6, by=ex.MEASURES, id_col='group_id')\n"
        "n_key_units = int(keys['key_account'].sum())"
    ),
)

q2 = Exercise(
    "Revenue 2025 of the Möller group (G001), all its entities together, in EUR",
    expected=_g001_revenue,
    hint="Take the row of G001 in the rolled-up table, or add up the 2025 revenue of the accounts whose group_id is G001.",
    solution="g001_revenue = units.loc[units['group_id'] == 'G001', 'revenue'].iloc[0]",
    rtol=1e-6,
)

q3 = Exercise(
    "Group ids that are key units although none of their entities is on a key-account list of its own",
    expected=_groups_key_only_as_group,
    hint=(
        "Run kamlab.key_accounts on the account table (entities) and on the units (groups). Keep the key "
        "groups none of whose accounts (case.accounts with that group_id) is a key account on its own."
    ),
    solution=(
        "on_list = set(kamlab.key_accounts(t25_plan, share=0.6, by=ex.MEASURES).query('key_account')['account_id'])\n"
        "members = case.accounts.dropna(subset=['group_id']).groupby('group_id')['account_id'].agg(set)\n"
        "key_groups = keys.loc[keys['key_account'] & ~keys['standalone'], 'group_id']\n"
        "only_as_group = [g for g in key_groups if not members[g] & on_list]"
    ),
)

q4 = Exercise(
    "Number of key units whose account manager is a territory sales manager (no key-account manager yet)",
    expected=_key_units_without_kam,
    hint=(
        "Map each key unit's account_manager to its role in case.staff and count the key units whose role is "
        "'territory_sales'."
    ),
    solution=(
        "roles = case.staff.set_index('name')['role'].astype(str)\n"
        "n_without_kam = int((keys['key_account'] & (keys['account_manager'].map(roles) == 'territory_sales')).sum())"
    ),
)
