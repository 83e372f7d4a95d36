"""`normogen migrate` and `normogen serve` with the embedded engine, as real processes."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from pymongo import AsyncMongoClient

from normogen import participants
from tests.support import BACKEND, TEST_JWT_SECRET, ServerProcess, unique_db_name, wait_ready


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


async def test_migrate_creates_every_declared_index_idempotently(
    mongodb_uri: str, mongo: AsyncMongoClient[dict[str, object]]
) -> None:
    database = unique_db_name()
    env = {
        **os.environ,
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": database,
        "JWT_SECRET": TEST_JWT_SECRET,
        "LOG_LEVEL": "warning",
    }
    for _ in range(2):  # the second run must succeed and change nothing
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "normogen", "migrate"],
            env=env,
            cwd=BACKEND,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    for spec in participants.INDEXES:
        existing = set()
        async for index in await mongo[database][spec.collection].list_indexes():
            existing.add(index["name"])
        wanted = {model.document["name"] for model in spec.indexes}
        assert wanted <= existing, spec.collection


def test_development_serve_starts_and_stops_the_embedded_engine(tmp_path: Path) -> None:
    env = {
        "NORMOGEN_ENV": "development",
        "MONGODB_URI": "",
        "JWT_SECRET": "",
        "NORMOGEN_DATA_DIR": str(tmp_path / "data"),
        "SHUTDOWN_DRAIN_SECONDS": "0",
    }
    api = ServerProcess(env, tmp_path / "api.log").start()
    try:
        wait_ready(api.url)
        ready = httpx.get(f"{api.url}/ready", timeout=10)
        assert ready.json() == {"status": "ready", "database": "connected"}
        log = api.log_path.read_text()
        assert "EPHEMERAL" in log  # the development secret is announced loudly
        lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
        engine_port = next(x["port"] for x in lines if x["msg"] == "embedded engine ready")
        assert _port_open(engine_port)
        api.terminate()
        assert api.wait(60) == 0
    finally:
        api.stop()
    # The engine was stopped with the server, and its data stayed in the data folder.
    assert not _port_open(engine_port)
    assert any((tmp_path / "data" / "secantus").iterdir())
    assert "embedded engine stopped" in api.log_path.read_text()
