"""The learner's real credentials and ~/.aws are never read, written or used; nothing leaves 127.0.0.1."""

import os
import socket
import socketserver
import subprocess
import sys
import threading
from types import SimpleNamespace

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
        assert env["AWS_CA_BUNDLE"] == env["NODE_EXTRA_CA_CERTS"]
        assert env["AWS_CA_BUNDLE"].startswith(lab._folder)
        assert set(k for k in env if k.startswith("AWS_")) == {
            "AWS_CA_BUNDLE",
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


def test_export_env_is_undone_by_close(real_home, monkeypatch):
    """The lab's CA is trusted only while the lab's environment is exported; the learner's own CA
    bundles (a campus proxy's, say) come back with close()."""
    from iamlab import Lab

    monkeypatch.setenv("AWS_CA_BUNDLE", "/etc/campus-ca.pem")
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", "/etc/campus-ca.pem")
    with Lab() as lab:
        lab.export_env()
        assert os.environ["AWS_ENDPOINT_URL"] == lab.endpoint_url
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_CA_BUNDLE"] == os.environ["NODE_EXTRA_CA_CERTS"] == lab._authority.bundle
    assert os.environ["AWS_PROFILE"] == "work"
    assert os.environ["AWS_ACCESS_KEY_ID"] == REAL_KEY
    assert os.environ["AWS_CA_BUNDLE"] == os.environ["NODE_EXTRA_CA_CERTS"] == "/etc/campus-ca.pem"


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
    """The learner's own proxy (as on campus networks): it must see no lab request.
    It records each request line it is sent, and answers none."""
    seen = []

    class Record(socketserver.StreamRequestHandler):
        def handle(self):
            seen.append(self.rfile.readline(8192).decode("latin-1").strip())

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield SimpleNamespace(url=url, requests=seen)
    server.shutdown()
    server.server_close()


def test_lab_requests_bypass_the_learners_proxy(corporate_proxy, real_home):
    from iamlab import Lab

    with Lab() as lab:
        code, out, err = run_aws(lab.env(), "sts", "get-caller-identity")
        assert code == 0, err
        assert lab.admin_session().client("s3").list_buckets()["Buckets"] == []
        lab.export_env()
        assert os.environ["NO_PROXY"] == "127.0.0.1,localhost"
        assert os.environ["HTTPS_PROXY"] == lab._proxy.proxy_url
    assert corporate_proxy.requests == []
    assert os.environ["HTTPS_PROXY"] == corporate_proxy.url


def test_a_client_that_ignores_the_endpoint_is_answered_by_the_lab(corporate_proxy, real_home):
    """AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL and calls AWS's real hostnames: the lab's proxy
    answers for them, over TLS with the lab's own CA, and nothing reaches the learner's proxy or AWS."""
    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        del env["AWS_ENDPOINT_URL"]  # what such a client effectively does
        code, out, err = run_aws(env, "sts", "get-caller-identity")
        assert code == 0, err
        assert '"arn:aws:iam::123456789012:user/admin"' in out
        assert lab._proxy.answered == ["sts.ap-northeast-2.amazonaws.com"] and lab._proxy.refused == []
        served = lab.journal[-1]
        assert (served.principal, served.result) == ("arn:aws:iam::123456789012:user/admin", "Allowed")
    assert corporate_proxy.requests == []


def test_the_lab_ca_is_trusted_only_by_lab_env(real_home):
    """Without lab.env()'s AWS_CA_BUNDLE a client refuses the lab's certificate: nothing is sent, and
    the journal says why."""
    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        del env["AWS_ENDPOINT_URL"], env["AWS_CA_BUNDLE"]
        env["AWS_MAX_ATTEMPTS"] = "1"
        code, out, err = run_aws(env, "sts", "get-caller-identity")
        assert code != 0 and out == "" and "SSL validation failed" in err
        target = "sts.ap-northeast-2.amazonaws.com:443"
        assert lab._proxy.answered == [] and lab._proxy.refused == [target]
        (refusal,) = lab.journal  # no request reached the front door
        assert (refusal.result, refusal.resource) == ("RefusedOutsideTheLab", target)
        assert "AWS_CA_BUNDLE" in refusal.message


def test_python_outside_the_kernel_without_the_endpoint_is_answered_by_the_lab(real_home):
    from iamlab import Lab

    with Lab() as lab:
        env = lab.env()
        del env["AWS_ENDPOINT_URL"]
        sts = "boto3.client('sts', region_name='us-west-2')"
        code = f"import boto3; print({sts}.get_caller_identity()['Arn'])"
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "arn:aws:iam::123456789012:user/admin"
        assert lab._proxy.answered == ["sts.us-west-2.amazonaws.com"]


@pytest.mark.parametrize(
    "command, host, answer",
    [
        (("sts", "get-caller-identity"), "sts.ap-northeast-2.amazonaws.com", ":user/admin"),
        (("s3api", "list-buckets"), "s3.ap-northeast-2.amazonaws.com", '"Name": "jonnung-sample-bucket"'),
    ],
)
def test_plain_http_to_an_aws_host_is_answered_by_the_lab(real_home, corporate_proxy, command, host, answer):
    """An http:// endpoint at AWS's hostname goes through the proxy as a plain request: the lab answers."""
    from iamlab import Lab

    with Lab() as lab:
        lab.setup_article()
        env = lab.env()
        del env["AWS_ENDPOINT_URL"]
        code, out, err = run_aws(env, *command, "--endpoint-url", f"http://{host}")
        assert code == 0, err
        assert answer in out
        assert lab._proxy.answered == [host] and lab._proxy.refused == []
    assert corporate_proxy.requests == []


FETCH = """
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=30)
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
except urllib.error.URLError as error:
    print(error.reason)
"""


@pytest.mark.parametrize(
    "url, target",
    [
        ("https://example.com/", "example.com:443"),
        ("http://example.com/page", "http://example.com/page"),
        ("https://amazonaws.com.example.net/", "amazonaws.com.example.net:443"),
        ("https://sts.amazonaws.com:8443/", "sts.amazonaws.com:8443"),
    ],
)
def test_a_host_that_is_not_aws_is_refused_with_the_reason(corporate_proxy, url, target):
    """Only AWS's hostnames are answered (by the lab); any other request through lab.env()'s proxy is
    refused, says why, and goes nowhere."""
    from iamlab import Lab

    with Lab() as lab:
        result = subprocess.run(
            [sys.executable, "-c", FETCH, url], env=lab.env(), capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        if url.startswith("http:"):
            assert result.stdout.startswith("403 iamlab refused to forward this request")
        else:
            assert "Tunnel connection failed: 403 iamlab refused: not an AWS hostname" in result.stdout
        assert lab._proxy.refused == [target] and lab._proxy.answered == []
        refusal = lab.journal[-1]
        assert (refusal.result, refusal.resource) == ("RefusedOutsideTheLab", target)
        assert "nothing leaves 127.0.0.1" in refusal.message
    assert corporate_proxy.requests == []


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


# -- the lab's certificate authority -------------------------------------------------------------------


@pytest.mark.parametrize(
    "host, aws",
    [
        ("sts.amazonaws.com", True),
        ("sts.ap-northeast-2.amazonaws.com", True),
        ("jonnung-sample-bucket.s3.ap-northeast-2.amazonaws.com", True),
        ("IAM.AmazonAWS.com", True),
        ("sts.cn-north-1.amazonaws.com.cn", True),
        ("sts.us-east-1.api.aws", True),
        ("amazonaws.com", False),
        ("amazonaws.com.example.net", False),
        ("evilamazonaws.com", False),
        ("sts.amazonaws.com/../x", False),
        ("a..amazonaws.com", False),
        ("127.0.0.1", False),
    ],
)
def test_which_hosts_the_lab_answers_for(host, aws):
    from iamlab.lab.wire.authority import is_aws_host

    assert is_aws_host(host) is aws


def test_the_lab_ca_keeps_its_key_in_memory_and_its_files_private():
    from iamlab import Lab

    with Lab() as lab:
        lab._authority.context_for("sts.amazonaws.com")
        tls = os.path.dirname(lab._authority.bundle)
        assert tls.startswith(lab._folder) and os.stat(tls).st_mode & 0o777 == 0o700
        files = sorted(os.listdir(tls))
        assert files == ["ca.pem", "leaf-key.pem", "sts.amazonaws.com.pem"]
        assert all(os.stat(os.path.join(tls, name)).st_mode & 0o777 == 0o600 for name in files)
        keys = [name for name in files if b"PRIVATE KEY" in open(os.path.join(tls, name), "rb").read()]
        assert keys == ["leaf-key.pem"]  # the CA's own key is never written
        with pytest.raises(ValueError):
            lab._authority.context_for("example.com")
    assert not os.path.exists(tls)


def test_the_lab_ca_cannot_vouch_for_another_site():
    """The CA is name-constrained to AWS's domains: a certificate it signed for any other host is
    rejected by a client that trusts it, so even its key could not impersonate another site."""
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from iamlab import Lab

    with Lab() as lab:
        authority = lab._authority
        bundle = authority.bundle  # the CA and its keys are made when first asked for
        forged = authority._sign(
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .public_key(authority._leaf_key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("example.com")]), critical=True)
        )
        path = os.path.join(lab.home, "forged.pem")
        with open(path, "wb") as f:
            f.write(forged.public_bytes(serialization.Encoding.PEM))
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(path, authority._leaf_key_file)
        client = ssl.create_default_context(cafile=bundle)
        server_side, client_side = socket.socketpair()
        answering = threading.Thread(target=_accept_tls, args=(server, server_side), daemon=True)
        answering.start()
        with pytest.raises(ssl.SSLCertVerificationError, match="permitted subtree|name constraint"):
            client.wrap_socket(client_side, server_hostname="example.com")
        client_side.close()
        answering.join(10)


def _accept_tls(context, sock):
    try:
        context.wrap_socket(sock, server_side=True)
    except OSError:  # the client refuses the certificate (ssl.SSLError is an OSError)
        pass
    finally:
        sock.close()
