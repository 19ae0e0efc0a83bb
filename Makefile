# Kopij: `make run` serves the demo site, `make test` runs lint and the whole suite.
PORT ?= 8000
# The first Python 3.11+ on the PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $$p && break; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format messages install stack stack-down

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Kopij needs Python 3.11 or newer on the PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# A laptop setup: SQLite in var/, tasks run eagerly, mail printed to the console.
run: export DEBUG ?= true
# Links in mail (confirmation, newsletter) point at this server, whatever its port.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py demo_accounts
	@echo "Kopij: http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled .mo files are committed so `make run` does not.
messages: $(STAMP)
	DEBUG=true $(BIN)/python manage.py makemessages --locale nl --ignore ".venv/*" --no-obsolete --no-location
	DEBUG=true $(BIN)/python manage.py compilemessages --locale nl --ignore ".venv/*"

# Production-shaped on one machine: Varnish → gunicorn, a Celery worker and beat (README: Production).
stack: $(STAMP)
	deploy/stack.sh up

stack-down:
	deploy/stack.sh down
