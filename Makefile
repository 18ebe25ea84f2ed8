# The README's two commands are `make serve` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/python: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/python

# axe-core (accessibility checks injected into the browser tests), from npm, pinned; kept out of git in .cache/.
# tests/browser/a11y_support.py pins the same version.
AXE_VERSION := 4.10.3

.PHONY: venv serve test lint bench system-deps axe plotly-bundle
venv: $(BIN)/python

# plotly.js with only the trace types the pages draw (tools/plotly_bundle: its versions pinned by its lockfile,
# plotly.js the version the Python plotly package carries), built with esbuild from npm into assets/vendor/ (kept
# out of git; the npm install in .cache/). Dash's Graph uses it instead of the full plotly.js: about 1.2 s less
# of every page load in a fresh browser here.
PLOTLY_BUNDLE := assets/vendor/plotly.min.js
BUNDLE_DIR := .cache/plotly-bundle
$(PLOTLY_BUNDLE): $(wildcard tools/plotly_bundle/*.json tools/plotly_bundle/*.mjs)
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	@mkdir -p $(BUNDLE_DIR) assets/vendor
	@cmp -s tools/plotly_bundle/package-lock.json $(BUNDLE_DIR)/package-lock.json && test -d $(BUNDLE_DIR)/node_modules || \
	  (cp tools/plotly_bundle/package.json tools/plotly_bundle/package-lock.json $(BUNDLE_DIR)/ && \
	   cd $(BUNDLE_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
	@cp tools/plotly_bundle/build.mjs tools/plotly_bundle/traces.json $(BUNDLE_DIR)/
	cd $(BUNDLE_DIR) && node build.mjs $(CURDIR)/$@.tmp
	@mv $@.tmp $@
plotly-bundle: $(PLOTLY_BUNDLE)

# Debian packages the tests need: Chromium and its driver (browser tests, image export),
# LibreOffice Impress (PPTX -> PDF), npm (to fetch axe-core), PostgreSQL 15 with PostGIS (the store's second
# backend: the tests start a private cluster themselves) and Redis (the job queue).
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v soffice >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver libreoffice-impress)
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)
	@test -x /usr/lib/postgresql/15/bin/initdb && test -f /usr/share/postgresql/15/extension/postgis.control && \
	  command -v redis-server >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql postgresql-15-postgis-3 redis-server)

axe: system-deps
	@grep -qs '"version": "$(AXE_VERSION)"' .cache/axe/node_modules/axe-core/package.json || \
	  npm install --prefix .cache/axe --no-save --no-audit --no-fund axe-core@$(AXE_VERSION)

serve: venv
	@$(MAKE) --no-print-directory plotly-bundle || echo "plotly bundle not built: the pages load the full plotly.js"
	$(BIN)/python -m dashboard

# The PostGIS store tests and the Celery job tests must run here (a PostgreSQL cluster or redis-server that cannot
# start fails them; a developer's run skips them).
test: export TFA_REQUIRE_POSTGIS = 1
test: export TFA_REQUIRE_REDIS = 1
# Two pytest-xdist workers: the browser and render tests wait on Chromium, LibreOffice and polls much of the time,
# so two share this 2-core machine well. `--dist loadgroup` gives the browser tests a lane of their own
# (tests/conftest_lanes.py: one worker runs them while the other runs the rest), so no two Chromiums draw at once
# until the end. Each worker starts its own database cluster and Redis, and its browser tests take ports of their
# own (tests/conftest.py). The run ends with its 25 slowest tests, to keep an eye on the 20-minute budget.
test: venv system-deps axe plotly-bundle
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25

# The fast path while developing: the unit and callback tiers (no Chromium, kaleido or LibreOffice).
# `make test` (the README's command, and CI's) runs every tier.
.PHONY: test-fast
test-fast: venv
	$(BIN)/python -m pytest -m "unit or callback"

lint: venv
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: venv
	$(BIN)/python -m bench
