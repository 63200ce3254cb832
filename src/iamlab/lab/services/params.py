"""A request's parameters as botocore's input shape names them, whatever the wire protocol.

moto parses some services' requests itself (`handler.params`); for the others (JSON
services such as KMS, REST-JSON such as Lambda) its own protocol parsers are run here on
the request moto already holds, without changing what moto later does with it.
"""

from __future__ import annotations

from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import determine_request_protocol
from moto.core.utils import get_service_model

# The moto internals this module relies on; tests/lab/services check they are still there.
MOTO_TOUCH_POINTS = (PROTOCOL_PARSERS, determine_request_protocol, get_service_model)


def request_params(handler, api: str) -> dict:
    """The request's input members (`{"QueueUrl": ..., "Tags": [...]}`); {} when unparseable."""
    parsed = getattr(handler, "params", None)
    if getattr(handler, "automated_parameter_parsing", False) and isinstance(parsed, dict):
        return parsed
    try:
        model = get_service_model(handler.boto3_service_name)
        request = handler.normalized_request
        protocol = determine_request_protocol(model, request.content_type)
        parser = PROTOCOL_PARSERS[protocol](model.operation_model(api), map_type=dict)
        parsed = parser.parse(
            {
                "method": request.method,
                "values": request.values,
                "headers": request.headers,
                "body": request.data,
                "url_path": request.path,
                "url_params": getattr(handler, "uri_match", None) or {},
            }
        )
    except Exception:  # a body the model cannot read: moto will answer it with its own error
        return {}
    return parsed if isinstance(parsed, dict) else {}
