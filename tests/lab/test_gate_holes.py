"""Each root cause that let a request past the gate (issue 8), replayed against the lab.

Where boto3 would normalise the attack away (two subresources in one query), the request is
signed with the caller's key and sent over raw HTTP, exactly as an attacker would send it.
"""

import http.client
import json
import re

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.lab.helpers import allow, assume, doc, error_code, error_of, new_role, trusting
from tests.lab.services.common import create_functions

BUCKET = "gate-holes"
POLICY = doc(
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
)


def signed(lab, key, method, path, body=b"", service="s3", headers=None):
    """Send a request signed with `key` (an IAM access key dict) over HTTP; (status, body)."""
    url = f"{lab.endpoint_url}{path}"
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"], key.get("SessionToken"))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(credentials, service, lab.region).add_auth(request)
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=dict(request.headers.items()))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def user_with_key(lab, name, *statements):
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
    return iam.create_access_key(UserName=name)["AccessKey"]


# -- 3. S3 subresources ---------------------------------------------------------------------------
def test_every_s3_subresource_in_a_query_must_be_allowed(lab):
    """Only s3:PutBucketTagging / s3:ListBucketVersions: a second subresource must not ride along."""
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    key = user_with_key(
        lab,
        "tagger",
        allow(["s3:PutBucketTagging", "s3:ListBucketVersions"], f"arn:aws:s3:::{BUCKET}"),
    )
    tagging = b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"
    status, _ = signed(lab, key, "PUT", f"/{BUCKET}?tagging&policy", POLICY.encode())
    assert status == 403
    assert error_code(lambda: s3.get_bucket_policy(Bucket=BUCKET)) == "NoSuchBucketPolicy"
    s3.put_bucket_policy(Bucket=BUCKET, Policy=POLICY)
    assert signed(lab, key, "DELETE", f"/{BUCKET}?tagging&policy")[0] == 403
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == json.loads(POLICY)
    status, body = signed(lab, key, "GET", f"/{BUCKET}?versions&policy")
    assert status == 403 and b"s3:GetBucketPolicy" in body
    assert signed(lab, key, "PUT", f"/{BUCKET}?tagging", tagging)[0] == 204  # the allowed one alone works


# -- 6. routes moto serves without asking the gate ----------------------------------------------------
def test_legacy_elasticsearch_api_passes_the_gate(lab):
    """The 2015-01-01 `es` API is served by routes that skip moto's own authorization."""
    key = user_with_key(lab, "nobody")
    es = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("es")
    assert error_code(lambda: es.create_elasticsearch_domain(DomainName="probe")) == "AccessDeniedException"
    admin = lab.admin_session().client("es")
    assert admin.list_domain_names()["DomainNames"] == []
    admin.create_elasticsearch_domain(DomainName="kept")
    assert error_code(lambda: es.delete_elasticsearch_domain(DomainName="kept")) == "AccessDeniedException"
    assert [d["DomainName"] for d in admin.list_domain_names()["DomainNames"]] == ["kept"]
    denied = [e for e in lab.journal.entries() if e.principal.endswith("user/nobody")]
    assert (denied[0].action, denied[0].result) == ("es:CreateElasticsearchDomain", "ImplicitlyDenied")
    # The legacy API's domain name travels in the path: the denial names the domain's ARN.
    kept = f"arn:aws:es:{lab.region}:{lab.account_id}:domain/kept"
    assert (denied[1].action, denied[1].resource) == ("es:DeleteElasticsearchDomain", kept)


def test_a_route_that_answers_without_asking_the_gate_is_refused(lab):
    """Cognito's JWKS route returns its document without any authorization call inside moto."""
    key = user_with_key(lab, "admin2", allow("*"))
    status, body = signed(
        lab, key, "GET", "/ap-northeast-2_probe/.well-known/jwks.json", service="cognito-idp"
    )
    assert status == 403 and b"AccessDenied" in body
    assert lab.journal[-1].result == "ImplicitlyDenied"


# -- 4. deleted identities stay deleted; unique IDs ----------------------------------------------------
AWS_ID = r"[A-Z2-7]{17}"


def test_ids_have_the_prefixes_aws_gives_them(lab):
    """ "IAM uses the following prefixes to indicate what type of resource each unique ID applies to":
    AIDA user, AGPA group, AROA role, AIPA instance profile, ANPA managed policy, AKIA access key,
    ASIA temporary access key (IAM User Guide, IAM identifiers)."""
    iam = lab.admin_session().client("iam")
    user = iam.create_user(UserName="ids")["User"]
    group = iam.create_group(GroupName="ids")["Group"]
    role = iam.create_role(
        RoleName="ids", AssumeRolePolicyDocument=trusting(f"arn:aws:iam::{lab.account_id}:root")
    )
    profile = iam.create_instance_profile(InstanceProfileName="ids")["InstanceProfile"]
    policy = iam.create_policy(PolicyName="ids", PolicyDocument=doc(allow("s3:ListBucket")))["Policy"]
    key = iam.create_access_key(UserName="ids")["AccessKey"]
    for value, prefix in (
        (user["UserId"], "AIDA"),
        (group["GroupId"], "AGPA"),
        (role["Role"]["RoleId"], "AROA"),
        (profile["InstanceProfileId"], "AIPA"),
        (policy["PolicyId"], "ANPA"),
    ):
        assert re.fullmatch(prefix + AWS_ID, value), value
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key["AccessKeyId"])
    iam.put_role_policy(RoleName="ids", PolicyName="p", PolicyDocument=doc(allow("sts:GetCallerIdentity")))
    creds = assume(lab.admin_session(), role["Role"]["Arn"])
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", creds["AccessKeyId"])
    me = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]).client("sts")
    assert me.get_caller_identity()["UserId"] == f"{role['Role']['RoleId']}:lesson"


def test_a_key_of_a_deleted_user_does_not_come_back_with_a_new_user_of_the_same_name(lab):
    """ "If you delete a user and then create a new user with the same name, the new user has a
    different unique ID" (IAM User Guide, IAM identifiers): the old key was never the new user's."""
    iam = lab.admin_session().client("iam")
    old = user_with_key(lab, "reborn", allow("sts:GetCallerIdentity"))
    iam.delete_user_policy(UserName="reborn", PolicyName="p")
    # IAM's DeleteUser refuses while keys exist (DeleteConflict); moto's own paths (a CloudFormation
    # stack deleting its user) still remove a user with its key in place, as the lab's old API did.
    lab.gate.iam.delete_user("reborn")
    iam.create_user(UserName="reborn")
    iam.put_user_policy(UserName="reborn", PolicyName="p", PolicyDocument=doc(allow("*")))
    sts = lab.session(old["AccessKeyId"], old["SecretAccessKey"]).client("sts")
    assert error_code(sts.get_caller_identity) == "InvalidClientTokenId"


def test_sessions_of_a_deleted_role_stay_dead_when_a_role_of_the_same_name_is_created(lab):
    """ "If you delete a role and then create a new role with the same name, the new role has a
    different unique ID" (IAM User Guide, IAM identifiers): old sessions belong to the old role."""
    iam = lab.admin_session().client("iam")
    root = f"arn:aws:iam::{lab.account_id}:root"
    arn = new_role(lab, "phoenix", trusting(root), policies=[doc(allow("*"))])
    creds = assume(lab.admin_session(), arn)
    iam.delete_role_policy(RoleName="phoenix", PolicyName="inline0")
    iam.delete_role(RoleName="phoenix")
    new_role(lab, "phoenix", trusting(root), policies=[doc(allow("*"))])
    sts = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]).client("sts")
    assert error_code(sts.get_caller_identity) == "InvalidClientTokenId"
    s3 = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]).client("s3")
    assert error_code(s3.list_buckets) == "InvalidToken"


def test_list_buckets_names_the_owner_by_canonical_id_without_a_display_name(lab):
    """S3 stopped returning Owner DisplayName ("Beginning November 21, 2025, Amazon S3 will stop
    returning DisplayName", S3 API Reference, Owner); the owner is the account's canonical user ID."""
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    owner = s3.list_buckets()["Owner"]
    assert set(owner) == {"ID"} and re.fullmatch(r"[0-9a-f]{64}", owner["ID"])
    assert s3.get_bucket_acl(Bucket=BUCKET)["Owner"]["ID"] == owner["ID"]


# -- 5. iam:PassRole -------------------------------------------------------------------------------------
def _admin_role_and_profile(lab):
    arn = new_role(
        lab,
        "power",
        trusting(service=["ec2.amazonaws.com", "lambda.amazonaws.com"]),
        policies=[doc(allow("*"))],
    )
    iam = lab.admin_session().client("iam")
    iam.create_instance_profile(InstanceProfileName="power")
    iam.add_role_to_instance_profile(InstanceProfileName="power", RoleName="power")
    return arn


def _image(lab):
    return lab.admin_session().client("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"]


def test_launching_an_instance_with_a_role_needs_pass_role_to_ec2(lab):
    """ "To pass a role (and its permissions) to an AWS service, a user must have permissions to pass
    the role to the service" (IAM User Guide, granting a user permissions to pass a role)."""
    role_arn = _admin_role_and_profile(lab)
    image = _image(lab)
    launch = allow("ec2:RunInstances")
    key = user_with_key(lab, "launcher", launch)
    ec2 = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("ec2")

    def run():
        return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, IamInstanceProfile={"Name": "power"})[
            "Instances"
        ][0]

    code, message = error_of(run)
    assert code == "UnauthorizedOperation" or code == "AccessDenied"
    assert f"iam:PassRole on resource: {role_arn}" in message
    assert lab.admin_session().client("ec2").describe_instances()["Reservations"] == []
    iam = lab.admin_session().client("iam")
    to_lambda = allow(
        "iam:PassRole", role_arn, Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
    )
    iam.put_user_policy(UserName="launcher", PolicyName="p", PolicyDocument=doc(launch, to_lambda))
    assert "iam:PassRole" in error_of(run)[1]
    to_ec2 = allow(
        "iam:PassRole",
        role_arn,
        Condition={
            "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"},
            "ArnLike": {"iam:AssociatedResourceArn": f"arn:aws:ec2:{lab.region}:{lab.account_id}:instance/*"},
        },
    )
    iam.put_user_policy(UserName="launcher", PolicyName="p", PolicyDocument=doc(launch, to_ec2))
    assert run()["IamInstanceProfile"]["Arn"].endswith("instance-profile/power")


def test_the_associated_resource_is_the_instance_or_function_the_request_names(lab):
    """`iam:AssociatedResourceArn` is the resource the role is attached to: the instance that
    AssociateIamInstanceProfile names, the function that UpdateFunctionConfiguration's path names."""
    role_arn = _admin_role_and_profile(lab)
    admin = lab.admin_session().client("ec2")
    first, second = (
        i["InstanceId"] for i in admin.run_instances(ImageId=_image(lab), MinCount=2, MaxCount=2)["Instances"]
    )
    attached_to = [
        f"arn:aws:ec2:{lab.region}:{lab.account_id}:instance/{first}",
        f"arn:aws:lambda:{lab.region}:{lab.account_id}:function:resize",
    ]
    passes = allow(
        "iam:PassRole", role_arn, Condition={"StringEquals": {"iam:AssociatedResourceArn": attached_to}}
    )
    attach = allow(["ec2:AssociateIamInstanceProfile", "lambda:UpdateFunctionConfiguration"])
    key = user_with_key(lab, "attacher", attach, passes)
    session = lab.session(key["AccessKeyId"], key["SecretAccessKey"])
    ec2, profile = session.client("ec2"), {"Name": "power"}
    code, message = error_of(
        lambda: ec2.associate_iam_instance_profile(IamInstanceProfile=profile, InstanceId=second)
    )
    assert "iam:PassRole" in message
    ec2.associate_iam_instance_profile(IamInstanceProfile=profile, InstanceId=first)
    create_functions(lab, {"resize": {}, "report": {}})
    functions = session.client("lambda")
    code, message = error_of(
        lambda: functions.update_function_configuration(FunctionName="report", Role=role_arn)
    )
    assert (code, "iam:PassRole" in message) == ("AccessDeniedException", True)
    assert functions.update_function_configuration(FunctionName="resize", Role=role_arn)["Role"] == role_arn


def test_creating_a_function_with_a_role_needs_pass_role_to_lambda(lab):
    role_arn = _admin_role_and_profile(lab)
    create = allow(["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration"])
    key = user_with_key(lab, "deployer", create)
    aws_lambda = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("lambda")

    def deploy(name):
        return aws_lambda.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="h.h",
            Code={"ZipFile": b"PK\x05\x06" + bytes(18)},
        )

    code, message = error_of(lambda: deploy("fn"))
    assert code == "AccessDeniedException"  # Lambda's own denial code
    assert message == (
        f"User: arn:aws:iam::{lab.account_id}:user/deployer is not authorized to perform: iam:PassRole on "
        f"resource: {role_arn} because no identity-based policy allows the iam:PassRole action"
    )
    assert lab.admin_session().client("lambda").list_functions()["Functions"] == []
    only_fn = allow(
        "iam:PassRole",
        role_arn,
        Condition={
            "StringEquals": {
                "iam:PassedToService": "lambda.amazonaws.com",
                "iam:AssociatedResourceArn": f"arn:aws:lambda:{lab.region}:{lab.account_id}:function:fn",
            }
        },
    )
    lab.admin_session().client("iam").put_user_policy(
        UserName="deployer", PolicyName="p", PolicyDocument=doc(create, only_fn)
    )
    assert deploy("fn")["Role"] == role_arn
    assert error_code(lambda: deploy("other")) == "AccessDeniedException"


# -- robustness: S3 bodies and bucket policies -------------------------------------------------------------
def test_malformed_tagging_and_delete_documents_are_malformed_xml(lab):
    """S3's MalformedXML: "The XML you provided was not well-formed or did not validate against our
    published schema" (S3 API Reference, error responses) — a 400, never a 500."""
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket=BUCKET, Key="kept", Body=b"data")
    key = user_with_key(lab, "writer", allow("s3:*"))
    for method, path, body in (
        ("PUT", f"/{BUCKET}?tagging", b"<Tagging><TagSet><Tag><Key>a"),
        ("PUT", f"/{BUCKET}?tagging", b"<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>"),
        ("PUT", f"/{BUCKET}/kept?tagging", b"not xml"),
        ("POST", f"/{BUCKET}?delete", b"<Delete><Object><Key>kept"),
        ("POST", f"/{BUCKET}?delete", b"<Delete></Delete>"),
    ):
        status, answer = signed(lab, key, method, path, body)
        assert (status, b"<Code>MalformedXML</Code>" in answer) == (400, True), (path, body)
    assert s3.get_object(Bucket=BUCKET, Key="kept")["Body"].read() == b"data"


def test_bucket_policies_are_decided_by_the_engine_not_by_moto(lab):
    """A Deny applies only to the principals and conditions it names ("The Principal element ...
    specifies the principal that is allowed or denied access to a resource", IAM User Guide)."""
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket=BUCKET, Key="k", Body=b"data")
    key = user_with_key(lab, "reader", allow("s3:GetObject"))
    objects = f"arn:aws:s3:::{BUCKET}/*"
    someone_else = {"AWS": f"arn:aws:iam::{lab.account_id}:user/admin"}
    not_now = {"StringEquals": {"aws:username": "somebody-else"}}
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=doc(
            {"Effect": "Deny", "Principal": someone_else, "Action": "s3:GetObject", "Resource": objects},
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": objects,
                "Condition": not_now,
            },
        ),
    )
    assert signed(lab, key, "GET", f"/{BUCKET}/k") == (200, b"data")
    s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=doc({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": objects}),
    )
    status, body = signed(lab, key, "GET", f"/{BUCKET}/k")
    assert status == 403 and b"explicit deny in a resource-based policy" in body
    assert (lab.journal[-1].action, lab.journal[-1].result) == ("s3:GetObject", "ExplicitlyDenied")


# -- the journal is bounded --------------------------------------------------------------------------------
def test_the_journal_keeps_the_last_entries_and_hands_older_ones_out(lab, tmp_path):
    import datetime as dt

    from iamlab.lab.journal import DEFAULT_CAPACITY, Entry, Journal

    assert lab.journal.capacity == DEFAULT_CAPACITY == 10_000
    rolled = []
    journal = Journal(lab.account_id, lab.region, capacity=3, on_roll=rolled.append)
    when = dt.datetime(2021, 1, 17, tzinfo=dt.timezone.utc)
    for n in range(5):
        journal.record(
            Entry(when, f"arn:aws:iam::{lab.account_id}:user/u{n}", "s3:ListBucket", "*", "Allowed", "")
        )
    assert [e.principal[-2:] for e in journal.entries()] == ["u2", "u3", "u4"]
    assert [e.principal[-2:] for e in rolled] == ["u0", "u1"] and journal.dropped == 2
    assert journal.export(tmp_path / "trail.json") == 3
    records = json.loads((tmp_path / "trail.json").read_text())["Records"]
    assert [r["userIdentity"]["arn"][-2:] for r in records] == ["u2", "u3", "u4"]
    assert len(journal.table().rows()) == 3


def test_every_covered_api_that_takes_a_role_asks_for_pass_role(lab):
    """ECS task roles, CloudFormation service roles, EventBridge and Scheduler targets, Step Functions,
    Glue and CodeBuild all pass a role to a service, so each needs iam:PassRole on it."""
    arn = new_role(lab, "svc", trusting(service="ecs-tasks.amazonaws.com"))
    services = ["ecs", "cloudformation", "events", "states", "glue", "codebuild", "scheduler"]
    key = user_with_key(lab, "builder", allow([f"{s}:*" for s in services]))
    session = lab.session(key["AccessKeyId"], key["SecretAccessKey"])
    queue = f"arn:aws:sqs:{lab.region}:{lab.account_id}:q"
    build_env = {"type": "LINUX_CONTAINER", "image": "i", "computeType": "BUILD_GENERAL1_SMALL"}
    calls = (
        lambda: session.client("ecs").register_task_definition(
            family="f", taskRoleArn=arn, containerDefinitions=[{"name": "c", "image": "i"}]
        ),
        lambda: session.client("cloudformation").create_stack(StackName="st", TemplateBody="{}", RoleARN=arn),
        lambda: session.client("events").put_targets(
            Rule="r", Targets=[{"Id": "1", "Arn": queue, "RoleArn": arn}]
        ),
        lambda: session.client("stepfunctions").create_state_machine(name="sm", definition="{}", roleArn=arn),
        lambda: session.client("glue").create_crawler(Name="crawl", Role=arn, Targets={}),
        lambda: session.client("codebuild").create_project(
            name="proj",
            source={"type": "NO_SOURCE"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=build_env,
            serviceRole=arn,
        ),
        lambda: session.client("scheduler").create_schedule(
            Name="s",
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": queue, "RoleArn": arn},
        ),
    )
    for call in calls:
        code, message = error_of(call)
        assert code in ("AccessDenied", "AccessDeniedException")  # each service's own denial code
        assert f"iam:PassRole on resource: {arn}" in message
