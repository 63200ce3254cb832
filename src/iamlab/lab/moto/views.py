"""moto's views, served without Flask's per-request machinery.

moto's server wraps every handler in a Flask app. For each request Flask pushes an app and a
request context, opens a session, runs before/after hooks (Flask-CORS among them), and finalizes
a response object: about a twentieth of a lab request, none of which moto's handlers use (they
take the request, the URL and the headers as arguments). The lab matches the route with the app's
own route map, calls the handler as moto's `convert_to_flask_response` does, and answers with the
same werkzeug response object Flask would send (tests/lab/test_views.py compares the bytes).

Two things Flask adds are left out on purpose:
- Flask-CORS's `Access-Control-Allow-Origin` on every answer. AWS sends CORS headers only where a
  service's own CORS configuration says so (S3 bucket CORS, which moto's S3 handler sets itself),
  and a browser's unsigned preflight never gets past the lab's front door anyway.
- Anything a route cannot match (404, 405, a redirect to merged slashes) goes to the Flask app as
  before, so those rare answers stay exactly Flask's.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from flask import Response
from moto.core.utils import convert_to_flask_response
from werkzeug.exceptions import HTTPException

Answer = tuple[int, list[tuple[str, str]], bytes]


def serve(app, environ, on_view=None) -> Answer:
    """moto's answer to the WSGI request `environ`, from the Flask `app` moto built for a service.

    `on_view(callback)` runs once the handler is known, before it runs."""
    try:
        endpoint, _ = _routes(app).match(_wsgi_text(environ["PATH_INFO"]), environ["REQUEST_METHOD"])
        view = app.view_functions[endpoint]
    except HTTPException:
        return _through_flask(app, environ)
    if not isinstance(view, convert_to_flask_response):  # not one of moto's handlers: Flask serves it
        return _through_flask(app, environ)
    if on_view is not None:
        on_view(view.callback)
    request = app.request_class(environ)
    try:
        response = _respond(view.callback, request)
    except HTTPException as error:  # as Flask answers an HTTP error a handler raises
        response = error.get_response(environ)
    return _wsgi_answer(response, environ)


def _routes(app):
    """The app's routes, bound once. moto's routes name no host or subdomain, so matching needs only
    the path and method; building a redirect (which needs the host) is left to Flask."""
    routes = app.extensions.get("iamlab.routes")
    if routes is None:
        routes = app.extensions["iamlab.routes"] = app.url_map.bind("localhost", subdomain="")
    return routes


def _wsgi_text(value: str) -> str:
    """A WSGI environ string (bytes as latin-1) as the text werkzeug's routing matches against."""
    return value.encode("latin-1").decode(errors="replace")


def _respond(callback, request) -> Response:
    """What moto's `convert_to_flask_response.__call__` returns, given the request explicitly."""
    try:
        result = callback(request, request.raw_url, dict(request.headers.items()))
    except ClientError as error:
        result = 400, {}, error.response["Error"]["Message"]
    status, headers, content = result if len(result) == 3 else (200, {}, result)
    response = Response(response=content, status=status, headers=headers)
    if request.method == "HEAD" and "content-length" in headers:
        response.headers["Content-Length"] = headers["content-length"]
    return response


def _wsgi_answer(response, environ) -> Answer:
    """Status, headers and body as the response sends them over WSGI (HEAD and 204 lose the body)."""
    app_iter, status, headers = response.get_wsgi_response(environ)
    try:
        body = b"".join(app_iter)
    finally:
        if hasattr(app_iter, "close"):
            app_iter.close()
    return int(status.split(" ", 1)[0]), headers, body


def _through_flask(app, environ) -> Answer:
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = int(status.split(" ", 1)[0]), headers

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return captured["status"], captured["headers"], body
