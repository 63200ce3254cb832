"""The access matrix: who may do what right now, recomputed whenever a policy changes.

One table answers the question learners keep asking ("so can minji list buckets now?")
for every principal and action at once. Each cell is `lab.check(...)`: the engine's
decision from the lab's current policies, with nothing performed and nothing journaled,
so the matrix can be recomputed after every change at no cost to the lesson's history.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import traitlets

from iamlab.i18n import _, text_table
from iamlab.notices import closed_notice
from iamlab.widgets.explain import closed_html, is_allowed, result_of, summary


@dataclass(frozen=True)
class Column:
    label: str
    action: str
    resource: str = "*"


def article_principals(lab, article, other_user: str = "minji") -> list[tuple[str, str]]:
    return [
        (f"user/{article.user_name}", article.user_arn),
        (f"user/{other_user}", f"arn:aws:iam::{lab.account_id}:user/{other_user}"),
        (f"role/{article.role_name}", article.role_arn),
    ]


def article_columns(article) -> list[Column]:
    bucket = f"arn:aws:s3:::{article.bucket}"
    return [
        Column("sts:AssumeRole", "sts:AssumeRole", article.role_arn),
        Column("s3:ListAllMyBuckets", "s3:ListAllMyBuckets"),
        Column("s3:ListBucket", "s3:ListBucket", bucket),
        Column("s3:PutObject", "s3:PutObject", f"{bucket}/*"),
    ]


class AccessMatrix(widgets.VBox):
    """Principals (rows) × actions (columns), allowed or denied, with a picker to explain one cell.

    Call `watch(widget, ...)` with widgets that have a `revision` trait (the trust toggle, the
    policy editor) to recompute after each of their changes; `decision` holds the picked cell's.
    """

    decision = traitlets.Any(None, allow_none=True)

    def __init__(self, lab, principals, columns, *, watch=()):
        self.lab = lab
        self.principals = list(principals)
        self.columns = list(columns)
        self.decisions: dict[tuple[str, str], object] = {}
        self.table = widgets.HTML()
        self.table.add_class("iamlab-matrix")
        options = [(f"{p} × {c.label}", (p, c.label)) for p, _arn in self.principals for c in self.columns]
        self.picker = widgets.Dropdown(
            options=options, description=_("Why?"), layout=widgets.Layout(width="34em")
        )
        self.picker.add_class("iamlab-matrix-picker")
        self.picker.observe(lambda _: self._pick(), "value")
        self.refresh_button = widgets.Button(description=_("Refresh"), icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__([self.table, widgets.HBox([self.picker, self.refresh_button])])
        for source in watch:
            self.watch(source)
        self.refresh()

    def watch(self, source) -> None:
        source.observe(lambda _: self.refresh(), "revision")

    def refresh(self) -> None:
        """Ask the engine about every cell again (a few ms each; no request is performed)."""
        if self.lab.closed:  # the lab's IAM is gone: say so instead of showing stale answers
            self.table.value = closed_html()
            return
        self.decisions = {
            (p, c.label): self._check(arn, c) for p, arn in self.principals for c in self.columns
        }
        self.table.value = self.to_html()
        self._pick()

    def _check(self, arn: str, column: Column):
        """The engine's Decision, or None when the principal does not exist (yet) in the lab."""
        try:
            return self.lab.check(arn, column.action, column.resource)
        except Exception:  # IAM has no such user or role: not a denial, and not the learner's fault
            return None

    def _mark(self, principal: str, column: str) -> tuple[str, str]:
        """(css kind, the word shown): allow, deny, or missing (no such principal)."""
        decision = self.decisions[(principal, column)]
        if decision is None:
            return "missing", _("no such principal")
        return ("allow", _("allow")) if is_allowed(decision) else ("deny", _("deny"))

    def _pick(self) -> None:
        if self.picker.value is not None:
            self.decision = self.decisions.get(self.picker.value)

    def allowed(self, principal: str, column: str) -> bool:
        decision = self.decisions[(principal, column)]
        return decision is not None and is_allowed(decision)

    def rows(self) -> list[tuple[str, ...]]:
        return [(p, *(self._mark(p, c.label)[1] for c in self.columns)) for p, _arn in self.principals]

    def to_html(self) -> str:
        head = "".join(
            f"<th style='padding:2px 8px;text-align:center'>{html.escape(c.label)}</th>" for c in self.columns
        )
        body = []
        for p, _arn in self.principals:
            cells = []
            for c in self.columns:
                d = self.decisions[(p, c.label)]
                kind, word = self._mark(p, c.label)
                sign, color = {
                    "allow": ("✔", "#1a7f37"),
                    "deny": ("✖", "#cf222e"),
                    "missing": ("—", "#57606a"),
                }[kind]
                title = (
                    summary(d) if d is not None else _("{principal} does not exist (yet)").format(principal=p)
                )
                cells.append(
                    f"<td class='iamlab-cell iamlab-cell-{kind}' "
                    f"data-result='{result_of(d) if d is not None else ''}' title='{html.escape(title)}' "
                    f"style='color:{color};padding:2px 8px;text-align:center'>"
                    f"{sign} {html.escape(word)}</td>"
                )
            body.append(
                f"<tr><th style='text-align:left;padding:2px 8px'>{html.escape(p)}</th>{''.join(cells)}</tr>"
            )
        return f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"

    def snapshot(self) -> Snapshot:
        """The matrix as it stands, for a lesson cell: a table in the notebook, text in a terminal."""
        return Snapshot(repr(self), closed_html() if self.lab.closed else self.to_html())

    def __repr__(self) -> str:
        if self.lab.closed:
            return closed_notice()
        return text_table([("", *(c.label for c in self.columns)), *self.rows()])


@dataclass(frozen=True)
class Snapshot:
    """A matrix at one moment. JupyterLab shows it as an HTML table: in its output font Hangul is
    narrower than two Latin letters, so no padding of the text form lines up there."""

    text: str
    html: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.html
