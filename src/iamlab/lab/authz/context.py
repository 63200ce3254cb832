"""The global condition keys AWS sets on every request (`aws:username`, `aws:SourceIp`, ...).

Which key is present matters as much as its value: a condition on an absent key does
not match (and `...IfExists` does), so each key is set only where AWS sets it, per
"AWS global condition context keys" in the IAM User Guide:

- `aws:username` only for IAM users; `aws:userid` is the user's id, or `ROLEID:session`.
- `aws:MultiFactorAuthPresent` is absent for long-term access keys and "false" for
  temporary credentials obtained without MFA; `aws:TokenIssueTime` only for the latter.
- `aws:PrincipalTag/*` are the user's tags, or for a session the role's tags with the
  session tags overriding them.
- `aws:RequestedRegion` is the request's region, or a global service's endpoint region (IAM's is
  us-east-1: its adapter's `endpoint_region`).
"""

from __future__ import annotations


def _timestamp(moment) -> str:
    """ISO 8601 to the second in UTC, as AWS writes `aws:CurrentTime` (isoformat is the cheap way)."""
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def request_context(iam, caller, call, now, region: str) -> dict:
    """Context keys for `caller`'s request in `region`, as AWS would present them to a policy."""
    context = {
        "aws:PrincipalArn": caller.principal_arn,
        "aws:PrincipalAccount": caller.account_id,
        "aws:userid": caller.userid,
        "aws:SourceIp": call.source_ip,
        "aws:CurrentTime": _timestamp(now),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "false",  # the lab listens on plain http://127.0.0.1
        "aws:RequestedRegion": region,
        "aws:ResourceAccount": caller.account_id,  # every resource in the lab is in its one account
        "aws:ViaAWSService": "false",
        "aws:PrincipalIsAWSService": "false",
    }
    if getattr(call, "user_agent", None):
        context["aws:UserAgent"] = call.user_agent
    if caller.kind == "user":
        context["aws:username"] = caller.name
        context["aws:PrincipalType"] = "User"
        tags = tag_dict(iam.list_user_tags(caller.user.name))
    else:
        context["aws:PrincipalType"] = "AssumedRole"
        context["aws:MultiFactorAuthPresent"] = "false"
        extras = caller.extras
        role_tags = tag_dict(caller.role.tags) if caller.role is not None else {}
        tags = _overridden(role_tags, extras.tags if extras else {})
        if extras and extras.issued_at:
            context["aws:TokenIssueTime"] = _timestamp(extras.issued_at)
        if extras and extras.source_identity:
            context["aws:SourceIdentity"] = extras.source_identity
    for key, value in tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def tag_dict(tags) -> dict[str, str]:
    """moto's tags as a dict: roles keep a list of {"Key", "Value"}, other entities a dict of them."""
    if isinstance(tags, dict):
        tags = tags.values()
    return {t["Key"]: t.get("Value", "") for t in tags or () if isinstance(t, dict) and "Key" in t}


def _overridden(role_tags: dict[str, str], session_tags: dict[str, str]) -> dict[str, str]:
    """Role tags with session tags winning; tag keys compare case-insensitively, as in IAM."""
    lowered = {k.lower() for k in session_tags}
    return {k: v for k, v in role_tags.items() if k.lower() not in lowered} | session_tags
