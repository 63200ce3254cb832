"""AWS's own words for IAM and STS: every error code and message the lab answers with.

One table, so a learner reads exactly what AWS would print, whichever check found the problem.
Each entry names the operations that say it and the condition, then the text, which is AWS's
(from the IAM and STS API references and from responses recorded from AWS). `{}` fields are
filled by `say()`; nothing else in the lab writes an IAM or STS error message.
"""

from __future__ import annotations

from typing import NamedTuple

from iamlab.lab.wire.errors import AWSError

# HTTP status AWS sends with each error code.
STATUS = {
    "AccessDenied": 403,
    "DeleteConflict": 409,
    "EntityAlreadyExists": 409,
    "InvalidAction": 400,
    "InvalidInput": 400,
    "InvalidParameterValue": 400,
    "LimitExceeded": 409,
    "MalformedPolicyDocument": 400,
    "NoSuchEntity": 404,
    "PackedPolicyTooLarge": 400,
    "ValidationError": 400,
}

API_VERSION = {"iam": "2010-05-08", "sts": "2011-06-15"}
# Services whose validation messages still repeat the refused value (IAM no longer does).
ECHOES_REFUSED_VALUE = frozenset({"sts"})


class Word(NamedTuple):
    code: str
    text: str
    operations: str
    condition: str


_CANNOT_DELETE = "Cannot delete entity, must {} first."

WORDS: dict[str, Word] = {
    # -- requests IAM or STS cannot read ---------------------------------------------------------
    "invalid_action": Word(
        "InvalidAction",
        "Could not find operation {action} for version {version}",
        "any",
        "the Action parameter names no operation of the service",
    ),
    "validation": Word(
        "ValidationError",
        "{count} validation {errors} detected: {problems}",
        "any",
        "parameters break the constraints of the API model (length, pattern, range, required)",
    ),
    "invalid_arn": Word(
        "ValidationError",
        "ARN {arn} is not valid.",
        "Attach*Policy, Detach*Policy, Put*PermissionsBoundary, GetPolicy, DeletePolicy...",
        "a policy ARN that is not an ARN",
    ),
    "role_arn_invalid": Word(
        "ValidationError",
        "{arn} is invalid",
        "AssumeRole",
        "RoleArn is not arn:partition:service:region:account:resource",
    ),
    "path_invalid": Word(
        "ValidationError",
        "The specified value for path is invalid. It must begin and end with / and contain only "
        "alphanumeric characters and/or / characters.",
        "CreateVirtualMFADevice",
        "Path does not begin and end with /",
    ),
    "boundary_invalid": Word(
        "InvalidInput",
        "ARN {arn} is not valid.",
        "CreateUser, CreateRole, Put*PermissionsBoundary",
        "the permissions boundary is not a policy ARN",
    ),
    "duration_chained": Word(
        "ValidationError",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        "AssumeRole",
        "a role session asks for more than 3600 seconds",
    ),
    "duration_role_max": Word(
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        "AssumeRole",
        "DurationSeconds is above the role's MaxSessionDuration",
    ),
    "no_user_name": Word(
        "ValidationError",
        "Must specify userName when calling with non-User credentials",
        "access key and login profile operations without UserName",
        "the caller is not an IAM user",
    ),
    # -- entities that do not exist ---------------------------------------------------------------
    "no_user": Word(
        "NoSuchEntity", "The user with name {name} cannot be found.", "any naming UserName", "no such user"
    ),
    "no_role": Word(
        "NoSuchEntity", "The role with name {name} cannot be found.", "any naming RoleName", "no such role"
    ),
    "no_group": Word(
        "NoSuchEntity", "The group with name {name} cannot be found.", "any naming GroupName", "no such group"
    ),
    "no_instance_profile": Word(
        "NoSuchEntity",
        "Instance Profile {name} cannot be found.",
        "any naming InstanceProfileName",
        "no such instance profile",
    ),
    "no_principal": Word(
        "NoSuchEntity",
        "The principal {arn} cannot be found.",
        "SimulatePrincipalPolicy",
        "PolicySourceArn names no user or role of the account",
    ),
    "no_role_in_profile": Word(
        "NoSuchEntity",
        "Role {role} in Instance Profile {profile} cannot be found.",
        "RemoveRoleFromInstanceProfile",
        "the role is not in the instance profile",
    ),
    "no_policy": Word(
        "NoSuchEntity",
        "Policy {arn} was not found.",
        "GetPolicy, DeletePolicy, Detach*Policy, *PolicyTag*, ListEntitiesForPolicy...",
        "no such managed policy, or it is not attached to the entity",
    ),
    "policy_not_attachable": Word(
        "NoSuchEntity",
        "Policy {arn} does not exist or is not attachable.",
        "Attach*Policy, AssumeRole PolicyArns",
        "no such managed policy",
    ),
    "no_policy_version": Word(
        "NoSuchEntity",
        "Policy {arn} version {version} does not exist or is not attachable.",
        "GetPolicyVersion, DeletePolicyVersion, SetDefaultPolicyVersion",
        "no such policy or version",
    ),
    "no_boundary": Word(
        "NoSuchEntity",
        "Scope ARN: {arn} does not exist or is not attachable.",
        "CreateUser, CreateRole, Put*PermissionsBoundary",
        "the permissions boundary policy does not exist",
    ),
    "no_user_policy": Word(
        "NoSuchEntity",
        "The user policy with name {name} cannot be found.",
        "GetUserPolicy, DeleteUserPolicy",
        "no such inline policy",
    ),
    "no_role_policy": Word(
        "NoSuchEntity",
        "The role policy with name {name} cannot be found.",
        "GetRolePolicy, DeleteRolePolicy",
        "no such inline policy",
    ),
    "no_group_policy": Word(
        "NoSuchEntity",
        "The group policy with name {name} cannot be found.",
        "GetGroupPolicy, DeleteGroupPolicy",
        "no such inline policy",
    ),
    "no_login_profile": Word(
        "NoSuchEntity",
        "Login Profile for User {name} cannot be found.",
        "GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile",
        "the user has no password",
    ),
    "no_access_key": Word(
        "NoSuchEntity",
        "The Access Key with id {key} cannot be found.",
        "UpdateAccessKey, DeleteAccessKey",
        "no such access key for the user",
    ),
    "no_mfa_device": Word(
        "NoSuchEntity",
        "MFA Device with serial number {serial} does not exist.",
        "EnableMFADevice, DeactivateMFADevice, DeleteVirtualMFADevice",
        "no such virtual MFA device",
    ),
    "access_key_last_used_denied": Word(
        "AccessDenied",
        "User: {caller} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key {key}",
        "GetAccessKeyLastUsed",
        "the access key does not exist",
    ),
    # -- entities that already exist ----------------------------------------------------------------
    "user_exists": Word("EntityAlreadyExists", "User with name {name} already exists.", "CreateUser", ""),
    "role_exists": Word("EntityAlreadyExists", "Role with name {name} already exists.", "CreateRole", ""),
    "group_exists": Word("EntityAlreadyExists", "Group with name {name} already exists.", "CreateGroup", ""),
    "instance_profile_exists": Word(
        "EntityAlreadyExists", "Instance Profile {name} already exists.", "CreateInstanceProfile", ""
    ),
    "policy_exists": Word(
        "EntityAlreadyExists",
        "A policy called {name} already exists. Duplicate names are not allowed.",
        "CreatePolicy",
        "",
    ),
    "login_profile_exists": Word(
        "EntityAlreadyExists", "Login Profile for user {name} already exists.", "CreateLoginProfile", ""
    ),
    "mfa_device_exists": Word(
        "EntityAlreadyExists",
        "MFA device already exists.",
        "CreateVirtualMFADevice",
        "",
    ),
    "mfa_device_in_use": Word(
        "EntityAlreadyExists",
        "MFA Device is already in use.",
        "EnableMFADevice",
        "the device is enabled for a user already",
    ),
    # -- deletions AWS refuses ----------------------------------------------------------------------
    "delete_attached": Word(
        "DeleteConflict",
        _CANNOT_DELETE.format("detach all policies"),
        "DeleteUser, DeleteRole, DeleteGroup",
        "managed policies are attached",
    ),
    "delete_inline": Word(
        "DeleteConflict",
        _CANNOT_DELETE.format("delete policies"),
        "DeleteUser, DeleteRole, DeleteGroup",
        "inline policies remain",
    ),
    "delete_access_keys": Word(
        "DeleteConflict", _CANNOT_DELETE.format("delete access keys"), "DeleteUser", "access keys remain"
    ),
    "delete_login_profile": Word(
        "DeleteConflict", _CANNOT_DELETE.format("delete login profile"), "DeleteUser", "a password remains"
    ),
    "delete_mfa": Word(
        "DeleteConflict", _CANNOT_DELETE.format("delete MFA device"), "DeleteUser", "an MFA device is enabled"
    ),
    "delete_group_members": Word(
        "DeleteConflict",
        _CANNOT_DELETE.format("remove users from group"),
        "DeleteUser, DeleteGroup",
        "the user is in a group, or the group has members",
    ),
    "delete_signing_certificates": Word(
        "DeleteConflict",
        _CANNOT_DELETE.format("delete signing certificates"),
        "DeleteUser",
        "signing certificates remain",
    ),
    "delete_ssh_keys": Word(
        "DeleteConflict", _CANNOT_DELETE.format("delete SSH public keys"), "DeleteUser", "SSH keys remain"
    ),
    "delete_referenced": Word(
        "DeleteConflict",
        _CANNOT_DELETE.format("remove referenced objects"),
        "DeleteUser",
        "service-specific credentials remain",
    ),
    "delete_role_in_profile": Word(
        "DeleteConflict",
        _CANNOT_DELETE.format("remove roles from instance profile"),
        "DeleteRole, DeleteInstanceProfile",
        "the role is in an instance profile, or the profile holds a role",
    ),
    "delete_attached_policy": Word(
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
        "DeletePolicy",
        "the policy is attached or is a permissions boundary",
    ),
    "delete_policy_versions": Word(
        "DeleteConflict",
        "This policy has more than one version. Before you delete a policy, you must delete the policy's "
        "versions. The default version is deleted with the policy.",
        "DeletePolicy",
        "non-default versions remain",
    ),
    "delete_default_version": Word(
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
        "DeletePolicyVersion",
        "the version is the default",
    ),
    "delete_mfa_in_use": Word(
        "DeleteConflict",
        "MFA Device is already in use.",
        "DeleteVirtualMFADevice",
        "the device is enabled for a user",
    ),
    # -- quotas ---------------------------------------------------------------------------------------
    "quota": Word(
        "LimitExceeded",
        "Cannot exceed quota for {quota}: {limit}",
        "CreateAccessKey (AccessKeysPerUser: 2), Attach*Policy (PoliciesPer*: 10), "
        "AddRoleToInstanceProfile (InstanceSessionsPerInstanceProfile: 1), PolicySize, ACLSizePerRole",
        "the quota is reached",
    ),
    "policy_versions_quota": Word(
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
        "existing version.",
        "CreatePolicyVersion",
        "the policy has 5 versions",
    ),
    "inline_policy_size": Word(
        "LimitExceeded",
        "Maximum policy size of {limit} bytes exceeded for {kind} {name}",
        "PutUserPolicy (2048), PutRolePolicy (10240), PutGroupPolicy (5120)",
        "the entity's inline policies, whitespace excluded, exceed the quota",
    ),
    "tags_quota": Word(
        "LimitExceeded",
        "The number of tags has reached the maximum limit.",
        "Tag*",
        "the entity would carry more than 50 tags",
    ),
    # -- tags -----------------------------------------------------------------------------------------
    "duplicate_tags": Word("InvalidInput", "Duplicate tag keys found.", "Create*, Tag*", "a key twice"),
    "duplicate_tags_ignoring_case": Word(
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        "CreateUser, CreateRole, TagUser, TagRole",
        "a key twice, ignoring case",
    ),
    "sts_duplicate_tags": Word(
        "InvalidParameterValue",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        "AssumeRole",
        "a session tag key twice, ignoring case",
    ),
    "transitive_not_tagged": Word(
        "InvalidParameterValue",
        "The specified transitive tag key must be included in the requested tags.",
        "AssumeRole",
        "a TransitiveTagKeys entry without a session tag of that key",
    ),
    "transitive_conflict": Word(
        "InvalidParameterValue",
        "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag "
        "key from the calling session.",
        "AssumeRole (role chaining)",
        "a session tag overrides a transitive tag of the calling session",
    ),
}


# Texts not (yet) matched against a response recorded from AWS: taken from AWS's documentation,
# from AWS behaviour reported in public issues, or from moto; replace them when a recording shows otherwise.
UNCONFIRMED = {
    "no_principal",
    "delete_signing_certificates",
    "delete_ssh_keys",
    "delete_mfa_in_use",
    "tags_quota",
    "inline_policy_size",
    "delete_policy_versions",
    "duration_chained",
    "duration_role_max",
}


def say(key: str, /, **fields) -> AWSError:
    """The AWS error `key` names, its fields filled in."""
    word = WORDS[key]
    return AWSError(word.code, word.text.format(**fields), STATUS[word.code])


def validation_error(problems: list[str]) -> AWSError:
    count = len(problems)
    return say(
        "validation",
        count=count,
        errors="error" if count == 1 else "errors",
        problems="; ".join(problems),
    )
