"""What the gate asks the service adapters: the request's resources, resource policy and denial.

These functions are the whole interface between the gate (`lab/gate.py`,
`lab/actions.py`, `lab/errors.py`) and the per-service knowledge in this package.
"""

from __future__ import annotations

import dataclasses

from iamlab.i18n import _
from iamlab.lab.authz.context import tag_dict
from iamlab.lab.authz.policies import as_policy
from iamlab.lab.services import reference
from iamlab.lab.services.adapter import Unresolved, Where, where_of
from iamlab.lab.services.params import request_params
from iamlab.lab.services.registry import adapter_for
from iamlab.lab.wire.errors import AWSError
from iamlab.policy import evaluate as engine_evaluate

# A resource account no caller belongs to: see `evaluate`.
_APART = "resource policy required"


def describe(op, handler, service: str, account: str) -> None:
    """Set `op`'s IAM action, the resources it is authorized against and its request tags.

    A request whose resource cannot be told is refused: deciding it against "*" would let a
    Deny that names one resource miss it.
    """
    adapter = adapter_for(service)
    where = Where(account, getattr(handler, "region", None) or "us-east-1")
    params = request_params(handler, op.api, service)
    try:
        operations = adapter.operations(op.api, params, where)
        if not operations:
            raise Unresolved(op.api)
    except Unresolved:
        message = _(
            "iamlab cannot tell which resource {action} acts on from this request, so it refuses it "
            'rather than decide it against "*".'
        ).format(action=adapter.action(op.api))
        raise AWSError(adapter.denial.code, message, adapter.denial.status) from None
    (op.action, op.resource), *rest = operations
    op.also.extend(rest)
    tags = params.get("Tags") or params.get("tags")
    tags = tag_dict(tags) if isinstance(tags, list) else tags if isinstance(tags, dict) else {}
    if tags and "aws:TagKeys" not in op.context:
        op.context.update({f"aws:RequestTag/{k}": v for k, v in tags.items()})
        op.context["aws:TagKeys"] = list(tags)


def resource_tags(action: str, resource: str, account: str, region: str) -> dict[str, str]:
    """`aws:ResourceTag/*` of `resource` alone, for the one question about it.

    A call on several resources asks one question per resource, each with that resource's own
    tags: a Deny on a tag stops the call if any one of them carries it, and an Allow on a tag
    allows it only if every one does. The request's shared context never holds them.
    """
    if resource == "*" or not reference.tagged(action, resource):
        return {}
    adapter = adapter_for(action.split(":", 1)[0])
    tags = adapter.resource_tags(resource, where_of(resource, Where(account, region)))
    return {f"aws:ResourceTag/{k}": v for k, v in tags.items()}


def resource_policy(request, account: str, region: str):
    """The resource-based policy attached to `request.resource`, read in the account that owns it."""
    if request.resource == "*":
        return None
    adapter = adapter_for(request.action.split(":", 1)[0])
    found = adapter.resource_policy(request.resource, where_of(request.resource, Where(account, region)))
    if found is None:
        return None
    name, document = found
    return as_policy(document, kind="resource", name=name, source_type="resource")


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


def denial(service: str, message: str) -> AWSError:
    """`message` as the service's own denial: its code, status and wording."""
    shape = adapter_for(service).denial
    return AWSError(shape.code, shape.message(message), shape.status)
