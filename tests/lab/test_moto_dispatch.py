"""The lab picks the moto backend moto's own server picks, for every signing name (`lab/moto/dispatch.py`).

The reference is moto's `DomainDispatcherApplication` (which imports Flask: tests may, the lab may
not), shown the same signed request.
"""

from __future__ import annotations

import itertools
from functools import cache

import botocore.session
import pytest
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import EnvironBuilder

from iamlab.lab.moto import dispatch

REGIONS = ("ap-northeast-2", "us-east-1")
LOCAL = "127.0.0.1:4566"
# The parts of a request moto's server looks at besides the scope: (method, path, X-Amz-Target, host).
PLAIN = (("POST", "/", None, LOCAL), ("POST", "/", "Service_20200101.Operation", LOCAL))
SHAPES = PLAIN + tuple(
    itertools.product(
        ("GET", "POST"),
        ("/v2/email/identities", "/v20180820/configuration", "/@connections/abc", "/endpoints/e/invocations",
         "/BatchPutMetrics", "/foundation-models", "/agents/", "/model/m/invoke", "/runtimes/", "/v2/x"),
        (None, "", "DynamoDB_20120810.ListTables", "DynamoDBStreams_20120810.ListStreams",
         "DynamoDB_20111205.ListTables", "DynamoDB.ListTables", "MediaStore_20170901.ListContainers"),
        (LOCAL, "123456789012.s3-control.ap-northeast-2.amazonaws.com"),
    )
)  # fmt: skip
# Signing names moto's server tells apart by more than the name: every shape above is tried on these.
SPECIAL = ("dynamodb", "s3", "ses", "sagemaker", "execute-api", "mediastore", "bedrock", "bedrock-agentcore",
           "timestream", "memorydb", "budgets", "cloudfront", "dsql", "s3vectors", "aidevops")  # fmt: skip


@cache
def signing_names() -> tuple[str, ...]:
    """Every name botocore's models sign with (their signingName, else their endpointPrefix)."""
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    names = set()
    for service in session.get_available_services():
        metadata = loader.load_service_model(service, "service-2")["metadata"]
        names.add(metadata.get("signingName") or metadata["endpointPrefix"])
    return tuple(sorted(names))


def _environ(signing_name, region, shape):
    method, path, target, host = shape
    scope = f"20261129/{region}/{signing_name}/aws4_request"
    headers = {
        "Host": host,
        "Authorization": f"AWS4-HMAC-SHA256 Credential=AKID/{scope}, SignedHeaders=host, Signature=abc",
    }
    if target is not None:
        headers["X-Amz-Target"] = target
    return EnvironBuilder(method=method, path=path, headers=headers).get_environ()


REFUSED = "refused (not served)"


def _theirs(moto_server, environ):
    try:
        host = moto_server.infer_service_region_host(environ, environ["PATH_INFO"])
    except (LookupError, AttributeError, ValueError):
        return REFUSED
    return moto_server.get_backend_for_host(host)


def _ours(signing_name, region, environ):
    try:
        return dispatch.backend_for(signing_name, region, environ)
    except (LookupError, AttributeError, ValueError):
        return REFUSED


def test_every_signing_name_botocore_knows_reaches_the_backend_moto_servers_picks(capsys):
    moto_server = DomainDispatcherApplication(create_backend_app)
    names = signing_names()
    assert len(names) > 300
    chosen, differ = set(), []
    for name in names:
        for region, shape in itertools.product(REGIONS, SHAPES if name in SPECIAL else PLAIN):
            theirs = _theirs(moto_server, _environ(name, region, shape))
            ours = _ours(name, region, _environ(name, region, shape))
            chosen.add(ours)
            if ours != theirs:
                differ.append((name, region, shape, ours, theirs))
    capsys.readouterr()  # moto's server prints a line for each host it has no backend for
    assert differ == []
    assert len(chosen) > 150 and None in chosen and REFUSED in chosen


@pytest.mark.parametrize(
    ("signing_name", "shape", "backend"),
    [
        ("s3", ("GET", "/bucket/key", None, LOCAL), "s3"),
        ("s3", ("GET", "/v20180820/configuration", None, LOCAL), "s3control"),
        ("ses", ("GET", "/v2/email/identities", None, LOCAL), "sesv2"),
        ("dynamodb", ("POST", "/", "DynamoDBStreams_20120810.ListStreams", LOCAL), "dynamodbstreams"),
        ("dynamodb", ("POST", "/", "DynamoDB_20111205.ListTables", LOCAL), "dynamodb_v20111205"),
        ("dynamodb", ("POST", "/", None, LOCAL), REFUSED),
        ("eventbridge", ("POST", "/", "AWSEvents.ListRules", LOCAL), "events"),
        ("execute-api", ("POST", "/@connections/abc", None, LOCAL), "apigatewaymanagementapi"),
        ("bedrock", ("POST", "/model/m/invoke", None, LOCAL), "bedrockruntime"),
        ("sts", ("POST", "/", None, LOCAL), "sts"),
        ("iamlabnotaservice", ("POST", "/", None, LOCAL), None),
    ],
)
def test_services_told_apart_by_more_than_their_signing_name(signing_name, shape, backend):
    environ = _environ(signing_name, "ap-northeast-2", shape)
    assert _ours(signing_name, "ap-northeast-2", environ) == backend
