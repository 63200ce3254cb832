"""The smallest change that would turn a denial into an allow, in one sentence.

An explicit deny cannot be outweighed by any allow, so its fix names the Deny statement to
remove or narrow. Guardrails cannot be fixed at all (None). The sentence is written in the
learner's language when the fix is first asked for (`Decision.fix` is computed lazily).
"""

from __future__ import annotations

from iamlab.i18n import _
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
