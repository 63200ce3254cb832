"""Who is calling, and does a Principal / NotPrincipal element name them?

A caller can be named in several ways, and *how* it was named matters to AWS's decision:

- "any": `"*"` or `{"AWS": "*"}` — everyone;
- "direct": the caller's own ARN (user, role session, federated user, root), or its
  service / federated provider / canonical user id;
- "role": the ARN of the role a session belongs to (or the role ARN itself), or of the IAM
  user who federated a `GetFederationToken` session — such grants are capped by the
  boundary and session policies;
- "account": the 12-digit account id or `arn:aws:iam::ACCOUNT:root` — a delegation to the
  account, which still needs an identity-based allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

_ACCOUNT_ID = re.compile(r"^\d{12}$")
STRENGTH = {"any": 4, "direct": 4, "role": 2, "account": 1}
# Callers of these actions are identity providers, even when the provider's name ends in
# .amazonaws.com (cognito-identity.amazonaws.com): they match `Federated`, never `Service`.
FEDERATION_ACTIONS = frozenset(("sts:assumerolewithwebidentity", "sts:assumerolewithsaml"))
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Caller:
    """The parts of a principal ARN the decision needs."""

    arn: str
    kind: str  # user | role | assumed-role | federated-user | root | service | federated | anonymous | other
    account: str | None
    role_name: str | None = None  # for roles and role sessions
    issuer: str | None = None  # the IAM user who federated a federated-user session, when known

    @property
    def role_arn(self) -> str | None:
        if self.role_name and self.account:
            return f"arn:aws:iam::{self.account}:role/{self.role_name}"
        return None

    @property
    def service_linked(self) -> bool:
        """A service-linked role or its session (path /aws-service-role/, names AWSServiceRoleFor...)."""
        if self.kind == "role":
            return ":role/aws-service-role/" in self.arn
        return self.kind == "assumed-role" and (self.role_name or "").startswith("AWSServiceRoleFor")

    @property
    def in_account(self) -> bool:
        """An IAM identity of an account (what SCPs limit), not a service, provider or anonymous."""
        return self.account is not None and self.kind in (
            "user",
            "role",
            "assumed-role",
            "federated-user",
            "root",
        )


def request_caller(principal, action: str, session_issuer: str | None = None) -> Caller:
    """The caller of a request: its principal read in the light of the action.

    An anonymous request names `{"type": "Anonymous"}` (or "anonymous") as its principal.
    """
    if isinstance(principal, dict):
        kind = str(principal.get("type", "")).lower()
        principal = ANONYMOUS if kind == ANONYMOUS else principal.get("arn") or principal.get("id") or ""
    caller = caller_of(str(principal))
    if action in FEDERATION_ACTIONS and caller.kind in ("service", "other"):
        caller = replace(caller, kind="federated", account=None)
    if caller.kind == "federated-user":
        caller = replace(caller, issuer=str(session_issuer) if session_issuer else _same_named_user(caller))
    return caller


def _same_named_user(caller: Caller) -> str:
    """The IAM user a federated-user session is taken to belong to when the request does not say:
    the user of the same name in the same account (the session name is the caller's choice, so
    pass `Request.session_issuer` whenever the real user is known)."""
    name = caller.arn.split(":", 5)[5].split("/", 1)[1]
    return f"arn:aws:iam::{caller.account}:user/{name}"


@lru_cache(maxsize=4096)
def caller_of(principal: str) -> Caller:
    """Classify a request principal string (never fails)."""
    principal = str(principal)
    if principal.lower() == ANONYMOUS:
        return Caller(ANONYMOUS, "anonymous", None)
    if _ACCOUNT_ID.match(principal):
        return Caller(f"arn:aws:iam::{principal}:root", "root", principal)
    parts = principal.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        account, resource = parts[4], parts[5]
        service = parts[2]
        if service == "iam":
            if resource == "root":
                return Caller(principal, "root", account)
            if resource.startswith("user/"):
                return Caller(principal, "user", account)
            if resource.startswith("role/"):
                return Caller(principal, "role", account, resource.rsplit("/", 1)[-1])
            if resource.startswith(("saml-provider/", "oidc-provider/")):
                return Caller(principal, "federated", account)
        if service == "sts":
            if resource.startswith("assumed-role/"):
                pieces = resource.split("/")
                role = pieces[1] if len(pieces) > 1 else None
                return Caller(principal, "assumed-role", account, role)
            if resource.startswith("federated-user/"):
                return Caller(principal, "federated-user", account)
        return Caller(principal, "other", account or None)
    if principal.endswith(".amazonaws.com") or principal.endswith(".amazonaws.com.cn"):
        return Caller(principal, "service", None)
    return Caller(principal, "federated", None)


class PrincipalSpec:
    """A compiled Principal or NotPrincipal element."""

    __slots__ = ("raw", "any", "arns", "accounts", "roles", "services", "federated", "canonical")

    def __init__(self, raw):
        self.raw = raw
        self.any = False
        self.arns: set = set()
        self.accounts: set = set()
        self.roles: set = set()  # (account, role name)
        self.services: set = set()
        self.federated: set = set()
        self.canonical: set = set()
        if raw == "*":
            self.any = True
        elif isinstance(raw, str):
            self._add_aws(raw)  # a bare string: lenient reading of an AWS principal
        elif isinstance(raw, dict):
            for key, values in raw.items():
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str):
                        self._add(str(key), value)

    def _add(self, key: str, value: str) -> None:
        if key == "AWS":
            self._add_aws(value)
        elif key == "Service":
            self.services.add(value.lower())
        elif key == "Federated":
            self.federated.add(value.lower())
        elif key == "CanonicalUser":
            self.canonical.add(value)

    def _add_aws(self, value: str) -> None:
        if value == "*":
            self.any = True
        elif _ACCOUNT_ID.match(value):
            self.accounts.add(value)
        else:
            parts = value.split(":", 5)
            if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
                self.accounts.add(parts[4])
            else:
                self.arns.add(value)
                if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/"):
                    self.roles.add((parts[4], parts[5].rsplit("/", 1)[-1]))

    def match(self, caller: Caller) -> str | None:
        """How the element names the caller: "any", "direct", "role", "account" or None."""
        if self.any:
            return "any"
        if caller.arn in self.arns:
            return "role" if caller.kind == "role" else "direct"
        if caller.arn in self.canonical:
            return "direct"
        kind = caller.kind
        if kind == "service":
            return "direct" if caller.arn.lower() in self.services else None
        if kind == "federated":
            return "direct" if caller.arn.lower() in self.federated else None
        if kind == "assumed-role" and (caller.account, caller.role_name) in self.roles:
            return "role"
        if kind == "federated-user" and caller.issuer in self.arns:
            return "role"
        if kind == "anonymous":
            return None
        if caller.account and caller.account in self.accounts:
            return "account"
        return None

    def names_exactly(self, caller: Caller) -> bool:
        """Is the caller listed by its own identity (used for NotPrincipal with Deny)?"""
        if self.any or caller.arn in self.arns or caller.arn in self.canonical:
            return True
        if caller.kind == "service":
            return caller.arn.lower() in self.services
        if caller.kind == "federated":
            return caller.arn.lower() in self.federated
        return False
