"""Every English lesson has a Korean twin with the same code cells (and so the same outputs).

The two languages differ only in prose: a learner switching language mid-course finds the
same cells in the same order, and a fix to one notebook's code must be made to both.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ENGLISH = sorted(p.name for p in (NOTEBOOKS / "en").glob("*.ipynb"))
MAX_CELL_LINES = 5


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def comparable(outputs) -> list:
    """Outputs without what legitimately differs between runs (execution counts, widget model ids)."""
    kept = []
    for output in outputs:
        if output.get("output_type") == "stream" and kept and kept[-1][:2] == ("stream", output.get("name")):
            kept[-1] = ("stream", output.get("name"), kept[-1][2] + output.get("text", ""), {})
            continue  # a stream arrives in chunks that split differently from run to run
        data = {
            k: v for k, v in output.get("data", {}).items() if k != "application/vnd.jupyter.widget-view+json"
        }
        kept.append((output.get("output_type"), output.get("name"), output.get("text"), data))
    return kept


def test_there_are_lessons():
    assert ENGLISH, "no notebooks in notebooks/en"


def test_every_korean_lesson_has_an_english_twin():
    assert sorted(p.name for p in (NOTEBOOKS / "ko").glob("*.ipynb")) == ENGLISH


@pytest.mark.parametrize("name", ENGLISH)
def test_identical_code_cells_and_outputs(name):
    en, ko = code_cells(NOTEBOOKS / "en" / name), code_cells(NOTEBOOKS / "ko" / name)
    assert [c.source for c in en] == [c.source for c in ko]
    for index, (a, b) in enumerate(zip(en, ko, strict=True)):
        assert comparable(a.outputs) == comparable(b.outputs), f"{name}: outputs of code cell {index} differ"


@pytest.mark.parametrize("name", ENGLISH)
def test_cells_are_short(name):
    long = [
        c.source for c in code_cells(NOTEBOOKS / "en" / name) if len(c.source.splitlines()) > MAX_CELL_LINES
    ]
    assert not long, f"cells longer than {MAX_CELL_LINES} lines: {long}"
