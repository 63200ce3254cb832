"""Real clients other than the CLI v1 beside iamlab: `.ci/run` installs them. Locally a test skips
when its client is absent; in CI (CI=true) a missing client fails the test instead."""

import os
import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def require(what: str, found) -> None:
    if found:
        return
    message = f"{what} is not installed (.ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def aws_v2():
    path = shutil.which("aws", path="/usr/bin:/usr/local/bin")
    version = ""
    if path:
        import subprocess

        version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    require("the AWS CLI v2 (Debian's awscli)", version.startswith("aws-cli/2."))
    return path


@pytest.fixture
def node():
    path = shutil.which("node")
    require("Node.js", path)
    require("the JavaScript SDK v3 (npm ci in tests/clients)", (HERE / "node_modules" / "@aws-sdk").is_dir())
    return path
