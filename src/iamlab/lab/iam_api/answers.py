"""IAM and STS answers shaped as AWS's: moto's errors in AWS's words, responses key for key.

moto serializes each answer from botocore's output shape, so it sends every member its
model object has: `MaxSessionDuration` from CreateRole, `Document` from CreatePolicyVersion,
`PackedPolicySize` from every AssumeRole. AWS fills fewer, and some moto lacks. The fixes
are plain data per operation, applied to the serialized XML; errors moto raises are
rendered as AWS renders them (Code, Message, Type and nothing else).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET

from moto.core.utils import get_service_model

from iamlab.lab.iam_api.words import STATUS, say

# -- moto's errors, in AWS's words --------------------------------------------------------------
# (moto's message, the word AWS uses): fields come from the message, else from the request.
MOTO_WORDS = [
    (r"Role (?P<name>.+) not found", "no_role"),
    (r"User (?P<name>.+) not found", "no_user"),
    (r"Group (?P<name>.+) not found", "no_group"),
    (r"Instance profile (?P<name>.+) not found", "no_instance_profile"),
    (r"Login profile for (?P<name>.+) not found", "no_login_profile"),
    (r"Policy version not found", "no_policy_version"),
    (r"Policy (?P<arn>arn:\S+) not found", "no_policy"),
    (r"Policy not found", "no_policy"),
    (r"User (?P<name>.+) already exists", "user_exists"),
    (r"Group (?P<name>.+) already exists", "group_exists"),
    (r"User (?P<name>.+) already has password", "login_profile_exists"),
    (r"The Access Key with id (?P<key>\S+) cannot be found", "no_access_key"),
    (r"Value \((?P<arn>.*)\) for parameter PermissionsBoundary is invalid\.", "boundary_invalid"),
]
_FIELDS_FROM_REQUEST = {
    "name": ("UserName", "RoleName", "GroupName", "InstanceProfileName", "PolicyName"),
    "arn": ("PolicyArn",),
    "version": ("VersionId",),
    "key": ("AccessKeyId",),
}


def translate(code: str, message: str, params: dict[str, str]):
    """AWS's error for the one moto raised (its code and text, when AWS's are the same)."""
    for pattern, key in MOTO_WORDS:
        found = re.fullmatch(pattern, message)
        if found:
            fields = {
                field: next((params[p] for p in names if p in params), "")
                for field, names in _FIELDS_FROM_REQUEST.items()
            }
            return say(key, **(fields | found.groupdict()))
    from iamlab.lab.wire.errors import AWSError

    return AWSError(code, message, STATUS.get(code, 400))


# -- responses, key for key ---------------------------------------------------------------------
ROLE_SUMMARY_EXTRAS = ("MaxSessionDuration", "RoleLastUsed", "Description", "Tags", "PermissionsBoundary")


def _drop(element, *paths: str) -> None:
    for path in paths:
        parent_path, _, name = path.rpartition("/")
        for parent in element.findall(parent_path) if parent_path else [element]:
            for child in parent.findall(name):
                parent.remove(child)


def _drop_if_empty(element, path: str) -> None:
    parent_path, _, name = path.rpartition("/")
    for parent in element.findall(parent_path) if parent_path else [element]:
        for child in parent.findall(name):
            if len(child) == 0 and not (child.text or "").strip():
                parent.remove(child)


def _ensure(element, name: str, text: str) -> None:
    if element.find(name) is None:
        ET.SubElement(element, name).text = text


def _profiles(result, path: str, keep_empty_tags: bool) -> None:
    for profile in result.findall(path):
        _drop(profile, *(f"Roles/member/{extra}" for extra in ROLE_SUMMARY_EXTRAS))
        if keep_empty_tags:
            _ensure(profile, "Tags", "")
        else:
            _drop_if_empty(profile, "Tags")


def _policies(result, path: str, boundary_uses) -> None:
    for policy in result.findall(path):
        _ensure(policy, "PermissionsBoundaryUsageCount", str(boundary_uses(policy.findtext("Arn"))))


def _session_policy_given(params) -> bool:
    return "Policy" in params or any(key.startswith("PolicyArns.member.") for key in params)


def _assume_role(result, params) -> None:
    if not _session_policy_given(params) and not any(key.startswith("Tags.member.") for key in params):
        _drop(result, "PackedPolicySize")


def _federation_token(result, params) -> None:
    if not _session_policy_given(params):
        for size in result.findall("PackedPolicySize"):
            size.text = "0"


# Members moto sends that AWS does not, by operation.
_CREATED_ROLE_EXTRAS = ("Role/MaxSessionDuration", "Role/RoleLastUsed", "Role/Description")
DROPPED = {
    "CreateRole": _CREATED_ROLE_EXTRAS,
    "UpdateRoleDescription": _CREATED_ROLE_EXTRAS,
    "CreatePolicyVersion": ("PolicyVersion/Document",),
    "ListPolicyVersions": ("Versions/member/Document",),
}
# Where policies appear, to carry PermissionsBoundaryUsageCount.
POLICIES = {"CreatePolicy": "Policy", "GetPolicy": "Policy", "ListPolicies": "Policies/member"}
# Where instance profiles appear, and whether AWS sends their Tags when there are none.
PROFILES = {
    "CreateInstanceProfile": ("InstanceProfile", False),
    "GetInstanceProfile": ("InstanceProfile", True),
    "ListInstanceProfiles": ("InstanceProfiles/member", False),
    "ListInstanceProfilesForRole": ("InstanceProfiles/member", False),
}
SESSIONS = {"AssumeRole": _assume_role, "GetFederationToken": _federation_token}


@functools.cache
def _marks_truncation(api: str) -> bool:
    """Whether AWS always marks IAM's `api` answer IsTruncated, true or false; moto sometimes leaves it
    out. Asked per operation, so only the operations a lab calls have their models built."""
    model = get_service_model("iam")
    if api not in model.operation_names:
        return False
    output = model.operation_model(api).output_shape
    return output is not None and "IsTruncated" in output.members


RESHAPED = set(DROPPED) | set(POLICIES) | set(PROFILES) | set(SESSIONS)


def _fix(api: str, result, params, boundary_uses) -> None:
    _drop(result, *DROPPED.get(api, ()))
    if _marks_truncation(api):
        _ensure(result, "IsTruncated", "false")
    if api in POLICIES:
        _policies(result, POLICIES[api], boundary_uses)
    if api in PROFILES:
        _profiles(result, *PROFILES[api])
    if api in SESSIONS:
        SESSIONS[api](result, params)


def _strip_namespace(root) -> str:
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    for element in root.iter():
        element.tag = element.tag.rsplit("}", 1)[-1]
    return namespace


def reshape(api: str, params: dict[str, str], body, boundary_uses):
    """`body` (moto's serialized answer to `api`) with exactly the members AWS sends.

    `boundary_uses(arn)` counts the entities a managed policy bounds (PermissionsBoundaryUsageCount).
    """
    if not body or not (api in RESHAPED or _marks_truncation(api)):
        return body
    root = ET.fromstring(body)
    namespace = _strip_namespace(root)
    result = root.find(f"{api}Result")
    if result is None:
        return body
    _fix(api, result, params, boundary_uses)
    if namespace:
        root.set("xmlns", namespace)
    return ET.tostring(root, encoding="unicode")
