"""Translate a moto request into the IAM question AWS would ask about it.

An API call becomes an IAM action (which is not always the API's name:
`ListBuckets` is `s3:ListAllMyBuckets`, CloudWatch signs as `monitoring` but its
actions are `cloudwatch:`), the resource ARN it touches, and the request-specific
condition keys (`s3:prefix`, `sts:ExternalId`, `aws:RequestTag/...`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Signing names whose IAM action prefix differs.
ACTION_PREFIX = {"monitoring": "cloudwatch", "email": "ses", "states": "states", "execute-api": "execute-api"}

# moto's S3 ACTION_MAP uses a few names that are not IAM actions.
S3_ACTION_NAMES = {
    "HeadBucket": "ListBucket",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "ListBucketVersions": "ListBucketVersions",
}

IAM_LIST_PATHS = {
    "ListUsers": "user/",
    "ListRoles": "role/",
    "ListGroups": "group/",
    "ListPolicies": "policy/",
    "ListInstanceProfiles": "instance-profile/",
}

# IAM actions that act on the caller's own user when no UserName is given.
IAM_SELF_ACTIONS = {
    "GetUser",
    "ListAccessKeys",
    "CreateAccessKey",
    "DeleteAccessKey",
    "UpdateAccessKey",
    "ListUserPolicies",
    "ListAttachedUserPolicies",
    "ListGroupsForUser",
    "ChangePassword",
    "ListUserTags",
    "ListMFADevices",
    "ListSigningCertificates",
    "ListSSHPublicKeys",
}

ASSUME_ACTIONS = {"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}


@dataclass
class Operation:
    """One authorization question: may the caller do `action` on `resource` with `context`?"""

    api: str
    action: str
    resource: str
    context: dict = field(default_factory=dict)
    also: list[tuple[str, str]] = field(default_factory=list)  # extra (action, resource) pairs


def query_params(handler) -> dict[str, str]:
    """The request's flat parameters (query string and form body), first value of each."""
    params = {}
    for key, values in (getattr(handler, "querystring", None) or {}).items():
        if values:
            params[key] = values[0] if isinstance(values, list) else values
    return params


def tag_pairs(params: dict[str, str], prefix: str = "Tags.member.") -> dict[str, str]:
    """Tags sent in the query protocol as `Tags.member.N.Key` / `Tags.member.N.Value`."""
    tags, index = {}, 1
    while f"{prefix}{index}.Key" in params:
        tags[params[f"{prefix}{index}.Key"]] = params.get(f"{prefix}{index}.Value", "")
        index += 1
    return tags


def member_list(params: dict[str, str], prefix: str) -> list[str]:
    values, index = [], 1
    while f"{prefix}{index}" in params:
        values.append(params[f"{prefix}{index}"])
        index += 1
    return values


def _iam_resource(api: str, params: dict[str, str], iam, caller) -> str:
    account = iam.account_id

    def named(kind: str, name: str, items) -> str:
        item = next((i for i in items if i.name == name), None)
        path = getattr(item, "path", "/") if item is not None else "/"
        return f"arn:aws:iam::{account}:{kind}{path}{name}"

    if "UserName" in params:
        return named("user", params["UserName"], iam.users.values())
    if "RoleName" in params:
        return named("role", params["RoleName"], iam.roles.values())
    if "GroupName" in params:
        return named("group", params["GroupName"], iam.groups.values())
    if "InstanceProfileName" in params:
        return named("instance-profile", params["InstanceProfileName"], iam.instance_profiles.values())
    if "PolicyArn" in params:
        return params["PolicyArn"]
    if api == "CreatePolicy" and "PolicyName" in params:
        return f"arn:aws:iam::{account}:policy{params.get('Path', '/')}{params['PolicyName']}"
    if api in IAM_LIST_PATHS:
        return f"arn:aws:iam::{account}:{IAM_LIST_PATHS[api]}"
    if api in IAM_SELF_ACTIONS and caller.kind == "user":
        return caller.arn
    return "*"


def describe(handler, service: str, moto_resource: str, caller, iam) -> Operation:
    """The IAM question behind the request `handler` is serving."""
    prefix = ACTION_PREFIX.get(service, service)
    params = query_params(handler)
    if service == "s3":
        name = handler.data.get("Action") or "ListBucket"
        name = S3_ACTION_NAMES.get(name, name)
        resource = "*" if name == "ListAllMyBuckets" else moto_resource
        op = Operation(api=name, action=f"s3:{name}", resource=resource)
        if name == "ListBucket":
            for key in ("prefix", "delimiter", "max-keys"):
                if key in params:
                    op.context[f"s3:{key}"] = params[key]
        return op
    api = handler._get_action()
    op = Operation(api=api, action=f"{prefix}:{api}", resource=moto_resource or "*")
    if service == "iam":
        op.resource = _iam_resource(api, params, iam, caller)
        if "PolicyArn" in params and api.startswith(("Attach", "Detach")):
            op.context["iam:PolicyARN"] = params["PolicyArn"]
        if "PermissionsBoundary" in params:
            op.context["iam:PermissionsBoundary"] = params["PermissionsBoundary"]
    elif service == "sts" and api in ASSUME_ACTIONS:
        op.resource = params.get("RoleArn", "*")
        if "ExternalId" in params:
            op.context["sts:ExternalId"] = params["ExternalId"]
        if "RoleSessionName" in params:
            op.context["sts:RoleSessionName"] = params["RoleSessionName"]
        if "SourceIdentity" in params:
            op.context["sts:SourceIdentity"] = params["SourceIdentity"]
            op.also.append(("sts:SetSourceIdentity", op.resource))
    elif op.resource in ("", None):
        op.resource = "*"
    tags = tag_pairs(params)
    if tags:
        for key, value in tags.items():
            op.context[f"aws:RequestTag/{key}"] = value
        op.context["aws:TagKeys"] = list(tags)
        if api in ASSUME_ACTIONS:
            op.also.append(("sts:TagSession", op.resource))
    if api in ("UntagRole", "UntagUser", "UntagPolicy"):
        op.context["aws:TagKeys"] = member_list(params, "TagKeys.member.")
    return op
