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


# Two CLI v2s: Debian bookworm's (2.9, before AWS_ENDPOINT_URL) and a current one (fetch_awscli_v2.py).
AWS_V2 = {
    "debian": ("the AWS CLI v2 (Debian's awscli)", "/usr/bin/aws"),
    "current": ("a current AWS CLI v2 (tests/clients/fetch_awscli_v2.py)", str(HERE / "awscli-v2" / "aws")),
}


@pytest.fixture(params=sorted(AWS_V2))
def aws_v2(request):
    what, path = AWS_V2[request.param]
    version = ""
    if os.access(path, os.X_OK):
        import subprocess

        version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    require(what, version.startswith("aws-cli/2."))
    return path


@pytest.fixture
def node():
    path = shutil.which("node")
    require("Node.js", path)
    require("the JavaScript SDK v3 (npm ci in tests/clients)", (HERE / "node_modules" / "@aws-sdk").is_dir())
    return path
