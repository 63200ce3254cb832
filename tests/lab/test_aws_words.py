"""The table of AWS's words is complete and self-consistent: every word the lab says exists."""

import pathlib
import re

import pytest

from iamlab.lab.iam_api.constraints import _matcher, check_request
from iamlab.lab.iam_api.words import STATUS, UNCONFIRMED, WORDS, say
from iamlab.lab.wire.errors import AWSError

SOURCE = pathlib.Path(__file__).parents[2] / "src" / "iamlab"


def test_every_word_said_in_the_source_is_in_the_table():
    said = set()
    for path in SOURCE.rglob("*.py"):
        said |= set(re.findall(r'say\(\s*"(\w+)"', path.read_text()))
    assert said and said <= set(WORDS), said - set(WORDS)
    # Words named by entity kind (rules.py): an inline policy missing, a rename onto an existing name.
    for kind in ("user", "role", "group"):
        assert f"no_{kind}_policy" in WORDS and f"{kind}_exists" in WORDS


def test_unconfirmed_words_are_words():
    assert UNCONFIRMED <= set(WORDS)


def test_every_word_has_the_status_aws_sends_with_its_code():
    assert {word.code for word in WORDS.values()} <= set(STATUS)
    assert say("no_role", name="x").status == 404 and say("delete_inline").status == 409


@pytest.mark.parametrize(
    "name, accepted",
    [("jonnung", True), ("a.b+c=d,e@f-g_h", True), ("사용자", False), ("über", False), ("a b", False)],
)
def test_iam_names_follow_java_word_characters(name, accepted):
    """IAM API reference, CreateUser: UserName pattern `[\\w+=,.@-]+` (Java: `\\w` is ASCII only)."""
    assert _matcher(r"[\w+=,.@-]+")(name) is accepted


def test_tag_keys_accept_letters_of_any_language():
    """IAM API reference, Tag.Key: pattern `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+`: letters of any script."""
    assert _matcher(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")("팀 이름")
    assert not _matcher(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")("team!")


def test_sts_repeats_the_refused_value_and_iam_does_not():
    with pytest.raises(AWSError) as sts:
        check_request(
            "sts", {"Action": "AssumeRole", "RoleArn": "arn:aws:iam::1:role/r", "RoleSessionName": "a b"}
        )
    with pytest.raises(AWSError) as iam:
        check_request("iam", {"Action": "CreateUser", "UserName": "a b"})
    assert "Value 'a b' at 'roleSessionName'" in sts.value.message
    assert "Value at 'userName'" in iam.value.message
