# Lingtouyan: `make run` serves the demo county, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000
# The suite runs in one process per core (pytest-xdist; at most 8): TEST_WORKERS=0 runs it in
# this process, e.g. to use a debugger.
TEST_WORKERS ?= auto

.PHONY: run test install messages browser migrate demo lint format check clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Compiles the translation catalogues (Babel, so GNU gettext is not needed to run).
messages: install
	@for dir in locale */locale; do \
	  if [ -d "$$dir" ]; then $(VENV)/bin/pybabel compile -d "$$dir" -D django || exit 1; fi; \
	done

# Debian's Chromium (and a CJK font, so screenshots show Chinese) for the browser tests;
# Playwright's own browser download cannot work here.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium fonts-wqy-microhei >/dev/null; \
	  else echo "chromium or a Chinese font is missing: install Debian's chromium and fonts-wqy-microhei"; fi; \
	fi

migrate: install messages
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo "领头雁 is serving on http://$(HOST)/  (the demo logins are printed above)"
	$(PY) manage.py runserver $(HOST)

test: install messages browser
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --maxprocesses 8 $(PYTEST_ARGS)

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles test-artifacts test-db*.sqlite3
