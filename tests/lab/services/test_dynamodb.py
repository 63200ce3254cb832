"""DynamoDB tables decided by their own ARNs; denials as AccessDeniedException."""

import pytest

from tests.lab.helpers import allow, deny, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, client_of

ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
ITEM = {"id": {"S": "1"}}


@pytest.fixture
def tables(lab):
    dynamodb = lab.admin_session().client("dynamodb")
    for name in ("orders", "audit"):
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
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
