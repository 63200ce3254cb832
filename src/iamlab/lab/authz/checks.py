"""Questions asked of the lab without performing anything: "may this principal do that?".

Widgets (the access matrix, the playground) and the simulator API use these so that
a what-if never changes state, yet is decided with exactly the policies the gate uses.
"""

from __future__ import annotations

from types import SimpleNamespace

from iamlab.lab.authz import policies
from iamlab.lab.wire.identity import Caller, SessionExtras
from iamlab.policy import Request, evaluate

CHECK_SESSION = "iamlab-check"


def caller_for(iam, principal_arn: str) -> Caller:
    """A user ARN, a role ARN (as a session of it) or an assumed-role ARN, as the gate would see it."""
    account = iam.account_id
    if ":user/" in principal_arn:
        name = principal_arn.rsplit("/", 1)[-1]
        user = iam.get_user(name)
        return Caller(principal_arn, account, "user", name, user.id, "", user=user)
    if ":assumed-role/" in principal_arn:
        role_name, session_name = principal_arn.split(":assumed-role/", 1)[1].split("/", 1)
    elif ":role/" in principal_arn:
        role_name, session_name = principal_arn.rsplit("/", 1)[-1], CHECK_SESSION
    else:
        raise ValueError(f"not a user or role ARN: {principal_arn}")
    role = iam.get_role(role_name)
    arn = f"arn:aws:sts::{account}:assumed-role/{role.name}/{session_name}"
    return Caller(
        arn,
        account,
        "assumed-role",
        role.name,
        f"{role.id}:{session_name}",
        "",
        role=role,
        extras=SessionExtras(),
    )


def check(lab, principal_arn: str, action: str, resource: str = "*", context: dict | None = None):
    """The engine's Decision for `principal_arn` doing `action` on `resource`, from the lab's policies."""
    gate = lab.gate
    caller = caller_for(gate.iam, principal_arn)
    call = SimpleNamespace(source_ip="127.0.0.1", region=lab.region)
    op = SimpleNamespace(action=action, resource=resource)
    policy_set = policies.for_caller(gate.iam, caller, lab.user_boundaries)
    request = Request(
        principal=caller.arn,
        action=action,
        resource=resource,
        resource_account=lab.account_id,
        context=lab.request_context(caller, call) | (context or {}),
    )
    return evaluate(
        request,
        identity_policies=policy_set.identity,
        resource_policy=gate.resource_policy(op),
        permissions_boundary=policy_set.boundary,
        session_policy=policy_set.session or None,
    )
