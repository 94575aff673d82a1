# Compete: `make run` serves the demo on http://127.0.0.1:5000 (PORT=…) with the worker beside it, `make test` runs the suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYTEST_ARGS ?= -n 2
VENDOR := static/vendor/designsystemet

.PHONY: run test test-sqlite test-postgres test-browser lint fmt bench setup assets translations i18n-update i18n-check clean

setup: $(VENV)/.installed $(VENDOR)/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements-dev.txt
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR) static/vendor/axe-core
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css $(VENDOR)/index.css
	cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css $(VENDOR)/theme.css
	cp node_modules/axe-core/axe.min.js static/vendor/axe-core/axe.min.js
	touch $@

assets: $(VENDOR)/.installed

translations: $(VENV)/.installed
	$(PY) scripts/i18n.py compile

i18n-update: $(VENV)/.installed
	$(PY) scripts/i18n.py update

i18n-check: $(VENV)/.installed
	$(PY) scripts/i18n.py check

# The web server and the worker (outbox + scheduled jobs) side by side; Ctrl-C stops both.
# Links in e-mails point at the port served (BASE_URL); without MAIL_SERVER the worker writes each
# e-mail as an .eml file in instance/mail/.
PORT ?= 5000
run: export BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite: SQLite, then PostgreSQL when TEST_DATABASE_URL is set, then the browser tests.
test: setup
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	  else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi
	$(MAKE) --no-print-directory test-browser

test-sqlite:
	env -u TEST_DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) -m "not browser" $(PYTEST_EXTRA)

test-postgres:
	$(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) -m "not browser" $(PYTEST_EXTRA_PG)

test-browser:
	env -u TEST_DATABASE_URL $(PY) -m pytest -q -p no:cacheprovider -m browser $(PYTEST_EXTRA_BROWSER)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# wrk drives the pages, nginx fronts the multi-instance run: Debian packages, installed when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
bench: setup
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
	  echo "installing wrk and nginx-light from Debian"; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null; }; }
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) node_modules static/vendor instance/compete.sqlite
