"""Profiles over HTTP: create, list, read, update (If-Match), delete, and shape validation."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser
from tests.records_support import (
    PROFILES,
    create_profile,
    create_record,
    envelope,
    profile_body,
)
from tests.support import ThreadedServer


async def test_create_read_list(auth_http: httpx.AsyncClient, user: RegisteredUser) -> None:
    body = profile_body("child")
    created = await auth_http.post(PROFILES, json=body, headers=user.headers)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert profile["id"] == body["id"]  # chosen by the client: every AAD binds it
    assert "profile_type" not in profile  # inside the encrypted metadata now
    assert profile["key_epoch"] == 1
    assert profile["key_history"] is None
    assert profile["encrypted"] == body["encrypted"]
    assert profile["wrapped_key"] == body["wrapped_key"]
    assert profile["role"] == "owner"
    assert profile["revision"] == 1
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{PROFILES}/{profile['id']}"

    read = await auth_http.get(f"{PROFILES}/{profile['id']}", headers=user.headers)
    assert read.status_code == 200
    assert read.json() == profile
    assert read.headers["etag"] == '"1"'

    second = await create_profile(auth_http, user, "elder")
    listed = await auth_http.get(PROFILES, headers=user.headers)
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["profiles"]] == [profile["id"], second["id"]]


async def test_profiles_need_authentication(auth_http: httpx.AsyncClient) -> None:
    response = await auth_http.get(PROFILES)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("encrypted", {"v": 2, "alg": "aes-128-cbc", "iv": "AAAA", "data": "", "authTag": "AAAA"}),
        ("key_epoch", 0),
        ("id", "not-a-uuid"),
        ("encrypted", "plaintext name"),
        ("wrapped_key", {**envelope(), "data": "bm90IGEga2V5"}),  # too short to be a key
        ("name", "Alice"),  # plaintext names are refused (unknown field)
    ],
)
async def test_bad_shapes_are_422_naming_the_field(
    auth_http: httpx.AsyncClient, user: RegisteredUser, field: str, value: object
) -> None:
    body = {**profile_body(), field: value}
    response = await auth_http.post(PROFILES, json=body, headers=user.headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]


async def test_patch_with_and_without_if_match(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    url = f"{PROFILES}/{profile['id']}"
    new_name = envelope()
    patched = await auth_http.patch(url, json={"encrypted": new_name}, headers=user.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["encrypted"] == new_name
    assert patched.headers["etag"] == '"2"'

    newer = envelope()
    stale = await auth_http.patch(
        url, json={"encrypted": newer}, headers={**user.headers, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["error"]["code"] == "precondition_failed"
    fresh = await auth_http.patch(
        url, json={"encrypted": newer}, headers={**user.headers, "If-Match": '"2"'}
    )
    assert fresh.status_code == 200
    assert fresh.json()["encrypted"] == newer
    assert fresh.json()["revision"] == 3

    empty = await auth_http.patch(url, json={}, headers=user.headers)
    assert empty.status_code == 422


async def test_delete_tombstones_profile_and_records(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, object]],
) -> None:
    profile = await create_profile(auth_http, user)
    records = [await create_record(auth_http, user, profile["id"]) for _ in range(3)]
    url = f"{PROFILES}/{profile['id']}"
    deleted = await auth_http.delete(url, headers=user.headers)
    assert deleted.status_code == 204

    assert (await auth_http.get(url, headers=user.headers)).status_code == 404
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 404
    listed = await auth_http.get(PROFILES, headers=user.headers)
    assert listed.json()["profiles"] == []
    for record in records:
        gone = await auth_http.get(f"/api/v1/records/{record['id']}", headers=user.headers)
        assert gone.status_code == 404
    # A record cannot be added to a deleted profile.
    late = await auth_http.post(
        "/api/v1/records",
        json={
            "id": str(uuid.uuid4()),
            "profile_id": profile["id"],
            "kind": "note",
            "key_epoch": 1,
            "payload": envelope(),
            "occurred_at": "2026-01-01T00:00:00Z",
        },
        headers=user.headers,
    )
    assert late.status_code == 404

    # What is stored: ciphertext gone, tombstones with an expiry for the TTL index.
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    stored = await db["profiles"].find_one({"_id": profile["id"]})
    assert stored is not None
    assert stored["deleted"] is True
    assert "encrypted" not in stored
    assert "wrapped_key" not in stored
    async for doc in db["records"].find({"profile_id": profile["id"]}):
        assert doc["deleted"] is True
        assert "payload" not in doc
        expires_at, deleted_at = doc["expires_at"], doc["deleted_at"]
        assert isinstance(expires_at, datetime)
        assert isinstance(deleted_at, datetime)
        assert expires_at - deleted_at == timedelta(days=90)
