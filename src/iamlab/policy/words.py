"""The engine's verdicts in a learner's words (English or Korean, through `iamlab.i18n`).

Decisions keep AWS's result codes ("Allowed", "ImplicitlyDenied", ...) as data; this is the
one place that says them to a learner. Other codes (authentication errors the lab records,
such as InvalidClientTokenId) are AWS's own and stay as they are.
"""

from __future__ import annotations

from iamlab.i18n import N_, _

RESULT_LABELS = {
    "Allowed": N_("Allowed"),
    "ExplicitlyDenied": N_("Explicitly denied"),
    "ImplicitlyDenied": N_("Implicitly denied"),
}


def result_label(result: str) -> str:
    """`Allowed` -> "Allowed" / "허용"; an unknown code is returned unchanged."""
    label = RESULT_LABELS.get(result)
    return _(label) if label else result


# The names the engine gives policies that arrive without one (see evaluate.py), by kind.
POLICY_KIND_NAMES = {
    "identity": N_("identity-based policy"),
    "resource": N_("resource-based policy"),
    "trust": N_("trust policy"),
    "boundary": N_("permissions boundary"),
    "session": N_("session policy"),
}


def policy_kind_name(kind: str | None) -> str:
    name = POLICY_KIND_NAMES.get(kind or "")
    return _(name) if name else _("a policy")


def policy_label(policy) -> str:
    """A Policy's name for people: its own name, else its kind ("identity-based policy")."""
    return _(policy.name) if policy.name else policy_kind_name(policy.kind)


def statement_where(sid: str | None, index: int) -> str:
    """`statement Sid` / `statement #2`: where in its policy a statement is."""
    if sid:
        return _("statement {sid}").format(sid=sid)
    return _("statement #{index}").format(index=index)


def statement_label(statement) -> str:
    """`trust policy of role R, statement #0 (Allow)`, from whatever the engine's StatementMatch carries.

    Effect ("Allow"/"Deny") and Sid are the policy's own words and stay as written.
    """
    kind = getattr(statement, "kind", None)
    policy = getattr(statement, "policy_name", None) or getattr(statement, "policy", None)
    policy = _(policy) if policy else policy_kind_name(kind)
    sid = getattr(statement, "sid", None)
    index = getattr(statement, "index", None)
    if sid:
        where = _("{policy}, statement {sid}").format(policy=policy, sid=sid)
    elif index is not None:
        where = _("{policy}, statement #{index}").format(policy=policy, index=index)
    else:
        where = str(policy)
    effect = getattr(statement, "effect", "")
    return where + (f" ({effect})" if effect else "")


def short_arn(arn) -> str:
    """An ARN as a narrow table or one-line summary shows it: `arn:aws:iam::123456789012:user/jonnung`
    reads `user/jonnung`, a bucket `s3:::bucket/key`, another service's `service:resource`."""
    arn = str(arn)
    if not (arn.startswith("arn:") and arn.count(":") >= 5):
        return arn
    service, rest = arn.split(":")[2], arn.split(":", 5)[5]
    if service in ("iam", "sts"):
        return rest
    return f"s3:::{rest}" if service == "s3" else f"{service}:{rest}"
