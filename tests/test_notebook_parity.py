"""Every English lesson has a Korean twin with the same code cells and outputs of the same shape.

The two languages differ only in prose and in the language each lesson asks iamlab to speak
(`iamlab.set_language("ko")` or `"en"` in its first cell): a learner switching language mid-course
finds the same cells in the same order, and a fix to one notebook's code must be made to both.
What iamlab prints differs in language, so outputs are compared by structure (how many outputs
each cell has, and of which kinds), never by text.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ENGLISH = sorted(p.name for p in (NOTEBOOKS / "en").glob("*.ipynb"))
MAX_CELL_LINES = 5
LANGUAGE = re.compile(r"""set_language\((["'])(en|ko)\1\)""")


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def without_language(source: str) -> str:
    return LANGUAGE.sub('set_language("…")', source)


def shape(outputs) -> list[tuple]:
    """Each output's kind: a stream's name (chunks of one stream count once), a result's MIME types."""
    kept: list[tuple] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            entry = ("stream", output.get("name"))
            if kept and kept[-1] == entry:
                continue  # a stream arrives in chunks that split differently from run to run
        elif kind == "error":
            entry = ("error", output.get("ename"))
        else:
            entry = (kind, tuple(sorted(output.get("data", {}))))
        kept.append(entry)
    return kept


def test_there_are_lessons():
    assert ENGLISH, "no notebooks in notebooks/en"


def test_every_korean_lesson_has_an_english_twin():
    assert sorted(p.name for p in (NOTEBOOKS / "ko").glob("*.ipynb")) == ENGLISH


@pytest.mark.parametrize("name", ENGLISH)
def test_identical_code_cells_but_for_the_language(name):
    en, ko = code_cells(NOTEBOOKS / "en" / name), code_cells(NOTEBOOKS / "ko" / name)
    assert [without_language(c.source) for c in en] == [without_language(c.source) for c in ko]


@pytest.mark.parametrize("name", ENGLISH)
def test_each_lesson_speaks_its_folders_language(name):
    for language in ("en", "ko"):
        sources = [c.source for c in code_cells(NOTEBOOKS / language / name)]
        if not sources:
            continue  # a markdown-only page (glossary, index)
        spoken = [m.group(2) for s in sources for m in LANGUAGE.finditer(s)]
        assert spoken == [language], f"{language}/{name} must call iamlab.set_language({language!r}) once"
        assert LANGUAGE.search(sources[0]), f"{language}/{name}: set_language belongs in the first code cell"


@pytest.mark.parametrize("name", ENGLISH)
def test_outputs_have_the_same_shape(name):
    en, ko = code_cells(NOTEBOOKS / "en" / name), code_cells(NOTEBOOKS / "ko" / name)
    for index, (a, b) in enumerate(zip(en, ko, strict=True)):
        assert shape(a.outputs) == shape(b.outputs), f"{name}: outputs of code cell {index} differ in shape"


@pytest.mark.parametrize("name", ENGLISH)
def test_cells_are_short(name):
    long = [
        c.source for c in code_cells(NOTEBOOKS / "en" / name) if len(c.source.splitlines()) > MAX_CELL_LINES
    ]
    assert not long, f"cells longer than {MAX_CELL_LINES} lines: {long}"


def test_the_normalisation_sees_only_the_language():
    """The check above must still catch a real difference in code, not only pass by normalising."""
    assert without_language('import iamlab; iamlab.set_language("ko")') == without_language(
        "import iamlab; iamlab.set_language('en')"
    )
    assert without_language('set_language("ko")\nlab = Lab()') != without_language('set_language("en")\nx')
    assert shape([{"output_type": "stream", "name": "stdout", "text": "a"}] * 2) == [("stream", "stdout")]
    assert shape([{"output_type": "execute_result", "data": {"text/plain": "x"}}]) != shape(
        [{"output_type": "display_data", "data": {"text/plain": "x"}}]
    )
