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
    return of(service)[account][region]


def iam(account: str):
    return of("iam")[account][GLOBAL]


def sts(account: str):
    return of("sts")[account][GLOBAL]


def s3(account: str):
    return of("s3")[account][GLOBAL]


def bucket_account(bucket_name: str) -> str | None:
    """The account that owns `bucket_name` (bucket names are global), or None if there is none."""
    owner = of("s3").bucket_accounts.get(bucket_name)
    return owner[1] if owner else None
