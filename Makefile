# FairPlanner tasks. `make run` serves the demo, `make test` runs every test; both install first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app fairplanner
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help install run worker test lint fmt i18n migrate bench bench-load browser screenshots clean

help: ## List the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed ## Create .venv, install the pinned dependencies, compile translations
	$(BIN)/pybabel -q compile --use-fuzzy -d fairplanner/translations -f

run: install ## Install, build the database with demo data, serve on http://127.0.0.1:5000
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: install ## Send queued mail (to instance/mail/*.eml unless MAIL_HOST is set)
	$(FLASK) outbox run

browser: ## Install what the browser tests need when missing: chromium, Java, vnu.jar, axe-core
	@sh scripts/install-chromium.sh
	@sh scripts/install-checkers.sh

# The browser tests (mostly waiting on chromium, vnu and axe) run beside the others, each part
# in a pytest of its own that requires its own part (tests/guards.py); either failing fails the
# run, and "no test selected" (exit 5, a PYTEST_ARGS for one part) does not.
test: install browser ## Install, then run every test (PostgreSQL part when TEST_DATABASE_URL is set)
	@log=$$(mktemp); \
	FAIRPLANNER_REQUIRE_POSTGRES=0 $(BIN)/python -m pytest -p no:cacheprovider -m browser $(PYTEST_ARGS) >"$$log" 2>&1 & browser=$$!; \
	FAIRPLANNER_REQUIRE_BROWSER=0 $(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS); rest=$$?; \
	wait $$browser; shown=$$?; \
	echo "--- the browser tests ---"; cat "$$log"; rm -f "$$log"; \
	{ [ $$rest -eq 0 ] || [ $$rest -eq 5 ]; } && { [ $$shown -eq 0 ] || [ $$shown -eq 5 ]; }

lint: install ## ruff check and format check, and the package layers (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache --no-logo

fmt: install ## Format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

i18n: install ## Extract messages and update the ru/en catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs ".* __pycache__ instance" -o fairplanner/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i fairplanner/translations/messages.pot -d fairplanner/translations --no-fuzzy-matching --ignore-obsolete

migrate: install ## Generate a migration from the models: make migrate m="what changed"
	$(FLASK) db migrate -m "$(m)"

bench: install ## Run the in-process benchmarks (pages, and the feed at 5,000 fairs)
	$(BIN)/python -m bench

bench-load: install ## Load benchmark: gunicorn + wrk on SQLite and PostgreSQL (BENCH_ARGS=...)
	@sh scripts/apt-install.sh wrk "the load benchmark" wrk \
	  || { echo "wrk is missing and could not be installed: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python -m bench.load $(BENCH_ARGS)

screenshots: install browser ## README screenshots (docs/*.png: the console, the exhibitor catalogue) from the demo data
	$(BIN)/python scripts/screenshots.py

clean: ## Remove the virtualenv and the development database
	rm -rf $(VENV) instance/fairplanner.sqlite3
