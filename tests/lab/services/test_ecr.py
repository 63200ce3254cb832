"""ECR repositories decided by their own ARNs; the repository policy honoured."""

import pytest

from tests.lab.helpers import allow, deny, doc, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, as_principal, client_of

ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/"


@pytest.fixture
def repositories(lab):
    ecr = lab.admin_session().client("ecr")
    for name in ("web", "worker"):
        ecr.create_repository(repositoryName=name)
    return ecr


def test_a_policy_naming_a_repository_allows_exactly_that_repository(lab, repositories):
    ecr = client_of(lab, "ecr", "mina", allow("ecr:ListImages", ARN + "web"))
    assert ecr.list_images(repositoryName="web")["imageIds"] == []
    assert error_code(lambda: ecr.list_images(repositoryName="worker")) == "AccessDeniedException"


def test_a_deny_naming_one_repository_denies_exactly_that_one(lab, repositories):
    ecr = client_of(lab, "ecr", "mina", allow("ecr:*"), deny("ecr:DeleteRepository", ARN + "web"))
    code, message = error_of(lambda: ecr.delete_repository(repositoryName="web"))
    assert code == "AccessDeniedException"
    assert f"ecr:DeleteRepository on resource: {ARN}web with an explicit deny" in message
    ecr.delete_repository(repositoryName="worker")
    names = [r["repositoryName"] for r in repositories.describe_repositories()["repositories"]]
    assert names == ["web"]


def test_the_repository_policy_grants_a_user_of_the_account_on_its_own(lab, repositories):
    """A repository policy has no Resource element: it applies to its repository."""
    statement = {"Sid": "mina", "Effect": "Allow", "Action": "ecr:ListImages", **as_principal("mina")}
    repositories.set_repository_policy(repositoryName="web", policyText=doc(statement))
    ecr = client_of(lab, "ecr", "mina")
    assert ecr.list_images(repositoryName="web")["imageIds"] == []
    assert error_code(lambda: ecr.list_images(repositoryName="worker")) == "AccessDeniedException"
