"""OpenSearch domains decided by their own ARNs, the legacy Elasticsearch API's path-named domains
too; denials as REST-JSON `AccessDeniedException` with HTTP status 403."""

import pytest
from botocore.exceptions import ClientError

from tests.lab.helpers import allow, deny, error_code, error_of
from tests.lab.services.common import ACCOUNT, REGION, client_of, user_arn

ARN = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/"


@pytest.fixture
def domains(lab):
    es = lab.admin_session().client("es")
    for name in ("logs", "search"):
        es.create_elasticsearch_domain(DomainName=name)
    return es


def _names(es) -> list[str]:
    return sorted(d["DomainName"] for d in es.list_domain_names()["DomainNames"])


def test_a_deny_naming_one_domain_denies_deleting_exactly_that_one(lab, domains):
    """DeleteElasticsearchDomain names its domain only in the path (`/2015-01-01/es/domain/logs`)."""
    es = client_of(lab, "es", "mina", allow("es:*"), deny("es:DeleteElasticsearchDomain", ARN + "logs"))
    code, message = error_of(lambda: es.delete_elasticsearch_domain(DomainName="logs"))
    assert code == "AccessDeniedException"
    assert message == (
        f"User: {user_arn('mina')} is not authorized to perform: es:DeleteElasticsearchDomain on resource: "
        f"{ARN}logs with an explicit deny in an identity-based policy"
    )
    es.delete_elasticsearch_domain(DomainName="search")
    assert _names(domains) == ["logs"]


def test_a_policy_naming_a_domain_allows_exactly_that_domain(lab, domains):
    es = client_of(lab, "es", "mina", allow("es:DescribeElasticsearchDomain*", ARN + "logs"))
    assert es.describe_elasticsearch_domain(DomainName="logs")["DomainStatus"]["DomainName"] == "logs"
    es.describe_elasticsearch_domain_config(DomainName="logs")
    with pytest.raises(ClientError) as caught:
        es.describe_elasticsearch_domain(DomainName="search")
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert lab.journal[-1].resource == ARN + "search"


def test_the_opensearch_api_names_the_same_domains(lab, domains):
    opensearch = client_of(lab, "opensearch", "mina", allow("es:*"), deny("es:DeleteDomain", ARN + "logs"))
    assert error_code(lambda: opensearch.delete_domain(DomainName="logs")) == "AccessDeniedException"
    opensearch.delete_domain(DomainName="search")
    assert _names(domains) == ["logs"]
