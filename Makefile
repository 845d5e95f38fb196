# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-dev
MANAGE := $(BIN)/python manage.py

.PHONY: run test venv lint format check requirements clean assets messages

$(INSTALLED): requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $(INSTALLED)

venv: $(INSTALLED)

## Set everything up (venv, database, demo data, search index, admin account) and serve http://127.0.0.1:8000
run: venv
	$(MANAGE) run_local

## Run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set)
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=site $(BIN)/lint-imports

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: venv
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

## Recompile the pinned requirement files from requirements/*.in
requirements: venv
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links requirements/base.in -o requirements/base.txt
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links requirements/production.in -o requirements/production.txt
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var db.sqlite3

# --- Public site: vendored front-end assets and interface translations ---------------------
FONT_DIR := site/aftercare/static/aftercare/fonts
FONTSOURCE := node_modules/@fontsource/titillium-web

## Rebuild the vendored assets from npm (package.json / package-lock.json): the Titillium Web fonts.
## The results are committed, so `make run` never needs Node. Also installs axe-core for the browser tests.
assets:
	npm ci
	rm -rf $(FONT_DIR) && mkdir -p $(FONT_DIR)
	for weight in 400 600 700; do for subset in latin latin-ext; do \
		cp $(FONTSOURCE)/files/titillium-web-$$subset-$$weight-normal.woff2 $(FONT_DIR)/; done; \
		sed -e 's#url(./files/#url(./#g' -e "s#, url([^)]*[.]woff) format('woff')##" $(FONTSOURCE)/$$weight.css; \
		done > $(FONT_DIR)/titillium-web.css
	cp $(FONTSOURCE)/LICENSE $(FONT_DIR)/OFL.txt
	@echo "Fonts vendored in $(FONT_DIR) from @fontsource/titillium-web $$(node -p "require('./$(FONTSOURCE)/package.json').version")"

## Regenerate the interface catalogues (locale/) from the code, compile them, and list what is untranslated.
## Needs GNU gettext (apt-get install gettext). See locale/README.md.
messages: venv
	$(MANAGE) catalogues
