"""Which adapter serves which service: one line per service, keyed by its signing name."""

from __future__ import annotations

from functools import cache

from iamlab.lab.services.adapter import Adapter
from iamlab.lab.services.awslambda import Lambda
from iamlab.lab.services.dynamodb import DynamoDB
from iamlab.lab.services.ec2 import EC2
from iamlab.lab.services.ecr import ECR
from iamlab.lab.services.es import OpenSearch
from iamlab.lab.services.kms import KMS
from iamlab.lab.services.organizations import Organizations
from iamlab.lab.services.secretsmanager import SecretsManager
from iamlab.lab.services.sns import SNS
from iamlab.lab.services.sqs import SQS
from iamlab.lab.services.ssm import SSM

ADAPTERS: dict[str, type[Adapter]] = {
    "dynamodb": DynamoDB,
    "ec2": EC2,
    "ecr": ECR,
    "es": OpenSearch,
    "kms": KMS,
    "lambda": Lambda,
    "organizations": Organizations,
    "secretsmanager": SecretsManager,
    "sns": SNS,
    "sqs": SQS,
    "ssm": SSM,
}


@cache
def adapter_for(service: str) -> Adapter:
    """The adapter for a signing name (or IAM prefix); the generic one for services without their own."""
    return ADAPTERS.get(service, Adapter)(service)


def wire_protocol(service: str) -> str | None:
    """The wire protocol of the service's errors, when its requests' headers cannot tell it."""
    return adapter_for(service).denial.protocol
