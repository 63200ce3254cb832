"""`iamlab serve`: a lab for a terminal, with keys and an env file, gone cleanly on Ctrl-C or SIGTERM."""

import os
import signal
import socket
import subprocess
import sys

import pytest

DEBIAN_AWS = "/usr/bin/aws"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    return home


def _serve(fake_home, *args, lang="C.UTF-8"):
    locale = {"LANG": lang, "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    env = {**os.environ, "HOME": str(fake_home), **locale}
    server = subprocess.Popen(
        [sys.executable, "-m", "iamlab", "serve", *args], stdout=subprocess.PIPE, text=True, env=env
    )
    banner = []
    for line in server.stdout:
        banner.append(line)
        if "Ctrl-C" in line:
            break
    return server, "".join(banner)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_a_terminal_follows_the_article_with_a_role_profile(fake_home, stop):
    port = _free_port()
    server, banner = _serve(fake_home, "--step", "5", "--port", str(port))
    try:
        assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}" in banner
        assert "export AWS_CA_BUNDLE=" in banner
        env_file = next(line.split()[1] for line in banner.splitlines() if line.strip().startswith("source "))
        assert not env_file.startswith(str(fake_home))
        keys = [line.split() for line in banner.splitlines() if line.startswith(("  admin ", "  jonnung "))]
        assert [row[1][:4] for row in keys] == ["AKIA", "AKIA"] and all(len(row[2]) == 40 for row in keys)
        script = " && ".join(
            [
                f"source {env_file}",
                "aws s3 ls --profile s3role",
                "aws sts get-caller-identity --profile jonnung",
            ]
            # Debian's CLI v2 (2.9) ignores AWS_ENDPOINT_URL: the lab's proxy answers it
            + [f"{DEBIAN_AWS} s3 ls --profile s3role"] * os.access(DEBIAN_AWS, os.X_OK)
        )
        path = os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]])
        shell = subprocess.run(
            ["bash", "-c", script],
            env={"PATH": path, "HOME": str(fake_home)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert shell.returncode == 0, shell.stderr
        assert "jonnung-sample-bucket" in shell.stdout and ":user/jonnung" in shell.stdout
        assert shell.stdout.count("jonnung-sample-bucket") == 1 + os.access(DEBIAN_AWS, os.X_OK)
        assert os.listdir(os.path.join(os.path.dirname(env_file), ".aws", "cli", "cache"))
    finally:
        server.send_signal(stop)
        rest, _ = server.communicate(timeout=60)
    assert server.returncode == 0
    assert "Stopping the lab" in rest
    assert not os.path.exists(env_file)
    assert list(fake_home.iterdir()) == []  # nothing written into the learner's real home


def test_lab_on_a_fixed_port_with_public_admin_keys():
    from iamlab import Lab

    port = _free_port()
    with Lab(port=port) as lab:
        assert lab.endpoint_url == f"http://127.0.0.1:{port}"
        identity = lab.session(*lab.admin_keys).client("sts").get_caller_identity()
        assert identity["Arn"].endswith(":user/admin")
        assert lab.admin_keys.secret_access_key not in repr(lab.admin_keys)


def test_serve_speaks_korean_in_a_korean_terminal(fake_home):
    """A learner whose terminal is Korean (LANG=ko_KR.UTF-8) reads the lab's notices in Korean;
    `--lang en` keeps English. The `export` lines and keys are the same in both."""
    server, banner = _serve(fake_home, "--step", "1", lang="ko_KR.UTF-8")
    try:
        assert "멈추려면 Ctrl-C를 누르세요." in banner
        assert "export AWS_ENDPOINT_URL=http://127.0.0.1:" in banner
    finally:
        server.send_signal(signal.SIGTERM)
        rest, _ = server.communicate(timeout=60)
    assert server.returncode == 0 and "Stopping the lab" not in rest and rest.strip()

    help_text = subprocess.run(
        [sys.executable, "-m", "iamlab", "--help"],
        env={**os.environ, "LANG": "ko_KR.UTF-8", "LANGUAGE": "", "LC_ALL": ""},
        capture_output=True,
        text=True,
    ).stdout
    assert "Ctrl-C를 누를 때까지 랩을 포그라운드에서 실행합니다" in help_text


def test_the_terminal_language_comes_from_the_locale_variables():
    from iamlab.i18n import language_of_environment

    assert language_of_environment({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert language_of_environment({"LANGUAGE": "en_US:ko", "LANG": "ko_KR.UTF-8"}) == "en"
    assert language_of_environment({"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}) == "ko"
    assert language_of_environment({"LANG": "C.UTF-8"}) == language_of_environment({}) == "en"
