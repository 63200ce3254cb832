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
from tests.lab.raw_http import send, signed

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


def test_metadata_beyond_iso_8859_1_is_answered_as_an_rfc_2047_encoded_word(lab, article):
    """S3 user guide, object metadata: values with non-US-ASCII characters are "encoded as per RFC 2047
    to make them mail-safe before returning". Metadata given in the query (as a presigned URL gives
    it) reaches the answer's headers: the lab's server sends it so, where it used to leave the answer
    half written (a traceback in the lab's output, a client waiting for its read timeout)."""
    path = f"/{article.bucket}/notes.txt"
    put = f"{path}?x-amz-meta-title=%ED%95%9C%EA%B8%80"
    key = lab.admin_keys
    assert send(lab, "PUT", put, signed(lab, "PUT", put, key=key, body=b"hi"), b"hi").status == 200
    for method in ("GET", "HEAD"):
        reply = send(lab, method, path, signed(lab, method, path, key=key), timeout=10)
        assert reply.status == 200
        assert reply.headers["x-amz-meta-title"] == "=?UTF-8?B?7ZWc6riA?="
