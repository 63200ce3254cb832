"""AWS's AccessDenied texts, enhanced (with the policy type) and basic (as STS words them)."""

from __future__ import annotations

# reason code -> the phrase AWS appends to the basic message
_SUFFIX = {
    "explicit_deny_identity": "with an explicit deny in an identity-based policy",
    "explicit_deny_resource": "with an explicit deny in a resource-based policy",
    "explicit_deny_boundary": "with an explicit deny in a permissions boundary",
    "explicit_deny_session": "with an explicit deny in a session policy",
    "explicit_deny_trust": "with an explicit deny in the role trust policy",
    "explicit_deny_scp": "with an explicit deny in a service control policy",
    "explicit_deny_rcp": "with an explicit deny in a resource control policy",
    "no_scp_allow": "because no service control policy allows the {action} action",
    "no_identity_allow": "because no identity-based policy allows the {action} action",
    "no_resource_allow": "because no resource-based policy allows the {action} action",
    "trust_policy_no_match": "because no role trust policy allows the {action} action",
    "no_boundary_allow": "because no permissions boundary allows the {action} action",
    "no_session_allow": "because no session policy allows the {action} action",
}


def basic_message(principal: str, action: str, resource: str) -> str:
    """`User: ARN is not authorized to perform: ACTION on resource: RESOURCE` (no resource when "*")."""
    text = f"User: {principal} is not authorized to perform: {action}"
    if resource != "*":
        text += f" on resource: {resource}"
    return text


def enhanced_message(principal: str, action: str, resource: str, reason: str) -> str:
    """The basic message plus AWS's explanation of which policy type denied."""
    text = basic_message(principal, action, resource)
    suffix = _SUFFIX.get(reason)
    return f"{text} {suffix.format(action=action)}" if suffix else text
