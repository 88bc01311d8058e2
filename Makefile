# Plenary: `make run` serves the demo on the embedded default; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: run test install lint format translations extract-messages bench clean upgrade-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies or their pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dev]'
	touch $@

# Resolve the newest versions pyproject.toml allows, in a throw-away environment, and pin them.
upgrade-deps:
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/python -m pip install --quiet --upgrade pip
	.venv-upgrade/bin/python -m pip install --quiet '.[test,dev]'
	{ echo "# Every dependency pinned, for make install, .ci/run and the wheel test; 'make upgrade-deps' refreshes it."; \
	  .venv-upgrade/bin/python -m pip freeze --exclude plenary; } > constraints.txt
	rm -rf .venv-upgrade build
	@echo "constraints.txt refreshed: run make test, then commit it"

install: $(VENV)/.installed translations

# The .mo files are built, never committed.
translations: $(VENV)/.installed
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d translations --statistics 2>&1 | tail -n 6; fi

run: install
	PLENARY_ENV=$${PLENARY_ENV:-development} $(BIN)/flask db upgrade
	PLENARY_ENV=$${PLENARY_ENV:-development} $(BIN)/flask seed demo
	PLENARY_ENV=$${PLENARY_ENV:-development} $(BIN)/flask serve --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Sorted and without line numbers, so that two changes that add messages merge cleanly.
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching \
		--ignore-obsolete

bench: install
	$(BIN)/python -m bench.circular_send

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
