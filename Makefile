# Normogen: the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ := backend/requirements
STAMP := $(VENV)/.installed-dev
BACKEND := backend

.PHONY: help install run demo test check lint types dead layers unit tiers lock bench clean delete-data \
	deploy-tools test-image lock-deploy check-config migrate backup restore verify-backup \
	gen-secret \
	web-install web-build web-api web-api-check web-lint web-unit web-e2e web-test web-bench \
	web-bench-records web-bench-offline

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# One line, before anything is created, when the interpreter is too old (pip would fail deep in
# dependency resolution instead). PYTHON=python3.12 make ... picks another interpreter.
MIN_PYTHON := 3.11
PY_VERSION_OK = import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY_VERSION = import sys; print("%d.%d" % sys.version_info[:2])

$(BIN)/python:
	@$(PYTHON) -c '$(PY_VERSION_OK)' 2>/dev/null || { echo "make: Normogen needs Python \
	$(MIN_PYTHON) or newer, but $(PYTHON) is $$($(PYTHON) -c '$(PY_VERSION)' 2>/dev/null || \
	echo missing); install it or run with PYTHON=python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Hash-checked install of the pinned set, then the two local packages without dependencies.
# A .venv left by an older interpreter is named instead of failing inside pip.
$(STAMP): $(BIN)/python $(REQ)/dev.txt backend/pyproject.toml clients/python/pyproject.toml
	@$(BIN)/python -c '$(PY_VERSION_OK)' || { echo "make: $(VENV) was created by Python \
	$$($(BIN)/python -c '$(PY_VERSION)'), Normogen needs $(MIN_PYTHON)+: make clean, then \
	make install (local data in $(BACKEND)/.data is kept)" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		--no-deps -r $(REQ)/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		-e $(BACKEND) -e clients/python
	touch $@

install: $(STAMP) ## create .venv with the pinned development dependencies

# The local instance: NORMOGEN_ENV and SERVER_HOST default to development and 127.0.0.1 unless
# the environment or backend/config/.env sets them (the environment wins over the file).
ENV_FILE := $(BACKEND)/config/.env
file_value = $(shell sed -n 's/^[[:space:]]*$(1)[[:space:]]*=[[:space:]]*//p' $(ENV_FILE) 2>/dev/null \
	| tail -n 1 | tr -d "\"'")
LOCAL := NORMOGEN_ENV=$${NORMOGEN_ENV:-$(or $(call file_value,NORMOGEN_ENV),development)} \
	SERVER_HOST=$${SERVER_HOST:-$(or $(call file_value,SERVER_HOST),127.0.0.1)}
NORMOGEN := cd $(BACKEND) && $(LOCAL) ../$(BIN)/normogen
ARCHIVE ?= backups/normogen-$(shell date -u +%Y%m%dT%H%M%SZ).tar.gz

run: $(STAMP) web-build ## the web app on http://127.0.0.1:6001 and the API on :8000 (embedded database unless MONGODB_URI is set)
	cd $(BACKEND) && trap 'kill $$web 2>/dev/null; wait $$web 2>/dev/null' EXIT; \
		../$(BIN)/normogen web --dist ../$(WEB)/dist --port $${WEB_PORT:-6001} \
			--api-url http://127.0.0.1:$${SERVER_PORT:-8000} & web=$$!; \
		$(LOCAL) ../$(BIN)/normogen serve

check-config: $(STAMP) ## validate the local settings and print them, secrets masked
	$(NORMOGEN) check-config

migrate: $(STAMP) ## apply the schema migrations to the local database (idempotent)
	$(NORMOGEN) migrate

backup: $(STAMP) ## write a verifiable archive of the local database to ARCHIVE (backups/...)
	@mkdir -p $(dir $(abspath $(ARCHIVE)))
	$(NORMOGEN) backup --output $(abspath $(ARCHIVE))

verify-backup: $(STAMP) ## check the archive ARCHIVE=... (manifest, counts, checksums)
	$(NORMOGEN) restore --verify-only $(abspath $(ARCHIVE))

restore: $(STAMP) ## load ARCHIVE=... into the empty local database (DROP=1 replaces its data)
	$(NORMOGEN) restore $(if $(DROP),--drop) $(abspath $(ARCHIVE))

gen-secret: $(STAMP) ## print a new random JWT_SECRET
	@$(BIN)/normogen gen-secret

demo: $(STAMP) ## start the server if needed (as `make run`) and fill it with a demo household
	cd $(BACKEND) && $(LOCAL) ../$(BIN)/python scripts/demo.py

test: $(STAMP) deploy-tools ## install everything and run the whole suite (lint, types, unit, integration)
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory web-test

check: lint types dead layers tiers ## what CI runs: ruff, mypy --strict, vulture, import-linter, the test tiers

lint:
	cd $(BACKEND) && ../$(BIN)/ruff check src tests bench scripts ../clients/python && \
		../$(BIN)/ruff format --check src tests bench scripts ../clients/python

types:
	cd $(BACKEND) && ../$(BIN)/mypy src tests bench scripts ../clients/python/src ../clients/python/tests

# The one-way layers and the domain boundaries: import-linter, contracts in
# backend/pyproject.toml ([tool.importlinter]), explained in docs/architecture.md.
layers:
	cd $(BACKEND) && ../$(BIN)/lint-imports --no-cache

# Dead code: vulture (settings in backend/pyproject.toml; false positives in
# backend/vulture_whitelist.py).
dead:
	cd $(BACKEND) && ../$(BIN)/vulture

# The test tiers, each timed: unit (no database), integration (real database and HTTP, e2e,
# deployment files), contract (schemathesis against a live server).
tier = cd $(BACKEND) && SECONDS=0; ../$(BIN)/pytest $(2) $(PYTEST_ARGS); status=$$?; \
	echo "== $(1) tier: $${SECONDS} s"; exit $$status

unit: ## the fast unit tier alone (no database)
	@$(call tier,unit,tests/unit ../clients/python/tests)

tiers: unit
	@$(call tier,integration,tests/integration tests/e2e tests/deploy)
	@$(call tier,contract,tests/contract)

bench: $(STAMP) ## run the benchmarks (ratios against floors measured in the same run)
	cd $(BACKEND) && ../$(BIN)/python -m bench

lock: ## re-pin the requirements files from pyproject.toml (needs network)
	$(BIN)/python -m pip install --quiet uv
	cd $(BACKEND) && ../$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
		--quiet -o requirements/main.txt
	cd $(BACKEND) && ../$(BIN)/uv pip compile pyproject.toml ../clients/python/pyproject.toml \
		--extra dev --generate-hashes --python-version 3.11 --quiet -o requirements/dev.txt

# Deployment validators for tests/deploy (hadolint, kubectl kustomize, kubernetes-validate,
# checkov, yamllint, check-jsonschema in .venv-deploy; dclint under .tools/node). Idempotent.
deploy-tools: ## install the deployment validators (.venv-deploy, .tools/node)
	PYTHON=$(PYTHON) $(BACKEND)/scripts/install-deploy-tools.sh

test-image: $(STAMP) web-build ## build the images with podman on local stand-in bases and smoke-test it
	$(BACKEND)/scripts/install-container-tools.sh
	$(BIN)/python $(BACKEND)/scripts/standin_images.py
	cd $(BACKEND) && ../$(BIN)/python scripts/image_smoke.py

lock-deploy: ## re-pin the deployment tool and image build requirements (needs network)
	$(BIN)/python -m pip install --quiet uv
	cd $(BACKEND) && ../$(BIN)/uv pip compile requirements/deploy.in --generate-hashes \
		--python-version 3.11 --quiet -o requirements/deploy.txt
	cd $(BACKEND) && ../$(BIN)/uv pip compile requirements/build.in --generate-hashes \
		--python-version 3.11 --quiet -o requirements/build.txt

# --- The web app (web/): Node.js >= 20.19 with npm; Playwright drives Debian's Chromium. ---
WEB := web
WEB_STAMP := $(WEB)/node_modules/.installed
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) $(WEB)/index.html \
	$(WEB)/vite.config.ts $(wildcard $(WEB)/tsconfig*.json)
CHROMIUM ?= /usr/bin/chromium

$(WEB_STAMP): $(WEB)/package.json $(WEB)/package-lock.json
	@command -v npm >/dev/null || { echo "make: the web app needs Node.js 20.19+ with npm" >&2; exit 1; }
	cd $(WEB) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

web-install: $(WEB_STAMP) ## install the web app's locked packages (npm ci)

# Rebuilt only when a source file is newer than the build (or there is none yet).
$(WEB)/dist/index.html: $(WEB_STAMP) $(WEB_SOURCES)
	cd $(WEB) && npx vite build --logLevel warn
	touch $@

web-build: $(WEB)/dist/index.html ## build the web app into web/dist when its sources changed

web-api: $(STAMP) $(WEB_STAMP) ## regenerate web/src/api/schema.gen.ts from the server's OpenAPI document
	cd $(BACKEND) && ../$(BIN)/normogen openapi --output ../$(WEB)/openapi.json
	cd $(WEB) && npx openapi-typescript openapi.json -o src/api/schema.gen.ts

web-api-check: $(STAMP) $(WEB_STAMP) ## fail when the generated API client is older than the server's API
	cd $(BACKEND) && ../$(BIN)/normogen openapi --output ../$(WEB)/openapi.json
	cd $(WEB) && npx openapi-typescript openapi.json -o node_modules/.tmp/schema.check.ts >/dev/null
	@cmp -s $(WEB)/src/api/schema.gen.ts $(WEB)/node_modules/.tmp/schema.check.ts || { \
		echo "web/src/api/schema.gen.ts is out of date with the server's OpenAPI: run 'make web-api'" >&2; \
		diff -u $(WEB)/src/api/schema.gen.ts $(WEB)/node_modules/.tmp/schema.check.ts | head -40 >&2; exit 1; }
	@echo "web API client is current"

web-lint: $(WEB_STAMP) ## eslint and tsc over the web app
	cd $(WEB) && npx eslint . --max-warnings 0 && npx tsc -b --noEmit

web-unit: $(WEB_STAMP) ## vitest: crypto vectors and state
	cd $(WEB) && npx vitest run

$(CHROMIUM):
	@echo "installing Debian's Chromium for the browser tests"
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y chromium; \
		else sudo apt-get update -qq && sudo apt-get install -y chromium; fi

web-e2e: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## Playwright + axe against a real server
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen npx playwright test

web-test: web-lint web-unit web-api-check web-e2e ## everything for the web app

web-bench: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## measure the web app (bundle size, unlock time)
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen \
		npx playwright test --config bench/platform.config.ts

web-bench-records: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## measure the records pages (5,000 records: first paint, all rendered, scrolling)
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen \
		npx playwright test --config bench/records.config.ts

web-bench-offline: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## measure opening offline (5,000 records kept: reload, unlock, first rows; against the KDF floor)
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen \
		npx playwright test --config bench/offline.config.ts

clean: ## remove the virtual environments and tools (keeps your data in backend/.data)
	rm -rf $(VENV) .venv-deploy .tools

delete-data: ## DELETE the local database in backend/.data (asks for CONFIRM=yes)
	@if [ "$(CONFIRM)" != yes ]; then echo "make: this deletes every record in \
	$(BACKEND)/.data; back it up (make backup), then run: make delete-data CONFIRM=yes" >&2; \
	exit 1; fi
	rm -rf $(BACKEND)/.data
