#!/usr/bin/env bash
# Create the Compose stack's Docker secrets under backend/secrets/ (git-ignored), once:
#   ./docker/init-secrets.sh
# Existing files are never overwritten (MongoDB keeps the passwords of its first start).
# The directory is private to you; the files are world-readable inside it only so that the
# containers' users (1000 for the API, 999 for MongoDB) can read their bind-mounted copies.
set -euo pipefail
cd "$(dirname "$0")/.."
database="${MONGODB_DATABASE:-normogen}"
mkdir -p secrets
chmod 700 secrets
random() { head -c 48 /dev/urandom | base64 -w 0 | tr '+/' '-_' | tr -d '='; }
create() {  # name value
    if [ -s "secrets/$1" ]; then
        echo "secrets/$1 exists: kept"
    else
        (umask 022; printf '%s\n' "$2" > "secrets/$1")
        echo "secrets/$1 created"
    fi
}
create jwt_secret "$(random)"
create mongodb_root_password "$(random)"
create mongodb_app_password "$(random)"
# The API's connection string carries the application user's password (URL-safe characters).
app_password="$(cat secrets/mongodb_app_password)"
create mongodb_uri \
    "mongodb://normogen:${app_password}@mongodb:27017/${database}?replicaSet=rs0&authSource=${database}"
