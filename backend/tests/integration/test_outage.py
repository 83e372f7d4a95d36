"""MongoDB stops mid-run: liveness holds, readiness and data routes fail fast, then recover."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from normogen.db.embedded import EmbeddedMongo
from tests.support import TEST_JWT_SECRET, ServerProcess, unique_db_name, wait_ready, wait_until

# Requirement bounds from the service foundation issue.
READY_RECOVERY_SECONDS = 5.0
# A request must come back (with 503) rather than hang; the driver gives up after 2 s.
REQUEST_TIMEOUT = 10.0


@pytest.fixture
def api(engine: EmbeddedMongo, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "NORMOGEN_ENV": "production",
        "MONGODB_URI": engine.uri,
        "MONGODB_DATABASE": unique_db_name(),
        "JWT_SECRET": TEST_JWT_SECRET,
        "SHUTDOWN_DRAIN_SECONDS": "0",
    }
    process = ServerProcess(env, tmp_path / "api.log").start()
    try:
        yield process
    finally:
        process.stop()


def test_outage_and_recovery(engine: EmbeddedMongo, api: ServerProcess) -> None:
    wait_ready(api.url)
    with httpx.Client(base_url=api.url, timeout=REQUEST_TIMEOUT) as http:
        assert http.get("/api/v1/server").status_code == 200

        engine.stop()

        # Readiness turns 503 on the very first probe (its ping has a 1 s budget).
        ready = http.get("/ready")
        assert ready.status_code == 503
        assert ready.json() == {"status": "not_ready", "database": "disconnected"}
        # Liveness does no I/O and stays up.
        assert http.get("/health").json() == {"status": "ok"}
        # Data routes answer 503 JSON, quickly, never 500 and never hanging.
        unavailable: list[str] = []
        for _ in range(3):
            response = http.get("/api/v1/server")
            unavailable.append(response.headers["x-request-id"])
            assert response.status_code == 503
            error = response.json()["error"]
            assert error["code"] == "database_unavailable"
            assert error["request_id"] == response.headers["x-request-id"]
            assert "Retry-After" in response.headers
            assert "pymongo" not in response.text.lower()

        engine.start()

        # Back within the bound, with no restart of the API process.
        wait_until(
            lambda: http.get("/ready").status_code == 200,
            READY_RECOVERY_SECONDS,
            "readiness did not recover",
        )
        wait_until(
            lambda: http.get("/api/v1/server").status_code == 200,
            READY_RECOVERY_SECONDS,
            "data routes did not recover",
        )
    assert api.process is not None
    assert api.process.poll() is None  # the same process throughout
    log = api.log_path.read_text()
    assert "Traceback" not in log
    # Every 503 was logged with the driver's error class (the limiter's write failed first).
    logged = {}
    for line in log.splitlines():
        entry = json.loads(line) if line.startswith("{") else {}
        if entry.get("msg") == "database unavailable":
            logged[entry.get("request_id")] = entry.get("error")
    for request_id in unavailable:
        assert logged.get(request_id) not in (None, "none"), request_id
