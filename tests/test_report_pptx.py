"""kamlab.report.slides: the deck read back with python-pptx (slides, titles, pictures, footers, template)."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from kamlab.errors import ParameterError
from kamlab.report import Report, Section
from kamlab.report.slides import to_pptx

EMU = 914400
NAMES = ["Müller & Söhne <GmbH>", '=HYPERLINK("http://x","klick")', "Plain AG"]


def _figure():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(["A", "B", "C"], [0.8, 0.15, 0.05])
    return fig


def _report(lang="de", plans=()):
    de = lang == "de"
    key_list = pd.DataFrame({
        "account_id": [f"K{i:05d}" for i in range(15)],
        "name": (NAMES * 5)[:15],
        "revenue": [100000.0 - 1000 * i for i in range(15)],
        "share_revenue": [0.05] * 15,
        "cumulative_share_revenue": [0.05 * (i + 1) for i in range(15)],
        "rank_revenue": list(range(1, 16)),
        "lists": ["revenue"] * 15,
    })
    overview = pd.DataFrame({"figure": ["revenue", "accounts", "margin_rate"], "value": [1234567.5, 1848, 0.3126]})
    chart = {"pareto": _figure()}
    sections = [
        Section("key_accounts", "Key-Account-Liste" if de else "Key-account list", tables={"list": key_list},
                texts=["15 Kunden & Gruppen <oben>."], source="kamlab.key_accounts(share=0.6)"),
        Section("overview", "Überblick" if de else "Overview", tables={"figures": overview}, source="kamlab.account_table"),
        Section("abc", "ABC-Analyse" if de else "ABC analysis", texts=["20 % der Kunden bringen 80 % des Umsatzes. Mehr."],
                figures=chart, tables={"abc": key_list.head(3)}, source="kamlab.abc_analysis; kamlab.pareto_chart"),
        Section("concentration", "Konzentration" if de else "Concentration", figures={"lorenz": _figure()},
                texts=["Gini 0,7."], source="kamlab.concentration; kamlab.lorenz_curve"),
        Section("cascade", "DB-Rechnung" if de else "CM cascade", skipped="keine Kosten: nur DB I" if de else "no costs"),
        Section("revenue_vs_margin", "Umsatz gegen DB" if de else "Revenue vs CM", figures={"heat": _figure()},
                source="kamlab.abc_crosstab; kamlab.abc_heatmap"),
        Section("portfolio", "Portfolio", skipped="keine Bewertungen: kein Portfolio" if de else "no ratings: no portfolio"),
        Section("followup", "Nachfassen" if de else "Follow-up", tables={"open": key_list.head(4)[["account_id", "name", "revenue"]]},
                source="kamlab.win_rates"),
        Section("method", "Methodik" if de else "Method", tables={"m": pd.DataFrame({"a": [1]})}),
    ]
    title = "Kundenanalyse Demo & Co <2025>" if de else "Account analysis Demo & Co <2025>"
    return Report(title, lang, pd.Timestamp("2025-12-31"), sections, plans=list(plans))


def _titles(deck):
    return [slide.shapes.title.text for slide in deck.slides]


def _pictures(slide):
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _all_text(slide):
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    path = to_pptx(_report("de"), tmp_path_factory.mktemp("pptx") / "deck.pptx")
    plt.close("all")
    return Presentation(path)


def test_slides_in_order_with_german_titles(german):
    assert _titles(german) == ["Kundenanalyse Demo & Co <2025>", "Kennzahlen", "ABC-Analyse", "Konzentration",
                               "Umsatz gegen DB", "Nachfassen", "Key-Account-Liste", "Nächste Schritte"]


def test_english_titles(tmp_path):
    deck = Presentation(to_pptx(_report("en"), tmp_path / "deck.pptx"))
    plt.close("all")
    assert _titles(deck) == ["Account analysis Demo & Co <2025>", "Key figures", "ABC analysis", "Concentration",
                             "Revenue vs CM", "Follow-up", "Key-account list", "Next steps"]
    assert "Data as of 2025-12-31" in _all_text(deck.slides[0])


def test_16_to_9_and_shapes_inside_the_slide(german):
    assert (round(german.slide_width / EMU, 3), round(german.slide_height / EMU, 3)) == (13.333, 7.5)
    for slide in german.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= german.slide_width + 1
            assert shape.top + shape.height <= german.slide_height + 1, (slide.shapes.title.text, shape.name)


def test_chart_slides_have_a_picture_and_the_takeaway(german):
    slides = {s.shapes.title.text: s for s in german.slides}
    for title in ("ABC-Analyse", "Konzentration", "Umsatz gegen DB"):
        assert len(_pictures(slides[title])) == 1, title
    assert "20 % der Kunden bringen 80 % des Umsatzes. Mehr." in _all_text(slides["ABC-Analyse"])
    assert not _pictures(slides["Key-Account-Liste"]) and not _pictures(slides["Kennzahlen"])


def test_every_slide_has_a_footer_with_source_and_date(german):
    sources = ["kamlab 0.1.0", "kamlab.account_table", "kamlab.abc_analysis; kamlab.pareto_chart",
               "kamlab.concentration; kamlab.lorenz_curve", "kamlab.abc_crosstab; kamlab.abc_heatmap",
               "kamlab.win_rates", "kamlab.key_accounts(share=0.6)", "kamlab"]
    for slide, source in zip(german.slides, sources, strict=True):
        footers = [s.text_frame.text for s in slide.shapes if s.name == "kamlab footer"]
        assert footers == [f"Quelle: {source} · Datenstand: 31.12.2025"]


def test_key_figures_and_key_account_list_are_native_tables_with_literal_names(german):
    slides = {s.shapes.title.text: s for s in german.slides}
    (figures,) = [s.table for s in slides["Kennzahlen"].shapes if s.has_table]
    cells = [[c.text for c in row.cells] for row in figures.rows]
    assert cells[1:] == [["Umsatz", "1.234.568 €"], ["Kunden", "1.848"], ["DB-Quote", "31,3 %"]]
    (table,) = [s.table for s in slides["Key-Account-Liste"].shapes if s.has_table]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][:3] == ["Rang Umsatz", "Kundennummer", "Name"] or rows[0][1] == "Kundennummer"
    assert len(rows) == 1 + 12
    names = [r[rows[0].index("Name")] for r in rows[1:4]]
    assert names == NAMES  # "<" and "&" literal, no escaping, no apostrophe
    assert "15 Kunden & Gruppen <oben>." in _all_text(slides["Key-Account-Liste"])
    assert "Die ersten 12 von 15 Zeilen" in _all_text(slides["Key-Account-Liste"])
    xml = slides["Key-Account-Liste"].shapes._spTree.xml
    assert "&lt;GmbH&gt;" in xml and "<GmbH>" not in xml  # well-formed XML, literal text for the reader


def test_next_steps_name_the_skipped_sections(german):
    text = _all_text(german.slides[-1])
    assert "Nicht in diesem Bericht:" in text
    assert "DB-Rechnung: keine Kosten: nur DB I" in text and "Portfolio: keine Bewertungen: kein Portfolio" in text
    assert "Offene Angebote nachfassen" in text  # the report has a follow-up section
    assert "Methodik" not in _titles(german)


@pytest.fixture
def template(tmp_path):
    prs = Presentation()  # python-pptx's own template: 4:3
    prs.slide_layouts[0]._element.cSld.name = "Kundendesign Titel"
    prs.slides.add_slide(prs.slide_layouts[6])  # a slide of the template that must not end up in the deck
    path = tmp_path / "client.pptx"
    prs.save(path)
    return path


def test_template_gives_slide_size_and_layouts(tmp_path, template):
    deck = Presentation(to_pptx(_report("de"), tmp_path / "deck.pptx", template=template))
    plt.close("all")
    assert (deck.slide_width, deck.slide_height) == (int(10 * EMU), int(7.5 * EMU))
    assert deck.slides[0].slide_layout.name == "Kundendesign Titel"
    assert {s.slide_layout.name for s in list(deck.slides)[1:]} == {"Title and Content"}
    assert len(deck.slides) == 8 and deck.slides[0].shapes.title.text.startswith("Kundenanalyse")
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left + shape.width <= deck.slide_width + 1


def test_template_closest_layout_by_placeholder_types(tmp_path):
    prs = Presentation()
    layouts = prs.slide_layouts._sldLayoutIdLst
    first = list(layouts)[1]  # move "Title and Content" away from position 1: "Section Header" (title + body) comes next
    layouts.remove(first)
    layouts.append(first)
    prs.save(tmp_path / "t.pptx")
    deck = Presentation(to_pptx(_report("en"), tmp_path / "deck.pptx", template=tmp_path / "t.pptx"))
    plt.close("all")
    assert deck.slides[1].slide_layout.name == "Two Content"  # the first with title and object placeholders


@pytest.fixture(scope="module")
def case_plan(case):
    from kamlab.plans import account_plan

    plan = account_plan(case, "G001", sections=["facts", "history", "abc", "targets", "key_account"], lang="de")
    return plan.with_user({"objectives": ["Antriebe im Werk <Polen> & Tschechien gewinnen"],
                           "actions": [{"what": "Workshop", "who": "Dr. Albers", "by_when": "2026-03"}]})


def test_one_profile_slide_per_plan_with_its_figures(case, case_plan, tmp_path):
    deck = Presentation(to_pptx(_report("de", plans=[case_plan]), tmp_path / "deck.pptx"))
    plt.close("all")
    titles = _titles(deck)
    assert titles[-2:] == ["Kundensteckbrief: Möller Gruppe", "Nächste Schritte"]
    slide = deck.slides[len(titles) - 2]
    text = _all_text(slide)
    ids = case.accounts.loc[case.accounts["group_id"] == "G001", "account_id"]
    lines = case.transactions
    revenue = lines.loc[lines["account_id"].isin(ids) & (lines["date"].dt.year == 2025), "revenue"].sum()
    expected = f"{revenue:,.0f}".replace(",", ".") + " €"
    assert expected in text.split("\n")
    assert str(len(ids)) in text.split("\n")  # entities of the group
    assert "Antriebe im Werk <Polen> & Tschechien gewinnen" in text
    footer = [s.text_frame.text for s in slide.shapes if s.name == "kamlab footer"]
    assert footer == ["Quelle: kamlab.account_plan(..., 'G001'), 2025 · Datenstand: 31.12.2025"]
    assert "Möller Gruppe: Workshop (Dr. Albers, 2026-03)" in _all_text(deck.slides[-1])


def test_bad_input_raises_parameter_errors(tmp_path):
    with pytest.raises(ParameterError, match="report"):
        to_pptx("deck", tmp_path / "x.pptx")
    with pytest.raises(ParameterError, match=r"\.pptx"):
        to_pptx(_report(), tmp_path / "x.ppt")
    with pytest.raises(ParameterError, match="template"):
        to_pptx(_report(), tmp_path / "x.pptx", template=tmp_path / "missing.pptx")
    plt.close("all")


# ---------------------------------------------------------------------------------------------- on build()
@pytest.fixture(scope="module")
def case_deck(case, tmp_path_factory):
    from kamlab.report import build

    report = build(case, lang="de")
    deck = Presentation(to_pptx(report, tmp_path_factory.mktemp("case") / "case.pptx"))
    plt.close("all")
    return report, deck


def test_case_deck_slides(case_deck):
    report, deck = case_deck
    charts = [s.title for s in report.sections if s.available and s.figures
              and s.key not in ("key_accounts", "overview", "plans", "method")]
    titles = _titles(deck)
    assert titles[0] == report.title and titles[1] == "Kennzahlen" and titles[-1] == "Nächste Schritte"
    assert [t for t in titles if t in charts] == charts
    assert {"ABC-Analyse", "Konzentration", "Umsatz gegen Deckungsbeitrag", "Kundenportfolio"} <= set(charts)
    assert titles.index(report["key_accounts"].title) > max(titles.index(t) for t in charts)
    assert titles[-1 - len(report.plans):-1] == [f"Kundensteckbrief: {p.name}" for p in report.plans]
    assert len(report.plans) == 3
    slides = {s.shapes.title.text: s for s in deck.slides}
    for title in charts:
        assert len(_pictures(slides[title])) >= 1, title
    for slide in deck.slides:
        footers = [s.text_frame.text for s in slide.shapes if s.name == "kamlab footer"]
        assert len(footers) == 1 and footers[0].endswith("Datenstand: 31.12.2025")


def test_case_key_figures_slide_shows_the_overview_rows(case_deck, case):
    report, deck = case_deck
    (table,) = [s.table for s in deck.slides[1].shapes if s.has_table]
    rows = {row.cells[0].text: row.cells[1].text for row in table.rows}
    revenue = case.transactions.loc[case.transactions["date"].dt.year == 2025, "revenue"].sum()
    assert rows["Umsatz"] == f"{revenue:,.0f}".replace(",", ".") + " €"
    assert rows["DB-Quote"].endswith(" %")


def test_german_example_export_deck(tmp_path):
    import pathlib

    import kamlab
    from kamlab.report import build

    export = pathlib.Path(__file__).resolve().parents[1] / "datasets" / "examples" / "umsatzliste_nord_2025q4.csv"
    report = build(kamlab.read_transactions(export), lang="de")
    deck = Presentation(to_pptx(report, tmp_path / "nord.pptx"))
    plt.close("all")
    skipped = [s for s in report.sections if not s.available]
    assert skipped
    titles = _titles(deck)
    assert not {s.title for s in skipped} & set(titles)
    last = _all_text(deck.slides[-1])
    for section in skipped:
        assert f"{section.title}: {section.skipped}" in last
