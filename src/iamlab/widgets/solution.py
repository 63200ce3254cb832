"""A collapsed solution: a button that reveals an exercise's answer only when pressed.

Stored notebooks must never contain an answer. The button's output area stays empty until
the learner presses it, so a notebook saved after Run All holds the button, not the answer.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from iamlab.i18n import _


class SolutionButton(widgets.VBox):
    """“Show solution” / “Hide solution” over an initially empty area."""

    def __init__(self, solution: str):
        self._solution = solution
        self.button = widgets.Button(description=_("Show solution"), icon="eye")
        self.button.add_class("iamlab-show-solution")
        self.button.on_click(lambda _click: self.toggle())
        self.answer = widgets.HTML("")
        self.answer.add_class("iamlab-solution")
        super().__init__([self.button, self.answer])

    @property
    def shown(self) -> bool:
        return bool(self.answer.value)

    def toggle(self) -> None:
        if self.shown:
            self.answer.value = ""
            self.button.description = _("Show solution")
        else:
            self.answer.value = f"<pre style='white-space:pre-wrap'>{html.escape(self._solution)}</pre>"
            self.button.description = _("Hide solution")

    def __repr__(self) -> str:
        return _("(a button that shows the solution when pressed)")
