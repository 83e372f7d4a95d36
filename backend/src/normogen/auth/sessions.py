"""Sessions and their tokens: start, refresh with rotation and reuse detection, list, revoke."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from normogen.accounts.registry import OwnedData, register_owned
from normogen.auth import repository
from normogen.auth.context import AuthContext
from normogen.auth.tokens import issue_access_token
from normogen.db.client import Database, Document
from normogen.errors import Unauthorized
from normogen.events.service import EventType, record

REFRESH_TOKEN_BYTES = 32  # 256 bits from the OS CSPRNG
INVALID_REFRESH = "Invalid or expired refresh token"


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


async def _issue(ctx: AuthContext, user_id: str, session_id: str, now: datetime) -> TokenPair:
    """A new refresh token (stored hashed) and access token for an existing session."""
    refresh = secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
    expires_at = _refresh_expiry(ctx, now)
    await repository.insert_refresh(
        ctx.db,
        {
            "_id": hash_refresh_token(refresh),
            "session_id": session_id,
            "user_id": user_id,
            "issued_at": now,
            "expires_at": expires_at,
            "rotated_at": None,
        },
    )
    ttl = ctx.settings.JWT_ACCESS_TOKEN_EXPIRY_MINUTES * 60
    access, _ = issue_access_token(
        ctx.runtime.jwt_secret, user_id, session_id, ttl, now=now.timestamp()
    )
    return TokenPair(user_id, session_id, access, refresh, ttl)


async def start_session(ctx: AuthContext, user_id: str, device_name: str | None) -> TokenPair:
    """Create a session (one device) and its first token pair."""
    now = datetime.now(UTC)
    session_id = uuid.uuid4().hex
    await repository.insert_session(
        ctx.db,
        {
            "_id": session_id,
            "user_id": user_id,
            "device_name": device_name,
            "created_at": now,
            "last_used_at": now,
            "expires_at": _refresh_expiry(ctx, now),
        },
    )
    return await _issue(ctx, user_id, session_id, now)


async def refresh(ctx: AuthContext, token: str) -> TokenPair:
    """Rotate a refresh token. Replays within the grace window get a new pair too (concurrent
    refreshes from one device); a replay after it revokes the session (RFC 9700, 4.14.2)."""
    now = datetime.now(UTC)
    token_hash = hash_refresh_token(token)
    doc = await repository.find_refresh(ctx.db, token_hash, now)
    if doc is None:
        raise _rejected(ctx, "unknown_refresh")
    user_id, session_id = str(doc["user_id"]), str(doc["session_id"])
    if await repository.find_active_session(ctx.db, session_id, user_id, now) is None:
        raise _rejected(ctx, "revoked_session")
    rotated_at = doc.get("rotated_at")
    if rotated_at is None and await repository.mark_rotated(ctx.db, token_hash, now):
        pass  # first use: the normal rotation
    else:
        # Used before (or by a concurrent request a moment ago): inside the grace window?
        rotated_at = rotated_at or now
        grace = timedelta(seconds=ctx.settings.JWT_REFRESH_REUSE_GRACE_SECONDS)
        if now - rotated_at > grace:
            await revoke(ctx, user_id, session_id)
            await record(ctx.db, user_id, EventType.REFRESH_REUSE, ctx.origin, session_id, now)
            raise _rejected(ctx, "refresh_reuse")
    await repository.touch_session(ctx.db, session_id, user_id, now, _refresh_expiry(ctx, now))
    return await _issue(ctx, user_id, session_id, now)


def _rejected(ctx: AuthContext, reason: str) -> Unauthorized:
    ctx.runtime.metrics.auth_failures.labels(reason).inc()
    return Unauthorized(INVALID_REFRESH, code="invalid_refresh_token")


async def find_session(ctx: AuthContext, user_id: str, session_id: str) -> Document | None:
    return await repository.find_active_session(ctx.db, session_id, user_id, datetime.now(UTC))


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
register_owned(OwnedData("sessions", _export_sessions, _delete_sessions, order=0))
