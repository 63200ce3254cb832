"""Which policies apply to a caller: the identity side of AWS's evaluation.

Users get their inline and attached policies plus their groups'; a role session
gets the role's, its session policies and the role's permissions boundary.
Documents are handed to the engine as parsed `Policy` objects, whose parsing the
engine caches by content, so a hot request pays nothing for re-reading them.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import unquote

from iamlab.i18n import _
from iamlab.policy import MalformedPolicyDocument, Policy


class PolicySet(NamedTuple):
    identity: tuple
    boundary: object | None
    session: tuple


def as_policy(document, *, kind: str, name: str, source_type: str):
    """A stored document as an engine Policy; a document the engine rejects is passed raw (lenient)."""
    if isinstance(document, bytes):
        document = document.decode()
    if isinstance(document, str) and document.lstrip().startswith("%7B"):
        document = unquote(document)
    try:
        return Policy.parse(document, kind=kind, name=name, source_type=source_type)
    except MalformedPolicyDocument:
        return document


def trust_policy_name(role_name: str) -> str:
    """How explanations name a role's trust policy."""
    return _("trust policy of role {role}").format(role=role_name)


def bucket_policy_name(bucket: str) -> str:
    return _("bucket policy of {bucket}").format(bucket=bucket)


def managed_document(policy) -> str:
    for version in policy.versions:
        if version.is_default:
            return version.document
    return policy.versions[-1].document


def _managed(policy) -> object:
    source = "aws-managed" if ":iam::aws:policy/" in policy.arn else "user-managed"
    return as_policy(managed_document(policy), kind="identity", name=policy.name, source_type=source)


def attached_to(owner, label: str, source_type: str) -> list:
    found = [
        as_policy(
            doc,
            kind="identity",
            name=_("{owner} inline policy {name}").format(owner=label, name=name),
            source_type=source_type,
        )
        for name, doc in owner.policies.items()
    ]
    found.extend(_managed(p) for p in owner.managed_policies.values())
    return found


def _boundary(iam, arn: str | None):
    if not arn:
        return None
    policy = iam.managed_policies.get(arn)
    if policy is None:  # a boundary that no longer exists allows nothing
        return {"Version": "2012-10-17", "Statement": []}
    return as_policy(
        managed_document(policy),
        kind="boundary",
        name=_("boundary {name}").format(name=policy.name),
        source_type="boundary",
    )


def for_caller(iam, caller, user_boundaries: dict[str, str]) -> PolicySet:
    if caller.kind == "user":
        user = caller.user
        identity = attached_to(user, _("user {name}").format(name=user.name), "user")
        for group in iam.groups.values():
            if user in group.users:
                identity.extend(attached_to(group, _("group {name}").format(name=group.name), "group"))
        return PolicySet(tuple(identity), _boundary(iam, user_boundaries.get(user.name)), ())
    role = caller.role
    identity = attached_to(role, _("role {name}").format(name=role.name), "role")
    session = tuple(caller.extras.session_policies) if caller.extras else ()
    return PolicySet(tuple(identity), _boundary(iam, role.permissions_boundary_arn), session)
