"""Organizations: roots, OUs, accounts and policies are named by id (`r-…`, `ou-…`, 12 digits, `p-…`);
their ARNs also carry the organization's id, read from moto's backend of the management account."""

from __future__ import annotations

from iamlab.lab.moto import backends
from iamlab.lab.services.adapter import Adapter, Denial, Where

_PREFIXES = {"RootId": "r-", "OrganizationalUnitId": "ou-", "PolicyId": "p-"}


def _organization(account: str):
    management = backends.of("organizations").master_accounts.get(account, (account,))[0]
    if management not in backends.of("organizations"):
        return None
    return backends.backend("organizations", management).org


def _kind_of(raw: str) -> str | None:
    if raw.isdigit() and len(raw) == 12:
        return "AccountId"
    return next((kind for kind, prefix in _PREFIXES.items() if raw.startswith(prefix)), None)


class Organizations(Adapter):
    denial = Denial("AccessDeniedException", 400)
    _parents = ("ParentId", "TargetId", "ResourceId", "ChildId", "SourceParentId", "DestinationParentId")
    sources = {
        "RootId": ("RootId", *_parents),
        "OrganizationalUnitId": ("OrganizationalUnitId", *_parents),
        "AccountId": ("AccountId", "TargetId", "ResourceId", "ChildId"),
        "PolicyId": ("PolicyId", "ResourceId"),
    }

    def operations(self, api: str, params: dict, where: Where) -> list[tuple[str, str]]:
        organization = _organization(where.account)
        # Without an organization the call fails (AWSOrganizationsNotInUseException) once allowed.
        extra = {"OrganizationId": organization.id.removeprefix("o-") if organization else "*"}
        if params.get("PolicyId"):  # a policy that is not there fails once allowed (PolicyNotFoundException)
            management = organization.master_account_id if organization else None
            policies = backends.backend("organizations", management).policies if management else []
            policy = next((p for p in policies if p.id == params["PolicyId"]), None)
            extra["PolicyType"] = policy.type.lower() if policy is not None else "*"
        elif params.get("Type"):
            extra["PolicyType"] = str(params["Type"]).lower()
        return super().operations(api, {**params, **extra}, where)

    def value(self, variable: str, raw: str, where: Where) -> str | None:
        """An id fills the slot of its own type only: `r-…` a root, `ou-…` an OU, `p-…` a policy,
        12 digits an account (a TargetId may be any of them)."""
        kinds = {**_PREFIXES, "AccountId": ""}
        if variable not in kinds or raw == "*":  # "*": a policy about to be created
            return raw
        own = _kind_of(raw)
        if own is None:  # not an id of any type: AWS refuses it once the call is allowed
            return raw
        return raw.removeprefix(kinds[variable]) if own == variable else None
