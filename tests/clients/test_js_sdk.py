"""The article with the JavaScript SDK v3 (npm): the five steps, a role profile, a stream upload."""

import json
import subprocess

from iamlab.lab.article import add_role_profile
from tests.clients.conftest import HERE


def _run_article(lab, node, step=2):
    article = lab.setup_article(step=step)
    add_role_profile(lab, article)
    result = subprocess.run(
        [node, str(HERE / "article.mjs"), article.role_arn, article.user_arn, article.bucket],
        env=lab.env(),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=HERE,
    )
    assert result.returncode == 0, result.stderr
    return article, {str(line["step"]): line for line in map(json.loads, result.stdout.splitlines())}


def test_the_five_steps_and_a_role_profile(lab, node):
    article, steps = _run_article(lab, node)
    assert steps["1"] == {"step": 1, "ok": True, "value": article.user_arn}
    assert (steps["2"]["ok"], steps["2"]["code"]) == (False, "AccessDenied")
    assert "s3:ListAllMyBuckets" in steps["2"]["message"]
    assert (steps["3"]["ok"], steps["3"]["code"]) == (False, "AccessDenied")
    assert "sts:AssumeRole" in steps["3"]["message"]
    assert steps["4"]["ok"], steps["4"]
    assert steps["5"]["ok"] and steps["5"]["value"] == [article.bucket], steps["5"]
    assert steps["role-profile"]["ok"] and steps["role-profile"]["value"] == [article.bucket]


def test_stream_upload_is_read_back_byte_for_byte(lab, node):
    """A PutObject with a stream body of unknown length (chunked, aws-chunked) loses no byte."""
    _, steps = _run_article(lab, node)
    stream = steps["stream"]
    assert stream["put"]["ok"], stream["put"]
    assert stream["got"]["value"] == stream["sent"]


def test_virtual_hosted_bucket_at_localhost(lab, node):
    """http://localhost:PORT makes the SDK address the bucket as bucket.localhost:PORT."""
    article, steps = _run_article(lab, node)
    hosted = steps["virtual-host"]
    assert f"{article.bucket}.localhost" in hosted["looked"]
    assert hosted["ok"], hosted


# Node.js reaching sts.amazonaws.com through lab.env()'s proxy as a proxy agent does: CONNECT, then
# TLS verified against Node's own CAs plus NODE_EXTRA_CA_CERTS; prints the status and the body.
THROUGH_THE_PROXY = """
const http = require("node:http"), tls = require("node:tls");
const proxy = new URL(process.env.HTTPS_PROXY);
http.request({ host: proxy.hostname, port: proxy.port, method: "CONNECT", path: "sts.amazonaws.com:443" })
  .on("connect", (response, socket) => {
    const secure = tls.connect({ socket, servername: "sts.amazonaws.com" }, () => {
      const lines = ["GET /?Action=GetCallerIdentity HTTP/1.1", "Host: sts.amazonaws.com"];
      secure.write(lines.join("\\r\\n") + "\\r\\nConnection: close\\r\\n\\r\\n");
    });
    let text = "";
    secure.on("data", (chunk) => (text += chunk)).on("end", () => console.log(text));
    secure.on("error", (error) => { console.log(error.code); process.exit(1); });
  }).end();
"""


def test_node_trusts_the_lab_ca_only_in_lab_env(lab, node):
    """NODE_EXTRA_CA_CERTS makes Node trust the lab's certificate for AWS's hostnames (the lab then
    answers: an unsigned call is refused as AWS refuses it); without it, Node refuses the lab."""
    result = subprocess.run([node, "-e", THROUGH_THE_PROXY], env=lab.env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("HTTP/1.1 403") and "MissingAuthenticationToken" in result.stdout
    assert lab._proxy.answered == ["sts.amazonaws.com"]
    env = lab.env()
    del env["NODE_EXTRA_CA_CERTS"]
    result = subprocess.run([node, "-e", THROUGH_THE_PROXY], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout.strip() == "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
