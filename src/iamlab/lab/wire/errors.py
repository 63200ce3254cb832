"""AWS-shaped error responses, in whichever wire protocol the calling client speaks.

botocore (and so boto3 and the AWS CLI) only shows a learner the right
`An error occurred (Code) when calling the Op operation: message` line when the
error body is in the protocol it expects, so each protocol gets its own shape.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from werkzeug.exceptions import HTTPException

from iamlab.lab.services.registry import wire_protocol

STATUS = {
    "AccessDenied": 403,
    "InvalidClientTokenId": 403,
    "SignatureDoesNotMatch": 403,
    "ExpiredToken": 400,
    "InvalidToken": 400,
    "InvalidAccessKeyId": 403,
    "MissingAuthenticationToken": 403,
    "IncompleteSignature": 400,
    "MalformedPolicyDocument": 400,
    "ValidationError": 400,
    "NoSuchEntity": 404,
}


class AWSError(Exception):
    """An error the lab answers instead of moto, with AWS's code and message."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status or STATUS.get(code, 400)


def protocol_of(service: str, headers: dict[str, str], path: str) -> str:
    """Which error body the client can parse: s3 | cbor | json | ec2 | query."""
    declared = wire_protocol(service)
    if declared:
        return declared
    if service == "s3":
        return "s3"
    if headers.get("smithy-protocol") == "rpc-v2-cbor" or "/operation/" in path:
        return "cbor"
    if "x-amz-target" in headers or "json" in headers.get("content-type", ""):
        return "json"
    return "query"


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    n = len(data)
    if n < 24:
        head = bytes([0x60 + n])
    elif n < 256:
        head = bytes([0x78, n])
    elif n < 65536:
        head = bytes([0x79]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x7A]) + n.to_bytes(4, "big")
    return head + data


def _cbor_map(items: dict[str, str]) -> bytes:
    return bytes([0xA0 + len(items)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in items.items())


def render(error: AWSError, protocol: str, request_id: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of `error` as the given protocol carries it."""
    code, message = error.code, error.message
    headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": code}
    if protocol == "s3":
        headers = {"x-amz-request-id": request_id, "Content-Type": "application/xml"}
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
    elif protocol == "cbor":
        headers.update({"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"})
        body = _cbor_map({"__type": code, "message": message})
    elif protocol == "json":
        headers["Content-Type"] = "application/x-amz-json-1.0"
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "ec2":  # EC2's own XML: Response/Errors/Error, then RequestID
        headers["Content-Type"] = "text/xml"
        body = (
            f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
    else:
        headers["Content-Type"] = "text/xml"
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    return error.status, headers, body


class Refused(HTTPException):
    """Raised inside moto to stop the action; the lab answers with the recorded AWSError."""

    code = 403
