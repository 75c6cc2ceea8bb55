"""Print kamlab's direct dependencies pinned to their lowest declared versions (for `make test-min`).

Reads ``[project] dependencies`` of pyproject.toml: ``"pandas>=2.2"`` becomes ``pandas==2.2``.
A dependency without a lower bound is printed as declared.
"""

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = None


def dependencies(text):
    if tomllib is not None:
        return tomllib.loads(text)["project"]["dependencies"]
    block = re.search(r"(?ms)^dependencies = \[(.*?)^\]", text).group(1)
    return re.findall(r'"([^"]+)"', block)


def main():
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    for requirement in dependencies(text):
        found = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([^,;\s]+)\s*", requirement)
        print(f"{found.group(1)}=={found.group(2)}" if found else requirement)


if __name__ == "__main__":
    sys.exit(main())
