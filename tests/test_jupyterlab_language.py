"""JupyterLab's own language: Korean menus for Korean learners, English for English ones (issue 10, item 3).

`make lab` and the Binder image point JUPYTER_CONFIG_PATH at `jupyter-config/<lang>`, whose
`labconfig/default_setting_overrides.json` sets the default of the translation extension's
`locale` setting. These tests check each link of that chain without a browser;
tests/test_browser.py then looks at the menus themselves.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.test_browser import _free_port

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = "@jupyterlab/translation-extension:plugin"
LOCALES = {"ko": "ko_KR", "en": "en"}
READ_OVERRIDES = (
    "import json, tempfile; from jupyterlab_server.settings_utils import _get_overrides; "
    "print(json.dumps(_get_overrides(tempfile.mkdtemp())[0]))"
)


def test_the_korean_language_pack_is_installed():
    from jupyterlab_server.translation_utils import get_language_pack

    data, message = get_language_pack("ko_KR")
    assert "jupyterlab" in data, message
    assert data["jupyterlab"]["Shut Down Kernel"] == ["커널 종료"]


@pytest.mark.parametrize("lang", LOCALES)
def test_jupyter_config_sets_the_default_locale(lang):
    """What JupyterLab's server reads as settings defaults, with the config path `make lab` gives it."""
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config" / lang)}
    out = subprocess.run(
        [sys.executable, "-c", READ_OVERRIDES], env=env, capture_output=True, text=True, check=True
    )
    overrides = json.loads(out.stdout)
    assert overrides[PLUGIN] == {"locale": LOCALES[lang]}
    # JupyterLab would otherwise ask, in English, whether to fetch news from the internet.
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false"}


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("given, lang", [((), "ko"), (("LAB_LANG=en",), "en"), (("LAB_LANG=ko",), "ko")])
def test_make_lab_opens_korean_unless_asked_for_english(given, lang):
    out = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "lab", *given], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert f"jupyter-config/{lang}" in out and f"default_url=/lab/tree/{lang}" in out, out


@pytest.mark.parametrize("given, lang", [({}, "ko"), ({"LAB_LANG": "en"}, "en")])
def test_the_binder_start_script_chooses_korean_unless_told_and_keeps_the_rest_of_the_path(given, lang):
    env = {k: v for k, v in os.environ.items() if k != "LAB_LANG"}
    env.update(given, REPO_DIR=str(ROOT), JUPYTER_CONFIG_PATH="/somewhere/else")
    out = subprocess.run(
        ["bash", str(ROOT / "start"), "printenv", "JUPYTER_CONFIG_PATH"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == f"{ROOT / 'jupyter-config' / lang}:/somewhere/else"


def test_the_binder_start_script_refuses_an_unknown_language():
    env = {**os.environ, "REPO_DIR": str(ROOT), "LAB_LANG": "fr"}
    out = subprocess.run(["bash", str(ROOT / "start"), "true"], env=env, capture_output=True, text=True)
    assert out.returncode == 2 and "LAB_LANG must be ko or en" in out.stderr


def test_choosing_a_language_keeps_the_other_settings(tmp_path):
    from iamlab.jupyterlab_language import choose_locale

    path = choose_locale(tmp_path, "en")
    assert json.loads(path.read_text()) == {"locale": "en"}
    path.write_text(json.dumps({"locale": "en", "stringsPrefix": "!"}))
    choose_locale(tmp_path, "ko")
    assert json.loads(path.read_text()) == {"locale": "ko_KR", "stringsPrefix": "!"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_language_link_switches_jupyterlab_and_opens_the_lessons(tmp_path):
    """What the Binder links do: /iamlab/language/en/notebooks/en -> English menus, then the lessons."""
    port, token = _free_port(), secrets.token_hex(8)
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config" / "ko")}
    env.update(JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    command = [
        sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False", "--allow-root",
        f"--ServerApp.root_dir={tmp_path}", f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
    ]  # fmt: skip
    base, opener = f"http://127.0.0.1:{port}", urllib.request.build_opener(_NoRedirect)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        locale = _wait_for_locale(base, token, server)
        assert locale == "ko_KR"  # the image's default, before any link is followed
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{base}/iamlab/language/en/notebooks/en?token={token}", timeout=30)
        assert redirect.value.code == 302
        assert redirect.value.headers["Location"] == "/lab/tree/notebooks/en"
        assert _wait_for_locale(base, token, server) == "en"
        with pytest.raises(urllib.error.HTTPError) as unknown:
            opener.open(f"{base}/iamlab/language/fr/notebooks?token={token}", timeout=30)
        assert unknown.value.code == 404
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_locale(base: str, token: str, server, deadline_s: float = 90) -> str:
    """The locale JupyterLab's front end will load (its composite setting), once the server answers."""
    url = f"{base}/lab/api/settings/{PLUGIN}?token={token}"
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                data = json.load(answer)
            return data["settings"].get("locale") or data["schema"]["properties"]["locale"]["default"]
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
