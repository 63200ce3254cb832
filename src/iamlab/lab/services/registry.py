"""Which adapter serves which service: one line per service, keyed by its signing name (an API that
shares another's signing name by the name `service_of` gives it)."""

from __future__ import annotations

from functools import lru_cache

from iamlab.lab.services import reference
from iamlab.lab.services.adapter import Adapter, Where, where_of
from iamlab.lab.services.awslambda import Lambda
from iamlab.lab.services.cloudwatch import CloudWatch
from iamlab.lab.services.dynamodb import DynamoDB
from iamlab.lab.services.ec2 import EC2
from iamlab.lab.services.ecr import ECR
from iamlab.lab.services.es import OpenSearch
from iamlab.lab.services.iam import IAM
from iamlab.lab.services.kms import KMS
from iamlab.lab.services.organizations import Organizations
from iamlab.lab.services.s3 import S3
from iamlab.lab.services.secretsmanager import SecretsManager
from iamlab.lab.services.ses import SES, SESv2
from iamlab.lab.services.sns import SNS
from iamlab.lab.services.sqs import SQS
from iamlab.lab.services.ssm import SSM
from iamlab.lab.services.sts import STS

ADAPTERS: dict[str, type[Adapter]] = {
    "dynamodb": DynamoDB,
    "ec2": EC2,
    "ecr": ECR,
    "es": OpenSearch,
    "iam": IAM,
    "kms": KMS,
    "lambda": Lambda,
    "monitoring": CloudWatch,
    "organizations": Organizations,
    "s3": S3,
    "secretsmanager": SecretsManager,
    "ses": SES,
    "sesv2": SESv2,  # signs as "ses": see SHARED_SIGNING_NAMES
    "sns": SNS,
    "sqs": SQS,
    "ssm": SSM,
    "sts": STS,
}

# APIs signed with another API's signing name, told apart by the path their requests use.
SHARED_SIGNING_NAMES: dict[str, tuple[tuple[str, str], ...]] = {"ses": (("/v2/email/", "sesv2"),)}


def service_of(signing_name: str, path: str) -> str:
    """The registry's name for the API a request calls: its signing name, unless another API
    shares that name and the request's path is that API's."""
    for prefix, service in SHARED_SIGNING_NAMES.get(signing_name, ()):
        if path.startswith(prefix):
            return service
    return signing_name


@lru_cache(maxsize=256)  # bounded: requests may name any service
def adapter_for(service: str) -> Adapter:
    """The adapter for a signing name (or IAM prefix); the generic one for services without their own."""
    return ADAPTERS.get(service, Adapter)(service)


def wire_protocol(service: str) -> str | None:
    """The wire protocol of the service's errors, when its requests' headers cannot tell it."""
    return ADAPTERS.get(service, Adapter).denial.protocol


def endpoint_region(service: str | None) -> str | None:
    """A global service's one endpoint region (its `aws:RequestedRegion`); None for regional ones."""
    return ADAPTERS.get(service, Adapter).endpoint_region


def owner_of(arn: str) -> str | None:
    """The account that owns the resource `arn`, as its service tells (a bucket's creator for S3)."""
    parts = arn.split(":", 3)
    return adapter_for(parts[2]).owner(arn) if len(parts) == 4 and parts[0] == "arn" else None


def resource_tags(action: str, resource: str, where: Where) -> dict[str, str]:
    """`aws:ResourceTag/*` of `resource` alone, for the one question about it.

    A call on several resources asks one question per resource, each with that resource's own
    tags: a Deny on a tag stops the call if any one of them carries it, and an Allow on a tag
    allows it only if every one does. The request's shared context never holds them.
    """
    if resource == "*" or not reference.tagged(action, resource):
        return {}
    tags = adapter_for(action.split(":", 1)[0]).resource_tags(resource, where_of(resource, where))
    return {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
