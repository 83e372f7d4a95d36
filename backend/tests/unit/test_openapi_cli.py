"""`normogen openapi`: the document the web app's typed client is generated from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normogen.__main__ import main


def test_openapi_writes_the_apps_document(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(out)]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.")
    assert "/api/v1/auth/register" in document["paths"]
    assert "/api/v1/server" in document["paths"]


def test_openapi_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    first = capsys.readouterr().out
    assert main(["openapi"]) == 0
    assert capsys.readouterr().out == first
    assert json.loads(first)["info"]["title"] == "Normogen"
