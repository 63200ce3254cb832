"""Eight threads at once: no errors, and every decision is the right one."""

from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.lab.helpers import allow, doc, new_user


def test_eight_threads_get_the_right_decisions(lab, article):
    lister = new_user(lab, "lister", policies=[doc(allow("s3:ListAllMyBuckets"))])
    stranger = lab.session(article.access_key_id, article.secret_access_key)
    clients = [lister.client("s3") if i % 2 == 0 else stranger.client("s3") for i in range(8)]
    over_http = boto3.Session(
        aws_access_key_id=article.access_key_id,
        aws_secret_access_key=article.secret_access_key,
        region_name=lab.region,
    ).client("s3", endpoint_url=lab.endpoint_url, config=Config(retries={"max_attempts": 1}))
    clients.append(over_http)

    def work(index):
        outcomes = []
        for _ in range(15):
            try:
                clients[index].list_buckets()
                outcomes.append("Allowed")
            except ClientError as error:
                outcomes.append(error.response["Error"]["Code"])
        return index, outcomes

    with ThreadPoolExecutor(max_workers=9) as pool:
        results = dict(pool.map(work, range(9)))
    for index, outcomes in results.items():
        expected = "Allowed" if index % 2 == 0 and index < 8 else "AccessDenied"
        assert outcomes == [expected] * 15, index
    entries = [e for e in lab.journal.entries() if e.action == "s3:ListAllMyBuckets"]
    assert len(entries) == 9 * 15
