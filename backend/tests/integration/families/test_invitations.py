"""Invitations: by email, identical for known and unknown emails; accept, decline, expiry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from tests.accounts import RegisteredUser, new_email, register_user
from tests.families_support import (
    FAMILIES,
    INVITATIONS,
    create_family,
    create_family_profile,
    invitation_for,
    invite,
    join,
    sealed_key,
)
from tests.records_support import PROFILES
from tests.support import ThreadedServer

VOLATILE = {"id", "email", "created_at", "expires_at"}


async def _events(http: httpx.AsyncClient, user: RegisteredUser) -> list[str]:
    response = await http.get("/api/v1/users/me/events", headers=user.headers)
    return [event["type"] for event in response.json()["events"]]


async def test_inviting_an_unknown_email_looks_exactly_like_inviting_a_known_one(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    family = await create_family(auth_http, user)
    known = await invite(auth_http, user, family["id"], other_user.email, "viewer")
    unknown = await invite(auth_http, user, family["id"], new_email(), "viewer")
    assert known.status_code == unknown.status_code == 201
    assert set(known.headers) == set(unknown.headers)
    a, b = known.json(), unknown.json()
    assert a.keys() == b.keys()
    assert {k: v for k, v in a.items() if k not in VOLATILE} == {
        k: v for k, v in b.items() if k not in VOLATILE
    }
    # Stored alike, and listed alike to the owner.
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    stored = await db["family_invitations"].find({}).to_list()
    assert len(stored) == 2
    assert stored[0].keys() == stored[1].keys()
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert sorted(i["id"] for i in read["invitations"]) == sorted([a["id"], b["id"]])
    assert [m["user_id"] for m in read["members"]] == [user.user_id]  # not before accepting
    assert await _events(auth_http, user) == ["family_invitation_sent"] * 2 + [
        "family_created",
        "registered",
    ]


async def test_accept_shows_the_public_key_then_confirmation_grants_access(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    profile = await create_family_profile(auth_http, user, family["id"])
    assert (await invite(auth_http, user, family["id"], other_user.email, "viewer")).is_success
    invitation = await invitation_for(auth_http, other_user, family["id"])
    assert invitation["role"] == "viewer"
    assert invitation["inviter_email"] == user.email
    url = f"{FAMILIES}/{family['id']}"
    assert (await auth_http.get(url, headers=other_user.headers)).status_code == 404

    accepted = await auth_http.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=other_user.headers
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["wrapped_key"] is None
    assert (await auth_http.get(INVITATIONS, headers=other_user.headers)).json() == {
        "invitations": []
    }
    members = (await auth_http.get(url, headers=user.headers)).json()["members"]
    joined = next(m for m in members if m["user_id"] == other_user.user_id)
    assert joined["status"] == "accepted"
    assert joined["public_key"]
    assert joined["email"] == other_user.email
    # Accepted is not yet a member: no family profile is reachable.
    profile_url = f"{PROFILES}/{profile['id']}"
    assert (await auth_http.get(profile_url, headers=other_user.headers)).status_code == 404
    # Confirming needs the sealed key.
    no_key = await auth_http.put(
        f"{url}/members/{other_user.user_id}", json={"role": "viewer"}, headers=user.headers
    )
    assert no_key.status_code == 409
    assert no_key.json()["error"]["code"] == "wrapped_key_required"
    await join_confirm(auth_http, user, other_user, family["id"])
    read = await auth_http.get(profile_url, headers=other_user.headers)
    assert read.status_code == 200
    assert read.json()["role"] == "viewer"
    assert "family_invitation_accepted" in await _events(auth_http, user)
    assert "family_member_confirmed" in await _events(auth_http, other_user)


async def join_confirm(
    http: httpx.AsyncClient, owner: RegisteredUser, member: RegisteredUser, family_id: str
) -> None:
    key = sealed_key(owner.user_id)
    response = await http.put(
        f"{FAMILIES}/{family_id}/members/{member.user_id}",
        json={"wrapped_key": key},
        headers=owner.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "confirmed"
    mine = (await http.get(f"{FAMILIES}/{family_id}", headers=member.headers)).json()
    assert mine["wrapped_key"] == key
    assert mine["status"] == "confirmed"


async def test_decline_removes_the_invitation(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await invite(auth_http, user, family["id"], other_user.email, "caregiver")
    invitation = await invitation_for(auth_http, other_user, family["id"])
    url = f"{INVITATIONS}/{invitation['id']}"
    declined = await auth_http.post(f"{url}/decline", headers=other_user.headers)
    assert declined.status_code == 204
    for action in ("accept", "decline"):
        again = await auth_http.post(f"{url}/{action}", headers=other_user.headers)
        assert again.status_code == 404
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert read["invitations"] == []
    assert [m["user_id"] for m in read["members"]] == [user.user_id]
    assert "family_invitation_declined" in await _events(auth_http, user)


async def test_only_the_addressee_can_answer(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await invite(auth_http, user, family["id"], other_user.email, "viewer")
    invitation = await invitation_for(auth_http, other_user, family["id"])
    stranger = await register_user(auth_http)
    for who in (stranger, user):
        assert (await auth_http.get(INVITATIONS, headers=who.headers)).json() == {"invitations": []}
        for action in ("accept", "decline"):
            url = f"{INVITATIONS}/{invitation['id']}/{action}"
            response = await auth_http.post(url, headers=who.headers)
            assert response.status_code == 404
            missing = await auth_http.post(
                f"{INVITATIONS}/{uuid.uuid4()}/{action}", headers=who.headers
            )
            assert response.json()["error"]["message"] == missing.json()["error"]["message"]
    assert (await invitation_for(auth_http, other_user, family["id"]))["id"] == invitation["id"]


async def test_an_email_that_registers_later_can_claim_its_invitation(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    email = new_email()
    await invite(auth_http, user, family["id"], email.upper(), "caregiver")
    newcomer = await register_user(auth_http, email=email)
    invitation = await invitation_for(auth_http, newcomer, family["id"])
    assert invitation["role"] == "caregiver"
    accepted = await auth_http.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=newcomer.headers
    )
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "caregiver"


async def test_inviting_again_renews_the_one_invitation(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    first = (await invite(auth_http, user, family["id"], other_user.email, "viewer")).json()
    second = (await invite(auth_http, user, family["id"], other_user.email, "caregiver")).json()
    assert second["id"] == first["id"]
    assert second["role"] == "caregiver"
    invitation = await invitation_for(auth_http, other_user, family["id"])
    assert invitation["role"] == "caregiver"


async def test_expired_invitations_are_gone(
    auth_http: httpx.AsyncClient,
    auth_server: ThreadedServer,
    user: RegisteredUser,
    other_user: RegisteredUser,
    mongo: AsyncMongoClient[dict[str, Any]],
) -> None:
    family = await create_family(auth_http, user)
    created = (await invite(auth_http, user, family["id"], other_user.email, "viewer")).json()
    days = auth_server.settings.FAMILY_INVITATION_DAYS
    created_at = datetime.fromisoformat(created["created_at"])
    expires_at = datetime.fromisoformat(created["expires_at"])
    assert expires_at - created_at == timedelta(days=days)
    db = mongo[auth_server.settings.MONGODB_DATABASE]
    indexes = await db["family_invitations"].index_information()
    assert indexes["expires_at_ttl"]["expireAfterSeconds"] == 0
    past = datetime.now(UTC) - timedelta(seconds=1)
    await db["family_invitations"].update_one(
        {"_id": created["id"]}, {"$set": {"expires_at": past}}
    )  # what the TTL index is about to do
    listed = await auth_http.get(INVITATIONS, headers=other_user.headers)
    assert listed.json() == {"invitations": []}
    accept = await auth_http.post(
        f"{INVITATIONS}/{created['id']}/accept", headers=other_user.headers
    )
    assert accept.status_code == 404


async def test_a_member_cannot_join_twice(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "viewer")
    await invite(auth_http, user, family["id"], other_user.email, "caregiver")
    invitation = await invitation_for(auth_http, other_user, family["id"])
    again = await auth_http.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=other_user.headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_member"
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=other_user.headers)).json()
    assert read["role"] == "viewer"
    assert read["status"] == "confirmed"


async def test_invalid_invitations_are_422(
    auth_http: httpx.AsyncClient, user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    for email, role in [
        ("not-an-email", "viewer"),
        (new_email(), "owner"),
        (new_email(), "admin"),
    ]:
        response = await invite(auth_http, user, family["id"], email, role)
        assert response.status_code == 422, (email, role)
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert read["invitations"] == []


async def test_the_owner_cancels_a_pending_invitation(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await invite(auth_http, user, family["id"], other_user.email, "viewer")
    invitation = await invitation_for(auth_http, other_user, family["id"])
    url = f"{FAMILIES}/{family['id']}/invitations/{invitation['id']}"
    cancelled = await auth_http.delete(url, headers=user.headers)
    assert cancelled.status_code == 204
    assert (await auth_http.get(INVITATIONS, headers=other_user.headers)).json() == {
        "invitations": []
    }
    accept = f"{INVITATIONS}/{invitation['id']}/accept"
    assert (await auth_http.post(accept, headers=other_user.headers)).status_code == 404
    read = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert read["invitations"] == []
    assert (await auth_http.delete(url, headers=user.headers)).status_code == 404
    assert "family_invitation_cancelled" in await _events(auth_http, user)


async def test_only_the_owner_can_cancel_an_invitation(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await invite(auth_http, user, family["id"], other_user.email, "caregiver")
    invitation = await invitation_for(auth_http, other_user, family["id"])
    url = f"{FAMILIES}/{family['id']}/invitations/{invitation['id']}"
    # The invitee is not a member yet, a stranger never was: the family is not found for them.
    stranger = await register_user(auth_http)
    for who in (other_user, stranger):
        response = await auth_http.delete(url, headers=who.headers)
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Family not found"
    # Another family's owner cannot reach this invitation through their own family either.
    # A confirmed member who is not the owner is refused.
    caregiver = await register_user(auth_http)
    await join(auth_http, user, caregiver, family["id"], "caregiver")
    refused = await auth_http.delete(url, headers=caregiver.headers)
    assert refused.status_code == 403
    theirs = await create_family(auth_http, stranger)
    across = f"{FAMILIES}/{theirs['id']}/invitations/{invitation['id']}"
    assert (await auth_http.delete(across, headers=stranger.headers)).status_code == 404
    assert (await invitation_for(auth_http, other_user, family["id"]))["id"] == invitation["id"]
    malformed = await auth_http.delete(
        f"{FAMILIES}/{family['id']}/invitations/not-a-uuid", headers=user.headers
    )
    assert malformed.status_code == 422
