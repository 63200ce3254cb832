"""One request decided as AWS decides it, with every policy AWS gathers for it.

The gate decides real requests with this, and `lab.check` and EC2's instance credentials ask
the same question, so a what-if and the real request can never disagree: the caller's own
policies, the resource's account (its ARN's, a bucket's owner, else the caller's), the
resource's policy read in that account, and the Organizations guardrails (the caller's
account's SCPs, the resource's account's RCPs). Each resource is asked about with its own tags.
"""

from __future__ import annotations

import dataclasses

from iamlab.lab.authz import organizations
from iamlab.lab.authz.policies import PolicySet
from iamlab.lab.services.adapter import Where
from iamlab.lab.services.registry import adapter_for, resource_tags
from iamlab.policy import Request
from iamlab.policy import evaluate as engine_evaluate

NO_POLICIES = PolicySet((), None, ())
# A resource account no caller has: asks the engine the cross-account question, "do both sides allow?".
_APART = "resource policy required"


def decide(gate, principal, caller_account: str, action: str, resource: str, context: dict, policy_set):
    """The engine's Decision for `principal` (an ARN, or a service such as `ec2.amazonaws.com`) of
    `caller_account` doing `action` on `resource`, as `gate` decides it while serving that account."""
    owner = gate.resource_account(resource)
    request = Request(
        principal=principal,
        action=action,
        resource=resource,
        resource_account=owner,
        context=context
        | resource_tags(action, resource, Where(gate.account_id, gate.lab.region))
        | {"aws:ResourceAccount": owner},
    )
    return evaluate(
        request,
        identity_policies=policy_set.identity,
        resource_policy=gate.resource_policy(request),
        permissions_boundary=policy_set.boundary,
        session_policy=policy_set.session or None,
        **organizations.guardrails(caller_account, owner),
    )


def evaluate(request, **policies):
    """The engine's decision, plus the rule of services whose resource policy must admit the caller.

    For a KMS key the key policy must allow the caller, or its account, whose IAM policies
    then decide. The engine applies exactly that rule to a resource in another account
    ("both sides must allow"), so an identity-based allow is checked once more that way.
    """
    decision = engine_evaluate(request, **policies)
    if not decision.allowed or decision.reason == "allowed_by_resource":
        return decision
    if not adapter_for(request.action.split(":", 1)[0]).resource_policy_required(request.resource):
        return decision
    both = engine_evaluate(dataclasses.replace(request, resource_account=_APART), **policies)
    return decision if both.allowed else both
