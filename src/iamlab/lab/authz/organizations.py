"""The organization around an account, read from moto's Organizations backend, as the engine wants it.

For a request the gate asks `guardrails(caller account, resource account)`: the SCP levels of the
caller's account and the RCP levels of the resource's account, each from the root through the OUs
down to the account, and the management account they do not apply to. A policy type applies
only once it is enabled on the root (`EnablePolicyType`), as in AWS. `CreateAccount` also gives the
member account its `OrganizationAccountAccessRole` with AdministratorAccess, trusting the
management account, as the Organizations User Guide describes.
"""

from __future__ import annotations

from moto.organizations.exceptions import PolicyTypeNotEnabledException
from moto.organizations.models import OrganizationsBackend
from moto.organizations.responses import OrganizationsResponse

from iamlab.lab import accounts
from iamlab.lab.moto import backends, managed

SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"
ACCESS_ROLE = "OrganizationAccountAccessRole"


def _organization_of(account_id: str):
    """The Organizations backend of the management account of `account_id`'s organization, or None."""
    owner = backends.of("organizations").master_accounts.get(account_id)
    management = owner[0] if owner else account_id
    if management not in backends.of("organizations"):
        return None
    backend = backends.backend("organizations", management)
    if backend.org is None or not any(a.id == account_id for a in backend.accounts):
        return None
    return backend


def _enabled(backend, policy_type: str) -> bool:
    """Whether `policy_type` is enabled on the organization's root (`EnablePolicyType`)."""
    return any(t["Type"] == policy_type and t["Status"] == "ENABLED" for t in backend.ou[0].policy_types)


def _levels(backend, account_id: str, policy_type: str):
    """Levels root → OUs → account of `policy_type`, or None when the type is not enabled on the root."""
    if not _enabled(backend, policy_type):
        return None
    nodes = [next(a for a in backend.accounts if a.id == account_id)]
    by_id = {ou.id: ou for ou in backend.ou}
    while nodes[-1].parent_id in by_id:
        nodes.append(by_id[nodes[-1].parent_id])
    return [
        {"id": node.id, "policies": [p.content for p in node.attached_policies if p.type == policy_type]}
        for node in reversed(nodes)
    ]


def guardrails(caller_account: str, resource_account: str) -> dict:
    """The engine's Organizations arguments for a request from `caller_account` to `resource_account`."""
    scp_org = _organization_of(caller_account)
    rcp_org = scp_org if resource_account == caller_account else _organization_of(resource_account)
    management = {org.account_id for org in (scp_org, rcp_org) if org is not None}
    return {
        "service_control_policies": _levels(scp_org, caller_account, SCP) if scp_org else None,
        "resource_control_policies": _levels(rcp_org, resource_account, RCP) if rcp_org else None,
        "management_account": sorted(management) or None,
    }


def install(lab_accounts) -> None:
    """Give each account `CreateAccount` makes its access role with AdministratorAccess, and a lab admin;
    refuse `AttachPolicy` of a policy type not enabled on the root, as AWS does (moto attaches it)."""
    original = OrganizationsBackend.create_account
    original_attach = OrganizationsResponse.attach_policy

    def create_account(backend, **kwargs):
        status = original(backend, **kwargs)
        registry = lab_accounts()
        if registry is not None:
            member = status["CreateAccountStatus"]["AccountId"]
            registry.ensure(member)
            iam = backends.iam(member)
            managed.ensure(iam, [accounts.ADMINISTRATOR_ACCESS])
            iam.attach_role_policy(accounts.ADMINISTRATOR_ACCESS, kwargs.get("RoleName") or ACCESS_ROLE)
        return status

    def attach_policy(handler):  # the API only: moto itself attaches the default policies at creation
        backend = handler.organizations_backend
        policy = backend.get_policy_by_id(handler.request_params["PolicyId"])
        if backend.ou and not _enabled(backend, policy.type):
            raise PolicyTypeNotEnabledException()
        return original_attach(handler)

    OrganizationsBackend.create_account = create_account
    OrganizationsResponse.attach_policy = attach_policy
