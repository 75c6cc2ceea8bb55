"""Customer groups (Konzerne) of the case company (generator 2.1): the ``groups`` table.

Groups are drawn after the invoice lines, from the ``groups`` stream, so that they leave every
earlier table as it was (only the entities' names change, see below). Three kinds:

* **big groups**: the biggest German accounts (``GROUPS_TOP_SHARE`` of all) become parents, each
  with one to five entities (legal entities in other countries or other German cities) drawn from
  the mid-sized accounts of the same industry, foreign ones six times as likely;
* **mid-sized groups**: ``GROUPS_MID_SHARE`` of the accounts, German parents of rank 3 % to 25 %,
  with one or two entities;
* **the group of mid-sized entities** (the first group, ``G001``): a German parent of rank 1.5 % to
  3 % and entities of rank 1.5 % to 20 % (none of them among the biggest accounts) added until the
  group buys ``DEMO_GROUP_MARGIN`` times as much as the biggest single account: entity by entity
  it looks like a row of ordinary customers, as a group it is the biggest customer (the classic
  mistake of an ABC analysis on legal entities).

An entity keeps its own revenue, country and city, and is renamed after its parent, for example
"Lindemann & Söhne Polska Sp. z o.o." or "Lindemann & Söhne Automationstechnik Ulm GmbH". The group
buys centrally through its parent's headquarters (global purchasing as one buying centre).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import (
    COUNTRIES,
    COUNTRY_TAG,
    DEMO_GROUP_MARGIN,
    DEMO_GROUP_MAX_ENTITIES,
    GROUPS_MID_SHARE,
    GROUPS_TOP_SHARE,
    LEGAL_FORMS,
    TRADE_WORDS,
    TRADE_WORDS_EN,
)


@dataclass(frozen=True)
class Groups:
    """Customer groups: ``group`` per account (-1 if none), the parent of each group, and names."""

    group: np.ndarray
    parent: np.ndarray
    names: list
    group_names: list


def draw_groups(rng, firms, revenue, alive):
    """Customer groups from the last year's revenue of each account.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``groups`` stream.
    firms : Firms
        The accounts (industry, country, names, city).
    revenue : numpy.ndarray
        Each account's net revenue in the last year of the window.
    alive : numpy.ndarray
        Whether each account is still a customer at the end of the window.

    Returns
    -------
    Groups
    """
    n = len(revenue)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-revenue, kind="stable")] = np.arange(n)
    german = np.asarray(firms.country) == "DE"
    free = alive & (revenue > 0)
    group = np.full(n, -1, dtype=np.int64)
    parents = []

    def band(lo, hi):
        return free & (group < 0) & (rank >= int(lo * n)) & (rank < max(int(hi * n), int(lo * n) + 1))

    def add(parent, candidates, count=None, target=None):
        g = len(parents)
        parents.append(parent)
        group[parent] = g
        total = revenue[parent]
        same = candidates & (firms.industry == firms.industry[parent])
        pool = np.flatnonzero(same) if same.sum() >= (count or 3) else np.flatnonzero(candidates)
        pool = pool[pool != parent]
        if len(pool) == 0:
            return
        weight = np.where(german[pool], 1.0, 6.0)
        order = rng.choice(pool, size=len(pool), replace=False, p=weight / weight.sum())
        taken = 0
        for k in order:
            if count is not None and taken >= count:
                break
            if target is not None and (total >= target or taken >= DEMO_GROUP_MAX_ENTITIES):
                break
            group[k] = g
            total += revenue[k]
            taken += 1

    # the group of mid-sized entities, the biggest customer as a group
    first = np.flatnonzero(band(0.015, 0.03) & german)
    if len(first):
        parent = rng.choice(first)
        add(parent, band(0.015, 0.2), target=DEMO_GROUP_MARGIN * revenue.max())
    # big groups: the biggest German accounts
    top = [k for k in np.argsort(-revenue, kind="stable") if german[k] and free[k] and group[k] < 0]
    for parent in top[: max(1, round(GROUPS_TOP_SHARE * n))]:
        add(parent, band(0.025, 0.6), count=1 + rng.binomial(4, 0.45))
    # mid-sized groups
    mid = np.flatnonzero(band(0.03, 0.25) & german)
    for parent in rng.choice(mid, size=min(len(mid), round(GROUPS_MID_SHARE * n)), replace=False):
        if group[parent] < 0:
            add(parent, band(0.05, 0.7), count=1 + rng.binomial(1, 0.5))
    parents = np.array(parents, dtype=np.int64)
    names, group_names = _entity_names(firms, group, parents)
    return Groups(group=group, parent=parents, names=names, group_names=group_names)


def _stem(name, country, industry):
    """A company name without its legal form and trade word: 'Lindemann & Söhne'."""
    forms = sorted(LEGAL_FORMS.get(country, ([], []))[0], key=len, reverse=True)
    for form in forms:
        if name.endswith(" " + form):
            name = name[: -len(form) - 1]
            break
    words = (TRADE_WORDS if country in ("DE", "AT", "CH") else TRADE_WORDS_EN)[industry].split("|")
    for word in sorted(words, key=len, reverse=True):
        if name.endswith(" " + word):
            return name[: -len(word) - 1], word
    return name, ""


def _entity_names(firms, group, parents):
    """New names of the entities (the parents keep theirs) and the name of each group, all unique."""
    names = list(firms.names)
    seen = set(names)
    stems = set()
    group_names = []
    for g, parent in enumerate(parents):
        stem, word = _stem(names[parent], firms.country[parent], firms.industry[parent])
        if stem in stems and word:  # two groups of one surname: the trade word tells them apart
            stem = f"{stem} {word}"
        stems.add(stem)
        group_names.append(f"{stem} Gruppe")
        for k in np.flatnonzero(group == g):
            if k == parent:
                continue
            cc = firms.country[k]
            form = LEGAL_FORMS[cc][0][0]
            if cc == "DE":
                base = f"{stem} {word}" if not stem.endswith(word) else stem
                head = f"{base} {firms.city[k]}"
            else:
                head = f"{stem} {COUNTRY_TAG.get(cc, COUNTRIES[cc])}"
            options = [head, f"{head} {firms.city[k]}"] + [f"{head} {firms.city[k]} {i}" for i in range(2, 50)]
            candidate = next(f"{o} {form}" for o in options if f"{o} {form}" not in seen)
            seen.discard(names[k])
            seen.add(candidate)
            names[k] = candidate
    return names, group_names


def groups_frame(groups, firms, account_ids):
    """The ``groups`` table: one row per group, biggest parents first as drawn."""
    parent = groups.parent
    size = np.bincount(groups.group[groups.group >= 0], minlength=len(parent))
    countries = [
        int(len(set(np.asarray(firms.country)[groups.group == g]))) for g in range(len(parent))
    ]
    return pd.DataFrame(
        {
            "group_id": pd.array([f"G{g + 1:03d}" for g in range(len(parent))], dtype="str"),
            "group_name": pd.array(groups.group_names, dtype="str"),
            "parent_account_id": pd.array(account_ids[parent], dtype="str"),
            "country": pd.Categorical([COUNTRIES[firms.country[p]] for p in parent],
                                      categories=list(COUNTRIES.values())),
            "entities": size.astype(np.int64),
            "countries": np.array(countries, dtype=np.int64),
            "purchasing_centre_id": pd.array([f"{account_ids[p]}-01" for p in parent], dtype="str"),
        }
    )
