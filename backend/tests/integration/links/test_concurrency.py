"""Counting is atomic: concurrent openers of a link with N accesses left, exactly N succeed."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from normogen.db.embedded import EmbeddedMongo
from tests.accounts import RegisteredUser, auth_settings, register_user
from tests.links_support import LINKS, create_link, open_link, verifier
from tests.support import async_wait_until, running_server

OPENERS = 16


@pytest.mark.parametrize("maximum", [1, 3])
async def test_exactly_max_count_concurrent_openers_succeed(
    mongodb_uri: str, mongo: AsyncMongoClient[dict[str, Any]], maximum: int
) -> None:
    settings = auth_settings(mongodb_uri, LINK_RATE_LIMIT_REQUESTS=1000)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            owner = await register_user(http)
            link = await create_link(http, owner, max_access_count=maximum)
            gate = asyncio.Event()

            async def opener() -> int:
                async with httpx.AsyncClient(base_url=server.url, timeout=60) as own:
                    await gate.wait()
                    return (await open_link(own, link["id"])).status_code

            tasks = [asyncio.create_task(opener()) for _ in range(OPENERS)]
            gate.set()
            statuses = Counter(await asyncio.gather(*tasks))
            assert statuses == {200: maximum, 404: OPENERS - maximum}
            detail = (await http.get(f"{LINKS}/{link['id']}", headers=owner.headers)).json()
            assert detail["access_count"] == maximum
            assert len(detail["accesses"]) == maximum
    stored = await mongo[settings.MONGODB_DATABASE]["share_links"].find_one({"_id": link["id"]})
    assert stored is not None
    assert stored["access_count"] == maximum


async def test_concurrent_password_guesses_are_limited_exactly(mongodb_uri: str) -> None:
    settings = auth_settings(mongodb_uri, LINK_PASSWORD_ATTEMPTS=3, LINK_RATE_LIMIT_REQUESTS=1000)
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            owner: RegisteredUser = await register_user(http)
            secret = verifier()
            link = await create_link(http, owner, password_verifier=secret)
            guesses = await asyncio.gather(
                *(open_link(http, link["id"], verifier()) for _ in range(OPENERS))
            )
            statuses = Counter(response.status_code for response in guesses)
            assert statuses == {404: 3, 429: OPENERS - 3}
            # The right password is refused too until the window ends: guessing stopped.
            assert (await open_link(http, link["id"], secret)).status_code == 429
            detail = (await http.get(f"{LINKS}/{link['id']}", headers=owner.headers)).json()
            assert detail["access_count"] == 0


GUESS_ROUNDS = 8
GUESSERS = 20


async def _simultaneous_guesses(
    url: str, link_id: str, headers: dict[str, str]
) -> list[httpx.Response]:
    """GUESSERS wrong passwords sent at once, each on its own connection made beforehand."""
    gate = asyncio.Event()
    ready: list[bool] = []

    async def guesser() -> httpx.Response:
        async with httpx.AsyncClient(base_url=url, timeout=60) as own:
            await own.get("/health")  # connected before the start signal
            ready.append(True)
            await gate.wait()
            return await open_link(own, link_id, verifier(), headers=headers)

    async def all_ready() -> bool:
        return len(ready) == GUESSERS

    tasks = [asyncio.create_task(guesser()) for _ in range(GUESSERS)]
    await async_wait_until(all_ready, 30, "the guessers never got ready")
    gate.set()
    return await asyncio.gather(*tasks)


@pytest.fixture
def durable_uri(tmp_path: Path) -> Iterator[str]:
    """MONGODB_URI when set; else an embedded engine that syncs every commit, as `make run`
    starts it (its slower commits widen the window in which an upsert returns no document)."""
    external = os.environ.get("MONGODB_URI")
    if external:
        yield external
        return
    with EmbeddedMongo(tmp_path / "data", sync_on_commit=True, log_path=tmp_path / "db.log") as db:
        yield db.uri


async def test_parallel_wrong_passwords_get_exactly_the_allowed_checks_every_round(
    durable_uri: str,
) -> None:
    """Many rounds of 20 parallel wrong passwords, each on a fresh link from a fresh address:
    exactly LINK_PASSWORD_ATTEMPTS are checked (404), the rest refused (429), every time, even
    when the counter's upsert answers a concurrent caller with no document (ratelimit.py)."""
    attempts = 5
    settings = auth_settings(
        durable_uri,
        LINK_PASSWORD_ATTEMPTS=attempts,
        LINK_RATE_LIMIT_REQUESTS=10_000,
        TRUSTED_PROXIES="127.0.0.1/32",
    )
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            owner: RegisteredUser = await register_user(http)
            for round_no in range(GUESS_ROUNDS):
                link = await create_link(http, owner, password_verifier=verifier())
                address = {"X-Forwarded-For": f"198.51.100.{round_no + 1}"}
                guesses = await _simultaneous_guesses(server.url, link["id"], address)
                statuses = Counter(response.status_code for response in guesses)
                assert statuses == {404: attempts, 429: GUESSERS - attempts}, round_no
