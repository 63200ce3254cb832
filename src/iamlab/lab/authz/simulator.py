"""IAM's policy simulator (`SimulatePrincipalPolicy`, `SimulateCustomPolicy`), which moto lacks.

The lab answers these itself, with AWS's request and response shapes, by asking
the same engine that decides real requests. Nothing is performed. What it weighs is what
AWS's simulator weighs (IAM API Reference, SimulatePrincipalPolicy): "The IAM policy simulator
evaluates statements in identity-based policies, service control policies (SCPs) including their
condition keys and resource scoping, and the inputs that you provide during simulation." So the
simulated account's SCPs apply, as for a real request; resource control policies and the
resource's stored policy do not (only a `ResourcePolicy` given as input).
"""

from __future__ import annotations

from iamlab.lab import accounts
from iamlab.lab.authz import organizations, policies
from iamlab.lab.authz.checks import caller_for
from iamlab.lab.iam_api.words import say
from iamlab.lab.services.params import member_list
from iamlab.lab.wire.errors import AWSError
from iamlab.policy import MalformedPolicyDocument, Policy, Request, evaluate

ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

SIMULATOR_APIS = ("SimulatePrincipalPolicy", "SimulateCustomPolicy")
EVAL_DECISION = {"Allowed": "allowed", "ExplicitlyDenied": "explicitDeny", "ImplicitlyDenied": "implicitDeny"}
LIST_TYPES = ("stringList", "numericList", "booleanList", "dateList", "ipList", "binaryList")


def _context_entries(params: dict[str, str]) -> dict:
    context, index = {}, 1
    while f"ContextEntries.member.{index}.ContextKeyName" in params:
        prefix = f"ContextEntries.member.{index}."
        values = member_list(params, f"{prefix}ContextKeyValues.member.")
        kind = params.get(f"{prefix}ContextKeyType", "string")
        context[params[f"{prefix}ContextKeyName"]] = (
            values if kind in LIST_TYPES else (values[0] if values else "")
        )
        index += 1
    return context


def _parse_inputs(params, prefix: str, kind: str, label: str) -> list:
    found = []
    for index, document in enumerate(member_list(params, prefix), start=1):
        try:
            found.append(Policy.parse(document, kind=kind, name=f"{label}{index}", source_type="IAM Policy"))
        except MalformedPolicyDocument as error:
            raise AWSError("MalformedPolicyDocument", error.message) from None
    return found


def _matched(decision) -> list[dict]:
    """The deciding statements; "This field doesn't include statements from service control policies
    (SCPs). Only statements from identity-based and resource-based policies appear here."."""
    matched = []
    for statement in decision.deciding:
        if getattr(statement, "kind", None) in ("scp", "rcp"):
            continue
        entry = {"SourcePolicyId": getattr(statement, "policy_name", None) or "PolicyInputList.1"}
        source_type = getattr(statement, "source_type", None)
        entry["SourcePolicyType"] = (
            source_type
            if source_type in ("user", "group", "role", "aws-managed", "user-managed", "resource", "none")
            else "IAM Policy"
        )
        matched.append(entry)
    return matched


def simulate(lab, api: str, params: dict[str, str]) -> dict:
    """The `Simulate*PolicyResult` for the request parameters, as a dict for moto's serializer."""
    iam, account = lab.gate.iam, lab.gate.account_id
    identity = _parse_inputs(params, "PolicyInputList.member.", "identity", "PolicyInputList.")
    boundaries = _parse_inputs(
        params,
        "PermissionsBoundaryPolicyInputList.member.",
        "boundary",
        "PermissionsBoundaryPolicyInputList.",
    )
    boundary = boundaries[0] if boundaries else None
    principal = params.get("CallerArn") or f"arn:aws:iam::{account}:user/iamlab-simulated-caller"
    if api == "SimulatePrincipalPolicy":
        source = params.get("PolicySourceArn", "")
        if ":group/" in source:
            group = iam.groups.get(source.rsplit("/", 1)[-1])
            if group is None:
                raise say("no_group", name=source.rsplit("/", 1)[-1])
            identity = policies.attached_to(group, f"group {group.name}", "group") + identity
        else:
            try:
                caller = caller_for(iam, source)
            except Exception:
                raise say("no_principal", arn=source) from None
            found = policies.for_caller(iam, caller, lab.user_boundaries)
            identity = list(found.identity) + identity
            boundary = boundary or found.boundary
            principal = params.get("CallerArn") or (
                caller.arn if caller.kind == "user" else caller.principal_arn
            )
    resource_policy = None
    if params.get("ResourcePolicy"):
        try:
            resource_policy = Policy.parse(
                params["ResourcePolicy"], kind="resource", name="ResourcePolicy", source_type="resource"
            )
        except MalformedPolicyDocument as error:
            raise AWSError("MalformedPolicyDocument", error.message) from None
    context = _context_entries(params)
    # "If the ResourceOwner parameter is not specified, then the owner of the resources and the
    # resource policy defaults to the account of the identity provided in CallerArn."
    owner = params.get("ResourceOwner", "").split(":")[-1] or accounts.account_of_arn(principal) or account
    results = []
    for action in member_list(params, "ActionNames.member."):
        for resource in member_list(params, "ResourceArns.member.") or ["*"]:
            request = Request(
                principal=principal,
                action=action,
                resource=resource,
                resource_account=accounts.account_of_arn(resource) or owner,
                context=context,
            )
            scps = _scps_only(account, request.resource_account)
            decision = evaluate(
                request,
                identity_policies=identity,
                resource_policy=resource_policy,
                permissions_boundary=boundary,
                **scps,
            )
            result = {
                "EvalActionName": action,
                "EvalResourceName": resource,
                "EvalDecision": EVAL_DECISION[decision.result],
                "MatchedStatements": _matched(decision),
                "MissingContextValues": sorted(getattr(decision, "missing_context_keys", ()) or ()),
            }
            if scps["service_control_policies"] is not None:
                result["OrganizationsDecisionDetail"] = {"AllowedByOrganizations": _scps_allow(request, scps)}
            results.append(result)
    return {"EvaluationResults": results, "IsTruncated": False}


def _scps_only(account: str, owner: str) -> dict:
    """The gate's Organizations arguments for the simulated account, without the RCPs the simulator
    does not weigh."""
    return {**organizations.guardrails(account, owner), "resource_control_policies": None}


def _scps_allow(request, scps: dict) -> bool:
    """`AllowedByOrganizations`: whether the SCPs alone let the request through, whatever the
    identity and resource policies say."""
    alone = Request(request.principal, request.action, request.resource, None, request.context)
    return evaluate(alone, identity_policies=[ALLOW_ALL], **scps).allowed
