"""Scenarios a learner will try, each decided as AWS decides it (issue 4 acceptance, in our words)."""

import datetime as dt
import json
import os
import time

from tests.conftest import run_aws
from tests.lab.helpers import allow, assume, deny, doc, error_code, error_of, new_role, new_user, trusting

ACCOUNT = "123456789012"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
CW_READ = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def test_group_members_inherit_aws_managed_policies(lab):
    iam = lab.admin_session().client("iam")
    iam.create_group(GroupName="backend_developers")
    iam.attach_group_policy(GroupName="backend_developers", PolicyArn=S3_READ)
    iam.attach_group_policy(GroupName="backend_developers", PolicyArn=CW_READ)
    member = new_user(lab, "minji", group="backend_developers")
    outsider = new_user(lab, "dana")
    assert member.client("s3").list_buckets()["Buckets"] == []
    assert member.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
    assert error_code(outsider.client("s3").list_buckets) == "AccessDenied"
    assert error_code(outsider.client("cloudwatch").describe_alarms) == "AccessDenied"
    assert (
        error_code(
            lambda: member.client("s3").create_bucket(
                Bucket="nope", CreateBucketConfiguration={"LocationConstraint": lab.region}
            )
        )
        == "AccessDenied"
    )


def test_explicit_deny_beats_administrator_access(lab):
    boss = new_user(lab, "boss", managed=[ADMIN], policies=[doc(deny("s3:*"))])
    assert boss.client("iam").list_users()["Users"]
    code, message = error_of(boss.client("s3").list_buckets)
    assert code == "AccessDenied"
    assert "with an explicit deny in an identity-based policy" in message


def test_same_account_bucket_policy_naming_the_user_allows_without_identity_policy(lab, article):
    admin_s3 = lab.admin_session().client("s3")
    admin_s3.put_object(Bucket=article.bucket, Key="notes.txt", Body=b"hello")
    reader = lab.session(article.access_key_id, article.secret_access_key).client("s3")
    assert error_code(lambda: reader.get_object(Bucket=article.bucket, Key="notes.txt")) == "AccessDenied"
    admin_s3.put_bucket_policy(
        Bucket=article.bucket,
        Policy=doc(
            allow("s3:GetObject", f"arn:aws:s3:::{article.bucket}/*", Principal={"AWS": article.user_arn})
        ),
    )
    assert reader.get_object(Bucket=article.bucket, Key="notes.txt")["Body"].read() == b"hello"


def test_bucket_policy_naming_the_account_defers_to_identity_policies(lab, article):
    admin_s3 = lab.admin_session().client("s3")
    admin_s3.put_object(Bucket=article.bucket, Key="notes.txt", Body=b"hello")
    admin_s3.put_bucket_policy(
        Bucket=article.bucket,
        Policy=doc(allow("s3:GetObject", f"arn:aws:s3:::{article.bucket}/*", Principal={"AWS": ACCOUNT})),
    )
    reader = lab.session(article.access_key_id, article.secret_access_key).client("s3")
    assert error_code(lambda: reader.get_object(Bucket=article.bucket, Key="notes.txt")) == "AccessDenied"


def test_denied_write_changes_nothing(lab, article):
    reader = lab.session(article.access_key_id, article.secret_access_key).client("s3")
    assert error_code(lambda: reader.put_object(Bucket=article.bucket, Key="x", Body=b"x")) == "AccessDenied"
    listing = lab.admin_session().client("s3").list_objects_v2(Bucket=article.bucket)
    assert listing.get("KeyCount", 0) == 0


def test_permissions_boundary_caps_a_role(lab, article):
    iam = lab.admin_session().client("iam")
    boundary = iam.create_policy(PolicyName="OnlyIam", PolicyDocument=doc(allow("iam:*")))["Policy"]["Arn"]
    role = new_role(lab, "Capped", trusting(article.user_arn), managed=[ADMIN], PermissionsBoundary=boundary)
    creds = assume(lab.session(article.access_key_id, article.secret_access_key), role)
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert session.client("iam").list_roles()["Roles"]
    code, message = error_of(session.client("s3").list_buckets)
    assert code == "AccessDenied"
    assert "because no permissions boundary allows" in message


def test_session_policy_narrows_the_role(lab, article):
    role = new_role(lab, "Wide", trusting(article.user_arn), managed=[ADMIN])
    jonnung = lab.session(article.access_key_id, article.secret_access_key)
    creds = assume(jonnung, role, Policy=doc(allow("s3:ListAllMyBuckets")))
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert session.client("s3").list_buckets()["Buckets"]
    code, message = error_of(session.client("iam").list_users)
    assert code == "AccessDenied"
    assert "because no session policy allows" in message
    managed = assume(jonnung, role, PolicyArns=[{"arn": S3_READ}])
    session = lab.session(managed["AccessKeyId"], managed["SecretAccessKey"], managed["SessionToken"])
    assert session.client("s3").list_buckets()["Buckets"]
    assert error_code(session.client("iam").list_users) == "AccessDenied"


def test_external_id_condition(lab, article):
    role = new_role(
        lab, "Partner", trusting(article.user_arn, Condition={"StringEquals": {"sts:ExternalId": "blue-42"}})
    )
    jonnung = lab.session(article.access_key_id, article.secret_access_key)
    assert error_code(lambda: assume(jonnung, role)) == "AccessDenied"
    assert error_code(lambda: assume(jonnung, role, ExternalId="red-7")) == "AccessDenied"
    assert assume(jonnung, role, ExternalId="blue-42")["AccessKeyId"].startswith("ASIA")


def test_role_chaining_is_limited_to_one_hour(lab, article):
    first = new_role(lab, "First", trusting(article.user_arn), policies=[doc(allow("sts:AssumeRole"))])
    second = new_role(lab, "Second", trusting(first), MaxSessionDuration=7200)
    creds = assume(lab.session(article.access_key_id, article.secret_access_key), first)
    as_first = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    code, message = error_of(lambda: assume(as_first, second, DurationSeconds=7200))
    assert code == "ValidationError" and "role chaining" in message
    chained = as_first.client("sts").assume_role(RoleArn=second, RoleSessionName="hop")
    assert chained["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/Second/hop"


def test_duration_limits(lab, article):
    role = new_role(lab, "Short", trusting(article.user_arn))
    jonnung = lab.session(article.access_key_id, article.secret_access_key)
    from botocore.config import Config

    unchecked = jonnung.client("sts", config=Config(parameter_validation=False))
    code, message = error_of(
        lambda: unchecked.assume_role(RoleArn=role, RoleSessionName="s1", DurationSeconds=899)
    )
    assert code == "ValidationError" and "greater than or equal to 900" in message
    code, message = error_of(lambda: assume(jonnung, role, DurationSeconds=7200))
    assert (code, message) == (
        "ValidationError",
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    assert assume(jonnung, role, DurationSeconds=900)["Expiration"]


def test_temporary_credentials_expire_on_the_lab_clock(lab, article):
    role = new_role(lab, "Brief", trusting(article.user_arn), managed=[S3_READ])
    creds = assume(lab.session(article.access_key_id, article.secret_access_key), role, DurationSeconds=900)
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
    assert session.client("s3").list_buckets()
    lab.clock.advance(minutes=15)
    code, message = error_of(session.client("sts").get_caller_identity)
    assert (code, message) == ("ExpiredToken", "The security token included in the request is expired")
    assert error_code(session.client("s3").list_buckets) == "ExpiredToken"


def test_get_caller_identity_is_allowed_even_under_a_deny_all(lab):
    nobody = new_user(lab, "nobody", policies=[doc(deny("*"))])
    assert nobody.client("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/nobody"


def test_principal_tags_and_username_variables(lab):
    iam = lab.admin_session().client("iam")
    home = doc(allow("iam:GetUser", "arn:aws:iam::123456789012:user/${aws:username}"))
    me = new_user(lab, "yuna", policies=[home])
    new_user(lab, "other")
    assert me.client("iam").get_user(UserName="yuna")["User"]["UserName"] == "yuna"
    assert error_code(lambda: me.client("iam").get_user(UserName="other")) == "AccessDenied"
    iam.tag_user(UserName="yuna", Tags=[{"Key": "team", "Value": "data"}])
    iam.put_user_policy(
        UserName="yuna",
        PolicyName="tagged",
        PolicyDocument=doc(
            allow("s3:ListAllMyBuckets", Condition={"StringEquals": {"aws:PrincipalTag/team": "data"}})
        ),
    )
    assert me.client("s3").list_buckets()["Buckets"] == []


def test_ec2_instance_gets_role_credentials_without_keys(lab, article):
    iam = lab.admin_session().client("iam")
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName=article.role_name)
    creds = lab.instance_credentials("web")
    session = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["Token"])
    arn = session.client("sts").get_caller_identity()["Arn"]
    assert arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/S3BucketListReadOnlyRole/i-0123456789abcdef0"
    assert [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]] == [article.bucket]


def test_ec2_cannot_use_a_role_that_does_not_trust_it(lab, article):
    from iamlab.lab.ec2 import InstanceCredentialsError

    iam = lab.admin_session().client("iam")
    iam.update_assume_role_policy(RoleName=article.role_name, PolicyDocument=trusting(article.user_arn))
    iam.create_instance_profile(InstanceProfileName="web")
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName=article.role_name)
    try:
        lab.instance_credentials("web")
    except InstanceCredentialsError as error:
        # what the instance reads at /latest/meta-data/iam/security-credentials/ROLE: no STS words in it
        assert error.code == "AssumeRoleUnauthorizedAccess"
        assert error.message.startswith(f"EC2 cannot assume the role {article.role_name}.  Please see ")
        assert "sts:AssumeRole" not in error.message
        entry = lab.journal[-1]  # the why stays with the lab
        assert (entry.action, entry.result) == ("sts:AssumeRole", "ImplicitlyDenied")
    else:
        raise AssertionError("EC2 assumed a role that does not trust it")


def test_journal_exports_cloudtrail_records(lab, article):
    reader = lab.session(article.access_key_id, article.secret_access_key).client("s3")
    error_code(reader.list_buckets)
    record = lab.journal.to_cloudtrail()["Records"][-1]
    assert record["eventName"] == "ListAllMyBuckets"
    assert record["eventSource"] == "s3.amazonaws.com"
    assert record["errorCode"] == "AccessDenied"
    assert record["userIdentity"]["arn"] == article.user_arn
    json.dumps(lab.journal.to_cloudtrail())


def test_user_permissions_boundary(lab):
    iam = lab.admin_session().client("iam")
    boundary = iam.create_policy(PolicyName="S3Only", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    capped = new_user(lab, "capped", managed=[ADMIN])
    assert capped.client("iam").list_users()["Users"]
    iam.put_user_permissions_boundary(UserName="capped", PermissionsBoundary=boundary)
    assert error_code(capped.client("iam").list_users) == "AccessDenied"
    assert capped.client("s3").list_buckets()["Buckets"] == []
    iam.delete_user_permissions_boundary(UserName="capped")
    assert capped.client("iam").list_users()["Users"]


def test_simulate_principal_policy_from_boto3(lab, article):
    iam = lab.admin_session().client("iam")
    iam.put_user_policy(UserName="jonnung", PolicyName="ListOnly", PolicyDocument=doc(allow("s3:List*")))
    results = iam.simulate_principal_policy(
        PolicySourceArn=article.user_arn, ActionNames=["s3:ListBucket", "s3:PutObject"]
    )["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in results] == [
        ("s3:ListBucket", "allowed"),
        ("s3:PutObject", "implicitDeny"),
    ]
    assert results[0]["MatchedStatements"]


def test_simulate_custom_policy_reports_explicit_deny_and_missing_context(lab):
    iam = lab.admin_session().client("iam")
    policy = doc(
        allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
        deny("s3:DeleteObject"),
    )
    results = iam.simulate_custom_policy(
        PolicyInputList=[policy], ActionNames=["s3:GetObject", "s3:DeleteObject"]
    )
    by_action = {r["EvalActionName"]: r for r in results["EvaluationResults"]}
    assert by_action["s3:DeleteObject"]["EvalDecision"] == "explicitDeny"
    assert by_action["s3:GetObject"]["EvalDecision"] == "implicitDeny"
    assert by_action["s3:GetObject"]["MissingContextValues"] == ["aws:SourceIp"]
    allowed = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject"],
        ContextEntries=[
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.9"], "ContextKeyType": "ip"}
        ],
    )["EvaluationResults"][0]
    assert allowed["EvalDecision"] == "allowed"


def test_simulate_principal_policy_from_the_cli(lab, article):
    code, out, err = run_aws(
        lab.env(),
        "iam",
        "simulate-principal-policy",
        "--policy-source-arn",
        article.user_arn,
        "--action-names",
        "s3:ListAllMyBuckets",
    )
    assert code == 0, err
    assert json.loads(out)["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"


def _put_and_date(lab, s3, bucket, key):
    """LastModified of a new object, and the lab's time (to the second) just before and after the put."""
    before = lab.clock.now().replace(microsecond=0)
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    return before, s3.head_object(Bucket=bucket, Key=key)["LastModified"], lab.clock.now()


def test_lab_clock_dates_everything(lab, article):
    s3 = lab.admin_session().client("s3")
    before, modified, after = _put_and_date(lab, s3, article.bucket, "a.txt")
    assert before <= modified <= after
    lab.clock.advance(hours=2)
    before, modified, after = _put_and_date(lab, s3, article.bucket, "b.txt")
    assert before <= modified <= after
    assert dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=119) < modified
    assert s3.list_buckets()["Buckets"][0]["CreationDate"] < before


def test_lab_clock_is_real_time_so_any_client_accepts_its_credentials(lab, article):
    """A client compares a session's Expiration with its own clock: it must lie ahead of real time."""
    jonnung = lab.session(article.access_key_id, article.secret_access_key)
    lab.admin_session().client("iam").update_assume_role_policy(
        RoleName=article.role_name, PolicyDocument=trusting(article.user_arn)
    )
    real_before = dt.datetime.now(dt.timezone.utc)
    expiration = assume(jonnung, article.role_arn)["Expiration"]
    real_after = dt.datetime.now(dt.timezone.utc)
    assert real_before + dt.timedelta(minutes=59) < expiration <= real_after + dt.timedelta(hours=1)


def test_aws_managed_policies_are_all_there(lab):
    iam = lab.admin_session().client("iam")
    names = set()
    for page in iam.get_paginator("list_policies").paginate(Scope="AWS"):
        names.update(p["PolicyName"] for p in page["Policies"])
    assert {
        "AdministratorAccess",
        "ReadOnlyAccess",
        "AmazonS3ReadOnlyAccess",
        "AmazonS3FullAccess",
        "CloudWatchReadOnlyAccess",
        "IAMReadOnlyAccess",
        "IAMUserChangePassword",
    } <= names
    assert len(names) > 1000
    version = iam.get_policy(PolicyArn=S3_READ)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=S3_READ, VersionId=version)["PolicyVersion"]["Document"]
    assert any("s3:Get*" in json.dumps(s) for s in document["Statement"])


def test_journal_records_the_requests_own_action(lab, article):
    s3 = lab.admin_session().client("s3")
    s3.put_object(Bucket=article.bucket, Key="a.txt", Body=b"a")
    s3.copy_object(Bucket=article.bucket, Key="b.txt", CopySource={"Bucket": article.bucket, "Key": "a.txt"})
    entry = lab.journal[-1]
    assert (entry.action, entry.resource) == ("s3:PutObject", f"arn:aws:s3:::{article.bucket}/b.txt")


def test_s3_sync_uploads_only_what_changed(lab, article, tmp_path):
    """`aws s3 sync` compares local times with LastModified: a lab clock in the past re-uploaded all."""
    written = time.time() - 10  # S3's LastModified has whole seconds: files written this very second
    for name in ("a.txt", "b.txt"):  # would look newer than their upload on real AWS too
        (tmp_path / name).write_text(name[0])
        os.utime(tmp_path / name, (written, written))
    env = lab.env()
    target = f"s3://{article.bucket}/site"
    code, first, err = run_aws(env, "s3", "sync", str(tmp_path), target)
    assert code == 0, err
    assert first.count("upload:") == 2
    code, second, err = run_aws(env, "s3", "sync", str(tmp_path), target)
    assert (code, second) == (0, ""), err
