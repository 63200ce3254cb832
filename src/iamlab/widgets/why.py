"""The "why" panel: the evaluation flow of one decision next to its explanation in words.

A denial is only useful if the learner can see *where* in AWS's evaluation it was
decided and *what to change*. The panel shows the flowchart with the path lit up and,
below it, AWS's message, the engine's reason, the deciding statements and the fix hint.
"""

from __future__ import annotations

import ipywidgets as widgets

from iamlab.i18n import _
from iamlab.widgets.explain import explanation_html, summary
from iamlab.widgets.flow import FlowDiagram


class WhyPanel(widgets.VBox):
    def __init__(self, decision=None):
        self.decision = decision
        self.diagram = FlowDiagram(decision)
        self.words = widgets.HTML()
        self.words.add_class("iamlab-why")
        super().__init__([self.diagram, self.words])
        self.show(decision)

    def show(self, decision) -> None:
        self.decision = decision
        self.diagram.show(decision)
        self.words.value = "" if decision is None else explanation_html(decision)

    def __repr__(self) -> str:
        return "WhyPanel(" + (_("no request yet") if self.decision is None else summary(self.decision)) + ")"
