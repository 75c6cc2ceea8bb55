"""The house rules of kamlab's layout, checked: layers (import-linter), module size, private names, light import.

The layers, bottom to top: ``errors``/``config`` <- ``_util`` <- ``data`` <- the analyses
(``identify``, ``segment``, ``portfolios``, ``potential``, ``clv``) <- their charts (``plots``)
<- their explorers (``widgets``) <- ``course``. ``.importlinter`` writes them down.
"""

import ast
import configparser
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import kamlab

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kamlab"
CAPABILITIES = ("identify", "segment", "portfolios", "potential", "clv", "projects", "plans")
MAX_LINES = 600
LINT_IMPORTS = pathlib.Path(sys.executable).with_name("lint-imports")


def _contracts():
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    contracts = {}
    for section in parser.sections():
        if section.startswith("importlinter:contract:"):
            contract = {key: [line.strip() for line in value.splitlines() if line.strip()]
                        for key, value in parser[section].items()}
            contracts[section.split(":")[-1]] = contract
    return contracts


def _modules(folder=PACKAGE, package="kamlab"):
    """Every module of the package: dotted name -> path (packages as their __init__)."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _lint_imports(cwd, env=None):
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed (pip install -e '.[test]')")
    return subprocess.run([str(LINT_IMPORTS), "--config", str(cwd / ".importlinter"), "--no-cache"], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_a_wrong_import_breaks_the_contract(tmp_path):
    """The contract can fail: the data layer importing a chart module is reported."""
    copy = tmp_path / "kamlab"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    accounts = copy / "data" / "accounts.py"
    accounts.write_text(accounts.read_text() + "\nfrom kamlab.identify.plots import pareto_chart  # noqa\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    probe = subprocess.run([sys.executable, "-c", "import kamlab; print(kamlab.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert probe.stdout.startswith(str(tmp_path)), "the copy must be the package lint-imports analyses"
    result = _lint_imports(tmp_path, env)
    assert result.returncode != 0
    assert "kamlab.data.accounts -> kamlab.identify.plots" in result.stdout


def test_every_module_of_a_capability_is_in_the_contract():
    """A new analysis, chart or widget module cannot slip past the layer rule unlisted."""
    contracts = _contracts()
    analyses = set(contracts["analyses-draw-nothing"]["source_modules"])
    drawing = set(contracts["analyses-draw-nothing"]["forbidden_modules"])
    charts = set(contracts["charts-below-widgets"]["source_modules"])
    widgets = set(contracts["charts-below-widgets"]["forbidden_modules"])
    for name in _modules():
        parts = name.split(".")
        if len(parts) < 3 or parts[1] not in CAPABILITIES:
            continue
        if parts[2] == "plots" or parts[2].endswith("_plots"):
            assert name in drawing and name in charts, name
        elif parts[2] == "widgets":
            assert name in drawing and name in widgets, name
        else:
            assert name in analyses, f"{name} is not in the contract 'analyses-draw-nothing' of .importlinter"


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kamlab"):
            for alias in node.names:
                yield node.module, alias.name


def test_subpackage_init_files_import_no_charts_or_widgets():
    for capability in CAPABILITIES:
        for module, _ in _imports(PACKAGE / capability / "__init__.py"):
            assert not module.endswith(("plots", ".widgets")), f"kamlab.{capability} imports {module}"


def test_no_private_name_is_imported_from_another_subpackage():
    """Private helpers (leading underscore) stay inside their subpackage; shared ones live in kamlab._util."""
    offenders = []
    for name, path in _modules().items():
        home = name.split(".")[1] if "." in name else ""
        for module, imported in _imports(path):
            parts = module.split(".")
            source_home = parts[1] if len(parts) > 1 else ""
            if imported.startswith("_") and source_home != home:
                offenders.append(f"{name}: from {module} import {imported}")
    assert not offenders, "\n".join(offenders)


def test_no_module_is_over_600_lines():
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_import_kamlab_is_light():
    code = ("import sys, kamlab; heavy = {'pandas', 'sklearn', 'scipy', 'matplotlib', 'duckdb'} & set(sys.modules); "
            "print(sorted(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # it imports the old paths too
def test_no_subpackage_or_module_carries_a_public_name():
    """Importing kamlab.X binds X in kamlab: no subpackage may replace a public function (kamlab.portfolio)."""
    import importlib

    public = set(kamlab._LAZY)
    for name in _modules():
        parts = name.split(".")
        if len(parts) == 2:
            assert parts[1] not in public, f"kamlab.{parts[1]} would replace kamlab.{parts[1]}()"
    # a module named like its subpackage's function (kamlab.identify.concentration) is harmless only if the
    # package binds the function after importing the module: import everything, then look
    for name in _modules():
        if not name.rsplit(".", 1)[-1].startswith("_") and name.count(".") <= 2:
            importlib.import_module(name)
    for name in _modules():
        parts = name.split(".")
        if len(parts) == 3:
            parent = importlib.import_module(".".join(parts[:2]))
            if parts[2] in getattr(parent, "__all__", ()):
                assert not isinstance(getattr(parent, parts[2]), type(kamlab)), f"{name} replaced {parts[1]}.{parts[2]}"


def test_dir_lists_every_subpackage_and_every_public_name():
    listed = set(dir(kamlab))
    assert set(kamlab.SUBPACKAGES) <= listed
    assert set(kamlab.__all__) <= listed
    for name in kamlab.SUBPACKAGES:
        assert (PACKAGE / name / "__init__.py").is_file()
        assert getattr(kamlab, name).__name__ == f"kamlab.{name}"


def test_every_public_name_resolves():
    for name in kamlab.__all__:
        assert getattr(kamlab, name) is not None, name


@pytest.mark.parametrize("old, new", [("kamlab.widgets_portfolio", "kamlab.portfolios.widgets"),
                                      ("kamlab.plots", "kamlab.identify.plots"),
                                      ("kamlab.io", "kamlab.data.readers")])
def test_old_module_paths_warn_and_give_the_new_module(old, new):
    code = (f"import warnings, importlib\nwarnings.simplefilter('error')\n"
            f"try:\n    importlib.import_module({old!r})\nexcept DeprecationWarning as w:\n    print('warned', w)\n"
            f"warnings.simplefilter('ignore')\nimport sys\nm = importlib.import_module({old!r})\n"
            f"print(m is importlib.import_module({new!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("warned") and new in lines[0]
    assert lines[-1] == "True"
