# The README's two commands are `make serve` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/python: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/python

.PHONY: venv serve test lint bench system-deps
venv: $(BIN)/python

# Debian packages the tests need: Chromium and its driver (browser tests, image export),
# LibreOffice Impress (PPTX -> PDF).
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v soffice >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver libreoffice-impress)

serve: venv
	$(BIN)/python -m dashboard

test: venv system-deps
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: venv
	$(BIN)/python -m bench
