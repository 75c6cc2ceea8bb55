"""The account tables of the case company (``accounts``, ``truth``, ``wallets``, ``offerings``).

Plus the column helpers every table uses (categoricals, day indices to dates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.data.case import GERMAN_NAMES
from kamlab.data.casegen.parameters import (
    ARCHETYPES,
    COUNTRIES,
    INDUSTRIES,
    OFFERINGS,
    PRODUCT_GROUPS,
    REGIONS,
    TERRITORIES,
)


def _categorical(values, categories):
    return pd.Categorical(values, categories=categories)


def _dates(day_index, days):
    return pd.Series(days[day_index]).astype("datetime64[us]").to_numpy()


def _dates_or_nat(index, days):
    out = np.full(len(index), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = index >= 0
    out[ok] = days[index[ok]]
    return pd.Series(out).astype("datetime64[us]").to_numpy()


def accounts_frame(account_ids, firms, terms, life, groups, organisation):
    """The ``accounts`` table: what the company's CRM knows about each account."""
    from kamlab.data.casegen.organisation import ROLES

    region, country = firms.region, firms.country
    group_ids = np.array([f"G{g + 1:03d}" if g >= 0 else None for g in groups.group], dtype=object)
    industry_names = np.array(INDUSTRIES, dtype=object)[firms.industry]
    return pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "name": pd.array(groups.names, dtype="str"),
            "industry": _categorical(industry_names, INDUSTRIES),
            "country": _categorical([COUNTRIES[c] for c in country], list(COUNTRIES.values())),
            "country_code": _categorical(country, list(COUNTRIES)),
            "region": _categorical([REGIONS[r][0] for r in region], [r[0] for r in REGIONS]),
            "nielsen_region": _categorical(
                [REGIONS[r][3] for r in region], ["I", "II", "IIIa", "IIIb", "IV", "V", "VI", "VII"]
            ),
            "city": pd.array(firms.city, dtype="str"),
            "employees": firms.employees.astype(np.int64),
            "plants": firms.plants.astype(np.int64),
            "territory_manager": _categorical(terms.kam, [v[0] for v in TERRITORIES.values()]),
            "key_account": terms.key_account,
            "customer_since": pd.Series(life.customer_since.astype("datetime64[D]"))
            .astype("datetime64[us]")
            .to_numpy(),
            "group_id": pd.array(group_ids, dtype="str"),
            "account_manager": pd.array(organisation.manager, dtype="str"),
            "manager_role": _categorical(organisation.role, ROLES[:3]),
            "managed_since": pd.Series(organisation.since.astype("datetime64[D]")).astype("datetime64[us]").to_numpy(),
        }
    )


def truth_frame(account_ids, firms, wallets, life, terms, orders_per_year, days, expected_next):
    """The ``truth`` table: what the generator knows and an analyst never sees, per account."""
    return pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "archetype": _categorical(np.array(ARCHETYPES, dtype=object)[firms.arch], ARCHETYPES),
            "lifecycle": _categorical(life.lifecycle, ["stable", "growing", "shrinking", "new", "lost"]),
            "wallet_eur_per_year": np.round(wallets.wallet.sum(axis=1), 2),
            "expected_revenue_eur_per_year": np.round(wallets.expected_total, 2),
            "share_of_wallet": np.round(wallets.share_total, 4),
            "headroom_eur_per_year": np.round(wallets.headroom, 2),
            "growth_rate": np.round(life.growth, 4),
            "orders_per_year": np.round(orders_per_year, 2),
            "relationship": np.round(wallets.relationship, 3),
            "list_price_discount": np.round(terms.discount, 4),
            "over_served": terms.over_served,
            "acquired_date": _dates_or_nat(np.where(life.is_new, life.acquired, -1), days),
            "dropout_date": _dates_or_nat(np.where(life.is_lost, life.dropout, -1), days),
            "alive_at_end": ~life.is_lost,
            "expected_revenue_next_year": expected_next,
        }
    )


def wallets_frame(account_ids, wallets):
    """The ``wallets`` table: wallet, share of wallet and expected revenue per account and offering."""
    n, K = wallets.wallet.shape
    return pd.DataFrame(
        {
            "account_id": pd.array(np.repeat(account_ids, K), dtype="str"),
            "offering": _categorical(np.tile(np.array(OFFERINGS, dtype=object), n), OFFERINGS),
            "wallet_eur_per_year": wallets.wallet.ravel(),
            "share_of_wallet": wallets.share.ravel(),
            "expected_revenue_eur_per_year": np.round(wallets.expected.ravel(), 2),
        }
    )


def _offerings_frame():
    """The ``offerings`` table: one row per product group."""
    return pd.DataFrame(
        {
            "offering": _categorical([OFFERINGS[g[0]] for g in PRODUCT_GROUPS], OFFERINGS),
            "offering_de": pd.array([GERMAN_NAMES[OFFERINGS[g[0]]] for g in PRODUCT_GROUPS], dtype="str"),
            "product_group": _categorical([g[1] for g in PRODUCT_GROUPS], [g[1] for g in PRODUCT_GROUPS]),
            "product_group_de": pd.array([g[2] for g in PRODUCT_GROUPS], dtype="str"),
            "unit": _categorical([g[3] for g in PRODUCT_GROUPS], ["pcs", "h", "lump sum"]),
            "list_price_min": np.array([g[4] for g in PRODUCT_GROUPS], dtype=float),
            "list_price_max": np.array([g[5] for g in PRODUCT_GROUPS], dtype=float),
            "standard_cost_ratio": np.array([g[6] for g in PRODUCT_GROUPS], dtype=float),
        }
    )
