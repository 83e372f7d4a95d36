"""SessionCache.check: concurrent misses share one query; failures and cancellations are safe."""

from __future__ import annotations

import asyncio

import pytest

from normogen.core.session_cache import SessionCache


async def test_concurrent_misses_share_one_query() -> None:
    cache = SessionCache()
    release = asyncio.Event()
    calls = 0

    async def query() -> bool:
        nonlocal calls
        calls += 1
        await release.wait()
        return True

    checks = [asyncio.create_task(cache.check("s", "u", query)) for _ in range(20)]
    await asyncio.sleep(0)  # let every check reach the shared query (a yield, not a wait)
    release.set()
    assert await asyncio.gather(*checks) == [True] * 20
    assert calls == 1
    assert cache.get("s", "u") is True


async def test_a_failed_query_fails_every_waiter_and_is_not_cached() -> None:
    cache = SessionCache()
    release = asyncio.Event()

    async def query() -> bool:
        await release.wait()
        raise ConnectionError("database down")

    checks = [asyncio.create_task(cache.check("s", "u", query)) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*checks, return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in results)
    assert cache.get("s", "u") is None


async def test_a_cancelled_leader_does_not_cancel_the_others() -> None:
    cache = SessionCache()
    started = asyncio.Event()

    async def slow() -> bool:
        started.set()
        await asyncio.Event().wait()  # never answers: its request is cancelled
        return True

    async def fast() -> bool:
        return False

    leader = asyncio.create_task(cache.check("s", "u", slow))
    await started.wait()
    follower = asyncio.create_task(cache.check("s", "u", fast))
    await asyncio.sleep(0)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    # The follower asked again on its own, and got its own query's answer.
    assert await follower is False


async def test_different_users_of_one_session_id_are_not_shared() -> None:
    cache = SessionCache()

    async def yes() -> bool:
        return True

    async def no() -> bool:
        return False

    assert await cache.check("s", "owner", yes) is True
    assert await cache.check("s", "somebody-else", no) is False
