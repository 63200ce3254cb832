"""What a Decision says about itself: AWS's messages, deciding statements, path, fix."""

import pytest

from iamlab.policy import Policy, Request, evaluate
from tests.policy.helpers import (
    ACCOUNT,
    BUCKET_OBJECT,
    OTHER,
    SESSION,
    USER,
    allow,
    decide,
    deny,
    doc,
    grant,
)

ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Reader"
PREFIX = f"User: {USER} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key"


@pytest.mark.parametrize(
    "kwargs, suffix",
    [
        ({}, "because no identity-based policy allows the s3:GetObject action"),
        ({"identity": [deny()]}, "with an explicit deny in an identity-based policy"),
        (
            {"identity": [allow()], "resource_policy": doc(grant("*", effect="Deny"))},
            "with an explicit deny in a resource-based policy",
        ),
        (
            {"identity": [allow()], "boundary": doc(allow("ec2:*"))},
            "because no permissions boundary allows the s3:GetObject action",
        ),
        ({"identity": [allow()], "boundary": doc(deny())}, "with an explicit deny in a permissions boundary"),
        (
            {"identity": [allow()], "session": doc(allow("ec2:*"))},
            "because no session policy allows the s3:GetObject action",
        ),
        ({"identity": [allow()], "session": doc(deny())}, "with an explicit deny in a session policy"),
        (
            {"identity": [allow()], "account": OTHER},
            "because no resource-based policy allows the s3:GetObject action",
        ),
    ],
)
def test_enhanced_access_denied_messages(kwargs, suffix):
    d = decide(*kwargs.pop("identity", []), **kwargs)
    assert d.message == f"{PREFIX} {suffix}"
    assert d.basic_message == PREFIX
    assert not d.allowed


def test_allowed_has_no_message():
    d = decide(allow())
    assert (d.allowed, d.message, d.basic_message) == (True, "", "")


def test_resource_star_is_left_out_of_messages():
    d = decide(action="s3:ListAllMyBuckets", resource="*")
    assert d.basic_message == f"User: {USER} is not authorized to perform: s3:ListAllMyBuckets"
    assert d.message.endswith("because no identity-based policy allows the s3:ListAllMyBuckets action")


def test_deciding_statements_name_their_policy():
    readonly = Policy.parse(doc(allow("s3:Get*", Sid="Read")), name="ReadOnly", source_type="user-managed")
    d = evaluate(Request(USER, "s3:GetObject", "arn:aws:s3:::bucket/key"), identity_policies=[readonly])
    (match,) = d.deciding
    assert (match.policy_name, match.source_type, match.sid, match.effect, match.applied) == (
        "ReadOnly",
        "user-managed",
        "Read",
        "Allow",
        True,
    )
    denied = decide(allow(), deny("s3:*", Sid="NoS3"))
    assert [m.sid for m in denied.deciding] == ["NoS3"]
    assert decide().deciding == ()


def test_statement_diagnostics_show_each_element_and_condition():
    statement = allow(
        "s3:GetObject",
        "arn:aws:s3:::bucket/*",
        Condition={
            "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
            "StringEquals": {"aws:PrincipalTag/team": "blue"},
        },
    )
    d = decide(statement, allow("ec2:*"), context={"aws:SourceIp": "203.0.113.7"})
    first, second = d.statements
    assert (first.action, first.resource, first.applied) == (True, True, False)
    ip, tag = first.conditions
    assert (ip.operator, ip.key, ip.policy_values, ip.request_values, ip.held) == (
        "IpAddress",
        "aws:SourceIp",
        ("203.0.113.0/24",),
        ("203.0.113.7",),
        True,
    )
    assert (tag.request_values, tag.held) == (None, False)
    assert (second.action, second.applied) == (False, False)
    assert d.missing_context_keys == ("aws:PrincipalTag/team",)


def test_principal_diagnostics_in_resource_policies():
    bucket = doc(grant({"AWS": ROLE_ARN}, "s3:GetObject"), grant({"AWS": ACCOUNT}, "s3:GetObject"))
    d = decide(principal=SESSION, resource_policy=bucket)
    assert [m.principal for m in d.statements] == ["role", "account"]
    assert [m.principal for m in decide(principal=USER, resource_policy=bucket).statements] == [
        "not matched",
        "account",
    ]


def test_missing_context_keys_include_variables():
    d = decide(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"), resource="arn:aws:s3:::home/x/y")
    assert d.missing_context_keys == ("aws:username",)


class TestPath:
    def keys(self, d):
        return [(step.key, step.outcome) for step in d.path]

    def test_explicit_deny_stops_at_the_first_box(self):
        assert self.keys(decide(deny())) == [("deny", "Explicitly denied")]

    def test_identity_allow_walks_through_every_box(self):
        assert [k for k, _ in self.keys(decide(allow(), boundary=doc(allow())))] == [
            "deny",
            "resource",
            "identity",
            "boundary",
            "session",
        ]
        assert self.keys(decide(allow(), boundary=doc(allow())))[-2:] == [
            ("boundary", "Allowed"),
            ("session", "Not present"),
        ]

    def test_the_failing_box_ends_the_path(self):
        d = decide(allow(), boundary=doc(allow("ec2:*")))
        assert self.keys(d)[-1] == ("boundary", "Implicitly denied")
        assert self.keys(decide())[-1] == ("identity", "Implicitly denied")

    def test_a_direct_resource_grant_decides_at_the_resource_box(self):
        d = decide(resource_policy=doc(grant({"AWS": USER}, "s3:GetObject")))
        assert self.keys(d)[-1] == ("resource", "Allowed")

    def test_trust_policy_box(self):
        d = decide(allow(), action="sts:AssumeRole", resource=ROLE_ARN)
        assert d.path[-1].name == "Trust policy"
        assert d.path[-1].outcome == "Implicitly denied"


class TestFix:
    def test_fix_adds_the_missing_identity_statement_and_it_works(self):
        d = decide()
        assert d.fix.kind == "add_identity_statement"
        assert decide(d.fix.statement).allowed

    def test_fix_for_a_trust_policy_names_the_principal(self):
        d = decide(
            action="sts:AssumeRole",
            resource=ROLE_ARN,
            resource_policy=doc(
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ),
        )
        assert d.fix.kind == "add_trust_principal"
        assert d.fix.statement == {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"}
        trust = doc(d.fix.statement)
        assert decide(action="sts:AssumeRole", resource=ROLE_ARN, resource_policy=trust).allowed

    def test_fix_for_boundary_and_session(self):
        boundary = decide(allow(), boundary=doc(allow("ec2:*")))
        assert boundary.fix.kind == "widen_boundary"
        assert decide(allow(), boundary=doc(allow("ec2:*"), boundary.fix.statement)).allowed
        session = decide(allow(), principal=SESSION, session=doc(allow("ec2:*")))
        assert session.fix.kind == "widen_session_policy"

    def test_fix_for_cross_account_adds_a_resource_statement(self):
        partner = f"arn:aws:iam::{OTHER}:user/partner"
        d = decide(allow(), principal=partner, account=ACCOUNT)
        assert d.fix.kind == "add_resource_statement"
        assert d.fix.statement["Principal"] == {"AWS": partner}
        assert decide(
            allow(), principal=partner, account=ACCOUNT, resource_policy=doc(d.fix.statement)
        ).allowed

    def test_explicit_deny_fix_points_at_the_deny(self):
        d = decide(allow(), deny("s3:*", Sid="NoS3"))
        assert d.fix.kind == "remove_deny"
        assert "NoS3" in d.fix.text
        assert d.fix.statement is None

    def test_allowed_needs_no_fix(self):
        assert decide(allow()).fix is None


PARTNER = f"arn:aws:iam::{OTHER}:user/partner"
EXTERNAL_ID_TRUST = doc(
    {
        "Sid": "PartnerWithExternalId",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "Partner-4729"}},
    }
)


def assume(trust, context=None):
    """The partner's user (its own policies allow everything) assumes a role of ACCOUNT."""
    return decide(
        allow(),
        principal=PARTNER,
        action="sts:AssumeRole",
        resource=ROLE_ARN,
        resource_policy=trust,
        context=context,
    )


class TestFixForAnUnmetCondition:
    """A statement that already names the caller but whose Condition fails is the cause: the fix names
    it and the unmet keys, and offers no statement to add (adding one would not be the learner's fix).

    IAM User Guide, "IAM JSON policy elements: Condition operators": "If the key that you specify in a
    policy condition is not present in the request context, the values do not match and the condition
    is false."
    """

    @pytest.mark.parametrize("context", [{}, {"sts:ExternalId": "Partner-0000"}], ids=["absent", "wrong"])
    def test_a_trust_policy_requiring_an_external_id(self, context):
        d = assume(EXTERNAL_ID_TRUST, context)
        assert (d.result, d.reason) == ("ImplicitlyDenied", "trust_policy_no_match")
        fix = d.fix
        assert fix.kind == "meet_condition" and fix.statement is None
        assert "statement PartnerWithExternalId" in fix.text and "sts:ExternalId" in fix.text
        assert "--external-id" in fix.text and "ExternalId=" in fix.text
        assert "as a Principal" not in fix.text and "Add " not in fix.text
        assert assume(EXTERNAL_ID_TRUST, {"sts:ExternalId": "Partner-4729"}).allowed  # what it asks for

    def test_a_missing_key_and_a_wrong_value_are_told_apart(self):
        assert "the request carries no sts:ExternalId" in assume(EXTERNAL_ID_TRUST).fix.text
        wrong = assume(EXTERNAL_ID_TRUST, {"sts:ExternalId": "Partner-0000"}).fix.text
        assert "the request's sts:ExternalId (Partner-0000) does not satisfy StringEquals" in wrong

    def test_a_trust_policy_not_naming_the_caller_still_gets_the_principal_added(self):
        trust = doc(
            {**EXTERNAL_ID_TRUST["Statement"][0], "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}
        )
        d = assume(trust, {"sts:ExternalId": "Partner-4729"})
        assert d.fix.kind == "add_trust_principal"
        assert d.fix.statement["Principal"] == {"AWS": PARTNER}
        assert d.fix.text.startswith(f"Add {PARTNER} as a Principal")

    def test_an_identity_policy_allowing_only_from_an_address(self):
        statement = allow(
            "s3:GetObject", Sid="FromOffice", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
        )
        d = decide(statement, context={"aws:SourceIp": "203.0.113.7"})
        assert (d.reason, d.fix.kind, d.fix.statement) == ("no_identity_allow", "meet_condition", None)
        assert "statement FromOffice" in d.fix.text
        assert "aws:SourceIp (203.0.113.7) does not satisfy IpAddress" in d.fix.text
        assert "external ID" not in d.fix.text  # that advice is for sts:ExternalId only
        assert decide(statement, context={"aws:SourceIp": "10.1.2.3"}).allowed

    def test_only_the_conditions_that_failed_are_named(self):
        """IAM User Guide, "Conditions with multiple context keys or values": "All context keys in a
        condition element block must resolve to true to invoke the desired Allow or Deny effect.\""""
        both = {"Bool": {"aws:SecureTransport": "true"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
        d = decide(allow(Condition=both), context={"aws:SecureTransport": "true"})
        assert "aws:SourceIp" in d.fix.text and "aws:SecureTransport" not in d.fix.text

    def test_a_resource_based_policy_across_accounts(self):
        bucket = doc(
            grant(
                {"AWS": PARTNER},
                "s3:GetObject",
                BUCKET_OBJECT,
                Sid="PartnerOverTls",
                Condition={"Bool": {"aws:SecureTransport": "true"}},
            )
        )
        d = decide(allow(), principal=PARTNER, account=ACCOUNT, resource_policy=bucket)
        assert (d.reason, d.fix.kind) == ("no_resource_allow", "meet_condition")
        assert "statement PartnerOverTls" in d.fix.text and "aws:SecureTransport" in d.fix.text

    def test_a_statement_for_someone_else_is_not_offered(self):
        """The condition is the cause only where the statement names the caller's action and resource."""
        statement = allow("s3:PutObject", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
        assert decide(statement).fix.kind == "add_identity_statement"
        in_bucket = allow(
            "s3:GetObject", "arn:aws:s3:::other/*", Condition={"Bool": {"aws:SecureTransport": "true"}}
        )
        assert decide(in_bucket).fix.kind == "add_identity_statement"

    def test_an_scp_allow_held_back_by_its_condition_is_named(self):
        """Organizations User Guide, SCP evaluation: "For a permission to be allowed for a specific
        account, there must be an explicit Allow statement at every level from the root through each OU
        in the direct path to the account (including the target account itself)." An Allow whose
        Condition fails is no Allow, so it is the statement the learner must look at."""
        from_office = allow(Sid="FromOffice", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
        levels = [[doc(allow())], {"id": "ou-1a", "policies": [doc(from_office)]}]
        d = decide(allow(), scps=levels, context={"aws:SourceIp": "203.0.113.7"})
        assert (d.reason, d.fix.kind, d.fix.statement) == ("no_scp_allow", "meet_condition", None)
        assert d.fix.target == "SCP at OU ou-1a"
        assert "SCP at OU ou-1a, statement FromOffice (Allow)" in d.fix.text
        assert "aws:SourceIp (203.0.113.7) does not satisfy IpAddress" in d.fix.text
        assert "management account" in d.fix.text and "in an SCP attached to" not in d.fix.text
        assert decide(allow(), scps=levels, context={"aws:SourceIp": "10.1.2.3"}).allowed

    def test_only_the_scp_level_that_allowed_nothing_is_searched(self):
        """A held-back Allow at a level that another statement already allows is not the cause."""
        held = allow(Sid="Held", Condition={"Bool": {"aws:SecureTransport": "true"}})
        levels = [[doc(allow(), held)], {"id": "ou-1a", "policies": [doc(allow("ec2:*"))]}]
        d = decide(allow(), scps=levels)
        assert (d.reason, d.fix.kind) == ("no_scp_allow", "widen_scp")
        assert "Held" not in d.fix.text

    def test_each_statement_held_back_is_named_in_policy_order(self):
        """Meeting any one of them lifts the denial, so each is named, with what it is missing."""
        tls = allow(Sid="OverTls", Condition={"Bool": {"aws:SecureTransport": "true"}})
        office = allow(
            Sid="FromOffice",
            Condition={
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
        )
        context = {"aws:SourceIp": "203.0.113.7"}
        for first, second in ((tls, office), (office, tls)):
            text = decide(first, second, context=context).fix.text
            assert text.startswith("2 statements match this request")
            assert text.index(f"statement {first['Sid']}") < text.index(f"statement {second['Sid']}")
        text = decide(tls, office, context=context).fix.text
        assert "statement OverTls (Allow): the request carries no aws:SecureTransport;" in text
        assert (
            "statement FromOffice (Allow): the request's aws:SourceIp (203.0.113.7) does not satisfy "
            "IpAddress, the request carries no aws:MultiFactorAuthPresent."
        ) in text
        assert decide(tls, office, context={"aws:SecureTransport": "true"}).allowed
        assert decide(
            tls, office, context=context | {"aws:MultiFactorAuthPresent": "true", "aws:SourceIp": "10.0.0.1"}
        ).allowed

    def test_statements_held_back_in_an_scp_and_several_levels_keep_one_sentence_each(self):
        first = allow(Sid="A", Condition={"Bool": {"aws:SecureTransport": "true"}})
        second = allow(Sid="B", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}})
        levels = [[doc(allow())], {"id": "ou-1a", "policies": [doc(first), doc(second)]}]
        d = decide(allow(), scps=levels)
        assert d.fix.text.startswith("2 statements match this request")
        assert "SCP at OU ou-1a #1, statement A (Allow)" in d.fix.text
        assert "SCP at OU ou-1a #2, statement B (Allow)" in d.fix.text
        assert d.fix.target == "SCP at OU ou-1a #1"

    def test_the_new_sentences_speak_korean(self):
        import iamlab

        office = allow(Sid="FromOffice", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
        tls = allow(Sid="OverTls", Condition={"Bool": {"aws:SecureTransport": "true"}})
        iamlab.set_language("ko")
        try:
            scp = decide(allow(), scps=[[doc(allow())], [doc(office)]]).fix.text
            both = decide(tls, office).fix.text
        finally:
            iamlab.set_language("en")
        assert "관리 계정" in scp and "SCP" in scp and "aws:SourceIp" in scp
        assert both.startswith("정책 문 2개가") and "OverTls" in both and "FromOffice" in both


def test_text_and_html():
    d = decide(allow("s3:*", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    text = d.to_text()
    assert text.startswith("ImplicitlyDenied")
    assert "aws:SecureTransport" not in text or "Missing context keys: aws:SecureTransport" in text
    page = d._repr_html_()
    assert "<script" not in page and "ImplicitlyDenied" in page and "style=" in page


def test_decisions_are_read_only():
    d = decide(allow())
    with pytest.raises(AttributeError):
        d.result = "ImplicitlyDenied"
