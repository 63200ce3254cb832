"""The global condition keys AWS sets on every request (`aws:username`, `aws:SourceIp`, ...)."""

from __future__ import annotations


def request_context(iam, caller, call, now, region: str) -> dict:
    """Context keys for `caller`'s request, as AWS would present them to a policy."""
    context = {
        "aws:PrincipalArn": caller.principal_arn,
        "aws:PrincipalAccount": caller.account_id,
        "aws:userid": caller.userid,
        "aws:SourceIp": call.source_ip,
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:SecureTransport": "false",
        "aws:RequestedRegion": call.region,
        "aws:ViaAWSService": "false",
        "aws:PrincipalIsAWSService": "false",
    }
    if caller.kind == "user":
        context["aws:username"] = caller.name
        context["aws:PrincipalType"] = "User"
        tags = {t["Key"]: t["Value"] for t in _user_tags(iam, caller.user)}
    else:
        context["aws:PrincipalType"] = "AssumedRole"
        context["aws:MultiFactorAuthPresent"] = "false"
        extras = caller.extras
        role_tags = {t["Key"]: t["Value"] for t in (caller.role.tags or {}).values()} if caller.role else {}
        tags = role_tags | (extras.tags if extras else {})
        if extras and extras.issued_at:
            context["aws:TokenIssueTime"] = extras.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if extras and extras.source_identity:
            context["aws:SourceIdentity"] = extras.source_identity
    for key, value in tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def _user_tags(iam, user) -> list[dict]:
    return iam.list_user_tags(user.name)
