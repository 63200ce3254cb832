"""The lab's private folder: the HOME its client subprocesses see, with the lab's AWS files.

It holds the administrator's secret key, so only its owner may enter it (0700). It is
removed when the lab closes, when the process exits, and, if the process died without
either (a killed kernel), by the next lab that starts on this machine.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

PREFIX = "iamlab-"
_live: set[str] = set()


def create() -> str:
    """A new private folder named after this process, after sweeping away dead labs' folders."""
    sweep_orphans()
    path = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")
    os.chmod(path, 0o700)
    _live.add(path)
    return path


def write_private(path: str, data: str | bytes) -> None:
    """Write a file only its owner can read, as `aws configure` expects for credentials."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def remove(path: str) -> None:
    _live.discard(path)
    shutil.rmtree(path, ignore_errors=True)


def sweep_orphans(parent: str | None = None) -> list[str]:
    """Remove this user's lab folders whose process is gone; return their paths."""
    parent = parent or tempfile.gettempdir()
    removed = []
    for entry in os.scandir(parent):
        pid = _owner_pid(entry)
        if pid is not None and not _alive(pid):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.path)
    return removed


def _owner_pid(entry: os.DirEntry) -> int | None:
    """The pid in a lab folder's name, if `entry` is one of this user's lab folders."""
    if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False):
        return None
    pid = entry.name[len(PREFIX) :].split("-", 1)[0]
    try:
        owner = entry.stat(follow_symlinks=False).st_uid
    except FileNotFoundError:  # its own lab removed it while we looked: nothing to sweep
        return None
    return int(pid) if pid.isdigit() and owner == os.getuid() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@atexit.register
def _remove_all() -> None:
    for path in list(_live):
        remove(path)
