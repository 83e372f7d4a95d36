"""Many concurrent writers on one record: If-Match makes every read-modify-write count."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.accounts import RegisteredUser
from tests.records_support import RECORDS, create_profile, create_record, opaque, read_opaque

WRITERS = 10
OPS_PER_WRITER = 4
MAX_TRIES = 500


async def append(http: httpx.AsyncClient, user: RegisteredUser, record_id: str, op: str) -> int:
    """GET, append `op` to the payload's list, PUT with If-Match; retry on 412. Returns 412s."""
    url = f"{RECORDS}/{record_id}"
    for conflicts in range(MAX_TRIES):
        current = await http.get(url, headers=user.headers)
        assert current.status_code == 200, current.text
        record = current.json()
        ops = [*read_opaque(record["payload"]), op]
        body = {
            "kind": record["kind"],
            "key_epoch": 1,
            "payload": opaque(ops),
            "occurred_at": record["occurred_at"],
        }
        headers = {**user.headers, "If-Match": current.headers["etag"]}
        response = await http.put(url, json=body, headers=headers)
        if response.status_code == 200:
            return conflicts
        assert response.status_code in (412, 503), response.text
    raise AssertionError(f"{op} never got through")


async def test_concurrent_writers_never_lose_an_update(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"], payload=opaque([]))

    async def writer(w: int) -> int:
        conflicts = 0
        for i in range(OPS_PER_WRITER):
            conflicts += await append(auth_http, user, record["id"], f"{w}:{i}")
        return conflicts

    conflicts = sum(await asyncio.gather(*(writer(w) for w in range(WRITERS))))
    final = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    ops = read_opaque(final.json()["payload"])
    expected = {f"{w}:{i}" for w in range(WRITERS) for i in range(OPS_PER_WRITER)}
    assert sorted(ops) == sorted(expected)  # every update kept, none twice
    assert final.json()["revision"] == 1 + WRITERS * OPS_PER_WRITER
    assert conflicts > 0  # the writers really raced (else this test proves nothing)


async def test_concurrent_puts_with_one_etag_let_exactly_one_win(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])

    async def put(n: int) -> httpx.Response:
        body: dict[str, Any] = {
            "kind": "note",
            "key_epoch": 1,
            "payload": opaque([n]),
            "occurred_at": "2026-01-01T00:00:00Z",
        }
        headers = {**user.headers, "If-Match": '"1"'}
        return await auth_http.put(f"{RECORDS}/{record['id']}", json=body, headers=headers)

    responses = await asyncio.gather(*(put(n) for n in range(20)))
    winners = [r for r in responses if r.status_code == 200]
    assert len(winners) == 1
    assert sorted({r.status_code for r in responses}) == [200, 412]
    final = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    assert final.json() == winners[0].json()
    assert final.json()["revision"] == 2
