#!/usr/bin/env bash
# Refresh the digests that pin the base images (Dockerfile build arguments) and MongoDB's image
# (both compose files) to what their tags point at today. Run from anywhere, on a machine with
# Docker and registry access, then review the diff, run `make test test-image`, and commit:
#   backend/scripts/pin-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
files=(docker/Dockerfile docker/Dockerfile.dev docker-compose.yml docker-compose.dev.yml)
images=(
    python:3.11-slim-bookworm
    gcr.io/distroless/python3-debian12:nonroot
    mongo:8.0
)
for image in "${images[@]}"; do
    digest="$(docker buildx imagetools inspect "$image" | awk '/^Digest:/ { print $2; exit }')"
    if [[ ! "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
        echo "pin-images: no digest for $image" >&2
        exit 1
    fi
    pattern="$(printf '%s' "$image" | sed 's/[.\/]/\\&/g')@sha256:[0-9a-f]\{64\}"
    sed -i "s/${pattern}/$(printf '%s' "$image" | sed 's/[\/&]/\\&/g')@${digest}/g" "${files[@]}"
    echo "$image@$digest"
done
