"""Amounts in money: their currency and the contribution margin beside revenue and cost.

- Currency: from a currency column ("Währung", "Currency", "WKZ"), from the column names
  ("Umsatz EUR") and from the cells ("1.234,56 €"). A file in one currency is read as it
  is and the report names the currency; amounts in more than one currency are refused
  unless ``currency=`` gives the factor that turns each into the reporting currency.
- Contribution margin (DB I per line, revenue minus cost of goods, in money): a column of
  rates ("25 %", 0.25) is refused; ``cost`` is computed from it when the file has no cost,
  and it is computed from ``cost`` when the file has no margin, as
  :func:`kamlab.accounts_from_transactions` does for the account table.
"""


from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kamlab._util.format import decimal as _decimal
from kamlab._util.format import translator
from kamlab.data.readers.cells import _currency_code
from kamlab.data.readers.columns import _header_currency
from kamlab.data.readers.dialect import _word
from kamlab.data.readers.report import _display, _list_lines
from kamlab.data.readers.texts import count, german, money
from kamlab.data.readers.threads import _pool_empty
from kamlab.errors import DataFormatError, ParameterError

# the columns that hold money (quantity and employees do not)
_AMOUNTS = ("revenue", "cost", "unit_price", "unit_cost", "contribution_margin")
# revenue - cost and the margin may differ by a rounded cent
_MARGIN_TOLERANCE = 0.0100001

_t = translator({
    "rates_type": (
        "currency= must be a dict from each currency to the factor that turns it into your reporting "
        "currency, e.g. currency={{'EUR': 1.0, 'USD': 0.92}}; not {value!r}.",
        "currency= muss ein dict von jeder Währung auf den Faktor in Ihre Berichtswährung sein, z. B. "
        "currency={{'EUR': 1.0, 'USD': 0.92}}; nicht {value!r}.",
    ),
    "rates_value": (
        "currency={{{code!r}: {value!r}}}: the factor must be a number above 0.",
        "currency={{{code!r}: {value!r}}}: der Faktor muss eine Zahl über 0 sein.",
    ),
    "rates_missing": (
        "{file}: the amounts are in {codes}, but currency= has no factor for {missing}. Add it, e.g. "
        "currency={example}.",
        "{file}: die Beträge sind in {codes}, aber currency= hat keinen Faktor für {missing}. Ergänzen Sie "
        "ihn, z. B. currency={example}.",
    ),
    "rates_no_currency": (
        "{file}: currency= gives factors, but the file does not say which currency its amounts are in (no "
        "currency column, no currency in the column names or the cells). Leave currency= out, or add a "
        "currency column to the file.",
        "{file}: currency= gibt Faktoren an, aber die Datei sagt nicht, in welcher Währung ihre Beträge sind "
        "(keine Währungsspalte, keine Währung in Spaltennamen oder Zellen). Lassen Sie currency= weg oder "
        "ergänzen Sie eine Währungsspalte.",
    ),
    "mixed": (
        "{where}: the amounts are in more than one currency: {counts}. kamlab does not add up different "
        "currencies. Pass currency= with the factor that turns each into your reporting currency, e.g. "
        "currency={example}, f being what one unit of that currency is worth in the first.",
        "{where}: die Beträge sind in mehr als einer Währung: {counts}. kamlab addiert keine verschiedenen "
        "Währungen. Geben Sie mit currency= den Faktor an, der jede in Ihre Berichtswährung umrechnet, z. B. "
        "currency={example}, wobei f der Wert einer Einheit dieser Währung in der ersten ist.",
    ),
    "where": ("{file}, {word} {line}, column {column!r}", "{file}, {word} {line}, Spalte {column!r}"),
    "line": ("line", "Zeile"),
    "row": ("row", "Zeile"),
    "rows": ("{n} rows", "{n} Zeilen"),
    "one_row": ("1 row", "1 Zeile"),
    "first_in": ("first in {word} {line}", "zuerst in {word} {line}"),
    "bad_currency": (
        "cannot read {value!r} as a currency (expected a code such as EUR, USD, CHF or a sign such as €)",
        "{value!r} ist keine Währung (erwartet wird ein Code wie EUR, USD, CHF oder ein Zeichen wie €)",
    ),
    "conflict": (
        "the currency is unclear: {first} says {a}, {second} says {b}",
        "die Währung ist unklar: {first} sagt {a}, {second} sagt {b}",
    ),
    "by_name": ("the column name {name!r}", "der Spaltenname {name!r}"),
    "by_cell": ("the amount {value!r}", "der Betrag {value!r}"),
    "by_column": ("the currency column", "die Währungsspalte"),
    "no_currency": (
        "the currency is empty, and the file has amounts in {codes}",
        "die Währung ist leer, und die Datei hat Beträge in {codes}",
    ),
    "one_currency": ("the amounts are in {code}.", "die Beträge sind in {code}."),
    "assumed": (
        "{n} rows without a currency ({word}s {lines}) were read as {code}, the only currency in the file.",
        "{n} Zeilen ohne Währung (Zeilen {lines}) wurden als {code} gelesen, die einzige Währung der Datei.",
    ),
    "converted": (
        "amounts converted into {target} with currency=: {factors}.",
        "Beträge mit currency= in {target} umgerechnet: {factors}.",
    ),
    "reporting": ("the reporting currency", "die Berichtswährung"),
    "rates": (
        "{where}: {column!r} holds rates, not amounts ({examples}): {why}. kamlab's contribution_margin is the "
        "margin of each line in money (DB I: revenue minus cost of goods). If {column!r} is a margin rate, keep "
        "it under its own name with columns={{{column!r}: None}}.",
        "{where}: {column!r} enthält Quoten, keine Beträge ({examples}): {why}. contribution_margin ist bei "
        "kamlab der Deckungsbeitrag jeder Zeile in Geld (DB I: Umsatz minus Wareneinsatz). Ist {column!r} eine "
        "DB-Quote, behalten Sie sie unter ihrem Namen mit columns={{{column!r}: None}}.",
    ),
    "why_percent": ("values carry '%'", "Werte tragen '%'"),
    "why_small": (
        "every value lies between -1 and 1 while the revenue does not",
        "alle Werte liegen zwischen -1 und 1, der Umsatz nicht",
    ),
    "cost_from_margin": (
        "cost computed as revenue - contribution margin (column {name!r}).",
        "Wareneinsatz berechnet als Umsatz - Deckungsbeitrag (Spalte {name!r}).",
    ),
    "margin_from_cost": (
        "contribution margin computed as revenue - cost (column {name!r}), as in the account table.",
        "Deckungsbeitrag berechnet als Umsatz - Wareneinsatz (Spalte {name!r}), wie in der Kundentabelle.",
    ),
    "margin_mismatch": (
        "the contribution margin {margin} is not revenue - cost ({revenue} - {cost} = {difference})",
        "der Deckungsbeitrag {margin} ist nicht Umsatz - Wareneinsatz ({revenue} - {cost} = {difference})",
    ),
})


def _where(path, raw, position, column):
    """"file, line 3, column 'Umsatz'" in the current language."""
    return _t("where", file=_display(path), word=_t(_word(raw)), line=int(raw.lines[position]), column=column)


def _check_rates(rates):
    """``currency=`` as ``{ISO code: factor}``, or None."""
    if rates is None:
        return None
    if not isinstance(rates, Mapping) or not rates:
        raise ParameterError(_t("rates_type", value=rates))
    out = {}
    for key, value in rates.items():
        code = _currency_code(key) or (str(key).strip().upper() if str(key).strip().isalpha() else None)
        ok = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
        if code is None or not ok or not math.isfinite(value) or value <= 0:
            raise ParameterError(_t("rates_value", code=key, value=value))
        out[code] = float(value)
    return out


def _read_currency_column(raw, source, problems):
    """The currency column as ISO codes ("€" and "eur" -> "EUR"), NaN where empty."""
    text = raw.text[source]
    codes = text.map(_currency_code)
    codes = codes.where(codes.notna() | ~text.str.fullmatch(r"[A-Za-z]{3}").fillna(False), text.str.upper())
    bad = (codes.isna() & (text != "")).to_numpy()
    if bad.any():
        problems.add(bad, source, np.array([_t("bad_currency", value=v) for v in text], dtype=object))
    return codes.where(codes.notna(), np.nan).reset_index(drop=True)


def _stated_currencies(raw, mapping, out, cell_currency, problems):
    """``{amount column in the file: currency of each cell or None}`` from every source of a currency.

    The sources are the cell ("12,50 €"), the column's name ("Umsatz EUR") and the
    currency column (for every amount of its row); two of them saying different
    currencies for a cell is a problem of that row.
    """
    n = len(raw.text)
    by_row = np.full(n, None, dtype=object)
    row_source = None
    if "currency" in out:
        row_source = next(s for s, c in mapping.items() if c == "currency")
        by_row = out["currency"].to_numpy(dtype=object).copy()
        by_row[pd.isna(by_row)] = None
    found = {}
    conflict = np.zeros(n, dtype=bool)
    for source, canon in mapping.items():
        if canon not in _AMOUNTS:
            continue
        filled = out[canon].notna().to_numpy()
        header = _header_currency(source)
        cells = cell_currency.get(source)
        texts = raw.text[source]  # read a cell only where it is named in a message
        stated = []
        if cells is not None and pd.notna(cells).any():
            stated.append((cells, lambda i, t=texts: _t("by_cell", value=t.iat[i])))
        if header:
            stated.append((np.full(n, header, dtype=object), lambda i, s=source: _t("by_name", name=s)))
        if row_source is not None:
            stated.append((by_row, _by_column))
        codes = np.full(n, None, dtype=object)
        said_by = np.full(n, None, dtype=object)
        for stated_codes, who in stated:
            here = pd.notna(stated_codes) & filled
            clash = here & pd.notna(codes) & (stated_codes != codes)
            for i in np.flatnonzero(clash):
                reason = _t("conflict", first=said_by[i](i), a=codes[i], second=who(i), b=stated_codes[i])
                problems.add(np.arange(n) == i, source, reason)
            conflict |= clash
            new = here & pd.isna(codes)
            codes[new] = stated_codes[new]
            said_by[np.flatnonzero(new)] = who
        found[source] = codes
    # a row whose currency is unclear is a problem of its own; it says nothing about the file's currencies
    for codes in list(found.values()) + [by_row]:
        codes[conflict] = None
    return found, by_row, row_source


def _no_currency_stated(mapping, out, cell_currency):
    """True if no cell, column name or currency column names a currency (the common case, checked at once)."""
    if "currency" in out:
        return False
    for source, canon in mapping.items():
        if canon not in _AMOUNTS:
            continue
        cells = cell_currency.get(source)
        if _header_currency(source) or (cells is not None and pd.notna(cells).any()):
            return False
    return True


def _by_column(i):
    return _t("by_column")


def _apply_currency(raw, mapping, out, cell_currency, problems, rates, report):
    """Name the file's currency in the report; refuse mixed currencies, or convert them with ``rates``."""
    if _no_currency_stated(mapping, out, cell_currency):
        if rates is not None:
            raise ParameterError(_t("rates_no_currency", file=_display(report.path)))
        return
    found, by_row, row_source = _stated_currencies(raw, mapping, out, cell_currency, problems)
    order = []  # (first position, code, column)
    for source, codes in list(found.items()) + ([(row_source, by_row)] if row_source else []):
        for code in set(pd.unique(codes[pd.notna(codes)])):  # not a Python loop over millions of cells
            order.append((int(np.argmax(codes == code)), code, source))
    order.sort(key=lambda o: (o[0], o[2] != row_source, list(raw.names).index(o[2])))
    codes = list(dict.fromkeys(code for _, code, _ in order))
    if rates is None:
        if len(codes) > 1:
            raise _mixed_error(raw, found, by_row, row_source, codes, order, report)
        if len(codes) == 1:
            report.currency = codes[0]
            _note_assumed(raw, mapping, out, found, codes[0], report)
            if "currency" in out:
                out["currency"] = pd.Series(codes[0], index=out["currency"].index, dtype=object)
        return
    if not codes:
        raise ParameterError(_t("rates_no_currency", file=_display(report.path)))
    missing = [c for c in codes if c not in rates]
    if missing:
        raise ParameterError(_t("rates_missing", file=_display(report.path), codes=", ".join(codes),
                                missing=", ".join(missing), example=_example(codes, rates)))
    _convert_amounts(mapping, out, found, codes, rates, problems, report)


def _example(codes, rates=None):
    """``currency={'EUR': 1.0, 'USD': f}``-like text for messages."""
    rates = rates or {}
    shown = [f"{c!r}: {rates[c]:g}" if c in rates else f"{c!r}: {1.0 if i == 0 else 'f'}" for i, c in
             enumerate(codes)]
    return "{" + ", ".join(shown) + "}"


def _convert_amounts(mapping, out, found, codes, rates, problems, report):
    """Multiply every amount by the factor of its currency; amounts without one are problems if mixed."""
    for source, canon in mapping.items():
        if canon not in _AMOUNTS:
            continue
        cur = found[source]
        if len(codes) == 1:
            cur = np.where(pd.isna(cur), codes[0], cur)
        factor = np.array([rates.get(c, np.nan) if c is not None else np.nan for c in cur], dtype=float)
        hole = np.isnan(factor) & out[canon].notna().to_numpy()
        problems.add(hole, source, _t("no_currency", codes=", ".join(codes)))
        out[canon] = out[canon] * factor
    ones = [c for c, f in rates.items() if f == 1.0]
    target = ones[0] if len(ones) == 1 else None
    report.currency = target
    if "currency" in out:
        out["currency"] = pd.Series(target if target else np.nan, index=out["currency"].index, dtype=object)
    factors = ", ".join(f"{c} x " + _decimal(f"{rates[c]:g}") for c in codes)
    report.notes.append(_t("converted", target=target or _t("reporting"), factors=factors))


def _note_assumed(raw, mapping, out, found, code, report):
    """One currency in the file: amounts without a currency of their own are in it; say so."""
    if "currency" not in out:
        report.notes.append(_t("one_currency", code=code))
        return
    without = np.zeros(len(raw.text), dtype=bool)
    for source, canon in mapping.items():
        if canon in _AMOUNTS:
            without |= pd.isna(found[source]) & out[canon].notna().to_numpy()
    if without.any():
        lines = raw.lines[without].tolist()
        report.notes.append(_t("assumed", n=count(int(without.sum())), word=_t(_word(raw)), lines=_list_lines(lines),
                               code=code))


def _mixed_error(raw, found, by_row, row_source, codes, order, report):
    """The error for amounts in several currencies, naming the first cell in another currency than the first."""
    first, _, column = next(o for o in order if o[1] == codes[1])
    counts = []
    for code in codes:
        rows = np.zeros(len(raw.text), dtype=bool)
        for codes_of_column in list(found.values()) + [by_row]:
            rows |= codes_of_column == code
        at = np.flatnonzero(rows)
        n = _t("one_row") if len(at) == 1 else _t("rows", n=count(len(at)))
        counts.append(f"{code} ({n}, " + _t("first_in", word=_t(_word(raw)), line=int(raw.lines[at[0]])) + ")")
    return DataFormatError(
        _t("mixed", where=_where(report.path, raw, first, column), counts="; ".join(counts),
           example=_example(codes)),
        path=str(report.path), line=int(raw.lines[first]), column=column, value=raw.text[column].iloc[first],
    )


def _check_margin_is_an_amount(raw, mapping, out, report):
    """Refuse a contribution margin column that holds rates ("25 %", or every value within ±1)."""
    if "contribution_margin" not in out:
        return
    source = next(s for s, c in mapping.items() if c == "contribution_margin")
    text, values = raw.text[source], out["contribution_margin"]
    filled = values.notna().to_numpy()
    percent = text.str.contains("%", regex=False).to_numpy()
    revenue = out.get("revenue")
    big_revenue = revenue is not None and (revenue.abs() > 1).any()
    small = filled.any() and bool((values[filled].abs() <= 1).all()) and big_revenue
    if not (percent.any() or small):
        return
    shown = np.flatnonzero(percent if percent.any() else filled)[:2]
    examples = ", ".join(repr(text.iloc[i]) for i in shown)
    where = _where(report.path, raw, shown[0], source)
    raise DataFormatError(
        _t("rates", where=where, column=source, examples=examples, why=_t("why_percent" if percent.any() else
                                                                          "why_small")),
        path=str(report.path), line=int(raw.lines[shown[0]]), column=source, value=text.iloc[shown[0]],
    )


def _derive_margin(out, mapping, problems, report):
    """cost = revenue - margin, or margin = revenue - cost, or check that both add up."""
    if "revenue" not in out:
        return
    name_of = {c: s for s, c in mapping.items()}
    if "contribution_margin" in out and "cost" not in out:
        out["cost"] = _difference(out["revenue"], out["contribution_margin"])
        report.notes.append(_t("cost_from_margin", name=name_of["contribution_margin"]))
    elif "cost" in out and "contribution_margin" not in out:
        out["contribution_margin"] = _difference(out["revenue"], out["cost"])
        report.notes.append(_t("margin_from_cost", name=name_of.get("cost", "cost")))
    elif "cost" in out and "contribution_margin" in out and "contribution_margin" in name_of:
        revenue, cost, margin = out["revenue"], out["cost"], out["contribution_margin"]
        off = ((revenue - cost - margin).abs() > _MARGIN_TOLERANCE).to_numpy()
        reasons = np.empty(len(off), dtype=object)
        for i in np.flatnonzero(off):
            reasons[i] = _t("margin_mismatch", margin=_cents(margin.iloc[i]), revenue=_cents(revenue.iloc[i]),
                            cost=_cents(cost.iloc[i]), difference=_cents(revenue.iloc[i] - cost.iloc[i]))
        problems.add(off, name_of["contribution_margin"], reasons)


def _difference(a, b):
    """``a - b`` of two columns; of two big float columns into memory from Arrow's pool (:func:`_pool_empty`)."""
    if a.dtype != np.float64 or b.dtype != np.float64 or not a.index.equals(b.index):
        return a - b
    out = _pool_empty(len(a), np.float64)
    with np.errstate(all="ignore"):  # as pandas: inf - inf is NaN without a warning
        np.subtract(a.to_numpy(), b.to_numpy(), out=out)
    return pd.Series(out, index=a.index, copy=False)


def _cents(value):
    """An amount in a reason: 1234.50 (German 1.234,50)."""
    return money(value) if german() else f"{value:.2f}"
