"""Secrets decided by their full ARNs (with the random suffix); the secret's resource policy honoured."""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of

ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"


@pytest.fixture
def secrets(lab):
    sm = lab.admin_session().client("secretsmanager")
    return {name: sm.create_secret(Name=name, SecretString="s3cr3t")["ARN"] for name in ("db", "api")}


def test_a_policy_naming_a_secret_allows_exactly_that_secret(lab, secrets):
    sm = client_of(lab, "secretsmanager", "mina", allow("secretsmanager:GetSecretValue", ARN + "db-??????"))
    assert sm.get_secret_value(SecretId="db")["SecretString"] == "s3cr3t"
    assert sm.get_secret_value(SecretId=secrets["db"])["SecretString"] == "s3cr3t"
    assert error_code(lambda: sm.get_secret_value(SecretId="api")) == "AccessDeniedException"


def test_a_deny_naming_one_secret_denies_exactly_that_one(lab, secrets):
    statements = allow("secretsmanager:*"), deny("secretsmanager:DeleteSecret", secrets["db"])
    sm = client_of(lab, "secretsmanager", "mina", *statements)
    code, message = error_of(lambda: sm.delete_secret(SecretId="db", ForceDeleteWithoutRecovery=True))
    assert code == "AccessDeniedException"
    assert f"on resource: {secrets['db']} with an explicit deny" in message
    sm.delete_secret(SecretId="api", ForceDeleteWithoutRecovery=True)
    assert [s["Name"] for s in sm.list_secrets()["SecretList"]] == ["db"]


def test_creating_a_secret_is_authorized_against_its_name_and_suffix(lab):
    sm = client_of(lab, "secretsmanager", "mina", allow("secretsmanager:CreateSecret", ARN + "team/*"))
    sm.create_secret(Name="team/db", SecretString="x")
    assert error_code(lambda: sm.create_secret(Name="other", SecretString="x")) == "AccessDeniedException"


def test_the_secret_policy_grants_a_user_of_the_account_on_its_own(lab, secrets):
    admin = lab.admin_session().client("secretsmanager")
    policy = doc(allow("secretsmanager:GetSecretValue", "*", **as_principal("mina")))
    admin.put_resource_policy(SecretId="db", ResourcePolicy=policy)
    sm = client_of(lab, "secretsmanager", "mina")
    assert sm.get_secret_value(SecretId="db")["SecretString"] == "s3cr3t"
    assert error_code(lambda: sm.get_secret_value(SecretId="api")) == "AccessDeniedException"


def test_an_allow_on_a_secret_tag_allows_the_tagged_secret_only(lab):
    admin = lab.admin_session().client("secretsmanager")
    admin.create_secret(Name="web-db", SecretString="x", Tags=[{"Key": "team", "Value": "web"}])
    admin.create_secret(Name="data-db", SecretString="x", Tags=[{"Key": "team", "Value": "data"}])
    abac = allow("secretsmanager:GetSecretValue", Condition={"StringEquals": {"aws:ResourceTag/team": "web"}})
    sm = client_of(lab, "secretsmanager", "mina", abac)
    assert sm.get_secret_value(SecretId="web-db")["SecretString"] == "x"
    assert error_code(lambda: sm.get_secret_value(SecretId="data-db")) == "AccessDeniedException"
