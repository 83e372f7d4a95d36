"""/health p99 latency with no load vs while 20 concurrent logins run (Argon2id), interleaved.

A login costs an Argon2id hash (19 MiB, 2 passes) in a worker thread; the event loop must keep
answering other requests meanwhile. The probe runs in its own process (one keep-alive
connection, one request every ~2 ms) so the load generator cannot distort its timings.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import httpx
from argon2 import PasswordHasher

from bench.harness import BENCH_PASSWORD, database, normogen_server
from normogen.config import load_settings
from normogen_client.api import NormogenClient
from normogen_client.crypto import b64e, login_auth_key

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CONCURRENT_LOGINS = 20
PROBE_GAP_SECONDS = 0.002


def probe(url: str, seconds: float) -> list[float]:
    """Sequential GET /health on one keep-alive connection; latencies in milliseconds."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", "/health")
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"/health answered {response.status}")
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(PROBE_GAP_SECONDS)
    connection.close()
    return latencies


async def run_probe(url: str) -> list[float]:
    """The probe in a separate Python process (its own GIL and event loop)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.login_stall", "probe", url, str(SECONDS),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError("the probe failed")
    latencies: list[float] = json.loads(out)
    return latencies


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


class LoginLoad:
    """CONCURRENT_LOGINS tasks, each logging in again as soon as its last login returned."""

    def __init__(self, url: str, bodies: list[dict[str, str]]) -> None:
        self.url = url
        self.bodies = bodies  # one account per worker: a single account caps logins in flight
        self.completed = 0
        self.failed = 0
        self._stop = asyncio.Event()
        self._warm = asyncio.Event()

    async def _worker(self, http: httpx.AsyncClient, body: dict[str, str]) -> None:
        while not self._stop.is_set():
            response = await http.post("/api/v1/auth/login", json=body)
            if response.status_code == 200:
                self.completed += 1
                if self.completed >= CONCURRENT_LOGINS:
                    self._warm.set()
            else:
                self.failed += 1

    async def run_while(
        self, measure: Callable[[], Awaitable[list[float]]]
    ) -> tuple[list[float], float]:
        """Keep the logins running for as long as `measure` runs; returns its result, logins/s."""
        limits = httpx.Limits(max_connections=CONCURRENT_LOGINS)
        async with httpx.AsyncClient(base_url=self.url, timeout=60, limits=limits) as http:
            self._stop.clear()
            self._warm.clear()
            self.completed = 0
            workers = [asyncio.create_task(self._worker(http, body)) for body in self.bodies]
            await self._warm.wait()  # every worker got through once: the load is steady
            before, started = self.completed, time.monotonic()
            latencies = await measure()
            rate = (self.completed - before) / (time.monotonic() - started)
            self._stop.set()
            await asyncio.gather(*workers)
        return latencies, rate


async def _bench(url: str) -> None:
    bodies = []
    for index in range(CONCURRENT_LOGINS):
        email = f"bench{index}@example.org"
        async with NormogenClient(url) as client:  # production KDF cost (600,000 iterations)
            await client.register(email, BENCH_PASSWORD)
            kdf = await client.prelogin(email)
        auth_key, _ = login_auth_key(BENCH_PASSWORD, kdf)
        bodies.append({"email": email, "auth_key": b64e(auth_key)})
    load = LoginLoad(url, bodies)
    idle: list[float] = []
    loaded: list[float] = []
    rates: list[float] = []
    for _ in range(ROUNDS):  # interleaved, so drifting machine load hits both phases alike
        idle += await run_probe(url)
        latencies, rate = await load.run_while(lambda: run_probe(url))
        loaded += latencies
        rates.append(rate)
    if load.failed:
        raise RuntimeError(f"{load.failed} logins failed")
    ratio = p99(loaded) / p99(idle)
    hash_ms = argon2_hash_ms()
    print(
        f"/health idle:            p50 {statistics.median(idle):6.2f} ms  "
        f"p99 {p99(idle):6.2f} ms  ({len(idle)} requests)"
    )
    print(
        f"/health with {CONCURRENT_LOGINS} logins:  p50 {statistics.median(loaded):6.2f} ms  "
        f"p99 {p99(loaded):6.2f} ms  ({len(loaded)} requests)"
    )
    print(f"logins completed: {statistics.median(rates):.1f}/s (median over {ROUNDS} rounds)")
    print(f"one Argon2id hash (server defaults): {hash_ms:.1f} ms")
    print(f"ratio p99 with logins / idle: {ratio:.2f}")
    # A login that blocked the event loop would delay every probe behind a whole hash.
    verdict = "ok" if p99(loaded) < hash_ms else "STALLED"
    print(f"p99 with logins < one hash: {verdict}")


def argon2_hash_ms() -> float:
    """How long one hash with the server's default parameters takes here (median of 5)."""
    settings = load_settings(NORMOGEN_ENV="development")
    hasher = PasswordHasher(
        time_cost=settings.ARGON2_TIME_COST,
        memory_cost=settings.ARGON2_MEMORY_KIB,
        parallelism=settings.ARGON2_PARALLELISM,
    )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        hasher.hash(b"\0" * 32)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    with (
        database() as uri,
        normogen_server(
            uri, AUTH_RATE_LIMIT_REQUESTS="1000000", RATE_LIMIT_REQUESTS="1000000"
        ) as url,
    ):
        asyncio.run(_bench(url))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "probe":
        print(json.dumps(probe(sys.argv[2], float(sys.argv[3]))))
    else:
        main()
