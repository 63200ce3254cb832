"""Diagnostics rebuilt from a Decision's trace: per-statement matches, the flow path,
and the context keys the policies asked about but the request did not carry.

Fixed step names, outcomes and notes are English message ids (`N_`) that the presentation
translates with `_()` when it shows them (code reads `PathStep.verdict`, never the words).
Sentences built from the request (Organizations levels, policy errors) are written in the
learner's language when first asked for."""

from __future__ import annotations

from iamlab.i18n import N_, _
from iamlab.policy.conditions import request_values
from iamlab.policy.results import (
    ALLOWED,
    EXPLICIT,
    PROTECTED_REASONS,
    ConditionCheck,
    EvaluationError,
    PathStep,
    Reason,
    StatementMatch,
    Verdict,
)
from iamlab.policy.view import RESOURCE_SLOTS
from iamlab.policy.words import policy_label, statement_label, statement_where

SLOT_NAMES = {
    "identity": N_("Identity-based policies"),
    "resource": N_("Resource-based policy"),
    "boundary": N_("Permissions boundary"),
    "session": N_("Session policy"),
}
# the slot whose Deny statements an explicit-deny reason code reports
_DENY_SLOT = {
    Reason.EXPLICIT_DENY_IDENTITY: "identity",
    Reason.EXPLICIT_DENY_RESOURCE: "resource",
    Reason.EXPLICIT_DENY_TRUST: "resource",
    Reason.EXPLICIT_DENY_BOUNDARY: "boundary",
    Reason.EXPLICIT_DENY_SESSION: "session",
    Reason.EXPLICIT_DENY_SCP: "scp",
    Reason.EXPLICIT_DENY_RCP: "rcp",
}
ORG_REASONS = (Reason.EXPLICIT_DENY_SCP, Reason.EXPLICIT_DENY_RCP, Reason.NO_SCP_ALLOW)
NOT_MATCHED = N_("not matched")  # StatementMatch.principal when a statement's Principal misses the caller


def explain_statement(slot: str, policy, statement, view) -> StatementMatch:
    """Every element of one statement checked against the request, with what was compared."""
    in_resource = slot in RESOURCE_SLOTS
    action_ok = statement.usable and statement.action_matches(view.action)
    context = view.context
    grant = statement.principal_match(view.caller, in_resource, view.has_boundary)
    if statement.principal is None and not in_resource:
        principal = None
    else:
        principal = grant or NOT_MATCHED
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
        if statement.errors:
            note = _("malformed: {error}").format(error=_error_text(*statement.errors[0]))
        else:
            note = N_("malformed: this statement can never match")
    elif statement.resources is None and not in_resource:
        note = N_("no Resource element: matches nothing outside a resource-based policy")
    elif statement.principal is None and in_resource:
        note = N_("no Principal element: a resource-based policy statement needs one to match")
    elif slot == "rcp" and not statement.is_deny:
        note = N_("RCPFullAWSAccess allows everything at every level; only Deny statements in RCPs matter")
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


def held_back_by_conditions(decision, slot: str) -> tuple[StatementMatch, ...]:
    """Every Allow statement in the `slot` policies that matches the request's principal, action and
    resource and is kept from applying only by its Condition, in the order of the policies and of
    their statements. For SCPs, the policies of the level that allowed nothing.

    IAM User Guide, "Conditions with multiple context keys or values": "All context keys in a
    condition element block must resolve to true to invoke the desired Allow or Deny effect."
    So such a statement names the caller already, and what stops it is the conditions that
    resolved to false (`ConditionCheck.held`). A statement with a policy error is left out: it
    cannot match whatever the request carries.
    """
    view = decision._trace.view
    found = []
    for policy in _policies_of(decision._trace, slot):
        for statement in policy.compiled.for_action(view.action)[1]:
            if statement.errors:
                continue
            match = explain_statement(slot, policy, statement, view)
            if match.action and match.resource and match.principal != NOT_MATCHED and not match.applied:
                found.append(match)
    return tuple(found)


def _policies_of(trace, slot: str) -> list:
    if slot == "scp":  # every level must allow: only the one that did not is in question
        return [p for level in trace.scp_levels if level.name == trace.org_level for p in level.policies]
    return [policy for policy_slot, policy in trace.policies if policy_slot == slot]


def all_statements(decision) -> tuple:
    view = decision._trace.view
    return tuple(
        explain_statement(slot, policy, statement, view)
        for slot, policy in decision._trace.policies
        for statement in policy.compiled.statements
    )


def deciding_statements(decision) -> tuple:
    view = decision._trace.view
    return tuple(explain_statement(slot, p, st, view) for slot, p, st in decision._trace.deciding)


def policy_errors(decision) -> tuple:
    """What in the decision's policies could not be used: unknown operators, malformed statements."""
    found = []
    for _slot, policy in decision._trace.policies:
        label = policy_label(policy)
        if not policy.compiled.parsed:
            message = _("the document is not a JSON object: it allows and denies nothing")
            found.append(EvaluationError(label, None, message))
        for statement in policy.compiled.statements:
            where = statement_where(statement.sid, statement.index)
            found.extend(EvaluationError(label, where, _error_text(*e)) for e in statement.errors)
    return tuple(found)


def _error_text(template: str, fields: dict) -> str:
    return _(template).format(**fields)


def missing_context_keys(decision) -> tuple:
    """Keys used by conditions or variables of statements whose Action covers the request."""
    view = decision._trace.view
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
    names = [statement_label(m) for m in decision.deciding if _slot_of(m) == slot]
    return "; ".join(names)


def _slot_of(match: StatementMatch) -> str:
    return "resource" if match.kind in ("resource", "trust") else match.kind


def flow_path(decision) -> tuple:
    """AWS's flowchart steps this request went through, in order, ending at the one that decided."""
    trace = decision._trace
    present = {slot for slot, _ in trace.policies}
    reason = decision.reason
    if reason == "get_caller_identity":
        return (
            PathStep(
                "identity",
                "sts:GetCallerIdentity",
                N_("Allowed"),
                N_("needs no permission"),
                verdict=Verdict.ALLOW,
            ),
        )
    if decision.result == EXPLICIT:
        detail = org_sentence(decision) if reason in ORG_REASONS else _describe(decision, _DENY_SLOT[reason])
        return (PathStep("deny", N_("Explicit deny"), N_("Explicitly denied"), detail, verdict=Verdict.DENY),)
    steps = [
        PathStep("deny", N_("Explicit deny"), N_("No explicit deny, continue"), verdict=Verdict.CONTINUE)
    ]
    if reason in PROTECTED_REASONS:
        steps.append(
            PathStep(
                "guardrail",
                N_("AWS guardrail"),
                N_("Implicitly denied"),
                decision.explanation,
                verdict=Verdict.DENY,
            )
        )
        return tuple(steps)
    if reason == "no_scp_allow":
        steps.append(
            PathStep(
                "organizations",
                N_("Organizations"),
                N_("Implicitly denied"),
                org_sentence(decision),
                verdict=Verdict.DENY,
            )
        )
        return tuple(steps)
    if trace.scp_levels or trace.rcp_levels:
        steps.append(
            PathStep(
                "organizations",
                N_("Organizations"),
                N_("Allowed, continue"),
                _org_passed(trace),
                verdict=Verdict.CONTINUE,
            )
        )
    steps.append(_resource_step(decision, trace, "resource" in present))
    if steps[-1].verdict == Verdict.DENY or (
        reason == "allowed_by_resource" and trace.resource_grant != "role"
    ):
        if reason == "allowed_by_resource" and "session" in present:
            steps.append(PathStep("session", SLOT_NAMES["session"], N_("Allowed"), verdict=Verdict.ALLOW))
        elif reason == "no_session_allow":
            steps.append(
                PathStep("session", SLOT_NAMES["session"], N_("Implicitly denied"), verdict=Verdict.DENY)
            )
        return tuple(steps)
    if reason == "allowed_by_resource" or (trace.resource_grant == "role" and reason == "no_boundary_allow"):
        pass  # a grant to the role skips the identity step but not its caps
    else:
        identity = N_("Allowed") if trace.identity_allows else N_("Implicitly denied")
        verdict = Verdict.ALLOW if trace.identity_allows else Verdict.DENY
        steps.append(
            PathStep("identity", SLOT_NAMES["identity"], identity, _describe(decision, "identity"), verdict)
        )
        if not trace.identity_allows:
            return tuple(steps)
    for slot, allowed in (("boundary", trace.boundary_allows), ("session", trace.session_allows)):
        if allowed is None:
            steps.append(PathStep(slot, SLOT_NAMES[slot], N_("Not present"), verdict=Verdict.ABSENT))
        else:
            steps.append(
                PathStep(
                    slot,
                    SLOT_NAMES[slot],
                    N_("Allowed") if allowed else N_("Implicitly denied"),
                    verdict=Verdict.ALLOW if allowed else Verdict.DENY,
                )
            )
            if not allowed:
                break
    if decision.result != ALLOWED and steps[-1].verdict != Verdict.DENY and reason == "no_resource_allow":
        steps.append(
            PathStep(
                "resource",
                SLOT_NAMES["resource"],
                N_("Implicitly denied"),
                N_("the other account must allow"),
                verdict=Verdict.DENY,
            )
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
    name = N_("Trust policy") if trace.role_assumption else SLOT_NAMES["resource"]
    grant = trace.resource_grant
    if not present:
        if trace.role_assumption:
            return PathStep(
                "resource",
                name,
                N_("Implicitly denied"),
                N_("a role can only be assumed through its trust policy"),
                verdict=Verdict.DENY,
            )
        return PathStep("resource", name, N_("Not present"), verdict=Verdict.ABSENT)
    if grant in ("any", "direct"):
        if trace.cross_account:
            return PathStep(
                "resource",
                name,
                N_("Allows, continue"),
                N_("cross-account: the caller's own policies must allow too"),
                verdict=Verdict.CONTINUE,
            )
        named = N_("names the caller (any)") if grant == "any" else N_("names the caller (direct)")
        return PathStep("resource", name, N_("Allowed"), named, verdict=Verdict.ALLOW)
    if grant == "role":
        return PathStep(
            "resource",
            name,
            N_("Allows the role, continue"),
            N_("capped by the role's boundary and session policy"),
            verdict=Verdict.CONTINUE,
        )
    if grant == "account":
        return PathStep(
            "resource",
            name,
            N_("Allows the account, continue"),
            N_("an identity-based policy must allow too"),
            verdict=Verdict.CONTINUE,
        )
    if decision.reason in ("trust_policy_no_match", "no_resource_allow") and (
        trace.role_assumption or trace.cross_account or decision.reason == "no_resource_allow"
    ):
        return PathStep(
            "resource",
            name,
            N_("Implicitly denied"),
            N_("no statement allows this principal"),
            verdict=Verdict.DENY,
        )
    return PathStep("resource", name, N_("No allow, continue"), verdict=Verdict.CONTINUE)
