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
_MAX_RACES = 32  # compare-and-set retries before an attempt is refused as part of a burst


def lockout_key(ctx: AuthContext, purpose: Purpose, email: str) -> str:
    return f"{purpose}:{ctx.keyed_digest('lockout', email).hex()}"


def backoff(failures: int) -> timedelta:
    """The lock after `failures` consecutive failures (none below FREE_ATTEMPTS)."""
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    exponent = min(failures - FREE_ATTEMPTS, 20)
    delay: timedelta = BASE_DELAY * (2**exponent)
    return min(delay, MAX_DELAY)


async def begin_attempt(ctx: AuthContext, key: str) -> None:
    """Count this attempt as a failure *before* its credential is checked; 429 while locked.

    Success clears the count (`clear`), so only failures remain counted. Counting first, with a
    compare-and-set on the counter, makes the lock exact under concurrency: a burst of parallel
    guesses gets exactly FREE_ATTEMPTS verifications, because the attempt that reaches the
    threshold sets the lock in the same write that counts it.
    """
    for _ in range(_MAX_RACES):
        doc = await repository.get_lockout(ctx.db, key)
        now = datetime.now(UTC)
        locked_until = doc.get("locked_until") if doc else None
        if locked_until is not None and locked_until > now:
            raise _locked(ctx, math.ceil((locked_until - now).total_seconds()))
        seen = int(doc["failures"]) if doc else None
        fields: dict[str, object] = {"last_failure_at": now, "expires_at": now + MEMORY}
        delay = backoff((seen or 0) + 1)
        if delay:
            fields["locked_until"] = now + delay
        if await repository.reserve_attempt(ctx.db, key, seen, fields):
            return
    # Lost every race: this account is under a burst of attempts right now.
    raise _locked(ctx, 1)


def _locked(ctx: AuthContext, retry_seconds: int) -> RateLimited:
    retry = max(1, retry_seconds)
    ctx.runtime.metrics.auth_failures.labels("locked_out").inc()
    return RateLimited(
        f"Too many failed attempts; retry in {retry} s",
        code="too_many_attempts",
        headers={"Retry-After": str(retry)},
    )


async def clear(ctx: AuthContext, key: str) -> None:
    await repository.clear_lockout(ctx.db, key)
