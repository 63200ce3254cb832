"""The nbval sanitizers make what two labs print identical: lessons stay byte-stable under `make test`
although every lab has fresh keys and the lab clock runs at real time."""

import json
import re
from pathlib import Path

from nbval.plugin import get_sanitize_patterns

from iamlab.lab.article import trust_policy
from tests.conftest import run_aws

SANITIZE = Path(__file__).parents[1] / "notebooks" / "nbval_sanitize.cfg"
ASSUME = (
    "sts",
    "assume-role",
    "--profile",
    "jonnung",
    "--role-session-name",
    "jonnung-s3-role",
    "--role-arn",
)


def sanitize(text: str) -> str:
    for regex, replace in get_sanitize_patterns(SANITIZE.read_text()):
        text = re.sub(regex, replace, text)
    return text


def _what_a_lesson_prints(advance_seconds: int) -> str:
    """Outputs lessons print that depend on keys and time: repr, CLI JSON, `aws s3 ls`, the journal."""
    from iamlab import Lab

    with Lab() as lab:
        lab.clock.advance(seconds=advance_seconds)
        article = lab.setup_article(step=2)
        admin_iam = lab.admin_session().client("iam")
        admin_iam.update_assume_role_policy(
            RoleName=article.role_name, PolicyDocument=json.dumps(trust_policy(aws=article.user_arn))
        )
        env = lab.env()
        _, identity, _ = run_aws(env, "sts", "get-caller-identity")
        _, assumed, err = run_aws(env, *ASSUME, article.role_arn)
        credentials = json.loads(assumed)["Credentials"]
        exports = "\n".join(
            f"env: AWS_{name}={credentials[key]}"
            for name, key in (("ACCESS_KEY_ID", "AccessKeyId"), ("SECRET_ACCESS_KEY", "SecretAccessKey"))
        )
        _, listing, _ = run_aws(env, "s3", "ls")
        printed = [
            repr(article),
            identity,
            assumed,
            exports,
            listing,
            f"lab time: {lab.clock.advance(hours=1)}",
        ]
        return "\n".join(printed) + str(lab.journal.table(last=4))


def test_two_labs_print_the_same_once_sanitized():
    first, second = _what_a_lesson_prints(0), _what_a_lesson_prints(3661)
    assert first != second
    assert sanitize(first) == sanitize(second)
    assert "<secret-access-key>" in sanitize(first) and "ASIA<id>" in sanitize(first)
