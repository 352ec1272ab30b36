# Routine tasks. `make demo` and `make test` are the two commands of the README's quick start.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///var/demo.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup lock demo serve test lint format typecheck unit integration system-deps bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

## Re-pin every Python dependency (runtime and dev) from pyproject.toml into requirements.txt, the lock file.
lock: setup
	$(BIN)/pip-compile -q --extra dev --no-emit-find-links --no-emit-index-url --strip-extras -o requirements.txt pyproject.toml

## Front-end libraries (htmx, ECharts) from package-lock.json; served from node_modules, never committed.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## The product on its embedded default (SQLite) with the demo portfolio.
demo: setup
	VALUEGATE_DATABASE_URL=$(DEMO_DB) $(BIN)/valuegate demo --reset
	VALUEGATE_DATABASE_URL=$(DEMO_DB) $(BIN)/valuegate serve --host $(HOST) --port $(PORT)

serve: setup
	$(BIN)/valuegate db upgrade
	$(BIN)/valuegate serve --host $(HOST) --port $(PORT)

## Everything CI checks: lint, types and the whole suite on SQLite and PostgreSQL.
test: setup system-deps lint typecheck
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: setup
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -q tests/unit

integration: setup system-deps
	$(BIN)/pytest -q tests/integration

## Generate the S7k portfolio and print timings (median, p95). `make bench PG=1` adds a PostgreSQL run.
BENCH_SCALE ?= s7k
bench: setup $(if $(PG),system-deps)
	$(BIN)/valuegate bench --scale $(BENCH_SCALE) $(if $(PG),--postgresql)

## PostgreSQL server binaries for the throwaway test cluster, and Debian's chromium for the browser tests.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		echo "Installing for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
