"""The article with the AWS CLI v2 (Debian's awscli package, and a current one), as a learner's own
terminal has it: with --endpoint-url, and without it, when the lab answers for AWS's own hostnames."""

import json
import os
import re
import shutil
import subprocess

import pytest

from iamlab.lab.article import add_role_profile
from tests.clients.conftest import require
from tests.lab.helpers import allow, doc
from tests.lab.test_article_cli import walk_the_article

S3 = "s3.ap-northeast-2.amazonaws.com"
# the address of an IPv4 or IPv6 socket in strace's output: inet_addr("…") or inet_pton(AF_INET6, "…")
INET_ADDRESS = r'sa_family=AF_INET6?\b[^}]*?(?:inet_addr|inet_pton)\((?:AF_INET6, )?"([^"]+)"'


def _version(aws_v2) -> tuple[int, ...]:
    text = subprocess.run([aws_v2, "--version"], capture_output=True, text=True).stdout
    return tuple(int(part) for part in text.split()[0].split("/")[1].split(".")[:2])


def _runner(aws_v2, endpoint_url=None, prefix=()):
    """Run CLI v2 with `--endpoint-url endpoint_url` on every command but `configure` (a learner must
    add it when the CLI predates AWS_ENDPOINT_URL, 2.13), or without it when `endpoint_url` is None."""
    extra = ["--endpoint-url", endpoint_url] if endpoint_url else []

    def run(env, *args):
        flags = [] if args[0] == "configure" else extra
        command = [*prefix, aws_v2, *args, *flags]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        # recent CLIs decorate errors; the message after it is the lab's, compared with the article's
        return result.returncode, result.stdout, result.stderr.strip().removeprefix("aws: [ERROR]: ")

    return run


def _as_before_2_13(lab, aws_v2):
    """lab.env() as a CLI that ignores AWS_ENDPOINT_URL sees it: every request goes to AWS's hostnames."""
    env = lab.env()
    if _version(aws_v2) >= (2, 13):
        del env["AWS_ENDPOINT_URL"]
    return env


def test_the_five_steps(lab, article, aws_v2):
    endpoint = lab.endpoint_url if _version(aws_v2) < (2, 13) else None
    walk_the_article(lab.env(), article, _runner(aws_v2, endpoint))
    assert lab._proxy.answered == []


def test_the_five_steps_without_endpoint_url(lab, article, aws_v2):
    """Typed exactly as in the article: the CLI calls iam, sts and s3 at AWS's hostnames, and the
    lab's proxy answers each in the lab."""
    walk_the_article(_as_before_2_13(lab, aws_v2), article, _runner(aws_v2))
    hosts = set(lab._proxy.answered)
    assert {"iam.amazonaws.com", "sts.ap-northeast-2.amazonaws.com", f"{article.bucket}.{S3}"} <= hosts
    assert all(host.endswith(".amazonaws.com") for host in hosts) and lab._proxy.refused == []


@pytest.mark.parametrize("endpoint_flag", [True, False], ids=["with-endpoint-url", "without"])
def test_role_profile(lab, aws_v2, endpoint_flag):
    """A role_arn + source_profile profile lists the bucket. Before 2.13 the CLI's own AssumeRole call
    ignores even --endpoint-url: the lab's proxy answers it for sts.ap-northeast-2.amazonaws.com."""
    article = lab.setup_article(step=5)
    profile = add_role_profile(lab, article)
    env = lab.env() if endpoint_flag else _as_before_2_13(lab, aws_v2)
    run = _runner(aws_v2, lab.endpoint_url if endpoint_flag else None)
    code, out, err = run(env, "s3", "ls", "--profile", profile)
    assert code == 0, err
    assert out.split()[-1] == article.bucket
    assert os.listdir(os.path.join(lab.home, ".aws", "cli", "cache"))
    code, out, err = run(env, "sts", "get-caller-identity", "--profile", profile)
    assert code == 0, err
    assert f"assumed-role/{article.role_name}/" in out
    if _version(aws_v2) < (2, 13) or not endpoint_flag:
        assert "sts.ap-northeast-2.amazonaws.com" in lab._proxy.answered
    assert lab._proxy.refused == []


def test_a_role_profile_connects_to_nothing_but_127_0_0_1(lab, aws_v2):
    """Every socket the CLI opens (DNS included), as the kernel sees it (strace): 127.0.0.1 only."""
    strace = shutil.which("strace")
    require("strace", strace)
    article = lab.setup_article(step=5)
    profile = add_role_profile(lab, article)
    log = os.path.join(lab.home, "strace.log")
    trace = (strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", log)
    run = _runner(aws_v2, prefix=trace)
    code, out, err = run(_as_before_2_13(lab, aws_v2), "s3", "ls", "--profile", profile)
    require("strace allowed to trace here", "PTRACE" not in err)
    assert code == 0, err
    assert out.split()[-1] == article.bucket
    calls = open(log).read()
    families = re.findall(r"sa_family=AF_INET6?\b", calls)
    addresses = re.findall(INET_ADDRESS, calls)
    assert families and len(addresses) == len(families)
    assert set(addresses) == {"127.0.0.1"}
    assert {"sts.ap-northeast-2.amazonaws.com", S3} <= set(lab._proxy.answered)


@pytest.mark.parametrize("may_list", [False, True], ids=["GetObject-only", "with-ListBucket"])
def test_head_object_of_a_missing_key(lab, aws_v2, may_list):
    """S3 API Reference, HeadObject: "If you have the s3:ListBucket permission on the bucket, Amazon S3
    returns an HTTP status code 404 Not Found error. If you don’t have the s3:ListBucket permission,
    Amazon S3 returns an HTTP status code 403 Forbidden error." A HEAD answer has no body, so the CLI
    prints only the status and its reason phrase, as it does against AWS."""
    article = lab.setup_article(step=2)
    statements = [allow("s3:GetObject", f"arn:aws:s3:::{article.bucket}/*")]
    if may_list:
        statements.append(allow("s3:ListBucket", f"arn:aws:s3:::{article.bucket}"))
    lab.admin_session().client("iam").put_user_policy(
        UserName=article.user_name, PolicyName="read-objects", PolicyDocument=doc(*statements)
    )
    run = _runner(aws_v2, lab.endpoint_url if _version(aws_v2) < (2, 13) else None)
    missing = ("--bucket", article.bucket, "--key", "missing.txt", "--profile", article.user_name)
    code, _out, err = run(lab.env(), "s3api", "head-object", *missing)
    expected = (
        "(404) when calling the HeadObject operation: Not Found"
        if may_list
        else "(403) when calling the HeadObject operation: Forbidden"
    )
    assert code == 254 and err == f"An error occurred {expected}"


def test_ses_list_calls(lab, aws_v2):
    """`aws sesv2 list-email-identities` and `aws ses list-identities` answer as AWS does, whichever
    route the CLI's model gives the v2 call (`GET /v2/email/identities` in 2.9, a `POST` today)."""
    lab.admin_session().client("ses").verify_email_identity(EmailAddress="news@example.com")
    run = _runner(aws_v2, lab.endpoint_url if _version(aws_v2) < (2, 13) else None)
    names = ("--query", "EmailIdentities[].IdentityName")
    code, out, err = run(lab.env(), "sesv2", "list-email-identities", *names)
    assert (code, json.loads(out)) == (0, ["news@example.com"]), err
    code, out, err = run(lab.env(), "ses", "list-identities")
    assert (code, json.loads(out)) == (0, {"Identities": ["news@example.com"]}), err
