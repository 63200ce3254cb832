"""moto's views served without Flask answer exactly as moto's server (a Flask app) answers.

`lab/moto/views.py` matches moto's routes and calls its handlers itself, without Flask. Each
request below is answered twice, once that way and once by moto's own Flask app for the service
(`create_backend_app`, with the lab's request class), and the two answers must be the same bytes:
status, every header, body. The one intended difference is Flask-CORS's
`Access-Control-Allow-Origin: *`, which AWS does not send (S3 sends CORS headers only as a
bucket's CORS configuration says).
"""

from __future__ import annotations

import io
import re
from functools import cache

import pytest
from botocore.config import Config
from flask import Request as FlaskRequest
from hypothesis import given, settings
from hypothesis import strategies as st
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.exceptions import HTTPException

from iamlab.lab.moto import views

NO_RETRY = Config(retries={"max_attempts": 0})
CORS = "access-control-allow-origin"


@cache
def _flask_app(backend: str, request_class):
    app = create_backend_app(backend)
    app.request_class = type(f"Flask{request_class.__name__}", (request_class, FlaskRequest), {})
    return app


def _through_flask(routes, environ, request_class, on_view=None):
    """moto's server's answer: its Flask app, told the handler's name as the lab's views are."""
    app = _flask_app(routes.backend, request_class)
    try:
        endpoint, _ = app.url_map.bind_to_environ(environ).match()
    except HTTPException:
        pass
    else:
        if on_view is not None:
            on_view(app.view_functions[endpoint].callback)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = int(status.split(" ", 1)[0]), headers

    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], body


@pytest.fixture
def both_ways(lab, monkeypatch):
    """Serve every request twice (directly, then through Flask); collect both answers."""
    pairs = []
    handle = lab.front.handle

    def twice(environ):
        body = environ["wsgi.input"].read()

        def fresh():
            return dict(environ, **{"wsgi.input": io.BytesIO(body)})

        direct = handle(fresh())
        with monkeypatch.context() as patch:
            patch.setattr(views, "serve", _through_flask)
            through_flask = handle(fresh())
        pairs.append((direct, through_flask))
        return direct

    monkeypatch.setattr(lab.front, "handle", twice)
    return pairs


def _comparable(answer):
    """An answer with its per-request ID (which differs between the two runs) blanked."""
    status, headers, body = answer
    ids = {v for k, v in headers.items() if k.lower() in ("x-amzn-requestid", "x-amz-request-id")}
    for request_id in ids:
        body = body.replace(request_id.encode(), b"<id>")
    body = re.sub(rb'"RequestId": ?"[^"]*"', b'"RequestId": "<id>"', body)
    kept = {k.lower(): ("<id>" if v in ids else v) for k, v in headers.items() if k.lower() != "date"}
    return status, kept, body


def _assert_same(pairs):
    assert pairs
    cors = 0
    for direct, through_flask in pairs:
        status, headers, body = _comparable(direct)
        flask_status, flask_headers, flask_body = _comparable(through_flask)
        cors += flask_headers.pop(CORS, None) == "*"  # absent where the lab words the answer itself
        assert CORS not in headers
        assert (status, headers, body) == (flask_status, flask_headers, flask_body)
    assert cors, "no answer came through Flask"


def test_s3_answers_are_the_same_bytes(lab, both_ways):
    admin = lab.admin_session()
    s3 = admin.client("s3", config=NO_RETRY)
    s3.create_bucket(Bucket="views-bucket", CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket="views-bucket", Key="a/b.txt", Body=b"hello bytes \x00\xff")
    both_ways.clear()
    s3.list_buckets()
    s3.head_bucket(Bucket="views-bucket")  # HEAD: headers only
    s3.get_object(Bucket="views-bucket", Key="a/b.txt")
    s3.get_object(Bucket="views-bucket", Key="a/b.txt", Range="bytes=0-4")  # 206
    s3.list_objects_v2(Bucket="views-bucket", Prefix="a/")
    s3.get_bucket_location(Bucket="views-bucket")
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket="views-bucket", Key="missing")  # 404 with no body
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket="views-bucket", Key="missing")
    _assert_same(both_ways)


def test_query_json_and_rest_json_answers_are_the_same_bytes(lab, both_ways):
    admin = lab.admin_session()
    iam = admin.client("iam", config=NO_RETRY)
    iam.list_users()
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName="nobody")
    admin.client("sts", config=NO_RETRY).get_caller_identity()
    dynamodb = admin.client("dynamodb", config=NO_RETRY)
    dynamodb.list_tables()
    with pytest.raises(dynamodb.exceptions.ResourceNotFoundException):
        dynamodb.describe_table(TableName="missing")
    admin.client("sqs", config=NO_RETRY).list_queues()
    admin.client("lambda", config=NO_RETRY).list_functions()
    admin.client("sesv2", config=NO_RETRY).list_email_identities()
    kms = admin.client("kms", config=NO_RETRY)
    kms.list_keys()
    with pytest.raises(kms.exceptions.NotFoundException):
        kms.describe_key(KeyId="alias/missing")
    _assert_same(both_ways)


def test_head_of_a_missing_object_is_404_not_found(lab):
    """S3 API Reference, HeadObject: "If you have the s3:ListBucket permission on the bucket, Amazon
    S3 returns an HTTP status code 404 Not Found error." A HEAD answer has no body, so SDKs see
    only the status: botocore names the error "404" (the lab used to turn it into a 405)."""
    s3 = lab.admin_session().client("s3", config=NO_RETRY)
    s3.create_bucket(Bucket="views-bucket", CreateBucketConfiguration={"LocationConstraint": lab.region})
    with pytest.raises(s3.exceptions.ClientError) as raised:
        s3.head_object(Bucket="views-bucket", Key="missing")
    error = raised.value.response
    assert (error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]) == ("404", 404)
    with pytest.raises(s3.exceptions.ClientError) as raised:
        s3.head_bucket(Bucket="no-such-views-bucket")
    assert raised.value.response["Error"]["Code"] == "404"


_HEADER_NAMES = st.sampled_from(
    [
        "Content-Type",
        "content-type",
        "Content-Length",
        "content-length",
        "ETag",
        "x-amz-id-2",
        "Location",
        "content-location",
        "x-amzn-RequestId",
        "Last-Modified",
    ]
)
_HEADER_VALUES = st.one_of(
    st.text(max_size=12), st.integers(0, 10**6), st.lists(st.text(max_size=3), max_size=2)
)


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]),
    status=st.sampled_from([200, 201, 204, 206, 301, 304, 400, 403, 404, 500]),
    headers=st.dictionaries(_HEADER_NAMES, _HEADER_VALUES, max_size=5),
    content=st.one_of(st.binary(max_size=20), st.text(max_size=20)),
)
def test_an_answer_built_without_a_response_object_is_the_response_s_bytes(method, status, headers, content):
    """The short way (`_plain_answer`) must send what the werkzeug response moto builds sends:
    the same status, the same headers in the same order, the same body; or decline."""
    environ = {
        "REQUEST_METHOD": method,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "PATH_INFO": "/",
    }
    plain = views._plain_answer(method, status, dict(headers), content)
    if plain is None:
        return
    request = type("R", (), {"method": method})()
    assert plain == views._wsgi_answer(views._response(request, status, dict(headers), content), environ)


def test_the_short_way_serves_the_common_answer():
    """Not a test that cannot fail: a 200 with text headers takes the short way."""
    assert views._plain_answer("GET", 200, {"ETag": '"1"', "content-length": 9}, b"abc") == (
        200,
        [("ETag", '"1"'), ("Content-Length", "3"), ("Content-Type", views._DEFAULT_TYPE)],
        b"abc",
    )
