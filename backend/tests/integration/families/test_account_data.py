"""Export and account deletion cover families: an owner takes their families with them."""

from __future__ import annotations

import json
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser, register_user
from tests.families_support import FAMILIES, create_family, create_family_profile, invite, join
from tests.records_support import PROFILES, RECORDS, create_profile, create_record
from tests.support import ThreadedServer

ME = "/api/v1/users/me"


async def _export(http: httpx.AsyncClient, user: RegisteredUser) -> dict[str, Any]:
    response = await http.get(f"{ME}/export", headers=user.headers)
    assert response.status_code == 200
    document: dict[str, Any] = json.loads(response.content)
    return document


async def _delete_account(http: httpx.AsyncClient, user: RegisteredUser) -> None:
    response = await http.request(
        "DELETE", ME, json={"auth_key": user.auth_key}, headers=user.headers
    )
    assert response.status_code == 204, response.text


async def test_export_holds_owned_families_and_memberships(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    profile = await create_family_profile(auth_http, user, family["id"])
    owner = (await _export(auth_http, user))["sections"]
    assert [f["id"] for f in owner["families"]] == [family["id"]]
    assert owner["families"][0]["encrypted"] == family["encrypted"]
    assert [(m["family_id"], m["role"]) for m in owner["family_memberships"]] == [
        (family["id"], "owner")
    ]
    assert owner["family_memberships"][0]["wrapped_key"] == family["wrapped_key"]
    assert [p["id"] for p in owner["profiles"]] == [profile["id"]]
    assert owner["profiles"][0]["family_id"] == family["id"]
    member = (await _export(auth_http, other_user))["sections"]
    assert member["families"] == []
    assert [(m["family_id"], m["role"], m["status"]) for m in member["family_memberships"]] == [
        (family["id"], "viewer", "confirmed")
    ]
    assert member["profiles"] == []  # the family's profiles belong to its owner


async def test_deleting_the_owner_deletes_their_families_entirely(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    await invite(auth_http, user, family["id"], "pending@example.org", "viewer")
    profile = await create_family_profile(auth_http, user, family["id"])
    record = await create_record(auth_http, other_user, profile["id"])
    theirs = await create_profile(auth_http, other_user)
    their_family = await create_family(auth_http, other_user)
    await join(auth_http, other_user, user, their_family["id"], "viewer")

    await _delete_account(auth_http, user)
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    assert await db["families"].count_documents({"owner_id": user.user_id}) == 0
    assert await db["family_members"].count_documents({"family_id": family["id"]}) == 0
    assert await db["family_members"].count_documents({"user_id": user.user_id}) == 0
    assert await db["family_invitations"].count_documents({}) == 0
    assert await db["profiles"].count_documents({"_id": profile["id"]}) == 0
    assert await db["records"].count_documents({"_id": record["id"]}) == 0
    # The caregiver lost access at once, and keeps their own data and family.
    for url in (f"{FAMILIES}/{family['id']}", f"{RECORDS}/{record['id']}"):
        assert (await auth_http.get(url, headers=other_user.headers)).status_code == 404
    mine = (await auth_http.get(PROFILES, headers=other_user.headers)).json()["profiles"]
    assert [p["id"] for p in mine] == [theirs["id"]]
    kept = await auth_http.get(f"{FAMILIES}/{their_family['id']}", headers=other_user.headers)
    assert [m["user_id"] for m in kept.json()["members"]] == [other_user.user_id]


async def test_deleting_a_member_ends_only_their_membership(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    profile = await create_family_profile(auth_http, other_user, family["id"])
    record = await create_record(auth_http, other_user, profile["id"])
    await _delete_account(auth_http, other_user)
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert [m["user_id"] for m in read["members"]] == [user.user_id]
    # What the caregiver wrote for the family stays with the family.
    kept = await auth_http.get(f"{RECORDS}/{record['id']}", headers=user.headers)
    assert kept.status_code == 200
    assert kept.json()["created_by"] == other_user.user_id
    stranger = await register_user(auth_http, email=other_user.email)  # same email, new person
    assert (await auth_http.get(FAMILIES, headers=stranger.headers)).json() == {"families": []}
