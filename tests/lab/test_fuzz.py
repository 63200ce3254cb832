"""A fuzzer of the lab's front door: generated methods, paths, queries, headers and bodies.

Requests are signed with jonnung's real key (no permissions, so they pass authentication and
reach the gate), garbled after signing, or sent unsigned. Whatever arrives, the lab must never
answer 5xx, never hang, never let a request succeed unless the policy engine allowed it, and
still answer afterwards.

CI runs a few hundred examples; `IAMLAB_FUZZ_EXAMPLES=20000` runs a long campaign by hand.
"""

from __future__ import annotations

import os
import types
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.lab.raw_http import UnsignedPayload, send, signed

EXAMPLES = int(os.environ.get("IAMLAB_FUZZ_EXAMPLES", "300"))

SEGMENTS = [
    "",
    ".",
    "..",
    "moto-api",
    "%6Doto-api",
    "MOTO-API",
    "%2e%2e",
    "%2F",
    "%00",
    "data.json",
    "reset",
    "jonnung-sample-bucket",
    "key.txt",
    "latest",
    "meta-data",
    "2015-03-31",
    "functions",
    "v20180820",
    "2015-01-01",
    "es",
    "domain",
    "2013-04-01",
    "hostedzone",
    "operation",
    "seed",
    "%252e",
]
QUERY_KEYS = [
    "policy",
    "tagging",
    "acl",
    "versions",
    "uploads",
    "delete",
    "list-type",
    "versionId",
    "Action",
    "Version",
    "UserName",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "uploadId",
    "partNumber",
]
QUERY_VALUES = [
    "",
    "ListUsers",
    "CreateUser",
    "CreateAccessKey",
    "DeleteUser",
    "GetCallerIdentity",
    "AssumeRole",
    "2010-05-08",
    "2011-06-15",
    "admin",
    "AWS4-HMAC-SHA256",
    "-1",
    "604801",
    "1",
    "%00",
]
SERVICES = [
    "s3",
    "iam",
    "sts",
    "ec2",
    "lambda",
    "monitoring",
    "es",
    "dynamodb",
    "logs",
    "sqs",
    "IAM",
    "S3",
    "moto-api",
    "xx",
]
REGIONS = ["ap-northeast-2", "us-east-1", "eu-west-1", "xx-fake-9", "", "US-EAST-1"]
HEADERS = {
    "Content-Type": [
        "application/x-www-form-urlencoded",
        "application/x-amz-json-1.1",
        "application/xml",
        "multipart/form-data; boundary=b",
        "text/plain",
    ],
    "X-Amz-Target": [
        "DynamoDB_20120810.ListTables",
        "AWSLambda.ListFunctions",
        "Logs_20140328.CreateLogGroup",
        "AmazonSQS.ListQueues",
        "x.y",
    ],
    "Content-Encoding": ["aws-chunked", "gzip", "identity"],
    "X-Amz-Content-SHA256": [
        "UNSIGNED-PAYLOAD",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "0" * 64,
        "garbage",
    ],
    "X-Amz-Decoded-Content-Length": ["0", "5", "-1", "abc"],
    "X-Amz-Security-Token": ["FQoGZXIvYXdzEBYaD", ""],
    "X-Moto-Account-Id": ["000000000000", "123456789012"],
    "X-Amz-Copy-Source": ["/jonnung-sample-bucket/key.txt", "%2e%2e/x"],
    "Transfer-Encoding": ["identity"],
    "Expect": ["100-continue"],
}
FORM_BODIES = [
    b"Action=CreateUser&UserName=fuzzed&Version=2010-05-08",
    b"Action=CreateAccessKey&UserName=admin&Version=2010-05-08",
    b"Action=GetCallerIdentity&Version=2011-06-15",
    b"Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:role/S3BucketListReadOnlyRole&RoleSessionName=s"
    b"&Version=2011-06-15",
    b'{"TableName": "t"}',
    b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
]

# Raw attack segments as they are; generated text percent-encoded, as a client would send it.
encoded_text = st.text(max_size=6).map(lambda text: quote(text, safe="-_.~"))
paths = st.lists(st.one_of(st.sampled_from(SEGMENTS), encoded_text), max_size=5).map(
    lambda parts: "/" + "/".join(parts)
)
queries = st.lists(
    st.tuples(st.sampled_from(QUERY_KEYS), st.one_of(st.sampled_from(QUERY_VALUES), encoded_text)),
    max_size=4,
)
headers = st.dictionaries(
    st.sampled_from(sorted(HEADERS)), st.integers(0, 10).map(lambda i: i), max_size=4
).map(lambda chosen: {name: HEADERS[name][i % len(HEADERS[name])] for name, i in chosen.items()})
bodies = st.one_of(st.just(b""), st.sampled_from(FORM_BODIES), st.binary(max_size=64))
GARBLES = [
    "none",
    "signature",
    "two-credentials",
    "service-case",
    "date",
    "drop-host",
    "unsigned",
    "presigned",
]


@pytest.fixture(scope="module")
def door():
    from iamlab import Lab

    with Lab() as lab:
        article = lab.setup_article()
        key = types.SimpleNamespace(
            access_key_id=article.access_key_id, secret_access_key=article.secret_access_key
        )
        yield lab, key


def _query_string(pairs) -> str:
    return "&".join(f"{k}={v}" if v else k for k, v in pairs)


def _request(lab, key, method, path, pairs, extra, body, service, region, garble):
    target = path + (f"?{_query_string(pairs)}" if pairs else "")
    if garble == "unsigned":
        return target, dict(extra)
    if garble == "presigned":
        credential = f"{key.access_key_id}/{lab.clock.now():%Y%m%d}/{region}/{service}/aws4_request"
        params = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", credential),
            ("X-Amz-Date", f"{lab.clock.now():%Y%m%dT%H%M%SZ}"),
            ("X-Amz-Expires", "60"),
            ("X-Amz-SignedHeaders", "host"),
            ("X-Amz-Signature", "0" * 64),
        ]
        return path + "?" + _query_string([*pairs, *params]), dict(extra)
    signer = UnsignedPayload if service == "s3" and "X-Amz-Content-SHA256" not in extra else None
    try:
        headers = signed(
            lab,
            method,
            target,
            key=key,
            service=service,
            region=region or "us-east-1",
            headers=extra,
            body=body,
            signer=signer,
        )
    except Exception:  # botocore refuses to sign some of what we generate: send it unsigned
        return target, dict(extra)
    auth = headers.get("Authorization", "")
    if garble == "signature":
        headers["Authorization"] = auth[:-1] + ("0" if auth[-1] != "0" else "1")
    elif garble == "two-credentials":
        first = f"Credential={key.access_key_id}/{lab.clock.now():%Y%m%d}/us-east-1/iam/aws4_request, "
        headers["Authorization"] = auth.replace("AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256 " + first)
    elif garble == "service-case":
        headers["Authorization"] = auth.replace(f"/{service}/", f"/{service.upper()}/")
    elif garble == "date":
        headers["X-Amz-Date"] = "19990101T000000Z"
    elif garble == "drop-host":
        headers["Authorization"] = auth.replace("SignedHeaders=host;", "SignedHeaders=")
    return target, headers


def _allowed_by_engine(new_entries) -> bool:
    return any(entry.result == "Allowed" for entry in new_entries)


def test_the_front_door_never_fails_open(door):
    """Never a 5xx, never a hang (the socket times out), never a success the engine did not allow;
    and the lab still answers its administrator and jonnung afterwards."""
    lab, key = door

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=EXAMPLES <= 1000,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"]),
        path=paths,
        pairs=queries,
        extra=headers,
        body=bodies,
        service=st.sampled_from(SERVICES),
        region=st.sampled_from(REGIONS),
        garble=st.one_of(st.just("none"), st.sampled_from(GARBLES)),
    )
    def probe(method, path, pairs, extra, body, service, region, garble):
        target, request_headers = _request(
            lab, key, method, path, pairs, extra, body, service, region, garble
        )
        before = len(lab.journal)
        reply = send(lab, method, target, request_headers, body, timeout=60)
        assert reply.status < 500, (method, target, request_headers, reply)
        if 200 <= reply.status < 300:
            new = lab.journal.entries()[before:]
            assert _allowed_by_engine(new), (method, target, request_headers, reply, new)

    probe()
    sts = lab.session(key.access_key_id, key.secret_access_key).client("sts")
    assert sts.get_caller_identity()["Arn"].endswith(":user/jonnung")
    assert "admin" in {u["UserName"] for u in lab.admin_session().client("iam").list_users()["Users"]}
