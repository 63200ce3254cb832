"""Condition operators: AND across operators and keys, OR across values; missing keys."""

import pytest

from tests.policy.helpers import allow, deny, result


def when(operator, key, values, context, *, effect="Allow"):
    statement = (allow if effect == "Allow" else deny)("*", "*", Condition={operator: {key: values}})
    return (
        result(statement, context=context)
        if effect == "Allow"
        else result(allow(), statement, context=context)
    )


@pytest.mark.parametrize(
    "operator, policy, request_value, expected",
    [
        ("StringEquals", "dev", "dev", True),
        ("StringEquals", "dev", "Dev", False),
        ("StringNotEquals", "dev", "prod", True),
        ("StringEqualsIgnoreCase", "dev", "DEV", True),
        ("StringNotEqualsIgnoreCase", "dev", "DEV", False),
        ("StringLike", "home/*", "home/jonnung/x", True),
        ("StringLike", "h?me", "home", True),
        ("StringNotLike", "home/*", "tmp/x", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", "10", "11", True),
        ("NumericEquals", "10", "ten", False),
        ("DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", True),
        ("DateGreaterThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", False),
        ("DateEquals", "2024-01-01T00:00:00Z", "1704067200", True),  # epoch seconds
        ("DateGreaterThanEquals", "1704067200", "2024-01-01T00:00:00+00:00", True),
        ("DateNotEquals", "2024-01-01", "2024-01-02", True),
        ("DateLessThanEquals", "2024-01-01T09:00:00+09:00", "2024-01-01T00:00:00Z", True),
        ("Bool", "true", "true", True),
        ("Bool", "true", "TRUE", True),
        ("Bool", "true", "false", False),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
        ("BinaryEquals", "QmluYXJ5", "T3RoZXI=", False),
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.7", False),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", "2001:db8::/32", "2001:db8:1234::1", True),
        ("IpAddress", "2001:db8::/32", "203.0.113.7", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.7", True),
        ("ArnEquals", "arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/Admin", True),
        ("ArnLike", "arn:aws:sns:*:*:topic-*", "arn:aws:sns:eu-west-1:111122223333:topic-a", True),
        ("ArnLike", "arn:aws:sns:*:*:topic-*", "not-an-arn", False),
        ("ArnNotLike", "arn:aws:iam::*:role/Admin", "arn:aws:iam::111122223333:role/Other", True),
    ],
)
def test_operators(operator, policy, request_value, expected):
    assert when(operator, "aws:SomeKey", policy, {"aws:SomeKey": request_value}) == (
        "Allowed" if expected else "ImplicitlyDenied"
    )


@pytest.mark.parametrize(
    "operator, holds_when_missing",
    [
        ("StringEquals", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("NumericNotEquals", True),
        ("NotIpAddress", True),
        ("ArnNotLike", True),
        ("StringEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAnyValue:StringNotEquals", False),
    ],
)
def test_missing_keys(operator, holds_when_missing):
    assert when(operator, "aws:Absent", "1", {}) == ("Allowed" if holds_when_missing else "ImplicitlyDenied")


def test_if_exists_still_compares_a_present_key():
    assert when("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", {"ec2:InstanceType": "m5.large"}) == (
        "ImplicitlyDenied"
    )


def test_null_checks_presence():
    assert when("Null", "aws:TokenIssueTime", "true", {}) == "Allowed"
    assert when("Null", "aws:TokenIssueTime", "true", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}) == (
        "ImplicitlyDenied"
    )
    assert when("Null", "aws:TokenIssueTime", "false", {"aws:TokenIssueTime": "x"}) == "Allowed"


class TestMultivaluedKeys:
    def test_for_all_values_every_request_value_must_be_allowed(self):
        assert when(
            "ForAllValues:StringEquals", "aws:TagKeys", ["team", "env"], {"aws:TagKeys": ["team"]}
        ) == ("Allowed")
        assert when(
            "ForAllValues:StringEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": ["team", "cost"]}
        ) == ("ImplicitlyDenied")
        assert when("ForAllValues:StringEquals", "aws:TagKeys", ["team"], {"aws:TagKeys": []}) == "Allowed"

    def test_for_any_value_one_match_is_enough(self):
        assert when(
            "ForAnyValue:StringEquals", "aws:TagKeys", ["cost"], {"aws:TagKeys": ["team", "cost"]}
        ) == ("Allowed")
        assert (
            when("ForAnyValue:StringEquals", "aws:TagKeys", ["cost"], {"aws:TagKeys": []})
            == "ImplicitlyDenied"
        )

    def test_negated_set_operators(self):
        assert when(
            "ForAllValues:StringNotEquals", "aws:TagKeys", ["secret"], {"aws:TagKeys": ["a", "b"]}
        ) == ("Allowed")
        assert (
            when("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], {"aws:TagKeys": ["a", "b"]})
            == "Allowed"
        )
        assert when("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], {"aws:TagKeys": ["a"]}) == (
            "ImplicitlyDenied"
        )

    def test_for_all_values_on_a_single_valued_key(self):
        assert when(
            "ForAllValues:StringEquals", "aws:PrincipalOrgID", ["o-1", "o-2"], {"aws:PrincipalOrgID": "o-2"}
        ) == ("Allowed")
        assert when(
            "ForAllValues:StringEquals", "aws:PrincipalOrgID", ["o-1"], {"aws:PrincipalOrgID": "o-3"}
        ) == ("ImplicitlyDenied")


def test_values_are_ored_keys_and_operators_anded():
    condition = {
        "StringEquals": {"aws:PrincipalTag/team": ["blue", "green"], "aws:RequestedRegion": "eu-west-1"},
        "Bool": {"aws:SecureTransport": "true"},
    }
    good = {"aws:PrincipalTag/team": "green", "aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": True}
    assert result(allow(Condition=condition), context=good) == "Allowed"
    for key in good:
        assert result(allow(Condition=condition), context={k: v for k, v in good.items() if k != key}) == (
            "ImplicitlyDenied"
        )
    assert result(allow(Condition=condition), context={**good, "aws:RequestedRegion": "us-east-1"}) == (
        "ImplicitlyDenied"
    )


def test_key_names_are_case_insensitive():
    assert (
        when("StringEquals", "AWS:PRINCIPALTAG/Team", "blue", {"aws:principaltag/team": "blue"}) == "Allowed"
    )


def test_negated_operator_in_a_deny_with_a_missing_key_denies():
    assert when("StringNotEquals", "aws:PrincipalOrgID", "o-1", {}, effect="Deny") == "ExplicitlyDenied"
    assert when(
        "StringNotEquals", "aws:PrincipalOrgID", "o-1", {"aws:PrincipalOrgID": "o-1"}, effect="Deny"
    ) == ("Allowed")


def test_unknown_operator_never_holds():
    assert when("StringSortOfEquals", "aws:SomeKey", "x", {"aws:SomeKey": "x"}) == "ImplicitlyDenied"


def test_numbers_and_booleans_in_context_and_policy():
    assert when("NumericLessThan", "s3:max-keys", 10, {"s3:max-keys": 5}) == "Allowed"
    assert when("Bool", "aws:MultiFactorAuthPresent", True, {"aws:MultiFactorAuthPresent": True}) == "Allowed"
