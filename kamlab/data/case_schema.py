"""The schema of the case company: every table and column with unit and meaning, and German names.

:mod:`kamlab.data.case` re-exports ``SCHEMA``, ``TABLES`` and ``GERMAN_NAMES``; the generator
(:mod:`kamlab.data.casegen`) writes exactly these columns and ``datasets/README.md`` explains them.
"""

from __future__ import annotations

# table -> (what it holds, [(column, unit, meaning), ...]); datasets/README.md explains the same columns
SCHEMA = {
    "accounts": (
        "business customers: master data as the CRM holds it",
        [
            ("account_id", "", "account number K00001..., the key of every table"),
            ("name", "", "company name (fictional)"),
            ("industry", "", "industry of the account"),
            ("country", "", "country of the headquarters"),
            ("country_code", "", "ISO 3166-1 alpha-2 country code"),
            ("region", "", "Bundesland (Germany, Austria), canton (Switzerland), region elsewhere"),
            ("nielsen_region", "", "Nielsen area I to VII of German accounts; missing abroad"),
            ("city", "", "city of the headquarters"),
            ("employees", "persons", "number of employees of the whole company"),
            ("plants", "count", "number of buying centres (headquarters, plants, branches): rows in centres"),
            ("key_account_manager", "", "key-account manager responsible (by sales territory)"),
            (
                "key_account",
                "bool",
                "designated key account in the CRM (a management decision, not the truth)",
            ),
            (
                "customer_since",
                "date",
                "date the account was opened (Kunde seit); the acquisition date for new accounts",
            ),
        ],
    ),
    "centres": (
        "buying centres: headquarters, plants, branches, divisions of each account",
        [
            ("account_id", "", "account the centre belongs to"),
            ("centre_id", "", "buying centre K00001-01...; -01 is the headquarters"),
            ("centre_name", "", "name of the site, such as 'Werk Gütersloh'"),
            ("city", "", "city of the site"),
            ("country", "", "country of the site"),
            ("role", "", "headquarters, plant, division, branch (distributors) or engineering"),
        ],
    ),
    "offerings": (
        "product groups of the seven offerings, with list prices and standard cost",
        [
            ("offering", "", "offering (Angebotsbereich): the level of wallets and whitespace"),
            ("offering_de", "", "German name of the offering"),
            ("product_group", "", "product group within the offering"),
            ("product_group_de", "", "German name of the product group"),
            ("unit", "", "unit of quantity: pcs, h (hours) or lump sum"),
            ("list_price_min", "EUR per unit", "lowest list price in the group"),
            ("list_price_max", "EUR per unit", "highest list price in the group"),
            (
                "standard_cost_ratio",
                "ratio",
                "standard cost of goods / list price (projects: / invoiced value)",
            ),
        ],
    ),
    "transactions": (
        "invoice lines 2023-2025, credit notes as negative lines",
        [
            ("invoice_id", "", "invoice RE-2023-000001... or credit note GS-2023-000001..."),
            ("line", "", "line number within the invoice, from 1"),
            ("date", "date", "invoice date (business days only)"),
            ("account_id", "", "account invoiced"),
            ("centre_id", "", "buying centre that ordered (delivery address)"),
            ("offering", "", "offering of the line"),
            ("product_group", "", "product group of the line"),
            ("quantity", "unit of the group", "quantity; negative for returned goods"),
            ("unit_price", "EUR per unit", "net invoiced price; negative for a price correction"),
            ("revenue", "EUR", "net invoiced amount = quantity * unit_price, before year-end rebates"),
            ("cost", "EUR", "cost of goods sold; negative for returned goods"),
            ("is_credit_note", "bool", "True for credit notes (returns and price corrections)"),
            ("project_id", "", "quote the line was won from (projects table); missing for regular orders"),
        ],
    ),
    "projects": (
        "quotes and projects with follow-up contacts and outcome",
        [
            ("project_id", "", "quote number Q-2023-00001..."),
            ("account_id", "", "account quoted"),
            ("centre_id", "", "buying centre that asked for the quote"),
            ("offering", "", "offering quoted"),
            ("quote_date", "date", "date the quote was sent"),
            ("quote_value", "EUR", "value of the quote"),
            ("competitors", "count", "other suppliers bidding against us on this quote (1 to 4)"),
            (
                "relationship_at_quote",
                "1-10",
                "relationship level (Beziehungsebene) on record in the CRM at the quote date",
            ),
            (
                "revenue_12m",
                "EUR",
                "the account's net revenue in the 365 days before the quote date, as the CRM showed it",
            ),
            ("followups", "count", "follow-up contacts (Nachfassen) after the quote: rows in contacts"),
            ("decision_date", "date", "date the customer decided; missing while open"),
            ("days_to_decision", "days", "decision_date - quote_date; missing while open"),
            ("outcome", "", "won, lost or open (no decision by the end of the window)"),
            ("order_value", "EUR", "value ordered if won (after negotiation); missing otherwise"),
            ("loss_reason", "", "price, technology, relationship or cancelled if lost; missing otherwise"),
        ],
    ),
    "contacts": (
        "follow-up contacts (Nachfassen) of the quotes, one row per contact",
        [
            ("project_id", "", "quote followed up (projects table)"),
            ("contact_date", "date", "date of the contact: after the quote date, at most the decision date"),
            ("channel", "", "phone, email, visit or video"),
        ],
    ),
    "costs": (
        "cost to serve per account and calendar year (for the contribution-margin cascade)",
        [
            ("account_id", "", "account"),
            ("year", "", "calendar year"),
            (
                "discounts_rebates",
                "EUR",
                "year-end rebates and bonuses paid back: net revenue = revenue - this",
            ),
            (
                "marketing",
                "EUR",
                "account-attributable marketing: catalogues, fairs, events, co-op marketing",
            ),
            ("sales_visits", "EUR", "cost of sales visits (KAM time and travel)"),
            ("order_handling", "EUR", "order processing in inside sales: per invoice and per credit note"),
            ("logistics", "EUR", "freight per shipment, packaging and handling, consignment stock"),
            (
                "technical_service",
                "EUR",
                "unbilled application engineering, commissioning and goodwill service",
            ),
            ("n_visits", "count", "number of sales visits in the year"),
            ("service_hours", "h", "unbilled technical service hours in the year"),
        ],
    ),
    "ratings": (
        "qualitative ratings 1 (worst) to 10 (best) from the last account review",
        [
            ("account_id", "", "account"),
            ("rating_date", "date", "date of the last account review"),
            ("growth_potential", "1-10", "growth potential of the account for us (Wachstumspotenzial)"),
            ("cooperation_potential", "1-10", "willingness to cooperate (Kooperationspotenzial)"),
            ("reference_value", "1-10", "value as a reference customer (Referenzwert)"),
            ("price_enforcement", "1-10", "how well we enforce our prices (Preisdurchsetzung)"),
            ("solvency", "1-10", "creditworthiness (Bonität)"),
            ("satisfaction", "1-10", "the customer's satisfaction with us (Zufriedenheit)"),
            ("relationship_level", "1-10", "quality of the relationship (Beziehungsebene)"),
            ("service_quality", "1-10", "service quality the customer perceives (Servicequalität)"),
            ("proximity", "1-10", "geographic and cultural closeness (Nähe)"),
            ("n_competitors", "count", "competing suppliers of drive and automation at the account"),
        ],
    ),
    "truth": (
        "what the generator knows and an analyst never sees, per account",
        [
            ("account_id", "", "account"),
            ("archetype", "", "latent kind of customer the account was generated as"),
            ("lifecycle", "", "stable, growing, shrinking, new (acquired in the window) or lost"),
            ("wallet_eur_per_year", "EUR per year", "true wallet: spend on all offerings from all suppliers"),
            (
                "expected_revenue_eur_per_year",
                "EUR per year",
                "wallet * share of wallet, summed over offerings",
            ),
            ("share_of_wallet", "ratio", "true share of wallet = expected revenue / wallet"),
            ("headroom_eur_per_year", "EUR per year", "wallet - expected revenue"),
            ("growth_rate", "per year", "log growth rate g of the revenue intensity exp(g t)"),
            ("orders_per_year", "per year", "rate of regular orders at the middle of the window"),
            (
                "relationship",
                "z-score",
                "latent relationship strength r behind share, ratings, churn, win rate",
            ),
            ("list_price_discount", "ratio", "usual discount off list price on regular orders"),
            ("over_served", "bool", "gets extra rebates, visits, service and consignment stock"),
            ("acquired_date", "date", "day a new account was acquired; missing for the others"),
            ("dropout_date", "date", "day a lost account stopped buying; missing if alive"),
            ("alive_at_end", "bool", "still a customer at the end of the window"),
        ],
    ),
    "wallets": (
        "truth by account and offering: wallet and share of wallet",
        [
            ("account_id", "", "account"),
            ("offering", "", "offering"),
            ("wallet_eur_per_year", "EUR per year", "true wallet of the account for the offering"),
            ("share_of_wallet", "ratio", "true share of wallet; 0 where the account does not buy it from us"),
            ("expected_revenue_eur_per_year", "EUR per year", "wallet * share (at the middle of the window)"),
        ],
    ),
    "quote_truth": (
        "truth by decided quote and number of follow-ups: the true win probability",
        [
            ("project_id", "", "decided quote (won or lost) of the projects table"),
            ("followups_k", "count", "number of follow-up contacts k, 0 to 12"),
            ("p_win", "probability", "probability that the quote is won had it had k follow-ups, p_i(k)"),
        ],
    ),
}
TABLES = tuple(SCHEMA)
# tables a case written by generator 1.x does not have; load_case gives None for them
V2_TABLES = ("contacts", "quote_truth")

# German names of the category values, for German plots and tables
GERMAN_NAMES = {
    "Geared motors": "Getriebemotoren",
    "Frequency inverters": "Frequenzumrichter",
    "Servo drives": "Servoantriebe",
    "Controls & PLC": "Steuerungen & SPS",
    "Sensors": "Sensorik",
    "Service & spare parts": "Service & Ersatzteile",
    "Engineering & retrofit": "Engineering & Retrofit",
    "Machine building": "Maschinenbau",
    "Automotive supplier": "Automobilzulieferer",
    "Food & beverage": "Nahrungsmittel & Getränke",
    "Intralogistics": "Intralogistik",
    "Chemicals & process": "Chemie & Prozessindustrie",
    "Packaging": "Verpackung",
    "Wholesale & distribution": "Großhandel",
    "Plant engineering": "Anlagenbau",
    "Strategic OEM": "Strategischer OEM",
    "Price-driven distributor": "Preisgetriebener Händler",
    "Project business": "Projektgeschäft",
    "Maintenance end user": "Instandhaltung Endkunde",
    "Small regular buyer": "Kleiner Stammkunde",
    "Occasional buyer": "Gelegenheitskunde",
    "stable": "stabil",
    "growing": "wachsend",
    "shrinking": "schrumpfend",
    "new": "neu",
    "lost": "verloren",
    "won": "gewonnen",
    "open": "offen",
    "phone": "Telefon",
    "email": "E-Mail",
    "visit": "Besuch",
    "video": "Videokonferenz",
    "headquarters": "Zentrale",
    "plant": "Werk",
    "division": "Division",
    "branch": "Niederlassung",
    "engineering": "Engineering",
}
