"""In-kernel boto3 sessions reach the lab without a socket.

A botocore `before-send` handler turns the signed request into a WSGI call on the
lab's front door and returns its answer. The client's endpoint stays the lab's
127.0.0.1 address, so even if this handler were skipped nothing would leave loopback.
"""

from __future__ import annotations

import io
import sys
from urllib.parse import unquote_to_bytes, urlsplit

from botocore.awsrequest import AWSResponse
from moto.core.request import environ_key_for_header

from iamlab.lab.wire.serving import keep_underscored_names


class _Raw(io.BytesIO):
    """The minimal raw-stream interface botocore reads a response body through."""

    def stream(self, **kwargs):
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    data = body.read()
    if hasattr(body, "seek"):
        try:
            body.seek(0)
        except Exception:
            pass
    return data if isinstance(data, bytes) else data.encode()


def environ_for(request, host: str, port: int) -> dict:
    url = urlsplit(request.url)
    body = _body_bytes(request.body)
    environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(url.path or "/").decode("latin-1"),
        "QUERY_STRING": url.query,
        "RAW_URI": (url.path or "/") + (f"?{url.query}" if url.query else ""),
        "SERVER_NAME": host,
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": url.netloc,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    headers = [
        (name, value.decode() if isinstance(value, bytes) else value)
        for name, value in request.headers.items()
    ]
    for name, value in headers:
        if "_" in name:  # as a server over a socket: see `keep_underscored_names`
            continue
        key = environ_key_for_header(name)
        if key != "CONTENT_LENGTH":  # the body's own length is set above
            environ[key] = value
    keep_underscored_names(environ, headers)
    return environ


def install(session, front, host: str, port: int) -> None:
    """Make every client of this boto3 `session` talk to `front` in-process."""

    def send(request, **kwargs):
        status, headers, body = front.handle(environ_for(request, host, port))
        return AWSResponse(request.url, status, headers, _Raw(body))

    session._session.register("before-send", send)
