"""Fixtures: a real MongoDB-wire server (SecantusDB, or MONGODB_URI) and servers over real HTTP."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import settings
from pymongo import AsyncMongoClient

from normogen.db.embedded import EmbeddedMongo
from tests.contract.conformance import checking_hooks
from tests.support import ThreadedServer, running_server, test_settings

# No per-example time limit: on a loaded machine a deadline fails correct code (timing is for
# backend/bench, not for tests); the same profile is in clients/python/tests/conftest.py.
settings.register_profile("normogen", deadline=None)
settings.load_profile("normogen")

# Account fixtures (auth_server, auth_http, user, other_user) for every domain's tests.
pytest_plugins = ["tests.accounts"]


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """MONGODB_URI when set (a real MongoDB), else a SecantusDB process for the session."""
    external = os.environ.get("MONGODB_URI")
    if external:
        yield external
        return
    storage = tmp_path_factory.mktemp("secantus")
    log_path = Path(storage) / "engine.log"
    with EmbeddedMongo(storage / "data", sync_on_commit=False, log_path=log_path) as engine:
        yield engine.uri


@pytest.fixture
def server(mongodb_uri: str) -> Iterator[ThreadedServer]:
    """A fresh app on its own database, served over loopback HTTP."""
    with running_server(test_settings(mongodb_uri)) as running:
        yield running


@pytest.fixture
async def http(server: ThreadedServer) -> AsyncIterator[httpx.AsyncClient]:
    hooks = checking_hooks(server.app.openapi())  # every response against the contract
    async with httpx.AsyncClient(base_url=server.url, timeout=30, event_hooks=hooks) as client:
        yield client


@pytest.fixture
async def mongo(mongodb_uri: str) -> AsyncIterator[AsyncMongoClient[dict[str, object]]]:
    """A direct driver connection, for asserting what the server really stored."""
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongodb_uri, tz_aware=True)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[EmbeddedMongo]:
    """A database of the test's own, on disk, so the test can stop and start it again."""
    db = EmbeddedMongo(tmp_path / "data", sync_on_commit=False, log_path=tmp_path / "db.log")
    db.start()
    try:
        yield db
    finally:
        db.stop()
