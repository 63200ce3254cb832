"""SQS queues decided by their own ARNs, the queue policy honoured, denials as SQS words them."""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of

ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:"


@pytest.fixture
def queues(lab):
    sqs = lab.admin_session().client("sqs")
    return {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("orders", "audit")}


def test_a_policy_naming_a_queue_allows_exactly_that_queue(lab, queues):
    sqs = client_of(lab, "sqs", "mina", allow("sqs:SendMessage", ARN + "orders"))
    sqs.send_message(QueueUrl=queues["orders"], MessageBody="hello")
    assert error_code(lambda: sqs.send_message(QueueUrl=queues["audit"], MessageBody="hi")) == "AccessDenied"


def test_a_deny_naming_one_queue_denies_exactly_that_one(lab, queues):
    """The IAM User Guide: "An explicit deny in any of the policies overrides the allow."."""
    sqs = client_of(lab, "sqs", "mina", allow("sqs:*"), deny("sqs:DeleteQueue", ARN + "orders"))
    code, message = error_of(lambda: sqs.delete_queue(QueueUrl=queues["orders"]))
    assert code == "AccessDenied"
    assert f"sqs:DeleteQueue on resource: {ARN}orders with an explicit deny" in message
    sqs.delete_queue(QueueUrl=queues["audit"])
    assert list(lab.admin_session().client("sqs").list_queues()["QueueUrls"]) == [queues["orders"]]


def test_the_queue_policy_grants_a_user_of_the_account_on_its_own(lab, queues):
    """The IAM User Guide: "If either the identity-based policy or the resource-based policy within the
    same account allows the request and the other doesn't, the request is still allowed."."""
    policy = doc(allow("sqs:SendMessage", ARN + "orders", **as_principal("mina")))
    admin = lab.admin_session().client("sqs")
    admin.set_queue_attributes(QueueUrl=queues["orders"], Attributes={"Policy": policy})
    sqs = client_of(lab, "sqs", "mina")
    sqs.send_message(QueueUrl=queues["orders"], MessageBody="hello")
    assert error_code(lambda: sqs.send_message(QueueUrl=queues["audit"], MessageBody="hi")) == "AccessDenied"


def test_tags_sent_with_create_queue_are_the_requests_tags(lab):
    """aws:RequestTag: "compare the tag key-value pair that was passed in the request with the tag pair
    that you specify in the policy" (IAM User Guide, global condition context keys)."""
    only_team_web = allow(
        "sqs:CreateQueue", ARN + "*", Condition={"StringEquals": {"aws:RequestTag/team": "web"}}
    )
    sqs = client_of(lab, "sqs", "mina", only_team_web)
    sqs.create_queue(QueueName="jobs", tags={"team": "web"})
    assert error_code(lambda: sqs.create_queue(QueueName="other", tags={"team": "data"})) == "AccessDenied"
    assert error_code(lambda: sqs.create_queue(QueueName="bare")) == "AccessDenied"


def test_a_deny_on_a_queue_tag_denies_the_tagged_queue_only(lab):
    """aws:ResourceTag: "compare the tag key-value pair that you specify in the policy with the key-value
    pair attached to the resource" (IAM User Guide, global condition context keys)."""
    admin = lab.admin_session().client("sqs")
    prod = admin.create_queue(QueueName="prod", tags={"env": "prod"})["QueueUrl"]
    dev = admin.create_queue(QueueName="dev", tags={"env": "dev"})["QueueUrl"]
    protect = deny("sqs:DeleteQueue", Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}})
    sqs = client_of(lab, "sqs", "mina", allow("sqs:*"), protect)
    assert error_code(lambda: sqs.delete_queue(QueueUrl=prod)) == "AccessDenied"
    sqs.delete_queue(QueueUrl=dev)
