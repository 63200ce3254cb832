"""Which moto backend serves a signed request, from the credential scope the front door verified.

moto's server (`DomainDispatcherApplication`, which lives beside Flask and imports it) names a
host for the request's signing name and region, then takes the first backend whose URL pattern
(`moto.backend_index`) matches that host. A few services need more than the signing name: a
signing name that is not the service's endpoint prefix, an API told apart by its path or its
`X-Amz-Target`, a service on an `api.aws` host or with no region. This module makes the same
choice for the requests the lab serves (all of them signed); tests/lab/test_moto_dispatch.py
compares it with moto's for every signing name botocore knows.
"""

from __future__ import annotations

from functools import cache, lru_cache

from moto.backend_index import backend_url_patterns
from moto.backends import list_of_moto_modules

# Signing names whose backend is found under another name.
SIGNING_ALIASES = {
    "eventbridge": "events",
    "execute-api": "iot",
    "iotdata": "data.iot",
    "mobiletargeting": "pinpoint",
    "payment-cryptography": "controlplane.payment-cryptography",
}
NO_REGION = frozenset({"budgets", "cloudfront"})  # global services, one endpoint without a region
API_AWS_HOSTS = frozenset({"aidevops", "dsql", "s3vectors"})  # endpoints under api.aws
# A signing name several APIs share; moto asks each one's handler, in this order, if the path is its own.
SHARED_SIGNING_NAMES = {
    "bedrock-agentcore": (
        ("bedrock-agentcore", "moto.bedrockagentcore.responses", "BedrockAgentCoreResponse"),
        ("bedrock-agentcore-control", "moto.bedrockagentcorecontrol.responses",
         "BedrockAgentCoreControlResponse"),
    ),
    "bedrock": (
        ("bedrock", "moto.bedrock.responses", "BedrockResponse"),
        ("bedrock-agent", "moto.bedrockagent.responses", "AgentsforBedrockResponse"),
        ("bedrock-runtime", "moto.bedrockruntime.responses", "BedrockRuntimeResponse"),
    ),
}  # fmt: skip
DYNAMODB_OLD_API = "20111205"  # X-Amz-Target DynamoDB_20111205.* and older: moto's separate backend


def backend_for(signing_name: str, region: str, environ) -> str | None:
    """The name of moto's backend for a request signed for `signing_name` in `region`, or None if
    moto serves no such service. A DynamoDB request without a DynamoDB target raises LookupError."""
    return _backend_of(_host(signing_name.lower(), region, environ))


def _host(service: str, region: str, environ) -> str:
    """The host moto's server routes the request by (or the name of a backend it picks directly)."""
    path = environ.get("PATH_INFO", "")
    if not (service == "execute-api" and path.startswith("/@connections")):  # API Gateway Management
        service = SIGNING_ALIASES.get(service, service).lower()
    target = environ.get("HTTP_X_AMZ_TARGET")
    if service in NO_REGION:
        return f"{service}.amazonaws.com"
    if service in API_AWS_HOSTS:
        return f"{service}.{region}.api.aws"
    if service == "mediastore" and not target:  # every MediaStore API call has a target; data has none
        return f"data.mediastore.{region}.amazonaws.com"
    if service == "dynamodb":
        return _dynamodb(environ["HTTP_X_AMZ_TARGET"])
    if service == "sagemaker":
        if path.endswith("invocations"):
            return f"runtime.sagemaker.{region}.amazonaws.com"
        if path.endswith("BatchPutMetrics"):
            return f"metrics.sagemaker.{region}.amazonaws.com"
        return f"api.sagemaker.{region}.amazonaws.com"
    if service == "timestream":
        return f"ingest.timestream.{region}.amazonaws.com"
    if service == "s3" and (path.startswith("/v20180820/") or "s3-control" in environ.get("HTTP_HOST", "")):
        return "s3control"
    if service == "ses" and path.startswith("/v2/"):
        return "sesv2"
    if service == "memorydb":
        return f"memory-db.{region}.amazonaws.com"
    if service in SHARED_SIGNING_NAMES:
        service = _sharing_api(service, region, environ)
    return f"{service}.{region}.amazonaws.com"


def _dynamodb(target: str) -> str:
    if target.startswith("DynamoDBStreams"):
        return "dynamodbstreams"
    version = target.split("_")[1].split(".")[0]  # DynamoDB_20120810.ListTables
    return "dynamodb_v20111205" if version <= DYNAMODB_OLD_API else "dynamodb"


def _sharing_api(signing_name: str, region: str, environ) -> str:
    """The API whose routes know the request's method and path (the signing name if none does)."""
    from importlib import import_module

    from moto.core.request import Request

    for api, module, handler_class in SHARED_SIGNING_NAMES[signing_name]:
        handler = getattr(import_module(module), handler_class)()
        handler.region = region
        if handler._get_action_from_method_and_request_uri(Request(environ.copy())):
            return api
    return signing_name


@lru_cache(maxsize=1024)  # hosts are built from verified signing names and regions: few
def _backend_of(host: str) -> str | None:
    if host in _moto_packages():
        return host
    url = f"http://{host}"
    return next((backend for backend, pattern in backend_url_patterns if pattern.match(url)), None)


@cache
def _moto_packages() -> frozenset[str]:
    return frozenset(list_of_moto_modules())
