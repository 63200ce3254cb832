"""The language iamlab speaks to a learner: English or Korean, from gettext catalogs.

Everything a learner reads that iamlab itself writes (widget labels, exercise feedback,
the engine's explanations, the lab's notices) goes through `_()`. AWS's own messages
never do: they stay verbatim, as AWS prints them. Catalogs live in `iamlab/locale`.
A lesson picks its language with one call in its first cell: `iamlab.set_language("ko")`.
"""

from __future__ import annotations

import gettext
import os
import unicodedata
from pathlib import Path

DOMAIN = "iamlab"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "ko")

_state = {"language": "en", "catalog": gettext.NullTranslations()}


def set_language(code: str) -> None:
    """Speak `code` ("en" or "ko") from now on, in this kernel."""
    if code not in LANGUAGES:
        raise ValueError(f"iamlab speaks {', '.join(LANGUAGES)}, not {code!r}")
    _state["language"] = code
    _state["catalog"] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def language_of_environment(environ=os.environ) -> str:
    """The language a terminal asks for, as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG):
    "ko" for a Korean locale such as ko_KR.UTF-8, else "en"."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            return "ko" if value.split(":")[0].lower().startswith("ko") else "en"
    return "en"


def language() -> str:
    """The language iamlab speaks now."""
    return _state["language"]


def _(message: str) -> str:
    """`message` in the current language (English source text is the message id)."""
    return _state["catalog"].gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _state["catalog"].ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now (module constants, engine data);
    the presentation translates it with `_()` when it shows it."""
    return message


def display_width(text: str) -> int:
    """Columns `text` takes in a monospace font: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` columns (str.ljust counts Hangul as one)."""
    return text + " " * max(0, width - display_width(text))


def text_table(rows) -> str:
    """`rows` (the first one the headings) as a plain-text table for a terminal, each column padded by
    display width, so every line is equally wide. A browser draws Hangul from a fallback font whose
    width is no multiple of the monospace font's, so notebooks show such tables as HTML instead."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows)
