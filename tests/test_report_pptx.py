"""kamlab.report.slides: the deck read back with python-pptx (slides, titles, pictures, footers, template)."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from kamlab.errors import ParameterError
from kamlab.report import Report, Section
from kamlab.report.slides import to_pptx
from kamlab.report.slides_tables import table_height, text_height, text_width

EMU = 914400
NAMES = ["Müller & Söhne <GmbH>", '=HYPERLINK("http://x","klick")', "Plain AG"]
LIST_LENGTH = 40  # more rows than a slide holds


def _figure():
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(["A", "B", "C"], [0.8, 0.15, 0.05])
    return fig


def _report(lang="de", plans=()):
    de = lang == "de"
    n = LIST_LENGTH
    key_list = pd.DataFrame({
        "account_id": [f"K{i:05d}" for i in range(n)],
        "name": (NAMES * n)[:n],
        "revenue": [100000.0 - 1000 * i for i in range(n)],
        "share_revenue": [0.02] * n,
        "cumulative_share_revenue": [0.02 * (i + 1) for i in range(n)],
        "rank_revenue": list(range(1, n + 1)),
        "lists": ["revenue"] * n,
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
    shown = len(rows) - 1
    assert 5 <= shown < LIST_LENGTH
    assert [r[1] for r in rows[1:]] == [f"K{i:05d}" for i in range(shown)]  # the first rows, in order
    names = [r[rows[0].index("Name")] for r in rows[1:4]]
    assert names == NAMES  # "<" and "&" literal, no escaping, no apostrophe
    assert "15 Kunden & Gruppen <oben>." in _all_text(slides["Key-Account-Liste"])
    assert f"Die ersten {shown} von {LIST_LENGTH} Zeilen" in _all_text(slides["Key-Account-Liste"])
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
def case_decks(case, tmp_path_factory):
    """The case company's report and deck in German and English (built once)."""
    from kamlab.report import build

    decks = {}
    for lang in ("de", "en"):
        report = build(case, lang=lang)
        decks[lang] = report, Presentation(to_pptx(report, tmp_path_factory.mktemp("case") / f"case_{lang}.pptx"))
        plt.close("all")
    return decks


@pytest.fixture(scope="module")
def case_deck(case_decks):
    return case_decks["de"]


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


# ---------------------------------------------------------------------------------------------- layout
def _footer(slide):
    (footer,) = [s for s in slide.shapes if s.name == "kamlab footer"]
    return footer


def _text_boxes(slide):
    """The slide's own text boxes (takeaways, notes): not the title, not the footer."""
    title = slide.shapes.title
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX and s.name != "kamlab footer"
            and (title is None or s.shape_id != title.shape_id)]


def _size(shape):
    runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
    return runs[0].font.size.pt if runs and runs[0].font.size is not None else None


@pytest.mark.parametrize("lang", ["de", "en"])
def test_case_deck_every_shape_inside_the_16_to_9_slide(case_decks, lang):
    _, deck = case_decks[lang]
    assert (round(deck.slide_width / EMU, 3), round(deck.slide_height / EMU, 3)) == (13.333, 7.5)
    for slide in deck.slides:
        for shape in slide.shapes:
            where = (slide.shapes.title.text, shape.name)
            assert shape.left >= 0 and shape.top >= 0, where
            assert shape.left + shape.width <= deck.slide_width, where
            assert shape.top + shape.height <= deck.slide_height, where


@pytest.mark.parametrize("lang", ["de", "en"])
def test_case_deck_tables_end_above_the_footer(case_decks, lang):
    """Top plus the estimated height of every row (as the cells' texts wrap) stays above the footer."""
    _, deck = case_decks[lang]
    tables = 0
    for slide in deck.slides:
        footer_top = _footer(slide).top
        for shape in slide.shapes:
            if shape.has_table:
                tables += 1
                bottom = shape.top + table_height(shape)
                assert bottom <= footer_top, (slide.shapes.title.text, bottom / EMU, footer_top / EMU)
                assert shape.height >= table_height(shape) - EMU // 100  # the set heights are the estimate
            elif shape.has_text_frame and shape.name != "kamlab footer" and shape.shape_id != slide.shapes.title.shape_id:
                bottom = shape.top + shape.height
                if _size(shape) is not None:  # a text of our own size: as tall as its text is estimated to be
                    bottom = max(bottom, shape.top + int(text_height(shape.text_frame.text, shape.width / EMU,
                                                                     _size(shape)) * EMU))
                assert bottom <= footer_top, (slide.shapes.title.text, shape.text_frame.text[:40])
    assert tables >= 1 + 3 + 3  # key figures, the list, potential, quotes; two per profile


@pytest.mark.parametrize("lang", ["de", "en"])
def test_case_deck_intro_text_ends_above_the_table_or_picture(case_decks, lang):
    _, deck = case_decks[lang]
    checked = 0
    for slide in deck.slides:
        content = [s for s in slide.shapes if s.has_table or s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        if not content:
            continue
        first = min(s.top for s in content)
        for box in _text_boxes(slide):
            if box.top < first:  # the takeaway above the table or chart
                estimated = box.top + int(text_height(box.text_frame.text, box.width / EMU, _size(box)) * EMU)
                assert estimated <= first, (slide.shapes.title.text, box.text_frame.text[:40])
                assert box.top + box.height <= first
                checked += 1
    assert checked >= 8


@pytest.mark.parametrize("lang", ["de", "en"])
def test_case_deck_money_on_slides_has_no_cents_and_cut_tables_say_so(case_decks, lang):
    import re

    report, deck = case_decks[lang]
    money = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            for row in shape.table.rows:
                for cell in row.cells:
                    if cell.text.endswith("€"):
                        money += 1
                        assert not re.search(r"[.,]\d{2} €$", cell.text), cell.text  # whole euros
                        assert re.fullmatch(r"[−-]?\d{1,3}([.,]\d{3})* €", cell.text), cell.text
    assert money >= 50
    slides = {s.shapes.title.text: s for s in deck.slides}
    listed = report["key_accounts"]
    (table,) = [s.table for s in slides[listed.title].shapes if s.has_table]
    total = len(next(iter(listed.tables.values())))
    shown = len(table.rows) - 1
    count = f"{total:,}".replace(",", "." if lang == "de" else ",")
    note = (f"Die ersten {shown} von {count} Zeilen" if lang == "de" else f"The first {shown} of {count} rows")
    assert 0 < shown < total and note in _all_text(slides[listed.title])


def test_case_deck_profile_shows_the_target_year_as_a_year(case_deck):
    report, deck = case_deck
    plan = report.plans[0]
    year = plan.to_dict()["sections"]["targets"]["values"]["target_year"]
    slide = {s.shapes.title.text: s for s in deck.slides}[f"Kundensteckbrief: {plan.name}"]
    cells = [[c.text for c in row.cells] for s in slide.shapes if s.has_table for row in s.table.rows]
    assert [r[2] for r in cells if r[1] == "Plan für"] == [str(int(year))]


def test_estimator_by_hand_and_not_narrower_than_the_font():
    """Widths summed by hand from the width table; never narrower than DejaVu Sans measured by Pillow."""
    from kamlab.report.slides_tables import wrap_lines

    # "Umsatz": U .74 + m .98 + s .53 + a .62 + t .40 + z .53 = 3.80 em at 10 pt = 3.80 * 10 / 72 in, times 1.02
    assert text_width("Umsatz", 10) == pytest.approx(3.80 * 10 / 72 * 1.02)
    # 3 words of 1 in each (by construction) with spaces: 2 per line fit in 2.2 in, so 2 lines
    word = "0" * 11  # 11 x 0.64 em x 10 pt / 72 x 1.02 = 0.997 in
    assert wrap_lines(f"{word} {word} {word}", 2.2, 10) == 2
    assert wrap_lines(f"{word} {word} {word}", 1.5, 10) == 3
    assert wrap_lines(f"{word} {word} {word}", 3.5, 10) == 1
    assert text_height("x", 2.0, 10) == pytest.approx(1.22 * 10 / 72 + 0.1)
    fonts = pytest.importorskip("PIL.ImageFont")
    try:
        regular = fonts.truetype("DejaVuSans.ttf", 1000)
        bold = fonts.truetype("DejaVuSans-Bold.ttf", 1000)
    except OSError:
        pytest.skip("DejaVu Sans is not installed")
    samples = NAMES + ["Kundennummer", "Ungenutztes Potenzial", "2.139.863 €", "Černý Foods s.r.o.", "Wallet (%)",
                       "Umsatz (Rang 1); Deckungsbeitrag (Rang 1); DB IV (Rang 5); Ziel-Umsatz (Rang 1)"]
    for words in samples:
        assert text_width(words, 10) >= regular.getlength(words) / 1000 * 10 / 72, words
        assert text_width(words, 10, bold=True) >= bold.getlength(words) / 1000 * 10 / 72, words
