"""environment.yml (Binder, JupyterHub images) resolves the same dependencies as pyproject.toml.

A dependency bumped in one file and not the other gives learners on Binder a different lab
than the one the tests ran. Names and version bounds must agree; packages only on PyPI may
sit under `pip:`; iamlab itself must be installed from the repository (`-e .` or `.`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text())
SELF = (".", "-e .", "-e.", "./", "-e ./")


def conda_specs() -> dict[str, str]:
    """`name>=1,<2` (conda's match spec, `=` meaning a prefix match) as {name: specifier}."""
    found = {}
    for entry in ENVIRONMENT["dependencies"]:
        if isinstance(entry, str):
            name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", entry).groups()
            found[canonicalize_name(name)] = spec.replace(" ", "")
    return found


def pip_entries() -> list[str]:
    for entry in ENVIRONMENT["dependencies"]:
        if isinstance(entry, dict) and "pip" in entry:
            return [str(e).strip() for e in entry["pip"]]
    return []


def pip_specs() -> dict[str, str]:
    found = {}
    for entry in pip_entries():
        if entry in SELF or entry.startswith("-"):
            continue
        requirement = Requirement(entry)
        found[canonicalize_name(requirement.name)] = str(requirement.specifier)
    return found


RUNTIME = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


@pytest.mark.parametrize("requirement", RUNTIME, ids=[r.name for r in RUNTIME])
def test_every_runtime_dependency_is_in_environment_yml_with_the_same_bounds(requirement):
    name = canonicalize_name(requirement.name)
    conda, pip = conda_specs(), pip_specs()
    assert name in conda or name in pip, f"{requirement.name} is in pyproject.toml but not in environment.yml"
    spec = conda.get(name, pip.get(name))
    assert SpecifierSet(spec) == requirement.specifier, (
        f"{requirement.name}: environment.yml says {spec!r}, "
        f"pyproject.toml says {str(requirement.specifier)!r}"
    )


def test_no_dependency_is_listed_twice():
    assert not set(conda_specs()) & set(pip_specs())


def test_environment_yml_adds_no_unexplained_package():
    """Only pyproject's dependencies, Python, pip, and the server extra of moto that pip would pull anyway."""
    declared = {canonicalize_name(r.name) for r in RUNTIME}
    extras = {canonicalize_name(Requirement(e).name) for e in ("flask", "flask-cors")}  # moto[server]
    extra_packages = set(conda_specs()) | set(pip_specs())
    assert extra_packages - declared - extras - {"python", "pip"} == set()


def test_python_version_meets_requires_python():
    version = conda_specs()["python"].lstrip("=")
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(version + ".0")


def test_iamlab_itself_is_installed_from_the_repository():
    assert any(entry in SELF for entry in pip_entries()), "environment.yml's pip: section must install `-e .`"


def test_conda_forge_only():
    assert ENVIRONMENT.get("channels") == ["conda-forge"]
