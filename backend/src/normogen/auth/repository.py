"""MongoDB access for sessions, refresh tokens and login lockouts (nothing else touches them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from normogen.db import indexes
from normogen.db.client import Database, Document

SESSIONS = "sessions"
REFRESH_TOKENS = "refresh_tokens"
LOCKOUTS = "login_lockouts"

# A session lives as long as its newest refresh token; TTL removes abandoned ones.
# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        SESSIONS,
        indexes.ttl("expires_at", name="expires_at_ttl"),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="user_created"),
    ),
    indexes.of(
        REFRESH_TOKENS,
        indexes.ttl("expires_at", name="expires_at_ttl"),
        IndexModel([("session_id", ASCENDING)], name="session"),
        IndexModel([("user_id", ASCENDING)], name="user"),
    ),
    indexes.of(LOCKOUTS, indexes.ttl("expires_at", name="expires_at_ttl")),
)


# --- sessions -----------------------------------------------------------------------------


async def insert_session(db: Database, session: Document) -> None:
    await db[SESSIONS].insert_one(session)


async def find_active_session(
    db: Database, session_id: str, *, user_id: str, now: datetime
) -> Document | None:
    """The session when it exists, belongs to `user_id` and has not expired."""
    return await db[SESSIONS].find_one(
        {"_id": session_id, "user_id": user_id, "expires_at": {"$gt": now}}
    )


async def touch_session(
    db: Database, session_id: str, *, user_id: str, now: datetime, expires_at: datetime
) -> bool:
    result = await db[SESSIONS].update_one(
        {"_id": session_id, "user_id": user_id},
        {"$set": {"last_used_at": now, "expires_at": expires_at}},
    )
    return result.matched_count == 1


async def list_sessions(db: Database, user_id: str, now: datetime) -> list[Document]:
    cursor = db[SESSIONS].find(
        {"user_id": user_id, "expires_at": {"$gt": now}}, sort=[("created_at", DESCENDING)]
    )
    return [doc async for doc in cursor]


async def delete_session(db: Database, user_id: str, session_id: str) -> bool:
    """Revoke one of the user's sessions (its refresh tokens are deleted by the caller)."""
    result = await db[SESSIONS].delete_one({"_id": session_id, "user_id": user_id})
    return result.deleted_count == 1


async def delete_sessions(db: Database, user_id: str, keep: str | None = None) -> int:
    """Revoke every session of the user, except `keep` when given."""
    query: dict[str, Any] = {"user_id": user_id}
    if keep is not None:
        query["_id"] = {"$ne": keep}
    result = await db[SESSIONS].delete_many(query)
    return result.deleted_count


async def session_ids(db: Database, user_id: str) -> list[str]:
    cursor = db[SESSIONS].find({"user_id": user_id}, projection={"_id": 1})
    return [str(doc["_id"]) async for doc in cursor]


# --- refresh tokens (stored as SHA-256 hashes) ---------------------------------------------


async def insert_refresh(db: Database, token: Document) -> None:
    await db[REFRESH_TOKENS].insert_one(token)


async def find_refresh(db: Database, token_hash: str, now: datetime) -> Document | None:
    return await db[REFRESH_TOKENS].find_one({"_id": token_hash, "expires_at": {"$gt": now}})


async def mark_rotated(db: Database, token_hash: str, now: datetime) -> bool:
    """Atomically mark a token used; False when another request rotated it first."""
    doc = await db[REFRESH_TOKENS].find_one_and_update(
        {"_id": token_hash, "rotated_at": None},
        {"$set": {"rotated_at": now}},
        return_document=ReturnDocument.AFTER,
    )
    return doc is not None


async def delete_refresh_for_session(db: Database, user_id: str, session_id: str) -> None:
    await db[REFRESH_TOKENS].delete_many({"user_id": user_id, "session_id": session_id})


async def delete_refresh_except(db: Database, user_id: str, keep_session: str | None) -> None:
    query: dict[str, Any] = {"user_id": user_id}
    if keep_session is not None:
        query["session_id"] = {"$ne": keep_session}
    await db[REFRESH_TOKENS].delete_many(query)


# --- lockouts (keyed by an HMAC of the email, so unknown emails behave like known ones) ------


async def get_lockout(db: Database, key: str) -> Document | None:
    return await db[LOCKOUTS].find_one({"_id": key})


async def reserve_attempt(
    db: Database, key: str, *, doc: Document | None, fields: Document
) -> bool:
    """Write `fields` if the counter is still the `doc` just read (compare-and-set on `rev`).

    False when another attempt changed it first: the caller reads again and retries.
    """
    if doc is None:
        try:
            await db[LOCKOUTS].insert_one({"_id": key, "failures": 0, "rev": 1, **fields})
        except DuplicateKeyError:
            return False
        return True
    result = await db[LOCKOUTS].update_one(
        {"_id": key, "rev": doc.get("rev")}, {"$set": fields, "$inc": {"rev": 1}}
    )
    return result.modified_count == 1


async def record_failure(
    db: Database, key: str, *, attempt_id: str, now: datetime, expires_at: datetime
) -> Document | None:
    """Turn an in-flight attempt into a counted failure; returns the counter afterwards.

    None when the counter is gone: a concurrent success cleared it, and all is forgiven.
    """
    return await db[LOCKOUTS].find_one_and_update(
        {"_id": key},
        {
            "$pull": {"inflight": {"id": attempt_id}},
            "$inc": {"failures": 1, "rev": 1},
            "$set": {"last_failure_at": now, "expires_at": expires_at},
        },
        return_document=ReturnDocument.AFTER,
    )


async def set_locked_until(db: Database, key: str, *, until: datetime, failures: int) -> None:
    # Only the request that produced this failure count sets the lock (concurrent ones agree).
    await db[LOCKOUTS].update_one(
        {"_id": key, "failures": failures},
        {"$set": {"locked_until": until, "locked_for": failures}},
    )


async def clear_lockout(db: Database, key: str) -> None:
    await db[LOCKOUTS].delete_one({"_id": key})
