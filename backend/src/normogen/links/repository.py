"""MongoDB access for share links; a link's access log lives in its own document.

Opening a link is one `find_one_and_update` whose filter holds every condition (not revoked,
not expired, fewer accesses than the maximum) and whose update counts the access and appends
it to the log: two concurrent openers of a link with one access left cannot both succeed.
Links are purged by a TTL index at `expires_at`, their access log with them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.conditional import as_exported
from normogen.db import indexes
from normogen.db.client import Database, Document
from normogen.users.owned import OwnedData

LINKS = "share_links"
ACCESS_LOG_SIZE = 100  # the newest entries are kept; `access_count` counts them all
# Never sent to the owner's list or detail views; the list leaves out the access log too.
_HIDDEN = {"payload": 0, "password_hash": 0}
_LISTED = {**_HIDDEN, "accesses": 0}
NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]

# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        LINKS,
        IndexModel([("owner_id", ASCENDING), ("created_at", DESCENDING)], name="owner_created"),
        indexes.ttl("expires_at", name="expires_at_ttl"),
    ),
)


def _open(now: datetime) -> Document:
    """The conditions under which a link may be opened, bar the access count."""
    return {"revoked": False, "expires_at": {"$gt": now}}


async def insert_link(db: Database, doc: Document) -> None:
    await db[LINKS].insert_one(doc)


async def labelled_ids(
    db: Database, owner_id: str, *, session: AsyncClientSession | None = None
) -> set[str]:
    """Ids of the owner's links that carry a label (user-key rotation re-encrypts those)."""
    cursor = db[LINKS].find(
        {"owner_id": owner_id, "label": {"$ne": None}}, {"_id": 1}, session=session
    )
    return {doc["_id"] async for doc in cursor}


async def set_label(
    db: Database,
    link_id: str,
    *,
    owner_id: str,
    label: Document | None,
    session: AsyncClientSession | None = None,
) -> None:
    await db[LINKS].update_one(
        {"_id": link_id, "owner_id": owner_id}, {"$set": {"label": label}}, session=session
    )


async def count_open(db: Database, owner_id: str, now: datetime) -> int:
    return await db[LINKS].count_documents({"owner_id": owner_id, **_open(now)})


async def list_links(db: Database, owner_id: str, limit: int) -> list[Document]:
    cursor = db[LINKS].find({"owner_id": owner_id}, _LISTED).sort(NEWEST_FIRST).limit(limit)
    return await cursor.to_list()


async def find_owned(db: Database, link_id: str, owner_id: str) -> Document | None:
    return await db[LINKS].find_one({"_id": link_id, "owner_id": owner_id}, _HIDDEN)


async def revoke(db: Database, link_id: str, *, owner_id: str, now: datetime) -> Document | None:
    """Revoke an owned link (idempotent): the ciphertext and password hash are dropped at once.

    Returns the link as it was before, or None when the caller owns no such link.
    """
    return await db[LINKS].find_one_and_update(
        {"_id": link_id, "owner_id": owner_id},
        {
            "$set": {"revoked": True, "revoked_at": now},
            "$unset": {"payload": "", "password_hash": ""},
        },
        projection={"revoked": 1},
        return_document=ReturnDocument.BEFORE,
    )


async def find_openable(db: Database, link_id: str, now: datetime) -> Document | None:
    """A link that is neither revoked nor expired (for the password check before counting)."""
    return await db[LINKS].find_one({"_id": link_id, **_open(now)}, {"payload": 0, "accesses": 0})


async def consume(
    db: Database, link_id: str, *, max_count: int | None, now: datetime, entry: Document
) -> Document | None:
    """Count one access and log it, atomically, if the link may still be opened; else None.

    `max_count` is the link's (immutable) maximum, read before: it is in the filter too, so
    the check `access_count < max_count` and the increment are one operation.
    """
    query: Document = {"_id": link_id, **_open(now), "max_access_count": max_count}
    if max_count is not None:
        query["access_count"] = {"$lt": max_count}
    return await db[LINKS].find_one_and_update(
        query,
        {
            "$inc": {"access_count": 1},
            "$set": {"last_accessed_at": now},
            "$push": {"accesses": {"$each": [entry], "$slice": -ACCESS_LOG_SIZE}},
        },
        projection={"payload": 1, "expires_at": 1, "owner_id": 1, "kind": 1},
        return_document=ReturnDocument.AFTER,
    )


def export_view(doc: Document) -> dict[str, Any]:
    """A link as exported: its ciphertext and metadata, never the password hash."""
    return as_exported(
        {
            "id": doc["_id"],
            "label": doc.get("label"),
            "payload": doc.get("payload"),
            "created_at": doc["created_at"],
            "expires_at": doc["expires_at"],
            "max_access_count": doc.get("max_access_count"),
            "access_count": doc.get("access_count", 0),
            "has_password": bool(doc.get("has_password")),
            "revoked": bool(doc.get("revoked")),
            "accesses": [as_exported(entry) for entry in doc.get("accesses", [])],
        }
    )


async def _export(db: Database, owner_id: str) -> AsyncIterator[dict[str, Any]]:
    cursor = db[LINKS].find({"owner_id": owner_id}, {"password_hash": 0}).sort(NEWEST_FIRST)
    async for doc in cursor:
        yield export_view(doc)


async def _delete(db: Database, owner_id: str) -> None:
    await db[LINKS].delete_many({"owner_id": owner_id})


OWNED = OwnedData(name="share_links", export=_export, delete=_delete, order=30)
