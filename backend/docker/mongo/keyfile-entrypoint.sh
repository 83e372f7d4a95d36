#!/usr/bin/env bash
# MongoDB entrypoint wrapper (docker-compose.yml): a replica set with authentication needs a
# key file for its members, owned by mongod's user and readable by it alone. Generated once
# into the config volume, then the image's own entrypoint runs unchanged (it creates the root
# user and runs docker/mongo/initdb/ on the first start only).
set -euo pipefail
keyfile=/data/configdb/replica.key
if [ ! -s "$keyfile" ]; then
    umask 077
    head -c 756 /dev/urandom | base64 -w 0 > "$keyfile.tmp"
    mv "$keyfile.tmp" "$keyfile"
fi
chown mongodb:mongodb "$keyfile"
chmod 400 "$keyfile"
exec docker-entrypoint.sh "$@"
