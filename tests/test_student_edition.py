"""The student edition (``make student``, tools/build_student.py): no solution survives, and a notebook still runs.

The build is checked against the trainer's notebooks in ``notebooks/``: every cell tagged ``solution`` and every
line of solution text (the solution cells' code and outputs, the exercises' ``solution`` strings, the model answers
and the right options' explanations) that the trainer's notebook shows only in its solutions must be absent from
the student's notebook. One built notebook (07, the shortest) is executed top to bottom in a kernel.
"""

import importlib
import importlib.util
import json
from pathlib import Path

import nbformat
import pytest

from kamlab.course.exercises import Exercise
from kamlab.course.judgement import Choice, Explain

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _builder():
    spec = importlib.util.spec_from_file_location("build_student", ROOT / "tools" / "build_student.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_student = _builder()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    paths = build_student.build(ROOT / "notebooks", out)
    return out, {path.name: path for path in paths}


def _tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def _output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        text = output.get("text") or output.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "\n".join(parts)


def _solution_texts(trainer, chapter):
    """Lines of solution text: what the trainer's notebook shows only in its solutions, and the package's solutions."""
    texts = []
    for cell in trainer.cells:
        if "solution" in _tags(cell):
            texts += cell.source.splitlines() + _output_text(cell).splitlines()
    module = importlib.import_module(f"kamlab.course.chapter{chapter}")
    for value in vars(module).values():
        if isinstance(value, Exercise) and value._solution:
            texts += value._solution.splitlines()
        elif isinstance(value, Explain):
            texts += list(value.model_answer)
        elif isinstance(value, Choice):
            texts += [text for option in value.options if option.correct for text in option.feedback]
    elsewhere = "\n".join(cell.source for cell in trainer.cells if "solution" not in _tags(cell))
    elsewhere += "\n".join(_output_text(cell) for cell in trainer.cells if not _tags(cell) & {"solution", "answer"})
    # a line the lesson itself shows (an import, the check call of an exercise) is not a solution
    return {line.strip() for line in texts if len(line.strip()) >= 25 and line.strip() not in elsewhere}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_no_solution_cell_and_no_solution_text_survive(built, path):
    out, paths = built
    trainer = nbformat.read(path, as_version=4)
    student = nbformat.read(paths[path.name], as_version=4)
    solutions = [cell for cell in trainer.cells if "solution" in _tags(cell)]
    assert len(solutions) >= 3  # the trainer's edition has its solutions, tagged
    assert not [cell for cell in student.cells if "solution" in _tags(cell)]
    assert len(student.cells) == len(trainer.cells) - len(solutions) + 1  # plus the edition cell
    assert not any("## Solutions" in cell.source for cell in student.cells)
    texts = _solution_texts(trainer, path.name[:2])
    assert len(texts) >= 5
    raw = paths[path.name].read_text(encoding="utf-8")
    decoded = "\n".join(cell.source + "\n" + _output_text(cell) for cell in student.cells)
    leaked = [text for text in texts if text in decoded or json.dumps(text)[1:-1] in raw]
    assert not leaked
    in_trainer = "\n".join(cell.source + "\n" + _output_text(cell) for cell in trainer.cells)
    assert sum(text in in_trainer for text in texts) >= 3  # the same search finds them in the trainer's edition
    first_code = next(cell for cell in student.cells if cell.cell_type == "code")
    assert first_code.id == "student-edition" and "student_edition()" in first_code.source
    imports = [cell for cell in student.cells if f"from kamlab.course import chapter{path.name[:2]} as ex" in cell.source]
    assert imports and all("student_edition()" in cell.source for cell in imports)  # again after a restart
    answers = [cell for cell in student.cells if "answer" in _tags(cell)]
    assert len(answers) >= 4
    for cell in answers:
        assert not cell.outputs and cell.execution_count is None
        build_student.check_answer_cell(cell.source, cell.id)  # placeholders only
    assert student.metadata["kamlab"]["edition"] == "student"


def test_the_example_exports_are_beside_the_notebooks(built):
    out, _ = built
    assert (out / "datasets" / "examples" / "umsatzliste_nord_2025q4.csv").is_file()


def test_an_answer_cell_holding_a_solution_stops_the_build():
    nb = nbformat.v4.new_notebook()
    answer = nbformat.v4.new_code_cell("n_a = 218  # your code here\nex.q1.check(n_a)")
    answer.metadata["tags"] = ["answer"]
    solution = nbformat.v4.new_code_cell("ex.q1.solution()")
    solution.metadata["tags"] = ["solution"]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), answer, solution]
    with pytest.raises(build_student.BuildError, match="assigns '218', not a placeholder"):
        build_student.student_notebook(nb, "t.ipynb")
    answer.source = "n_a = None  # your code here\nex.q1.check(n_a)"
    student = build_student.student_notebook(nb, "t.ipynb")
    assert [cell.source.splitlines()[0] for cell in student.cells][1:] == [
        "# Student edition: the solutions are with your trainer; checks, hints and model answers work as usual.",
        "n_a = None  # your code here",
    ]
    untagged = nbformat.v4.new_notebook()
    untagged.cells = [nbformat.v4.new_code_cell("x = None\nex.q1.check(x)")]
    with pytest.raises(build_student.BuildError, match="no cell tagged 'solution'"):
        build_student.student_notebook(untagged, "u.ipynb")


def test_a_built_notebook_runs_top_to_bottom_without_solutions(built):
    pytest.importorskip("ipykernel", reason="running a notebook needs a kernel (the lab environment has one)")
    NotebookClient = pytest.importorskip("nbclient").NotebookClient

    out, paths = built
    path = paths["07_account_plan.ipynb"]
    notebook = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell("ex.q1.solution()\nex.q5.solution()\nex.q7.solution()")
    notebook.cells.append(probe)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert not errors
    answers = [cell for cell in notebook.cells if "answer" in _tags(cell)]
    assert answers and all("Not answered yet" in _output_text(cell) for cell in answers)
    said = _output_text(notebook.cells[-1])
    assert said.count("is with your trainer") == 3
    from kamlab.course import chapter07

    assert chapter07.q7.model_answer[0] not in said and "keys = kamlab.key_accounts" not in said
