"""Records over HTTP: create (idempotent ids), read with ETag, PUT preconditions, DELETE, limits."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser, auth_settings, register_user
from tests.records_support import RECORDS, create_profile, create_record, envelope, record_body
from tests.support import ThreadedServer, running_server


async def list_records(
    http: httpx.AsyncClient, user: RegisteredUser, profile_id: str
) -> list[dict[str, Any]]:
    response = await http.get(RECORDS, params={"profile_id": profile_id}, headers=user.headers)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()["records"]
    return records


@pytest.fixture
async def profile(auth_http: httpx.AsyncClient, user: RegisteredUser) -> dict[str, Any]:
    return await create_profile(auth_http, user)


async def test_create_and_read(
    auth_http: httpx.AsyncClient, user: RegisteredUser, profile: dict[str, Any]
) -> None:
    body = record_body(
        profile["id"],
        kind="lab_result",
        occurred_at="2026-02-03T10:20:30.123456+02:00",
        tags=["t1", "t2", "t1"],
        source="manual",
    )
    created = await auth_http.post(RECORDS, json=body, headers=user.headers)
    assert created.status_code == 201, created.text
    record = created.json()
    assert uuid.UUID(record["id"]).version == 4
    assert record["profile_id"] == profile["id"]
    assert record["kind"] == "lab_result"
    assert record["payload"] == body["payload"]
    # Normalised to UTC at MongoDB's millisecond precision; tags de-duplicated in order.
    assert record["occurred_at"] == "2026-02-03T08:20:30.123Z"
    assert record["tags"] == ["t1", "t2"]
    assert record["source"] == "manual"
    assert record["revision"] == 1
    assert record["created_by"] == record["updated_by"] == user.user_id
    assert record["created_at"] == record["updated_at"]
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{RECORDS}/{record['id']}"

    read = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    assert read.status_code == 200
    assert read.json() == record
    assert read.headers["etag"] == '"1"'


async def test_client_id_is_idempotent_and_conflicts_on_other_content(
    auth_http: httpx.AsyncClient, user: RegisteredUser, profile: dict[str, Any]
) -> None:
    record_id = str(uuid.uuid4())
    body = record_body(profile["id"], id=record_id, tags=["x"])
    first = await auth_http.post(RECORDS, json=body, headers=user.headers)
    assert first.status_code == 201, first.text
    again = await auth_http.post(RECORDS, json=body, headers=user.headers)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()

    different = await auth_http.post(
        RECORDS, json={**body, "payload": envelope()}, headers=user.headers
    )
    assert different.status_code == 409
    assert different.json()["error"]["code"] == "record_id_conflict"

    # Only one record exists, and it kept its first content and sequence number.
    listed = await list_records(auth_http, user, profile["id"])
    assert [r["id"] for r in listed] == [record_id]
    assert listed[0]["payload"] == body["payload"]


async def test_concurrent_identical_creates_make_one_record(
    auth_http: httpx.AsyncClient, user: RegisteredUser, profile: dict[str, Any]
) -> None:
    body = record_body(profile["id"], id=str(uuid.uuid4()))
    responses = await asyncio.gather(
        *(auth_http.post(RECORDS, json=body, headers=user.headers) for _ in range(8))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 7 + [201], [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    changes = await auth_http.get(f"/api/v1/profiles/{profile['id']}/changes", headers=user.headers)
    assert len(changes.json()["changes"]) == 1


async def test_id_of_a_deleted_record_cannot_be_reused(
    auth_http: httpx.AsyncClient, user: RegisteredUser, profile: dict[str, Any]
) -> None:
    body = record_body(profile["id"], id=str(uuid.uuid4()))
    created = await auth_http.post(RECORDS, json=body, headers=user.headers)
    url = f"{RECORDS}/{created.json()['id']}"
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 204
    again = await auth_http.post(RECORDS, json=body, headers=user.headers)
    assert again.status_code == 409


async def test_put_requires_a_current_if_match(
    auth_http: httpx.AsyncClient, user: RegisteredUser, profile: dict[str, Any]
) -> None:
    record = await create_record(auth_http, user, profile["id"])
    url = f"{RECORDS}/{record['id']}"
    update = {
        "kind": "note",
        "key_epoch": 1,
        "payload": envelope(),
        "occurred_at": "2026-03-01T00:00:00Z",
        "tags": ["a"],
    }
    missing = await auth_http.put(url, json=update, headers=user.headers)
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"

    for stale in ('"2"', 'W/"1"', '"abc"', "1"):
        headers = {**user.headers, "If-Match": stale}
        response = await auth_http.put(url, json=update, headers=headers)
        assert response.status_code == 412, stale
        assert response.json()["error"]["code"] == "precondition_failed"

    ok = await auth_http.put(url, json=update, headers={**user.headers, "If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    updated = ok.json()
    assert ok.headers["etag"] == '"2"'
    assert updated["revision"] == 2
    assert updated["kind"] == "note"
    assert updated["payload"] == update["payload"]
    assert updated["tags"] == ["a"]
    assert updated["source"] is None
    assert updated["created_at"] == record["created_at"]

    # The payload's AAD binds the revision a write produces, so the writer must know it:
    # a list of ETags or `*` is refused (docs/crypto.md, records), one ETag works.
    for loose in ('"7", "2"', "*"):
        refused = await auth_http.put(url, json=update, headers={**user.headers, "If-Match": loose})
        assert refused.status_code == 428, loose
        assert "exactly one revision" in refused.json()["error"]["message"]
    listed = await auth_http.put(
        url, json={**update, "tags": []}, headers={**user.headers, "If-Match": '"2"'}
    )
    assert listed.status_code == 200
    assert listed.json()["revision"] == 3
    again = await auth_http.put(url, json=update, headers={**user.headers, "If-Match": '"3"'})
    assert again.status_code == 200
    assert again.json()["revision"] == 4

    moved = await auth_http.put(
        url,
        json={**update, "profile_id": str(uuid.uuid4())},
        headers={**user.headers, "If-Match": '"4"'},
    )
    assert moved.status_code == 422  # a record cannot move to another profile


async def test_delete_leaves_a_tombstone_with_an_expiry(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    profile: dict[str, Any],
    mongo: AsyncMongoClient[dict[str, object]],
) -> None:
    record = await create_record(auth_http, user, profile["id"], tags=["secret-tag"])
    url = f"{RECORDS}/{record['id']}"
    stale = await auth_http.delete(url, headers={**user.headers, "If-Match": '"5"'})
    assert stale.status_code == 412
    deleted = await auth_http.delete(url, headers={**user.headers, "If-Match": '"1"'})
    assert deleted.status_code == 204
    assert (await auth_http.get(url, headers=user.headers)).status_code == 404
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 404
    put = await auth_http.put(url, json=record_body(profile["id"]), headers=user.headers)
    assert put.status_code in (404, 422)

    db = mongo[auth_server.settings.MONGODB_DATABASE]
    stored = await db["records"].find_one({"_id": record["id"]})
    assert stored is not None
    assert stored["deleted"] is True
    for field in ("payload", "tags", "occurred_at", "kind", "source"):
        assert field not in stored
    assert stored["revision"] == 2
    expires_at, deleted_at = stored["expires_at"], stored["deleted_at"]
    assert isinstance(expires_at, datetime)
    assert isinstance(deleted_at, datetime)
    assert expires_at - deleted_at == timedelta(days=90)


async def test_payload_bound_is_413(mongodb_uri: str) -> None:
    with running_server(auth_settings(mongodb_uri, MAX_RECORD_BYTES=4096)) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            user = await register_user(http)
            profile = await create_profile(http, user)
            fits = record_body(profile["id"], payload=envelope(size=4096))
            assert (await http.post(RECORDS, json=fits, headers=user.headers)).status_code == 201
            big = record_body(profile["id"], payload=envelope(size=4097))
            response = await http.post(RECORDS, json=big, headers=user.headers)
            assert response.status_code == 413
            assert response.json()["error"]["code"] == "record_too_large"
            record = (await list_records(http, user, profile["id"]))[0]
            put = await http.put(
                f"{RECORDS}/{record['id']}",
                json={k: v for k, v in big.items() if k not in ("profile_id", "id")},
                headers={**user.headers, "If-Match": '"1"'},
            )
            assert put.status_code == 413


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "diary"),
        ("occurred_at", "2026-01-01T00:00:00"),  # no offset
        ("occurred_at", 1767225600),  # a number, not a date-time string
        ("tags", [f"t{i}" for i in range(33)]),
        ("tags", ["has space"]),
        ("tags", ["x" * 65]),
        ("key_epoch", 0),
        ("key_epoch", "1"),
        ("id", "not-a-uuid"),
        ("profile_id", "not-a-uuid"),
        ("payload", {"v": 2, "alg": "aes-256-gcm", "iv": "short", "data": "", "authTag": "x"}),
        ("revision", 5),  # server field
    ],
)
async def test_bad_input_is_422_naming_the_field(
    auth_http: httpx.AsyncClient,
    user: RegisteredUser,
    profile: dict[str, Any],
    field: str,
    value: object,
) -> None:
    body = {**record_body(profile["id"]), field: value}
    response = await auth_http.post(RECORDS, json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]


async def test_malformed_ids_in_paths_are_4xx(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    response = await auth_http.get(f"{RECORDS}/nope", headers=user.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
