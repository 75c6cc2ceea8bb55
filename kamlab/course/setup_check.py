"""The set-up check of the start-here notebook: is everything the course needs installed?"""

from __future__ import annotations

import importlib
import re
from importlib import metadata

__all__ = ["check_setup"]

# distribution name -> module name, where they differ
_MODULES = {"scikit-learn": "sklearn", "pyyaml": "yaml", "ipython": "IPython", "python-pptx": "pptx", "ibis-framework": "ibis"}


def _requirements():
    """(name, minimum version) of kamlab's own dependencies, read from its metadata."""
    try:
        requires = metadata.requires("kamlab") or []
    except metadata.PackageNotFoundError:  # running from a source folder without installing
        return []
    found = []
    for requirement in requires:
        if "extra ==" in requirement:
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(?:>=\s*([\w.]+))?", requirement)
        if match:
            found.append((match.group(1).lower(), match.group(2)))
    return found


def _version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def check_setup(verbose=True):
    """Check that kamlab's dependencies are installed and recent enough, and that the case data loads.

    Prints one line per check (without version numbers, so the output stays the same
    across upgrades) and returns True when everything is in order.

    Parameters
    ----------
    verbose : bool, default=True
        Print the lines; with False only the return value tells.
    """
    lines, ok = [], True
    for name, minimum in _requirements():
        try:
            installed = metadata.version(name)
            importlib.import_module(_MODULES.get(name, name.replace("-", "_")))
        except (metadata.PackageNotFoundError, ImportError):
            ok = False
            lines.append(f"✘ {name}: not installed. Run `make lab` again (or pip install {name}).")
            continue
        if minimum and _version_tuple(installed) < _version_tuple(minimum):
            ok = False
            lines.append(f"✘ {name}: version {installed} is too old, kamlab needs {minimum} or newer.")
        else:
            lines.append(f"✔ {name}")
    try:
        from kamlab.data.case import load_case

        case = load_case()
        lines.append(f"✔ case company data: {len(case.accounts):,} accounts, {len(case.transactions):,} invoice lines")
    except Exception as exc:  # the check reports, it does not fail the notebook
        ok = False
        lines.append(f"✘ case company data: {exc}")
    lines.append("All set: the course is ready." if ok else "Something is missing: see the ✘ lines above.")
    if verbose:
        print("\n".join(lines))
    return ok
