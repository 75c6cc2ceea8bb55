"""The package's set-up: environment.yml in step with pyproject.toml, a light import, and the wheel.

``pip install kamlab`` (a wheel, no repository) must bring the case company: setup.py maps its one copy,
``datasets/case``, into the wheel as the data package ``kamlab.casedata``.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _split(requirement):
    """(name, version bound) of a requirement; extras ("ibis-framework[duckdb]") are not part of either."""
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*(.*)$", requirement)
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


def test_every_module_is_reachable_as_an_attribute():
    import pkgutil

    import kamlab

    modules = {info.name for info in pkgutil.iter_modules(kamlab.__path__)}
    assert modules <= set(dir(kamlab)), f"not in kamlab._SUBMODULES: {modules - set(dir(kamlab))}"


# --------------------------------------------------------------------------------------------------
# the wheel: every package and the case company (datasets/case, shipped as the package kamlab.casedata)
# --------------------------------------------------------------------------------------------------
DATA_PACKAGE = "kamlab.casedata"
CASE_DIR = ROOT / "datasets" / "case"

BUILD_CONFIG = """
import json, distutils.core
dist = distutils.core.run_setup("setup.py", stop_after="config")
print(json.dumps({"packages": dist.packages, "package_dir": dist.package_dir, "package_data": dist.package_data}))
"""


def _manifest_files():
    manifest = json.loads((CASE_DIR / "manifest.json").read_text(encoding="utf-8"))
    return sorted(["manifest.json"] + [entry["file"] for entry in manifest["tables"].values()])


def test_the_build_takes_every_package_and_the_case_company():
    """What setuptools will package (setup.py and pyproject.toml read as a build reads them, nothing built)."""
    pytest.importorskip("setuptools")
    out = subprocess.run([sys.executable, "-c", BUILD_CONFIG], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    config = json.loads(out.stdout.strip().splitlines()[-1])
    folders = {p.parent for p in (ROOT / "kamlab").rglob("*.py") if "__pycache__" not in p.parts}
    packages = {".".join(folder.relative_to(ROOT).parts) for folder in folders}
    missing = packages - set(config["packages"])
    assert not missing, f"the wheel would lack {sorted(missing)}: subpackages such as kamlab.course go in it"
    assert DATA_PACKAGE in config["packages"]
    assert config["package_dir"] == {DATA_PACKAGE: "datasets/case"}
    patterns = config["package_data"][DATA_PACKAGE]
    shipped = sorted({p.name for pattern in patterns for p in CASE_DIR.glob(pattern)})
    assert shipped == _manifest_files(), "the wheel must ship exactly the manifest and the tables it lists"


def _copy_sources(target):
    """What a build reads: the top-level files, kamlab/ and datasets/case (no build/ or egg-info)."""
    target.mkdir()
    for path in ROOT.iterdir():
        if path.is_file():
            shutil.copy2(path, target / path.name)
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "kamlab", target / "kamlab", ignore=junk)
    shutil.copytree(CASE_DIR, target / "datasets" / "case", ignore=junk)


def _run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


CHECK_INSTALLED = """
import json, sys
from pathlib import Path
import kamlab
from kamlab.data.case import default_case_path
case = kamlab.load_case()
print(json.dumps({
    "prefix": str(Path(sys.prefix).resolve()),
    "kamlab": str(Path(kamlab.__file__).resolve()),
    "folder": str(default_case_path().resolve()),
    "editable_finder": sorted(m for m in sys.modules if m.startswith("__editable__")),
    "accounts": len(case.accounts),
    "rows": {name: len(frame) for name, frame in case.tables.items()},
}))
"""


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_loads_the_case_company(tmp_path):
    """`pip install kamlab` without a checkout: build the wheel, install it alone, load the case elsewhere.

    Nothing is downloaded: the wheel is built with this venv's setuptools (no build isolation, no index),
    the fresh venv gets only the wheel and sees this venv's third-party packages through a .pth line.
    """
    have = version("setuptools")
    if int(have.split(".")[0]) < 77:
        pytest.fail(f"setuptools {have} cannot build kamlab (needs >=77): run pip install -e '.[lab,test]'")
    env = {k: v for k, v in os.environ.items() if k not in ("KAMLAB_CASE", "PYTHONPATH", "PYTHONHOME")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    pip = [sys.executable, "-m", "pip"]

    # 1. the wheel, built from a clean copy of the sources
    source, wheels = tmp_path / "src", tmp_path / "wheels"
    _copy_sources(source)
    build = ["wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels)]
    _run(pip + build, env=env)
    (wheel,) = wheels.glob("kamlab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in _manifest_files():
        assert f"kamlab/casedata/{name}" in names, f"the wheel lacks the case file {name}"
    modules = {p.relative_to(source).as_posix() for p in (source / "kamlab").rglob("*.py")}
    assert modules <= names, f"the wheel lacks {sorted(modules - names)}"
    assert not [n for n in names if n.startswith(("datasets/", "tests/", "notebooks/"))]
    assert wheel.stat().st_size < 8_000_000  # the case company is about 4.6 MB

    # 2. a fresh venv holding only the wheel; this venv's packages through a .pth line, which puts the
    # folder on sys.path without running that folder's own .pth files (the editable kamlab's finder)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(pip + ["--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], env=env)
    purelib = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).strip()
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (Path(purelib) / "kamlab_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")

    # 3. load the case there: outside the checkout, KAMLAB_CASE unset
    with tempfile.TemporaryDirectory() as elsewhere:
        assert not Path(elsewhere).resolve().is_relative_to(ROOT)
        report = json.loads(_run([str(python), "-c", CHECK_INSTALLED], cwd=elsewhere, env=env))
    prefix = Path(report["prefix"])
    assert prefix == venv.resolve()
    assert Path(report["kamlab"]).is_relative_to(prefix), f"kamlab was imported from {report['kamlab']}"
    assert report["editable_finder"] == []
    assert Path(report["folder"]) == Path(report["kamlab"]).parent / "casedata"
    manifest = json.loads((CASE_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert report["accounts"] == 2000
    assert report["rows"]["transactions"] == manifest["tables"]["transactions"]["rows"]
    assert report["rows"] == {name: entry["rows"] for name, entry in manifest["tables"].items()}
