"""Exercises of notebook ``02_key_accounts``.

The right answers are computed with kamlab from the case company's account tables of
2024 and 2025 (:meth:`kamlab.data.case.Case.account_table`); ``tests/test_course_chapter02.py``
computes them again from the invoice lines and the cost-to-serve table, without kamlab's
analysis functions.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]


@cache
def _table(year):
    from kamlab.data.case import load_case

    return load_case().account_table(year)


def _n_a_accounts():
    from kamlab.identify import abc_analysis

    result = abc_analysis(_table(2025), value="revenue", thresholds=(0.8, 0.95), rule="cover")
    return int((result["abc"] == "A").sum())


def _gini_2025():
    from kamlab.identify import concentration

    return concentration(_table(2025), value="revenue").gini


def _candidates_db4():
    from kamlab.identify import key_account_candidates

    return len(key_account_candidates(_table(2025), share=0.5, value="db4"))


def _plan_list_50():
    from kamlab.data.case import load_case
    from kamlab.identify import key_accounts

    table = _table(2025).merge(load_case().targets, on="account_id", how="left")
    return int(key_accounts(table, share=0.5, by=("target_revenue",))["key_account"].sum())


def _a_to_c():
    from kamlab.identify import abc_migration

    migration = abc_migration(_table(2024), _table(2025), value="revenue")
    moved = migration[(migration["abc_before"] == "A") & (migration["abc_after"] == "C")]
    return set(moved["account_id"])


q1 = Exercise(
    "Number of A accounts by 2025 revenue (thresholds 80 % and 95 %, rule 'cover')",
    expected=_n_a_accounts,
    hint=(
        'The ABC analysis with its default thresholds and rule (they are the ones asked for); then count the '
        'accounts in class A.'
    ),
    solution=(
        "result = kamlab.abc_analysis(t25, value='revenue', thresholds=(0.8, 0.95), rule='cover')\n"
        "n_a = int((result['abc'] == 'A').sum())"
    ),
)

q2 = Exercise(
    "Gini coefficient of 2025 revenue across the accounts of the 2025 account table (3 decimals)",
    expected=_gini_2025,
    decimals=3,
    hint=(
        'The concentration measures of section 3 come together in one kamlab result; the Gini is one of them.'
    ),
    solution="gini_2025 = kamlab.concentration(t25, value='revenue').gini",
    rtol=1e-3,
)

q3 = Exercise(
    "Number of key-account candidates that together hold 50 % of DB IV (2025)",
    expected=_candidates_db4,
    hint=(
        'The one-measure form of the key-account definition, with DB IV as the value and a share of one half; '
        'count the accounts it lists.'
    ),
    solution="n_candidates_db4 = len(kamlab.key_account_candidates(t25, share=0.5, value='db4'))",
)

q4 = Exercise(
    "Account ids that were A by revenue in 2024 and C in 2025",
    expected=_a_to_c,
    hint=(
        "The ABC migration compares each account's class in two years; keep the accounts that went from A to C."
    ),
    solution=(
        "migration = kamlab.abc_migration(t24, t25, value='revenue')\n"
        "a_to_c = migration.loc[(migration['abc_before'] == 'A') & (migration['abc_after'] == 'C'), "
        "'account_id'].tolist()"
    ),
)

q5 = Exercise(
    "Number of accounts that hold 50 % of the 2026 target revenue (the plan, case.targets)",
    expected=_plan_list_50,
    hint=(
        'The plan is in case.targets: bring it into the account table, then apply the key-account definition to '
        'the target revenue alone, with a share of one half.'
    ),
    solution=(
        "table = t25.merge(case.targets, on='account_id', how='left')\n"
        "n_plan_50 = int(kamlab.key_accounts(table, share=0.5, by=('target_revenue',))['key_account'].sum())"
    ),
)

q6 = Choice(
    ("Concentration or dependency?", "Konzentration oder Abhängigkeit?"),
    question=(
        "The case company's revenue has a Gini coefficient of about 0.7, and no customer holds more than 2 % of it. "
        "How dependent is the company on a single customer?",
        "Der Umsatz der Fallstudie hat einen Gini-Koeffizienten von etwa 0,7, und kein Kunde hält mehr als 2 % davon. "
        "Wie abhängig ist das Unternehmen von einem einzelnen Kunden?",
    ),
    options={
        "a": (
            ("Strongly: a Gini of 0.7 is high.", "Stark: ein Gini von 0,7 ist hoch."),
            ("Not yet: the Gini describes the shape of the whole distribution — many small accounts and a broad top. "
             "It says nothing about how much one customer could take away.",
             "Noch nicht: der Gini beschreibt die Form der ganzen Verteilung — viele kleine Kunden und eine breite "
             "Spitze. Er sagt nichts darüber, wie viel ein einzelner Kunde mitnehmen könnte."),
        ),
        "b": (
            ("Little: losing the biggest customer would cost at most about 2 % of revenue; dependency is read from "
             "the biggest shares (and the HHI), not from the Gini.",
             "Wenig: der Verlust des größten Kunden kostete höchstens etwa 2 % des Umsatzes; Abhängigkeit liest man an "
             "den größten Anteilen (und am HHI) ab, nicht am Gini."),
            ("Right: concentration is not dependency. Revenue is concentrated on a few hundred accounts, but no "
             "single one of them can hurt the company much.",
             "Richtig: Konzentration ist nicht Abhängigkeit. Der Umsatz ist auf einige hundert Kunden konzentriert, "
             "aber keiner von ihnen allein kann dem Unternehmen viel schaden."),
        ),
        "c": (
            ("Strongly: 70 % of the revenue sits with the key accounts.",
             "Stark: 70 % des Umsatzes liegen bei den Schlüsselkunden."),
            ("Not yet: the Gini is not a share of revenue. It runs from 0 (every account buys the same) to "
             "1 (one account buys everything).",
             "Noch nicht: der Gini ist kein Umsatzanteil. Er reicht von 0 (jeder Kunde kauft gleich viel) bis "
             "1 (ein Kunde kauft alles)."),
        ),
    },
    answer="b",
    hint=("Section 3 measures two different things with different numbers: which number answers 'what if our "
          "biggest customer leaves?'",
          "Abschnitt 3 misst zwei verschiedene Dinge mit verschiedenen Zahlen: welche Zahl beantwortet 'was, wenn "
          "unser größter Kunde geht?'"),
)

q7 = Explain(
    ("Actual or target", "Ist oder Ziel"),
    question=(
        "Why does the key-account definition count target (plan) revenue and DB as well as actual figures? And "
        "what must be true of an account that is a key account on the plan only?",
        "Warum zählt die Definition der Schlüsselkunden neben den Ist-Zahlen auch Ziel-Umsatz und Ziel-DB (den "
        "Plan)? Und was muss für einen Kunden gelten, der nur nach dem Plan ein Schlüsselkunde ist?",
    ),
    model_answer=(
        "A key account is chosen for the future: the key-account manager's time should go where the business will "
        "be, and a customer with a planned expansion or a new project needs that attention before its revenue "
        "shows — the actual figures alone only look back. But a target is a promise, not a fact: an account that "
        "is key on the plan only needs an account plan that shows the potential behind the target (its wallet, "
        "the projects, our share of wallet) and how it will be reached, and the next review checks whether it was.",
        "Ein Schlüsselkunde wird für die Zukunft gewählt: die Zeit des Key-Account-Managers soll dorthin gehen, wo das "
        "Geschäft sein wird, und ein Kunde mit geplanter Erweiterung oder einem neuen Projekt braucht diese "
        "Aufmerksamkeit, bevor sein Umsatz sie zeigt — die Ist-Zahlen allein schauen nur zurück. Ein Ziel ist aber ein "
        "Versprechen, keine Tatsache: ein Kunde, der nur nach dem Plan ein Schlüsselkunde ist, braucht einen "
        "Kundenplan, der das Potenzial hinter dem Ziel zeigt (Kundenpotenzial, Projekte, unseren Lieferanteil) und "
        "wie es erreicht wird, und das nächste Review prüft, ob es erreicht wurde."),
    points=[
        ("KAM looks forward: attention before the revenue shows", "KAM schaut nach vorn: Aufmerksamkeit, bevor der "
                                                                  "Umsatz sie zeigt"),
        ("a target is a promise", "ein Ziel ist ein Versprechen"),
        ("an account plan that shows the potential behind it", "ein Kundenplan, der das Potenzial dahinter zeigt"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        "Anzahl der A-Kunden nach Umsatz 2025 (Schwellen 80 % und 95 %, Regel 'cover')",
        'Die ABC-Analyse mit ihren voreingestellten Schwellen und ihrer Regel (es sind die gefragten); dann zähle'
        ' die Kunden der Klasse A.',
    ),
    "q2": (
        'Gini-Koeffizient des Umsatzes 2025 über die Kunden der Kundentabelle 2025 (3 Nachkommastellen)',
        'Die Konzentrationsmaße von Abschnitt 3 kommen zusammen in einem kamlab-Ergebnis; der Gini ist eines '
        'davon.',
    ),
    "q3": (
        'Anzahl der Schlüsselkunden-Kandidaten, die zusammen 50 % des DB IV halten (2025)',
        'Die Form der Schlüsselkunden-Definition mit einer Größe, mit DB IV als Größe und einem Anteil von einer '
        'Hälfte; zähle die Kunden, die sie auflistet.',
    ),
    "q4": (
        'Kundennummern, die 2024 nach Umsatz A und 2025 C waren',
        'Die ABC-Migration vergleicht die Klasse jedes Kunden in zwei Jahren; behalte die Kunden, die von A nach '
        'C gingen.',
    ),
    "q5": (
        'Anzahl der Kunden, die 50 % des Ziel-Umsatzes 2026 halten (der Plan, case.targets)',
        'Der Plan steht in case.targets: bring ihn in die Kundentabelle und wende dann die Schlüsselkunden-'
        'Definition allein auf den Ziel-Umsatz an, mit einem Anteil von einer Hälfte.',
    ),
})

name_exercises(globals())
