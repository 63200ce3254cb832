"""Links that open JupyterLab in the learner's language: `/iamlab/language/<ko|en>/<path>`.

JupyterLab keeps its display language as a per-user setting (`locale` of
@jupyterlab/translation-extension:plugin) and reads no URL parameter for it, so one Binder image
could not give its Korean and English links different menus. This Jupyter server extension stores
that setting, as Settings > Language would, then redirects to `/lab/tree/<path>`. It is enabled by
`jupyter-config/<lang>/jupyter_server_config.json` (Binder's `start` script, `make lab`).
"""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

LOCALES = {"ko": "ko_KR", "en": "en"}
SETTING = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")


def choose_locale(user_settings_dir: str | Path, language: str) -> Path:
    """Store JupyterLab's `locale` for `language`, keeping the file's other settings."""
    path = Path(user_settings_dir) / SETTING
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no file yet, or JSON5 with comments: start afresh
        settings = {}
    settings["locale"] = LOCALES[language]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return path


class LanguageHandler(JupyterHandler):
    @web.authenticated
    def get(self, language: str, path: str = "") -> None:
        labs = self.serverapp.extension_manager.extension_apps.get("jupyterlab", set())
        for lab in labs:
            choose_locale(lab.user_settings_dir, language)
        self.redirect(url_path_join(self.base_url, "lab", "tree", (path or "").lstrip("/")))


def _jupyter_server_extension_points():
    return [{"module": "iamlab.jupyterlab_language"}]


def _load_jupyter_server_extension(serverapp) -> None:
    route = url_path_join(serverapp.base_url, r"iamlab/language/(ko|en)(/.*)?")
    serverapp.web_app.add_handlers(".*$", [(route, LanguageHandler)])
