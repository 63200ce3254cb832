"""AWS managed policies, added to the lab's IAM when a request first names them.

moto can load all ~1,600 AWS managed policies at start, but that is a quarter of a
second on every `Lab()`. Lessons name a handful, so the lab adds each one the
first time a request refers to it, and all of them when a request lists them.
"""

from __future__ import annotations

import functools
import json

from moto.iam.aws_managed_policies import aws_managed_policies_data
from moto.iam.models import AWSManagedPolicy

AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy/"
# Requests that show AWS managed policies without naming one.
LISTING_APIS = {"ListPolicies", "GetAccountAuthorizationDetails"}


@functools.cache
def _catalog() -> dict[str, tuple[str, dict]]:
    parsed = json.loads(aws_managed_policies_data)
    return {
        f"arn:aws:iam::aws:policy{data.get('Path', '/')}{name}": (name, data) for name, data in parsed.items()
    }


def _one(arn: str) -> tuple[str, dict] | None:
    """One policy's entry, decoded alone: parsing the whole catalogue would slow every Lab() start."""
    if _catalog.cache_info().currsize:
        return _catalog().get(arn)
    name = arn.rsplit("/", 1)[-1]
    start = aws_managed_policies_data.find(f'\n "{name}":')
    if start < 0:
        return None
    data, _ = json.JSONDecoder().raw_decode(aws_managed_policies_data, start + len(name) + 5)
    return (name, data) if f"arn:aws:iam::aws:policy{data.get('Path', '/')}{name}" == arn else None


def ensure(iam, arns) -> None:
    """Make the named AWS managed policies exist in `iam` (unknown ARNs are left for IAM to refuse)."""
    for arn in arns:
        if arn in iam.managed_policies:
            continue
        found = _one(arn)
        if found is not None:
            name, data = found
            iam.managed_policies[arn] = AWSManagedPolicy.from_data(
                name, iam.account_id, iam.region_name, data
            )


def ensure_all(iam) -> None:
    ensure(iam, _catalog())


def prepare_for(iam, api: str, params: dict[str, str]) -> None:
    """Before moto serves `api`, add the AWS managed policies it will need to see."""
    if api in LISTING_APIS:
        ensure_all(iam)
        return
    named = [
        value for value in params.values() if isinstance(value, str) and value.startswith(AWS_POLICY_PREFIX)
    ]
    if named:
        ensure(iam, named)
