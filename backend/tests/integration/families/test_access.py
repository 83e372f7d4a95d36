"""Every id-addressed family route: a stranger gets the same 404 as for a missing id."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.accounts import RegisteredUser, register_user
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
from tests.integration.records.test_access import routes as record_routes
from tests.records_support import create_record

Route = tuple[str, str, dict[str, Any] | None]


def family_routes(family_id: str, user_id: str) -> list[Route]:
    url = f"{FAMILIES}/{family_id}"
    return [
        ("GET", url, None),
        ("POST", f"{url}/invitations", {"email": "someone@example.org", "role": "viewer"}),
        ("PUT", f"{url}/members/{user_id}", {"wrapped_key": sealed_key(user_id)}),
        ("PUT", f"{url}/members/{user_id}", {"role": "caregiver"}),
        ("DELETE", f"{url}/members/{user_id}", None),
        ("DELETE", url, None),
    ]


async def _same_404(
    http: httpx.AsyncClient, who: RegisteredUser, theirs: list[Route], missing: list[Route]
) -> None:
    for (method, url, body), (_, missing_url, missing_body) in zip(theirs, missing, strict=True):
        headers = {**who.headers, "If-Match": '"1"'}
        response = await http.request(method, url, json=body, headers=headers)
        absent = await http.request(method, missing_url, json=missing_body, headers=headers)
        assert response.status_code == absent.status_code == 404, (method, url, response.text)
        assert response.json()["error"]["code"] == absent.json()["error"]["code"]
        assert response.json()["error"]["message"] == absent.json()["error"]["message"]


async def test_a_stranger_gets_404_everywhere_and_changes_nothing(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    await join(auth_http, user, other_user, family["id"], "caregiver")
    profile = await create_family_profile(auth_http, other_user, family["id"])
    record = await create_record(auth_http, other_user, profile["id"])
    await invite(auth_http, user, family["id"], "pending@example.org", "viewer")
    before = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()

    stranger = await register_user(auth_http)
    for target in (other_user.user_id, user.user_id):
        await _same_404(
            auth_http,
            stranger,
            family_routes(family["id"], target),
            family_routes(str(uuid.uuid4()), target),
        )
    await _same_404(
        auth_http,
        stranger,
        record_routes(profile["id"], record["id"]),
        record_routes(str(uuid.uuid4()), str(uuid.uuid4())),
    )
    after = (await auth_http.get(f"{FAMILIES}/{family['id']}", headers=user.headers)).json()
    assert after == before
    read = await auth_http.get(f"/api/v1/records/{record['id']}", headers=user.headers)
    assert read.json() == record


async def test_an_invitee_who_has_not_accepted_is_a_stranger(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    family = await create_family(auth_http, user)
    profile = await create_family_profile(auth_http, user, family["id"])
    record = await create_record(auth_http, user, profile["id"])
    await invite(auth_http, user, family["id"], other_user.email, "caregiver")
    await _same_404(
        auth_http,
        other_user,
        family_routes(family["id"], user.user_id),
        family_routes(str(uuid.uuid4()), user.user_id),
    )
    await _same_404(
        auth_http,
        other_user,
        record_routes(profile["id"], record["id"]),
        record_routes(str(uuid.uuid4()), str(uuid.uuid4())),
    )
    # The invitation itself is untouched.
    invitation = await invitation_for(auth_http, other_user, family["id"])
    accepted = await auth_http.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=other_user.headers
    )
    assert accepted.status_code == 200


async def test_an_owner_cannot_reach_members_of_another_family(
    auth_http: httpx.AsyncClient, user: RegisteredUser, other_user: RegisteredUser
) -> None:
    mine = await create_family(auth_http, user)
    theirs = await create_family(auth_http, other_user)
    member = await register_user(auth_http)
    await join(auth_http, other_user, member, theirs["id"], "viewer")
    url = f"{FAMILIES}/{mine['id']}/members/{member.user_id}"
    for method, body in (("PUT", {"role": "caregiver"}), ("DELETE", None)):
        response = await auth_http.request(method, url, json=body, headers=user.headers)
        assert response.status_code == 404, (method, response.text)
        assert response.json()["error"]["message"] == "Member not found"
    read = (await auth_http.get(f"{FAMILIES}/{theirs['id']}", headers=member.headers)).json()
    assert (read["role"], read["status"]) == ("viewer", "confirmed")
