"""The playground: trust toggle, policy editor, access matrix and "why" panel, wired together.

Each part is useful alone; together they close the loop the lessons teach: change a
policy -> the matrix recomputes -> try the request -> see where in the flow it was decided.
"""

from __future__ import annotations

import ipywidgets as widgets

from iamlab.widgets.editor import PolicyEditor
from iamlab.widgets.matrix import AccessMatrix, article_columns, article_principals
from iamlab.widgets.trust import TrustToggle
from iamlab.widgets.why import WhyPanel


def _section(title: str, body) -> widgets.VBox:
    return widgets.VBox([widgets.HTML(f"<h3 style='margin:12px 0 4px'>{title}</h3>"), body])


class Playground(widgets.VBox):
    def __init__(self, lab, article):
        self.lab = lab
        self.toggle = TrustToggle(lab, article)
        self.editor = PolicyEditor(lab, article.user_name)
        self.matrix = AccessMatrix(
            lab, article_principals(lab, article), article_columns(article), watch=(self.toggle, self.editor)
        )
        self.why = WhyPanel()
        self.toggle.observe(lambda change: self.why.show(change.new), "decision")
        self.matrix.observe(lambda change: self.why.show(change.new), "decision")
        super().__init__(
            [
                _section("1. Who may assume the role? (trust policy)", self.toggle),
                _section("2. What may jonnung do on its own? (identity policy)", self.editor),
                _section("3. Who may do what, right now", self.matrix),
                _section("4. Why? The evaluation flow of the last decision", self.why),
            ]
        )
        self.add_class("iamlab-playground")

    def __repr__(self) -> str:
        return f"Playground(role={self.toggle.article.role_name!r}, user={self.editor.user_name!r})"
