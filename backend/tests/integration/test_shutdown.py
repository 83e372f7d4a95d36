"""SIGTERM under load: /ready turns 503 first, serving goes on through the drain, exit 0."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx

from tests.support import TEST_JWT_SECRET, ServerProcess, async_wait_until, unique_db_name

DRAIN_SECONDS = 2.0
GRACE_SECONDS = 10.0
WORKERS = 8


async def test_sigterm_drains_without_failing_accepted_requests(
    mongodb_uri: str, tmp_path: Path
) -> None:
    env = {
        "NORMOGEN_ENV": "production",
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": unique_db_name(),
        "JWT_SECRET": TEST_JWT_SECRET,
        "RATE_LIMIT_REQUESTS": "1000000",
        "SHUTDOWN_DRAIN_SECONDS": str(DRAIN_SECONDS),
        "SHUTDOWN_GRACE_SECONDS": str(GRACE_SECONDS),
    }
    api = ServerProcess(env, tmp_path / "api.log").start()
    statuses: list[int] = []
    failures: list[str] = []
    served_after_drain_began = 0
    draining = asyncio.Event()
    stop = asyncio.Event()

    async def worker() -> None:
        nonlocal served_after_drain_began
        # A fresh connection per request: each one is either refused or accepted and served.
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=api.url, timeout=30, limits=limits) as http:
            while not stop.is_set():
                try:
                    response = await http.get("/api/v1/server")
                except httpx.ConnectError:
                    return  # the listener is closed: nothing more will be accepted
                except httpx.HTTPError as exc:  # accepted, then failed: what must not happen
                    failures.append(type(exc).__name__)
                    return
                statuses.append(response.status_code)
                if draining.is_set():
                    served_after_drain_began += 1

    try:
        tasks = [asyncio.create_task(worker()) for _ in range(WORKERS)]
        async with httpx.AsyncClient(base_url=api.url, timeout=10) as probe:

            async def some_served() -> bool:
                return len(statuses) >= 50

            await async_wait_until(some_served, 60, "no load reached the server")
            api.terminate()

            async def not_ready() -> bool:
                return (await probe.get("/ready")).status_code == 503

            await async_wait_until(not_ready, 5, "/ready did not turn 503 on SIGTERM")
            draining.set()
            # While draining, liveness holds and readiness explains itself.
            assert (await probe.get("/health")).status_code == 200
            assert (await probe.get("/ready")).json()["reason"] == "draining"

            # Like a load balancer that has seen /ready fail, stop sending after a moment.
            async def served_during_drain() -> bool:
                return served_after_drain_began >= WORKERS

            await async_wait_until(served_during_drain, 30, "nothing was served while draining")
            stop.set()
        await asyncio.gather(*tasks)
        exit_code = await asyncio.to_thread(api.wait, DRAIN_SECONDS + GRACE_SECONDS + 10)
    finally:
        api.stop()

    assert failures == []
    assert set(statuses) == {200}
    assert exit_code == 0
    log = api.log_path.read_text()
    assert "draining before shutdown" in log
    assert "database client closed" in log
    assert "Traceback" not in log


async def test_second_signal_skips_the_rest_of_the_drain(mongodb_uri: str, tmp_path: Path) -> None:
    env = {
        "NORMOGEN_ENV": "production",
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": unique_db_name(),
        "JWT_SECRET": TEST_JWT_SECRET,
        "SHUTDOWN_DRAIN_SECONDS": "120",
    }
    api = ServerProcess(env, tmp_path / "api.log").start()
    try:
        api.terminate()
        async with httpx.AsyncClient(base_url=api.url, timeout=10) as probe:

            async def not_ready() -> bool:
                return (await probe.get("/ready")).status_code == 503

            await async_wait_until(not_ready, 5, "/ready did not turn 503 on SIGTERM")
        assert api.process is not None
        api.process.send_signal(signal.SIGTERM)
        # Far sooner than the 120 s drain: the second signal ends it.
        exit_code = await asyncio.to_thread(api.wait, 30)
    finally:
        api.stop()
    assert exit_code == 0
