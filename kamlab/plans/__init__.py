"""The account plan (*Kundenplan*, *Account-Plan*) and its one-page profile (*Kundensteckbrief*).

``plans`` sits above the capabilities (it reads identify, portfolios, potential, projects and
the data layer) and below ``course``; a report writer imports plans, never the reverse.
:func:`account_plan` builds an :class:`AccountPlan`; its sections are computed in
:mod:`~kamlab.plans.sections`, its HTML in :mod:`~kamlab.plans.html`.
"""

from kamlab.plans.plan import AccountPlan, account_plan

__all__ = ["AccountPlan", "account_plan"]
