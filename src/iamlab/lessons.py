"""Small helpers that keep lesson cells short and forgiving.

A learner may run cells out of order (step 5 before step 4). These helpers explain
what went wrong in a sentence instead of raising a traceback.
"""

from __future__ import annotations

import atexit
import json
from dataclasses import dataclass

from iamlab.i18n import _
from iamlab.lab.article import trust_policy
from iamlab.notices import closed_notice

__all__ = ["Credentials", "finish", "session_credentials", "trust_policy"]


@dataclass(frozen=True)
class Credentials:
    access_key_id: str = ""
    secret_access_key: str = ""
    session_token: str = ""
    expiration: str = ""

    def __bool__(self) -> bool:
        return bool(self.access_key_id)


def session_credentials(cli_output) -> Credentials:
    """The Credentials in `aws sts assume-role` output, or empty ones and a note on what failed."""
    text = cli_output.n if hasattr(cli_output, "n") else str(cli_output)
    try:
        found = json.loads(text)["Credentials"]
    except (ValueError, KeyError, TypeError):
        print(_("assume-role did not return credentials, so there is nothing to export yet:"))
        print("  " + (text.strip().splitlines() or [_("(no output)")])[-1])
        print(
            _("Hint: the error above says why. Fix what it names (often the trust policy), then run again.")
        )
        return Credentials()
    return Credentials(
        found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"], found["Expiration"]
    )


def finish(lab) -> None:
    """The last cell of a lesson: end it *without* closing the lab, so Run All keeps the widgets alive.

    `Run All` runs this cell too; a `lab.close()` here would leave every widget above answering
    with errors. The lab is closed instead when the kernel stops, or when the next lesson's
    `Lab()` starts (one lab per kernel), so nothing keeps running after the learner leaves.
    """
    if lab.closed:
        print(closed_notice())
        return
    atexit.register(lab.close)
    print(
        _(
            "End of the lesson. The lab stays open, so the cells and exercises above keep working; "
            "it closes when this kernel stops or when the next lesson starts."
        )
    )
