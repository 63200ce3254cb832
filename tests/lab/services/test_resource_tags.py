"""`aws:ResourceTag/*` is the tags of the one resource each question is about.

A call on several resources is authorized once per resource, each with its own tags: a Deny
on a tag stops the call when any one of them carries it, and an Allow on a tag allows the
call only when every one of them does. Each service below keeps tags its own way in moto.
"""

import pytest

from tests.lab.helpers import allow, deny, error_code
from tests.lab.services.common import ACCOUNT, REGION, TABLE, client_of, create_functions

PROD = [{"Key": "env", "Value": "prod"}]
ON_PROD = {"StringEquals": {"aws:ResourceTag/env": "prod"}}
ITEM = {"id": {"S": "1"}}


# Each case: (service, the action denied on the tag, its denial code, set-up, the call).
# The set-up makes two resources with the admin's session, tags only the second, and returns
# their names and anything else the call needs; the call acts on the names it is given.
def _ec2_instances(admin):
    ec2 = admin.client("ec2")
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)["Instances"]
    ]
    ec2.create_tags(Resources=[ids[1]], Tags=PROD)
    return ids, None


def _ec2_states(admin, ids):
    found = admin.client("ec2").describe_instances(InstanceIds=ids)["Reservations"]
    return {i["InstanceId"]: i["State"]["Name"] for r in found for i in r["Instances"]}


def _tables(admin):
    dynamodb = admin.client("dynamodb")
    for name in ("orders", "audit"):
        dynamodb.create_table(TableName=name, **TABLE)
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/audit"
    dynamodb.tag_resource(ResourceArn=arn, Tags=PROD)
    return ["orders", "audit"], None


def _parameters(admin):
    ssm = admin.client("ssm")
    ssm.put_parameter(Name="/app/web", Value="v", Type="String")
    ssm.put_parameter(Name="/app/db", Value="v", Type="String", Tags=PROD)
    return ["/app/web", "/app/db"], None


def _repositories(admin):
    ecr = admin.client("ecr")
    ecr.create_repository(repositoryName="web")
    ecr.create_repository(repositoryName="db", tags=[{"Key": "env", "Value": "prod"}])
    return ["web", "db"], None


def _keys(admin):
    kms = admin.client("kms")
    plain = kms.create_key()["KeyMetadata"]["KeyId"]
    tagged = kms.create_key(Tags=[{"TagKey": "env", "TagValue": "prod"}])["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=plain, Plaintext=b"hello")["CiphertextBlob"]
    return [plain, tagged], blob


CASES = {
    "ec2 TerminateInstances": (
        "ec2",
        "ec2:TerminateInstances",
        "UnauthorizedOperation",
        _ec2_instances,
        lambda client, ids, _: client.terminate_instances(InstanceIds=ids),
    ),
    "ec2 DeleteTags": (
        "ec2",
        "ec2:DeleteTags",
        "UnauthorizedOperation",
        _ec2_instances,
        lambda client, ids, _: client.delete_tags(Resources=ids, Tags=[{"Key": "env"}]),
    ),
    "dynamodb BatchWriteItem": (
        "dynamodb",
        "dynamodb:BatchWriteItem",
        "AccessDeniedException",
        _tables,
        lambda client, names, _: client.batch_write_item(
            RequestItems={name: [{"PutRequest": {"Item": ITEM}}] for name in names}
        ),
    ),
    "ssm DeleteParameters": (
        "ssm",
        "ssm:DeleteParameters",
        "AccessDeniedException",
        _parameters,
        lambda client, names, _: client.delete_parameters(Names=names),
    ),
    "ecr DescribeRepositories": (
        "ecr",
        "ecr:DescribeRepositories",
        "AccessDeniedException",
        _repositories,
        lambda client, names, _: client.describe_repositories(repositoryNames=names),
    ),
    "kms ReEncrypt": (
        "kms",
        "kms:ReEncrypt*",
        "AccessDeniedException",
        _keys,
        # The ciphertext names the first key (no SourceKeyId): decrypting under it, encrypting under the last.
        lambda client, keys, blob: client.re_encrypt(CiphertextBlob=blob, DestinationKeyId=keys[-1]),
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_deny_on_a_tag_stops_a_call_when_any_resource_carries_it(lab, case):
    """The regression: only the second resource is tagged, and the call is still denied.

    "When a request is made, the AWS service-side checks each resource" and "an explicit deny in
    any of these policies overrides the allow" (IAM User Guide, policy evaluation logic).
    """
    service, action, code, set_up, call = CASES[case]
    admin = lab.admin_session()
    names, extra = set_up(admin)
    client = client_of(lab, service, "mina", allow("*"), deny(action, Condition=ON_PROD))
    assert error_code(lambda: call(client, names, extra)) == code
    call(client, names[:1], extra)  # the untagged one alone is allowed


def test_the_untagged_resource_alone_is_allowed_and_nothing_was_done_by_the_denied_call(lab):
    admin = lab.admin_session()
    (first, second), _ = _ec2_instances(admin)
    ec2 = client_of(lab, "ec2", "mina", allow("*"), deny("ec2:TerminateInstances", Condition=ON_PROD))
    assert error_code(lambda: ec2.terminate_instances(InstanceIds=[first, second])) == "UnauthorizedOperation"
    assert _ec2_states(admin, [first, second]) == {first: "running", second: "running"}
    ec2.terminate_instances(InstanceIds=[first])
    assert _ec2_states(admin, [first, second])[second] == "running"


def test_an_allow_on_a_tag_needs_every_resource_of_the_call_to_carry_it(lab):
    """An Allow conditioned on a tag is met per resource: one untagged instance denies the call."""
    admin = lab.admin_session()
    (first, second), _ = _ec2_instances(admin)
    ec2 = client_of(lab, "ec2", "mina", allow("ec2:StopInstances", Condition=ON_PROD))
    assert error_code(lambda: ec2.stop_instances(InstanceIds=[second, first])) == "UnauthorizedOperation"
    assert error_code(lambda: ec2.stop_instances(InstanceIds=[first, second])) == "UnauthorizedOperation"
    ec2.stop_instances(InstanceIds=[second])
    assert _ec2_states(admin, [first, second]) == {first: "running", second: "stopped"}


def test_a_table_tag_does_not_lend_itself_to_the_other_table_of_a_batch(lab):
    """With the tagged table first, the untagged one must not borrow its tags."""
    admin = lab.admin_session()
    names, _ = _tables(admin)
    only_prod = allow("dynamodb:BatchWriteItem", Condition=ON_PROD)
    dynamodb = client_of(lab, "dynamodb", "mina", only_prod)
    batch = {name: [{"PutRequest": {"Item": ITEM}}] for name in reversed(names)}
    assert error_code(lambda: dynamodb.batch_write_item(RequestItems=batch)) == "AccessDeniedException"
    dynamodb.batch_write_item(RequestItems={"audit": [{"PutRequest": {"Item": ITEM}}]})
    assert admin.client("dynamodb").scan(TableName="orders")["Count"] == 0


def test_a_topic_tag_and_a_function_tag_are_read_from_their_own_services(lab):
    """SNS and Lambda act on one resource per call; each reads its own kind of tags."""
    admin = lab.admin_session()
    sns = admin.client("sns")
    plain = sns.create_topic(Name="news")["TopicArn"]
    tagged = sns.create_topic(Name="alerts", Tags=[{"Key": "env", "Value": "prod"}])["TopicArn"]
    client = client_of(lab, "sns", "mina", allow("*"), deny("sns:Publish", Condition=ON_PROD))
    assert error_code(lambda: client.publish(TopicArn=tagged, Message="hi")) == "AuthorizationError"
    client.publish(TopicArn=plain, Message="hi")
    create_functions(lab, {"resize": {}, "report": {"env": "prod"}})
    client = client_of(lab, "lambda", "dana", allow("*"), deny("lambda:GetFunction", Condition=ON_PROD))
    assert error_code(lambda: client.get_function(FunctionName="report")) == "AccessDeniedException"
    client.get_function(FunctionName="resize")
