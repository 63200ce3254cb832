"""A request's parameters as botocore's input shape names them, whatever the wire protocol.

moto parses some services' requests itself (`handler.params`); for the others (JSON
services such as KMS, REST-JSON such as Lambda) its own protocol parsers are run here on
the request moto already holds, without changing what moto later does with it.

A handler may serve an API its own model lacks: moto answers the legacy Elasticsearch API
(`es`, 2015-01-01) with its OpenSearch handler. Such a request is read with the model of the
service it was signed for, path parameters (`/es/domain/{DomainName}`) included.
"""

from __future__ import annotations

from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import determine_request_protocol
from moto.core.routing import get_service_router
from moto.core.utils import get_service_model

# The moto internals this module relies on; tests/lab/services check they are still there.
MOTO_TOUCH_POINTS = (PROTOCOL_PARSERS, determine_request_protocol, get_service_model, get_service_router)


def request_params(handler, api: str, service: str = "") -> dict:
    """The request's input members (`{"QueueUrl": ..., "Tags": [...]}`); {} when unparseable."""
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
    except Exception:  # a body the model cannot read: moto will answer it with its own error
        return {}
    return parsed if isinstance(parsed, dict) else {}
