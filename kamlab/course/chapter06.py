"""Exercises of notebook ``06_follow_up``.

The right answers are computed with kamlab (:func:`~kamlab.win_rates`, :func:`~kamlab.followup_effect`,
:func:`~kamlab.time_to_decision`, :func:`~kamlab.followup_list`, :func:`~kamlab.validate_win_model`) on the
case company's quotes; ``tests/test_course_chapter06.py`` computes them again by hand: Wilson's formula, raw
win rates and the mean of the true win probabilities, a product-limit estimator of its own, a logistic
regression fitted with scipy, and a mean of squared errors.
"""

from functools import cache

from kamlab.course.exercises import Exercise, name_exercises, translate_exercises
from kamlab.course.judgement import Choice

__all__ = ["COVARIATES", "LEVELS", "WILSON_OFFERING", "CENSOR_FROM", "CENSOR_AS_OF", "CENSOR_DAYS", "CUT",
           "quotes_with_logs", "waiting_quote", "q1", "q2", "q3", "q4", "q5", "q6", "q7"]

#: What the CRM recorded when each quote went out (the notebook's ``covariates``).
COVARIATES = ["log_revenue_12m", "log_quote_value", "competitors", "offering", "relationship_at_quote"]
#: The contrast of the graded table: 4 instead of 0 follow-ups.
LEVELS = (0, 4)
#: Exercise 1: the offering with the fewest decided quotes.
WILSON_OFFERING = "Sensors"
#: Exercise 3: the quotes sent from this date to ``CENSOR_AS_OF``, seen on ``CENSOR_AS_OF``.
CENSOR_FROM = "2024-01-01"
CENSOR_AS_OF = "2024-06-30"
#: Exercise 3: the horizon in days.
CENSOR_DAYS = 60
#: Exercise 5 and the notebook's validation: fit on quotes decided before this date, test on the rest.
CUT = "2025-01-01"


def quotes_with_logs(projects):
    """The quotes with ``log_revenue_12m = ln(1 + revenue_12m / 10,000)`` and ``log_quote_value = ln(quote_value)``.

    Revenue and quote values are skewed; on the log scale a logistic model treats a doubling alike at
    every size. Negative revenue (credit notes) counts as 0.
    """
    import numpy as np

    quotes = projects.copy()
    quotes["log_revenue_12m"] = np.log1p(quotes["revenue_12m"].clip(lower=0) / 10_000)
    quotes["log_quote_value"] = np.log(quotes["quote_value"])
    return quotes


@cache
def _quotes():
    from kamlab.data.case import load_case

    return quotes_with_logs(load_case().projects)


def waiting_quote(quotes):
    """Exercise 4's quote: the open quote without any follow-up that was sent first (ties: lowest number)."""
    waiting = quotes[(quotes["outcome"].astype(str) == "open") & (quotes["followups"] == 0)]
    return waiting.sort_values(["quote_date", "project_id"]).iloc[0]


def _wilson_low():
    from kamlab.projects.rates import win_rates

    rates = win_rates(_quotes(), by="offering").set_index("offering")
    return float(rates.loc[WILSON_OFFERING, "win_rate_low"])


def _overstatement():
    from kamlab.data.case import load_case
    from kamlab.projects.effect import followup_effect

    naive = followup_effect(_quotes(), COVARIATES, levels=LEVELS, method="naive").naive
    mu = load_case().quote_truth.groupby("followups_k")["p_win"].mean()
    return float(naive - (mu[LEVELS[1]] - mu[LEVELS[0]]))


def _still_open():
    from kamlab.projects.survival import time_to_decision

    quotes = _quotes()
    sent = quotes[(quotes["quote_date"] >= CENSOR_FROM) & (quotes["quote_date"] <= CENSOR_AS_OF)]
    result = time_to_decision(sent, as_of=CENSOR_AS_OF, horizons=(CENSOR_DAYS,))
    return float(result.summary[f"open_after_{CENSOR_DAYS}"].iloc[0])


def _monday_value():
    from kamlab.data.case import load_case
    from kamlab.projects.effect import followup_effect
    from kamlab.projects.followup import followup_list

    quotes = _quotes()
    effect = followup_effect(quotes, COVARIATES, levels=LEVELS, method="naive")  # the outcome model of every method
    monday = followup_list(quotes, effect, contacts=load_case().contacts).set_index("project_id")
    return float(monday.loc[waiting_quote(quotes)["project_id"], "expected_value"])


def _brier_base():
    from kamlab.projects.winmodel import WinModel, validate_win_model

    return validate_win_model(WinModel(random_state=0), _quotes(), COVARIATES, CUT, random_state=0).brier_base


q1 = Exercise(
    f"Lower end of the 95 % Wilson interval of the win rate of {WILSON_OFFERING} (3 decimals)",
    expected=_wilson_low,
    decimals=3,
    hint=(
        'The win rates by offering (section 2) come with the bounds of their Wilson interval; read the lower '
        'bound of Sensors.'
    ),
    solution=(
        "rates = kamlab.win_rates(quotes, by='offering').set_index('offering')\n"
        "sensors_low = rates.loc['Sensors', 'win_rate_low']   # few quotes: a wide interval"
    ),
    rtol=2e-3,  # answers rounded to three digits count
)

q2 = Exercise(
    "By how much does the raw comparison overstate the true effect of 4 instead of 0 follow-ups? (3 decimals)",
    expected=_overstatement,
    decimals=3,
    hint=(
        'Raw: the win rate of the decided quotes with 4 follow-ups minus that with 0. Truth: the mean true win '
        'probability by number of follow-ups in case.quote_truth, μ(4) − μ(0). Answer raw − truth as a difference'
        ' of probabilities (0.05 = 5 points).'
    ),
    solution=(
        "mu = case.quote_truth.groupby('followups_k')['p_win'].mean()\n"
        "overstatement = effects['naive'].naive - (mu[4] - mu[0])"
    ),
    rtol=1e-3,
)

q3 = Exercise(
    "Share of the quotes of January–June 2024 still undecided 60 days after they were sent (as seen on 30 June 2024; "
    "3 decimals)",
    expected=_still_open,
    decimals=3,
    hint=(
        'The Kaplan–Meier estimate of section 3 on the quotes sent in the first half of 2024, as seen on 30 June '
        '2024, read at a horizon of 60 days.'
    ),
    solution=(
        "first_half = quotes[(quotes['quote_date'] >= '2024-01-01') & (quotes['quote_date'] <= '2024-06-30')]\n"
        "still_open_60 = kamlab.time_to_decision(first_half, as_of='2024-06-30', horizons=(60,))"
        ".summary['open_after_60'].iloc[0]"
    ),
    rtol=1e-3,
)

q4 = Exercise(
    "Expected order value of one more follow-up of the oldest open quote that was never followed up (whole EUR)",
    expected=_monday_value,
    decimals=0,
    hint=(
        'Find the quote as described (open, never followed up, sent first). One more follow-up is worth its quote'
        ' value times the rise of its predicted win probability from its follow-ups so far to one more (section '
        '8).'
    ),
    solution=(
        "row = quotes[(quotes['outcome'] == 'open') & (quotes['followups'] == 0)].sort_values(['quote_date', "
        "'project_id']).head(1)\n"
        "value_of_one_more = float(row['quote_value'].iloc[0] * (effect.predict_win(row, 1) - "
        "effect.predict_win(row, 0))[0])"
    ),
    rtol=1e-2,  # euros rounded, and a logistic fit to the solver's tolerance
)

q5 = Exercise(
    "Brier score of the base-rate forecast on the quotes decided in 2025 (4 decimals)",
    expected=_brier_base,
    decimals=4,
    hint=(
        "The base rate is the win rate of the quotes decided before 2025-01-01; forecast it for every quote "
        "decided from then on, and take the mean of (outcome − forecast)² with outcome 1 for won, 0 for lost."
    ),
    solution=(
        "decided = quotes[quotes['outcome'] != 'open']\n"
        "won = (decided['outcome'] == 'won').astype(float)\n"
        "before = decided['decision_date'] < '2025-01-01'\n"
        "brier_base = ((won[~before] - won[before].mean()) ** 2).mean()   # = validation.brier_base"
    ),
    rtol=1e-4,
)

q6 = Choice(
    ("Four follow-ups for every quote?", "Viermal nachfassen bei jedem Angebot?"),
    question=(
        "In the CRM, quotes with four follow-ups are won far more often than quotes without any. The sales director "
        "concludes: 'From now on, follow up every quote four times.' What is wrong with this conclusion?",
        "Im CRM werden Angebote mit vier Nachfassaktionen weit öfter gewonnen als Angebote ohne. Der Vertriebsleiter "
        "folgert: 'Ab jetzt wird jedes Angebot viermal nachgefasst.' Was ist an diesem Schluss falsch?",
    ),
    options={
        "a": (
            ("Nothing: the win rates show the effect of following up.",
             "Nichts: die Erfolgsquoten zeigen die Wirkung des Nachfassens."),
            ("Not yet: the raw comparison mixes the effect of the calls with the quality of the quotes that get "
             "them.",
             "Noch nicht: der rohe Vergleich vermischt die Wirkung der Anrufe mit der Qualität der Angebote, die sie "
             "bekommen."),
        ),
        "b": (
            ("Managers follow up where they expect to win (good relationships, few competitors): the raw difference "
             "overstates the effect, and the calls pay most where the expected value of one more is high.",
             "Die Manager fassen dort nach, wo sie zu gewinnen erwarten (gute Beziehung, wenige Wettbewerber): der "
             "rohe Unterschied überschätzt die Wirkung, und Anrufe lohnen am meisten, wo der erwartete Wert eines "
             "weiteren hoch ist."),
            ("Right: confounding. Following up does pay, but less than the raw numbers say; adjust with the "
             "covariates recorded at the quote date, and spend the calls by expected value (the Monday list).",
             "Richtig: Confounding. Nachfassen lohnt sich, aber weniger, als die rohen Zahlen sagen; mit den "
             "Kovariaten vom Angebotsdatum bereinigen und die Anrufe nach erwartetem Wert verteilen (die "
             "Montagsliste)."),
        ),
        "c": (
            ("The intervals are so wide that following up has no effect at all.",
             "Die Intervalle sind so breit, dass Nachfassen gar keine Wirkung hat."),
            ("Not yet: the true effect graded in section 5 is clearly above zero. The problem is its size, not its "
             "existence.",
             "Noch nicht: die in Abschnitt 5 bewertete wahre Wirkung liegt klar über null. Das Problem ist ihre "
             "Größe, nicht ihr Dasein."),
        ),
        "d": (
            ("Follow-ups annoy buyers: they lower the win rate.",
             "Nachfassen nervt Einkäufer: es senkt die Erfolgsquote."),
            ("Not yet: in the case company one more follow-up raises the chance to win, on average.",
             "Noch nicht: in der Fallstudie erhöht ein weiteres Nachfassen die Gewinnchance im Mittel."),
        ),
    },
    answer="b",
    hint=("Section 5: who decides how often a quote is followed up, and what else does that decision depend on?",
          "Abschnitt 5: wer entscheidet, wie oft ein Angebot nachgefasst wird, und wovon hängt das noch ab?"),
)

q7 = Choice(
    ("Open quotes and the time to decision", "Offene Angebote und die Zeit bis zur Entscheidung"),
    question=(
        "To report how long customers take to decide, a colleague drops the quotes that are still open and takes "
        "the median of the decided ones. What happens?",
        "Um zu berichten, wie lange Kunden für eine Entscheidung brauchen, lässt ein Kollege die noch offenen "
        "Angebote weg und nimmt den Median der entschiedenen. Was passiert?",
    ),
    options={
        "a": (
            ("Nothing: open quotes have no decision date, so they cannot count.",
             "Nichts: offene Angebote haben kein Entscheidungsdatum, also können sie nicht zählen."),
            ("Not yet: an open quote tells you something — that it has waited at least this long. Dropping it "
             "throws that away.",
             "Noch nicht: ein offenes Angebot sagt etwas — dass es mindestens so lange wartet. Weglassen wirft das "
             "weg."),
        ),
        "b": (
            ("Decisions look faster than they are: the quotes that wait longest are the ones still open. "
             "Kaplan–Meier counts them as censored.",
             "Entscheidungen wirken schneller, als sie sind: die Angebote, die am längsten warten, sind die noch "
             "offenen. Kaplan–Meier zählt sie als zensiert."),
            ("Right: survival data. Keep the open quotes as 'undecided so far' and estimate with Kaplan–Meier.",
             "Richtig: Überlebensdaten. Die offenen Angebote als 'bisher unentschieden' behalten und mit "
             "Kaplan–Meier schätzen."),
        ),
        "c": (
            ("Better: count the open quotes as lost instead.", "Besser: die offenen Angebote stattdessen als verloren "
                                                                "zählen."),
            ("Not yet: that mixes 'not yet' with 'no' — it lowers the win rate and still gets the durations wrong.",
             "Noch nicht: das vermischt 'noch nicht' mit 'nein' — es senkt die Erfolgsquote und trifft die Dauern "
             "trotzdem nicht."),
        ),
    },
    answer="b",
    hint=("Section 3: which quotes are missing from 'the decided ones', and how long had they waited?",
          "Abschnitt 3: welche Angebote fehlen unter 'den entschiedenen', und wie lange hatten sie gewartet?"),
)

translate_exercises(globals(), {  # the German titles and hints
    "q1": (
        f'Untere Grenze des 95-%-Wilson-Intervalls der Erfolgsquote von {WILSON_OFFERING} (3 Nachkommastellen)',
        'Die Erfolgsquoten nach Angebot (Abschnitt 2) kommen mit den Grenzen ihres Wilson-Intervalls; lies die '
        'untere Grenze von Sensors ab.',
    ),
    "q2": (
        'Um wie viel überschätzt der rohe Vergleich die wahre Wirkung von 4 statt 0 Nachfassaktionen? (3 '
        'Nachkommastellen)',
        'Roh: die Erfolgsquote der entschiedenen Angebote mit 4 Nachfassaktionen minus die mit 0. Wahrheit: die '
        'mittlere wahre Gewinnwahrscheinlichkeit nach Zahl der Nachfassaktionen in case.quote_truth, μ(4) − μ(0).'
        ' Antworte roh − Wahrheit als Differenz von Wahrscheinlichkeiten (0,05 = 5 Punkte).',
    ),
    "q3": (
        'Anteil der Angebote von Januar–Juni 2024, die 60 Tage nach dem Versand noch unentschieden sind (Stand '
        '30. Juni 2024; 3 Nachkommastellen)',
        'Die Kaplan–Meier-Schätzung von Abschnitt 3 auf den Angeboten, die im ersten Halbjahr 2024 verschickt '
        'wurden, mit Stand 30. Juni 2024, abgelesen bei 60 Tagen.',
    ),
    "q4": (
        'Erwarteter Auftragswert einer weiteren Nachfassaktion beim ältesten offenen Angebot, das nie nachgefasst'
        ' wurde (ganze EUR)',
        'Finde das beschriebene Angebot (offen, nie nachgefasst, zuerst verschickt). Eine weitere Nachfassaktion '
        'ist seinen Angebotswert mal den Anstieg seiner vorhergesagten Gewinnwahrscheinlichkeit von den '
        'bisherigen Nachfassaktionen zu einer mehr wert (Abschnitt 8).',
    ),
    "q5": (
        'Brier-Score der Basisraten-Prognose auf den 2025 entschiedenen Angeboten (4 Nachkommastellen)',
        'Die Basisrate ist die Erfolgsquote der vor dem 01.01.2025 entschiedenen Angebote; prognostiziere sie für'
        ' jedes ab dann entschiedene Angebot und nimm den Mittelwert von (Ergebnis − Prognose)² mit Ergebnis 1 '
        'für gewonnen, 0 für verloren.',
    ),
})

name_exercises(globals())
