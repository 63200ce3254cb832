"""Several accounts in one lab: each created on first use, and cross-account requests decided as AWS
decides them (the caller's account must allow, and so must the resource's policy)."""

import json

import pytest

from tests.conftest import run_aws
from tests.lab.helpers import allow, doc, error_code, trusting

OTHER = "111122223333"
OTHER_ROOT = f"arn:aws:iam::{OTHER}:root"


def _user(lab, account, name, *policies):
    """A user of `account` with inline `policies`; returns (session, ARN)."""
    iam = lab.admin_session(account).client("iam")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    for index, document in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName=f"inline{index}", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return lab.session(key["AccessKeyId"], key["SecretAccessKey"]), arn


def _assume(session, role_arn):
    return session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="ss")["Credentials"]


def _session_of(lab, creds):
    return lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


# -- accounts exist when first used --------------------------------------------------------------
def test_admin_session_of_another_account_is_that_accounts_administrator(lab):
    identity = lab.admin_session(OTHER).client("sts").get_caller_identity()
    assert identity["Account"] == OTHER
    assert identity["Arn"] == f"arn:aws:iam::{OTHER}:user/admin"
    assert lab.admin_session().client("sts").get_caller_identity()["Account"] == lab.account_id


def test_each_account_has_its_own_iam(lab):
    lab.admin_session(OTHER).client("iam").create_user(UserName="carol")
    own_users = [u["UserName"] for u in lab.admin_session().client("iam").list_users()["Users"]]
    other_users = [u["UserName"] for u in lab.admin_session(OTHER).client("iam").list_users()["Users"]]
    assert "carol" in other_users and "carol" not in own_users


def test_a_user_of_another_account_authenticates_with_its_keys(lab):
    carol, arn = _user(lab, OTHER, "carol")
    assert carol.client("sts").get_caller_identity()["Arn"] == arn == f"arn:aws:iam::{OTHER}:user/carol"


def test_account_ids_must_be_twelve_digits(lab):
    with pytest.raises(ValueError):
        lab.admin_session("12345")


def test_cli_profile_admin_of_each_account_used(lab):
    lab.admin_session(OTHER)
    env = lab.env()
    code, out, err = run_aws(env, "sts", "get-caller-identity", "--profile", f"admin-{OTHER}")
    assert code == 0, err
    assert json.loads(out)["Account"] == OTHER
    code, out, err = run_aws(env, "sts", "get-caller-identity", "--profile", f"admin-{lab.account_id}")
    assert code == 0, err
    assert json.loads(out)["Account"] == lab.account_id


# -- AssumeRole across accounts -------------------------------------------------------------------
def test_trust_naming_another_accounts_root_delegates_to_that_accounts_policies(lab):
    """IAM User Guide: "When you specify an AWS account as the principal in a role trust policy, ...
    the account's administrator must grant an identity (user or role) permission to assume the role."
    """
    role_arn = (
        lab.admin_session()
        .client("iam")
        .create_role(RoleName="Partner", AssumeRolePolicyDocument=trusting(OTHER_ROOT))["Role"]["Arn"]
    )
    allowed, _ = _user(lab, OTHER, "allowed", doc(allow("sts:AssumeRole", role_arn)))
    unallowed, _ = _user(lab, OTHER, "unallowed")
    assert error_code(lambda: _assume(unallowed, role_arn)) == "AccessDenied"
    identity = _session_of(lab, _assume(allowed, role_arn)).client("sts").get_caller_identity()
    assert identity["Account"] == lab.account_id
    assert identity["Arn"] == f"arn:aws:sts::{lab.account_id}:assumed-role/Partner/ss"


def test_cross_account_assume_role_fails_unless_both_sides_allow(lab):
    """IAM User Guide: for cross-account access "the trusting account must grant access by a
    resource-based policy ... and the trusted account must grant access by an identity-based policy"."""
    iam = lab.admin_session().client("iam")
    trusted = iam.create_role(RoleName="TrustsOther", AssumeRolePolicyDocument=trusting(OTHER_ROOT))["Role"][
        "Arn"
    ]
    untrusted = iam.create_role(
        RoleName="TrustsNobody", AssumeRolePolicyDocument=trusting(service="ec2.amazonaws.com")
    )["Role"]["Arn"]
    carol, _ = _user(lab, OTHER, "carol", doc(allow("sts:AssumeRole")))
    sts = carol.client("sts")
    assert error_code(lambda: sts.assume_role(RoleArn=untrusted, RoleSessionName="ss")) == "AccessDenied"
    assert sts.assume_role(RoleArn=trusted, RoleSessionName="ss")["AssumedRoleUser"]["Arn"].startswith(
        f"arn:aws:sts::{lab.account_id}:assumed-role/TrustsOther/"
    )


def test_a_cross_account_session_acts_in_the_roles_account(lab):
    admin = lab.admin_session()
    admin.client("s3").create_bucket(
        Bucket="own-bucket", CreateBucketConfiguration={"LocationConstraint": lab.region}
    )
    iam = admin.client("iam")
    role_arn = iam.create_role(RoleName="Reader", AssumeRolePolicyDocument=trusting(OTHER_ROOT))["Role"][
        "Arn"
    ]
    iam.put_role_policy(RoleName="Reader", PolicyName="list", PolicyDocument=doc(allow("s3:ListBucket")))
    carol, _ = _user(lab, OTHER, "carol", doc(allow("sts:AssumeRole", role_arn)))
    role = _session_of(lab, _assume(carol, role_arn))
    assert role.client("s3").list_objects_v2(Bucket="own-bucket")["KeyCount"] == 0
    assert error_code(lambda: role.client("iam").list_users()) == "AccessDenied"


# -- resource policies across accounts --------------------------------------------------------------
def _bucket_with_object(lab, name, policy=None):
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket=name, Key="k", Body=b"shared")
    if policy:
        s3.put_bucket_policy(Bucket=name, Policy=policy)


def test_s3_get_object_across_accounts_needs_the_bucket_policy_and_the_callers_policy(lab):
    _bucket_with_object(
        lab,
        "shared-bucket",
        doc(allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*", Principal={"AWS": OTHER_ROOT})),
    )
    _bucket_with_object(lab, "private-bucket")
    with_policy, _ = _user(lab, OTHER, "reader", doc(allow("s3:GetObject")))
    without_policy, _ = _user(lab, OTHER, "nobody")
    assert with_policy.client("s3").get_object(Bucket="shared-bucket", Key="k")["Body"].read() == b"shared"
    assert error_code(lambda: without_policy.client("s3").get_object(Bucket="shared-bucket", Key="k")) == (
        "AccessDenied"
    )
    assert error_code(lambda: with_policy.client("s3").get_object(Bucket="private-bucket", Key="k")) == (
        "AccessDenied"
    )


def test_the_journal_decides_a_cross_account_request_against_the_resources_account(lab):
    _bucket_with_object(lab, "journal-bucket")
    reader, arn = _user(lab, OTHER, "reader", doc(allow("s3:GetObject")))
    error_code(lambda: reader.client("s3").get_object(Bucket="journal-bucket", Key="k"))
    entry = [e for e in lab.journal.entries() if e.principal == arn][-1]
    assert entry.decision.request.resource_account == lab.account_id
    assert entry.result == "ImplicitlyDenied"


def test_sqs_send_message_across_accounts_reaches_the_queue_owners_account(lab):
    sqs = lab.admin_session().client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sender, _ = _user(lab, OTHER, "sender", doc(allow("sqs:SendMessage")))
    assert error_code(lambda: sender.client("sqs").send_message(QueueUrl=url, MessageBody="hi")) == (
        "AccessDenied"
    )
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": doc(allow("sqs:SendMessage", arn, Principal={"AWS": OTHER_ROOT}))},
    )
    sender.client("sqs").send_message(QueueUrl=url, MessageBody="hi")
    messages = sqs.receive_message(QueueUrl=url).get("Messages", [])
    assert [m["Body"] for m in messages] == ["hi"]


def test_kms_encrypt_across_accounts_is_decided_by_the_key_policy(lab):
    key_policy = doc(
        allow("kms:*", Principal={"AWS": f"arn:aws:iam::{lab.account_id}:root"}),
        allow("kms:Encrypt", Principal={"AWS": OTHER_ROOT}),
    )
    kms = lab.admin_session().client("kms")
    key_arn = kms.create_key(Policy=key_policy)["KeyMetadata"]["Arn"]
    other_key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    user, _ = _user(lab, OTHER, "encrypter", doc(allow("kms:Encrypt")))
    client = user.client("kms")
    assert client.encrypt(KeyId=key_arn, Plaintext=b"x")["KeyId"] == key_arn
    assert error_code(lambda: client.encrypt(KeyId=other_key_arn, Plaintext=b"x")) == "AccessDeniedException"
