"""The set-up check of the start-here notebook."""

from importlib import metadata

import kamlab
from kamlab.course import setup_check


def test_everything_installed_says_all_set(capsys):
    assert kamlab.check_setup() is True
    out = capsys.readouterr().out.splitlines()
    names = [name for name, _ in setup_check._requirements()]
    assert "pandas" in names and "ipython" in names
    assert [line for line in out if line.startswith("✔ ") and "case company" not in line] == [f"✔ {n}" for n in names]
    assert out[-1] == "All set: the course is ready."
    assert "2,000 accounts" in out[-2]


def test_a_too_old_or_missing_package_is_named(monkeypatch, capsys):
    real_version = metadata.version

    def version(name):
        if name == "pandas":
            return "1.5.3"
        if name == "tqdm":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(setup_check.metadata, "version", version)
    assert setup_check.check_setup() is False
    out = capsys.readouterr().out
    # the lower bound the installed kamlab declares (pyproject.toml), not a copy of it
    bound = next(r for r in metadata.requires("kamlab") if r.startswith("pandas")).split(">=")[1].split(",")[0]
    assert f"✘ pandas: version 1.5.3 is too old, kamlab needs {bound} or newer." in out
    assert "✘ tqdm: not installed" in out
    assert out.rstrip().endswith("Something is missing: see the ✘ lines above.")
