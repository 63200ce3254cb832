"""The lab's proxy: where `lab.env()` sends every HTTP(S) request not addressed to 127.0.0.1.

A client that ignores the lab's endpoint (Debian's AWS CLI v2 2.9 ignores AWS_ENDPOINT_URL, and for
a role profile's AssumeRole even --endpoint-url) sends what it meant for AWS's real hostnames here,
and the lab answers it: a `CONNECT sts.amazonaws.com:443` is accepted and its TLS ended with a
certificate for that host from the lab's own authority (`authority.py`), which only `lab.env()`
trusts; the requests inside, and plain-HTTP ones for AWS hosts, go to the lab's front door like any
other. Every other host is refused with a message saying why. The proxy forwards nothing: it opens
no connection of its own, so nothing signed with lab keys leaves 127.0.0.1.
"""

from __future__ import annotations

import ssl
import threading

from iamlab.i18n import _
from iamlab.lab.wire.authority import Authority, is_aws_host
from iamlab.lab.wire.serving import QuietHandler, serve

# Clients print the proxy's URL when it refuses them, so the reason is written into it (ASCII, no spaces).
URL_HINT = "iamlab-answers-only-for-AWS-hostnames.nothing-leaves-127.0.0.1"
# An HTTP reason phrase must be ASCII: this one stays English in every language.
REASON = "iamlab refused: not an AWS hostname, and nothing leaves 127.0.0.1"
_TUNNELED = "iamlab.tunneled_host"


def message() -> str:
    return _(
        "iamlab refused to forward this request: in the lab's environment only the lab answers, at its "
        "endpoint and for AWS's own hostnames, and nothing leaves 127.0.0.1. Run commands meant for "
        "other sites outside the lab's environment."
    )


def untrusted_message() -> str:
    return _(
        "A client did not trust the lab's certificate for an AWS hostname (it reads neither "
        "AWS_CA_BUNDLE nor NODE_EXTRA_CA_CERTS from lab.env()). Nothing was sent; point the client at "
        "the lab's endpoint with AWS_ENDPOINT_URL or --endpoint-url."
    )


class LabProxy:
    """A loopback proxy that answers AWS hostnames with `front` (the lab's WSGI front door) and
    refuses the rest. `answered` lists the AWS hosts it served, `refused` the other targets; each
    refusal is also told to `on_refuse(target, message)` (the lab's journal)."""

    def __init__(self, host: str, front, authority: Authority, on_refuse=None):
        self.answered: list[str] = []
        self.refused: list[str] = []
        self.authority = authority
        self._front = front
        self._on_refuse = on_refuse or (lambda target, text: None)
        self._host = host
        self._server = None
        self._port = 0
        self._closed = False
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        """The port it listens on; it starts listening the first time it is asked (by `lab.env()`),
        and never again once closed."""
        with self._lock:
            if self._server is None and not self._closed:
                self._server = serve(self._host, 0, self._app, "iamlab-proxy", _ProxyHandler)
                self._server.lab_proxy = self
                self._port = self._server.server_address[1]
            return self._port

    @property
    def proxy_url(self) -> str:
        return f"http://{self._host}:{self.port}/{URL_HINT}"

    def close(self) -> None:
        with self._lock:
            server, self._server, self._closed = self._server, None, True
        if server is not None:
            server.shutdown()
            server.server_close()

    def refuse(self, target: str, text: str) -> None:
        self.refused.append(target)
        self._on_refuse(target, text)

    def _app(self, environ, start_response):
        host = environ.get(_TUNNELED)
        if host is None and environ["REQUEST_METHOD"] != "CONNECT":
            host = _hostname(environ.get("HTTP_HOST", ""))
            if is_aws_host(host):  # plain HTTP, absolute-form: http://sts.amazonaws.com/…
                self.answered.append(host)
            else:
                host = None
        if host is not None:
            return self._front(environ, start_response)
        self.refuse(environ.get("RAW_URI", ""), message())
        body = (message() + "\n").encode()
        start_response(
            f"403 {REASON}",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
            ],
        )
        return [body]


class _ProxyHandler(QuietHandler):
    """werkzeug's handler, plus CONNECT: for an AWS host on 443, TLS ends here and the lab serves
    what is inside; any other CONNECT is refused like any other request (by `LabProxy._app`)."""

    def run_wsgi(self) -> None:
        host, _, port = self.path.rpartition(":")
        if self.command != "CONNECT" or port != "443" or not is_aws_host(host):
            return super().run_wsgi()
        self.close_connection = True
        host = host.lower().rstrip(".")
        proxy = self.server.lab_proxy
        self.send_response(200, "Connection established")
        self.end_headers()
        try:
            tls = proxy.authority.context_for(host).wrap_socket(self.connection, server_side=True)
        except ssl.SSLError as error:
            if any(word in (error.reason or "") for word in ("UNKNOWN_CA", "CERTIFICATE")):
                proxy.refuse(self.path, untrusted_message())  # the client does not trust the lab's CA
            return
        except OSError:  # the client went away
            return
        proxy.answered.append(host)
        try:
            _TunnelHandler(tls, self.client_address, self.server, host)
        except OSError:  # the client dropped the tunnel (TLS errors included)
            pass
        finally:
            tls.close()


class _TunnelHandler(QuietHandler):
    """Serves the HTTP requests inside one CONNECT tunnel, decrypted, to the lab."""

    def __init__(self, connection, client_address, server, host: str):
        self.tunneled_host = host
        super().__init__(connection, client_address, server)

    def make_environ(self):
        environ = super().make_environ()
        environ["wsgi.url_scheme"] = "https"
        environ[_TUNNELED] = self.tunneled_host
        return environ


def _hostname(host_header: str) -> str:
    """`sts.amazonaws.com` from `sts.amazonaws.com:80` (the Host header or an absolute URL's netloc)."""
    host = host_header.strip()
    if host.startswith("["):
        return host
    return host.rpartition(":")[0] if ":" in host else host
