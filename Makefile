# Practicum: `make run` serves the course on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes (pytest-xdist): one per core by default; TEST_WORKERS=0 runs in one process.
# loadfile keeps each file on one worker, except the heavy sweeps in SPREAD_FILES
# (tests/conftest.py), whose cases are spread.
TEST_WORKERS ?= auto
export FLASK_APP := wsgi.py

.DEFAULT_GOAL := help
.PHONY: help run port-free test lint fmt bench ci setup-db content-lint clean serve cluster cluster-stop cluster-test

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

instance/config.py:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')" > $@
	chmod 600 $@

tools/verifier/node_modules/.installed: tools/verifier/package.json tools/verifier/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd tools/verifier && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm not found: the external credential verifier test will be skipped"; fi

setup-db: $(VENV)/.runtime instance/config.py ## Migrate the SQLite database and load the course
	PRACTICUM_ENV=development $(BIN)/flask db upgrade
	PRACTICUM_ENV=development $(BIN)/flask content sync
	@PRACTICUM_ENV=development $(BIN)/flask keys ensure

run: port-free setup-db ## Set up and serve http://127.0.0.1:5000 (SQLite, development; PORT=, HOST=)
	@echo "Demo accounts (passwords are shown only when the accounts are first created):"
	@PRACTICUM_ENV=development $(BIN)/flask users demo
	@echo "Email: the background worker starts too; it prints every message (reset links,"
	@echo "confirmations) in this console instead of sending it."
	bash tools/run-dev.sh $(HOST) $(PORT)

port-free:
	@$(PYTHON) tools/free_port.py $(HOST) $(PORT)

tools/a11y/node_modules/.installed: tools/a11y/package.json tools/a11y/package-lock.json
	@if command -v npm >/dev/null; then \
	  (cd tools/a11y && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm not found: the accessibility (axe-core) test will be skipped"; fi

test: $(VENV)/.dev tools/verifier/node_modules/.installed tools/a11y/node_modules/.installed ## Run the whole test suite
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.dev ## ruff check + ruff format --check + content lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PRACTICUM_ENV=testing $(BIN)/flask content lint

fmt: $(VENV)/.dev ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev ## Load-test under gunicorn against a bare Flask baseline, then the cohort report
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.report

ci: ## What CI runs (.ci/run)
	bash .ci/run

clean: ## Remove the virtualenv and local database
	rm -rf $(VENV) instance/practicum.db

serve: $(VENV)/.runtime ## Production under gunicorn on DATABASE_URL or SQLite, after migrating (needs SECRET_KEY, PUBLIC_BASE_URL)
	PRACTICUM_ENV=production $(BIN)/python deploy/preflight.py
	PRACTICUM_ENV=production $(BIN)/flask db upgrade
	PRACTICUM_ENV=production $(BIN)/flask content sync
	@PRACTICUM_ENV=production $(BIN)/flask keys ensure
	PRACTICUM_ENV=production exec $(BIN)/gunicorn -c deploy/gunicorn.conf.py

cluster: $(VENV)/.runtime ## Start PostgreSQL, Redis, two gunicorn instances and nginx on loopback (18xxx)
	bash deploy/cluster/cluster.sh start

cluster-stop: ## Stop exactly what make cluster started, by pid
	bash deploy/cluster/cluster.sh stop

cluster-test: $(VENV)/.dev ## Cross-instance journeys through nginx (starts and stops the cluster if needed)
	bash deploy/cluster/cluster.sh test
