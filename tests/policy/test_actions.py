"""Action / NotAction: `service:name`, case-insensitive, with `*` and `?` wildcards."""

import pytest

from tests.policy.helpers import allow, result


@pytest.mark.parametrize(
    "pattern, action, expected",
    [
        ("s3:GetObject", "s3:GetObject", "Allowed"),
        ("S3:getobject", "s3:GetObject", "Allowed"),  # names are case-insensitive
        ("s3:Get*", "s3:GetObjectAcl", "Allowed"),
        ("s3:*Object", "s3:PutObject", "Allowed"),
        ("s3:?etObject", "s3:GetObject", "Allowed"),
        ("s3:?etObject", "s3:GeetObject", "ImplicitlyDenied"),  # ? is exactly one character
        ("*", "ec2:RunInstances", "Allowed"),
        ("s3:Get*", "s3:PutObject", "ImplicitlyDenied"),
        ("s3:GetObject", "s3:GetObjectAcl", "ImplicitlyDenied"),  # no implicit prefix match
        ("ec2:GetObject", "s3:GetObject", "ImplicitlyDenied"),  # the service must match too
        ("GetObject", "s3:GetObject", "ImplicitlyDenied"),  # no vendor: never matches
    ],
)
def test_action_patterns(pattern, action, expected):
    assert result(allow(pattern), action=action) == expected


def test_any_action_in_a_list_is_enough():
    assert result(allow(["ec2:*", "s3:GetObject"])) == "Allowed"


@pytest.mark.parametrize("pattern", ["s3:GetObject,PutObject", "s3:Get*,Put*", "s3:GetObject,"])
def test_commas_are_not_list_separators(pattern):
    """A comma inside one string is part of the name, and no action has one."""
    assert result(allow(pattern)) == "ImplicitlyDenied"
    assert result(allow(pattern), action="s3:PutObject") == "ImplicitlyDenied"


def test_notaction_allows_everything_but_the_listed_actions():
    statement = {"Effect": "Allow", "NotAction": ["iam:*", "s3:Delete*"], "Resource": "*"}
    assert result(statement, action="s3:GetObject") == "Allowed"
    assert result(statement, action="s3:DeleteObject") == "ImplicitlyDenied"
    assert result(statement, action="IAM:CreateUser") == "ImplicitlyDenied"


def test_deny_with_notaction_denies_everything_else():
    statement = {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}
    assert result(allow(), statement, action="s3:PutObject") == "ExplicitlyDenied"
    assert result(allow(), statement, action="s3:GetObject") == "Allowed"


def test_action_and_notaction_together_never_match():
    statement = {"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}
    assert result(statement) == "ImplicitlyDenied"
