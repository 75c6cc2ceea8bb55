"""The judgement exercises of every notebook, and the stated precision of every numeric exercise.

For each multiple-choice question the right option is written down here again, with words its text must
contain (the KAM content, from ../shared/KAM_TERMS.md and the notebooks' teaching): the right option is
accepted, each wrong one is rejected with feedback of its own, in English and German. Each "explain" question
shows its model answer only after an own answer. Each numeric exercise with a stated precision accepts the
answer rounded to it, rejects a value one unit off, and names a percentage given for a fraction.
"""

import importlib

import pytest

import kamlab
from kamlab.course.exercises import Exercise
from kamlab.course.judgement import Choice, Explain

CHAPTERS = [importlib.import_module(f"kamlab.course.chapter0{n}") for n in range(8)]

#: (chapter, exercise, right letter, words the right option's English text contains)
CHOICES = [
    (0, "q6", "b", ("50–60 %", "actual or target", "contribution margin")),
    (1, "q5", "b", ("report.problems", "reconcile")),
    (2, "q6", "b", ("biggest", "not from the Gini")),
    (3, "q5", "b", ("4", "stable", "served")),
    (4, "q6", "b", ("Fragezeichenkunde", "Big Step or Out")),
    (5, "q5", "b", ("rank", "calibrated")),
    (6, "q6", "b", ("expect to win", "overstates")),
    (6, "q7", "b", ("faster", "Kaplan–Meier")),
    (7, "q5", "b", ("sum of the entities' DB I", "sum of their revenue")),
    (7, "q6", "c", ("31 December 2026", "DB I rate")),
]
EXPLAINS = [(0, "q7"), (1, "q6"), (2, "q7"), (3, "q6"), (4, "q7"), (5, "q6"), (7, "q7")]


def _exercises(module, kind):
    return {name: value for name, value in vars(module).items() if isinstance(value, kind)}


@pytest.mark.parametrize("chapter", range(8))
def test_every_notebook_has_two_judgement_exercises(chapter):
    module = CHAPTERS[chapter]
    judgement = {**_exercises(module, Choice), **_exercises(module, Explain)}
    assert len(judgement) >= 2
    assert set(judgement) <= set(module.__all__)
    for name, exercise in judgement.items():
        assert exercise.name == f"ex.{name}"


@pytest.mark.parametrize(("chapter", "name", "right", "words"), CHOICES)
def test_choice_right_option_accepted_and_each_wrong_one_rejected_with_its_feedback(chapter, name, right, words):
    q = getattr(CHAPTERS[chapter], name)
    assert isinstance(q, Choice) and len(q.options) >= 3
    texts = {option.letter: option.text[0] for option in q.options}
    assert all(word in texts[right] for word in words), texts[right]
    result = q.check(right)
    assert result.correct and result.message.startswith("✔ Correct")
    feedbacks = set()
    for option in q.options:
        english, german = option.feedback
        assert english != german and option.text[0] != option.text[1]  # both languages written
        if option.letter == right:
            continue
        wrong = q.check(option.letter)
        assert not wrong.correct and wrong.message.startswith("✘ Not yet")
        assert english in wrong.message  # its own feedback ...
        others = [o.feedback[0] for o in q.options if o.letter != option.letter]
        assert not any(other in wrong.message for other in others)  # ... and no other option's
        feedbacks.add(english)
        with kamlab.language("de"):
            assert german in q.check(option.letter).message and "Tipp:" in q.check(option.letter).message
    assert len(feedbacks) == len(q.options) - 1
    with kamlab.language("de"):
        assert q.check(right).message.startswith("✔ Richtig")


@pytest.mark.parametrize(("chapter", "name"), EXPLAINS)
def test_explain_shows_the_model_answer_only_after_an_own_answer(chapter, name):
    q = getattr(CHAPTERS[chapter], name)
    assert isinstance(q, Explain) and q.points
    english, german = q.model_answer
    assert not q.reveal(None) and not q.reveal("") and english not in repr(q.reveal("I do not know."))
    own = " ".join(["word"] * q.min_words)
    shown = q.reveal(own)
    assert shown and english in repr(shown)
    with kamlab.language("de"):
        assert german in repr(q.reveal(own))


def _with_decimals():
    for chapter, module in enumerate(CHAPTERS):
        for name, exercise in _exercises(module, Exercise).items():
            if exercise.decimals is not None:
                yield pytest.param(chapter, name, id=f"chapter0{chapter}.{name}")


@pytest.mark.parametrize(("chapter", "name"), list(_with_decimals()))
def test_numbers_count_at_the_precision_the_question_states(chapter, name):
    q = getattr(CHAPTERS[chapter], name)
    d = q.decimals
    stated = f"{d} decimals" if d else "whole EUR"
    assert stated in q.title  # the question says what precision counts
    expected = float(q.expected)
    shown = round(expected, d)  # what a student reads off a display of that precision
    assert q.check(shown).correct
    step = 2 * 10.0**-d + 2 * q.rtol * abs(expected)  # beyond the stated precision (and a solver's tolerance)
    for off in (shown + step, shown - step):
        result = q.check(off)
        assert not result.correct and ("too high" in result.message or "too low" in result.message)
        assert f"(expected precision: {'a whole number' if d == 0 else stated})" in result.message
    if 0 < abs(expected) <= 1:
        assert "looks like a percentage" in q.check(round(expected * 100, max(d - 2, 0))).message


def test_counts_and_texts_need_no_stated_precision():
    """Exercises without decimals are counts, ids or texts: their answers are exact."""
    for module in CHAPTERS:
        for exercise in _exercises(module, Exercise).values():
            if exercise.decimals is None:
                title = exercise.title.lower()
                assert title.startswith(("how many", "number of", "account ids", "group ids", "wholesale: the k",
                                         "case company: accounts", "the rfm code")), exercise.title


def test_every_numeric_exercise_speaks_german_too():
    """Titles and hints of the numeric exercises exist in German and follow the language, precision included."""
    for module in CHAPTERS:
        for exercise in _exercises(module, Exercise).values():
            english_title, english_hint = exercise.title, exercise._hint
            with kamlab.language("de"):
                german_title, german_hint = exercise.title, exercise._hint
                blank = exercise.check(None).message
            assert german_title != english_title and german_hint != english_hint, english_title
            assert german_title in blank and "Noch keine Antwort" in blank
            if exercise.decimals:
                assert f"{exercise.decimals} Nachkommastellen" in german_title
            elif exercise.decimals == 0:
                assert "ganze EUR" in german_title


def _exercise_cells():
    """{(chapter, "qN"): (markdown above, the answer cell's code)} of every notebook."""
    import json
    import re
    from pathlib import Path

    found = {}
    for path in sorted(p for p in (Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb") if not p.name.endswith(".de.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for before, cell in zip(cells, cells[1:]):
            match = re.match(r"\*\*Exercise (\d+)\b", "".join(before["source"]))
            if match and cell["cell_type"] == "code":
                found[(int(path.name[:2]), f"q{match.group(1)}")] = ("".join(before["source"]), "".join(cell["source"]))
    return found


def test_the_notebooks_state_each_precision_and_show_the_packages_options():
    cells = _exercise_cells()
    for chapter, module in enumerate(CHAPTERS):
        exercises = {name: value for name, value in vars(module).items()
                     if isinstance(value, Exercise | Choice | Explain) and name in module.__all__}
        assert {name for (c, name) in cells if c == chapter} == set(exercises), chapter
        for name, q in exercises.items():
            text, code = cells[(chapter, name)]
            assert f"ex.{name}." in code
            if isinstance(q, Exercise) and q.decimals is not None:
                assert ("*Precision: whole EUR.*" if q.decimals == 0 else f"*Precision: {q.decimals} decimals.*") in text
            if isinstance(q, Choice):
                assert q.question[0] in text and q.markdown() in text  # the options the check knows
                assert f"ex.{name}.check(" in code
            if isinstance(q, Explain):
                assert q.question[0] in text and f"ex.{name}.reveal(" in code
