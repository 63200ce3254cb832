"""The lab's accounts: any 12-digit account exists once it is first used.

Each account is moto's IAM and STS backends of that account ID, with an IAM user `admin`
(AdministratorAccess) bootstrapped on first use, as a new AWS account comes with its root
user. Authentication looks for a key in every account the lab has created, and the request
is then served in the account that owns the caller, as AWS serves it.
"""

from __future__ import annotations

import os
import threading
from typing import NamedTuple

from iamlab.lab.moto import backends, managed

ADMIN_USER = "admin"
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"


class AccessKeys(NamedTuple):
    access_key_id: str
    secret_access_key: str

    def __repr__(self) -> str:
        return f"AccessKeys(access_key_id={self.access_key_id!r}, secret_access_key='…')"


def valid_account_id(account_id) -> bool:
    return isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()


# An account's IAM and STS, as moto's backends of that account ID (`lab/moto/backends.py`).


def account_of_arn(arn: str) -> str | None:
    """The account field of an ARN (`arn:aws:iam::111122223333:role/R`), None if it has none."""
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    return parts[4] if len(parts) == 6 and valid_account_id(parts[4]) else None


class Accounts:
    """The accounts a lab has created, each with its administrator's keys."""

    def __init__(self, home: str, region: str):
        self._home = home
        self._region = region
        self._admins: dict[str, AccessKeys] = {}
        self._lock = threading.RLock()

    def __contains__(self, account_id: str) -> bool:
        return account_id in self._admins

    def __iter__(self):
        return iter(list(self._admins))

    def ensure(self, account_id: str) -> AccessKeys:
        """The administrator's keys of `account_id`, creating the account on first use."""
        if not valid_account_id(account_id):
            raise ValueError(f"account_id must be 12 digits, got {account_id!r}")
        with self._lock:
            keys = self._admins.get(account_id)
            if keys is None:
                keys = self._admins[account_id] = self._bootstrap(account_id)
                self._write_profile(account_id, keys, default=len(self._admins) == 1)
            return keys

    def owner_of_key(self, access_key_id: str) -> str | None:
        """The account whose IAM holds `access_key_id` (a user's key or a session's)."""
        for account_id in self:
            if access_key_id in backends.iam(account_id).access_keys:
                return account_id
        return None

    def _bootstrap(self, account_id: str) -> AccessKeys:
        iam = backends.iam(account_id)
        iam.create_user(self._region, ADMIN_USER, "/", [])
        managed.ensure(iam, [ADMINISTRATOR_ACCESS])
        iam.attach_user_policy(ADMINISTRATOR_ACCESS, ADMIN_USER)
        key = iam.create_access_key(ADMIN_USER)
        return AccessKeys(key.access_key_id, key.secret_access_key)

    def _write_profile(self, account_id: str, keys: AccessKeys, *, default: bool) -> None:
        """Profile `admin-<account>` (and `default` for the lab's own account) in the lab's AWS files."""
        aws = os.path.join(self._home, ".aws")
        os.makedirs(aws, mode=0o700, exist_ok=True)
        names = ["default", f"admin-{account_id}"] if default else [f"admin-{account_id}"]
        for name in names:
            section = name if name == "default" else f"profile {name}"
            _append_private(
                os.path.join(aws, "config"), f"[{section}]\nregion = {self._region}\noutput = json\n"
            )
            _append_private(
                os.path.join(aws, "credentials"),
                f"[{name}]\naws_access_key_id = {keys.access_key_id}\n"
                f"aws_secret_access_key = {keys.secret_access_key}\n",
            )


def _append_private(path: str, text: str) -> None:
    """Append to a file only its owner can read, as `aws configure` expects for credentials."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as f:
        f.write(text)
