"""The smallest change that would turn a denial into an allow, in one sentence.

An explicit deny cannot be outweighed by any allow, so its fix names the Deny statement to
remove or narrow. Guardrails cannot be fixed at all (None).
"""

from __future__ import annotations

from iamlab.policy.decision import ALLOWED, EXPLICIT, Fix


def _principal_element(caller) -> dict:
    if caller.kind == "service":
        return {"Service": caller.arn}
    if caller.kind == "federated":
        return {"Federated": caller.arn}
    if caller.kind == "assumed-role" and caller.role_arn:
        return {"AWS": caller.role_arn}
    return {"AWS": caller.arn}


def suggest_fix(decision) -> Fix | None:
    if decision.result == ALLOWED or decision.reason.endswith("_protected"):
        return None
    request = decision.request
    action, resource = request.action, request.resource
    grant = {"Effect": "Allow", "Action": action, "Resource": resource}
    caller = decision._trace.caller
    if decision.result == EXPLICIT:
        deny = decision.deciding[0] if decision.deciding else None
        where = deny.label if deny else "the Deny statement"
        return Fix(
            "remove_deny",
            f"Remove or narrow {where}: an explicit deny overrides every allow.",
            None,
            deny.policy_name if deny else None,
        )
    reason = decision.reason
    if reason == "trust_policy_no_match":
        statement = {"Effect": "Allow", "Principal": _principal_element(caller), "Action": action}
        return Fix(
            "add_trust_principal",
            f"Add {caller.arn} as a Principal allowed to {action} in the role's trust policy.",
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
            f"Add a statement to the resource-based policy that allows {caller.arn} to {action}.",
            statement,
            "resource-based policy",
        )
    if reason == "no_boundary_allow":
        return Fix(
            "widen_boundary",
            f"Allow {action} on {resource} in the permissions boundary; it caps identity policies.",
            grant,
            "permissions boundary",
        )
    if reason == "no_session_allow":
        return Fix(
            "widen_session_policy",
            f"Pass a session policy that allows {action} on {resource} (or none at all).",
            grant,
            "session policy",
        )
    return Fix(
        "add_identity_statement",
        f"Add an identity-based policy statement that allows {action} on {resource}.",
        grant,
        "identity-based policy",
    )
