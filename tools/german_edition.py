"""The German edition of the course: checks that it has not drifted from the English notebooks, and a skeleton.

Each numbered notebook ``notebooks/NN_name.ipynb`` has a German edition ``notebooks/NN_name.de.ipynb`` in the
same folder (relative paths keep working). The German edition is the English notebook translated cell by
cell, with one extra code cell before the first code cell that switches kamlab to German::

    import kamlab

    kamlab.set_language("de")

What may differ: the text of markdown cells (translated), and in code cells the string literals (titles and
messages) and comments. What may not: the code itself, the order and kind of the cells, their tags (the
student edition leaves out the cells tagged ``solution``), the ``# NBVAL_...`` markers, the numbers quoted in
the text (the English ones are checked by tests/test_notebook_numbers.py; here each markdown cell must quote
the same numbers, written the German way: 1,753 -> 1.753 and 55.3 -> 55,3; numbers in inline code, link
targets, addresses, DOIs, licence names and standards (IFRS 8.34) are not prose and not compared) and the glossary links.

Usage::

    .venv/bin/python tools/german_edition.py check                 # every German edition against its English one
    .venv/bin/python tools/german_edition.py skeleton NN_name      # write NN_name.de.ipynb to translate (no overwrite)
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from collections import Counter
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LANGUAGE_CELL = 'import kamlab\n\nkamlab.set_language("de")'

_EN_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w])")
_DE_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)(?![\w])")
_GLOSSARY_LINK = re.compile(r"glossary\.md#([\w-]+)")
# not prose: inline code (`1.234,56` is a format example), link targets and bare addresses (DOIs, versions)
_NOT_PROSE = re.compile(r"`[^`\n]*`|\]\([^)\s]*\)|https?://\S+|\b10\.\d{4,}/\S+|\bCC BY(?:-\w+)* \d\.\d\b|\b(?:IFRS|IAS|DIN|ISO)\s?\d+(?:\.\d+)*\b")
_MARKER = re.compile(r"#\s*NBVAL_\w+")


def english_notebooks():
    """The English notebooks of the course, in order."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.name.endswith(".de.ipynb"))


def german_of(path):
    """The path of the German edition of the English notebook ``path``."""
    path = Path(path)
    return path.with_name(path.name[: -len(".ipynb")] + ".de.ipynb")


def masked_code(source):
    """``source`` with every string literal replaced by ``'…'`` and comments dropped (``# NBVAL_...`` kept).

    Formatting (blank lines, spaces, line breaks inside brackets) does not count: the tokens do.
    """
    tokens = []
    fstring_start, fstring_end = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)
    depth = 0  # Python 3.12+ splits an f-string into tokens: all of it is one literal here, as before
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == fstring_start:
                depth += 1
                if depth == 1:
                    tokens.append("'…'")
            elif token.type == fstring_end:
                depth -= 1
            elif depth:
                continue
            elif token.type == tokenize.STRING:
                tokens.append("'…'")
            elif token.type == tokenize.COMMENT:
                tokens.extend(m.group(0).replace(" ", "") for m in _MARKER.finditer(token.string))
            elif token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                tokenize.ENDMARKER):
                if token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                    tokens.append(tokenize.tok_name[token.type])
            else:
                tokens.append(token.string)
    except (tokenize.TokenError, IndentationError):  # IPython magics or unfinished code: compare as text
        return [re.sub(r"#.*", "", line).strip() for line in source.splitlines() if line.strip()]
    return tokens


def _value(text, language):
    if language == "en":
        return float(text.replace(",", ""))
    return float(text.replace(".", "").replace(",", "."))


def quoted_numbers(text, language):
    """The formatted numbers of a text (with a thousands separator or decimals) as a Counter of values."""
    pattern = _EN_NUMBER if language == "en" else _DE_NUMBER
    text = _NOT_PROSE.sub(" ", text)
    return Counter(round(_value(m.group(1), language), 9) for m in pattern.finditer(text))


def _is_language_cell(cell):
    return cell.cell_type == "code" and 'set_language("de")' in cell.source


def drift(english_path, german_path=None):
    """The differences between an English notebook and its German edition, as sentences (empty: none)."""
    english_path = Path(english_path)
    german_path = german_of(english_path) if german_path is None else Path(german_path)
    en = nbformat.read(english_path, as_version=4)
    de = nbformat.read(german_path, as_version=4)
    name = german_path.name
    problems = []
    first_code = next((i for i, c in enumerate(de.cells) if c.cell_type == "code"), None)
    if first_code is None or not _is_language_cell(de.cells[first_code]):
        return [f"{name}: the first code cell must switch kamlab to German ({LANGUAGE_CELL!r})"]
    cells = de.cells[:first_code] + de.cells[first_code + 1 :]
    if [c.cell_type for c in cells] != [c.cell_type for c in en.cells]:
        return [f"{name}: the cells are not those of {english_path.name} (kinds and order differ: "
                f"{len(cells)} cells besides the language cell, {len(en.cells)} in English); translate cell by cell"]
    for k, (e, d) in enumerate(zip(en.cells, cells)):
        where = f"{name}, cell {k + (k >= first_code)} (English cell {k})"
        if sorted(e.metadata.get("tags", [])) != sorted(d.metadata.get("tags", [])):
            problems.append(f"{where}: tags {d.metadata.get('tags', [])} instead of {e.metadata.get('tags', [])}")
        if e.cell_type == "code":
            if masked_code(e.source) != masked_code(d.source):
                problems.append(f"{where}: the code differs from the English cell (beyond strings and comments)")
        elif e.cell_type == "markdown":
            en_numbers, de_numbers = quoted_numbers(e.source, "en"), quoted_numbers(d.source, "de")
            if en_numbers != de_numbers:
                missing = sorted((en_numbers - de_numbers).elements())
                extra = sorted((de_numbers - en_numbers).elements())
                problems.append(f"{where}: numbers differ from the English text (missing {missing}, "
                                f"not in English {extra})")
            if Counter(_GLOSSARY_LINK.findall(e.source)) != Counter(_GLOSSARY_LINK.findall(d.source)):
                problems.append(f"{where}: glossary links differ from the English cell")
    return problems


def skeleton(english_path):
    """The German edition to translate: the English notebook with the language cell, outputs cleared."""
    nb = nbformat.read(english_path, as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first_code, nbformat.v4.new_code_cell(LANGUAGE_CELL))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def main(argv):
    if argv[:1] == ["skeleton"] and len(argv) == 2:
        english = NOTEBOOKS / (argv[1].removesuffix(".ipynb") + ".ipynb")
        target = german_of(english)
        if target.exists():
            print(f"{target} exists; not overwritten")
            return 1
        nbformat.write(skeleton(english), target)
        print(f"wrote {target}")
        return 0
    if argv[:1] == ["check"]:
        problems = []
        for english in english_notebooks():
            if german_of(english).exists():
                problems += drift(english)
            else:
                problems.append(f"{german_of(english).name}: missing")
        print("\n".join(problems) or "every German edition follows its English notebook")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
