"""Tests of the judgement exercises (kamlab.course.judgement): feedback per option, model answers after one's own."""

import pytest

import kamlab
from kamlab.course.exercises import student_edition
from kamlab.course.judgement import Choice, Explain


@pytest.fixture
def choice():
    return Choice(
        "Reading a Gini",
        question=("What does a Gini of 0.72 say?", "Was sagt ein Gini von 0,72?"),
        options={
            "a": (("Revenue is concentrated", "Der Umsatz ist konzentriert"),
                  ("Right: far from 0, equal revenue.", "Richtig: weit weg von 0, gleichem Umsatz.")),
            "b": (("72 % of revenue is with key accounts", "72 % des Umsatzes liegen bei Schlüsselkunden"),
                  ("No: the Gini is not a share of revenue.", "Nein: der Gini ist kein Umsatzanteil.")),
            "c": (("One customer dominates", "Ein Kunde dominiert"),
                  ("No: look at the biggest share instead.", "Nein: dafür zählt der größte Anteil.")),
        },
        answer="a",
        hint=("Where does the Gini go from and to?", "Von wo bis wo reicht der Gini?"),
    )


def test_choice_right_option_and_each_wrong_one_with_its_own_feedback(choice):
    right = choice.check("a")
    assert right.correct and right.message == "✔ Correct (Reading a Gini): Right: far from 0, equal revenue."
    b, c = choice.check("b"), choice.check("c")
    assert not b.correct and "the Gini is not a share of revenue" in b.message and "look at the biggest" not in b.message
    assert not c.correct and "look at the biggest share" in c.message
    assert "Hint: Where does the Gini go from and to?" in b.message
    assert choice.check(" A) ").correct  # case and a trailing bracket as typed from the list


def test_choice_blank_and_unknown_answers(choice):
    blank = choice.check(None)
    assert not blank.correct and not blank.answered and "(a, b, c)" in blank.message
    assert not choice.check(...).answered
    for answer in ("d", "ab", 1, ["a"]):
        result = choice.check(answer)
        assert not result.correct and result.answered and "is not one of the options" in result.message


def test_choice_follows_the_language(choice, capsys):
    with kamlab.language("de"):
        assert choice.check("a").message == "✔ Richtig (Reading a Gini): Richtig: weit weg von 0, gleichem Umsatz."
        assert "Tipp: Von wo bis wo" in choice.check("c").message
        choice.show()
    out = capsys.readouterr().out
    assert out.startswith("Was sagt ein Gini von 0,72?") and "  b) 72 % des Umsatzes liegen bei Schlüsselkunden" in out
    assert choice.markdown().splitlines()[1] == "- **b)** 72 % of revenue is with key accounts"


def test_choice_solution_and_the_student_edition(choice, capsys):
    choice.name = "ex.q6"
    choice.solution()
    assert capsys.readouterr().out == "a) Revenue is concentrated — Right: far from 0, equal revenue.\n"
    try:
        student_edition()
        choice.solution()
        out = capsys.readouterr().out
        assert "is with your trainer" in out and "ex.q6.hint()" in out and "Revenue is concentrated" not in out
        assert choice.check("a").correct  # the student still gets the feedback of what they chose
    finally:
        student_edition(None)


def test_choice_bad_definitions_are_clear_errors():
    pair = ("x", "y")
    with pytest.raises(kamlab.ParameterError, match="answer must be one of the letters"):
        Choice("q", question=pair, options={"a": (pair, pair), "b": (pair, pair)}, answer="c")
    with pytest.raises(kamlab.ParameterError, match=r"pair of texts \(English, German\)"):
        Choice("q", question="English only", options={"a": (pair, pair), "b": (pair, pair)}, answer="a")
    with pytest.raises(kamlab.ParameterError, match="feedback of option 'b'"):
        Choice("q", question=pair, options={"a": (pair, pair), "b": (pair, "no German")}, answer="a")
    with pytest.raises(kamlab.ParameterError, match="at least two"):
        Choice("q", question=pair, options={"a": (pair, pair)}, answer="a")


@pytest.fixture
def explain():
    return Explain(
        "Group or entity",
        question=("Why roll up to groups?", "Warum auf Konzerne verdichten?"),
        model_answer=("Global purchasing decides for the whole group.", "Der Zentraleinkauf entscheidet für den Konzern."),
        points=[("who decides", "wer entscheidet")],
        min_words=5,
    )


def test_explain_reveals_only_after_an_own_answer(explain):
    for answer in (None, ..., "", "   ", "too short here", 42):
        result = explain.reveal(answer)
        assert not result and "write your own answer first (at least 5 words)" in repr(result)
        assert "Global purchasing" not in repr(result)
    shown = explain.reveal("Because the group buys centrally for its plants.")
    assert shown and "(Group or entity, 8 words)" in repr(shown)
    assert "Global purchasing decides for the whole group." in repr(shown) and "• who decides" in repr(shown)
    assert explain.check("Because the group buys centrally for its plants.")  # check is reveal
    with kamlab.language("de"):
        assert "Der Zentraleinkauf entscheidet" in repr(explain.reveal("Weil der Konzern zentral für alle kauft."))


def test_explain_solution_and_the_student_edition(explain, capsys):
    explain.solution()
    assert "Global purchasing decides" in capsys.readouterr().out
    try:
        student_edition()
        explain.solution()
        assert "Global purchasing" not in capsys.readouterr().out
        assert explain.reveal("Because the group buys centrally for its plants.")  # revealing stays possible
    finally:
        student_edition(None)
    with pytest.raises(kamlab.ParameterError, match="min_words"):
        Explain("q", question=("a", "b"), model_answer=("a", "b"), min_words=0)


def test_every_judgement_exercise_has_a_german_title():
    # issue 17: the German feedback quoted English titles ("Many faces at one group")
    import importlib

    import kamlab
    from kamlab.course.judgement import Choice, Explain

    found = 0
    for n in range(8):
        chapter = importlib.import_module(f"kamlab.course.chapter{n:02d}")
        for exercise in vars(chapter).values():
            if isinstance(exercise, Choice | Explain):
                found += 1
                english = exercise.title
                with kamlab.language("de"):
                    german = exercise.title
                    message = str(exercise.check(None))
                assert german != english and german in message and english not in message
    assert found >= 16  # at least two per notebook
