"""Packages for the build; everything else is in pyproject.toml.

setuptools finds ``kamlab`` and its subpackages, and the wheel also gets ``kamlab.casedata``: the folder
``datasets/case`` (the case company's one copy in the repository) installed as package data, so that
``pip install kamlab`` brings the case company and ``kamlab.load_case()`` finds it with importlib.resources.
An editable install (``pip install -e .``) reads ``datasets/case`` in place.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).resolve().parent

setup(
    packages=find_namespace_packages(where=str(HERE), include=["kamlab", "kamlab.*"]) + ["kamlab.casedata"],
    package_dir={"kamlab.casedata": "datasets/case"},
    package_data={"kamlab.casedata": ["*.parquet", "manifest.json"]},
)
