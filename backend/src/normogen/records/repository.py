"""MongoDB access for records and their tombstones (every query carries a profile, a scope, or
an id that `access.find_with_role` authorises).

Query shapes are chosen so that each one is served by an index on MongoDB *and* on the embedded
engine, whose planner only uses an index for equalities on an index prefix followed by at most
one operator: a listing is one or more `{profile_id[, kind][, tags], sort_key: range}` queries
(merged here), never `$or`; writes address a document by `_id` with `update_one` and read it
back inside the same transaction.

Record ids are chosen by clients (offline creation), so they are unique per profile, not
globally: a record's `_id` is its id, except when another profile's record already had that
`_id`; then it is stored under `namespaced_id(profile, id)` with the id in `id`. A client
thus cannot learn from a create whether some other user's record has an id (the create
succeeds all the same), and lookups by id try `_id` first, then `id` (`find_namespaced`).
"""

from __future__ import annotations

import asyncio
import heapq
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.conditional import as_exported
from normogen.db import indexes
from normogen.db.client import Database, Document
from normogen.records.views import record_view
from normogen.users.owned import OwnedData

RECORDS = "records"
# Client fields a tombstone drops: it keeps only what a syncing device needs (id, seq).
CONTENT_FIELDS = ("kind", "payload", "size", "occurred_at", "tags", "source", "sort_key")
NEWEST_FIRST = [("sort_key", DESCENDING)]
SEQ_ORDER = [("seq", ASCENDING)]
# `sort_key` = occurred_at (ms since year 1, 14 hex digits) + "|" + id: one string whose order
# is the listing order (occurred_at, then id), so a date range and a page cursor are one range.
_YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
KEY_MIN, KEY_MAX = "", "~"  # below / above every key ("~" sorts after hex digits and "|")
MAX_NAMESPACED = 16  # copies of one public id read back (one per profile that chose it)

# The sort_key fields are ascending in every index: MongoDB walks them backwards for the
# newest-first sort just as well, and the embedded engine mis-evaluates ranges on descending
# compound-index fields (measured with SecantusDB 0.7.0b3: `{$gte, $lt}` matched nothing).
# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        RECORDS,
        # Listing newest first, with from/to and the cursor as a range on sort_key.
        IndexModel([("profile_id", ASCENDING), ("sort_key", ASCENDING)], name="profile_occurred"),
        IndexModel(
            [("profile_id", ASCENDING), ("kind", ASCENDING), ("sort_key", ASCENDING)],
            name="profile_kind_occurred",
        ),
        # By tag (multikey), alone or with a kind.
        IndexModel(
            [("profile_id", ASCENDING), ("tags", ASCENDING), ("sort_key", ASCENDING)],
            name="profile_tags_occurred",
        ),
        IndexModel(
            [
                ("profile_id", ASCENDING),
                ("kind", ASCENDING),
                ("tags", ASCENDING),
                ("sort_key", ASCENDING),
            ],
            name="profile_kind_tags_occurred",
        ),
        # The changes feed; unique so a sequence number can never be handed out twice.
        IndexModel(
            [("profile_id", ASCENDING), ("seq", ASCENDING)], name="profile_seq", unique=True
        ),
        # Scoped writes and replays by id, account export and deletion.
        IndexModel([("owner_id", ASCENDING), ("_id", ASCENDING)], name="owner"),
        indexes.ttl("expires_at", name="expires_at_ttl"),  # set on tombstones only
        # Records stored under a namespaced `_id` (see above), found by their public id.
        IndexModel([("id", ASCENDING)], name="public_id", sparse=True),
    ),
)


def time_key(at: datetime) -> str:
    """The sort_key prefix of an instant (every record at that instant sorts after it)."""
    return f"{(at - _YEAR_ONE) // _MS:014x}"


def sort_key(at: datetime, record_id: str) -> str:
    return f"{time_key(at)}|{record_id}"


def namespaced_id(profile_id: str, record_id: str) -> str:
    """The `_id` of a profile's record whose id another profile's record already has."""
    return str(uuid.uuid5(uuid.UUID(profile_id), record_id))


async def find_namespaced(db: Database, record_id: str) -> list[Document]:
    """Live records known as `record_id` but stored under a namespaced `_id` (one per profile
    that chose the id after another had it; callers pick the one they may see)."""
    cursor = db[RECORDS].find({"id": record_id, "deleted": False}).limit(MAX_NAMESPACED)
    return await cursor.to_list()


async def insert_record(db: Database, doc: Document, session: AsyncClientSession) -> None:
    await db[RECORDS].insert_one(doc, session=session)


async def find_record(
    db: Database,
    record_id: str,
    scope: Document | None,
    *,
    include_deleted: bool = False,
    session: AsyncClientSession | None = None,
) -> Document | None:
    """One record the scope reaches; `scope=None` reads by id alone, for
    `access.find_with_role` to decide on (records carry their profile's scope fields)."""
    doc = await db[RECORDS].find_one({"_id": record_id, **(scope or {})}, session=session)
    if doc is None or (doc.get("deleted") and not include_deleted):
        return None
    return doc


def list_queries(
    profile_id: str,
    *,
    kinds: list[str] | None,
    tags: list[str] | None,
    low: str,
    high: str,
    max_queries: int = 32,
) -> list[Document]:
    """One query per (kind, tag) combination, each `sort_key` in [low, high); tombstones have
    no sort_key, so the range alone excludes them. Past `max_queries` combinations there is
    one query per tag, with the kinds as an `$in` filter (so every filter the route's types
    admit is served, with at most `max_queries` queries)."""
    kind_options: list[str | None] = [*kinds] if kinds else [None]
    tag_options: list[str | None] = [*tags] if tags else [None]
    any_kind: list[str] | None = None
    if len(kind_options) * len(tag_options) > max_queries and kinds:
        kind_options, any_kind = [None], list(kinds)
    queries = []
    for kind in kind_options:
        for tag in tag_options:
            query: Document = {"profile_id": profile_id}
            if any_kind is not None:
                query["kind"] = {"$in": any_kind}
            if kind is not None:
                query["kind"] = kind
            if tag is not None:
                query["tags"] = tag
            query["sort_key"] = {"$gte": low, "$lt": high}
            queries.append(query)
    return queries


# What the first phase of a listing reads per record: the order and the size, no payload.
_LISTING_KEYS = {"_id": 1, "sort_key": 1, "size": 1}


async def list_keys(db: Database, queries: list[Document], limit: int) -> list[Document]:
    """The first `limit` records of the union of `queries`, newest first, each once, as
    `{_id, sort_key, size}` only: a listing merges on these before it loads any payload."""

    async def run(query: Document) -> list[Document]:
        cursor = db[RECORDS].find(query, _LISTING_KEYS).sort(NEWEST_FIRST).limit(limit)
        return await cursor.to_list()

    results = await asyncio.gather(*(run(query) for query in queries))
    merged: list[Document] = []
    seen: set[str] = set()
    for doc in heapq.merge(*results, key=lambda d: str(d["sort_key"]), reverse=True):
        if doc["_id"] not in seen:
            seen.add(doc["_id"])
            merged.append(doc)
            if len(merged) == limit:
                break
    return merged


async def load_records(db: Database, ids: list[str]) -> dict[str, Document]:
    """Full documents by `_id` (one query), keyed by `_id`."""
    if not ids:
        return {}
    return {doc["_id"]: doc async for doc in db[RECORDS].find({"_id": {"$in": ids}})}


async def live_ids(db: Database, profile_id: str, session: AsyncClientSession) -> list[str]:
    """Ids of a profile's live records, oldest sequence first (inside a transaction)."""
    cursor = (
        db[RECORDS]
        .find(changes_query(profile_id, 0), {"_id": 1, "deleted": 1}, session=session)
        .sort(SEQ_ORDER)
    )
    return [doc["_id"] async for doc in cursor if not doc.get("deleted")]


async def update_live(
    db: Database,
    record_id: str,
    *,
    scope: Document,
    revision_filter: Document | None,
    update: Document,
    session: AsyncClientSession,
) -> Document | None:
    """Apply `update` to a live record if the precondition holds; returns the new state."""
    query: Document = {"_id": record_id, **scope, "deleted": False}
    if revision_filter is not None:
        query["revision"] = revision_filter
    result = await db[RECORDS].update_one(query, update, session=session)
    if result.matched_count == 0:
        return None
    return await db[RECORDS].find_one({"_id": record_id}, session=session)


def replacement(fields: Document) -> Document:
    return {"$set": fields, "$inc": {"revision": 1}}


def tombstoning(fields: Document) -> Document:
    return {
        "$set": {**fields, "deleted": True},
        "$unset": dict.fromkeys(CONTENT_FIELDS, ""),
        "$inc": {"revision": 1},
    }


async def tombstone_many(
    db: Database,
    profile_id: str,
    *,
    ids_and_seqs: list[tuple[str, int]],
    fields: Document,
    session: AsyncClientSession,
) -> None:
    """Tombstone a profile's records, each with its own new sequence number."""
    if not ids_and_seqs:
        return
    operations = [
        UpdateOne(
            {"_id": record_id, "profile_id": profile_id, "deleted": False},
            tombstoning({**fields, "seq": seq}),
        )
        for record_id, seq in ids_and_seqs
    ]
    await db[RECORDS].bulk_write(operations, ordered=True, session=session)


def changes_query(profile_id: str, since: int) -> Document:
    return {"profile_id": profile_id, "seq": {"$gt": since}}


async def changes_after(
    db: Database, profile_id: str, *, since: int, limit: int, session: AsyncClientSession
) -> list[Document]:
    """Records and tombstones with a sequence number above `since`, in sequence order."""
    cursor = (
        db[RECORDS]
        .find(changes_query(profile_id, since), session=session)
        .sort(SEQ_ORDER)
        .limit(limit)
    )
    return await cursor.to_list()


async def _export(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    cursor = db[RECORDS].find({"owner_id": user_id}).sort([("_id", ASCENDING)])
    async for doc in cursor:
        if not doc.get("deleted"):
            yield as_exported(record_view(doc))


async def _delete(db: Database, user_id: str) -> None:
    await db[RECORDS].delete_many({"owner_id": user_id})


OWNED = OwnedData(name="records", export=_export, delete=_delete)
