"""The public value types: Request, and Policy (a parsed, validated, compiled document).

Parsing and compiling are cached by content, so handing the engine the same document
again — as a dict, as JSON text or as a Policy — costs a dictionary lookup.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

from iamlab.policy.errors import MalformedPolicyDocument
from iamlab.policy.parse import CompiledPolicy, load_document

KINDS = ("identity", "resource", "trust", "boundary", "session", "scp", "rcp")
_COMPILED: dict = {}
_PARSED: dict = {}
_BY_IDENTITY: dict = {}  # (id(dict document), kind, name) -> (document, snapshot, Policy)
_CACHE_LIMIT = 4096


@dataclass(frozen=True)
class Request:
    """What is asked: who (principal ARN or service), which action, on which resource.

    `resource_account` None means: the account in the resource ARN, else the principal's.
    `context` holds condition keys (names are matched case-insensitively).
    `principal` may be `{"type": "Anonymous"}` (or "anonymous") for an unsigned request.
    `session_issuer` is the ARN of the IAM user who federated a federated-user session
    (GetFederationToken); a resource policy naming that user then applies to the session.
    When it is None the engine takes the user of the session's name in the same account.
    """

    principal: str
    action: str
    resource: str
    resource_account: str | None = None
    context: dict = field(default_factory=dict)
    session_issuer: str | None = None


def content_key(document) -> object:
    """A hashable key for a document's content."""
    if isinstance(document, str):
        return document
    if isinstance(document, (bytes, bytearray)):
        return bytes(document)
    try:
        return json.dumps(document, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):
        return ("unhashable", id(document))


def compiled_for(document) -> CompiledPolicy:
    """The lenient compiled form of any document (cached by content)."""
    key = content_key(document)
    found = _COMPILED.get(key)
    if found is None:
        parsed, _ = load_document(document)
        found = CompiledPolicy(parsed)
        if len(_COMPILED) > _CACHE_LIMIT:
            _COMPILED.clear()
        if not (isinstance(key, tuple) and key[0] == "unhashable"):
            _COMPILED[key] = found
    return found


class Policy:
    """A validated policy of one kind, with a label for diagnostics.

    Build with `Policy.parse(document, kind=..., name=..., source_type=...)`; it raises
    MalformedPolicyDocument with IAM's message when the document is invalid for its kind.
    """

    __slots__ = ("document", "kind", "name", "source_type", "compiled")

    def __init__(self, document, kind: str, name: str | None, source_type: str | None, compiled):
        self.document = document
        self.kind = kind
        self.name = name
        self.source_type = source_type
        self.compiled = compiled

    @classmethod
    def parse(
        cls, document, *, kind: str = "identity", name: str | None = None, source_type: str | None = None
    ):
        if isinstance(document, Policy):
            document = document.document
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        key = (content_key(document), kind, name, source_type)
        found = _PARSED.get(key)
        if found is None:
            from iamlab.policy.validate import first_error

            parsed, ok = load_document(document)
            error = first_error(parsed, kind) if ok else MalformedPolicyDocument("Syntax errors in policy.")
            found = error if error is not None else cls(parsed, kind, name, source_type, compiled_for(parsed))
            if len(_PARSED) > _CACHE_LIMIT:
                _PARSED.clear()
            _PARSED[key] = found
        if isinstance(found, MalformedPolicyDocument):
            raise MalformedPolicyDocument(found.message, found.path)
        return found

    @property
    def statements(self) -> tuple:
        return self.compiled.statements

    def named(self, name: str) -> Policy:
        """The same policy under another name (shares the compiled form)."""
        return Policy(self.document, self.kind, name, self.source_type, self.compiled)

    def __repr__(self) -> str:
        return f"Policy(kind={self.kind!r}, name={self.name!r}, statements={len(self.statements)})"


def as_policy(document, kind: str, name: str | None = None) -> Policy:
    """Any accepted input as a Policy, without validation (the lenient path of evaluate).

    A dict seen before is recognised by identity and confirmed unchanged by comparing it
    with a snapshot (a C-speed deep equality), so re-serialising it is rarely needed.
    """
    if isinstance(document, Policy):
        return document
    if isinstance(document, dict):
        seen = _BY_IDENTITY.get((id(document), kind, name))
        if seen is not None and seen[0] is document and seen[1] == document:
            return seen[2]
        found = _lenient(document, kind, name)
        if len(_BY_IDENTITY) > _CACHE_LIMIT:
            _BY_IDENTITY.clear()
        try:
            _BY_IDENTITY[(id(document), kind, name)] = (document, copy.deepcopy(document), found)
        except (TypeError, ValueError, RecursionError, copy.Error):
            pass
        return found
    return _lenient(document, kind, name)


def _lenient(document, kind: str, name: str | None) -> Policy:
    key = (content_key(document), "lenient", kind, name)
    found = _PARSED.get(key)
    if found is None:
        parsed, _ = load_document(document)
        found = Policy(parsed, kind, name, None, compiled_for(document))
        if len(_PARSED) > _CACHE_LIMIT:
            _PARSED.clear()
        _PARSED[key] = found
    return found
