"""Small builders so each test reads as the policy it is about."""

from __future__ import annotations

from iamlab.policy import Request, evaluate

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/jonnung"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Reader"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/jonnung"
BUCKET_OBJECT = "arn:aws:s3:::bucket/key"


def doc(*statements, version: str | None = "2012-10-17") -> dict:
    policy = {"Statement": list(statements)}
    if version:
        policy["Version"] = version
    return policy


def allow(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def grant(principal, action="*", resource="*", effect="Allow", **extra) -> dict:
    """A resource-policy statement naming a principal."""
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource, **extra}


def decide(
    *identity,
    principal=USER,
    action="s3:GetObject",
    resource=BUCKET_OBJECT,
    account=None,
    context=None,
    resource_policy=None,
    boundary=None,
    session=None,
    scps=None,
    rcps=None,
    management=None,
):
    """Evaluate with identity statements given directly (each becomes one policy); `scps`, `rcps` and
    `management` are the Organizations guardrails (None: no organization)."""
    return evaluate(
        Request(principal, action, resource, account, context or {}),
        identity_policies=[doc(s) if "Effect" in s else s for s in identity],
        resource_policy=resource_policy,
        permissions_boundary=boundary,
        session_policy=session,
        service_control_policies=scps,
        resource_control_policies=rcps,
        management_account=management,
    )


def result(*identity, **kwargs) -> str:
    return decide(*identity, **kwargs).result
