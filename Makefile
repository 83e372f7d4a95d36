# Normogen: the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REQ := backend/requirements
STAMP := $(VENV)/.installed-dev
BACKEND := backend

.PHONY: help install run demo test check lint types unit lock bench clean deploy-tools test-image lock-deploy

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

run: $(STAMP) ## start the API on http://127.0.0.1:8000 (embedded database unless MONGODB_URI is set)
	cd $(BACKEND) && NORMOGEN_ENV=$${NORMOGEN_ENV:-development} SERVER_HOST=$${SERVER_HOST:-127.0.0.1} \
		../$(BIN)/normogen serve

demo: $(STAMP) ## start the server if needed and fill it with a generated demo household
	cd $(BACKEND) && ../$(BIN)/python scripts/demo.py

test: $(STAMP) deploy-tools ## install everything and run the whole suite (lint, types, unit, integration)
	$(MAKE) --no-print-directory check

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

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) $(BACKEND)/.data .venv-deploy .tools
