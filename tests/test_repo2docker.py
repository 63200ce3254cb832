"""repo2docker (Binder, the JupyterHub single-user image) builds this repository from environment.yml.

`repo2docker --no-build --debug` prints the Dockerfile it would build, without Docker. We check
that it chose the conda build pack, copies the repository before resolving the environment (the
`-e .` under `pip:` needs the source) and resolves exactly environment.yml.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPO2DOCKER = shutil.which("repo2docker", path=os.path.dirname(sys.executable)) or shutil.which("repo2docker")


@pytest.fixture(scope="module")
def dockerfile() -> str:
    if REPO2DOCKER is None:
        pytest.skip("jupyter-repo2docker is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        # Binder's user; --no-build needs no container engine at all.
        [REPO2DOCKER, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "FROM " in result.stdout, result.stderr[-3000:]
    return result.stdout


def test_uses_the_conda_build_pack_with_environment_yml(dockerfile):
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in dockerfile
    assert "requirements.txt" not in dockerfile


def test_the_repository_is_copied_before_the_environment_is_resolved(dockerfile):
    copy = dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    resolve = dockerfile.index('--file "environment.yml"')
    assert copy < resolve, "environment.yml installs `-e .`, which needs the repository in the image first"


def test_the_environment_installs_the_package():
    import yaml

    dependencies = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    pip = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert "-e ." in pip or "." in pip
