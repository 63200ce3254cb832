"""AWS's policy evaluation logic, single-account and cross-account.

Order (IAM User Guide, "Policy evaluation logic"):
1. `sts:GetCallerIdentity` is always allowed.
2. An explicit Deny in any applicable policy — identity-based, resource-based (or trust),
   permissions boundary, session, SCP, RCP — denies.
3. Guardrails: resources nobody may change (reserved roles, AWS managed policies).
4. Organizations: every SCP level must allow (see `organizations`).
5. Allows. In one account a resource-based policy that names the caller directly (a
   user, a role session or federated-user session ARN, or `"*"` narrowed by
   `aws:PrincipalArn`) is enough on its own, whatever the boundary and session policies;
   one naming the caller's role (or the IAM user who federated) is capped by them; one
   naming only the account, or everyone, defers to or is capped by the session policy.
   A federated-user session created without a session policy has no other permissions.
   Across accounts both sides must allow. Assuming a role always needs its trust policy.
"""

from __future__ import annotations

from iamlab.policy.decision import Decision
from iamlab.policy.guardrails import protected_resource
from iamlab.policy.model import Policy, Request, as_policy
from iamlab.policy.organizations import levels_of, rcps_apply, scps_apply
from iamlab.policy.principals import STRENGTH
from iamlab.policy.results import ALLOWED, EXPLICIT, IMPLICIT, Reason, Trace
from iamlab.policy.view import RESOURCE_SLOTS, RequestView

ROLE_ASSUMPTION_ACTIONS = frozenset(
    a.lower()
    for a in (
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sts:TagSession",
        "sts:SetSourceIdentity",
    )
)
_DENY_REASON = {
    "identity": Reason.EXPLICIT_DENY_IDENTITY,
    "resource": Reason.EXPLICIT_DENY_RESOURCE,
    "boundary": Reason.EXPLICIT_DENY_BOUNDARY,
    "session": Reason.EXPLICIT_DENY_SESSION,
    "scp": Reason.EXPLICIT_DENY_SCP,
    "rcp": Reason.EXPLICIT_DENY_RCP,
}


def statement_applies(statement, view: RequestView, in_resource_policy: bool) -> str | None:
    """How the statement applies ("any"/"direct"/"role"/"account"), or None. Action already matched.

    "*" narrowed by an `aws:PrincipalArn` condition counts as naming the caller directly:
    "Identity-based policy types, such as permissions boundaries or session policies, do
    not limit permissions granted using the aws:PrincipalArn condition key with a wildcard
    (*) in the Principal element".
    """
    grant = statement.principal_match(view.caller, in_resource_policy, view.has_boundary)
    if grant is None:
        return None
    needs_context = statement.conditions or (
        statement.resources is not None and statement.resources.regex is None
    )
    context = view.context if needs_context else {}
    if not statement.resource_matches(view.resource, view.tokens, in_resource_policy, context):
        return None
    if statement.conditions and not statement.conditions_hold(context):
        return None
    if grant == "any" and in_resource_policy and statement.names_principal_arn:
        return "direct"
    return grant


def _policies(documents, kind: str, label: str) -> list[Policy]:
    if documents is None:
        return []
    if isinstance(documents, Policy):
        return [documents]
    if not isinstance(documents, (list, tuple)):
        return [as_policy(documents, kind, label)]
    if len(documents) == 1:
        document = documents[0]
        return [] if document is None else [as_policy(document, kind, label)]
    return [
        as_policy(document, kind, f"{label} #{number}")
        for number, document in enumerate(documents, start=1)
        if document is not None
    ]


def _resource_account(request: Request, caller) -> str | None:
    if request.resource_account:
        return str(request.resource_account)
    parts = str(request.resource).split(":", 5)
    if len(parts) == 6 and len(parts[4]) == 12 and parts[4].isdigit():
        return parts[4]
    return caller.account


def evaluate(
    request: Request,
    identity_policies=(),
    resource_policy=None,
    permissions_boundary=None,
    session_policy=None,
    service_control_policies=None,
    resource_control_policies=None,
    management_account=None,
) -> Decision:
    """Decide a request the way AWS does; see the module docstring for the order.

    `service_control_policies` / `resource_control_policies`: levels from the organization
    root down to the account, each a list of documents (None: no organization); see
    `iamlab.policy.organizations`, which also describes `management_account`.
    """
    identity = _policies(identity_policies, "identity", "identity-based policy")
    resource = _policies(resource_policy, "resource", "resource-based policy")[:1]
    boundary = _policies(permissions_boundary, "boundary", "permissions boundary")[:1]
    sessions = _policies(session_policy, "session", "session policy")
    view = RequestView(request, bool(boundary))
    caller = view.caller
    action = view.action
    resource_account = _resource_account(request, caller)
    scp_levels = levels_of(service_control_policies, "scp")
    if scp_levels and not scps_apply(caller, management_account):
        scp_levels = None
    rcp_levels = levels_of(resource_control_policies, "rcp")
    if rcp_levels and not rcps_apply(caller, action, resource_account, management_account):
        rcp_levels = None
    policies = [("identity", p) for p in identity]
    policies += [("resource", p) for p in resource]
    policies += [("boundary", p) for p in boundary]
    policies += [("session", p) for p in sessions]
    if scp_levels or rcp_levels:
        for slot, levels in (("scp", scp_levels), ("rcp", rcp_levels)):
            policies += [(slot, p) for level in levels or () for p in level.policies]
    trace = Trace(view, policies)
    trace.scp_levels, trace.rcp_levels = scp_levels or (), rcp_levels or ()

    if action == "sts:getcalleridentity":
        return Decision(ALLOWED, Reason.GET_CALLER_IDENTITY, request, trace)

    role_assumption = (
        action in ROLE_ASSUMPTION_ACTIONS and ":role/" in view.resource and ":iam::" in view.resource
    )
    trace.role_assumption = role_assumption

    # 1. Explicit deny anywhere.
    deny_reason = None
    for slot, policy in trace.policies:
        for statement in policy.compiled.for_action(action)[0]:
            if statement_applies(statement, view, slot in RESOURCE_SLOTS) is not None:
                trace.deciding.append((slot, policy, statement))
                if deny_reason is None:
                    trust = slot == "resource" and role_assumption
                    deny_reason = Reason.EXPLICIT_DENY_TRUST if trust else _DENY_REASON[slot]
    if deny_reason:
        return Decision(EXPLICIT, deny_reason, request, trace)

    # 2. Guardrails.
    guard = protected_resource(action, view.resource)
    if guard:
        return Decision(IMPLICIT, Reason(guard), request, trace)

    # 3. Organizations: every SCP level must allow (RCPFullAWSAccess allows at every RCP level).
    for level in scp_levels or ():
        allows = _allowing(level.policies, "scp", view)
        if not allows:
            trace.org_level = level.name
            return Decision(IMPLICIT, Reason.NO_SCP_ALLOW, request, trace)

    # 4. Allows, per layer.
    identity_grants = _allowing(identity, "identity", view)
    resource_grants = _allowing(resource, "resource", view)
    grant = max((g for _, _, _, g in resource_grants), key=STRENGTH.__getitem__, default=None)
    boundary_ok = True if not boundary else bool(_allowing(boundary, "boundary", view))
    if sessions:
        session_ok = bool(_allowing(sessions, "session", view))
    else:  # "if you do not pass a policy with the GetFederationToken API call ... no permissions"
        session_ok = caller.kind != "federated-user"

    cross_account = (
        caller.account is not None and resource_account is not None and caller.account != resource_account
    )
    is_root = caller.kind == "root"  # the root user's identity side allows everything
    identity_ok = (bool(identity_grants) or is_root) and boundary_ok and session_ok
    trace.cross_account, trace.resource_grant = cross_account, grant
    trace.identity_allows, trace.boundary_allows, trace.session_allows = (
        bool(identity_grants) or is_root,
        boundary_ok if boundary else None,
        session_ok if sessions or not session_ok else None,
    )

    result, reason = _decide(
        grant,
        identity_ok,
        boundary_ok,
        session_ok,
        cross_account,
        role_assumption,
        is_root,
        bool(identity_grants),
        caller.kind,
    )
    if result == ALLOWED:
        if reason in (Reason.ALLOWED_BY_RESOURCE, Reason.ALLOWED_BY_IDENTITY_AND_RESOURCE):
            trace.deciding.extend((s, p, st) for s, p, st, g in resource_grants if g == grant)
        if reason in (Reason.ALLOWED_BY_IDENTITY, Reason.ALLOWED_BY_IDENTITY_AND_RESOURCE):
            trace.deciding.extend((s, p, st) for s, p, st, _ in identity_grants)
    return Decision(result, reason, request, trace)


def _allowing(policies: list, slot: str, view: RequestView) -> list:
    """Every (slot, policy, statement, grant) among the Allow statements that apply."""
    found = []
    in_resource = slot in RESOURCE_SLOTS
    for policy in policies:
        for statement in policy.compiled.for_action(view.action)[1]:
            grant = statement_applies(statement, view, in_resource)
            if grant is not None:
                found.append((slot, policy, statement, grant))
    return found


def _decide(
    grant,
    identity_ok,
    boundary_ok,
    session_ok,
    cross_account,
    role_assumption,
    is_root,
    identity_allows,
    caller_kind,
) -> tuple[str, Reason]:
    """The verdict once no explicit deny applies; returns (result, reason code)."""
    if cross_account:
        if identity_ok and grant is not None:
            return ALLOWED, Reason.ALLOWED_BY_IDENTITY_AND_RESOURCE
        if grant is None and role_assumption:
            return IMPLICIT, Reason.TRUST_POLICY_NO_MATCH
        if not identity_ok:
            return IMPLICIT, _identity_side_reason(identity_allows, boundary_ok)
        return IMPLICIT, Reason.NO_RESOURCE_ALLOW
    # Same account. "The resource-based policy permissions are not limited by the session policy."
    if grant == "direct":
        return ALLOWED, Reason.ALLOWED_BY_RESOURCE
    if grant == "any":
        return (ALLOWED, Reason.ALLOWED_BY_RESOURCE) if session_ok else (IMPLICIT, Reason.NO_SESSION_ALLOW)
    if grant == "role" and boundary_ok and session_ok:
        return ALLOWED, Reason.ALLOWED_BY_RESOURCE
    if role_assumption:
        if grant is None:
            return IMPLICIT, Reason.TRUST_POLICY_NO_MATCH
        if identity_ok:
            return ALLOWED, Reason.ALLOWED_BY_IDENTITY_AND_RESOURCE
        return IMPLICIT, _identity_side_reason(identity_allows or grant == "role", boundary_ok)
    if identity_ok:
        return ALLOWED, Reason.ROOT_USER if is_root and not identity_allows else Reason.ALLOWED_BY_IDENTITY
    if caller_kind in ("service", "federated", "anonymous") and not identity_allows:
        return IMPLICIT, Reason.NO_RESOURCE_ALLOW
    return IMPLICIT, _identity_side_reason(identity_allows or grant == "role", boundary_ok)


def _identity_side_reason(identity_allows: bool, boundary_ok: bool) -> Reason:
    if not identity_allows:
        return Reason.NO_IDENTITY_ALLOW
    return Reason.NO_BOUNDARY_ALLOW if not boundary_ok else Reason.NO_SESSION_ALLOW
