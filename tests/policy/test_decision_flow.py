"""The order of AWS's evaluation: deny wins, then resource/identity/boundary/session rules."""

import pytest

from iamlab.policy import Policy, Request, evaluate
from tests.policy.helpers import ACCOUNT, OTHER, ROLE, SESSION, USER, allow, decide, deny, doc, grant, result

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Reader"
PARTNER = f"arn:aws:iam::{OTHER}:user/partner"
NOTHING_FOR_S3 = doc(allow("ec2:*"))


def bucket_for(principal, effect="Allow"):
    return doc(grant({"AWS": principal}, "s3:GetObject", effect=effect))


class TestDefaults:
    def test_nothing_allows_by_default(self):
        assert decide().reason == "no_identity_allow"
        assert result() == "ImplicitlyDenied"

    def test_an_identity_allow_is_enough_in_one_account(self):
        assert decide(allow("s3:GetObject")).reason == "allowed_by_identity"

    def test_get_caller_identity_needs_nothing_and_cannot_be_denied(self):
        d = decide(deny(), action="sts:GetCallerIdentity", resource="*", session=doc(deny()))
        assert (d.result, d.reason) == ("Allowed", "get_caller_identity")


class TestExplicitDeny:
    @pytest.mark.parametrize(
        "where, reason",
        [
            ({"identity": True}, "explicit_deny_identity"),
            ({"resource_policy": bucket_for(USER, "Deny")}, "explicit_deny_resource"),
            ({"boundary": doc(allow(), deny("s3:*"))}, "explicit_deny_boundary"),
            ({"session": doc(allow(), deny("s3:Get*"))}, "explicit_deny_session"),
        ],
    )
    def test_deny_in_any_policy_type_wins(self, where, reason):
        where = dict(where)
        identity = [allow(), deny("s3:GetObject")] if where.pop("identity", False) else [allow()]
        where.setdefault("resource_policy", bucket_for(USER))
        d = decide(*identity, **where)
        assert (d.result, d.reason) == ("ExplicitlyDenied", reason)

    def test_deny_beats_a_cross_account_allow_on_both_sides(self):
        bucket = doc(grant({"AWS": PARTNER}, "s3:GetObject"), grant("*", "s3:GetObject", effect="Deny"))
        assert (
            result(allow(), principal=PARTNER, account=ACCOUNT, resource_policy=bucket) == "ExplicitlyDenied"
        )


class TestSameAccountResourcePolicies:
    def test_naming_the_user_is_enough(self):
        assert decide(resource_policy=bucket_for(USER)).reason == "allowed_by_resource"

    def test_naming_the_account_is_not(self):
        assert decide(resource_policy=bucket_for(ACCOUNT)).reason == "no_identity_allow"

    def test_a_user_grant_is_not_capped_by_the_users_boundary(self):
        assert result(resource_policy=bucket_for(USER), boundary=NOTHING_FOR_S3) == "Allowed"

    def test_a_session_grant_is_not_capped_by_the_roles_boundary(self):
        assert (
            result(principal=SESSION, resource_policy=bucket_for(SESSION), boundary=NOTHING_FOR_S3)
            == "Allowed"
        )

    def test_a_role_grant_is_capped_by_the_boundary(self):
        assert result(principal=SESSION, resource_policy=bucket_for(ROLE_ARN)) == "Allowed"
        d = decide(principal=SESSION, resource_policy=bucket_for(ROLE_ARN), boundary=NOTHING_FOR_S3)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_boundary_allow")
        assert result(principal=ROLE, resource_policy=bucket_for(ROLE_ARN), boundary=NOTHING_FOR_S3) == (
            "ImplicitlyDenied"
        )

    def test_session_policies_cap_a_grant_to_the_role(self):
        d = decide(principal=SESSION, resource_policy=bucket_for(ROLE_ARN), session=NOTHING_FOR_S3)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_session_allow")
        assert result(
            principal=SESSION, resource_policy=bucket_for(ROLE_ARN), session=doc(allow("s3:*"))
        ) == ("Allowed")

    def test_session_policies_do_not_cap_a_grant_to_the_session(self):
        """Guide, Session policies: "A resource-based policy can specify the ARN of the session as a
        principal. ... The resource-based policy permissions are not limited by the session policy."
        """
        d = decide(principal=SESSION, resource_policy=bucket_for(SESSION), session=NOTHING_FOR_S3)
        assert (d.result, d.reason) == ("Allowed", "allowed_by_resource")


class TestBoundariesAndSessionPolicies:
    def test_boundary_caps_identity_allows(self):
        assert result(allow(), boundary=doc(allow("s3:*"))) == "Allowed"
        d = decide(allow(), boundary=NOTHING_FOR_S3)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_boundary_allow")

    def test_boundary_alone_grants_nothing(self):
        assert decide(boundary=doc(allow())).reason == "no_identity_allow"

    def test_session_policy_caps_identity_allows_and_grants_nothing_alone(self):
        assert result(allow(), principal=SESSION, session=doc(allow("s3:GetObject"))) == "Allowed"
        assert decide(allow(), principal=SESSION, session=NOTHING_FOR_S3).reason == "no_session_allow"
        assert decide(principal=SESSION, session=doc(allow())).reason == "no_identity_allow"

    def test_several_session_policies_form_one_set(self):
        inline, managed = doc(allow("ec2:*")), doc(allow("s3:GetObject"))
        assert result(allow(), principal=SESSION, session=[inline, managed]) == "Allowed"
        assert result(
            allow(), principal=SESSION, session=[inline, Policy.parse(managed, kind="session")]
        ) == ("Allowed")
        assert result(allow(), principal=SESSION, session=(managed, doc(deny("s3:*")))) == "ExplicitlyDenied"

    def test_empty_boundary_allows_nothing(self):
        assert result(allow(), boundary={"Version": "2012-10-17", "Statement": []}) == "ImplicitlyDenied"


class TestCrossAccount:
    def test_identity_allow_alone_is_not_enough(self):
        d = decide(allow(), principal=PARTNER, account=ACCOUNT)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_resource_allow")

    def test_resource_allow_alone_is_not_enough(self):
        assert decide(principal=PARTNER, account=ACCOUNT, resource_policy=bucket_for(PARTNER)).reason == (
            "no_identity_allow"
        )

    def test_both_sides_allow(self):
        for named in (PARTNER, OTHER, f"arn:aws:iam::{OTHER}:root"):
            d = decide(
                allow("s3:GetObject"), principal=PARTNER, account=ACCOUNT, resource_policy=bucket_for(named)
            )
            assert (d.result, d.reason) == ("Allowed", "allowed_by_identity_and_resource")

    def test_boundary_still_caps_the_callers_side(self):
        assert (
            result(
                allow(),
                principal=PARTNER,
                account=ACCOUNT,
                resource_policy=bucket_for(PARTNER),
                boundary=NOTHING_FOR_S3,
            )
            == "ImplicitlyDenied"
        )

    def test_account_is_read_from_the_resource_arn_when_not_given(self):
        queue = f"arn:aws:sqs:eu-west-1:{OTHER}:jobs"
        assert result(allow(), action="sqs:SendMessage", resource=queue) == "ImplicitlyDenied"
        assert result(allow(), action="sqs:SendMessage", resource=queue.replace(OTHER, ACCOUNT)) == "Allowed"


class TestRoleTrust:
    TRUST_USER = doc({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"})
    TRUST_ACCOUNT = doc({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"})

    def assume(self, *identity, trust=None, principal=USER, action="sts:AssumeRole", **kwargs):
        return decide(
            *identity, principal=principal, action=action, resource=ROLE_ARN, resource_policy=trust, **kwargs
        )

    def test_a_role_cannot_be_assumed_without_its_trust_policy(self):
        d = self.assume(allow("sts:AssumeRole"))
        assert (d.result, d.reason) == ("ImplicitlyDenied", "trust_policy_no_match")
        assert d.basic_message == (
            f"User: {USER} is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
        )

    def test_trusting_the_user_directly_is_enough_in_one_account(self):
        assert self.assume(trust=self.TRUST_USER).result == "Allowed"

    def test_trusting_the_account_needs_an_identity_allow(self):
        assert self.assume(trust=self.TRUST_ACCOUNT).reason == "no_identity_allow"
        assert self.assume(allow("sts:AssumeRole", ROLE_ARN), trust=self.TRUST_ACCOUNT).result == "Allowed"

    def test_identity_allow_without_trust_match(self):
        other = doc({"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:AssumeRole"})
        assert self.assume(allow(), trust=other).reason == "trust_policy_no_match"

    def test_cross_account_assumption_needs_both(self):
        trust = doc({"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:AssumeRole"})
        assert self.assume(trust=trust, principal=PARTNER).result == "ImplicitlyDenied"
        assert self.assume(allow("sts:AssumeRole"), trust=trust, principal=PARTNER).result == "Allowed"

    def test_service_principal(self):
        trust = doc(
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        )
        assert self.assume(trust=trust, principal="ec2.amazonaws.com").result == "Allowed"
        assert self.assume(trust=trust, principal="lambda.amazonaws.com").reason == "trust_policy_no_match"

    def test_session_tags_need_their_own_trust_statement(self):
        assert self.assume(trust=self.TRUST_USER, action="sts:TagSession").result == "ImplicitlyDenied"


class TestServicesAndRoot:
    def test_service_principal_needs_a_resource_policy(self):
        d = decide(principal="lambda.amazonaws.com")
        assert (d.result, d.reason) == ("ImplicitlyDenied", "no_resource_allow")
        bucket = doc(grant({"Service": "lambda.amazonaws.com"}, "s3:GetObject"))
        assert result(principal="lambda.amazonaws.com", resource_policy=bucket) == "Allowed"

    def test_root_user_may_act_in_its_own_account_unless_denied(self):
        root = f"arn:aws:iam::{ACCOUNT}:root"
        assert decide(principal=root).reason == "root_user"
        assert result(principal=root, resource_policy=bucket_for(ACCOUNT, "Deny")) == "ExplicitlyDenied"
        assert result(principal=root, account=OTHER) == "ImplicitlyDenied"


class TestGuardrails:
    RESERVED = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1234"

    @pytest.mark.parametrize(
        "action",
        ["iam:DeleteRole", "iam:PutRolePolicy", "iam:TagRole", "iam:PassRole", "iam:UpdateAssumeRolePolicy"],
    )
    def test_reserved_roles_cannot_be_changed_even_by_admins(self, action):
        d = decide(allow(), action=action, resource=self.RESERVED)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "reserved_role_protected")
        assert d.fix is None

    @pytest.mark.parametrize("action", ["iam:GetRole", "iam:ListRoleTags", "iam:SimulatePrincipalPolicy"])
    def test_reserved_roles_can_be_read(self, action):
        assert result(allow(), action=action, resource=self.RESERVED) == "Allowed"

    def test_aws_managed_policies_are_read_only(self):
        managed = "arn:aws:iam::aws:policy/AdministratorAccess"
        assert decide(allow(), action="iam:CreatePolicyVersion", resource=managed).reason == (
            "aws_managed_policy_protected"
        )
        assert result(allow(), action="iam:GetPolicyVersion", resource=managed) == "Allowed"
        customer = f"arn:aws:iam::{ACCOUNT}:policy/AdministratorAccess"
        assert result(allow(), action="iam:CreatePolicyVersion", resource=customer) == "Allowed"


def test_policy_objects_documents_and_json_text_are_interchangeable():
    import json

    statement = doc(allow("s3:GetObject"))
    request = Request(USER, "s3:GetObject", "arn:aws:s3:::bucket/key")
    for form in (statement, json.dumps(statement), Policy.parse(statement, name="ReadOnly")):
        assert evaluate(request, identity_policies=[form]).result == "Allowed"


def test_lenient_evaluation_never_raises_on_garbage():
    request = Request(USER, "s3:GetObject", "arn:aws:s3:::bucket/key")
    for garbage in (
        "{not json",
        42,
        [1, 2],
        {"Statement": "nope"},
        {"Statement": [None, 3, {"Effect": "Maybe"}]},
    ):
        assert (
            evaluate(request, identity_policies=[garbage], resource_policy=garbage).result
            == "ImplicitlyDenied"
        )
