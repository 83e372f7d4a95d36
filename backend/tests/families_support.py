"""Helpers for family tests: shape-valid grants and the invite → accept → confirm flow.

Integration tests only need ciphertext *shapes*; tests/e2e runs the same flow with the real
client crypto (X25519 sealing, Ed25519 signatures, verification).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import httpx

from tests.accounts import RegisteredUser
from tests.records_support import PROFILES, b64, envelope, profile_body

FAMILIES = "/api/v1/families"
INVITATIONS = "/api/v1/invitations"


def sealed_key(signer_id: str) -> dict[str, Any]:
    """A shape-valid grant `{"v", "epk", "envelope", "signer_id", "signature"}`."""
    return {
        "v": 2,
        "epk": b64(bytes(range(32))),
        "envelope": envelope(size=48),
        "signer_id": signer_id,
        "signature": b64(os.urandom(64)),
    }


def family_body(owner_id: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "encrypted": envelope(), "wrapped_key": sealed_key(owner_id)}


async def create_family(http: httpx.AsyncClient, owner: RegisteredUser) -> dict[str, Any]:
    body = family_body(owner.user_id)
    response = await http.post(FAMILIES, json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def invite(
    http: httpx.AsyncClient, owner: RegisteredUser, family_id: str, email: str, role: str
) -> httpx.Response:
    return await http.post(
        f"{FAMILIES}/{family_id}/invitations",
        json={"email": email, "role": role},
        headers=owner.headers,
    )


async def invitation_for(
    http: httpx.AsyncClient, invitee: RegisteredUser, family_id: str
) -> dict[str, Any]:
    response = await http.get(INVITATIONS, headers=invitee.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = [
        i for i in response.json()["invitations"] if i["family_id"] == family_id
    ]
    assert len(found) == 1, response.json()
    return found[0]


async def join(
    http: httpx.AsyncClient,
    owner: RegisteredUser,
    member: RegisteredUser,
    family_id: str,
    role: str,
) -> dict[str, Any]:
    """Invite, accept and confirm `member`; returns the confirmed member as the owner sees it."""
    invited = await invite(http, owner, family_id, member.email, role)
    assert invited.status_code == 201, invited.text
    invitation = await invitation_for(http, member, family_id)
    accepted = await http.post(f"{INVITATIONS}/{invitation['id']}/accept", headers=member.headers)
    assert accepted.status_code == 200, accepted.text
    confirmed = await http.put(
        f"{FAMILIES}/{family_id}/members/{member.user_id}",
        json={"wrapped_key": sealed_key(owner.user_id)},
        headers=owner.headers,
    )
    assert confirmed.status_code == 200, confirmed.text
    body: dict[str, Any] = confirmed.json()
    return body


async def create_family_profile(
    http: httpx.AsyncClient, user: RegisteredUser, family_id: str, profile_type: str = "child"
) -> dict[str, Any]:
    family = await http.get(f"{FAMILIES}/{family_id}", headers=user.headers)
    assert family.status_code == 200, family.text
    body = {
        **profile_body(profile_type),
        "family_id": family_id,
        "family_epoch": family.json()["key_epoch"],
    }
    response = await http.post(PROFILES, json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def rotate(
    http: httpx.AsyncClient, owner: RegisteredUser, family_id: str, remove: list[str]
) -> httpx.Response:
    """The owner's key rotation with shape-valid keys: every remaining confirmed member gets
    a grant, every live family profile a new key epoch."""
    family = (await http.get(f"{FAMILIES}/{family_id}", headers=owner.headers)).json()
    profiles = (await http.get(PROFILES, headers=owner.headers)).json()["profiles"]
    remaining = [
        m["user_id"]
        for m in family["members"]
        if m["status"] == "confirmed" and m["user_id"] not in remove
    ]
    body = {
        "key_epoch": family["key_epoch"] + 1,
        "remove": remove,
        "encrypted": envelope(),
        "grants": {user_id: sealed_key(owner.user_id) for user_id in remaining},
        "profiles": [
            {
                "id": p["id"],
                "key_epoch": p["key_epoch"] + 1,
                "wrapped_key": envelope(size=48),
                "key_history": envelope(),
                "encrypted": envelope(),
            }
            for p in profiles
            if p.get("family_id") == family_id
        ],
    }
    return await http.post(f"{FAMILIES}/{family_id}/rotate", json=body, headers=owner.headers)
