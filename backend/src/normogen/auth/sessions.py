"""Sessions and their tokens: start, refresh with rotation and reuse detection, list, revoke.

A session is bound to the credential generation it was opened under: a random value on the user
document that a password change or recovery replaces. A session whose generation is no longer
the user's, or whose user is no longer active, is dead (`session_alive`), whether or not the
revocation that follows a credential change has reached it yet. Every token-issuing write
(a new session, a rotated refresh token) is checked again after it is stored: a credential
change or a deletion that began meanwhile removes it there and the request gets 401, so a
login that overlaps a password change or a deletion never leaves a working session behind.

Refresh replays inside the grace window are idempotent: the successor of a refresh token is
derived from it (HMAC under a key from JWT_SECRET), and the access token from the rotation time
and the successor, so every replay of one token receives the same pair and a session never
forks into parallel chains.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from normogen.auth import repository
from normogen.auth.context import AuthContext
from normogen.core.tokens import issue_access_token
from normogen.db.client import Database, Document
from normogen.errors import Unauthorized
from normogen.events.public import EventType, record
from normogen.users import repository as users
from normogen.users.owned import OwnedData

REFRESH_TOKEN_BYTES = 32  # 256 bits from the OS CSPRNG
INVALID_REFRESH = "Invalid or expired refresh token"
# A sign-in that raced a credential change or deletion: the key it proved is no longer valid.
SESSION_ENDED = "Invalid email or auth key"


@dataclass(frozen=True)
class TokenPair:
    """What login, register, refresh, change-password and recovery return."""

    user_id: str
    session_id: str
    access_token: str
    refresh_token: str
    expires_in: int


def hash_refresh_token(token: str) -> str:
    # Refresh tokens are 256-bit random strings, not passwords: nothing to brute-force, so a
    # fast hash is enough. Only the hash is stored, so a database leak yields no usable token.
    return hashlib.sha256(token.encode()).hexdigest()


def _refresh_expiry(ctx: AuthContext, now: datetime) -> datetime:
    return now + timedelta(days=ctx.settings.JWT_REFRESH_TOKEN_EXPIRY_DAYS)


def new_generation() -> str:
    """A fresh credential generation (register, password change, recovery)."""
    return secrets.token_hex(16)


def _now_ms() -> datetime:
    # MongoDB keeps milliseconds: a time read back from it must equal the one we used.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


async def session_alive(db: Database, session_id: str, *, user_id: str, now: datetime) -> bool:
    """The session exists, is unexpired, and its user is active under the same credential."""
    session, state = await asyncio.gather(
        repository.find_active_session(db, session_id, user_id=user_id, now=now),
        users.credential_state(db, user_id),
    )
    return (
        session is not None
        and state is not None
        and state.get("status") == users.ACTIVE
        and session.get("generation") == state.get("generation")
    )


def _successor(ctx: AuthContext, token: str) -> str:
    """The refresh token that replaces `token`: the same for every replay of it."""
    digest = ctx.keyed_digest("refresh-successor", token)
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _token_id(ctx: AuthContext, refresh_token: str) -> str:
    return hmac.new(
        ctx.derived_key("access-jti"), refresh_token.encode(), hashlib.sha256
    ).hexdigest()[:32]


async def _issue(
    ctx: AuthContext, user_id: str, *, session_id: str, issued_at: datetime, refresh: str
) -> TokenPair | None:
    """Store `refresh` (hashed) for the session and sign its access token; then make sure the
    session is still alive, else end it and return None (a revocation, credential change or
    deletion came first). Storing one refresh token twice (a replay) stores it once."""
    # A concurrent replay of the same predecessor may have stored it first (DuplicateKeyError).
    with contextlib.suppress(DuplicateKeyError):
        await repository.insert_refresh(
            ctx.db,
            {
                "_id": hash_refresh_token(refresh),
                "session_id": session_id,
                "user_id": user_id,
                "issued_at": issued_at,
                "expires_at": _refresh_expiry(ctx, issued_at),
                "rotated_at": None,
            },
        )
    if not await session_alive(ctx.db, session_id, user_id=user_id, now=datetime.now(UTC)):
        await revoke(ctx, user_id, session_id)
        return None
    ttl = ctx.settings.JWT_ACCESS_TOKEN_EXPIRY_MINUTES * 60
    access, _ = issue_access_token(
        ctx.runtime.jwt_secret,
        user_id,
        session_id=session_id,
        ttl_seconds=ttl,
        now=issued_at.timestamp(),
        token_id=_token_id(ctx, refresh),
    )
    return TokenPair(user_id, session_id, access, refresh, ttl)


async def start_session(
    ctx: AuthContext, user_id: str, *, device_name: str | None, generation: str | None = None
) -> TokenPair:
    """Create a session (one device) and its first token pair, bound to `generation`: the
    credential generation the caller verified (None: the user's current one, for a session
    opened right after the credential was written). 401 when it is no longer current."""
    now = _now_ms()
    if generation is None:
        state = await users.credential_state(ctx.db, user_id)
        generation = None if state is None else state.get("generation")
    session_id = uuid.uuid4().hex
    await repository.insert_session(
        ctx.db,
        {
            "_id": session_id,
            "user_id": user_id,
            "device_name": device_name,
            "generation": generation,
            "created_at": now,
            "last_used_at": now,
            "expires_at": _refresh_expiry(ctx, now),
        },
    )
    pair = await _issue(
        ctx,
        user_id,
        session_id=session_id,
        issued_at=now,
        refresh=secrets.token_urlsafe(REFRESH_TOKEN_BYTES),
    )
    if pair is None:
        raise _rejected(
            ctx, "credential_changed", message=SESSION_ENDED, code="invalid_credentials"
        )
    return pair


async def refresh(ctx: AuthContext, token: str) -> TokenPair:
    """Rotate a refresh token. Replays within the grace window (concurrent refreshes from one
    device) get the same successor pair; a replay after it revokes the session (RFC 9700,
    4.14.2)."""
    now = _now_ms()
    token_hash = hash_refresh_token(token)
    doc = await repository.find_refresh(ctx.db, token_hash, now)
    if doc is None:
        raise _rejected(ctx, "unknown_refresh")
    user_id, session_id = str(doc["user_id"]), str(doc["session_id"])
    if not await session_alive(ctx.db, session_id, user_id=user_id, now=now):
        raise _rejected(ctx, "revoked_session")
    rotated_at = doc.get("rotated_at")
    if rotated_at is None and await repository.mark_rotated(ctx.db, token_hash, now):
        rotated_at = now  # first use: the normal rotation
    else:
        if rotated_at is None:  # a concurrent request rotated it a moment ago: when?
            again = await repository.find_refresh(ctx.db, token_hash, now)
            rotated_at = None if again is None else again.get("rotated_at")
            if rotated_at is None:
                raise _rejected(ctx, "revoked_session")
        grace = timedelta(seconds=ctx.settings.JWT_REFRESH_REUSE_GRACE_SECONDS)
        if now - rotated_at > grace:
            await revoke(ctx, user_id, session_id)
            await record(
                ctx.db,
                user_id,
                EventType.REFRESH_REUSE,
                origin=ctx.origin,
                session_id=session_id,
                now=now,
            )
            raise _rejected(ctx, "refresh_reuse")
    await repository.touch_session(
        ctx.db, session_id, user_id=user_id, now=now, expires_at=_refresh_expiry(ctx, now)
    )
    pair = await _issue(
        ctx, user_id, session_id=session_id, issued_at=rotated_at, refresh=_successor(ctx, token)
    )
    if pair is None:
        raise _rejected(ctx, "revoked_session")
    return pair


def _rejected(
    ctx: AuthContext,
    reason: str,
    *,
    message: str = INVALID_REFRESH,
    code: str = "invalid_refresh_token",
) -> Unauthorized:
    ctx.runtime.metrics.auth_failures.labels(reason).inc()
    return Unauthorized(message, code=code)


async def find_session(ctx: AuthContext, user_id: str, session_id: str) -> Document | None:
    return await repository.find_active_session(
        ctx.db, session_id, user_id=user_id, now=datetime.now(UTC)
    )


async def list_sessions(ctx: AuthContext, user_id: str, current: str) -> list[dict[str, Any]]:
    docs = await repository.list_sessions(ctx.db, user_id, datetime.now(UTC))
    return [
        {
            "id": doc["_id"],
            "device_name": doc.get("device_name"),
            "created_at": doc["created_at"],
            "last_used_at": doc["last_used_at"],
            "current": doc["_id"] == current,
        }
        for doc in docs
    ]


async def revoke(ctx: AuthContext, user_id: str, session_id: str) -> bool:
    """End one of the user's sessions: its access tokens fail within 1 s on every replica."""
    found = await repository.delete_session(ctx.db, user_id, session_id)
    await repository.delete_refresh_for_session(ctx.db, user_id, session_id)
    ctx.cache.forget(session_id)
    return found


async def revoke_all(ctx: AuthContext, user_id: str, keep: str | None = None) -> None:
    """End every session of the user (except `keep`)."""
    ids = await repository.session_ids(ctx.db, user_id)
    await repository.delete_sessions(ctx.db, user_id, keep)
    await repository.delete_refresh_except(ctx.db, user_id, keep)
    for session_id in ids:
        if session_id != keep:
            ctx.cache.forget(session_id)


async def _export_sessions(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    for doc in await repository.list_sessions(db, user_id, datetime.now(UTC)):
        yield {key: doc.get(key) for key in ("_id", "device_name", "created_at", "last_used_at")}


async def _delete_sessions(db: Database, user_id: str) -> None:
    await repository.delete_sessions(db, user_id)
    await repository.delete_refresh_except(db, user_id, None)


# First in deletion order: ending the sessions is what makes the account's tokens stop working.
OWNED = OwnedData("sessions", _export_sessions, _delete_sessions, order=0)
