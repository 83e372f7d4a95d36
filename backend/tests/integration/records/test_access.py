"""Access: another user gets the same 404 as for a missing id on every id-addressed route."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.accounts import RegisteredUser
from tests.records_support import (
    PROFILES,
    RECORDS,
    create_profile,
    create_record,
    envelope,
    record_body,
)

UPDATE = {
    "kind": "note",
    "key_epoch": 1,
    "payload": envelope(),
    "occurred_at": "2026-01-01T00:00:00Z",
}


def routes(profile_id: str, record_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every route that names a profile or record id: (method, url, json body)."""
    profile = f"{PROFILES}/{profile_id}"
    record = f"{RECORDS}/{record_id}"
    return [
        ("GET", profile, None),
        ("PATCH", profile, {"encrypted": envelope()}),
        ("DELETE", profile, None),
        ("GET", f"{profile}/changes", None),
        ("GET", f"{RECORDS}?profile_id={profile_id}", None),
        ("POST", RECORDS, record_body(profile_id)),
        ("GET", record, None),
        ("PUT", record, UPDATE),
        ("DELETE", record, None),
    ]


async def call(
    http: httpx.AsyncClient,
    user: RegisteredUser,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    if_match: str = '"1"',
) -> httpx.Response:
    headers = {**user.headers, "If-Match": if_match}
    return await http.request(method, url, json=body, headers=headers)


async def test_other_user_gets_404_on_every_route_and_changes_nothing(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])
    before, _ = await sync_changes(auth_http, user, profile["id"])

    missing = routes(str(uuid.uuid4()), str(uuid.uuid4()))
    theirs = routes(profile["id"], record["id"])
    for (method, url, body), (_, missing_url, missing_body) in zip(theirs, missing, strict=True):
        response = await call(auth_http, other_user, method, url, body)
        assert response.status_code == 404, (method, url, response.text)
        absent = await call(auth_http, other_user, method, missing_url, missing_body)
        assert absent.status_code == 404, (method, missing_url)
        # Indistinguishable from a missing id: same code and message.
        assert response.json()["error"]["code"] == absent.json()["error"]["code"]
        assert response.json()["error"]["message"] == absent.json()["error"]["message"]

    # Nothing changed for the owner.
    read = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    assert read.json() == record
    after, _ = await sync_changes(auth_http, user, profile["id"])
    assert after == before
    listed = await auth_http.get(PROFILES, headers=other_user.headers)
    assert listed.json()["profiles"] == []


async def test_owner_reaches_every_route(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    """The positive twin of the test above: the same calls work for the owner."""
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])
    expected = {"GET": 200, "PATCH": 200, "PUT": 200, "POST": 201, "DELETE": 204}
    # Records first, then the profile's own deletion last.
    ordered = sorted(
        routes(profile["id"], record["id"]),
        key=lambda route: route[1].startswith(PROFILES) and route[0] == "DELETE",
    )
    for method, url, body in ordered:
        # A record replacement names the one revision it replaces (its AAD binds the next).
        condition = '"1"' if (method, url) == ("PUT", f"{RECORDS}/{record['id']}") else "*"
        response = await call(auth_http, user, method, url, body, if_match=condition)
        assert response.status_code == expected[method], (method, url, response.text)


async def sync_changes(
    http: httpx.AsyncClient, user: RegisteredUser, profile_id: str
) -> tuple[list[dict[str, Any]], str]:
    response = await http.get(f"{PROFILES}/{profile_id}/changes", headers=user.headers)
    assert response.status_code == 200
    return response.json()["changes"], response.json()["next"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_tokenless_calls_are_401(
    auth_http: httpx.AsyncClient, user: RegisteredUser, method: str
) -> None:
    profile = await create_profile(auth_http, user)
    record = await create_record(auth_http, user, profile["id"])
    response = await auth_http.request(method, f"{RECORDS}/{record['id']}", json=UPDATE)
    assert response.status_code == 401
