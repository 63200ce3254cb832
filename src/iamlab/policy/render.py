"""A Decision as plain text and as self-contained notebook HTML (inline styles, no JS)."""

from __future__ import annotations

import html
import json

from iamlab.i18n import N_, _
from iamlab.policy.results import ALLOWED, EXPLICIT
from iamlab.policy.words import statement_label

COLOURS = {ALLOWED: "#1a7f37", EXPLICIT: "#cf222e", "ImplicitlyDenied": "#9a6700"}


# How a statement's Principal names the caller (`StatementMatch.principal`), in words.
PRINCIPAL_GRANTS = {
    "any": N_("names anyone (*)"),
    "direct": N_("names this principal"),
    "role": N_("names its role"),
    "account": N_("names its account"),
}


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _match_line(match) -> str:
    parts = [f"Action {_mark(match.action)}", f"Resource {_mark(match.resource)}"]
    if match.principal is not None:
        parts.insert(0, f"Principal {_(PRINCIPAL_GRANTS.get(match.principal, match.principal))}")
    for check in match.conditions:
        got = _("absent") if check.request_values is None else ", ".join(check.request_values)
        parts.append(
            f"{check.operator} {check.key} {list(check.policy_values)} vs [{got}] {_mark(check.held)}"
        )
    verdict = _("applies") if match.applied else _("does not apply")
    return (
        f"{statement_label(match)} {verdict}: "
        + "; ".join(parts)
        + (f" — {_(match.note)}" if match.note else "")
    )


def as_text(decision) -> str:
    r = decision.request
    lines = [
        _("{result}: {principal} → {action} on {resource}").format(
            result=decision.result, principal=r.principal, action=r.action, resource=r.resource
        ),
        _("Why: {why}").format(why=decision.explanation),
    ]
    if decision.aws_message:  # AWS's own words, verbatim
        lines.append(_("AWS says: {message}").format(message=decision.aws_message))
    if decision.path:
        lines.append(_("Path: {steps}").format(steps=" → ".join(_step(s) for s in decision.path)))
    if decision.deciding:
        lines.append(_("Deciding statements:"))
        lines.extend(f"  - {_match_line(m)}" for m in decision.deciding)
    if decision.missing_context_keys:
        lines.append(_("Missing context keys: {keys}").format(keys=", ".join(decision.missing_context_keys)))
    if decision.errors:
        lines.append(_("Policy errors (these parts matched nothing):"))
        lines.extend(f"  - {error}" for error in decision.errors)
    fix = decision.fix
    if fix is not None:
        lines.append(_("Fix: {fix}").format(fix=fix.text))
        if fix.statement:
            lines.append("  " + json.dumps(fix.statement))
    return "\n".join(lines)


def _step(step) -> str:
    return f"{_(step.name)}: {_(step.outcome)}"


def as_html(decision) -> str:
    r = decision.request
    colour = COLOURS.get(decision.result, "#57606a")
    e = html.escape
    rows = "".join(
        f"<li style='margin:2px 0;color:{'#1f2328' if m.applied else '#57606a'}'>{e(_match_line(m))}</li>"
        for m in decision.statements
    )
    path = " → ".join(f"<b>{e(_(s.name))}</b>: {e(_(s.outcome))}" for s in decision.path)
    why, path_label = _("Why:"), _("Path:")
    fix = decision.fix
    fix_html = ""
    if fix is not None:
        body = e(json.dumps(fix.statement, indent=2))
        code = f"<pre style='margin:4px 0;background:#f6f8fa;padding:6px'>{body}</pre>"
        label = _("Fix:")
        fix_html = f"<div><b>{e(label)}</b> {e(fix.text)}{code if fix.statement else ''}</div>"
    errors = "".join(f"<li>{e(str(error))}</li>" for error in decision.errors)
    if errors:
        title = e(_("Policy errors (these parts matched nothing):"))
        fix_html = f"<div style='color:#cf222e'><b>{title}</b><ul>{errors}</ul></div>{fix_html}"
    message = (
        "<div class='iamlab-aws-message' style='font-family:monospace;font-size:12px'>"
        f"{e(decision.aws_message)}</div>"
        if decision.aws_message
        else ""
    )
    return (
        "<div style='border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;font-family:sans-serif;"
        "font-size:13px'>"
        f"<div style='font-weight:bold;color:{colour};font-size:15px'>"
        f"{e(decision.result)}</div>"
        "<div>"
        + _("{principal} → {action} on {resource}").format(
            principal=e(r.principal),
            action=f"<code>{e(r.action)}</code>",
            resource=f"<code>{e(r.resource)}</code>",
        )
        + "</div>"
        f"<div><b>{e(why)}</b> {e(decision.explanation)}</div>{message}"
        f"<div><b>{e(path_label)}</b> {path}</div>"
        "<details><summary>"
        + e(_("Statements ({count})").format(count=len(decision.statements)))
        + f"</summary><ul>{rows}</ul></details>"
        f"{fix_html}</div>"
    )
