"""Members: roles decide reads and writes of family profiles; removal ends access at once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.accounts import RegisteredUser, register_user
from tests.families_support import (
    FAMILIES,
    create_family,
    create_family_profile,
    join,
    rotate,
    sealed_key,
)
from tests.records_support import (
    PROFILES,
    RECORDS,
    create_record,
    envelope,
    profile_body,
    record_body,
    sync_all,
)

UPDATE = {
    "kind": "note",
    "key_epoch": 1,
    "payload": envelope(),
    "occurred_at": "2026-02-01T00:00:00Z",
}


async def _request(
    http: httpx.AsyncClient,
    who: RegisteredUser,
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    headers = {**who.headers, "If-Match": '"1"'}
    return await http.request(method, url, json=body, headers=headers)


async def test_a_viewer_reads_but_cannot_write(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    profile = await create_family_profile(auth_http, user, family["id"])
    record = await create_record(auth_http, user, profile["id"])
    viewer = other_user

    listed = (await auth_http.get(PROFILES, headers=viewer.headers)).json()["profiles"]
    assert [(p["id"], p["role"], p["family_id"]) for p in listed] == [
        (profile["id"], "viewer", family["id"])
    ]
    read = await auth_http.get(f"{RECORDS}/{record['id']}", headers=viewer.headers)
    assert read.json() == record
    page = await auth_http.get(
        RECORDS, params={"profile_id": profile["id"]}, headers=viewer.headers
    )
    assert [r["id"] for r in page.json()["records"]] == [record["id"]]
    changes, _ = await sync_all(auth_http, viewer, profile["id"])
    assert [c["id"] for c in changes] == [record["id"]]

    for method, url, body in [
        ("POST", RECORDS, record_body(profile["id"])),
        ("PUT", f"{RECORDS}/{record['id']}", UPDATE),
        ("DELETE", f"{RECORDS}/{record['id']}", None),
        ("PATCH", f"{PROFILES}/{profile['id']}", {"encrypted": envelope()}),
        ("DELETE", f"{PROFILES}/{profile['id']}", None),
        ("POST", PROFILES, {**profile_body(), "family_id": family["id"], "family_epoch": 1}),
    ]:
        response = await _request(auth_http, viewer, method, url, body)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["error"]["code"] == "forbidden"
    after = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    assert after.json() == record


async def test_a_caregiver_reads_and_writes_but_cannot_delete_the_profile(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    caregiver = other_user
    profile = await create_family_profile(auth_http, caregiver, family["id"])
    assert profile["role"] == "caregiver"
    assert profile["family_id"] == family["id"]
    record = await create_record(auth_http, caregiver, profile["id"])
    assert record["created_by"] == caregiver.user_id
    replaced = await _request(auth_http, caregiver, "PUT", f"{RECORDS}/{record['id']}", UPDATE)
    assert replaced.status_code == 200
    patched = await _request(
        auth_http, caregiver, "PATCH", f"{PROFILES}/{profile['id']}", {"encrypted": envelope()}
    )
    assert patched.status_code == 200
    denied = await _request(auth_http, caregiver, "DELETE", f"{PROFILES}/{profile['id']}")
    assert denied.status_code == 403
    # The owner sees it all as owner, and may delete it.
    mine = (await auth_http.get(f"{PROFILES}/{profile['id']}", headers=user.headers)).json()
    assert mine["role"] == "owner"
    owner_read = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    assert owner_read.json()["updated_by"] == caregiver.user_id
    deleted = await auth_http.delete(f"{PROFILES}/{profile['id']}", headers=user.headers)
    assert deleted.status_code == 204


async def test_a_viewer_or_stranger_cannot_create_a_family_profile(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    stranger = await register_user(auth_http)
    for family_id in (family["id"], str(uuid.uuid4())):
        body = {**profile_body(), "family_id": family_id, "family_epoch": 1}
        response = await auth_http.post(PROFILES, json=body, headers=stranger.headers)
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Family not found"
    bad = await auth_http.post(
        PROFILES,
        json={**profile_body(), "family_id": "nope", "family_epoch": 1},
        headers=user.headers,
    )
    assert bad.status_code == 422
    assert (await auth_http.get(PROFILES, headers=stranger.headers)).json() == {"profiles": []}


async def test_removal_ends_access_on_the_next_request(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    profile = await create_family_profile(auth_http, user, family["id"])
    record = await create_record(auth_http, user, profile["id"])
    _, token = await sync_all(auth_http, other_user, profile["id"])
    record_url = f"{RECORDS}/{record['id']}"
    assert (await auth_http.get(record_url, headers=other_user.headers)).status_code == 200

    member_url = f"{FAMILIES}/{family['id']}/members/{other_user.user_id}"
    # A confirmed member holds the family key: removing them is a key rotation.
    plain = await auth_http.delete(member_url, headers=user.headers)
    assert plain.status_code == 409
    assert plain.json()["error"]["code"] == "rotation_required"
    removed = await rotate(auth_http, user, family["id"], [other_user.user_id])
    assert removed.status_code == 200, removed.text
    assert removed.json()["key_epoch"] == 2
    # No waiting: memberships are read on every request (the session cache does not apply).
    assert (await auth_http.get(record_url, headers=other_user.headers)).status_code == 404
    write = await _request(auth_http, other_user, "PUT", record_url, UPDATE)
    assert write.status_code == 404
    profile_url = f"{PROFILES}/{profile['id']}"
    assert (await auth_http.get(profile_url, headers=other_user.headers)).status_code == 404
    assert (await auth_http.get(PROFILES, headers=other_user.headers)).json() == {"profiles": []}
    family_url = f"{FAMILIES}/{family['id']}"
    assert (await auth_http.get(family_url, headers=other_user.headers)).status_code == 404
    # Their sync is told that access ended, not handed an empty success.
    for params in ({}, {"since": token}):
        feed = await auth_http.get(
            f"{profile_url}/changes", params=params, headers=other_user.headers
        )
        assert feed.status_code == 403, feed.text
        assert feed.json()["error"]["code"] == "access_revoked"
    # A stranger still gets the uniform 404.
    stranger = await register_user(auth_http)
    feed = await auth_http.get(f"{profile_url}/changes", headers=stranger.headers)
    assert feed.status_code == 404
    # Removing again: no such member.
    again = await auth_http.delete(
        f"{family_url}/members/{other_user.user_id}", headers=user.headers
    )
    assert again.status_code == 404
    members = (await auth_http.get(family_url, headers=user.headers)).json()["members"]
    assert [m["user_id"] for m in members] == [user.user_id]


async def test_a_member_can_leave_and_the_owner_cannot(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    url = f"{FAMILIES}/{family['id']}/members"
    owner_leaves = await auth_http.delete(f"{url}/{user.user_id}", headers=user.headers)
    assert owner_leaves.status_code == 409
    assert owner_leaves.json()["error"]["code"] == "owner_cannot_leave"
    left = await auth_http.delete(f"{url}/{other_user.user_id}", headers=other_user.headers)
    assert left.status_code == 204
    assert (await auth_http.get(FAMILIES, headers=other_user.headers)).json() == {"families": []}
    events = await auth_http.get("/api/v1/users/me/events", headers=user.headers)
    left_event = events.json()["events"][0]
    assert left_event["type"] == "family_left"
    assert left_event["ip"] is None  # another user's address is never shown


async def test_the_owner_changes_roles_and_rewraps_keys(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    profile = await create_family_profile(auth_http, user, family["id"])
    url = f"{FAMILIES}/{family['id']}/members/{other_user.user_id}"
    promoted = await auth_http.put(url, json={"role": "caregiver"}, headers=user.headers)
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "caregiver"
    record = await create_record(auth_http, other_user, profile["id"])  # writes at once
    demoted = await auth_http.put(url, json={"role": "viewer"}, headers=user.headers)
    assert demoted.json()["role"] == "viewer"
    write = await _request(auth_http, other_user, "DELETE", f"{RECORDS}/{record['id']}")
    assert write.status_code == 403
    key = sealed_key(user.user_id)
    rewrapped = await auth_http.put(url, json={"wrapped_key": key}, headers=user.headers)
    assert rewrapped.status_code == 200
    mine = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=other_user.headers)).json()
    assert mine["wrapped_key"] == key
    own = f"{FAMILIES}/{family['id']}/members/{user.user_id}"
    fixed = await auth_http.put(own, json={"role": "viewer"}, headers=user.headers)
    assert fixed.status_code == 409
    assert fixed.json()["error"]["code"] == "owner_role_fixed"
    for body in ({}, {"role": "owner"}, {"wrapped_key": envelope()}):
        response = await auth_http.put(url, json=body, headers=user.headers)
        assert response.status_code == 422, body
    unknown = await auth_http.put(
        f"{FAMILIES}/{family['id']}/members/{uuid.uuid4().hex}",
        json={"role": "viewer"},
        headers=user.headers,
    )
    assert unknown.status_code == 404
