"""The package's set-up: environment.yml in step with pyproject.toml, and a light import."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _split(requirement):
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower(), match.group(2).replace(" ", "")


def pyproject_requirements():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in ("lab", "test"):
        requirements += project["optional-dependencies"][extra]
    return dict(_split(r) for r in requirements)


def conda_requirements():
    yaml = pytest.importorskip("yaml")
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    found, pip_part = {}, None
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            pip_part = entry["pip"]
            continue
        name, spec = _split(entry)
        if name in ("python", "pip"):
            continue
        found[CONDA_TO_PYPI.get(name, name)] = spec
    assert pip_part == ["-e ."], "environment.yml must install kamlab itself with pip"
    return found


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    pypi, conda = pyproject_requirements(), conda_requirements()
    assert set(conda) == set(pypi), (
        f"only in pyproject.toml: {sorted(set(pypi) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pypi))}"
    )
    different = {name: (pypi[name], conda[name]) for name in pypi if pypi[name] != conda[name]}
    assert not different, f"version bounds differ (pyproject, environment.yml): {different}"


def test_every_dependency_has_a_lower_bound():
    for name, spec in pyproject_requirements().items():
        assert ">=" in spec or "<" in spec, f"{name} has no version bound in pyproject.toml"


def test_import_kamlab_stays_light():
    code = (
        "import sys, kamlab; heavy = [m for m in ('pandas', 'numpy', 'sklearn', 'matplotlib', 'duckdb', "
        "'ipywidgets', 'scipy') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"import kamlab loaded {out}"


def test_public_names_resolve():
    import kamlab

    for name in kamlab.__all__:
        assert getattr(kamlab, name) is not None, name
    with pytest.raises(AttributeError):
        kamlab.no_such_function  # noqa: B018


def test_errors_are_value_errors():
    import kamlab

    for name in ("KamlabError", "DataFormatError", "MissingColumnError", "EmptyDataError", "DatasetError",
                 "ChecksumError", "ParameterError"):
        assert issubclass(getattr(kamlab, name), ValueError)


def test_public_functions_are_not_shadowed_by_submodules():
    """Importing a submodule sets it as an attribute of kamlab: no public name may be a module's name."""
    import importlib
    import pkgutil

    import kamlab

    modules = {info.name for info in pkgutil.iter_modules(kamlab.__path__)}
    for name in modules:
        importlib.import_module(f"kamlab.{name}")
    clashes = modules & set(kamlab._LAZY)
    assert not clashes, f"public names that are also module names: {clashes}"


def test_every_module_is_reachable_as_an_attribute_and_packaged():
    import pkgutil

    import kamlab

    modules = {info.name for info in pkgutil.iter_modules(kamlab.__path__)}
    assert modules <= set(dir(kamlab)), f"not in kamlab._SUBMODULES: {modules - set(dir(kamlab))}"
    tomllib = pytest.importorskip("tomllib")
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert "kamlab.*" in find["include"], "subpackages such as kamlab.course must go into the wheel"
