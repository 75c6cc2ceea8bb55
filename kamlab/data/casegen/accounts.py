"""The accounts of the case company: firmographics, wallets, share of wallet, life cycle, terms.

Steps 1 to 5 of the model described in :mod:`kamlab.data.casegen`, plus the key-account
manager, key-account status and commercial terms. Each ``draw_*`` function takes the generator
and the results of the earlier steps and returns a small frozen dataclass with one entry (or
one row) per account; :func:`kamlab.data.casegen.generate_case` gives each its own random stream
(:mod:`kamlab.data.casegen.streams`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamlab.data.casegen.names import _company_names
from kamlab.data.casegen.parameters import (
    ARCHETYPE_SHARE,
    ARCHETYPES,
    CHURN_BASE,
    COUNTRY_WALLET_FACTOR,
    DAY,
    DISCOUNT_MEAN,
    EMPLOYEE_ELASTICITY,
    EMPLOYEES_LOGSD,
    EMPLOYEES_MEDIAN,
    ENG,
    INDUSTRY_MIX,
    INTENSITY,
    OFFERINGS,
    P_BUY,
    REGIONS,
    SOW_ALPHA,
    TERRITORIES,
)
from kamlab.data.casegen.sampling import _choice_rows, _logistic, _logit, _standardise


@dataclass(frozen=True)
class Firms:
    """Archetype and firmographics of each account (steps 1 and 2).

    Attributes
    ----------
    arch, industry, region : numpy.ndarray
        Indices into ``ARCHETYPES``, ``INDUSTRIES`` and ``REGIONS``.
    country, city, territory : numpy.ndarray
        Country code, city and sales territory.
    employees, plants : numpy.ndarray
        Number of employees and of plants (buying centres).
    names : list of str
        Unique fictional company names.
    """

    arch: np.ndarray
    industry: np.ndarray
    region: np.ndarray
    country: np.ndarray
    city: np.ndarray
    territory: np.ndarray
    employees: np.ndarray
    plants: np.ndarray
    names: list


@dataclass(frozen=True)
class Wallets:
    """Wallet, share of wallet and relationship of each account (steps 3 and 4).

    Attributes
    ----------
    wallet, share, expected : numpy.ndarray
        ``(accounts, offerings)``: wallet (EUR per year), share of wallet, and their product,
        the expected revenue per year at the middle of the window.
    buys : numpy.ndarray
        ``(accounts, offerings)``: whether the account buys the offering from us at all.
    expected_total, size_z : numpy.ndarray
        Expected revenue per year of each account, and its standardised logarithm.
    relationship : numpy.ndarray
        The latent relationship strength ``r_i``.
    """

    wallet: np.ndarray
    buys: np.ndarray
    share: np.ndarray
    expected: np.ndarray
    expected_total: np.ndarray
    size_z: np.ndarray
    relationship: np.ndarray

    @property
    def headroom(self):
        """Wallet not captured, EUR per year."""
        return (self.wallet - self.expected).sum(axis=1)

    @property
    def share_total(self):
        """Share of the whole wallet."""
        return self.expected_total / self.wallet.sum(axis=1)


@dataclass(frozen=True)
class LifeCycle:
    """New, lost, growing, shrinking or stable (step 5); day indices refer to ``Window.days``.

    Attributes
    ----------
    is_new, is_lost : numpy.ndarray
        Acquired inside the window; dropped out inside the window.
    growth : numpy.ndarray
        Annual log growth rate ``g_i``.
    lifecycle : numpy.ndarray
        ``"new"``, ``"lost"``, ``"growing"``, ``"shrinking"`` or ``"stable"``.
    acquired, dropout : numpy.ndarray
        Day of acquisition (-1 unless new) and of dropout (``Window.i_end`` unless lost).
    customer_since : numpy.ndarray
        First day as a customer.
    lo, hi : numpy.ndarray
        The account's active days in the window, ``[lo, hi)``.
    """

    is_new: np.ndarray
    is_lost: np.ndarray
    growth: np.ndarray
    lifecycle: np.ndarray
    acquired: np.ndarray
    dropout: np.ndarray
    customer_since: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


@dataclass(frozen=True)
class Terms:
    """Key-account manager, key-account status and commercial terms of each account.

    Attributes
    ----------
    kam : numpy.ndarray
        Key-account manager (by territory).
    diligence, visit_cost, closeness : numpy.ndarray
        The manager's mean follow-ups per quote, the cost of a sales visit and the
        distance score for the proximity rating.
    key_account : numpy.ndarray
        Official key-account status.
    discount : numpy.ndarray
        Discount off list price.
    over_served : numpy.ndarray
        The big accounts that get extra rebates, visits, consignment stock and service.
    """

    kam: np.ndarray
    diligence: np.ndarray
    visit_cost: np.ndarray
    closeness: np.ndarray
    key_account: np.ndarray
    discount: np.ndarray
    over_served: np.ndarray


def draw_firmographics(rng, n, names_rng=None):
    """Steps 1 and 2: archetype, industry, region, size, plants and name of ``n`` accounts.

    The names come from ``names_rng`` (the ``names`` stream) if given, else from ``rng``.
    """
    arch = rng.choice(len(ARCHETYPES), size=n, p=ARCHETYPE_SHARE)
    industry = _choice_rows(rng, INDUSTRY_MIX[arch])
    region_weight = np.array([r[4] for r in REGIONS])
    region = rng.choice(len(REGIONS), size=n, p=region_weight / region_weight.sum())
    country = np.array([REGIONS[r][1] for r in region])
    city = np.array([REGIONS[r][5][rng.integers(len(REGIONS[r][5]))] for r in region], dtype=object)
    territory = np.array([REGIONS[r][2] for r in region], dtype=object)
    employees = np.maximum(
        5, np.round(np.exp(np.log(EMPLOYEES_MEDIAN[arch]) + EMPLOYEES_LOGSD[arch] * rng.standard_normal(n)))
    ).astype(np.int64)
    employees = np.minimum(employees, 60000)
    plants = np.minimum(12, 1 + rng.poisson(0.35 * (employees / 100.0) ** 0.45))
    names = _company_names(rng if names_rng is None else names_rng, industry, country)
    return Firms(
        arch=arch,
        industry=industry,
        region=region,
        country=country,
        city=city,
        territory=territory,
        employees=employees,
        plants=plants,
        names=names,
    )


def draw_wallets(rng, firms):
    """Steps 3 and 4: wallet by offering, what the account buys from us and its share of wallet."""
    n, arch = len(firms.arch), firms.arch
    K = len(OFFERINGS)
    # 3. wallet
    country_factor = np.array([COUNTRY_WALLET_FACTOR.get(c, 0.8) for c in firms.country])
    z_account = rng.standard_normal(n)
    z_cell = rng.standard_normal((n, K))
    noise = np.exp(0.35 * z_account[:, None] + 0.45 * z_cell - (0.35**2 + 0.45**2) / 2)
    wallet = (
        INTENSITY[firms.industry]
        * (firms.employees**EMPLOYEE_ELASTICITY)[:, None]
        * (firms.plants**0.15)[:, None]
        * country_factor[:, None]
        * noise
    )
    # 4. share of wallet
    relationship = rng.standard_normal(n)
    p_buy = _logistic(_logit(P_BUY[arch]) + 0.4 * relationship[:, None]) * (P_BUY[arch] > 0)
    buys = rng.random((n, K)) < p_buy
    buys &= wallet > 0
    # every account buys at least one offering outside engineering
    none = ~buys[:, :ENG].any(axis=1)
    favourite = np.argmax(P_BUY[arch][:, :ENG] * wallet[:, :ENG] * rng.random((n, ENG)), axis=1)
    buys[np.flatnonzero(none), favourite[none]] = True
    share = buys * _logistic(
        SOW_ALPHA[arch][:, None] + 0.7 * relationship[:, None] + 0.45 * rng.standard_normal((n, K))
    )
    # scale wallets so the expected revenue is 60,000 EUR per account and year
    wallet *= 60000.0 * n / (wallet * share).sum()
    wallet = np.round(wallet, 2)
    share = np.round(share, 4)
    expected = wallet * share
    expected_total = expected.sum(axis=1)
    return Wallets(
        wallet=wallet,
        buys=buys,
        share=share,
        expected=expected,
        expected_total=expected_total,
        size_z=_standardise(np.log(expected_total)),
        relationship=relationship,
    )


def draw_life_cycle(rng, arch, relationship, window):
    """Step 5: new, lost or a growth rate; acquisition, dropout and the active days of each account."""
    n = len(arch)
    u = rng.random(n)
    p_lost = CHURN_BASE[arch] * np.exp(-0.6 * relationship) / np.exp(0.18)
    is_new = u < 0.08
    is_lost = (~is_new) & (rng.random(n) < p_lost)
    kind = rng.random(n)
    growth = np.where(
        kind < 0.2,
        rng.uniform(0.10, 0.35, n),
        np.where(kind < 0.4, rng.uniform(-0.35, -0.10, n), rng.normal(0.02, 0.03, n)),
    )
    growth = np.where(is_lost, rng.normal(-0.30, 0.08, n), growth)
    growth = np.where(is_new, rng.normal(0.05, 0.05, n), growth)
    lifecycle = np.where(
        is_new,
        "new",
        np.where(
            is_lost,
            "lost",
            np.where(growth >= 0.08, "growing", np.where(growth <= -0.08, "shrinking", "stable")),
        ),
    )
    i_first, i_end = window.i_first, window.i_end
    window_days = i_end - i_first
    # new accounts arrive from the second year on (in a one-year window: after the first month)
    acquire_from = 365 if window.n_years > 1 else 30
    acquired = np.where(is_new, i_first + rng.integers(acquire_from, window_days - 60, n), -1)
    dropout = np.where(is_lost, i_first + rng.integers(90, max(91, window_days - 30), n), i_end)
    since_years = rng.integers(1975, window.first_year, n)
    customer_since = np.array(
        [
            np.datetime64(f"{y}-01-01") + int(d) * DAY
            for y, d in zip(since_years, rng.integers(0, 365, n), strict=True)
        ]
    )
    customer_since = np.where(is_new, window.days[np.maximum(acquired, 0)], customer_since)
    return LifeCycle(
        is_new=is_new,
        is_lost=is_lost,
        growth=growth,
        lifecycle=lifecycle,
        acquired=acquired,
        dropout=dropout,
        customer_since=customer_since,
        lo=np.where(is_new, acquired, i_first),
        hi=dropout,
    )


def draw_terms(rng, firms, wallets, is_new):
    """Key-account manager and official key-account status, discount off list price, over-service."""
    n, arch, expected_total = len(firms.arch), firms.arch, wallets.expected_total
    territory = firms.territory
    kam = np.array([TERRITORIES[tr][0] for tr in territory], dtype=object)
    diligence = np.array([TERRITORIES[tr][2] for tr in territory])
    visit_cost = np.array([TERRITORIES[tr][1] for tr in territory])
    closeness = np.array([TERRITORIES[tr][3] for tr in territory])
    designation = np.log(expected_total) + 0.5 * rng.standard_normal(n) - 3.0 * is_new
    key_account = designation >= np.quantile(designation, 0.94)
    # discount off list price, cost-to-serve levels
    discount = np.clip(
        DISCOUNT_MEAN[arch]
        + 0.02 * wallets.size_z
        + 0.03 * rng.standard_normal(n) * (DISCOUNT_MEAN[arch] > 0.05),
        0.0,
        0.5,
    )
    big = expected_total >= np.quantile(expected_total, 0.75)
    over_served = big & (rng.random(n) < np.where(arch <= 1, 0.25, 0.12))
    return Terms(
        kam=kam,
        diligence=diligence,
        visit_cost=visit_cost,
        closeness=closeness,
        key_account=key_account,
        discount=discount,
        over_served=over_served,
    )
