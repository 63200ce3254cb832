"""A missing object is hidden from a caller who may not list its bucket.

Amazon S3 API Reference, GetObject: "If the object that you request doesn’t exist, the error that
Amazon S3 returns depends on whether you also have the s3:ListBucket permission. If you have the
s3:ListBucket permission on the bucket, Amazon S3 returns an HTTP status code 404 Not Found error.
If you don’t have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access
Denied error." HeadObject says the same ("... 403 Forbidden error"), and so does
GetObjectAttributes; no other object API (GetObjectAcl, GetObjectTagging, ...) does.
s3:ListBucket is decided as any request is: identity and bucket policies, guardrails, session.
"""

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import iamlab
from tests.lab.helpers import allow, assume, deny, doc, new_role, new_user, trusting

BUCKET = "hidden-keys"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
OBJECTS = f"{BUCKET_ARN}/*"
NO_RETRY = Config(retries={"max_attempts": 1})
OTHER = "111122223333"


def _bucket(lab, account=None, policy=None):
    s3 = lab.admin_session(account).client("s3") if account else lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket=BUCKET, Key="there.txt", Body=b"here")
    if policy:
        s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)


def _answer(call) -> tuple[int, str, str]:
    """(HTTP status, error code, message) of a call that fails; (200, "", "") if it succeeds."""
    try:
        call()
    except ClientError as error:
        response = error.response
        return (
            response["ResponseMetadata"]["HTTPStatusCode"],
            response["Error"]["Code"],
            response["Error"].get("Message", ""),
        )
    return 200, "", ""


def _get(s3, key):
    return _answer(lambda: s3.get_object(Bucket=BUCKET, Key=key))


def _head(s3, key):
    return _answer(lambda: s3.head_object(Bucket=BUCKET, Key=key))


def _reader(lab, *statements):
    return new_user(lab, "reader", policies=[doc(*statements)]).client("s3", config=NO_RETRY)


def test_without_list_bucket_a_missing_key_is_access_denied_and_an_object_is_served(lab):
    _bucket(lab)
    s3 = _reader(lab, allow("s3:GetObject", OBJECTS))
    assert s3.get_object(Bucket=BUCKET, Key="there.txt")["Body"].read() == b"here"
    assert s3.head_object(Bucket=BUCKET, Key="there.txt")["ContentLength"] == 4
    assert _get(s3, "missing.txt") == (403, "AccessDenied", "Access Denied")
    assert _head(s3, "missing.txt") == (403, "403", "Forbidden")  # a HEAD answer has no body


def test_with_list_bucket_a_missing_key_is_no_such_key(lab):
    _bucket(lab)
    s3 = _reader(lab, allow("s3:GetObject", OBJECTS), allow("s3:ListBucket", BUCKET_ARN))
    assert _get(s3, "missing.txt") == (404, "NoSuchKey", "The specified key does not exist.")
    assert _head(s3, "missing.txt") == (404, "404", "Not Found")


def test_get_object_attributes_hides_a_missing_key_too(lab):
    """S3 API Reference, GetObjectAttributes: "If you don't have the s3:ListBucket permission, Amazon S3
    returns an HTTP status code 403 Forbidden ("access denied") error.\""""
    _bucket(lab)
    s3 = _reader(lab, allow("s3:GetObjectAttributes", OBJECTS))

    def attributes():
        s3.get_object_attributes(Bucket=BUCKET, Key="missing.txt", ObjectAttributes=["ObjectSize"])

    assert _answer(attributes)[:2] == (403, "AccessDenied")


def test_apis_whose_reference_says_nothing_still_answer_no_such_key(lab):
    """GetObjectTagging's and GetObjectAcl's reference pages do not tie a missing key to s3:ListBucket."""
    _bucket(lab)
    s3 = _reader(lab, allow(["s3:GetObjectTagging", "s3:GetObjectAcl"], OBJECTS))
    assert _answer(lambda: s3.get_object_tagging(Bucket=BUCKET, Key="missing.txt"))[:2] == (404, "NoSuchKey")
    assert _answer(lambda: s3.get_object_acl(Bucket=BUCKET, Key="missing.txt"))[:2] == (404, "NoSuchKey")


def test_a_missing_bucket_is_never_hidden(lab):
    s3 = _reader(lab, allow("s3:GetObject"))
    assert _answer(lambda: s3.get_object(Bucket="no-such-hidden", Key="k"))[:2] == (404, "NoSuchBucket")


def test_a_bucket_policy_granting_list_bucket_to_the_caller_counts(lab):
    s3 = _reader(lab, allow("s3:GetObject", OBJECTS))
    reader = f"arn:aws:iam::{lab.account_id}:user/reader"
    _bucket(lab, policy=doc(allow("s3:ListBucket", BUCKET_ARN, Principal={"AWS": reader})))
    assert _get(s3, "missing.txt")[:2] == (404, "NoSuchKey")
    assert _head(s3, "missing.txt")[:2] == (404, "404")


def test_an_explicit_deny_on_list_bucket_hides_the_missing_key(lab):
    _bucket(lab)
    s3 = _reader(lab, allow("s3:*"), deny("s3:ListBucket", BUCKET_ARN))
    assert _get(s3, "missing.txt") == (403, "AccessDenied", "Access Denied")
    assert _head(s3, "missing.txt")[:2] == (403, "403")
    entry = lab.journal.entries()[-1]
    assert (entry.action, entry.resource, entry.result) == ("s3:ListBucket", BUCKET_ARN, "ExplicitlyDenied")


def test_a_session_policy_without_list_bucket_hides_the_missing_key(lab):
    """IAM User Guide, Permissions for AssumeRole: "The resulting session's permissions are the
    intersection of the role's identity-based policy and the session policies.\""""
    _bucket(lab)
    user = new_user(lab, "caller", policies=[doc(allow("sts:AssumeRole"))])
    role_arn = new_role(
        lab,
        "Reader",
        trusting(f"arn:aws:iam::{lab.account_id}:user/caller"),
        policies=[doc(allow("s3:GetObject", OBJECTS), allow("s3:ListBucket", BUCKET_ARN))],
    )
    whole = assume(user, role_arn)
    narrowed = assume(user, role_arn, Policy=doc(allow("s3:GetObject", OBJECTS)))
    for creds, expected in ((whole, (404, "NoSuchKey")), (narrowed, (403, "AccessDenied"))):
        s3 = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]).client(
            "s3", config=NO_RETRY
        )
        assert _get(s3, "missing.txt")[:2] == expected


def test_across_accounts_the_bucket_policy_must_grant_list_bucket_too(lab):
    """IAM User Guide: for cross-account access "the identity-based policy and the resource-based
    policy must both allow the request"."""
    caller = new_user(lab, "reader", policies=[doc(allow("s3:GetObject"), allow("s3:ListBucket"))])
    reader = f"arn:aws:iam::{lab.account_id}:user/reader"
    read_only = allow("s3:GetObject", OBJECTS, Principal={"AWS": reader})
    _bucket(lab, OTHER, policy=doc(read_only))
    s3 = caller.client("s3", config=NO_RETRY)
    assert s3.get_object(Bucket=BUCKET, Key="there.txt")["Body"].read() == b"here"
    assert _get(s3, "missing.txt")[:2] == (403, "AccessDenied")
    listing = allow("s3:ListBucket", BUCKET_ARN, Principal={"AWS": reader})
    lab.admin_session(OTHER).client("s3").put_bucket_policy(Bucket=BUCKET, Policy=doc(read_only, listing))
    assert _get(s3, "missing.txt")[:2] == (404, "NoSuchKey")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_journal_says_why_the_key_was_hidden(lab, language):
    _bucket(lab)
    s3 = _reader(lab, allow("s3:GetObject", OBJECTS))
    iamlab.set_language(language)
    try:
        assert _get(s3, "missing.txt")[0] == 403
    finally:
        iamlab.set_language("en")
    entry = lab.journal.entries()[-1]
    assert (entry.action, entry.resource, entry.result) == ("s3:ListBucket", BUCKET_ARN, "ImplicitlyDenied")
    assert entry.principal == f"arn:aws:iam::{lab.account_id}:user/reader"
    assert "missing.txt" in entry.message and "s3:ListBucket" in entry.message
    assert ("NoSuchKey" in entry.message) and (("객체" in entry.message) == (language == "ko"))
    assert entry.decision.fix is not None  # the engine's fix: allow s3:ListBucket on the bucket


def test_an_scp_denying_list_bucket_hides_the_missing_key_from_an_administrator(lab):
    """Organizations User Guide, SCP evaluation: "For a permission to be denied for a specific account,
    any SCP from the root through each OU in the direct path to the account (including the target
    account itself) can deny that permission.\""""
    from tests.lab.test_accounts import _organization, _scp

    org, _root, ou, member = _organization(lab)
    _bucket(lab, member)
    s3 = lab.admin_session(member).client("s3", config=NO_RETRY)
    assert _get(s3, "missing.txt")[:2] == (404, "NoSuchKey")
    org.attach_policy(PolicyId=_scp(org, doc(deny("s3:ListBucket")), name="NoListing"), TargetId=ou)
    assert _get(s3, "missing.txt") == (403, "AccessDenied", "Access Denied")
    assert _head(s3, "missing.txt")[:2] == (403, "403")
    assert s3.get_object(Bucket=BUCKET, Key="there.txt")["Body"].read() == b"here"
