"""Rate limits: per IP anonymous, per user with a token, shared through MongoDB, probes exempt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen.core.tokens import issue_access_token
from tests.support import (
    DAY,
    TEST_JWT_SECRET,
    ServerProcess,
    ThreadedServer,
    async_wait_until,
    in_one_window,
    running_server,
    test_settings,
    unique_db_name,
)

LIMIT = 5


@pytest.fixture
def limited(mongodb_uri: str) -> Iterator[ThreadedServer]:
    # Day-long windows; each test's counting runs `in_one_window`.
    settings = test_settings(
        mongodb_uri, RATE_LIMIT_REQUESTS=LIMIT, RATE_LIMIT_DURATION_SECONDS=DAY
    )
    with running_server(settings) as server:
        yield server


def bearer(user_id: str) -> dict[str, str]:
    token, _ = issue_access_token(
        TEST_JWT_SECRET.encode(), user_id, session_id="session-1", ttl_seconds=600
    )
    return {"Authorization": f"Bearer {token}"}


async def test_anonymous_requests_are_limited_per_ip(limited: ThreadedServer) -> None:
    async def body() -> None:
        async with httpx.AsyncClient(base_url=limited.url) as http:
            statuses = [(await http.get("/api/v1/server")).status_code for _ in range(LIMIT)]
            assert statuses == [200] * LIMIT
            rejected = await http.get("/api/v1/server")
        assert rejected.status_code == 429
        assert rejected.json()["error"]["code"] == "rate_limited"
        assert rejected.json()["error"]["request_id"] == rejected.headers["x-request-id"]
        retry_after = int(rejected.headers["retry-after"])
        assert 0 < retry_after <= DAY
        assert rejected.headers["ratelimit-limit"] == str(LIMIT)
        assert rejected.headers["ratelimit-remaining"] == "0"

    await in_one_window(DAY, body)


async def test_remaining_counts_down(limited: ThreadedServer) -> None:
    async def body() -> None:
        async with httpx.AsyncClient(base_url=limited.url) as http:
            remaining = [
                int((await http.get("/api/v1/server")).headers["ratelimit-remaining"])
                for _ in range(3)
            ]
        assert remaining == [LIMIT - 1, LIMIT - 2, LIMIT - 3]

    await in_one_window(DAY, body)


async def test_probes_and_metrics_are_exempt(limited: ThreadedServer) -> None:
    rejections = []

    async def body() -> None:
        async with httpx.AsyncClient(base_url=limited.url) as http:
            for _ in range(LIMIT + 1):
                await http.get("/api/v1/server")
            for path in ("/health", "/ready", "/metrics"):
                for _ in range(LIMIT + 1):
                    assert (await http.get(path)).status_code == 200, path
            metrics = (await http.get("/metrics")).text
        rejections.append(1)
        # One rejection per run of the body (a second run, in a new window, adds its own).
        assert f'normogen_rate_limit_rejections_total{{limit="api"}} {len(rejections)}.0' in (
            metrics
        )

    await in_one_window(DAY, body)


async def test_authenticated_callers_are_limited_per_user(limited: ThreadedServer) -> None:
    async def body() -> None:
        async with httpx.AsyncClient(base_url=limited.url) as http:
            for _ in range(LIMIT):
                await http.get("/api/v1/server")
            assert (await http.get("/api/v1/server")).status_code == 429
            # Same address, but a user's own budget.
            alice = [(await http.get("/api/v1/server", headers=bearer("alice"))).status_code]
            alice += [
                (await http.get("/api/v1/server", headers=bearer("alice"))).status_code
                for _ in range(LIMIT)
            ]
            bob = await http.get("/api/v1/server", headers=bearer("bob"))
        assert alice == [200] * LIMIT + [429]
        assert bob.status_code == 200

    await in_one_window(DAY, body)


async def test_a_forged_token_counts_against_the_ip(limited: ThreadedServer) -> None:
    forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."}

    async def body() -> None:
        async with httpx.AsyncClient(base_url=limited.url) as http:
            statuses = [
                (await http.get("/api/v1/server", headers=forged)).status_code
                for _ in range(LIMIT + 1)
            ]
        assert statuses == [200] * LIMIT + [429]

    await in_one_window(DAY, body)


async def test_two_processes_share_one_count(
    mongodb_uri: str, tmp_path: Path, mongo: AsyncMongoClient[dict[str, object]]
) -> None:
    database = unique_db_name()
    env = {
        "NORMOGEN_ENV": "production",
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": database,
        "JWT_SECRET": TEST_JWT_SECRET,
        "RATE_LIMIT_REQUESTS": str(LIMIT),
        "RATE_LIMIT_DURATION_SECONDS": str(DAY),
        "SHUTDOWN_DRAIN_SECONDS": "0",
    }
    first = ServerProcess(env, tmp_path / "a.log")
    second = ServerProcess(env, tmp_path / "b.log")
    counters = mongo[database]["rate_limits"]

    async def shared_count() -> int:
        doc = await counters.find_one({"_id": {"$regex": r"^api\|ip:127\.0\.0\.1\|"}})
        return int(doc["n"]) if doc else 0  # type: ignore[call-overload]

    try:
        first.start()
        second.start()
        refused: list[httpx.Response] = []

        async def body() -> None:
            await counters.delete_many({})  # a rerun starts from nothing, in a new window
            async with httpx.AsyncClient() as http:
                spent = [
                    (await http.get(f"{first.url}/api/v1/server")).status_code for _ in range(LIMIT)
                ]
                assert spent == [200] * LIMIT

                async def first_has_synced() -> bool:
                    return await shared_count() == LIMIT

                await async_wait_until(first_has_synced, 10, "the first replica never synced")
                # The second replica has never seen this client, yet its budget is spent.
                refused[:] = [(await http.get(f"{second.url}/api/v1/server")) for _ in range(2)]

        await in_one_window(DAY, body)
    finally:
        first.stop()
        second.stop()
    assert [r.status_code for r in refused] == [429, 429]
    assert refused[0].headers["ratelimit-remaining"] == "0"
