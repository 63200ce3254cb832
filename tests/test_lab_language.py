"""JupyterLab's own language: Korean menus for Korean learners, English for English ones (issue 10, item 3).

`make lab` and the Binder image point JUPYTER_CONFIG_PATH at `jupyter-config/<lang>`, whose
`labconfig/default_setting_overrides.json` sets the default of the translation extension's
`locale` setting. These tests check each link of that chain without a browser;
tests/test_browser.py then looks at the menus themselves.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert json.loads(out.stdout)[PLUGIN] == {"locale": LOCALES[lang]}


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
