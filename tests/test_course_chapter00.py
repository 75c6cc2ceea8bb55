"""Exercises 4 and 5 of notebook 00 (Part 2, KAM fundamentals): right answers pass, typical wrong ones do not.

The answers are counted again here with plain Python sets over the raw rows of ``case.touchpoints``
and ``case.accounts``, not with the pandas ``nunique`` the exercise module uses. (Exercises 1-3 are
tested in ``tests/test_course.py``.)
"""

import pytest

import kamlab
from kamlab.course import chapter00


@pytest.fixture(scope="module")
def people_by_account():
    """Account id -> the set of person ids with a 2025 contact there."""
    touchpoints = kamlab.load_case().touchpoints
    people = {}
    for account, person in zip(touchpoints["account_id"], touchpoints["person_id"]):
        people.setdefault(account, set()).add(person)
    return people


@pytest.fixture(scope="module")
def g001_entities():
    accounts = kamlab.load_case().accounts
    return [account for account, group in zip(accounts["account_id"], accounts["group_id"]) if group == "G001"]


def test_q4_people_at_one_account(people_by_account):
    touchpoints = kamlab.load_case().touchpoints
    people = len(people_by_account["K01540"])
    contacts = int((touchpoints["account_id"] == "K01540").sum())
    assert contacts > people  # the account had repeat contacts, so counting rows is a different answer
    assert chapter00.q4.check(people).correct
    assert not chapter00.q4.check(contacts).correct  # contacts, not people
    assert not chapter00.q4.check(people + 1).correct


def test_q5_people_at_the_whole_group(people_by_account, g001_entities):
    assert len(g001_entities) > 1
    everyone = set().union(*(people_by_account.get(account, set()) for account in g001_entities))
    per_entity = sum(len(people_by_account.get(account, set())) for account in g001_entities)
    assert per_entity > len(everyone)  # some people met several entities
    assert chapter00.q5.check(len(everyone)).correct
    assert not chapter00.q5.check(per_entity).correct  # a person who met two entities counts once
    assert not chapter00.q5.check(len(people_by_account["K01540"])).correct  # the parent alone


def test_q4_q5_are_in_the_exercise_list():
    assert {"q4", "q5"} <= set(chapter00.__all__)
