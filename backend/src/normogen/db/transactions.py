"""Run a callback in a MongoDB transaction, retrying transient conflicts a bounded number of times.

PyMongo's `with_transaction` retries for up to 120 s, far longer than a request may wait, so we
run the same protocol (transactions specification, "convenient API") with our own bounds:

- the callback raises an error labelled `TransientTransactionError` (WriteConflict when two
  transactions write the same document, or a primary stepped down): abort, back off with
  jitter, and run the whole callback again, at most `attempts` times;
- the commit raises an error labelled `UnknownTransactionCommitResult` (the connection dropped
  while committing): retry the commit itself (it is idempotent on the server);
- anything else (a duplicate key, a domain error raised by the callback) aborts and propagates.

When the attempts run out the caller gets `TransactionContention` (503 with Retry-After): the
request did not take effect and may be retried.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from normogen.db.client import Document
from normogen.errors import ServiceUnavailable

T = TypeVar("T")
TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
DEFAULT_ATTEMPTS = 40
_COMMIT_ATTEMPTS = 5
_BACKOFF_FIRST_S = 0.002
_BACKOFF_MAX_S = 0.1


class TransactionContention(ServiceUnavailable):
    """Every attempt collided with a concurrent writer; nothing was written."""

    code = "write_contention"
    default_message = "Too many concurrent changes to the same profile; retry shortly"

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


def backoff_seconds(attempt: int) -> float:
    """Full-jitter exponential backoff (AWS architecture blog), capped at `_BACKOFF_MAX_S`."""
    ceiling = min(_BACKOFF_MAX_S, _BACKOFF_FIRST_S * (2**attempt))
    return random.uniform(0, ceiling)  # noqa: S311  # jitter, not security


async def _commit(session: AsyncClientSession) -> None:
    for attempt in range(_COMMIT_ATTEMPTS):
        try:
            await session.commit_transaction()
            return
        except PyMongoError as exc:
            if not exc.has_error_label(UNKNOWN_COMMIT) or attempt + 1 == _COMMIT_ATTEMPTS:
                raise
            await asyncio.sleep(backoff_seconds(attempt))


async def run_transaction(
    client: AsyncMongoClient[Document],
    callback: Callable[[AsyncClientSession], Awaitable[T]],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    read_concern: ReadConcern | None = None,
) -> T:
    """Run `callback(session)` inside a transaction and commit; retry transient failures.

    The callback may run several times, so it must not have side effects outside the database
    (compute timestamps and ids inside it, or accept that a retry reuses them).
    """
    concern = read_concern or ReadConcern("snapshot")
    async with client.start_session() as session:
        for attempt in range(attempts):
            await session.start_transaction(
                read_concern=concern, write_concern=WriteConcern("majority")
            )
            try:
                result = await callback(session)
            except BaseException as exc:
                if session.in_transaction:
                    await session.abort_transaction()  # swallows its own errors
                if _retryable(exc) and attempt + 1 < attempts:
                    await asyncio.sleep(backoff_seconds(attempt))
                    continue
                if _retryable(exc):
                    raise TransactionContention() from None
                raise
            try:
                await _commit(session)
            except PyMongoError as exc:
                if exc.has_error_label(TRANSIENT) and attempt + 1 < attempts:
                    await asyncio.sleep(backoff_seconds(attempt))
                    continue
                if exc.has_error_label(TRANSIENT):
                    raise TransactionContention() from None
                raise
            return result
    raise TransactionContention()  # attempts < 1


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, PyMongoError) and exc.has_error_label(TRANSIENT)
