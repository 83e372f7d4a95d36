"""A per-process memo of session checks that lives at most one second.

Every authenticated request must learn whether its session still exists (logout, revocation,
password change and deletion end sessions on any replica). Asking MongoDB on every request is
correct but costs a round trip; this cache answers repeated checks for the same session from
memory for at most `TTL_SECONDS`, so a revocation is effective everywhere within that bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

TTL_SECONDS = 1.0  # docs/api.md, Authentication: a token stops within 1 s on every replica
MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class _Entry:
    user_id: str
    active: bool
    checked_at: float


class SessionCache:
    """Maps session id → (owner, active) for at most `ttl` seconds after the database said so."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        if not 0 <= ttl <= TTL_SECONDS:
            raise ValueError(f"the session cache may live at most {TTL_SECONDS} s")
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._inflight: dict[tuple[str, str], asyncio.Future[bool]] = {}

    async def check(
        self, session_id: str, user_id: str, query: Callable[[], Awaitable[bool]]
    ) -> bool:
        """The cached answer, or `query()`'s; concurrent misses for one session share a query.

        When an entry expires under load, every request of that session misses at once; one
        database round trip answers them all. The shared answer is no older than its query,
        which started after the request arrived or less than a query's time before, so the
        one-second bound holds.
        """
        key = (session_id, user_id)
        while True:
            cached = self.get(session_id, user_id)
            if cached is not None:
                return cached
            pending = self._inflight.get(key)
            if pending is None:
                break
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if pending.cancelled():
                    continue  # the request that asked was cancelled: ask again ourselves
                raise
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        started = time.monotonic()
        try:
            active = await query()
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited failure is not reported twice
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._inflight[key]
        self.put(session_id, user_id, active, started)
        future.set_result(active)
        return active

    def get(self, session_id: str, user_id: str, now: float | None = None) -> bool | None:
        """True/False when a fresh answer is cached for this session and user, else None."""
        entry = self._entries.get(session_id)
        if entry is None or entry.user_id != user_id:
            return None
        now = time.monotonic() if now is None else now
        if now - entry.checked_at >= self.ttl:
            del self._entries[session_id]
            return None
        return entry.active

    def put(self, session_id: str, user_id: str, active: bool, checked_at: float) -> None:
        """Store an answer; `checked_at` is when the database query started (monotonic)."""
        if len(self._entries) >= self.max_entries:
            self._evict(time.monotonic())
        self._entries[session_id] = _Entry(user_id, active, checked_at)

    def forget(self, session_id: str) -> None:
        """Drop an entry (this process just revoked the session: no need to wait)."""
        self._entries.pop(session_id, None)

    def _evict(self, now: float) -> None:
        self._entries = {
            key: entry for key, entry in self._entries.items() if now - entry.checked_at < self.ttl
        }
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
