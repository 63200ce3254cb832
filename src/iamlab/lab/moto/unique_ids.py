"""IAM's unique IDs and S3's owner, shaped as AWS shapes them.

IAM gives every user, group, role, instance profile and policy a unique ID whose first four
characters say what it is ("Understanding unique ID prefixes", IAM User Guide): `AIDA` a user,
`AGPA` a group, `AROA` a role, `AIPA` an instance profile, `ANPA` a managed policy, `AKIA` an
access key and `ASIA` a temporary (STS) access key. The rest is 17 characters of the base-32
alphabet AWS uses (A-Z, 2-7) for a 21-character ID; moto already builds role IDs and access keys
that way, and the lab builds the others with the same generator.

A deleted user or role and a new one of the same name are different principals with different
IDs; `identity.resolve` binds keys and sessions to them.

S3's owner: the bucket owner is the account's canonical user ID (64 hex characters). S3 no
longer returns `DisplayName` (end of support, 21 November 2025; Seoul, the lab's region, never
returned it), so the lab omits it instead of moto's made-up `webfile`.
"""

from __future__ import annotations

from moto.iam.utils import generate_access_key_id_from_account_id
from moto.s3.models import OWNER as S3_CANONICAL_OWNER

PREFIXES = {"user": "AIDA", "group": "AGPA", "role": "AROA", "instance-profile": "AIPA", "policy": "ANPA"}
UNIQUE_ID_LENGTH = 21
# moto's ListBuckets owner: a 32-character ID and a display name S3 does not send.
MOTO_LIST_BUCKETS_OWNER = "bcaf1ffd86f41161ca5fb16fd081034f"
MOTO_DISPLAY_NAME = "webfile"


def new_id(kind: str, account_id: str) -> str:
    """A fresh unique ID for an IAM entity of `kind` in `account_id` (AWS-managed policies: "aws")."""
    account = account_id if str(account_id).isdigit() else "000000000000"
    return generate_access_key_id_from_account_id(account, PREFIXES[kind], UNIQUE_ID_LENGTH)


def realistic_owner(result):
    """An S3 response body (as moto's serializer takes it) with AWS's owner: canonical ID, no DisplayName."""
    if isinstance(result, dict):
        cleaned = {}
        for key, value in result.items():
            if key == "DisplayName" and value == MOTO_DISPLAY_NAME:
                continue
            if key == "ID" and value == MOTO_LIST_BUCKETS_OWNER:
                value = S3_CANONICAL_OWNER
            cleaned[key] = realistic_owner(value)
        return cleaned
    if isinstance(result, list):
        return [realistic_owner(item) for item in result]
    return result
