"""Policy variables in Resource and Condition values."""

from tests.policy.helpers import allow, doc, result

HOME = "arn:aws:s3:::home/${aws:username}/*"


def test_variable_in_resource_is_substituted_from_context():
    assert result(
        allow("s3:*", HOME), resource="arn:aws:s3:::home/jonnung/a", context={"aws:username": "jonnung"}
    ) == ("Allowed")
    assert result(
        allow("s3:*", HOME), resource="arn:aws:s3:::home/other/a", context={"aws:username": "jonnung"}
    ) == ("ImplicitlyDenied")


def test_missing_variable_makes_the_statement_not_match():
    assert result(allow("s3:*", HOME), resource="arn:aws:s3:::home//a") == "ImplicitlyDenied"
    assert result(allow("s3:*", HOME), resource="arn:aws:s3:::home/${aws:username}/a") == "ImplicitlyDenied"


def test_default_value_is_used_when_the_key_is_missing():
    statement = allow("s3:*", "arn:aws:s3:::home/${aws:username, 'anonymous'}/*")
    assert result(statement, resource="arn:aws:s3:::home/anonymous/a") == "Allowed"
    assert result(statement, resource="arn:aws:s3:::home/bob/a", context={"aws:username": "bob"}) == "Allowed"


def test_substituted_values_are_literal_not_wildcards():
    statement = allow("s3:*", HOME)
    assert (
        result(statement, resource="arn:aws:s3:::home/x/a", context={"aws:username": "*"})
        == "ImplicitlyDenied"
    )


def test_escape_sequences_stand_for_special_characters():
    assert result(allow("s3:*", "arn:aws:s3:::b/${*}"), resource="arn:aws:s3:::b/*") == "Allowed"
    assert result(allow("s3:*", "arn:aws:s3:::b/${*}"), resource="arn:aws:s3:::b/x") == "ImplicitlyDenied"
    assert result(allow("s3:*", "arn:aws:s3:::b/${?}"), resource="arn:aws:s3:::b/?") == "Allowed"
    assert result(allow("s3:*", "arn:aws:s3:::b/${$}"), resource="arn:aws:s3:::b/$") == "Allowed"


def test_tag_variables():
    statement = allow("s3:*", "arn:aws:s3:::teams/${aws:PrincipalTag/team}/*")
    context = {"aws:PrincipalTag/team": "blue"}
    assert result(statement, resource="arn:aws:s3:::teams/blue/x", context=context) == "Allowed"
    assert result(statement, resource="arn:aws:s3:::teams/red/x", context=context) == "ImplicitlyDenied"


def test_variables_in_condition_values():
    statement = allow(Condition={"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}})
    assert (
        result(statement, context={"aws:ResourceTag/owner": "jonnung", "aws:username": "jonnung"})
        == "Allowed"
    )
    assert result(statement, context={"aws:ResourceTag/owner": "bob", "aws:username": "jonnung"}) == (
        "ImplicitlyDenied"
    )
    assert result(statement, context={"aws:ResourceTag/owner": "${aws:username}"}) == "ImplicitlyDenied"


def test_old_version_treats_variables_as_text():
    old = doc(allow("s3:*", HOME), version="2008-10-17")
    assert result(old, resource="arn:aws:s3:::home/jonnung/a", context={"aws:username": "jonnung"}) == (
        "ImplicitlyDenied"
    )
    assert result(old, resource="arn:aws:s3:::home/${aws:username}/a") == "Allowed"
    no_version = doc(allow("s3:*", HOME), version=None)
    assert result(no_version, resource="arn:aws:s3:::home/${aws:username}/a") == "Allowed"


def test_multivalued_keys_cannot_be_variables():
    statement = allow("s3:*", "arn:aws:s3:::b/${aws:TagKeys}")
    assert (
        result(statement, resource="arn:aws:s3:::b/a", context={"aws:TagKeys": ["a", "b"]})
        == "ImplicitlyDenied"
    )
