"""Read literal values a notebook assigns, so tests can check a notebook and its exercises agree."""

import ast
import json


def assigned_literals(notebook_path):
    """``{name: value}`` for every ``name = <dict, list, tuple or set literal>`` in the notebook's code cells.

    Displays that hold names or calls (not literals) are skipped.

    Later assignments win; cells that start with a magic (``%``) are skipped.
    """
    found = {}
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or source.lstrip().startswith("%"):
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict | ast.List | ast.Tuple | ast.Set):
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:  # a display holding names or calls, not a literal
                    continue
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = value
    return found
