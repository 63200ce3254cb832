"""The refuser: the proxy `lab.env()` names for every request not addressed to the lab.

A client that ignores the lab's endpoint (the AWS CLI v2 before 2.13 ignores
AWS_ENDPOINT_URL) would otherwise send requests signed with lab keys to the real AWS.
`lab.env()` sends all HTTP(S) traffic except 127.0.0.1 and localhost to this port, which
answers each request, CONNECT included, with a refusal naming the fix, and forwards nothing.
"""

from __future__ import annotations

import socketserver
import threading

from iamlab.i18n import _

# Clients print the proxy's URL when it refuses them, so the fix is written into it (ASCII, no spaces).
URL_HINT = "this-AWS-CLI-ignores-AWS_ENDPOINT_URL.use--endpoint-url-or-AWS-CLI-2.13-or-later"
# An HTTP reason phrase must be ASCII: this one stays English in every language.
REASON = "iamlab refused: this client ignores the lab endpoint (use --endpoint-url or AWS CLI >= 2.13)"


def message() -> str:
    return _(
        "iamlab refused to forward this request: it was not addressed to the lab's endpoint, and "
        "nothing signed with lab keys leaves 127.0.0.1. If this is the AWS CLI, it ignores "
        "AWS_ENDPOINT_URL; use --endpoint-url or AWS CLI ≥ 2.13."
    )


class Refuser:
    """A loopback 'proxy' that forwards nothing; `refused` lists the targets clients asked for,
    and `on_refuse(target)` (the lab's journal) hears of each."""

    def __init__(self, host: str, on_refuse=None):
        self.refused: list[str] = []
        self._on_refuse = on_refuse or (lambda target: None)
        refuser = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                request_line = self.rfile.readline(8192).decode("latin-1").strip()
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass
                parts = request_line.split()
                target = parts[1] if len(parts) > 1 else request_line
                refuser.refused.append(target)
                refuser._on_refuse(target)
                body = (message() + "\n").encode()
                self.wfile.write(
                    f"HTTP/1.1 403 {REASON}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode("latin-1")
                    + body
                )

        self._server = socketserver.ThreadingTCPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="iamlab-refuser", daemon=True).start()

    @property
    def proxy_url(self) -> str:
        host, port = self._server.server_address
        return f"http://{host}:{port}/{URL_HINT}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
