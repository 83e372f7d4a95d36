"""Rate limits shared by every replica: fixed-window counters in MongoDB with a TTL index.

Each hit is one atomic upsert (`$inc` on a per-window document), so two processes on one
database count together. Counter documents expire by TTL shortly after their window ends.

When MongoDB is unreachable the limiter cannot count, and it fails closed: the request gets
503 `database_unavailable`. Every /api route needs the database anyway, and an attacker must not
gain unlimited login attempts by overloading it. Probes and /metrics are never limited.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError, PyMongoError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from normogen.auth.tokens import bearer_token, verify_access_token
from normogen.db import indexes
from normogen.db.client import is_unavailable
from normogen.errors import DatabaseUnavailable, RateLimited, error_body
from normogen.ops.edge import client_of, request_id_of
from normogen.runtime import Runtime

COLLECTION = "rate_limits"
indexes.declare(COLLECTION, indexes.ttl("expires_at", name="expires_at_ttl"))
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

    async def hit(self, limit: Limit, subject: str, now: float | None = None) -> Decision:
        now = time.time() if now is None else now
        window = int(now // limit.seconds)
        window_end = (window + 1) * limit.seconds
        key = f"{limit.name}|{subject}|{window}"
        expires_at = datetime.fromtimestamp(window_end, UTC) + _EXPIRY_SLACK
        collection = self.runtime.db[COLLECTION]
        try:
            try:
                doc = await collection.find_one_and_update(
                    {"_id": key},
                    {"$inc": {"n": 1}, "$setOnInsert": {"expires_at": expires_at}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:
                # Two first hits raced to insert the window's document: the loser increments.
                doc = await collection.find_one_and_update(
                    {"_id": key}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER
                )
        except PyMongoError as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable() from None
            raise
        count = int(doc["n"]) if doc else 1
        allowed = count <= limit.requests
        if not allowed:
            self.runtime.metrics.rate_limited.labels(limit.name).inc()
        reset_after = max(1, math.ceil(window_end - now))
        return Decision(allowed, limit.requests, max(0, limit.requests - count), reset_after)

    async def check(self, limit: Limit, subject: str) -> Decision:
        """Count a hit and raise RateLimited (429) when it is over the limit."""
        decision = await self.hit(limit, subject)
        if not decision.allowed:
            raise RateLimited(headers=decision.headers())
        return decision


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


class RateLimitMiddleware:
    """The general /api limit: per user with a valid access token, else per client address."""

    def __init__(self, app: ASGIApp, runtime: Runtime, limiter: RateLimiter) -> None:
        self.app = app
        self.runtime = runtime
        self.limiter = limiter
        settings = runtime.settings
        self.limit = Limit(
            "api", settings.RATE_LIMIT_REQUESTS, settings.RATE_LIMIT_DURATION_SECONDS
        )

    def subject(self, scope: Scope) -> str:
        token = bearer_token(scope["headers"])
        if token is not None:
            claims = verify_access_token(self.runtime.jwt_secret, token)
            if claims is not None:
                return f"user:{claims.user_id}"
        return ip_subject(client_of(scope))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        try:
            decision = await self.limiter.hit(self.limit, self.subject(scope))
        except DatabaseUnavailable as exc:
            await _reject(scope, send, exc.status_code, exc.error_code, exc.message, exc.headers)
            return
        headers = decision.headers()
        if not decision.allowed:
            message = f"Rate limit exceeded; retry in {decision.reset_after} s"
            await _reject(scope, send, 429, RateLimited.code, message, headers)
            return
        raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *raw]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _reject(
    scope: Scope, send: Send, status: int, code: str, message: str, headers: dict[str, str]
) -> None:
    body = error_body(code, message, request_id_of(scope))
    raw = [(b"content-type", b"application/json")]
    raw += [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
