"""Generate the case company: a fictional German maker of drive and automation components.

Public data has no margins, ratings, competitors or customer potential, so kamlab's
course works on its own business-to-business company, *Kesselbach Antriebstechnik
GmbH* (Bielefeld), and on about 2,000 business customers who buy geared motors,
frequency inverters, servo drives, controls, sensors, service and engineering
projects from it. :func:`generate_case` builds the whole company from one seed;
the tables it produced with the default arguments are committed under
``datasets/case`` and read with :func:`kamlab.load_case`, so every notebook shows
the same numbers whatever numpy version runs it.

The generator knows things an analyst never sees (each account's true wallet, its
true share of wallet, its archetype, when it was lost); they are in the ``truth``
and ``wallets`` tables, so a notebook can grade an estimate against the truth.

Generating model
----------------
Everything below is drawn from one ``numpy.random.default_rng(seed)``, in a fixed
order, with vectorised numpy code. ``i`` is an account, ``o`` an offering, ``t``
the time in years from the middle of the window (2024-07-01 for the default).

1. **Archetype** ``a_i``: one of six kinds of customer (strategic OEM, price-driven
   distributor, project business, maintenance end user, small regular buyer,
   occasional buyer) with fixed shares. The archetype sets the industry mix,
   the size, the buying frequency, the product mix, the discount level and the
   cost to serve; it is never stored in an analyst's table.
2. **Firmographics**: industry drawn given the archetype; country and region
   (Germany by Bundesland, Austria, Switzerland, six other EU countries);
   ``employees_i = exp(N(log m_a, s_a))``; ``plants_i = 1 + Poisson(0.35 * (employees_i / 100) ** 0.45)``
   (at most 12); the key-account manager by sales territory; a unique
   fictional company name built from lists of surnames, places and trade words.
3. **Wallet** (what the account spends per year on offering ``o`` from all
   suppliers) depends on firmographics only::

       wallet_io = c * intensity[industry_i, o] * employees_i ** 0.75 * plants_i ** 0.15
                   * country_factor_i * exp(0.35 z_i + 0.45 z_io - (0.35**2 + 0.45**2) / 2)

   with standard normal ``z``; ``c`` scales the expected revenue of all
   accounts to 60,000 EUR per account and year (120 M EUR for 2,000 accounts).
4. **Share of wallet**: a latent relationship strength ``r_i ~ N(0, 1)``. The
   account buys offering ``o`` from us with probability
   ``logistic(logit(p_buy[a_i, o]) + 0.4 r_i)`` (at least one offering outside
   engineering); if it does, ``share_io = logistic(alpha_a + 0.7 r_i + 0.45 z_io)``,
   otherwise 0 (whitespace). The expected revenue is ``wallet_io * share_io``
   per year at the middle of the window.
5. **Life cycle**: about 8 % of accounts are *new* (acquired between the start of
   the second year and two months before the end), about 8 % are *lost* (a
   dropout date in the window, more likely when ``r_i`` is low and for
   occasional buyers; their revenue declines before they go), the others are
   growing, shrinking or stable. The revenue intensity of an account is
   ``exp(g_i t)`` with an annual log growth rate ``g_i``, so ``wallet * share``
   is the expected revenue per year at ``t = 0``.
6. **Regular orders** (the share ``1 - phi[a_i, o]`` of the expected revenue
   that does not come from quotes): order dates follow a Poisson process with
   rate ``lambda_i * s(d) * exp(g_i t)`` on the account's active days, where
   ``lambda_i`` (orders per year) depends on the archetype and size with
   gamma-distributed heterogeneity and ``s(d)`` is the seasonal business-day
   profile (no orders on weekends and German public holidays, a dip in the
   Easter weeks and in August, a December peak before Christmas, mean 1).
   Each order has ``1 + Binomial(7, mu_a / 7)`` lines; a line's offering is
   drawn with weight ``(revenue_io) ** 0.6`` times an offering frequency; its
   net value is lognormal with the mean that makes the expected revenue per
   offering equal ``wallet * share * (1 - phi)``. The line's product group,
   list price (log-uniform in the group's range, at most the line value),
   quantity (the line value divided by the net price, stochastically rounded)
   and cost of goods (quantity times list price times the group's standard
   cost ratio, with 4 % noise) follow from the value. Lines of one order that
   go to different buying centres are separate invoices.
7. **Quotes and projects** (the share ``phi[a_i, o]``; all of engineering &
   retrofit): quotes arrive as a Poisson process from one year before the
   window until its end. Each quote has a number of competitors
   ``1 + Binomial(3, p_size)`` and of follow-up contacts
   ``min(Poisson(mu_kam * (0.7 + 0.3 * importance)), 8)`` (``mu_kam`` differs by
   key-account manager). It is won with probability::

       logistic(-0.55 + 0.35 (followups - 2) + 0.45 r_i - 0.35 (competitors - 2) + beta_o)

   The decision comes after a gamma-distributed number of days (open if after
   the end of the window); a won quote is invoiced at 92-100 % of its value
   after a lead time, large engineering projects in two parts (30 % down
   payment). The quote rate is set so the expected invoiced value equals
   ``wallet * share * phi``. Engineering projects have a cost ratio with 12 %
   noise, so some are invoiced below cost.
8. **Credit notes** (``is_credit_note``, invoice ids ``GS-...``): about 2-4 % of
   regular lines are followed 3 to 45 days later by a return (negative
   quantity, negative revenue and cost) or a price correction (negative unit
   price, no cost).
9. **Cost to serve** per account and year, computed from what happened:
   year-end rebates (a percentage of the year's revenue agreed by archetype and
   size), marketing (catalogue and fairs, co-op marketing for distributors,
   events for key accounts), sales visits (Poisson number times a cost per
   visit by territory), order handling (per invoice and per credit note),
   logistics (per shipment by country, 1 % of revenue for packaging and
   handling, consignment stock) and technical service (unbilled hours of
   application engineering and commissioning support). About one big account
   in six is *over-served* (extra rebates, visits, consignment stock and
   service): these produce the big accounts with thin or negative
   contribution margin IV.
10. **Ratings** on 1..10 scales are noisy measurements of the truth (for
    example ``growth_potential`` of the headroom and the growth rate,
    ``satisfaction`` of the share of wallet and the relationship, ``proximity``
    of the distance from Bielefeld), as the key-account manager saw them at the
    last account review.

``datasets/README.md`` lists every table and column and the measured realism
checks.

Run ``python -m kamlab.casegen datasets/case`` to regenerate the committed
tables (Parquet files and ``manifest.json``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from kamlab.data.case import COMPANY, GERMAN_NAMES, MANIFEST_NAME, SCHEMA, TABLES, Case
from kamlab.errors import ParameterError

__all__ = ["generate_case", "write_case", "GENERATOR_VERSION"]

GENERATOR_VERSION = "1.0.0"

# --------------------------------------------------------------------------------------------------
# Offerings and product groups
# --------------------------------------------------------------------------------------------------
OFFERINGS = [
    "Geared motors",
    "Frequency inverters",
    "Servo drives",
    "Controls & PLC",
    "Sensors",
    "Service & spare parts",
    "Engineering & retrofit",
]
ENG = OFFERINGS.index("Engineering & retrofit")

# offering index, product group, German name, unit, list price min, max (EUR per unit), standard cost ratio
# (standard cost / list price), choice weight
PRODUCT_GROUPS = [
    (0, "Helical geared motors", "Stirnradgetriebemotoren", "pcs", 250, 2500, 0.50, 1.0),
    (0, "Bevel geared motors", "Kegelradgetriebemotoren", "pcs", 450, 4000, 0.50, 0.8),
    (0, "Worm geared motors", "Schneckengetriebemotoren", "pcs", 180, 1200, 0.52, 0.6),
    (0, "Industrial gear units", "Industriegetriebe", "pcs", 3000, 40000, 0.55, 0.3),
    (1, "Compact inverters", "Kompaktumrichter", "pcs", 180, 900, 0.46, 1.0),
    (1, "Application inverters", "Applikationsumrichter", "pcs", 800, 6000, 0.45, 0.8),
    (1, "Decentralised drive units", "Dezentrale Antriebseinheiten", "pcs", 600, 2500, 0.48, 0.5),
    (2, "Servo motors", "Servomotoren", "pcs", 400, 3500, 0.44, 1.0),
    (2, "Servo amplifiers", "Servoverstärker", "pcs", 600, 5000, 0.43, 0.8),
    (2, "Multi-axis servo systems", "Mehrachs-Servosysteme", "pcs", 5000, 30000, 0.45, 0.3),
    (3, "PLC controllers", "SPS-Steuerungen", "pcs", 350, 6000, 0.40, 1.0),
    (3, "I/O modules", "E/A-Module", "pcs", 60, 600, 0.38, 0.8),
    (3, "HMI panels", "Bediengeräte", "pcs", 400, 4500, 0.42, 0.6),
    (3, "Control cabinets", "Schaltschränke", "pcs", 4000, 60000, 0.58, 0.3),
    (4, "Inductive sensors", "Induktive Sensoren", "pcs", 15, 120, 0.34, 1.0),
    (4, "Encoders", "Drehgeber", "pcs", 120, 900, 0.38, 0.8),
    (4, "Safety sensors", "Sicherheitssensorik", "pcs", 150, 2000, 0.40, 0.5),
    (5, "Spare parts", "Ersatzteile", "pcs", 8, 1500, 0.32, 1.0),
    (5, "Field service", "Außendienst-Service", "h", 95, 145, 0.42, 0.7),
    (5, "Repairs", "Reparaturen", "pcs", 150, 4000, 0.35, 0.5),
    (5, "Service contracts", "Wartungsverträge", "lump sum", 1500, 25000, 0.25, 0.3),
    (6, "Commissioning", "Inbetriebnahme", "lump sum", 1500, 40000, 0.68, 0.5),
    (6, "Engineering services", "Engineering-Leistungen", "lump sum", 2000, 150000, 0.66, 0.8),
    (6, "Retrofit projects", "Retrofit-Projekte", "lump sum", 10000, 800000, 0.76, 1.0),
]
# how often an offering turns up on an order, relative to its revenue (small-ticket offerings more often)
OFFERING_FREQUENCY = np.array([1.0, 0.8, 0.6, 0.6, 1.4, 1.5, 0.0])

# --------------------------------------------------------------------------------------------------
# Archetypes
# --------------------------------------------------------------------------------------------------
ARCHETYPES = [
    "Strategic OEM",
    "Price-driven distributor",
    "Project business",
    "Maintenance end user",
    "Small regular buyer",
    "Occasional buyer",
]
ARCHETYPE_SHARE = np.array([0.07, 0.05, 0.09, 0.18, 0.32, 0.29])
# employees: median and log-sd
EMPLOYEES_MEDIAN = np.array([900.0, 250.0, 1100.0, 600.0, 135.0, 70.0])
EMPLOYEES_LOGSD = np.array([0.68, 0.68, 0.77, 0.77, 0.68, 0.77])
# probability to buy offering o from us (columns as OFFERINGS)
P_BUY = np.array(
    [
        [0.95, 0.85, 0.80, 0.60, 0.35, 0.20, 0.20],
        [0.98, 0.90, 0.15, 0.10, 0.85, 0.10, 0.00],
        [0.50, 0.50, 0.15, 0.85, 0.25, 0.35, 0.90],
        [0.60, 0.35, 0.05, 0.15, 0.70, 0.95, 0.25],
        [0.75, 0.35, 0.05, 0.05, 0.40, 0.30, 0.03],
        [0.50, 0.15, 0.03, 0.03, 0.30, 0.30, 0.02],
    ]
)
# share of wallet where the account buys: logistic(alpha + 0.7 r + 0.45 z)
SOW_ALPHA = np.array([-0.9, -0.7, -0.8, -0.2, 0.2, -0.6])
# share of the expected revenue that comes through quotes (projects)
PHI = np.array(
    [
        [0.10, 0.10, 0.30, 0.30, 0.00, 0.00, 1.0],
        [0.05, 0.05, 0.00, 0.00, 0.00, 0.00, 1.0],
        [0.30, 0.30, 0.40, 0.60, 0.10, 0.20, 1.0],
        [0.10, 0.10, 0.10, 0.20, 0.00, 0.10, 1.0],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.0],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.0],
    ]
)
ORDERS_PER_YEAR = np.array([50.0, 90.0, 8.0, 20.0, 10.0, 1.5])
EXTRA_LINES = np.array([1.5, 2.5, 1.0, 1.2, 0.8, 0.5])  # mean number of lines per order minus one
DISCOUNT_MEAN = np.array([0.28, 0.38, 0.22, 0.15, 0.07, 0.03])
CHURN_BASE = np.array([0.03, 0.04, 0.06, 0.05, 0.08, 0.14])
SERVICE_HOURS = np.array([60.0, 10.0, 80.0, 40.0, 4.0, 1.0])  # unbilled technical service hours per year
REBATE_RANGE = np.array([[0.02, 0.05], [0.03, 0.06], [0.0, 0.02], [0.0, 0.02], [0.0, 0.0], [0.0, 0.0]])

# --------------------------------------------------------------------------------------------------
# Industries: archetype -> industry mix, and wallet intensity (EUR per employee and year) by offering
# --------------------------------------------------------------------------------------------------
INDUSTRIES = [
    "Machine building",
    "Automotive supplier",
    "Food & beverage",
    "Intralogistics",
    "Chemicals & process",
    "Packaging",
    "Wholesale & distribution",
    "Plant engineering",
]
INDUSTRY_MIX = np.array(
    [
        [0.45, 0.10, 0.00, 0.20, 0.00, 0.20, 0.00, 0.05],
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.00, 0.00],
        [0.00, 0.00, 0.10, 0.15, 0.25, 0.00, 0.00, 0.50],
        [0.10, 0.30, 0.30, 0.00, 0.25, 0.05, 0.00, 0.00],
        [0.35, 0.15, 0.15, 0.10, 0.05, 0.10, 0.10, 0.00],
        [0.25, 0.15, 0.15, 0.10, 0.10, 0.10, 0.10, 0.05],
    ]
)
INTENSITY = np.array(
    [
        [400, 300, 350, 300, 120, 60, 60],
        [120, 80, 60, 60, 50, 90, 80],
        [110, 70, 20, 50, 40, 90, 70],
        [450, 350, 150, 200, 120, 60, 80],
        [90, 80, 10, 60, 50, 100, 120],
        [250, 200, 300, 250, 100, 60, 50],
        [1050, 700, 140, 140, 420, 105, 0],
        [200, 150, 60, 250, 80, 60, 350],
    ],
    dtype=float,
)
EMPLOYEE_ELASTICITY = 0.75  # wallet grows a little less than proportionally with employees
# how much a reference from this industry is worth to us (for the reference_value rating)
INDUSTRY_PRESTIGE = np.array([0.6, 0.8, 0.0, 0.4, 0.2, 0.3, -0.6, 0.5])

# --------------------------------------------------------------------------------------------------
# Geography and key-account managers
# --------------------------------------------------------------------------------------------------
# territory: key-account manager, cost of a sales visit (EUR), follow-up diligence (mean follow-ups
# per quote), distance score for the proximity rating (Bielefeld, in the West territory, is close)
TERRITORIES = {
    "Nord": ("Jens Hagemann", 430.0, 2.6, 0.8),
    "West": ("Claudia Wessels", 380.0, 1.4, 1.0),
    "Mitte": ("Stefan Kurz", 500.0, 3.2, 0.3),
    "Ost": ("Anja Richter", 540.0, 1.1, -0.2),
    "Südwest": ("Martin Fehrle", 560.0, 2.2, -0.3),
    "Süd": ("Christine Huber", 580.0, 1.8, -0.5),
    "International": ("Lukas Brandner", 850.0, 2.0, -1.0),
}
# region: country code, territory, Nielsen region (Germany only), account weight, cities
REGIONS = [
    (
        "Baden-Württemberg",
        "DE",
        "Südwest",
        "IIIb",
        17.0,
        ["Stuttgart", "Heilbronn", "Ulm", "Karlsruhe", "Reutlingen"],
    ),
    ("Bayern", "DE", "Süd", "IV", 17.0, ["München", "Augsburg", "Nürnberg", "Regensburg", "Ingolstadt"]),
    ("Berlin", "DE", "Ost", "V", 1.5, ["Berlin"]),
    ("Brandenburg", "DE", "Ost", "VI", 1.5, ["Potsdam", "Cottbus"]),
    ("Bremen", "DE", "Nord", "I", 1.0, ["Bremen", "Bremerhaven"]),
    ("Hamburg", "DE", "Nord", "I", 2.0, ["Hamburg"]),
    ("Hessen", "DE", "Mitte", "IIIa", 7.0, ["Frankfurt am Main", "Kassel", "Darmstadt", "Fulda"]),
    ("Mecklenburg-Vorpommern", "DE", "Nord", "VI", 0.7, ["Rostock", "Schwerin"]),
    ("Niedersachsen", "DE", "Nord", "I", 8.0, ["Hannover", "Osnabrück", "Braunschweig", "Oldenburg"]),
    (
        "Nordrhein-Westfalen",
        "DE",
        "West",
        "II",
        20.0,
        ["Bielefeld", "Dortmund", "Gütersloh", "Köln", "Düsseldorf", "Paderborn", "Münster", "Siegen"],
    ),
    ("Rheinland-Pfalz", "DE", "Mitte", "IIIa", 3.5, ["Mainz", "Kaiserslautern", "Ludwigshafen"]),
    ("Saarland", "DE", "Mitte", "IIIa", 1.0, ["Saarbrücken"]),
    ("Sachsen", "DE", "Ost", "VII", 4.5, ["Dresden", "Chemnitz", "Leipzig", "Zwickau"]),
    ("Sachsen-Anhalt", "DE", "Ost", "VI", 1.8, ["Magdeburg", "Halle (Saale)"]),
    ("Schleswig-Holstein", "DE", "Nord", "I", 1.8, ["Kiel", "Lübeck", "Neumünster"]),
    ("Thüringen", "DE", "Ost", "VII", 2.7, ["Erfurt", "Jena", "Gera"]),
    ("Oberösterreich", "AT", "International", None, 3.0, ["Linz", "Wels", "Steyr"]),
    ("Steiermark", "AT", "International", None, 1.5, ["Graz", "Leoben"]),
    ("Wien", "AT", "International", None, 1.5, ["Wien"]),
    ("Zürich", "CH", "International", None, 2.0, ["Zürich", "Winterthur"]),
    ("Aargau", "CH", "International", None, 1.5, ["Aarau", "Baden"]),
    ("St. Gallen", "CH", "International", None, 1.0, ["St. Gallen"]),
    ("Noord-Brabant", "NL", "International", None, 1.5, ["Eindhoven", "Tilburg"]),
    ("Dolnośląskie", "PL", "International", None, 1.2, ["Wrocław"]),
    ("Jihomoravský kraj", "CZ", "International", None, 1.0, ["Brno"]),
    ("Grand Est", "FR", "International", None, 1.0, ["Strasbourg", "Mulhouse"]),
    ("Lombardia", "IT", "International", None, 1.2, ["Milano", "Bergamo", "Brescia"]),
    ("Midtjylland", "DK", "International", None, 0.6, ["Aarhus"]),
]
COUNTRIES = {
    "DE": "Germany",
    "AT": "Austria",
    "CH": "Switzerland",
    "NL": "Netherlands",
    "PL": "Poland",
    "CZ": "Czechia",
    "FR": "France",
    "IT": "Italy",
    "DK": "Denmark",
}
COUNTRY_WALLET_FACTOR = {"DE": 1.0, "AT": 0.95, "CH": 1.15}  # others 0.8
FREIGHT_PER_SHIPMENT = {"DE": 28.0, "AT": 55.0, "CH": 75.0}  # others 85 EUR

# --------------------------------------------------------------------------------------------------
# Company names
# --------------------------------------------------------------------------------------------------
SURNAMES = (
    "Brandt Hoffmann Krüger Lehmann Schröder Neumann Schwarz Zimmermann Braun Hartmann Lange Werner Krause "
    "Lindemann Vogt Kessler Busch Berger Frank Albrecht Ludwig Winkler Lorenz Baumann Sommer Graf Keller Pohl "
    "Brinkmann Kuhn Engel Horn Franke Bergmann Thiele Voigt Haas Ebert Dietrich Böhm Arnold Seidel Jansen "
    "Kaiser Fuchs Peters Scholz Möller Schulte Wendt Reuter Steinbach Ostermann Heitkamp Wiesmann Rademacher "
    "Dreyer Kolbe Hagedorn Strecker Bünger Tiemann Overbeck Sandkühler Niehaus Vollmer Kettler Roloff Budde "
    "Gerdes Hölscher Winter Stahl Eckert Rieger Mahler Walther Kirchhoff Brenner Lutz Wagenknecht Pfeiffer"
).split()
PLACES = (
    "Rhein Weser Elbe Alb Taunus Spessart Harz Sauerland Eifel Ems Lippe Mosel Isar Donau Neckar Ruhr Saale "
    "Allgäu Hanse Ostsee Bodensee Schwarzwald Teutoburg Westfalia Nordland Main Werra Vogtland Oder Havel"
).split()
FOREIGN_SURNAMES = {
    "AT": "Gruber Huber Bauer Wagner Pichler Steiner Moser Mayr Hofer Leitner Berger Fuchs".split(),
    "CH": "Müller Meier Schmid Keller Weber Huber Meyer Baumann Frei Zimmermann Brunner Gerber".split(),
    "NL": "de Vries|Jansen|Bakker|Visser|Smit|Meijer|de Boer|Mulder".split("|"),
    "PL": "Nowak Kowalski Wiśniewski Zieliński Kamiński Lewandowski".split(),
    "CZ": "Novák Dvořák Svoboda Černý Procházka Kučera".split(),
    "FR": "Martin Bernard Moreau Lefèvre Girard Fontaine".split(),
    "IT": "Rossi Bianchi Colombo Ricci Marino Galli Conti".split(),
    "DK": "Jensen Nielsen Hansen Pedersen Larsen".split(),
}
TRADE_WORDS = [
    "Maschinenbau|Sondermaschinenbau|Werkzeugmaschinen|Automationstechnik|Anlagen- und Maschinenbau|Montagetechnik",
    "Präzisionsteile|Umformtechnik|Kunststofftechnik|Fahrzeugtechnik|Stanztechnik|Metallwerke",
    "Lebensmittelwerke|Molkerei|Brauerei|Feinkost|Backwaren|Getränke|Fleischwaren",
    "Fördertechnik|Lagertechnik|Intralogistik|Logistiksysteme|Materialflusstechnik",
    "Chemie|Chemische Werke|Kunststoffe|Verfahrenstechnik|Lackfabrik|Spezialchemie",
    "Verpackungstechnik|Verpackungsmaschinen|Etikettiertechnik|Folientechnik|Kartonagen",
    "Technischer Handel|Antriebshandel|Industriebedarf|Elektro-Großhandel|Industrieservice",
    "Anlagenbau|Industrieanlagen|Prozesstechnik|Apparatebau|Umwelttechnik",
]
TRADE_WORDS_EN = [
    "Machinery|Automation|Engineering",
    "Automotive|Precision Parts|Components",
    "Foods|Dairy|Beverages",
    "Logistics|Conveyor Systems",
    "Chemicals|Process Technology",
    "Packaging|Packaging Systems",
    "Industrial Supply|Drive Technology Trading",
    "Plant Engineering|Process Systems",
]
LEGAL_FORMS = {
    "DE": (["GmbH", "GmbH & Co. KG", "AG", "KG", "SE"], [0.52, 0.28, 0.09, 0.08, 0.03]),
    "AT": (["GmbH", "AG", "GmbH & Co KG"], [0.7, 0.15, 0.15]),
    "CH": (["AG", "GmbH"], [0.7, 0.3]),
    "NL": (["B.V."], [1.0]),
    "PL": (["Sp. z o.o."], [1.0]),
    "CZ": (["s.r.o."], [1.0]),
    "FR": (["SAS"], [1.0]),
    "IT": (["S.r.l."], [1.0]),
    "DK": (["A/S"], [1.0]),
}

DAY = np.timedelta64(1, "D")


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------
def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _standardise(x):
    x = np.asarray(x, dtype=float)
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def _choice_rows(rng, weights):
    """Draw one column index per row of ``weights`` (rows need not be normalised)."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _choice_grouped(rng, group_of_row, row_weight, group_of_draw):
    """For each draw, pick a row among the rows of its group with probability proportional to weight.

    ``group_of_row`` must be sorted and dense (0..G-1, every group non-empty).
    """
    total = np.bincount(group_of_row, weights=row_weight)
    within = np.cumsum(row_weight) - np.concatenate([[0.0], np.cumsum(total)[:-1]])[group_of_row]
    position = group_of_row + within / total[group_of_row]
    position[np.r_[np.diff(group_of_row) > 0, True]] = (
        group_of_row[np.r_[np.diff(group_of_row) > 0, True]] + 1
    )
    target = group_of_draw + rng.random(len(group_of_draw))
    return np.searchsorted(position, target, side="right")


def _easter(year):
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return np.datetime64(f"{year:04d}-{month:02d}-{day:02d}")


MONTH_FACTOR = np.array([0.85, 1.00, 1.10, 1.00, 1.00, 1.05, 0.95, 0.68, 1.05, 1.05, 1.10, 1.55])


def _calendar(first, last, window_first, window_last):
    """Business-day seasonal profile ``s(d)`` for every day in [first, last], mean 1 over the window."""
    days = np.arange(first, last + DAY, DAY)
    month = days.astype("datetime64[M]").astype(int) % 12
    weekday = (days.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday
    weight = MONTH_FACTOR[month] * (weekday < 5)
    years = range(int(str(first)[:4]), int(str(last)[:4]) + 1)
    for year in years:
        easter = _easter(year)
        holidays = [
            f"{year}-01-01",
            easter - 2 * DAY,
            easter + DAY,
            f"{year}-05-01",
            easter + 39 * DAY,
            easter + 50 * DAY,
            f"{year}-10-03",
            f"{year}-12-24",
            f"{year}-12-25",
            f"{year}-12-26",
            f"{year}-12-31",
        ]
        weight[np.isin(days, np.array(holidays, dtype="datetime64[D]"))] = 0.0
        # Easter holidays: the week before and the week after Easter are quiet
        quiet = (days >= easter - 6 * DAY) & (days <= easter + 6 * DAY)
        weight[quiet] *= 0.7
        between = (days >= np.datetime64(f"{year}-12-27")) & (days <= np.datetime64(f"{year}-12-30"))
        weight[between] *= 0.25
    in_window = (days >= window_first) & (days <= window_last)
    weight = weight / weight[in_window].mean()
    return days, weight


class _Sampler:
    """Draw days with density proportional to ``s(d) * exp(g * t_d)`` on [lo, hi)."""

    def __init__(self, weight, t_years):
        self.weight = weight
        self.t = t_years
        self.cum = np.concatenate([[0.0], np.cumsum(weight)])

    def expected_years(self, lo, hi, growth, chunk=2048):
        """Integral of ``s(d) exp(g t_d)`` over [lo, hi) for each entity, in years."""
        out = np.zeros(len(lo))
        index = np.arange(len(self.weight))
        for begin in range(0, len(lo), chunk):
            sl = slice(begin, begin + chunk)
            mask = (index >= lo[sl, None]) & (index < hi[sl, None])
            out[sl] = (mask * self.weight * np.exp(np.outer(growth[sl], self.t))).sum(axis=1)
        return out / 365.25

    def draw(self, rng, owner, lo, hi, growth):
        """One day index for each element of ``owner`` (an index into lo, hi, growth)."""
        out = np.empty(len(owner), dtype=np.int64)
        todo = np.arange(len(owner))
        t_max = np.where(growth >= 0, self.t[np.maximum(hi - 1, 0)], self.t[lo])
        while todo.size:
            j = owner[todo]
            c = self.cum[lo[j]] + rng.random(todo.size) * (self.cum[hi[j]] - self.cum[lo[j]])
            day = np.searchsorted(self.cum, c, side="right") - 1
            day = np.clip(day, lo[j], hi[j] - 1)
            accept = rng.random(todo.size) < np.exp(growth[j] * (self.t[day] - t_max[j]))
            out[todo[accept]] = day[accept]
            todo = todo[~accept]
        return out


def _stochastic_round(rng, x):
    base = np.floor(x)
    return (base + (rng.random(len(x)) < (x - base))).astype(np.int64)


def _company_names(rng, industry, country):
    """Unique, plausible fictional company names."""
    names, seen = [], set()
    for ind, cc in zip(industry, country, strict=True):
        for _attempt in range(200):
            forms, p = LEGAL_FORMS[cc]
            form = forms[rng.choice(len(forms), p=p)]
            if cc in ("DE", "AT", "CH"):
                words = TRADE_WORDS[ind].split("|")
                word = words[rng.integers(len(words))]
                pool = SURNAMES if cc == "DE" else FOREIGN_SURNAMES[cc] + SURNAMES[:20]
                pattern = rng.random()
                if pattern < 0.55:
                    head = pool[rng.integers(len(pool))]
                elif pattern < 0.75:
                    first, second = rng.choice(len(pool), size=2, replace=False)
                    head = f"{pool[first]} & {pool[second]}"
                elif pattern < 0.9:
                    head = PLACES[rng.integers(len(PLACES))]
                else:
                    head = f"{pool[rng.integers(len(pool))]} & Söhne"
                name = f"{head} {word} {form}"
            else:
                words = TRADE_WORDS_EN[ind].split("|")
                word = words[rng.integers(len(words))]
                pool = FOREIGN_SURNAMES[cc]
                name = f"{pool[rng.integers(len(pool))]} {word} {form}"
            if name not in seen:
                break
        else:  # pragma: no cover - the lists hold far more combinations than accounts
            name = f"{name} ({len(names) + 1})"
        seen.add(name)
        names.append(name)
    return names


def _categorical(values, categories):
    return pd.Categorical(values, categories=categories)


def _dates(day_index, days):
    return pd.Series(days[day_index]).astype("datetime64[us]").to_numpy()


# --------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------
def generate_case(seed=2024, n_accounts=2000, start="2023-01-01", years=3):
    """Generate the case company from a seed.

    The committed tables (``kamlab.load_case()``) are ``generate_case()`` with the
    default arguments. The module docstring describes the model.

    Parameters
    ----------
    seed : int, default=2024
        Seed of ``numpy.random.default_rng``; the same seed gives the same tables.
    n_accounts : int, default=2000
        Number of business customers (at least 20). Revenue scales with it
        (about 60,000 EUR per account and year).
    start : str or date-like, default="2023-01-01"
        First day of the invoice history; must be a 1 January.
    years : int, default=3
        Number of full calendar years of invoice lines (1 to 10).

    Returns
    -------
    Case
        The tables ``accounts``, ``centres``, ``offerings``, ``transactions``,
        ``projects``, ``costs``, ``ratings``, ``truth`` and ``wallets``.

    Examples
    --------
    >>> from kamlab.casegen import generate_case
    >>> case = generate_case(seed=1, n_accounts=50, years=1)
    >>> len(case.accounts)
    50
    >>> bool(case.transactions["account_id"].isin(case.accounts["account_id"]).all())
    True
    """
    seed, n, first, n_years = _check_arguments(seed, n_accounts, start, years)
    rng = np.random.default_rng(seed)
    last = np.datetime64(f"{int(str(first)[:4]) + n_years - 1}-12-31")
    mid = first + (last - first + DAY) // 2
    cal_first = first - 365 * DAY  # quotes start a year earlier so projects are invoiced from day one
    days, s = _calendar(cal_first, last, first, last)
    t = (days - mid).astype(float) / 365.25
    sampler = _Sampler(s, t)
    business = np.flatnonzero(s > 0)
    i_first = int((first - cal_first) / DAY)
    i_end = len(days)  # exclusive
    K = len(OFFERINGS)

    # 1. archetype and firmographics ----------------------------------------------------------------
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
    names = _company_names(rng, industry, country)

    # 2. wallet ----------------------------------------------------------------------------------------
    country_factor = np.array([COUNTRY_WALLET_FACTOR.get(c, 0.8) for c in country])
    z_account = rng.standard_normal(n)
    z_cell = rng.standard_normal((n, K))
    noise = np.exp(0.35 * z_account[:, None] + 0.45 * z_cell - (0.35**2 + 0.45**2) / 2)
    wallet = (
        INTENSITY[industry]
        * (employees**EMPLOYEE_ELASTICITY)[:, None]
        * (plants**0.15)[:, None]
        * country_factor[:, None]
        * noise
    )

    # 3. share of wallet ---------------------------------------------------------------------------------
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
    size_z = _standardise(np.log(expected_total))

    # 4. life cycle ---------------------------------------------------------------------------------------
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
    window_days = i_end - i_first
    # new accounts arrive from the second year on (in a one-year window: after the first month)
    acquire_from = 365 if n_years > 1 else 30
    acquired = np.where(is_new, i_first + rng.integers(acquire_from, window_days - 60, n), -1)
    dropout = np.where(is_lost, i_first + rng.integers(90, max(91, window_days - 30), n), i_end)
    since_years = rng.integers(1975, int(str(first)[:4]), n)
    customer_since = np.array(
        [
            np.datetime64(f"{y}-01-01") + int(d) * DAY
            for y, d in zip(since_years, rng.integers(0, 365, n), strict=True)
        ]
    )
    customer_since = np.where(is_new, days[np.maximum(acquired, 0)], customer_since)
    lo = np.where(is_new, acquired, i_first)
    hi = dropout

    # key-account manager and official key-account status
    kam = np.array([TERRITORIES[tr][0] for tr in territory], dtype=object)
    diligence = np.array([TERRITORIES[tr][2] for tr in territory])
    visit_cost = np.array([TERRITORIES[tr][1] for tr in territory])
    closeness = np.array([TERRITORIES[tr][3] for tr in territory])
    designation = np.log(expected_total) + 0.5 * rng.standard_normal(n) - 3.0 * is_new
    key_account = designation >= np.quantile(designation, 0.94)

    # discount off list price, cost-to-serve levels
    discount = np.clip(
        DISCOUNT_MEAN[arch] + 0.02 * size_z + 0.03 * rng.standard_normal(n) * (DISCOUNT_MEAN[arch] > 0.05),
        0.0,
        0.5,
    )
    big = expected_total >= np.quantile(expected_total, 0.75)
    over_served = big & (rng.random(n) < np.where(arch <= 1, 0.25, 0.12))

    # 5. buying centres ----------------------------------------------------------------------------------
    centre_account = np.repeat(np.arange(n), plants)
    centre_number = np.concatenate([np.arange(1, p + 1) for p in plants])
    centre_weight = np.where(centre_number == 1, 1.0, rng.gamma(1.0, 0.6, len(centre_account)))
    centres = _build_centres(rng, centre_account, centre_number, city, country, arch)
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

    def draw_centre(acc, off):
        group = np.searchsorted(key_values, acc * K + off)
        picked = _choice_grouped(rng, cell_group, centre_weight[cell_centre], group)
        return cell_centre[picked]

    # 6. regular orders -----------------------------------------------------------------------------------
    regular = expected * (1 - PHI[arch])
    regular_total = regular.sum(axis=1)
    median_by_arch = np.array(
        [np.median(regular_total[arch == a]) if (arch == a).any() else 1.0 for a in range(6)]
    )
    lam = (
        ORDERS_PER_YEAR[arch]
        * (regular_total / median_by_arch[arch]) ** 0.25
        * rng.gamma(6.0, 1 / 6.0, n)
        * (regular_total > 0)
    )
    exposure = sampler.expected_years(lo, hi, growth)
    n_orders = np.maximum(rng.poisson(lam * exposure), 1)
    order_account = np.repeat(np.arange(n), n_orders)
    order_day = sampler.draw(rng, order_account, lo, hi, growth)
    n_lines = 1 + rng.binomial(7, EXTRA_LINES[arch[order_account]] / 7)
    line_order = np.repeat(np.arange(len(order_account)), n_lines)
    line_account = order_account[line_order]
    pick_weight = regular**0.6 * OFFERING_FREQUENCY
    line_offering = _choice_rows(rng, pick_weight[line_account])
    # expected number of lines per year of each (account, offering)
    lines_per_year = lam * (1 + EXTRA_LINES[arch])
    p_offering = pick_weight / np.where(
        pick_weight.sum(axis=1, keepdims=True) > 0, pick_weight.sum(axis=1, keepdims=True), 1
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_line_value = np.where(p_offering > 0, regular / (lines_per_year[:, None] * p_offering), 0.0)
    sigma = 0.8
    value = mean_line_value[line_account, line_offering] * np.exp(
        sigma * rng.standard_normal(len(line_account)) - sigma**2 / 2
    )
    line_centre = draw_centre(line_account, line_offering)
    regular_lines = _price_lines(rng, line_offering, value, discount[line_account])
    regular_lines.update(
        account=line_account,
        centre=line_centre,
        day=order_day[line_order],
        order=line_order,
        project=np.full(len(line_account), -1),
    )

    # 7. quotes and projects -------------------------------------------------------------------------------
    quotes, project_lines = _projects(
        rng,
        sampler,
        arch,
        expected,
        relationship,
        size_z,
        diligence,
        discount,
        growth,
        is_new,
        acquired,
        dropout,
        i_end,
        draw_centre,
        len(order_account),
    )
    project_ids, quote_order = _project_ids(quotes, days, i_first)

    # 8. invoice lines and credit notes -----------------------------------------------------------------
    lines = {k: np.concatenate([regular_lines[k], project_lines[k]]) for k in regular_lines}
    credit = _credit_notes(rng, lines, arch, dropout, i_end, business)
    account_ids = np.array([f"K{k + 1:05d}" for k in range(n)], dtype=object)
    centre_ids = centres["centre_id"].to_numpy(dtype=object)
    transactions = _transactions_frame(lines, credit, days, i_first, account_ids, centre_ids, project_ids)

    # 9. cost to serve -------------------------------------------------------------------------------------
    first_year = int(str(first)[:4])
    active_first = days[lo]
    active_last = days[hi - 1]
    costs = _costs(
        rng,
        transactions,
        account_ids,
        arch,
        expected_total,
        key_account,
        over_served,
        country,
        visit_cost,
        active_first,
        active_last,
        first_year,
        n_years,
    )

    # 10. ratings ------------------------------------------------------------------------------------------
    headroom = (wallet - expected).sum(axis=1)
    truth_share = expected_total / wallet.sum(axis=1)
    hours = costs.groupby("account_id", sort=True)["service_hours"].mean().reindex(account_ids).fillna(0)
    ratings = _ratings(
        rng,
        account_ids,
        arch,
        industry,
        employees,
        relationship,
        headroom,
        growth,
        discount,
        truth_share,
        is_lost,
        lifecycle,
        hours.to_numpy(dtype=float),
        closeness,
        wallet.sum(axis=1),
        days,
        s,
        lo,
        hi,
        i_end,
    )

    # 11. the tables ----------------------------------------------------------------------------------------
    industry_names = np.array(INDUSTRIES, dtype=object)[industry]
    accounts = pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "name": pd.array(names, dtype="str"),
            "industry": _categorical(industry_names, INDUSTRIES),
            "country": _categorical([COUNTRIES[c] for c in country], list(COUNTRIES.values())),
            "country_code": _categorical(country, list(COUNTRIES)),
            "region": _categorical([REGIONS[r][0] for r in region], [r[0] for r in REGIONS]),
            "nielsen_region": _categorical(
                [REGIONS[r][3] for r in region], ["I", "II", "IIIa", "IIIb", "IV", "V", "VI", "VII"]
            ),
            "city": pd.array(city, dtype="str"),
            "employees": employees.astype(np.int64),
            "plants": plants.astype(np.int64),
            "key_account_manager": _categorical(kam, [v[0] for v in TERRITORIES.values()]),
            "key_account": key_account,
            "customer_since": pd.Series(customer_since.astype("datetime64[D]"))
            .astype("datetime64[us]")
            .to_numpy(),
        }
    )
    centres.insert(0, "account_id", pd.array(account_ids[centre_account], dtype="str"))
    truth = pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "archetype": _categorical(np.array(ARCHETYPES, dtype=object)[arch], ARCHETYPES),
            "lifecycle": _categorical(lifecycle, ["stable", "growing", "shrinking", "new", "lost"]),
            "wallet_eur_per_year": np.round(wallet.sum(axis=1), 2),
            "expected_revenue_eur_per_year": np.round(expected_total, 2),
            "share_of_wallet": np.round(truth_share, 4),
            "headroom_eur_per_year": np.round(headroom, 2),
            "growth_rate": np.round(growth, 4),
            "orders_per_year": np.round(lam, 2),
            "relationship": np.round(relationship, 3),
            "list_price_discount": np.round(discount, 4),
            "over_served": over_served,
            "acquired_date": _dates_or_nat(np.where(is_new, acquired, -1), days),
            "dropout_date": _dates_or_nat(np.where(is_lost, dropout, -1), days),
            "alive_at_end": ~is_lost,
        }
    )
    wallets = pd.DataFrame(
        {
            "account_id": pd.array(np.repeat(account_ids, K), dtype="str"),
            "offering": _categorical(np.tile(np.array(OFFERINGS, dtype=object), n), OFFERINGS),
            "wallet_eur_per_year": wallet.ravel(),
            "share_of_wallet": share.ravel(),
            "expected_revenue_eur_per_year": np.round(expected.ravel(), 2),
        }
    )
    projects = _projects_frame(quotes, quote_order, project_ids, account_ids, centre_ids, days, i_end)
    offerings = _offerings_frame()
    info = {
        "company": COMPANY,
        "seed": seed,
        "n_accounts": n,
        "start": str(first),
        "end": str(last),
        "years": n_years,
        "generator_version": GENERATOR_VERSION,
    }
    return Case(
        accounts=accounts,
        centres=centres,
        offerings=offerings,
        transactions=transactions,
        projects=projects,
        costs=costs,
        ratings=ratings,
        truth=truth,
        wallets=wallets,
        info=info,
    )


def _check_arguments(seed, n_accounts, start, years):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer, not {seed!r}.")
    if (
        isinstance(n_accounts, bool)
        or not isinstance(n_accounts, (int, np.integer))
        or not 20 <= n_accounts <= 100_000
    ):
        raise ParameterError(f"n_accounts must be an integer from 20 to 100,000, not {n_accounts!r}.")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= 10:
        raise ParameterError(f"years must be an integer from 1 to 10, not {years!r}.")
    try:
        first = pd.Timestamp(start)
    except (TypeError, ValueError):
        raise ParameterError(f"start must be a date such as '2023-01-01', not {start!r}.") from None
    if first.month != 1 or first.day != 1 or first != first.normalize():
        raise ParameterError(
            f"start must be a 1 January (the cost table has one row per calendar year), not {start!r}; "
            f"try start='{first.year}-01-01'."
        )
    return int(seed), int(n_accounts), np.datetime64(first.date(), "D"), int(years)


def _dates_or_nat(index, days):
    out = np.full(len(index), np.datetime64("NaT"), dtype="datetime64[D]")
    ok = index >= 0
    out[ok] = days[index[ok]]
    return pd.Series(out).astype("datetime64[us]").to_numpy()


def _build_centres(rng, centre_account, centre_number, city, country, arch):
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


GROUP_OFFERING = np.array([g[0] for g in PRODUCT_GROUPS])
GROUP_PMIN = np.array([g[4] for g in PRODUCT_GROUPS], dtype=float)
GROUP_PMAX = np.array([g[5] for g in PRODUCT_GROUPS], dtype=float)
GROUP_COST = np.array([g[6] for g in PRODUCT_GROUPS])
GROUP_WEIGHT = np.array([g[7] for g in PRODUCT_GROUPS])
GROUP_LUMP = np.array([g[3] == "lump sum" and g[0] == ENG for g in PRODUCT_GROUPS])


def _price_lines(rng, offering, value, discount):
    """Product group, quantity, unit price, revenue and cost of invoice lines with a target net value."""
    m = len(offering)
    discount = np.where(offering == ENG, 0.0, discount)
    candidates = GROUP_OFFERING[None, :] == offering[:, None]
    net_min = GROUP_PMIN[None, :] * (1 - discount[:, None])
    feasible = candidates & (net_min <= value[:, None])
    cheapest = np.argmin(np.where(candidates, GROUP_PMIN[None, :], np.inf), axis=1)
    weight = np.where(feasible, GROUP_WEIGHT[None, :], 0.0)
    none = ~feasible.any(axis=1)
    weight[none, cheapest[none]] = 1.0
    group = _choice_rows(rng, weight)
    pmin = GROUP_PMIN[group]
    pmax = np.maximum(pmin, np.minimum(GROUP_PMAX[group], value / (1 - discount)))
    list_price = np.exp(np.log(pmin) + rng.random(m) * (np.log(pmax) - np.log(pmin)))
    # a little price dispersion around the account's discount
    net_price = np.round(list_price * (1 - discount * rng.uniform(0.85, 1.15, m)), 2)
    quantity = np.maximum(1, _stochastic_round(rng, value / net_price))
    is_lump = GROUP_LUMP[group]
    net_price = np.where(is_lump, np.round(value, 2), net_price)
    quantity = np.where(is_lump, 1, quantity)
    revenue = np.round(quantity * net_price, 2)
    cost_noise = np.exp(0.04 * rng.standard_normal(m))
    # engineering: cost relative to the invoiced value, with overruns
    cost = np.where(
        is_lump,
        revenue * GROUP_COST[group] * np.exp(0.12 * rng.standard_normal(m)),
        quantity * list_price * GROUP_COST[group] * cost_noise,
    )
    return {
        "offering": offering,
        "group": group,
        "quantity": quantity.astype(np.int64),
        "unit_price": net_price,
        "revenue": revenue,
        "cost": np.round(cost, 2),
    }


QUOTE_VALUE = np.array([15000.0, 15000.0, 20000.0, 25000.0, 6000.0, 10000.0, 60000.0])
QUOTE_BETA = np.array([0.1, 0.1, 0.0, 0.0, 0.2, 0.3, -0.2])
DECISION_DAYS = np.array([30.0, 30.0, 40.0, 45.0, 20.0, 25.0, 75.0])
LEAD_DAYS = np.array([25.0, 25.0, 35.0, 50.0, 10.0, 15.0, 100.0])
MAX_FOLLOWUPS = 8


def _win_probability(followups, competitors, relationship, offering):
    return _logistic(
        -0.55 + 0.35 * (followups - 2) + 0.45 * relationship - 0.35 * (competitors - 2) + QUOTE_BETA[offering]
    )


def _projects(
    rng,
    sampler,
    arch,
    expected,
    relationship,
    size_z,
    diligence,
    discount,
    growth,
    is_new,
    acquired,
    dropout,
    i_end,
    draw_centre,
    n_orders_before,
):
    n, K = expected.shape
    project_rev = expected * PHI[arch]
    acc, off = np.nonzero(project_rev > 0)
    target = project_rev[acc, off]
    # distribution of follow-ups and competitors of a quote of this account
    mu_f = diligence[acc] * (0.7 + 0.3 * _logistic(size_z[acc]))
    k = np.arange(MAX_FOLLOWUPS + 1)
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(k[1:]))])
    pf = np.exp(k[None, :] * np.log(mu_f[:, None]) - mu_f[:, None] - log_factorial[None, :])
    pf[:, -1] += 1 - pf.sum(axis=1)  # follow-ups are capped at MAX_FOLLOWUPS
    p_comp = _logistic(-0.5 + 0.6 * size_z[acc])
    c = np.arange(4)
    pc = (
        np.array([1, 3, 3, 1])[None, :]
        * p_comp[:, None] ** c[None, :]
        * (1 - p_comp[:, None]) ** (3 - c[None, :])
    )
    p_win = _win_probability(
        k[None, :, None], 1 + c[None, None, :], relationship[acc][:, None, None], off[:, None, None]
    )
    p_bar = (pf[:, :, None] * pc[:, None, :] * p_win).sum(axis=(1, 2))
    size_factor = np.exp(0.3 * size_z[acc])
    mean_value = QUOTE_VALUE[off] * size_factor
    realised = 0.96  # won quotes are invoiced at 92-100 % of the quoted value
    quotes_per_year = target / (p_bar * mean_value * realised)
    too_many = quotes_per_year > 15
    mean_value = np.where(too_many, mean_value * quotes_per_year / 15, mean_value)
    quotes_per_year = np.minimum(quotes_per_year, 15)
    lo = np.where(is_new[acc], acquired[acc], 0)
    # a lost account asks for no quotes it could not receive before it leaves
    lost_cell = dropout[acc] < i_end
    hi = np.where(lost_cell, dropout[acc] - np.round(LEAD_DAYS[off] + DECISION_DAYS[off]).astype(int), i_end)
    hi = np.maximum(hi, lo + 1)
    exposure = sampler.expected_years(lo, hi, growth[acc])
    n_quotes = rng.poisson(quotes_per_year * exposure)
    q_cell = np.repeat(np.arange(len(acc)), n_quotes)
    q_day = sampler.draw(rng, q_cell, lo, hi, growth[acc])
    q_acc, q_off = acc[q_cell], off[q_cell]
    q_value = np.round(mean_value[q_cell] * np.exp(0.6 * rng.standard_normal(len(q_cell)) - 0.18), -1)
    q_value = np.maximum(q_value, np.where(q_off == ENG, 1500.0, 300.0))
    followups = np.minimum(rng.poisson(mu_f[q_cell]), MAX_FOLLOWUPS)
    competitors = 1 + rng.binomial(3, p_comp[q_cell])
    won = rng.random(len(q_cell)) < _win_probability(followups, competitors, relationship[q_acc], q_off)
    decision_days = np.maximum(3, np.round(rng.gamma(2.0, DECISION_DAYS[q_off] / 2.0))).astype(np.int64)
    decision_day = q_day + decision_days
    q_centre = draw_centre(q_acc, q_off)
    # loss reason: price more often against many competitors, relationship when the relationship is weak
    reason_weight = np.column_stack(
        [
            0.35 + 0.1 * competitors,
            np.full(len(q_cell), 0.25),
            0.15 + 0.15 * (relationship[q_acc] < -0.5),
            np.full(len(q_cell), 0.15),
        ]
    )
    loss_reason = _choice_rows(rng, reason_weight)
    # invoicing of won quotes: lead time, then one invoice (two for large engineering projects)
    lead = np.round(rng.gamma(3.0, LEAD_DAYS[q_off] / 3.0)).astype(np.int64)
    delivery = decision_day + 5 + lead
    order_value = np.round(q_value * rng.uniform(0.92, 1.0, len(q_cell)), 2)
    split = won & (q_off == ENG) & (order_value > 50000)
    part_day = [np.where(split, decision_day + 14, delivery), delivery]
    part_value = [np.where(split, 0.3 * order_value, order_value), 0.7 * order_value]
    part_use = [won, split]
    quotes = {
        "account": q_acc,
        "offering": q_off,
        "centre": q_centre,
        "day": q_day,
        "value": q_value,
        "competitors": competitors,
        "followups": followups,
        "decision_day": decision_day,
        "won": won,
        "order_value": order_value,
        "loss_reason": loss_reason,
    }
    # invoice lines
    parts_idx, parts_day, parts_value = [], [], []
    for day_k, value_k, use_k in zip(part_day, part_value, part_use, strict=True):
        keep = use_k & (day_k < np.minimum(dropout[q_acc], i_end))
        parts_idx.append(np.flatnonzero(keep))
        parts_day.append(day_k[keep])
        parts_value.append(value_k[keep])
    idx = np.concatenate(parts_idx)
    day = np.concatenate(parts_day)
    value = np.concatenate(parts_value)
    # deliveries only on business days
    day = _next_business_day(np.flatnonzero(sampler.weight > 0), day)
    inside = day >= 0
    idx, value, day = idx[inside], value[inside], day[inside]
    priced = _price_lines(rng, q_off[idx], value, discount[q_acc[idx]])
    priced.update(
        account=q_acc[idx],
        centre=q_centre[idx],
        day=day,
        order=n_orders_before + np.arange(len(idx)),  # every project invoice is its own order
        project=idx,
    )
    return quotes, priced


def _next_business_day(business, day):
    """The first business day on or after ``day``; -1 where there is none in the calendar."""
    pos = np.searchsorted(business, day)
    return np.where(pos < len(business), business[np.minimum(pos, len(business) - 1)], -1)


def _credit_notes(rng, lines, arch, dropout, i_end, business):
    """Returns and price corrections of a few regular lines."""
    m = len(lines["account"])
    regular = lines["project"] < 0
    rate = np.where(arch[lines["account"]] == 1, 0.04, 0.02)
    chosen = np.flatnonzero(regular & (rng.random(m) < rate))
    delay = rng.integers(3, 46, len(chosen))
    day = _next_business_day(business, lines["day"][chosen] + delay)
    keep = (day >= 0) & (day < np.minimum(dropout[lines["account"][chosen]] + 30, i_end))
    chosen, day = chosen[keep], day[keep]
    is_return = rng.random(len(chosen)) < 0.6
    q = lines["quantity"][chosen]
    returned = np.maximum(1, np.round(q * rng.uniform(0.1, 1.0, len(chosen)))).astype(np.int64)
    price = lines["unit_price"][chosen]
    correction = -np.round(price * rng.uniform(0.03, 0.15, len(chosen)), 2)
    correction = np.minimum(correction, -0.01)
    quantity = np.where(is_return, -returned, q)
    unit_price = np.where(is_return, price, correction)
    revenue = np.round(quantity * unit_price, 2)
    unit_cost = lines["cost"][chosen] / np.maximum(q, 1)
    cost = np.where(is_return, np.round(-returned * unit_cost, 2), 0.0)
    return {
        "source": chosen,
        "day": day,
        "quantity": quantity,
        "unit_price": unit_price,
        "revenue": revenue,
        "cost": cost,
    }


def _transactions_frame(lines, credit, days, i_first, account_ids, centre_ids, project_ids):
    """Invoice lines and credit notes as the transactions table, numbered by date."""
    src = credit["source"]

    def both(key):
        return np.concatenate([lines[key], lines[key][src]])

    frame = pd.DataFrame(
        {
            "account": both("account"),
            "centre": both("centre"),
            "offering": both("offering"),
            "group": both("group"),
            "day": np.concatenate([lines["day"], credit["day"]]),
            "quantity": np.concatenate([lines["quantity"], credit["quantity"]]),
            "unit_price": np.concatenate([lines["unit_price"], credit["unit_price"]]),
            "revenue": np.concatenate([lines["revenue"], credit["revenue"]]),
            "cost": np.concatenate([lines["cost"], credit["cost"]]),
            "project": both("project"),
            "is_credit": np.r_[np.zeros(len(lines["account"]), bool), np.ones(len(src), bool)],
            "order": both("order"),
        }
    )
    frame = frame[frame["day"] >= i_first]
    frame = frame.sort_values(
        ["day", "is_credit", "account", "order", "centre", "offering", "group"], kind="stable"
    )
    # an invoice: the lines of one order to one buying centre; a credit note: the credited lines of one
    # invoice on one day. Documents are numbered per year in order of their date.
    doc = frame.groupby(["is_credit", "order", "centre", "day"], sort=False).ngroup().to_numpy()
    year = days[frame["day"].to_numpy()].astype("datetime64[Y]").astype(int) + 1970
    firsts = pd.DataFrame(
        {"doc": doc, "credit": frame["is_credit"].to_numpy(), "year": year}
    ).drop_duplicates("doc")
    number = firsts.groupby(["credit", "year"], sort=False).cumcount().to_numpy() + 1
    prefix = np.where(firsts["credit"].to_numpy(), "GS", "RE")
    doc_id = np.empty(len(firsts), dtype=object)
    doc_id[firsts["doc"].to_numpy()] = [
        f"{p}-{y}-{k:06d}" for p, y, k in zip(prefix, firsts["year"], number, strict=True)
    ]
    line = pd.Series(doc).groupby(doc, sort=False).cumcount().to_numpy() + 1
    group_names = np.array([g[1] for g in PRODUCT_GROUPS], dtype=object)
    project = frame["project"].to_numpy()
    project_id = np.where(project >= 0, project_ids[np.maximum(project, 0)], None)
    return pd.DataFrame(
        {
            "invoice_id": pd.array(doc_id[doc], dtype="str"),
            "line": line.astype(np.int64),
            "date": _dates(frame["day"].to_numpy(), days),
            "account_id": pd.array(account_ids[frame["account"].to_numpy()], dtype="str"),
            "centre_id": pd.array(centre_ids[frame["centre"].to_numpy()], dtype="str"),
            "offering": _categorical(
                np.array(OFFERINGS, dtype=object)[frame["offering"].to_numpy()], OFFERINGS
            ),
            "product_group": _categorical(group_names[frame["group"].to_numpy()], list(group_names)),
            "quantity": frame["quantity"].to_numpy().astype(np.int64),
            "unit_price": frame["unit_price"].to_numpy().astype(float),
            "revenue": frame["revenue"].to_numpy().astype(float),
            "cost": frame["cost"].to_numpy().astype(float),
            "is_credit_note": frame["is_credit"].to_numpy(),
            "project_id": pd.array(project_id, dtype="str"),
        }
    )


def _project_ids(quotes, days, i_first):
    """Ids Q-YYYY-NNNNN for quotes sent inside the window (None for the year before it)."""
    inside = quotes["day"] >= i_first
    order = np.lexsort((quotes["offering"], quotes["account"], quotes["day"]))
    order = order[inside[order]]
    year = days[quotes["day"][order]].astype("datetime64[Y]").astype(int) + 1970
    number = pd.Series(year).groupby(year, sort=False).cumcount().to_numpy() + 1
    ids = np.full(len(quotes["day"]), None, dtype=object)
    ids[order] = [f"Q-{y}-{k:05d}" for y, k in zip(year, number, strict=True)]
    return ids, order


LOSS_REASONS = ["price", "technology", "relationship", "cancelled"]


def _projects_frame(quotes, order, project_ids, account_ids, centre_ids, days, i_end):
    q = {k: v[order] for k, v in quotes.items()}
    decided = q["decision_day"] < i_end
    outcome = np.where(~decided, "open", np.where(q["won"], "won", "lost"))
    decision = _dates_or_nat(np.where(decided, q["decision_day"], -1), days)
    days_to_decision = pd.array(np.where(decided, q["decision_day"] - q["day"], 0), dtype="Int64")
    days_to_decision[~decided] = pd.NA
    return pd.DataFrame(
        {
            "project_id": pd.array(project_ids[order], dtype="str"),
            "account_id": pd.array(account_ids[q["account"]], dtype="str"),
            "centre_id": pd.array(centre_ids[q["centre"]], dtype="str"),
            "offering": _categorical(np.array(OFFERINGS, dtype=object)[q["offering"]], OFFERINGS),
            "quote_date": _dates(q["day"], days),
            "quote_value": q["value"].astype(float),
            "competitors": q["competitors"].astype(np.int64),
            "followups": q["followups"].astype(np.int64),
            "decision_date": decision,
            "days_to_decision": days_to_decision,
            "outcome": _categorical(outcome, ["won", "lost", "open"]),
            "order_value": np.where(outcome == "won", q["order_value"], np.nan),
            "loss_reason": _categorical(
                np.where(outcome == "lost", np.array(LOSS_REASONS, dtype=object)[q["loss_reason"]], None),
                LOSS_REASONS,
            ),
        }
    )


def _costs(
    rng,
    transactions,
    account_ids,
    arch,
    expected_total,
    key_account,
    over_served,
    country,
    visit_cost,
    active_first,
    active_last,
    first_year,
    n_years,
):
    """Cost to serve per account and calendar year, from what the transactions show."""
    n = len(account_ids)
    years = np.arange(first_year, first_year + n_years)
    # the account-year rows: the years the account was a customer, and any year it has an invoice line
    acc_year = np.zeros((n, n_years), dtype=bool)
    y_first = active_first.astype("datetime64[Y]").astype(int) + 1970
    y_last = active_last.astype("datetime64[Y]").astype(int) + 1970
    acc_year |= (years[None, :] >= y_first[:, None]) & (years[None, :] <= y_last[:, None])
    t_year = transactions["date"].dt.year.to_numpy()
    t_acc = pd.Index(account_ids).get_indexer(transactions["account_id"])
    acc_year[t_acc, t_year - first_year] = True
    acc, yi = np.nonzero(acc_year)
    row = np.full((n, n_years), -1)
    row[acc, yi] = np.arange(len(acc))
    rows = row[t_acc, t_year - first_year]
    m = len(acc)
    revenue = np.bincount(rows, weights=transactions["revenue"].to_numpy(), minlength=m)
    credit = transactions["is_credit_note"].to_numpy()
    docs = transactions.drop_duplicates("invoice_id")
    doc_rows = rows[docs.index.to_numpy()]
    n_invoices = np.bincount(doc_rows[~docs["is_credit_note"].to_numpy()], minlength=m)
    n_credit = np.bincount(doc_rows[docs["is_credit_note"].to_numpy()], minlength=m)
    del credit
    # share of the year the account was a customer
    year_start = (years[yi] - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    year_end = (years[yi] - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    overlap = (np.minimum(year_end, active_last[acc] + DAY) - np.maximum(year_start, active_first[acc])) / DAY
    active = np.clip(overlap / 365.0, 0.05, 1.0)
    a = arch[acc]
    r = expected_total[acc]
    big = expected_total >= 200_000
    # per-account agreements, drawn once
    rebate_rate = rng.uniform(REBATE_RANGE[arch, 0], REBATE_RANGE[arch, 1]) * ((arch <= 1) | big)
    rebate_rate = rebate_rate + over_served * rng.uniform(0.03, 0.06, n)
    coop_rate = np.where(arch == 1, rng.uniform(0.015, 0.03, n), np.where(arch == 0, 0.003, 0.0))
    events = key_account * rng.uniform(2000, 8000, n) + over_served * rng.uniform(8000, 25000, n)
    consignment = over_served * (arch <= 1) * rng.uniform(15000, 45000, n)
    visit_rate = np.minimum(30, 0.2 + 6 * np.sqrt(expected_total / 1e6)) + 4 * key_account
    visit_rate = np.where(over_served, 1.8 * visit_rate + 6, visit_rate)
    hours_rate = SERVICE_HOURS[arch] * np.sqrt(expected_total / 300_000) * np.where(over_served, 3.0, 1.0)
    freight = np.array([FREIGHT_PER_SHIPMENT.get(c, 85.0) for c in country])
    positive = np.maximum(revenue, 0.0)
    rebates = np.where(positive >= 25_000, rebate_rate[acc] * positive, 0.0)
    marketing = active * (120.0 + events[acc]) * rng.uniform(0.8, 1.2, m) + coop_rate[acc] * positive
    n_visits = rng.poisson(active * visit_rate[acc])
    sales_visits = n_visits * visit_cost[acc] * rng.uniform(0.9, 1.1, m)
    order_handling = n_invoices * np.where(a == 1, 22.0, 38.0) + n_credit * 65.0
    logistics = n_invoices * freight[acc] + 0.01 * positive + active * consignment[acc]
    service_hours = rng.poisson(active * hours_rate[acc])
    technical_service = service_hours * 98.0
    del r
    return pd.DataFrame(
        {
            "account_id": pd.array(account_ids[acc], dtype="str"),
            "year": years[yi].astype(np.int64),
            "discounts_rebates": np.round(rebates, 2),
            "marketing": np.round(marketing, 2),
            "sales_visits": np.round(sales_visits, 2),
            "order_handling": np.round(order_handling, 2),
            "logistics": np.round(logistics, 2),
            "technical_service": np.round(technical_service, 2),
            "n_visits": n_visits.astype(np.int64),
            "service_hours": service_hours.astype(np.int64),
        }
    )


def _to_scale(rng, signal, noise_sd):
    """A 1..10 rating from a latent signal plus noise."""
    z = _standardise(_standardise(signal) + noise_sd * rng.standard_normal(len(signal)))
    return np.clip(np.round(5.5 + 2.0 * z), 1, 10).astype(np.int64)


def _ratings(
    rng,
    account_ids,
    arch,
    industry,
    employees,
    relationship,
    headroom,
    growth,
    discount,
    share,
    is_lost,
    lifecycle,
    service_hours,
    closeness,
    wallet_total,
    days,
    weight,
    lo,
    hi,
    i_end,
):
    n = len(account_ids)
    shrinking = lifecycle == "shrinking"
    log_emp = np.log(employees)
    ratings = {
        "growth_potential": _to_scale(
            rng, _standardise(np.log1p(headroom)) + 0.8 * _standardise(growth), 0.7
        ),
        "cooperation_potential": _to_scale(rng, relationship + 0.6 * np.isin(arch, [0, 2]), 0.6),
        "reference_value": _to_scale(rng, _standardise(log_emp) + INDUSTRY_PRESTIGE[industry], 0.6),
        "price_enforcement": _to_scale(rng, -_standardise(discount), 0.6),
        "solvency": _to_scale(rng, 0.6 * _standardise(log_emp) - 1.0 * is_lost - 0.5 * shrinking, 0.8),
        "satisfaction": _to_scale(rng, _standardise(_logit(share)) + 0.6 * relationship - 0.8 * is_lost, 0.6),
        "relationship_level": _to_scale(rng, relationship, 0.45),
        "service_quality": _to_scale(rng, _standardise(np.log1p(service_hours)) + 0.5 * relationship, 0.8),
        "proximity": _to_scale(rng, closeness, 0.5),
    }
    mu = np.exp(0.8 + 0.35 * _standardise(np.log(wallet_total)) - 3.5 * (share - 0.18))
    n_competitors = np.clip(rng.poisson(mu), 0, 9)
    # last account review: in the last two months for current customers, before the dropout for lost ones
    review = np.where(is_lost, hi - rng.integers(30, 121, n), i_end - 1 - rng.integers(0, 60, n))
    review = np.maximum(review, lo)
    business = np.flatnonzero(weight > 0)
    review = business[np.maximum(np.searchsorted(business, review, side="right") - 1, 0)]  # a business day
    review = np.maximum(review, _next_business_day(business, lo))
    return pd.DataFrame(
        {
            "account_id": pd.array(account_ids, dtype="str"),
            "rating_date": _dates(review, days),
            **ratings,
            "n_competitors": n_competitors.astype(np.int64),
        }
    )


def _offerings_frame():
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


# --------------------------------------------------------------------------------------------------
# Writing the tables
# --------------------------------------------------------------------------------------------------
def write_case(case, path):
    """Write the tables of ``case`` as Parquet files plus ``manifest.json`` into ``path``.

    Parameters
    ----------
    case : Case
        Usually ``generate_case()``.
    path : str or Path
        Folder; created if needed. Existing table files are replaced.

    Returns
    -------
    dict
        The manifest: generator, seed, versions, and for each table its file,
        row count and SHA-256.
    """
    import pyarrow

    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {}
    for name in TABLES:
        frame = getattr(case, name)
        expected = [c for c, _, _ in SCHEMA[name][1]]
        if list(frame.columns) != expected:
            raise ParameterError(
                f"Table {name!r} has columns {list(frame.columns)}, the schema says {expected}."
            )
        file = folder / f"{name}.parquet"
        frame.to_parquet(file, index=False, compression="zstd")
        tables[name] = {
            "file": file.name,
            "rows": int(len(frame)),
            "columns": int(frame.shape[1]),
            "sha256": hashlib.sha256(file.read_bytes()).hexdigest(),
        }
    manifest = {
        "info": dict(case.info),
        "generator": "kamlab.casegen.generate_case",
        "generator_version": GENERATOR_VERSION,
        "seed": case.info.get("seed"),
        "regenerate": "python -m kamlab.casegen datasets/case",
        "versions": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "pyarrow": pyarrow.__version__,
        },
        "tables": tables,
    }
    (folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv=None):
    """Command line: ``python -m kamlab.casegen [FOLDER] [--seed N] [--accounts N] [--years N]``."""
    import argparse
    import time

    parser = argparse.ArgumentParser(
        prog="python -m kamlab.casegen", description="Generate the kamlab case company and write its tables."
    )
    parser.add_argument(
        "folder", nargs="?", default="datasets/case", help="output folder (default: datasets/case)"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--start", default="2023-01-01")
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    case = generate_case(seed=args.seed, n_accounts=args.accounts, start=args.start, years=args.years)
    manifest = write_case(case, args.folder)
    for name, entry in manifest["tables"].items():
        print(f"{name:<13}{entry['rows']:>9,} rows  {entry['sha256'][:12]}")
    print(f"written to {args.folder} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
