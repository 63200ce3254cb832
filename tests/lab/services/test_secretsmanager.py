"""Secrets decided by their full ARNs (with the random suffix); the secret's resource policy honoured."""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of, user_arn

ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
BATCH, GET = "secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"


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


def test_a_batch_returns_the_secrets_the_caller_may_read_and_lists_the_others_under_errors(lab, secrets):
    """A secret the caller may not read is an entry of `Errors`; the call and the other secrets stand.

    "If Secrets Manager encounters errors such as AccessDeniedException while attempting to retrieve
    any of the secrets, you can see the errors in Errors in the response." (API Reference,
    BatchGetSecretValue)
    """
    statements = allow(BATCH), allow(GET, secrets["db"])
    sm = client_of(lab, "secretsmanager", "mina", *statements)
    answer = sm.batch_get_secret_value(SecretIdList=["db", "api"])
    assert [(v["Name"], v["SecretString"]) for v in answer["SecretValues"]] == [("db", "s3cr3t")]
    [error] = answer["Errors"]
    assert error["SecretId"] == "api"
    assert error["ErrorCode"] == "AccessDeniedException"
    assert error["Message"] == (
        f"User: {user_arn('mina')} is not authorized to perform: secretsmanager:GetSecretValue on resource: "
        f"{secrets['api']} because no identity-based policy allows the secretsmanager:GetSecretValue action"
    )
    denied = [e for e in lab.journal.entries() if e.action == "secretsmanager:GetSecretValue"]
    assert [(e.resource, e.result) for e in denied] == [(secrets["api"], "ImplicitlyDenied")]


def test_a_batch_never_shows_a_denied_secret_even_when_every_secret_is_denied(lab, secrets):
    statements = allow(BATCH), deny(GET, secrets["db"])
    sm = client_of(lab, "secretsmanager", "mina", *statements, allow(GET))
    answer = sm.batch_get_secret_value(SecretIdList=[secrets["db"]])
    assert answer["SecretValues"] == []
    [error] = answer["Errors"]
    assert (error["SecretId"], error["ErrorCode"]) == (secrets["db"], "AccessDeniedException")
    assert error["Message"].endswith("with an explicit deny in an identity-based policy")
    nobody = client_of(lab, "secretsmanager", "dana", allow(BATCH))
    answer = nobody.batch_get_secret_value(SecretIdList=["db", "api", "missing"])
    assert answer["SecretValues"] == []
    assert [e["SecretId"] for e in answer["Errors"]] == ["db", "api", "missing"]
    assert {e["ErrorCode"] for e in answer["Errors"]} == {"AccessDeniedException"}


def test_a_batch_itself_needs_batch_get_secret_value(lab, secrets):
    """The call itself is denied without its own action.

    "Required permissions: secretsmanager:BatchGetSecretValue, and you must have
    secretsmanager:GetSecretValue for each secret." (API Reference, BatchGetSecretValue)
    """
    sm = client_of(lab, "secretsmanager", "mina", allow(GET))
    code, message = error_of(lambda: sm.batch_get_secret_value(SecretIdList=["db"]))
    assert code == "AccessDeniedException"
    assert "secretsmanager:BatchGetSecretValue" in message


def test_a_batch_by_filters_also_needs_list_secrets_and_reports_denied_secrets_by_arn(lab, secrets):
    """A batch chosen by filters is denied without ListSecrets; a denied secret is named by its ARN.

    "If you use filters, you must also have secretsmanager:ListSecrets." (API Reference,
    BatchGetSecretValue)
    """
    by_name = [{"Key": "name", "Values": ["db", "api"]}]
    reader = allow(BATCH), allow(GET, secrets["api"])
    sm = client_of(lab, "secretsmanager", "mina", *reader)
    code, message = error_of(lambda: sm.batch_get_secret_value(Filters=by_name))
    assert code == "AccessDeniedException"
    assert "secretsmanager:ListSecrets" in message
    sm = client_of(lab, "secretsmanager", "dana", *reader, allow("secretsmanager:ListSecrets"))
    answer = sm.batch_get_secret_value(Filters=by_name)
    assert [v["Name"] for v in answer["SecretValues"]] == ["api"]
    assert [(e["SecretId"], e["ErrorCode"]) for e in answer["Errors"]] == [
        (secrets["db"], "AccessDeniedException")
    ]


def test_a_deny_on_a_tag_lists_the_tagged_secret_of_a_batch_under_errors(lab):
    """Each secret of a batch is asked about with its own tags; the tagged one alone is refused."""
    admin = lab.admin_session().client("secretsmanager")
    admin.create_secret(Name="web", SecretString="w")
    admin.create_secret(Name="db", SecretString="d", Tags=[{"Key": "env", "Value": "prod"}])
    on_prod = {"StringEquals": {"aws:ResourceTag/env": "prod"}}
    sm = client_of(lab, "secretsmanager", "mina", allow("*"), deny(GET, Condition=on_prod))
    answer = sm.batch_get_secret_value(SecretIdList=["web", "db"])
    assert [v["SecretString"] for v in answer["SecretValues"]] == ["w"]
    assert [(e["SecretId"], e["ErrorCode"]) for e in answer["Errors"]] == [("db", "AccessDeniedException")]


def test_a_batch_secrets_manager_refuses_is_refused_in_its_words_when_a_secret_is_denied(lab, secrets):
    """Bad input is Secrets Manager's own 4xx, whichever secrets the caller may read."""
    sm = client_of(lab, "secretsmanager", "mina", allow(BATCH), allow(GET, secrets["db"]))
    code, message = error_of(lambda: sm.batch_get_secret_value(SecretIdList=["db", "api"], MaxResults=5))
    assert code == "InvalidParameterException"
    assert "'Filters' must also be specified when 'MaxResults' is provided" in message


def test_a_secret_the_gate_was_not_asked_about_is_never_shown(lab, secrets, monkeypatch):
    """A secret that appears between the decision and the answer (created meanwhile) is withheld."""
    from iamlab.lab.services.secretsmanager import SecretsManager

    decided_before = SecretsManager._batch
    monkeypatch.setattr(SecretsManager, "_batch", lambda self, *args: decided_before(self, *args)[:1])
    sm = client_of(lab, "secretsmanager", "mina", allow("secretsmanager:*"))
    answer = sm.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["db", "api"]}])
    assert [v["ARN"] for v in answer["SecretValues"]] == [secrets["db"]]
    assert [(e["SecretId"], e["ErrorCode"]) for e in answer["Errors"]] == [
        (secrets["api"], "ResourceNotFoundException")
    ]
