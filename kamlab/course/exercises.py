"""Exercises that check themselves.

An :class:`Exercise` knows its right answer (a value, a DataFrame, or a function that
computes it with kamlab), a hint and a solution. In a notebook::

    from kamlab.course import chapter01 as ex
    ex.q1.check(answer)     # says right, or what is wrong and a hint
    ex.q1.hint()
    ex.q1.solution()

The check does not give the answer away: it says what kind of thing is wrong (the
type, the number of rows, a missing column, too high or too low) and shows the hint.

Examples
--------
>>> q = Exercise("Total revenue", expected=1250.0, hint="Sum the column 'revenue'.")
>>> q.check(1250.004)
✔ Correct (Total revenue)
>>> q.check(1500)
✘ Not yet (Total revenue): 1500 is too high (by 20 %).
  Hint: Sum the column 'revenue'.
>>> q.check(None)
… Not answered yet (Total revenue): replace None with your answer and run the cell again.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from kamlab.errors import ParameterError
from kamlab._util.format import translator

__all__ = ["Exercise", "CheckResult"]

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
    "too_high": ("{answer} is too high (by {pct} %).", "{answer} ist zu hoch (um {pct} %)."),
    "too_low": ("{answer} is too low (by {pct} %).", "{answer} ist zu niedrig (um {pct} %)."),
    "sign": ("{answer} has the wrong sign.", "{answer} hat das falsche Vorzeichen."),
    "not_number": ("expected a number, got {kind}.", "erwartet wird eine Zahl, nicht {kind}."),
    "wrong_text": ("{answer!r} is not the answer.", "{answer!r} ist nicht die Antwort."),
    "wrong_kind": ("expected {expected}, got {kind}.", "erwartet wird {expected}, nicht {kind}."),
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
    title : str
        Short name shown in every message.
    expected : object or callable
        The right answer, or a function without arguments that returns it (called once,
        on the first check, so the answer can be computed with kamlab from the data).
        Numbers, strings, lists/tuples (order matters), sets, pandas Series and
        DataFrames are compared.
    hint : str, optional
        Shown when the answer is wrong, and by :meth:`hint`.
    solution : str, optional
        Code or text shown by :meth:`solution`.
    rtol : float, default=1e-4
        Relative tolerance for numbers (answers rounded to cents still count).
    atol : float, default=1e-9
        Absolute tolerance for numbers.
    ignore_order : bool, default=False
        Compare lists without looking at their order, and DataFrames without looking at
        the order of their rows.
    """

    def __init__(self, title, expected, *, hint=None, solution=None, rtol=1e-4, atol=1e-9, ignore_order=False):
        self.title = title
        self._expected = expected
        self._hint = hint
        self._solution = solution
        self.rtol = rtol
        self.atol = atol
        self.ignore_order = ignore_order
        self._resolved = False

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
        """Print the solution."""
        print(self._solution if self._solution is not None else repr(self.expected))

    def __repr__(self):
        return f"Exercise({self.title!r})"


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
            return _t("wrong_kind", expected="a pandas Series", kind=_describe_kind(answer))
        return _compare_frame(answer.to_frame("value"), expected.to_frame("value"), exercise)
    if _is_number(expected):
        if not _is_number(answer):
            return _t("not_number", kind=_describe_kind(answer))
        return _compare_number(float(answer), float(expected), exercise)
    if isinstance(expected, str):
        if not isinstance(answer, str):
            return _t("wrong_kind", expected="a text (str)", kind=_describe_kind(answer))
        return None if answer.strip().casefold() == expected.strip().casefold() else _t("wrong_text", answer=answer)
    if isinstance(expected, set | frozenset | list | tuple):
        return _compare_collection(answer, expected, exercise)
    if isinstance(expected, bool):
        return None if answer == expected else _t("wrong_text", answer=answer)
    raise ParameterError(f"Exercise {exercise.title!r}: cannot compare answers to a {_describe_kind(expected)}.")


def _compare_number(answer, expected, exercise):
    if math.isclose(answer, expected, rel_tol=exercise.rtol, abs_tol=exercise.atol):
        return None
    if expected != 0 and answer != 0 and (answer > 0) != (expected > 0):
        return _t("sign", answer=_fmt(answer))
    pct = abs(answer - expected) / abs(expected) * 100 if expected else float("inf")
    pct_text = f"{pct:.0f}" if pct >= 1 else f"{pct:.2g}"
    key = "too_high" if answer > expected else "too_low"
    return _t(key, answer=_fmt(answer), pct=pct_text)


def _fmt(number):
    return f"{number:g}" if abs(number) < 1e6 else f"{number:,.2f}"


def _compare_collection(answer, expected, exercise):
    import numpy as np
    import pandas as pd

    if isinstance(answer, pd.Series | pd.Index | np.ndarray):
        answer = list(answer)
    if not isinstance(answer, set | frozenset | list | tuple):
        return _t("wrong_kind", expected="a list of items", kind=_describe_kind(answer))
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
        return _t("wrong_kind", expected="a pandas DataFrame", kind=_describe_kind(answer))
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
