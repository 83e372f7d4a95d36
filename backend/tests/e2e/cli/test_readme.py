"""Every code block of clients/python/README.md runs verbatim against a live server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.e2e.cli.conftest import PASSPHRASE
from tests.support import ThreadedServer

README = Path(__file__).resolve().parents[4] / "clients" / "python" / "README.md"
FENCE = re.compile(r"^```([a-z]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
BLOCKS = FENCE.findall(README.read_text(encoding="utf-8"))
PYTHON = [code for language, code in BLOCKS if language == "python"]
SHELL = [code for language, code in BLOCKS if language == "bash"]
# What each Python block prints when it worked (in order of the README).
EXPECTED = [
    ["recovery set up: True", "1 session(s)"],
    ["adherence over 7 days:", "3 records in the local copy, 3 new"],
    ["gran sees Ada junior", "['Ferritin']"],
    ['{"resourceType": "Bundle"', "1 created, 0 already there", "0 created, 1 already there"],
]


def test_every_block_is_runnable_or_data() -> None:
    assert [language for language, _ in BLOCKS] == ["bash", "python", "python", "python", "python"]
    assert len(PYTHON) == len(EXPECTED)


def environment(server: ThreadedServer, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NORMOGEN_SERVER": server.url,
        "XDG_CONFIG_HOME": str(home / "config"),
        "NORMOGEN_SESSION_STORE": "file",
        "NORMOGEN_SESSION_PASSPHRASE": PASSPHRASE,
        "COLUMNS": "200",
    }


@pytest.mark.parametrize("index", range(len(PYTHON)))
def test_python_block(auth_server: ThreadedServer, tmp_path: Path, index: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PYTHON[index]],
        cwd=tmp_path,
        env=environment(auth_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for expected in EXPECTED[index]:
        assert expected in result.stdout, result.stdout


def test_shell_block(auth_server: ThreadedServer, tmp_path: Path) -> None:
    [script] = SHELL
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=environment(auth_server, tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Recorded Ramipril as taken" in result.stdout
    assert "Logged out." in result.stdout
    bundle = json.loads((tmp_path / "mum.fhir.json").read_text())
    Bundle.model_validate(bundle)
    kinds = sorted(entry["resource"]["resourceType"] for entry in bundle["entry"])
    assert kinds == [
        "MedicationAdministration",
        "MedicationStatement",
        "Observation",
        "Observation",
        "Patient",
    ]
