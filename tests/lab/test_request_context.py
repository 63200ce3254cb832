"""The request context AWS builds, seen the way a learner sees it: one condition key per policy.

Each test writes the policy a learner would write, then shows a matching request allowed and
a non-matching one denied through the real lab (boto3, and the AWS CLI for two of them).
"""

import datetime as dt
import json

from tests.conftest import run_aws
from tests.lab.helpers import allow, assume, deny, doc, error_code, error_of, new_role, new_user, trusting

ACCOUNT = "123456789012"
BUCKET = "context-bucket"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
IAM_READ = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def _bucket(lab):
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    return s3


def _session(lab, creds):
    return lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def _cli_env(lab, session):
    creds = session.get_credentials()
    return lab.env() | {"AWS_ACCESS_KEY_ID": creds.access_key, "AWS_SECRET_ACCESS_KEY": creds.secret_key}


def _when(key, value, operator="StringEquals"):
    return {"Condition": {operator: {key: value}}}


# -- environment: where and when -----------------------------------------------------------------
def test_source_ip_is_the_loopback_address(lab):
    home = new_user(
        lab,
        "home",
        policies=[doc(allow("s3:ListAllMyBuckets", **_when("aws:SourceIp", "127.0.0.1/32", "IpAddress")))],
    )
    office = new_user(
        lab,
        "office",
        policies=[doc(allow("s3:ListAllMyBuckets", **_when("aws:SourceIp", "203.0.113.0/24", "IpAddress")))],
    )
    assert home.client("s3").list_buckets()["Buckets"] == []
    assert error_code(office.client("s3").list_buckets) == "AccessDenied"
    code, _, err = run_aws(_cli_env(lab, home), "s3api", "list-buckets")
    assert code == 0, err
    code, _, err = run_aws(_cli_env(lab, office), "s3api", "list-buckets")
    assert code != 0 and "AccessDenied" in err


def test_secure_transport_is_false_over_the_labs_http(lab):
    policy = doc(allow("s3:ListAllMyBuckets"), deny("s3:*", **_when("aws:SecureTransport", "false", "Bool")))
    strict = new_user(lab, "strict", policies=[policy])
    relaxed = new_user(lab, "relaxed", policies=[doc(allow("s3:ListAllMyBuckets"))])
    code, message = error_of(strict.client("s3").list_buckets)
    assert code == "AccessDenied" and "explicit deny" in message
    assert relaxed.client("s3").list_buckets()["Buckets"] == []
    code, _, err = run_aws(_cli_env(lab, strict), "s3", "ls")
    assert code != 0 and "AccessDenied" in err


def test_current_time_follows_the_lab_clock(lab):
    cutoff = (lab.clock.now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = _when("aws:CurrentTime", cutoff, "DateLessThan")
    temp = new_user(lab, "temp", policies=[doc(allow("s3:ListAllMyBuckets", **until))])
    assert temp.client("s3").list_buckets()["Buckets"] == []
    lab.clock.advance(hours=24)
    assert error_code(temp.client("s3").list_buckets) == "AccessDenied"


def test_epoch_time_is_seconds_since_1970(lab):
    now = int(lab.clock.now().timestamp())
    user = new_user(
        lab,
        "epoch",
        policies=[
            doc(allow("s3:ListAllMyBuckets", **_when("aws:EpochTime", str(now + 60), "NumericLessThan")))
        ],
    )
    assert user.client("s3").list_buckets()["Buckets"] == []
    lab.clock.advance(minutes=2)
    assert error_code(user.client("s3").list_buckets) == "AccessDenied"


def test_requested_region_is_the_clients_region_and_us_east_1_for_iam(lab):
    policy = doc(
        allow("s3:ListAllMyBuckets", **_when("aws:RequestedRegion", lab.region)),
        allow("iam:ListUsers", **_when("aws:RequestedRegion", "us-east-1")),
    )
    user = new_user(lab, "regional", policies=[policy])
    assert user.client("s3").list_buckets()["Buckets"] == []
    assert error_code(user.client("s3", region_name="us-west-2").list_buckets) == "AccessDenied"
    assert user.client("iam").list_users()["Users"]


# -- who is asking -----------------------------------------------------------------------------------
def test_username_variable_in_a_resource(lab):
    _bucket(lab)
    home = doc(allow("s3:PutObject", f"arn:aws:s3:::{BUCKET}/home/${{aws:username}}/*"))
    dana = new_user(lab, "dana", policies=[home]).client("s3")
    dana.put_object(Bucket=BUCKET, Key="home/dana/notes.txt", Body=b"mine")
    assert (
        error_code(lambda: dana.put_object(Bucket=BUCKET, Key="home/eun/notes.txt", Body=b"x"))
        == "AccessDenied"
    )


def test_username_is_absent_for_a_role_session(lab):
    _bucket(lab)
    home = doc(
        allow("s3:PutObject", f"arn:aws:s3:::{BUCKET}/home/${{aws:username}}/*"), allow("sts:AssumeRole")
    )
    user = new_user(lab, "dana", policies=[home])
    role = new_role(lab, "Worker", trusting(f"arn:aws:iam::{ACCOUNT}:user/dana"), policies=[home])
    session = _session(lab, assume(user, role, name="dana")).client("s3")
    assert (
        error_code(lambda: session.put_object(Bucket=BUCKET, Key="home/dana/x", Body=b"x")) == "AccessDenied"
    )


def test_userid_is_the_user_id_or_role_id_and_session_name(lab):
    iam = lab.admin_session().client("iam")
    user = new_user(lab, "ina", policies=[doc(allow("sts:AssumeRole"))])
    user_id = iam.get_user(UserName="ina")["User"]["UserId"]
    iam.put_user_policy(
        UserName="ina",
        PolicyName="self",
        PolicyDocument=doc(allow("s3:ListAllMyBuckets", **_when("aws:userid", user_id))),
    )
    assert user.client("s3").list_buckets()["Buckets"] == []
    role_arn = new_role(
        lab,
        "Auditor",
        trusting(f"arn:aws:iam::{ACCOUNT}:user/ina"),
        policies=[doc(allow("s3:ListAllMyBuckets", **_when("aws:userid", "*:ina-*", "StringLike")))],
    )
    role_id = iam.get_role(RoleName="Auditor")["Role"]["RoleId"]
    creds = user.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="ina-audit")
    assert creds["AssumedRoleUser"]["AssumedRoleId"] == f"{role_id}:ina-audit"
    assert _session(lab, creds["Credentials"]).client("s3").list_buckets()["Buckets"] == []
    other = _session(lab, assume(user, role_arn, name="other"))
    assert error_code(other.client("s3").list_buckets) == "AccessDenied"


def test_principal_arn_of_a_session_is_its_roles_arn(lab):
    policy = doc(
        allow(
            "s3:ListAllMyBuckets",
            **_when("aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/team/Ops", "ArnEquals"),
        )
    )
    user = new_user(lab, "ops", policies=[policy, doc(allow("sts:AssumeRole"))])
    assert error_code(user.client("s3").list_buckets) == "AccessDenied"
    role = new_role(
        lab, "Ops", trusting(f"arn:aws:iam::{ACCOUNT}:user/ops"), policies=[policy], Path="/team/"
    )
    assert _session(lab, assume(user, role)).client("s3").list_buckets()["Buckets"] == []


def test_principal_type_and_account(lab):
    policy = doc(
        allow(
            "s3:ListAllMyBuckets",
            Condition={"StringEquals": {"aws:PrincipalType": "AssumedRole", "aws:PrincipalAccount": ACCOUNT}},
        ),
        allow("sts:AssumeRole"),
    )
    user = new_user(lab, "typed", policies=[policy])
    role = new_role(lab, "Typed", trusting(f"arn:aws:iam::{ACCOUNT}:user/typed"), policies=[policy])
    assert error_code(user.client("s3").list_buckets) == "AccessDenied"
    assert _session(lab, assume(user, role)).client("s3").list_buckets()["Buckets"] == []


def test_mfa_present_is_absent_for_access_keys_and_false_for_sessions(lab):
    if_exists = deny("s3:*", **_when("aws:MultiFactorAuthPresent", "false", "BoolIfExists"))
    strict = doc(allow("s3:ListAllMyBuckets"), if_exists)
    plain = doc(
        allow("s3:ListAllMyBuckets"),
        allow("sts:AssumeRole"),
        deny("s3:*", **_when("aws:MultiFactorAuthPresent", "false", "Bool")),
    )
    assert error_code(new_user(lab, "strict", policies=[strict]).client("s3").list_buckets) == "AccessDenied"
    user = new_user(lab, "plain", policies=[plain])
    assert user.client("s3").list_buckets()["Buckets"] == []  # the key is absent: Bool does not match
    role = new_role(lab, "NoMfa", trusting(f"arn:aws:iam::{ACCOUNT}:user/plain"), policies=[plain])
    assert error_code(_session(lab, assume(user, role)).client("s3").list_buckets) == "AccessDenied"


def test_token_issue_time_revokes_older_sessions(lab):
    user = new_user(lab, "dev", policies=[doc(allow("sts:AssumeRole"))])
    role = new_role(lab, "Dev", trusting(f"arn:aws:iam::{ACCOUNT}:user/dev"), managed=[S3_READ])
    old = _session(lab, assume(user, role)).client("s3")
    lab.clock.advance(minutes=10)
    cutoff = lab.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    lab.admin_session().client("iam").put_role_policy(
        RoleName="Dev",
        PolicyName="RevokeOlderSessions",
        PolicyDocument=doc(deny("*", **_when("aws:TokenIssueTime", cutoff, "DateLessThan"))),
    )
    assert error_code(old.list_buckets) == "AccessDenied"
    lab.clock.advance(seconds=1)
    assert _session(lab, assume(user, role)).client("s3").list_buckets()["Buckets"] == []


# -- tags ---------------------------------------------------------------------------------------------
def test_principal_tag_from_user_tags(lab):
    iam = lab.admin_session().client("iam")
    policy = doc(allow("s3:ListAllMyBuckets", **_when("aws:PrincipalTag/team", "data")))
    user = new_user(lab, "tagged", policies=[policy])
    assert error_code(user.client("s3").list_buckets) == "AccessDenied"
    iam.tag_user(UserName="tagged", Tags=[{"Key": "team", "Value": "data"}])
    assert user.client("s3").list_buckets()["Buckets"] == []


def test_principal_tag_from_role_tags_overridden_by_session_tags(lab):
    policy = doc(allow("s3:ListAllMyBuckets", **_when("aws:PrincipalTag/team", "data")))
    user = new_user(lab, "carol", policies=[doc(allow(["sts:AssumeRole", "sts:TagSession"]))])
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/carol"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    )
    role = new_role(lab, "Tagged", trust, policies=[policy], Tags=[{"Key": "team", "Value": "data"}])
    assert _session(lab, assume(user, role)).client("s3").list_buckets()["Buckets"] == []
    retagged = _session(lab, assume(user, role, Tags=[{"Key": "team", "Value": "ops"}]))
    assert error_code(retagged.client("s3").list_buckets) == "AccessDenied"


def test_session_tags_need_sts_tag_session_in_the_trust_policy(lab):
    user = new_user(lab, "tagger", policies=[doc(allow(["sts:AssumeRole", "sts:TagSession"]))])
    principal = {"AWS": f"arn:aws:iam::{ACCOUNT}:user/tagger"}
    only_assume = new_role(lab, "OnlyAssume", trusting(principal["AWS"]))
    assert (
        error_code(lambda: assume(user, only_assume, Tags=[{"Key": "team", "Value": "data"}]))
        == "AccessDenied"
    )
    assert lab.journal[-1].action == "sts:TagSession"
    assert assume(user, only_assume)["AccessKeyId"]
    tag_data_only = doc(
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "sts:TagSession",
            **_when("aws:RequestTag/team", "data"),
        },
    )
    role = new_role(lab, "Sessions", tag_data_only)
    assert assume(user, role, Tags=[{"Key": "team", "Value": "data"}])["AccessKeyId"]
    assert error_code(lambda: assume(user, role, Tags=[{"Key": "team", "Value": "ops"}])) == "AccessDenied"


def test_request_tag_on_create_user_and_tag_role(lab):
    policy = doc(
        allow(["iam:CreateUser", "iam:TagUser", "iam:TagRole"], **_when("aws:RequestTag/team", "data")),
        deny(["iam:Tag*", "iam:Create*"], **_when("aws:TagKeys", ["team"], "ForAnyValue:StringNotEquals")),
    )
    admin_of_data = new_user(lab, "lead", policies=[policy]).client("iam")
    admin_of_data.create_user(UserName="analyst", Tags=[{"Key": "team", "Value": "data"}])
    assert (
        error_code(lambda: admin_of_data.create_user(UserName="x1", Tags=[{"Key": "team", "Value": "ops"}]))
        == "AccessDenied"
    )
    assert error_code(lambda: admin_of_data.create_user(UserName="x2")) == "AccessDenied"
    extra = [{"Key": "team", "Value": "data"}, {"Key": "cost", "Value": "1"}]
    assert error_code(lambda: admin_of_data.create_user(UserName="x3", Tags=extra)) == "AccessDenied"
    new_role(lab, "Pipeline", trusting(ACCOUNT))
    admin_of_data.tag_role(RoleName="Pipeline", Tags=[{"Key": "team", "Value": "data"}])
    assert (
        error_code(
            lambda: admin_of_data.tag_role(RoleName="Pipeline", Tags=[{"Key": "team", "Value": "ops"}])
        )
        == "AccessDenied"
    )


def test_tag_keys_on_untag(lab):
    new_role(
        lab,
        "Kept",
        trusting(ACCOUNT),
        Tags=[{"Key": "owner", "Value": "a"}, {"Key": "scratch", "Value": "b"}],
    )
    policy = doc(allow("iam:UntagRole", **_when("aws:TagKeys", ["scratch"], "ForAllValues:StringEquals")))
    iam = new_user(lab, "janitor", policies=[policy]).client("iam")
    iam.untag_role(RoleName="Kept", TagKeys=["scratch"])
    assert error_code(lambda: iam.untag_role(RoleName="Kept", TagKeys=["owner"])) == "AccessDenied"


def test_resource_tag_on_a_role(lab):
    new_role(lab, "DataRole", trusting(ACCOUNT), Tags=[{"Key": "team", "Value": "data"}])
    new_role(lab, "OpsRole", trusting(ACCOUNT), Tags=[{"Key": "team", "Value": "ops"}])
    policy = doc(allow(["iam:GetRole", "sts:AssumeRole"], **_when("aws:ResourceTag/team", "data")))
    user = new_user(lab, "abac", policies=[policy])
    assert user.client("iam").get_role(RoleName="DataRole")["Role"]["RoleName"] == "DataRole"
    assert error_code(lambda: user.client("iam").get_role(RoleName="OpsRole")) == "AccessDenied"
    assert assume(user, f"arn:aws:iam::{ACCOUNT}:role/DataRole")["AccessKeyId"]
    assert error_code(lambda: assume(user, f"arn:aws:iam::{ACCOUNT}:role/OpsRole")) == "AccessDenied"


def test_resource_tag_on_a_user(lab):
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="intern", Tags=[{"Key": "team", "Value": "data"}])
    iam.create_user(UserName="boss")
    policy = doc(
        allow("iam:ListAccessKeys", f"arn:aws:iam::{ACCOUNT}:user/*", **_when("aws:ResourceTag/team", "data"))
    )
    helpdesk = new_user(lab, "helpdesk", policies=[policy]).client("iam")
    assert helpdesk.list_access_keys(UserName="intern")["AccessKeyMetadata"] == []
    assert error_code(lambda: helpdesk.list_access_keys(UserName="boss")) == "AccessDenied"


def test_existing_object_tag(lab):
    s3 = _bucket(lab)
    s3.put_object(Bucket=BUCKET, Key="public.txt", Body=b"p", Tagging="share=yes")
    s3.put_object(Bucket=BUCKET, Key="private.txt", Body=b"s")
    policy = doc(
        allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", **_when("s3:ExistingObjectTag/share", "yes"))
    )
    reader = new_user(lab, "reader", policies=[policy]).client("s3")
    assert reader.get_object(Bucket=BUCKET, Key="public.txt")["Body"].read() == b"p"
    assert error_code(lambda: reader.get_object(Bucket=BUCKET, Key="private.txt")) == "AccessDenied"


def test_request_tag_on_a_cloudwatch_alarm(lab):
    alarm = dict(
        MetricName="CPU",
        Namespace="Lab",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    policy = doc(allow("cloudwatch:PutMetricAlarm", **_when("aws:RequestTag/team", "data")))
    cw = new_user(lab, "watcher", policies=[policy]).client("cloudwatch")
    cw.put_metric_alarm(AlarmName="a1", Tags=[{"Key": "team", "Value": "data"}], **alarm)
    assert error_code(lambda: cw.put_metric_alarm(AlarmName="a2", **alarm)) == "AccessDenied"


# -- the request's own keys -----------------------------------------------------------------------------
def test_s3_prefix_on_list_objects_v2(lab):
    s3 = _bucket(lab)
    s3.put_object(Bucket=BUCKET, Key="home/dana/a.txt", Body=b"a")
    policy = doc(
        allow(
            "s3:ListBucket",
            f"arn:aws:s3:::{BUCKET}",
            **_when("s3:prefix", "home/${aws:username}/*", "StringLike"),
        )
    )
    dana = new_user(lab, "dana", policies=[policy]).client("s3")
    assert dana.list_objects_v2(Bucket=BUCKET, Prefix="home/dana/")["KeyCount"] == 1
    assert error_code(lambda: dana.list_objects_v2(Bucket=BUCKET, Prefix="home/eun/")) == "AccessDenied"
    assert error_code(lambda: dana.list_objects_v2(Bucket=BUCKET)) == "AccessDenied"


def test_s3_delimiter_and_max_keys(lab):
    _bucket(lab)
    policy = doc(
        allow(
            "s3:ListBucket",
            f"arn:aws:s3:::{BUCKET}",
            Condition={"StringEquals": {"s3:delimiter": "/"}, "NumericLessThanEquals": {"s3:max-keys": "10"}},
        )
    )
    browser = new_user(lab, "browser", policies=[policy]).client("s3")
    assert browser.list_objects_v2(Bucket=BUCKET, Delimiter="/", MaxKeys=10)["KeyCount"] == 0
    assert (
        error_code(lambda: browser.list_objects_v2(Bucket=BUCKET, Delimiter="/", MaxKeys=500))
        == "AccessDenied"
    )
    assert error_code(lambda: browser.list_objects_v2(Bucket=BUCKET, MaxKeys=5)) == "AccessDenied"


def test_external_id_and_role_session_name(lab):
    user = new_user(lab, "partner", policies=[doc(allow("sts:AssumeRole"))])
    trust = trusting(
        f"arn:aws:iam::{ACCOUNT}:user/partner",
        Condition={"StringEquals": {"sts:ExternalId": "blue-42", "sts:RoleSessionName": "${aws:username}"}},
    )
    role = new_role(lab, "Vendor", trust)
    assert assume(user, role, name="partner", ExternalId="blue-42")["AccessKeyId"]
    assert error_code(lambda: assume(user, role, name="partner", ExternalId="red-7")) == "AccessDenied"
    assert error_code(lambda: assume(user, role, name="someone-else", ExternalId="blue-42")) == "AccessDenied"


def test_policy_arn_on_attach_user_policy(lab):
    policy = doc(allow("iam:AttachUserPolicy", **_when("iam:PolicyARN", [S3_READ, IAM_READ], "ArnEquals")))
    delegate = new_user(lab, "delegate", policies=[policy]).client("iam")
    lab.admin_session().client("iam").create_user(UserName="newbie")
    delegate.attach_user_policy(UserName="newbie", PolicyArn=S3_READ)
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert (
        error_code(lambda: delegate.attach_user_policy(UserName="newbie", PolicyArn=admin)) == "AccessDenied"
    )


def test_permissions_boundary_on_create_role_and_on_later_changes(lab):
    iam = lab.admin_session().client("iam")
    boundary = iam.create_policy(PolicyName="Fence", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    fenced = _when("iam:PermissionsBoundary", boundary, "ArnEquals")
    actions = ["iam:CreateRole", "iam:AttachRolePolicy", "iam:AttachUserPolicy"]
    delegate = new_user(lab, "hr", policies=[doc(allow(actions, **fenced))]).client("iam")
    delegate.create_role(
        RoleName="App", AssumeRolePolicyDocument=trusting(ACCOUNT), PermissionsBoundary=boundary
    )
    assert (
        error_code(lambda: delegate.create_role(RoleName="Free", AssumeRolePolicyDocument=trusting(ACCOUNT)))
        == "AccessDenied"
    )
    delegate.attach_role_policy(RoleName="App", PolicyArn=S3_READ)  # App has the boundary
    new_role(lab, "Unfenced", trusting(ACCOUNT))
    assert (
        error_code(lambda: delegate.attach_role_policy(RoleName="Unfenced", PolicyArn=S3_READ))
        == "AccessDenied"
    )
    iam.create_user(UserName="hire")
    assert (
        error_code(lambda: delegate.attach_user_policy(UserName="hire", PolicyArn=S3_READ)) == "AccessDenied"
    )
    iam.put_user_permissions_boundary(UserName="hire", PermissionsBoundary=boundary)
    delegate.attach_user_policy(UserName="hire", PolicyArn=S3_READ)


def test_permissions_boundary_on_create_user(lab):
    iam = lab.admin_session().client("iam")
    boundary = iam.create_policy(PolicyName="Fence", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    fenced = _when("iam:PermissionsBoundary", boundary, "ArnEquals")
    delegate = new_user(lab, "hr", policies=[doc(allow("iam:CreateUser", **fenced))]).client("iam")
    assert error_code(lambda: delegate.create_user(UserName="escapee")) == "AccessDenied"
    delegate.create_user(UserName="hire", PermissionsBoundary=boundary)


def test_context_is_recorded_with_the_decision(lab):
    admin = lab.admin_session().client("s3")
    admin.list_buckets()
    context = lab.journal[-1].decision.request.context
    assert context["aws:username"] == "admin"
    assert context["aws:PrincipalType"] == "User"
    assert "aws:MultiFactorAuthPresent" not in context and "aws:TokenIssueTime" not in context
    json.dumps(context)


def test_s3_resource_account_is_the_bucket_owners_account(lab):
    """Service Authorization Reference, Amazon S3, s3:ResourceAccount: "Filters access by the resource
    owner AWS account ID". A policy that keeps a user to their own account's buckets must stop a read
    from another account's bucket, even when that bucket's policy lets the account in."""
    other = "111122223333"
    s3 = lab.admin_session(other).client("s3")
    s3.create_bucket(Bucket="owned-elsewhere", CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket="owned-elsewhere", Key="k", Body=b"theirs")
    reader = allow(
        "s3:GetObject", "arn:aws:s3:::owned-elsewhere/*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    )
    s3.put_bucket_policy(Bucket="owned-elsewhere", Policy=doc(reader))
    own = _bucket(lab)
    own.put_object(Bucket=BUCKET, Key="k", Body=b"ours")
    user = new_user(
        lab, "homebody", policies=[doc(allow("s3:GetObject", **_when("s3:ResourceAccount", ACCOUNT)))]
    )
    client = user.client("s3")
    assert client.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"ours"
    assert error_code(lambda: client.get_object(Bucket="owned-elsewhere", Key="k")) == "AccessDenied"
    entry = lab.journal.entries()[-1]
    assert entry.decision.request.context["s3:ResourceAccount"] == other
