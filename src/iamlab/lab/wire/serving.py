"""How the lab's sockets are served: werkzeug's request handler as moto uses it, quietly, on a thread."""

from __future__ import annotations

import threading

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import make_server


class QuietHandler(MotoRequestHandler):
    """Serve without printing an access log line into the learner's notebook.

    A client that declares a body and then stalls must not hold a server thread for ever:
    the socket gives up after `timeout` seconds of silence.
    """

    timeout = 60
    protocol_version = "HTTP/1.1"

    def log_request(self, *args, **kwargs):
        pass


def serve(host: str, port: int, app, name: str, handler: type[QuietHandler] = QuietHandler):
    """A threaded server for the WSGI `app` on (host, port), already answering on a daemon thread."""
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    # A short poll: `close()` waits for the loop to notice, and lessons close a lab each.
    threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True).start()
    return server
