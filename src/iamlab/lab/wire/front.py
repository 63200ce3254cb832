"""The lab's front door: a WSGI layer in front of moto that authenticates every request.

Both ways in use it: the AWS CLI over HTTP on 127.0.0.1, and in-kernel boto3
sessions that skip the socket (`transport.py`). It reads the request once (`request.py`),
checks the signature's scope and time, the key, session token and SigV4 signature,
hands the caller to the gate through a thread-local, routes moto by the very scope it
verified, and answers with the gate's AWS-shaped refusal when moto was stopped.
A success no gate decision stands behind is refused (fail closed).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zlib
from dataclasses import dataclass
from functools import cached_property

from botocore.model import OperationNotFoundError
from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY, EnvironHeaders, environ_key_for_header
from moto.core.request import Request as MotoRequest
from werkzeug.datastructures import EnvironHeaders as WerkzeugEnvironHeaders

from iamlab.lab.journal import Entry
from iamlab.lab.moto import backends, dispatch, hooks, moved_routes, routes, views
from iamlab.lab.services.registry import service_of, wire_protocol
from iamlab.lab.wire import errors, sigv4, streaming
from iamlab.lab.wire import request as wire
from iamlab.lab.wire.errors import AWSError, refusal
from iamlab.lab.wire.identity import resolve

_request_ids = itertools.count(1)
_CONTROL_APPS = frozenset({"moto_api", "instance_metadata"})  # moto's own apps, never served to a request


@dataclass
class Call:
    """Bookkeeping for one request while moto serves it."""

    caller: object
    service: str
    region: str
    source_ip: str
    user_agent: str
    request_id: str
    time: dt.datetime | None = None  # when the lab received it: its condition keys' and entries' time
    refusal: AWSError | None = None
    answer: tuple | None = None  # a response the lab produced itself (APIs moto lacks)
    operation: object | None = None
    pending_session: object | None = None


class Front:
    """WSGI app: authenticate, then let moto (with the gate hooked in) serve the request."""

    def __init__(self, lab):
        self.lab = lab

    def __call__(self, environ, start_response):
        status, headers, body = self.handle(environ)
        start_response(f"{status} {_reason(status)}", list(headers.items()))
        return [body]

    def _request_id(self) -> str:
        return f"{next(_request_ids):08d}-1a6b-4c2d-8e3f-1abcdef01234"  # next() on a count is atomic

    def handle(self, environ) -> tuple[int, dict[str, str], bytes]:
        """Serve one request; never raises, so a learner never sees a 500 from inside iamlab."""
        request_id = self._request_id()
        request = None
        service, protocol = "unknown", None
        try:
            request = wire.read_request(environ)
            try:
                claim = sigv4.read_signature(request.headers, request.query)
            except sigv4.NotSigV4:
                raise AWSError(
                    "MissingAuthenticationToken", "Request is missing Authentication Token"
                ) from None
            service = service_of(claim.service, request.raw_path)
            protocol = wire_protocol(service)
            now = self.lab.clock.now()
            sigv4.check_scope(claim, now, self.lab.region, dt.datetime.now(dt.timezone.utc), protocol)
            caller = self._authenticate(environ, request, claim, protocol, now)
        except AWSError as error:
            self._record_refusal(error, request.headers if request else {}, request_id)
            return self._refuse(error, protocol, request, request_id)
        call = Call(
            caller=caller,
            service=service,
            region=claim.region,
            source_ip=environ.get("REMOTE_ADDR") or "127.0.0.1",
            user_agent=request.headers.get("user-agent", ""),
            request_id=request_id,
            time=now,
        )
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = caller.account_id  # moto serves the caller's own account
        hooks.set_current_call(call)
        try:
            status, out_headers, out_body = self._run_moto(claim, environ, protocol)
        except Exception as error:  # moto could not serve it: an AWS-shaped answer, never a traceback
            status, out_headers, out_body = self._refuse(
                _unserved(error, protocol, gated=call.operation is not None), protocol, request, request_id
            )
        finally:
            hooks.set_current_call(None)
        if call.refusal is not None:
            return self._refuse(call.refusal, protocol, request, request_id)
        if call.answer is not None:
            status, out_headers, out_body = call.answer
            return status, dict(out_headers), out_body.encode() if isinstance(out_body, str) else out_body
        if status < 400 and call.operation is None:  # moto acted without asking the gate: fail closed
            self.lab.gate.refuse_ungated(call, f"{request.method} {request.raw_path}")
            return self._refuse(call.refusal, protocol, request, request_id)
        if status >= 400 and out_body and out_headers.get("Content-Type", "").startswith("text/html"):
            return self._refuse(refusal("not_served", protocol), protocol, request, request_id)
        return status, out_headers, out_body

    def _authenticate(self, environ, request, claim, protocol: str | None, now: dt.datetime):
        """The caller, once key, token and signature hold; the body is read only after the key."""
        headers = request.headers
        account = self.lab.accounts.owner_of_key(claim.access_key_id) or self.lab.account_id
        caller = resolve(
            backends.iam(account),
            backends.sts(account),
            claim.access_key_id,
            headers.get("x-amz-security-token") or dict(request.query).get("X-Amz-Security-Token"),
            protocol,
            now.replace(tzinfo=None),
        )
        body = None
        if sigv4.needs_body(claim, headers):
            body = wire.read_body(environ, request, protocol)
        if not sigv4.signature_matches(
            claim, caller.secret_access_key, request.method, request.raw_path, request.query, headers, body
        ):
            raise refusal("signature", protocol)
        if body is None:
            body = wire.read_body(environ, request, protocol)
        if streaming.is_streaming(headers):
            decoded = streaming.decode(body, headers, sigv4.chunk_signer(claim, caller.secret_access_key))
            body = decoded.body
            _as_plain_upload(environ, decoded.trailers)
        elif not sigv4.payload_matches(headers, body):
            raise AWSError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                400,
            )
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        return caller

    def _refuse(self, error: AWSError, protocol: str | None, request, request_id: str):
        """AWS's error in the client's protocol (the service's, if it declares one); the connection
        closes if its body was left unread."""
        headers = request.headers if request else {}
        status, out_headers, body = errors.render(
            error, errors.protocol_of(protocol, headers, request.raw_path if request else "/"), request_id
        )
        if request is None or (request.has_body and not request.body_read):
            out_headers["Connection"] = "close"
        if request is not None and request.method == "HEAD":  # headers only: clients see the bare status
            body = b""
        return status, out_headers, body

    def _run_moto(self, claim, environ, protocol: str | None) -> tuple[int, dict[str, str], bytes]:
        # S3's REST protocol stores any body as sent
        request_class = _BodyAsSent if protocol == "s3" else _LabRequest
        backend = self._backend_for(claim, environ, protocol)
        moved_routes.modernize(backend, environ)
        status, headers, body = views.serve(routes.of(backend), environ, request_class, hooks.route_chosen)
        return status, dict(headers), body

    def _backend_for(self, claim, environ, protocol: str | None) -> str:
        """moto's backend for the service the lab authenticated: chosen by the very credential scope
        the lab verified, never by another header."""
        try:
            backend = dispatch.backend_for(claim.service, claim.region, environ)
        except (LookupError, AttributeError, ValueError):  # e.g. an X-Amz-Target of another service
            raise refusal("not_served", protocol) from None
        if backend is None or backend in _CONTROL_APPS:
            raise AWSError(
                "UnknownOperationException", f"The lab does not serve the {claim.service} API.", 404
            )
        return backend

    def _record_refusal(self, error: AWSError, headers, request_id: str) -> None:
        self.lab.journal.record(
            Entry(
                time=self.lab.clock.now(),
                principal="(unauthenticated)",
                action="",
                resource="",
                result=error.code,
                message=error.message,
                user_agent=headers.get("user-agent", ""),
                request_id=request_id,
            )
        )


def _unserved(error: Exception, protocol: str | None, *, gated: bool) -> AWSError:
    """moto could not serve the request. Before the gate it was still reading the client's input, so
    the input was malformed: AWS's 4xx for that. An operation moto lacks is, to the client, one the
    service does not offer. Only a failure after authorization is the lab's own (500)."""
    if isinstance(error, AWSError):  # the lab's own refusal on the way to moto
        return error
    if isinstance(error, (NotImplementedError, OperationNotFoundError)):
        return refusal("not_served", protocol)
    if isinstance(error, (OSError, EOFError, zlib.error)):  # e.g. `Content-Encoding: gzip` on plain bytes
        return AWSError("BadRequest", "An error occurred when parsing the HTTP request.", 400)
    if isinstance(error, (ValueError, TypeError, KeyError)) or not gated:
        return AWSError(
            "ValidationError",
            f"1 validation error detected: a parameter has a value of the wrong type or shape ({error}).",
        )
    return AWSError("InternalFailure", f"The lab could not serve this request ({type(error).__name__}).", 500)


def _as_plain_upload(environ, trailers: dict[str, str]) -> None:
    """Show moto the decoded bytes as an ordinary upload, carrying trailing checksums as headers."""
    environ["HTTP_X_AMZ_CONTENT_SHA256"] = "UNSIGNED-PAYLOAD"
    encodings = [e for e in environ.get("HTTP_CONTENT_ENCODING", "").split(",") if e.strip()]
    kept = [e.strip() for e in encodings if e.strip().lower() != "aws-chunked"]
    if kept:
        environ["HTTP_CONTENT_ENCODING"] = ",".join(kept)
    else:
        environ.pop("HTTP_CONTENT_ENCODING", None)
    for name in ("HTTP_X_AMZ_DECODED_CONTENT_LENGTH", "HTTP_X_AMZ_TRAILER"):
        environ.pop(name, None)
    for name, value in trailers.items():
        if name.startswith("x-amz-checksum-"):
            environ[environ_key_for_header(name)] = value


class _LabRequest(MotoRequest):
    """moto's request as its server builds it (one that came over HTTP, `from_wsgi_server`)."""

    from_wsgi_server = True

    def __init__(self, environ, *args, **kwargs) -> None:
        super().__init__(environ, *args, **kwargs)
        self.headers = _HeadersReadOnce(self.environ)

    @cached_property
    def stream(self):
        """The body as the front door read, verified and put back: whole, with its exact
        Content-Length, so werkzeug's limiting wrapper would have nothing to limit."""
        return self.environ["wsgi.input"]

    # moto re-derives these from the environ each time it reads them (several times per request);
    # the request's URL never changes while it is served.
    raw_path = cached_property(MotoRequest.raw_path.fget)

    @cached_property
    def raw_url(self) -> str:
        """moto's `raw_url`, without turning a plain ASCII host into an IRI first (werkzeug's
        `url_root` does, and costs a fortieth of a request); other hosts take moto's way."""
        host = self.host
        if self.root_path or "%" in host or "xn--" in host.lower():
            return MotoRequest.raw_url.fget(self)
        url = f"{self.scheme}://{host}{self.raw_path}"
        return f"{url}?{self.query_string.decode()}" if self.query_string else url


class _HeadersReadOnce(EnvironHeaders):
    """moto's view of the headers, read out of the environ once instead of on each of the score
    of passes moto makes over them per request. Lookups still go to the environ, and a key moto
    adds (it writes `HTTP_HOST` when a request has none) makes the next pass read it again."""

    def __iter__(self):
        seen = self.__dict__.get("_seen")
        if seen is None or seen[0] != len(self.environ):
            # moto's pass only renames headers whose spelling it kept (S3 metadata with underscores)
            every = (
                super().__iter__()
                if self.environ.get(PRESERVED_HEADER_NAMES_ENVIRON_KEY)
                else (WerkzeugEnvironHeaders.__iter__(self))
            )
            seen = self._seen = (len(self.environ), tuple(every))
        return iter(seen[1])

    def _get_key(self, key: str) -> str:
        """werkzeug's lookup (a name's environ key, then the environ), with the environ key of each
        name moto asks for (a few dozen lookups per request, of a few fixed names) worked out once."""
        if type(key) is not str:
            return super()._get_key(key)
        environ_key = _ENVIRON_KEYS.get(key)
        if environ_key is None:
            environ_key = environ_key_for_header(key)
            if len(_ENVIRON_KEYS) < 512:  # a bound, should a client's names ever be looked up
                _ENVIRON_KEYS[key] = environ_key
        return self.environ[environ_key]


# The header names looked up so far, by their environ keys.
_ENVIRON_KEYS: dict[str, str] = {}


class _BodyAsSent(_LabRequest):
    """S3 stores any body byte for byte: a form content type (curl -d, urllib) is data, not fields.
    Only a browser-based upload (POST of multipart/form-data) carries its object in form fields."""

    @property
    def want_form_data_parsed(self) -> bool:
        return self.method == "POST" and self.mimetype == "multipart/form-data"


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
