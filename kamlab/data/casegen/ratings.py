"""Ratings (step 10): the key-account manager's 1..10 scores at the last account review.

Each rating is a noisy measurement of the truth (for example ``growth_potential`` of the
headroom and the growth rate, ``proximity`` of the distance from Bielefeld).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import INDUSTRY_PRESTIGE
from kamlab.data.casegen.sampling import _logit, _next_business_day, _standardise
from kamlab.data.casegen.tables import _dates


def _to_scale(rng, signal, noise_sd):
    """A 1..10 rating from a latent signal plus noise."""
    z = _standardise(_standardise(signal) + noise_sd * rng.standard_normal(len(signal)))
    return np.clip(np.round(5.5 + 2.0 * z), 1, 10).astype(np.int64)


def draw_ratings(rng, account_ids, firms, wallets, life, terms, window, service_hours):
    """The ``ratings`` table: nine 1..10 ratings, the number of competitors and the review date.

    Parameters
    ----------
    rng : numpy.random.Generator
        The generator of the case.
    account_ids : numpy.ndarray
        Account id of each account index.
    firms, wallets, life, terms : Firms, Wallets, LifeCycle, Terms
        The accounts (see :mod:`kamlab.data.casegen.accounts`).
    window : Window
        The calendar.
    service_hours : numpy.ndarray
        Mean unbilled service hours per year of each account (from the ``costs`` table).

    Returns
    -------
    pandas.DataFrame
        The ``ratings`` table.
    """
    relationship, share, is_lost = wallets.relationship, wallets.share_total, life.is_lost
    wallet_total = wallets.wallet.sum(axis=1)
    shrinking = life.lifecycle == "shrinking"
    log_emp = np.log(firms.employees)
    ratings = {
        "growth_potential": _to_scale(
            rng, _standardise(np.log1p(wallets.headroom)) + 0.8 * _standardise(life.growth), 0.7
        ),
        "cooperation_potential": _to_scale(rng, relationship + 0.6 * np.isin(firms.arch, [0, 2]), 0.6),
        "reference_value": _to_scale(rng, _standardise(log_emp) + INDUSTRY_PRESTIGE[firms.industry], 0.6),
        "price_enforcement": _to_scale(rng, -_standardise(terms.discount), 0.6),
        "solvency": _to_scale(rng, 0.6 * _standardise(log_emp) - 1.0 * is_lost - 0.5 * shrinking, 0.8),
        "satisfaction": _to_scale(rng, _standardise(_logit(share)) + 0.6 * relationship - 0.8 * is_lost, 0.6),
        "relationship_level": _to_scale(rng, relationship, 0.45),
        "service_quality": _to_scale(rng, _standardise(np.log1p(service_hours)) + 0.5 * relationship, 0.8),
        "proximity": _to_scale(rng, terms.closeness, 0.5),
    }
    mu = np.exp(0.8 + 0.35 * _standardise(np.log(wallet_total)) - 3.5 * (share - 0.18))
    n_competitors = np.clip(rng.poisson(mu), 0, 9)
    review = _review_days(rng, is_lost, life.lo, life.hi, window)
    return pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "rating_date": _dates(review, window.days),
            **ratings,
            "n_competitors": n_competitors.astype(np.int64),
        }
    )


def _review_days(rng, is_lost, lo, hi, window):
    """Day of the last account review: in the last two months, before the dropout for lost accounts."""
    n, i_end = len(is_lost), window.i_end
    review = np.where(is_lost, hi - rng.integers(30, 121, n), i_end - 1 - rng.integers(0, 60, n))
    review = np.maximum(review, lo)
    business = window.business
    review = business[np.maximum(np.searchsorted(business, review, side="right") - 1, 0)]  # a business day
    return np.maximum(review, _next_business_day(business, lo))


def draw_values(rng, ratings, firms, wallets, life):
    """Qualitative customer value (generator 2.1, ``values`` stream): three columns for ``ratings``.

    ``multiplier_value`` (word of mouth: distributors, big firms, prestigious industries, a good
    relationship), ``information_value`` (what we learn from the customer: strategic OEMs and project
    business, big firms, growth) on 1..10 scales, and ``reference_customer``: the account lets us
    name it as a reference; likely (70 %) for a living account with reference value, satisfaction
    and relationship level of at least 7, 6 and 6, rare (2 %) otherwise. The cooperation value is
    the existing ``cooperation_potential``.
    """
    log_emp = _standardise(np.log(firms.employees))
    relationship = wallets.relationship
    multiplier = _to_scale(
        rng, 1.2 * (firms.arch == 1) + 0.5 * log_emp + INDUSTRY_PRESTIGE[firms.industry] + 0.4 * relationship, 0.7
    )
    information = _to_scale(
        rng, 1.0 * np.isin(firms.arch, [0, 2]) + 0.5 * log_emp + 0.5 * _standardise(life.growth), 0.7
    )
    good = (
        (ratings["reference_value"].to_numpy() >= 7)
        & (ratings["satisfaction"].to_numpy() >= 6)
        & (ratings["relationship_level"].to_numpy() >= 6)
        & ~life.is_lost
    )
    reference = rng.random(len(good)) < np.where(good, 0.7, 0.02)
    return ratings.assign(
        multiplier_value=multiplier, information_value=information, reference_customer=reference & ~life.is_lost
    )
