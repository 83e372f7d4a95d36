"""The one AsyncMongoClient per process: options, readiness ping and outage classification."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pymongo
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    NetworkTimeout,
    PyMongoError,
    ServerSelectionTimeoutError,
)

from normogen.config import Settings
from normogen.core.metrics import Metrics

T = TypeVar("T")
Document = dict[str, Any]
Database = AsyncDatabase[Document]
READY_PING_TIMEOUT_SECONDS = 1.0
log = logging.getLogger("normogen.db")


def create_client(settings: Settings, metrics: Metrics | None = None) -> AsyncMongoClient[Document]:
    """Build the client; it connects lazily, so start-up never blocks on the database."""
    if settings.MONGODB_URI is None:
        raise RuntimeError("MONGODB_URI is not set (the CLI starts the embedded engine)")
    listeners = [metrics.pool_listener()] if metrics is not None else []
    return AsyncMongoClient(
        settings.MONGODB_URI.get_secret_value(),
        maxPoolSize=settings.MONGODB_MAX_POOL_SIZE,
        minPoolSize=settings.MONGODB_MIN_POOL_SIZE,
        serverSelectionTimeoutMS=settings.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
        connectTimeoutMS=settings.MONGODB_CONNECT_TIMEOUT_MS,
        socketTimeoutMS=settings.MONGODB_SOCKET_TIMEOUT_MS,
        heartbeatFrequencyMS=settings.MONGODB_HEARTBEAT_MS,
        maxIdleTimeMS=settings.MONGODB_MAX_IDLE_TIME_MS,
        # Majority writes and reads: what a caregiver saved survives a primary failover.
        w="majority",
        tz_aware=True,
        uuidRepresentation="standard",
        appname="normogen",
        event_listeners=listeners,
    )


async def ping(db: Database, seconds: float = READY_PING_TIMEOUT_SECONDS) -> bool:
    """True when the database answers a ping within `seconds`."""
    try:
        with pymongo.timeout(seconds):
            await db.command("ping")
    except PyMongoError:
        return False
    return True


def is_unavailable(exc: BaseException) -> bool:
    """Whether a driver error means "the database is unreachable" (503) rather than a bug."""
    if isinstance(exc, ConnectionFailure | ServerSelectionTimeoutError):
        return True
    # pymongo.timeout() deadlines surface as PyMongoError with timeout=True.
    return isinstance(exc, PyMongoError) and bool(getattr(exc, "timeout", False))


def is_stale_connection(exc: BaseException) -> bool:
    """A pooled connection failed (closed by the server, a proxy or a firewall while idle), as
    opposed to an unreachable server or a timeout: the same operation on a fresh one may work.
    PyMongo discards the pool's older connections on such an error, so one retry suffices."""
    return isinstance(exc, AutoReconnect) and not isinstance(
        exc, NetworkTimeout | ServerSelectionTimeoutError
    )


async def retry_once(operation: Callable[[], Awaitable[T]]) -> T:
    """Run `operation`, and once more if a stale connection failed it (see above).

    Only for operations that may run twice: reads, idempotent writes, or writes whose repeat
    errs on the safe side (a rate-limit counter counting one hit twice). With
    `retryWrites=false` (the embedded engine) the driver retries no write itself.
    """
    try:
        return await operation()
    except PyMongoError as exc:
        if not is_stale_connection(exc):
            raise
        log.warning("retrying on a fresh connection", extra={"error": type(exc).__name__})
    return await operation()
