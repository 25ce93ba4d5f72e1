# Townhall. `make help` lists the targets. Two commands matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 2>/dev/null || echo python3.12)
VENV := .venv
UV := .tools/bin/uv
TH := $(VENV)/bin/townhall
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PG_URL := $(or $(TOWNHALL_TEST_POSTGRES_URL),postgres://postgres@127.0.0.1:5432/townhall)
PYTEST_ARGS ?=
# e.g. make bench BENCH_ARGS="--databases sqlite --rounds 3" STACK_BENCH_ARGS="--duration 5"
# (bench/README.md): each bench takes its own arguments.
BENCH_ARGS ?=
STACK_BENCH_ARGS ?=

.PHONY: help
help: ## List every target with what it does
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- Installing ---------------------------------------------------------------------------------
.tools/bin/uv:
	@$(PYTHON) --version >/dev/null 2>&1 || { echo "Townhall needs Python 3.12 (python3.12 on PATH)." >&2; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

$(VENV)/.synced: .tools/bin/uv uv.lock pyproject.toml
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/townhall/web/static/govuk/.vendored: node_modules/.installed src/townhall/web/vendor.py
	$(VENV)/bin/python src/townhall/web/vendor.py
	@touch $@

.PHONY: install
install: $(VENV)/.synced src/townhall/web/static/govuk/.vendored messages-compile ## Install locked Python and npm dependencies, GOV.UK assets and translations

.PHONY: messages
messages: $(VENV)/.synced ## Extract translatable text and update the Welsh catalogue
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k gettext_lazy -k ngettext_lazy:1,2 -k pgettext_lazy:1c,2 -o var/messages.pot src
	$(VENV)/bin/pybabel -q update --no-fuzzy-matching -i var/messages.pot -d src/townhall/locale -D django -l cy

.PHONY: messages-compile
messages-compile: $(VENV)/.synced
	@$(VENV)/bin/pybabel -q compile -d src/townhall/locale -D django

# --- Running ------------------------------------------------------------------------------------
.PHONY: setup-data
setup-data: install
	$(TH) migrate --noinput -v0
	$(TH) organisations import
	$(TH) patterns publish
	$(TH) demo
	$(TH) services demo
	$(TH) housekeeping

.PHONY: run
run: setup-data ## Install, migrate SQLite, load the register and demo data, serve on http://127.0.0.1:8000
	$(TH) collectstatic --noinput -v0
	@echo "Serving Townhall on http://$(HOST):$(PORT)/ with $(WORKERS) workers and a task worker. Ctrl-C stops."
	@trap 'kill 0' INT TERM EXIT; \
	$(TH) db_worker --queue-name default >>var/worker.log 2>&1 & \
	$(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WORKERS) \
	  --blocking-threads 1 --no-ws --log-level warning townhall.config.wsgi:application

.PHONY: dev
dev: setup-data ## Like run, but with Django's auto-reloading development server and debug pages
	TOWNHALL_DEBUG=true TOWNHALL_STATIC_MANIFEST=false $(TH) runserver $(HOST):$(PORT)

# --- Checking -----------------------------------------------------------------------------------
.PHONY: browser
browser: ## Install Debian's Chromium for the browser tests if it is missing
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

.PHONY: lint
lint: $(VENV)/.synced ## ruff lint and format check
	$(VENV)/bin/ruff check src deploy
	$(VENV)/bin/ruff format --check src deploy

.PHONY: typecheck
typecheck: install ## mypy, strict on src/
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict deploy

.PHONY: checks
checks: install ## Django system checks, migrations up to date, import contracts
	TOWNHALL_ENV=test $(TH) check --fail-level WARNING
	TOWNHALL_ENV=test $(TH) makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(TH) patterns check
	$(TH) patterns test

.PHONY: test-sqlite
test-sqlite: install browser ## pytest on SQLite
	DATABASE_URL=sqlite:///var/test.sqlite3 $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

.PHONY: test-postgres
test-postgres: install browser ## pytest on PostgreSQL (required in CI; skipped locally when none is reachable)
	@if $(VENV)/bin/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "PostgreSQL: $(PG_URL)"; \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
	  echo "FATAL: PostgreSQL is required in CI and $(PG_URL) is not reachable." >&2; exit 1; \
	else \
	  echo "PostgreSQL is not reachable at $(PG_URL): skipping the PostgreSQL run (set TOWNHALL_TEST_POSTGRES_URL)."; \
	fi

.PHONY: test
test: lint typecheck checks test-sqlite test-postgres ## Install what tests need and run every check and test, on SQLite and PostgreSQL

.PHONY: wrk
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmarks."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# --- The production-like stack (deploy/, docs/operating.md) -------------------------------------
.PHONY: stack-packages
stack-packages:
	@missing=""; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian's$$missing for the stack."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

.PHONY: stack
stack: install stack-packages ## Start a production-like deployment on loopback: nginx, 3 app processes, worker, PostgreSQL, Redis
	$(VENV)/bin/python deploy/stack.py start

.PHONY: stack-stop
stack-stop: ## Stop exactly what `make stack` started
	$(VENV)/bin/python deploy/stack.py stop

.PHONY: faults
faults: install stack-packages ## Kill an app process, the worker and PostgreSQL under load; count what was lost (about 4 minutes)
	$(VENV)/bin/python deploy/faults.py

.PHONY: bench
bench: install wrk stack-packages ## The runner on SQLite and PostgreSQL, then runner, inbox and API against the stack: one table each (bench/README.md)
	$(VENV)/bin/python bench/bench_runner.py $(BENCH_ARGS)
	$(VENV)/bin/python bench/bench_stack.py $(STACK_BENCH_ARGS)

.PHONY: clean
clean: ## Remove installed dependencies and generated files (keeps var/, your database)
	rm -rf .tools $(VENV) node_modules src/townhall/web/static/govuk .mypy_cache .ruff_cache .pytest_cache
