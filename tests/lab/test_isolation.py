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
    (home / ".aws" / "cli").mkdir()
    (home / ".aws" / "cli" / "alias").write_text(  # an alias that would send lab requests elsewhere
        "[toplevel]\nwhoami = sts get-caller-identity --endpoint-url https://sts.amazonaws.com\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "realsecret")
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://iam.amazonaws.com")
    before = _snapshot(home / ".aws")
    yield home
    assert _snapshot(home / ".aws") == before, "~/.aws was modified"


def _snapshot(folder):
    return {str(p): (p.stat().st_mtime_ns, p.is_file() and p.read_bytes()) for p in folder.rglob("*")}


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


# -- per-lab secrets and the lab's folder --------------------------------------------------------------


def test_two_labs_never_share_a_secret():
    """On a shared host every learner's lab runs on the same loopback: keys must not be guessable."""
    from iamlab import Lab

    seen = []
    for _ in range(2):
        with Lab() as lab:
            article = lab.setup_article()
            seen.append({*lab.admin_keys, article.access_key_id, article.secret_access_key})
    assert not seen[0] & seen[1]


def test_lab_folder_is_private_and_removed_at_close():
    from iamlab import Lab

    with Lab() as lab:
        folder = lab._folder
        assert os.stat(folder).st_mode & 0o777 == 0o700
        assert os.path.dirname(lab.env()["AWS_SHARED_CREDENTIALS_FILE"]).startswith(folder)
    assert not os.path.exists(folder)


def test_folder_of_a_dead_lab_is_removed_by_the_next_one(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from iamlab import Lab

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    orphan = tmp_path / f"iamlab-{dead.stdout.strip()}-crashed"
    (orphan / "home").mkdir(parents=True)
    alive = tmp_path / f"iamlab-{os.getpid()}-other"
    alive.mkdir()
    unrelated = tmp_path / "iamlab-browser-x"
    unrelated.mkdir()
    with Lab():
        assert not orphan.exists()
        assert alive.exists() and unrelated.exists()


def test_a_lab_folder_left_at_exit_is_removed(tmp_path):
    """A kernel that exits without `lab.close()` (the learner restarts it) leaves no admin secret behind."""
    import subprocess
    import sys

    code = "import iamlab; lab = iamlab.Lab(); print(lab._folder)"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(str(tmp_path))
    assert not os.path.exists(result.stdout.strip())


# -- proxies, aliases, models: nothing leaves 127.0.0.1 -------------------------------------------------


@pytest.fixture
def corporate_proxy(monkeypatch):
    """The learner's own proxy (as on campus networks): it must see no lab request."""
    from iamlab.lab.refuser import Refuser

    proxy = Refuser("127.0.0.1")
    url = f"http://127.0.0.1:{proxy.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield proxy
    proxy.close()


def test_lab_requests_bypass_the_learners_proxy(corporate_proxy, real_home):
    from iamlab import Lab

    with Lab() as lab:
        code, out, err = run_aws(lab.env(), "sts", "get-caller-identity")
        assert code == 0, err
        assert lab.admin_session().client("s3").list_buckets()["Buckets"] == []
        lab.export_env()
        assert os.environ["NO_PROXY"] == "127.0.0.1,localhost"
        assert str(corporate_proxy.port) not in os.environ["HTTPS_PROXY"]
    assert corporate_proxy.refused == []
    assert os.environ["HTTPS_PROXY"] == f"http://127.0.0.1:{corporate_proxy.port}"


def test_a_client_that_ignores_the_endpoint_is_refused_with_the_fix(corporate_proxy, real_home):
    """AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL: it must not reach AWS, and must say why."""
    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        del env["AWS_ENDPOINT_URL"]  # what such a client effectively does
        code, out, err = run_aws(env, "sts", "get-caller-identity")
        assert code != 0 and out == ""
        assert "AWS_ENDPOINT_URL" in err and "endpoint-url" in err and "2.13" in err
        assert lab._refuser.refused and all("amazonaws.com" in target for target in lab._refuser.refused)
        refusal = lab.journal[-1]
        assert (refusal.result, refusal.resource) == ("RefusedOutsideTheLab", lab._refuser.refused[-1])
        assert "AWS_ENDPOINT_URL" in refusal.message
    assert corporate_proxy.refused == []


def test_python_outside_the_kernel_without_the_endpoint_is_refused(real_home):
    import subprocess
    import sys

    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        del env["AWS_ENDPOINT_URL"]
        code = "import boto3; boto3.client('sts', region_name='ap-northeast-2').get_caller_identity()"
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode != 0 and "ProxyConnectionError" in result.stderr
        assert "AWS_ENDPOINT_URL" in result.stderr
        assert any(target.startswith("sts.ap-northeast-2.amazonaws.com") for target in lab._refuser.refused)


def test_cli_reads_no_alias_from_the_real_home(real_home):
    from iamlab import Lab

    with Lab() as lab:
        code, _, err = run_aws(lab.env(), "whoami")
        assert code != 0 and "Invalid choice" in err


def test_in_kernel_sessions_read_models_only_from_the_packages(real_home, monkeypatch, tmp_path):
    """An extra model (AWS_DATA_PATH or ~/.aws/models) could carry another endpoint: none is read."""
    from botocore.loaders import Loader

    from iamlab import Lab

    model = tmp_path / "models" / "iamlabfake" / "2020-01-01"
    model.mkdir(parents=True)
    (model / "service-2.json").write_text(
        '{"version": "2.0", "metadata": {}, "operations": {}, "shapes": {}}'
    )
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    with Lab() as lab:
        session = lab.admin_session()
        assert "iamlabfake" not in session.get_available_services()
        paths = session._session.get_component("data_loader").search_paths
        assert Loader.CUSTOMER_DATA_PATH not in paths and len(paths) == 2


def test_role_profiles_cache_in_the_lab_not_in_the_real_home(real_home):
    """The CLI caches assumed-role credentials under ~/.aws/cli/cache: that is the lab's folder."""
    from iamlab import Lab
    from iamlab.lab.article import add_role_profile

    with Lab() as lab:
        article = lab.setup_article(step=5)
        profile = add_role_profile(lab, article)
        env = lab.env()
        code, out, err = run_aws(env, "s3", "ls", "--profile", profile)
        assert code == 0, err
        assert article.bucket in out
        code, out, err = run_aws(env, "sts", "get-caller-identity", "--profile", profile)
        assert "assumed-role/S3BucketListReadOnlyRole/" in out
        assert os.listdir(os.path.join(lab.home, ".aws", "cli", "cache"))
    assert not (real_home / ".aws" / "cli" / "cache").exists()


def test_role_profile_with_credential_source_environment(real_home):
    from iamlab import Lab

    with Lab() as lab:
        article = lab.setup_article(step=5)
        env = lab.env()
        with open(env["AWS_CONFIG_FILE"], "a") as config:
            config.write(
                f"[profile envrole]\nrole_arn = {article.role_arn}\ncredential_source = Environment\n"
                f"region = {article.region}\n"
            )
        env.update(AWS_ACCESS_KEY_ID=article.access_key_id, AWS_SECRET_ACCESS_KEY=article.secret_access_key)
        code, out, err = run_aws(env, "s3", "ls", "--profile", "envrole")
        assert code == 0, err
        assert article.bucket in out


def test_role_profile_in_boto3_outside_the_kernel(real_home):
    """boto3's own Session(profile_name=...) with the lab's config files refreshes the role itself."""
    import subprocess
    import sys

    from iamlab import Lab
    from iamlab.lab.article import add_role_profile

    with Lab() as lab:
        article = lab.setup_article(step=5)
        profile = add_role_profile(lab, article)
        code = (
            f"import boto3; s = boto3.Session(profile_name={profile!r}); "
            "print(s.client('sts').get_caller_identity()['Arn']); "
            "print([b['Name'] for b in s.client('s3').list_buckets()['Buckets']])"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], env=lab.env(), capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "assumed-role/S3BucketListReadOnlyRole/" in result.stdout and article.bucket in result.stdout
