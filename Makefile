# The whole set-up on a fresh machine with Python 3 and make:
#   make lab    create .venv, install everything, open JupyterLab on notebooks/ (menus in Korean)
#   make lab LAB_LANG=en   the same with English menus, opening the English lessons
#   make test   create .venv if needed and run every test (nbval included)
#   make notebooks  re-execute every notebook in place, regenerating the stored outputs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# JupyterLab's own language (menus, dialogs) and the lessons' folder: ko (the article's) or en.
# jupyter-config/<lang> sets only the default: a learner's choice in Settings > Language wins.
LAB_LANG ?= ko
# Jupyter refuses to run as root (containers, fresh cloud VMs) unless told it is meant.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test notebooks lint clean

$(VENV)/.installed: pyproject.toml
	@echo "== Creating $(VENV) and installing iamlab with its dependencies (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $@

lab: $(VENV)/.installed
	@case "$(LAB_LANG)" in ko|en) ;; *) echo "LAB_LANG must be ko or en, not '$(LAB_LANG)'"; exit 2;; esac
	@echo "== Starting JupyterLab ($(LAB_LANG)) on notebooks/: open the http://127.0.0.1:PORT/lab?token=... URL it prints below (Ctrl-C stops it)"
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config/$(LAB_LANG)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
		$(BIN)/jupyter lab --LabApp.default_url=/lab/tree/$(LAB_LANG) notebooks/ $(ALLOW_ROOT)

test: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/python -m pytest

notebooks: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*/*.ipynb

clean:
	rm -rf $(VENV)
