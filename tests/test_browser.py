"""Lesson 06 in a real browser: JupyterLab on 127.0.0.1, driven by Playwright and Debian's Chromium.

In both languages, JupyterLab starts as the Binder image starts it (jupyter-config/ko: Korean menus
from the ko-KR language pack by default) and the page arrives through the Binder link of its
language (/iamlab/language/<lang>/...: English menus for English learners). The test opens
lesson 06, runs all its cells (the lesson has no `lab.close()` cell, so Run All leaves the widgets
working), ticks user/jonnung -> AssumeRole succeeds, unticks -> AccessDenied. In Korean it checks
that Korean is on the page: the menus, the lesson's prose and the widgets' own text, and saves a
screenshot (CJK glyphs need a font: `.ci/run` installs Debian's fonts-noto-cjk).
Without /usr/bin/chromium the test is skipped locally and fails on CI (where `CI` is set).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSON = "06_trust_toggle.ipynb"
SCREENSHOTS = Path(tempfile.gettempdir())
HANGUL = re.compile(r"[\uac00-\ud7a3]")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_S = 90
RUN_ALL_MS = 240_000
KERNEL_ROUND_TRIP_MS = 60_000


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) for the browser test"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", params=["en", "ko"])
def jupyterlab(request):
    """A JupyterLab server as the Binder image starts it, with a fresh token, settings and workspace;
    shut down cleanly afterwards. Yields (base URL, token, the language of the link to follow)."""
    lang = request.param
    _require_chromium()
    pytest.importorskip("playwright.sync_api")
    port, token = _free_port(), secrets.token_hex(16)
    home = Path(tempfile.mkdtemp(prefix="iamlab-browser-"))
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Every cell stays in the DOM (no virtual scrolling), so the widgets are always findable.
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    # The server works on a copy, so nothing the browser does can rewrite the lessons' stored outputs.
    root = home / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config" / "ko"),  # as the repository's `start` script
    }
    command = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={root}", "--allow-root",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
    ]  # fmt: skip
    log = open(home / "server.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, token, lang
    finally:
        try:
            request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=10).close()
            server.wait(timeout=30)
        except Exception:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


RUN_ALL = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');  // what a learner's Run All does
  const errors = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const o of cell.model.outputs.toJSON()) {
      if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
    }
  }
  return {panel: panel.id, errors};
}
"""


@pytest.fixture(scope="module")
def lesson(jupyterlab, browser):
    """Lesson 06 open in JupyterLab, every cell run: (page, the notebook's panel, language)."""
    base, token, lang = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        link = f"{base}/iamlab/language/{lang}/{lang}/{LESSON}?token={token}"  # as the README's Binder links
        page.goto(link, timeout=120_000)
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=120_000,
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.set_default_timeout(RUN_ALL_MS)
        ran = page.evaluate(RUN_ALL)
        assert ran["errors"] == [], f"lesson cells raised in the browser kernel: {ran['errors']}"
        notebook = page.locator(f"[id='{ran['panel']}']")  # this notebook's panel, not another open tab
        notebook.locator(".iamlab-trust").wait_for(state="visible", timeout=KERNEL_ROUND_TRIP_MS)
        yield page, notebook, lang
    except Exception as error:
        raise AssertionError(f"{_evidence(page, lang)}") from error
    finally:
        page.close()


def _evidence(page, lang: str) -> str:
    shot = SCREENSHOTS / f"iamlab-browser-{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    return f"screenshot {shot}; cell outputs: {[o[:200] for o in outputs]}"


def test_menus_speak_the_learners_language(lesson):
    """The Korean link opens JupyterLab in Korean, the English link in English, from one image."""
    page, _, lang = lesson
    menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    expected = {
        "ko": {"파일", "편집", "실행", "커널", "설정", "도움말"},
        "en": {"File", "Edit", "Run", "Kernel"},
    }
    assert expected[lang] <= set(menus), f"menu bar: {menus}"


def test_the_lessons_prose_is_in_its_language(lesson):
    _, notebook, lang = lesson
    prose = " ".join(notebook.locator(".jp-MarkdownCell .jp-RenderedMarkdown").all_inner_texts())
    assert bool(HANGUL.search(prose)) == (lang == "ko")
    assert ("신뢰 정책 토글" if lang == "ko" else "Trust toggle") in prose


def test_the_trust_toggle_assumes_the_role_and_is_refused_again(lesson):
    page, notebook, lang = lesson
    try:
        jonnung = notebook.locator(".iamlab-principal-jonnung input[type=checkbox]")
        result = notebook.locator(".iamlab-result")
        jonnung.wait_for(state="visible", timeout=KERNEL_ROUND_TRIP_MS)
        assert not jonnung.is_checked()

        jonnung.check()
        notebook.locator(".iamlab-assume").click()
        success = result.locator(".iamlab-success")
        success.wait_for(timeout=KERNEL_ROUND_TRIP_MS)
        if lang == "en":
            assert "AssumeRole succeeded" in success.inner_text()
        assert "jonnung-sample-bucket" in result.inner_text()

        jonnung.uncheck()
        result.locator(".iamlab-failure").wait_for(timeout=KERNEL_ROUND_TRIP_MS)
        notebook.locator(".iamlab-assume").click()
        failure = result.locator(".iamlab-failure")
        failure.wait_for(timeout=KERNEL_ROUND_TRIP_MS)
        text = failure.inner_text()  # AWS's own message stays verbatim in every language
        assert "AccessDenied" in text and "not authorized to perform: sts:AssumeRole" in text
    except Exception as error:
        raise AssertionError(_evidence(page, lang)) from error
    finally:
        shot = SCREENSHOTS / f"iamlab-browser-{lang}.png"
        page.screenshot(path=str(shot), full_page=False)


def test_korean_lesson_widgets_speak_korean(lesson):
    page, notebook, lang = lesson
    if lang != "ko":
        pytest.skip("Korean widget text is checked in the Korean lesson")
    toggle = notebook.locator(".iamlab-trust").inner_text()
    why = notebook.locator(".iamlab-why").inner_text()  # filled by the attempts of the test above
    assert HANGUL.search(toggle), f"the trust toggle shows no Korean: {toggle[:300]!r}"
    assert HANGUL.search(why), f"the why panel shows no Korean: {why[:300]!r}"
