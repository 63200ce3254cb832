"""moto's backends, reached the one way moto itself offers: `moto.backends.get_backend`.

A backend is moto's state of one service in one account and region (`backends.of("sqs")
["123456789012"]["ap-northeast-2"]`). IAM, STS, S3 and Organizations are global: moto keys
their backends by partition (`GLOBAL`) instead of region. Every module of the lab reaches
moto's state through here, so a moto upgrade that moves a backend breaks one place.
"""

from __future__ import annotations

from functools import cache

from moto.backends import get_backend

GLOBAL = "aws"  # the partition, moto's "region" of a global service


@cache
def of(service: str):
    """moto's backends of `service` (its module name: "iam", "awslambda", ...), by account and region."""
    return get_backend(service)


def backend(service: str, account: str, region: str = GLOBAL):
    """One backend; moto creates it on first use. A backend that exists is read as a plain dict
    entry: moto's own lookup re-checks its registries on every access (a tenth of a gate decision)."""
    by_region = dict.get(of(service), account)
    found = dict.get(by_region, region) if by_region is not None else None
    return found if found is not None else of(service)[account][region]


def iam(account: str):
    return backend("iam", account)


def sts(account: str):
    return backend("sts", account)


def s3(account: str):
    return backend("s3", account)


def bucket_account(bucket_name: str) -> str | None:
    """The account that owns `bucket_name` (bucket names are global), or None if there is none."""
    owner = of("s3").bucket_accounts.get(bucket_name)
    return owner[1] if owner else None
