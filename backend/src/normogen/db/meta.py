"""The `meta` collection: the schema version and the sync epoch, one small document each.

The sync epoch names one continuous history of the data. Restoring a backup replaces that
history with an older one, so `normogen restore` gives the database a new epoch; the changes
feed (records/sync.py) puts the epoch into every sync token and refuses a token of another
epoch with 410 `sync_epoch_changed`, which makes a client resync in full instead of trusting
sequence numbers that the restore has rewound.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import DuplicateKeyError

from normogen.db.client import Database

META = "meta"
SCHEMA_ID = "schema"
SYNC_ID = "sync"


def new_epoch() -> str:
    """A fresh epoch: 96 random bits, URL-safe (16 characters)."""
    return secrets.token_urlsafe(12)


async def _upsert(db: Database, doc_id: str, update: dict[str, Any]) -> None:
    try:
        await db[META].update_one({"_id": doc_id}, update, upsert=True)
    except DuplicateKeyError:
        # Two processes upserted at once and the other inserted first: apply ours to it.
        await db[META].update_one({"_id": doc_id}, update)


async def ensure_epoch(db: Database) -> None:
    """Give a database its first epoch (kept if it has one)."""
    fields = {"epoch": new_epoch(), "restored": False, "changed_at": datetime.now(UTC)}
    await _upsert(db, SYNC_ID, {"$setOnInsert": fields})


async def advance_epoch(db: Database, reason: str) -> str:
    """Start a new epoch: every sync token issued before is refused from now on."""
    epoch = new_epoch()
    fields = {"epoch": epoch, "restored": True, "changed_at": datetime.now(UTC), "reason": reason}
    await _upsert(db, SYNC_ID, {"$set": fields})
    return epoch


async def read_epoch(db: Database, session: AsyncClientSession | None = None) -> tuple[str, bool]:
    """(epoch, whether a restore ever changed it); ("", False) before the first migration."""
    doc = await db[META].find_one({"_id": SYNC_ID}, session=session)
    if doc is None:
        return "", False
    return str(doc["epoch"]), bool(doc.get("restored", False))


async def schema_version(db: Database) -> int:
    """The highest migration applied to this database (0: none yet)."""
    doc = await db[META].find_one({"_id": SCHEMA_ID})
    return 0 if doc is None else int(doc.get("version", 0))


async def record_migration(db: Database, version: int, name: str) -> None:
    now = datetime.now(UTC)
    update = {
        "$max": {"version": version},
        "$set": {f"applied.{version}": {"name": name, "at": now}, "updated_at": now},
    }
    await _upsert(db, SCHEMA_ID, update)
