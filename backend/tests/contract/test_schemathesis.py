"""Schemathesis 4 against a live server: the OpenAPI document is an exact contract.

`schemathesis run --checks all` with every phase (examples, coverage, fuzzing, stateful) runs
as a child process against a real server on its own database, authenticated as a registered
user (tests/contract/hooks.py), with the rate limits raised so that the fuzzer is not
throttled. Any finding fails the test; the report names the case and how to replay it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.accounts import auth_settings
from tests.support import BACKEND, ThreadedServer, running_server, wait_ready

# Test cases per operation and phase; SCHEMATHESIS_MAX_EXAMPLES raises it for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
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


@pytest.mark.timeout(1500)
def test_schemathesis_finds_nothing(live_server: ThreadedServer, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{live_server.url}/openapi.json",
        "--checks",
        "all",
        # Timing is measured by backend/bench, never asserted by tests: on a loaded machine a
        # correct response can take longer than the 10 s `--checks all` sets (Argon2 on
        # register and login), so the limit only catches a hang.
        "--max-response-time",
        "300",
        "--suppress-health-check",
        "too_slow",
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
        command, cwd=BACKEND, env=env, capture_output=True, text=True, timeout=1440, check=False
    )
    (tmp_path / "output.txt").write_text(result.stdout + result.stderr)
    report = result.stdout[-20000:] + result.stderr[-5000:]
    assert result.returncode == 0, report
    # Every documented operation was tested, every phase ran, and every case passed.
    operations = sum(len(item) for item in live_server.app.openapi()["paths"].values())
    assert f"Tested: {operations}\n" in result.stdout, report
    for phase in ("Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.stdout, report
    generated = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert generated is not None, report
    assert generated[1] == generated[2], report
