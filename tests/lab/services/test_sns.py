"""SNS topics decided by their own ARNs, the topic policy honoured, denials as AuthorizationError."""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of

ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:"


@pytest.fixture
def topics(lab):
    sns = lab.admin_session().client("sns")
    return {name: sns.create_topic(Name=name)["TopicArn"] for name in ("alerts", "news")}


def test_a_policy_naming_a_topic_allows_exactly_that_topic(lab, topics):
    sns = client_of(lab, "sns", "mina", allow("sns:Publish", ARN + "alerts"))
    sns.publish(TopicArn=topics["alerts"], Message="hello")
    assert error_code(lambda: sns.publish(TopicArn=topics["news"], Message="hello")) == "AuthorizationError"


def test_a_deny_naming_one_topic_denies_exactly_that_one(lab, topics):
    sns = client_of(lab, "sns", "mina", allow("sns:*"), deny("sns:DeleteTopic", ARN + "alerts"))
    code, message = error_of(lambda: sns.delete_topic(TopicArn=topics["alerts"]))
    assert code == "AuthorizationError"
    assert f"sns:DeleteTopic on resource: {ARN}alerts with an explicit deny" in message
    sns.delete_topic(TopicArn=topics["news"])
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [topics["alerts"]]


def test_the_topic_policy_grants_a_user_of_the_account_on_its_own(lab, topics):
    policy = doc(allow("sns:Publish", ARN + "alerts", **as_principal("mina")))
    admin = lab.admin_session().client("sns")
    admin.set_topic_attributes(TopicArn=topics["alerts"], AttributeName="Policy", AttributeValue=policy)
    sns = client_of(lab, "sns", "mina")
    sns.publish(TopicArn=topics["alerts"], Message="hello")
    assert error_code(lambda: sns.publish(TopicArn=topics["news"], Message="hello")) == "AuthorizationError"


def test_the_default_topic_policy_grants_no_one_by_itself(lab, topics):
    """The default policy allows "*" only under `AWS:SourceOwner`, which a user's request does not carry."""
    sns = client_of(lab, "sns", "mina")
    assert error_code(lambda: sns.get_topic_attributes(TopicArn=topics["news"])) == "AuthorizationError"
