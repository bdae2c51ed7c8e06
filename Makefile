# Sister City CRM — the commands a newcomer needs.
#   make run    set up, migrate, load the demo data (once) and serve on http://127.0.0.1:5000
#   make test   set up and run the whole test suite (SQLite and PostgreSQL lanes)
#   make api-check  the JSON API against its OpenAPI description (schemathesis), every role, both databases
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PYBABEL := $(VENV)/bin/pybabel
# What message extraction reads as a message: flask_babel's lazy forms besides Babel's defaults (_, gettext,
# ngettext, pgettext, npgettext); the numbers say which argument is the msgctxt (c) and the msgid(s).
BABEL_KEYWORDS := --keywords _l --keywords lazy_gettext --keywords lazy_pgettext:1c,2 \
                  --keywords lazy_ngettext:1,2 --keywords lazy_npgettext:1c,2,3
VNU_JAR := .ci/node/node_modules/vnu-jar/build/dist/vnu.jar
LANGUAGES := en es fr de ja zh ar

.PHONY: run test api-check setup install system-packages vnu translations compile-translations db clean

run: setup system-packages db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup system-packages vnu
	$(PY) -m pytest $(PYTEST_ARGS)

# The JSON API against its OpenAPI description: schemathesis with every check and 4 workers, as every role,
# on SQLite and on PostgreSQL (API_CHECK_DATABASE_URL, default postgresql+psycopg://postgres@localhost/crm_api_check;
# its public schema is dropped). API_CHECK_ARGS="--max-examples 300" for a longer run.
api-check: setup
	$(PY) -m scripts.api_check $(API_CHECK_ARGS)

setup: install compile-translations

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# Debian packages for PDFs and browser tests (fonts, HarfBuzz subsetting, Chromium).
system-packages:
	@bash scripts/system-packages.sh

# The Nu HTML Checker the tests run over every page they render (tests/markup_check.py): the npm package
# vnu-jar, pinned in .ci/node (its install script, which would download a Java, is not run: Java comes from
# system-packages). Without it the check is skipped with a warning, or make fails under REQUIRE_VNU=1.
vnu: $(VNU_JAR)

$(VNU_JAR): .ci/node/package.json .ci/node/package-lock.json
	@if command -v npm >/dev/null && npm ci --prefix .ci/node --ignore-scripts --no-audit --no-fund --loglevel=error; then \
	  touch $@; \
	else \
	  echo "!!! vnu.jar not installed (npm missing or failed): the markup check (Nu HTML Checker) is skipped" >&2; \
	  [ "$(REQUIRE_VNU)" != 1 ]; \
	fi

db: install
	$(FLASK) db upgrade
	$(FLASK) crm seed-demo

compile-translations: install
	$(PYBABEL) -q compile --directory translations

# After changing user-visible text: extract, merge into every catalog, then translate the new entries.
translations: install
	$(PYBABEL) -q extract --mapping babel.cfg $(BABEL_KEYWORDS) --add-comments NOTE --sort-by-file --project "Sister City CRM" --output translations/messages.pot .
	@for lang in $(LANGUAGES); do \
	  if [ -f translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(PYBABEL) -q update --no-fuzzy-matching --ignore-obsolete --input-file translations/messages.pot --output-dir translations --locale $$lang; \
	  else \
	    $(PYBABEL) -q init --input-file translations/messages.pot --output-dir translations --locale $$lang; \
	  fi; \
	done
	$(PY) -m scripts.fill_english_catalog

clean:
	rm -rf $(VENV) instance/crm.sqlite3*
