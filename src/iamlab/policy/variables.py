"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`, `${?}`, `${$}`.

Only documents of Version 2012-10-17 substitute variables; in older documents `${...}` is
plain text. A variable whose key is missing (and has no default) cannot be resolved, and
the element that holds it then matches nothing.
"""

from __future__ import annotations

import re

from iamlab.policy.wildcards import tokens_of

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


class Template:
    """A policy string split into literal pattern text and variable references."""

    __slots__ = ("text", "parts", "keys")

    def __init__(self, text: str, substitute: bool):
        self.text = text
        parts: list = []
        keys: list = []
        position = 0
        if substitute:
            for found in _VARIABLE.finditer(text):
                if found.start() > position:
                    parts.append(("pattern", text[position : found.start()]))
                inner = found.group(1).strip()
                if inner in _ESCAPES:
                    parts.append(("literal", _ESCAPES[inner]))
                else:
                    key, default = _split_default(inner)
                    parts.append(("variable", key.lower(), key, default))
                    keys.append(key)
                position = found.end()
        if position < len(text) or not parts:
            parts.append(("pattern", text[position:]))
        self.parts = tuple(parts)
        self.keys = tuple(keys)

    @property
    def is_plain(self) -> bool:
        return len(self.parts) == 1 and self.parts[0][0] == "pattern"

    def tokens(self, context: dict) -> tuple | None:
        """The pattern's tokens with variables substituted as literals; None if one is unresolved."""
        out: list = []
        for part in self.parts:
            if part[0] == "pattern":
                out.extend(tokens_of(part[1]))
            elif part[0] == "literal":
                out.append(part[1])
            else:
                value = _variable_value(part, context)
                if value is None:
                    return None
                out.extend(value)
        return tuple(out)

    def text_value(self, context: dict) -> str | None:
        """The string with variables substituted (for condition values); None if unresolved."""
        if self.is_plain:
            return self.text
        out = []
        for part in self.parts:
            if part[0] in ("pattern", "literal"):
                out.append(part[1])
            else:
                value = _variable_value(part, context)
                if value is None:
                    return None
                out.append(value)
        return "".join(out)


def _split_default(inner: str) -> tuple[str, str | None]:
    if "," not in inner:
        return inner, None
    key, default = inner.split(",", 1)
    default = default.strip()
    if len(default) >= 2 and default[0] == default[-1] == "'":
        default = default[1:-1]
    return key.strip(), default


def single_value(value) -> str | None:
    """A context value usable as a variable: one scalar (a list of exactly one counts)."""
    if isinstance(value, (list, tuple)):
        if len(value) != 1:
            return None
        value = value[0]
    if value is None or isinstance(value, (dict, list, tuple)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _variable_value(part: tuple, context: dict) -> str | None:
    """A `${key, 'default'}` part's value: the context's single value, else its default, else None."""
    value = single_value(context.get(part[1]))
    return part[3] if value is None else value
