"""Lessons survive what learners do: Restart & Run All twice, and running any cell a second time.

Runs the English notebooks only (the Korean ones have the same code cells, see
test_notebook_parity.py). A cell "fails" if it leaves an error output (a traceback).
Lessons without widgets end with `lab.close()`; lessons with live widgets (06, 07) have no
close cell (at most `finish(lab)`, which keeps the lab open), so that Run All leaves their
widgets a lab to talk to.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks" / "en"
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))  # 00 to 11, not index or glossary
CLOSE = "lab.close()"


def errors(nb) -> list[str]:
    return [
        f"cell {i}: {o.ename}: {o.evalue}"
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]


def client(nb) -> NotebookClient:
    return NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )


@pytest.mark.parametrize("name", LESSONS)
def test_rerun_each_cell_then_run_all_again_in_the_same_kernel(name):
    """Run all, run each cell a second time, then Run All again (its first cell replaces the previous lab)."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    runner = client(nb)
    with runner.setup_kernel():
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        body = [i for i in code if nb.cells[i].source.strip() != CLOSE]  # the cells that need the lab
        close = [i for i in code if i not in body]
        for i in body:
            runner.execute_cell(nb.cells[i], i)
        assert errors(nb) == [], f"{name}: {errors(nb)}"
        for i in body:
            runner.execute_cell(nb.cells[i], i)
            assert errors(nb) == [], f"{name}: re-running cell {i}: {errors(nb)}"
        for i in [*code, *close]:  # Run All again, then lab.close() (if any) a second time
            runner.execute_cell(nb.cells[i], i)
        assert errors(nb) == [], f"{name}: {errors(nb)}"


WIDGETS = ("Playground(", "TrustToggle(", "PolicyEditor(", "AccessMatrix(", "WhyPanel(", "FlowDiagram(")


@pytest.mark.parametrize("name", LESSONS)
def test_a_lesson_with_live_widgets_never_closes_its_lab(name):
    """Run All runs every cell: a `lab.close()` cell would leave the widgets above it with a closed lab."""
    sources = [c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells if c.cell_type == "code"]
    if any(widget in source for source in sources for widget in WIDGETS):
        closes = any(CLOSE in source for source in sources)
        assert not closes, f"{name} shows widgets, then closes its lab (end it with finish(lab) instead)"
