"""Projects and quotes, and following them up (*Nachfassen*): win rates, time to decision, loss reasons.

Reading: :mod:`~kamlab.projects.io` (:func:`read_projects`: quote lists from CRM exports, German or
English). Describing: :mod:`~kamlab.projects.rates` (win rates by count with Wilson intervals and by
value with a seeded bootstrap, open quotes counted but left out), :mod:`~kamlab.projects.survival`
(time to decision as survival data: Kaplan–Meier curves with open quotes censored, via ``statsmodels``),
:mod:`~kamlab.projects.losses` (loss reasons by group) and :mod:`~kamlab.projects.buying` (quotes and
win rates by buying-centre role and country); :mod:`~kamlab.projects.prepare` checks and groups the
quote table for all of them. Charts in :mod:`~kamlab.projects.plots` (imported on first use).

Examples
--------
>>> import kamlab
>>> case = kamlab.load_case()  # doctest: +SKIP
>>> kamlab.win_rates(case.projects, by="offering")  # doctest: +SKIP
>>> kamlab.time_to_decision(case.projects, by="offering").summary  # doctest: +SKIP
"""

from kamlab.projects.buying import quotes_by_centre
from kamlab.projects.io import OUTCOME_WORDS, OUTCOMES, PROJECT_COLUMNS, read_projects
from kamlab.projects.losses import NO_REASON, loss_reasons
from kamlab.projects.rates import wilson_interval, win_rates
from kamlab.projects.survival import TimeToDecision, decision_durations, time_to_decision

__all__ = [
    "read_projects",
    "OUTCOMES",
    "OUTCOME_WORDS",
    "PROJECT_COLUMNS",
    "win_rates",
    "wilson_interval",
    "time_to_decision",
    "decision_durations",
    "TimeToDecision",
    "loss_reasons",
    "NO_REASON",
    "quotes_by_centre",
]
