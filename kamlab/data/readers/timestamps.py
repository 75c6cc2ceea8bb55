"""Timestamps written with UTC offsets or time zones, and a ``to_datetime`` that never raises for a value.

kamlab's convention for a timestamp with an offset ("2024-03-31T23:30:00-05:00",
"2024-03-01T10:00:00Z", mixed offsets in one column): the calendar date and the time of
day in the offset it is written in, made naive -- 2024-03-31 23:30, not 1 April in UTC --
because a KAM analysis works on calendar days. The report's notes say when a column
carried offsets.
"""


from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from kamlab._util.format import translator

_t = translator({
    "one": (
        "the dates in column {column!r} carry the UTC offset {offsets}. They were read as the local date and time "
        "written, without converting (2024-03-31T23:30:00-05:00 is 2024-03-31 23:30).",
        "die Daten in Spalte {column!r} tragen die UTC-Verschiebung {offsets}. Sie wurden als die geschriebene "
        "Ortszeit gelesen, ohne Umrechnung (2024-03-31T23:30:00-05:00 ist 2024-03-31 23:30).",
    ),
    "mixed": (
        "the dates in column {column!r} carry UTC offsets (mixed offsets): {offsets}. Each was read as the local "
        "date and time written, without converting between offsets (2024-03-31T23:30:00-05:00 is "
        "2024-03-31 23:30).",
        "die Daten in Spalte {column!r} tragen verschiedene UTC-Verschiebungen: {offsets}. Jede Angabe wurde als die "
        "geschriebene Ortszeit gelesen, ohne zwischen den Verschiebungen umzurechnen "
        "(2024-03-31T23:30:00-05:00 ist 2024-03-31 23:30).",
    ),
})


def _to_datetime(text, fmt):
    """``pd.to_datetime(text, format=fmt, errors="coerce")``, naive, never raising for a value.

    A time zone left in a value (a format with ``%z``/``%Z``) gives the local date and
    time as written; a value pandas cannot handle becomes NaT. Only an invalid ``fmt``
    raises (ValueError).
    """
    try:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        pd.to_datetime(pd.Series(["2024-12-31"]), format=fmt, errors="coerce")  # raises for a bad format
        parsed = pd.Series([_one_datetime(v, fmt) for v in text], index=text.index, dtype=object)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_localize(None)
    if parsed.dtype == object:
        parsed = pd.Series([_one_datetime(v, fmt) for v in parsed], index=text.index, dtype=object)
        return pd.to_datetime(parsed)
    return parsed


def _one_datetime(value, fmt):
    """One value as a naive Timestamp (its local time where it has a zone), or NaT."""
    try:
        stamp = value if isinstance(value, (pd.Timestamp, dt.datetime)) else pd.to_datetime(value, format=fmt)
        stamp = pd.Timestamp(stamp)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return stamp.tz_localize(None) if stamp is not pd.NaT and stamp.tzinfo is not None else stamp


# a UTC offset or zone after a time: "10:00:00+01:00", "10:00Z", "10:00 UTC", "10:00 GMT+2"
_OFFSET = re.compile(
    r"(?i)(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)\s*(?:Z|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?|UTC|GMT)$"
)


def _drop_offsets(values):
    """Values with their UTC offsets removed: the local date and time as written.

    kamlab's convention for timestamps with an offset: the calendar date and the time
    of day in the offset they are written in, made naive ("2024-03-31T23:30:00-05:00" is
    2024-03-31 23:30, not 1 April in UTC), because a KAM analysis works on calendar days.
    """
    if values.empty:
        return values
    codes, uniques = pd.factorize(values)
    uniq = pd.Series(uniques, dtype=str)
    stripped = uniq.str.replace(_OFFSET, r"\1", regex=True)
    if (stripped == uniq).all():
        return values
    return pd.Series(stripped.to_numpy()[codes], index=values.index, dtype=str)


def _drop_zone_codes(fmt):
    return re.sub(r"\s*%[zZ]", "", fmt)


def _timezone_notes(texts):
    """Notes for the report on date columns written with UTC offsets; ``texts`` maps column -> text."""
    notes = []
    for column, text in texts.items():
        uniq = pd.Series(pd.unique(text), dtype=str)  # in order of first appearance: "" left out below
        uniq = uniq[uniq != ""].reset_index(drop=True)
        hits = uniq[uniq.str.extract(_OFFSET, expand=False).notna()]
        if hits.empty:
            continue
        found = sorted({v[_OFFSET.search(v).end(1) :].strip() for v in hits.head(10_000)})
        listed = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        notes.append(_t("mixed" if len(found) > 1 else "one", column=column, offsets=listed))
    return notes
