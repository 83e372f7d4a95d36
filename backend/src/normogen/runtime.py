"""What one app instance owns at run time: settings, metrics, the database client, drain state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import cached_property

from pymongo import AsyncMongoClient

from normogen.config import Settings
from normogen.core.gates import ProfileGates
from normogen.core.hashing import KeyHasher
from normogen.core.metrics import Metrics
from normogen.core.session_cache import SessionCache
from normogen.core.tokens import TokenVerifier
from normogen.db.client import Database, Document


@dataclass
class Runtime:
    """Shared by the lifespan, the middleware and the request dependencies of one app."""

    settings: Settings
    metrics: Metrics = field(default_factory=Metrics)
    client: AsyncMongoClient[Document] | None = None
    draining: bool = False
    # Set once this process has ensured the collections and indexes (ops/schema_gate.py).
    schema_ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Per-process helpers with state of their own: Argon2 concurrency, the ≤ 1 s session
    # memo, and record-write admission (per-profile queues, a cap on open transactions).
    hasher: KeyHasher = field(init=False)
    sessions: SessionCache = field(default_factory=SessionCache)
    gates: ProfileGates = field(init=False)
    _db: Database | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.hasher = KeyHasher(self.settings)
        self.gates = ProfileGates(self.settings.RECORD_WRITE_CONCURRENCY)

    @cached_property
    def tokens(self) -> TokenVerifier:
        return TokenVerifier(self.jwt_secret)

    @property
    def jwt_secret(self) -> bytes:
        secret = self.settings.JWT_SECRET
        if secret is None:
            raise RuntimeError("create_app sets an ephemeral JWT secret in development")
        return secret.get_secret_value().encode()

    @property
    def db(self) -> Database:
        """The application database of the current client (one handle, not one per request)."""
        client = self.client
        if client is None:
            raise RuntimeError("the database client is opened by the app's lifespan")
        if self._db is None or self._db.client is not client:
            self._db = client[self.settings.MONGODB_DATABASE]
        return self._db
