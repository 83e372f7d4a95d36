#!/usr/bin/env bash
# Install what `make test-image` needs from Debian's packages, once: podman, buildah and runc,
# and Debian's Python 3.11 with venv, from which standin_images.py assembles the stand-in base
# images. Idempotent: does nothing when every package is already installed.
set -euo pipefail

packages=(podman buildah runc python3.11 python3.11-venv)
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-container-tools: need root to install ${missing[*]} (or install them yourself)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-container-tools: installed ${missing[*]}"
