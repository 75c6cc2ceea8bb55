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
    assert not high.correct and "too high (by 25 %)" in high.message and "Hint: Sum it." in high.message
    low = q.check(150)
    assert "too low (by 25 %)" in low.message
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
        assert "zu niedrig (um 50 %)" in message and "Tipp: Summe bilden." in message


def test_hint_and_solution_print(capsys):
    q = Exercise("q", expected=3, hint="Count them.", solution="len(accounts)")
    q.hint()
    q.solution()
    assert capsys.readouterr().out == "Count them.\nlen(accounts)\n"


def test_unknown_expected_type_is_a_clear_error():
    with pytest.raises(kamlab.ParameterError, match="cannot compare"):
        Exercise("q", expected=object()).check(1)
