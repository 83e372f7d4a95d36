"""Where the deployment validators live and how the tests run them (installed by `make test`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

BACKEND = Path(__file__).resolve().parents[2]
ROOT = BACKEND.parent
DEPLOY_BIN = ROOT / ".venv-deploy" / "bin"
DCLINT = ROOT / ".tools" / "node" / "node_modules" / ".bin" / "dclint"
OVERLAYS = ("homelab", "production")
WORKFLOW = ROOT / ".forgejo" / "workflows" / "backend-build.yml"
RELEASE_WORKFLOW = ROOT / ".forgejo" / "workflows" / "release.yml"
COMPOSE_FILES = (BACKEND / "docker-compose.yml", BACKEND / "docker-compose.dev.yml")
# The one writable path inside the container (a path there, not a temporary file here).
CONTAINER_TMP = "/tmp"  # noqa: S108
DOCKERFILES = (BACKEND / "docker" / "Dockerfile", BACKEND / "docker" / "Dockerfile.dev")


def tool(name: str) -> Path:
    """A validator's executable; a missing one fails the test (`make deploy-tools` installs)."""
    path = DCLINT if name == "dclint" else DEPLOY_BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed at {path}: run `make deploy-tools`")
    return path


def run(name: str, *args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a validator from backend/ and return what it said (the caller asserts the code)."""
    return subprocess.run(  # fixed tool paths, arguments from the test
        [str(tool(name)), *map(str, args)],
        cwd=BACKEND,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def render(overlay: str) -> str:
    result = run("kubectl", "kustomize", f"k8s/overlays/{overlay}")
    assert result.returncode == 0, result.stderr
    return result.stdout


def documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    matches = [doc for doc in docs if doc["kind"] == kind]
    assert len(matches) == 1, f"expected one {kind}, found {len(matches)}"
    return matches[0]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())
