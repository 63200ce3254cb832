"""The article with the AWS CLI v2 (Debian's awscli package), as a learner's own terminal has it."""

import os
import subprocess

from iamlab.lab.article import add_role_profile
from tests.lab.test_article_cli import walk_the_article


def _version(aws_v2) -> tuple[int, ...]:
    text = subprocess.run([aws_v2, "--version"], capture_output=True, text=True).stdout
    return tuple(int(part) for part in text.split()[0].split("/")[1].split(".")[:2])


def _runner(aws_v2, endpoint_url):
    """Run CLI v2 as a learner must: with --endpoint-url if it predates AWS_ENDPOINT_URL (2.13)."""
    extra = ["--endpoint-url", endpoint_url] if _version(aws_v2) < (2, 13) else []

    def run(env, *args):
        flags = [] if args[0] == "configure" else extra
        result = subprocess.run([aws_v2, *args, *flags], env=env, capture_output=True, text=True, timeout=120)
        # recent CLIs decorate errors; the message after it is the lab's, compared with the article's
        return result.returncode, result.stdout, result.stderr.strip().removeprefix("aws: [ERROR]: ")

    return run


def test_the_five_steps(lab, article, aws_v2):
    walk_the_article(lab.env(), article, _runner(aws_v2, lab.endpoint_url))


def test_role_profile(lab, aws_v2):
    """A role_arn + source_profile profile. Before 2.13 the CLI's own AssumeRole call ignores even
    --endpoint-url: it must then be refused by the lab, naming the fix, and never reach AWS."""
    article = lab.setup_article(step=5)
    profile = add_role_profile(lab, article)
    code, out, err = _runner(aws_v2, lab.endpoint_url)(lab.env(), "s3", "ls", "--profile", profile)
    if _version(aws_v2) >= (2, 13):
        assert code == 0, err
        assert article.bucket in out
        assert os.listdir(os.path.join(lab.home, ".aws", "cli", "cache"))
    else:
        assert code != 0 and "AWS_ENDPOINT_URL" in err and "2.13" in err
        assert lab._refuser.refused and all("amazonaws.com" in target for target in lab._refuser.refused)


def test_without_endpoint_url_it_is_refused_with_the_fix(lab, aws_v2):
    """Debian bookworm's CLI v2 (2.9) ignores AWS_ENDPOINT_URL: lab.env() keeps it off the network."""
    if _version(aws_v2) >= (2, 13):
        env = lab.env()
        del env["AWS_ENDPOINT_URL"]
    else:
        env = lab.env()
    result = subprocess.run([aws_v2, "sts", "get-caller-identity"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and result.stdout == ""
    assert "AWS_ENDPOINT_URL" in result.stderr and "endpoint-url" in result.stderr
    assert any(target.startswith("sts.") for target in lab._refuser.refused)
