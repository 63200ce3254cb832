"""One request decided as AWS decides it, with every policy AWS gathers for it.

The gate decides real requests with this, and `lab.check` and EC2's instance credentials ask
the same question, so a what-if and the real request can never disagree: the caller's own
policies, the resource's account (its ARN's, a bucket's owner, else the caller's), the
resource's policy read in that account, and the Organizations guardrails (the caller's
account's SCPs, the resource's account's RCPs).
"""

from __future__ import annotations

from iamlab.lab.authz import organizations
from iamlab.lab.authz.policies import PolicySet
from iamlab.lab.services import gatekeeping as services
from iamlab.policy import Request

NO_POLICIES = PolicySet((), None, ())


def decide(gate, principal, caller_account: str, action: str, resource: str, context: dict, policy_set):
    """The engine's Decision for `principal` (an ARN, or a service such as `ec2.amazonaws.com`) of
    `caller_account` doing `action` on `resource`, as `gate` decides it while serving that account."""
    owner = gate.resource_account(resource)
    request = Request(
        principal=principal,
        action=action,
        resource=resource,
        resource_account=owner,
        context=context | {"aws:ResourceAccount": owner},
    )
    return services.evaluate(
        request,
        identity_policies=policy_set.identity,
        resource_policy=gate.resource_policy(request),
        permissions_boundary=policy_set.boundary,
        session_policy=policy_set.session or None,
        **organizations.guardrails(caller_account, owner),
    )
