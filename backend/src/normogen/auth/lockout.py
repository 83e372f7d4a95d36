"""Per-account lockout with exponential backoff, stored in MongoDB so it holds on every replica.

Counters are keyed by an HMAC of the normalised email, whether or not an account exists, so a
locked-out unknown email looks exactly like a locked-out real one (no enumeration). OWASP
Authentication Cheat Sheet: lock out after repeated failures, with increasing delays.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from normogen.auth import errors as codes
from normogen.auth import repository
from normogen.auth.context import AuthContext
from normogen.errors import RateLimited

FREE_ATTEMPTS = 5  # consecutive failures before the first lock
BASE_DELAY = timedelta(seconds=15)  # first lock; doubles with each further failure
MAX_DELAY = timedelta(hours=1)
MEMORY = timedelta(hours=24)  # a quiet day forgets the failures (TTL)
STALE_ATTEMPT = timedelta(seconds=30)  # an in-flight reservation older than this was abandoned
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


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved attempt on one lockout key, to be cleared (success) or counted (failure)."""

    key: str
    id: str


async def begin_attempt(ctx: AuthContext, key: str) -> Attempt:
    """Reserve one attempt before its credential is checked; 429 while locked or saturated.

    Checking first and counting after would let a burst of parallel guesses all pass the check
    before any failure is counted. So each attempt first reserves a slot (compare-and-set on
    the counter document): while F failures are counted, at most FREE_ATTEMPTS - F attempts
    may be in flight (one at a time once a lock has run out). A burst therefore gets exactly
    the attempts a sequence would. A reservation whose request died is ignored after
    STALE_ATTEMPT, longer than any credential check takes.
    """
    for _ in range(_MAX_RACES):
        doc = await repository.get_lockout(ctx.db, key)
        now = datetime.now(UTC)
        locked_until = _lock_end(doc) if doc else None
        if locked_until is not None and locked_until > now:
            raise _locked(ctx, math.ceil((locked_until - now).total_seconds()))
        failures = int(doc.get("failures", 0)) if doc else 0
        live = [a for a in (doc or {}).get("inflight", []) if a["at"] > now - STALE_ATTEMPT]
        if len(live) >= max(1, FREE_ATTEMPTS - failures):
            raise _locked(ctx, 1)  # the remaining attempts are all being checked right now
        attempt = Attempt(key, secrets.token_hex(8))
        fields = {"inflight": [*live, {"id": attempt.id, "at": now}], "expires_at": now + MEMORY}
        if await repository.reserve_attempt(ctx.db, key, doc=doc, fields=fields):
            return attempt
    raise _locked(ctx, 1)  # lost every race: a burst of attempts on this account


def _lock_end(doc: dict[str, Any]) -> datetime | None:
    """When the lock on this counter ends (None: not locked).

    A failure is counted first and its lock written right after (`record_failure`), so for a
    moment the counter can hold a failure whose lock is not there yet. An attempt that came
    then would pass as if the lock had run out: the lock is instead taken from the failure
    itself until the request that counted it has written it (`locked_for` names the count a
    written lock belongs to). Should that request have died, the same lock still applies.
    """
    failures = int(doc.get("failures", 0))
    written: datetime | None = doc.get("locked_until")
    if failures < FREE_ATTEMPTS or doc.get("locked_for") == failures:
        return written
    last_failure: datetime | None = doc.get("last_failure_at")
    if last_failure is None:
        return written
    pending = last_failure + backoff(failures)
    return pending if written is None else max(written, pending)


def _locked(ctx: AuthContext, retry_seconds: int) -> RateLimited:
    retry = max(1, retry_seconds)
    ctx.runtime.metrics.auth_failures.labels("locked_out").inc()
    return RateLimited(
        f"Too many failed attempts; retry in {retry} s",
        code=codes.TOO_MANY_ATTEMPTS,
        headers={"Retry-After": str(retry)},
    )


async def record_failure(ctx: AuthContext, attempt: Attempt) -> None:
    """Count the attempt as a failure; lock with backoff once past FREE_ATTEMPTS."""
    now = datetime.now(UTC)
    doc = await repository.record_failure(
        ctx.db, attempt.key, attempt_id=attempt.id, now=now, expires_at=now + MEMORY
    )
    if doc is None:
        return
    failures = int(doc["failures"])
    delay = backoff(failures)
    if delay:
        await repository.set_locked_until(ctx.db, attempt.key, until=now + delay, failures=failures)


async def clear(ctx: AuthContext, key: str) -> None:
    await repository.clear_lockout(ctx.db, key)
