"""The sequence allocation the changes feed relies on, checked on the real database server.

records/sync.py argues that writing the per-profile counter inside the record's transaction
makes allocation order equal commit order. These tests check the premises on the server we run
against: a second writer of the counter conflicts (TransientTransactionError) whether the first
is still open or committed after the second's snapshot, and under concurrency every snapshot
shows a gap-free prefix of sequence numbers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, OperationFailure

from normogen.db.transactions import TransactionContention, run_transaction
from tests.support import unique_db_name

Doc = dict[str, Any]


@pytest.fixture
async def client(mongodb_uri: str) -> AsyncIterator[AsyncMongoClient[Doc]]:
    connection: AsyncMongoClient[Doc] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
async def db(client: AsyncMongoClient[Doc]) -> AsyncIterator[AsyncDatabase[Doc]]:
    database = client[unique_db_name("seq")]
    await database["counters"].insert_one({"_id": "p", "seq": 0})
    await database["items"].create_index([("seq", 1)], unique=True)
    yield database
    await client.drop_database(database.name)


async def bump(db: AsyncDatabase[Doc], session: AsyncClientSession | None = None) -> int:
    doc = await db["counters"].find_one_and_update(
        {"_id": "p"}, {"$inc": {"seq": 1}}, return_document=ReturnDocument.AFTER, session=session
    )
    assert doc is not None
    return int(doc["seq"])


async def test_second_writer_of_an_open_counter_conflicts(
    client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]
) -> None:
    async with client.start_session() as first, client.start_session() as second:
        await first.start_transaction()
        assert await bump(db, first) == 1
        await second.start_transaction()
        with pytest.raises(OperationFailure) as conflict:
            await bump(db, second)
        assert conflict.value.has_error_label("TransientTransactionError")
        await second.abort_transaction()
        await first.commit_transaction()
    assert (await db["counters"].find_one({"_id": "p"}) or {})["seq"] == 1


async def test_writer_whose_snapshot_predates_a_commit_conflicts(
    client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]
) -> None:
    async with client.start_session() as first, client.start_session() as second:
        await second.start_transaction()
        await db["items"].find_one({}, session=second)  # the snapshot is taken here
        await first.start_transaction()
        await bump(db, first)
        await first.commit_transaction()
        with pytest.raises(OperationFailure) as conflict:
            await bump(db, second)  # would read seq 0 in its snapshot and also produce 1
        assert conflict.value.has_error_label("TransientTransactionError")
        await second.abort_transaction()


def gaps(seqs: list[int]) -> list[int]:
    """Numbers missing below the highest visible one (the feed must never see any)."""
    present = set(seqs)
    return [n for n in range(1, max(seqs, default=0)) if n not in present]


async def test_concurrent_transactions_only_ever_show_a_prefix(
    client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]
) -> None:
    writers, per_writer = 12, 8
    finished = asyncio.Event()
    observed: list[list[int]] = []
    read_done = asyncio.Condition()

    async def write(tag: int) -> None:
        async def callback(session: AsyncClientSession) -> None:
            seq = await bump(db, session)
            await db["items"].insert_one({"seq": seq, "writer": tag}, session=session)

        for i in range(per_writer):
            # Interleave by construction: the i-th write of each writer waits for i + 1 reads.
            def enough(needed: int = i + 1) -> bool:
                return len(observed) >= needed

            async with read_done:
                await read_done.wait_for(enough)
            await run_transaction(client, callback, attempts=1000)

    async def read() -> None:
        while not finished.is_set():
            seqs = [d["seq"] async for d in db["items"].find({}, {"seq": 1}).sort("seq", 1)]
            async with read_done:
                observed.append(seqs)
                read_done.notify_all()
            await asyncio.sleep(0)

    reader = asyncio.create_task(read())
    await asyncio.gather(*(write(w) for w in range(writers)))
    finished.set()
    await reader
    final = [d["seq"] async for d in db["items"].find({}).sort("seq", 1)]
    assert final == list(range(1, writers * per_writer + 1))
    assert len(observed) >= per_writer
    assert [seqs for seqs in observed if gaps(seqs)] == []


async def test_allocating_outside_the_transaction_would_show_gaps(
    client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]
) -> None:
    """The control: counter bumped before the transaction, a later number commits first."""
    early = await bump(db)  # no transaction: visible at once, record not written yet
    late = await bump(db)
    await db["items"].insert_one({"seq": late})
    seqs = [d["seq"] async for d in db["items"].find({})]
    assert gaps(seqs) == [early]  # a reader at `late` would never see `early`


async def test_contention_is_bounded_and_writes_nothing(
    client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]
) -> None:
    async def callback(session: AsyncClientSession) -> None:
        seq = await bump(db, session)
        await db["items"].insert_one({"seq": seq}, session=session)

    async with client.start_session() as holder:
        await holder.start_transaction()
        await bump(db, holder)  # holds the counter until committed
        with pytest.raises(TransactionContention):
            await run_transaction(client, callback, attempts=3)
        await holder.commit_transaction()
    assert await db["items"].count_documents({}) == 0
    await run_transaction(client, callback)  # free again: succeeds
    assert await db["items"].count_documents({"seq": 2}) == 1


async def test_non_transient_errors_are_not_retried(
    client: AsyncMongoClient[Doc], db: AsyncDatabase[Doc]
) -> None:
    await db["items"].insert_one({"_id": "taken", "seq": 100})
    calls = 0

    async def callback(session: AsyncClientSession) -> None:
        nonlocal calls
        calls += 1
        await bump(db, session)
        await db["items"].insert_one({"_id": "taken", "seq": 101}, session=session)

    with pytest.raises(DuplicateKeyError):
        await run_transaction(client, callback)
    assert calls == 1
    assert (await db["counters"].find_one({"_id": "p"}) or {})["seq"] == 0  # rolled back
