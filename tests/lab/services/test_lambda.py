"""Lambda functions decided by their own ARNs (qualified ones too); the function policy honoured;
denials as REST-JSON `AccessDeniedException` with HTTP status 403."""

import pytest
from botocore.exceptions import ClientError

from tests.lab.helpers import allow, deny, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, client_of, create_functions, user_arn

ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"


@pytest.fixture
def functions(lab):
    return create_functions(lab, {"resize": {}, "report": {}})


def test_a_policy_naming_a_function_allows_exactly_that_function(lab, functions):
    client = client_of(lab, "lambda", "mina", allow("lambda:GetFunction", ARN + "resize"))
    assert client.get_function(FunctionName="resize")["Configuration"]["FunctionName"] == "resize"
    assert client.get_function(FunctionName=ARN + "resize")["Configuration"]["FunctionName"] == "resize"
    with pytest.raises(ClientError) as caught:
        client.get_function(FunctionName="report")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_qualified_call_needs_the_qualified_arn(lab, functions):
    """A policy naming `function:NAME` does not cover `function:NAME:QUALIFIER`."""
    client = client_of(lab, "lambda", "mina", allow("lambda:GetFunction", ARN + "resize"))
    code, message = error_of(lambda: client.get_function(FunctionName="resize", Qualifier="$LATEST"))
    assert code == "AccessDeniedException"
    assert f"on resource: {ARN}resize:$LATEST" in message


def test_a_deny_naming_one_function_denies_exactly_that_one(lab, functions):
    client = client_of(
        lab, "lambda", "mina", allow("lambda:*"), deny("lambda:DeleteFunction", ARN + "resize")
    )
    code, message = error_of(lambda: client.delete_function(FunctionName="resize"))
    assert code == "AccessDeniedException"
    assert f"lambda:DeleteFunction on resource: {ARN}resize with an explicit deny" in message
    client.delete_function(FunctionName="report")
    assert [f["FunctionName"] for f in functions.list_functions()["Functions"]] == ["resize"]


def test_the_function_policy_grants_a_user_of_the_account_on_its_own(lab, functions):
    functions.add_permission(
        FunctionName="resize", StatementId="mina", Action="lambda:GetFunction", Principal=user_arn("mina")
    )
    client = client_of(lab, "lambda", "mina")
    assert client.get_function(FunctionName="resize")["Configuration"]["FunctionName"] == "resize"
    assert error_code(lambda: client.get_function(FunctionName="report")) == "AccessDeniedException"
