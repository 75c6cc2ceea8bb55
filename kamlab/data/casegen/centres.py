"""Buying centres: the plants, divisions and branches of each account, and who buys what.

:func:`draw_centres` builds the ``centres`` table and a :class:`Centres` object whose
:meth:`Centres.draw` picks the buying centre of an invoice line or a quote.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamlab.data.casegen.parameters import COUNTRIES, OFFERINGS, REGIONS
from kamlab.data.casegen.sampling import _choice_grouped
from kamlab.data.casegen.tables import _categorical


@dataclass(frozen=True)
class Centres:
    """The buying centres and which of them buy which offering.

    Attributes
    ----------
    frame : pandas.DataFrame
        The ``centres`` table without its ``account_id`` column.
    account, number : numpy.ndarray
        Account index and number (1 = headquarters) of each centre.
    key_values, cell_group, cell_centre, cell_weight : numpy.ndarray
        The (centre, offering) cells that buy, grouped by ``account * K + offering``
        (sorted, dense groups), with their centre and its weight.
    """

    frame: pd.DataFrame
    account: np.ndarray
    number: np.ndarray
    key_values: np.ndarray
    cell_group: np.ndarray
    cell_centre: np.ndarray
    cell_weight: np.ndarray

    def draw(self, rng, acc, off):
        """The buying centre of each (account, offering) pair, with probability by centre weight."""
        group = np.searchsorted(self.key_values, acc * len(OFFERINGS) + off)
        picked = _choice_grouped(rng, self.cell_group, self.cell_weight, group)
        return self.cell_centre[picked]


def draw_centres(rng, firms, buys):
    """One centre per plant of each account, and the offerings each centre buys."""
    n, K = len(firms.arch), len(OFFERINGS)
    centre_account = np.repeat(np.arange(n), firms.plants)
    centre_number = np.concatenate([np.arange(1, p + 1) for p in firms.plants])
    centre_weight = np.where(centre_number == 1, 1.0, rng.gamma(1.0, 0.6, len(centre_account)))
    centres = _build_centres(rng, centre_account, centre_number, firms.city, firms.country, firms.arch)
    # which centre buys which offering: the account's offerings, each centre with probability 0.55
    # (headquarters 0.8), at least one centre per offering
    cell_of_centre = np.repeat(np.arange(len(centre_account)), K)
    offering_of_cell = np.tile(np.arange(K), len(centre_account))
    account_of_cell = centre_account[cell_of_centre]
    eligible = buys[account_of_cell, offering_of_cell] & (
        rng.random(len(cell_of_centre)) < np.where(centre_number[cell_of_centre] == 1, 0.8, 0.55)
    )
    # make sure every bought (account, offering) has a centre: fall back to headquarters
    has_centre = np.zeros((n, K), dtype=bool)
    np.logical_or.at(has_centre, (account_of_cell[eligible], offering_of_cell[eligible]), True)
    missing = buys & ~has_centre
    hq_cell = np.flatnonzero(centre_number[cell_of_centre] == 1)
    hq_missing = hq_cell[missing[account_of_cell[hq_cell], offering_of_cell[hq_cell]]]
    eligible[hq_missing] = True
    cells = np.flatnonzero(eligible)
    cell_key = account_of_cell[cells] * K + offering_of_cell[cells]
    order_cells = np.argsort(cell_key, kind="stable")
    cells = cells[order_cells]
    cell_key = cell_key[order_cells]
    key_values, cell_group = np.unique(cell_key, return_inverse=True)
    cell_centre = cell_of_centre[cells]
    return Centres(
        frame=centres,
        account=centre_account,
        number=centre_number,
        key_values=key_values,
        cell_group=cell_group,
        cell_centre=cell_centre,
        cell_weight=centre_weight[cell_centre],
    )


def _build_centres(rng, centre_account, centre_number, city, country, arch):
    """The centres table: headquarters in the account's city, further plants, divisions or branches."""
    cities_by_country = {}
    for region in REGIONS:
        cities_by_country.setdefault(region[1], []).extend(region[5])
    n_c = len(centre_account)
    centre_city = np.empty(n_c, dtype=object)
    role = np.empty(n_c, dtype=object)
    name = np.empty(n_c, dtype=object)
    for k in range(n_c):
        acc = centre_account[k]
        if centre_number[k] == 1:
            centre_city[k] = city[acc]
            role[k] = "headquarters"
            name[k] = (
                f"Zentrale {city[acc]}" if country[acc] in ("DE", "AT", "CH") else f"Head office {city[acc]}"
            )
            continue
        pool = cities_by_country[country[acc]]
        # plants abroad for a few big German accounts
        if country[acc] == "DE" and rng.random() < 0.12:
            pool = cities_by_country[["AT", "CH", "PL", "CZ", "NL", "FR", "IT"][rng.integers(7)]]
        centre_city[k] = pool[rng.integers(len(pool))]
        if arch[acc] == 1:
            role[k] = "branch"
        elif arch[acc] == 2 and rng.random() < 0.4:
            role[k] = "engineering"
        elif rng.random() < 0.2:
            role[k] = "division"
        else:
            role[k] = "plant"
        label = {
            "branch": "Niederlassung",
            "engineering": "Engineering",
            "division": "Division",
            "plant": "Werk",
        }
        name[k] = f"{label[role[k]]} {centre_city[k]}"
    country_of_city = {}
    for region in REGIONS:
        for c in region[5]:
            country_of_city[c] = region[1]
    centre_country = np.array([COUNTRIES[country_of_city[c]] for c in centre_city], dtype=object)
    # two plants of one account in the same city get numbered names
    frame = pd.DataFrame({"acc": centre_account, "name": name})
    dup = frame.groupby(["acc", "name"], sort=False).cumcount().to_numpy()
    name = np.array([f"{nm} {d + 1}" if d else nm for nm, d in zip(name, dup, strict=True)], dtype=object)
    return pd.DataFrame(
        {
            "centre_id": pd.array(
                [f"K{a + 1:05d}-{c:02d}" for a, c in zip(centre_account, centre_number, strict=True)],
                dtype="str",
            ),
            "centre_name": pd.array(name, dtype="str"),
            "city": pd.array(centre_city, dtype="str"),
            "country": _categorical(centre_country, list(COUNTRIES.values())),
            "role": _categorical(role, ["headquarters", "plant", "division", "branch", "engineering"]),
        }
    )
