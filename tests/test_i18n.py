"""The Korean catalog: complete, faithful to each message's placeholders, and compiled as committed.

Korean learners must never meet an English sentence that iamlab wrote, so every message the
source marks for translation needs a Korean one; a translation that drops or renames a
placeholder would raise (or print the wrong value) only when that message is shown.
"""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir  # Babel: a dev dependency (pyproject's `dev` extra)
from babel.messages.pofile import read_po

import iamlab
from iamlab import i18n

SOURCE = Path(i18n.__file__).parent
PO = SOURCE / "locale" / "ko" / "LC_MESSAGES" / "iamlab.po"
MO = PO.with_suffix(".mo")


def korean_catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="ko")


def source_messages() -> set:
    """Every msgid the source marks (`_`, `N_`, `ngettext`), as pybabel extract would find them."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")]
    ):
        found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def placeholders(text: str) -> set[str]:
    return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field is not None}


def test_every_source_message_is_in_the_korean_catalog():
    catalog = korean_catalog()
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
    missing = source_messages() - ids
    assert not missing, f"run pybabel extract/update and translate: {sorted(map(str, missing))}"


def test_every_message_has_a_korean_translation_and_none_is_fuzzy():
    catalog = korean_catalog()
    assert not catalog.fuzzy
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []


def test_translations_keep_every_placeholder():
    for m in korean_catalog():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        expected = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            assert placeholders(text) == expected, f"{m.id!r} -> {text!r}"


def test_the_committed_mo_is_compiled_from_the_po():
    """CI installs with `pip install -e .`, so the .mo in the source tree is what learners load."""
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    expected = {}
    for m in korean_catalog():
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            for n, text in enumerate(m.string):
                expected[(m.id[0], n)] = text
        else:
            expected[m.id] = m.string
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == expected, "run: pybabel compile -d src/iamlab/locale -D iamlab"


def test_set_language_switches_every_message_and_refuses_unknown_languages():
    try:
        iamlab.set_language("ko")
        assert i18n.language() == "ko"
        assert i18n._("Assume role") == "역할 수임"
        assert i18n.ngettext("Not yet: {n} thing to fix.", "Not yet: {n} things to fix.", 2).format(n=2) == (
            "아직입니다. 고칠 것이 2개 남았습니다."
        )
        iamlab.set_language("en")
        assert i18n._("Assume role") == "Assume role"
        assert i18n.ngettext("Not yet: {n} thing to fix.", "Not yet: {n} things to fix.", 1) == (
            "Not yet: {n} thing to fix."
        )
        with pytest.raises(ValueError):
            iamlab.set_language("fr")
    finally:
        iamlab.set_language("en")


def test_display_width_counts_hangul_as_two_columns():
    assert i18n.display_width("역할 role") == 9
    assert i18n.pad("역할", 6) == "역할  "
