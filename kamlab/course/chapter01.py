"""Exercises of notebook ``01_data``.

The right answers are computed with kamlab from the case company, the example exports
in ``datasets/examples`` and the Online Retail data; ``tests/test_course_chapter01.py``
computes them again in another way.
"""

import warnings
from functools import cache
from pathlib import Path

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice, Explain

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "EXAMPLES"]

#: The folder of the course's example exports (written by ``tools/make_example_exports.py``).
EXAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "examples"
CLEAN_EXPORT = "umsatzliste_nord_2025q4.csv"
FAULTY_EXPORT = "umsatzliste_nord_2025q4_fehler.csv"


def _credit_note_lines():
    from kamlab.data.case import load_case

    return int(load_case().transactions["is_credit_note"].sum())


def _export_total():
    from kamlab.data.readers import read_transactions

    return float(read_transactions(EXAMPLES / CLEAN_EXPORT)["revenue"].sum())


def _rows_set_aside():
    from kamlab.data.readers import RowsSetAsideWarning, read_transactions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsSetAsideWarning)
        _, report = read_transactions(EXAMPLES / FAULTY_EXPORT, errors="drop", report=True)
    return report.rows_set_aside


@cache
def _retail_customers():
    from kamlab.data.accounts import UNKNOWN_ACCOUNT, accounts_from_transactions
    from kamlab.data.datasets import fetch_online_retail

    table = accounts_from_transactions(fetch_online_retail(), missing_account="group")
    return table[table["account_id"] != UNKNOWN_ACCOUNT]


def _retail_active_last_12m():
    return int((_retail_customers()["recency_days"] < 365).sum())


q1 = Exercise(
    "How many invoice lines of the case company are credit-note lines?",
    expected=_credit_note_lines,
    hint=(
        'One column of case.transactions marks the credit-note lines; a True/False column can be counted. Count '
        'lines, not credit-note documents.'
    ),
    solution='n_credit_note_lines = int(case.transactions["is_credit_note"].sum())',
)

q2 = Exercise(
    "Revenue total of the ERP export umsatzliste_nord_2025q4.csv (EUR, 2 decimals)",
    expected=_export_total,
    decimals=2,
    hint=(
        "Load the file the way section 2 does and total its revenue — the load's report shows a total you can "
        'compare with.'
    ),
    solution='export_total = kamlab.read_transactions(CLEAN)["revenue"].sum()',
)

q3 = Exercise(
    "How many rows of umsatzliste_nord_2025q4_fehler.csv are set aside with errors='drop'?",
    expected=_rows_set_aside,
    hint=(
        'Load the faulty file so that unreadable rows are set aside, and ask for the report (section 2): it '
        'counts rows, not problems (one row can have two problems).'
    ),
    solution=(
        'faulty_lines, faulty_report = kamlab.read_transactions(FAULTY, errors="drop", report=True)\n'
        "n_set_aside = faulty_report.rows_set_aside"
    ),
)

q4 = Exercise(
    "How many Online Retail customers ordered in the last 12 months of the data?",
    expected=_retail_active_last_12m,
    hint=(
        "In the account table, 'recency_days' is the number of days from an account's last order to the "
        "data's last day: below 365 means an order in the last 12 months. Leave out the row "
        "'(no account)': it is not a customer."
    ),
    solution=(
        'customers = retail_accounts[retail_accounts["account_id"] != "(no account)"]\n'
        'n_active = int((customers["recency_days"] < 365).sum())'
    ),
)

q5 = Choice(
    ("Reconciling a faulty export", "Einen fehlerhaften Export abstimmen"),
    question=(
        "You load the faulty export with errors='drop'. Its total is below the revenue the finance report shows for "
        "the same quarter and region. What do you do before you use the data?",
        "Du lädst den fehlerhaften Export mit errors='drop'. Seine Summe liegt unter dem Umsatz, den der "
        "Finanzbericht für dasselbe Quartal und Gebiet zeigt. Was tust du, bevor du die Daten verwendest?",
    ),
    options={
        "a": (
            ("Use it: a small difference does not change which accounts are big.",
             "Verwenden: eine kleine Differenz ändert nicht, welche Kunden groß sind."),
            ("Not yet: the rows set aside are real sales of real customers. Whether they matter you only know after "
             "looking at them — and a report built on the data must agree with finance or say why not.",
             "Noch nicht: die beiseitegelegten Zeilen sind echte Verkäufe echter Kunden. Ob sie zählen, weißt du erst, "
             "wenn du sie angesehen hast — und ein Bericht auf diesen Daten muss zum Finanzbericht passen oder sagen, "
             "warum nicht."),
        ),
        "b": (
            ("Read report.problems, fix the rows at the source (or the load's options), load again and reconcile the "
             "total with the finance report.",
             "report.problems lesen, die Zeilen an der Quelle (oder die Ladeoptionen) korrigieren, neu laden und die "
             "Summe mit dem Finanzbericht abgleichen."),
            ("Right: the report says which rows, columns and values could not be read. Fix them, load again, and "
             "reconcile the total (Summenabgleich) — then the difference is explained, not guessed.",
             "Richtig: der Bericht sagt, welche Zeilen, Spalten und Werte nicht lesbar waren. Korrigieren, neu laden "
             "und die Summe abgleichen (Summenabgleich) — dann ist die Differenz erklärt, nicht geraten."),
        ),
        "c": (
            ("Scale every account's revenue up so that the total matches finance.",
             "Den Umsatz jedes Kunden hochrechnen, bis die Summe zum Finanzbericht passt."),
            ("Not yet: the missing rows belong to a few accounts, not to all. Scaling spreads their revenue over "
             "every customer and hides the error.",
             "Noch nicht: die fehlenden Zeilen gehören zu wenigen Kunden, nicht zu allen. Hochrechnen verteilt ihren "
             "Umsatz auf jeden Kunden und versteckt den Fehler."),
        ),
        "d": (
            ("Delete the unreadable rows from the file so that the load runs without warnings.",
             "Die unlesbaren Zeilen aus der Datei löschen, damit das Laden ohne Warnung läuft."),
            ("Not yet: that is a silent drop by hand — the warning goes, the missing revenue stays.",
             "Noch nicht: das ist ein stilles Weglassen von Hand — die Warnung verschwindet, der fehlende Umsatz "
             "bleibt."),
        ),
    },
    answer="b",
    hint=("Section 2: what does the course say rows set aside are, and what number do you check a load against?",
          "Abschnitt 2: Was sind beiseitegelegte Zeilen laut Kurs, und gegen welche Zahl prüfst du ein Laden?"),
)

q6 = Explain(
    ("Lines without a customer", "Positionen ohne Kunden"),
    question=(
        "A quarter of the Online Retail lines has no customer id. How do you treat these lines in an account "
        "analysis, and what must your report say about them?",
        "Ein Viertel der Online-Retail-Zeilen hat keine Kundennummer. Wie behandelst du diese Zeilen in einer "
        "Kundenanalyse, und was muss dein Bericht über sie sagen?",
    ),
    model_answer=(
        "Keep them, as one pseudo-account (missing_account='group'), so that the account table's totals still agree "
        "with the lines; but leave that row out when you count, rank or classify customers — it is not a customer. "
        "The report says that the analysis describes the customers with an id, and what share of the revenue it "
        "leaves out. And it asks where the lines come from (cash or guest sales, a missing field in the export): "
        "missing customers are a business fact to follow up, not a nuisance to delete.",
        "Behalten, als einen Pseudo-Kunden (missing_account='group'), damit die Summen der Kundentabelle weiter zu "
        "den Zeilen passen; diese Zeile aber weglassen, wenn du Kunden zählst, rangierst oder einteilst — sie ist "
        "kein Kunde. Der Bericht sagt, dass die Analyse die Kunden mit Nummer beschreibt und welchen Anteil am Umsatz "
        "sie auslässt. Und er fragt, woher die Zeilen kommen (Bar- oder Gastkäufe, ein fehlendes Feld im Export): "
        "fehlende Kunden sind eine geschäftliche Tatsache, der man nachgeht, kein Ärgernis zum Löschen."),
    points=[
        ("the totals still agree (one pseudo-account)", "die Summen stimmen weiter (ein Pseudo-Kunde)"),
        ("not counted or ranked as a customer", "nicht als Kunde gezählt oder rangiert"),
        ("the report states the share of revenue left out", "der Bericht nennt den ausgelassenen Umsatzanteil"),
        ("ask where the lines come from", "fragen, woher die Zeilen kommen"),
    ],
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        'Wie viele Rechnungspositionen der Fallstudie sind Gutschriftspositionen?',
        'Eine Spalte von case.transactions kennzeichnet die Gutschriftspositionen; eine Wahr/Falsch-Spalte lässt '
        'sich zählen. Zähle Positionen, nicht Gutschriftsbelege.',
    ),
    "q2": (
        'Umsatzsumme des ERP-Exports umsatzliste_nord_2025q4.csv (EUR, 2 Nachkommastellen)',
        'Lade die Datei wie in Abschnitt 2 und summiere ihren Umsatz — der Ladebericht zeigt eine Summe zum '
        'Vergleich.',
    ),
    "q3": (
        "Wie viele Zeilen von umsatzliste_nord_2025q4_fehler.csv werden mit errors='drop' beiseitegelegt?",
        'Lade die fehlerhafte Datei so, dass unlesbare Zeilen beiseitegelegt werden, und lass dir den Bericht '
        'geben (Abschnitt 2): er zählt Zeilen, nicht Probleme (eine Zeile kann zwei Probleme haben).',
    ),
    "q4": (
        'Wie viele Online-Retail-Kunden haben in den letzten 12 Monaten der Daten bestellt?',
        "In der Kundentabelle zählt 'recency_days' die Tage von der letzten Bestellung eines Kunden bis zum "
        "letzten Tag der Daten: unter 365 heißt eine Bestellung in den letzten 12 Monaten. Lass die Zeile '(no "
        "account)' weg: sie ist kein Kunde.",
    ),
})

name_exercises(globals())
