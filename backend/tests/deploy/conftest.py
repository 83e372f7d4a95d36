"""Fixtures for the deployment tests: each overlay rendered once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.deploy.tooling import OVERLAYS, documents, render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`kubectl kustomize` of each overlay, written to a file (for the file-based validators)."""
    out = tmp_path_factory.mktemp("k8s")
    paths = {}
    for overlay in OVERLAYS:
        paths[overlay] = out / f"{overlay}.yaml"
        paths[overlay].write_text(render(overlay))
    return paths


@pytest.fixture(scope="session")
def manifests(rendered: dict[str, Path]) -> dict[str, list[dict[str, Any]]]:
    """The rendered overlays, parsed: overlay name -> its resources."""
    return {name: documents(path.read_text()) for name, path in rendered.items()}
