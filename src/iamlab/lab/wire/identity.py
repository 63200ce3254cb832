"""Who is calling: resolve an access key to an IAM user or an assumed-role session.

This is the authentication half of every request. It reads moto's IAM and STS
state (the source of truth for keys) and answers with AWS's own refusal when the
key, token or signature is wrong, or the session has expired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from iamlab.lab.wire.errors import refusal


@dataclass
class SessionExtras:
    """What STS knows about a session beyond moto's record: the policies that narrow it."""

    session_policies: tuple = ()
    tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    external_id: str | None = None
    chained: bool = False
    issued_at: dt.datetime | None = None
    source_principal: str | None = None
    role_id: str | None = None  # the unique ID of the role the session belongs to


class Caller(NamedTuple):
    """An authenticated principal and everything the policy engine needs about it."""

    arn: str
    account_id: str
    kind: str  # "user" | "assumed-role"
    name: str  # user name, or role name for a session
    userid: str
    secret_access_key: str
    user: object | None = None
    role: object | None = None
    session: object | None = None  # moto's AssumedRole
    extras: SessionExtras | None = None

    @property
    def principal_arn(self) -> str:
        """`aws:PrincipalArn`: the role's ARN for a session, the caller's own ARN otherwise."""
        return self.role.arn if self.kind == "assumed-role" and self.role is not None else self.arn


def resolve(
    iam, sts, access_key_id: str, session_token: str | None, protocol: str | None, now: dt.datetime
) -> Caller:
    """The caller behind `access_key_id`, or AWS's refusal for a bad key, token or expiry
    (in the words of the service's `protocol`)."""
    key = iam.access_keys.get(access_key_id)
    if key is None or key.status != "Active":
        raise refusal("invalid_key", protocol)
    if key.role_arn is None:
        if session_token:
            raise refusal("bad_token", protocol)
        user = iam.users.get(key.user_name)
        if user is None or not any(own is key for own in user.access_keys):
            # the key belonged to a user who was deleted, whatever the name
            raise refusal("invalid_key", protocol)
        arn = f"arn:aws:iam::{iam.account_id}:user{user.path}{user.name}"
        return Caller(arn, iam.account_id, "user", user.name, user.id, key.secret_access_key, user=user)
    session = sts.get_assumed_role_from_access_key(access_key_id)
    if session is None:
        raise refusal("invalid_key", protocol)
    if not session_token or session_token != session.session_token:
        raise refusal("bad_token", protocol)
    if now >= session.expiration:
        raise refusal("expired", protocol)
    extras = getattr(session, "iamlab_extras", None)
    try:
        role = iam.get_role_by_arn(session.role_arn)
    except Exception:  # the role was deleted: its sessions die with it, as in AWS
        raise refusal("bad_token", protocol) from None
    if extras is None or extras.role_id != role.id:  # a new role of the same name is another principal
        raise refusal("bad_token", protocol)
    return Caller(
        arn=session.arn,
        account_id=iam.account_id,
        kind="assumed-role",
        name=role.name,
        userid=f"{role.id}:{session.session_name}",
        secret_access_key=session.secret_access_key,
        role=role,
        session=session,
        extras=extras,
    )
