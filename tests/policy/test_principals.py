"""Principal / NotPrincipal in resource-based and trust policies."""

import pytest

from tests.policy.helpers import ACCOUNT, OTHER, ROLE, SESSION, USER, allow, doc, grant, result

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Reader"


@pytest.mark.parametrize(
    "principal_element, caller, expected",
    [
        ("*", USER, "Allowed"),
        ({"AWS": "*"}, USER, "Allowed"),
        ({"AWS": USER}, USER, "Allowed"),
        ({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/other", USER]}, USER, "Allowed"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:user/other"}, USER, "ImplicitlyDenied"),
        ({"AWS": ROLE_ARN}, SESSION, "Allowed"),  # naming a role covers its sessions
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/team/Reader"}, SESSION, "Allowed"),  # role with a path
        ({"AWS": SESSION}, SESSION, "Allowed"),
        ({"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/someone"}, SESSION, "ImplicitlyDenied"),
        ({"AWS": ROLE_ARN}, ROLE, "Allowed"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/Writer"}, SESSION, "ImplicitlyDenied"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:user/*"}, USER, "ImplicitlyDenied"),  # no partial wildcards
        ({"Service": "lambda.amazonaws.com"}, "lambda.amazonaws.com", "Allowed"),
        ({"Service": "lambda.amazonaws.com"}, "ec2.amazonaws.com", "ImplicitlyDenied"),
        (
            {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
            "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            "Allowed",
        ),
    ],
)
def test_who_a_direct_grant_reaches(principal_element, caller, expected):
    bucket = doc(grant(principal_element, "s3:GetObject"))
    assert result(principal=caller, resource_policy=bucket) == expected


@pytest.mark.parametrize("account_element", [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"])
def test_naming_the_account_delegates_to_identity_policies(account_element):
    bucket = doc(grant({"AWS": account_element}, "s3:GetObject"))
    assert result(resource_policy=bucket) == "ImplicitlyDenied"
    assert result(allow("s3:GetObject"), resource_policy=bucket) == "Allowed"


def test_federated_principal_in_a_trust_policy():
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"
    trust = doc({"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithSAML"})
    assert result(
        principal=provider, action="sts:AssumeRoleWithSAML", resource=ROLE_ARN, resource_policy=trust
    ) == ("Allowed")
    assert (
        result(
            principal="accounts.google.com",
            action="sts:AssumeRoleWithSAML",
            resource=ROLE_ARN,
            resource_policy=trust,
        )
        == "ImplicitlyDenied"
    )


def test_statement_without_principal_never_matches_in_a_resource_policy():
    bucket = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    assert result(resource_policy=bucket) == "ImplicitlyDenied"
    no_principal_deny = doc({"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"})
    assert result(allow(), resource_policy=no_principal_deny) == "Allowed"


class TestNotPrincipal:
    def test_allow_notprincipal_excludes_the_named(self):
        bucket = doc({"Effect": "Allow", "NotPrincipal": {"AWS": USER}, "Action": "s3:*", "Resource": "*"})
        assert result(resource_policy=bucket) == "ImplicitlyDenied"
        assert result(principal=f"arn:aws:iam::{ACCOUNT}:user/other", resource_policy=bucket) == "Allowed"

    def test_deny_notprincipal_spares_only_the_named(self):
        fence = doc({"Effect": "Deny", "NotPrincipal": {"AWS": USER}, "Action": "s3:*", "Resource": "*"})
        assert result(allow(), resource_policy=fence) == "Allowed"
        assert result(allow(), principal=f"arn:aws:iam::{ACCOUNT}:user/other", resource_policy=fence) == (
            "ExplicitlyDenied"
        )

    def test_deny_notprincipal_always_denies_a_principal_with_a_boundary(self):
        fence = doc({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "s3:*", "Resource": "*"})
        assert result(allow(), principal=ROLE, resource_policy=fence) == "Allowed"
        assert (
            result(allow(), principal=ROLE, resource_policy=fence, boundary=doc(allow()))
            == "ExplicitlyDenied"
        )


def test_cross_account_caller_needs_both_sides():
    partner = f"arn:aws:iam::{OTHER}:user/partner"
    bucket = doc(grant({"AWS": partner}, "s3:GetObject"))
    assert result(principal=partner, account=ACCOUNT, resource_policy=bucket) == "ImplicitlyDenied"
    assert (
        result(allow("s3:GetObject"), principal=partner, account=ACCOUNT, resource_policy=bucket) == "Allowed"
    )
