"""A request's operation and parameters as botocore's input shape names them, whatever the wire protocol.

moto parses some services' requests itself (`handler.params`); for the others (JSON
services such as KMS, REST-JSON such as Lambda) its own protocol parsers are run here on
the request moto already holds, without changing what moto later does with it. Query-protocol
services (IAM, STS) arrive flat (`Tags.member.1.Key`); `folded_params` gives them the same shape.
The moto internals used here are hook points (`lab/moto/hooks.py`): a moto that moves them fails loudly.

A handler may serve an API its own model lacks: moto answers the legacy Elasticsearch API
(`es`, 2015-01-01) with its OpenSearch handler. Such a request is read with the model of the
service it was signed for, path parameters (`/es/domain/{DomainName}`) included.
"""

from __future__ import annotations

from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import determine_request_protocol
from moto.core.routing import get_service_router
from moto.core.utils import get_service_model


def api_of(handler, service: str) -> str:
    """The operation the request calls: moto's own name for it, else the one the signing
    service's API model routes its method and path to ("Unknown" when neither can tell).

    moto serves the legacy Elasticsearch API (2015-01-01) with its OpenSearch handler, whose
    model does not know those paths; the `es` model does.
    """
    api = handler._get_action()
    if api:
        return api
    request = getattr(handler, "normalized_request", None)
    if request is None:
        return "Unknown"
    try:
        operation, _ = get_service_router(service).match(request)
    except Exception:  # no such model, or no operation at this method and path
        return "Unknown"
    return operation.name or "Unknown"


def request_params(handler, api: str, service: str = "") -> dict | None:
    """The request's input members (`{"QueueUrl": ..., "Tags": [...]}`); None when unparseable."""
    parsed = getattr(handler, "params", None)
    if getattr(handler, "automated_parameter_parsing", False) and isinstance(parsed, dict):
        return parsed
    try:
        model = get_service_model(handler.boto3_service_name)
        request = handler.normalized_request
        url_params = getattr(handler, "uri_match", None) or {}
        if api not in model.operation_names and service:  # served by another service's handler
            model = get_service_model(service)
            url_params = get_service_router(service).match(request)[1]
        protocol = determine_request_protocol(model, request.content_type)
        parser = PROTOCOL_PARSERS[protocol](model.operation_model(api), map_type=dict)
        parsed = parser.parse(
            {
                "method": request.method,
                "values": request.values,
                "headers": request.headers,
                "body": request.data,
                "url_path": request.path,
                "url_params": url_params,
            }
        )
    except Exception:  # a body the model cannot read
        return None
    return parsed if isinstance(parsed, dict) else None


def query_params(handler) -> dict[str, str]:
    """The request's flat parameters (query string and form body), first value of each."""
    params = {}
    for key, values in (getattr(handler, "querystring", None) or {}).items():
        if values:
            params[key] = values[0] if isinstance(values, list) else values
    return params


def folded_params(handler) -> dict:
    """The request's parameters shaped as in the API model: `{"Tags": [{"Key": .., "Value": ..}]}`.

    moto parses some services itself (CloudWatch arrives as CBOR or JSON); query-protocol
    services such as IAM and STS arrive flat (`Tags.member.1.Key`) and are folded here, so
    the adapters read one shape whatever the protocol.
    """
    parsed = getattr(handler, "params", None)
    if isinstance(parsed, dict) and parsed:
        return parsed
    tree: dict = {}
    for key, value in query_params(handler).items():
        parts = [p for p in key.split(".") if p not in ("member", "entry")]
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # `X=1` and `X.1=...` both sent: keep the first
                break
        else:
            node[parts[-1]] = value
    return _numbered_to_lists(tree)


def _numbered_to_lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_numbered_to_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _numbered_to_lists(v) for k, v in node.items()}


def tag_pairs(params: dict[str, str], prefix: str = "Tags.member.") -> dict[str, str]:
    """Tags sent in the query protocol as `Tags.member.N.Key` / `Tags.member.N.Value`."""
    tags, index = {}, 1
    while f"{prefix}{index}.Key" in params:
        tags[params[f"{prefix}{index}.Key"]] = params.get(f"{prefix}{index}.Value", "")
        index += 1
    return tags


def member_list(params: dict[str, str], prefix: str) -> list[str]:
    """A list sent in the query protocol as `Name.member.1`, `Name.member.2`, ..."""
    values, index = [], 1
    while f"{prefix}{index}" in params:
        values.append(params[f"{prefix}{index}"])
        index += 1
    return values
