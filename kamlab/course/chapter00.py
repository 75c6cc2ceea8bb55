"""Exercises of notebook ``00_start_here``.

Part 1 (q1-q3) asks about the concentration of revenue, part 2 (q4, q5, KAM fundamentals)
about the case company's contacts with one customer in 2025 (table ``touchpoints``): how many
different company people met it. ``tests/test_course.py`` and ``tests/test_course_chapter00.py``
compute the answers again in another way.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]


@cache
def _accounts():
    from kamlab.data.accounts import accounts_from_transactions
    from kamlab.data.case import load_case

    return accounts_from_transactions(load_case().transactions)


def _people(account_ids):
    """Distinct company people (``person_id``) with a 2025 contact at any of ``account_ids``."""
    from kamlab.data.case import load_case

    touchpoints = load_case().touchpoints
    return int(touchpoints.loc[touchpoints["account_id"].isin(account_ids), "person_id"].nunique())


def _people_k01540():
    return _people(["K01540"])


def _people_g001():
    from kamlab.data.case import load_case

    accounts = load_case().accounts
    return _people(accounts.loc[accounts["group_id"] == "G001", "account_id"])


def _n_accounts():
    from kamlab.data.case import load_case

    return len(load_case().accounts)


def _top10_share():
    from kamlab.identify import top_share

    return top_share(_accounts(), 0.1).share


def _accounts_for_half():
    import numpy as np

    revenue = np.sort(_accounts()["revenue"].to_numpy())[::-1]
    cumulative = np.cumsum(revenue) / revenue[revenue > 0].sum()
    return int(np.argmax(cumulative >= 0.5) + 1)


q1 = Exercise(
    "How many business customers does the case company have?",
    expected=_n_accounts,
    hint=(
        'One row of case.accounts is one customer: how do you count the rows of a table?'
    ),
    solution="n_accounts = len(case.accounts)",
)

q2 = Exercise(
    "Share of revenue held by the top 10 % of accounts (a fraction between 0 and 1, 3 decimals)",
    expected=_top10_share,
    decimals=3,  # the slider shows the share in % with one decimal
    hint=(
        "The widget above uses a kamlab function that answers 'what share do the top x % hold?' — 10 % is 0.1, "
        'and its result carries the share.'
    ),
    solution="share_top10 = kamlab.top_share(accounts, 0.1).share",
)

q3 = Exercise(
    "How many accounts together hold half of the revenue?",
    expected=_accounts_for_half,
    hint=(
        "Sort the revenues from big to small and follow their running share of the total: how many accounts "
        "does it take until that share first reaches one half?"
    ),
    solution=(
        "revenue = accounts['revenue'].sort_values(ascending=False)\n"
        "running_share = revenue.cumsum() / revenue.sum()\n"
        "n_half = int((running_share < 0.5).sum()) + 1"
    ),
)

q4 = Exercise(
    "How many different company people contacted account K01540 (Möller Werkzeugmaschinen SE) in 2025?",
    expected=_people_k01540,
    hint=(
        "Keep K01540's rows of case.touchpoints and count people, not contacts: one person can appear in many "
        'rows.'
    ),
    solution=(
        "k01540 = case.touchpoints[case.touchpoints['account_id'] == 'K01540']\n"
        "people_k01540 = k01540['person_id'].nunique()"
    ),
)

q5 = Exercise(
    "How many different company people contacted the Möller group (G001, all its entities) in 2025?",
    expected=_people_g001,
    hint=(
        "Find the group's entities in case.accounts (by their group), keep their touchpoints and count each "
        'person once, however many entities they met.'
    ),
    solution=(
        "entities = case.accounts.loc[case.accounts['group_id'] == 'G001', 'account_id']\n"
        "g001 = case.touchpoints[case.touchpoints['account_id'].isin(entities)]\n"
        "people_g001 = g001['person_id'].nunique()"
    ),
)

q6 = Choice(
    ("Which accounts are key accounts?", "Welche Kunden sind Schlüsselkunden?"),
    question=(
        "Which accounts are key accounts (Schlüsselkunden) by the course's quantitative definition?",
        "Welche Kunden sind nach der quantitativen Definition des Kurses Schlüsselkunden?",
    ),
    options={
        "a": (
            ("The top 20 % of the accounts by last year's revenue.",
             "Die umsatzstärksten 20 % der Kunden nach dem Umsatz des Vorjahres."),
            ("Not yet: the 20/80 picture describes how concentrated revenue is. The definition counts a share of the "
             "money, not a fixed share of the accounts — and not only last year's figures.",
             "Noch nicht: das 20/80-Bild beschreibt, wie konzentriert der Umsatz ist. Die Definition zählt einen Anteil "
             "am Geld, nicht einen festen Anteil der Kunden — und nicht nur die Zahlen des Vorjahres."),
        ),
        "b": (
            ("The few accounts that together make at least 50–60 % of the actual or target revenue or contribution "
             "margin (DB).",
             "Die wenigen Kunden, die zusammen mindestens 50–60 % des Ist- oder Ziel-Umsatzes bzw. Deckungsbeitrags "
             "(DB) ausmachen."),
            ("Right: a share of the money, on actual or target figures, by revenue or DB. It starts the list; "
             "customer value, potential and the portfolio finish it (notebooks 04 and 05).",
             "Richtig: ein Anteil am Geld, nach Ist- oder Zielzahlen, nach Umsatz oder DB. Das ist der Anfang der "
             "Liste; Kundenwert, Potenzial und Portfolio vervollständigen sie (Notebooks 04 und 05)."),
        ),
        "c": (
            ("Every account with more than 1 % of revenue.", "Jeder Kunde mit mehr als 1 % des Umsatzes."),
            ("Not yet: a fixed threshold per account ignores how concentrated the business is — in the case company "
             "it would name only a handful of accounts.",
             "Noch nicht: eine feste Schwelle je Kunde übersieht, wie konzentriert das Geschäft ist — in der "
             "Fallstudie träfe sie nur eine Handvoll Kunden."),
        ),
        "d": (
            ("The accounts the CRM marks as key accounts.", "Die Kunden, die das CRM als Schlüsselkunden führt."),
            ("Not yet: the CRM's mark is a past decision, not a definition; a KAM review checks it against the "
             "numbers (notebook 02 compares the lists).",
             "Noch nicht: die Markierung im CRM ist eine frühere Entscheidung, keine Definition; ein KAM-Review prüft "
             "sie an den Zahlen (Notebook 02 vergleicht die Listen)."),
        ),
    },
    answer="b",
    hint=("Look at the summary of Part 2: the definition names a share, the figures it counts and two measures.",
          "Lies die Zusammenfassung von Teil 2: die Definition nennt einen Anteil, welche Zahlen zählen und zwei "
          "Größen."),
)

q7 = Explain(
    ("Many faces at one group", "Viele Gesichter bei einem Konzern"),
    question=(
        "Exercises 4 and 5 counted the company people who contacted the Möller group in one year. Why is that a "
        "problem for the group's global purchasing and for us, and what does a key-account manager change?",
        "Die Aufgaben 4 und 5 zählten die Leute unseres Unternehmens, die in einem Jahr Kontakt mit der Möller-Gruppe "
        "hatten. Warum ist das ein Problem für den Zentraleinkauf der Gruppe und für uns, und was ändert ein "
        "Key-Account-Manager daran?",
    ),
    model_answer=(
        "The group's global purchasing meets many people of ours who do not know of each other: sales, service, "
        "engineering, several territories. It hears different prices and promises, can play one of our people "
        "against another, and nobody of ours sees the whole relationship — nor the group's plans across its "
        "plants. A key-account manager is the customer's single interface (a global account manager for a group "
        "across countries): one person who knows all contacts, coordinates them, speaks for the customer inside "
        "our company and plans the relationship as a whole. The others keep their contacts (a 'diamond', not a "
        "'bow tie'), but they are coordinated.",
        "Der Zentraleinkauf der Gruppe trifft viele unserer Leute, die nichts voneinander wissen: Vertrieb, Service, "
        "Technik, mehrere Gebiete. Er hört unterschiedliche Preise und Zusagen, kann unsere Leute gegeneinander "
        "ausspielen, und niemand bei uns sieht die ganze Beziehung — noch die Pläne der Gruppe über ihre Werke "
        "hinweg. Ein Key-Account-Manager ist die eine Schnittstelle des Kunden (ein Global-Account-Manager für eine "
        "Gruppe über Ländergrenzen): eine Person, die alle Kontakte kennt, sie koordiniert, den Kunden im eigenen "
        "Haus vertritt und die Beziehung als Ganzes plant. Die anderen behalten ihre Kontakte (ein 'Diamant', keine "
        "'Fliege'), aber sie sind abgestimmt."),
    points=[
        ("uncoordinated contacts: different prices and promises", "unabgestimmte Kontakte: unterschiedliche Preise "
                                                                    "und Zusagen"),
        ("nobody sees the whole group", "niemand sieht die ganze Gruppe"),
        ("the single interface who coordinates (and a global account manager for a group)",
         "die eine Schnittstelle, die koordiniert (und ein Global-Account-Manager für eine Gruppe)"),
        ("the customer's advocate inside our company", "der Fürsprecher des Kunden im eigenen Haus"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        'Wie viele Geschäftskunden hat die Fallstudie?',
        'Eine Zeile von case.accounts ist ein Kunde: wie zählst du die Zeilen einer Tabelle?',
    ),
    "q2": (
        'Umsatzanteil der umsatzstärksten 10 % der Kunden (ein Anteil zwischen 0 und 1, 3 Nachkommastellen)',
        'Das Widget oben nutzt eine kamlab-Funktion, die beantwortet, welchen Anteil die oberen x % halten — 10 %'
        ' sind 0,1, und ihr Ergebnis trägt den Anteil.',
    ),
    "q3": (
        'Wie viele Kunden halten zusammen die Hälfte des Umsatzes?',
        'Sortiere die Umsätze von groß nach klein und verfolge ihren laufenden Anteil an der Summe: wie viele '
        'Kunden braucht es, bis dieser Anteil erstmals die Hälfte erreicht?',
    ),
    "q4": (
        'Wie viele verschiedene Leute unseres Unternehmens hatten 2025 Kontakt mit Kunde K01540 (Möller '
        'Werkzeugmaschinen SE)?',
        'Behalte die Zeilen von K01540 in case.touchpoints und zähle Personen, nicht Kontakte: eine Person kann '
        'in vielen Zeilen stehen.',
    ),
    "q5": (
        'Wie viele verschiedene Leute unseres Unternehmens hatten 2025 Kontakt mit der Möller-Gruppe (G001, alle '
        'ihre Gesellschaften)?',
        'Finde die Gesellschaften der Gruppe in case.accounts (über ihre Gruppe), behalte ihre Kontakte und zähle'
        ' jede Person einmal, egal wie viele Gesellschaften sie getroffen hat.',
    ),
})

name_exercises(globals())
