"""S3: the action comes from the method and subresource, the resource from the bucket and key.

moto's own name for an S3 request is partly wrong (`ListBucket` for every bucket GET), so
the action is read from the request as AWS reads it. A bucket's ARN names no account: its
owner is the account that created it, which moto finds itself when serving it. S3 speaks
its own REST protocol: its errors (and the front door's) are S3's XML, in S3's words.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, unquote

from iamlab.i18n import _
from iamlab.lab.authz.context import tag_dict
from iamlab.lab.authz.policies import bucket_policy_name
from iamlab.lab.moto import backends
from iamlab.lab.services.adapter import Adapter, Denial, Operation, Where
from iamlab.lab.services.reference import condition_keys
from iamlab.lab.wire import s3_bodies
from iamlab.lab.wire.errors import AWSError
from iamlab.policy import MalformedPolicyDocument, Policy

# (method, subresource in the query string) -> IAM action, for buckets and objects.
# "" is the request without a subresource. Deleting a configuration needs its Put action.
BUCKET = {
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
OBJECT = {
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
VERSIONED = {
    "GetObject": "GetObjectVersion",
    "DeleteObject": "DeleteObjectVersion",
    "GetObjectAcl": "GetObjectVersionAcl",
    "PutObjectAcl": "PutObjectVersionAcl",
    "GetObjectTagging": "GetObjectVersionTagging",
    "PutObjectTagging": "PutObjectVersionTagging",
    "DeleteObjectTagging": "DeleteObjectVersionTagging",
    "GetObjectAttributes": "GetObjectVersionAttributes",
}
ARN = "arn:aws:s3:::"  # a bucket's ARN names no region and no account
# The APIs whose reference says a missing object is hidden from a caller who may not list the
# bucket (GetObject, HeadObject, GetObjectAttributes; HEAD is authorized as GetObject). None of
# the others (GetObjectAcl, GetObjectTagging, ...) says so: they answer NoSuchKey to anyone.
HIDES_A_MISSING_KEY = frozenset({"GetObject", "GetObjectAttributes"})
# GetObject's and HeadObject's parameters that S3 answers as the response header of the same name.
HEADER_OVERRIDES = (
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
)


class S3(Adapter):
    denial = Denial("AccessDenied", 403, protocol="s3")
    served_by_owner = False  # moto finds a bucket's owner itself

    def describe(self, handler, moto_resource: str, caller, where: Where) -> Operation:
        return _describe(handler, moto_resource, where.account)

    def owner(self, arn: str) -> str | None:
        return backends.bucket_account(_bucket(arn)) if arn.startswith(ARN) else None

    def resource_policy(self, arn: str, where: Where) -> tuple[str, str] | None:
        """The bucket policy, read in the bucket owner's account."""
        if not arn.startswith(ARN):
            return None
        name = _bucket(arn)
        owner = backends.bucket_account(name)
        bucket = backends.s3(owner).buckets.get(name) if owner is not None else None
        if bucket is None or not bucket.policy:
            return None
        return bucket_policy_name(name), bucket.policy

    def before_action(self, gate, call, handler, op: Operation, params: dict[str, str]) -> None:
        """Bodies S3 refuses before acting: malformed XML configurations, a malformed bucket policy."""
        s3_bodies.check(op.api, handler.method.upper(), getattr(handler, "raw_body", None) or handler.body)
        _check_header_overrides(handler.querystring or {})
        if op.api == "PutBucketPolicy":
            document = handler.body
            if isinstance(document, bytes):
                document = document.decode("utf-8", "replace")
            try:
                Policy.parse(document, kind="resource")
            except MalformedPolicyDocument as error:
                raise AWSError("MalformedPolicy", error.message) from None
        if op.api in HIDES_A_MISSING_KEY and not op.also and handler.method.upper() in ("GET", "HEAD"):
            _hide_a_missing_key(gate, call, handler, op)


def _check_header_overrides(query: dict) -> None:
    """An answer's header carries ISO-8859-1 text only; S3 refuses an override beyond it (e.g.
    `response-content-disposition=attachment; filename="한.txt"`) before it answers."""
    for name in HEADER_OVERRIDES:
        for value in query.get(name) or ():
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                raise AWSError(
                    "InvalidArgument", "Header value cannot be represented using ISO-8859-1.", 400
                ) from None


def _hide_a_missing_key(gate, call, handler, op: Operation) -> None:
    """S3 tells a caller that a key does not exist only if it may list the bucket (s3:ListBucket,
    decided like any request: identity and bucket policies, guardrails, boundary, session);
    otherwise the missing key is an AccessDenied, which says nothing about what the bucket holds.
    The key is looked up as moto's GetObject, HeadObject and GetObjectAttributes look it up: where
    this finds nothing, moto would answer NoSuchKey (a bare 404 to HEAD)."""
    bucket, _slash, key = op.resource.removeprefix(ARN).partition("/")
    owner = backends.bucket_account(bucket)
    if owner is None or backends.s3(owner).get_object(bucket, key) is not None:
        return  # a missing bucket is NoSuchBucket, which S3 never hides; an object is served
    bucket_arn = ARN + bucket
    asked = Operation("ListBucket", "s3:ListBucket", bucket_arn)
    context = _s3_context(asked, {}, handler.headers, owner).context
    why = _(
        "{key} is not in the bucket {bucket}. S3 says so only to a caller allowed s3:ListBucket on the "
        "bucket, and {principal} is not, so S3 answered 403 AccessDenied instead of 404 NoSuchKey."
    ).format(key=key, bucket=bucket, principal=call.caller.arn)
    if not gate.ask(call, "s3:ListBucket", bucket_arn, context, why).allowed:
        raise AWSError("AccessDenied", "Access Denied", 403)


def _bucket(arn: str) -> str:
    return arn[len(ARN) :].split("/", 1)[0]


def _describe(handler, moto_resource: str, account: str) -> Operation:
    """S3's action comes from the method and subresource, not from moto's own (partly wrong) name."""
    bucket, _, key = (moto_resource or "").removeprefix(ARN).partition("/")
    query = {k: (v[0] if isinstance(v, list) and v else v) for k, v in (handler.querystring or {}).items()}
    headers = handler.headers  # the request's headers, looked up case-insensitively
    method = handler.method.upper()
    if not bucket or bucket == "*":
        return _s3_context(Operation("ListAllMyBuckets", "s3:ListAllMyBuckets", "*"), query, headers, account)
    table = (OBJECT if key else BUCKET).get(method, {})
    selected = [q for q in query if q and q in table]  # every subresource the request names
    names = [table[q] for q in selected] or [table.get("") or _moto_name(handler) or "ListBucket"]
    if key and "versionId" in query:
        names = [VERSIONED.get(n, n) for n in names]
    op = Operation(names[0], f"s3:{names[0]}", moto_resource)
    # moto picks among several subresources in its own order; each one must be allowed, so the
    # lab and moto can never disagree about which action a request performs.
    op.also.extend((f"s3:{n}", moto_resource) for n in dict.fromkeys(names[1:]) if n != names[0])
    if key and method == "PUT" and "x-amz-copy-source" in headers:  # CopyObject, UploadPartCopy
        op.also.append(_copy_source(headers["x-amz-copy-source"]))
    if not key and method == "POST" and "delete" in selected:  # DeleteObjects: each key
        keys = _xml_texts(handler.body, "Key") or ["*"]
        op.resource = f"{ARN}{bucket}/{keys[0]}"
        op.also.extend(("s3:DeleteObject", f"{ARN}{bucket}/{k}") for k in keys[1:])
    return _s3_context(op, query, headers, account, handler, bucket, key)


def _moto_name(handler) -> str | None:
    data = getattr(handler, "data", None) or {}
    return data.get("Action") if isinstance(data, dict) else None


def _copy_source(header: str) -> tuple[str, str]:
    source, _, version = unquote(header).lstrip("/").partition("?versionId=")
    return ("s3:GetObjectVersion" if version else "s3:GetObject", ARN + source)


def _xml_texts(body, tag: str) -> list[str]:
    try:
        root = ET.fromstring(body or b"")
    except ET.ParseError:
        return []
    return [el.text or "" for el in root.iter() if el.tag.rsplit("}", 1)[-1] == tag]


def _s3_context(op, query, headers, account, handler=None, bucket="", key="") -> Operation:
    """S3's own condition keys, each set only where the reference lists it for the action."""
    keys = condition_keys(op.action)
    # the bucket owner's account, as aws:ResourceAccount (a bucket not yet created: the caller's)
    owner = (backends.bucket_account(bucket) if bucket else None) or account
    context = {"s3:ResourceAccount": owner, "s3:signatureversion": "AWS4-HMAC-SHA256"}
    context["s3:authType"] = "REST-HEADER" if "authorization" in headers else "REST-QUERY-STRING"
    for param in ("prefix", "delimiter", "max-keys"):
        if param in query:
            context[f"s3:{param}"] = query[param]
    if "versionId" in query:
        context["s3:versionid"] = query["versionId"]
    for name in keys:  # the action's own header keys (s3:x-amz-acl, ...), as the request sets them
        if name.startswith("s3:x-amz-") and (value := headers.get(name[3:])) is not None:
            context[name] = value
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
    backend = backends.s3(account)
    try:
        found = backend.get_object(bucket, key, version_id=version)
    except Exception:  # no such bucket, key or version: nothing to read
        return {}
    if found is None:
        return {}
    return tag_dict(backend.tagger.list_tags_for_resource(found.arn).get("Tags"))
