"""The IAM User Guide's harder rules: special variables, where variables apply, federated
principals, what session policies do not limit, federated users, trust-policy messages."""

from __future__ import annotations

import pytest

from iamlab.policy import Request, evaluate
from tests.policy.helpers import ACCOUNT, SESSION, USER, allow, decide, doc, grant, result

LIST = "arn:aws:s3:::bucket"
FEDERATED = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/WebRole"
NOTHING_FOR_S3 = doc(allow("ec2:*"))


def prefix_allowed(pattern: str, prefix: str, operator: str = "StringLike") -> str:
    statement = allow("s3:ListBucket", LIST, Condition={operator: {"s3:prefix": pattern}})
    return result(statement, action="s3:ListBucket", resource=LIST, context={"s3:prefix": prefix})


class TestSpecialVariables:
    """Guide, Policy variables, Special characters: "${*} - use where you need an * (asterisk)
    character. ${?} - use where you need a ? (question mark) character. ${$} - use where you
    need a $ (dollar sign) character.\""""

    def test_an_escaped_asterisk_is_a_literal_asterisk_in_stringlike(self):
        assert prefix_allowed("home/${*}", "home/*") == "Allowed"
        assert prefix_allowed("home/${*}", "home/anything") == "ImplicitlyDenied"

    def test_an_escaped_question_mark_and_dollar_are_literal(self):
        assert prefix_allowed("what${?}", "what?") == "Allowed"
        assert prefix_allowed("what${?}", "whatX") == "ImplicitlyDenied"
        assert prefix_allowed("price${$}", "price$") == "Allowed"

    def test_a_wildcard_next_to_an_escape_stays_a_wildcard(self):
        assert prefix_allowed("${*}*", "*abc") == "Allowed"
        assert prefix_allowed("${*}*", "abc") == "ImplicitlyDenied"

    def test_an_escaped_asterisk_is_literal_in_arnlike(self):
        statement = allow(Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:${*}:topic"}})
        star = {"aws:SourceArn": "arn:aws:sns:us-east-1:*:topic"}
        other = {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:topic"}
        assert result(statement, context=star) == "Allowed"
        assert result(statement, context=other) == "ImplicitlyDenied"

    def test_escapes_are_literal_in_a_resource(self):
        statement = allow("s3:GetObject", "arn:aws:s3:::bucket/${*}")
        assert result(statement, resource="arn:aws:s3:::bucket/key") == "ImplicitlyDenied"
        statement = allow("s3:GetObject", "arn:aws:s3:::bucket/${$}x")
        assert result(statement, resource="arn:aws:s3:::bucket/$x") == "Allowed"

    def test_a_variables_value_is_literal_text_in_stringlike(self):
        """A user named "a*" must not match every prefix starting with "a"."""
        statement = allow(
            "s3:ListBucket", LIST, Condition={"StringLike": {"s3:prefix": "home/${aws:username}"}}
        )
        context = {"aws:username": "a*", "s3:prefix": "home/abc"}
        assert result(statement, action="s3:ListBucket", resource=LIST, context=context) == (
            "ImplicitlyDenied"
        )
        context["s3:prefix"] = "home/a*"
        assert result(statement, action="s3:ListBucket", resource=LIST, context=context) == "Allowed"


class TestWhereVariablesApply:
    """Guide, condition operators: "You can not use a policy variable with the Numeric condition
    operator" (and the same for Date, Binary, IpAddress and Null), while String, Boolean and ARN
    operators take them."""

    TAGS = {"aws:PrincipalTag/limit": "10", "aws:PrincipalTag/when": "2030-01-01T00:00:00Z"}

    @pytest.mark.parametrize(
        "operator, key, value, variable",
        [
            ("NumericLessThanEquals", "s3:max-keys", "5", "${aws:PrincipalTag/limit}"),
            ("DateLessThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", "${aws:PrincipalTag/when}"),
            ("IpAddress", "aws:SourceIp", "203.0.113.7", "${aws:PrincipalTag/net}"),
            ("BinaryEquals", "aws:Payload", "QQ==", "${aws:PrincipalTag/blob}"),
        ],
    )
    def test_not_substituted_so_the_condition_does_not_match(self, operator, key, value, variable):
        context = {
            **self.TAGS,
            "aws:PrincipalTag/net": "203.0.113.0/24",
            "aws:PrincipalTag/blob": "QQ==",
            key: value,
        }
        statement = allow(Condition={operator: {key: variable}})
        assert result(statement, context=context) == "ImplicitlyDenied"
        literal = context[variable[2:-1]]
        assert result(allow(Condition={operator: {key: literal}}), context=context) == "Allowed"

    def test_null_does_not_substitute(self):
        statement = allow(Condition={"Null": {"aws:TokenIssueTime": "${aws:PrincipalTag/absent}"}})
        context = {"aws:PrincipalTag/absent": "true"}
        assert result(statement, context=context) == "ImplicitlyDenied"

    @pytest.mark.parametrize(
        "operator, key, value",
        [
            ("StringEquals", "s3:prefix", "alice"),
            ("Bool", "aws:SecureTransport", "true"),
            ("ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:alice"),
        ],
    )
    def test_string_bool_and_arn_substitute(self, operator, key, value):
        template = value.replace("alice", "${aws:username}").replace("true", "${aws:PrincipalTag/tls}")
        context = {"aws:username": "alice", "aws:PrincipalTag/tls": "true", key: value}
        assert result(allow(Condition={operator: {key: template}}), context=context) == "Allowed"


class TestFederatedPrincipals:
    """Guide, Principal element: a role trust policy names web identity and SAML providers with
    "Federated" — e.g. "Principal": {"Federated": "cognito-identity.amazonaws.com"} — and the
    caller of AssumeRoleWithWebIdentity / AssumeRoleWithSAML is that provider."""

    def assume(self, principal, trust, action="sts:AssumeRoleWithWebIdentity"):
        return decide(principal=principal, action=action, resource=ROLE, resource_policy=doc(trust))

    def test_cognito_is_a_federated_provider_not_a_service(self):
        trust = grant({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity", ROLE)
        assert self.assume("cognito-identity.amazonaws.com", trust).result == "Allowed"
        as_service = grant(
            {"Service": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity", ROLE
        )
        assert self.assume("cognito-identity.amazonaws.com", as_service).result == "ImplicitlyDenied"

    def test_oidc_and_saml_provider_arns(self):
        oidc = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
        saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/Okta"
        trust = grant(
            {"Federated": [oidc, saml]}, ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"], ROLE
        )
        assert self.assume(oidc, trust).result == "Allowed"
        assert self.assume(saml, trust, "sts:AssumeRoleWithSAML").result == "Allowed"
        other = f"arn:aws:iam::{ACCOUNT}:saml-provider/Other"
        assert self.assume(other, trust, "sts:AssumeRoleWithSAML").result == "ImplicitlyDenied"

    def test_a_federated_entry_does_not_let_the_service_assume(self):
        trust = grant({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRole", ROLE)
        assert self.assume("cognito-identity.amazonaws.com", trust, "sts:AssumeRole").result == (
            "ImplicitlyDenied"
        )


class TestWhatSessionPoliciesDoNotLimit:
    def test_a_grant_to_the_session_arn(self):
        """Guide, Session policies: "A resource-based policy can specify the ARN of the session as a
        principal. In that case, the permissions from the resource-based policy are added after the
        session is created. The resource-based policy permissions are not limited by the session
        policy.\""""
        d = decide(principal=SESSION, resource_policy=doc(grant({"AWS": SESSION})), session=NOTHING_FOR_S3)
        assert (d.result, d.reason) == ("Allowed", "allowed_by_resource")

    def test_a_grant_to_the_federated_users_arn(self):
        """Guide, Permissions for GetFederationToken: "a resource-based policy can provide additional
        permissions for the session. You can access a resource with a resource-based policy that
        specifies your session as the allowed principal.\""""
        policy = doc(grant({"AWS": FEDERATED}))
        assert result(principal=FEDERATED, resource_policy=policy, session=NOTHING_FOR_S3) == "Allowed"
        assert result(principal=FEDERATED, resource_policy=policy) == "Allowed"

    def test_a_star_grant_narrowed_by_principal_arn(self):
        """Guide, aws:PrincipalArn: "Identity-based policy types, such as permissions boundaries or
        session policies, do not limit permissions granted using the aws:PrincipalArn condition key
        with a wildcard (*) in the Principal element.\""""
        role = f"arn:aws:iam::{ACCOUNT}:role/Reader"
        narrowed = doc(grant("*", Condition={"ArnEquals": {"aws:PrincipalArn": role}}))
        context = {"aws:PrincipalArn": role}
        d = decide(principal=SESSION, resource_policy=narrowed, session=NOTHING_FOR_S3, context=context)
        assert d.result == "Allowed"
        d = decide(principal=SESSION, resource_policy=narrowed, boundary=NOTHING_FOR_S3, context=context)
        assert d.result == "Allowed"
        all_but = doc(grant("*", Condition={"ArnNotEquals": {"aws:PrincipalArn": f"{role}-other"}}))
        d = decide(principal=SESSION, resource_policy=all_but, session=NOTHING_FOR_S3, context=context)
        assert d.result == "ImplicitlyDenied"  # "everyone but" names nobody: the session policy still caps it
        plain_star = doc(grant("*"))
        assert result(principal=SESSION, resource_policy=plain_star, session=NOTHING_FOR_S3) == (
            "ImplicitlyDenied"
        )

    def test_a_grant_to_the_user_who_federated_is_capped_by_the_session_policy(self):
        """Guide, Permissions for GetFederationToken: "the resulting session's permissions are the
        intersection of the user's identity-based policy and the session policies.\""""
        policy = doc(grant({"AWS": USER}))

        def federated(session):
            request = Request(FEDERATED, "s3:GetObject", "arn:aws:s3:::bucket/key", session_issuer=USER)
            return evaluate(request, resource_policy=policy, session_policy=session)

        assert federated(doc(allow("s3:GetObject"))).result == "Allowed"
        assert federated(NOTHING_FOR_S3).result == "ImplicitlyDenied"
        someone_else = evaluate(
            Request(FEDERATED, "s3:GetObject", "arn:aws:s3:::bucket/key", session_issuer=f"{USER}-2"),
            resource_policy=policy,
            session_policy=doc(allow()),
        )
        assert someone_else.result == "ImplicitlyDenied"

    def test_without_a_named_issuer_the_user_of_the_sessions_name_is_taken(self):
        same_name = f"arn:aws:sts::{ACCOUNT}:federated-user/jonnung"  # USER is user/jonnung
        policy = doc(grant({"AWS": USER}))
        assert result(principal=same_name, resource_policy=policy, session=doc(allow())) == "Allowed"
        assert result(principal=FEDERATED, resource_policy=policy, session=doc(allow())) == (
            "ImplicitlyDenied"
        )


class TestFederatedUsersWithoutASessionPolicy:
    """Guide, Permissions for GetFederationToken: "In most cases if you do not pass a policy with
    the GetFederationToken API call, the resulting temporary security credentials have no
    permissions.\""""

    def test_identity_policies_grant_nothing_without_a_session_policy(self):
        d = decide(allow(), principal=FEDERATED)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_session_allow")
        assert "GetFederationToken" in d.fix.text

    def test_with_a_session_policy_the_intersection_applies(self):
        assert result(allow(), principal=FEDERATED, session=doc(allow("s3:GetObject"))) == "Allowed"
        assert result(allow("ec2:*"), principal=FEDERATED, session=doc(allow("s3:GetObject"))) == (
            "ImplicitlyDenied"
        )


class TestTrustPolicyMessages:
    """Guide, Troubleshoot access denied: "... is not authorized to perform: sts:AssumeRole on
    resource: ... because no role trust policy allows the sts:AssumeRole action" and "... with an
    explicit deny in the role trust policy"."""

    def test_no_trust_policy_allows(self):
        trust = doc(grant({"AWS": f"arn:aws:iam::{ACCOUNT}:user/someone-else"}, "sts:AssumeRole", ROLE))
        d = decide(allow(), action="sts:AssumeRole", resource=ROLE, resource_policy=trust)
        assert d.message == (
            f"User: {USER} is not authorized to perform: sts:AssumeRole on resource: {ROLE} "
            "because no role trust policy allows the sts:AssumeRole action"
        )

    def test_explicit_deny_in_the_trust_policy(self):
        trust = doc(grant({"AWS": USER}, "sts:AssumeRole", ROLE, effect="Deny"))
        d = decide(allow(), action="sts:AssumeRole", resource=ROLE, resource_policy=trust)
        assert d.reason == "explicit_deny_trust"
        assert d.message == (
            f"User: {USER} is not authorized to perform: sts:AssumeRole on resource: {ROLE} "
            "with an explicit deny in the role trust policy"
        )
