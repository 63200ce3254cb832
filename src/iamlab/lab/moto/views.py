"""moto's views, served without Flask.

moto's server wraps every handler in a Flask app. For each request Flask pushes an app and a
request context, opens a session, runs before/after hooks (Flask-CORS among them), and finalizes
a response object: none of which moto's handlers use (they take the request, the URL and the
headers as arguments), and importing Flask alone was 8% of a lab's start. The lab matches
the route with moto's own route table (`routes.py`), calls the handler as moto's
`convert_to_flask_response` does, and answers with the same bytes Flask would send
(tests/lab/test_views.py compares them with moto's Flask app).

One thing Flask adds is left out on purpose: Flask-CORS's `Access-Control-Allow-Origin` on every
answer. AWS sends CORS headers only where a service's own CORS configuration says so (S3 bucket
CORS, which moto's S3 handler sets itself), and a browser's unsigned preflight never gets past
the lab's front door anyway.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from werkzeug.exceptions import HTTPException
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Response

Answer = tuple[int, list[tuple[str, str]], bytes]


class MotoResponse(Response):
    """The response Flask built from a handler's answer: HTML unless the handler names a type."""

    default_mimetype = "text/html"


def serve(routes, environ, request_class, on_view=None) -> Answer:
    """moto's answer to the WSGI request `environ`, by the handler `routes` (`routes.of(backend)`)
    names, given a `request_class` request. `on_view(handler)` runs once the handler is known,
    before it runs."""
    try:
        handler = routes.handler(_wsgi_text(environ["PATH_INFO"]), environ["REQUEST_METHOD"])
    except HTTPException as unrouted:  # 404, 405, or a redirect to merged slashes, as a server answers
        return _wsgi_answer((routes.refusal(environ) or unrouted).get_response(environ), environ)
    if on_view is not None:
        on_view(handler)
    request = request_class(environ)
    try:
        result = _call(handler, request)
    except HTTPException as error:  # as Flask answers an HTTP error a handler raises
        return _wsgi_answer(error.get_response(environ), environ)
    return _plain_answer(request.method, *result) or _wsgi_answer(_response(request, *result), environ)


def _wsgi_text(value: str) -> str:
    """A WSGI environ string (bytes as latin-1) as the text werkzeug's routing matches against."""
    return value.encode("latin-1").decode(errors="replace")


def _call(handler, request) -> tuple:
    """The handler's (status, headers, content), called as moto's `convert_to_flask_response` does."""
    try:
        result = handler(request, request.raw_url, dict(request.headers.items()))
    except ClientError as error:
        result = 400, {}, error.response["Error"]["Message"]
    return result if len(result) == 3 else (200, {}, result)


def _response(request, status, headers, content) -> Response:
    """The response moto's `convert_to_flask_response` builds from a handler's result."""
    response = MotoResponse(response=content, status=status, headers=headers)
    if request.method == "HEAD" and "content-length" in headers:
        response.headers["Content-Length"] = headers["content-length"]
    return response


def _plain_answer(method: str, status, headers: dict, content) -> Answer | None:
    """The common answer (a 2xx with a body, no redirect, text headers) as that response sends it,
    without building it: the same headers in the same order, Content-Type added when moto set none
    and Content-Length set to the body's length. Anything else returns None and takes the response."""
    if method == "HEAD" or type(status) is not int or not 200 <= status < 300 or status == 204:
        return None
    if isinstance(content, str):
        content = content.encode()
    elif type(content) is not bytes:
        return None
    out, has_type, length = [], False, str(len(content))
    for name, value in headers.items():
        if type(value) is not str:
            if type(value) is not int:
                return None
            value = str(value)
        elif "\n" in value or "\r" in value:
            return None
        lowered = name.lower()
        if lowered in _REDIRECTING:
            return None
        if lowered == "content-type":
            has_type = True
        elif lowered == "content-length":
            if length is None:
                continue  # werkzeug keeps the first Content-Length only
            value, length = length, None
            name = "Content-Length"
        out.append((name, value))
    if not has_type:
        out.append(("Content-Type", _DEFAULT_TYPE))
    if length is not None:
        out.append(("Content-Length", length))
    return status, out, content


_REDIRECTING = frozenset({"location", "content-location"})  # werkzeug rewrites these as URIs
_DEFAULT_TYPE = get_content_type(MotoResponse.default_mimetype, "utf-8")


def _wsgi_answer(response, environ) -> Answer:
    """Status, headers and body as the response sends them over WSGI (HEAD and 204 lose the body)."""
    app_iter, status, headers = response.get_wsgi_response(environ)
    try:
        body = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    return int(status.split(" ", 1)[0]), headers, body
