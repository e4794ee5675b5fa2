# Plenary: `make run` serves the demo on SQLite under ./var/; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format typecheck pytest bench screenshots lock clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Plenary needs Python 3.11 or newer on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs take exactly the versions in requirements/*.txt, each checked against its PyPI
# hash; then Plenary itself, without its dependencies. `make lock` regenerates the locks from
# pyproject.toml, keeping every pin that still fits (`make lock LOCK_ARGS=--upgrade` takes
# the newest versions allowed).
$(VENV)/.installed: $(BIN)/python requirements/run.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/run.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: $(BIN)/python requirements/test.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# The locks hold PyPI's files and hashes only, whatever local indexes pip is configured with.
PYPI := env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_CONFIG_FILE=/dev/null
LOCK_TOOL := .venv-lock
PIP_TOOLS := pip-tools==7.7.0
LOCK_ARGS ?=
COMPILE = $(PYPI) $(LOCK_TOOL)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--allow-unsafe --index-url https://pypi.org/simple --no-emit-index-url --no-emit-find-links \
	$(LOCK_ARGS)

$(LOCK_TOOL)/bin/pip-compile:
	@test -n "$(PYTHON)" || { echo "Plenary needs Python 3.11 or newer on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(LOCK_TOOL)
	$(PYPI) $(LOCK_TOOL)/bin/python -m pip install --quiet --index-url https://pypi.org/simple \
		$(PIP_TOOLS)

lock: $(LOCK_TOOL)/bin/pip-compile
	$(COMPILE) --output-file requirements/run.txt pyproject.toml
	$(COMPILE) --extra test --output-file requirements/test.txt pyproject.toml

run: $(VENV)/.installed
	@mkdir -p var
	$(BIN)/plenary serve --demo

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.append --backend both

# The README's screenshots (console, plenary after promotion, track page), from the browser
# test that runs a challenges workshop end to end.
screenshots: $(VENV)/.installed-test
	PLENARY_SCREENSHOTS=docs $(BIN)/pytest -q tests/web/test_challenges_workshop.py

clean:
	rm -rf $(VENV) $(LOCK_TOOL) .pytest_cache .mypy_cache .ruff_cache .hypothesis
