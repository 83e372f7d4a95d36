"""Sync under fire: writers on two app processes hammer one profile while a reader syncs.

Each reader follows the changes feed in small pages, alternating between the processes, for
as long as the writers run, then once more to the end. Each must end with exactly the final
state of every record (revision and tombstone) that the database holds, and must never receive
an older revision of a record after a newer one. A feed that let a later sequence number become
visible before an earlier one committed would drop changes here.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import TEST_KDF_ITERATIONS, RegisteredUser, register_user
from tests.records_support import PROFILES, RECORDS, create_profile, envelope, record_body
from tests.support import TEST_JWT_SECRET, ServerProcess, unique_db_name

WRITERS = 8
OPS_PER_WRITER = 30
READERS = 3
PAGE = 5


@pytest.fixture
def replicas(mongodb_uri: str, tmp_path: Path) -> Iterator[tuple[str, list[ServerProcess]]]:
    database = unique_db_name()
    env = {
        "NORMOGEN_ENV": "development",
        "MONGODB_URI": mongodb_uri,
        "MONGODB_DATABASE": database,
        "JWT_SECRET": TEST_JWT_SECRET,
        "KDF_MIN_ITERATIONS": str(TEST_KDF_ITERATIONS),
        "AUTH_RATE_LIMIT_REQUESTS": "10000",
        "RATE_LIMIT_REQUESTS": "1000000",
        "SHUTDOWN_DRAIN_SECONDS": "0",
        "LOG_LEVEL": "warning",
    }
    processes = [ServerProcess(env, tmp_path / f"replica-{n}.log") for n in range(2)]
    try:
        for process in processes:
            process.start()
        yield database, processes
    finally:
        for process in processes:
            process.stop()


class Writer:
    """Creates, replaces and deletes records; also fights over one shared record."""

    def __init__(self, http: httpx.AsyncClient, user: RegisteredUser, base: str, seed: int):
        self.http, self.user, self.base = http, user, base
        self.rng = random.Random(seed)
        self.mine: dict[str, int] = {}  # live record id -> revision

    async def run(self, profile_id: str, shared_id: str) -> None:
        for _ in range(OPS_PER_WRITER):
            roll = self.rng.random()
            if roll < 0.45 or not self.mine:
                await self.create(profile_id)
            elif roll < 0.65:
                await self.replace(shared_id, None)
            elif roll < 0.85:
                record_id = self.rng.choice(list(self.mine))
                await self.replace(record_id, self.mine[record_id])
            else:
                await self.delete(self.rng.choice(list(self.mine)))

    async def create(self, profile_id: str) -> None:
        body = record_body(profile_id, payload=envelope())
        url = f"{self.base}{RECORDS}"
        response = await self.http.post(url, json=body, headers=self.user.headers)
        assert response.status_code == 201, response.text
        self.mine[response.json()["id"]] = 1

    async def replace(self, record_id: str, revision: int | None) -> None:
        url = f"{self.base}{RECORDS}/{record_id}"
        body = {
            "kind": "note",
            "key_epoch": 1,
            "payload": envelope(),
            "occurred_at": "2026-01-01T00:00:00Z",
        }
        while True:
            if revision is None:  # the shared record: read-modify-write until we win
                current = await self.http.get(url, headers=self.user.headers)
                revision = int(current.headers["etag"].strip('"'))
            headers = {**self.user.headers, "If-Match": f'"{revision}"'}
            response = await self.http.put(url, json=body, headers=headers)
            if response.status_code == 200:
                if record_id in self.mine:
                    self.mine[record_id] = response.json()["revision"]
                return
            assert response.status_code in (412, 503), response.text
            revision = None

    async def delete(self, record_id: str) -> None:
        url = f"{self.base}{RECORDS}/{record_id}"
        response = await self.http.delete(url, headers=self.user.headers)
        assert response.status_code == 204, response.text
        del self.mine[record_id]


class Reader:
    """Follows the feed in small pages, alternating replicas, keeping each record's state."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        user: RegisteredUser,
        profile_id: str,
        urls: list[str],
        first: int,
    ) -> None:
        self.http, self.user, self.urls = http, user, urls
        self.url = f"{PROFILES}/{profile_id}/changes"
        self.polls = first
        self.token: str | None = None
        self.seen: dict[str, tuple[int, bool]] = {}

    async def sync_once(self) -> bool:
        base = self.urls[self.polls % len(self.urls)]
        self.polls += 1
        params: dict[str, Any] = {"limit": PAGE, **({"since": self.token} if self.token else {})}
        response = await self.http.get(
            f"{base}{self.url}", params=params, headers=self.user.headers
        )
        assert response.status_code == 200, response.text
        page = response.json()
        for change in page["changes"]:
            state = (change["revision"], change["deleted"])
            previous = self.seen.get(change["id"])
            assert previous is None or previous[0] < state[0], (previous, change)
            self.seen[change["id"]] = state
        self.token = page["next"]
        return bool(page["done"])

    async def follow(self, writing: asyncio.Future[Any]) -> int:
        """Sync while the writers run, then to the end; returns how many polls it made."""
        while not writing.done():
            await self.sync_once()
        while not await self.sync_once():
            pass
        return self.polls


async def test_readers_see_every_final_state(
    replicas: tuple[str, list[ServerProcess]],
    mongo: AsyncMongoClient[dict[str, object]],
) -> None:
    database, processes = replicas
    urls = [process.url for process in processes]
    async with httpx.AsyncClient(base_url=urls[0], timeout=60) as setup:
        user = await register_user(setup)
        profile = await create_profile(setup, user)
        shared = await setup.post(RECORDS, json=record_body(profile["id"]), headers=user.headers)
        assert shared.status_code == 201
    async with httpx.AsyncClient(timeout=60) as http:
        writers = [Writer(http, user, urls[n % 2], seed=n) for n in range(WRITERS)]
        writing = asyncio.gather(*(w.run(profile["id"], shared.json()["id"]) for w in writers))
        readers = [Reader(http, user, profile["id"], urls, first=n) for n in range(READERS)]
        polls = await asyncio.gather(*(reader.follow(writing) for reader in readers))
        await writing

    docs: list[dict[str, Any]] = (
        await mongo[database]["records"].find({"profile_id": profile["id"]}).to_list()
    )
    final = {doc["_id"]: (doc["revision"], doc["deleted"]) for doc in docs}
    for reader in readers:
        assert reader.seen == final
    assert min(polls) > 10  # the readers really synced while the writers ran
    assert sum(1 for _, deleted in final.values() if deleted) > 0
    assert final[shared.json()["id"]][0] > WRITERS  # the shared record was fought over
