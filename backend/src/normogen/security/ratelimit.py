"""Rate limits shared by every replica: fixed-window counters in MongoDB with a TTL index.

`RateLimiter.hit` counts each hit with one atomic `$inc` on a per-window document (created by
the window's first hit), whose returned total is exact, so processes on one database count
together exactly; the strict limits (login, recovery, links)
use it. The general /api limit uses `BatchedLimiter` (batching.py) on the same documents.
Counter documents expire by TTL shortly after their window ends.

When MongoDB is unreachable the limiter cannot count, and it fails closed: the request gets
503 `database_unavailable`. Every /api route needs the database anyway, and an attacker must not
gain unlimited login attempts by overloading it. Probes and /metrics are never limited.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError

from normogen.db import indexes
from normogen.db.client import Document, is_unavailable, retry_once
from normogen.errors import DatabaseUnavailable, RateLimited
from normogen.runtime import Runtime

COLLECTION = "rate_limits"
# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (indexes.of(COLLECTION, indexes.ttl("expires_at", name="expires_at_ttl")),)
# Keep a finished window's counter a little longer than the window (clock skew between replicas).
_EXPIRY_SLACK = timedelta(seconds=30)


@dataclass(frozen=True)
class Limit:
    """`requests` hits per `seconds`, counted separately per subject under `name`."""

    name: str
    requests: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the window resets

    @classmethod
    def of(cls, limit: Limit, count: int, window_end: float, now: float) -> Decision:
        reset_after = max(1, math.ceil(window_end - now))
        return cls(
            count <= limit.requests, limit.requests, max(0, limit.requests - count), reset_after
        )

    def headers(self) -> dict[str, str]:
        values = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_after),
        }
        if not self.allowed:
            values["Retry-After"] = str(self.reset_after)
        return values


class RateLimiter:
    """Counts hits in MongoDB; raises DatabaseUnavailable when it cannot count."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def add(self, key: str, amount: int, window_end: float) -> int:
        """Add `amount` hits to a window's counter atomically; return the new total."""
        expires_at = datetime.fromtimestamp(window_end, UTC) + _EXPIRY_SLACK
        collection = self.runtime.db[COLLECTION]

        async def increment() -> Document | None:
            return await collection.find_one_and_update(
                {"_id": key}, {"$inc": {"n": amount}}, return_document=ReturnDocument.AFTER
            )

        async def create() -> None:
            # Concurrent first hits: one insert wins, the others find the document there.
            with contextlib.suppress(DuplicateKeyError):
                await collection.insert_one({"_id": key, "n": 0, "expires_at": expires_at})

        try:
            # The first write after an idle spell may meet a connection the server dropped;
            # a repeat that counts a hit twice only errs on the strict side.
            doc = await retry_once(increment)
            if doc is None:
                # No counter for this window yet. Not an upsert: the embedded engine answers
                # some concurrent upserts with no document although it counted them, and the
                # total would be unknown. An increment of an existing document is exact.
                await retry_once(create)
                doc = await retry_once(increment)
        except PyMongoError as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable() from None
            raise
        if doc is None:
            raise DatabaseUnavailable()  # the counter vanished: refuse rather than guess
        return int(doc["n"])

    async def hit(self, limit: Limit, subject: str, now: float | None = None) -> Decision:
        """Count one hit, exactly, in MongoDB."""
        now = time.time() if now is None else now
        key, window_end = window_key(limit, subject, now)
        decision = Decision.of(limit, await self.add(key, 1, window_end), window_end, now)
        if not decision.allowed:
            self.runtime.metrics.rate_limited.labels(limit.name).inc()
        return decision

    async def check(self, limit: Limit, subject: str) -> Decision:
        """Count a hit and raise RateLimited (429) when it is over the limit."""
        decision = await self.hit(limit, subject)
        if not decision.allowed:
            raise RateLimited(headers=decision.headers())
        return decision


def window_key(limit: Limit, subject: str, now: float) -> tuple[str, float]:
    """The counter document's id for the fixed window containing `now`, and its end."""
    window = int(now // limit.seconds)
    return f"{limit.name}|{subject}|{window}", float((window + 1) * limit.seconds)


def ip_subject(client_ip: str) -> str:
    """Per-IP key; IPv6 clients are keyed by their /64, which one household typically holds."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return f"ip:{client_ip}"
    if address.version == 6:
        network = ipaddress.ip_network(f"{address}/64", strict=False)
        return f"ip6:{network.network_address}"
    return f"ip:{address}"
