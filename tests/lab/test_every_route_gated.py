"""Every operation of every service moto serves passes the gate before moto acts (issue 8, item 6).

The structural test walks every route moto's server registers, for every service, and checks
that each is either authorized by moto's own `call_action`/S3 code (which the lab hooks) or gated
by the lab when moto has read the request. The sampled test sends real, signed requests from a
user with no permissions to services of each kind and checks that each is denied by a decision
of the engine, before anything happened.
"""

import inspect
import re

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.core.responses import BaseResponse
from moto.s3.responses import S3Response

from iamlab.lab.moto import hooks

# Services served through each kind of route: call_action, S3's own, and the routes the lab gates
# itself (legacy Elasticsearch, CodeDeploy tagging, API Gateway, WorkSpaces Web, ELB, DynamoDB...).
SAMPLED = (
    "iam", "sts", "s3", "ec2", "lambda", "sqs", "sns", "kms", "logs", "ecs", "rds", "ssm",
    "secretsmanager", "cloudwatch", "events", "glue", "route53", "opensearch", "es", "codedeploy",
    "apigateway", "apigatewayv2", "workspaces-web", "elb", "elbv2", "cloudformation", "dynamodb",
    "autoscaling", "appsync", "cognito-idp",
)  # fmt: skip
# Routes that answer without building a moto handler; each changes no state (checked by reading them).
STATELESS_ROUTES = {
    "APIGatewayResponse.get_rest_api_without_id",  # answers "{}"
    "ApiGatewayV2Response.get_api_without_id",  # answers "{}"
    "AppSyncResponse.dns_event_response",  # echoes identifiers
    "CodeDeployResponse.list_tags_for_resource",  # unbound: fails before reaching the backend
    "CodeDeployResponse.tag_resource",
    "CodeDeployResponse.untag_resource",
    "CognitoIdpJsonWebKeyResponse.serve_json_web_key",  # a fixed public document
    "CognitoIdpOpenIdConfigurationResponse.serve_openid_configuration",
    "InstanceMetadataResponse.metadata_response",  # moto's fake metadata, refused by the lab anyway
}
MUTATING = ("Create", "Delete", "Put", "Update", "Tag", "Untag", "Add", "Remove", "Attach")


def moto_routes():
    """(service, url rule, handler) for every route moto's server registers."""
    from moto.backends import get_backend, list_of_moto_modules
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.core.base_backend import BackendDict

    for service in list_of_moto_modules():
        try:
            backends = get_backend(service)
        except AttributeError:  # helper packages (core, utilities, moto_server...) serve nothing
            continue
        if isinstance(backends, BackendDict):
            regions = backends[DEFAULT_ACCOUNT_ID]
            backend = regions["us-east-1"] if "us-east-1" in regions else regions["aws"]
        else:
            backend = backends["global"]
        for rule, handler in backend.flask_paths.items():
            yield service, rule, handler


def test_every_moto_route_is_gated_before_its_action():
    base_source = inspect.getsource(BaseResponse.call_action)
    assert base_source.index("_authenticate_and_authorize_normal_action") < base_source.index("method()"), (
        "moto's call_action no longer authorizes before it acts"
    )
    s3_verbs = [
        getattr(S3Response, name)
        for name in dir(S3Response)
        if re.fullmatch(r"_(bucket|key)_response_(get|put|delete|post)", name)
    ]
    assert len(s3_verbs) == 8
    for method in s3_verbs:
        assert "_authenticate_and_authorize_s3_action" in inspect.getsource(method), method.__name__
    routes = list(moto_routes())
    lab_gated = {(s, getattr(h, "__qualname__", repr(h))) for s, _, h in routes if not hooks.moto_gates(h)}
    assert len(routes) > 900 and len({s for s, _, _ in routes}) > 150
    # the legacy Elasticsearch API and the DynamoDB 2011-12-05 API skip moto's authorization
    assert ("es", "OpenSearchServiceResponse.domains") in lab_gated
    assert ("dynamodb_v20111205", "BaseResponse.dispatch") in lab_gated
    for service, rule, handler in routes:
        if service == "moto_api":  # moto's control API: the front door refuses it before any routing
            continue
        owner = getattr(handler, "__self__", None)
        if hooks.moto_gates(handler):
            assert issubclass(owner, S3Response) or owner.call_action is BaseResponse.call_action, rule
            continue
        source = inspect.getsource(getattr(handler, "__func__", handler))
        if not any(step in source for step in ("setup_class", "dispatch", "call_action")):
            # never reaches setup_class, so only the after-the-fact refusal covers it: it must change nothing
            assert getattr(handler, "__qualname__", "") in STATELESS_ROUTES, rule


# Each service's own denial code (AccessDenied, AccessDeniedException, AuthorizationError, ...).
DENIALS = ("AccessDenied", "AccessDeniedException", "AuthorizationError", "UnauthorizedOperation")


def _minimal(shape, depth=0):
    """The smallest well-formed value of `shape`: only required members, placeholder values."""
    kind = shape.type_name
    if kind == "structure":
        return {n: _minimal(shape.members[n], depth + 1) for n in shape.required_members} if depth < 6 else {}
    placeholders = {"list": [], "map": {}, "integer": 1, "long": 1, "double": 1.0, "float": 1.0,
                    "boolean": False, "timestamp": 0, "blob": b"x"}  # fmt: skip
    if kind in placeholders:
        return placeholders[kind]
    return (getattr(shape, "enum", None) or ["iamlabprobe"])[0]


def sampled_operations():
    models = botocore.session.get_session()
    for service in SAMPLED:
        model = models.get_service_model(service)
        names = [n for n in model.operation_names if n.startswith(MUTATING)]
        for name in names[:: max(1, len(names) // 3)][:3]:
            shape = model.operation_model(name).input_shape
            yield service, name, _minimal(shape) if shape is not None else {}


def test_a_caller_without_permissions_is_denied_by_the_engine_before_moto_acts(lab):
    """ "By default, all requests are implicitly denied" (IAM User Guide, policy evaluation logic)."""
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName="nobody")
    key = iam.create_access_key(UserName="nobody")["AccessKey"]
    session = lab.session(key["AccessKeyId"], key["SecretAccessKey"])
    config = Config(parameter_validation=False, retries={"max_attempts": 1})
    passed, checked = [], 0
    for service, name, params in sampled_operations():
        client = session.client(service, config=config)
        before = len(lab.journal)
        try:
            client._make_api_call(name, params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in ("404", "NotImplemented", "InvalidAction"):  # moto does not serve this operation
                continue
            entries = lab.journal.entries()[before:]
            decided = [e for e in entries if e.decision is not None]
            checked += 1
            if code in ("ValidationError", "InvalidInput") and not any(e.allowed for e in decided):
                continue  # IAM and STS check a request's syntax before they authorize it: nothing happened
            refused = [e for e in entries if e.result in DENIALS]  # a resource the lab cannot name
            if code not in DENIALS or not (decided or refused) or any(e.allowed for e in entries):
                passed.append((service, name, code))
        else:
            passed.append((service, name, "succeeded"))
    assert passed == []
    assert checked > 60
