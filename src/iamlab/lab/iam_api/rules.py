"""What IAM and STS check against the account before they act on an allowed request.

The entities a request names must exist (or, for a create, must not), a deletion must
leave nothing behind that refers to the entity, and quotas hold. moto checks some of
this, in its own words, and lets the rest through (it deletes attached policies and
enables one MFA device for two users); here every check is made first, in AWS's words.
"""

from __future__ import annotations

import re

from iamlab.lab.iam_api.words import say
from iamlab.lab.moto import managed

ACCESS_KEYS_PER_USER = 2
MANAGED_POLICIES_PER_ENTITY = 10
POLICY_VERSIONS = 5
TAGS_PER_ENTITY = 50
MANAGED_POLICY_SIZE = 6144
TRUST_POLICY_SIZE = 2048
INLINE_POLICY_SIZE = {"user": 2048, "role": 10240, "group": 5120}
POLICY_ARN = re.compile(r"arn:aws[\w-]*:iam::(aws|\d{12}):policy/.+")


# -- the account's entities, by the names requests use ------------------------------------------
def _user(iam, name):
    return iam.users.get(name)


def _role(iam, name):
    return next((role for role in iam.roles.values() if role.name == name), None)


def _group(iam, name):
    return iam.groups.get(name)


def _profile(iam, name):
    return next((profile for profile in iam.instance_profiles.values() if profile.name == name), None)


def _policy(iam, arn):
    managed.ensure(iam, [arn])
    return iam.managed_policies.get(arn)


# Parameter naming an entity -> (lookup, word when it does not exist).
REFERENCES = {
    "UserName": (_user, "no_user"),
    "GroupName": (_group, "no_group"),
    "RoleName": (_role, "no_role"),
    "InstanceProfileName": (_profile, "no_instance_profile"),
}
# Operations that create the entity their name parameter names.
CREATES = {
    "CreateUser": ("UserName", "user_exists"),
    "CreateGroup": ("GroupName", "group_exists"),
    "CreateRole": ("RoleName", "role_exists"),
    "CreateInstanceProfile": ("InstanceProfileName", "instance_profile_exists"),
}
RENAMES = {"UpdateUser": ("NewUserName", "UserName"), "UpdateGroup": ("NewGroupName", "GroupName")}
ATTACHES = {"AttachUserPolicy": "user", "AttachRolePolicy": "role", "AttachGroupPolicy": "group"}
DETACHES = {"DetachUserPolicy": "user", "DetachRolePolicy": "role", "DetachGroupPolicy": "group"}
VERSIONED = {"GetPolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion"}
BOUNDARY_SETTERS = {"CreateUser", "CreateRole", "PutUserPermissionsBoundary", "PutRolePermissionsBoundary"}
INLINE = {
    "GetUserPolicy": "user",
    "DeleteUserPolicy": "user",
    "GetRolePolicy": "role",
    "DeleteRolePolicy": "role",
    "GetGroupPolicy": "group",
    "DeleteGroupPolicy": "group",
}
INLINE_PUTS = {"PutUserPolicy": "user", "PutRolePolicy": "role", "PutGroupPolicy": "group"}
TAGGERS = {
    "TagUser": ("UserName", "user"),
    "TagRole": ("RoleName", "role"),
    "TagPolicy": ("PolicyArn", "policy"),
    "TagInstanceProfile": ("InstanceProfileName", "instance-profile"),
}


def _entity(iam, kind: str, name: str):
    return {"user": _user, "role": _role, "group": _group}[kind](iam, name)


def _policy_size(document: str) -> int:
    """IAM counts a policy's characters without its whitespace."""
    return sum(1 for ch in document if not ch.isspace())


def check_state(iam, lab, caller, api: str, params: dict[str, str]) -> None:
    """Raise AWS's error when the account's state makes IAM refuse `api`; return when it may act."""
    _check_names(iam, api, params)
    _check_policies(iam, lab, api, params)
    check = _BY_OPERATION.get(api)
    if check is not None:
        check(iam, lab, caller, params)


def _check_names(iam, api: str, params: dict[str, str]) -> None:
    created = CREATES.get(api)
    for parameter, (lookup, missing) in REFERENCES.items():
        name = params.get(parameter)
        if name is None:
            continue
        if created and created[0] == parameter:
            if lookup(iam, name) is not None:
                raise say(created[1], name=name)
        elif lookup(iam, name) is None:
            raise say(missing, name=name)
    if api in RENAMES:
        new, old = RENAMES[api]
        kind = "user" if api == "UpdateUser" else "group"
        if params.get(new) and params[new] != params[old] and _entity(iam, kind, params[new]) is not None:
            raise say(f"{kind}_exists", name=params[new])


def _check_policies(iam, lab, api: str, params: dict[str, str]) -> None:
    arn = params.get("PolicyArn")
    if arn is not None:
        if not POLICY_ARN.fullmatch(arn):
            raise say("invalid_arn", arn=arn)
        policy = _policy(iam, arn)
        if api in VERSIONED:
            version = params.get("VersionId", "")
            if policy is None or all(v.version_id != version for v in policy.versions):
                raise say("no_policy_version", arn=arn, version=version)
        elif policy is None:
            raise say("policy_not_attachable" if api in ATTACHES else "no_policy", arn=arn)
    boundary = params.get("PermissionsBoundary")
    if api in BOUNDARY_SETTERS and boundary:
        if not POLICY_ARN.fullmatch(boundary):
            raise say("boundary_invalid", arn=boundary)
        if _policy(iam, boundary) is None:
            raise say("no_boundary", arn=boundary)
    if api in ATTACHES:
        _check_attach(iam, ATTACHES[api], params)
    if api in DETACHES:
        entity = _entity(iam, DETACHES[api], params[_name_parameter(DETACHES[api])])
        if arn not in entity.managed_policies:
            raise say("no_policy", arn=arn)
    for key in ("PolicyDocument", "AssumeRolePolicyDocument"):
        if key in params:
            _check_size(iam, api, params, params[key])


def _name_parameter(kind: str) -> str:
    return {"user": "UserName", "role": "RoleName", "group": "GroupName"}[kind]


def _check_attach(iam, kind: str, params) -> None:
    entity = _entity(iam, kind, params[_name_parameter(kind)])
    attached = entity.managed_policies
    if params["PolicyArn"] not in attached and len(attached) >= MANAGED_POLICIES_PER_ENTITY:
        raise say("quota", quota=f"PoliciesPer{kind.capitalize()}", limit=MANAGED_POLICIES_PER_ENTITY)


def _check_size(iam, api: str, params, document: str) -> None:
    size = _policy_size(document)
    if api in ("CreatePolicy", "CreatePolicyVersion") and size > MANAGED_POLICY_SIZE:
        raise say("quota", quota="PolicySize", limit=MANAGED_POLICY_SIZE)
    if api in ("CreateRole", "UpdateAssumeRolePolicy") and size > TRUST_POLICY_SIZE:
        raise say("quota", quota="ACLSizePerRole", limit=TRUST_POLICY_SIZE)
    if api in INLINE_PUTS:
        kind = INLINE_PUTS[api]
        name = params[_name_parameter(kind)]
        others = _entity(iam, kind, name).policies
        total = size + sum(_policy_size(doc) for key, doc in others.items() if key != params["PolicyName"])
        if total > INLINE_POLICY_SIZE[kind]:
            raise say("inline_policy_size", limit=INLINE_POLICY_SIZE[kind], kind=kind, name=name)


# -- one operation at a time -----------------------------------------------------------------------
def _inline(kind):
    def check(iam, lab, caller, params):
        entity = _entity(iam, kind, params[_name_parameter(kind)])
        if params["PolicyName"] not in entity.policies:
            raise say(f"no_{kind}_policy", name=params["PolicyName"])

    return check


def _key_owner(iam, caller, params):
    """The user whose access keys or password a request means: UserName, else the calling user."""
    if params.get("UserName"):
        return iam.users[params["UserName"]]
    if caller.kind != "user":
        raise say("no_user_name")
    return iam.users[caller.name]


def _create_access_key(iam, lab, caller, params):
    user = _key_owner(iam, caller, params)
    if len(user.access_keys) >= ACCESS_KEYS_PER_USER:
        raise say("quota", quota="AccessKeysPerUser", limit=ACCESS_KEYS_PER_USER)


def _change_access_key(iam, lab, caller, params):
    user = _key_owner(iam, caller, params)
    if all(key.access_key_id != params["AccessKeyId"] for key in user.access_keys):
        raise say("no_access_key", key=params["AccessKeyId"])


def _access_key_last_used(iam, lab, caller, params):
    wanted = params["AccessKeyId"]
    if not any(key.access_key_id == wanted for user in iam.users.values() for key in user.access_keys):
        raise say("access_key_last_used_denied", caller=caller.arn, key=wanted)


def _login_profile_needed(iam, lab, caller, params):
    user = _key_owner(iam, caller, params)
    if user.password is None:
        raise say("no_login_profile", name=user.name)


def _create_login_profile(iam, lab, caller, params):
    user = _key_owner(iam, caller, params)
    if user.password is not None:
        raise say("login_profile_exists", name=user.name)


def _delete_user(iam, lab, caller, params):
    user = iam.users[params["UserName"]]
    remaining = (
        ("delete_login_profile", user.password is not None),
        ("delete_access_keys", user.access_keys),
        ("delete_signing_certificates", user.signing_certificates),
        ("delete_ssh_keys", user.ssh_public_keys),
        ("delete_referenced", getattr(user, "service_specific_credentials", None)),
        ("delete_mfa", user.mfa_devices),
        ("delete_inline", user.policies),
        ("delete_attached", user.managed_policies),
        ("delete_group_members", any(user in group.users for group in iam.groups.values())),
    )
    for word, present in remaining:
        if present:
            raise say(word)


def _delete_role(iam, lab, caller, params):
    role = _role(iam, params["RoleName"])
    if role.policies:
        raise say("delete_inline")
    if role.managed_policies:
        raise say("delete_attached")
    if any(role in profile.roles for profile in iam.instance_profiles.values()):
        raise say("delete_role_in_profile")


def _delete_group(iam, lab, caller, params):
    group = iam.groups[params["GroupName"]]
    if group.users:
        raise say("delete_group_members")
    if group.policies:
        raise say("delete_inline")
    if group.managed_policies:
        raise say("delete_attached")


def boundary_uses(iam, lab, arn: str) -> int:
    roles = sum(1 for role in iam.roles.values() if role.permissions_boundary_arn == arn)
    return roles + sum(1 for used in lab.user_boundaries.values() if used == arn)


def _delete_policy(iam, lab, caller, params):
    policy = iam.managed_policies[params["PolicyArn"]]
    if policy.attachment_count or boundary_uses(iam, lab, policy.arn):
        raise say("delete_attached_policy")
    if len(policy.versions) > 1:
        raise say("delete_policy_versions")


def _create_policy(iam, lab, caller, params):
    _tags_in_request(iam, lab, caller, params)
    path = params.get("Path", "/")
    arn = f"arn:aws:iam::{iam.account_id}:policy{path}{params['PolicyName']}"
    if arn in iam.managed_policies:
        raise say("policy_exists", name=params["PolicyName"])


def _create_policy_version(iam, lab, caller, params):
    if len(iam.managed_policies[params["PolicyArn"]].versions) >= POLICY_VERSIONS:
        raise say("policy_versions_quota")


def _delete_policy_version(iam, lab, caller, params):
    if iam.managed_policies[params["PolicyArn"]].default_version_id == params["VersionId"]:
        raise say("delete_default_version")


def _add_role_to_profile(iam, lab, caller, params):
    if _profile(iam, params["InstanceProfileName"]).roles:
        raise say("quota", quota="InstanceSessionsPerInstanceProfile", limit=1)


def _remove_role_from_profile(iam, lab, caller, params):
    profile = _profile(iam, params["InstanceProfileName"])
    if all(role.name != params["RoleName"] for role in profile.roles):
        raise say("no_role_in_profile", role=params["RoleName"], profile=profile.name)


def _delete_instance_profile(iam, lab, caller, params):
    if _profile(iam, params["InstanceProfileName"]).roles:
        raise say("delete_role_in_profile")


def _device(iam, serial: str):
    device = iam.virtual_mfa_devices.get(serial)
    if device is None:
        raise say("no_mfa_device", serial=serial)
    return device


def _create_virtual_mfa(iam, lab, caller, params):
    path = params.get("Path", "/")
    serial = f"arn:aws:iam::{iam.account_id}:mfa{path}{params['VirtualMFADeviceName']}"
    if serial in iam.virtual_mfa_devices:
        raise say("mfa_device_exists")


def _enable_mfa(iam, lab, caller, params):
    serial = params["SerialNumber"]
    if serial.startswith("arn:") and _device(iam, serial).user is not None:
        raise say("mfa_device_in_use")
    if any(serial in user.mfa_devices for user in iam.users.values()):
        raise say("mfa_device_in_use")


def _deactivate_mfa(iam, lab, caller, params):
    if params["SerialNumber"] not in iam.users[params["UserName"]].mfa_devices:
        raise say("no_mfa_device", serial=params["SerialNumber"])


def _delete_virtual_mfa(iam, lab, caller, params):
    if _device(iam, params["SerialNumber"]).user is not None:
        raise say("delete_mfa_in_use")


def _tag_keys(params) -> list[str]:
    return [params[key] for key in params if key.startswith("Tags.member.") and key.endswith(".Key")]


# Users' and roles' tags become principal tags, so IAM compares their keys ignoring case.
CASE_INSENSITIVE_TAGS = {"CreateUser", "CreateRole", "TagUser", "TagRole"}


def _tags_in_request(iam, lab, caller, params):
    keys = _tag_keys(params)
    if params["Action"] in CASE_INSENSITIVE_TAGS:
        if len({key.lower() for key in keys}) != len(keys):
            raise say("duplicate_tags_ignoring_case")
    elif len(set(keys)) != len(keys):
        raise say("duplicate_tags")


def _tag(iam, lab, caller, params):
    _tags_in_request(iam, lab, caller, params)
    parameter, kind = TAGGERS[params["Action"]]
    if len(_existing_tags(iam, kind, params[parameter]) | set(_tag_keys(params))) > TAGS_PER_ENTITY:
        raise say("tags_quota")


def _existing_tags(iam, kind: str, name: str) -> set[str]:
    if kind == "policy":
        return set(iam.managed_policies[name].tags)
    if kind == "instance-profile":
        return {tag["Key"] for tag in _profile(iam, name).tags}
    if kind == "role":
        return {tag["Key"] for tag in _role(iam, name).tags or []}
    return {tag["Key"] for tag in iam.tagger.list_tags_for_resource(_user(iam, name).arn)["Tags"]}


_BY_OPERATION = {
    **{api: _inline(kind) for api, kind in INLINE.items()},
    "CreateAccessKey": _create_access_key,
    "UpdateAccessKey": _change_access_key,
    "DeleteAccessKey": _change_access_key,
    "GetAccessKeyLastUsed": _access_key_last_used,
    "GetLoginProfile": _login_profile_needed,
    "UpdateLoginProfile": _login_profile_needed,
    "DeleteLoginProfile": _login_profile_needed,
    "CreateLoginProfile": _create_login_profile,
    "DeleteUser": _delete_user,
    "DeleteRole": _delete_role,
    "DeleteGroup": _delete_group,
    "DeletePolicy": _delete_policy,
    "CreatePolicy": _create_policy,
    "CreatePolicyVersion": _create_policy_version,
    "DeletePolicyVersion": _delete_policy_version,
    "AddRoleToInstanceProfile": _add_role_to_profile,
    "RemoveRoleFromInstanceProfile": _remove_role_from_profile,
    "DeleteInstanceProfile": _delete_instance_profile,
    "CreateVirtualMFADevice": _create_virtual_mfa,
    "EnableMFADevice": _enable_mfa,
    "DeactivateMFADevice": _deactivate_mfa,
    "DeleteVirtualMFADevice": _delete_virtual_mfa,
    **{api: _tag for api in TAGGERS},
    **{api: _tags_in_request for api in ("CreateUser", "CreateRole", "CreateInstanceProfile")},
}


def check_session(caller, api: str, params: dict[str, str]) -> None:
    """Role chaining: a session tag may not override a transitive tag of the calling session."""
    if api != "AssumeRole" or caller.kind != "assumed-role" or caller.extras is None:
        return
    inherited = {key.lower() for key in caller.extras.transitive_tag_keys}
    if inherited & {key.lower() for key in _tag_keys(params)}:
        raise say("transitive_conflict")


def answer_here(iam, api: str, params: dict[str, str]) -> dict | None:
    """AWS's answer to requests moto serves wrongly, given by the lab itself; None lets moto answer.

    UpdateRole changes only the members it is given (moto clears the description and resets
    the duration); removing a user from a group it is not in succeeds, as in AWS.
    """
    if api == "UpdateRole":
        role = _role(iam, params["RoleName"])
        if "Description" in params:
            role.description = params["Description"]
        if "MaxSessionDuration" in params:
            role.max_session_duration = int(params["MaxSessionDuration"])
        return {}
    if api == "RemoveUserFromGroup":
        member = iam.users[params["UserName"]] in iam.groups[params["GroupName"]].users
        return None if member else {}
    return None
