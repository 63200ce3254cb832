"""How the lab's sockets are served: werkzeug's request handler, quietly, on a thread."""

from __future__ import annotations

import base64
import threading

from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """Serve without printing an access log line into the learner's notebook.

    A client that declares a body and then stalls must not hold a server thread for ever:
    the socket gives up after `timeout` seconds of silence.
    """

    timeout = 60
    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs):
        pass

    def send_header(self, keyword, value):
        """HTTP/1.1 carries a header's text as ISO-8859-1. A value beyond it (S3 metadata a presigned
        URL gave in its query: `x-amz-meta-name=한글`) goes as S3 returns such metadata, an RFC 2047
        encoded word (`=?UTF-8?B?7ZWc6riA?=`), instead of failing the answer half written."""
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("latin-1")
            except UnicodeEncodeError:
                value = f"=?UTF-8?B?{base64.b64encode(value.encode()).decode()}?="
        super().send_header(keyword, value)

    def make_environ(self):
        environ = super().make_environ()
        keep_underscored_names(environ, self.headers.items())
        return environ


def keep_underscored_names(environ, headers) -> None:
    """Put back the S3 metadata headers werkzeug drops for an underscore in their names.

    WSGI spells `x-amz-meta-my_key` and `x-amz-meta-my-key` alike, so werkzeug's server drops
    every underscored header lest it pass for the dashed one. S3 keeps the two apart in an object's
    metadata, so these go into the environ with their names as sent (moto's `Request.headers` reports
    them so), unless a dashed header of the same WSGI name came too: that one keeps its place.
    """
    headers = list(headers)
    if not any("_" in name for name, _ in headers):
        return  # nearly every request: nothing to keep
    dashed = {environ_key_for_header(name) for name, _ in headers if "_" not in name}
    names: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in headers:
        key = environ_key_for_header(name)
        if should_preserve_original_header_name(name) and key not in dashed:
            names.setdefault(key, name)
            values.setdefault(key, []).append(value.replace("\r\n", ""))
    environ.update((key, ",".join(each)) for key, each in values.items())
    environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names


def serve(host: str, port: int, app, name: str, handler: type[QuietHandler] = QuietHandler):
    """A threaded server for the WSGI `app` on (host, port), already answering on a daemon thread."""
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    # A short poll: `close()` waits for the loop to notice, and lessons close a lab each.
    threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True).start()
    return server
