"""Exercises of notebook ``04_portfolio``.

The right answers are computed with kamlab (:class:`~kamlab.ScoringModel`,
:func:`~kamlab.portfolio`, :func:`~kamlab.weight_sensitivity`,
:func:`~kamlab.abc_analysis`, :func:`~kamlab.select_key_accounts`) on the case
company's accounts with revenue in 2025 and the notebook's weights below;
``tests/test_course_chapter04.py`` computes them again with plain numpy and loops. Exercise 5
scores a customer value (:func:`~kamlab.customer_value`, section 10) by hand.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["ATTRACTIVENESS_WEIGHTS", "POSITION_WEIGHTS", "WORKED_EXAMPLE_WEIGHTS", "q1", "q2", "q3", "q4", "q5",
           "q6", "q7"]

#: The weights of the worked example and of the notebook's attractiveness model.
WORKED_EXAMPLE_WEIGHTS = {
    "growth_potential": 0.25,
    "cooperation_potential": 0.30,
    "price_enforcement": 0.20,
    "reference_value": 0.15,
    "solvency": 0.10,
}
ATTRACTIVENESS_WEIGHTS = dict(WORKED_EXAMPLE_WEIGHTS)
#: The weights of the notebook's supplier-position model.
POSITION_WEIGHTS = {"satisfaction": 0.40, "relationship_level": 0.25, "service_quality": 0.20, "proximity": 0.15}
#: Customer C of exercise 1: its five ratings in the order of the weights.
CUSTOMER_C = {"growth_potential": 7, "cooperation_potential": 4, "price_enforcement": 9, "reference_value": 5,
              "solvency": 8}

#: Customer D of exercise 5: its component scores (money already on the 1–10 scale) and whether it is a
#: reference customer (its reference value gains 2 points, at most up to 10).
CUSTOMER_D = {"monetary": 4, "reference": 9, "multiplier": 8, "information": 7, "cooperation": 6}
CUSTOMER_D_IS_REFERENCE = True


def _models():
    from kamlab.portfolios import ScoringModel

    return ScoringModel(ATTRACTIVENESS_WEIGHTS), ScoringModel(POSITION_WEIGHTS)


@cache
def _rated():
    """The accounts with revenue in 2025 and their ratings (the notebook's ``rated``)."""
    from kamlab.data.case import load_case

    case = load_case()
    table = case.account_table(2025)
    return table[table["revenue"] > 0].merge(case.ratings, on="account_id", how="left")


@cache
def _placed():
    from kamlab.portfolios import portfolio

    attractiveness, position = _models()
    scored = _rated().copy()
    scored["attractiveness"] = attractiveness.score(scored)["total"]
    scored["supplier_position"] = position.score(scored)["total"]
    return portfolio(scored, size="revenue")


def _customer_c():
    import pandas as pd

    from kamlab.portfolios import ScoringModel

    return float(ScoringModel(WORKED_EXAMPLE_WEIGHTS).score(pd.DataFrame([CUSTOMER_C]))["total"].iloc[0])


def _n_strategic():
    return int((_placed()["quadrant"] == "Strategic").sum())


def _n_flips():
    from kamlab.portfolios import weight_sensitivity

    return int(weight_sensitivity(_rated(), *_models(), delta=0.2, method="oat")["flips"].sum())


def _n_develop():
    from kamlab.identify import abc_analysis
    from kamlab.portfolios import select_key_accounts

    classes = abc_analysis(_placed(), value="revenue", thresholds=(0.8, 0.95), rule="cover")
    pool = select_key_accounts(classes, potential="growth_potential", max_accounts=len(classes))
    return int((pool["priority"] == 2).sum())


def _customer_d():
    import pandas as pd

    from kamlab.portfolios import ScoringModel
    from kamlab.portfolios.customer_value import DEFAULT_WEIGHTS

    components = dict(CUSTOMER_D)
    if CUSTOMER_D_IS_REFERENCE:
        components["reference"] = min(components["reference"] + 2, 10)
    return float(ScoringModel(DEFAULT_WEIGHTS).score(pd.DataFrame([components]))["total"].iloc[0])


q1 = Exercise(
    "Attractiveness of customer C (ratings 7, 4, 9, 5, 8) with the weights 0.25/0.30/0.20/0.15/0.10 (2 decimals)",
    expected=_customer_c,
    decimals=2,
    hint=(
        'Multiply each rating by its weight and add up (the Nutzwertanalyse of section 3).'
    ),
    solution=(
        "customer_c = pd.DataFrame([{'growth_potential': 7, 'cooperation_potential': 4, "
        "'price_enforcement': 9, 'reference_value': 5, 'solvency': 8}])\n"
        "score_c = kamlab.ScoringModel(worked_weights).score(customer_c)['total'].iloc[0]   # 6.30"
    ),
)

q2 = Exercise(
    "How many of the 2025 accounts are in the Strategic quadrant?",
    expected=_n_strategic,
    hint=(
        "The matrix table `placed` names each account's quadrant: count the Strategic ones."
    ),
    solution="n_strategic = int((placed['quadrant'] == 'Strategic').sum())",
)

q3 = Exercise(
    "How many accounts change quadrant when one weight at a time moves by ±20 %?",
    expected=_n_flips,
    hint=(
        'The sensitivity analysis of section 6 moves one weight at a time by ±20 % and marks the accounts that '
        'change quadrant in at least one scenario.'
    ),
    solution=(
        "oat = kamlab.weight_sensitivity(rated, attractiveness, position, delta=0.2, method='oat')\n"
        "n_flips = int(oat['flips'].sum())"
    ),
)

q4 = Exercise(
    "How many accounts meet rule 2 (A account, attractive, but our position is weak)?",
    expected=_n_develop,
    hint=(
        "The selection of section 8 without its cap on the list's length: rule 2 is one priority. Or think: an A "
        'account that is attractive while our position is weak sits in which quadrant?'
    ),
    solution=(
        "pool = kamlab.select_key_accounts(classes, potential='growth_potential', max_accounts=len(classes))\n"
        "n_develop = int((pool['priority'] == 2).sum())"
    ),
)

q5 = Exercise(
    "Customer value of customer D (money 4, reference 9 as a reference customer, multiplier 8, information 7, "
    "cooperation 6) with the default weights (2 decimals)",
    expected=_customer_d,
    decimals=2,
    hint=(
        "A reference customer's reference value gains 2 points, but the scale ends at 10. Then the weighted sum: "
        "0.40 for the money, 0.15 for each of the four other values."
    ),
    solution="value_d = 0.40 * 4 + 0.15 * (min(9 + 2, 10) + 8 + 7 + 6)   # 1.60 + 4.65 = 6.25",
)

q6 = Choice(
    ("A false friend: McDonald's Star", 'Ein falscher Freund: McDonalds „Star“'),
    question=(
        "An account is attractive, but our supplier position with it is weak: McDonald's portfolio calls it a "
        "'Star'. What is it in the German Kundenportfolio, and what is its standard strategy?",
        "Ein Kunde ist attraktiv, aber unsere Lieferantenposition bei ihm ist schwach: McDonalds Portfolio nennt ihn "
        "„Star“. Was ist er im deutschen Kundenportfolio, und was ist seine Normstrategie?",
    ),
    options={
        "a": (
            ("A Starkunde: invest for growth.", "Ein Starkunde: in Wachstum investieren."),
            ("Not yet — the false friend: the German Starkunde is attractive *and* strong, McDonald's 'Strategic'. "
             "McDonald's 'Star' is the one where our position is weak.",
             "Noch nicht — der falsche Freund: der deutsche Starkunde ist attraktiv *und* stark, McDonalds "
             "„Strategic“. McDonalds „Star“ ist der, bei dem unsere Position schwach ist."),
        ),
        "b": (
            ("A Fragezeichenkunde: invest selectively to improve our position — or withdraw ('Big Step or Out').",
             "Ein Fragezeichenkunde: selektiv investieren, um unsere Position zu verbessern — oder sich zurückziehen "
             "(„Big Step or Out“)."),
            ("Right: attractive, but we are weak there. Either a big step that wins a better position (a reason in "
             "the account plan, a budget, a date) or out — drifting along costs money without return.",
             "Richtig: attraktiv, aber wir sind dort schwach. Entweder ein großer Schritt, der eine bessere Position "
             "gewinnt (mit Begründung im Kundenplan, Budget und Termin), oder raus — Weiterdümpeln kostet Geld ohne "
             "Ertrag."),
        ),
        "c": (
            ("An Ertragskunde (Cash-Kunde): harvest, serve efficiently.",
             "Ein Ertragskunde (Cash-Kunde): abschöpfen, effizient betreuen."),
            ("Not yet: the Ertragskunde is unattractive with a strong position — McDonald's 'Status'.",
             "Noch nicht: der Ertragskunde ist unattraktiv bei starker Position — McDonalds 'Status'."),
        ),
        "d": (
            ("A Mitnahmekunde: cut the cost to serve.", "Ein Mitnahmekunde: Betreuungskosten senken."),
            ("Not yet: the Mitnahmekunde is unattractive and weak — McDonald's 'Streamline'.",
             "Noch nicht: der Mitnahmekunde ist unattraktiv und schwach — McDonalds 'Streamline'."),
        ),
    },
    answer="b",
    hint=("Place the account on the two axes first, then find that cell in both vocabularies of section 5.",
          "Setze den Kunden erst auf die zwei Achsen, dann suche dieses Feld in beiden Begriffswelten von "
          "Abschnitt 5."),
)

q7 = Explain(
    ("An account near the split line", "Ein Kunde nahe der Trennlinie"),
    question=(
        "An A account sits close to the median split of supplier position and changes quadrant when one weight "
        "moves by 20 %. What do you do with it when you draw up the key-account list?",
        "Ein A-Kunde liegt nahe an der Median-Trennlinie der Lieferantenposition und wechselt den Quadranten, wenn sich ein "
        "Gewicht um 20 % ändert. Was machst du mit ihm, wenn du die Schlüsselkundenliste aufstellst?",
    ),
    model_answer=(
        "Do not let the quadrant decide: for this account the portfolio only says 'between two strategies', and "
        "the weights are opinions. Look at what puts it there — which criteria and ratings, who rated them, and "
        "whether the ratings are calibrated (the same scale for every key-account manager) and agree with data such "
        "as its revenue trend or realised discounts. Then decide with its key-account manager and write the reason "
        "into the account plan. The quadrant is the start of that conversation, not a verdict.",
        "Den Quadranten nicht entscheiden lassen: für diesen Kunden sagt das Portfolio nur 'zwischen zwei "
        "Strategien', und Gewichte sind Meinungen. Schau, was ihn dorthin bringt — welche Kriterien und Bewertungen, "
        "wer bewertet hat und ob die Bewertungen kalibriert sind (dieselbe Skala für jeden Key-Account-Manager) und zu "
        "Daten passen, etwa zum Umsatztrend oder zu gewährten Rabatten. Dann mit seinem Key-Account-Manager "
        "entscheiden und die Begründung in den Kundenplan schreiben. Der Quadrant beginnt dieses Gespräch, er ist "
        "kein Urteil."),
    points=[
        ("the quadrant is not a verdict near a split line", "der Quadrant ist nahe einem Schnitt kein Urteil"),
        ("look at the ratings behind it and calibrate them", "die Bewertungen dahinter ansehen und kalibrieren"),
        ("decide with the key-account manager and write the reason down",
         "mit dem Key-Account-Manager entscheiden und die Begründung aufschreiben"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        'Attraktivität von Kunde C (Bewertungen 7, 4, 9, 5, 8) mit den Gewichten 0,25/0,30/0,20/0,15/0,10 (2 '
        'Nachkommastellen)',
        'Multipliziere jede Bewertung mit ihrem Gewicht und addiere (die Nutzwertanalyse von Abschnitt 3).',
    ),
    "q2": (
        'Wie viele der Kunden von 2025 liegen im Quadranten Strategic?',
        'Die Matrixtabelle `placed` nennt den Quadranten jedes Kunden: zähle die Strategic-Kunden.',
    ),
    "q3": (
        'Wie viele Kunden wechseln den Quadranten, wenn sich jeweils ein Gewicht um ±20 % ändert?',
        'Die Sensitivitätsanalyse von Abschnitt 6 ändert ein Gewicht nach dem anderen um ±20 % und markiert die '
        'Kunden, die in mindestens einem Szenario den Quadranten wechseln.',
    ),
    "q4": (
        'Wie viele Kunden erfüllen Regel 2 (A-Kunde, attraktiv, aber unsere Position ist schwach)?',
        'Die Auswahl von Abschnitt 8 ohne Obergrenze der Listenlänge: Regel 2 ist eine Priorität. Oder überlege: '
        'ein A-Kunde, der attraktiv ist, während unsere Position schwach ist, liegt in welchem Quadranten?',
    ),
    "q5": (
        'Kundenwert von Kunde D (Geld 4, Referenz 9 als Referenzkunde, Multiplikator 8, Information 7, '
        'Kooperation 6) mit den voreingestellten Gewichten (2 Nachkommastellen)',
        'Der Referenzwert eines Referenzkunden steigt um 2 Punkte, aber die Skala endet bei 10. Dann die '
        'gewichtete Summe: 0,40 für das Geld, 0,15 für jeden der vier anderen Werte.',
    ),
})

name_exercises(globals())
