"""The lab's front door: a WSGI layer in front of moto that authenticates every request.

Both ways in use it: the AWS CLI over HTTP on 127.0.0.1, and in-kernel boto3
sessions that skip the socket (`transport.py`). It checks the key, session token
and SigV4 signature, hands the caller to the gate through a thread-local, and
answers with the gate's AWS-shaped refusal when moto was stopped.
"""

from __future__ import annotations

import io
import itertools
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from iamlab.lab import errors, hooks, sigv4
from iamlab.lab.errors import AWSError
from iamlab.lab.identity import resolve
from iamlab.lab.journal import Entry

_request_ids = itertools.count(1)
_ids_lock = threading.Lock()


@dataclass
class Call:
    """Bookkeeping for one request while moto serves it."""

    caller: object
    service: str
    region: str
    source_ip: str
    user_agent: str
    request_id: str
    refusal: AWSError | None = None
    answer: tuple | None = None  # a response the lab produced itself (APIs moto lacks)
    operation: object | None = None
    pending_session: object | None = None


def _headers(environ) -> dict[str, str]:
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


class Front:
    """WSGI app: authenticate, then let moto (with the gate hooked in) serve the request."""

    def __init__(self, lab, dispatcher):
        self.lab = lab
        self.dispatcher = dispatcher
        self._apps: dict[str, object] = {}  # signing service -> moto's Flask app (its lookup is slow)

    def __call__(self, environ, start_response):
        status, headers, body = self.handle(environ)
        start_response(f"{status} {_reason(status)}", list(headers.items()))
        return [body]

    def _request_id(self) -> str:
        with _ids_lock:
            return f"{next(_request_ids):08d}-1a6b-4c2d-8e3f-1abcdef01234"

    def handle(self, environ) -> tuple[int, dict[str, str], bytes]:
        """Serve one request; never raises, so a learner never sees a 500 from inside iamlab."""
        request_id = self._request_id()
        headers = _headers(environ)
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
        parts = urlsplit(raw_uri)
        raw_path, query = parts.path or "/", sigv4.split_query(environ.get("QUERY_STRING", parts.query))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        service = "unknown"
        try:
            if raw_path.startswith("/moto-api"):
                raise AWSError("AccessDenied", "The lab's control API is not reachable from requests.", 403)
            try:
                claim = sigv4.read_signature(headers, query)
            except sigv4.NotSigV4:
                raise AWSError(
                    "MissingAuthenticationToken", "Request is missing Authentication Token"
                ) from None
            service = claim.service
            caller = resolve(
                self.lab.gate.iam,
                self.lab.gate.sts,
                claim.access_key_id,
                headers.get("x-amz-security-token") or dict(query).get("X-Amz-Security-Token"),
                service,
                self.lab.clock.utcnow_naive(),
            )
            method = environ["REQUEST_METHOD"]
            if not sigv4.signature_matches(
                claim, caller.secret_access_key, method, raw_path, query, headers, body
            ):
                raise AWSError("SignatureDoesNotMatch", _signature_message(service))
        except AWSError as error:
            self._record_refusal(error, headers, request_id)
            return errors.render(error, errors.protocol_of(service, headers, raw_path), request_id)
        call = Call(
            caller=caller,
            service=service,
            region=claim.region,
            source_ip=environ.get("REMOTE_ADDR") or "127.0.0.1",
            user_agent=headers.get("user-agent", ""),
            request_id=request_id,
        )
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = self.lab.account_id
        hooks.set_current_call(call)
        try:
            status, out_headers, out_body = self._run_moto(service, environ)
        except Exception as error:  # moto could not serve it: an AWS-shaped answer, never a traceback
            status, out_headers, out_body = errors.render(
                _unserved(error),
                errors.protocol_of(service, headers, raw_path),
                request_id,
            )
        finally:
            hooks.set_current_call(None)
        if call.refusal is not None:
            return errors.render(call.refusal, errors.protocol_of(service, headers, raw_path), request_id)
        if call.answer is not None:
            status, out_headers, out_body = call.answer
            return status, dict(out_headers), out_body.encode() if isinstance(out_body, str) else out_body
        return status, out_headers, out_body

    def _run_moto(self, service: str, environ) -> tuple[int, dict[str, str], bytes]:
        captured = {}
        app = self._apps.get(service)
        if app is None:
            app = self._apps.setdefault(service, self.dispatcher.get_application(environ))

        def start_response(status, headers, exc_info=None):
            captured["status"] = int(status.split()[0])
            captured["headers"] = headers

        chunks = app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return captured["status"], dict(captured["headers"]), body

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


def _unserved(error: Exception) -> AWSError:
    """moto fails on parameters of the wrong type or shape; AWS calls that a validation error."""
    if isinstance(error, (ValueError, TypeError, KeyError)):
        return AWSError(
            "ValidationError",
            f"1 validation error detected: a parameter has a value of the wrong type or shape ({error}).",
        )
    return AWSError("InternalFailure", f"The lab could not serve this request ({type(error).__name__}).", 500)


def _signature_message(service: str) -> str:
    if service == "s3":
        return (
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method."
        )
    return (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
