"""Turn an engine Decision into the words a learner needs: what happened, why, and how to fix it.

Every widget that shows a denial (the trust toggle, the matrix, the "why" panel) and the
lessons' own cells use this one module, so the explanation reads the same everywhere.
The Decision is read defensively (`getattr` with defaults): the widgets must keep working
if the engine adds, renames or omits a detail, showing less rather than failing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

RESULT_WORDS = {
    "Allowed": "allowed",
    "ExplicitlyDenied": "denied by an explicit Deny",
    "ImplicitlyDenied": "denied because nothing allows it (implicit deny)",
}


def result_of(decision) -> str:
    return str(getattr(decision, "result", "") or "")


def is_allowed(decision) -> bool:
    allowed = getattr(decision, "allowed", None)
    return bool(allowed) if allowed is not None else result_of(decision) == "Allowed"


def fix_of(decision):
    """The engine's "how to fix" hint (an object with .kind, .text, .statement), or None."""
    return getattr(decision, "fix", None)


def fix_text(decision) -> str:
    fix = fix_of(decision)
    if fix is None:
        return ""
    return str(getattr(fix, "text", "") or fix)


def statement_label(statement) -> str:
    """`trust policy of role R statement X (Allow)`, from whatever the engine's StatementMatch carries."""
    label = getattr(statement, "label", None)
    if isinstance(label, str) and label:
        effect = getattr(statement, "effect", "")
        return label + (f" ({effect})" if effect else "")
    policy = getattr(statement, "policy_name", None) or getattr(statement, "policy", None) or "policy"
    sid = getattr(statement, "sid", None)
    index = getattr(statement, "index", None)
    where = f"Sid {sid}" if sid else (f"statement {index}" if index is not None else "a statement")
    effect = getattr(statement, "effect", "")
    return f"{policy}: {where}" + (f" ({effect})" if effect else "")


def deciding_labels(decision) -> list[str]:
    return [statement_label(s) for s in (getattr(decision, "deciding", None) or ())]


def summary(decision) -> str:
    """One line: `user/jonnung -> sts:AssumeRole on role/R: denied because ...`."""
    request = getattr(decision, "request", None)
    who = _short(getattr(request, "principal", "?"))
    action = getattr(request, "action", "?")
    resource = getattr(request, "resource", "*")
    on = "" if resource in ("*", None) else f" on {_short(resource)}"
    return f"{who} -> {action}{on}: {RESULT_WORDS.get(result_of(decision), result_of(decision))}"


@dataclass(frozen=True)
class Explanation:
    """What the engine decided and why, shown as text (terminal, tests) or HTML (notebook)."""

    decision: object

    def lines(self) -> list[tuple[str, str]]:
        d = self.decision
        rows = [("Decision", summary(d))]
        if not is_allowed(d):
            message = getattr(d, "message", "") or getattr(d, "basic_message", "")
            if message:
                rows.append(("AWS says", str(message)))
        reason = getattr(d, "explanation", None) or getattr(d, "reason", "")
        if reason:
            rows.append(("Why", str(reason)))
        labels = deciding_labels(d)
        if labels:
            rows.append(("Deciding", "; ".join(labels)))
        hint = fix_text(d)
        if hint and not is_allowed(d):
            rows.append(("How to fix", hint))
        return rows

    def __repr__(self) -> str:
        return "\n".join(f"{k + ':':<11} {v}" for k, v in self.lines())

    def _repr_html_(self) -> str:
        return explanation_html(self.decision)


def explain(decision) -> Explanation:
    """The explanation of `decision` (e.g. `explain(lab.journal[-1].decision)` in a lesson)."""
    return Explanation(decision)


def explanation_html(decision) -> str:
    color = "#1a7f37" if is_allowed(decision) else "#cf222e"
    rows = []
    for key, value in Explanation(decision).lines():
        style = f" style='color:{color};font-weight:bold'" if key == "Decision" else ""
        cls = "iamlab-fix" if key == "How to fix" else "iamlab-why-" + key.lower().replace(" ", "-")
        rows.append(
            f"<tr class='{cls}'><th style='text-align:left;vertical-align:top;padding-right:1em'>{key}</th>"
            f"<td{style}>{html.escape(value)}</td></tr>"
        )
    return f"<table class='iamlab-explanation'>{''.join(rows)}</table>"


def _short(arn) -> str:
    """`arn:aws:iam::123456789012:user/jonnung` reads as `user/jonnung`."""
    arn = str(arn)
    if arn.startswith("arn:") and arn.count(":") >= 5:
        service, rest = arn.split(":")[2], arn.split(":", 5)[5]
        return rest if service in ("iam", "sts") else f"{service}:::{rest}" if service == "s3" else arn
    return arn
