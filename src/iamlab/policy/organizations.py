"""AWS Organizations policies: service control policies (SCPs) and resource control policies (RCPs).

Both come as levels from the organization root down to the account, each level a list of
policy documents. The rules, from the IAM User Guide's evaluation logic and the
Organizations User Guide:

- a Deny at any level wins;
- SCPs: every level must also Allow (an SCP never grants; it sets the most a principal may
  do). They limit the IAM users, roles and root user of member accounts — not the
  management account, not service-linked roles, not service principals or anonymous callers;
- RCPs: `RCPFullAWSAccess` is attached to the root, every OU and every account and cannot be
  detached ("The effect of Allow is only supported for the RCPFullAWSAccess policy"), so
  every level allows and only Deny statements change a decision. RCPs limit the resources
  of member accounts (not the management account's), only for the services that support
  them, and not requests made by service-linked roles.

`service_control_policies` are those of the principal's account, `resource_control_policies`
those of the resource's account. `management_account` (an account id, or several) names
the organization's management account, which neither kind of policy affects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from iamlab.i18n import _
from iamlab.policy.model import as_policy

# Services whose resources RCPs govern (Organizations User Guide, "List of AWS services
# that support RCPs"): the first five since RCPs launched, the rest added in 2025.
RCP_SERVICES = frozenset(
    (
        "s3",
        "sts",
        "kms",
        "sqs",
        "secretsmanager",
        "ecr",
        "aoss",
        "cognito-idp",
        "logs",
        "dynamodb",
    )
)
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Level:
    """One node of the organization's path: its name for people, and its policies."""

    name: str  # "the organization root", "OU ou-1a", "account 111122223333"...
    policies: tuple  # of Policy, each named "SCP at OU ou-1a" (plus " #n" when several)


# Names are for people, so they are written in the learner's language when the levels are built.
def _level_name(identifier: str | None, index: int, count: int) -> str:
    if identifier:
        identifier = str(identifier)
        if identifier.startswith("ou-"):
            return _("OU {id}").format(id=identifier)
        if identifier.startswith("r-"):
            return _("root {id}").format(id=identifier)
        if _ACCOUNT_ID.match(identifier):
            return _("account {id}").format(id=identifier)
        return identifier
    if index == 0:
        return _("the organization root")
    if index == count - 1:
        return _("the account")
    return _("OU #{index}").format(index=index)


def policy_name(kind: str, level: str) -> str:
    """How explanations and fixes name an SCP or RCP: "SCP at OU ou-1a"."""
    template = _("SCP at {level}") if kind == "scp" else _("RCP at {level}")
    return template.format(level=level)


def levels_of(raw, kind: str) -> tuple[Level, ...] | None:
    """Levels from the contract's shape; None when there is no organization.

    A level is a list of documents, or a mapping {"id": "ou-1a", "policies": [...]}
    (iam-simulate's `orgIdentifier` is accepted for the id).
    """
    if raw is None:
        return None
    items = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    out = []
    for index, item in enumerate(items):
        identifier = None
        if isinstance(item, dict) and "policies" in item:
            identifier = item.get("id") or item.get("orgIdentifier")
            item = item.get("policies")
        documents = [] if item is None else item if isinstance(item, (list, tuple)) else [item]
        name = _level_name(identifier, index, len(items))
        policies = []
        for number, document in enumerate(documents, start=1):
            if document is None:
                continue
            suffix = f" #{number}" if len(documents) > 1 else ""
            named = policy_name(kind, name) + suffix
            policy = as_policy(document, kind, named)
            if policy.name is None:  # a Policy parsed without a name: name it by its level
                policy = policy.named(named)
            policies.append(policy)
        out.append(Level(name, tuple(policies)))
    return tuple(out)


def _managed_by(management_account) -> frozenset:
    if management_account is None:
        return frozenset()
    if isinstance(management_account, str):
        return frozenset((management_account,))
    return frozenset(str(a) for a in management_account)


def scps_apply(caller, management_account) -> bool:
    """Do SCPs limit this caller? Only IAM identities of member accounts, except service-linked roles."""
    return (
        caller.in_account
        and not caller.service_linked
        and caller.account not in _managed_by(management_account)
    )


def rcps_apply(caller, action: str, resource_account: str | None, management_account) -> bool:
    """Do RCPs limit this request? Member-account resources of supporting services only."""
    service = action.split(":", 1)[0]
    if service not in RCP_SERVICES or caller.service_linked:
        return False
    return resource_account not in _managed_by(management_account)
