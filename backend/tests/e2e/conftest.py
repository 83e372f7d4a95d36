"""End-to-end fixtures: `NormogenClient` (the real client crypto) against a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from normogen_client.api import NormogenClient
from tests.accounts import TEST_KDF_ITERATIONS
from tests.support import ThreadedServer

ClientFactory = Callable[[], NormogenClient]


@pytest.fixture
async def new_client(auth_server: ThreadedServer) -> AsyncIterator[ClientFactory]:
    """Make clients (devices) for `auth_server`, with the fast test KDF; all closed after."""
    clients: list[NormogenClient] = []

    def make() -> NormogenClient:
        client = NormogenClient(
            auth_server.url, iterations=TEST_KDF_ITERATIONS, min_iterations=TEST_KDF_ITERATIONS
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
