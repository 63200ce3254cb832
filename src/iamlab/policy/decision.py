"""What `evaluate` returns: the result, AWS's message, why, and the evidence.

The decision itself is computed eagerly and cheaply; everything explanatory (statement
diagnostics, the flow path, the fix, text and HTML) is computed on first access from the
trace the evaluation left behind, so a hot authorisation path pays only for the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from iamlab.policy.messages import basic_message, enhanced_message

ALLOWED, EXPLICIT, IMPLICIT = "Allowed", "ExplicitlyDenied", "ImplicitlyDenied"

# Reason codes (Decision.reason), documented in one place.
REASONS = {
    "get_caller_identity": "sts:GetCallerIdentity needs no permission; it is always allowed.",
    "explicit_deny_identity": "A Deny statement in an identity-based policy matched.",
    "explicit_deny_resource": "A Deny statement in the resource-based (or trust) policy matched.",
    "explicit_deny_boundary": "A Deny statement in the permissions boundary matched.",
    "explicit_deny_session": "A Deny statement in a session policy matched.",
    "explicit_deny_trust": "A Deny statement in the role's trust policy matched.",
    "explicit_deny_scp": "A Deny statement in a service control policy (SCP) matched.",
    "explicit_deny_rcp": "A Deny statement in a resource control policy (RCP) matched.",
    "no_scp_allow": "A level of the organization has no service control policy (SCP) that allows it.",
    "reserved_role_protected": "Roles under /aws-reserved/ cannot be changed, even by administrators.",
    "aws_managed_policy_protected": "AWS managed policies cannot be changed.",
    "root_user": "The account's root user may do anything in its own account.",
    "allowed_by_identity": "An identity-based policy allows it (within any boundary and session policy).",
    "allowed_by_resource": "The resource-based policy names the caller (or its role), enough in one account.",
    "allowed_by_identity_and_resource": "Both sides allow it, as cross-account and account-wide grants need.",
    "no_identity_allow": "No identity-based policy allows it (and no resource policy grants it on its own).",
    "no_resource_allow": "The resource-based policy does not allow it, and this request needs it to.",
    "trust_policy_no_match": "The role's trust policy does not allow this principal to assume it.",
    "no_boundary_allow": "The permissions boundary does not allow it.",
    "no_session_allow": "The session policy does not allow it.",
}


@dataclass(frozen=True)
class ConditionCheck:
    """One condition as compared: operator, key, policy values, request values, verdict."""

    operator: str
    key: str
    policy_values: tuple
    request_values: tuple | None  # None: the key is absent from the context
    held: bool


@dataclass(frozen=True)
class StatementMatch:
    """Diagnostics for one statement (like Cedar's per-policy reasons)."""

    policy_name: str | None
    source_type: str | None
    kind: str
    index: int
    sid: str | None
    effect: str | None
    applied: bool
    principal: str | None  # how the principal matched: any/direct/role/account, "not matched", None (n/a)
    action: bool
    resource: bool
    conditions: tuple = ()
    statement: object = None  # the statement as written
    note: str = ""

    @property
    def label(self) -> str:
        where = self.policy_name or f"{self.kind} policy"
        return f"{where} statement {self.sid or '#' + str(self.index)}"


@dataclass(frozen=True)
class PathStep:
    """One box of AWS's evaluation flowchart, as this request passed through it."""

    key: str  # deny | resource | identity | boundary | session
    name: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class Fix:
    """What would change the answer: a kind, one sentence, and the statement to add."""

    kind: str
    text: str
    statement: dict | None = None
    target: str | None = None  # the policy to change, when known


class Trace:
    """What the evaluation saw; the explanation is rebuilt from it on demand."""

    __slots__ = (
        "policies",
        "deciding",
        "caller",
        "cross_account",
        "role_assumption",
        "resource_grant",
        "identity_allows",
        "boundary_allows",
        "session_allows",
        "context",
        "scp_levels",
        "rcp_levels",
        "org_level",
    )

    def __init__(self, caller, policies: list, context: dict):
        self.caller = caller
        self.policies = policies  # (slot, Policy)
        self.context = context
        self.deciding: list = []  # (slot, Policy, Statement)
        self.cross_account = False
        self.role_assumption = False
        self.resource_grant: str | None = None
        self.identity_allows = False
        self.boundary_allows: bool | None = None
        self.session_allows: bool | None = None
        self.scp_levels: tuple = ()  # organizations.Level, when SCPs apply to this caller
        self.rcp_levels: tuple = ()
        self.org_level: str | None = None  # the SCP level that did not allow


class Decision:
    """The verdict on a Request, with AWS's message and lazily built explanations."""

    __slots__ = ("result", "reason", "request", "_trace", "_cache")

    def __init__(self, result: str, reason: str, request, trace: Trace):
        setter = object.__setattr__
        setter(self, "result", result)
        setter(self, "reason", reason)
        setter(self, "request", request)
        setter(self, "_trace", trace)
        setter(self, "_cache", {})

    @property
    def allowed(self) -> bool:
        return self.result == ALLOWED

    @property
    def message(self) -> str:
        if self.result == ALLOWED:
            return ""
        r = self.request
        return enhanced_message(self._principal_text, r.action, r.resource, self.reason)

    @property
    def basic_message(self) -> str:
        if self.result == ALLOWED:
            return ""
        r = self.request
        return basic_message(self._principal_text, r.action, r.resource)

    @property
    def _principal_text(self) -> str:
        """The principal as AWS prints it ("anonymous" for an unsigned request)."""
        principal = self.request.principal
        return principal if isinstance(principal, str) else self._trace.caller.arn

    @property
    def explanation(self) -> str:
        text = REASONS.get(self.reason, self.reason)
        if self.reason in ("explicit_deny_scp", "explicit_deny_rcp", "no_scp_allow"):
            from iamlab.policy.explain import org_sentence

            sentence = org_sentence(self)
            text = f"{text} ({sentence[0].upper()}{sentence[1:]}.)"
        return text

    def _lazy(self, name: str, build):
        if name not in self._cache:
            self._cache[name] = build(self)
        return self._cache[name]

    @property
    def statements(self) -> tuple:
        from iamlab.policy.explain import all_statements

        return self._lazy("statements", all_statements)

    @property
    def deciding(self) -> tuple:
        from iamlab.policy.explain import deciding_statements

        return self._lazy("deciding", deciding_statements)

    @property
    def missing_context_keys(self) -> tuple:
        from iamlab.policy.explain import missing_context_keys

        return self._lazy("missing", missing_context_keys)

    @property
    def path(self) -> tuple:
        from iamlab.policy.explain import flow_path

        return self._lazy("path", flow_path)

    @property
    def fix(self) -> Fix | None:
        from iamlab.policy.fix import suggest_fix

        return self._lazy("fix", suggest_fix)

    def to_text(self) -> str:
        from iamlab.policy.render import as_text

        return as_text(self)

    def _repr_html_(self) -> str:
        from iamlab.policy.render import as_html

        return as_html(self)

    def __repr__(self) -> str:
        r = self.request
        return (
            f"Decision({self.result}, reason={self.reason!r}, action={r.action!r}, resource={r.resource!r})"
        )

    def __setattr__(self, name, value):
        raise AttributeError("Decision is read-only")
