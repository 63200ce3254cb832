"""No call of a service with an adapter is decided against "*" when AWS has a resource type for it.

Every API of those services that moto serves is resolved from a request carrying its
input members (as botocore's input shape names them); each (action, resource) it is
authorized as must be an action of the Service Authorization Reference and, where the
reference gives the action a resource type, a real ARN. The few calls whose resource
the lab cannot tell are listed below with the reason; the lab refuses them.
"""

import importlib
from functools import cache

import botocore.session
import pytest
from moto.core.utils import camelcase_to_underscores

from iamlab.lab.services import reference
from iamlab.lab.services.adapter import Unresolved, Where
from iamlab.lab.services.registry import ADAPTERS, adapter_for

WHERE = Where("123456789012", "ap-northeast-2")
RESPONSES = {
    "dynamodb": "moto.dynamodb.responses:DynamoHandler",
    "ec2": "moto.ec2.responses:EC2Response",
    "ecr": "moto.ecr.responses:ECRResponse",
    "es": "moto.opensearch.responses:OpenSearchServiceResponse",
    "kms": "moto.kms.responses:KmsResponse",
    "lambda": "moto.awslambda.responses:LambdaResponse",
    "organizations": "moto.organizations.responses:OrganizationsResponse",
    "secretsmanager": "moto.secretsmanager.responses:SecretsManagerResponse",
    "ses": "moto.ses.responses:EmailResponse",
    "sesv2": "moto.sesv2.responses:SESV2Response",
    "sns": "moto.sns.responses:SNSResponse",
    "sqs": "moto.sqs.responses:SQSResponse",
    "ssm": "moto.ssm.responses:SimpleSystemManagerResponse",
}
# Services whose adapter asks its own question (`describe`/`resolve`), tested call by call elsewhere
# (tests/lab/test_action_names.py, test_request_context.py, test_scenarios.py).
OWN_QUESTION = {"iam", "monitoring", "s3", "sts"}
ASSOCIATION = "names an association, not the resource; the lab does not look associations up"
SPOT = "the instance's image and network sit inside a nested launch specification"
PARTIQL = "the table is named inside the PartiQL statement, which the lab does not parse"
UNRESOLVED = {
    "dynamodb:BatchExecuteStatement": PARTIQL,
    "dynamodb:ExecuteStatement": PARTIQL,
    "dynamodb:ExecuteTransaction": PARTIQL,
    "ec2:DetachNetworkInterface": ASSOCIATION,
    "ec2:DisassociateAddress": ASSOCIATION,
    "ec2:DisassociateIamInstanceProfile": ASSOCIATION,
    "ec2:DisassociateRouteTable": ASSOCIATION,
    "ec2:DisassociateSubnetCidrBlock": ASSOCIATION,
    "ec2:DisassociateVpcCidrBlock": ASSOCIATION,
    "ec2:ReplaceIamInstanceProfileAssociation": ASSOCIATION,
    "ec2:RequestSpotFleet": SPOT,
    "ec2:RequestSpotInstances": SPOT,
}


def _sample(name: str, shape, depth: int = 0):
    """A plausible value for one input member: ARNs where an ARN goes, a queue URL for QueueUrl."""
    kind, low = shape.type_name, name.lower()
    if kind == "string":
        if low.endswith("url"):
            return f"http://127.0.0.1/{WHERE.account}/example"
        return "example"
    if kind in ("integer", "long"):
        return 1
    if kind == "list" and depth < 3:
        item = _sample(name.removesuffix("s"), shape.member, depth + 1)
        return None if item is None else [item]
    if kind == "map" and depth < 3:
        return {"example": {}}
    if kind == "structure" and depth < 3:
        members = {m: _sample(m, s, depth + 1) for m, s in shape.members.items()}
        return {m: v for m, v in members.items() if v is not None}
    return None


def _request(model, api: str, action: str) -> dict:
    shape = model.operation_model(api).input_shape
    request = {m: v for m, s in (shape.members.items() if shape else []) if (v := _sample(m, s)) is not None}
    slots = reference.slots(action)
    for member in [m for m in request if m == "Resource" or m.lower().endswith("arn")]:
        if slots and isinstance(request[member], str):  # an ARN of the action's first resource type
            values = {v: "example" for v in slots[0].variables}
            request[member] = slots[0].fill(values | {"Partition": "aws", **_environment()})
    if action in ("ec2:CreateTags", "ec2:DeleteTags"):
        request["Resources"] = ["i-0123456789abcdef0"]
    return request


def _environment() -> dict:
    return {"Region": WHERE.region, "Account": WHERE.account}


@cache
def _model(service: str):
    return botocore.session.get_session().get_service_model(service)


def _served_apis(service: str) -> list[str]:
    module, name = RESPONSES[service].split(":")
    methods = set(dir(getattr(importlib.import_module(module), name)))
    model = _model(service)
    return [api for api in model.operation_names if camelcase_to_underscores(api) in methods]


def _outcome(service: str, api: str):
    model = _model(service)
    adapter = adapter_for(service)
    try:
        return adapter.operations(api, _request(model, api, adapter.action(api)), WHERE) or None
    except Unresolved:
        return None


def test_every_registered_service_is_walked():
    assert set(RESPONSES) | OWN_QUESTION == set(ADAPTERS)
    assert not set(RESPONSES) & OWN_QUESTION


@pytest.mark.parametrize("service", sorted(RESPONSES))
def test_no_served_call_is_decided_against_star_when_aws_names_a_resource(service):
    """An action with no resource type is authorized against "*", as AWS does, and only such an action."""
    adapter = adapter_for(service)
    wrong, unresolved = [], set()
    for api in _served_apis(service):
        operations = _outcome(service, api)
        if operations is None:
            unresolved.add(adapter.action(api))
            continue
        for action, arn in operations:
            if not reference.known(action):
                wrong.append(f"{api}: {action} is no action of the reference")
            elif reference.slots(action) and not arn.startswith("arn:"):
                wrong.append(f"{api}: {action} decided against {arn!r}")
    assert wrong == []
    assert unresolved == {a for a in UNRESOLVED if a.startswith(f"{adapter.prefix}:")}


def test_resolution_is_looked_up_once_per_action():
    """The reference is read once per action; a request costs a cache lookup."""
    reference.slots.cache_clear()
    for _ in range(3):
        reference.slots("sqs:SendMessage")
    info = reference.slots.cache_info()
    assert (info.misses, info.hits) == (1, 2)

