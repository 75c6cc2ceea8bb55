"""Tests of the exercise-check helper."""

import numpy as np
import pandas as pd
import pytest

import kamlab
from kamlab.course.exercises import Exercise


def test_numbers_right_within_tolerance_and_wrong_with_direction():
    q = Exercise("Umsatz", expected=200.0, hint="Sum it.")
    assert q.check(200.0).correct and q.check(np.float64(200.01)).correct  # rounded to cents
    high = q.check(250)
    assert not high.correct and "250 is too high." in high.message and "Hint: Sum it." in high.message
    low = q.check(150)
    assert "150 is too low." in low.message
    assert "wrong sign" in q.check(-200).message
    assert "expected a number, got str" in q.check("200").message
    assert "expected a number" in q.check(True).message


def test_blank_answer_is_not_answered_not_wrong():
    result = Exercise("q", expected=1).check(None)
    assert not result.correct and not result.answered and "Not answered yet" in repr(result)


def test_expected_may_be_computed_lazily_once():
    calls = []

    def compute():
        calls.append(1)
        return 42

    q = Exercise("q", expected=compute)
    assert calls == []
    assert q.check(42) and q.check(42)
    assert calls == [1]


def test_text_and_collections():
    assert Exercise("q", expected="Strategic").check(" strategic ").correct
    assert not Exercise("q", expected="Strategic").check("Star").correct
    ordered = Exercise("q", expected=["K1", "K2", "K3"])
    assert ordered.check(["K1", "K2", "K3"]).correct
    assert "not in the right order" in ordered.check(["K2", "K1", "K3"]).message
    assert "1 expected item(s) are missing" in ordered.check(["K1", "K2"]).message
    assert "do not belong here, e.g. 'K9'" in ordered.check(["K1", "K2", "K3", "K9"]).message
    assert ordered.check(pd.Series(["K1", "K2", "K3"])).correct
    assert Exercise("q", expected={"K1", "K2"}).check(["K2", "K1"]).correct
    assert Exercise("q", expected=["K1", "K2"], ignore_order=True).check(["K2", "K1"]).correct


def test_dataframes_say_what_is_wrong():
    expected = pd.DataFrame({"account_id": ["A", "B", "C"], "revenue": [10.0, 20.0, 30.0]})
    q = Exercise("table", expected=expected)
    assert q.check(expected.copy()).correct
    assert q.check(expected.assign(extra=1)).correct  # extra columns are fine
    assert "column(s) missing: 'revenue'" in q.check(expected[["account_id"]]).message
    assert "2 rows, expected 3" in q.check(expected.head(2)).message
    changed = expected.copy()
    changed.loc[1, "revenue"] = 21.0
    assert "values in column 'revenue' differ (first at row 1)" in q.check(changed).message
    assert "expected a pandas DataFrame, got list" in q.check([1, 2]).message
    shuffled = expected.iloc[[2, 0, 1]]
    assert q.check(shuffled).correct  # same rows by index, other order
    assert not q.check(shuffled.reset_index(drop=True)).correct
    assert Exercise("t", expected=expected, ignore_order=True).check(shuffled.reset_index(drop=True)).correct


def test_series_answers():
    expected = pd.Series([1.0, 2.0], index=["A", "B"])
    q = Exercise("s", expected=expected)
    assert q.check(expected * 1.0).correct
    assert not q.check(expected * 2).correct
    assert "pandas Series" in q.check(3).message


def test_german_messages(capsys):
    q = Exercise("Umsatz", expected=100, hint="Summe bilden.")
    with kamlab.language("de"):
        assert "Richtig" in q.check(100).message
        message = q.check(50).message
        assert "50 ist zu niedrig." in message and "Tipp: Summe bilden." in message


def test_hint_and_solution_print(capsys):
    q = Exercise("q", expected=3, hint="Count them.", solution="len(accounts)")
    q.hint()
    q.solution()
    assert capsys.readouterr().out == "Count them.\nlen(accounts)\n"


def test_unknown_expected_type_is_a_clear_error():
    with pytest.raises(kamlab.ParameterError, match="cannot compare"):
        Exercise("q", expected=object()).check(1)


def test_wrong_numbers_never_say_how_far_off():
    """A distance ("by 3 %") lets a student halve the way to the answer: only the direction is said."""
    q = Exercise("share", expected=0.5532, decimals=3)
    for answer in (0.6, 0.56, 0.554, 0.5, 0.552, 0.1):
        message = q.check(answer).message
        assert not q.check(answer).correct
        assert "%" not in message and " by " not in message
        numbers_in_message = {word.strip(".,()") for word in message.split()}
        assert numbers_in_message & {f"{answer:g}"}  # the student's own answer is repeated
        assert not numbers_in_message & {"0.5532", "0.553", "0.0468", "4.68"}  # never the answer or the gap
    assert "too high" in q.check(0.554).message and "too low" in q.check(0.552).message


def test_decimals_accept_what_the_course_displays():
    share = Exercise("top 10 %", expected=0.55321, decimals=3)
    assert share.check(0.553).correct  # read as 55.3 % off the slider
    assert not share.check(0.55).correct and not share.check(0.554).correct
    assert "(expected precision: 3 decimals)" in share.check(0.55).message
    # the rounding edge: 0.5535 shows as 55.4 % (or 55.3 %), both readings count
    edge = Exercise("edge", expected=0.5535, decimals=3)
    assert edge.check(0.553).correct and edge.check(0.554).correct and not edge.check(0.552).correct
    euros = Exercise("EUR", expected=150_000.4, decimals=0, rtol=0)
    assert euros.check(150_000).correct and not euros.check(149_999).correct
    assert "(expected precision: a whole number)" in euros.check(149_000).message
    without = Exercise("strict", expected=0.55321)  # no decimals: the relative tolerance alone
    assert not without.check(0.553).correct
    with pytest.raises(kamlab.ParameterError, match="decimals"):
        Exercise("q", expected=1.0, decimals=-1)
    with kamlab.language("de"):
        assert "(erwartete Genauigkeit: 3 Nachkommastellen)" in share.check(0.5).message


def test_a_percentage_for_a_fraction_is_named_as_such():
    q = Exercise("share", expected=0.45, decimals=2)
    message = q.check(45).message
    assert not q.check(45).correct and "looks like a percentage — give a fraction" in message
    assert "looks like a percentage" in Exercise("gini", expected=0.4512).check(45).message  # 45 % read roughly
    assert "looks like a percentage" not in q.check(0.9).message  # a wrong fraction is just too high
    assert "looks like a percentage" not in q.check(80).message  # far from 45 %: not a percentage slip
    assert "looks like a percentage" not in Exercise("count", expected=45).check(4500).message  # not a share
    with kamlab.language("de"):
        assert "sieht nach einer Prozentzahl aus" in q.check(45).message


def test_non_finite_numbers_are_not_accepted():
    q = Exercise("q", expected=0.5, decimals=3)
    assert not q.check(float("nan")).correct and "expected a number" in q.check(float("inf")).message


def test_student_edition_withholds_the_solution(capsys, monkeypatch):
    from kamlab.course.exercises import is_student_edition, name_exercises, student_edition

    q1 = Exercise("Number of A accounts", expected=218, hint="Count the A rows.", solution="n_a = SECRET_CODE")
    name_exercises({"q1": q1})
    monkeypatch.delenv("KAMLAB_EDITION", raising=False)
    try:
        student_edition()
        assert is_student_edition()
        q1.solution()
        out = capsys.readouterr().out
        assert "SECRET_CODE" not in out and "218" not in out
        assert "solution of 'Number of A accounts' is with your trainer" in out and "ex.q1.hint()" in out
        assert q1.check(218).correct  # checks and hints work as before
        q1.hint()
        assert capsys.readouterr().out == "Count the A rows.\n"
        with kamlab.language("de"):
            q1.solution()
            assert "hat deine Trainerin oder dein Trainer" in capsys.readouterr().out
        student_edition(False)
        q1.solution()
        assert capsys.readouterr().out == "n_a = SECRET_CODE\n"
        student_edition(None)  # back to the environment variable
        monkeypatch.setenv("KAMLAB_EDITION", "student")
        assert is_student_edition()
        q1.solution()
        assert "SECRET_CODE" not in capsys.readouterr().out
        monkeypatch.setenv("KAMLAB_EDITION", "trainer")
        assert not is_student_edition()
        with pytest.raises(kamlab.ParameterError, match="True, False or None"):
            student_edition("yes")
    finally:
        student_edition(None)


def test_wrong_kind_feedback_is_all_german():
    # issue 17: "erwartet wird a list of items, nicht int"
    import kamlab
    from kamlab.course.exercises import Exercise

    with kamlab.language("de"):
        message = str(Exercise("Liste", ["a", "b"]).check(3))
    assert "erwartet wird eine Liste von Einträgen, nicht int" in message
    assert "expected a list of items, got int" in str(Exercise("List", ["a", "b"]).check(3))
