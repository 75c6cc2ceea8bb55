"""The account plan (*Kundenplan*, *Account-Plan*) of one key account or customer group.

:func:`account_plan` computes every figure of the plan with kamlab's analysis functions
(each section records the call in :attr:`AccountPlan.sources`), reads the sections the
key-account manager writes (objectives, strategy, actions) and returns an
:class:`AccountPlan` that shows itself in Jupyter; ``plan.summary()`` is the one-page
*Kundensteckbrief*. Report writers read :meth:`AccountPlan.to_dict`.
"""

from __future__ import annotations

from kamlab.errors import ParameterError
from kamlab.plans.inputs import read_user, template, write_user

__all__ = ["AccountPlan", "account_plan"]

#: The computed sections in the order of the plan, then the user's.
SECTION_ORDER = ("facts", "history", "abc", "portfolio", "wallet", "whitespace", "quotes", "competitors",
                 "relationship", "targets", "key_account")
#: The sections of the one-page profile (Kundensteckbrief).
BRIEF_SECTIONS = ("facts", "history", "abc", "portfolio", "wallet", "targets", "key_account")


class AccountPlan:
    """The account plan of one account or customer group: computed sections and the user's own.

    Made by :func:`account_plan`; not meant to be built by hand.

    Attributes
    ----------
    unit_id : str
        The account id (``K00042``) or group id (``G001``) planned.
    level : {"account", "group"}
    name : str
        The account's or the group's name.
    account_ids : list of str
        The account itself, or the group's entities.
    year : int
        The year of the actual figures (the targets are the plan of the next year).
    sections : dict
        Section name -> :class:`~kamlab.plans.sections.Section` (``values``, ``tables``,
        ``source``, ``available``, ``reason``), in the order of the plan.
    sources : dict
        Section name -> the kamlab call (or table) that produced its figures.
    objectives : list of str
    strategy : str
    actions : list of dict
        Each with ``what``, ``who`` and ``by_when``.
    lang : {"en", "de"} or None
        The language the plan shows itself in; None follows :func:`kamlab.set_language`.
    """

    def __init__(self, *, unit_id, level, name, account_ids, year, sections, user, lang=None):
        self.unit_id, self.level, self.name = unit_id, level, name
        self.account_ids, self.year, self.sections, self.lang = list(account_ids), year, dict(sections), lang
        user = read_user(user)
        self.objectives, self.strategy, self.actions = user["objectives"], user["strategy"], user["actions"]

    @property
    def sources(self):
        """Section name -> the call that produced it (for an unavailable section, why it is missing)."""
        return {name: (s.source if s.available else f"unavailable: {s.reason}") for name, s in self.sections.items()}

    def __getitem__(self, name):
        """The figures of one section: ``plan["abc"]["abc"]`` is the ABC class."""
        if name not in self.sections:
            raise KeyError(f"The plan has no section {name!r}; its sections are {', '.join(self.sections)}.")
        return self.sections[name].values

    def __repr__(self):
        return f"AccountPlan({self.level} {self.unit_id} {self.name!r}, {self.year}, {len(self.sections)} sections)"

    # ------------------------------------------------------------------ the user's sections
    @property
    def user(self):
        """The user's sections as a dict (what :meth:`template` gives, filled in)."""
        return {"objectives": list(self.objectives), "strategy": self.strategy,
                "actions": [dict(a) for a in self.actions]}

    def with_user(self, user):
        """A copy of the plan with other user sections (a dict or a .yaml/.json file)."""
        return AccountPlan(unit_id=self.unit_id, level=self.level, name=self.name, account_ids=self.account_ids,
                           year=self.year, sections=self.sections, user=user, lang=self.lang)

    def save_user(self, path):
        """Write the user's sections to a .yaml/.yml (needs PyYAML) or .json file, to edit and read back."""
        return write_user(self.user, path)

    @staticmethod
    def template(path=None):
        """The empty user sections to fill in: a dict, or written to ``path`` (.yaml/.yml or .json).

        Examples
        --------
        >>> AccountPlan.template()
        {'objectives': [''], 'strategy': '', 'actions': [{'what': '', 'who': '', 'by_when': ''}]}
        """
        empty = template()
        return empty if path is None else write_user(empty, path)

    # ------------------------------------------------------------------ output
    def to_dict(self):
        """Everything in the plan as plain Python (tables as lists of records), for report writers."""
        from kamlab.plans.html import plain

        return {
            "unit_id": self.unit_id, "level": self.level, "name": self.name, "account_ids": list(self.account_ids),
            "year": self.year,
            "sections": {name: {"available": s.available, "reason": s.reason, "source": s.source,
                                "values": plain(s.values),
                                "tables": {key: plain(table.to_dict("records")) for key, table in s.tables.items()}}
                         for name, s in self.sections.items()},
            "sources": self.sources, "user": self.user,
        }

    def to_html(self, brief=False, lang=None):
        """The plan as one self-contained HTML fragment (no JavaScript; every text from data or user escaped).

        Parameters
        ----------
        brief : bool, default=False
            Only the one-page profile (*Kundensteckbrief*): the key figures and the objectives.
        lang : {"en", "de"}, optional
            Overrides the plan's language for this call.
        """
        from kamlab.plans.html import render

        return render(self, brief=brief, lang=lang or self.lang)

    def _repr_html_(self):
        return self.to_html()

    def summary(self, lang=None):
        """The one-page profile (*Kundensteckbrief*): shows itself in Jupyter, ``str()`` is its HTML."""
        return _Brief(self.to_html(brief=True, lang=lang))


class _Brief:
    """The one-page profile of a plan, shown as HTML in Jupyter."""

    def __init__(self, html):
        self.html = html

    def _repr_html_(self):
        return self.html

    def __str__(self):
        return self.html


def account_plan(case_or_tables, account_or_group_id, *, year=None, user=None, lang=None, sections=None,
                 attractiveness=None, position=None, wallet_estimator=None, wallets=None, followup_effect=None):
    """The account plan of one account or customer group, every figure computed by kamlab.

    Parameters
    ----------
    case_or_tables : Case or dict of DataFrame
        The case company (:func:`kamlab.load_case`) or a dict of the same tables: ``accounts``,
        ``transactions`` and ``costs`` are required; ``centres``, ``groups``, ``touchpoints``,
        ``ratings``, ``projects``, ``contacts``, ``targets`` feed their sections, and a section
        whose table is missing is marked unavailable (with the reason in :attr:`AccountPlan.sources`).
        The case's hidden tables (``truth``, ``wallets``, ``quote_truth``) are never read.
    account_or_group_id : str
        An account id (``"K00042"``) or a group id (``"G001"``, a value of
        ``accounts["group_id"]``): a group is planned as one unit, its entities' figures rolled
        up (:func:`kamlab.rollup`) and ranked against the other groups and accounts.
    year : int, optional
        The year of the actual figures; default the latest year of the data.
    user : dict or str or Path, optional
        The sections the user writes (``objectives``, ``strategy``, ``actions``), as a dict or a
        .yaml/.yml (PyYAML) or .json file; :meth:`AccountPlan.template` gives the structure.
    lang : {"en", "de"}, optional
        The plan's language; default follows :func:`kamlab.set_language`.
    sections : sequence of str, optional
        Compute only these sections (default all of :data:`SECTION_ORDER`); the wallet
        estimate takes the longest (about half a second on the case).
    attractiveness, position : ScoringModel, optional
        The portfolio's scorings; default the ones of notebook 04 (ratings 1–10).
    wallet_estimator : WalletEstimator, optional
        Default ``WalletEstimator(0.9, "gbm", random_state=0)`` as in notebook 05, fitted once on
        the other accounts with revenue in the year and predicting the planned ones (out of
        sample, like the cross-fitting of :func:`kamlab.estimate_wallets`, in one fit).
    wallets : DataFrame, optional
        The result of :func:`kamlab.estimate_wallets` to use instead (``account_id``,
        ``revenue``, ``wallet``): the plan then shows the same wallets as that table.
    followup_effect : FollowupEffect, optional
        When given, the open quotes are ranked by :func:`kamlab.followup_list` (win
        probability and the gain of one more follow-up); else listed by value.

    Returns
    -------
    AccountPlan

    Raises
    ------
    ParameterError
        For an unknown ``account_or_group_id``, a year not in the data, a required table
        missing from ``case_or_tables`` or badly formed user sections.

    Examples
    --------
    >>> import kamlab
    >>> case = kamlab.load_case()
    >>> plan = kamlab.account_plan(case, "G001", sections=["facts", "abc", "targets"],
    ...                            user={"objectives": ["Win the Polish plant's drives"]})
    >>> plan.level, plan["abc"]["abc"], plan["facts"]["entities"]
    ('group', 'A', 12)
    >>> plan.sources["abc"].startswith("kamlab.abc_analysis(")
    True
    """
    from kamlab.plans.inputs import check_year, resolve_unit, tables_of
    from kamlab.plans.sections import SECTIONS, Context
    from kamlab.plans.texts import register

    register()
    if lang is not None and str(lang).lower() not in ("en", "de"):
        raise ParameterError(f"lang must be 'en' or 'de', not {lang!r}.")
    chosen = SECTION_ORDER if sections is None else tuple(sections)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise ParameterError(f"sections: unknown section {unknown[0]!r}; the sections are {', '.join(SECTION_ORDER)}.")
    tables = tables_of(case_or_tables)
    year = check_year(tables, year)
    level, unit_id, name, account_ids = resolve_unit(tables, account_or_group_id)
    user = read_user(user)  # errors in the user's file before the long computations
    options = {"attractiveness": attractiveness, "position": position, "wallet_estimator": wallet_estimator, "wallets": wallets,
               "followup_effect": followup_effect}
    ctx = Context(tables, year, level, unit_id, name, account_ids, options)
    computed = {key: SECTIONS[key](ctx) for key in SECTION_ORDER if key in chosen}
    return AccountPlan(unit_id=unit_id, level=level, name=name, account_ids=account_ids, year=year,
                       sections=computed, user=user, lang=None if lang is None else str(lang).lower())
