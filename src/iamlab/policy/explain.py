"""Diagnostics rebuilt from a Decision's trace: per-statement matches, the flow path,
and the context keys the policies asked about but the request did not carry."""

from __future__ import annotations

from iamlab.i18n import _
from iamlab.policy.conditions import request_values
from iamlab.policy.decision import ALLOWED, EXPLICIT, ConditionCheck, PathStep, StatementMatch

SLOT_NAMES = {
    "identity": "Identity-based policies",
    "resource": "Resource-based policy",
    "boundary": "Permissions boundary",
    "session": "Session policy",
}
# the slot whose Deny statements an explicit-deny reason code reports
_DENY_SLOT = {
    "explicit_deny_identity": "identity",
    "explicit_deny_resource": "resource",
    "explicit_deny_trust": "resource",
    "explicit_deny_boundary": "boundary",
    "explicit_deny_session": "session",
    "explicit_deny_scp": "scp",
    "explicit_deny_rcp": "rcp",
}
ORG_REASONS = ("explicit_deny_scp", "explicit_deny_rcp", "no_scp_allow")


def _view(decision):
    from iamlab.policy.evaluate import _View

    has_boundary = any(slot == "boundary" for slot, _ in decision._trace.policies)
    return _View(decision.request, has_boundary)


def explain_statement(slot: str, policy, statement, view) -> StatementMatch:
    """Every element of one statement checked against the request, with what was compared."""
    in_resource = slot in ("resource", "rcp")
    action_ok = statement.usable and statement.action_matches(view.action)
    context = view.context
    grant = statement.principal_match(view.caller, in_resource, view.has_boundary)
    if statement.principal is None and not in_resource:
        principal = None
    else:
        principal = grant or "not matched"
    resource_ok = statement.resource_matches(view.resource, view.tokens, in_resource, context)
    checks = []
    for condition in statement.conditions:
        found = request_values(context.get(condition.key_lower))
        checks.append(
            ConditionCheck(
                operator=condition.operator.name,
                key=condition.key,
                policy_values=tuple(condition.resolved_values(context)),
                request_values=None if found is None else tuple(found),
                held=condition.holds(context),
            )
        )
    applied = bool(action_ok and grant is not None and resource_ok and all(c.held for c in checks))
    note = ""
    if not statement.usable:
        note = "malformed: this statement can never match"
    elif statement.resources is None and not in_resource:
        note = "no Resource element: matches nothing outside a resource-based policy"
    elif statement.principal is None and in_resource:
        note = "no Principal element: a resource-based policy statement needs one to match"
    elif slot == "rcp" and not statement.is_deny:
        note = "RCPFullAWSAccess allows everything at every level; only Deny statements in RCPs matter"
    return StatementMatch(
        policy_name=policy.name,
        source_type=policy.source_type,
        kind=policy.kind if slot != "resource" or policy.kind in ("resource", "trust") else "resource",
        index=statement.index,
        sid=statement.sid,
        effect=statement.effect,
        applied=applied,
        principal=principal,
        action=bool(action_ok),
        resource=bool(resource_ok),
        conditions=tuple(checks),
        statement=statement.raw,
        note=note,
    )


def all_statements(decision) -> tuple:
    view = _view(decision)
    return tuple(
        explain_statement(slot, policy, statement, view)
        for slot, policy in decision._trace.policies
        for statement in policy.compiled.statements
    )


def deciding_statements(decision) -> tuple:
    view = _view(decision)
    return tuple(explain_statement(slot, p, st, view) for slot, p, st in decision._trace.deciding)


def missing_context_keys(decision) -> tuple:
    """Keys used by conditions or variables of statements whose Action covers the request."""
    view = _view(decision)
    context = view.context
    missing: dict = {}
    for _slot, policy in decision._trace.policies:
        for statement in policy.compiled.statements:
            if not (statement.usable and statement.action_matches(view.action)):
                continue
            keys = [c.key for c in statement.conditions]
            keys += [k for c in statement.conditions for k in c.variable_keys]
            if statement.resources is not None:
                keys += list(statement.resources.variable_keys)
            for key in keys:
                if key.lower() not in context:
                    missing.setdefault(key.lower(), key)
    return tuple(sorted(missing.values(), key=str.lower))


def _describe(decision, slot: str) -> str:
    names = [f"{m.label}" for m in decision.deciding if _slot_of(m) == slot]
    return "; ".join(names)


def _slot_of(match: StatementMatch) -> str:
    return "resource" if match.kind in ("resource", "trust") else match.kind


def flow_path(decision) -> tuple:
    """AWS's flowchart steps this request went through, in order, ending at the one that decided."""
    trace = decision._trace
    present = {slot for slot, _ in trace.policies}
    reason = decision.reason
    if reason == "get_caller_identity":
        return (PathStep("identity", "sts:GetCallerIdentity", "Allowed", "needs no permission"),)
    if decision.result == EXPLICIT:
        detail = org_sentence(decision) if reason in ORG_REASONS else _describe(decision, _DENY_SLOT[reason])
        return (PathStep("deny", "Explicit deny", "Explicitly denied", detail),)
    steps = [PathStep("deny", "Explicit deny", "No explicit deny, continue")]
    if reason.endswith("_protected"):
        steps.append(PathStep("guardrail", "AWS guardrail", "Implicitly denied", decision.explanation))
        return tuple(steps)
    if reason == "no_scp_allow":
        steps.append(
            PathStep("organizations", _("Organizations"), "Implicitly denied", org_sentence(decision))
        )
        return tuple(steps)
    if trace.scp_levels or trace.rcp_levels:
        steps.append(PathStep("organizations", _("Organizations"), "Allowed, continue", _org_passed(trace)))
    steps.append(_resource_step(decision, trace, "resource" in present))
    if steps[-1].outcome.startswith("Implicit") or (
        reason == "allowed_by_resource" and trace.resource_grant != "role"
    ):
        if reason == "allowed_by_resource" and "session" in present:
            steps.append(PathStep("session", SLOT_NAMES["session"], "Allowed"))
        elif reason == "no_session_allow":
            steps.append(PathStep("session", SLOT_NAMES["session"], "Implicitly denied"))
        return tuple(steps)
    if reason == "allowed_by_resource" or (trace.resource_grant == "role" and reason == "no_boundary_allow"):
        pass  # a grant to the role skips the identity step but not its caps
    else:
        identity = "Allowed" if trace.identity_allows else "Implicitly denied"
        steps.append(PathStep("identity", SLOT_NAMES["identity"], identity, _describe(decision, "identity")))
        if not trace.identity_allows:
            return tuple(steps)
    for slot, allowed in (("boundary", trace.boundary_allows), ("session", trace.session_allows)):
        if allowed is None:
            steps.append(PathStep(slot, SLOT_NAMES[slot], "Not present"))
        else:
            steps.append(PathStep(slot, SLOT_NAMES[slot], "Allowed" if allowed else "Implicitly denied"))
            if not allowed:
                break
    if (
        decision.result != ALLOWED
        and steps[-1].outcome != "Implicitly denied"
        and reason == "no_resource_allow"
    ):
        steps.append(
            PathStep("resource", SLOT_NAMES["resource"], "Implicitly denied", "the other account must allow")
        )
    return tuple(steps)


def org_sentence(decision) -> str:
    """Which Organizations policy decided, at which level: "the SCP at OU ou-1a denies s3:X"."""
    action = decision.request.action
    if decision.reason == "no_scp_allow":
        return _("no SCP at {level} allows {action}: every level from the root to the account must").format(
            level=decision._trace.org_level, action=action
        )
    kind = "scp" if decision.reason == "explicit_deny_scp" else "rcp"
    names = [
        policy.name for slot, policy, _statement in decision._trace.deciding if slot == kind and policy.name
    ]
    where = names[0] if names else kind.upper()
    return _("the {policy} denies {action}").format(policy=where, action=action)


def _org_passed(trace) -> str:
    parts = []
    if trace.scp_levels:
        parts.append(
            _("an SCP allows it at every level ({levels})").format(
                levels=", ".join(level.name for level in trace.scp_levels)
            )
        )
    if trace.rcp_levels:
        parts.append(_("no RCP denies it"))
    return "; ".join(parts)


def _resource_step(decision, trace, present: bool) -> PathStep:
    name = "Trust policy" if trace.role_assumption else SLOT_NAMES["resource"]
    grant = trace.resource_grant
    if not present:
        if trace.role_assumption:
            return PathStep(
                "resource", name, "Implicitly denied", "a role can only be assumed through its trust policy"
            )
        return PathStep("resource", name, "Not present")
    if grant in ("any", "direct"):
        if trace.cross_account:
            return PathStep(
                "resource",
                name,
                "Allows, continue",
                "cross-account: the caller's own policies must allow too",
            )
        return PathStep("resource", name, "Allowed", f"names the caller ({grant})")
    if grant == "role":
        return PathStep(
            "resource", name, "Allows the role, continue", "capped by the role's boundary and session policy"
        )
    if grant == "account":
        return PathStep(
            "resource", name, "Allows the account, continue", "an identity-based policy must allow too"
        )
    if decision.reason in ("trust_policy_no_match", "no_resource_allow") and (
        trace.role_assumption or trace.cross_account or decision.reason == "no_resource_allow"
    ):
        return PathStep("resource", name, "Implicitly denied", "no statement allows this principal")
    return PathStep("resource", name, "No allow, continue")
