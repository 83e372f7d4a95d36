"""MongoDB access for records and their tombstones (every query carries a profile or scope)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.accounts.registry import OwnedData, register_owned
from normogen.db import indexes
from normogen.db.client import Database, Document
from normogen.records.views import record_view

RECORDS = "records"
LIVE: Document = {"deleted": False}
# Client fields a tombstone drops: it keeps only what a syncing device needs (id, seq).
CONTENT_FIELDS = ("kind", "payload", "occurred_at", "tags", "source")
NEWEST_FIRST = [("occurred_at", DESCENDING), ("_id", DESCENDING)]

indexes.declare(
    RECORDS,
    # Listing a profile's records by date, newest first (with from/to and the cursor).
    IndexModel([("profile_id", ASCENDING), *NEWEST_FIRST], name="profile_occurred"),
    # Listing by tag (multikey), same order.
    IndexModel(
        [("profile_id", ASCENDING), ("tags", ASCENDING), *NEWEST_FIRST], name="profile_tags"
    ),
    # The changes feed; unique so a sequence number can never be handed out twice.
    IndexModel([("profile_id", ASCENDING), ("seq", ASCENDING)], name="profile_seq", unique=True),
    # Account export and deletion.
    IndexModel([("owner_id", ASCENDING), ("_id", ASCENDING)], name="owner"),
    indexes.ttl("expires_at", name="expires_at_ttl"),  # set on tombstones only
)


async def insert_record(db: Database, doc: Document, session: AsyncClientSession) -> None:
    await db[RECORDS].insert_one(doc, session=session)


async def find_record(
    db: Database, record_id: str, scope: Document, *, include_deleted: bool = False
) -> Document | None:
    """One record the scope reaches (one query: records carry their profile's scope fields)."""
    query: Document = {"_id": record_id, **scope}
    if not include_deleted:
        query.update(LIVE)
    return await db[RECORDS].find_one(query)


def list_query(
    profile_id: str,
    *,
    kinds: list[str] | None = None,
    tags: list[str] | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
    after: tuple[datetime, str] | None = None,
) -> Document:
    """The filter of a listing page; `after` is the last (occurred_at, id) already returned."""
    query: Document = {"profile_id": profile_id, **LIVE}
    if kinds:
        query["kind"] = kinds[0] if len(kinds) == 1 else {"$in": kinds}
    if tags:
        query["tags"] = tags[0] if len(tags) == 1 else {"$in": tags}
    window: Document = {}
    if occurred_from is not None:
        window["$gte"] = occurred_from
    if occurred_to is not None:
        window["$lt"] = occurred_to
    if window:
        query["occurred_at"] = window
    if after is not None:
        at, last_id = after
        query["$or"] = [{"occurred_at": {"$lt": at}}, {"occurred_at": at, "_id": {"$lt": last_id}}]
    return query


async def list_records(db: Database, query: Document, limit: int) -> list[Document]:
    cursor = db[RECORDS].find(query).sort(NEWEST_FIRST).limit(limit)
    return await cursor.to_list()


async def live_ids(db: Database, profile_id: str, session: AsyncClientSession) -> list[str]:
    """Ids of a profile's live records, oldest sequence first (inside a transaction)."""
    cursor = (
        db[RECORDS]
        .find({"profile_id": profile_id, **LIVE}, {"_id": 1}, session=session)
        .sort([("seq", ASCENDING)])
    )
    return [doc["_id"] async for doc in cursor]


async def replace_content(
    db: Database,
    record_id: str,
    scope: Document,
    revision_filter: Document | None,
    fields: Document,
    session: AsyncClientSession,
) -> Document | None:
    """Replace a live record's content and bump its revision, if the precondition holds."""
    query: Document = {"_id": record_id, **scope, **LIVE}
    if revision_filter is not None:
        query["revision"] = revision_filter
    return await db[RECORDS].find_one_and_update(
        query,
        {"$set": fields, "$inc": {"revision": 1}},
        return_document=ReturnDocument.AFTER,
        session=session,
    )


def _tombstone_update(fields: Document) -> Document:
    return {
        "$set": {**fields, "deleted": True},
        "$unset": dict.fromkeys(CONTENT_FIELDS, ""),
        "$inc": {"revision": 1},
    }


async def tombstone(
    db: Database,
    record_id: str,
    scope: Document,
    revision_filter: Document | None,
    fields: Document,
    session: AsyncClientSession,
) -> Document | None:
    """Turn a live record into a tombstone (content removed), if the precondition holds."""
    query: Document = {"_id": record_id, **scope, **LIVE}
    if revision_filter is not None:
        query["revision"] = revision_filter
    return await db[RECORDS].find_one_and_update(
        query, _tombstone_update(fields), return_document=ReturnDocument.AFTER, session=session
    )


async def tombstone_many(
    db: Database,
    profile_id: str,
    ids_and_seqs: list[tuple[str, int]],
    fields: Document,
    session: AsyncClientSession,
) -> None:
    """Tombstone a profile's records, each with its own new sequence number."""
    if not ids_and_seqs:
        return
    operations = [
        UpdateOne(
            {"_id": record_id, "profile_id": profile_id, **LIVE},
            _tombstone_update({**fields, "seq": seq}),
        )
        for record_id, seq in ids_and_seqs
    ]
    await db[RECORDS].bulk_write(operations, ordered=True, session=session)


async def changes_after(
    db: Database, profile_id: str, since: int, limit: int, session: AsyncClientSession
) -> list[Document]:
    """Records and tombstones with a sequence number above `since`, in sequence order."""
    cursor = (
        db[RECORDS]
        .find({"profile_id": profile_id, "seq": {"$gt": since}}, session=session)
        .sort([("seq", ASCENDING)])
        .limit(limit)
    )
    return await cursor.to_list()


async def _export(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    cursor = db[RECORDS].find({"owner_id": user_id, **LIVE}).sort([("_id", ASCENDING)])
    async for doc in cursor:
        yield record_view(doc)


async def _delete(db: Database, user_id: str) -> None:
    await db[RECORDS].delete_many({"owner_id": user_id})


register_owned(OwnedData(name="records", export=_export, delete=_delete))
