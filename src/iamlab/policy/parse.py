"""Reading a policy document (dict or JSON text) into compiled statements, leniently.

Lenient means: never raise. A document that is not JSON, or whose Statement has the wrong
shape, compiles to a policy with no usable statements — it allows and denies nothing.
"""

from __future__ import annotations

import json

from iamlab.policy.statement import Statement

CURRENT_VERSION = "2012-10-17"


def load_document(document) -> tuple[object, bool]:
    """(parsed JSON value, parsed_ok) for a dict, JSON text or bytes."""
    if isinstance(document, (bytes, bytearray)):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError:
            return None, False
    if isinstance(document, str):
        try:
            return json.loads(document), True
        except (ValueError, RecursionError):
            return None, False
    return document, True


def raw_statements(document) -> list:
    """The Statement element as a list (a single object counts as one statement)."""
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement")
    if isinstance(statements, dict):
        return [statements]
    if isinstance(statements, list):
        return statements
    return []


class CompiledPolicy:
    """The statements of one document, with per-action lookups memoised."""

    __slots__ = ("document", "parsed", "version", "statements", "_by_action")

    def __init__(self, document):
        self.document = document
        self.parsed = isinstance(document, dict)  # False: not a JSON object, so it holds nothing
        version = document.get("Version") if isinstance(document, dict) else None
        self.version = version if isinstance(version, str) else None
        substitute = self.version == CURRENT_VERSION
        self.statements = tuple(
            Statement(i, raw, substitute) for i, raw in enumerate(raw_statements(document))
        )
        self._by_action: dict = {}

    def for_action(self, action: str) -> tuple[tuple, tuple]:
        """(deny statements, allow statements) whose Action/NotAction covers the action."""
        found = self._by_action.get(action)
        if found is None:
            denies, allows = [], []
            for statement in self.statements:
                if statement.usable and statement.action_matches(action):
                    (denies if statement.is_deny else allows).append(statement)
            found = (tuple(denies), tuple(allows))
            if len(self._by_action) > 2048:
                self._by_action.clear()
            self._by_action[action] = found
        return found
