"""No request reaches the routes, or the database, before the collections and indexes exist.

The start-up migration is held back here (it waits for the test's signal, then runs for real),
so that the window it normally closes within milliseconds can be observed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen import app as app_module
from normogen.db.client import Database
from normogen.db.indexes import migrate
from tests.support import ThreadedServer, async_wait_until, running_server, test_settings

SERVER_INFO = "/api/v1/server"


@pytest.fixture
def held_migration(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Start-up migrations wait until the returned event is set."""
    release = threading.Event()

    async def held(db: Database) -> dict[str, list[str]]:
        await asyncio.to_thread(release.wait)
        return await migrate(db)

    monkeypatch.setattr(app_module, "migrate", held)
    try:
        yield release
    finally:
        release.set()  # never leave a server's background task blocked


async def test_requests_get_503_until_the_schema_exists(
    mongodb_uri: str,
    held_migration: threading.Event,
    mongo: AsyncMongoClient[dict[str, object]],
) -> None:
    settings = test_settings(mongodb_uri, MONGODB_SERVER_SELECTION_TIMEOUT_MS=300)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            refused = await http.get(SERVER_INFO)
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "2"
            error = refused.json()["error"]
            assert error["code"] == "database_unavailable"
            assert error["request_id"] == refused.headers["x-request-id"]
            ready = await http.get("/ready")
            assert ready.status_code == 503
            assert ready.json() == {
                "status": "not_ready",
                "database": "connected",
                "reason": "migrating",
            }
            # Not even the rate limiter's counter was written.
            assert await mongo[settings.MONGODB_DATABASE].list_collection_names() == []

            held_migration.set()

            async def is_ready() -> bool:
                return (await http.get("/ready")).status_code == 200

            await async_wait_until(is_ready, 30, "the server never became ready")
            assert (await http.get(SERVER_INFO)).status_code == 200
    assert "rate_limits" in await mongo[settings.MONGODB_DATABASE].list_collection_names()


def in_flight(server: ThreadedServer) -> float | None:
    registry = server.runtime.metrics.registry
    value: float | None = registry.get_sample_value("normogen_http_requests_in_flight")
    return value


async def test_a_waiting_request_proceeds_once_the_schema_exists(
    mongodb_uri: str, held_migration: threading.Event
) -> None:
    settings = test_settings(mongodb_uri, MONGODB_SERVER_SELECTION_TIMEOUT_MS=30_000)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            waiting = asyncio.create_task(http.get(SERVER_INFO))

            async def held_at_the_gate() -> bool:
                return in_flight(server) == 1

            await async_wait_until(held_at_the_gate, 30, "the request was never held at the gate")
            assert not waiting.done()
            held_migration.set()
            response = await waiting
    assert response.status_code == 200
    assert response.json()["max_request_bytes"] == settings.MAX_REQUEST_BYTES
