"""MongoDB access for profiles; a profile document is also its records' sequence counter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.conditional import as_exported
from normogen.db import indexes
from normogen.db.client import Database, Document
from normogen.users.owned import OwnedData

PROFILES = "profiles"
# Ciphertext fields, removed when a profile becomes a tombstone.
SECRET_FIELDS = ("encrypted", "wrapped_key", "key_history")

# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        PROFILES,
        # The caller's profiles (list, export, deletion) and scoped lookups by id.
        IndexModel([("owner_id", ASCENDING), ("_id", ASCENDING)], name="owner"),
        # Family profiles (members' scope, family deletion).
        IndexModel([("family_id", ASCENDING), ("_id", ASCENDING)], name="family"),
        indexes.ttl("expires_at", name="expires_at_ttl"),  # set on tombstones only
    ),
)


async def insert_profile(db: Database, doc: Document) -> None:
    await db[PROFILES].insert_one(doc)


async def find_profile(
    db: Database,
    profile_id: str,
    scope: Document | None,
    *,
    include_deleted: bool = False,
    session: AsyncClientSession | None = None,
) -> Document | None:
    """One profile the scope reaches (`scope=None`: by id alone, for `access.find_with_role`);
    tombstones only when asked for (the changes feed)."""
    doc = await db[PROFILES].find_one({"_id": profile_id, **(scope or {})}, session=session)
    if doc is None or (doc.get("deleted") and not include_deleted):
        return None
    return doc


def list_query(scope: Document) -> Document:
    return dict(scope)


async def list_profiles(
    db: Database, scope: Document, limit: int, *, session: AsyncClientSession | None = None
) -> list[Document]:
    """Live profiles the scope reaches, oldest first (tombstones are few and skipped here)."""
    cursor = db[PROFILES].find(list_query(scope), session=session)
    docs = [doc async for doc in cursor if not doc.get("deleted")]
    docs.sort(key=lambda doc: (doc["created_at"], doc["_id"]))
    return docs[:limit]


async def _update_live(
    db: Database,
    profile_id: str,
    *,
    query: Document,
    update: Document,
    session: AsyncClientSession | None = None,
) -> Document | None:
    # update_one + read back rather than find_one_and_update: the embedded engine scans the
    # whole collection for the latter's write step, while both of these use the _id index.
    result = await db[PROFILES].update_one(
        {"_id": profile_id, **query, "deleted": False}, update, session=session
    )
    if result.matched_count == 0:
        return None
    return await db[PROFILES].find_one({"_id": profile_id}, session=session)


async def update_profile(
    db: Database,
    profile_id: str,
    *,
    scope: Document,
    revision_filter: Document | None,
    changes: Document,
) -> Document | None:
    """Apply `changes` and bump the revision if it still matches the precondition (atomic)."""
    query: Document = dict(scope)
    if revision_filter is not None:
        query["revision"] = revision_filter
    return await _update_live(
        db, profile_id, query=query, update={"$set": changes, "$inc": {"revision": 1}}
    )


async def rekey_profile(
    db: Database,
    profile_id: str,
    *,
    key_epoch: int,
    wrapped_key: Document,
    key_history: Document,
    encrypted: Document,
    now: datetime,
    session: AsyncClientSession,
) -> None:
    """A family profile's new key (rotation): wrapped key, epoch, earlier keys and metadata."""
    await db[PROFILES].update_one(
        {"_id": profile_id, "deleted": False},
        {
            "$set": {
                "wrapped_key": wrapped_key,
                "key_epoch": key_epoch,
                "key_history": key_history,
                "encrypted": encrypted,
                "updated_at": now,
            },
            "$inc": {"revision": 1},
        },
        session=session,
    )


async def rewrap_personal(
    db: Database,
    profile_id: str,
    *,
    owner_id: str,
    wrapped_key: Document,
    now: datetime,
    session: AsyncClientSession,
) -> bool:
    """A personal profile's key re-wrapped under a new user key (user-key rotation)."""
    result = await db[PROFILES].update_one(
        {"_id": profile_id, "owner_id": owner_id, "family_id": None, "deleted": False},
        {"$set": {"wrapped_key": wrapped_key, "updated_at": now}, "$inc": {"revision": 1}},
        session=session,
    )
    return result.matched_count == 1


async def allocate_seq(
    db: Database,
    profile_id: str,
    *,
    count: int,
    session: AsyncClientSession,
    live_only: bool = True,
) -> int | None:
    """Reserve `count` sequence numbers of a (live) profile; returns the highest one.

    Must be the first write of the caller's transaction: it write-locks the counter until the
    commit, which is what makes sequence order equal commit order (see records.sync).
    """
    query: Document = {"_id": profile_id}
    if live_only:
        query["deleted"] = False
    result = await db[PROFILES].update_one(query, {"$inc": {"seq": count}}, session=session)
    if result.matched_count == 0:
        return None
    doc = await db[PROFILES].find_one({"_id": profile_id}, {"seq": 1}, session=session)
    return None if doc is None else int(doc["seq"])


async def key_epoch_of(db: Database, profile_id: str, session: AsyncClientSession) -> int:
    """The profile key epoch inside the caller's transaction."""
    doc = await db[PROFILES].find_one({"_id": profile_id}, {"key_epoch": 1}, session=session)
    return 1 if doc is None else int(doc.get("key_epoch", 1))


async def tombstone_profile(
    db: Database,
    profile_id: str,
    *,
    scope: Document,
    revision_filter: Document | None,
    fields: Document,
    session: AsyncClientSession,
) -> Document | None:
    """Mark a live profile deleted (the first write of the deleting transaction)."""
    query: Document = dict(scope)
    if revision_filter is not None:
        query["revision"] = revision_filter
    update = {
        "$set": {**fields, "deleted": True},
        "$unset": dict.fromkeys(SECRET_FIELDS, ""),
        "$inc": {"revision": 1},
    }
    return await _update_live(db, profile_id, query=query, update=update, session=session)


async def counter_of(db: Database, profile_id: str, session: AsyncClientSession) -> int:
    """The profile's current sequence number, read inside the caller's snapshot."""
    doc = await db[PROFILES].find_one({"_id": profile_id}, {"seq": 1}, session=session)
    return 0 if doc is None else int(doc.get("seq", 0))


async def _export(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    for doc in await list_profiles(db, {"owner_id": user_id}, limit=10_000):
        yield as_exported(export_view(doc))


def export_view(doc: Document) -> dict[str, Any]:
    """A profile as exported: ciphertext and plaintext metadata only."""
    created: datetime = doc["created_at"]
    updated: datetime = doc["updated_at"]
    return {
        "id": doc["_id"],
        "family_id": doc.get("family_id"),
        "encrypted": doc["encrypted"],
        "wrapped_key": doc["wrapped_key"],
        "key_epoch": doc.get("key_epoch", 1),
        "key_history": doc.get("key_history"),
        "revision": doc["revision"],
        "created_at": created,
        "updated_at": updated,
    }


async def _delete(db: Database, user_id: str) -> None:
    await db[PROFILES].delete_many({"owner_id": user_id})


OWNED = OwnedData(name="profiles", export=_export, delete=_delete)
