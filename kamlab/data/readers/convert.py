"""Converting the mapped columns of a raw table to their kinds, recording what cannot be used.

One column at a time: numbers (with the decimal mark decided for the whole file),
dates (warning when they are ambiguous), ids and text; empty required values,
computed revenue/cost and duplicate account ids. Every unusable cell goes to the
``_Problems`` collector of :mod:`kamlab.data.readers.report`.
"""


from __future__ import annotations

import functools
import re
import warnings

import numpy as np
import pandas as pd

from kamlab._util.format import decimal as _in_language
from kamlab._util.format import translator
from kamlab.data.readers.amounts import (
    _apply_currency,
    _check_margin_is_an_amount,
    _where,
    _check_rates,
    _derive_margin,
    _read_currency_column,
)
from kamlab.data.readers.cells import (
    _date_example,
    _date_shape,
    _native_numbers,
    _parse_amounts,
    _to_dates,
    _to_ids,
    _to_text,
)
from kamlab.data.readers.columns import _KINDS
from kamlab.data.readers.dialect import _word
from kamlab.data.readers.decimals import _ambiguous_mark, _detect_decimal
from kamlab.data.readers.fast import _filled_cells, _typed_column
from kamlab.data.readers.threads import _hand_back_memory, _thread_pool
from kamlab.data.readers.report import AmbiguousDatesWarning, _display
from kamlab.data.readers.texts import _t as _say
from kamlab.data.readers.texts import column_noun, count, id_noun, listed_and
from kamlab.errors import DataFormatError

_t = translator({
    "ambiguous": (
        "{where}: numbers such as {examples} have one {mark!r} followed by three digits, so they could be "
        "{as_thousands} (with {mark!r} as thousands separator) or {as_decimal} (with {mark!r} as decimal mark), "
        "and nothing else in the file tells which. Pass thousands={mark!r} for {as_thousands}, or "
        "decimal={mark!r} for {as_decimal}.",
        "{where}: Zahlen wie {examples} haben ein {mark!r} und danach drei Ziffern; sie können {as_thousands} "
        "sein ({mark!r} als Tausendertrennzeichen) oder {as_decimal} ({mark!r} als Dezimaltrennzeichen), und nichts "
        "sonst in der Datei zeigt, was gilt. Geben Sie thousands={mark!r} für {as_thousands} oder "
        "decimal={mark!r} für {as_decimal} an.",
    ),
    "in_line": ("{value!r} ({word} {line})", "{value!r} ({word} {line})"),
    "line": ("line", "Zeile"),
    "row": ("row", "Zeile"),
    "and": (" and ", " und "),
    "settled": (
        "numbers such as {value!r} in column {column!r} were read as {number} ({how}), because {why}.",
        "Zahlen wie {value!r} in Spalte {column!r} wurden als {number} gelesen ({how}), weil {why}.",
    ),
    "how_thousands": ("thousands separator {mark!r}", "Tausendertrennzeichen {mark!r}"),
    "how_decimal": ("decimal mark {mark!r}", "Dezimaltrennzeichen {mark!r}"),
    "why_numbers": (
        "other numbers in the file have the decimal mark {decimal!r}",
        "andere Zahlen der Datei das Dezimaltrennzeichen {decimal!r} haben",
    ),
    "why_dates": ("the dates are written with dots (31.12.2024)", "die Daten mit Punkten geschrieben sind (31.12.2024)"),
    "why_semicolon": (
        "the file is separated by ';' as German Excel writes it",
        "die Datei durch ';' getrennt ist, wie das deutsche Excel schreibt",
    ),
    "why_thousands": ("thousands={thousands!r} was given", "thousands={thousands!r} angegeben wurde"),
    "float_ids": (
        "column {column!r}: {n} ids written as decimal numbers such as {value!r} ({word} {line}) were read as "
        "{fixed!r}, the same id as without '.0'.",
        "Spalte {column!r}: {n} Nummern mit Nachkommastellen wie {value!r} ({word} {line}) wurden als "
        "{fixed!r} gelesen, dieselbe Nummer wie ohne Nachkommastellen.",
    ),
})
_DOTTED_DATE = r"\d{1,2}\.\d{1,2}\.\d{2,4}(?:[ T].*)?"


def _choose_decimal(raw, mapping, decimal, thousands, report, kinds=_KINDS):
    """Decide the decimal mark and thousands separator from the number columns written as text.

    A column whose numbers all look like "1.706" (one mark, three digits after it) is
    read by the file's other conventions: numbers with a clear decimal mark, dates
    written with dots, the separator ';'. Without any of them it is an error.
    """
    texts = {}
    for source, canon in mapping.items():
        if kinds[canon] != "number":
            continue
        nat = raw.native.get(source)
        text = raw.text[source]
        if nat is not None and _no_text(text):  # a typed column (Parquet, Excel) without a cell of text
            continue
        texts[source] = text if nat is None else text.where(nat.isna().to_numpy(), "")
    any_text = any((t != "").any() for t in texts.values())
    if decimal is None and thousands in (".", ","):
        decimal = "," if thousands == "." else "."
    if decimal is None:
        decimal, why = _decimal_and_why(raw, mapping, texts, thousands, report.path, kinds)
        if any_text and why is None:
            report.notes.append(_say("no_decimal", decimal=decimal))
        _explain_ambiguous(raw, texts, decimal, why, report)
    if thousands is None:
        thousands = "." if decimal == "," else ","
    if any_text or raw.meta["format"] == "text":
        report.decimal, report.thousands = decimal, thousands
    return decimal, thousands


def _no_text(text):
    """True for the lazy text of a typed column none of whose cells holds text (its only category is "")."""
    if not isinstance(text.dtype, pd.CategoricalDtype):
        return False
    categories = text.cat.categories
    return len(categories) == 1 and categories[0] == ""


def _decimal_and_why(raw, mapping, texts, thousands, path, kinds=_KINDS):
    """The decimal mark and the reason it is sure (a text for the report), or ``(default, None)``."""
    sep = raw.meta.get("sep")
    decimal, evidence = _detect_decimal(list(texts.values()), sep)
    if evidence:
        return decimal, _t("why_numbers", decimal=decimal)
    ambiguous = {s: _ambiguous_mark(t) for s, t in texts.items()}
    ambiguous = {s: am for s, am in ambiguous.items() if am[0] is not None}
    if not ambiguous:
        return decimal, None
    marks = {mark for mark, _ in ambiguous.values()}
    if thousands is not None and len(marks) == 1:
        # thousands="" (or " "): the mark of "1.706" is the decimal mark
        return marks.pop(), _t("why_thousands", thousands=thousands)
    dates = [raw.text[s] for s, c in mapping.items() if kinds[c] == "date"]
    dates = [d[d != ""] for d in dates]
    if any(len(d) and d.str.fullmatch(_DOTTED_DATE).mean() > 0.5 for d in dates):
        return ",", _t("why_dates")
    if sep == ";":
        return ",", _t("why_semicolon")
    source, (mark, mask) = next(iter(ambiguous.items()))
    raise _ambiguous_error(raw, source, mark, mask, path)


def _explain_ambiguous(raw, texts, decimal, why, report):
    """Say in the report how the columns with numbers like "1.706" were read, and why."""
    if why is None:
        return
    for source, text in texts.items():
        mark, mask = _ambiguous_mark(text)
        if mark is None:
            continue
        value = text.to_numpy()[mask][0]
        how = _t("how_decimal" if mark == decimal else "how_thousands", mark=mark)
        report.notes.append(_t("settled", value=value, column=source, number=_reading(value, mark, mark == decimal),
                               how=how, why=why))


def _reading(value, mark, as_decimal):
    """How "1.706" reads with ``mark`` as decimal mark (1.706) or as thousands separator (1706)."""
    digits = "".join(ch for ch in value if ch.isdigit() or ch == mark)
    whole, frac = digits.split(mark)
    if not as_decimal:
        return whole + frac
    return _in_language(f"{whole}.{frac.rstrip('0') or '0'}")


def _ambiguous_error(raw, source, mark, mask, path):
    """The error for a column of numbers like "1.706" that nothing in the file explains."""
    text = raw.text[source]
    where_ambiguous = np.flatnonzero(mask)
    picks = list(dict.fromkeys(text.to_numpy()[where_ambiguous]))[:2]
    positions = [int(where_ambiguous[list(text.to_numpy()[where_ambiguous]).index(v)]) for v in picks]
    word = _t(_word(raw))
    examples = _t("and").join(
        _t("in_line", value=v, word=word, line=int(raw.lines[p])) for v, p in zip(picks, positions)
    )
    as_thousands = _t("and").join(_reading(v, mark, False) for v in picks)
    as_decimal = _t("and").join(_reading(v, mark, True) for v in picks)
    first = positions[0]
    where = _where(path, raw, first, source)
    return DataFormatError(
        _t("ambiguous", where=where, examples=examples, mark=mark, as_thousands=as_thousands,
           as_decimal=as_decimal),
        path=str(path), line=int(raw.lines[first]), column=source, value=picks[0],
    )


def _convert_numbers(raw, source, problems, decimal, thousands, parsed=None):
    """The column's numbers and the currency written in each cell ("12,50 €"; None where none; None for
    all when no cell names one).

    ``parsed``: ``_parse_amounts`` of the column's text, if done already (:func:`_parse_big_amounts`).
    """
    text, nat = raw.text[source], raw.native.get(source)
    parsed, bad, currency = _parse_amounts(text, decimal, thousands) if parsed is None else parsed
    if nat is None:
        values = parsed
    else:
        is_native, native_values = _native_numbers(nat)
        values = np.where(is_native, native_values, parsed)
        bad = bad & ~is_native
        if currency is not None:
            currency[is_native] = None
    if bad.any():
        shown = _say("thousands", thousands=thousands) if thousands else _say("no_thousands")
        reasons = [_say("bad_number", value=v, decimal=decimal, shown=shown) for v in text[bad].to_numpy()]
        problems.add(bad, source, _spread(reasons, bad))
    return pd.Series(values, dtype="float64", copy=False), currency  # a new array: not copied again (pandas 3)


_HAND_BACK_MIN_ROWS = 1_000_000  # a text file this long hands its columns' free memory back as each is converted


def _big_columns(raw, mapping, kinds):
    """The big number and date columns written as text (no typed cells): ``[(source, kind)]``."""
    return [(s, kinds[c]) for s, c in mapping.items() if kinds[c] in ("number", "date")
            and raw.native.get(s) is None and len(raw.text[s]) > 10_000]


def _start_big_columns(raw, big, pool, decimal, thousands, date_format, dayfirst):
    """``{source: job}``: the work on each big column that needs nothing else (parsing its cells), started in
    ``pool``'s threads; ``job()`` gives its result (or raises its error) where the loop asks for it. Without a
    pool the work is done then."""
    jobs = {}
    for source, kind in big:
        if kind == "number":
            job = functools.partial(_amounts_of, raw.text[source], decimal, thousands)
        else:
            job = functools.partial(_to_dates, raw.text[source], None, date_format, dayfirst, decimal == ",")
        if len(raw.text) >= _HAND_BACK_MIN_ROWS:
            job = functools.partial(_handing_back, job)
        jobs[source] = job if pool is None else pool.submit(job).result
    return jobs


def _handing_back(job):
    """``job()``, then the memory its temporary arrays took handed back to the system (a thread's heap keeps it
    otherwise, and the next column's work takes fresh memory beside it)."""
    try:
        return job()
    finally:
        _hand_back_memory()


def _amounts_of(text, decimal, thousands):
    """``_parse_amounts``, with None for the currencies when no cell names one (not an array of Nones)."""
    values, bad, currency = _parse_amounts(text, decimal, thousands)
    return values, bad, currency if currency is not None and pd.notna(currency).any() else None


def _convert_ids(raw, source, report):
    """An id column as text; ids written as floats ("10000.0") are read as whole numbers, with a note."""
    ids, floaty = _to_ids(raw.text[source], raw.native.get(source))
    ids = ids.reset_index(drop=True)
    text_floaty = floaty & (raw.text[source] != ids).to_numpy()
    if text_floaty.any():
        first = int(np.flatnonzero(text_floaty)[0])
        report.notes.append(_t(
            "float_ids", column=source, n=count(int(text_floaty.sum())), value=raw.text[source].iloc[first],
            word=_t(_word(raw)), line=int(raw.lines[first]), fixed=ids.iloc[first],
        ))
    return ids.astype("str").where(ids != "", np.nan)


def _convert_dates(raw, source, problems, date_format, dayfirst, day_default, report, job=None):
    """A date column; ``job()``: ``_to_dates`` of it if started already (:func:`_start_big_columns`)."""
    text = raw.text[source]
    values, bad, far, used, ambiguous = (job() if job is not None else
                                         _to_dates(text, raw.native.get(source), date_format, dayfirst, day_default))
    if used:
        report.date_format = " | ".join(used)
    if ambiguous:
        order = _say("day_first" if day_default else "month_first")
        message = _say("ambiguous_dates", value=text[text != ""].iloc[0], column=source, order=order,
                       fmt=report.date_format)
        report.notes.append(message)
        # _convert_dates < _convert_columns < _convert < _read < read_transactions < the caller
        warnings.warn(f"{_display(report.path)}: {message}", AmbiguousDatesWarning, stacklevel=6)
    shapes = [_date_shape(f) for f in used]
    expected = ", ".join(_date_example(f) for f in used) if used else _say("known_dates")
    reasons = [
        _say("far_date", value=v) if is_far
        else _say("no_such_day", value=v) if any(shape.fullmatch(v) for shape in shapes)
        else _say("bad_date", value=v, expected=expected)
        for v, is_far in zip(text[bad].to_numpy(), far[bad])
    ]
    if bad.any():
        problems.add(bad, source, _spread(reasons, bad))
    return values.reset_index(drop=True)


def _convert(raw, mapping, required, problems, *, decimal, thousands, dayfirst, date_format, report,
             currency=None, kinds=None):
    """Convert each mapped column to its kind; record unreadable and missing values.

    Then check the amounts' currency (and convert them with ``currency=`` rates) and that
    a contribution margin column holds amounts, not rates. ``kinds``: a
    :class:`~kamlab.data.readers.columns.ColumnVocabulary`'s kinds (default ``_KINDS``).
    """
    kinds = _KINDS if kinds is None else kinds
    rates = _check_rates(currency)
    decimal, thousands = _choose_decimal(raw, mapping, decimal, thousands, report, kinds)
    big = _big_columns(raw, mapping, kinds)
    with _thread_pool(len(big)) as pool:
        jobs = _start_big_columns(raw, big, pool, decimal, thousands, date_format, dayfirst)
        out, cell_currency = _convert_columns(raw, mapping, required, problems, jobs, kinds, decimal, thousands,
                                              dayfirst, date_format, report)
    if big and len(raw.text) >= _HAND_BACK_MIN_ROWS:  # the conversion's temporary arrays are gone: their memory too
        _hand_back_memory()
    _check_margin_is_an_amount(raw, mapping, out, report)
    _apply_currency(raw, mapping, out, cell_currency, problems, rates, report)
    return out, decimal, thousands


def _convert_columns(raw, mapping, required, problems, jobs, kinds, decimal, thousands, dayfirst, date_format,
                     report):
    """``(out, cell_currency)``: each mapped column converted to its kind, in the file's order."""
    out, cell_currency = {}, {}
    for source, canon in mapping.items():
        kind = kinds[canon]
        text, nat = raw.text[source], raw.native.get(source)
        typed = _typed_column(raw, source, kind, problems, report)  # typed Parquet columns: no text to parse
        if typed is not None:
            out[canon] = typed
        elif callable(kind):  # a vocabulary's own kind: text -> (values, reasons)
            values, reasons = kind(text.reset_index(drop=True))
            out[canon] = pd.Series(values).reset_index(drop=True)
            problems.add(pd.notna(np.asarray(reasons, dtype=object)), source, np.asarray(reasons, dtype=object))
        elif kind == "number":
            job = jobs.get(source)
            out[canon], cell_currency[source] = _convert_numbers(raw, source, problems, decimal, thousands,
                                                                 None if job is None else job())
        elif kind == "date":
            out[canon] = _convert_dates(raw, source, problems, date_format, dayfirst, decimal == ",", report,
                                        jobs.get(source))
        elif kind == "id":
            out[canon] = _convert_ids(raw, source, report)
        elif kind == "currency":
            out[canon] = _read_currency_column(raw, source, problems)
        else:
            out[canon] = _to_text(text, nat).reset_index(drop=True)
        if canon in required:
            if nat is not None and _no_text(text) and text.array.codes.min(initial=0) >= 0:
                empty = nat.isna().to_numpy()  # a typed column's lazy text, "" in every cell: no masks of it
            else:
                empty = ~_filled_cells(text)  # text == "" (a missing cell is not "")
                if nat is not None:
                    empty = empty & nat.isna().to_numpy()
            if canon == "account_id":
                problems.add(empty, source, _total_line_hint(raw.text, empty, _say("id_empty")))
            else:
                problems.add(empty, source, _say("is_empty", what=column_noun(canon)))
    return out, cell_currency


# canonical column -> the two columns it is the product of, when the file lacks it
_COMPUTABLE = {"revenue": ("quantity", "unit_price"), "cost": ("quantity", "unit_cost")}


def _compute_missing(out, mapping, required, problems, report):
    """revenue = quantity x unit_price (and cost = quantity x unit_cost) when not in the file."""
    file_name = {v: k for k, v in mapping.items()}
    for target, (a, b) in _COMPUTABLE.items():
        if target in out or a not in out or b not in out:
            continue
        out[target] = out[a] * out[b]
        if target == "revenue":
            report.revenue_computed = True
        else:
            nouns = {k: column_noun(k, article=False) for k in (target, a, b)}
            report.notes.append(_say("computed", target=nouns[target], a=nouns[a], b=nouns[b]))
        if target in required:
            for part in (a, b):
                hole = out[part].isna().to_numpy() & ~problems.rows
                reason = _say("cannot_compute", part=column_noun(part), target=column_noun(target))
                problems.add(hole, file_name[part], reason)
    _derive_margin(out, mapping, problems, report)


def _check_duplicate_ids(raw, out, mapping, problems, column="account_id"):
    """In an account table every account id (``column``) may appear once; name all lines of a repeated one."""
    ids = out[column]
    dup = ids.duplicated(keep=False).to_numpy() & ids.notna().to_numpy()
    if not dup.any():
        return
    lines_of = pd.Series(raw.lines[dup]).groupby(ids[dup].to_numpy()).agg(list)
    reasons = np.empty(len(ids), dtype=object)
    for idx in np.flatnonzero(dup):
        lines = lines_of[ids.iloc[idx]]
        reasons[idx] = _say("duplicate_id", what=id_noun(column), value=ids.iloc[idx], word=_word(raw),
                            listed=listed_and(lines))
    source = next(k for k, v in mapping.items() if v == column)
    problems.add(dup, source, reasons)


def _spread(reasons_for_bad, bad):
    """Place the reasons of the bad cells into a full-length array."""
    out = np.empty(len(bad), dtype=object)
    out[np.flatnonzero(bad)] = reasons_for_bad
    return out


_TOTAL_WORDS = re.compile(r"(?i)^(summe|gesamt|total|sum|zwischensumme|subtotal)\b")


def _total_line_hint(text, empty, reason):
    idx = np.flatnonzero(empty)
    if len(idx) == 0 or len(idx) > 1000:
        return reason  # one reason for all (no array of millions of cells)
    reasons = np.full(len(text), reason, dtype=object)
    for i in idx:
        if any(_TOTAL_WORDS.match(v) for v in text.iloc[i].to_numpy()):
            reasons[i] = reason + _say("total_hint")
    return reasons
