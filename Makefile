# The README's two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in pages, feeds, e-mails and the API name the address `make run` serves on.
WAGTAILADMIN_BASE_URL ?= http://$(HOST):$(PORT)
export HOST PORT WAGTAILADMIN_BASE_URL

.PHONY: run test e2e scaleout reliability standards bench backup restore install install-dev lint format lock clean

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py sync_site_address "$(WAGTAILADMIN_BASE_URL)"
	$(PY) manage.py collectstatic --noinput --verbosity 0
	bin/serve

# The fast suite: functions, views through Django's test client, races on real databases.
# One test process per core (pytest-xdist); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: install-dev
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --ignore=tests/e2e --ignore=tests/reliability --ignore=tests/standards --ignore=tests/scaleout $(PYTEST_ARGS)

# Outside-in: gunicorn on a free port (and Chromium where a person clicks), as people meet the site.
# bin/install-browser-tools installs Debian's Chromium (apt, only if missing) and axe-core (npm ci).
# Screenshots and each journey's list of failed page checks land in artifacts/.
e2e: install-dev
	bin/install-browser-tools
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) tests/e2e $(PYTEST_ARGS)

# Issue 15's proof (tests/scaleout, docs/deploy.md): two gunicorn servers, two task workers and two schedulers on one
# PostgreSQL database of the run's own, one Redis and one S3-compatible store (moto). Needs DATABASE_URL=postgres://… (skipped on
# SQLite); bin/install-redis installs Debian's redis-server when no Redis answers on 127.0.0.1:6379.
scaleout: install-dev
	bin/install-redis
	$(VENV)/bin/pytest -p no:xdist tests/scaleout $(PYTEST_ARGS)

# Crashes, outages, event orders, hostile input and load against real processes, one figure per scenario
# (docs/reliability.md). One scenario at a time, so that load figures are not shared with another test.
# RELIABILITY_SCALE=ci runs every scenario with fewer rounds.
RELIABILITY_SCALE ?= full
reliability: install-dev
	RELIABILITY_SCALE=$(RELIABILITY_SCALE) $(VENV)/bin/pytest -p no:xdist tests/reliability $(PYTEST_ARGS)

# Third-party validators against gunicorn serving the demo (tests/standards/): the Nu HTML Checker (npm's vnu-jar,
# on Debian's Java), feedparser, openapi-spec-validator, the oEmbed rules and a schema.org check of the JSON-LD.
# One process: the demo is loaded and served once. bin/install-standards-tools installs Java (apt) and vnu-jar (npm).
standards: install-dev
	bin/install-standards-tools
	env -u DATABASE_URL $(VENV)/bin/pytest -n 0 tests/standards $(PYTEST_ARGS)

# An encrypted backup (database, media, private files) with BACKUP_KEY, into BACKUP_DIR (else var/backups);
# restore one into an empty install. On PostgreSQL, bin/install-pg-client installs pg_dump when missing.
backup: install
	bin/install-pg-client
	$(PY) manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=path/to/backcare-….backup" >&2; exit 2; }
	bin/install-pg-client
	$(PY) manage.py restore "$(FILE)"

# Throughput against a bare Django view under the same gunicorn settings (bench/run.py): a table, artifacts/bench.json
# and issue 13's targets met or not. BENCH_SECONDS=3 for a quick run. bin/install-bench-tools installs Debian's wrk.
bench: install
	bin/install-bench-tools
	$(PY) -m bench.run

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the pinned requirements from the short .in files.
lock: install-dev
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe -o requirements-dev.txt requirements-dev.in

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	@python=$$(bin/find-python) && "$$python" -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	@touch $@

# A local .env for `make run`: a fresh secret key and the embedded-mode switches. Never DEBUG.
.env: | $(VENV)/.installed
	$(PY) bin/write-local-env > $@

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache node_modules artifacts
