"""Lessons survive what learners do: Restart & Run All twice, and running any cell a second time.

Runs the English notebooks only (the Korean ones have the same code cells, see
test_notebook_parity.py). A cell "fails" if it leaves an error output (a traceback).
No lesson closes its lab: they end with `finish(lab)`, which keeps it open until the kernel
stops, so that Run All leaves the widgets and exercises above a lab to talk to.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks" / "en"
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))  # 00 to 12, not index or glossary
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
        for i in code:
            runner.execute_cell(nb.cells[i], i)
        assert errors(nb) == [], f"{name}: {errors(nb)}"
        for i in code:
            runner.execute_cell(nb.cells[i], i)
            assert errors(nb) == [], f"{name}: re-running cell {i}: {errors(nb)}"
        for i in code:  # Run All again
            runner.execute_cell(nb.cells[i], i)
        assert errors(nb) == [], f"{name}: {errors(nb)}"


@pytest.mark.parametrize("name", LESSONS)
def test_no_lesson_closes_its_lab(name):
    """Run All runs every cell, the last one too: a `lab.close()` there would leave the widgets and the
    exercise above it answering with a closed lab when the learner comes back to them."""
    sources = [c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells if c.cell_type == "code"]
    assert not any(CLOSE in source for source in sources), f"{name} closes its lab: end it with finish(lab)"
