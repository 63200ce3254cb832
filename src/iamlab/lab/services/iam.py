"""IAM: resources named by name (with their path), list actions authorized against the listed path.

IAM is global: its ARNs carry no region, and a request never names another account's user,
group or role, so it is always served in the caller's account.
"""

from __future__ import annotations

from iamlab.lab import iam_api
from iamlab.lab.authz.context import tag_dict
from iamlab.lab.moto import backends
from iamlab.lab.services.adapter import Adapter, Operation, Where
from iamlab.lab.services.reference import condition_keys, resource_types

# IAM list actions have no resource type, yet IAM authorizes them against the listed path
# ("not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/").
LIST_PATHS = {
    "ListUsers": "user",
    "ListRoles": "role",
    "ListGroups": "group",
    "ListPolicies": "policy",
    "ListInstanceProfiles": "instance-profile",
}

# IAM resource type -> (name parameter, moto collection, parameter holding a full ARN).
NAMED = {
    "user": ("UserName", "users", None),
    "group": ("GroupName", "groups", None),
    "role": ("RoleName", "roles", None),
    "instance-profile": ("InstanceProfileName", "instance_profiles", None),
    "policy": ("PolicyName", None, "PolicyArn"),
    "mfa": ("VirtualMFADeviceName", None, "SerialNumber"),
    "oidc-provider": (None, None, "OpenIDConnectProviderArn"),
    "saml-provider": ("Name", None, "SAMLProviderArn"),
    "server-certificate": ("ServerCertificateName", None, None),
}


class IAM(Adapter):
    served_by_owner = False
    endpoint_region = "us-east-1"  # its aws:RequestedRegion, whatever region the client signs for

    def before_action(self, gate, call, handler, op: Operation, params: dict[str, str]) -> None:
        iam_api.before_action(gate, call, handler, op.api, params)

    def resolve(self, op: Operation, handler, params: dict, caller, where: Where) -> None:
        iam = backends.iam(where.account)
        types = resource_types(op.action)
        target = None
        if op.api in LIST_PATHS:
            op.resource = f"arn:aws:iam::{where.account}:{LIST_PATHS[op.api]}{params.get('PathPrefix', '/')}"
        elif "PolicySourceArn" in params:  # SimulatePrincipalPolicy, GetContextKeysForPrincipalPolicy
            op.resource = params["PolicySourceArn"]
        elif types:
            op.resource, target = _named(types[0], params, iam, caller)
        else:
            op.resource = "*"
        keys = condition_keys(op.action)
        if "iam:policyarn" in keys and "PolicyArn" in params:
            op.context["iam:PolicyARN"] = params["PolicyArn"]
        if "iam:permissionsboundary" in keys:
            boundary = params.get("PermissionsBoundary") or _current_boundary(types, target)
            if boundary:
                op.context["iam:PermissionsBoundary"] = boundary
        if target is not None and types[0] in ("user", "role", "policy", "instance-profile"):
            for key, value in _tags(iam, types[0], target).items():
                op.context[f"aws:ResourceTag/{key}"] = value
                if types[0] in ("user", "role"):
                    op.context[f"iam:ResourceTag/{key}"] = value


def _named(kind: str, params: dict, iam, caller) -> tuple[str, object | None]:
    """The ARN (with its path) of the `kind` resource the request names, and the moto object if it exists.

    A request that creates the resource takes its path from `Path`; IAM actions on a user
    default to the caller's own user when no `UserName` is given.
    """
    account = iam.account_id
    name_param, collection, arn_param = NAMED.get(kind, (None, None, None))
    if arn_param and params.get(arn_param):
        arn = params[arn_param]
        return arn, by_arn(iam, kind, arn)
    name = params.get(name_param) if name_param else None
    if name is None and kind == "user" and caller.kind == "user":
        return caller.arn, caller.user
    if name is None and kind == "oidc-provider" and params.get("Url"):  # CreateOpenIDConnectProvider
        return f"arn:aws:iam::{account}:oidc-provider/{params['Url'].split('://', 1)[-1]}", None
    if name is None:
        return "*", None
    found = None
    if collection:
        found = next((i for i in getattr(iam, collection).values() if i.name == name), None)
    path = found.path if found is not None else params.get("Path", "/")
    return f"arn:aws:iam::{account}:{kind}{path}{name}", found


def by_arn(iam, kind: str, arn: str):
    """The managed policy or role `arn` names in the backend `iam`, if it exists."""
    if kind == "policy":
        return iam.managed_policies.get(arn)
    if kind == "role":
        return next((r for r in iam.roles.values() if r.arn == arn), None)
    return None


def _current_boundary(types: tuple[str, ...], target) -> str | None:
    """The boundary already on the target user or role (`iam:PermissionsBoundary` on Attach/Put*Policy)."""
    if target is None or not types:
        return None
    if types[0] == "role":
        return target.permissions_boundary_arn
    if types[0] == "user":
        from iamlab.lab.moto.hooks import active_lab  # moto keeps no user boundary; the lab does

        lab = active_lab()
        return lab.user_boundaries.get(target.name) if lab is not None else None
    return None


def _tags(iam, kind: str, target) -> dict[str, str]:
    if kind == "user":
        return tag_dict(iam.list_user_tags(target.name))
    return tag_dict(getattr(target, "tags", None))
