"""Bad input gets AWS's own error, never a traceback from inside iamlab."""

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import run_aws


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_unknown_access_key_is_invalid_client_token(lab):
    sts = lab.session("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").client("sts")
    assert error_of(sts.get_caller_identity) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )


def test_unknown_access_key_on_s3_is_invalid_access_key_id(lab):
    s3 = lab.session("AKIAIOSFODNN7EXAMPLE", "secret").client("s3")
    assert error_of(s3.list_buckets)[0] == "InvalidAccessKeyId"


def test_wrong_secret_is_signature_does_not_match(lab, article):
    iam = lab.session(article.access_key_id, "not-the-secret").client("iam")
    code, message = error_of(iam.list_users)
    assert code == "SignatureDoesNotMatch"
    assert message.startswith("The request signature we calculated does not match")


def test_wrong_session_token(lab, article):
    admin = lab.admin_session().client("iam")
    admin.update_assume_role_policy(
        RoleName=article.role_name,
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": article.user_arn}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")
    creds = sts.assume_role(RoleArn=article.role_arn, RoleSessionName="s1")["Credentials"]
    forged = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"], "forged-token")
    assert error_of(forged.client("sts").get_caller_identity)[0] == "InvalidClientTokenId"
    assert error_of(forged.client("s3").list_buckets)[0] == "InvalidToken"
    missing = lab.session(creds["AccessKeyId"], creds["SecretAccessKey"])
    assert error_of(missing.client("sts").get_caller_identity)[0] == "InvalidClientTokenId"


def test_mistyped_role_name_is_no_such_entity(lab, article):
    iam = lab.admin_session().client("iam")
    code, message = error_of(lambda: iam.get_role(RoleName="S3BucketListReadOnlyRol"))
    assert code == "NoSuchEntity"
    assert "S3BucketListReadOnlyRol" in message


def test_assuming_a_mistyped_role_is_access_denied_as_in_aws(lab, article):
    sts = lab.session(article.access_key_id, article.secret_access_key).client("sts")
    code, message = error_of(
        lambda: sts.assume_role(RoleArn=f"arn:aws:iam::{lab.account_id}:role/Typo", RoleSessionName="s1")
    )
    assert code == "AccessDenied"
    assert message.endswith("on resource: arn:aws:iam::123456789012:role/Typo")


def test_malformed_policy_is_refused_with_iam_text(lab):
    iam = lab.admin_session().client("iam")
    code, message = error_of(lambda: iam.create_policy(PolicyName="Broken", PolicyDocument="{not json"))
    assert code == "MalformedPolicyDocument"
    assert message
    assert "Broken" not in [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]


def test_trust_policy_naming_a_missing_user_is_invalid_principal(lab, article):
    iam = lab.admin_session().client("iam")
    nobody = f"arn:aws:iam::{lab.account_id}:user/nobody"
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": nobody}, "Action": "sts:AssumeRole"}],
    }
    code, message = error_of(
        lambda: iam.update_assume_role_policy(RoleName=article.role_name, PolicyDocument=json.dumps(document))
    )
    assert (code, message) == ("MalformedPolicyDocument", f'Invalid principal in policy: "AWS":"{nobody}"')


def test_cli_with_unknown_profile_and_wrong_key(lab):
    env = lab.env()
    code, _, err = run_aws(env, "s3", "ls", "--profile", "nobody")
    assert code != 0 and "could not be found" in err and "Traceback" not in err
    env.update(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="x")
    code, _, err = run_aws(env, "iam", "list-users")
    assert err == (
        "An error occurred (InvalidClientTokenId) when calling the ListUsers operation: "
        "The security token included in the request is invalid."
    )


def test_unsigned_requests_and_the_control_api_are_refused(lab):
    import urllib.request

    for path in ("/", "/moto-api/reset"):
        request = urllib.request.Request(lab.endpoint_url + path, method="POST", data=b"Action=ListUsers")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        assert caught.value.code == 403
        assert b"Traceback" not in caught.value.read()


def test_bucket_policy_without_principal_is_malformed_policy(lab, article):
    s3 = lab.admin_session().client("s3")
    no_principal = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )
    code, _ = error_of(lambda: s3.put_bucket_policy(Bucket=article.bucket, Policy=no_principal))
    assert code == "MalformedPolicy"
    assert error_of(lambda: s3.get_bucket_policy(Bucket=article.bucket))[0] == "NoSuchBucketPolicy"


def test_boundary_for_a_missing_user_is_no_such_entity(lab):
    iam = lab.admin_session().client("iam")
    code, _ = error_of(
        lambda: iam.put_user_permissions_boundary(
            UserName="ghost", PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess"
        )
    )
    assert code == "NoSuchEntity"


def test_missing_or_mistyped_parameters_are_validation_errors(lab, article):
    from botocore.config import Config

    unchecked = Config(parameter_validation=False, retries={"max_attempts": 1})
    iam = lab.admin_session().client("iam", config=unchecked)
    sts = lab.admin_session().client("sts", config=unchecked)
    code, message = error_of(lambda: iam.create_user())
    assert (code, message) == (
        "ValidationError",
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        "Member must not be null",
    )
    assert "admin" in [u["UserName"] for u in iam.list_users()["Users"]]
    assert len(iam.list_users()["Users"]) == 2
    code, _ = error_of(lambda: sts.assume_role(RoleArn=article.role_arn))
    assert code == "ValidationError"
    code, _ = error_of(
        lambda: sts.assume_role(RoleArn=article.role_arn, RoleSessionName="s1", DurationSeconds="abc")
    )
    assert code == "ValidationError"


def test_even_an_administrator_cannot_assume_a_role_that_does_not_exist(lab):
    sts = lab.admin_session().client("sts")
    code, message = error_of(
        lambda: sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/Gone", RoleSessionName="s1")
    )
    assert code == "AccessDenied"
    assert message.endswith("on resource: arn:aws:iam::123456789012:role/Gone")


def test_a_header_override_outside_iso_8859_1_is_invalid_argument(lab, article):
    """S3 answers `response-content-disposition` (any `response-*` header override) that a header
    cannot carry with InvalidArgument, "Header value cannot be represented using ISO-8859-1.",
    in the kernel and over HTTP (where the lab's server could not write it, and the client hung)."""
    s3 = lab.admin_session().client("s3")
    s3.put_object(Bucket=article.bucket, Key="report.txt", Body=b"hi")
    korean = 'attachment; filename="보고서.txt"'
    refused = ("InvalidArgument", "Header value cannot be represented using ISO-8859-1.")
    object_ = {"Bucket": article.bucket, "Key": "report.txt"}
    assert error_of(lambda: s3.get_object(**object_, ResponseContentDisposition=korean)) == refused
    args = ("s3api", "get-object", "--bucket", article.bucket, "--key", "report.txt")
    code, _out, err = run_aws(lab.env(), *args, "--response-content-disposition", korean, "/dev/null")
    assert code != 0 and err.endswith("({}) when calling the GetObject operation: {}".format(*refused)), err
    latin = 'attachment; filename="café.txt"'
    got = s3.get_object(**object_, ResponseContentDisposition=latin)
    assert got["ContentDisposition"] == latin
    code, out, err = run_aws(lab.env(), *args, "--response-content-disposition", latin, "/dev/null")
    assert code == 0 and json.loads(out)["ContentDisposition"] == latin, err
