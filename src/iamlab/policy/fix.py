"""The smallest change that would turn a denial into an allow, in one sentence.

An explicit deny cannot be outweighed by any allow, so its fix names the Deny statement to
remove or narrow. An Allow statement that already names the request but whose Condition is
not met (in an SCP as anywhere else) is the cause, not a missing statement: its fix names each
such statement, in policy order, with its unmet condition keys (and suggests no statement,
since adding one would not be the learner's fix). Guardrails cannot be
fixed at all (None). The sentence is written in the learner's language when the fix is first
asked for (`Decision.fix` is computed lazily).
"""

from __future__ import annotations

from iamlab.i18n import _
from iamlab.policy.explain import held_back_by_conditions
from iamlab.policy.organizations import policy_name
from iamlab.policy.results import ALLOWED, EXPLICIT, PROTECTED_REASONS, Fix
from iamlab.policy.words import statement_label


def _principal_element(caller) -> dict:
    if caller.kind == "service":
        return {"Service": caller.arn}
    if caller.kind == "federated":
        return {"Federated": caller.arn}
    if caller.kind == "assumed-role" and caller.role_arn:
        return {"AWS": caller.role_arn}
    return {"AWS": caller.arn}


# The policy whose Allow statements an implicit denial's reason says were missing.
_ALLOWING_SLOT = {
    "trust_policy_no_match": "resource",
    "no_resource_allow": "resource",
    "no_identity_allow": "identity",
    "no_boundary_allow": "boundary",
    "no_session_allow": "session",
    "no_scp_allow": "scp",
}


def _unmet_condition(decision) -> Fix | None:
    """Name each statement held back only by its Condition, and what in the request did not meet it.

    IAM User Guide, "IAM JSON policy elements: Condition operators": "If the key that you specify
    in a policy condition is not present in the request context, the values do not match and the
    condition is false." Hence two causes: a key the request did not carry, or a value it did
    carry that the operator rejects. Meeting any one statement's Condition lifts this denial.
    """
    slot = _ALLOWING_SLOT.get(decision.reason)
    matches = held_back_by_conditions(decision, slot) if slot else ()
    if not matches:
        return None
    unmet = [_unmet_checks(match) for match in matches]
    keys = {check.key.lower() for match in matches for check in match.conditions if not check.held}
    remedy = _remedy(decision, keys, slot)
    if len(matches) == 1:
        text = _("{statement} matches this request, but its Condition is not met: {unmet}. {remedy}").format(
            statement=statement_label(matches[0]), unmet="; ".join(unmet[0]), remedy=remedy
        )
    else:
        each = "; ".join(
            _("{statement}: {unmet}").format(statement=statement_label(match), unmet=", ".join(checks))
            for match, checks in zip(matches, unmet, strict=True)
        )
        text = _(
            "{count} statements match this request, but the Condition of each is not met: {each}. {remedy}"
        ).format(count=len(matches), each=each, remedy=remedy)
    return Fix("meet_condition", text, None, matches[0].policy_name)


def _unmet_checks(match) -> list[str]:
    """What in the request failed each of the statement's conditions, each key once."""
    unmet, seen = [], set()
    for check in match.conditions:
        if check.held or check.key.lower() in seen:
            continue
        seen.add(check.key.lower())
        if check.request_values is None:
            unmet.append(_("the request carries no {key}").format(key=check.key))
        else:
            unmet.append(
                _("the request's {key} ({values}) does not satisfy {operator}").format(
                    key=check.key, values=", ".join(check.request_values), operator=check.operator
                )
            )
    return unmet


def _remedy(decision, keys: set, slot: str) -> str:
    """What the caller can do about the unmet keys (lower-cased).

    `sts:ExternalId` is the value of AssumeRole's `ExternalId` parameter; the STS API Reference:
    "Each time the third party assumes the role, they should pass the customer's external ID."
    Only the management account can change an SCP.
    """
    if slot == "scp":
        return _(
            "Make the request meet the condition, or ask the organization's administrators (its "
            "management account) to change the SCP."
        )
    if "sts:externalid" not in keys or not decision._trace.role_assumption:
        return _("Make the request meet the condition, or change the condition.")
    remedy = _(
        "Pass the external ID agreed with the role's owner: --external-id with aws sts assume-role, "
        "external_id in a role profile, or ExternalId= in boto3's assume_role."
    )
    if keys == {"sts:externalid"}:
        return remedy + " " + _("Only the role's owner can change the condition.")
    return remedy + " " + _("Make the request meet the condition, or change the condition.")


def suggest_fix(decision) -> Fix | None:
    if decision.result == ALLOWED or decision.reason in PROTECTED_REASONS:
        return None
    request = decision.request
    action, resource = request.action, request.resource
    grant = {"Effect": "Allow", "Action": action, "Resource": resource}
    caller = decision._trace.caller
    if decision.result == EXPLICIT:
        deny = decision.deciding[0] if decision.deciding else None
        where = statement_label(deny) if deny else _("the Deny statement")
        if decision.reason in ("explicit_deny_scp", "explicit_deny_rcp"):
            return Fix(
                "remove_deny",
                _(
                    "Ask the organization's administrators (its management account) to remove or narrow "
                    "{where}: an explicit deny in an Organizations policy overrides every allow."
                ).format(where=where),
                None,
                deny.policy_name if deny else None,
            )
        return Fix(
            "remove_deny",
            _("Remove or narrow {statement}: an explicit deny overrides every allow.").format(
                statement=where
            ),
            None,
            deny.policy_name if deny else None,
        )
    reason = decision.reason
    unmet = _unmet_condition(decision)
    if unmet is not None:
        return unmet
    if reason == "no_scp_allow":
        level = decision._trace.org_level
        return Fix(
            "widen_scp",
            _(
                "Allow {action} in an SCP attached to {level}: an SCP at every level from the root "
                "to the account must allow it (only the management account can change SCPs)."
            ).format(action=action, level=level),
            grant,
            policy_name("scp", level),
        )
    if reason == "trust_policy_no_match":
        statement = {"Effect": "Allow", "Principal": _principal_element(caller), "Action": action}
        return Fix(
            "add_trust_principal",
            _("Add {principal} as a Principal allowed to {action} in the role's trust policy.").format(
                principal=caller.arn, action=action
            ),
            statement,
            "trust policy",
        )
    if reason == "no_resource_allow":
        statement = {
            "Effect": "Allow",
            "Principal": _principal_element(caller),
            "Action": action,
            "Resource": resource,
        }
        return Fix(
            "add_resource_statement",
            _("Add a statement to the resource-based policy that allows {principal} to {action}.").format(
                principal=caller.arn, action=action
            ),
            statement,
            "resource-based policy",
        )
    if reason == "no_boundary_allow":
        return Fix(
            "widen_boundary",
            _("Allow {action} on {resource} in the permissions boundary; it caps identity policies.").format(
                action=action, resource=resource
            ),
            grant,
            "permissions boundary",
        )
    if (
        reason == "no_session_allow"
        and decision._trace.session_allows is False
        and not any(slot == "session" for slot, _policy in decision._trace.policies)
    ):
        return Fix(
            "widen_session_policy",
            _(
                "A federated-user session created without a session policy has no permissions: call "
                "GetFederationToken again with a session policy that allows {action} on {resource}."
            ).format(action=action, resource=resource),
            grant,
            "session policy",
        )
    if reason == "no_session_allow":
        return Fix(
            "widen_session_policy",
            _("Pass a session policy that allows {action} on {resource} (or none at all).").format(
                action=action, resource=resource
            ),
            grant,
            "session policy",
        )
    return Fix(
        "add_identity_statement",
        _("Add an identity-based policy statement that allows {action} on {resource}.").format(
            action=action, resource=resource
        ),
        grant,
        "identity-based policy",
    )
