"""Schemathesis 4 against a live server: the OpenAPI document is an exact contract.

`schemathesis run --checks all` with every phase (examples, coverage, fuzzing, stateful) runs
as a child process against a real server on its own database, authenticated as a registered
user (tests/contract/hooks.py), with the rate limits raised so that the fuzzer is not
throttled. Any finding fails the test; the report names the case and how to replay it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.accounts import auth_settings
from tests.support import BACKEND, ThreadedServer, running_server, wait_ready

# Test cases per operation and phase; SCHEMATHESIS_MAX_EXAMPLES raises it for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
# A fixed seed keeps CI reproducible; SCHEMATHESIS_SEED explores other cases.
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261201")
RAISED = 1_000_000


@pytest.fixture
def live_server(mongodb_uri: str) -> Iterator[ThreadedServer]:
    settings = auth_settings(
        mongodb_uri,
        RATE_LIMIT_REQUESTS=RAISED,
        AUTH_RATE_LIMIT_REQUESTS=RAISED,
        LINK_RATE_LIMIT_REQUESTS=RAISED,
        LINK_PASSWORD_ATTEMPTS=RAISED,
        JWT_ACCESS_TOKEN_EXPIRY_MINUTES=60,
    )
    with running_server(settings) as running:
        wait_ready(running.url)
        yield running


@pytest.mark.timeout(900)
def test_schemathesis_finds_nothing(live_server: ThreadedServer, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{live_server.url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        SEED,
        "--workers",
        "2",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
        "--no-color",
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.contract.hooks",
        "NORMOGEN_ST_URL": live_server.url,
    }
    result = subprocess.run(
        command, cwd=BACKEND, env=env, capture_output=True, text=True, timeout=840, check=False
    )
    (tmp_path / "output.txt").write_text(result.stdout + result.stderr)
    report = result.stdout[-20000:] + result.stderr[-5000:]
    assert result.returncode == 0, report
    assert "No issues found" in result.stdout or " passed" in result.stdout, report
