"""Shared fixtures: one lab per test module keeps the suite fast; each test that mutates state
builds on a fresh `setup_article()` only where it needs to."""

import os
import shutil
import subprocess
import sys

import pytest

AWS_CLI = shutil.which("aws", path=os.path.dirname(sys.executable)) or "aws"


@pytest.fixture
def lab():
    from iamlab import Lab

    with Lab() as lab:
        yield lab


@pytest.fixture
def article(lab):
    return lab.setup_article()


def run_aws(env, *args, check=False):
    """Run the real AWS CLI with `env`; return (exit code, stdout, stderr)."""
    result = subprocess.run(
        [AWS_CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=check
    )
    return result.returncode, result.stdout, result.stderr.strip()
