"""The lab's HTTP server hands moto the headers moto's own server hands it (`lab/wire/serving.py`).

werkzeug's server drops every header with an underscore in its name; moto's server puts S3's
underscored metadata names back (S3 keeps `x-amz-meta-my_key` and `x-amz-meta-my-key` apart).
The reference is moto's `MotoRequestHandler` (in a module that imports Flask: tests may).
"""

from __future__ import annotations

import http.client
import json

from moto.core.request import Request
from moto.moto_server.werkzeug_app import MotoRequestHandler

from iamlab.lab.wire.serving import QuietHandler, serve

HEADERS = [
    ("x-amz-meta-my_key", "one"),
    ("x-amz-meta-my_key", "two"),  # sent twice: one header, the values joined
    ("X-Amz-Meta-Mixed_Case", "kept as sent"),
    ("x-amz-meta-clash_key", "hidden"),  # the dashed spelling below has the same WSGI name: it wins
    ("x-amz-meta-clash-key", "shown"),
    ("x_not_metadata", "dropped"),  # not S3 metadata: dropped, as werkzeug drops it
    ("x-amz-meta-plain", "plain"),
]


def _echo(environ, start_response):
    body = json.dumps(list(Request(environ).headers)).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class _QuietMotoHandler(MotoRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def _headers_seen(handler) -> list[list[str]]:
    server = serve("127.0.0.1", 0, _echo, "iamlab-test-serving", handler)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
        connection.putrequest("GET", "/bucket/key")
        for name, value in HEADERS:
            connection.putheader(name, value)
        connection.endheaders()
        seen = json.loads(connection.getresponse().read())
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
    return [pair for pair in seen if pair[0].lower().startswith(("x-amz-meta", "x_not", "x-not"))]


def test_underscored_s3_metadata_names_reach_moto_as_moto_servers_handler_passes_them():
    ours = _headers_seen(QuietHandler)
    assert ours == _headers_seen(_QuietMotoHandler)
    assert sorted(ours) == sorted(
        [
            ["x-amz-meta-my_key", "one,two"],
            ["X-Amz-Meta-Mixed_Case", "kept as sent"],
            ["X-Amz-Meta-Clash-Key", "shown"],
            ["X-Amz-Meta-Plain", "plain"],
        ]
    )
