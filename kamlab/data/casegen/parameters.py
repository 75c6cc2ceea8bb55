"""Parameters of the case company's generating model: offerings, archetypes, industries, regions, names.

Every number the model in :mod:`kamlab.data.casegen` uses lives here; the rows of the archetype
tables follow ``ARCHETYPES``, their columns ``OFFERINGS``.
"""

from __future__ import annotations

import numpy as np

GENERATOR_VERSION = "2.1.0"

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

# --------------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------------
DAY = np.timedelta64(1, "D")
# seasonal factor of each calendar month (summer holidays in August, year-end peak in December)
MONTH_FACTOR = np.array([0.85, 1.00, 1.10, 1.00, 1.00, 1.05, 0.95, 0.68, 1.05, 1.05, 1.10, 1.55])

# --------------------------------------------------------------------------------------------------
# Product groups as arrays (columns of PRODUCT_GROUPS)
# --------------------------------------------------------------------------------------------------
GROUP_OFFERING = np.array([g[0] for g in PRODUCT_GROUPS])
GROUP_PMIN = np.array([g[4] for g in PRODUCT_GROUPS], dtype=float)
GROUP_PMAX = np.array([g[5] for g in PRODUCT_GROUPS], dtype=float)
GROUP_COST = np.array([g[6] for g in PRODUCT_GROUPS])
GROUP_WEIGHT = np.array([g[7] for g in PRODUCT_GROUPS])
GROUP_LUMP = np.array([g[3] == "lump sum" and g[0] == ENG for g in PRODUCT_GROUPS])

# --------------------------------------------------------------------------------------------------
# Quotes and projects, by offering
# --------------------------------------------------------------------------------------------------
QUOTE_VALUE = np.array([15000.0, 15000.0, 20000.0, 25000.0, 6000.0, 10000.0, 60000.0])
QUOTE_BETA = np.array([0.1, 0.1, 0.0, 0.0, 0.2, 0.3, -0.2])
DECISION_DAYS = np.array([30.0, 30.0, 40.0, 45.0, 20.0, 25.0, 75.0])
LEAD_DAYS = np.array([25.0, 25.0, 35.0, 50.0, 10.0, 15.0, 100.0])
MAX_FOLLOWUPS = 12
LOSS_REASONS = ["price", "technology", "relationship", "cancelled"]

# --------------------------------------------------------------------------------------------------
# Follow-ups (Nachfassen) and the win probability of a quote (generator 2.0)
# --------------------------------------------------------------------------------------------------
# Both depend on what the company records at the quote date (projects table): the relationship level
# x_rel = (relationship_at_quote - 5.5) / 2, the account's size x_rev = ln(1 + revenue_12m / REVENUE_UNIT),
# the quote's size x_val = ln(quote_value / QUOTE_VALUE[offering]) and the competitors c; the win
# probability also on the latent relationship r_i (which the recorded level measures). Follow-ups:
#   K = min(Poisson(diligence_kam * exp(F_REL x_rel + F_REV (x_rev - REV_CENTRE) + F_VAL x_val
#                                       + F_COMP (c - 2.5))), MAX_FOLLOWUPS, business days to the decision)
# and the win probability with k follow-ups:
#   p(k) = logistic(W_0 + QUOTE_BETA[o] + W_REL r_i + W_REV (x_rev - REV_CENTRE) + W_VAL x_val
#                   + W_COMP (c - 2) + FOLLOWUP_EFFECT k)
REVENUE_UNIT = 10_000.0
REV_CENTRE = 2.5
FOLLOWUP_EFFECT = 0.15  # the true effect: log-odds of winning per follow-up contact
F_REL, F_REV, F_VAL, F_COMP = 0.35, 0.25, 0.3, -0.2
W_0, W_REL, W_REV, W_VAL, W_COMP = -1.0, 0.55, 0.15, 0.15, -0.45
RELATIONSHIP_NOISE = 0.45  # yearly noise of the recorded relationship level around r_i
# channel of a follow-up contact: phone, email, video, visit (visits more likely on big quotes)
CHANNELS = ["phone", "email", "visit", "video"]

# --------------------------------------------------------------------------------------------------
# Customer groups, the KAM organisation, targets, contacts by function (generator 2.1)
# --------------------------------------------------------------------------------------------------
# groups (Konzerne): the biggest German accounts become parents of groups with entities elsewhere, plus
# mid-sized groups; one group is made of mid-sized entities only and is the biggest customer as a group
GROUPS_TOP_SHARE = 0.005  # share of accounts that are parents of the big groups (10 of 2,000)
GROUPS_MID_SHARE = 0.006  # share of accounts that are parents of mid-sized groups (12 of 2,000)
DEMO_GROUP_MARGIN = 1.12  # the group of mid-sized entities buys this times the biggest single account
DEMO_GROUP_MAX_ENTITIES = 14
COUNTRY_TAG = {"AT": "Austria", "CH": "(Schweiz)", "NL": "Nederland", "PL": "Polska", "CZ": "Czech",
               "FR": "France", "IT": "Italia", "DK": "Danmark"}
# the key-account organisation: set up on KAM_START; each key-account manager serves about
# KAM_UNITS key accounts or groups; the global account manager the GAM_GROUPS biggest groups in
# at least three countries
KAM_START = "2024-04-01"
KAM_UNITS = 12
GAM_GROUPS = 3
GLOBAL_ACCOUNT_MANAGER = "Dr. Katharina Albers"
KEY_ACCOUNT_MANAGERS = [
    "Thomas Brenner", "Sabine Oettinger", "Michael Jansen", "Julia Lorenz", "Andreas Wirth",
    "Nicole Baumann", "Florian Seidel", "Petra Kühn", "Markus Engel", "Katrin Vogel",
    "Daniel Reuter", "Simone Hartwig", "Oliver Kranz", "Birgit Sander",
]
FIRST_NAMES = (
    "Anna Jan Lena Paul Sarah Tim Laura Felix Marie Jonas Lisa Lukas Julia Niklas Katharina David Sandra "
    "Tobias Melanie Sebastian Christina Philipp Nadine Dennis Svenja Kai Carina Marco Jana Patrick"
).split()
# company people who contact customers, by function: (function, role, head count)
STAFF = [
    ("inside sales", "inside_sales", 8),
    ("service", "service_technician", 24),
    ("engineering", "application_engineer", 12),
    ("management", "management", 4),
]
# the plan (Absatzplan) for the year after the window: trend growth seen by sales, plus an expansion
# (a share of the headroom) for key accounts and for a few strategic accounts (STRATEGIC_SHARE of accounts)
PLAN_CAPTURE_KAM = (0.02, 0.06)
PLAN_CAPTURE_STRATEGIC = (0.25, 0.5)
STRATEGIC_SHARE = 0.006
FUNCTIONS = ["sales", "inside sales", "service", "engineering", "management"]
