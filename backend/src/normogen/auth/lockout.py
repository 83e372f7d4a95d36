"""Per-account lockout with exponential backoff, stored in MongoDB so it holds on every replica.

Counters are keyed by an HMAC of the normalised email, whether or not an account exists, so a
locked-out unknown email looks exactly like a locked-out real one (no enumeration). OWASP
Authentication Cheat Sheet: lock out after repeated failures, with increasing delays.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Literal

from normogen.auth import repository
from normogen.auth.context import AuthContext
from normogen.errors import RateLimited

FREE_ATTEMPTS = 5  # consecutive failures before the first lock
BASE_DELAY = timedelta(seconds=15)  # first lock; doubles with each further failure
MAX_DELAY = timedelta(hours=1)
MEMORY = timedelta(hours=24)  # a quiet day forgets the failures (TTL)
Purpose = Literal["login", "recovery"]


def lockout_key(ctx: AuthContext, purpose: Purpose, email: str) -> str:
    return f"{purpose}:{ctx.keyed_digest('lockout', email).hex()}"


def backoff(failures: int) -> timedelta:
    """The lock after `failures` consecutive failures (none below FREE_ATTEMPTS)."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    exponent = min(failures - FREE_ATTEMPTS, 20)
    delay: timedelta = BASE_DELAY * (2**exponent)
    return min(delay, MAX_DELAY)


async def ensure_not_locked(ctx: AuthContext, key: str) -> None:
    """Raise 429 `too_many_attempts` (with Retry-After) while the key is locked."""
    doc = await repository.get_lockout(ctx.db, key)
    locked_until = doc.get("locked_until") if doc else None
    now = datetime.now(UTC)
    if locked_until is not None and locked_until > now:
        retry = max(1, math.ceil((locked_until - now).total_seconds()))
        ctx.runtime.metrics.auth_failures.labels("locked_out").inc()
        raise RateLimited(
            f"Too many failed attempts; retry in {retry} s",
            code="too_many_attempts",
            headers={"Retry-After": str(retry)},
        )


async def record_failure(ctx: AuthContext, key: str) -> None:
    now = datetime.now(UTC)
    doc = await repository.record_failure(ctx.db, key, now, now + MEMORY)
    failures = int(doc["failures"]) if doc else 1
    delay = backoff(failures)
    if delay:
        await repository.set_locked_until(ctx.db, key, now + delay, failures)


async def clear(ctx: AuthContext, key: str) -> None:
    await repository.clear_lockout(ctx.db, key)
