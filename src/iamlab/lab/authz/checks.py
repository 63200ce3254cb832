"""Questions asked of the lab without performing anything: "may this principal do that?".

Widgets (the access matrix, the playground) and the simulator API use these so that
a what-if never changes state, yet is decided with exactly the policies the gate uses.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from iamlab.lab import accounts
from iamlab.lab.authz import policies
from iamlab.lab.authz.decision import decide
from iamlab.lab.moto import backends, hooks
from iamlab.lab.wire.identity import Caller, SessionExtras

CHECK_SESSION = "iamlab-check"


def caller_for(iam, principal_arn: str) -> Caller:
    """A user ARN, a role ARN (as a session of it) or an assumed-role ARN of `iam`'s account, as the
    gate would see it; a principal of another account is not found there (ValueError)."""
    account = iam.account_id
    if accounts.account_of_arn(principal_arn) != account:
        raise ValueError(f"not a principal of account {account}: {principal_arn}")
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


@contextmanager
def serving(account_id: str):
    """Within it, the gate serves `account_id` (its IAM, its users' boundaries, the owner of a
    resource that names none) as during a request from that account; the call being served, if
    any, is restored after."""
    served = hooks.current_call()
    hooks.set_current_call(SimpleNamespace(caller=SimpleNamespace(account_id=account_id)))
    try:
        yield
    finally:
        hooks.set_current_call(served)


def check(lab, principal_arn: str, action: str, resource: str = "*", context: dict | None = None):
    """The engine's Decision for `principal_arn` (of any account the lab has) doing `action` on
    `resource`, decided as the gate decides the real request: with its account's policies, the
    resource's policy in the account that owns it, and the organization's SCPs and RCPs."""
    account = accounts.account_of_arn(principal_arn)
    if account not in lab.accounts:
        raise ValueError(f"no account of the lab holds {principal_arn}")
    caller = caller_for(backends.iam(account), principal_arn)
    with serving(account):
        gate = lab.gate
        call = SimpleNamespace(source_ip="127.0.0.1", region=lab.region, service=action.split(":", 1)[0])
        policy_set = policies.for_caller(gate.iam, caller, lab.user_boundaries)
        asked = lab.request_context(caller, call) | (context or {})
        return decide(gate, caller.arn, caller.account_id, action, resource, asked, policy_set)
