"""moto's routes of one service, matched as moto's server matches them, with werkzeug alone.

Each moto backend lists its handlers by URL path (`flask_paths`: paths whose variable parts are
`<regex("..."):name>`). moto's server puts them on a plain werkzeug `Map`, every method it serves
on every route and no strict slashes, inside a Flask app the lab has no use for (importing Flask
and its companions was 8% of a lab's start, counted in instructions). This is the same map, built
from the same data in the same order, so the same rule wins for every path
(tests/lab/test_moto_routes.py compares them with moto's own app).

Flask would also add `/static/<path:filename>` to every app; moto's server replaces the app's map
right after, so no moto service ever served it: a bucket named `static` is S3's like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.base_backend import BackendDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map, MapAdapter, Rule

# What moto's server accepts on every route; werkzeug answers any other method 405 and lists these
# in its `Allow` header, in the order of the set of them built as moto's server builds it.
_MATCHES_KEPT = 1024
METHODS = ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]


class _Pattern(BaseConverter):
    """`<regex("[^/]+"):name>`: the part matches the regular expression given, slashes included
    if it says so (hence not part-isolating)."""

    part_isolating = False

    def __init__(self, url_map: Map, pattern: str):
        super().__init__(url_map)
        self.regex = pattern


@dataclass(frozen=True)
class Routes:
    """One backend's routes: `handler` names the one for a path and method."""

    backend: str
    handlers: tuple  # by rule, in the order the rules were added (a rule's endpoint is its position)
    map: Map
    adapter: MapAdapter  # moto's rules name no host or subdomain: any binding matches alike

    seen: dict = field(default_factory=dict, compare=False)  # (path, method) -> rule, matched before

    def handler(self, path: str, method: str):
        """moto's handler for the (decoded) path and method; werkzeug's `NotFound`,
        `MethodNotAllowed` or `RequestRedirect` (a path with doubled slashes) if none serves it.
        A learner repeats the same few paths, so matches are remembered (a bounded table: the
        rule depends on nothing else; refusals are not kept)."""
        rule = self.seen.get((path, method))
        if rule is None:
            rule, _ = self.adapter.match(path, method)
            if len(self.seen) >= _MATCHES_KEPT:
                self.seen.clear()
            self.seen[path, method] = rule
        return self.handlers[rule]

    def refusal(self, environ):
        """The routing exception for this request, bound to it as a server binds (so a redirect
        names the request's own host and scheme); None if a route does match."""
        try:
            self.map.bind_to_environ(environ, subdomain="").match()
        except HTTPException as error:
            return error
        return None


@cache  # the routes are moto's code, fixed for the process, as moto's server keeps its apps
def of(backend: str) -> Routes:
    routes = Map(converters={"regex": _Pattern})
    # a service reached without a path (timestream's ingest host) has no route to add
    paths = [(path, handler) for path, handler in _paths(backend).items() if path]
    for position, (path, _) in enumerate(paths):
        methods = {method.upper() for method in METHODS}
        routes.add(Rule(path, endpoint=position, methods=methods, strict_slashes=False))
    handlers = tuple(handler for _, handler in paths)
    return Routes(backend, handlers, routes, routes.bind("localhost", subdomain=""))


def _paths(backend: str) -> dict:
    """`flask_paths` of the backend moto's server reads them from (the default account's, in
    us-east-1 or the partition, or the one global instance): the same paths in the same order."""
    backends = get_backend(backend)
    if not isinstance(backends, BackendDict):
        return backends["global"].flask_paths
    regions = backends[DEFAULT_ACCOUNT_ID]
    return (regions["us-east-1"] if "us-east-1" in regions else regions["aws"]).flask_paths
