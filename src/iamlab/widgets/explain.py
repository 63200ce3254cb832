"""Turn an engine Decision into the words a learner needs: what happened, why, and how to fix it.

Every widget that shows a denial (the trust toggle, the matrix, the "why" panel) and the
lessons' own cells use this one module, so the explanation reads the same everywhere.
The Decision is read defensively (`getattr` with defaults): the widgets must keep working
if the engine adds, renames or omits a detail, showing less rather than failing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from iamlab.i18n import N_, _, display_width, pad
from iamlab.notices import closed_notice
from iamlab.policy.words import short_arn, statement_label

RESULT_WORDS = {
    "Allowed": N_("allowed"),
    "ExplicitlyDenied": N_("denied by an explicit Deny"),
    "ImplicitlyDenied": N_("denied because nothing allows it (implicit deny)"),
}
# Row keys of an explanation (English keys name the CSS classes; learners read the translation).
DECISION, AWS_SAYS, WHY, DECIDING, HOW_TO_FIX = (
    N_("Decision"),
    N_("AWS says"),
    N_("Why"),
    N_("Deciding"),
    N_("How to fix"),
)


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


def aws_message(decision) -> str:
    """The AccessDenied text AWS returns for this decision, word for word as the lab's gate sends it."""
    return str(getattr(decision, "aws_message", "") or getattr(decision, "message", ""))


def deciding_labels(decision) -> list[str]:
    return [statement_label(s) for s in (getattr(decision, "deciding", None) or ())]


def summary(decision) -> str:
    """One line: `user/jonnung -> sts:AssumeRole on role/R: denied because ...`."""
    request = getattr(decision, "request", None)
    who = short_arn(getattr(request, "principal", "?"))
    action = getattr(request, "action", "?")
    resource = getattr(request, "resource", "*")
    result = result_of(decision)
    words = _(RESULT_WORDS[result]) if result in RESULT_WORDS else result
    if resource in ("*", None):
        return _("{who} -> {action}: {result}").format(who=who, action=action, result=words)
    return _("{who} -> {action} on {resource}: {result}").format(
        who=who, action=action, resource=short_arn(resource), result=words
    )


@dataclass(frozen=True)
class Explanation:
    """What the engine decided and why, shown as text (terminal, tests) or HTML (notebook)."""

    decision: object

    def lines(self) -> list[tuple[str, str]]:
        """(key, value) rows; keys are the English row names (translate with `_()` to show them).

        AWS's message stays verbatim; the "Why" row right below it says in the learner's
        language what it means.
        """
        d = self.decision
        rows = [(DECISION, summary(d))]
        if not is_allowed(d):
            message = aws_message(d)
            if message:
                rows.append((AWS_SAYS, str(message)))
        reason = getattr(d, "explanation", None) or getattr(d, "reason", "")
        if reason:
            rows.append((WHY, _(str(reason))))
        labels = deciding_labels(d)
        if labels:
            rows.append((DECIDING, "; ".join(labels)))
        hint = fix_text(d)
        if hint and not is_allowed(d):
            rows.append((HOW_TO_FIX, hint))
        return rows

    def __repr__(self) -> str:
        rows = [(_(k) + ":", v) for k, v in self.lines()]
        width = max([11, *(display_width(k) for k, _v in rows)])
        return "\n".join(f"{pad(k, width)} {v}" for k, v in rows)

    def _repr_html_(self) -> str:
        return explanation_html(self.decision)


def explain(decision) -> Explanation:
    """The explanation of `decision` (e.g. `explain(lab.journal[-1].decision)` in a lesson)."""
    return Explanation(decision)


def explanation_html(decision) -> str:
    color = "#1a7f37" if is_allowed(decision) else "#cf222e"
    # JupyterLab right-aligns table cells; Korean must not break mid-word ("AWS 메 / 시지", "거 / 부").
    th_style = "text-align:left;vertical-align:top;padding-right:1em;white-space:nowrap"
    rows = []
    for key, value in Explanation(decision).lines():
        bold = f"color:{color};font-weight:bold;" if key == DECISION else ""
        style = f" style='{bold}text-align:left;word-break:keep-all;overflow-wrap:anywhere'"
        cls = "iamlab-fix" if key == HOW_TO_FIX else "iamlab-why-" + key.lower().replace(" ", "-")
        body = html.escape(value)
        if key == AWS_SAYS:  # AWS's own words, verbatim (and marked so)
            body = f"<code class='iamlab-aws-message' style='white-space:pre-wrap'>{body}</code>"
        rows.append(
            f"<tr class='{cls}'><th style='{th_style}'>{html.escape(_(key))}</th><td{style}>{body}</td></tr>"
        )
    return f"<table class='iamlab-explanation'>{''.join(rows)}</table>"


def aws_error_html(lead: str, error) -> str:
    """`lead` (our words) then AWS's error code and message, verbatim, as AWS returned them."""
    if hasattr(error, "response"):
        err = error.response.get("Error", {})
        text = f"{err.get('Code', '')}: {err.get('Message', '')}"
    else:  # not AWS's answer (a connection or parameter problem): botocore's own text
        text = str(error)
    return (
        f"<div class='iamlab-refused' style='color:#cf222e'>{html.escape(lead)} "
        f"<code class='iamlab-aws-message' style='white-space:pre-wrap'>{html.escape(text)}</code></div>"
    )


def closed_html() -> str:
    """What every widget shows once its lab is closed: the plain cause and the fix."""
    return f"<div class='iamlab-closed' style='color:#cf222e'><b>{html.escape(closed_notice())}</b></div>"
