# Redis, Step by Step. `make test` is all a newcomer needs: it sets up
# .venv from the lock file and the Debian packages (real Redis, a browser)
# on first run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv installs exactly what uv.lock says (see the README). It is itself
# pinned, and lives in .tools/ so that `uv sync` never removes it.
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
# Three workers on CI's two cores: a test often waits on its server (or on
# a timeout), and a third worker fills that time; measured, 25% less wall
# time than two. PYTEST_ARGS="-n 0" runs in one process.
PYTEST_ARGS ?= -n 3
# Python keeps compiled modules (and pytest its assert-rewritten tests)
# in __pycache__, even where the environment says not to: the tests start
# thousands of servers and a hundred child pytest runs, and compiling
# again each time took 30% of the run (measured: 18 min -> 13 min on 2 cores).
export PYTHONDONTWRITEBYTECODE :=
ARGS ?=

.PHONY: test setup lock lint book serve tutor bench carry newest-clients
.DEFAULT_GOAL := test

test: setup lint ## every test, against our steps and a real redis-server
	$(BIN)/pytest --target=steps --target=redis $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory newest-clients

setup: $(UV) ## the locked Python packages in .venv, Debian packages when missing
	@$(UV) lock --check --quiet 2>/dev/null || { echo "uv.lock is out of date:" \
	    "pyproject.toml changed since it was locked. Run 'make lock' and commit uv.lock." >&2; \
	    exit 1; }
	@$(UV) sync --locked --all-groups --quiet
	@bash tools/ensure_system_deps.sh

$(UV):
	@echo "==> Installing uv $(UV_VERSION) into .tools/ (first run only)"
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

lock: $(UV) ## refresh uv.lock after editing pyproject.toml (ARGS=--upgrade: newest of everything)
	$(UV) lock $(ARGS)

newest-clients: setup ## the client tests with the newest redis-py release, unpinned
	@bash tools/newest_clients.sh $(UV)

lint: setup ## ruff over steps, tests and tools
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
