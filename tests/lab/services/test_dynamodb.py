"""DynamoDB tables decided by their own ARNs; denials as AccessDeniedException."""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of, new_user
from tests.lab.services.common import ACCOUNT, REGION, TABLE, as_principal, client_of

ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
ITEM = {"id": {"S": "1"}}


@pytest.fixture
def tables(lab):
    dynamodb = lab.admin_session().client("dynamodb")
    for name in ("orders", "audit"):
        dynamodb.create_table(TableName=name, **TABLE)
    return dynamodb


def test_a_policy_naming_a_table_allows_exactly_that_table(lab, tables):
    dynamodb = client_of(lab, "dynamodb", "mina", allow("dynamodb:PutItem", ARN + "orders"))
    dynamodb.put_item(TableName="orders", Item=ITEM)
    assert error_code(lambda: dynamodb.put_item(TableName="audit", Item=ITEM)) == "AccessDeniedException"


def test_a_deny_naming_one_table_denies_exactly_that_one(lab, tables):
    statements = allow("dynamodb:*"), deny("dynamodb:DeleteTable", ARN + "orders")
    dynamodb = client_of(lab, "dynamodb", "mina", *statements)
    code, message = error_of(lambda: dynamodb.delete_table(TableName="orders"))
    assert code == "AccessDeniedException"
    assert f"dynamodb:DeleteTable on resource: {ARN}orders with an explicit deny" in message
    dynamodb.delete_table(TableName="audit")
    assert tables.list_tables()["TableNames"] == ["orders"]


def test_a_request_the_lab_cannot_read_is_refused_not_decided_against_every_table(lab, tables, monkeypatch):
    """DescribeTable names its table in the body: unread, it would be asked about `table/*`, which a
    Deny naming `orders` does not match. An action authorized against "*" (ListTables) still works."""
    from iamlab.lab.services import adapter

    statements = allow("dynamodb:*"), deny("dynamodb:DescribeTable", ARN + "orders")
    dynamodb = client_of(lab, "dynamodb", "mina", *statements)
    monkeypatch.setattr(adapter, "request_params", lambda *args: None)
    code, message = error_of(lambda: dynamodb.describe_table(TableName="orders"))
    assert code == "AccessDeniedException" and "cannot tell which resource" in message
    assert sorted(dynamodb.list_tables()["TableNames"]) == ["audit", "orders"]


def test_a_batch_needs_every_table_it_names(lab, tables):
    dynamodb = client_of(lab, "dynamodb", "mina", allow("dynamodb:BatchWriteItem", ARN + "orders"))
    both = {name: [{"PutRequest": {"Item": ITEM}}] for name in ("orders", "audit")}
    assert error_code(lambda: dynamodb.batch_write_item(RequestItems=both)) == "AccessDeniedException"
    assert tables.scan(TableName="orders")["Count"] == 0


def test_a_transaction_is_authorized_as_each_of_its_items(lab, tables):
    dynamodb = client_of(lab, "dynamodb", "mina", allow("dynamodb:PutItem", ARN + "orders"))
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": "orders", "Item": ITEM}}])
    denied = [{"Delete": {"TableName": "orders", "Key": ITEM}}]
    assert error_code(lambda: dynamodb.transact_write_items(TransactItems=denied)) == "AccessDeniedException"


def test_a_partiql_statement_is_refused_not_decided_against_star(lab, tables):
    """The table of a PartiQL statement sits in its text, which the lab does not read."""
    dynamodb = lab.admin_session().client("dynamodb")
    code, message = error_of(lambda: dynamodb.execute_statement(Statement='SELECT * FROM "orders"'))
    assert code == "AccessDeniedException"
    assert "iamlab cannot tell which resource" in message


def test_a_deny_on_a_table_tag_denies_the_tagged_table_only(lab, tables):
    tables.tag_resource(ResourceArn=ARN + "orders", Tags=[{"Key": "env", "Value": "prod"}])
    protect = deny("dynamodb:DeleteTable", Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}})
    dynamodb = client_of(lab, "dynamodb", "mina", allow("dynamodb:*"), protect)
    assert error_code(lambda: dynamodb.delete_table(TableName="orders")) == "AccessDeniedException"
    dynamodb.delete_table(TableName="audit")


# -- the table's resource-based policy ------------------------------------------------------------
OTHER = "111122223333"


def _put_table_policy(tables, *statements, table="orders"):
    tables.put_resource_policy(ResourceArn=ARN + table, Policy=doc(*statements))


def test_the_table_policy_grants_a_user_of_the_account_on_its_own(lab, tables):
    """The IAM User Guide: "If either the identity-based policy or the resource-based policy within the
    same account allows the request and the other doesn't, the request is still allowed."."""
    _put_table_policy(tables, allow("dynamodb:PutItem", ARN + "orders", **as_principal("mina")))
    dynamodb = client_of(lab, "dynamodb", "mina")
    dynamodb.put_item(TableName="orders", Item=ITEM)
    assert error_code(lambda: dynamodb.put_item(TableName="audit", Item=ITEM)) == "AccessDeniedException"
    assert error_code(lambda: dynamodb.delete_table(TableName="orders")) == "AccessDeniedException"
    assert tables.scan(TableName="orders")["Count"] == 1


def test_an_explicit_deny_in_the_table_policy_wins_over_the_users_allow(lab, tables):
    _put_table_policy(tables, deny("dynamodb:DeleteTable", ARN + "orders", **as_principal("mina")))
    dynamodb = client_of(lab, "dynamodb", "mina", allow("dynamodb:*"))
    code, message = error_of(lambda: dynamodb.delete_table(TableName="orders"))
    assert code == "AccessDeniedException"
    assert "with an explicit deny in a resource-based policy" in message
    dynamodb.delete_table(TableName="audit")


def _table_with_index(admin) -> dict:
    """Table "orders" with a global secondary index "by-day"; the arguments of a query on the index."""
    admin.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "day", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-day",
                "KeySchema": [{"AttributeName": "day", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    query = {"TableName": "orders", "IndexName": "by-day", "KeyConditionExpression": "#d = :d"}
    names, values = {"#d": "day"}, {":d": {"S": "mon"}}
    return query | {"ExpressionAttributeNames": names, "ExpressionAttributeValues": values}


def test_the_table_policy_covers_its_indexes_only_where_it_names_them(lab):
    """DynamoDB API Reference, PutResourcePolicy: "You can control index permissions using the base
    table's policy"."""
    admin = lab.admin_session().client("dynamodb")
    query = _table_with_index(admin)
    _put_table_policy(admin, allow("dynamodb:Query", ARN + "orders", **as_principal("mina")))
    dynamodb = client_of(lab, "dynamodb", "mina")
    assert error_code(lambda: dynamodb.query(**query)) == "AccessDeniedException"
    index = ARN + "orders/index/by-day"
    _put_table_policy(admin, allow("dynamodb:Query", [ARN + "orders", index], **as_principal("mina")))
    assert dynamodb.query(**query)["Items"] == []


def test_a_query_on_an_index_carries_its_tables_tags(lab):
    """An index is not tagged itself; a Deny on the table's tag must not miss a query on its index."""
    admin = lab.admin_session().client("dynamodb")
    query = _table_with_index(admin)
    protect = deny("dynamodb:Query", Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}})
    dynamodb = client_of(lab, "dynamodb", "mina", allow("dynamodb:*"), protect)
    assert dynamodb.query(**query)["Items"] == []
    admin.tag_resource(ResourceArn=ARN + "orders", Tags=[{"Key": "env", "Value": "prod"}])
    code, message = error_of(lambda: dynamodb.query(**query))
    assert code == "AccessDeniedException"
    assert f"on resource: {ARN}orders/index/by-day with an explicit deny" in message


def test_across_accounts_the_table_policy_and_the_callers_policy_must_both_allow(lab, tables):
    """The IAM User Guide: for cross-account access "the identity-based policy and the resource-based
    policy must both allow the request"."""
    iam = lab.admin_session(OTHER).client("iam")
    iam.create_user(UserName="carol")
    carol_arn = f"arn:aws:iam::{OTHER}:user/carol"
    iam.put_user_policy(UserName="carol", PolicyName="put", PolicyDocument=doc(allow("dynamodb:PutItem")))
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    carol = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("dynamodb")
    put = lambda: carol.put_item(TableName=ARN + "orders", Item=ITEM)  # noqa: E731
    assert error_code(put) == "AccessDeniedException"  # her own policy alone is not enough
    _put_table_policy(tables, allow("dynamodb:PutItem", ARN + "orders", Principal={"AWS": carol_arn}))
    put()
    assert tables.scan(TableName="orders")["Count"] == 1
    iam.delete_user_policy(UserName="carol", PolicyName="put")
    assert error_code(put) == "AccessDeniedException"  # the table's policy alone is not enough either


def test_a_stream_is_decided_by_its_own_arn_whose_label_has_colons(lab):
    """DescribeStream, GetShardIterator and GetRecords act on the stream: a Deny naming the table's
    streams stops them, and GetRecords is decided by the stream its shard iterator belongs to."""
    admin = lab.admin_session().client("dynamodb")
    table = admin.create_table(
        TableName="orders",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        **TABLE,
    )["TableDescription"]
    stream = table["LatestStreamArn"]
    assert stream.startswith(ARN + "orders/stream/") and ":" in stream.rsplit("/", 1)[-1]
    statements = allow("dynamodb:*"), deny("dynamodb:GetRecords", ARN + "orders/stream/*")
    streams = new_user(lab, "mina", policies=[doc(*statements)]).client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    code, message = error_of(lambda: streams.get_records(ShardIterator=iterator["ShardIterator"]))
    assert code == "AccessDeniedException"
    assert f"dynamodb:GetRecords on resource: {stream} with an explicit deny" in message
    blind = new_user(lab, "dana", policies=[doc(allow("dynamodb:*"), deny("dynamodb:*", stream))])
    assert error_code(lambda: blind.client("dynamodbstreams").describe_stream(StreamArn=stream)) == (
        "AccessDeniedException"
    )


@pytest.fixture
def stream(lab):
    admin = lab.admin_session().client("dynamodb")
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    return admin.create_table(TableName="orders", StreamSpecification=spec, **TABLE)["TableDescription"][
        "LatestStreamArn"
    ]


def test_a_stream_keeps_the_resource_policy_put_on_it(lab, stream):
    """Put, read back, replace and delete a stream's policy, as for a table's.

    "You can attach a resource-based policy to an existing table's stream ... by using the DynamoDB
    console, PutResourcePolicy API, the AWS CLI, AWS SDK, or an AWS CloudFormation template." (DynamoDB
    Developer Guide, "Attach a resource-based policy to a DynamoDB stream")
    """
    admin = lab.admin_session().client("dynamodb")
    policy = doc(allow("dynamodb:DescribeStream", stream, **as_principal("mina")))
    revision = admin.put_resource_policy(ResourceArn=stream, Policy=policy)["RevisionId"]
    assert admin.put_resource_policy(ResourceArn=stream, Policy=policy)["RevisionId"] == revision
    assert admin.get_resource_policy(ResourceArn=stream) | {"ResponseMetadata": None} == {
        "Policy": policy,
        "RevisionId": revision,
        "ResponseMetadata": None,
    }
    table_policy = lambda: admin.get_resource_policy(ResourceArn=ARN + "orders")  # noqa: E731
    assert error_code(table_policy) == "PolicyNotFoundException"
    code, message = error_of(
        lambda: admin.put_resource_policy(ResourceArn=stream, Policy=policy, ExpectedRevisionId="NO_POLICY")
    )
    assert code == "PolicyNotFoundException"
    assert message.startswith(
        "Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none"
    )
    admin.delete_resource_policy(ResourceArn=stream)
    code, message = error_of(lambda: admin.get_resource_policy(ResourceArn=stream))
    assert (code, message) == (
        "PolicyNotFoundException",
        f"Resource-based policy not found for the provided ResourceArn: {stream}",
    )
    missing = ARN + "orders/stream/2020-01-01T00:00:00.000"
    assert error_code(lambda: admin.put_resource_policy(ResourceArn=missing, Policy=policy)) == (
        "ResourceNotFoundException"
    )


def test_the_stream_policy_grants_within_the_account_and_across_accounts_with_the_callers_policy(lab, stream):
    """Same account, the stream's policy alone grants; across accounts "the identity-based policy and
    the resource-based policy must both allow the request" (IAM User Guide)."""
    iam = lab.admin_session(OTHER).client("iam")
    iam.create_user(UserName="carol")
    reader = doc(allow("dynamodb:DescribeStream"))
    iam.put_user_policy(UserName="carol", PolicyName="read", PolicyDocument=reader)
    key = iam.create_access_key(UserName="carol")["AccessKey"]
    carol = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("dynamodbstreams")
    mina = client_of(lab, "dynamodbstreams", "mina")
    dana = client_of(lab, "dynamodbstreams", "dana")
    for client in (mina, carol):
        assert error_code(lambda c=client: c.describe_stream(StreamArn=stream)) == "AccessDeniedException"
    readers = {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/mina", f"arn:aws:iam::{OTHER}:user/carol"]}
    policy = doc(allow("dynamodb:DescribeStream", stream, Principal=readers))
    lab.admin_session().client("dynamodb").put_resource_policy(ResourceArn=stream, Policy=policy)
    assert mina.describe_stream(StreamArn=stream)["StreamDescription"]["StreamArn"] == stream
    assert carol.describe_stream(StreamArn=stream)["StreamDescription"]["StreamArn"] == stream
    assert error_code(lambda: dana.describe_stream(StreamArn=stream)) == "AccessDeniedException"
    iam.delete_user_policy(UserName="carol", PolicyName="read")
    assert error_code(lambda: carol.describe_stream(StreamArn=stream)) == "AccessDeniedException"
