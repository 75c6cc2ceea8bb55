"""Build the student edition of the course: the notebooks without their solutions.

Usage: .venv/bin/python tools/build_student.py [--execute] [NOTEBOOKS_DIR] [OUT_DIR]
(defaults: notebooks build/student; --execute runs each built notebook top to bottom and stores its outputs, so that
every cell shows what a student sees before answering — about 2 minutes for the eight)

For every ``NN_*.ipynb`` in NOTEBOOKS_DIR it writes OUT_DIR/notebooks/NN_*.ipynb:

- cells tagged ``solution`` (the solutions at the end of each notebook and their heading) are left out;
- cells tagged ``answer`` (the exercises) keep their placeholders (``None``, ``...`` or an empty text) and lose
  their stored outputs; an answer cell that holds anything else stops the build (a solution left in it);
- a first code cell switches the student edition on (``kamlab.course.exercises.student_edition()``), so that
  ``ex.qN.solution()`` says the solution is with the trainer; the cell that imports the chapter's exercises
  (``from kamlab.course import chapterNN as ex``) does it again, for a kernel restarted in the middle. The solutions stay in the package for the trainer
  edition (the notebooks in the repository).

The course's example exports (``datasets/examples``) are copied beside, so that the notebooks' relative paths work
in OUT_DIR too. A notebook with exercises but no cell tagged ``solution`` stops the build (untagged solutions would
leak into the student edition).
"""

import ast
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_TAG = "solution"
ANSWER_TAG = "answer"
EDITION_CELL_ID = "student-edition"
EDITION_CELL = (
    "# Student edition: the solutions are with your trainer; checks, hints and model answers work as usual.\n"
    "from kamlab.course.exercises import student_edition\n"
    "\n"
    "student_edition()"
)


EXERCISE_IMPORT = re.compile(r"^from kamlab\.course import chapter\d\d as ex$", re.M)
EDITION_AFTER_IMPORT = "\nfrom kamlab.course.exercises import student_edition; student_edition()  # student edition"


class BuildError(Exception):
    """A notebook cannot go into the student edition as it is."""


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def _is_placeholder(node):
    """True for ``None``, ``...`` and an empty or blank text: what a student replaces."""
    if not isinstance(node, ast.Constant):
        return False
    value = node.value
    return value is None or value is Ellipsis or (isinstance(value, str) and not value.strip())


def check_answer_cell(source, where):
    """Raise :class:`BuildError` unless every assignment in the answer cell ``source`` assigns a placeholder."""
    tree = ast.parse(source)
    assigned = [node for node in ast.walk(tree) if isinstance(node, ast.Assign | ast.AnnAssign)]
    if not assigned:
        raise BuildError(f"{where}: an answer cell must assign a placeholder (name = None), found none.")
    for node in assigned:
        if not _is_placeholder(node.value):
            raise BuildError(f"{where}: the answer cell assigns {ast.unparse(node.value)!r}, not a placeholder "
                             "(None, ... or an empty text): a solution left in an exercise?")


def student_notebook(notebook, name="notebook"):
    """The student edition of ``notebook`` (an nbformat notebook; not changed)."""
    notebook = nbformat.from_dict(notebook)  # a copy
    has_exercises = any(cell.cell_type == "code" and "ex.q" in cell.source for cell in notebook.cells)
    if has_exercises and not any(SOLUTION_TAG in _tags(cell) for cell in notebook.cells):
        raise BuildError(f"{name}: exercises but no cell tagged {SOLUTION_TAG!r}: tag the solutions first.")
    cells = []
    for index, cell in enumerate(notebook.cells):
        tags = _tags(cell)
        if SOLUTION_TAG in tags:
            continue
        if ANSWER_TAG in tags:
            check_answer_cell(cell.source, f"{name}, cell {index} ({cell.get('id')})")
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "code" and EXERCISE_IMPORT.search(cell.source):
            # a kernel restarted in the middle runs this cell again before any exercise: the edition follows
            cell.source = EXERCISE_IMPORT.sub(lambda match: match.group(0) + EDITION_AFTER_IMPORT, cell.source, count=1)
        cells.append(cell)
    edition = nbformat.v4.new_code_cell(EDITION_CELL)
    edition.id = EDITION_CELL_ID
    edition.metadata["tags"] = [EDITION_CELL_ID]
    first = 1 if cells and cells[0].cell_type == "markdown" else 0  # after the title
    cells.insert(first, edition)
    notebook.cells = cells
    notebook.metadata.setdefault("kamlab", {})["edition"] = "student"
    return notebook


def build(source=ROOT / "notebooks", out=ROOT / "build" / "student"):
    """Write the student edition of every ``NN_*.ipynb`` in ``source`` to ``out/notebooks``; return the paths."""
    source, out = Path(source), Path(out)
    paths = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise BuildError(f"no notebooks NN_*.ipynb in {source}.")
    target = out / "notebooks"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    for path in paths:
        notebook = student_notebook(nbformat.read(path, as_version=4), path.name)
        nbformat.validate(notebook)
        nbformat.write(notebook, target / path.name)
        written.append(target / path.name)
    examples = source.parent / "datasets" / "examples"
    if examples.is_dir():
        shutil.copytree(examples, out / "datasets" / "examples", dirs_exist_ok=True)
    return written


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--execute"]
    try:
        paths = build(*arguments[:2])
    except BuildError as error:
        sys.exit(f"build_student: {error}")
    for path in paths:
        if "--execute" in sys.argv[1:]:
            sys.path.insert(0, str(ROOT / "tools"))
            from execute_notebooks import execute

            print(f"{path}: executed in {execute(path):.1f} s", flush=True)
        else:
            print(path)
    print(f"Student edition: {len(paths)} notebooks in {paths[0].parent} (solutions left out).")
