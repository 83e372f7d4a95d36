"""Counting is atomic: concurrent openers of a link with N accesses left, exactly N succeed."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser, auth_settings, register_user
from tests.links_support import LINKS, create_link, open_link, verifier
from tests.support import DAY, in_one_window, running_server

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
    settings = auth_settings(
        mongodb_uri,
        LINK_PASSWORD_ATTEMPTS=3,
        LINK_PASSWORD_WINDOW_SECONDS=DAY,
        LINK_RATE_LIMIT_REQUESTS=1000,
        LINK_RATE_LIMIT_DURATION_SECONDS=DAY,
    )
    with running_server(settings) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            owner: RegisteredUser = await register_user(http)

            async def counted() -> None:
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

            await in_one_window(DAY, counted)
