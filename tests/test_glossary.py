"""The course glossary: kamlab.glossary(), docs/glossary.md, and the notebooks' term markers.

A notebook marks a term where it introduces it with a link to the term's glossary entry:
``[share of wallet](../docs/glossary.md#share-of-wallet)``. Every marked term must be in the glossary, and
every glossary entry's notebook must mark it in the section the entry names.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

import kamlab
from kamlab.errors import ParameterError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MARKER = re.compile(r"\]\(\.\./docs/glossary\.md#([^)\s]*)\)")
HEADING = re.compile(r"^(#{1,2}) (.+)$")

# The course's term list (one English and one German term per concept), copied by hand from the shared
# KAM_TERMS.md of the course team: the glossary must use exactly these words.
KAM_TERMS = {
    "key account": "Schlüsselkunde (Key Account)",
    "key-account manager": "Key-Account-Manager (Kundenbetreuer)",
    "global account (manager)": "globaler Schlüsselkunde / Global Account (Manager)",
    "customer group": "Konzern, Kundengruppe",
    "key-account management": "Key-Account-Management (Schlüsselkundenmanagement)",
    "actual / target revenue": "Ist-Umsatz / Ziel-Umsatz (Planumsatz)",
    "invoiced revenue": "fakturierter Umsatz",
    "revenue deductions (rebates, bonuses)": "Erlösschmälerungen (Boni, Skonti, Rabatte)",
    "net revenue": "Nettoerlös",
    "manufacturing cost (standard)": "(Standard-)Herstellkosten",
    "contribution margin (CM I–IV)": "Deckungsbeitrag (DB I–IV)",
    "customer contribution accounting": "Kundendeckungsbeitragsrechnung",
    "cost to serve": "Kosten der Kundenbetreuung (Cost-to-Serve)",
    "over-served": "überbetreut",
    "ABC analysis": "ABC-Analyse",
    "concentration, dependency": "Kundenkonzentration, Abhängigkeit",
    "customer value": "Kundenwert",
    "reference / multiplier value": "Referenzwert / Multiplikatorwert",
    "information (innovation) value": "Informationswert (Innovationswert)",
    "cooperation value": "Kooperationswert",
    "customer lifetime value": "Customer Lifetime Value (Kundenlebenszeitwert)",
    "customer attractiveness": "Kundenattraktivität",
    "supplier position (relative strength)": "Lieferantenposition (relative Wettbewerbsposition)",
    "customer portfolio": "Kundenportfolio",
    "weighted scoring": "Punktbewertungsverfahren, Nutzwertanalyse (Scoring-Modell)",
    "weight": "Gewichtung",
    "sensitivity analysis": "Sensitivitätsanalyse",
    "wallet (potential)": "Kundenpotenzial (Bedarfsvolumen)",
    "share of wallet": "Lieferanteil (Share of Wallet)",
    "headroom": "ungenutztes Potenzial (Ausschöpfungsreserve)",
    "whitespace": "weiße Flecken",
    "buying centre": "Buying Center (Einkaufsgremium)",
    "quote / project": "Angebot / Projekt",
    "follow-up": "Nachfassen (Nachfassaktion)",
    "win rate": "Erfolgsquote (Auftragsquote, Trefferquote)",
    "loss reason": "Verlustgrund",
    "account plan": "Kundenplan (Account-Plan)",
    "customer profile (one page)": "Kundensteckbrief",
    "relationship stages": "Beziehungsphasen",
}
# McDonald's quadrant names and the German Kundenportfolio's, quadrant by quadrant (the false friend: Star).
QUADRANTS = {"Strategic": "Starkunde", "Star": "Fragezeichenkunde", "Status": "Ertragskunde (Cash-Kunde)",
             "Streamline": "Mitnahmekunde"}


@pytest.fixture(scope="module")
def table():
    return kamlab.glossary(language="en")


def markdown_lines(path):
    """(line, section) for every line of the notebook's markdown; section: the last '#'/'##' heading."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    section, lines = None, []
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).split("\n"):
            found = HEADING.match(line)
            if found:
                section = found.group(2).strip()
            lines.append((line, section))
    return lines


def markers():
    """notebook stem -> [(term, section)] of its glossary markers."""
    return {path.stem: [(term, section) for line, section in markdown_lines(path) for term in MARKER.findall(line)]
            for path in sorted(NOTEBOOKS.glob("0*.ipynb")) if not path.name.endswith(".de.ipynb")}


def test_columns_and_keys(table):
    assert list(table.columns) == ["term", "english", "german", "definition", "notebook", "section"]
    assert table["term"].is_unique
    assert table["english"].is_unique and table["german"].is_unique
    assert table["term"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert not table.isna().any().any() and (table.map(len) > 0).all().all()
    assert set(table["notebook"]) == {path.stem for path in NOTEBOOKS.glob("0*.ipynb") if not path.name.endswith(".de.ipynb")}


def test_terms_follow_the_course_term_list(table):
    german = dict(zip(table["english"], table["german"]))
    missing = sorted(set(KAM_TERMS) - set(german))
    assert not missing, f"concepts of the term list missing from the glossary: {missing}"
    wrong = {en: (german[en], de) for en, de in KAM_TERMS.items() if german[en] != de}
    assert not wrong, f"German terms differ from the term list (glossary, list): {wrong}"


def test_portfolio_quadrants_map_the_false_friend(table):
    by_name = {english.split(" (")[0]: german for english, german in zip(table["english"], table["german"])}
    assert {name: by_name.get(name) for name in QUADRANTS} == QUADRANTS
    star = table.loc[table["english"].str.startswith("Star ("), "definition"].item()
    assert "Starkunde" in star and "false friend" in star.lower()


def test_definition_follows_the_language():
    with kamlab.language("de"):
        german = kamlab.glossary()
    english = kamlab.glossary(language="en")
    assert (german["definition"] != english["definition"]).mean() > 0.9  # a few formulas read the same
    assert german.set_index("term").loc["net-revenue", "definition"] == "Fakturierter Umsatz minus Erlösschmälerungen."
    assert english.set_index("term").loc["net-revenue", "definition"] == "Invoiced revenue minus revenue deductions."
    assert german[["term", "english", "german"]].equals(english[["term", "english", "german"]])


def test_one_notebook():
    table = kamlab.glossary("05")
    assert set(table["notebook"]) == {"05_potential"}
    assert kamlab.glossary("05_potential.ipynb").equals(table)
    assert "share-of-wallet" in set(table["term"])


@pytest.mark.parametrize(("kwargs", "fix"), [({"language": "fr"}, "language='en'"),
                                             ({"notebook": "08"}, "'02_key_accounts'")])
def test_bad_input_says_what_to_pass(kwargs, fix):
    with pytest.raises(ParameterError, match=re.escape(fix)):
        kamlab.glossary(**kwargs)


def test_docs_glossary_is_current():
    spec = importlib.util.spec_from_file_location("make_glossary", ROOT / "tools" / "make_glossary.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.main(["--check"]) == 0, "docs/glossary.md is out of date: run python tools/make_glossary.py"


def test_every_entry_has_its_anchor_in_docs(table):
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([^"]+)"></a>', text)
    assert sorted(anchors) == sorted(table["term"])


def test_every_marked_term_is_in_the_glossary(table):
    unknown = {notebook: sorted({term for term, _ in found} - set(table["term"]))
               for notebook, found in markers().items()}
    assert not any(unknown.values()), f"marked terms not in the glossary: {unknown}"


def test_every_entry_is_marked_where_the_glossary_says(table):
    found = markers()
    wrong = []
    for row in table.itertuples():
        sections = [section for term, section in found[row.notebook] if term == row.term]
        if row.section not in sections:
            wrong.append(f"{row.term}: {row.notebook} § {row.section!r} (marked in {sections})")
    assert not wrong, "glossary entries not marked where they are taught:\n" + "\n".join(wrong)


def test_markers_are_links_that_render():
    # a marker is a whole markdown link: [text](../docs/glossary.md#term), the text not empty
    for path in (p for p in NOTEBOOKS.glob("0*.ipynb") if not p.name.endswith(".de.ipynb")):
        for line, _ in markdown_lines(path):
            for start in (m.start() for m in MARKER.finditer(line)):
                assert line.rfind("[", 0, start) not in (-1, start - 1), f"{path.stem}: {line}"
