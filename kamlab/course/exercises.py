"""Exercises that check themselves.

An :class:`Exercise` knows its right answer (a value, a DataFrame, or a function that
computes it with kamlab), a hint and a solution. In a notebook::

    from kamlab.course import chapter01 as ex
    ex.q1.check(answer)     # says right, or what is wrong and a hint
    ex.q1.hint()
    ex.q1.solution()

The check does not give the answer away: it says what kind of thing is wrong (the
type, the number of rows, a missing column, too high or too low — never by how much, so
an answer cannot be found by halving the distance) and shows the hint. A number is right
when it agrees with the answer to the precision the question states (``decimals``): a
share read as 55.3 % off a slider and entered as 0.553 counts. A share entered as a
percentage (55.3 for 0.553) is told so.

In the **student edition** (:func:`student_edition`, or the environment variable
``KAMLAB_EDITION=student``) :meth:`Exercise.solution` says that the solution is with the
trainer; the solutions stay in the package for the trainer edition.

Examples
--------
>>> q = Exercise("Total revenue", expected=1250.0, hint="Sum the column 'revenue'.")
>>> q.check(1250.004)
✔ Correct (Total revenue)
>>> q.check(1500)
✘ Not yet (Total revenue): 1500 is too high.
  Hint: Sum the column 'revenue'.
>>> share = Exercise("Share of the top 10 %", expected=0.55321, decimals=3)
>>> share.check(0.553)
✔ Correct (Share of the top 10 %)
>>> share.check(55.3)
✘ Not yet (Share of the top 10 %): 55.3 looks like a percentage — give a fraction (0.5 for 50 %).
>>> q.check(None)
… Not answered yet (Total revenue): replace None with your answer and run the cell again.
"""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass

from kamlab.errors import ParameterError
from kamlab._util.format import translator

__all__ = ["Exercise", "CheckResult", "student_edition", "is_student_edition", "name_exercises", "translate_exercises"]

#: The environment variable that switches on the student edition for every notebook of a machine or server.
EDITION_VARIABLE = "KAMLAB_EDITION"
_edition = {"student": None}  # None: follow the environment variable

_TEXT = {
    "correct": ("✔ Correct ({title})", "✔ Richtig ({title})"),
    "wrong": ("✘ Not yet ({title}): {reason}", "✘ Noch nicht ({title}): {reason}"),
    "blank": (
        "… Not answered yet ({title}): replace None with your answer and run the cell again.",
        "… Noch keine Antwort ({title}): ersetze None durch deine Antwort und führe die Zelle erneut aus.",
    ),
    "hint": ("  Hint: {hint}", "  Tipp: {hint}"),
    "no_hint": ("No hint for this one: read the text above the exercise again.",
                "Für diese Aufgabe gibt es keinen Tipp: lies den Text über der Aufgabe noch einmal."),
    "too_high": ("{answer} is too high.", "{answer} ist zu hoch."),
    "too_low": ("{answer} is too low.", "{answer} ist zu niedrig."),
    "percent": ("{answer} looks like a percentage — give a fraction (0.5 for 50 %).",
                "{answer} sieht nach einer Prozentzahl aus — gib einen Anteil an (0,5 für 50 %)."),
    "precision": ("(expected precision: {precision})", "(erwartete Genauigkeit: {precision})"),
    "decimals": ("{n} decimals", "{n} Nachkommastellen"),
    "whole": ("a whole number", "eine ganze Zahl"),
    "with_trainer": (
        "This is the student edition: the solution of {title!r} is with your trainer. Try the hint: "
        "{call}.hint()",
        "Dies ist die Ausgabe für Teilnehmende: die Lösung von {title!r} hat deine Trainerin oder dein Trainer. "
        "Versuche den Tipp: {call}.hint()",
    ),
    "sign": ("{answer} has the wrong sign.", "{answer} hat das falsche Vorzeichen."),
    "not_number": ("expected a number, got {kind}.", "erwartet wird eine Zahl, nicht {kind}."),
    "wrong_text": ("{answer!r} is not the answer.", "{answer!r} ist nicht die Antwort."),
    "wrong_kind": ("expected {expected}, got {kind}.", "erwartet wird {expected}, nicht {kind}."),
    "kind_series": ("a pandas Series", "eine pandas-Series"),
    "kind_text": ("a text (str)", "ein Text (str)"),
    "kind_list": ("a list of items", "eine Liste von Einträgen"),
    "kind_frame": ("a pandas DataFrame", "ein pandas-DataFrame"),
    "missing_items": ("{n} expected item(s) are missing.", "{n} erwartete Einträge fehlen."),
    "extra_items": ("{n} item(s) do not belong here, e.g. {example!r}.",
                    "{n} Einträge gehören nicht dazu, z. B. {example!r}."),
    "order": ("the items are right but not in the right order.",
              "die Einträge stimmen, aber nicht die Reihenfolge."),
    "missing_columns": ("column(s) missing: {cols}.", "es fehlen Spalten: {cols}."),
    "rows": ("{got} rows, expected {expected}.", "{got} Zeilen, erwartet {expected}."),
    "values": ("the values in column {col!r} differ (first at row {row}).",
               "die Werte in Spalte {col!r} weichen ab (zuerst in Zeile {row})."),
    "index": ("the rows are not the expected ones (check the index / filter).",
              "die Zeilen sind nicht die erwarteten (Index bzw. Filter prüfen)."),
}


_t = translator(_TEXT)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of :meth:`Exercise.check`; shows itself as a short message."""

    correct: bool
    message: str
    answered: bool = True

    def __bool__(self):
        return self.correct

    def __repr__(self):
        return self.message


class Exercise:
    """An exercise with a known answer, a hint and a solution.

    Parameters
    ----------
    title : str or (str, str)
        Short name shown in every message; a pair (English, German) follows
        :func:`kamlab.set_language`.
    expected : object or callable
        The right answer, or a function without arguments that returns it (called once,
        on the first check, so the answer can be computed with kamlab from the data).
        Numbers, strings, lists/tuples (order matters), sets, pandas Series and
        DataFrames are compared.
    hint : str or (str, str), optional
        Shown when the answer is wrong, and by :meth:`hint`; a pair (English, German) follows
        the language.
    solution : str, optional
        Code or text shown by :meth:`solution`.
    rtol : float, default=1e-4
        Relative tolerance for numbers (answers rounded to cents still count).
    atol : float, default=1e-9
        Absolute tolerance for numbers.
    ignore_order : bool, default=False
        Compare lists without looking at their order, and DataFrames without looking at
        the order of their rows.
    decimals : int, optional
        The precision the question asks for: a number that agrees with the answer when
        both are rounded to this many decimals (half a unit of the last decimal) counts,
        beside ``rtol``. ``0`` for whole euros. Stated in every message about the number.
    """

    def __init__(self, title, expected, *, hint=None, solution=None, rtol=1e-4, atol=1e-9, ignore_order=False,
                 decimals=None):
        if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0):
            raise ParameterError(f"Exercise {title!r}: decimals must be a whole number from 0, got {decimals!r}.")
        self._title = title
        self._expected = expected
        self._hint_text = hint
        self._solution = solution
        self.rtol = rtol
        self.atol = atol
        self.ignore_order = ignore_order
        self.decimals = decimals
        self.name = None  # how the notebook calls it ("ex.q1"), set by name_exercises
        self._resolved = False

    @property
    def title(self):
        """The title in the current language."""
        return _local(self._title)

    @property
    def _hint(self):
        return _local(self._hint_text)

    def translate(self, title, hint=None):
        """Give the German title (and hint) beside the English ones; return the exercise.

        Examples
        --------
        >>> import kamlab
        >>> q = Exercise("How many accounts?", expected=3).translate("Wie viele Kunden?")
        >>> with kamlab.language("de"):
        ...     q.check(3)
        ✔ Richtig (Wie viele Kunden?)
        """
        self._title = (_local(self._title, "en"), title)
        if hint is not None:
            self._hint_text = (_local(self._hint_text, "en"), hint)
        return self

    @property
    def precision(self):
        """The precision the question asks for, as text (``'3 decimals'``), or None."""
        if self.decimals is None:
            return None
        return _t("whole") if self.decimals == 0 else _t("decimals", n=self.decimals)

    @property
    def expected(self):
        """The right answer (computed on first use when given as a function)."""
        if not self._resolved:
            if callable(self._expected):
                self._expected = self._expected()
            self._resolved = True
        return self._expected

    def check(self, answer):
        """Check ``answer``; return a :class:`CheckResult` that prints as a message."""
        if answer is None or answer is Ellipsis:
            return CheckResult(False, _t("blank", title=self.title), answered=False)
        reason = _compare(answer, self.expected, self)
        if reason is None:
            return CheckResult(True, _t("correct", title=self.title))
        message = _t("wrong", title=self.title, reason=reason)
        if self._hint:
            message += "\n" + _t("hint", hint=self._hint)
        return CheckResult(False, message)

    def hint(self):
        """Print the hint."""
        print(self._hint or _t("no_hint"))

    def solution(self):
        """Print the solution; in the student edition, say that it is with the trainer."""
        if is_student_edition():
            print(_t("with_trainer", title=self.title, call=self.name or "ex.qN"))
            return
        print(self._solution if self._solution is not None else repr(self.expected))

    def __repr__(self):
        return f"Exercise({self.title!r})"


def _local(text, language=None):
    """``text`` itself, or from a pair (English, German) the one of ``language`` (default: the current one)."""
    if isinstance(text, tuple):
        from kamlab.config import get_language

        return text[1] if (language or get_language()) == "de" else text[0]
    return text


def translate_exercises(namespace, german):
    """Give the exercises in ``namespace`` their German titles and hints: ``{"q1": (title, hint), ...}``.

    Examples
    --------
    >>> q1 = Exercise("A count", expected=3, hint="Count.")
    >>> translate_exercises({"q1": q1}, {"q1": ("Eine Anzahl", "Zählen.")})
    >>> q1._title, q1._hint_text
    (('A count', 'Eine Anzahl'), ('Count.', 'Zählen.'))
    """
    for key, (title, hint) in german.items():
        namespace[key].translate(title, hint)


def name_exercises(namespace, prefix="ex"):
    """Tell each exercise in ``namespace`` (a chapter module's globals) its name in the notebook.

    ``q1`` becomes ``ex.q1`` in the messages that name a call, such as ``ex.q1.hint()``.

    Examples
    --------
    >>> q1 = Exercise("A count", expected=3)
    >>> name_exercises({"q1": q1}); q1.name
    'ex.q1'
    """
    for key, value in namespace.items():
        if key.startswith("q") and key[1:].isdigit() and hasattr(value, "name"):
            value.name = f"{prefix}.{key}"


def student_edition(on=True):
    """Switch the student edition on (or off) for this Python session.

    In the student edition :meth:`Exercise.solution` (and the model answers'
    ``solution()``) say that the solution is with the trainer instead of printing it;
    checks, hints and the model answers revealed after the student's own answer work as
    before. The notebooks of ``make student`` call this in their first code cell; the
    environment variable ``KAMLAB_EDITION=student`` does the same for every notebook of a
    machine or server.

    Parameters
    ----------
    on : bool or None, default=True
        True for the student edition, False for the trainer edition, None to follow the
        environment variable again.

    Examples
    --------
    >>> q = Exercise("Number of A accounts", expected=218, solution="n_a = 218")
    >>> student_edition()
    >>> q.solution()
    This is the student edition: the solution of 'Number of A accounts' is with your trainer. Try the hint: ex.qN.hint()
    >>> student_edition(False)
    >>> q.solution()
    n_a = 218
    >>> student_edition(None)
    """
    if on is not None and not isinstance(on, bool):
        raise ParameterError(f"student_edition: on must be True, False or None, got {on!r}.")
    _edition["student"] = on


def is_student_edition():
    """True in the student edition (see :func:`student_edition`).

    Examples
    --------
    >>> student_edition(True); is_student_edition()
    True
    >>> student_edition(None)
    """
    if _edition["student"] is not None:
        return _edition["student"]
    return os.environ.get(EDITION_VARIABLE, "").strip().casefold() == "student"


def _is_number(value):
    import numpy as np

    return isinstance(value, numbers.Number | np.number) and not isinstance(value, bool | np.bool_)


def _describe_kind(value):
    return type(value).__name__


def _compare(answer, expected, exercise):
    """Return None when ``answer`` matches ``expected``, else a short reason."""
    import pandas as pd

    if isinstance(expected, pd.DataFrame):
        return _compare_frame(answer, expected, exercise)
    if isinstance(expected, pd.Series):
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 1:
            answer = answer.iloc[:, 0]
        if not isinstance(answer, pd.Series):
            return _t("wrong_kind", expected=_t("kind_series"), kind=_describe_kind(answer))
        return _compare_frame(answer.to_frame("value"), expected.to_frame("value"), exercise)
    if _is_number(expected):
        if not _is_number(answer):
            return _t("not_number", kind=_describe_kind(answer))
        return _compare_number(float(answer), float(expected), exercise)
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return _t("wrong_kind", expected=_t("kind_text"), kind=_describe_kind(answer))
        return None if answer.strip().casefold() == expected.strip().casefold() else _t("wrong_text", answer=answer)
    if isinstance(expected, set | frozenset | list | tuple):
        return _compare_collection(answer, expected, exercise)
    if isinstance(expected, bool):
        return None if answer == expected else _t("wrong_text", answer=answer)
    raise ParameterError(f"Exercise {exercise.title!r}: cannot compare answers to a {_describe_kind(expected)}.")


def _close(answer, expected, exercise):
    if math.isclose(answer, expected, rel_tol=exercise.rtol, abs_tol=exercise.atol):
        return True
    if exercise.decimals is None:
        return False
    # half a unit of the last decimal asked for, and a little for the float representation of both
    tolerance = 0.5 * 10.0 ** -exercise.decimals
    return abs(answer - expected) <= tolerance * (1 + 1e-9) + 1e-12 * max(abs(answer), abs(expected))


def _compare_number(answer, expected, exercise):
    if not math.isfinite(answer):
        return _t("not_number", kind=_fmt(answer))
    if _close(answer, expected, exercise):
        return None
    if 0 < abs(expected) <= 1 and abs(answer) > 1 and (
        _close(answer / 100, expected, exercise) or abs(answer / 100 - expected) <= 0.005  # to half a point
    ):
        return _t("percent", answer=_fmt(answer))
    if expected != 0 and answer != 0 and (answer > 0) != (expected > 0):
        return _t("sign", answer=_fmt(answer))
    # the direction only: a distance would let a student halve their way to the answer
    reason = _t("too_high" if answer > expected else "too_low", answer=_fmt(answer))
    if exercise.precision is not None:
        reason += " " + _t("precision", precision=exercise.precision)
    return reason


def _fmt(number):
    return f"{number:g}" if abs(number) < 1e6 else f"{number:,.2f}"


def _compare_collection(answer, expected, exercise):
    import numpy as np
    import pandas as pd

    if isinstance(answer, pd.Series | pd.Index | np.ndarray):
        answer = list(answer)
    if not isinstance(answer, set | frozenset | list | tuple):
        return _t("wrong_kind", expected=_t("kind_list"), kind=_describe_kind(answer))
    ordered = isinstance(expected, list | tuple) and not exercise.ignore_order
    want, got = list(expected), list(answer)
    missing = [item for item in want if item not in got]
    extra = [item for item in got if item not in want]
    if missing or extra:
        reasons = []
        if missing:
            reasons.append(_t("missing_items", n=len(missing)))
        if extra:
            reasons.append(_t("extra_items", n=len(extra), example=extra[0]))
        return " ".join(reasons)
    if ordered and got != want:
        return _t("order") if len(got) == len(want) else _t("rows", got=len(got), expected=len(want))
    return None


def _compare_frame(answer, expected, exercise):
    import numpy as np
    import pandas as pd

    if not isinstance(answer, pd.DataFrame):
        return _t("wrong_kind", expected=_t("kind_frame"), kind=_describe_kind(answer))
    missing = [c for c in expected.columns if c not in answer.columns]
    if missing:
        return _t("missing_columns", cols=", ".join(map(repr, missing)))
    if len(answer) != len(expected):
        return _t("rows", got=len(answer), expected=len(expected))
    answer = answer[list(expected.columns)]
    if exercise.ignore_order:
        answer = answer.sort_values(list(expected.columns), ignore_index=True)
        expected = expected.sort_values(list(expected.columns), ignore_index=True)
    elif not answer.index.equals(expected.index):
        if set(answer.index) != set(expected.index):
            return _t("index")
        answer = answer.reindex(expected.index)
    for col in expected.columns:
        want, got = expected[col], answer[col]
        if pd.api.types.is_numeric_dtype(want) and pd.api.types.is_numeric_dtype(got):
            w, g = want.to_numpy(dtype=float), got.to_numpy(dtype=float)
            same = np.isclose(g, w, rtol=exercise.rtol, atol=exercise.atol) | (np.isnan(g) & np.isnan(w))
        else:
            same = (got.astype(object).to_numpy() == want.astype(object).to_numpy()) | (got.isna() & want.isna()).to_numpy()
        if not same.all():
            return _t("values", col=col, row=answer.index[int(np.flatnonzero(~same)[0])])
    return None
