"""Lines that are not data rows although they look like them: total lines and a cut-off last line.

- ``_find_total_lines``: footer and subtotal lines ("Summe", "Gesamt", "Total",
  "Zwischensumme", "Summe Kunde 4711", ...). A line is a total line when one of its cells
  starts with a total word (followed by nothing, a number or date, or words such as
  "Kunde 4711"), or -- when the account id is not required -- when its account id is empty
  and its revenue is the sum of the lines above. That sum only corroborates: a repeated
  amount or a credit note that cancels a purchase is a data row like any other.
- ``_cut_last_line``: a download cut off in the last line -- no line break at the end and
  fewer fields than the lines above, an open quote, or a last value that is a cut-short
  version of the column's values ("12,5" among "10,00", "99,50").

Both are whole-row problems: with ``errors="raise"`` they stop the load naming the line,
with ``errors="drop"`` the line is set aside and listed in the report.
"""


from __future__ import annotations

import csv
import re
from collections import Counter

import numpy as np
import pandas as pd

from kamlab._util.format import count as _count
from kamlab._util.format import decimal as _in_language
from kamlab._util.format import translator
from kamlab._util.labels import get_language
from kamlab.data.readers.fast import _filled_cells
from kamlab.data.readers.totals import _maybe_total

_t = translator({
    "line": ("line", "Zeile"),
    "row": ("row", "Zeile"),
    "sum_above": (
        "its revenue {value} is the sum of the {n} lines above",
        "sein Umsatz {value} ist die Summe der {n} Zeilen darüber",
    ),
    "total_word": (
        "{value!r} marks a total or subtotal line, not an invoice line{also}; kamlab never reads it as an "
        "account. Delete total lines from the file",
        "{value!r} kennzeichnet eine Summen- oder Zwischensummenzeile, keine "
        "Rechnungszeile{also}; kamlab liest sie nie als Kunden. Löschen Sie Summenzeilen aus der Datei",
    ),
    "total_sum": (
        "the account id is empty and {also}: a total or subtotal line, not an invoice line. Delete total "
        "lines from the file",
        "die Kundennummer ist leer und {also}: eine Summen- oder Zwischensummenzeile, keine "
        "Rechnungszeile. Löschen Sie Summenzeilen aus der Datei",
    ),
    "total_note": (
        "{n} {word}(s) look like total or subtotal lines ({word}(s) {shown}); they are not read as invoice "
        "lines or accounts.",
        "{n} Zeilen sehen wie Summen- oder Zwischensummenzeilen aus (Zeilen {shown}); sie werden nicht als "
        "Rechnungszeilen oder Kunden gelesen.",
    ),
    "total_note_one": (
        "{n} {word}(s) look like total or subtotal lines ({word}(s) {shown}); they are not read as invoice "
        "lines or accounts.",
        "{n} Zeile sieht wie eine Summen- oder Zwischensummenzeile aus (Zeile {shown}); sie wird nicht als "
        "Rechnungszeile oder Kunde gelesen.",
    ),
    "cut": (
        "the file ends in the middle of this line: there is no line break after it and {why}. Was the download "
        "or export interrupted? Get the file again; if the line is complete, add a line break at the end of "
        "the file",
        "die Datei endet mitten in dieser Zeile: danach kommt kein Zeilenumbruch, und {why}. Wurde der "
        "Download oder Export unterbrochen? Holen Sie die Datei erneut; ist die Zeile vollständig, fügen Sie "
        "am Ende der Datei einen Zeilenumbruch an",
    ),
    "why_quote": ("it ends inside a quoted value", "sie endet innerhalb eines Werts in Anführungszeichen"),
    "why_fields": (
        "it has {n} of the {usual} fields the lines above have",
        "sie hat {n} der {usual} Felder der Zeilen darüber",
    ),
    "why_empty": (
        "its last value is empty, unlike every other value of its column",
        "ihr letzter Wert ist leer, anders als alle anderen Werte ihrer Spalte",
    ),
    "why_decimals": (
        "its last value {value!r} has fewer decimals than the values above it ({example!r})",
        "ihr letzter Wert {value!r} hat weniger Nachkommastellen als die Werte darüber ({example!r})",
    ),
    "why_short": (
        "its last value {value!r} looks cut short beside the values above it ({example!r})",
        "ihr letzter Wert {value!r} sieht neben den Werten darüber abgeschnitten aus ({example!r})",
    ),
})

_TOTAL_START = re.compile(r"(?i)^\s*(?:ges|sum|zwi|end|ins|übe|ueb|gra|sub|tot)")
_TOTAL = re.compile(
    r"(?i)^\s*(?P<word>gesamtsumme|zwischensumme|endsumme|summen|summe|gesamtbetrag|gesamt|insgesamt|"
    r"übertrag|uebertrag|grand\s+total|sub-?\s?totals?|totals?|sum)(?![\w-])[\s:.=\-–]*(?P<rest>.*)$"
)
_MONTHS = (
    "januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    "january|february|march|may|june|july|october|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|okt|nov|dec|dez"
)
# what may follow the total word: nothing, a number, date or period, or whose total it is
_TOTAL_REST = re.compile(
    r"(?i)^(?:[\d\s.,/\-:()#%€$]*|\d[\d.,]*\s+(?:kunden|accounts|customers|positionen|zeilen|lines|rows|"
    r"posten|belege|rechnungen|invoices)\b.*|(?:kunden?|kundennr|kd|customer|account|konto|debitor|client|für|fuer|for|per|"
    r"of|aller|alle|all|netto|brutto|net|gross|eur|euro|umsatz|umsätze|umsaetze|revenue|sales|monat|month|jahr|"
    r"year|quartal|quarter|q[1-4]|periode|period|zeitraum|seite|page|region|gebiet|land|country|warengruppe|"
    r"produktgruppe|artikel|product|vertreter|kam|manager|" + _MONTHS + r")\b.*)$"
)


def _is_total_text(value):
    """True for a cell such as "Summe", "Gesamt:", "Total 2024" or "Summe Kunde 4711" (not "Total AG")."""
    match = _TOTAL.match(value)
    return bool(match) and bool(_TOTAL_REST.match(match.group("rest").strip()))


def _total_words(raw):
    """For each row the position in ``raw.names`` of the column whose cell marks a total line (-1: none);
    None when no row is one.

    Positions, not names: no Python object per row (fast on millions of rows).
    """
    found = None  # made at the first candidate: most files have none
    for k, name in enumerate(raw.names):
        col = raw.text[name]
        maybe = _maybe_total(col, _TOTAL_START, _categories_of(raw, name))
        if maybe is None or not maybe.any():
            continue
        if found is None:
            found = np.full(len(raw.text), -1, dtype=np.int32)
        maybe = maybe & (found < 0)
        for i in np.flatnonzero(maybe):
            if _is_total_text(col.iat[i]):
                found[i] = k
    return found


def _categories_of(raw, name):
    """The Parquet category column whose decoded, stripped cells ``raw.text[name]`` holds, or None."""
    if raw.meta.get("format") != "parquet" or name in raw.meta.get("lazy", ()):
        return None
    col = raw.meta.get("original", {}).get(name)
    if col is None or not isinstance(col.dtype, pd.CategoricalDtype):
        return None
    return col if pd.api.types.is_string_dtype(col.cat.categories.dtype) else None


def _sum_of_lines_above(revenue, candidates):
    """For each candidate row: how many rows above it its revenue is the sum of (0: none).

    The rows summed are those since the previous candidate (a subtotal) or since the first
    row (a grand total); at least two of them, and a sum that is not zero.
    """
    n_above = np.zeros(len(candidates), dtype=np.int64)
    if revenue is None or not candidates.any():
        return n_above
    value = np.nan_to_num(np.asarray(revenue, dtype=float))
    plain = ~candidates
    sums = np.concatenate([[0.0], np.cumsum(np.where(plain, value, 0.0))])
    counts = np.concatenate([[0], np.cumsum(plain)])
    previous = 0
    for p in np.flatnonzero(candidates):
        for start in (previous, 0):
            k = counts[p] - counts[start]
            total = sums[p] - sums[start]
            if k >= 2 and value[p] != 0 and abs(value[p] - total) < 0.005 + 1e-9 * abs(total):
                n_above[p] = k
                break
        previous = p + 1
    return n_above


def _find_total_lines(raw, mapping, out, required, problems, report, words=None):
    """Record total and subtotal lines as problems of the row; a note in the report names them. ``words``:
    ``job()`` giving :func:`_total_words` of ``raw`` (started earlier), or None to look now."""
    words = _total_words(raw) if words is None else words()
    account = next((k for k, v in mapping.items() if v == "account_id"), None)
    if words is None and (account is None or "account_id" in required):
        return  # no total word, and no empty account id to look at here: no line to name (and no masks made)
    empty_id = np.zeros(len(raw.text), dtype=bool)
    if account is not None:
        empty_id = ~_filled_cells(raw.text[account])
        if raw.native.get(account) is not None:
            empty_id &= raw.native[account].isna().to_numpy()
    is_word = words >= 0 if words is not None else np.zeros(len(raw.text), dtype=bool)
    if "account_id" in required:
        # an empty required account id is a problem already (convert.py asks "is this a total line?")
        is_word &= ~empty_id
        empty_id = np.zeros(len(raw.text), dtype=bool)
    revenue = out.get("revenue")
    n_above = _sum_of_lines_above(None if revenue is None else revenue.to_numpy(), is_word | empty_id)
    by_sum = empty_id & ~is_word & (n_above > 0)
    if not (is_word.any() or by_sum.any()):
        return
    reasons = np.empty(len(raw.text), dtype=object)
    for i in np.flatnonzero(is_word | by_sum):
        value = _in_language(f"{revenue.iat[i]:,.2f}") if n_above[i] else ""
        also = _t("sum_above", value=value, n=n_above[i]) if n_above[i] else ""
        if is_word[i]:
            reasons[i] = _t("total_word", value=raw.text[raw.names[words[i]]].iat[i], also=f" ({also})" if also else "")
        else:
            reasons[i] = _t("total_sum", also=also)
    for k in dict.fromkeys(words[is_word].tolist() if words is not None else []):
        # not the rows with an empty required id: they are problems already, with their own reason
        problems.add((words == k) & is_word, raw.names[k], reasons)
    if by_sum.any():
        problems.add(by_sum, account, reasons)
    rows = np.flatnonzero(is_word | by_sum)
    shown = ", ".join(str(x) for x in raw.lines[rows][:8]) + (", ..." if len(rows) > 8 else "")
    word = _t("line" if raw.meta.get("format") == "text" else "row")
    n = _count(len(rows)) if get_language() == "de" else len(rows)  # English as always: 2969, German 2.969
    report.notes.append(_t("total_note_one" if len(rows) == 1 else "total_note", n=n, word=word, shown=shown))


def _split_line(line, sep):
    try:
        return next(csv.reader([line], delimiter=sep, quotechar='"', strict=False), [])
    except csv.Error:
        return line.split(sep)


def _cut_last_line(body, frame, lines, sep):
    """``(position, line, value, reason)`` for a last line cut off by an interrupted download, or ``None``.

    Only a file without a line break at its end can be cut; its last line then has
    fewer fields than the lines above, ends inside quotes, or ends in a value cut short.
    """
    if body.endswith("\n") or len(frame) < 2:
        return None
    last = body[body.rfind("\n") + 1 :]
    if not last.strip(" \t" + sep):
        return None
    if body.count('"') % 2 == 1:
        why = _t("why_quote")
    else:
        fields = _split_line(last, sep)
        before = body[max(0, len(body) - 100_000 - len(last)) : len(body) - len(last)].split("\n")[-201:-1]
        widths = Counter(len(_split_line(x, sep)) for x in before if x.strip(" \t" + sep))
        usual = widths.most_common(1)[0][0] if widths else len(fields)
        if len(fields) < usual:
            why = _t("why_fields", n=len(fields), usual=usual)
        elif not fields or len(fields) > frame.shape[1]:
            why = None  # more fields than columns: a structural problem of its own (or trailing separators)
        else:
            why = _cut_value(frame.iloc[1:-1, len(fields) - 1], fields[-1].strip())
    if why is None:
        return None
    reason = _t("cut", why=why)
    return (len(frame) - 2, int(lines[-1]), last, reason)


_NUMBERY = re.compile(r"^[\d\s.,:/+\-()€$%']*$")


def _cut_value(others, value):
    """Why ``value``, the file's last one, looks cut short beside the ``others`` of its column (or ``None``)."""
    others = others.tail(5000)
    if value == "":
        full = not others.empty and bool((others != "").all())
        return _t("why_empty") if full else None
    others = others[others != ""]
    if others.empty or not _NUMBERY.match(value) or others.str.match(_NUMBERY).mean() < 0.9:
        return None
    decimals = others.str.extract(r"[.,](\d+)$", expand=False).str.len().fillna(0)
    usual = decimals.mode().iloc[0]
    mine = len(re.search(r"[.,](\d+)$", value).group(1)) if re.search(r"[.,](\d+)$", value) else 0
    if usual > 0 and (decimals == usual).mean() >= 0.9 and mine < usual:
        return _t("why_decimals", value=value, example=others.iat[-1])
    shapes = set(others.str.replace(r"\d", "9", regex=True))
    shape = re.sub(r"\d", "9", value)
    if shape not in shapes and any(s.startswith(shape) for s in shapes):
        return _t("why_short", value=value, example=others.iat[-1])
    return None
