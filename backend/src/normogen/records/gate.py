"""Per-process turn-taking for writers of one profile, so their transactions rarely collide.

Every record write increments its profile's counter in a transaction; two at once on the same
profile conflict, and the loser retries after a backoff. Within one process we can avoid the
collision altogether: writers of a profile queue on an asyncio lock (FIFO) and enter their
transactions one after another. Correctness never depends on this (other replicas are not
covered, and the transaction still decides); it only turns wasted retries into an orderly
queue. Locks exist only while someone holds or waits for them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class ProfileGates:
    """One FIFO lock per profile with writers waiting in this process."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def turn(self, profile_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(profile_id) or (asyncio.Lock(), 0)
        self._locks[profile_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[profile_id]
            if users == 1:
                del self._locks[profile_id]
            else:
                self._locks[profile_id] = (lock, users - 1)
