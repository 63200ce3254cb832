"""The wire-level holes of the red-team run (issue 8), replayed over raw HTTP against a running lab.

Each test sends what an attacker or an unusual client sends, byte for byte, and checks the lab
answers as AWS does: nothing reaches moto's control API, one request has one credential scope,
signatures are bound to time, host and region, and malformed framing never costs a thread.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import socket
import types
import zlib

import pytest

from tests.lab.helpers import allow, doc
from tests.lab.raw_http import (
    UnsignedPayload,
    UnsignedTrailer,
    lab_time,
    presigned,
    put_framed,
    send,
    send_chunked,
    signed,
)


def user_key(lab, name, *statements):
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return types.SimpleNamespace(access_key_id=key["AccessKeyId"], secret_access_key=key["SecretAccessKey"])


def admin_key(lab):
    return lab.admin_keys


def users(lab):
    return {u["UserName"] for u in lab.admin_session().client("iam").list_users()["Users"]}


# -- 1. moto's control API ----------------------------------------------------------------------

CONTROL_PATHS = [
    "/moto-api/data.json",
    "/%6Doto-api/data.json",
    "/%6d%6F%74%6f-api/data.json",
    "/MOTO-API/data.json",
    "//moto-api/data.json",
    "/./moto-api/data.json",
    "/x/../moto-api/data.json",
    "/%2e/moto-api/data.json",
    "/%252e/moto-api/data.json",
    "/%2Fmoto-api/reset",
]


@pytest.mark.parametrize("path", CONTROL_PATHS)
def test_the_control_api_is_unreachable_however_the_path_is_spelled(lab, article, path):
    """`GET /%6Doto-api/data.json` signed with any key returned the whole state, the admin's secret too."""
    method = "POST" if path.endswith("reset") else "GET"
    # Signed for a service no request has used yet, so moto's router (not a cached app) picks the target.
    reply = send(lab, method, path, signed(lab, method, path, key=article, service="sqs"))
    assert reply.status == 403 and reply.code == "AccessDenied"
    assert admin_key(lab).secret_access_key.encode() not in reply.body
    assert "admin" in users(lab)


# -- 2. one credential scope, a known service, case-exact -------------------------------------------


def test_two_credential_scopes_are_refused(lab):
    """A `cloudwatch:*` user signed for CloudWatch and put an IAM scope first: moto ran iam:CreateUser."""
    key = user_key(lab, "watcher", allow("cloudwatch:*"))
    body = b"Action=CreateUser&UserName=intruder&Version=2010-05-08"
    headers = signed(
        lab,
        "POST",
        "/",
        key=key,
        service="monitoring",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    date = headers["X-Amz-Date"][:8]
    iam_scope = f"Credential={key.access_key_id}/{date}/us-east-1/iam/aws4_request, "
    headers["Authorization"] = headers["Authorization"].replace(
        "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 " + iam_scope
    )
    reply = send(lab, "POST", "/", headers, body)
    assert (reply.status, reply.code) == (400, "IncompleteSignature")
    assert "intruder" not in users(lab)
    cloudwatch = lab.admin_session().client("cloudwatch")
    assert cloudwatch.list_metrics()["Metrics"] == []  # CloudWatch still works for everyone


def test_a_header_signature_and_a_presigned_query_together_are_refused(lab, article):
    """Two ways of signing in one request leave it ambiguous which one authenticates it."""
    url = presigned(lab, "GET", "/", key=admin_key(lab))
    reply = send(lab, "GET", url, signed(lab, "GET", url, key=article))
    assert (reply.status, reply.code) == (400, "InvalidArgument")


@pytest.mark.parametrize("field", ["SignedHeaders", "Signature"])
def test_duplicated_signature_fields_are_refused(lab, article, field):
    headers = signed(lab, "GET", "/", key=article)
    value = headers["Authorization"].split(f"{field}=")[1].split(",")[0]
    headers["Authorization"] += f", {field}={value}"
    reply = send(lab, "GET", "/", headers)
    assert (reply.status, reply.code) == (400, "IncompleteSignature")


def test_a_service_name_in_the_wrong_case_is_refused(lab):
    """A scope naming `IAM` skipped the IAM resource mapping, so a Deny on user/admin was bypassed."""
    key = user_key(
        lab,
        "almost_admin",
        allow("iam:*"),
        {"Effect": "Deny", "Action": "iam:*", "Resource": f"arn:aws:iam::{lab.account_id}:user/admin"},
    )
    body = b"Action=CreateAccessKey&UserName=admin&Version=2010-05-08"
    headers = signed(
        lab,
        "POST",
        "/",
        key=key,
        service="IAM",
        region="us-east-1",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    reply = send(lab, "POST", "/", headers, body)
    assert (reply.status, reply.code) == (403, "SignatureDoesNotMatch")
    assert reply.message == "Credential should be scoped to correct service: 'iam'. "
    keys = lab.admin_session().client("iam").list_access_keys(UserName="admin")["AccessKeyMetadata"]
    assert len(keys) == 1


# -- 7. signatures bound to time, host and region -----------------------------------------------------


@pytest.mark.parametrize("year", [1999, 2100])
def test_a_signature_far_from_the_lab_clock_is_refused(lab, article, year):
    """IAM User Guide: "the request must reach AWS within five minutes of the time stamp in the
    request" (SigV4 accepts 15 minutes of skew), so a captured request cannot replay forever."""
    when = lab.clock.now().replace(year=year)
    reply = send(lab, "GET", "/", signed(lab, "GET", "/", key=article, when=when))
    assert (reply.status, reply.code) == (403, "RequestTimeTooSkewed")
    assert reply.message == "The difference between the request time and the current time is too large."
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    headers = signed(lab, "POST", "/", key=article, service="sts", headers=form, body=body, when=when)
    reply = send(lab, "POST", "/", headers, body)
    assert (reply.status, reply.code) == (403, "SignatureDoesNotMatch")
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    assert reply.message.startswith(
        f"Signature expired: {stamp} is now earlier than"
        if year < 2000
        else f"Signature not yet current: {stamp} is still later than"
    )


def test_fourteen_minutes_of_skew_are_accepted(lab, article):
    when = lab.clock.now() - dt.timedelta(minutes=14)
    assert send(lab, "GET", "/", signed(lab, "GET", "/", key=article, when=when)).code == "AccessDenied"


def test_the_scope_date_must_be_the_request_date(lab, article):
    headers = signed(lab, "GET", "/", key=article)
    date = headers["X-Amz-Date"][:8]
    headers["Authorization"] = headers["Authorization"].replace(f"/{date}/", "/20200101/")
    reply = send(lab, "GET", "/", headers)
    assert (reply.status, reply.code) == (400, "AuthorizationHeaderMalformed")


@pytest.mark.parametrize(
    "signed_headers, answer",
    [
        ("", (400, "IncompleteSignature", "Authorization header requires 'SignedHeaders' parameter.")),
        (
            "x-amz-content-sha256;x-amz-date",
            (403, "AccessDenied", "There were headers present in the request which were not signed"),
        ),
    ],
)
def test_host_must_be_signed(lab, signed_headers, answer):
    """An empty SignedHeaders or one without `host` let a signature be replayed to any host."""
    headers = signed(lab, "GET", "/", key=admin_key(lab))
    headers["Authorization"] = headers["Authorization"].replace(
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date", f"SignedHeaders={signed_headers}"
    )
    reply = send(lab, "GET", "/", headers)
    assert (reply.status, reply.code, reply.message) == answer


def test_host_must_be_signed_outside_s3_too(lab):
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    headers = signed(lab, "POST", "/", key=admin_key(lab), service="sts", headers=form, body=body)
    headers["Authorization"] = headers["Authorization"].replace(";host;", ";")
    reply = send(lab, "POST", "/", headers, body)
    assert (reply.status, reply.code, reply.message) == (
        400,
        "IncompleteSignature",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )


def test_the_region_must_be_a_real_one(lab, article):
    reply = send(lab, "GET", "/", signed(lab, "GET", "/", key=article, region="xx-fake-9"))
    assert (reply.status, reply.code) == (400, "AuthorizationHeaderMalformed")
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    headers = signed(
        lab, "POST", "/", key=article, service="sts", region="xx-fake-9", headers=form, body=body
    )
    reply = send(lab, "POST", "/", headers, body)
    assert (reply.code, reply.message) == (
        "SignatureDoesNotMatch",
        "Credential should be scoped to a valid region, not 'xx-fake-9'. ",
    )


def test_presigned_urls_expire(lab, article):
    """S3 presigned URLs are valid for X-Amz-Expires seconds (at most 604800, seven days)."""
    lab.admin_session().client("s3").put_object(Bucket=article.bucket, Key="note.txt", Body=b"hi")
    url = presigned(lab, "GET", f"/{article.bucket}/note.txt", key=admin_key(lab), expires=60)
    assert send(lab, "GET", url).body == b"hi"
    lab.clock.advance(seconds=61)
    reply = send(lab, "GET", url)
    assert (reply.status, reply.code, reply.message) == (403, "AccessDenied", "Request has expired")
    too_long = url.replace("X-Amz-Expires=60", "X-Amz-Expires=604801")
    assert send(lab, "GET", too_long).code == "AuthorizationQueryParametersError"


# -- robustness at the door -----------------------------------------------------------------------------


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "+5"])
def test_a_malformed_content_length_is_a_bad_request(lab, article, length):
    """`Content-Length: abc` or `-5` printed a traceback; HTTP allows digits only."""
    headers = signed(lab, "PUT", f"/{article.bucket}/k", key=admin_key(lab)) | {"Content-Length": length}
    reply = send(lab, "PUT", f"/{article.bucket}/k", headers)
    assert (reply.status, reply.code) == (400, "BadRequest")
    assert reply.headers.get("Connection") == "close"


def test_a_negative_content_length_does_not_hang_a_thread(lab, article):
    """A signed `Content-Length: -1` used to make the lab read until the client hung up."""
    headers = signed(lab, "PUT", f"/{article.bucket}/k", key=admin_key(lab)) | {"Content-Length": "-1"}
    reply = send(lab, "PUT", f"/{article.bucket}/k", headers, timeout=30)
    assert (reply.status, reply.code) == (400, "BadRequest")
    assert send(lab, "GET", "/", signed(lab, "GET", "/", key=admin_key(lab))).status == 200


def test_an_unsigned_body_is_never_read(lab):
    """An unsigned 300 MB POST grew the kernel by 300 MB: the lab answers before reading any of it."""
    with socket.create_connection(("127.0.0.1", lab.port), timeout=30) as raw:
        raw.sendall(
            b"POST / HTTP/1.1\r\nHost: lab\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 300000000\r\n\r\nAction=ListUsers"
        )
        answer = raw.recv(65536)
    assert answer.startswith(b"HTTP/1.1 403") and b"MissingAuthenticationToken" in answer


def test_a_body_over_the_limit_is_refused_before_it_is_read(lab, article):
    from iamlab.lab.wire.request import MAX_BODY

    path = f"/{article.bucket}/big"
    headers = signed(lab, "PUT", path, key=admin_key(lab), signer=UnsignedPayload)
    headers["Content-Length"] = str(MAX_BODY + 1)
    reply = send(lab, "PUT", path, headers)  # no body sent at all: the answer cannot wait for it
    assert (reply.status, reply.code) == (400, "EntityTooLarge")


def test_moto_html_pages_become_aws_errors(lab, article):
    body = b"Action=ListUsers&Version=2010-05-08"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    path = "/no/such/route"
    headers = signed(
        lab, "POST", path, key=admin_key(lab), service="iam", region="us-east-1", headers=form, body=body
    )
    reply = send(lab, "POST", path, headers, body)
    assert (reply.status, reply.code) == (400, "InvalidAction") and b"<html" not in reply.body.lower()


# -- D. no byte lost on any S3 write ----------------------------------------------------------------------

PAYLOAD = bytes(range(256)) * 300 + b"Action=CreateUser&policy=&tagging="


def read_back(lab, bucket, key) -> bytes:
    return lab.admin_session().client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def test_a_chunked_upload_without_content_length_is_stored_whole(lab, article):
    """The JavaScript SDK v3 streams a PutObject body with Transfer-Encoding: chunked, no Content-Length."""
    path = f"/{article.bucket}/streamed.bin"
    headers = signed(lab, "PUT", path, key=admin_key(lab), signer=UnsignedPayload)
    reply = send_chunked(lab, "PUT", path, headers, [PAYLOAD[:1000], PAYLOAD[1000:50000], PAYLOAD[50000:]])
    assert reply.status == 200
    assert read_back(lab, article.bucket, "streamed.bin") == PAYLOAD


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_any_content_type_is_stored_byte_for_byte(lab, article, content_type):
    """`curl -d` and urllib send application/x-www-form-urlencoded; moto stored such objects empty."""
    path = f"/{article.bucket}/form.txt"
    headers = signed(
        lab, "PUT", path, key=admin_key(lab), headers={"Content-Type": content_type}, body=PAYLOAD
    )
    assert send(lab, "PUT", path, headers, PAYLOAD).status == 200
    s3 = lab.admin_session().client("s3")
    got = s3.get_object(Bucket=article.bucket, Key="form.txt")
    assert got["Body"].read() == PAYLOAD and got["ContentType"] == content_type
    assert not _has_policy(s3, article.bucket)  # the body's `policy=` never became a subresource


def _has_policy(s3, bucket) -> bool:
    try:
        s3.get_bucket_policy(Bucket=bucket)
        return True
    except s3.exceptions.ClientError:
        return False


def aws_chunked(lab, key, path, data, *, pieces, trailer=None, corrupt=False, decoded_length=True):
    """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload, framed and chunk-signed as S3's documentation shows."""
    from botocore.auth import S3SigV4Auth

    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")

    class Streaming(S3SigV4Auth):
        def payload(self, request):
            return mode

    extra = {"Content-Encoding": "aws-chunked"}
    if decoded_length:
        extra["X-Amz-Decoded-Content-Length"] = str(len(data))
    if trailer:
        extra["X-Amz-Trailer"] = trailer[0]
    headers = signed(lab, "PUT", path, key=key, headers=extra, signer=Streaming)
    amz_date = headers["X-Amz-Date"]
    scope = f"{amz_date[:8]}/{lab.region}/s3/aws4_request"
    signing = ("AWS4" + key.secret_access_key).encode()
    for part in (amz_date[:8], lab.region, "s3", "aws4_request"):
        signing = hmac.new(signing, part.encode(), hashlib.sha256).digest()
    previous = headers["Authorization"].rsplit("Signature=", 1)[1]
    empty = hashlib.sha256(b"").hexdigest()
    body = b""
    for piece in [*pieces, b""]:
        text = "\n".join(
            ["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, empty, hashlib.sha256(piece).hexdigest()]
        )
        previous = hmac.new(signing, text.encode(), hashlib.sha256).hexdigest()
        sent = ("0" * 64 if corrupt else previous) if piece else previous
        body += f"{len(piece):x};chunk-signature={sent}\r\n".encode() + piece + (b"\r\n" if piece else b"")
    if trailer:
        line = f"{trailer[0]}:{trailer[1]}\n"
        text = "\n".join(
            ["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous, hashlib.sha256(line.encode()).hexdigest()]
        )
        signature = hmac.new(signing, text.encode(), hashlib.sha256).hexdigest()
        body += f"{trailer[0]}:{trailer[1]}\r\nx-amz-trailer-signature:{signature}\r\n".encode()
    body += b"\r\n"
    return headers, body


def crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


@pytest.mark.parametrize("trailer", [False, True])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_signed_aws_chunked_uploads_are_stored_whole(lab, article, trailer, framing):
    path = f"/{article.bucket}/signed.bin"
    pieces = [PAYLOAD[:8192], PAYLOAD[8192:70000], PAYLOAD[70000:]]
    headers, body = aws_chunked(
        lab,
        admin_key(lab),
        path,
        PAYLOAD,
        pieces=pieces,
        trailer=("x-amz-checksum-crc32", crc32(PAYLOAD)) if trailer else None,
    )
    reply = put_framed(lab, path, headers, body, framing)
    assert reply.status == 200, reply.body
    assert read_back(lab, article.bucket, "signed.bin") == PAYLOAD


def test_a_forged_chunk_signature_is_refused(lab, article):
    """Each chunk's signature chains from the one before: a changed chunk is SignatureDoesNotMatch."""
    path = f"/{article.bucket}/forged.bin"
    headers, body = aws_chunked(
        lab, admin_key(lab), path, PAYLOAD, pieces=[PAYLOAD[:9000], PAYLOAD[9000:]], corrupt=True
    )
    reply = put_framed(lab, path, headers, body, "content-length")
    assert (reply.status, reply.code) == (403, "SignatureDoesNotMatch")
    assert "forged.bin" not in str(lab.admin_session().client("s3").list_objects_v2(Bucket=article.bucket))


def unsigned_trailer_body(data: bytes, checksum: str) -> bytes:
    return (
        f"{len(data):x}\r\n".encode()
        + data
        + b"\r\n0\r\n"
        + f"x-amz-checksum-crc32:{checksum}\r\n\r\n".encode()
    )


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_unsigned_trailer_uploads_are_stored_whole_and_checked(lab, article, framing):
    """STREAMING-UNSIGNED-PAYLOAD-TRAILER is what current SDKs send for a checksummed PutObject."""
    path = f"/{article.bucket}/trailer.bin"
    extra = {
        "X-Amz-Content-SHA256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "Content-Encoding": "aws-chunked",
        "X-Amz-Trailer": "x-amz-checksum-crc32",
        "X-Amz-Decoded-Content-Length": str(len(PAYLOAD)),
    }
    headers = signed(lab, "PUT", path, key=admin_key(lab), headers=extra, signer=UnsignedTrailer)
    assert headers["X-Amz-Content-SHA256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    body = unsigned_trailer_body(PAYLOAD, crc32(PAYLOAD))
    reply = put_framed(lab, path, headers, body, framing)
    assert reply.status == 200, reply.body
    assert read_back(lab, article.bucket, "trailer.bin") == PAYLOAD
    reply = put_framed(lab, path, headers, unsigned_trailer_body(PAYLOAD, crc32(b"other")), framing)
    assert (reply.status, reply.code) == (400, "BadDigest")


def test_boto3_uploads_with_checksums_are_stored_whole(lab, article):
    s3 = lab.admin_session().client("s3")
    for algorithm in ("CRC32", "SHA256"):
        s3.put_object(Bucket=article.bucket, Key="sdk.bin", Body=PAYLOAD, ChecksumAlgorithm=algorithm)
        assert read_back(lab, article.bucket, "sdk.bin") == PAYLOAD


# -- curl, a client with its own SigV4 and its own clock ----------------------------------------------------


def _curl():
    import shutil
    import subprocess

    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed (.ci/run installs it)")
    version = subprocess.run([curl, "--version"], capture_output=True, text=True).stdout.split()[1]
    if tuple(int(p) for p in version.split(".")[:2]) < (7, 75):
        pytest.skip(f"curl {version} has no --aws-sigv4")
    return curl


def test_curl_form_typed_put_and_presigned_get(lab, article, tmp_path):
    """`curl --aws-sigv4 --data-binary` sends a form content type; the object keeps every byte."""
    import subprocess

    curl = _curl()
    data = tmp_path / "data.bin"
    data.write_bytes(PAYLOAD)
    key = admin_key(lab)
    url = f"{lab.endpoint_url}/{article.bucket}/curl.bin"
    put = subprocess.run(
        [
            curl,
            "-sS",
            "-X",
            "PUT",
            "--aws-sigv4",
            f"aws:amz:{lab.region}:s3",
            "--user",
            f"{key.access_key_id}:{key.secret_access_key}",
            "--data-binary",
            f"@{data}",
            "-w",
            "%{http_code}",
            url,
        ],
        capture_output=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "NO_PROXY": "*"},
    )
    assert put.stdout.endswith(b"200"), put
    assert read_back(lab, article.bucket, "curl.bin") == PAYLOAD
    s3 = lab.session(key.access_key_id, key.secret_access_key).client("s3")
    link = s3.generate_presigned_url("get_object", Params={"Bucket": article.bucket, "Key": "curl.bin"})
    got = subprocess.run(
        [curl, "-sS", "--fail", link],
        capture_output=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "NO_PROXY": "*"},
    )
    assert got.returncode == 0 and got.stdout == PAYLOAD



def test_curl_opens_a_presigned_url_at_aws_hostname_only_in_lab_env(lab, article):
    """The AWS CLI before 2.13 presigns for AWS's hostname (`https://BUCKET.s3.REGION.amazonaws.com/…`);
    `curl "$URL"` in lab.env() reaches the lab's proxy, which answers over TLS with the lab's
    certificate: lab.env() makes curl trust it (CURL_CA_BUNDLE), and nothing else does."""
    import subprocess

    from botocore.auth import S3SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    curl = _curl()
    key = admin_key(lab)
    lab.admin_session().client("s3").put_object(Bucket=article.bucket, Key="shared.txt", Body=b"hello")
    request = AWSRequest("GET", f"https://{article.bucket}.s3.{lab.region}.amazonaws.com/shared.txt")
    with lab_time(lab):
        S3SigV4QueryAuth(Credentials(key.access_key_id, key.secret_access_key), "s3", lab.region).add_auth(
            request
        )
    env = lab.env()
    got = subprocess.run([curl, "-sS", "--fail", request.url], capture_output=True, timeout=60, env=env)
    assert (got.returncode, got.stdout) == (0, b"hello"), got.stderr
    del env["CURL_CA_BUNDLE"]
    refused = subprocess.run([curl, "-sS", request.url], capture_output=True, timeout=60, env=env)
    assert refused.returncode == 60 and refused.stdout == b""  # curl: (60) SSL certificate problem

def test_the_lab_still_answers_after_all_this(lab, article):
    for path in CONTROL_PATHS:
        send(lab, "GET", path, {"Content-Length": "-1"})
    assert lab.admin_session().client("sts").get_caller_identity()["Account"] == lab.account_id
