"""The sections of the client report, each computed by kamlab's analysis functions and drawn by its charts.

Every function takes the :class:`~kamlab.report.builder.Data` of :func:`kamlab.report.build` and
returns a :class:`~kamlab.report.model.Section`; :data:`STEPS` is the report order. Results that
later sections reuse (the key-account list, the wallet estimates, the portfolio models) are kept in
``data.results``, and what each section used goes into ``data.method`` (the method sheet).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamlab._util.labels import label
from kamlab.report.model import Section
from kamlab.report.texts import REPORT_LABELS, count, money, number, percent, text

__all__ = ["STEPS", "ABC_THRESHOLDS"]

ABC_THRESHOLDS = (0.8, 0.95)


def _figure(size=(9.0, 4.8)):
    """A matplotlib Figure outside pyplot (nothing to close, nothing shown by a notebook by accident)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)  # a canvas of its own: charts that measure their labels need a renderer
    return fig, fig.add_subplot()


def _title(d, key):
    return text(key, d.lang)


def _skipped(d, key, reason):
    return Section(key=key, title=_title(d, key), skipped=reason)


def _units_word(d):
    return text("units_grouped" if d.grouped else "units_accounts", d.lang)


def _level_text(d, values):
    pairs = {"group": REPORT_LABELS["level_group"], "account": REPORT_LABELS["level_account"]}
    index = 1 if d.lang == "de" else 0
    return values.map(lambda v: pairs[v][index] if v in pairs else v)


def _front(d, frame):
    """``frame`` with the id, name and level columns first (the level in the report's language)."""
    frame = frame.copy()
    if "unit_level" in frame.columns:
        frame["unit_level"] = _level_text(d, frame["unit_level"])
    first = [c for c in (d.id_col, "name", "unit_level", "entities") if c in frame.columns]
    return frame[[*first, *[c for c in frame.columns if c not in first]]].reset_index(drop=True)


def _measures(d):
    by = ["revenue"]
    if d.has_cost:
        by.append("contribution_margin")
    if d.has_cascade:
        by.append("db4")
    if "target_revenue" in d.units.columns:
        by.append("target_revenue")
    return by


# ----------------------------------------------------------------------------- key accounts
def key_accounts(d):
    from kamlab.identify.keylist import key_accounts as find

    by = _measures(d)
    result = find(d.units, share=d.share, by=tuple(by), id_col=d.id_col)
    d.results["key"] = result
    keys = result[result["key_account"]].copy()
    reasons = []
    for _, row in keys.iterrows():
        parts = [text("reason", d.lang, measure=label(m), rank=int(row[f"rank_{m}"])) for m in by if row[f"on_{m}"]]
        reasons.append("; ".join(parts))
    keys["reasons"] = reasons
    columns = [c for c in (d.id_col, "name", "unit_level", "entities") if c in keys.columns]
    columns += [*by, *[f"rank_{m}" for m in by], "reasons"]
    table = _front(d, keys[columns])
    measures = result.attrs.get("measures", {})
    lists = pd.DataFrame([{"measure": label(m), "n_on_list": int(measures[m]["n_on_list"]),
                           "covered_of_positive": float(measures[m]["covered_of_positive"])} for m in by])
    total = float(d.units["revenue"].sum())
    key_revenue = float(keys["revenue"].sum())
    names = [label(m) for m in by]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {text('and', d.lang)} {names[-1]}"
    texts = [text("ka_text", d.lang, n_key=count(len(keys), d.lang), n_units=count(len(result), d.lang),
                  units=_units_word(d), share=percent(d.share, d.lang, 0), measures=joined,
                  revenue=money(key_revenue, d.lang, 0),
                  revenue_share=percent(key_revenue / total if total else np.nan, d.lang))]
    if d.grouped:
        membership = d.units.attrs.get("membership")
        texts.append(text("ka_groups", d.lang, n_groups=count(membership["group_id"].nunique(), d.lang),
                          n_entities=count(len(membership), d.lang)))
    if not d.has_cost:
        texts.append(text("no_cost", d.lang))
    source = f"kamlab.key_accounts(units, share={d.share}, by={tuple(by)}, id_col={d.id_col!r})"
    if d.grouped:
        source = "kamlab.rollup(account table, groups, standalone='keep'); " + source
    d.method[_m(d, "Key accounts", "Key Accounts")] = (
        f"{percent(d.share, d.lang, 0)} " + _m(d, "of each measure (OR rule): ", "jeder Kennzahl (ODER-Regel): ")
        + joined)
    return Section(key="key_accounts", title=_title(d, "key_accounts"), texts=texts,
                   tables={"key_accounts": table, "lists": lists}, source=source)


def _m(d, english, german):
    return german if d.lang == "de" else english


# ----------------------------------------------------------------------------- overview
def _concentration(d):
    if "concentration" not in d.results:
        from kamlab.identify.concentration import concentration

        d.results["concentration"] = concentration(d.units, value="revenue")
    return d.results["concentration"]


def overview(d):
    table, units = d.table, d.units
    key = d.results["key"]
    rows = [("accounts", _m(d, "Accounts with revenue", "Kunden mit Umsatz"), int((table["revenue"] > 0).sum()),
             "count")]
    if d.grouped:
        rows.append(("units", _m(d, "Units (customer groups counted once)", "Einheiten (Konzerne einmal gezählt)"),
                     len(units), "count"))
    revenue = float(table["revenue"].sum())
    rows.append(("revenue", label("revenue"), revenue, "money"))
    if d.has_cost:
        margin = float(table["contribution_margin"].sum())
        rows += [("contribution_margin", label("db1") if d.has_cascade else label("contribution_margin"),
                  margin, "money"),
                 ("margin_rate", label("margin_rate"), margin / revenue if revenue > 0 else np.nan, "share")]
    if d.has_cascade:
        db4, net = float(table["db4"].sum()), float(table["net_revenue"].sum())
        rows += [("db4", label("db4"), db4, "money"),
                 ("db4_rate", label("db4_rate"), db4 / net if net > 0 else np.nan, "share")]
    n_key = int(key["key_account"].sum())
    key_revenue = float(key.loc[key["key_account"], "revenue"].sum())
    rows += [("key_accounts", _m(d, "Key accounts", "Key Accounts"), n_key, "count"),
             ("key_account_revenue_share", _m(d, "Key accounts' share of revenue", "Umsatzanteil der Key Accounts"),
              key_revenue / revenue if revenue else np.nan, "share")]
    conc = _concentration(d)
    rows += [("share_top_20pct", _m(d, "Revenue share of the top 20 %", "Umsatzanteil der größten 20 %"),
              float(conc.top_shares[0.2]), "share"),
             ("gini", label("gini"), float(conc.gini), "number")]
    frame = pd.DataFrame(rows, columns=["key", "figure", "value", "unit"])
    period = text("period", d.lang, start=_date(d, d.start), end=_date(d, d.as_of))
    texts = [text("ov_text", d.lang, n_accounts=count(rows[0][2], d.lang), period=period,
                  revenue=money(revenue, d.lang, 0))]
    if d.has_cost:
        texts.append(text("ov_margin", d.lang, margin=money(margin, d.lang, 0),
                          rate=percent(margin / revenue if revenue > 0 else np.nan, d.lang)))
    d.method[_m(d, "Period", "Zeitraum")] = period
    d.method[_m(d, "Data as of", "Datenstand")] = _date(d, d.as_of)
    return Section(key="overview", title=_title(d, "overview"), texts=texts, tables={"key_figures": frame},
                   source="account table (kamlab.accounts_from_transactions; cost to serve summed per account)")


def _date(d, value):
    from kamlab.report.texts import date

    return date(value, d.lang)


# ----------------------------------------------------------------------------- ABC
def abc(d):
    from kamlab.identify.abc import abc_analysis, abc_summary
    from kamlab.identify.plots import pareto_chart

    result = abc_analysis(d.units, value="revenue", thresholds=ABC_THRESHOLDS, rule="cover", id_col=d.id_col)
    d.results["abc"] = result
    summary = abc_summary(result).reset_index()
    columns = [c for c in (d.id_col, "name", "unit_level", "revenue", "share", "cumulative_share", "rank", "abc")
               if c in result.columns]
    table = _front(d, result[columns].assign(abc=result["abc"].astype(str)))
    tables = {"abc": table, "abc_summary": summary}
    class_a = summary[summary["abc"] == "A"].iloc[0]
    texts = [text("abc_text", d.lang, n_a=count(class_a["accounts"], d.lang), units=_units_word(d),
                  share_a=percent(class_a["share_of_ranked"], d.lang), value_a=percent(class_a["share_of_value"],
                                                                                        d.lang),
                  thresholds=" / ".join(percent(t, d.lang, 0) for t in ABC_THRESHOLDS))]
    source = f"kamlab.abc_analysis(units, value='revenue', thresholds={ABC_THRESHOLDS}, rule='cover'); " \
             "kamlab.abc_summary; kamlab.pareto_chart"
    if d.has_cost:
        measure = "db4" if d.has_cascade else "contribution_margin"
        by_margin = abc_analysis(d.units, value=measure, thresholds=ABC_THRESHOLDS, rule="cover", id_col=d.id_col)
        margin_summary = abc_summary(by_margin).reset_index()
        tables[f"abc_summary_{measure}"] = margin_summary
        n_a = margin_summary.loc[margin_summary["abc"] == "A", "accounts"]
        texts.append(text("abc_db_text", d.lang, measure=label(measure), n_a=count(n_a.iloc[0], d.lang),
                          units=_units_word(d)))
        source += f"; kamlab.abc_analysis(units, value={measure!r})"
    fig, ax = _figure()
    pareto_chart(result, ax=ax)
    d.method[_m(d, "ABC analysis", "ABC-Analyse")] = _m(
        d, f"thresholds {ABC_THRESHOLDS[0]:.0%} / {ABC_THRESHOLDS[1]:.0%} of the cumulative revenue, rule 'cover' "
           "(a class ends with the unit whose cumulative share first reaches the threshold)",
        "Schwellen 80 % / 95 % des kumulierten Umsatzes, Regel 'cover' (eine Klasse endet mit der Einheit, deren "
        "kumulierter Anteil die Schwelle zuerst erreicht)")
    return Section(key="abc", title=_title(d, "abc"), texts=texts, tables=tables, figures={"pareto": fig},
                   source=source)


# ----------------------------------------------------------------------------- concentration
def concentration(d):
    from kamlab.identify.plots import lorenz_curve

    conc = _concentration(d)
    rows = [("accounts", label("accounts") if not d.grouped else label("unit_id"), conc.n_accounts),
            ("gini", label("gini"), conc.gini), ("hhi", label("hhi"), conc.hhi)]
    for fraction, share in conc.top_shares.items():
        rows.append((f"share_top_{fraction * 100:g}pct",
                     _m(d, f"Share of the top {fraction * 100:g} %", f"Anteil der größten {fraction * 100:g} %"),
                     share))
    rows += [("accounts_for_50pct", _m(d, "Units making half the revenue", "Einheiten für die Hälfte des Umsatzes"),
              conc.n_for_50),
             ("accounts_for_80pct", _m(d, "Units making 80 % of revenue", "Einheiten für 80 % des Umsatzes"),
              conc.n_for_80)]
    frame = pd.DataFrame(rows, columns=["key", "figure", "value"])
    frame["value"] = frame["value"].astype(float)
    texts = [text("conc_text", d.lang, units=_units_word(d), top20=percent(conc.top_shares[0.2], d.lang),
                  n50=count(conc.n_for_50, d.lang), gini=number(conc.gini, d.lang, 3))]
    fig, ax = _figure((6.0, 5.0))
    lorenz_curve(conc, ax=ax)
    return Section(key="concentration", title=_title(d, "concentration"), texts=texts,
                   tables={"concentration": frame}, figures={"lorenz": fig},
                   source="kamlab.concentration(units, value='revenue'); kamlab.lorenz_curve")


# ----------------------------------------------------------------------------- cascade
CASCADE_LEVELS = ("revenue", "net_revenue", "db1", "db2", "db3", "db4")


def cascade(d):
    from kamlab.data.cascade import contribution_cascade
    from kamlab.identify.plots import db_waterfall

    if not d.has_cascade:
        if d.cascade_note.startswith("failed: "):
            return _skipped(d, "cascade", text("cascade_failed", d.lang, error=d.cascade_note[8:]))
        return _skipped(d, "cascade", text("cascade_skipped", d.lang))
    levels = d.table.attrs.get("levels")
    items = [c for c in ("revenue", "discounts_rebates", "cost", *[c for _, cs in (levels or []) for c in cs])
             if c in d.table.columns]
    totals = d.table[list(dict.fromkeys(items))].sum().to_frame().T
    totals.attrs = {}
    whole = contribution_cascade(totals, levels).iloc[0]
    table = pd.DataFrame({"level_name": [label(c) for c in CASCADE_LEVELS],
                          "amount": [float(whole[c]) for c in CASCADE_LEVELS],
                          "rate": [np.nan, 1.0, *[float(whole[f"{c}_rate"]) for c in CASCADE_LEVELS[2:]]]})
    columns = [c for c in (d.id_col, "name", "unit_level", *CASCADE_LEVELS, "db4_rate") if c in d.units.columns]
    by_unit = _front(d, d.units[columns].sort_values("revenue", ascending=False))
    fig, ax = _figure()
    db_waterfall(d.table, ax=ax)
    texts = [text("cascade_text", d.lang, revenue=money(whole["revenue"], d.lang, 0),
                  db1=money(whole["db1"], d.lang, 0), db1_rate=percent(whole["db1_rate"], d.lang),
                  db4=money(whole["db4"], d.lang, 0), db4_rate=percent(whole["db4_rate"], d.lang))]
    steps = "; ".join(f"{label(name)} = {' − '.join([label('net_revenue' if name == 'db1' else prev)] + [label(c) for c in cs])}"
                      for (name, cs), prev in zip(levels, ["net_revenue", "db1", "db2", "db3"], strict=False))
    d.method[_m(d, "Contribution-margin cascade", "Deckungsbeitragsrechnung")] = (
        f"{label('net_revenue')} = {label('revenue')} − {label('discounts_rebates')}; {steps}")
    return Section(key="cascade", title=_title(d, "cascade"), texts=texts,
                   tables={"cascade": table, "by_unit": by_unit}, figures={"waterfall": fig},
                   source="kamlab.contribution_cascade(account table); kamlab.db_waterfall")


# ----------------------------------------------------------------------------- revenue vs margin
def revenue_vs_margin(d):
    from kamlab.identify.abc import abc_crosstab
    from kamlab.identify.plots import abc_heatmap

    if not d.has_cost:
        return _skipped(d, "revenue_vs_margin", text("no_cost", d.lang))
    measure = "db4" if d.has_cascade else "contribution_margin"
    table = abc_crosstab(d.units, rows="revenue", columns=measure, thresholds=ABC_THRESHOLDS, id_col=d.id_col)
    same = int(sum(table.loc[c, c] for c in table.index if c in table.columns))
    n_aa = int(table.loc["A", "A"]) if "A" in table.index and "A" in table.columns else 0
    fig, ax = _figure((6.5, 5.0))
    abc_heatmap(table, ax=ax)
    flat = table.copy()
    flat.columns = [str(c) for c in flat.columns]
    flat = flat.reset_index()
    flat[flat.columns[0]] = flat[flat.columns[0]].astype(str)
    texts = [text("rvm_text", d.lang, n_same=count(same, d.lang), n_units=count(int(table.to_numpy().sum()), d.lang),
                  units=_units_word(d), measure=label(measure), n_aa=count(n_aa, d.lang))]
    return Section(key="revenue_vs_margin", title=_title(d, "revenue_vs_margin"), texts=texts,
                   tables={"crosstab": flat}, figures={"heatmap": fig},
                   source=f"kamlab.abc_crosstab(units, rows='revenue', columns={measure!r}); kamlab.abc_heatmap")


#: The first sections in report order (:mod:`kamlab.report.analysis_more` has the rest).
STEPS = (key_accounts, overview, abc, concentration, cascade, revenue_vs_margin)
