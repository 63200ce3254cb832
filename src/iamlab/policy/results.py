"""The plain data an evaluation produces: result, reason, per-statement diagnostics,
flow steps with a typed verdict, fixes, errors, and the trace explanations are rebuilt from.

Nothing here imports the engine or its presentation; they all import this. People read
these values through `iamlab.policy.words` (labels) and `_()` (message ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from iamlab.i18n import N_


class Result(StrEnum):
    """The verdict; a str, so `decision.result == "Allowed"` holds (and a notebook shows `'Allowed'`)."""

    ALLOWED = "Allowed"
    EXPLICITLY_DENIED = "ExplicitlyDenied"
    IMPLICITLY_DENIED = "ImplicitlyDenied"

    def __repr__(self) -> str:
        return repr(self.value)


ALLOWED, EXPLICIT, IMPLICIT = Result.ALLOWED, Result.EXPLICITLY_DENIED, Result.IMPLICITLY_DENIED


class Reason(StrEnum):
    """Why: which rule of AWS's evaluation logic decided (see REASONS)."""

    GET_CALLER_IDENTITY = "get_caller_identity"
    EXPLICIT_DENY_IDENTITY = "explicit_deny_identity"
    EXPLICIT_DENY_RESOURCE = "explicit_deny_resource"
    EXPLICIT_DENY_BOUNDARY = "explicit_deny_boundary"
    EXPLICIT_DENY_SESSION = "explicit_deny_session"
    EXPLICIT_DENY_TRUST = "explicit_deny_trust"
    EXPLICIT_DENY_SCP = "explicit_deny_scp"
    EXPLICIT_DENY_RCP = "explicit_deny_rcp"
    NO_SCP_ALLOW = "no_scp_allow"
    RESERVED_ROLE_PROTECTED = "reserved_role_protected"
    AWS_MANAGED_POLICY_PROTECTED = "aws_managed_policy_protected"
    ROOT_USER = "root_user"
    ALLOWED_BY_IDENTITY = "allowed_by_identity"
    ALLOWED_BY_RESOURCE = "allowed_by_resource"
    ALLOWED_BY_IDENTITY_AND_RESOURCE = "allowed_by_identity_and_resource"
    NO_IDENTITY_ALLOW = "no_identity_allow"
    NO_RESOURCE_ALLOW = "no_resource_allow"
    TRUST_POLICY_NO_MATCH = "trust_policy_no_match"
    NO_BOUNDARY_ALLOW = "no_boundary_allow"
    NO_SESSION_ALLOW = "no_session_allow"


class Verdict(StrEnum):
    """What one step of the flowchart did with the request."""

    ALLOW = "allow"
    DENY = "deny"
    CONTINUE = "pass"  # no decision here, on to the next step
    ABSENT = "skip"  # the step has no policy for this request


# Guardrails: no policy can allow these, so there is nothing to fix.
PROTECTED_REASONS = (Reason.RESERVED_ROLE_PROTECTED, Reason.AWS_MANAGED_POLICY_PROTECTED)

# One sentence per reason, documented in one place (English message ids: show them with `_()`).
REASONS = {
    Reason.GET_CALLER_IDENTITY: N_("sts:GetCallerIdentity needs no permission; it is always allowed."),
    Reason.EXPLICIT_DENY_IDENTITY: N_("A Deny statement in an identity-based policy matched."),
    Reason.EXPLICIT_DENY_RESOURCE: N_("A Deny statement in the resource-based (or trust) policy matched."),
    Reason.EXPLICIT_DENY_BOUNDARY: N_("A Deny statement in the permissions boundary matched."),
    Reason.EXPLICIT_DENY_SESSION: N_("A Deny statement in a session policy matched."),
    Reason.EXPLICIT_DENY_TRUST: N_("A Deny statement in the role's trust policy matched."),
    Reason.EXPLICIT_DENY_SCP: N_("A Deny statement in a service control policy (SCP) matched."),
    Reason.EXPLICIT_DENY_RCP: N_("A Deny statement in a resource control policy (RCP) matched."),
    Reason.NO_SCP_ALLOW: N_(
        "A level of the organization has no service control policy (SCP) that allows it."
    ),
    Reason.RESERVED_ROLE_PROTECTED: N_(
        "Roles under /aws-reserved/ cannot be changed, even by administrators."
    ),
    Reason.AWS_MANAGED_POLICY_PROTECTED: N_("AWS managed policies cannot be changed."),
    Reason.ROOT_USER: N_("The account's root user may do anything in its own account."),
    Reason.ALLOWED_BY_IDENTITY: N_(
        "An identity-based policy allows it (within any boundary and session policy)."
    ),
    Reason.ALLOWED_BY_RESOURCE: N_(
        "The resource-based policy names the caller (or its role), enough in one account."
    ),
    Reason.ALLOWED_BY_IDENTITY_AND_RESOURCE: N_(
        "Both sides allow it, as cross-account and account-wide grants need."
    ),
    Reason.NO_IDENTITY_ALLOW: N_(
        "No identity-based policy allows it (and no resource policy grants it on its own)."
    ),
    Reason.NO_RESOURCE_ALLOW: N_(
        "The resource-based policy does not allow it, and this request needs it to."
    ),
    Reason.TRUST_POLICY_NO_MATCH: N_("The role's trust policy does not allow this principal to assume it."),
    Reason.NO_BOUNDARY_ALLOW: N_("The permissions boundary does not allow it."),
    Reason.NO_SESSION_ALLOW: N_("The session policy does not allow it."),
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
    note: str = ""  # an English message id or a sentence already in the learner's language


@dataclass(frozen=True)
class PathStep:
    """One box of AWS's evaluation flowchart, as this request passed through it."""

    key: str  # deny | guardrail | organizations | resource | identity | boundary | session
    name: str
    outcome: str  # for people
    detail: str = ""
    verdict: Verdict = Verdict.CONTINUE  # for code: never parse `outcome`


@dataclass(frozen=True)
class EvaluationError:
    """Something in a policy the engine could not use; it matched nothing, visibly."""

    policy: str  # the policy's label
    statement: str | None  # "statement Sid" / "statement #2", None for the whole document
    message: str

    def __str__(self) -> str:
        where = f"{self.policy} {self.statement}" if self.statement else self.policy
        return f"{where}: {self.message}"


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
        "view",
        "policies",
        "deciding",
        "caller",
        "cross_account",
        "role_assumption",
        "resource_grant",
        "identity_allows",
        "boundary_allows",
        "session_allows",
        "scp_levels",
        "rcp_levels",
        "org_level",
    )

    def __init__(self, view, policies: list):
        self.view = view  # the RequestView the matchers used
        self.caller = view.caller
        self.policies = policies  # (slot, Policy)
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
