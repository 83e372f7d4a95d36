"""A deleted profile's records become tombstones in the deleting transaction (docs/sync.md)."""

from __future__ import annotations

from pymongo.asynchronous.client_session import AsyncClientSession

from normogen.db.client import Database, Document
from normogen.records import repository


async def live_record_ids(db: Database, profile_id: str, session: AsyncClientSession) -> list[str]:
    """For profile deletion: the records to tombstone, read in the deleting transaction."""
    return await repository.live_ids(db, profile_id, session)


async def tombstone_records(
    db: Database,
    profile_id: str,
    *,
    ids: list[str],
    first_seq: int,
    fields: Document,
    session: AsyncClientSession,
) -> None:
    """For profile deletion: tombstone `ids` with sequence numbers from `first_seq` on."""
    pairs = [(record_id, first_seq + offset) for offset, record_id in enumerate(ids)]
    await repository.tombstone_many(
        db, profile_id, ids_and_seqs=pairs, fields=fields, session=session
    )
