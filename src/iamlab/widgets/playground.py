"""The playground: trust toggle, policy editor, access matrix and "why" panel, wired together.

Each part is useful alone; together they close the loop the lessons teach: change a
policy -> the matrix recomputes -> try the request -> see where in the flow it was decided.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from iamlab.i18n import _
from iamlab.widgets.editor import PolicyEditor
from iamlab.widgets.matrix import AccessMatrix, article_columns, article_principals
from iamlab.widgets.trust import TrustToggle
from iamlab.widgets.why import WhyPanel


def _section(title: str, body) -> widgets.VBox:
    return widgets.VBox([widgets.HTML(f"<h3 style='margin:12px 0 4px'>{html.escape(title)}</h3>"), body])


class Playground(widgets.VBox):
    def __init__(self, lab, article):
        lab.require_open()
        self.lab = lab
        self.toggle = TrustToggle(lab, article)
        self.editor = PolicyEditor(lab, article.user_name)
        self.matrix = AccessMatrix(
            lab, article_principals(lab, article), article_columns(article), watch=(self.toggle, self.editor)
        )
        self.why = WhyPanel()
        self.editor.observe(lambda _change: self.toggle.retry(), "revision")  # jonnung's policy changed
        self.toggle.observe(lambda change: self.why.show(change.new), "decision")
        self.matrix.observe(lambda change: self.why.show(change.new), "decision")
        super().__init__(
            [
                _section(_("1. Who may assume the role? (trust policy)"), self.toggle),
                _section(
                    _("2. What may {user} do on its own? (identity-based policy)").format(
                        user=article.user_name
                    ),
                    self.editor,
                ),
                _section(_("3. Who may do what, right now"), self.matrix),
                _section(_("4. Why? The evaluation flow of the last decision"), self.why),
            ]
        )
        self.add_class("iamlab-playground")

    def __repr__(self) -> str:
        return f"Playground(role={self.toggle.article.role_name!r}, user={self.editor.user_name!r})"
