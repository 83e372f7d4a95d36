"""MongoDB access for security events: append, list newest first, delete and export per user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from normogen.db import indexes
from normogen.db.client import Database, Document

EVENTS = "security_events"
# The indexes this module queries by (listed in normogen/participants.py).
INDEXES = (
    indexes.of(
        EVENTS,
        indexes.ttl("expires_at", name="expires_at_ttl"),
        IndexModel(
            [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
            name="user_newest",
        ),
    ),
)
_NEWEST_FIRST = [("created_at", DESCENDING), ("_id", DESCENDING)]


async def insert_event(db: Database, event: Document) -> None:
    await db[EVENTS].insert_one(event)


async def list_events(
    db: Database, user_id: str, *, limit: int, before: tuple[datetime, str] | None
) -> list[Document]:
    """The user's events, newest first, strictly after the (created_at, id) cursor position."""
    query: dict[str, Any] = {"user_id": user_id}
    if before is not None:
        created_at, event_id = before
        query["$or"] = [
            {"created_at": {"$lt": created_at}},
            {"created_at": created_at, "_id": {"$lt": event_id}},
        ]
    cursor = db[EVENTS].find(query, sort=_NEWEST_FIRST, limit=limit)
    return [doc async for doc in cursor]


async def iter_events(db: Database, user_id: str) -> AsyncIterator[Document]:
    async for doc in db[EVENTS].find({"user_id": user_id}, sort=_NEWEST_FIRST):
        yield doc


async def delete_events(db: Database, user_id: str) -> None:
    await db[EVENTS].delete_many({"user_id": user_id})
