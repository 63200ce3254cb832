# The whole set-up on a fresh machine with Python 3 and make:
#   make lab    create .venv, install everything, open JupyterLab on notebooks/
#   make test   create .venv if needed and run every test (nbval included)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Jupyter refuses to run as root (containers, fresh cloud VMs) unless told it is meant.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint clean

$(VENV)/.installed: pyproject.toml
	@echo "== Creating $(VENV) and installing iamlab with its dependencies (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $@

lab: $(VENV)/.installed
	@echo "== Starting JupyterLab on notebooks/: open the http://127.0.0.1:PORT/lab?token=... URL it prints below (Ctrl-C stops it)"
	$(BIN)/jupyter lab notebooks/ $(ALLOW_ROOT)

test: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV)
