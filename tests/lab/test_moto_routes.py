"""The lab's route table of each moto backend is moto's server's, without Flask (`lab/moto/routes.py`).

The reference is moto's own Flask app for the backend (tests may import Flask; the lab may not).
"""

from __future__ import annotations

import io

import pytest
from moto.backends import get_backend, list_of_moto_modules
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.test import EnvironBuilder

from iamlab.lab.moto import routes, views
from iamlab.lab.wire.front import _BodyAsSent, _LabRequest

CORS = "Access-Control-Allow-Origin"


def served_backends():
    for name in list_of_moto_modules():
        try:
            get_backend(name)
        except AttributeError:  # helper packages (core, utilities, moto_server...) serve nothing
            continue
        yield name


def _rules(url_map, handler_of):
    return [
        (rule.rule, sorted(rule.methods), rule.strict_slashes, [c.regex for c in rule._converters.values()],
         handler_of(rule.endpoint))
        for rule in url_map.iter_rules()
    ]  # fmt: skip


def test_every_backend_has_moto_servers_rules_in_moto_servers_order():
    """Same rules, methods, slashes, patterns and handlers, in the same order (one endpoint a rule
    in both, so this is the order they were added): werkzeug then picks the same rule for every
    path, as it breaks ties by that order."""
    backends = list(served_backends())
    assert len(backends) > 150
    for backend in backends:
        app = create_backend_app(backend)
        theirs = _rules(app.url_map, lambda endpoint, app=app: app.view_functions[endpoint].callback)
        ours = _rules(routes.of(backend).map, routes.of(backend).handlers.__getitem__)
        assert ours == theirs, backend
        assert routes.of(backend).map.merge_slashes == app.url_map.merge_slashes


def _environ(method, path):
    return EnvironBuilder(method=method, path=path, headers={"Host": "127.0.0.1:4566"}).get_environ()


def _through_flask(backend, environ):
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = int(status.split(" ", 1)[0]), headers

    body = b"".join(create_backend_app(backend)(environ, start_response))
    return captured["status"], [h for h in captured["headers"] if h[0] != CORS], body


@pytest.mark.parametrize(
    ("backend", "method", "path", "status"),
    [
        ("iam", "GET", "/no-such-route", 404),
        ("awslambda", "HEAD", "/no-such-route", 404),
        ("iam", "TRACE", "/", 405),
        ("s3", "PROPFIND", "/bucket", 405),
        ("awslambda", "GET", "/2015-03-31//functions/", 308),  # merged slashes: a redirect
        ("apigateway", "GET", "/restapis//x", 308),
    ],
)
def test_a_request_no_route_serves_is_answered_as_moto_servers_app_answers_it(backend, method, path, status):
    ours = views.serve(routes.of(backend), _environ(method, path), _LabRequest)
    assert ours[0] == status
    assert ours == _through_flask(backend, _environ(method, path))


def test_flasks_static_route_never_reached_moto_and_a_bucket_named_static_is_s3s(lab):
    """Flask adds `/static/<path:filename>` to every app, and moto's server replaces the map right
    after: `static` is a bucket name like any other, for the bucket and its keys alike."""
    s3_routes = routes.of("s3")
    assert s3_routes.handler("/static/a/b.txt", "GET") is s3_routes.handler("/other/a/b.txt", "GET")
    assert s3_routes.handler("/static", "PUT") is s3_routes.handler("/other", "PUT")
    app = create_backend_app("s3")
    assert all("static" not in rule.rule for rule in app.url_map.iter_rules())

    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket="static", CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket="static", Key="css/site.css", Body=b"body { color: teal }")
    assert s3.get_object(Bucket="static", Key="css/site.css")["Body"].read() == b"body { color: teal }"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="static")["Contents"]] == ["css/site.css"]
    assert "static" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_s3_form_bodies_are_stored_as_sent_and_other_services_read_forms():
    """The two request classes moto's handlers get read bodies as moto's server reads them."""
    form = "application/x-www-form-urlencoded"
    environ = EnvironBuilder(method="PUT", path="/b/k", data=b"a=1&b=2", content_type=form).get_environ()
    assert _BodyAsSent(environ).get_data() == b"a=1&b=2"
    assert not _BodyAsSent(dict(environ, **{"wsgi.input": io.BytesIO(b"a=1&b=2")})).form
    environ = EnvironBuilder(method="POST", path="/", data=b"Action=ListUsers", content_type=form)
    request = _LabRequest(environ.get_environ())
    assert request.form["Action"] == "ListUsers" and request.from_wsgi_server


def test_the_lab_reads_bodies_within_the_limits_moto_servers_flask_requests_have():
    from moto.moto_server.werkzeug_app import BackendRequest

    environ = _environ("POST", "/")
    with create_backend_app("sqs").app_context():  # where Flask's request reads its app's config
        flask_request = BackendRequest(environ)
        limits = ("max_content_length", "max_form_memory_size", "max_form_parts", "from_wsgi_server")
        assert {n: getattr(_LabRequest(environ), n) for n in limits} == {
            n: getattr(flask_request, n) for n in limits
        }
