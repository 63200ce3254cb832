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
UNALIASED_PATHS = {"execute-api": "/@connections"}  # the API Gateway Management API keeps its name
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


def _host(name: str, region: str, environ) -> str:
    """The host moto's server routes the request by (or the name of a backend it picks directly):
    the service's own rule's, if it has one that applies, else `<name>.<region>.amazonaws.com`."""
    path = environ.get("PATH_INFO", "")
    if not path.startswith(UNALIASED_PATHS.get(name, ())):
        name = SIGNING_ALIASES.get(name, name).lower()
    rule = HOST_RULES.get(name)
    return (rule and rule(name, region, environ, path)) or f"{name}.{region}.amazonaws.com"


def _without_region(name, region, environ, path) -> str:
    return f"{name}.amazonaws.com"


def _on_api_aws(name, region, environ, path) -> str:
    return f"{name}.{region}.api.aws"


def _mediastore_data(name, region, environ, path) -> str | None:
    """Every MediaStore API call has a target; a call without one is MediaStore Data's."""
    return None if environ.get("HTTP_X_AMZ_TARGET") else f"data.{name}.{region}.amazonaws.com"


def _dynamodb(name, region, environ, path) -> str:
    target = environ["HTTP_X_AMZ_TARGET"]
    if target.startswith("DynamoDBStreams"):
        return "dynamodbstreams"
    version = target.split("_")[1].split(".")[0]  # DynamoDB_20120810.ListTables
    return "dynamodb_v20111205" if version <= DYNAMODB_OLD_API else "dynamodb"


def _sagemaker(name, region, environ, path) -> str:
    if path.endswith("invocations"):
        return f"runtime.{name}.{region}.amazonaws.com"
    if path.endswith("BatchPutMetrics"):
        return f"metrics.{name}.{region}.amazonaws.com"
    return f"api.{name}.{region}.amazonaws.com"


def _ingest(name, region, environ, path) -> str:
    return f"ingest.{name}.{region}.amazonaws.com"


def _s3_control(name, region, environ, path) -> str | None:
    if path.startswith("/v20180820/") or "s3-control" in environ.get("HTTP_HOST", ""):
        return "s3control"
    return None


def _ses_v2(name, region, environ, path) -> str | None:
    return "sesv2" if path.startswith("/v2/") else None


def _memory_db(name, region, environ, path) -> str:
    return f"memory-db.{region}.amazonaws.com"


def _sharing_api(name, region, environ, path) -> str:
    """The API whose routes know the request's method and path (the signing name's if none does)."""
    from importlib import import_module

    from moto.core.request import Request

    for api, module, handler_class in SHARED_SIGNING_NAMES[name]:
        handler = getattr(import_module(module), handler_class)()
        handler.region = region
        if handler._get_action_from_method_and_request_uri(Request(environ.copy())):
            return f"{api}.{region}.amazonaws.com"
    return f"{name}.{region}.amazonaws.com"


# Services whose host moto's server names by more than the signing name and region.
HOST_RULES = {
    "budgets": _without_region,
    "cloudfront": _without_region,
    "aidevops": _on_api_aws,
    "dsql": _on_api_aws,
    "s3vectors": _on_api_aws,
    "mediastore": _mediastore_data,
    "dynamodb": _dynamodb,
    "sagemaker": _sagemaker,
    "timestream": _ingest,
    "s3": _s3_control,
    "ses": _ses_v2,
    "memorydb": _memory_db,
    **dict.fromkeys(SHARED_SIGNING_NAMES, _sharing_api),
}


@lru_cache(maxsize=1024)  # hosts are built from verified signing names and regions: few
def _backend_of(host: str) -> str | None:
    if host in _moto_packages():
        return host
    url = f"http://{host}"
    return next((backend for backend, pattern in backend_url_patterns if pattern.match(url)), None)


@cache
def _moto_packages() -> frozenset[str]:
    return frozenset(list_of_moto_modules())
