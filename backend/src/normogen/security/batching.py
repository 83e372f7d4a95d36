"""The general /api limit, shared across replicas without a database write on every request.

Each process keeps, per hot counter window, the total it last read from MongoDB (`known`) and
the hits it has allowed since (`pending`). A request is decided locally from `known + pending`;
a background task adds the pending hits to the shared document every `interval` and reads the
new total back, so other replicas' hits arrive within one interval. A window this process has
not synced for `2 * interval` (new, idle, or the database is failing) is counted exactly, with
a synchronous upsert, before deciding: replicas agree at once on new subjects, and when MongoDB
is down the request fails closed (503) within half a second.

The price is a bounded overshoot: while a subject is hot on several replicas at once, each may
allow up to one interval's worth of its own hits beyond the shared total. For a 100-per-minute
API budget that is the right trade; the strict limits (login, recovery, links) stay exact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

from pymongo.errors import PyMongoError

from normogen.errors import DatabaseUnavailable
from normogen.security.ratelimit import Decision, Limit, RateLimiter, window_key

log = logging.getLogger("normogen.ratelimit")
SYNC_INTERVAL_SECONDS = 0.25


@dataclass
class _Window:
    known: int  # the shared total after our last exchange with MongoDB
    pending: int  # hits allowed here and not yet added to the shared total
    synced_at: float
    window_end: float


class BatchedLimiter:
    """See the module docstring. `run()` is the background sync loop (the app lifespan owns it)."""

    def __init__(self, limiter: RateLimiter, interval: float = SYNC_INTERVAL_SECONDS) -> None:
        self.limiter = limiter
        self.interval = interval
        self.max_age = 2 * interval
        self._windows: dict[str, _Window] = {}

    async def hit(self, limit: Limit, subject: str) -> Decision:
        now = time.time()
        key, window_end = window_key(limit, subject, now)
        window = self._windows.get(key)
        if window is None or time.monotonic() - window.synced_at > self.max_age:
            count = await self._exchange(key, window, window_end, extra=1)
        else:
            count = window.known + window.pending + 1
            if count <= limit.requests:
                window.pending += 1
        decision = Decision.of(limit, count, window_end, now)
        if not decision.allowed:
            self.limiter.runtime.metrics.rate_limited.labels(limit.name).inc()
        return decision

    async def _exchange(
        self, key: str, window: _Window | None, window_end: float, extra: int = 0
    ) -> int:
        """Add our pending hits (plus `extra`) to the shared counter; return the new total."""
        if window is None:
            window = self._windows[key] = _Window(0, 0, float("-inf"), window_end)
        taken, window.pending = window.pending, 0
        try:
            total = await self.limiter.add(key, taken + extra, window_end)
        except (DatabaseUnavailable, PyMongoError):
            window.pending += taken  # not counted yet: keep it for the next exchange
            raise
        window.known = total
        window.synced_at = time.monotonic()
        return total

    async def sync(self) -> None:
        """Flush every window with pending hits; forget windows that have ended."""
        now = time.time()
        for key, window in list(self._windows.items()):
            if window.window_end <= now and window.pending == 0:
                del self._windows[key]
            elif window.pending:
                with contextlib.suppress(DatabaseUnavailable):
                    await self._exchange(key, window, window.window_end)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)  # a period, not synchronisation
            try:
                await self.sync()
            except PyMongoError as exc:
                log.warning("rate-limit sync failed", extra={"error": type(exc).__name__})
