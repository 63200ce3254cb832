"""AWS-shaped error responses, in whichever wire protocol the calling client speaks.

botocore (and so boto3 and the AWS CLI) only shows a learner the right
`An error occurred (Code) when calling the Op operation: message` line when the
error body is in the protocol it expects, so each protocol gets its own shape.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

from werkzeug.exceptions import HTTPException

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


# The front door's own refusals (authentication, framing, routing), in the words of the protocol
# the service speaks: S3's REST protocol has its own code for each; every other protocol shares
# AWS's common errors. kind -> (code, message, HTTP status); messages may take `{name}` values.
COMMON_WORDS = {
    "invalid_key": ("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
    "bad_token": ("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
    "expired": ("ExpiredToken", "The security token included in the request is expired", 400),
    "too_large": ("RequestEntityTooLarge", "Request size exceeded the maximum allowed size.", 413),
    "not_served": (
        "InvalidAction",
        "The action or operation requested is invalid. Verify that the action is typed correctly.",
        400,
    ),
    "signature": (
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your AWS "
        "Secret Access Key and signing method. Consult the service documentation for details.",
        403,
    ),
    "wrong_region": (
        "SignatureDoesNotMatch",
        "Credential should be scoped to a valid region, not '{region}'. ",
        403,
    ),
    "unsigned_headers": (
        "IncompleteSignature",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        400,
    ),
    "date_mismatch": (
        "SignatureDoesNotMatch",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'{date}' != '{day}', from '{amz_date}'.",
        403,
    ),
    "skew_past": (
        "SignatureDoesNotMatch",
        "Signature expired: {amz_date} is now earlier than {earliest} ({now} - 15 min.)",
        403,
    ),
    "skew_future": (
        "SignatureDoesNotMatch",
        "Signature not yet current: {amz_date} is still later than {latest} ({now} + 15 min.)",
        403,
    ),
}
S3_WORDS = {
    "invalid_key": (
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        403,
    ),
    "bad_token": ("InvalidToken", "The provided token is malformed or otherwise invalid.", 400),
    "expired": ("ExpiredToken", "The provided token has expired.", 400),
    "too_large": ("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400),
    "not_served": ("MethodNotAllowed", "The specified method is not allowed against this resource.", 405),
    "signature": (
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
    ),
    "wrong_region": (
        "AuthorizationHeaderMalformed",
        "The authorization header is malformed; the region '{region}' is wrong; expecting '{expected}'",
        400,
    ),
    "unsigned_headers": (
        "AccessDenied",
        "There were headers present in the request which were not signed",
        403,
    ),
    "date_mismatch": (
        "AuthorizationHeaderMalformed",
        "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.",
        400,
    ),
    "skew_past": (
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
        403,
    ),
}
S3_WORDS["skew_future"] = S3_WORDS["skew_past"]
WORDS = {"s3": S3_WORDS}


def refusal(kind: str, protocol: str | None, **values) -> AWSError:
    """The front door's refusal `kind` in the words of `protocol` (see `WORDS`)."""
    code, message, status = WORDS.get(protocol, COMMON_WORDS)[kind]
    return AWSError(code, message.format(**values) if values else message, status)


def protocol_of(declared: str | None, headers: dict[str, str], path: str) -> str:
    """Which error body the client can parse: s3 | cbor | json | ec2 | query.

    `declared` is the protocol the service's adapter names (`Denial.protocol`), for services
    whose requests' headers cannot tell it.
    """
    if declared:
        return declared
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
