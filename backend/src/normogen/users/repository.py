"""MongoDB access for user documents: credentials, wrapped keys, settings and deletion state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.db import indexes
from normogen.db.client import Database, Document

USERS = "users"
ACTIVE = "active"
DELETING = "deleting"  # tokens and logins refused; owned data being removed; user doc last

# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        USERS,
        # Emails are stored normalised (trimmed, lowercased), so this index makes them unique.
        IndexModel([("email", ASCENDING)], unique=True, name="email_unique"),
        IndexModel([("status", ASCENDING)], name="status"),
    ),
)


async def insert_user(db: Database, user: Document) -> None:
    """Insert a new user; raises DuplicateKeyError when the email is taken."""
    await db[USERS].insert_one(user)


async def find_by_email(db: Database, email: str) -> Document | None:
    return await db[USERS].find_one({"email": email})


async def find_active(db: Database, user_id: str) -> Document | None:
    return await db[USERS].find_one({"_id": user_id, "status": ACTIVE})


async def credential_state(db: Database, user_id: str) -> Document | None:
    """The user's status and credential generation only (checked on every session check)."""
    return await db[USERS].find_one({"_id": user_id}, {"status": 1, "generation": 1})


async def replace_auth_hash(
    db: Database, user_id: str, *, old: str, new: str, now: datetime
) -> None:
    """Store a rehash (new Argon2 parameters) unless the credential changed meanwhile."""
    await db[USERS].update_one(
        {"_id": user_id, "status": ACTIVE, "auth_hash": old},
        {"$set": {"auth_hash": new, "updated_at": now}},
    )


async def replace_credentials(
    db: Database,
    user_id: str,
    *,
    expected_hash: str | None,
    changes: Document,
    now: datetime,
    session: AsyncClientSession | None = None,
) -> bool:
    """Atomically swap the password credential (auth hash, KDF params, wrapped user key).

    `expected_hash` guards against two concurrent changes: the second one no longer matches.
    """
    query: dict[str, Any] = {"_id": user_id, "status": ACTIVE}
    if expected_hash is not None:
        query["auth_hash"] = expected_hash
    result = await db[USERS].update_one(
        query, {"$set": {**changes, "updated_at": now}}, session=session
    )
    return result.matched_count == 1


async def replace_after_recovery(
    db: Database, user_id: str, *, recovery_hash: str, changes: Document, now: datetime
) -> bool:
    """Swap the credential, provided the recovery credential is still the one verified."""
    result = await db[USERS].update_one(
        {"_id": user_id, "status": ACTIVE, "recovery.auth_hash": recovery_hash},
        {"$set": {**changes, "updated_at": now}},
    )
    return result.matched_count == 1


async def set_recovery(db: Database, user_id: str, *, recovery: Document, now: datetime) -> bool:
    result = await db[USERS].update_one(
        {"_id": user_id, "status": ACTIVE}, {"$set": {"recovery": recovery, "updated_at": now}}
    )
    return result.matched_count == 1


async def set_email(db: Database, user_id: str, *, email: str, now: datetime) -> Document | None:
    """Change the email; raises DuplicateKeyError when another account has it."""
    return await db[USERS].find_one_and_update(
        {"_id": user_id, "status": ACTIVE},
        {"$set": {"email": email, "updated_at": now}},
        return_document=ReturnDocument.AFTER,
    )


async def set_settings(db: Database, user_id: str, *, settings: Document, now: datetime) -> bool:
    result = await db[USERS].update_one(
        {"_id": user_id, "status": ACTIVE}, {"$set": {"settings": settings, "updated_at": now}}
    )
    return result.matched_count == 1


async def mark_deleting(db: Database, user_id: str, now: datetime) -> bool:
    """Step 1 of deletion: from now on the account cannot log in or refresh."""
    result = await db[USERS].update_one(
        {"_id": user_id, "status": ACTIVE},
        {"$set": {"status": DELETING, "deletion_started_at": now}},
    )
    return result.matched_count == 1


async def deleting_user_ids(db: Database) -> list[str]:
    cursor = db[USERS].find({"status": DELETING}, projection={"_id": 1})
    return [str(doc["_id"]) async for doc in cursor]


async def is_deleting(db: Database, user_id: str) -> bool:
    return await db[USERS].find_one({"_id": user_id, "status": DELETING}) is not None


async def delete_user(db: Database, user_id: str) -> None:
    """Last step of deletion: only a user already marked `deleting` is removed."""
    await db[USERS].delete_one({"_id": user_id, "status": DELETING})


async def identities(db: Database, user_ids: list[str]) -> dict[str, Document]:
    """Email, X25519 public key and Ed25519 identity key of active users, by user id."""
    cursor = db[USERS].find(
        {"_id": {"$in": user_ids}, "status": ACTIVE},
        {"email": 1, "public_key": 1, "identity_key": 1},
    )
    return {str(doc["_id"]): doc async for doc in cursor}
