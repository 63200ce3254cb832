"""Interactive widgets (ipywidgets 8) for the lessons: they act only through the Lab's public API.

- `TrustToggle`   tick the principals a role trusts, then press "Assume role"
- `PolicyEditor`  a user's inline policy as IAM holds it; edit a draft with IAM's validation messages
- `AccessMatrix`  principals × actions, allowed or denied, recomputed on every change (`snapshot()`: a table)
- `FlowDiagram`   AWS's evaluation flow with the last decision's path highlighted
- `WhyPanel`      the diagram plus the explanation in words
- `Playground`    all of them, wired together (lesson 06)
- `SolutionButton` an exercise's solution, revealed only when pressed
"""

from iamlab.widgets.editor import PolicyEditor, validation_messages
from iamlab.widgets.explain import Explanation, explain
from iamlab.widgets.flow import FlowDiagram, FlowView, flow_svg
from iamlab.widgets.matrix import AccessMatrix, Column
from iamlab.widgets.playground import Playground
from iamlab.widgets.solution import SolutionButton
from iamlab.widgets.trust import TrustToggle, trust_document
from iamlab.widgets.why import WhyPanel

__all__ = [
    "AccessMatrix",
    "Column",
    "Explanation",
    "FlowDiagram",
    "FlowView",
    "Playground",
    "PolicyEditor",
    "SolutionButton",
    "TrustToggle",
    "WhyPanel",
    "explain",
    "flow_svg",
    "trust_document",
    "validation_messages",
]
