"""A stand-in domain for tests: notes owned by a user, registered in the owned-data registry."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from normogen.db.client import Database
from normogen.users.owned import OwnedData, register_owned, unregister_owned

NOTES = "test_notes"


class SimulatedCrash(Exception):
    """Raised by a deleter to simulate the process dying half-way through a deletion."""


async def export_notes(db: Database, user_id: str) -> AsyncIterator[dict[str, Any]]:
    async for doc in db[NOTES].find({"user_id": user_id}, sort=[("_id", 1)]):
        yield {"id": doc["_id"], "payload": doc["payload"]}


async def delete_notes(db: Database, user_id: str) -> None:
    await db[NOTES].delete_many({"user_id": user_id})


@contextmanager
def notes_domain(crash_after_one: bool = False) -> Iterator[list[str]]:
    """Register the notes domain for the duration of a test; yields the deleter's call log."""
    calls: list[str] = []

    async def delete(db: Database, user_id: str) -> None:
        calls.append(user_id)
        if crash_after_one and len(calls) == 1:
            await db[NOTES].delete_one({"user_id": user_id})
            raise SimulatedCrash("the process died here")
        await delete_notes(db, user_id)

    register_owned(OwnedData(NOTES, export_notes, delete, order=500))
    try:
        yield calls
    finally:
        unregister_owned(NOTES)
