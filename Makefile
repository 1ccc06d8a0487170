# `make run` and `make test` set up their own virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCALES := bot/locales

.PHONY: run demo test lint typecheck content-check locales bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/coach run

demo: $(STAMP)
	$(BIN)/coach demo

test: $(STAMP) lint typecheck content-check
	$(BIN)/pytest
	@command -v chromium >/dev/null 2>&1 || echo "No chromium here: the map's browser test did NOT run (apt-get install chromium)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

content-check: $(STAMP)
	$(BIN)/coach content check

# Re-extract user-facing strings, merge them into the catalogs, and compile (after editing the .po files).
locales: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header -k _ -k __ -k ngettext:1,2 -o $(LOCALES)/messages.pot bot
	$(BIN)/pybabel update --ignore-obsolete -d $(LOCALES) -D messages -i $(LOCALES)/messages.pot
	$(BIN)/pybabel compile --statistics -d $(LOCALES) -D messages

# Every benchmark in one go (about twenty minutes); the table goes to docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
