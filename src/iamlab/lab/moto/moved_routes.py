"""Routes AWS still serves that moto's model no longer knows.

moto tells a REST request's operation by the API model of the botocore it runs with. When AWS
gives an operation a new route, a newer model keeps only the new one, while AWS goes on
serving the old one, which older clients still call. SES API v2's list operations moved from a
`GET` with the page in the query string (the API Reference's `GET /v2/email/identities`, which
Debian bookworm's AWS CLI 2.9 sends) to a `POST` with the page in a JSON body
(`POST /v2/email/list-identities`, today's clients). Once the front door has verified the request
as it was signed, the lab hands moto the same call on its current route.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qsl, quote

# moto's backend -> (method, old path, the current path for it), the old path's parts named.
MOVED = {
    "sesv2": (
        ("GET", re.compile(r"/v2/email/identities/?"), "/v2/email/list-identities"),
        ("GET", re.compile(r"/v2/email/configuration-sets/?"), "/v2/email/list-configuration-sets"),
        (
            "GET",
            re.compile(r"/v2/email/contact-lists/(?P<name>[^/]+)/contacts/?"),
            "/v2/email/contact-lists/{name}/contacts/list",
        ),
    ),
}
_NUMBERS = frozenset({"PageSize"})  # query members the JSON body carries as numbers


def modernize(backend: str, environ) -> None:
    """Put a request on an old route on its current one: method, path, and its query members
    joined to its JSON body (if any). Any other request is left as it is."""
    new_path = _moved(backend, environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", ""))
    if new_path is None:
        return
    sent = environ["wsgi.input"].read()
    members = json.loads(sent) if sent.strip() else {}
    for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
        members[name] = int(value) if name in _NUMBERS and value.isdigit() else value
    body = json.dumps(members).encode()
    raw_path = quote(new_path.encode("latin-1"), safe="/")  # WSGI's path is the bytes as latin-1
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO=new_path,
        RAW_URI=raw_path,
        REQUEST_URI=raw_path,
        QUERY_STRING="",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(len(body)),
    )
    environ["wsgi.input"] = io.BytesIO(body)


def _moved(backend: str, method: str, path: str) -> str | None:
    """The current path of a request on an old route of `backend`, else None."""
    for old_method, old, current in MOVED.get(backend, ()):
        found = old.fullmatch(path) if method == old_method else None
        if found:
            return current.format(**found.groupdict())
    return None
