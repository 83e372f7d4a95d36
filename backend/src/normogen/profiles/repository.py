"""MongoDB access for profiles; a profile document is also its records' sequence counter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.accounts.registry import OwnedData, register_owned
from normogen.db import indexes
from normogen.db.client import Database, Document

PROFILES = "profiles"
LIVE: Document = {"deleted": False}
# Ciphertext fields, removed when a profile becomes a tombstone.
SECRET_FIELDS = ("encrypted", "wrapped_key")

indexes.declare(
    PROFILES,
    # The caller's profiles, in creation order (list, export, account deletion).
    IndexModel([("owner_id", ASCENDING), ("created_at", ASCENDING)], name="owner_created"),
    indexes.ttl("expires_at", name="expires_at_ttl"),  # set on tombstones only
)


async def insert_profile(db: Database, doc: Document) -> None:
    await db[PROFILES].insert_one(doc)


async def count_live_profiles(db: Database, scope: Document) -> int:
    return await db[PROFILES].count_documents({**scope, **LIVE})


async def find_profile(
    db: Database, profile_id: str, scope: Document, *, include_deleted: bool = False
) -> Document | None:
    """One profile the scope reaches; tombstones only when asked for (the changes feed)."""
    query: Document = {"_id": profile_id, **scope}
    if not include_deleted:
        query.update(LIVE)
    return await db[PROFILES].find_one(query)


async def list_profiles(db: Database, scope: Document, limit: int) -> list[Document]:
    cursor = db[PROFILES].find({**scope, **LIVE}).sort([("created_at", ASCENDING)]).limit(limit)
    return await cursor.to_list()


async def update_profile(
    db: Database,
    profile_id: str,
    scope: Document,
    revision_filter: Document | None,
    changes: Document,
) -> Document | None:
    """Apply `changes` and bump the revision if it still matches the precondition (atomic)."""
    query: Document = {"_id": profile_id, **scope, **LIVE}
    if revision_filter is not None:
        query["revision"] = revision_filter
    return await db[PROFILES].find_one_and_update(
        query,
        {"$set": changes, "$inc": {"revision": 1}},
        return_document=ReturnDocument.AFTER,
    )


async def allocate_seq(
    db: Database,
    profile_id: str,
    count: int,
    session: AsyncClientSession,
    *,
    live_only: bool = True,
) -> int | None:
    """Reserve `count` sequence numbers of a (live) profile; returns the highest one.

    Must be the first write of the caller's transaction: it write-locks the counter until the
    commit, which is what makes sequence order equal commit order (see records.sync).
    """
    query: Document = {"_id": profile_id, **LIVE} if live_only else {"_id": profile_id}
    doc = await db[PROFILES].find_one_and_update(
        query,
        {"$inc": {"seq": count}},
        projection={"seq": 1},
        return_document=ReturnDocument.AFTER,
        session=session,
    )
    return None if doc is None else int(doc["seq"])


async def tombstone_profile(
    db: Database,
    profile_id: str,
    scope: Document,
    revision_filter: Document | None,
    fields: Document,
    session: AsyncClientSession,
) -> Document | None:
    """Mark a live profile deleted (the first write of the deleting transaction)."""
    query: Document = {"_id": profile_id, **scope, **LIVE}
    if revision_filter is not None:
        query["revision"] = revision_filter
    return await db[PROFILES].find_one_and_update(
        query,
        {
            "$set": {**fields, "deleted": True},
            "$unset": dict.fromkeys(SECRET_FIELDS, ""),
            "$inc": {"revision": 1},
        },
        return_document=ReturnDocument.AFTER,
        session=session,
    )


async def counter_of(db: Database, profile_id: str, session: AsyncClientSession) -> int:
    """The profile's current sequence number, read inside the caller's snapshot."""
    doc = await db[PROFILES].find_one({"_id": profile_id}, {"seq": 1}, session=session)
    return 0 if doc is None else int(doc.get("seq", 0))


async def _export(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    cursor = db[PROFILES].find({"owner_id": user_id, **LIVE}).sort([("created_at", ASCENDING)])
    async for doc in cursor:
        yield export_view(doc)


def export_view(doc: Document) -> dict[str, Any]:
    """A profile as exported: ciphertext and plaintext metadata only."""
    created: datetime = doc["created_at"]
    updated: datetime = doc["updated_at"]
    return {
        "id": doc["_id"],
        "profile_type": doc["profile_type"],
        "encrypted": doc["encrypted"],
        "wrapped_key": doc["wrapped_key"],
        "revision": doc["revision"],
        "created_at": created,
        "updated_at": updated,
    }


async def _delete(db: Database, user_id: str) -> None:
    await db[PROFILES].delete_many({"owner_id": user_id})


register_owned(OwnedData(name="profiles", export=_export, delete=_delete))
