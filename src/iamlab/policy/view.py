"""The request as the matchers want it: lower-cased action, resource tokens, the caller,
the context with lower-cased keys. Computed once per evaluation, kept for explanations."""

from __future__ import annotations

from iamlab.policy.principals import request_caller
from iamlab.policy.wildcards import has_wildcard, tokens_of

RESOURCE_SLOTS = frozenset(("resource", "rcp"))  # policies whose statements name principals


class RequestView:
    """The request as the matchers want it, computed once per evaluation."""

    __slots__ = ("action", "resource", "tokens", "caller", "has_boundary", "_context", "raw_context")

    def __init__(self, request, has_boundary: bool):
        self.action = str(request.action).lower()
        resource = str(request.resource)
        self.resource = resource
        self.tokens = tokens_of(resource) if resource != "*" and has_wildcard(resource) else None
        self.caller = request_caller(request.principal, self.action, request.session_issuer)
        self.has_boundary = has_boundary
        self.raw_context = request.context if isinstance(request.context, dict) else {}
        self._context = None

    @property
    def context(self) -> dict:
        if self._context is None:
            self._context = {str(k).lower(): v for k, v in self.raw_context.items()}
        return self._context
