"""The learner's real credentials and ~/.aws are never read, written or used; nothing leaves 127.0.0.1."""

import os
import socket

import pytest

from tests.conftest import run_aws

REAL_KEY = "AKIAREALREALREAL0001"


@pytest.fixture
def real_home(tmp_path, monkeypatch):
    """A fake learner with real-looking credentials in the environment and in ~/.aws."""
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {REAL_KEY}\naws_secret_access_key = realsecret\n"
        f"[work]\naws_access_key_id = {REAL_KEY}\naws_secret_access_key = realsecret\n"
    )
    (home / ".aws" / "config").write_text(
        "[default]\nregion = us-east-1\n[profile work]\nregion = eu-west-1\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "realsecret")
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://iam.amazonaws.com")
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (home / ".aws").iterdir()}
    yield home
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (home / ".aws").iterdir()}
    assert after == before, "~/.aws was modified"


@pytest.fixture
def loopback_only(monkeypatch):
    """Fail any socket connection that is not to 127.0.0.1 (in this process)."""
    real_connect = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"connection attempted to {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def test_env_drops_every_real_aws_variable(real_home):
    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        leaked = {k: v for k, v in env.items() if k.startswith("AWS_") and REAL_KEY in v or v == "work"}
        assert not leaked
        assert env["AWS_ENDPOINT_URL"] == lab.endpoint_url
        assert env["AWS_EC2_METADATA_DISABLED"] == "true"
        assert not env["AWS_CONFIG_FILE"].startswith(str(real_home))
        assert not env["AWS_SHARED_CREDENTIALS_FILE"].startswith(str(real_home))
        assert set(k for k in env if k.startswith("AWS_")) == {
            "AWS_ENDPOINT_URL",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_EC2_METADATA_DISABLED",
            "AWS_PAGER",
        }


def test_cli_uses_the_lab_admin_and_writes_only_lab_files(real_home):
    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        code, out, err = run_aws(env, "sts", "get-caller-identity")
        assert code == 0, err
        assert '"arn:aws:iam::123456789012:user/admin"' in out
        code, _, err = run_aws(
            env, "configure", "set", "aws_access_key_id", "AKIAEXAMPLE", "--profile", "jonnung"
        )
        assert code == 0, err
        assert "jonnung" in open(env["AWS_SHARED_CREDENTIALS_FILE"]).read()


def test_in_kernel_sessions_ignore_real_credentials_and_stay_on_loopback(real_home, loopback_only):
    from iamlab import Lab

    with Lab() as lab:
        identity = lab.admin_session().client("sts").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::123456789012:user/admin"
        assert lab.admin_session().client("s3").list_buckets()["Buckets"] == []
        assert lab.admin_session().client("iam").meta.endpoint_url == lab.endpoint_url


def test_server_listens_on_loopback_only():
    from iamlab import Lab

    with Lab() as lab:
        assert lab.endpoint_url.startswith("http://127.0.0.1:")
        assert lab._server.server_address[0] == "127.0.0.1"


def test_export_env_is_undone_by_close(real_home):
    from iamlab import Lab

    with Lab() as lab:
        lab.export_env()
        assert os.environ["AWS_ENDPOINT_URL"] == lab.endpoint_url
        assert "AWS_PROFILE" not in os.environ
    assert os.environ["AWS_PROFILE"] == "work"
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL_KEY


def test_another_account_id_is_used_throughout():
    from iamlab import Lab

    with Lab(account_id="111122223333", region="us-west-2") as lab:
        article = lab.setup_article()
        assert article.user_arn == "arn:aws:iam::111122223333:user/jonnung"
        assert lab.admin_session().client("sts").get_caller_identity()["Account"] == "111122223333"
        assert lab.admin_session().client("s3").list_buckets()["Buckets"][0]["Name"] == article.bucket


def test_a_new_lab_closes_the_previous_one():
    """Re-running a notebook's first cell must just work."""
    from iamlab import Lab

    first = Lab()
    first.setup_article()
    second = Lab()
    try:
        assert first._closed
        assert second.admin_session().client("iam").list_users()["Users"][0]["UserName"] == "admin"
    finally:
        second.close()
