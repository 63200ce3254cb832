"""The playground in a real browser: JupyterLab on 127.0.0.1, driven by Playwright and Debian's Chromium.

In both languages: open lesson 06, run every cell (but the final `lab.close()`, so the widgets
still have a lab to talk to), tick user/jonnung -> AssumeRole succeeds, untick -> AccessDenied.
Without /usr/bin/chromium the test is skipped locally and fails on CI (where `CI` is set).
"""

from __future__ import annotations

import json
import os
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


@pytest.fixture(scope="module")
def jupyterlab():
    """A JupyterLab server with a fresh token, settings and workspace; shut down cleanly afterwards."""
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
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data")}
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
        yield base, token
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


RUN_ALL_BUT_LAST = """
async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const notebook = panel.content;
  notebook.activeCellIndex = notebook.widgets.length - 1;  // the final cell is lab.close()
  await app.commands.execute('notebook:run-all-above');
  const errors = [];
  for (const cell of notebook.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const o of cell.model.outputs.toJSON()) {
      if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
    }
  }
  return {panel: panel.id, errors};
}
"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_playground_toggle_in_jupyterlab(jupyterlab, browser, lang):
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(
            f"{base}/lab/workspaces/iamlab-{lang}/tree/{lang}/06_playground.ipynb?token={token}",
            timeout=120_000,
        )
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=120_000,
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.set_default_timeout(RUN_ALL_MS)
        ran = page.evaluate(RUN_ALL_BUT_LAST)
        assert ran["errors"] == [], f"lesson cells raised in the browser kernel: {ran['errors']}"
        notebook = page.locator(f"[id='{ran['panel']}']")  # this notebook's panel, not another open tab

        jonnung = notebook.locator(".iamlab-principal-jonnung input[type=checkbox]")
        result = notebook.locator(".iamlab-result")
        jonnung.wait_for(state="visible", timeout=KERNEL_ROUND_TRIP_MS)
        assert not jonnung.is_checked()

        jonnung.check()
        notebook.locator(".iamlab-assume").click()
        success = result.locator(".iamlab-success")
        success.wait_for(timeout=KERNEL_ROUND_TRIP_MS)
        assert "AssumeRole succeeded" in success.inner_text()
        assert "jonnung-sample-bucket" in result.inner_text()

        jonnung.uncheck()
        result.locator(".iamlab-failure").wait_for(timeout=KERNEL_ROUND_TRIP_MS)
        notebook.locator(".iamlab-assume").click()
        failure = result.locator(".iamlab-failure")
        failure.wait_for(timeout=KERNEL_ROUND_TRIP_MS)
        text = failure.inner_text()
        assert "AccessDenied" in text and "not authorized to perform: sts:AssumeRole" in text
    except Exception as error:
        shot = Path(tempfile.gettempdir()) / f"iamlab-browser-{lang}.png"
        page.screenshot(path=str(shot), full_page=True)
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        raise AssertionError(f"screenshot {shot}; cell outputs: {[o[:200] for o in outputs]}") from error
    finally:
        page.close()
