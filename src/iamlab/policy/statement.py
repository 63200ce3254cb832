"""A statement compiled for fast matching: Action, Resource, Principal and Condition.

Compiling is lenient: whatever the JSON holds, a statement either compiles to something
that can match or to something that never matches (an invalid Effect, Action together
with NotAction, a malformed Condition...). Strict checks live in `validate`.
"""

from __future__ import annotations

import re

from iamlab.i18n import N_
from iamlab.policy.conditions import Condition
from iamlab.policy.principals import PrincipalSpec
from iamlab.policy.variables import Template
from iamlab.policy.wildcards import covers, intersects, regex_source, tokens_of

_NEVER = re.compile(r"(?!)")


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _strings(value) -> tuple[str, ...] | None:
    """A string-or-list element as strings; None when its shape is wrong."""
    items = as_list(value)
    if not all(isinstance(item, str) for item in items):
        return None
    return tuple(items)


class ResourceSpec:
    """A compiled Resource or NotResource element."""

    __slots__ = ("patterns", "templates", "regex", "variable_keys")

    def __init__(self, patterns: tuple[str, ...], substitute: bool):
        self.patterns = patterns
        self.templates = tuple(Template(p, substitute) for p in patterns)
        self.variable_keys = tuple(k for t in self.templates for k in t.keys)
        if all(t.is_plain for t in self.templates):
            source = "|".join(f"(?:{regex_source(tokens_of(p), segmented=True)})" for p in patterns)
            self.regex = re.compile(source, re.DOTALL) if patterns else _NEVER
        else:
            self.regex = None

    def token_patterns(self, context: dict) -> list[tuple]:
        """Each pattern's tokens with variables filled in; unresolvable patterns are dropped."""
        return [t for t in (tmpl.tokens(context) for tmpl in self.templates) if t is not None]

    def matches(self, resource: str, request_tokens: tuple | None, broad: bool, context: dict) -> bool:
        """Does any pattern apply to the resource?

        `request_tokens` is set when the request resource is itself a wildcard pattern;
        `broad` then asks for overlap (an Allow) instead of full coverage (a Deny).
        """
        if request_tokens is None and self.regex is not None:
            return self.regex.fullmatch(resource) is not None
        patterns = self.token_patterns(context)
        if request_tokens is None:
            return any(_token_regex(p).fullmatch(resource) is not None for p in patterns)
        if broad:
            return any(intersects(p, request_tokens) for p in patterns)
        return any(covers(p, request_tokens) for p in patterns)


_TOKEN_REGEX_CACHE: dict = {}


def _token_regex(tokens: tuple) -> re.Pattern:
    found = _TOKEN_REGEX_CACHE.get(tokens)
    if found is None:
        if len(_TOKEN_REGEX_CACHE) > 4096:
            _TOKEN_REGEX_CACHE.clear()
        found = re.compile(regex_source(tokens, segmented=True), re.DOTALL)
        _TOKEN_REGEX_CACHE[tokens] = found
    return found


class Statement:
    """One compiled statement; `usable` is False when it can never match."""

    __slots__ = (
        "index",
        "raw",
        "sid",
        "effect",
        "is_deny",
        "usable",
        "actions",
        "not_action",
        "action_regex",
        "resources",
        "not_resource",
        "principal",
        "not_principal",
        "conditions",
        "names_principal_arn",
        "errors",
    )

    def __init__(self, index: int, raw, substitute: bool):
        self.index = index
        self.raw = raw
        self.usable = True
        # why parts of it can never match, for Decision.errors: (English message id, its fields),
        # translated when a decision is explained rather than frozen at compile time
        self.errors: list[tuple[str, dict]] = []
        if not isinstance(raw, dict):
            self._unusable(N_("a statement must be a JSON object; the statement never matches"))
        body = raw if isinstance(raw, dict) else {}
        sid = body.get("Sid")
        self.sid = sid if isinstance(sid, str) else None
        effect = body.get("Effect")
        self.effect = effect if effect in ("Allow", "Deny") else None
        self.is_deny = effect == "Deny"
        if self.effect is None and isinstance(raw, dict):
            self._unusable(N_('Effect must be "Allow" or "Deny"; the statement never matches'))
        self._compile_actions(body)
        self._compile_resources(body, substitute)
        self._compile_principal(body)
        self._compile_conditions(body, substitute)

    def _compile_actions(self, body: dict) -> None:
        has_action, has_not = "Action" in body, "NotAction" in body
        self.not_action = has_not and not has_action
        actions = _strings(body.get("NotAction" if self.not_action else "Action", []))
        if has_action == has_not or actions is None or not actions:
            self._unusable(
                N_("it needs Action or NotAction (not both), a string or list; the statement never matches")
            )
            actions = actions or ()
        self.actions = actions
        source = "|".join(f"(?:{regex_source(tokens_of(a), segmented=False)})" for a in actions)
        self.action_regex = re.compile(source, re.IGNORECASE | re.DOTALL) if actions else _NEVER

    def _compile_resources(self, body: dict, substitute: bool) -> None:
        has_resource, has_not = "Resource" in body, "NotResource" in body
        self.not_resource = has_not and not has_resource
        if has_resource and has_not:
            self._unusable(N_("Resource and NotResource cannot both be present; the statement never matches"))
        if not has_resource and not has_not:
            self.resources = None  # absent: matches any resource in a resource policy, none elsewhere
            return
        patterns = _strings(body.get("NotResource" if self.not_resource else "Resource"))
        if patterns is None:
            self._unusable(N_("Resource must be a string or a list of strings; the statement never matches"))
            patterns = ()
        self.resources = ResourceSpec(patterns, substitute)

    def _compile_principal(self, body: dict) -> None:
        has_principal, has_not = "Principal" in body, "NotPrincipal" in body
        if has_principal and has_not:
            self._unusable(
                N_("Principal and NotPrincipal cannot both be present; the statement never matches")
            )
        self.not_principal = has_not and not has_principal
        if not has_principal and not has_not:
            self.principal = None
        else:
            self.principal = PrincipalSpec(body.get("NotPrincipal" if self.not_principal else "Principal"))

    def _compile_conditions(self, body: dict, substitute: bool) -> None:
        self.conditions: tuple = ()
        self.names_principal_arn = False
        block = body.get("Condition")
        if block is None:
            return
        if not isinstance(block, dict):
            self._unusable(N_("Condition must be a JSON object; the statement never matches"))
            return
        found = []
        for operator, keys in block.items():
            if not isinstance(keys, dict):
                self._unusable(
                    N_("Condition {operator} must map condition keys to values; the statement never matches"),
                    operator=operator,
                )
                continue
            for key, values in keys.items():
                condition = Condition(operator, key, values, substitute)
                if condition.operator.base is None:
                    template = N_("unknown condition operator {operator}: the condition never matches")
                    self.errors.append((template, {"operator": operator}))
                found.append(condition)
        self.conditions = tuple(found)
        self.names_principal_arn = any(c.names_principal_arn for c in found)

    def _unusable(self, template: str, **fields) -> None:
        self.usable = False
        self.errors.append((template, fields))

    # -- matching -----------------------------------------------------------------

    def action_matches(self, action: str) -> bool:
        return (self.action_regex.fullmatch(action) is not None) != self.not_action

    def resource_matches(
        self, resource: str, request_tokens, in_resource_policy: bool, context: dict
    ) -> bool:
        spec = self.resources
        if spec is None:
            return in_resource_policy
        broad = not self.is_deny
        if self.not_resource:
            # NotResource applies where the request falls outside every pattern.
            return not spec.matches(resource, request_tokens, not broad, context)
        return spec.matches(resource, request_tokens, broad, context)

    def principal_match(self, caller, in_resource_policy: bool, has_boundary: bool) -> str | None:
        """How this statement's Principal names the caller ("any" when it has none)."""
        spec = self.principal
        if spec is None:
            return None if in_resource_policy else "any"
        if not self.not_principal:
            return spec.match(caller)
        if self.is_deny:
            # AWS: a Deny with NotPrincipal always applies to a principal with a boundary.
            if has_boundary:
                return "any"
            return None if spec.names_exactly(caller) else "any"
        return None if spec.match(caller) else "any"

    def conditions_hold(self, context: dict) -> bool:
        for condition in self.conditions:
            if not condition.holds(context):
                return False
        return True
