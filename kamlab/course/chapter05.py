"""Exercises of notebook ``05_potential``.

The right answers are computed with kamlab (:func:`~kamlab.wallet_allocation`,
:func:`~kamlab.evaluate_wallet`, :func:`~kamlab.whitespace`, :class:`~kamlab.BetaGeo`)
on the case company's accounts with revenue in 2025 and on the CDNOW sample;
``tests/test_course_chapter05.py`` computes them again by hand: the rule's formula, a
split and a count, a nearest-neighbour search of its own, and P(alive) from the raw
purchase dates with the published parameters.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["FEATURES", "WHITESPACE_GAP", "WALLET", "CDNOW_CUSTOMER", "q1", "q2", "q3", "q4", "q5", "q6"]

#: The firmographics the wallets and the whitespace are estimated from (the notebook's ``features``).
FEATURES = ["employees", "plants", "industry", "region", "country"]
#: Exercise 1: the customer's wallet in EUR per year.
WALLET = 900_000
#: Exercise 3: the gap (EUR per year) above which a whitespace cell counts.
WHITESPACE_GAP = 50_000
#: Exercise 4: the CDNOW customer whose P(alive) is asked.
CDNOW_CUSTOMER = 11


@cache
def _accounts():
    """The accounts with revenue in 2025 (the notebook's ``accounts``)."""
    from kamlab.data.case import load_case

    table = load_case().account_table(2025)
    return table[table["revenue"] > 0].reset_index(drop=True)


@cache
def _whitespace():
    """The notebook's whitespace result: 2025 lines of those accounts, neighbours by firmographics."""
    from kamlab.data.case import load_case
    from kamlab.potential import whitespace

    accounts = _accounts()
    lines = load_case().transactions
    lines = lines[(lines["date"].dt.year == 2025) & lines["account_id"].isin(accounts["account_id"])]
    return whitespace(lines, accounts.set_index("account_id")[FEATURES])


def _gain_first_place():
    from kamlab.potential import wallet_allocation

    return WALLET * (wallet_allocation(1, 3) - wallet_allocation(2, 3))


def _coverage():
    from kamlab.potential import WalletEstimator, evaluate_wallet

    accounts = _accounts()
    model = WalletEstimator(0.8, "linear", random_state=0)
    return float(evaluate_wallet(model, accounts[FEATURES], accounts["revenue"], random_state=1)["coverage"])


def _n_big_whitespace():
    result = _whitespace()
    return int((result["whitespace"] & (result["gap"] > WHITESPACE_GAP)).sum())


def _p_alive():
    from kamlab.clv import BetaGeo, rfm_summary
    from kamlab.data.datasets import fetch_cdnow

    summary = rfm_summary(fetch_cdnow(), "1997-09-30", "W", account="customer_id")
    p_alive = BetaGeo().fit(summary).probability_alive(summary)
    return float(p_alive[summary["customer_id"] == CDNOW_CUSTOMER].iloc[0])


q1 = Exercise(
    "Extra revenue per year when we move from second to first of three suppliers (wallet 900,000 EUR; whole EUR)",
    expected=_gain_first_place,
    decimals=0,
    hint=(
        'The Wallet Allocation Rule (section 2) gives the share of wallet of the supplier ranked k of n; compare '
        'the first and the second of three, in EUR of this wallet.'
    ),
    solution=(
        "gain = 900_000 * (kamlab.wallet_allocation(1, 3) - kamlab.wallet_allocation(2, 3))   "
        "# 900,000 · (50 % − 33.3 %) = 150,000"
    ),
)

q2 = Exercise(
    "Held-out coverage of the linear method at the 80 % quantile (estimator seed 0, split seed 1; 3 decimals)",
    expected=_coverage,
    decimals=3,
    hint=(
        'Section 3 checks an estimator on held-out accounts: the linear method at the 0.8 quantile, with the '
        'seeds given; coverage is one of the results.'
    ),
    solution=(
        "evaluation = kamlab.evaluate_wallet(kamlab.WalletEstimator(0.8, 'linear', random_state=0),\n"
        "                                    accounts[features], accounts['revenue'], random_state=1)\n"
        "coverage_linear = evaluation['coverage']"
    ),
    rtol=1e-3,
)

q3 = Exercise(
    "How many whitespace cells have a gap above 50,000 EUR a year?",
    expected=_n_big_whitespace,
    hint=(
        'The whitespace table `opportunities` marks the cells the account does not buy from us yet; combine that '
        'with a gap above 50,000 EUR and count.'
    ),
    solution="n_big_whitespace = int((opportunities['whitespace'] & (opportunities['gap'] > 50_000)).sum())",
    # neighbours at equal distance: float noise of 1e-15 (numpy version, CPU) can swap one, and one cell
    atol=1,
)

q4 = Exercise(
    "P(alive) of CDNOW customer 11 at the end of calibration (30 September 1997; 3 decimals)",
    expected=_p_alive,
    decimals=3,
    hint=(
        'The BG/NBD model fitted on the CDNOW summary gives P(alive) for every customer of it; pick customer 11.'
    ),
    solution=(
        "p_alive_11 = bgnbd.probability_alive(cdnow)[cdnow['customer_id'] == 11].iloc[0]   "
        "# 0.49: six purchases, then 3.6 months of silence"
    ),
    rtol=2e-3,  # answers rounded to three digits count
)

q5 = Choice(
    ("Using the wallet estimate", "Die Potenzialschätzung nutzen"),
    question=(
        "The realistic wallet estimate ranks the accounts much like their true wallets, but sits at about half their "
        "level. How do you use it in key-account management?",
        "Die Schätzung des realistischen Kundenpotenzials ordnet die Kunden ähnlich wie ihre wahren Potenziale, liegt "
        "aber bei etwa der Hälfte ihrer Höhe. Wie nutzt du sie im Key-Account-Management?",
    ),
    options={
        "a": (
            ("As each customer's potential in the account plan, as it is.",
             "Als Potenzial jedes Kunden im Kundenplan, so wie sie ist."),
            ("Not yet: the level is too low — it is what the best comparable customers spend with us, not with all "
             "suppliers. A target built on it would be set too low.",
             "Noch nicht: die Höhe ist zu niedrig — sie ist das, was die besten vergleichbaren Kunden bei uns "
             "ausgeben, nicht bei allen Lieferanten. Ein Ziel darauf wäre zu niedrig gesetzt."),
        ),
        "b": (
            ("To rank the accounts by headroom and find the big wallets we hardly share; the level is calibrated "
             "with what the key-account managers know, and said to be an estimate.",
             "Um die Kunden nach ungenutztem Potenzial zu ordnen und große Potenziale mit kleinem Lieferanteil zu "
             "finden; die Höhe wird mit dem Wissen der Key-Account-Manager kalibriert und als Schätzung benannt."),
            ("Right: it ranks better than it measures. Use the ranking, check the level with the people who know "
             "the customer, and say that it is an estimate when you show it.",
             "Richtig: sie ordnet besser, als sie misst. Nutze die Reihenfolge, prüfe die Höhe mit den Leuten, die "
             "den Kunden kennen, und sage, dass es eine Schätzung ist, wenn du sie zeigst."),
        ),
        "c": (
            ("Not at all: an estimate that is off by half is useless.",
             "Gar nicht: eine Schätzung, die um die Hälfte daneben liegt, ist nutzlos."),
            ("Not yet: for choosing where to look first the order counts, and the order is good. Throwing it away "
             "leaves only revenue, which cannot see potential.",
             "Noch nicht: um zu wählen, wo man zuerst hinschaut, zählt die Reihenfolge, und die ist gut. Ohne sie "
             "bleibt nur der Umsatz, und der sieht kein Potenzial."),
        ),
    },
    answer="b",
    hint=("Section 4 grades the estimate twice: once by its order, once by its level.",
          "Abschnitt 4 bewertet die Schätzung zweimal: einmal nach ihrer Reihenfolge, einmal nach ihrer Höhe."),
)

q6 = Explain(
    ("Mining is harder than farming", "Mining ist schwerer als Farming"),
    question=(
        "The whitespace ranking puts an offering at the top that an account has never bought from us (mining), "
        "because similar accounts buy it. Why is that harder to win than more of what it already buys (farming), "
        "and what would you find out before you put it into the account plan?",
        "Die Rangliste der weißen Flecken setzt ein Angebot nach oben, das ein Kunde noch nie bei uns gekauft hat (Mining), "
        "weil ähnliche Kunden es kaufen. Warum ist das schwerer zu gewinnen als mehr von dem, was er schon kauft "
        "(Farming), und was würdest du herausfinden, bevor du es in den Kundenplan schreibst?",
    ),
    model_answer=(
        "Mining opens a new buying centre: other users and decision makers, perhaps another plant, and a competitor "
        "who already supplies it; we have no relationship and no references there. Farming competes with the "
        "incumbent on price, but inside a relationship we have. And the ranking only says that comparable customers "
        "buy the offering, not that this one needs it. Before planning: ask the key-account manager and the "
        "customer whether they use it, who decides and who supplies it today, when the contract ends — and whether "
        "a reference from a similar customer can open the door.",
        "Mining öffnet ein neues Buying Center: andere Anwender und Entscheider, vielleicht ein anderes Werk, und einen "
        "Wettbewerber, der es schon beliefert; dort haben wir keine Beziehung und keine Referenzen. Farming "
        "konkurriert mit dem bisherigen Lieferanten über den Preis, aber in einer Beziehung, die wir haben. Und die "
        "Rangliste sagt nur, dass vergleichbare Kunden das Angebot kaufen, nicht, dass dieser es braucht. Vor der "
        "Planung: den Key-Account-Manager und den Kunden fragen, ob sie es einsetzen, wer entscheidet und wer heute "
        "liefert, wann der Vertrag endet — und ob eine Referenz eines ähnlichen Kunden die Tür öffnen kann."),
    points=[
        ("a new buying centre and an incumbent competitor", "ein neues Buying Center und ein etablierter Wettbewerber"),
        ("similar customers buy it ≠ this customer needs it", "ähnliche Kunden kaufen es ≠ dieser Kunde braucht es"),
        ("check need, decision makers, supplier and contract first",
         "erst Bedarf, Entscheider, Lieferant und Vertrag prüfen"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        'Mehrumsatz pro Jahr, wenn wir vom zweiten zum ersten von drei Lieferanten werden (Kundenpotenzial '
        '900.000 EUR; ganze EUR)',
        'Die Wallet Allocation Rule (Abschnitt 2) gibt den Lieferanteil des Lieferanten auf Rang k von n; '
        'vergleiche den ersten und den zweiten von drei, in EUR dieses Potenzials.',
    ),
    "q2": (
        'Abdeckung der linearen Methode am 80-%-Quantil auf zurückgehaltenen Kunden (Seed des Schätzers 0, der '
        'Aufteilung 1; 3 Nachkommastellen)',
        'Abschnitt 3 prüft einen Schätzer auf zurückgehaltenen Kunden: die lineare Methode am 0,8-Quantil, mit '
        'den genannten Seeds; die Abdeckung ist eines der Ergebnisse.',
    ),
    "q3": (
        'Wie viele Whitespace-Zellen (weiße Flecken) haben eine Lücke über 50.000 EUR im Jahr?',
        'Die Whitespace-Tabelle `opportunities` markiert die Zellen, die der Kunde noch nicht bei uns kauft; '
        'kombiniere das mit einer Lücke über 50.000 EUR und zähle.',
    ),
    "q4": (
        'P(alive) von CDNOW-Kunde 11 am Ende der Kalibrierung (30. September 1997; 3 Nachkommastellen)',
        'Das auf der CDNOW-Zusammenfassung angepasste BG/NBD-Modell gibt P(alive) für jeden ihrer Kunden; wähle '
        'Kunde 11.',
    ),
})

name_exercises(globals())
