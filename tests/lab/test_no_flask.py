"""A lab never imports Flask (issue 12, item 6: a lab is ready nearly as soon as moto alone).

moto's server is a Flask app; the lab serves moto's handlers with werkzeug alone
(`lab/moto/routes.py`, `dispatch.py`, `views.py`), which spares every lab the import of Flask,
Flask-CORS, Jinja, Click, itsdangerous and blinker. Checked in a fresh interpreter: other tests
import Flask as their reference, which would hide an import by the lab.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import iamlab

FLASKS_OWN = ("flask", "flask_cors", "itsdangerous", "blinker")

SCRIPT = """
import json, sys, urllib.error, urllib.request
from iamlab import Lab

with Lab() as lab:
    admin = lab.admin_session()
    s3 = admin.client("s3")
    s3.create_bucket(Bucket="no-flask", CreateBucketConfiguration={"LocationConstraint": lab.region})
    s3.put_object(Bucket="no-flask", Key="k", Body=b"v")
    s3.get_object(Bucket="no-flask", Key="k")["Body"].read()
    s3.head_object(Bucket="no-flask", Key="k")
    admin.client("iam").list_users()
    admin.client("sts").get_caller_identity()
    dynamodb = admin.client("dynamodb")
    dynamodb.list_tables()
    admin.client("dynamodbstreams").list_streams()
    admin.client("sqs").list_queues()
    admin.client("lambda").list_functions()
    admin.client("sesv2").list_email_identities()
    admin.client("kms").list_keys()
    try:
        admin.client("iam").get_user(UserName="nobody")
    except admin.client("iam").exceptions.NoSuchEntityException:
        pass
    try:  # over the socket: the lab's HTTP server (an unsigned request, refused)
        urllib.request.urlopen(lab.endpoint_url + "/", timeout=30)
    except urllib.error.HTTPError as refused:
        assert refused.code == 403, refused.code
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in FLASKS_OWN)))
"""


def test_a_lab_serving_requests_of_many_services_never_imports_flask():
    source = str(Path(iamlab.__file__).parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]))
    ran = subprocess.run(
        [sys.executable, "-c", f"FLASKS_OWN = {FLASKS_OWN!r}\n" + SCRIPT],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == []
