# Redis, Step by Step. `make test` is all a newcomer needs: it sets up
# .venv and the Debian packages (real Redis, a browser) on first run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: test setup lint book serve tutor bench carry
.DEFAULT_GOAL := test

test: setup lint ## every test, against our steps and a real redis-server
	$(BIN)/pytest --target=steps --target=redis $(PYTEST_ARGS)

setup: $(VENV)/.installed ## Python packages in .venv, Debian packages when missing
	@bash tools/ensure_system_deps.sh

$(VENV)/.installed: pyproject.toml
	@echo "==> Creating $(VENV) and installing Python packages (first run only)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/pip install --quiet --group test --group docs --group bench
	@touch $@

lint: $(VENV)/.installed ## ruff over steps, tests and tools
	$(BIN)/ruff check .

book: setup ## build the site into site/ (fails on any warning)
	$(BIN)/mkdocs build --strict

serve: setup ## serve the book at http://127.0.0.1:8000, rebuilt on save
	$(BIN)/mkdocs serve

tutor: setup ## the exercises: make tutor ARGS="start 02_resp" (ARGS="check", "hint 02-inline"...)
	$(BIN)/python tools/tutor.py $(or $(ARGS),--help)

bench: setup ## real Redis vs every step, ratios ours/redis, the book's page (ARGS=--quick: tiny counts)
	$(BIN)/python tools/bench.py $(ARGS)

carry: ## carry one step's uncommitted change into every later step: make carry FROM=04
	$(PYTHON) tools/carry.py $(FROM) $(ARGS)
