"""S3 metadata whose names have underscores, signed and stored as the client sent them.

The S3 User Guide ("Working with object metadata") allows user-defined metadata names that are
valid HTTP header names, and S3 keeps `x-amz-meta-my_key` and `x-amz-meta-my-key` apart. WSGI
spells both `HTTP_X_AMZ_META_MY_KEY`, so the lab must keep the name as sent: the client signed it
that way, and a learner's object must come back with the metadata it was given.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from tests.lab.helpers import allow, doc, new_user


def _clients(lab):
    """One user allowed S3, in the kernel (no socket) and over HTTP on 127.0.0.1."""
    session = new_user(lab, "uploader", policies=[doc(allow("s3:*"))])
    key = session.get_credentials()
    over_http = boto3.Session(
        aws_access_key_id=key.access_key, aws_secret_access_key=key.secret_key, region_name=lab.region
    ).client("s3", endpoint_url=lab.endpoint_url, config=Config(retries={"max_attempts": 1}))
    return {"in-kernel": session.client("s3"), "http": over_http}


@pytest.mark.parametrize("way", ["in-kernel", "http"])
def test_an_underscored_metadata_name_is_signed_and_kept_as_sent(lab, way):
    client = _clients(lab)[way]
    client.create_bucket(Bucket="names", CreateBucketConfiguration={"LocationConstraint": lab.region})
    client.put_object(Bucket="names", Key="k", Body=b"x", Metadata={"my_key": "one", "plain": "two"})
    assert client.head_object(Bucket="names", Key="k")["Metadata"] == {"my_key": "one", "plain": "two"}
    assert lab.journal.last()[0].allowed
