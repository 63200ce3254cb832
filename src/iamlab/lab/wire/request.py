"""The request as it came off the wire, read once and strictly, before anyone acts on it.

Everything the front door decides from (path, query, headers, body length) is read here the
way AWS reads it, and every later step (the signature check, the gate, moto's routing) uses
this one reading. Malformed framing gets AWS's own 400 instead of a traceback or a hung thread,
and a body is never read before the caller is known, nor beyond the lab's size limit.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY

from iamlab.lab.wire import sigv4
from iamlab.lab.wire.errors import AWSError, refusal

# The largest body the lab accepts in one request. AWS takes up to 5 GB in one S3 PUT; a lab
# living in a notebook kernel keeps to a size a learner's files fit in and its memory survives.
MAX_BODY = 100 * 1024 * 1024
_READ_STEP = 1024 * 1024

# moto's own control API: never reachable through the lab, however the path is spelled.
_CONTROL_PREFIXES = ("/moto-api",)
_DIGITS = re.compile(r"[0-9]+")


@dataclass
class WireRequest:
    """One request's method, path, query, headers and declared body framing."""

    method: str
    raw_path: str  # as sent, still percent-encoded: what SigV4 signs
    query: list[tuple[str, str]]
    headers: dict[str, str]
    length: int | None  # the declared Content-Length; None when the body is chunked to its end
    body_read: bool = False

    @property
    def has_body(self) -> bool:
        return self.length is None or self.length > 0


def read_request(environ) -> WireRequest:
    """Read the request line and headers; refuse what AWS would refuse before authentication."""
    headers = _headers(environ)
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
    if raw_uri.startswith(("http://", "https://")):  # an absolute-form request target
        absolute = urlsplit(raw_uri)
        raw_uri = absolute.path + (f"?{absolute.query}" if absolute.query else "")
    path, _, raw_query = raw_uri.partition("?")
    request = WireRequest(
        method=environ.get("REQUEST_METHOD", "GET"),
        raw_path=path or "/",
        query=sigv4.split_query(environ.get("QUERY_STRING", raw_query)),
        headers=headers,
        length=_declared_length(environ),
    )
    if is_control_path(request.raw_path):
        raise AWSError("AccessDenied", "The lab's control API is not reachable from requests.", 403)
    return request


def _headers(environ) -> dict[str, str]:
    """The headers by lower-case name, as the client sent and signed them: an S3 metadata header
    whose name has an underscore (`x-amz-meta-my_key`) keeps it (see `serving.keep_underscored_names`)."""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    for key, name in (environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY) or {}).items():
        headers[name.lower()] = headers.pop(key[5:].replace("_", "-").lower(), environ.get(key, ""))
    return headers


def _declared_length(environ) -> int | None:
    """Content-Length as HTTP defines it (digits only); None for a body chunked to its end."""
    if environ.get("wsgi.input_terminated") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    value = (environ.get("CONTENT_LENGTH") or "0").strip()
    if not _DIGITS.fullmatch(value):
        raise AWSError("BadRequest", "An error occurred when parsing the HTTP request.", 400)
    return int(value)


@lru_cache(maxsize=512)  # a pure function of the path; a lab's requests repeat few paths
def normalised_path(raw_path: str) -> str:
    """The path as a router could come to read it: decoded until stable, dot segments and
    repeated slashes removed, lower-cased."""
    path = raw_path
    for _ in range(8):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    path = re.sub(r"[/\\]+", "/", "/" + path.replace("\\", "/"))
    path = posixpath.normpath(path)
    return path.lower()


def is_control_path(raw_path: str) -> bool:
    return normalised_path(raw_path).startswith(_CONTROL_PREFIXES)


def read_body(environ, request: WireRequest, protocol: str | None) -> bytes:
    """The body, read only up to the lab's limit; a larger one is refused (in the words of the
    service's `protocol`) before it is read."""
    if request.length is not None and request.length > MAX_BODY:
        raise refusal("too_large", protocol)
    stream = environ["wsgi.input"]
    request.body_read = True
    if request.length is not None:
        return _read_exactly(stream, request.length)
    chunks, size = [], 0
    while True:
        chunk = stream.read(_READ_STEP)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BODY:
            request.body_read = False  # the rest is still on the wire
            raise refusal("too_large", protocol)
        chunks.append(chunk)


def _read_exactly(stream, length: int) -> bytes:
    parts, remaining = [], length
    while remaining:
        part = stream.read(min(remaining, _READ_STEP))
        if not part:
            raise AWSError(
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length HTTP header",
                400,
            )
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
