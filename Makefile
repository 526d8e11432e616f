# The two commands: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore "$(VENV)" --ignore ".venv*" -v0

# The demo: SQLite in var/, mail written to var/mail, a Celery worker on a file broker.
# DEBUG is off as in production: static files are collected into var/static and served by
# WhiteNoise, a wrong address shows the helpdesk's own 404 page. The demo's address is HOST;
# SITE_URL (links in mail, the allowed host names) follows it unless given too.
DEBUG ?= false
SITE_URL ?= http://$(HOST)
DEMO_ENV = DEBUG=$(DEBUG) SITE_URL=$(SITE_URL)
run: $(VENV)/.installed messages
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo --no-logins
	$(DEMO_ENV) $(BIN)/python manage.py rundemo $(HOST)

# The whole suite, on the database DATABASE_URL names (SQLite in memory when unset).
test: $(VENV)/.installed-test messages
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# Inbound mail throughput and memory on PostgreSQL (BENCH_DATABASE_URL, BENCH_MAILS).
bench: $(VENV)/.installed-test
	$(BIN)/python tests/perf/bench_ingest.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf var .pytest_cache
