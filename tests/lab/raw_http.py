"""Raw HTTP to a running lab, signed by botocore's own SigV4 signers at the lab clock's time.

The security tests speak HTTP byte by byte (http.client), so they can send what no SDK would:
two credential scopes, a negative Content-Length, a chunked stream. Signing at the lab clock's
time keeps them independent of whether that clock stands still or runs.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
from dataclasses import dataclass
from unittest import mock
from xml.etree import ElementTree

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def code(self) -> str:
        """The AWS error code in the body, whichever protocol carries it."""
        return self._error_field("__type", "Code")

    @property
    def message(self) -> str:
        return self._error_field("message", "Message")

    def _error_field(self, json_key: str, xml_tag: str) -> str:
        if self.body.lstrip().startswith(b"{"):
            return json.loads(self.body).get(json_key, "")
        found = ElementTree.fromstring(self.body).find(f".//{xml_tag}")
        return found.text if found is not None else ""


def lab_time(lab):
    """Make botocore sign with the lab clock's time (patch for the duration of a `with`)."""
    return mock.patch(
        "botocore.auth.get_current_datetime",
        lambda remove_tzinfo=True: lab.clock.now().replace(tzinfo=None) if remove_tzinfo else lab.clock.now(),
    )


def signed(
    lab,
    method: str,
    path: str,
    *,
    key,
    service: str = "s3",
    region: str | None = None,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    signer=None,
    when: dt.datetime | None = None,
) -> dict[str, str]:
    """The headers of `method path` signed with `key` (an object with access_key_id/secret_access_key)."""
    request = AWSRequest(method, f"http://127.0.0.1:{lab.port}{path}", data=body, headers=dict(headers or {}))
    credentials = Credentials(key.access_key_id, key.secret_access_key)
    cls = signer or (S3SigV4Auth if service == "s3" else SigV4Auth)
    instant = when or lab.clock.now()
    with mock.patch(
        "botocore.auth.get_current_datetime", lambda remove_tzinfo=True: instant.replace(tzinfo=None)
    ):
        cls(credentials, service, region or lab.region).add_auth(request)
    return {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}


class UnsignedPayload(S3SigV4Auth):
    """S3 signing that leaves the payload unsigned, as SDKs do for streamed bodies."""

    def payload(self, request):
        return "UNSIGNED-PAYLOAD"


class UnsignedTrailer(S3SigV4Auth):
    """S3 signing as current SDKs do over HTTPS for a checksummed upload: chunks unsigned, a trailer."""

    def payload(self, request):
        return "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def presigned(lab, method: str, path: str, *, key, expires: int = 3600) -> str:
    """A presigned S3 URL path (with its query) for `method path`, signed at the lab's time."""
    request = AWSRequest(method, f"http://127.0.0.1:{lab.port}{path}")
    credentials = Credentials(key.access_key_id, key.secret_access_key)
    with lab_time(lab):
        S3SigV4QueryAuth(credentials, "s3", lab.region, expires=expires).add_auth(request)
    return request.url.split(f":{lab.port}", 1)[1]


def _with_host(lab, headers) -> dict[str, str]:
    headers = dict(headers or {})
    if not any(name.lower() == "host" for name in headers):
        headers["Host"] = f"127.0.0.1:{lab.port}"
    return headers


def send(
    lab, method: str, path: str, headers: dict[str, str] | None = None, body=b"", *, timeout=30
) -> Reply:
    """Send exactly these bytes: the request line, these headers (and Host, and the body's
    Content-Length unless one is given), this body."""
    headers = _with_host(lab, headers)
    if body and not any(name.lower() == "content-length" for name in headers):
        headers["Content-Length"] = str(len(body))
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if body:
            connection.send(body)
        response = connection.getresponse()
        return Reply(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def send_chunked(lab, method: str, path: str, headers: dict[str, str], pieces, *, timeout=30) -> Reply:
    """Send the body with `Transfer-Encoding: chunked` and no Content-Length, piece by piece."""
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=timeout)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in _with_host(lab, headers).items():
            connection.putheader(name, value)
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for piece in pieces:
            connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return Reply(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def put_framed(lab, path: str, headers: dict[str, str], body: bytes, framing: str) -> Reply:
    """PUT `body` with a Content-Length ("content-length") or chunked to its end ("chunked")."""
    if framing == "chunked":
        return send_chunked(lab, "PUT", path, headers, [body[: len(body) // 3], body[len(body) // 3 :]])
    return send(lab, "PUT", path, headers | {"Content-Length": str(len(body))}, body)
