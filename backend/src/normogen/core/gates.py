"""Per-process admission for record writes: turn-taking per profile, and a cap on how many
write transactions run at once.

Every record write increments its profile's counter in a transaction; two at once on the same
profile conflict, and the loser retries after a backoff. Within one process we can avoid the
collision altogether: writers of a profile queue on an asyncio lock (FIFO) and enter their
transactions one after another. Correctness never depends on this (other replicas are not
covered, and the transaction still decides); it only turns wasted retries into an orderly
queue. Locks exist only while someone holds or waits for them.

Writers of different profiles do not conflict, but an open transaction still holds the
database's resources (a snapshot, uncommitted writes) until it commits, and past a handful at
once more of them only add contention. `max_writers` (RECORD_WRITE_CONCURRENCY) caps them; the
rest wait here, in memory, before opening one. Measured with wrk writing to 50 profiles on the
embedded engine (SecantusDB 0.7.0b3), without the cap: about 140 writes/s with 8 or 16 writers
at once and about 80/s with 50; with 32 the engine stalled for seconds, and with 50 for good
(a WiredTiger page-in wait under its transaction registry's lock). With the cap, 50 writers
never stalled it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class ProfileGates:
    """One FIFO lock per profile with writers waiting in this process, and `max_writers` slots."""

    def __init__(self, max_writers: int) -> None:
        if max_writers < 1:
            raise ValueError("at least one writer must be able to write")
        self.max_writers = max_writers
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._slots = asyncio.Semaphore(max_writers)

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def turn(self, profile_id: str) -> AsyncIterator[None]:
        """The profile's turn, then a free slot (waiting for a slot never blocks the queue of
        another profile, and a writer queued behind its own profile holds no slot)."""
        lock, users = self._locks.get(profile_id) or (asyncio.Lock(), 0)
        self._locks[profile_id] = (lock, users + 1)
        try:
            async with lock, self._slots:
                yield
        finally:
            lock, users = self._locks[profile_id]
            if users == 1:
                del self._locks[profile_id]
            else:
                self._locks[profile_id] = (lock, users - 1)
