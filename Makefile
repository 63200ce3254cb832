# The whole set-up on a fresh machine with Python 3 and make:
#   make lab    create .venv, install everything, open JupyterLab on notebooks/
#   make test   create .venv if needed and run every test (nbval included)
#   make notebooks  re-execute every notebook in place, regenerating the stored outputs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: lab test notebooks lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

lab: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks/

test: $(VENV)/.installed
	$(BIN)/ruff check src tests benchmarks conftest.py
	$(BIN)/python -m pytest

notebooks: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*/*.ipynb

clean:
	rm -rf $(VENV)
