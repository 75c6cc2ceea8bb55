"""Exercises of notebook ``07_account_plan`` (the capstone).

The right answers are computed with kamlab (:func:`~kamlab.rollup`, :func:`~kamlab.key_accounts`,
:func:`~kamlab.account_plan`) on the case company's account table of 2025 with the 2026 plan;
``tests/test_course_chapter07.py`` computes them again from the invoice lines, the plan and the
accounts table with plain pandas and Python loops.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["MEASURES", "SHARE", "unit_table", "q1", "q2", "q3", "q4", "q5", "q6", "q7"]

#: The four measures of the key-account definition: actual and target revenue and DB I.
MEASURES = ("revenue", "contribution_margin", "target_revenue", "target_contribution_margin")
#: The share of each measure the key-account lists cover.
SHARE = 0.6


@cache
def _case():
    from kamlab.data.case import load_case

    return load_case()


def unit_table(case=None):
    """The notebook's tables: accounts of 2025 with the 2026 plan, and the same rolled up to groups.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The account table of 2025 with ``target_revenue`` and ``target_contribution_margin``, and
        :func:`kamlab.rollup` of it to customer groups (accounts outside a group stay on their own).
    """
    from kamlab.data.rollup import rollup

    case = _case() if case is None else case
    plan = case.targets[["account_id", "target_revenue", "target_contribution_margin"]]
    table = case.account_table(2025).merge(plan, on="account_id", how="left")
    groups = case.accounts[["account_id", "group_id"]].merge(
        case.groups[["group_id", "group_name", "parent_account_id"]], on="group_id", how="left"
    )
    units = rollup(table.drop(columns=["active_months", "n_offerings"]), groups, as_of="2025-12-31")
    return table, units


def _key_units():
    from kamlab.identify import key_accounts

    _, units = unit_table()
    return key_accounts(units, share=SHARE, by=MEASURES, id_col="group_id")


def _n_key_units():
    return int(_key_units()["key_account"].sum())


def _g001_revenue():
    _, units = unit_table()
    return float(units.loc[units["group_id"] == "G001", "revenue"].iloc[0])


def _groups_key_only_as_group():
    from kamlab.identify import key_accounts

    table, _ = unit_table()
    on_list = set(key_accounts(table, share=SHARE, by=MEASURES).query("key_account")["account_id"])
    keys = _key_units()
    accounts = _case().accounts
    out = set()
    for group in keys.loc[keys["key_account"] & ~keys["standalone"], "group_id"]:
        if not on_list & set(accounts.loc[accounts["group_id"] == group, "account_id"]):
            out.add(group)
    return out


def _key_units_without_kam():
    keys = _key_units()
    roles = _case().staff.set_index("name")["role"].astype(str)
    served_by = keys["account_manager"].map(roles)
    return int((keys["key_account"] & (served_by == "territory_sales")).sum())


q1 = Exercise(
    "Number of key units (groups and accounts outside a group) on any of the four 60 % lists",
    expected=_n_key_units,
    hint=(
        'Apply the key-account definition to the rolled-up units (their id is the group), with the four measures '
        'and the share of the notebook; count the key units.'
    ),
    solution=(
        "keys = kamlab.key_accounts(units, share=0.6, by=ex.MEASURES, id_col='group_id')\n"
        "n_key_units = int(keys['key_account'].sum())"
    ),
)

q2 = Exercise(
    "Revenue 2025 of the Möller group (G001), all its entities together, in EUR (2 decimals)",
    expected=_g001_revenue,
    decimals=2,
    hint="Take the row of G001 in the rolled-up table, or add up the 2025 revenue of the accounts whose group_id is G001.",
    solution="g001_revenue = units.loc[units['group_id'] == 'G001', 'revenue'].iloc[0]",
    rtol=1e-6,
)

q3 = Exercise(
    "Group ids that are key units although none of their entities is on a key-account list of its own",
    expected=_groups_key_only_as_group,
    hint=(
        'Compare the key groups with the key-account lists of the entities: keep the key groups none of whose '
        'entities (case.accounts, by group) is a key account on its own.'
    ),
    solution=(
        "on_list = set(kamlab.key_accounts(t25_plan, share=0.6, by=ex.MEASURES).query('key_account')['account_id'])\n"
        "members = case.accounts.dropna(subset=['group_id']).groupby('group_id')['account_id'].agg(set)\n"
        "key_groups = keys.loc[keys['key_account'] & ~keys['standalone'], 'group_id']\n"
        "only_as_group = [g for g in key_groups if not members[g] & on_list]"
    ),
)

q4 = Exercise(
    "Number of key units whose account manager is a territory sales manager (no key-account manager yet)",
    expected=_key_units_without_kam,
    hint=(
        "Map each key unit's account_manager to its role in case.staff and count the key units whose role is "
        "'territory_sales'."
    ),
    solution=(
        "roles = case.staff.set_index('name')['role'].astype(str)\n"
        "n_without_kam = int((keys['key_account'] & (keys['account_manager'].map(roles) == 'territory_sales')).sum())"
    ),
)

q5 = Choice(
    ("A group's margin rate", 'Die Marge eines Konzerns'),
    question=(
        "A group has three entities with DB I rates of 40 %, 30 % and 20 %; the biggest entity has the 20 %. How do "
        "you get the group's DB I rate after the roll-up?",
        "Ein Konzern hat drei Gesellschaften mit DB-I-Quoten von 40 %, 30 % und 20 %; die größte hat die 20 %. Wie "
        "bekommst du die DB-I-Quote des Konzerns nach der Verdichtung?",
    ),
    options={
        "a": (
            ("The mean of the three rates: 30 %.", "Der Mittelwert der drei Quoten: 30 %."),
            ("Not yet: the mean gives the smallest entity the same weight as the biggest; here it overstates the "
             "group's rate.",
             "Noch nicht: der Mittelwert gibt der kleinsten Gesellschaft dasselbe Gewicht wie der größten; hier "
             "überschätzt er die Quote des Konzerns."),
        ),
        "b": (
            ("The sum of the entities' DB I divided by the sum of their revenue.",
             "Die Summe des DB I der Gesellschaften geteilt durch die Summe ihres Umsatzes."),
            ("Right: roll up the amounts, then recompute every ratio from the sums — ratios are never added or "
             "averaged (kamlab.rollup does so).",
             "Richtig: die Beträge verdichten, dann jede Quote aus den Summen neu berechnen — Quoten werden nie "
             "addiert oder gemittelt (kamlab.rollup macht es so)."),
        ),
        "c": (
            ("The sum of the three rates: 90 %.", "Die Summe der drei Quoten: 90 %."),
            ("Not yet: a rate is a share of revenue; adding shares of different revenues has no meaning.",
             "Noch nicht: eine Quote ist ein Anteil am Umsatz; Anteile verschiedener Umsätze zu addieren, ergibt "
             "keinen Sinn."),
        ),
        "d": (
            ("The rate of the parent company.", "Die Quote der Muttergesellschaft."),
            ("Not yet: the parent is one entity among three; the group's rate must cover all of them.",
             "Noch nicht: die Muttergesellschaft ist eine von drei Gesellschaften; die Quote des Konzerns muss alle "
             "umfassen."),
        ),
    },
    answer="b",
    hint=("Section 1: which columns does a roll-up add up, and which does it compute again?",
          "Abschnitt 1: welche Spalten addiert eine Verdichtung, und welche berechnet sie neu?"),
)

q6 = Choice(
    ("A measurable objective", "Ein messbares Ziel"),
    question=(
        "Which of these is an objective for the account plan of a key group, in the sense of the capstone "
        "(measurable, with a date)?",
        "Welches davon ist ein Ziel für den Kundenplan eines Schlüsselkunden-Konzerns im Sinne der Abschlussaufgabe "
        "(messbar, mit Termin)?",
    ),
    options={
        "a": (
            ("Deepen the relationship with the group.", "Die Beziehung zum Konzern vertiefen."),
            ("Not yet: a direction, not an objective — nobody can say at the next review whether it was reached.",
             "Noch nicht: eine Richtung, kein Ziel — niemand kann beim nächsten Review sagen, ob es erreicht wurde."),
        ),
        "b": (
            ("Visit the group's global purchasing every quarter.",
             "Den Zentraleinkauf des Konzerns jedes Quartal besuchen."),
            ("Not yet: that is an action (who does what, when). Actions serve an objective; they are not one.",
             "Noch nicht: das ist eine Maßnahme (wer macht was, wann). Maßnahmen dienen einem Ziel; sie sind keines."),
        ),
        "c": (
            ("Raise the group's revenue to its 2026 target and its DB I rate by two points by 31 December 2026.",
             "Den Umsatz des Konzerns bis 31. Dezember 2026 auf seinen Ziel-Umsatz 2026 und seine DB-I-Quote um "
             "zwei Punkte steigern."),
            ("Right: measurable (revenue, DB I rate), tied to the plan and dated — the review can check it.",
             "Richtig: messbar (Umsatz, DB-I-Quote), an den Plan gebunden und terminiert — das Review kann es "
             "prüfen."),
        ),
        "d": (
            ("Become the group's preferred supplier.", "Bevorzugter Lieferant des Konzerns werden."),
            ("Not yet: a good strategy, but without a measure and a date; say how you will know (for example a share "
             "of wallet) and by when.",
             "Noch nicht: eine gute Strategie, aber ohne Maß und Termin; sage, woran du es erkennst (etwa am "
             "Lieferanteil) und bis wann."),
        ),
    },
    answer="c",
    hint=("Step 3 of the capstone names the three parts of a plan; which option could an auditor tick as done or "
          "not done on a given day?",
          "Schritt 3 der Abschlussaufgabe nennt die drei Teile eines Plans; welche Möglichkeit könnte ein Prüfer an "
          "einem bestimmten Tag als erreicht oder nicht erreicht abhaken?"),
)

q7 = Explain(
    ("A key unit without a key-account manager", "Eine Schlüsseleinheit ohne Key-Account-Manager"),
    question=(
        "Exercise 4 found key units whose account manager is a territory sales manager. What do you decide for such "
        "a unit, and where do you write it down?",
        "Aufgabe 4 fand Schlüsseleinheiten, deren Betreuer ein Gebietsverkaufsleiter ist. Was entscheidest du für eine "
        "solche Einheit, und wo schreibst du es auf?",
    ),
    model_answer=(
        "Either it gets a key-account manager (or, for a group across countries, the global account manager) — "
        "which needs capacity: a key-account manager serves 5 to 15 key accounts, not a territory, so another account "
        "may leave the list — or it stays with territory sales on purpose, with a reason (for example a key unit on the "
        "plan only, still to be proven) and someone who coordinates its contacts. Either way it is a decision, "
        "written into the key-account list and the unit's account plan with who and by when, and checked at the "
        "next review — not an accident to overlook.",
        "Entweder bekommt sie einen Key-Account-Manager (bei einem Konzern über Ländergrenzen den "
        "Global-Account-Manager) — das braucht Kapazität: ein Key-Account-Manager betreut 5 bis 15 "
        "Schlüsselkunden, kein Gebiet, also fällt vielleicht ein anderer Kunde von der Liste — oder sie bleibt bewusst beim "
        "Gebietsverkauf, mit Begründung (etwa eine Schlüsseleinheit nur nach dem Plan, die sich noch beweisen muss) "
        "und jemandem, der ihre Kontakte koordiniert. So oder so ist es eine Entscheidung, festgehalten in der "
        "Schlüsselkundenliste und im Kundenplan der Einheit mit wer und bis wann, und beim nächsten Review geprüft — "
        "kein Versehen, das man übersieht."),
    points=[
        ("assign a key-account manager — or keep it with territory sales on purpose, with a reason",
         "einen Key-Account-Manager zuordnen — oder bewusst beim Gebietsverkauf lassen, mit Begründung"),
        ("capacity: the list must fit the KAM team", "Kapazität: die Liste muss zum KAM-Team passen"),
        ("written down in the list and the account plan, checked at the review",
         "festgehalten in Liste und Kundenplan, im Review geprüft"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        'Anzahl der Schlüsseleinheiten (Konzerne und Kunden ohne Konzern) auf mindestens einer der vier '
        '60-%-Listen',
        'Wende die Schlüsselkunden-Definition auf die verdichteten Einheiten an (ihre Nummer ist der Konzern), '
        'mit den vier Größen und dem Anteil des Notebooks; zähle die Schlüsseleinheiten.',
    ),
    "q2": (
        'Umsatz 2025 der Möller-Gruppe (G001), alle Gesellschaften zusammen, in EUR (2 Nachkommastellen)',
        'Nimm die Zeile von G001 in der verdichteten Tabelle oder addiere den Umsatz 2025 der Kunden, deren '
        'group_id G001 ist.',
    ),
    "q3": (
        'Konzernnummern, die Schlüsseleinheiten sind, obwohl keine ihrer Gesellschaften allein auf einer '
        'Schlüsselkundenliste steht',
        'Vergleiche die Schlüsselkonzerne mit den Schlüsselkundenlisten der Gesellschaften: behalte die Konzerne,'
        ' von deren Gesellschaften (case.accounts, nach Konzern) keine allein ein Schlüsselkunde ist.',
    ),
    "q4": (
        'Anzahl der Schlüsseleinheiten, deren Betreuer ein Gebietsverkaufsleiter ist (noch kein Key-Account-'
        'Manager)',
        'Ordne dem account_manager jeder Schlüsseleinheit seine Rolle in case.staff zu und zähle die '
        "Schlüsseleinheiten mit der Rolle 'territory_sales'.",
    ),
})

name_exercises(globals())
