"""The batched general limiter on a real database: two limiters play two replicas."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from normogen.db.client import create_client
from normogen.errors import DatabaseUnavailable
from normogen.runtime import Runtime
from normogen.security.batching import BatchedLimiter
from normogen.security.ratelimit import Limit, RateLimiter
from tests.support import test_settings

LIMIT = Limit("api", 10, 86_400)


@pytest.fixture
async def runtime(mongodb_uri: str) -> AsyncIterator[Runtime]:
    runtime = Runtime(test_settings(mongodb_uri))
    runtime.client = create_client(runtime.settings)
    try:
        yield runtime
    finally:
        await runtime.client.close()


async def test_local_decisions_add_up_within_one_replica(runtime: Runtime) -> None:
    limiter = BatchedLimiter(RateLimiter(runtime))
    decisions = [await limiter.hit(LIMIT, "ip:a") for _ in range(LIMIT.requests + 2)]
    assert [d.allowed for d in decisions] == [True] * LIMIT.requests + [False, False]
    assert [d.remaining for d in decisions[:3]] == [9, 8, 7]


async def test_sync_shares_the_count_between_replicas(runtime: Runtime) -> None:
    one = BatchedLimiter(RateLimiter(runtime))
    two = BatchedLimiter(RateLimiter(runtime))
    for _ in range(6):
        assert (await one.hit(LIMIT, "user:u")).allowed
    await one.sync()  # what the background loop does every interval
    # A replica's first hit on a subject is counted exactly, so it sees the other's six.
    first = await two.hit(LIMIT, "user:u")
    assert first.remaining == LIMIT.requests - 7
    for _ in range(3):
        assert (await two.hit(LIMIT, "user:u")).allowed
    assert not (await two.hit(LIMIT, "user:u")).allowed
    await two.sync()
    stored = await runtime.db["rate_limits"].find_one({"_id": {"$regex": r"^api\|user:u\|"}})
    assert stored is not None
    assert stored["n"] == LIMIT.requests  # refused hits are not counted


async def test_a_stale_window_is_counted_exactly_and_fails_closed(mongodb_uri: str) -> None:
    runtime = Runtime(test_settings("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200"))
    runtime.client = create_client(runtime.settings)
    limiter = BatchedLimiter(RateLimiter(runtime), interval=0)  # every window is always stale
    try:
        with pytest.raises(DatabaseUnavailable):
            await limiter.hit(LIMIT, "ip:b")
    finally:
        await runtime.client.close()


async def test_ended_windows_are_forgotten(runtime: Runtime) -> None:
    limiter = BatchedLimiter(RateLimiter(runtime))
    short = Limit("api", 10, 1)
    await limiter.hit(short, "ip:c")
    await limiter.hit(short, "ip:c")  # pending, flushed by sync
    assert limiter._windows
    await limiter.sync()
    for window in limiter._windows.values():
        window.window_end = 0  # as if the window had ended
    await limiter.sync()
    assert limiter._windows == {}
