"""AWS's policy evaluation flow, drawn as a self-contained SVG with the last request's path lit up.

AWS documents evaluation as a flowchart (explicit deny, Organizations, resource-based,
identity-based, boundary, session policies). Learners remember a picture better than a
list, so the diagram is always the same shape and only the colours change: the steps
`decision.path` says were taken are filled, the step that decided is outlined, the rest
stay grey. Plain SVG in an HTML widget: no JavaScript, no CDN, works offline and in tests.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets

from iamlab.i18n import N_, _, display_width
from iamlab.policy.words import result_label
from iamlab.widgets.explain import is_allowed, result_of, summary


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    question: str


# The order of AWS's flowchart for a request inside one account.
# Titles and questions are English message ids, translated when drawn.
STEPS = (
    Step("deny", N_("Explicit deny"), N_("Does any applicable policy Deny this request?")),
    Step("organizations", N_("Organizations"), N_("Do SCPs / RCPs allow it? (in an organization)")),
    Step("resource", N_("Resource-based policy"), N_("Does a trust or bucket policy allow this principal?")),
    Step("identity", N_("Identity-based policies"), N_("Does a policy of the user, group or role allow it?")),
    Step("boundary", N_("Permissions boundary"), N_("If there is one, does it allow it?")),
    Step("session", N_("Session policy"), N_("If the role session has one, does it allow it?")),
)

TONES = {  # fill, stroke, text
    "allow": ("#dafbe1", "#1a7f37", "#0f5323"),
    "deny": ("#ffebe9", "#cf222e", "#82071e"),
    "pass": ("#ddf4ff", "#0969da", "#0a3069"),
    "skip": ("#f6f8fa", "#8c959f", "#57606a"),
}


@dataclass(frozen=True)
class TakenStep:
    key: str | None  # one of STEPS' keys, or None when the engine's step has no place in the chart
    name: str
    outcome: str
    detail: str
    tone: str


def _field(item, *names, default=""):
    for name in names:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if value not in (None, ""):
            return value
    return default


def step_key(name: str) -> str | None:
    """Place an engine step name (whatever its wording) on the canonical chart."""
    n = name.lower().replace("_", " ").replace("-", " ")
    if "organization" in n or "scp" in n or "rcp" in n or "control polic" in n:
        return "organizations"
    if "boundary" in n:
        return "boundary"
    if "session" in n:
        return "session"
    if "resource" in n or "trust" in n or "bucket" in n:
        return "resource"
    if "identity" in n:
        return "identity"
    if "deny" in n or "denies" in n:
        return "deny"
    return None


def tone_of(outcome: str) -> str:
    o = str(outcome).lower().replace("_", " ").replace("-", " ")
    if any(w in o for w in ("not applicable", "n/a", "skip", "absent", "none present", "not present")):
        return "skip"
    if o.startswith("no ") or "no match" in o or "continue" in o or "pass" in o or "not denied" in o:
        return "pass"
    if "deny" in o or "denied" in o or o in ("no", "false", "fail", "failed"):
        return "deny"
    if "allow" in o or o in ("yes", "true"):
        return "allow"
    return "pass"


def taken_steps(decision) -> list[TakenStep]:
    """`decision.path` as TakenSteps; empty when the engine gives no path."""
    found = []
    for item in getattr(decision, "path", None) or ():
        verdict = ""  # the engine's typed verdict (its values are the tones), when it gives one
        if isinstance(item, (tuple, list)) and len(item) >= 2:
            name, outcome, detail = str(item[0]), str(item[1]), str(item[2]) if len(item) > 2 else ""
        else:
            name = str(_field(item, "step", "name", "stage", "key", "label", default=item))
            outcome = str(_field(item, "outcome", "result", "answer"))
            detail = str(_field(item, "detail", "details", "note", "reason", "text"))
            verdict = str(_field(item, "verdict"))
        key = _field(item, "key", default=None) if not isinstance(item, (tuple, list)) else None
        key = key if key in {s.key for s in STEPS} else step_key(name)
        tone = verdict if verdict in TONES else tone_of(outcome)
        found.append(TakenStep(key, name, outcome, detail, tone))
    return found


def flow_svg(decision=None) -> str:
    """The evaluation flowchart as SVG; with a decision, its path is highlighted."""
    taken = {t.key: t for t in taken_steps(decision)} if decision is not None else {}
    width, box_w, box_h, gap, left = 780, 330, 50, 22, 20
    parts = []
    y = 14
    last_taken_y = None
    for step in STEPS:
        t = taken.get(step.key)
        tone = t.tone if t else "skip"
        fill, stroke, ink = TONES[tone]
        dash = "" if t else " stroke-dasharray='4 3'"
        stroke_w = 2.5 if t else 1
        cls = f"iamlab-flow-step iamlab-flow-{step.key}" + (
            f" iamlab-flow-taken iamlab-flow-{tone}" if t else ""
        )
        parts.append(
            f"<g class='{cls}'><title>{html.escape(_(step.question))}</title>"
            f"<rect x='{left}' y='{y}' width='{box_w}' height='{box_h}' rx='8' fill='{fill}' "
            f"stroke='{stroke}' stroke-width='{stroke_w}'{dash}/>"
            f"<text x='{left + 12}' y='{y + 20}' font-size='14' font-weight='bold' fill='{ink}'>"
            f"{html.escape(_(step.title))}</text>"
            f"<text x='{left + 12}' y='{y + 38}' font-size='11' fill='{ink}'>"
            f"{html.escape(_clip(_(step.question), 52))}"
            "</text></g>"
        )
        if t:
            note = _(t.outcome) + (f" — {_(t.detail)}" if t.detail else "")
            lines = _wrap(note, NOTE_COLUMNS)  # two lines fit beside a box; a longer note is cut
            if len(lines) > 2:
                lines = [lines[0], _fit(" ".join(lines[1:]), NOTE_COLUMNS)]
            note_x = left + box_w + 14
            spans = (
                html.escape(lines[0])
                if len(lines) == 1
                else "".join(
                    f"<tspan x='{note_x}' dy='{15 if i else 0}'>{html.escape(line)}</tspan>"
                    for i, line in enumerate(lines)
                )
            )
            parts.append(
                f"<text class='iamlab-flow-note' x='{note_x}' y='{y + (30 if len(lines) == 1 else 22)}' "
                f"font-size='12' fill='{TONES[t.tone][2]}'>{spans}<title>{html.escape(note)}</title></text>"
            )
            last_taken_y = y
        if step is not STEPS[-1]:
            x = left + box_w / 2
            parts.append(
                f"<line x1='{x}' y1='{y + box_h}' x2='{x}' y2='{y + box_h + gap - 3}' stroke='#8c959f' "
                "stroke-width='1.5' marker-end='url(#iamlab-arrow)'/>"
            )
        y += box_h + gap
    final_tone = "allow" if decision is not None and is_allowed(decision) else "deny"
    final_text = _("no request yet") if decision is None else result_label(result_of(decision)) or "?"
    fill, stroke, ink = TONES[final_tone if decision is not None else "skip"]
    parts.append(
        f"<g class='iamlab-flow-final iamlab-flow-{final_tone if decision is not None else 'none'}'>"
        f"<rect x='{left}' y='{y}' width='{box_w}' height='{box_h - 10}' rx='20' "
        f"fill='{fill}' stroke='{stroke}' "
        f"stroke-width='2.5'/><text x='{left + box_w / 2}' y='{y + 25}' font-size='15' font-weight='bold' "
        f"text-anchor='middle' fill='{ink}'>{html.escape(final_text)}</text></g>"
    )
    if last_taken_y is not None:
        parts.append(
            f"<line x1='{left + box_w + 4}' y1='{last_taken_y + box_h / 2}' x2='{left + box_w + 4}' "
            f"y2='{y + (box_h - 10) / 2}' stroke='{stroke}' stroke-width='1' stroke-dasharray='2 3'/>"
        )
    height = y + box_h + 4
    caption = [] if decision is None else _wrap(summary(decision), CAPTION_COLUMNS)
    for line in caption:  # the whole summary: ARNs make it longer than the picture is wide
        parts.append(
            f"<text class='iamlab-flow-caption' x='{left}' y='{height + 12}' font-size='12' fill='#57606a'>"
            f"{html.escape(line)}</text>"
        )
        height += 16
    height += 0 if caption else 16
    title = _("AWS policy evaluation flow")
    return (
        "<svg class='iamlab-flow-svg' xmlns='http://www.w3.org/2000/svg' "
        f"width='{width}' height='{height + 2}' "
        f"viewBox='0 0 {width} {height + 2}' font-family='sans-serif' role='img' "
        f"aria-label='{html.escape(title)}'>"
        "<defs><marker id='iamlab-arrow' markerWidth='8' markerHeight='8' refX='6' refY='4' orient='auto'>"
        "<path d='M0,0 L8,4 L0,8 z' fill='#8c959f'/></marker></defs>" + "".join(parts) + "</svg>"
    )


# Text budgets in monospace columns (a Hangul syllable takes two), so Korean fits as English does.
NOTE_COLUMNS, CAPTION_COLUMNS = 64, 120


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _fit(text: str, columns: int) -> str:
    """`text` cut to `columns` display columns, with an ellipsis when cut."""
    if display_width(text) <= columns:
        return text
    while display_width(text) > columns - 1:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` display columns, broken at spaces where it can be."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= columns or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
        while display_width(line) > columns:  # one word wider than a line (a long ARN): cut it
            head = _fit(line, columns + 1)[:-1]
            lines.append(head)
            line = line[len(head) :]
    return [*lines, line] if line else lines


class FlowView:
    """A static view for lesson cells: `FlowView(decision)` displays the diagram (HTML) or steps (text)."""

    def __init__(self, decision):
        self.decision = decision

    def __repr__(self) -> str:
        lines = [summary(self.decision)]
        steps = taken_steps(self.decision)
        for t in steps:
            lines.append(f"  {_(t.name)}: {_(t.outcome)}" + (f" ({_(t.detail)})" if t.detail else ""))
        if not steps:
            lines.append("  " + _("(the engine reported no evaluation path)"))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return flow_svg(self.decision)


class FlowDiagram(widgets.HTML):
    """The diagram as a widget that redraws whenever `show(decision)` is called."""

    def __init__(self, decision=None, **kwargs):
        super().__init__(value=flow_svg(decision), **kwargs)
        self.decision = decision
        self.add_class("iamlab-flow")

    def show(self, decision) -> None:
        self.decision = decision
        self.value = flow_svg(decision)

    def __repr__(self) -> str:
        return (
            "FlowDiagram(" + (_("no request yet") if self.decision is None else summary(self.decision)) + ")"
        )
