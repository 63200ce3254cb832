"""Notices iamlab itself gives a learner, shared by the lab, the widgets and the lesson helpers."""

from __future__ import annotations

from iamlab.i18n import _


def closed_notice() -> str:
    """The plain cause and the fix, for anything used after its lab was closed."""
    return _("This lab is closed: run the lesson from its first cell again.")
