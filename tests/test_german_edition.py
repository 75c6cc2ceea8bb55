"""The German edition (issue 17): each NN_name.de.ipynb is its English notebook translated, nothing else.

The drift check (tools/german_edition.py) masks string literals and comments in code cells, so translated
titles, messages and comments are allowed and changed logic is not; markdown cells must quote the same
numbers (in German format) and keep the glossary links. The mechanism is tested first on small notebooks
built here, then every German edition in the repository is checked against its English notebook.
"""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("german_edition", ROOT / "tools" / "german_edition.py")
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

ENGLISH_CODE = ('import kamlab\n\ncase = kamlab.load_case()  # the case company\n'
                'ax.set_title("Revenue by class")\nprint(f"{n:,} accounts")')
GERMAN_CODE = ('import kamlab\n\ncase = kamlab.load_case()  # die Fallfirma\n'
               'ax.set_title("Umsatz nach Klasse")\nprint(f"{n:,} Kunden")')


def _pair(tmp_path, *, german_cells=None, english_text="The top 20 % make 73.8 % of 1,753,200 EUR.",
          german_text="Die Top 20 % machen 73,8 % von 1.753.200 EUR.", tags=("solution",)):
    en = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell(ENGLISH_CODE)
    code.metadata["tags"] = list(tags)
    en.cells = [nbformat.v4.new_markdown_cell("# Title\n" + english_text + " [DB](../docs/glossary.md#db)"), code]
    de = nbformat.v4.new_notebook()
    german = nbformat.v4.new_code_cell(GERMAN_CODE)
    german.metadata["tags"] = list(tags)
    de.cells = german_cells if german_cells is not None else [
        nbformat.v4.new_markdown_cell("# Titel\n" + german_text + " [DB](../docs/glossary.md#db)"),
        nbformat.v4.new_code_cell(tool.LANGUAGE_CELL), german]
    nbformat.write(en, tmp_path / "01_x.ipynb")
    nbformat.write(de, tmp_path / "01_x.de.ipynb")
    return tmp_path / "01_x.ipynb"


def test_a_translation_is_no_drift(tmp_path):
    assert tool.drift(_pair(tmp_path)) == []


def test_changed_code_is_drift(tmp_path):
    english = _pair(tmp_path)
    de = nbformat.read(tool.german_of(english), as_version=4)
    de.cells[2].source = de.cells[2].source.replace("load_case()", "load_case(seed=1)")
    nbformat.write(de, tool.german_of(english))
    (problem,) = tool.drift(english)
    assert "cell 2 (English cell 1): the code differs" in problem


def test_the_language_cell_is_required(tmp_path):
    english = _pair(tmp_path)
    de = nbformat.read(tool.german_of(english), as_version=4)
    del de.cells[1]
    nbformat.write(de, tool.german_of(english))
    assert "must switch kamlab to German" in tool.drift(english)[0]


def test_numbers_must_be_the_english_ones_in_german_format(tmp_path):
    # 73.8 written as 73.8 in the German text (English format) is 738 there: drift
    english = _pair(tmp_path, german_text="Die Top 20 % machen 73.8 % von 1.753.200 EUR.")
    (problem,) = tool.drift(english)
    assert "numbers differ" in problem and "73.8" in problem
    assert tool.drift(_pair(tmp_path, german_text="Die Top 20 % machen 74,8 % von 1.753.200 EUR."))


def test_tags_glossary_links_and_cell_order_count(tmp_path):
    english = _pair(tmp_path)
    de = nbformat.read(tool.german_of(english), as_version=4)
    de.cells[2].metadata["tags"] = []
    de.cells[0].source = de.cells[0].source.replace("glossary.md#db", "glossary.md#deckungsbeitrag")
    nbformat.write(de, tool.german_of(english))
    problems = tool.drift(english)
    assert any("tags" in p for p in problems) and any("glossary links" in p for p in problems)
    de.cells = [de.cells[1], de.cells[2], de.cells[0]]
    nbformat.write(de, tool.german_of(english))
    assert "kinds and order differ" in tool.drift(english)[0]


def test_masking_keeps_nbval_markers_and_ignores_layout():
    assert tool.masked_code("x = f(1,\n      2)  # eins, zwei") == tool.masked_code("x = f(1, 2)")
    assert tool.masked_code("# NBVAL_IGNORE_OUTPUT\nx = 1") != tool.masked_code("x = 1")
    assert tool.masked_code('label = "a"') != tool.masked_code("label = a")


def test_skeleton_has_the_language_cell_first_and_no_outputs(tmp_path):
    english = _pair(tmp_path)
    nb = tool.skeleton(english)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == tool.LANGUAGE_CELL and all(not c.outputs for c in code)


GERMAN_EDITIONS = [p for p in tool.english_notebooks() if tool.german_of(p).exists()]


@pytest.mark.parametrize("english", GERMAN_EDITIONS, ids=[p.name for p in GERMAN_EDITIONS])
def test_german_edition_follows_its_english_notebook(english):
    assert tool.drift(english) == []


def test_numbers_in_code_spans_links_and_dois_are_not_prose():
    text = ("Write amounts as `1.234,56` or `617,08-`; data [UCI](https://doi.org/10.24432/C5BW33) "
            "doi 10.24432/C5BW33, licence CC BY 4.0, IFRS 8.34, and 1,753 accounts.")
    assert tool.quoted_numbers(text, "en") == tool.quoted_numbers("Beträge wie `1.234,56`; 1.753 Kunden.", "de")
    assert tool.quoted_numbers(text, "en") == {1753.0: 1}


def test_every_notebook_has_its_german_edition():
    missing = [tool.german_of(p).name for p in tool.english_notebooks() if not tool.german_of(p).exists()]
    assert not missing, f"no German edition: {missing} (tools/german_edition.py skeleton NN_name)"
    assert len(tool.english_notebooks()) == 8
