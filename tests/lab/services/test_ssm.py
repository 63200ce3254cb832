"""Systems Manager parameters decided by their own ARNs (`parameter/NAME` without the leading slash)."""

import pytest

from tests.lab.helpers import allow, deny, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, client_of

ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/"


@pytest.fixture
def parameters(lab):
    ssm = lab.admin_session().client("ssm")
    for name in ("/app/db", "/app/web"):
        ssm.put_parameter(Name=name, Value="secret", Type="String")
    return ssm


def test_a_policy_naming_a_parameter_allows_exactly_that_parameter(lab, parameters):
    ssm = client_of(lab, "ssm", "mina", allow("ssm:GetParameter", ARN + "app/db"))
    assert ssm.get_parameter(Name="/app/db")["Parameter"]["Value"] == "secret"
    assert error_code(lambda: ssm.get_parameter(Name="/app/web")) == "AccessDeniedException"


def test_a_deny_naming_one_parameter_denies_exactly_that_one(lab, parameters):
    ssm = client_of(lab, "ssm", "mina", allow("ssm:*"), deny("ssm:DeleteParameter", ARN + "app/db"))
    code, message = error_of(lambda: ssm.delete_parameter(Name="/app/db"))
    assert code == "AccessDeniedException"
    assert f"ssm:DeleteParameter on resource: {ARN}app/db with an explicit deny" in message
    ssm.delete_parameter(Name="/app/web")
    assert [p["Name"] for p in parameters.describe_parameters()["Parameters"]] == ["/app/db"]


def test_a_path_query_is_authorized_against_the_path(lab, parameters):
    ssm = client_of(lab, "ssm", "mina", allow("ssm:GetParametersByPath", ARN + "app"))
    assert len(ssm.get_parameters_by_path(Path="/app")["Parameters"]) == 2
    assert error_code(lambda: ssm.get_parameters_by_path(Path="/other")) == "AccessDeniedException"
