"""Several accounts in one lab: each created on first use, and cross-account requests decided as AWS
decides them (the caller's account must allow, and so must the resource's policy)."""

import json

import pytest
from botocore.exceptions import ClientError

import iamlab
from tests.conftest import run_aws
from tests.lab.helpers import allow, doc, error_code, error_of, trusting

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
    """IAM User Guide, Principal element: "When you use an AWS account identifier as the principal in a
    policy, you delegate authority to the account. All identities inside the account can access the
    resource if they have the appropriate IAM permissions attached to explicitly allow access.\""""
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
    """IAM User Guide, Cross-account policy evaluation logic: "In IAM, you can attach a resource-based
    policy to an IAM role to allow principals in other accounts to assume that role. The role's
    resource-based policy is called a role trust policy." and "The principal's identity-based policy
    must allow the requested access to the resource in the trusting service.\""""
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


def _outcome(call) -> str:
    """ "Allowed" if the real request succeeds, else the denial code AWS answered."""
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"]
    return "Allowed"


def test_s3_get_object_across_accounts_needs_the_bucket_policy_and_the_callers_policy(lab):
    """IAM User Guide, Cross-account policy evaluation logic: "To allow cross-account access, you attach
    a resource-based policy to the resource that you want to share. You must also attach an
    identity-based policy to the identity that acts as the principal in the request." `lab.check`
    weighs both, in the bucket's account, and agrees with the request itself."""
    _bucket_with_object(
        lab,
        "shared-bucket",
        doc(allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*", Principal={"AWS": OTHER_ROOT})),
    )
    _bucket_with_object(lab, "private-bucket")
    reader, reader_arn = _user(lab, OTHER, "reader", doc(allow("s3:GetObject")))
    nobody, nobody_arn = _user(lab, OTHER, "nobody")
    cases = [
        (reader, reader_arn, "shared-bucket", "Allowed"),
        (nobody, nobody_arn, "shared-bucket", "AccessDenied"),
        (reader, reader_arn, "private-bucket", "AccessDenied"),
    ]
    assert reader.client("s3").get_object(Bucket="shared-bucket", Key="k")["Body"].read() == b"shared"
    for session, arn, bucket, expected in cases:
        real = _outcome(lambda s=session, b=bucket: s.client("s3").get_object(Bucket=b, Key="k"))
        decision = lab.check(arn, "s3:GetObject", f"arn:aws:s3:::{bucket}/k")
        assert (real, decision.allowed) == (expected, expected == "Allowed"), (arn, bucket)
        assert decision.request.resource_account == lab.account_id
        assert decision.result == lab.journal.entries()[-1].result


def test_the_journal_decides_a_cross_account_request_against_the_resources_account(lab):
    _bucket_with_object(lab, "journal-bucket")
    reader, arn = _user(lab, OTHER, "reader", doc(allow("s3:GetObject")))
    error_code(lambda: reader.client("s3").get_object(Bucket="journal-bucket", Key="k"))
    entry = [e for e in lab.journal.entries() if e.principal == arn][-1]
    assert entry.decision.request.resource_account == lab.account_id
    assert entry.result == "ImplicitlyDenied"


def test_the_journal_table_shows_both_accounts_of_a_cross_account_request(lab):
    """The table gains an account column once another account appears: the caller's, and the
    resource's after an arrow when they differ (in the learner's language)."""
    _bucket_with_object(lab, "journal-bucket")
    assert "→" not in repr(lab.journal.table())  # one account: the table keeps its five columns
    assert len(lab.journal.table().headings()) == 5
    reader, _arn = _user(lab, OTHER, "reader", doc(allow("s3:GetObject")))
    error_code(lambda: reader.client("s3").get_object(Bucket="journal-bucket", Key="k"))
    table = lab.journal.table(last=2)
    assert table.headings()[1] == "account (caller → resource)"
    created_key, get_object = table.rows()
    assert created_key[1] == OTHER and created_key[2] == "user/admin"
    assert get_object[1:4] == (f"{OTHER} → {lab.account_id}", "user/reader", "s3:GetObject")
    assert f"<td>{OTHER} → {lab.account_id}</td>" in table._repr_html_()
    iamlab.set_language("ko")
    try:
        assert lab.journal.table(last=1).headings()[:2] == ("시각", "계정 (호출자 → 리소스)")
    finally:
        iamlab.set_language("en")


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


# -- Organizations: SCPs, RCPs and the member account's access role ----------------------------------
DENY_S3 = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})


def _organization(lab):
    """An organization managed by the lab's account, SCPs and RCPs enabled, one OU and one member
    account in it. Returns (organizations client, root id, OU id, member account id)."""
    org = lab.admin_session().client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    for policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        org.enable_policy_type(RootId=root, PolicyType=policy_type)
    ou = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    member = org.create_account(AccountName="workload", Email="workload@example.com")
    member = member["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    org.attach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
    return org, root, ou, member


def _scp(org, document, name="DenyS3", kind="SERVICE_CONTROL_POLICY"):
    """A new policy of `kind` (an SCP unless told); its id."""
    return org.create_policy(Content=document, Description="", Name=name, Type=kind)["Policy"][
        "PolicySummary"
    ]["Id"]


def _rcp(org, document, name="Perimeter"):
    return _scp(org, document, name, "RESOURCE_CONTROL_POLICY")


def _perimeter(member):
    """An RCP that keeps every other account out of `member`'s S3."""
    return doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalAccount": [member]}},
        }
    )


def _member_bucket(lab, member):
    """Bucket `member-data` of `member` with object `k`, whose policy lets OTHER read it; its S3 client."""
    s3 = lab.admin_session(member).client("s3")
    s3.create_bucket(Bucket="member-data", CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket="member-data", Key="k", Body=b"data")
    s3.put_bucket_policy(
        Bucket="member-data",
        Policy=doc(allow("s3:GetObject", "arn:aws:s3:::member-data/*", Principal={"AWS": OTHER_ROOT})),
    )
    return s3


@pytest.mark.parametrize("level", ["root", "ou", "account"])
def test_an_scp_deny_at_each_level_stops_the_member_accounts_administrator(lab, level):
    """Organizations User Guide, SCP evaluation: "For a permission to be denied for a specific account,
    any SCP from the root through each OU in the direct path to the account (including the target
    account itself) can deny that permission.\""""
    org, root, ou, member = _organization(lab)
    s3 = lab.admin_session(member).client("s3")
    s3.list_buckets()
    target = {"root": root, "ou": ou, "account": member}[level]
    org.attach_policy(PolicyId=_scp(org, DENY_S3), TargetId=target)
    assert error_code(s3.list_buckets) == "AccessDenied"
    entry = lab.journal.entries()[-1]
    assert entry.result == "ExplicitlyDenied"
    names = [match.policy_name for match in entry.deciding]
    assert any(target in name and "SCP" in name for name in names), names
    assert entry.message.endswith("with an explicit deny in a service control policy")
    assert target in entry.decision.to_text()


def test_every_scp_level_must_allow(lab):
    """Organizations User Guide, SCP evaluation: "For a permission to be allowed for a specific
    account, there must be an explicit Allow statement at every level from the root through each OU in
    the direct path to the account (including the target account itself).\""""
    org, root, ou, member = _organization(lab)
    s3 = lab.admin_session(member).client("s3")
    org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
    assert error_code(s3.list_buckets) == "AccessDenied"
    assert lab.journal.entries()[-1].result == "ImplicitlyDenied"
    org.attach_policy(PolicyId=_scp(org, doc(allow("s3:ListAllMyBuckets")), "OnlyList"), TargetId=ou)
    s3.list_buckets()
    assert error_code(lambda: s3.create_bucket(Bucket="b-" + member)) == "AccessDenied"


def test_the_management_account_is_exempt_from_scps(lab):
    """Organizations User Guide, Service control policies: "SCPs don't affect users or roles in the
    management account. They affect only the member accounts in your organization.\""""
    org, root, _ou, _member = _organization(lab)
    org.attach_policy(PolicyId=_scp(org, DENY_S3), TargetId=root)
    lab.admin_session().client("s3").list_buckets()


def test_an_rcp_on_a_bucket_stops_another_accounts_access(lab):
    """Organizations User Guide, Resource control policies: "Use an RCP when you need to restrict IAM
    principals that are external to your organization accounts making requests to access resources
    within your organization’s member accounts." RCP evaluation: "For a permission to be denied for a
    resource in a specific account, any RCP from the root through each OU in the direct path to the
    account (including the target account itself) can deny that permission.\""""
    org, root, _ou, member = _organization(lab)
    s3 = _member_bucket(lab, member)
    outsider, _ = _user(lab, OTHER, "outsider", doc(allow("s3:GetObject")))
    assert outsider.client("s3").get_object(Bucket="member-data", Key="k")["Body"].read() == b"data"
    org.attach_policy(PolicyId=_rcp(org, _perimeter(member)), TargetId=root)
    assert (
        error_code(lambda: outsider.client("s3").get_object(Bucket="member-data", Key="k")) == "AccessDenied"
    )
    assert s3.get_object(Bucket="member-data", Key="k")["Body"].read() == b"data"


def test_organization_account_access_role_lets_the_management_account_administer_a_member(lab):
    """Organizations API Reference, CreateAccount (RoleName): "This role trusts the management account,
    allowing users in the management account to assume the role, as permitted by the management
    account administrator. The role has administrator permissions in the new member account. If you
    don't specify this parameter, the role name defaults to OrganizationAccountAccessRole.\""""
    _org, _root, _ou, member = _organization(lab)
    role_arn = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    creds = _assume(lab.admin_session(), role_arn)
    member_admin = _session_of(lab, creds)
    assert member_admin.client("sts").get_caller_identity()["Account"] == member
    member_admin.client("iam").create_user(UserName="ops")
    outsider, _ = _user(lab, OTHER, "outsider", doc(allow("sts:AssumeRole")))
    assert error_code(lambda: _assume(outsider, role_arn)) == "AccessDenied"


# -- the journal and ExternalId across accounts -------------------------------------------------------
def _partner_role(lab, external_id):
    return (
        lab.admin_session()
        .client("iam")
        .create_role(
            RoleName="PartnerAudit",
            AssumeRolePolicyDocument=trusting(
                OTHER_ROOT, Condition={"StringEquals": {"sts:ExternalId": external_id}}
            ),
        )["Role"]["Arn"]
    )


def test_cross_account_assume_role_appears_in_both_accounts_trails(lab):
    """A cross-account AssumeRole is delivered to the calling account's trail and to the role
    owner's (CloudTrail's behaviour, as issue 13 asks)."""
    role_arn = (
        lab.admin_session()
        .client("iam")
        .create_role(RoleName="Partner", AssumeRolePolicyDocument=trusting(OTHER_ROOT))["Role"]["Arn"]
    )
    carol, carol_arn = _user(lab, OTHER, "carol", doc(allow("sts:AssumeRole", role_arn)))
    _assume(carol, role_arn)
    for account in (OTHER, lab.account_id):
        records = [r for r in lab.journal.to_cloudtrail(account)["Records"] if r["eventName"] == "AssumeRole"]
        assert len(records) == 1, account
        assert records[0]["recipientAccountId"] == account
        assert records[0]["userIdentity"] == {"type": "IAMUser", "arn": carol_arn, "accountId": OTHER}
        assert records[0]["resources"] == [{"ARN": role_arn, "accountId": lab.account_id}]
    own_only = [r for r in lab.journal.to_cloudtrail(OTHER)["Records"] if r["eventName"] == "CreateRole"]
    assert own_only == []


def test_external_id_right_wrong_and_missing_across_accounts(lab):
    """STS API Reference, AssumeRole (ExternalId): "A cross-account role is usually set up to trust
    everyone in an account. Therefore, the administrator of the trusting account might send an external
    ID to the administrator of the trusted account. That way, only someone with the ID can assume the
    role, rather than everyone in the account.\""""
    role_arn = _partner_role(lab, "blue-42")
    carol, _ = _user(lab, OTHER, "carol", doc(allow("sts:AssumeRole", role_arn)))
    sts = carol.client("sts")
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="ss", ExternalId="blue-42")["Credentials"]
    for wrong in ({"ExternalId": "red-7"}, {}):
        code, message = error_of(
            lambda kw=wrong: sts.assume_role(RoleArn=role_arn, RoleSessionName="ss", **kw)
        )
        assert code == "AccessDenied"
        caller = f"arn:aws:iam::{OTHER}:user/carol"
        assert (
            message == f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        )


def test_cli_external_id_across_accounts(lab):
    role_arn = _partner_role(lab, "blue-42")
    lab.admin_session(OTHER)  # the profile admin-<OTHER>: AdministratorAccess allows sts:AssumeRole
    env = lab.env()
    profile = ("--profile", f"admin-{OTHER}")
    base = ("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli", *profile)
    code, out, err = run_aws(env, *base, "--external-id", "blue-42")
    assert code == 0, err
    assert (
        json.loads(out)["AssumedRoleUser"]["Arn"]
        == f"arn:aws:sts::{lab.account_id}:assumed-role/PartnerAudit/cli"
    )
    for extra in (("--external-id", "red-7"), ()):
        code, _out, err = run_aws(env, *base, *extra)
        assert code != 0 and "(AccessDenied)" in err


def test_a_users_permissions_boundary_belongs_to_its_own_account(lab):
    """A boundary set on a user of one account does not narrow a user of the same name in another."""
    boundary = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    other_iam = lab.admin_session(OTHER).client("iam")
    other_iam.create_user(UserName="carol", PermissionsBoundary=boundary)
    other_iam.attach_user_policy(UserName="carol", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    other_key = other_iam.create_access_key(UserName="carol")["AccessKey"]
    other_carol = lab.session(other_key["AccessKeyId"], other_key["SecretAccessKey"])
    own_carol, _ = _user(lab, lab.account_id, "carol", doc(allow("iam:ListUsers")))
    assert own_carol.client("iam").list_users()["Users"]
    assert error_code(other_carol.client("iam").list_users) == "AccessDenied"


def test_a_role_profile_in_one_account_sourced_from_another(lab):
    """A profile with `role_arn` in one account and `source_profile` in another works with the CLI."""
    role_arn = (
        lab.admin_session()
        .client("iam")
        .create_role(RoleName="Partner", AssumeRolePolicyDocument=trusting(OTHER_ROOT))["Role"]["Arn"]
    )
    lab.admin_session(OTHER)
    env = lab.env()
    with open(env["AWS_CONFIG_FILE"], "a") as config:
        config.write(f"[profile partner]\nregion = {lab.region}\nrole_arn = {role_arn}\n")
        config.write(f"source_profile = admin-{OTHER}\n")
    code, out, err = run_aws(env, "sts", "get-caller-identity", "--profile", "partner")
    assert code == 0, err
    assert json.loads(out)["Arn"].startswith(f"arn:aws:sts::{lab.account_id}:assumed-role/Partner/")


def test_attach_policy_needs_the_policy_type_enabled_on_the_root(lab):
    """Organizations API Reference, PolicyTypeNotEnabledException: "The specified policy type isn't
    currently enabled in this root. You can't attach policies of the specified type to entities in a
    root until you enable that type in the root." CreatePolicy does not list that error: the policy
    can be written before the type is enabled."""
    org = lab.admin_session().client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    policy = _scp(org, DENY_S3)
    code, message = error_of(lambda: org.attach_policy(PolicyId=policy, TargetId=root))
    assert (code, message) == (
        "PolicyTypeNotEnabledException",
        "This operation can be performed only for enabled policy types.",
    )
    lab.admin_session().client("s3").list_buckets()  # nothing was attached
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    org.attach_policy(PolicyId=policy, TargetId=root)
    assert policy in [
        p["Id"]
        for p in org.list_policies_for_target(TargetId=root, Filter="SERVICE_CONTROL_POLICY")["Policies"]
    ]


# -- trust policies naming principals of other accounts -----------------------------------------------
def test_a_trust_policy_naming_a_missing_user_or_role_of_another_account_is_refused(lab):
    """IAM names the principal it cannot find, as for a missing principal of the caller's own account;
    an account's root is accepted for any account (the lab creates it on first use)."""
    _user(lab, OTHER, "carol")
    iam = lab.admin_session().client("iam")
    for missing in (
        f"arn:aws:iam::{OTHER}:user/nobody",
        f"arn:aws:iam::{OTHER}:role/Nobody",
        "arn:aws:iam::444455556666:user/carol",  # an account never used has no users at all
    ):
        code, message = error_of(
            lambda m=missing: iam.create_role(RoleName="R", AssumeRolePolicyDocument=trusting(m))
        )
        assert (code, message) == (
            "MalformedPolicyDocument",
            f'Invalid principal in policy: "AWS":"{missing}"',
        )
    iam.create_role(RoleName="R", AssumeRolePolicyDocument=trusting(f"arn:aws:iam::{OTHER}:user/carol"))
    iam.update_assume_role_policy(RoleName="R", PolicyDocument=trusting("arn:aws:iam::444455556666:root"))
    code, _message = error_of(
        lambda: iam.update_assume_role_policy(
            RoleName="R", PolicyDocument=trusting(f"arn:aws:iam::{OTHER}:role/Nobody")
        )
    )
    assert code == "MalformedPolicyDocument"


# -- what-ifs decided as the real request: lab.check, the simulator, EC2 ------------------------------
def test_check_and_the_simulator_weigh_scps_like_the_real_request(lab):
    """IAM API Reference, SimulatePrincipalPolicy: "The IAM policy simulator evaluates statements in
    identity-based policies, service control policies (SCPs) including their condition keys and
    resource scoping, and the inputs that you provide during simulation." MatchedStatements "doesn't
    include statements from service control policies (SCPs)"."""
    org, _root, ou, member = _organization(lab)
    member_admin = lab.admin_session(member)
    admin_arn = f"arn:aws:iam::{member}:user/admin"
    org.attach_policy(PolicyId=_scp(org, DENY_S3), TargetId=ou)
    assert _outcome(member_admin.client("s3").list_buckets) == "AccessDenied"
    real = lab.journal.entries()[-1]
    decision = lab.check(admin_arn, "s3:ListAllMyBuckets")
    assert decision.result == real.result == "ExplicitlyDenied"
    assert decision.message == real.message
    assert [m.policy_name for m in decision.deciding] == [m.policy_name for m in real.deciding]
    (result,) = member_admin.client("iam").simulate_principal_policy(
        PolicySourceArn=admin_arn, ActionNames=["s3:ListAllMyBuckets"]
    )["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny"
    assert result["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert result["MatchedStatements"] == []
    (iam_result,) = member_admin.client("iam").simulate_principal_policy(
        PolicySourceArn=admin_arn, ActionNames=["iam:ListUsers"]
    )["EvaluationResults"]
    assert (iam_result["EvalDecision"], iam_result["OrganizationsDecisionDetail"]) == (
        "allowed",
        {"AllowedByOrganizations": True},
    )
    own = (
        lab.admin_session()
        .client("iam")
        .simulate_principal_policy(  # the management account: exempt
            PolicySourceArn=f"arn:aws:iam::{lab.account_id}:user/admin", ActionNames=["s3:ListAllMyBuckets"]
        )["EvaluationResults"][0]
    )
    assert own["EvalDecision"] == "allowed"
    assert lab.check(f"arn:aws:iam::{lab.account_id}:user/admin", "s3:ListAllMyBuckets").allowed


def test_check_weighs_the_resource_accounts_rcps_and_the_simulator_does_not(lab):
    """`lab.check` decides as the real request, RCPs included; AWS's simulator weighs only
    "identity-based policies, service control policies (SCPs) ... and the inputs that you provide
    during simulation" (IAM API Reference, SimulatePrincipalPolicy), so an RCP does not change it."""
    org, root, _ou, member = _organization(lab)
    _member_bucket(lab, member)
    outsider, outsider_arn = _user(lab, OTHER, "outsider", doc(allow("s3:GetObject")))
    rcp = _rcp(org, _perimeter(member))
    obj = "arn:aws:s3:::member-data/k"
    assert lab.check(outsider_arn, "s3:GetObject", obj).allowed
    org.attach_policy(PolicyId=rcp, TargetId=root)
    assert _outcome(lambda: outsider.client("s3").get_object(Bucket="member-data", Key="k")) == "AccessDenied"
    decision = lab.check(outsider_arn, "s3:GetObject", obj)
    assert decision.result == lab.journal.entries()[-1].result == "ExplicitlyDenied"
    assert decision.reason == "explicit_deny_rcp"
    (simulated,) = (
        lab.admin_session(OTHER)
        .client("iam")
        .simulate_principal_policy(
            PolicySourceArn=outsider_arn,
            ActionNames=["s3:GetObject"],
            ResourceArns=[obj],
            ResourceOwner=member,
            ResourcePolicy=doc(allow("s3:GetObject", obj, Principal={"AWS": OTHER_ROOT})),
        )["EvaluationResults"]
    )
    assert simulated["EvalDecision"] == "allowed"


def test_the_simulator_decides_a_cross_account_resource_with_the_given_resource_policy(lab):
    """IAM API Reference, EvaluationResult: "When you make a cross-account request, AWS evaluates the
    request in the trusting account and the trusted account. The request is allowed only if both
    evaluations return true." A principal of another account is not the caller's to simulate: an IAM
    user has no resource policy to let another account in."""
    sqs = lab.admin_session().client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sender, sender_arn = _user(lab, OTHER, "sender", doc(allow("sqs:SendMessage")))
    iam = lab.admin_session(OTHER).client("iam")
    queue_policy = doc(allow("sqs:SendMessage", queue, Principal={"AWS": OTHER_ROOT}))

    def simulated(**extra):
        return iam.simulate_principal_policy(
            PolicySourceArn=sender_arn, ActionNames=["sqs:SendMessage"], ResourceArns=[queue], **extra
        )["EvaluationResults"][0]["EvalDecision"]

    assert simulated() == "implicitDeny"
    send = sender.client("sqs").send_message
    assert _outcome(lambda: send(QueueUrl=url, MessageBody="x")) == "AccessDenied"
    assert not lab.check(sender_arn, "sqs:SendMessage", queue).allowed
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy})
    assert simulated(ResourcePolicy=queue_policy) == "allowed"
    assert _outcome(lambda: send(QueueUrl=url, MessageBody="x")) == "Allowed"
    assert lab.check(sender_arn, "sqs:SendMessage", queue).allowed
    code, _message = error_of(
        lambda: (
            lab.admin_session()
            .client("iam")
            .simulate_principal_policy(PolicySourceArn=sender_arn, ActionNames=["sqs:SendMessage"])
        )
    )
    assert code == "AccessDenied"


def test_ec2_instance_credentials_in_another_account_and_under_an_rcp(lab):
    """EC2 assumes an instance profile's role in the profile's own account, and the assumption is
    decided like any request to that account's role: an RCP denying sts:AssumeRole stops it."""
    org, root, _ou, member = _organization(lab)
    iam = lab.admin_session(member).client("iam")
    iam.create_role(RoleName="Web", AssumeRolePolicyDocument=trusting(service="ec2.amazonaws.com"))
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="Web")
    creds = lab.instance_credentials("web", account_id=member)
    identity = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["Token"]).client("sts")
    assert (
        identity.get_caller_identity()["Arn"] == f"arn:aws:sts::{member}:assumed-role/Web/i-0123456789abcdef0"
    )
    no_roles = _rcp(
        org, doc({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}), "NoRoles"
    )
    org.attach_policy(PolicyId=no_roles, TargetId=root)
    from iamlab.lab.ec2 import InstanceCredentialsError

    with pytest.raises(InstanceCredentialsError):
        lab.instance_credentials("web", account_id=member)
    entry = lab.journal.entries()[-1]
    assert (entry.result, entry.decision.reason) == ("ExplicitlyDenied", "explicit_deny_rcp")
    assert entry.account == entry.resource_account == member


# -- the same through the AWS CLI (each `aws` is a process: the checks share their set-ups) ----------
def _cli_as(lab, session):
    """`lab.env()` signing with the keys of a lab `session` (a user of any account)."""
    keys = session.get_credentials()
    return lab.env() | {"AWS_ACCESS_KEY_ID": keys.access_key, "AWS_SECRET_ACCESS_KEY": keys.secret_key}


def test_cli_a_user_of_another_account_needs_both_sides_and_reaches_the_owners_resources(lab, tmp_path):
    """IAM User Guide, Cross-account policy evaluation logic: "To allow cross-account access, you attach
    a resource-based policy to the resource that you want to share. You must also attach an
    identity-based policy to the identity that acts as the principal in the request." Principal
    element: "When you use an AWS account identifier as the principal in a policy, you delegate
    authority to the account.\""""
    _bucket_with_object(
        lab,
        "shared-bucket",
        doc(allow("s3:GetObject", "arn:aws:s3:::shared-bucket/*", Principal={"AWS": OTHER_ROOT})),
    )
    _bucket_with_object(lab, "private-bucket")
    admin = lab.admin_session()
    sqs = admin.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": doc(allow("sqs:SendMessage", queue, Principal={"AWS": OTHER_ROOT}))},
    )
    key = admin.client("kms").create_key(
        Policy=doc(
            allow("kms:*", Principal={"AWS": f"arn:aws:iam::{lab.account_id}:root"}),
            allow("kms:Encrypt", Principal={"AWS": OTHER_ROOT}),
        )
    )["KeyMetadata"]["Arn"]
    role = admin.client("iam").create_role(RoleName="Partner", AssumeRolePolicyDocument=trusting(OTHER_ROOT))
    role_arn = role["Role"]["Arn"]
    carol, carol_arn = _user(
        lab,
        OTHER,
        "carol",
        doc(allow(["s3:GetObject", "sqs:SendMessage", "kms:Encrypt", "sts:AssumeRole"])),
    )
    nobody, _ = _user(lab, OTHER, "nobody")
    as_carol, as_nobody = _cli_as(lab, carol), _cli_as(lab, nobody)
    out = str(tmp_path / "k")

    def get(env, bucket):
        return run_aws(env, "s3api", "get-object", "--bucket", bucket, "--key", "k", out)

    code, _, err = get(as_carol, "shared-bucket")  # both sides allow
    assert code == 0, err
    assert (tmp_path / "k").read_bytes() == b"shared"
    for env, bucket in ((as_carol, "private-bucket"), (as_nobody, "shared-bucket")):  # one side only
        code, _, err = get(env, bucket)
        assert code != 0 and "(AccessDenied) when calling the GetObject operation" in err, (bucket, err)
    code, _, err = run_aws(as_carol, "sqs", "send-message", "--queue-url", url, "--message-body", "hi")
    assert code == 0, err
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url).get("Messages", [])] == ["hi"]
    code, out_text, err = run_aws(as_carol, "kms", "encrypt", "--key-id", key, "--plaintext", "aGk=")
    assert code == 0, err
    assert json.loads(out_text)["KeyId"] == key
    sent = [e for e in lab.journal.entries() if e.principal == carol_arn and e.action == "kms:Encrypt"][-1]
    assert (sent.account, sent.resource_account) == (OTHER, lab.account_id)
    assume = ("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "cli")
    code, out_text, err = run_aws(as_carol, *assume)  # the trust names OTHER; OTHER's policy allows carol
    assert code == 0, err
    assert (
        json.loads(out_text)["AssumedRoleUser"]["Arn"]
        == f"arn:aws:sts::{lab.account_id}:assumed-role/Partner/cli"
    )
    code, _, err = run_aws(as_nobody, *assume)  # OTHER's policies allow nobody else
    assert code != 0 and "(AccessDenied) when calling the AssumeRole operation" in err


def test_cli_scps_at_each_level_and_the_management_account(lab):
    """Organizations User Guide, SCP evaluation: "For a permission to be denied for a specific account,
    any SCP from the root through each OU in the direct path to the account (including the target
    account itself) can deny that permission." and "For a permission to be allowed for a specific
    account, there must be an explicit Allow statement at every level from the root through each OU in
    the direct path to the account (including the target account itself)." Service control policies:
    "SCPs don't affect users or roles in the management account.\""""
    org, root, ou, member = _organization(lab)
    env = lab.env()
    member_admin, management = ("--profile", f"admin-{member}"), ("--profile", f"admin-{lab.account_id}")
    list_buckets = ("s3api", "list-buckets")
    denied = (
        f"User: arn:aws:iam::{member}:user/admin is not authorized to perform: s3:ListAllMyBuckets "
        "with an explicit deny in a service control policy"
    )
    deny = _scp(org, DENY_S3)
    for level, target in (("root", root), ("OU", ou), ("account", member)):
        org.attach_policy(PolicyId=deny, TargetId=target)
        code, _, err = run_aws(env, *list_buckets, *member_admin)
        assert code != 0 and err.endswith(denied), (level, err)
        entry = lab.journal.entries()[-1]
        (deciding,) = entry.deciding
        assert deciding.policy_name.startswith(f"SCP at {level} {target}"), level
        assert f"SCP at {level} {target}" in entry.decision.to_text()
        if level == "root":
            code, _, err = run_aws(env, *list_buckets, *management)
            assert code == 0, err
        org.detach_policy(PolicyId=deny, TargetId=target)
    org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)  # the OU no longer allows anything
    code, _, err = run_aws(env, *list_buckets, *member_admin)
    assert code != 0 and err.endswith(
        "because no service control policy allows the s3:ListAllMyBuckets action"
    )
    assert lab.journal.entries()[-1].decision.fix.target == f"SCP at OU {ou}"
    org.attach_policy(PolicyId=_scp(org, doc(allow("s3:ListAllMyBuckets")), "OnlyList"), TargetId=ou)
    code, _, err = run_aws(env, *list_buckets, *member_admin)
    assert code == 0, err


def test_cli_an_rcp_on_a_bucket_and_the_member_access_role(lab, tmp_path):
    """Organizations User Guide, Resource control policies: "Use an RCP when you need to restrict IAM
    principals that are external to your organization accounts making requests to access resources
    within your organization’s member accounts." Organizations API Reference, CreateAccount (RoleName):
    "This role trusts the management account, allowing users in the management account to assume the
    role, as permitted by the management account administrator. The role has administrator permissions
    in the new member account.\""""
    org, root, _ou, member = _organization(lab)
    _member_bucket(lab, member)
    outsider, _ = _user(lab, OTHER, "outsider", doc(allow("s3:GetObject")))
    as_outsider = _cli_as(lab, outsider)
    get = ("s3api", "get-object", "--bucket", "member-data", "--key", "k", str(tmp_path / "k"))
    code, _, err = run_aws(as_outsider, *get)
    assert code == 0, err
    org.attach_policy(PolicyId=_rcp(org, _perimeter(member)), TargetId=root)
    code, _, err = run_aws(as_outsider, *get)
    assert code != 0 and err.endswith("with an explicit deny in a resource control policy"), err
    env = lab.env()
    with open(env["AWS_CONFIG_FILE"], "a") as config:  # as the guide's "switch role", for the CLI
        config.write(f"[profile member]\nregion = {lab.region}\n")
        config.write(f"role_arn = arn:aws:iam::{member}:role/OrganizationAccountAccessRole\n")
        config.write(f"source_profile = admin-{lab.account_id}\n")
    code, out, err = run_aws(env, "iam", "create-user", "--user-name", "ops", "--profile", "member")
    assert code == 0, err
    assert json.loads(out)["User"]["Arn"] == f"arn:aws:iam::{member}:user/ops"
