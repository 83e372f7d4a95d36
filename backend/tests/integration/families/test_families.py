"""Families: create, list, read and delete; only members see a family, only its owner runs it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from normogen.families.service import MAX_FAMILIES_PER_OWNER
from normogen_client.crypto import b64e
from tests.accounts import RegisteredUser, register_user
from tests.families_support import (
    FAMILIES,
    create_family,
    create_family_profile,
    family_body,
    join,
    sealed_key,
)
from tests.records_support import PROFILES, RECORDS, create_record, envelope, profile_body
from tests.support import ThreadedServer


async def test_create_list_and_read_a_family(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    body = family_body(user.user_id)
    response = await auth_http.post(FAMILIES, json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    family = response.json()
    assert response.headers["location"] == f"{FAMILIES}/{family['id']}"
    assert family["owner_id"] == user.user_id
    assert family["role"] == "owner"
    assert family["status"] == "confirmed"
    assert family["encrypted"] == body["encrypted"]
    assert family["wrapped_key"] == body["wrapped_key"]
    assert family["id"] == body["id"]  # chosen by the client: the AADs bind it
    assert family["key_epoch"] == 1
    assert family["rotation_needed"] is False
    # Members and invitees verify grants against these (pinned on their devices).
    assert family["owner_identity_key"] == b64e(user.secrets.identity_key)
    assert family["owner_public_key"] == b64e(user.secrets.public_key)

    listed = await auth_http.get(FAMILIES, headers=user.headers)
    assert listed.json() == {"families": [family]}
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert {k: read[k] for k in family} == family
    assert read["invitations"] == []
    [owner] = read["members"]
    assert owner["user_id"] == user.user_id
    assert owner["role"] == "owner"
    assert owner["email"] == user.email
    assert owner["public_key"] == b64e(user.secrets.public_key)
    assert owner["identity_key"] == b64e(user.secrets.identity_key)


async def test_bad_bodies_are_422_and_store_nothing(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    bad: list[dict[str, Any]] = [
        {},
        {"encrypted": envelope()},
        {"encrypted": envelope(), "wrapped_key": envelope()},  # not a sealed box
        {"encrypted": envelope(), "wrapped_key": {**sealed_key(user.user_id), "epk": "AAAA"}},
        {**family_body(user.user_id), "owner_id": "someone-else"},
        {**family_body(user.user_id), "id": "not-a-uuid"},
        {
            **family_body(user.user_id),
            "wrapped_key": {**sealed_key(user.user_id), "signature": "AAAA"},
        },
    ]
    for body in bad:
        response = await auth_http.post(FAMILIES, json=body, headers=user.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "validation_error"
    assert (await auth_http.get(FAMILIES, headers=user.headers)).json() == {"families": []}


async def test_members_see_the_family_but_only_the_owner_sees_emails_and_invitations(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    seen = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=other_user.headers)).json()
    assert seen["role"] == "viewer"
    assert "invitations" not in seen or seen["invitations"] is None
    assert all(member.get("email") is None for member in seen["members"])
    assert {m["user_id"] for m in seen["members"]} == {user.user_id, other_user.user_id}
    listed = (await auth_http.get(FAMILIES, headers=other_user.headers)).json()["families"]
    assert [f["id"] for f in listed] == [family["id"]]


async def test_only_the_owner_deletes_invites_or_confirms(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    url = f"{FAMILIES}/{family['id']}"
    for method, path, body in [
        ("DELETE", url, None),
        ("POST", f"{url}/invitations", {"email": "x@example.org", "role": "viewer"}),
        ("PUT", f"{url}/members/{user.user_id}", {"wrapped_key": sealed_key(user.user_id)}),
        ("PUT", f"{url}/members/{other_user.user_id}", {"role": "viewer"}),
        ("DELETE", f"{url}/members/{user.user_id}", None),
    ]:
        response = await auth_http.request(method, path, json=body, headers=other_user.headers)
        assert response.status_code in (403, 409), (method, path, response.text)
    still = (await auth_http.get(url, headers=user.headers)).json()
    assert {m["user_id"]: m["role"] for m in still["members"]} == {
        user.user_id: "owner",
        other_user.user_id: "caregiver",
    }


async def test_deleting_a_family_ends_memberships_and_deletes_its_profiles(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    profile = await create_family_profile(auth_http, other_user, family["id"])
    record = await create_record(auth_http, other_user, profile["id"])
    own = (await auth_http.post(PROFILES, json=profile_body("self"), headers=user.headers)).json()

    response = await auth_http.delete(f"{FAMILIES}/{family['id']}", headers=user.headers)
    assert response.status_code == 204
    for who in (user, other_user):
        gone = await auth_http.get(f"{FAMILIES}/{family['id']}", headers=who.headers)
        assert gone.status_code == 404
        assert (await auth_http.get(FAMILIES, headers=who.headers)).json() == {"families": []}
        missing = await auth_http.get(f"{RECORDS}/{record['id']}", headers=who.headers)
        assert missing.status_code == 404
    # The former member's device learns that access ended; the owner's sees the deletion.
    revoked = await auth_http.get(f"{PROFILES}/{profile['id']}/changes", headers=other_user.headers)
    assert revoked.status_code == 403
    assert revoked.json()["error"]["code"] == "access_revoked"
    feed = await auth_http.get(f"{PROFILES}/{profile['id']}/changes", headers=user.headers)
    assert feed.status_code == 200
    assert feed.json()["profile_deleted"] is True
    assert [c["deleted"] for c in feed.json()["changes"]] == [True]
    # The owner's own profile is untouched; nothing of the family is left but tombstones.
    mine = (await auth_http.get(PROFILES, headers=user.headers)).json()["profiles"]
    assert [p["id"] for p in mine] == [own["id"]]
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    assert await db["families"].count_documents({}) == 0
    assert await db["family_invitations"].count_documents({}) == 0
    members = await db["family_members"].find({}).to_list()
    assert [(m["user_id"], m["status"]) for m in members] == [(other_user.user_id, "removed")]
    assert "wrapped_key" not in members[0]
    # Deleting again: it no longer exists.
    again = await auth_http.delete(f"{FAMILIES}/{family['id']}", headers=user.headers)
    assert again.status_code == 404


async def test_a_family_can_be_created_up_to_the_limit(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    for _ in range(MAX_FAMILIES_PER_OWNER):
        await create_family(auth_http, user)
    body = family_body(user.user_id)
    response = await auth_http.post(FAMILIES, json=body, headers=user.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "family_limit"
    listed = (await auth_http.get(FAMILIES, headers=user.headers)).json()["families"]
    assert len(listed) == MAX_FAMILIES_PER_OWNER


async def test_unknown_family_ids(auth_http: httpx.AsyncClient, user: RegisteredUser) -> None:
    missing = await auth_http.get(f"{FAMILIES}/{uuid.uuid4()}", headers=user.headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    malformed = await auth_http.get(f"{FAMILIES}/not-a-uuid", headers=user.headers)
    assert malformed.status_code == 422
    anonymous = await auth_http.get(FAMILIES)
    assert anonymous.status_code == 401


async def test_a_third_user_sees_nothing(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    stranger = await register_user(auth_http)
    await create_family(auth_http, user)
    assert (await auth_http.get(FAMILIES, headers=stranger.headers)).json() == {"families": []}
