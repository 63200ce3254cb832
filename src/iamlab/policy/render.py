"""A Decision as plain text and as self-contained notebook HTML (inline styles, no JS)."""

from __future__ import annotations

import html
import json

from iamlab.i18n import _
from iamlab.policy.results import ALLOWED, EXPLICIT

COLOURS = {ALLOWED: "#1a7f37", EXPLICIT: "#cf222e", "ImplicitlyDenied": "#9a6700"}


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _match_line(match) -> str:
    parts = [f"action {'✓' if match.action else '✗'}", f"resource {'✓' if match.resource else '✗'}"]
    if match.principal is not None:
        parts.insert(0, f"principal {match.principal}")
    for check in match.conditions:
        got = "absent" if check.request_values is None else ", ".join(check.request_values)
        parts.append(
            f"{check.operator} {check.key} {list(check.policy_values)} vs [{got}] {_mark(check.held)}"
        )
    verdict = "applies" if match.applied else "does not apply"
    return (
        f"{match.label} ({match.effect}) {verdict}: "
        + "; ".join(parts)
        + (f" — {match.note}" if match.note else "")
    )


def as_text(decision) -> str:
    r = decision.request
    lines = [f"{decision.result}: {r.principal} → {r.action} on {r.resource}", f"Why: {decision.explanation}"]
    if decision.message:
        lines.append(f"AWS says: {decision.message}")
    if decision.path:
        lines.append("Path: " + " → ".join(f"{s.name}: {s.outcome}" for s in decision.path))
    if decision.deciding:
        lines.append("Deciding statements:")
        lines.extend(f"  - {_match_line(m)}" for m in decision.deciding)
    if decision.missing_context_keys:
        lines.append("Missing context keys: " + ", ".join(decision.missing_context_keys))
    if decision.errors:
        lines.append(_("Policy errors (these parts matched nothing):"))
        lines.extend(f"  - {error}" for error in decision.errors)
    fix = decision.fix
    if fix is not None:
        lines.append(f"Fix: {fix.text}")
        if fix.statement:
            lines.append("  " + json.dumps(fix.statement))
    return "\n".join(lines)


def as_html(decision) -> str:
    r = decision.request
    colour = COLOURS.get(decision.result, "#57606a")
    e = html.escape
    rows = "".join(
        f"<li style='margin:2px 0;color:{'#1f2328' if m.applied else '#57606a'}'>{e(_match_line(m))}</li>"
        for m in decision.statements
    )
    path = " → ".join(f"<b>{e(s.name)}</b>: {e(s.outcome)}" for s in decision.path)
    fix = decision.fix
    fix_html = ""
    if fix is not None:
        body = e(json.dumps(fix.statement, indent=2))
        code = f"<pre style='margin:4px 0;background:#f6f8fa;padding:6px'>{body}</pre>"
        fix_html = f"<div><b>Fix:</b> {e(fix.text)}{code if fix.statement else ''}</div>"
    errors = "".join(f"<li>{e(str(error))}</li>" for error in decision.errors)
    if errors:
        title = e(_("Policy errors (these parts matched nothing):"))
        fix_html = f"<div style='color:#cf222e'><b>{title}</b><ul>{errors}</ul></div>{fix_html}"
    message = (
        f"<div style='font-family:monospace;font-size:12px'>{e(decision.message)}</div>"
        if decision.message
        else ""
    )
    return (
        "<div style='border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;font-family:sans-serif;"
        "font-size:13px'>"
        f"<div style='font-weight:bold;color:{colour};font-size:15px'>{e(decision.result)}</div>"
        f"<div>{e(r.principal)} → <code>{e(r.action)}</code> on <code>{e(r.resource)}</code></div>"
        f"<div><b>Why:</b> {e(decision.explanation)}</div>{message}"
        f"<div><b>Path:</b> {path}</div>"
        f"<details><summary>Statements ({len(decision.statements)})</summary><ul>{rows}</ul></details>"
        f"{fix_html}</div>"
    )
