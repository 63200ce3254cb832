"""Resource / NotResource: ARN matching, case-sensitive, field by field, with wildcards."""

import pytest

from tests.policy.helpers import ACCOUNT, allow, deny, doc, grant, result


@pytest.mark.parametrize(
    "pattern, resource, expected",
    [
        ("*", "arn:aws:s3:::bucket/key", "Allowed"),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c", "Allowed"),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/key", "ImplicitlyDenied"),  # case-sensitive
        ("arn:aws:s3:::bucket", "arn:aws:s3:::bucket/key", "ImplicitlyDenied"),  # bucket is not its objects
        ("arn:aws:s3:::bucket/k?y", "arn:aws:s3:::bucket/key", "Allowed"),
        ("arn:aws:s3:::*", "arn:aws:s3:::bucket/key", "Allowed"),
        ("arn:aws:ec2:*:*:instance/*", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-1", "Allowed"),
        (
            "arn:aws:ec2:us-*:*:instance/*",
            f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-1",
            "ImplicitlyDenied",
        ),
        # a wildcard inside one ARN field does not run into the next field
        ("arn:aws:ec2:*:instance/*", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-1", "ImplicitlyDenied"),
        ("arn:aws:iam::*:role/*", f"arn:aws:iam::{ACCOUNT}:role/path/Reader", "Allowed"),
    ],
)
def test_resource_patterns(pattern, resource, expected):
    assert result(allow("*", pattern), resource=resource) == expected


def test_any_resource_in_a_list_is_enough():
    assert result(allow("*", ["arn:aws:s3:::other/*", "arn:aws:s3:::bucket/*"])) == "Allowed"


def test_notresource_allows_everything_outside():
    statement = {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}
    assert result(statement) == "Allowed"
    assert result(statement, resource="arn:aws:s3:::secret/plans") == "ImplicitlyDenied"


def test_deny_notresource_protects_all_but_the_listed():
    fence = {
        "Effect": "Deny",
        "Action": "s3:*",
        "NotResource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"],
    }
    assert result(allow(), fence) == "Allowed"
    assert result(allow(), fence, resource="arn:aws:s3:::elsewhere/key") == "ExplicitlyDenied"


def test_identity_statement_without_resource_matches_nothing():
    assert result({"Effect": "Allow", "Action": "s3:*"}) == "ImplicitlyDenied"


def test_trust_policy_statement_without_resource_covers_the_role():
    role = f"arn:aws:iam::{ACCOUNT}:role/Reader"
    trust = doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    assert result(
        principal="ec2.amazonaws.com", action="sts:AssumeRole", resource=role, resource_policy=trust
    ) == ("Allowed")


class TestWildcardRequests:
    """A request may name a pattern of resources ("anything under photos/")."""

    def test_allow_needs_only_to_overlap(self):
        assert result(allow("s3:GetObject", "arn:aws:s3:::*/photos/*"), resource="arn:aws:s3:::bucket/*") == (
            "Allowed"
        )
        assert result(allow("s3:GetObject", "arn:aws:s3:::other/*"), resource="arn:aws:s3:::bucket/*") == (
            "ImplicitlyDenied"
        )

    def test_deny_must_cover_the_whole_request(self):
        allowed = allow("s3:GetObject", "arn:aws:s3:::bucket/*")
        partial = deny("s3:GetObject", "arn:aws:s3:::bucket/private/*")
        assert result(allowed, partial, resource="arn:aws:s3:::bucket/*") == "Allowed"
        assert result(allowed, partial, resource="arn:aws:s3:::bucket/private/x*") == "ExplicitlyDenied"

    def test_star_alone_is_not_every_resource(self):
        """`*` as the request resource only meets statements whose Resource covers `*`."""
        assert (
            result(
                allow("s3:ListAllMyBuckets", "arn:aws:s3:::bucket"),
                action="s3:ListAllMyBuckets",
                resource="*",
            )
            == "ImplicitlyDenied"
        )
        assert result(allow("s3:ListAllMyBuckets"), action="s3:ListAllMyBuckets", resource="*") == "Allowed"


def test_resource_policy_resource_matching():
    bucket = doc(
        grant({"AWS": f"arn:aws:iam::{ACCOUNT}:user/jonnung"}, "s3:GetObject", "arn:aws:s3:::bucket/*")
    )
    assert result(resource_policy=bucket) == "Allowed"
    assert result(resource_policy=bucket, resource="arn:aws:s3:::other/key") == "ImplicitlyDenied"
