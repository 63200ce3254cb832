"""Each root cause that let a request past the gate (issue 8), replayed against the lab.

Where boto3 would normalise the attack away (two subresources in one query), the request is
signed with the caller's key and sent over raw HTTP, exactly as an attacker would send it.
"""

import http.client
import json

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.lab.helpers import allow, doc, error_code

BUCKET = "gate-holes"
POLICY = doc(
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
)


def signed(lab, key, method, path, body=b"", service="s3", headers=None):
    """Send a request signed with `key` (an IAM access key dict) over HTTP; (status, body)."""
    url = f"{lab.endpoint_url}{path}"
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    credentials = Credentials(key["AccessKeyId"], key["SecretAccessKey"], key.get("SessionToken"))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(credentials, service, lab.region).add_auth(request)
    connection = http.client.HTTPConnection("127.0.0.1", lab.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=dict(request.headers.items()))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def user_with_key(lab, name, *statements):
    iam = lab.admin_session().client("iam")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=doc(*statements))
    return iam.create_access_key(UserName=name)["AccessKey"]


# -- 3. S3 subresources ---------------------------------------------------------------------------
def test_every_s3_subresource_in_a_query_must_be_allowed(lab):
    """Only s3:PutBucketTagging / s3:ListBucketVersions: a second subresource must not ride along."""
    s3 = lab.admin_session().client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": lab.region})
    key = user_with_key(
        lab,
        "tagger",
        allow(["s3:PutBucketTagging", "s3:ListBucketVersions"], f"arn:aws:s3:::{BUCKET}"),
    )
    tagging = b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"
    status, _ = signed(lab, key, "PUT", f"/{BUCKET}?tagging&policy", POLICY.encode())
    assert status == 403
    assert error_code(lambda: s3.get_bucket_policy(Bucket=BUCKET)) == "NoSuchBucketPolicy"
    s3.put_bucket_policy(Bucket=BUCKET, Policy=POLICY)
    assert signed(lab, key, "DELETE", f"/{BUCKET}?tagging&policy")[0] == 403
    assert json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"]) == json.loads(POLICY)
    status, body = signed(lab, key, "GET", f"/{BUCKET}?versions&policy")
    assert status == 403 and b"s3:GetBucketPolicy" in body
    assert signed(lab, key, "PUT", f"/{BUCKET}?tagging", tagging)[0] == 204  # the allowed one alone works


# -- 6. routes moto serves without asking the gate ----------------------------------------------------
def test_legacy_elasticsearch_api_passes_the_gate(lab):
    """The 2015-01-01 `es` API is served by routes that skip moto's own authorization."""
    key = user_with_key(lab, "nobody")
    es = lab.session(key["AccessKeyId"], key["SecretAccessKey"]).client("es")
    assert error_code(lambda: es.create_elasticsearch_domain(DomainName="probe")) == "AccessDenied"
    admin = lab.admin_session().client("es")
    assert admin.list_domain_names()["DomainNames"] == []
    admin.create_elasticsearch_domain(DomainName="kept")
    assert error_code(lambda: es.delete_elasticsearch_domain(DomainName="kept")) == "AccessDenied"
    assert [d["DomainName"] for d in admin.list_domain_names()["DomainNames"]] == ["kept"]
    denied = [e for e in lab.journal.entries() if e.principal.endswith("user/nobody")]
    assert [(e.action, e.result) for e in denied] == [
        ("es:CreateElasticsearchDomain", "ImplicitlyDenied"),
        ("es:DeleteElasticsearchDomain", "ImplicitlyDenied"),
    ]


def test_a_route_that_answers_without_asking_the_gate_is_refused(lab):
    """Cognito's JWKS route returns its document without any authorization call inside moto."""
    key = user_with_key(lab, "admin2", allow("*"))
    status, body = signed(
        lab, key, "GET", "/ap-northeast-2_probe/.well-known/jwks.json", service="cognito-idp"
    )
    assert status == 403 and b"AccessDenied" in body
    assert lab.journal[-1].result == "ImplicitlyDenied"
