"""Judgement exercises: multiple choice with feedback per option, and "explain" questions.

Numbers check a calculation; a key-account manager also has to *judge*: which reading of a
chart is right, what a number does not say, what to do next. Two kinds of exercise do that:

- :class:`Choice` — one question, a few options, one right; every option has its own
  feedback, so a wrong choice learns *why* it is wrong.
- :class:`Explain` — an open question; the student writes an answer first, and only then
  :meth:`Explain.reveal` shows a model answer and the points to compare.

Every text is a pair (English, German) and follows :func:`kamlab.set_language`. In a notebook::

    choice_6 = None  # "a", "b", "c" or "d"
    ex.q6.check(choice_6)

    answer_7 = ""  # your answer, a few sentences
    ex.q7.reveal(answer_7)

Examples
--------
>>> q = Choice(
...     "Concentration",
...     question=("Is a Gini of 0.7 high?", "Ist ein Gini von 0,7 hoch?"),
...     options={
...         "a": (("Yes", "Ja"), ("Right: 0 is equality, 1 one customer.", "Richtig: 0 ist Gleichheit, 1 ein Kunde.")),
...         "b": (("No", "Nein"), ("It is close to 1, the maximum.", "Er liegt nahe 1, dem Höchstwert.")),
...     },
...     answer="a",
... )
>>> q.check("a")
✔ Correct (Concentration): Right: 0 is equality, 1 one customer.
>>> q.check("B")
✘ Not yet (Concentration): It is close to 1, the maximum.
>>> q.check(None)
… Not answered yet (Concentration): put the letter of your choice (a, b) in place of None and run the cell again.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamlab._util.format import translator
from kamlab.config import get_language
from kamlab.course.exercises import CheckResult, is_student_edition
from kamlab.errors import ParameterError

__all__ = ["Choice", "Explain", "Revealed"]

_TEXT = {
    "correct": ("✔ Correct ({title}): {feedback}", "✔ Richtig ({title}): {feedback}"),
    "wrong": ("✘ Not yet ({title}): {feedback}", "✘ Noch nicht ({title}): {feedback}"),
    "blank_choice": (
        "… Not answered yet ({title}): put the letter of your choice ({letters}) in place of None and run the cell "
        "again.",
        "… Noch keine Antwort ({title}): ersetze None durch den Buchstaben deiner Wahl ({letters}) und führe die "
        "Zelle erneut aus.",
    ),
    "not_letter": (
        "✘ Not yet ({title}): {answer!r} is not one of the options; give one of the letters {letters}.",
        "✘ Noch nicht ({title}): {answer!r} ist keine der Möglichkeiten; gib einen der Buchstaben {letters} an.",
    ),
    "hint": ("  Hint: {hint}", "  Tipp: {hint}"),
    "no_hint": ("No hint for this one: read the text above the exercise again.",
                "Für diese Aufgabe gibt es keinen Tipp: lies den Text über der Aufgabe noch einmal."),
    "options": ("Options:", "Möglichkeiten:"),
    "solution_choice": ("{letter}) {text} — {feedback}", "{letter}) {text} — {feedback}"),
    "blank_explain": (
        "… Not answered yet ({title}): write your own answer first (at least {n} words) between the quotes, then "
        "run the cell again to see the model answer.",
        "… Noch keine Antwort ({title}): schreibe zuerst deine eigene Antwort (mindestens {n} Wörter) zwischen die "
        "Anführungszeichen und führe die Zelle dann erneut aus, um die Musterantwort zu sehen.",
    ),
    "revealed": (
        "✎ Your answer ({title}, {words} words) is written. Compare it with the model answer:\n\n{model}",
        "✎ Deine Antwort ({title}, {words} Wörter) steht. Vergleiche sie mit der Musterantwort:\n\n{model}",
    ),
    "points": ("Did your answer say …", "Hat deine Antwort gesagt, …"),
    "with_trainer": (
        "This is the student edition: the solution of {title!r} is with your trainer. Try the hint: {call}.hint()",
        "Dies ist die Ausgabe für Teilnehmende: die Lösung von {title!r} hat deine Trainerin oder dein Trainer. "
        "Versuche den Tipp: {call}.hint()",
    ),
}

_t = translator(_TEXT)


def _pair(text, what):
    """``text`` as a pair (English, German); a plain string is an error (every text exists in both)."""
    if (isinstance(text, tuple | list) and len(text) == 2 and all(isinstance(part, str) and part.strip()
                                                                  for part in text)):
        return tuple(text)
    raise ParameterError(f"{what} must be a pair of texts (English, German), got {text!r}.")


def _local(pair):
    return pair[1] if get_language() == "de" else pair[0]


class _Titled:
    """A title given as a pair (English, German) and shown in the current language (a plain string: both)."""

    def _set_title(self, title, kind):
        self._titles = (title, title) if isinstance(title, str) else _pair(title, f"{kind} title")

    @property
    def title(self):
        """The short name shown in every message, in the current language."""
        return _local(self._titles)


def _is_blank(answer):
    return answer is None or answer is Ellipsis


@dataclass(frozen=True)
class Option:
    """One option of a :class:`Choice`: its text and the feedback a student who picks it reads."""

    letter: str
    text: tuple
    feedback: tuple
    correct: bool


class Choice(_Titled):
    """A multiple-choice question with feedback per option.

    Parameters
    ----------
    title : (str, str) or str
        Short name shown in every message, in English and German.
    question : (str, str)
        The question, in English and German.
    options : dict
        ``{letter: (text, feedback)}``, each a pair (English, German), in the order shown.
    answer : str
        The letter of the right option.
    hint : (str, str), optional
        A hint that guides without naming the option.
    """

    def __init__(self, title, *, question, options, answer, hint=None):
        self._set_title(title, "Choice")
        self.question = _pair(question, f"Choice {title!r}: question")
        if not isinstance(options, dict) or len(options) < 2:
            raise ParameterError(f"Choice {title!r}: options must be a dict of at least two {{letter: (text, "
                                 f"feedback)}}, got {options!r}.")
        if answer not in options:
            raise ParameterError(f"Choice {title!r}: answer must be one of the letters {list(options)}, got {answer!r}.")
        self.options = []
        for letter, spec in options.items():
            if not (isinstance(letter, str) and len(letter) == 1 and letter.islower()):
                raise ParameterError(f"Choice {title!r}: option letters are single lower-case letters, got {letter!r}.")
            if not (isinstance(spec, tuple | list) and len(spec) == 2):
                raise ParameterError(f"Choice {title!r}: option {letter!r} must be (text, feedback), got {spec!r}.")
            text = _pair(spec[0], f"Choice {title!r}: the text of option {letter!r}")
            feedback = _pair(spec[1], f"Choice {title!r}: the feedback of option {letter!r}")
            self.options.append(Option(letter, text, feedback, letter == answer))
        self.answer = answer
        self._hint = None if hint is None else _pair(hint, f"Choice {title!r}: hint")
        self.name = None

    @property
    def letters(self):
        """The option letters, in order."""
        return [option.letter for option in self.options]

    def _option(self, letter):
        return next(option for option in self.options if option.letter == letter)

    def check(self, choice):
        """Check the letter ``choice``; return a :class:`~kamlab.course.exercises.CheckResult` with its feedback."""
        letters = ", ".join(self.letters)
        if _is_blank(choice):
            return CheckResult(False, _t("blank_choice", title=self.title, letters=letters), answered=False)
        letter = choice.strip().strip(")").strip().casefold() if isinstance(choice, str) else None
        if letter not in self.letters:
            return CheckResult(False, _t("not_letter", title=self.title, answer=choice, letters=letters))
        option = self._option(letter)
        if option.correct:
            return CheckResult(True, _t("correct", title=self.title, feedback=_local(option.feedback)))
        message = _t("wrong", title=self.title, feedback=_local(option.feedback))
        if self._hint:
            message += "\n" + _t("hint", hint=_local(self._hint))
        return CheckResult(False, message)

    def show(self):
        """Print the question and its options in the current language."""
        print(self.text())

    def text(self):
        """The question and its options as plain text, in the current language."""
        lines = [_local(self.question), "", _t("options")]
        lines += [f"  {option.letter}) {_local(option.text)}" for option in self.options]
        return "\n".join(lines)

    def markdown(self, language="en"):
        """The options as a Markdown list, for the notebook cell above the exercise."""
        pick = 1 if language == "de" else 0
        return "\n".join(f"- **{option.letter})** {option.text[pick]}" for option in self.options)

    def hint(self):
        """Print the hint."""
        print(_local(self._hint) if self._hint else _t("no_hint"))

    def solution(self):
        """Print the right option and why; in the student edition, say that it is with the trainer."""
        if is_student_edition():
            print(_t("with_trainer", title=self.title, call=self.name or "ex.qN"))
            return
        option = self._option(self.answer)
        print(_t("solution_choice", letter=option.letter, text=_local(option.text), feedback=_local(option.feedback)))

    def __repr__(self):
        return f"Choice({self.title!r})"


@dataclass(frozen=True)
class Revealed:
    """The outcome of :meth:`Explain.reveal`: the model answer, once the student has written one."""

    message: str
    answered: bool

    def __bool__(self):
        return self.answered

    def __repr__(self):
        return self.message


class Explain(_Titled):
    """An open question: the student writes an answer, then compares it with a model answer.

    Parameters
    ----------
    title : (str, str) or str
        Short name shown in every message.
    question : (str, str)
        The question, in English and German.
    model_answer : (str, str)
        The model answer, shown by :meth:`reveal` after the student's own answer.
    points : sequence of (str, str), optional
        The points a good answer makes, listed after the model answer for comparison.
    min_words : int, default=12
        How many words the student's answer needs before the model answer shows.

    Examples
    --------
    >>> q = Explain("Why groups?", question=("Why roll up?", "Warum verdichten?"),
    ...             model_answer=("The group decides.", "Der Konzern entscheidet."), min_words=3)
    >>> q.reveal("too short")
    … Not answered yet (Why groups?): write your own answer first (at least 3 words) between the quotes, then run the cell again to see the model answer.
    >>> q.reveal("Global purchasing buys for all plants.")
    ✎ Your answer (Why groups?, 6 words) is written. Compare it with the model answer:
    <BLANKLINE>
    The group decides.
    """

    def __init__(self, title, *, question, model_answer, points=(), min_words=12):
        if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 1:
            raise ParameterError(f"Explain {title!r}: min_words must be a whole number from 1, got {min_words!r}.")
        self._set_title(title, "Explain")
        self.question = _pair(question, f"Explain {title!r}: question")
        self.model_answer = _pair(model_answer, f"Explain {title!r}: model_answer")
        self.points = [_pair(point, f"Explain {title!r}: a point") for point in points]
        self.min_words = min_words
        self.name = None

    def reveal(self, answer):
        """Show the model answer once ``answer`` (the student's own text) has at least ``min_words`` words."""
        words = len(answer.split()) if isinstance(answer, str) else 0
        if words < self.min_words:
            return Revealed(_t("blank_explain", title=self.title, n=self.min_words), answered=False)
        return Revealed(_t("revealed", title=self.title, words=words, model=self._model()), answered=True)

    check = reveal

    def _model(self):
        text = _local(self.model_answer)
        if self.points:
            text += "\n\n" + _t("points") + "\n" + "\n".join(f"  • {_local(point)}" for point in self.points)
        return text

    def hint(self):
        """Print the question again (an open question has no hint beyond it)."""
        print(_local(self.question))

    def solution(self):
        """Print the model answer; in the student edition, say that it is with the trainer."""
        if is_student_edition():
            print(_t("with_trainer", title=self.title, call=self.name or "ex.qN"))
            return
        print(self._model())

    def __repr__(self):
        return f"Explain({self.title!r})"
