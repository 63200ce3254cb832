"""IAM and STS answer as AWS answers: the code, the message and the members of each response.

One table of cases, each an operation, its input, the state it needs, and what AWS answers:
an error (code and exact message, from AWS's documentation and from responses recorded from
AWS) or a success (exactly the members AWS sends). Every case runs through boto3 (with
boto3's own parameter checks off, so the lab's are what is tested); the cases marked `cli`
also run through the AWS CLI, which prints the same `An error occurred (Code) ...` line a
learner reads.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest
from botocore import xform_name
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import run_aws
from tests.lab.helpers import allow, doc, trusting

ACCOUNT = "123456789012"
IAM = f"arn:aws:iam::{ACCOUNT}:"
ADMIN = f"{IAM}user/admin"
POLICY = doc(allow("s3:ListAllMyBuckets"))
TRUST = trusting(f"{IAM}root", Action=["sts:AssumeRole", "sts:TagSession"])
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
NAME_PATTERN = r"[\w+=,.@-]+"
PATH_PATTERN = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+"

USER_KEYS = {"Path", "UserName", "UserId", "Arn", "CreateDate"}
ROLE_CREATED_KEYS = {"Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument"}
POLICY_KEYS = {
    "PolicyName",
    "PolicyId",
    "Arn",
    "Path",
    "DefaultVersionId",
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "IsAttachable",
    "CreateDate",
    "UpdateDate",
}
PROFILE_KEYS = {"Path", "InstanceProfileName", "InstanceProfileId", "Arn", "CreateDate", "Roles"}


def invalid(where: str, rule: str) -> str:
    return f"1 validation error detected: Value at '{where}' failed to satisfy constraint: Member must {rule}"


@dataclass
class Case:
    id: str
    service: str
    operation: str
    params: dict
    code: str | None = None
    message: str | None = None
    keys: dict[str, set] = field(default_factory=dict)  # response path ("" = top) -> exact keys
    given: tuple = ()  # (IAM client method, params) steps building the state the case needs
    cli: bool = False

    @property
    def method(self) -> str:
        return xform_name(self.operation)


def _given(*steps) -> tuple:
    return steps


def _user_with(name, *steps):
    return _given(("create_user", {"UserName": name}), *steps)


def _role(name, trust=EC2_TRUST, **extra):
    return ("create_role", {"RoleName": name, "AssumeRolePolicyDocument": trust, **extra})


def _policy(name, document=POLICY):
    return ("create_policy", {"PolicyName": name, "PolicyDocument": document})


def _arn(name):
    return f"{IAM}policy/{name}"


def _many_policies(prefix, count):
    return [_policy(f"{prefix}{i}") for i in range(count)]


def _big_document(size):
    return doc(allow([f"s3:Get{'x' * 20}{i}" for i in range(size // 30)]))


LONG_POLICY = doc(allow([f"s3:GetObject{'x' * 10}{i}" for i in range(100)]))
BIG_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"{IAM}root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": [f"external-{i:04d}" for i in range(200)]}},
            }
        ],
    }
)

CASES = [
    # -- users: names, paths, existence -----------------------------------------------------------
    Case("create-user", "iam", "CreateUser", {"UserName": "c-user"}, keys={"User": USER_KEYS}, cli=True),
    Case(
        "create-user-exists",
        "iam",
        "CreateUser",
        {"UserName": "c-dup"},
        "EntityAlreadyExists",
        "User with name c-dup already exists.",
        given=_user_with("c-dup"),
        cli=True,
    ),
    Case(
        "user-name-nul",
        "iam",
        "CreateUser",
        {"UserName": "a\x00b"},
        "ValidationError",
        invalid("userName", f"satisfy regular expression pattern: {NAME_PATTERN}"),
    ),
    Case(
        "user-name-empty",
        "iam",
        "CreateUser",
        {"UserName": ""},
        "ValidationError",
        invalid("userName", "have length greater than or equal to 1"),
    ),
    Case(
        "user-name-10000",
        "iam",
        "CreateUser",
        {"UserName": "a" * 10000},
        "ValidationError",
        invalid("userName", "have length less than or equal to 64"),
    ),
    Case(
        "user-name-slash",
        "iam",
        "CreateUser",
        {"UserName": "a/b"},
        "ValidationError",
        invalid("userName", f"satisfy regular expression pattern: {NAME_PATTERN}"),
        cli=True,
    ),
    Case(
        "user-name-korean",
        "iam",
        "CreateUser",
        {"UserName": "개발자"},
        "ValidationError",
        invalid("userName", f"satisfy regular expression pattern: {NAME_PATTERN}"),
        cli=True,
    ),
    Case(
        "user-name-two-constraints",
        "iam",
        "CreateUser",
        {"UserName": "a/" * 40},
        "ValidationError",
        "2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must have "
        "length less than or equal to 64; Value at 'userName' failed to satisfy constraint: Member must "
        f"satisfy regular expression pattern: {NAME_PATTERN}",
    ),
    Case(
        "user-path-no-slashes",
        "iam",
        "CreateUser",
        {"UserName": "p3", "Path": "abc"},
        "ValidationError",
        invalid("path", f"satisfy regular expression pattern: {PATH_PATTERN}"),
        cli=True,
    ),
    Case(
        "user-path-513",
        "iam",
        "CreateUser",
        {"UserName": "p4", "Path": "/" + "a" * 511 + "/"},
        "ValidationError",
        invalid("path", "have length less than or equal to 512"),
    ),
    Case(
        "user-name-missing",
        "iam",
        "CreateUser",
        {},
        "ValidationError",
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        "Member must not be null",
    ),
    Case(
        "get-user-missing",
        "iam",
        "GetUser",
        {"UserName": "c-nobody"},
        "NoSuchEntity",
        "The user with name c-nobody cannot be found.",
        cli=True,
    ),
    Case(
        "get-user",
        "iam",
        "GetUser",
        {"UserName": "c-get"},
        keys={"User": USER_KEYS},
        given=_user_with("c-get"),
    ),
    Case("list-users", "iam", "ListUsers", {}, keys={"": {"Users", "IsTruncated"}}),
    Case(
        "update-user-to-existing",
        "iam",
        "UpdateUser",
        {"UserName": "c-ren1", "NewUserName": "c-ren2"},
        "EntityAlreadyExists",
        "User with name c-ren2 already exists.",
        given=_given(("create_user", {"UserName": "c-ren1"}), ("create_user", {"UserName": "c-ren2"})),
    ),
    # -- deleting a user that still owns something ------------------------------------------------
    Case(
        "delete-user-with-key",
        "iam",
        "DeleteUser",
        {"UserName": "c-del-key"},
        "DeleteConflict",
        "Cannot delete entity, must delete access keys first.",
        given=_user_with("c-del-key", ("create_access_key", {"UserName": "c-del-key"})),
        cli=True,
    ),
    Case(
        "delete-user-in-group",
        "iam",
        "DeleteUser",
        {"UserName": "c-del-grp"},
        "DeleteConflict",
        "Cannot delete entity, must remove users from group first.",
        given=_user_with(
            "c-del-grp",
            ("create_group", {"GroupName": "c-del-grp-g"}),
            ("add_user_to_group", {"GroupName": "c-del-grp-g", "UserName": "c-del-grp"}),
        ),
    ),
    Case(
        "delete-user-with-inline",
        "iam",
        "DeleteUser",
        {"UserName": "c-del-inl"},
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        given=_user_with(
            "c-del-inl",
            ("put_user_policy", {"UserName": "c-del-inl", "PolicyName": "p", "PolicyDocument": POLICY}),
        ),
    ),
    Case(
        "delete-user-with-attached",
        "iam",
        "DeleteUser",
        {"UserName": "c-del-att"},
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
        given=_user_with(
            "c-del-att",
            _policy("c-del-att-p"),
            ("attach_user_policy", {"UserName": "c-del-att", "PolicyArn": _arn("c-del-att-p")}),
        ),
    ),
    Case(
        "delete-user-with-password",
        "iam",
        "DeleteUser",
        {"UserName": "c-del-lp"},
        "DeleteConflict",
        "Cannot delete entity, must delete login profile first.",
        given=_user_with(
            "c-del-lp", ("create_login_profile", {"UserName": "c-del-lp", "Password": "Pa55w0rd!x"})
        ),
    ),
    Case(
        "delete-user-with-mfa",
        "iam",
        "DeleteUser",
        {"UserName": "c-del-mfa"},
        "DeleteConflict",
        "Cannot delete entity, must delete MFA device first.",
        given=_user_with(
            "c-del-mfa",
            ("create_virtual_mfa_device", {"VirtualMFADeviceName": "c-del-mfa-d"}),
            (
                "enable_mfa_device",
                {
                    "UserName": "c-del-mfa",
                    "SerialNumber": f"{IAM}mfa/c-del-mfa-d",
                    "AuthenticationCode1": "123456",
                    "AuthenticationCode2": "654321",
                },
            ),
        ),
    ),
    # -- tags -------------------------------------------------------------------------------------
    Case(
        "tag-policy-duplicate",
        "iam",
        "TagPolicy",
        {"PolicyArn": _arn("c-tagp"), "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
        "InvalidInput",
        "Duplicate tag keys found.",
        given=_given(_policy("c-tagp")),
    ),
    Case(
        "tag-user-long-key",
        "iam",
        "TagUser",
        {"UserName": "c-tag2", "Tags": [{"Key": "k" * 129, "Value": "v"}]},
        "ValidationError",
        invalid("tags.1.member.key", "have length less than or equal to 128"),
        given=_user_with("c-tag2"),
        cli=True,
    ),
    Case(
        "tag-user-bad-character",
        "iam",
        "TagUser",
        {"UserName": "c-tag3", "Tags": [{"Key": "k!", "Value": "v"}]},
        "ValidationError",
        invalid("tags.1.member.key", f"satisfy regular expression pattern: {TAG_PATTERN}"),
        given=_user_with("c-tag3"),
    ),
    Case(
        "tag-user-51",
        "iam",
        "TagUser",
        {"UserName": "c-tag4", "Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]},
        "ValidationError",
        invalid("tags", "have length less than or equal to 50"),
        given=_user_with("c-tag4"),
    ),
    Case(
        "list-user-tags",
        "iam",
        "ListUserTags",
        {"UserName": "c-tag5"},
        keys={"": {"Tags", "IsTruncated"}},
        given=_user_with("c-tag5"),
    ),
    # -- access keys and passwords --------------------------------------------------------------------
    Case(
        "create-access-key",
        "iam",
        "CreateAccessKey",
        {"UserName": "c-key"},
        keys={"AccessKey": {"UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"}},
        given=_user_with("c-key"),
    ),
    Case(
        "third-access-key",
        "iam",
        "CreateAccessKey",
        {"UserName": "c-key3"},
        "LimitExceeded",
        "Cannot exceed quota for AccessKeysPerUser: 2",
        given=_user_with(
            "c-key3",
            ("create_access_key", {"UserName": "c-key3"}),
            ("create_access_key", {"UserName": "c-key3"}),
        ),
        cli=True,
    ),
    Case(
        "update-unknown-key",
        "iam",
        "UpdateAccessKey",
        {"UserName": "c-key4", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Inactive"},
        "NoSuchEntity",
        "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.",
        given=_user_with("c-key4"),
    ),
    Case(
        "update-key-bad-status",
        "iam",
        "UpdateAccessKey",
        {"UserName": "c-key5", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Bogus"},
        "ValidationError",
        invalid("status", "satisfy enum value set"),
        given=_user_with("c-key5"),
    ),
    Case(
        "last-used-unknown-key",
        "iam",
        "GetAccessKeyLastUsed",
        {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"},
        "AccessDenied",
        f"User: {ADMIN} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key "
        "AKIAIOSFODNN7EXAMPLE",
        cli=True,
    ),
    Case("list-access-keys", "iam", "ListAccessKeys", {}, keys={"": {"AccessKeyMetadata", "IsTruncated"}}),
    Case(
        "no-login-profile",
        "iam",
        "GetLoginProfile",
        {"UserName": "c-nolp"},
        "NoSuchEntity",
        "Login Profile for User c-nolp cannot be found.",
        given=_user_with("c-nolp"),
    ),
    Case(
        "login-profile-exists",
        "iam",
        "CreateLoginProfile",
        {"UserName": "c-lp", "Password": "Pa55w0rd!y"},
        "EntityAlreadyExists",
        "Login Profile for user c-lp already exists.",
        given=_user_with("c-lp", ("create_login_profile", {"UserName": "c-lp", "Password": "Pa55w0rd!x"})),
    ),
    # -- groups ---------------------------------------------------------------------------------------
    Case(
        "create-group",
        "iam",
        "CreateGroup",
        {"GroupName": "c-group"},
        keys={"Group": {"Path", "GroupName", "GroupId", "Arn", "CreateDate"}},
    ),
    Case(
        "add-to-missing-group",
        "iam",
        "AddUserToGroup",
        {"GroupName": "c-nogroup", "UserName": "admin"},
        "NoSuchEntity",
        "The group with name c-nogroup cannot be found.",
        cli=True,
    ),
    Case(
        "remove-non-member",
        "iam",
        "RemoveUserFromGroup",
        {"GroupName": "c-g-empty", "UserName": "admin"},
        keys={"": set()},
        given=_given(("create_group", {"GroupName": "c-g-empty"})),
    ),
    Case(
        "delete-group-with-members",
        "iam",
        "DeleteGroup",
        {"GroupName": "c-g-full"},
        "DeleteConflict",
        "Cannot delete entity, must remove users from group first.",
        given=_given(
            ("create_group", {"GroupName": "c-g-full"}),
            ("add_user_to_group", {"GroupName": "c-g-full", "UserName": "admin"}),
        ),
    ),
    Case(
        "get-group",
        "iam",
        "GetGroup",
        {"GroupName": "c-g-get"},
        keys={"": {"Group", "Users", "IsTruncated"}},
        given=_given(("create_group", {"GroupName": "c-g-get"})),
    ),
    Case(
        "groups-for-user",
        "iam",
        "ListGroupsForUser",
        {"UserName": "admin"},
        keys={"": {"Groups", "IsTruncated"}},
    ),
    # -- roles ----------------------------------------------------------------------------------------
    Case(
        "create-role",
        "iam",
        "CreateRole",
        {"RoleName": "c-role", "AssumeRolePolicyDocument": EC2_TRUST, "Description": "not echoed"},
        keys={"Role": ROLE_CREATED_KEYS},
        cli=True,
    ),
    Case(
        "create-role-exists",
        "iam",
        "CreateRole",
        {"RoleName": "c-role-dup", "AssumeRolePolicyDocument": EC2_TRUST},
        "EntityAlreadyExists",
        "Role with name c-role-dup already exists.",
        given=_given(_role("c-role-dup")),
    ),
    Case(
        "get-role-missing",
        "iam",
        "GetRole",
        {"RoleName": "c-norole"},
        "NoSuchEntity",
        "The role with name c-norole cannot be found.",
        cli=True,
    ),
    Case(
        "get-role",
        "iam",
        "GetRole",
        {"RoleName": "c-role-get"},
        keys={"Role": ROLE_CREATED_KEYS | {"MaxSessionDuration", "RoleLastUsed"}},
        given=_given(_role("c-role-get")),
    ),
    Case(
        "role-boundary-missing",
        "iam",
        "CreateRole",
        {
            "RoleName": "c-role-pb",
            "AssumeRolePolicyDocument": EC2_TRUST,
            "PermissionsBoundary": _arn("c-none"),
        },
        "NoSuchEntity",
        f"Scope ARN: {_arn('c-none')} does not exist or is not attachable.",
    ),
    Case(
        "role-boundary-not-an-arn",
        "iam",
        "CreateRole",
        {"RoleName": "c-role-pb2", "AssumeRolePolicyDocument": EC2_TRUST, "PermissionsBoundary": "x" * 24},
        "InvalidInput",
        f"ARN {'x' * 24} is not valid.",
    ),
    Case(
        "role-boundary-not-a-policy",
        "iam",
        "PutRolePermissionsBoundary",
        {"RoleName": "c-role-pb3", "PermissionsBoundary": f"{IAM}not_a_policy/invalid"},
        "InvalidInput",
        f"ARN {IAM}not_a_policy/invalid is not valid.",
        given=_given(_role("c-role-pb3")),
        cli=True,
    ),
    Case(
        "delete-role-in-profile",
        "iam",
        "DeleteRole",
        {"RoleName": "c-role-ip"},
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
        given=_given(
            _role("c-role-ip"),
            ("create_instance_profile", {"InstanceProfileName": "c-role-ip-p"}),
            ("add_role_to_instance_profile", {"InstanceProfileName": "c-role-ip-p", "RoleName": "c-role-ip"}),
        ),
        cli=True,
    ),
    Case(
        "delete-role-with-attached",
        "iam",
        "DeleteRole",
        {"RoleName": "c-role-att"},
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
        given=_given(
            _role("c-role-att"),
            _policy("c-role-att-p"),
            ("attach_role_policy", {"RoleName": "c-role-att", "PolicyArn": _arn("c-role-att-p")}),
        ),
    ),
    Case(
        "delete-role-with-inline",
        "iam",
        "DeleteRole",
        {"RoleName": "c-role-inl"},
        "DeleteConflict",
        "Cannot delete entity, must delete policies first.",
        given=_given(
            _role("c-role-inl"),
            ("put_role_policy", {"RoleName": "c-role-inl", "PolicyName": "p", "PolicyDocument": POLICY}),
        ),
    ),
    Case(
        "role-policy-missing",
        "iam",
        "GetRolePolicy",
        {"RoleName": "c-role-rp", "PolicyName": "nope"},
        "NoSuchEntity",
        "The role policy with name nope cannot be found.",
        given=_given(_role("c-role-rp")),
    ),
    Case(
        "user-policy-missing",
        "iam",
        "GetUserPolicy",
        {"UserName": "admin", "PolicyName": "nope"},
        "NoSuchEntity",
        "The user policy with name nope cannot be found.",
    ),
    Case(
        "eleventh-managed-policy",
        "iam",
        "AttachRolePolicy",
        {"RoleName": "c-role-11", "PolicyArn": _arn("c-p11-10")},
        "LimitExceeded",
        "Cannot exceed quota for PoliciesPerRole: 10",
        given=_given(
            _role("c-role-11"),
            *_many_policies("c-p11-", 11),
            *[
                ("attach_role_policy", {"RoleName": "c-role-11", "PolicyArn": _arn(f"c-p11-{i}")})
                for i in range(10)
            ],
        ),
    ),
    Case(
        "attach-missing-policy",
        "iam",
        "AttachRolePolicy",
        {"RoleName": "c-role-amp", "PolicyArn": _arn("c-none")},
        "NoSuchEntity",
        f"Policy {_arn('c-none')} does not exist or is not attachable.",
        given=_given(_role("c-role-amp")),
        cli=True,
    ),
    Case(
        "attach-not-an-arn",
        "iam",
        "AttachRolePolicy",
        {"RoleName": "c-role-ana", "PolicyArn": "longpolicynamebutnoarn"},
        "ValidationError",
        "ARN longpolicynamebutnoarn is not valid.",
        given=_given(_role("c-role-ana")),
    ),
    Case(
        "detach-not-attached",
        "iam",
        "DetachRolePolicy",
        {"RoleName": "c-role-dna", "PolicyArn": _arn("c-dna")},
        "NoSuchEntity",
        f"Policy {_arn('c-dna')} was not found.",
        given=_given(_role("c-role-dna"), _policy("c-dna")),
    ),
    Case(
        "trust-policy-too-big",
        "iam",
        "UpdateAssumeRolePolicy",
        {"RoleName": "c-role-big", "PolicyDocument": BIG_TRUST},
        "LimitExceeded",
        "Cannot exceed quota for ACLSizePerRole: 2048",
        given=_given(_role("c-role-big")),
    ),
    Case("list-roles", "iam", "ListRoles", {}, keys={"": {"Roles", "IsTruncated"}}),
    # -- managed policies -------------------------------------------------------------------------------
    Case(
        "create-policy",
        "iam",
        "CreatePolicy",
        {"PolicyName": "c-pol", "PolicyDocument": POLICY},
        keys={"Policy": POLICY_KEYS},
        cli=True,
    ),
    Case(
        "create-policy-exists",
        "iam",
        "CreatePolicy",
        {"PolicyName": "c-pol-dup", "PolicyDocument": POLICY},
        "EntityAlreadyExists",
        "A policy called c-pol-dup already exists. Duplicate names are not allowed.",
        given=_given(_policy("c-pol-dup")),
    ),
    Case(
        "get-policy",
        "iam",
        "GetPolicy",
        {"PolicyArn": _arn("c-pol-get")},
        keys={"Policy": POLICY_KEYS | {"Tags"}},
        given=_given(_policy("c-pol-get")),
    ),
    Case(
        "get-policy-missing",
        "iam",
        "GetPolicy",
        {"PolicyArn": _arn("c-none")},
        "NoSuchEntity",
        f"Policy {_arn('c-none')} was not found.",
    ),
    Case(
        "delete-attached-policy",
        "iam",
        "DeletePolicy",
        {"PolicyArn": _arn("c-pol-att")},
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
        given=_given(
            _policy("c-pol-att"),
            ("attach_user_policy", {"UserName": "admin", "PolicyArn": _arn("c-pol-att")}),
        ),
        cli=True,
    ),
    Case(
        "delete-boundary-policy",
        "iam",
        "DeletePolicy",
        {"PolicyArn": _arn("c-pol-pb")},
        "DeleteConflict",
        "Cannot delete a policy attached to entities.",
        given=_given(_policy("c-pol-pb"), _role("c-pol-pb-r", PermissionsBoundary=_arn("c-pol-pb"))),
    ),
    Case(
        "delete-policy-with-versions",
        "iam",
        "DeletePolicy",
        {"PolicyArn": _arn("c-pol-ver")},
        "DeleteConflict",
        "This policy has more than one version. Before you delete a policy, you must delete the policy's "
        "versions. The default version is deleted with the policy.",
        given=_given(
            _policy("c-pol-ver"),
            ("create_policy_version", {"PolicyArn": _arn("c-pol-ver"), "PolicyDocument": POLICY}),
        ),
    ),
    Case(
        "create-policy-version",
        "iam",
        "CreatePolicyVersion",
        {"PolicyArn": _arn("c-pol-v"), "PolicyDocument": POLICY},
        keys={"PolicyVersion": {"VersionId", "IsDefaultVersion", "CreateDate"}},
        given=_given(_policy("c-pol-v")),
    ),
    Case(
        "sixth-policy-version",
        "iam",
        "CreatePolicyVersion",
        {"PolicyArn": _arn("c-pol-v6"), "PolicyDocument": POLICY},
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you must delete an "
        "existing version.",
        given=_given(
            _policy("c-pol-v6"),
            *[("create_policy_version", {"PolicyArn": _arn("c-pol-v6"), "PolicyDocument": POLICY})] * 4,
        ),
        cli=True,
    ),
    Case(
        "list-policy-versions",
        "iam",
        "ListPolicyVersions",
        {"PolicyArn": _arn("c-pol-lv")},
        keys={"": {"Versions", "IsTruncated"}, "Versions.0": {"VersionId", "IsDefaultVersion", "CreateDate"}},
        given=_given(_policy("c-pol-lv")),
    ),
    Case(
        "get-policy-version",
        "iam",
        "GetPolicyVersion",
        {"PolicyArn": _arn("c-pol-gv"), "VersionId": "v1"},
        keys={"PolicyVersion": {"Document", "VersionId", "IsDefaultVersion", "CreateDate"}},
        given=_given(_policy("c-pol-gv")),
    ),
    Case(
        "policy-version-id-invalid",
        "iam",
        "GetPolicyVersion",
        {"PolicyArn": _arn("c-pol-bv"), "VersionId": "x"},
        "ValidationError",
        invalid("versionId", r"satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"),
        given=_given(_policy("c-pol-bv")),
        cli=True,
    ),
    Case(
        "policy-version-missing",
        "iam",
        "GetPolicyVersion",
        {"PolicyArn": _arn("c-pol-mv"), "VersionId": "v9"},
        "NoSuchEntity",
        f"Policy {_arn('c-pol-mv')} version v9 does not exist or is not attachable.",
        given=_given(_policy("c-pol-mv")),
    ),
    Case(
        "delete-default-version",
        "iam",
        "DeletePolicyVersion",
        {"PolicyArn": _arn("c-pol-dv"), "VersionId": "v1"},
        "DeleteConflict",
        "Cannot delete the default version of a policy.",
        given=_given(_policy("c-pol-dv")),
    ),
    Case(
        "managed-policy-too-big",
        "iam",
        "CreatePolicy",
        {"PolicyName": "c-pol-big", "PolicyDocument": _big_document(6400)},
        "LimitExceeded",
        "Cannot exceed quota for PolicySize: 6144",
    ),
    Case(
        "user-inline-too-big",
        "iam",
        "PutUserPolicy",
        {"UserName": "admin", "PolicyName": "big", "PolicyDocument": _big_document(2300)},
        "LimitExceeded",
        "Maximum policy size of 2048 bytes exceeded for user admin",
    ),
    Case(
        "list-entities-for-policy",
        "iam",
        "ListEntitiesForPolicy",
        {"PolicyArn": _arn("c-pol-le")},
        keys={"": {"PolicyGroups", "PolicyUsers", "PolicyRoles", "IsTruncated"}},
        given=_given(_policy("c-pol-le")),
    ),
    Case(
        "attached-user-policies",
        "iam",
        "ListAttachedUserPolicies",
        {"UserName": "admin"},
        keys={"": {"AttachedPolicies", "IsTruncated"}},
    ),
    Case(
        "user-policies",
        "iam",
        "ListUserPolicies",
        {"UserName": "admin"},
        keys={"": {"PolicyNames", "IsTruncated"}},
    ),
    Case(
        "list-policies",
        "iam",
        "ListPolicies",
        {"Scope": "Local"},
        keys={"": {"Policies", "IsTruncated"}, "Policies.0": POLICY_KEYS},
        given=_given(_policy("c-pol-list")),
    ),
    Case(
        "attach-user-policy",
        "iam",
        "AttachUserPolicy",
        {"UserName": "c-att-u", "PolicyArn": _arn("c-att-up")},
        keys={"": set()},
        given=_user_with("c-att-u", _policy("c-att-up")),
    ),
    Case(
        "attach-group-policy",
        "iam",
        "AttachGroupPolicy",
        {"GroupName": "c-att-g", "PolicyArn": _arn("c-att-gp")},
        keys={"": set()},
        given=_given(("create_group", {"GroupName": "c-att-g"}), _policy("c-att-gp")),
    ),
    Case(
        "attached-group-policies",
        "iam",
        "ListAttachedGroupPolicies",
        {"GroupName": "c-lag"},
        keys={"": {"AttachedPolicies", "IsTruncated"}},
        given=_given(("create_group", {"GroupName": "c-lag"})),
    ),
    Case("list-groups", "iam", "ListGroups", {}, keys={"": {"Groups", "IsTruncated"}}),
    Case(
        "put-role-policy",
        "iam",
        "PutRolePolicy",
        {"RoleName": "c-prp", "PolicyName": "p", "PolicyDocument": POLICY},
        keys={"": set()},
        given=_given(_role("c-prp")),
    ),
    Case(
        "delete-user-policy",
        "iam",
        "DeleteUserPolicy",
        {"UserName": "c-dup-p", "PolicyName": "p"},
        keys={"": set()},
        given=_user_with(
            "c-dup-p",
            ("put_user_policy", {"UserName": "c-dup-p", "PolicyName": "p", "PolicyDocument": POLICY}),
        ),
    ),
    Case(
        "delete-user-policy-missing",
        "iam",
        "DeleteUserPolicy",
        {"UserName": "admin", "PolicyName": "nope"},
        "NoSuchEntity",
        "The user policy with name nope cannot be found.",
    ),
    Case(
        "tag-role",
        "iam",
        "TagRole",
        {"RoleName": "c-tr", "Tags": [{"Key": "team", "Value": "a"}]},
        keys={"": set()},
        given=_given(_role("c-tr")),
    ),
    Case(
        "tag-role-keys-ignore-case",
        "iam",
        "TagRole",
        {"RoleName": "c-trc", "Tags": [{"Key": "team", "Value": "a"}, {"Key": "Team", "Value": "b"}]},
        "InvalidInput",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        given=_given(_role("c-trc")),
    ),
    Case(
        "untag-role-long-key",
        "iam",
        "UntagRole",
        {"RoleName": "c-urk", "TagKeys": ["k" * 129]},
        "ValidationError",
        invalid(
            "tagKeys",
            "satisfy constraint: [Member must have length less than or equal to 128, Member must have length "
            f"greater than or equal to 1, Member must satisfy regular expression pattern: {TAG_PATTERN}, "
            "Member must not be null]",
        ),
        given=_given(_role("c-urk")),
    ),
    Case(
        "untag-role",
        "iam",
        "UntagRole",
        {"RoleName": "c-ur", "TagKeys": ["team"]},
        keys={"": set()},
        given=_given(_role("c-ur")),
    ),
    Case(
        "put-user-boundary",
        "iam",
        "PutUserPermissionsBoundary",
        {"UserName": "c-pub", "PermissionsBoundary": _arn("c-pub-p")},
        keys={"": set()},
        given=_user_with("c-pub", _policy("c-pub-p")),
    ),
    Case(
        "put-user-boundary-missing",
        "iam",
        "PutUserPermissionsBoundary",
        {"UserName": "admin", "PermissionsBoundary": _arn("c-none")},
        "NoSuchEntity",
        f"Scope ARN: {_arn('c-none')} does not exist or is not attachable.",
        cli=True,
    ),
    Case(
        "delete-user-boundary",
        "iam",
        "DeleteUserPermissionsBoundary",
        {"UserName": "c-dub"},
        keys={"": set()},
        given=_user_with("c-dub"),
    ),
    Case(
        "simulate-custom",
        "iam",
        "SimulateCustomPolicy",
        {"PolicyInputList": [POLICY], "ActionNames": ["s3:ListAllMyBuckets"]},
        keys={"": {"EvaluationResults", "IsTruncated"}},
    ),
    Case(
        "simulate-principal",
        "iam",
        "SimulatePrincipalPolicy",
        {"PolicySourceArn": ADMIN, "ActionNames": ["s3:ListAllMyBuckets"]},
        keys={"": {"EvaluationResults", "IsTruncated"}},
    ),
    # -- instance profiles -------------------------------------------------------------------------------
    Case(
        "create-instance-profile",
        "iam",
        "CreateInstanceProfile",
        {"InstanceProfileName": "c-ip"},
        keys={"InstanceProfile": PROFILE_KEYS},
        cli=True,
    ),
    Case(
        "get-instance-profile",
        "iam",
        "GetInstanceProfile",
        {"InstanceProfileName": "c-ip-get"},
        keys={"InstanceProfile": PROFILE_KEYS | {"Tags"}, "InstanceProfile.Roles.0": ROLE_CREATED_KEYS},
        given=_given(
            _role("c-ip-get-r"),
            ("create_instance_profile", {"InstanceProfileName": "c-ip-get"}),
            ("add_role_to_instance_profile", {"InstanceProfileName": "c-ip-get", "RoleName": "c-ip-get-r"}),
        ),
    ),
    Case(
        "get-instance-profile-missing",
        "iam",
        "GetInstanceProfile",
        {"InstanceProfileName": "c-noip"},
        "NoSuchEntity",
        "Instance Profile c-noip cannot be found.",
    ),
    Case(
        "remove-role-not-in-profile",
        "iam",
        "RemoveRoleFromInstanceProfile",
        {"InstanceProfileName": "c-ip-rm", "RoleName": "c-ip-rm-r"},
        "NoSuchEntity",
        "Role c-ip-rm-r in Instance Profile c-ip-rm cannot be found.",
        given=_given(_role("c-ip-rm-r"), ("create_instance_profile", {"InstanceProfileName": "c-ip-rm"})),
        cli=True,
    ),
    Case(
        "second-role-in-profile",
        "iam",
        "AddRoleToInstanceProfile",
        {"InstanceProfileName": "c-ip-2", "RoleName": "c-ip-2b"},
        "LimitExceeded",
        "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1",
        given=_given(
            _role("c-ip-2a"),
            _role("c-ip-2b"),
            ("create_instance_profile", {"InstanceProfileName": "c-ip-2"}),
            ("add_role_to_instance_profile", {"InstanceProfileName": "c-ip-2", "RoleName": "c-ip-2a"}),
        ),
    ),
    Case(
        "delete-profile-with-role",
        "iam",
        "DeleteInstanceProfile",
        {"InstanceProfileName": "c-ip-del"},
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
        given=_given(
            _role("c-ip-del-r"),
            ("create_instance_profile", {"InstanceProfileName": "c-ip-del"}),
            ("add_role_to_instance_profile", {"InstanceProfileName": "c-ip-del", "RoleName": "c-ip-del-r"}),
        ),
    ),
    Case(
        "profiles-for-missing-role",
        "iam",
        "ListInstanceProfilesForRole",
        {"RoleName": "c-norole2"},
        "NoSuchEntity",
        "The role with name c-norole2 cannot be found.",
    ),
    Case(
        "profiles-for-role",
        "iam",
        "ListInstanceProfilesForRole",
        {"RoleName": "c-ip-lr-r"},
        keys={"": {"InstanceProfiles", "IsTruncated"}, "InstanceProfiles.0": PROFILE_KEYS},
        given=_given(
            _role("c-ip-lr-r"),
            ("create_instance_profile", {"InstanceProfileName": "c-ip-lr"}),
            ("add_role_to_instance_profile", {"InstanceProfileName": "c-ip-lr", "RoleName": "c-ip-lr-r"}),
        ),
    ),
    # -- MFA -----------------------------------------------------------------------------------------------
    Case(
        "mfa-path-without-slashes",
        "iam",
        "CreateVirtualMFADevice",
        {"VirtualMFADeviceName": "c-mfa", "Path": "mfa"},
        "ValidationError",
        "The specified value for path is invalid. It must begin and end with / and contain only "
        "alphanumeric characters and/or / characters.",
    ),
    Case(
        "mfa-exists",
        "iam",
        "CreateVirtualMFADevice",
        {"VirtualMFADeviceName": "c-mfa-dup"},
        "EntityAlreadyExists",
        "MFA device already exists.",
        given=_given(("create_virtual_mfa_device", {"VirtualMFADeviceName": "c-mfa-dup"})),
    ),
    Case(
        "mfa-delete-missing",
        "iam",
        "DeleteVirtualMFADevice",
        {"SerialNumber": f"{IAM}mfa/c-mfa-none"},
        "NoSuchEntity",
        f"MFA Device with serial number {IAM}mfa/c-mfa-none does not exist.",
    ),
    Case(
        "mfa-deactivate-missing",
        "iam",
        "DeactivateMFADevice",
        {"UserName": "admin", "SerialNumber": f"{IAM}mfa/c-mfa-none"},
        "NoSuchEntity",
        f"MFA Device with serial number {IAM}mfa/c-mfa-none does not exist.",
    ),
    Case(
        "mfa-for-two-users",
        "iam",
        "EnableMFADevice",
        {
            "UserName": "c-mfa-b",
            "SerialNumber": f"{IAM}mfa/c-mfa-2",
            "AuthenticationCode1": "123456",
            "AuthenticationCode2": "654321",
        },
        "EntityAlreadyExists",
        "MFA Device is already in use.",
        given=_given(
            ("create_user", {"UserName": "c-mfa-a"}),
            ("create_user", {"UserName": "c-mfa-b"}),
            ("create_virtual_mfa_device", {"VirtualMFADeviceName": "c-mfa-2"}),
            (
                "enable_mfa_device",
                {
                    "UserName": "c-mfa-a",
                    "SerialNumber": f"{IAM}mfa/c-mfa-2",
                    "AuthenticationCode1": "123456",
                    "AuthenticationCode2": "654321",
                },
            ),
        ),
    ),
    # -- STS -------------------------------------------------------------------------------------------------
    Case(
        "caller-identity", "sts", "GetCallerIdentity", {}, keys={"": {"UserId", "Account", "Arn"}}, cli=True
    ),
    Case(
        "assume-malformed-arn",
        "sts",
        "AssumeRole",
        {"RoleArn": "nothing-valid-in-here", "RoleSessionName": "s1"},
        "ValidationError",
        "nothing-valid-in-here is invalid",
        cli=True,
    ),
    Case(
        "assume-arn-without-service",
        "sts",
        "AssumeRole",
        {"RoleArn": "arn:a::::something/test-role", "RoleSessionName": "s1"},
        "ValidationError",
        "arn:a::::something/test-role is invalid",
    ),
    Case(
        "assume-bad-session-name",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "Session1:2"},
        "ValidationError",
        "1 validation error detected: Value 'Session1:2' at 'roleSessionName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\w+=,.@-]*",
        cli=True,
    ),
    Case(
        "assume-long-session-name",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "s" * 65},
        "ValidationError",
        f"1 validation error detected: Value '{'s' * 65}' at 'roleSessionName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64",
    ),
    Case(
        "federation-policy-too-long",
        "sts",
        "GetFederationToken",
        {"Name": "c-fed-long", "Policy": LONG_POLICY},
        "ValidationError",
        f"1 validation error detected: Value '{LONG_POLICY}' at 'policy' failed to satisfy constraint: "
        "Member must have length less than or equal to 2048",
    ),
    Case(
        "assume-short-duration",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "s1", "DurationSeconds": 100},
        "ValidationError",
        "1 validation error detected: Value '100' at 'durationSeconds' failed to satisfy constraint: "
        "Member must have value greater than or equal to 900",
    ),
    Case(
        "assume-transitive-untagged",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "s1", "TransitiveTagKeys": ["team"]},
        "InvalidParameterValue",
        "The specified transitive tag key must be included in the requested tags.",
    ),
    Case(
        "assume-duplicate-tags",
        "sts",
        "AssumeRole",
        {
            "RoleArn": f"{IAM}role/c-sts",
            "RoleSessionName": "s1",
            "Tags": [{"Key": "team", "Value": "a"}, {"Key": "Team", "Value": "b"}],
        },
        "InvalidParameterValue",
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    ),
    Case(
        "assume-role",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "s1"},
        keys={"": {"Credentials", "AssumedRoleUser"}},
        cli=True,
    ),
    Case(
        "assume-role-session-policy",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "s1", "Policy": POLICY},
        keys={"": {"Credentials", "AssumedRoleUser", "PackedPolicySize"}},
    ),
    Case(
        "assume-role-tags",
        "sts",
        "AssumeRole",
        {"RoleArn": f"{IAM}role/c-sts", "RoleSessionName": "s1", "Tags": [{"Key": "team", "Value": "a"}]},
        keys={"": {"Credentials", "AssumedRoleUser", "PackedPolicySize"}},
    ),
]
BY_ID = {case.id: case for case in CASES}
assert len(BY_ID) == len(CASES), "case ids are unique"


@pytest.fixture(scope="module")
def lab():
    from iamlab import Lab

    with Lab() as lab:
        iam = lab.admin_session().client("iam")
        for name in ("c-sts", "cli-sts"):
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
        yield lab


@pytest.fixture(scope="module")
def clients(lab):
    """boto3 clients that leave every parameter check to the lab."""
    session = lab.admin_session()
    unchecked = Config(parameter_validation=False)
    return {"iam": session.client("iam", config=unchecked), "sts": session.client("sts", config=unchecked)}


def _prepare(case: Case, iam) -> None:
    for method, params in case.given:
        getattr(iam, method)(**params)


def _renamed(value, old="c-", new="cli-"):
    """The same case with its own entity names, so the CLI run does not meet the boto3 run's state."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, (list, tuple)):
        return type(value)(_renamed(item) for item in value)
    if isinstance(value, dict):
        return {key: _renamed(item) for key, item in value.items()}
    return value


def _member(response: dict, path: str):
    for part in filter(None, path.split(".")):
        response = response[int(part)] if part.isdigit() else response[part]
    return response


def _check_keys(case: Case, response: dict) -> None:
    response = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    for path, keys in case.keys.items():
        assert set(_member(response, path)) == keys, f"{case.id}: members at {path or 'top'}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_boto3(case, clients):
    _prepare(case, clients["iam"])
    call = getattr(clients[case.service], case.method)
    if case.code is None:
        _check_keys(case, call(**case.params))
        return
    with pytest.raises(ClientError) as caught:
        call(**case.params)
    error = caught.value.response["Error"]
    assert error["Code"] == case.code
    if case.message is not None:
        assert error["Message"] == case.message
    assert set(error) == {"Code", "Message", "Type"}, "AWS sends Code, Message and Type only"


CLI_CASES = [case for case in CASES if case.cli]
CLI_ERROR = re.compile(
    r"An error occurred \((?P<code>\w+)\) when calling the (?P<op>\w+) operation: (?P<msg>.*)", re.S
)


@pytest.fixture(scope="module")
def cli_env(lab):
    credentials = lab.admin_session().get_credentials()
    return lab.env() | {
        "AWS_ACCESS_KEY_ID": credentials.access_key,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_key,
        "AWS_DEFAULT_REGION": lab.region,
    }


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.id for case in CLI_CASES])
def test_cli(case, cli_env, clients):
    case = Case(
        case.id,
        case.service,
        case.operation,
        _renamed(case.params),
        case.code,
        _renamed(case.message),
        case.keys,
        _renamed(case.given),
    )
    _prepare(case, clients["iam"])
    command = xform_name(case.operation, "-")
    params = {k: v for k, v in case.params.items() if not (isinstance(v, str) and "\x00" in v)}
    exit_code, out, err = run_aws(cli_env, case.service, command, "--cli-input-json", json.dumps(params))
    if case.code is None:
        assert exit_code == 0, err
        _check_keys(case, json.loads(out) if out.strip() else {})
        return
    found = CLI_ERROR.search(err)
    assert exit_code != 0 and found, err
    assert (found["code"], found["op"]) == (case.code, case.operation)
    if case.message is not None:
        assert found["msg"].strip() == case.message


def test_cases_cover_the_operations_lessons_use():
    """Every IAM and STS call the lessons, exercises and helpers make has a case here."""
    used = {
        "CreateUser", "GetUser", "ListUsers", "TagUser", "ListUserTags", "CreateAccessKey",
        "ListAccessKeys", "CreateGroup", "AddUserToGroup", "GetGroup", "ListGroupsForUser",
        "CreateRole", "GetRole", "ListRoles",
        "AttachRolePolicy", "UpdateAssumeRolePolicy", "CreatePolicy", "GetPolicy", "GetPolicyVersion",
        "ListEntitiesForPolicy", "ListAttachedUserPolicies", "ListUserPolicies", "PutUserPolicy",
        "CreateInstanceProfile", "GetInstanceProfile", "AddRoleToInstanceProfile",
        "ListPolicies", "AttachUserPolicy", "AttachGroupPolicy", "ListAttachedGroupPolicies",
        "ListGroups", "PutRolePolicy", "DeleteUserPolicy", "TagRole", "UntagRole",
        "PutUserPermissionsBoundary", "DeleteUserPermissionsBoundary", "SimulateCustomPolicy",
        "SimulatePrincipalPolicy",
        "ListInstanceProfilesForRole", "GetCallerIdentity", "AssumeRole",
    }  # fmt: skip
    covered = {case.operation for case in CASES}
    assert used <= covered, used - covered


# -- outside the table: what a case row cannot say ----------------------------------------------------
def _raw(lab, body: str) -> tuple[int, str]:
    credentials = lab.admin_session().get_credentials()
    request = AWSRequest(
        "POST",
        lab.endpoint_url + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    SigV4Auth(credentials, "iam", "us-east-1").add_auth(request)
    sent = urllib.request.Request(
        request.url, data=body.encode(), headers=dict(request.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(sent) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_unknown_action_is_invalid_action_not_a_500(lab):
    status, body = _raw(lab, "Action=FooBar&Version=2010-05-08")
    assert status == 400
    assert "<Code>InvalidAction</Code>" in body
    assert "<Message>Could not find operation FooBar for version 2010-05-08</Message>" in body


def test_a_refused_name_is_not_stored_and_listing_still_parses(lab, clients):
    """A NUL in a user name is refused, so ListUsers never returns XML a client cannot read."""
    with pytest.raises(ClientError):
        clients["iam"].create_user(UserName="a\x00b")
    names = [user["UserName"] for user in clients["iam"].list_users()["Users"]]
    assert "a\x00b" not in names and "admin" in names


def test_update_role_keeps_what_it_is_not_given(clients):
    iam = clients["iam"]
    iam.create_role(
        RoleName="c-upd", AssumeRolePolicyDocument=EC2_TRUST, Description="kept", MaxSessionDuration=7200
    )
    iam.update_role(RoleName="c-upd")
    role = iam.get_role(RoleName="c-upd")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("kept", 7200)


def test_a_deleted_policy_stays_while_attached(clients):
    """A refused DeletePolicy leaves the policy and its attachment in place."""
    iam = clients["iam"]
    iam.create_policy(PolicyName="c-stay", PolicyDocument=POLICY)
    iam.attach_user_policy(UserName="admin", PolicyArn=_arn("c-stay"))
    with pytest.raises(ClientError):
        iam.delete_policy(PolicyArn=_arn("c-stay"))
    attached = [p["PolicyArn"] for p in iam.list_attached_user_policies(UserName="admin")["AttachedPolicies"]]
    assert _arn("c-stay") in attached
    assert iam.get_policy(PolicyArn=_arn("c-stay"))["Policy"]["AttachmentCount"] == 1


def test_boundary_usage_is_counted(clients):
    iam = clients["iam"]
    iam.create_policy(PolicyName="c-bound", PolicyDocument=POLICY)
    iam.create_role(
        RoleName="c-bound-r", AssumeRolePolicyDocument=EC2_TRUST, PermissionsBoundary=_arn("c-bound")
    )
    assert iam.get_policy(PolicyArn=_arn("c-bound"))["Policy"]["PermissionsBoundaryUsageCount"] == 1


def test_federation_token_without_policy_packs_nothing(clients):
    assert clients["sts"].get_federation_token(Name="c-fed")["PackedPolicySize"] == 0


def test_chained_session_cannot_override_a_transitive_tag(lab, clients):
    """In a role chain a session tag may not override a transitive tag of the calling session."""
    first = clients["sts"].assume_role(
        RoleArn=f"{IAM}role/c-sts",
        RoleSessionName="s1",
        Tags=[{"Key": "team", "Value": "a"}],
        TransitiveTagKeys=["team"],
    )["Credentials"]
    chained = lab.session(first["AccessKeyId"], first["SecretAccessKey"], first["SessionToken"]).client("sts")
    iam = clients["iam"]
    iam.put_role_policy(
        RoleName="c-sts", PolicyName="chain", PolicyDocument=doc(allow(["sts:AssumeRole", "sts:TagSession"]))
    )
    with pytest.raises(ClientError) as caught:
        chained.assume_role(
            RoleArn=f"{IAM}role/c-sts", RoleSessionName="s2", Tags=[{"Key": "Team", "Value": "b"}]
        )
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert caught.value.response["Error"]["Message"].startswith("One of the specified transitive tag keys")
