"""The changes feed: creates, updates and deletes in order, tokens, paging, expiry, deletion."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser
from tests.records_support import (
    PROFILES,
    RECORDS,
    create_profile,
    create_record,
    envelope,
    record_body,
    sync_all,
)
from tests.support import ThreadedServer

UPDATE = {
    "kind": "note",
    "key_epoch": 1,
    "payload": envelope(),
    "occurred_at": "2026-01-01T00:00:00Z",
}


async def put(
    http: httpx.AsyncClient, user: RegisteredUser, record: dict[str, Any], revision: int
) -> dict[str, Any]:
    headers = {**user.headers, "If-Match": f'"{revision}"'}
    response = await http.put(f"{RECORDS}/{record['id']}", json=UPDATE, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_feed_reports_every_change_once_in_order(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    empty, token = await sync_all(auth_http, user, profile["id"])
    assert empty == []

    a = await create_record(auth_http, user, profile["id"])
    b = await create_record(auth_http, user, profile["id"])
    changes, token = await sync_all(auth_http, user, profile["id"], token)
    assert [(c["id"], c["revision"], c["deleted"]) for c in changes] == [
        (a["id"], 1, False),
        (b["id"], 1, False),
    ]
    assert changes[0]["record"] == a

    a2 = await put(auth_http, user, a, 1)
    deleted = await auth_http.delete(f"{RECORDS}/{b['id']}", headers=user.headers)
    assert deleted.status_code == 204
    changes, token = await sync_all(auth_http, user, profile["id"], token)
    assert [(c["id"], c["revision"], c["deleted"]) for c in changes] == [
        (a["id"], 2, False),
        (b["id"], 2, True),
    ]
    assert changes[0]["record"] == a2
    assert changes[1]["record"] is None
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs)

    nothing, same = await sync_all(auth_http, user, profile["id"], token)
    assert nothing == []

    # From the start: each record once, in its latest state (the tombstone included).
    everything, _ = await sync_all(auth_http, user, profile["id"])
    assert [(c["id"], c["revision"], c["deleted"]) for c in everything] == [
        (a["id"], 2, False),
        (b["id"], 2, True),
    ]
    del same


async def test_small_pages_return_the_same_changes(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    for _ in range(7):
        await create_record(auth_http, user, profile["id"])
    whole, _ = await sync_all(auth_http, user, profile["id"], limit=200)
    paged, _ = await sync_all(auth_http, user, profile["id"], limit=2)
    assert paged == whole
    first = await auth_http.get(
        f"{PROFILES}/{profile['id']}/changes", params={"limit": 3}, headers=user.headers
    )
    assert len(first.json()["changes"]) == 3
    assert first.json()["done"] is False


async def test_deleting_the_profile_is_synced_as_tombstones(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    records = [await create_record(auth_http, user, profile["id"]) for _ in range(4)]
    _, token = await sync_all(auth_http, user, profile["id"])
    response = await auth_http.delete(f"{PROFILES}/{profile['id']}", headers=user.headers)
    assert response.status_code == 204

    page = await auth_http.get(
        f"{PROFILES}/{profile['id']}/changes", params={"since": token}, headers=user.headers
    )
    assert page.status_code == 200
    body = page.json()
    assert body["profile_deleted"] is True
    assert {c["id"] for c in body["changes"]} == {r["id"] for r in records}
    assert all(c["deleted"] and c["record"] is None for c in body["changes"])


async def test_tokens_are_checked(auth_http: httpx.AsyncClient, user: RegisteredUser) -> None:
    one = await create_profile(auth_http, user)
    two = await create_profile(auth_http, user)
    _, token = await sync_all(auth_http, user, one["id"])
    for bad in ("garbage", token + "x", base64.urlsafe_b64encode(b"[1]").decode()):
        response = await auth_http.get(
            f"{PROFILES}/{one['id']}/changes", params={"since": bad}, headers=user.headers
        )
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "invalid_sync_token"
    other_profile = await auth_http.get(
        f"{PROFILES}/{two['id']}/changes", params={"since": token}, headers=user.headers
    )
    assert other_profile.status_code == 400
    too_many = await auth_http.get(
        f"{PROFILES}/{one['id']}/changes", params={"limit": 201}, headers=user.headers
    )
    assert too_many.status_code == 422


def forge(token: str, at: datetime) -> str:
    """The same token with another change time (the format is ours; clients treat it opaque)."""
    raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[3] = int(at.timestamp() * 1000)
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


async def test_token_older_than_the_tombstones_is_410(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    await create_record(auth_http, user, profile["id"])
    _, token = await sync_all(auth_http, user, profile["id"])
    url = f"{PROFILES}/{profile['id']}/changes"
    now = datetime.now(UTC)
    recent = forge(token, now - timedelta(days=80))
    assert (await auth_http.get(url, params={"since": recent}, headers=user.headers)).is_success
    old = forge(token, now - timedelta(days=90))
    response = await auth_http.get(url, params={"since": old}, headers=user.headers)
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "sync_token_expired"


async def test_idle_profile_renews_its_token(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    """With no change since the token, nothing can have expired: the token is renewed."""
    profile = await create_profile(auth_http, user)
    await create_record(auth_http, user, profile["id"])
    _, token = await sync_all(auth_http, user, profile["id"])
    old = forge(token, datetime.now(UTC) - timedelta(days=60))
    changes, renewed = await sync_all(auth_http, user, profile["id"], old)
    assert changes == []
    assert renewed != old
    raw = json.loads(base64.urlsafe_b64decode(renewed + "=" * (-len(renewed) % 4)))
    assert abs(raw[3] / 1000 - datetime.now(UTC).timestamp()) < 3600


@pytest.mark.parametrize("limit", [1, 50])
async def test_purged_tombstones_do_not_stall_the_feed(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, object]],
    limit: int,
) -> None:
    """After the TTL removes tombstones, a fresh sync still completes with the live records."""
    profile = await create_profile(auth_http, user)
    keep = await create_record(auth_http, user, profile["id"])
    gone = await create_record(auth_http, user, profile["id"])
    await auth_http.delete(f"{RECORDS}/{gone['id']}", headers=user.headers)
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    await db["records"].delete_one({"_id": gone["id"], "deleted": True})  # what the TTL does
    changes, _ = await sync_all(auth_http, user, profile["id"], limit=limit)
    assert [c["id"] for c in changes] == [keep["id"]]


async def test_a_writer_cannot_overtake_an_open_transaction(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, object]],
) -> None:
    """While an earlier writer holds number N uncommitted, nobody can commit N+1.

    Were the number allocated outside the record's transaction, the create below would commit
    N+1 at once, a reader would move its token past N, and N's record would never reach it.
    """
    profile = await create_profile(auth_http, user)
    _, token = await sync_all(auth_http, user, profile["id"])
    profiles = mongo[auth_server.settings.MONGODB_DATABASE]["profiles"]
    async with mongo.start_session() as slow_writer:
        await slow_writer.start_transaction()
        await profiles.update_one({"_id": profile["id"]}, {"$inc": {"seq": 1}}, session=slow_writer)
        blocked = await auth_http.post(
            RECORDS, json=record_body(profile["id"]), headers=user.headers
        )
        assert blocked.status_code == 503, blocked.text
        assert blocked.json()["error"]["code"] == "write_contention"
        assert blocked.headers["retry-after"] == "1"
        nothing, token = await sync_all(auth_http, user, profile["id"], token)
        assert nothing == []
        await slow_writer.commit_transaction()
    record = await create_record(auth_http, user, profile["id"])
    changes, _ = await sync_all(auth_http, user, profile["id"], token)
    assert [(c["id"], c["seq"]) for c in changes] == [(record["id"], 2)]
