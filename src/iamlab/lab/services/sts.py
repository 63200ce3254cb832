"""STS: AssumeRole is authorized against the role, and the role's trust policy is its resource policy.

The trust policy sees the request's `sts:` keys (`sts:ExternalId`, `sts:RoleSessionName`, ...).
STS's denial carries only the basic sentence ("User: ... is not authorized to perform:
sts:AssumeRole on resource: ..."), as AWS's does (`Decision.aws_message`). A role's session is
issued in the role's account already, so the request is never moved to the owner's backend.
"""

from __future__ import annotations

from iamlab.lab import accounts
from iamlab.lab.authz.context import tag_dict
from iamlab.lab.authz.policies import as_policy, trust_policy_name
from iamlab.lab.iam_api import rules
from iamlab.lab.moto import backends
from iamlab.lab.services.adapter import Adapter, Operation, Where
from iamlab.lab.services.iam import by_arn
from iamlab.policy.statement import as_list

ASSUME_ACTIONS = {"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
# The actions a role's trust policy answers, as a resource-based policy.
TRUSTED = frozenset({"sts:assumerole", "sts:setsourceidentity", "sts:tagsession"})
CONTEXT_PARAMS = (
    ("ExternalId", "sts:ExternalId"),
    ("RoleSessionName", "sts:RoleSessionName"),
    ("SourceIdentity", "sts:SourceIdentity"),
)


class STS(Adapter):
    served_by_owner = False

    def describe(self, handler, moto_resource: str, caller, where: Where) -> Operation:
        op = super().describe(handler, moto_resource, caller, where)
        if op.api in ASSUME_ACTIONS and "aws:TagKeys" in op.context:
            op.also.append(("sts:TagSession", op.resource))  # session tags need their own permission
        return op

    def before_action(self, gate, call, handler, op: Operation, params: dict[str, str]) -> None:
        rules.check_session(call.caller, op.api, params)

    def resolve(self, op: Operation, handler, params: dict, caller, where: Where) -> None:
        if op.api not in ASSUME_ACTIONS:
            op.resource = "*"
            return
        op.resource = params.get("RoleArn", "*")
        for param, key in CONTEXT_PARAMS:
            if param in params:
                op.context[key] = params[param]
        if params.get("TransitiveTagKeys"):
            op.context["sts:TransitiveTagKeys"] = as_list(params["TransitiveTagKeys"])
        if "SourceIdentity" in params:
            op.also.append(("sts:SetSourceIdentity", op.resource))
        role = by_arn(backends.iam(where.account), "role", op.resource)
        if role is not None:
            for key, value in tag_dict(role.tags).items():
                op.context[f"aws:ResourceTag/{key}"] = value
                op.context[f"iam:ResourceTag/{key}"] = value

    def policy(self, action: str, arn: str, where: Where):
        """The role's trust policy, for the actions it answers."""
        if action.lower() not in TRUSTED:
            return None
        role = role_by_arn(arn, where.account)
        if role is None:
            return None
        return as_policy(
            role.assume_role_policy_document,
            kind="trust",
            name=trust_policy_name(role.name),
            source_type="resource",
        )


def role_by_arn(arn: str, account: str):
    """The role named by `arn`, looked up in the account that owns it (one the lab has created)."""
    from iamlab.lab.moto.hooks import active_lab

    owner = accounts.account_of_arn(arn) or account
    lab = active_lab()
    if lab is None or owner not in lab.accounts:
        return None
    try:
        return backends.iam(owner).get_role_by_arn(arn)
    except Exception:
        return None
