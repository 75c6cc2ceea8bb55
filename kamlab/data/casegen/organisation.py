"""The KAM organisation and the plan of the case company (generator 2.1).

Drawn after the invoice lines, each from its own stream, so that the earlier tables stay as they
were:

* **organisation** (``organisation`` stream): the seven territory sales managers of generator 2.0
  keep their territories (``accounts.territory_manager``). On ``KAM_START`` the company set up a
  key-account team: the groups and the designated key accounts still alive become *key units*;
  the ``GAM_GROUPS`` biggest groups with entities in at least three countries go to one global
  account manager, the other units, sorted by industry and revenue, to key-account managers with
  about ``KAM_UNITS`` units each (so each manager has an industry focus). Every entity of a group
  has the group's manager. ``accounts.account_manager`` is the one person responsible for the
  account (the single interface), ``manager_role`` the kind of manager, ``managed_since`` since when.
  The ``staff`` table lists everybody who meets customers.
* **targets** (``targets`` stream): the sales plan for the year after the window. Trend: last year's
  revenue times ``1 + 0.03 + 0.6 g + noise`` (g the true growth rate: the plan sees the trend, not
  exactly). Key units add a share ``PLAN_CAPTURE_KAM`` of their true headroom (the account plan's
  expansion), at most a quarter of last year's revenue; ``STRATEGIC_SHARE`` of the accounts, outside
  the key units and chosen by a noisy view of their headroom, add ``PLAN_CAPTURE_STRATEGIC`` of it, at
  most twice last year's revenue: some become key accounts on plan only. The
  target DB I is the target revenue times last year's DB I rate (three points less on expansion).
  The truth table's ``expected_revenue_next_year`` is what the model expects to happen.
* **touchpoints** (``touchpoints`` stream): every contact of a company person with a customer in the
  last year of the window, by function: the sales visits of the ``costs`` table plus calls, inside
  sales by orders, service by unbilled service hours, engineering by quotes, management visits at
  key units. A contact is *coordinated* when the account manager planned it or knew of it: the
  manager's own always, the others with probability 0.8 at key units (after ``managed_since``)
  and 0.3 elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import (
    FIRST_NAMES,
    FUNCTIONS,
    GAM_GROUPS,
    GLOBAL_ACCOUNT_MANAGER,
    INDUSTRIES,
    KAM_START,
    KAM_UNITS,
    KEY_ACCOUNT_MANAGERS,
    PLAN_CAPTURE_KAM,
    PLAN_CAPTURE_STRATEGIC,
    STAFF,
    STRATEGIC_SHARE,
    SURNAMES,
    TERRITORIES,
)

ROLES = ["global_account_manager", "key_account_manager", "territory_sales", "inside_sales",
         "service_technician", "application_engineer", "management"]


@dataclass(frozen=True)
class Organisation:
    """Who serves each account: ``manager`` (name), ``role``, ``since`` (datetime64[D]), ``key_unit``."""

    manager: np.ndarray
    role: np.ndarray
    since: np.ndarray
    key_unit: np.ndarray
    staff: pd.DataFrame


def draw_organisation(rng, firms, terms, life, groups, revenue, days):
    """The account manager of every account, and the ``staff`` table."""
    n = len(revenue)
    alive = ~life.is_lost
    unit = np.where(groups.group >= 0, n + groups.group, np.arange(n))  # one unit per group or account
    unit_revenue = pd.Series(revenue).groupby(unit).sum()
    n_groups = len(groups.parent)
    in_group = groups.group >= 0
    key = {u for u in np.unique(unit[in_group])} | set(np.flatnonzero(terms.key_account & alive & ~in_group))
    countries = pd.Series(np.asarray(firms.country)).groupby(unit).nunique()
    # the global account manager: the biggest groups in at least three countries
    international = [u for u in range(n, n + n_groups) if countries.get(u, 0) >= 3]
    gam = sorted(international, key=lambda u: -unit_revenue[u])[:GAM_GROUPS]
    rest = sorted(set(key) - set(gam), key=lambda u: (firms.industry[_head(u, n, groups)], -unit_revenue[u]))
    team = max(1, min(len(KEY_ACCOUNT_MANAGERS), int(np.ceil(len(rest) / KAM_UNITS))))
    manager = np.array(terms.kam, dtype=object).copy()
    role = np.full(n, "territory_sales", dtype=object)
    kam_start = np.datetime64(KAM_START, "D")
    territory_since = {
        name: np.datetime64("2008-01-01") + rng.integers(0, 14 * 365) * np.timedelta64(1, "D")
        for name, *_ in TERRITORIES.values()
    }
    customer_since = life.customer_since.astype("datetime64[D]")
    since = np.maximum(customer_since, np.array([territory_since[m] for m in manager]))
    key_unit = np.zeros(n, dtype=bool)
    assignments = [(GLOBAL_ACCOUNT_MANAGER, "global_account_manager", gam)]
    for name, chunk in zip(KEY_ACCOUNT_MANAGERS[:team], np.array_split(np.array(rest, dtype=np.int64), team),
                           strict=False):
        assignments.append((name, "key_account_manager", chunk.tolist()))
    for name, kind, units in assignments:
        for u in units:
            members = np.flatnonzero(unit == u)
            later = rng.random() < 0.3  # a third joined the key-account programme later
            start = kam_start + (rng.integers(30, 600) if later else 0) * np.timedelta64(1, "D")
            manager[members], role[members], key_unit[members] = name, kind, True
            since[members] = np.maximum(start, customer_since[members])
    since = np.minimum(since, days[-1])
    staff = _staff(rng, manager, role, firms, territory_since, kam_start)
    return Organisation(manager=manager, role=role, since=since, key_unit=key_unit, staff=staff)


def _head(u, n, groups):
    return groups.parent[u - n] if u >= n else u


def _staff(rng, manager, role, firms, territory_since, kam_start):
    """The ``staff`` table: managers first, then the other people who meet customers."""
    rows = []
    for territory, (name, *_) in TERRITORIES.items():
        rows.append((name, "sales", "territory_sales", territory, territory_since[name]))
    for name in [GLOBAL_ACCOUNT_MANAGER, *KEY_ACCOUNT_MANAGERS]:
        served = manager == name
        if not served.any():
            continue
        kind = "global_account_manager" if name == GLOBAL_ACCOUNT_MANAGER else "key_account_manager"
        focus = "global groups" if kind == "global_account_manager" else INDUSTRIES[
            int(np.bincount(firms.industry[served], minlength=len(INDUSTRIES)).argmax())]
        rows.append((name, "sales", kind, focus, kam_start))
    taken = {r[0] for r in rows}
    for function, kind, count in STAFF:
        for _ in range(count):
            while True:
                name = f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {SURNAMES[rng.integers(len(SURNAMES))]}"
                if name not in taken:
                    break
            taken.add(name)
            joined = np.datetime64("2005-01-01") + rng.integers(0, 19 * 365) * np.timedelta64(1, "D")
            rows.append((name, function, kind, "", joined))
    frame = pd.DataFrame(rows, columns=["name", "function", "role", "focus", "since"])
    frame.insert(0, "person_id", pd.array([f"P{k + 1:03d}" for k in range(len(frame))], dtype="str"))
    frame["name"] = frame["name"].astype("str")
    frame["function"] = pd.Categorical(frame["function"], categories=FUNCTIONS)
    frame["role"] = pd.Categorical(frame["role"], categories=ROLES)
    frame["focus"] = frame["focus"].astype("str")
    frame["since"] = pd.Series(frame["since"].to_numpy().astype("datetime64[D]")).astype("datetime64[us]")
    return frame


def draw_targets(rng, life, wallets, organisation, revenue, cost, n_years):
    """The plan for the year after the window: target revenue and DB I per account.

    Returns
    -------
    target_revenue, target_margin, basis, expected_next : numpy.ndarray
        Targets rounded to 1,000 and 500 EUR, ``"trend"`` or ``"expansion"``, and the true expected
        revenue of the plan year.
    """
    n = len(revenue)
    growth, headroom = life.growth, wallets.headroom
    trend = np.clip(0.03 + 0.6 * growth + 0.05 * rng.standard_normal(n), -0.3, 0.4)
    rate = np.where(revenue > 0, (revenue - cost) / np.where(revenue > 0, revenue, 1.0), 0.3)
    rate = np.clip(rate, 0.05, 0.7)
    capture = np.where(organisation.key_unit, rng.uniform(*PLAN_CAPTURE_KAM, n), 0.0)
    seen = headroom * np.exp(0.3 * rng.standard_normal(n))  # what sales believes the headroom is
    eligible = ~organisation.key_unit & ~life.is_lost & (revenue > 0)
    k = max(1, round(STRATEGIC_SHARE * n))
    strategic = np.flatnonzero(eligible)[np.argsort(-seen[eligible], kind="stable")[:k]]
    capture[strategic] = rng.uniform(*PLAN_CAPTURE_STRATEGIC, len(strategic))
    base = np.maximum(revenue, 0.0) * (1 + trend)
    # a plan stays within reach: a key unit plans at most a quarter more, a strategic account a tripling
    cap = np.where(np.isin(np.arange(n), strategic), 2.0, 0.25) * np.maximum(revenue, 0.0)
    expansion = np.minimum(capture * headroom, cap)
    target = np.where(life.is_lost, 0.0, base + expansion)
    margin = target * rate - 0.03 * expansion
    basis = np.where(np.isin(np.arange(n), strategic), "expansion", "trend").astype(object)
    expected_next = np.where(
        life.is_lost, 0.0, wallets.expected_total * np.exp(growth * (n_years / 2 + 0.5))
    )
    return np.round(target, -3), np.round(margin / 500) * 500, basis, np.round(expected_next, 2)


def draw_touchpoints(rng, organisation, lines_last_year, costs_last_year, quotes_last_year, centres,
                     account_ids, business_days):
    """Contacts of company people with the accounts in the last year, by function.

    Parameters
    ----------
    lines_last_year : DataFrame
        Invoice lines of the last year (``account_id``, ``invoice_id``).
    costs_last_year : DataFrame
        The ``costs`` rows of the last year (``n_visits``, ``service_hours``).
    quotes_last_year : Series
        Number of quotes per account id in the last year.
    centres : DataFrame
        The ``centres`` table.
    business_days : numpy.ndarray
        The business days (datetime64[D]) of the last year.
    """
    n = len(account_ids)
    index = pd.Index(account_ids)
    staff = organisation.staff
    people = {kind: staff.loc[staff["role"] == kind, "person_id"].to_numpy(dtype=object)
              for kind in ("inside_sales", "service_technician", "application_engineer", "management")}
    by_name = dict(zip(staff["name"], staff["person_id"], strict=True))
    visits = costs_last_year.set_index("account_id")["n_visits"].reindex(index).fillna(0).to_numpy()
    hours = costs_last_year.set_index("account_id")["service_hours"].reindex(index).fillna(0).to_numpy()
    orders = lines_last_year.groupby("account_id")["invoice_id"].nunique().reindex(index).fillna(0).to_numpy()
    quotes = quotes_last_year.reindex(index).fillna(0).to_numpy()
    key = organisation.key_unit
    counts = {
        ("sales", "visit"): visits.astype(np.int64),
        ("sales", "phone"): rng.poisson(1.0 + visits),
        ("inside sales", "phone"): rng.poisson(0.3 * orders),
        ("service", "visit"): rng.poisson(hours / 6.0),
        ("engineering", "visit"): rng.poisson(0.6 * quotes),
        ("management", "visit"): rng.poisson(np.where(key, 2.0, 0.03)),
    }
    pools = {"inside sales": "inside_sales", "service": "service_technician",
             "engineering": "application_engineer", "management": "management"}
    # each account has one or two usual people per function (the same technician comes back)
    usual = {f: rng.integers(0, len(people[k]), size=(n, 2)) for f, k in pools.items()}
    parts = []
    for (function, channel), count in counts.items():
        owner = np.repeat(np.arange(n), count)
        if function == "sales":
            person = np.array([by_name[m] for m in organisation.manager[owner]], dtype=object)
        else:
            pool = people[pools[function]]
            pick = np.where(rng.random(len(owner)) < 0.8, usual[function][owner, rng.integers(0, 2, len(owner))],
                            rng.integers(0, len(pool), len(owner)))
            person = pool[pick]
        parts.append(pd.DataFrame({"owner": owner, "function": function, "channel": channel, "person_id": person}))
    frame = pd.concat(parts, ignore_index=True)
    owner = frame["owner"].to_numpy()
    date = business_days[rng.integers(0, len(business_days), len(frame))]
    managed = key[owner] & (date >= organisation.since[owner])
    p = np.where(frame["function"].to_numpy() == "sales", 1.0, np.where(managed, 0.8, 0.3))
    first_centre = centres.groupby("account_id", sort=False)["centre_id"].agg(list)
    centre_lists = first_centre.reindex(index).tolist()
    centre = [c[rng.integers(len(c))] if isinstance(c, list) else None for c in (centre_lists[o] for o in owner)]
    out = pd.DataFrame(
        {
            "account_id": pd.array(account_ids[owner], dtype="str"),
            "centre_id": pd.array(centre, dtype="str"),
            "date": pd.Series(date.astype("datetime64[D]")).astype("datetime64[us]"),
            "person_id": pd.array(frame["person_id"].to_numpy(), dtype="str"),
            "function": pd.Categorical(frame["function"], categories=FUNCTIONS),
            "channel": pd.Categorical(frame["channel"], categories=["visit", "phone"]),
            "coordinated": rng.random(len(frame)) < p,
        }
    )
    return out.sort_values(["date", "account_id", "person_id"], kind="stable", ignore_index=True)
