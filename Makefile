# Impulsa: the two everyday commands are `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# Developer commands run with local settings (no production secret needed).
MANAGE := DJANGO_DEBUG=1 $(PY) manage.py
LOCK := requirements/dev.lock
STAMP := $(VENV)/.installed-$(shell sha1sum $(LOCK) | cut -c1-12)
# Two test processes: the machines this runs on have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: help setup run test test-fast sync-client test-sync-client lint format typecheck openapi check-openapi \
        check-migrations messages lock cluster bench bench-smoke crash-test fuzz clean

help:
	@echo "make run               set up, migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make cluster           primary + standby, Redis, S3 server, two app nodes and two workers"
	@echo "make test              set up and run the whole test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make lint | typecheck  ruff and the layer contracts (lint-imports); mypy"
	@echo "make openapi           export the API spec to mobile_api_spec/"
	@echo "make check-openapi     fail when mobile_api_spec/ differs from a fresh export"
	@echo "make check-migrations  fail when a model change has no migration"
	@echo "make bench             benchmarks on the national-scale dataset; writes docs/benchmarks.md"
	@echo "make bench-smoke       the same benchmarks on a tiny dataset, quickly (run in CI)"
	@echo "make crash-test        the full crash-and-retry run (5,000 entries; CI runs a smaller one)"
	@echo "make fuzz              the API fuzzing with 20 examples per operation (CI runs 4)"

$(STAMP): $(LOCK)
	@set -e; py="$$(scripts/find-python.sh)"; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	@rm -f $(VENV)/.installed-*; touch $@

setup: $(STAMP)
	@mkdir -p var/media var/static

run: setup
	@scripts/run.sh

cluster: setup
	@scripts/cluster.sh

test: setup sync-client
	IMPULSA_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

# The stock WatermelonDB client the sync conformance test runs (pinned by its package-lock).
SYNC_CLIENT := tests/sync/client
sync-client: $(SYNC_CLIENT)/node_modules/.package-lock.json

$(SYNC_CLIENT)/node_modules/.package-lock.json: $(SYNC_CLIENT)/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: scripts/install-system-deps.sh installs Node.js"; exit 1; }
	cd $(SYNC_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The WatermelonDB client against a real server, alone.
test-sync-client: setup sync-client
	IMPULSA_TESTING=1 $(PY) -m pytest -p no:xdist tests/sync/test_watermelondb_client.py -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	IMPULSA_TESTING=1 $(VENV)/bin/mypy backend

openapi: setup
	$(MANAGE) export_api_spec

check-openapi: setup
	$(MANAGE) export_api_spec --check

check-migrations: setup
	$(MANAGE) makemigrations --check --dry-run

messages: setup
	$(MANAGE) makemessages -l es -l pt_BR -l en --ignore '.venv/*' --ignore 'tests/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

# Benchmarks are not tests: they report figures and never fail on a timing.
bench: setup
	$(PY) -m benchmarks --scale national --write-docs

bench-smoke: setup
	$(PY) -m benchmarks --scale tiny --smoke

crash-test: setup
	IMPULSA_TESTING=1 IMPULSA_CRASH_ENTRIES=5000 $(PY) -m pytest tests/reliability/test_crash_retry.py -q -s -p no:xdist

fuzz: setup
	IMPULSA_TESTING=1 IMPULSA_FUZZ_EXAMPLES=20 $(PY) -m pytest tests/reliability/test_fuzz.py -q -s -p no:xdist -k "fuzz_api or fuzz_allauth"

# Regenerates the lock files from pyproject.toml (needs uv: `pip install uv`).
lock:
	uv pip compile -q --python-version 3.12 --generate-hashes pyproject.toml -o requirements/base.lock
	uv pip compile -q --python-version 3.12 --generate-hashes --extra dev pyproject.toml -o requirements/dev.lock

clean:
	rm -rf $(VENV) var/ .pytest_cache .mypy_cache .ruff_cache
