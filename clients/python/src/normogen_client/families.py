"""`Families`: share profiles with family members through a family key sealed to each of them.

    families = Families(client, health)          # health: a HealthRecords of the same client
    family = await families.create("The Smiths")  # the family key is made and sealed here
    await families.invite(family.id, "gran@example.org", "viewer")
    # ... the invitee: await Families(their_client).accept(invitation.id)
    await families.confirm(family, gran_user_id)  # seals the family key to gran's public key
    child = await families.create_profile(family, "child", {"name": "Ada"})
    await health.create_record(child, "note", {...}, occurred_at=now)

Crypto (see README, "Families"): the family key is 32 random bytes; the family's name is a JSON
envelope under it with AAD `normogen/v1/family-name`; each member's copy of the key is
`seal_to_public_key(member public key, family key, AAD normogen/v1/family-key)`; a family
profile's key is wrapped by the family key (AAD `normogen/v1/profile-key`). The server sees
none of these keys. It does choose which public key it shows for a member, so `confirm` can
check a fingerprint the member read out to you (`key_fingerprint`) before sealing to it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from normogen_client.api import NormogenClient
from normogen_client.crypto import (
    AAD_FAMILY_KEY,
    CryptoError,
    Envelope,
    b64d,
    decrypt_json,
    encrypt_json,
    new_key,
    open_sealed,
    seal_to_public_key,
)
from normogen_client.health import PROFILES, HealthRecords
from normogen_client.models import NotLoggedIn
from normogen_client.records import Profile, new_profile_body, open_profile, parse_time

FAMILIES = "/api/v1/families"
INVITATIONS = "/api/v1/invitations"
AAD_FAMILY_NAME = b"normogen/v1/family-name"


def key_fingerprint(public_key: bytes) -> str:
    """A short, comparable rendering of an X25519 public key: SHA-256, 16 bytes, in groups."""
    digest = hashlib.sha256(b"normogen/v1/fingerprint|" + public_key).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class Member:
    user_id: str
    role: str
    status: str  # "accepted" (waits for confirmation) or "confirmed"
    public_key: bytes | None
    email: str | None
    joined_at: datetime


@dataclass(frozen=True)
class Family:
    """A family as the caller sees it; `key` and `name` are None until the caller is confirmed."""

    id: str
    owner_id: str
    role: str
    status: str
    name: Any
    created_at: datetime
    members: list[Member] = field(default_factory=list)
    invitations: list[dict[str, Any]] = field(default_factory=list)
    key: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Invitation:
    """An invitation addressed to the caller (the family's name is unreadable until joined)."""

    id: str
    family_id: str
    role: str
    inviter_email: str | None
    created_at: datetime
    expires_at: datetime


class Families:
    """Families of the logged-in account; family keys stay in this process."""

    def __init__(self, client: NormogenClient, health: HealthRecords | None = None) -> None:
        self.client = client
        self.health = health or HealthRecords(client)

    def _private_key(self) -> bytes:
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        return self.client.keys.private_key

    def _open(self, body: Mapping[str, Any]) -> Family:
        key = None
        name = None
        if body.get("wrapped_key") is not None:
            key = open_sealed(self._private_key(), body["wrapped_key"], AAD_FAMILY_KEY)
            envelope = Envelope.from_json(body["encrypted"])
            name = decrypt_json(key, envelope, AAD_FAMILY_NAME)["name"]
            self.health.family_keys[body["id"]] = key  # family profiles open with it
        return Family(
            id=body["id"],
            owner_id=body["owner_id"],
            role=body["role"],
            status=body["status"],
            name=name,
            created_at=parse_time(body["created_at"]),
            members=[_member(item) for item in body.get("members") or []],
            invitations=list(body.get("invitations") or []),
            key=key,
        )

    # --- families ----------------------------------------------------------------------------

    async def create(self, name: str) -> Family:
        """A new family owned by the caller, with a fresh family key sealed to the caller."""
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        key = new_key()
        body = {
            "encrypted": encrypt_json(key, {"name": name}, AAD_FAMILY_NAME).to_json(),
            "wrapped_key": seal_to_public_key(self.client.keys.public_key, key, AAD_FAMILY_KEY),
        }
        return self._open((await self.client.request("POST", FAMILIES, json=body)).json())

    async def list_families(self) -> list[Family]:
        """Every family the caller belongs to (unlocking the keys of confirmed ones)."""
        body = (await self.client.request("GET", FAMILIES)).json()
        return [self._open(item) for item in body["families"]]

    async def get(self, family_id: str) -> Family:
        """One family with its members (and, for its owner, pending invitations)."""
        return self._open((await self.client.request("GET", f"{FAMILIES}/{family_id}")).json())

    async def delete(self, family_id: str) -> None:
        """Delete an owned family and its profiles."""
        await self.client.request("DELETE", f"{FAMILIES}/{family_id}")
        self.health.family_keys.pop(family_id, None)

    # --- invitations -------------------------------------------------------------------------

    async def invite(self, family_id: str, email: str, role: str) -> dict[str, Any]:
        """Invite an email as "caregiver" or "viewer"; returns the pending invitation."""
        body = {"email": email, "role": role}
        response = await self.client.request(
            "POST", f"{FAMILIES}/{family_id}/invitations", json=body
        )
        result: dict[str, Any] = response.json()
        return result

    async def invitations(self) -> list[Invitation]:
        body = (await self.client.request("GET", INVITATIONS)).json()
        return [
            Invitation(
                id=item["id"],
                family_id=item["family_id"],
                role=item["role"],
                inviter_email=item["inviter_email"],
                created_at=parse_time(item["created_at"]),
                expires_at=parse_time(item["expires_at"]),
            )
            for item in body["invitations"]
        ]

    async def accept(self, invitation_id: str) -> Family:
        """Join as `accepted`: the owner can now see your public key and confirm you."""
        response = await self.client.request("POST", f"{INVITATIONS}/{invitation_id}/accept")
        return self._open(response.json())

    async def decline(self, invitation_id: str) -> None:
        await self.client.request("POST", f"{INVITATIONS}/{invitation_id}/decline")

    # --- members -----------------------------------------------------------------------------

    async def confirm(
        self, family: Family, user_id: str, *, expected_fingerprint: str | None = None
    ) -> Member:
        """Seal the family key to the member's public key and upload it (owner only).

        `expected_fingerprint`: the member's `key_fingerprint`, compared out of band, so a
        server cannot substitute its own public key.
        """
        if family.key is None:
            raise NotLoggedIn("this family's key is not unlocked (are you a confirmed member?)")
        current = await self.get(family.id)
        member = next((m for m in current.members if m.user_id == user_id), None)
        if member is None or member.public_key is None:
            raise LookupError("no such member (has the invitation been accepted?)")
        if expected_fingerprint is not None and not hmac.compare_digest(
            key_fingerprint(member.public_key), expected_fingerprint
        ):
            raise CryptoError("the member's public key does not match the expected fingerprint")
        sealed = seal_to_public_key(member.public_key, family.key, AAD_FAMILY_KEY)
        return await self._put_member(family.id, user_id, {"wrapped_key": sealed})

    async def set_role(self, family_id: str, user_id: str, role: str) -> Member:
        return await self._put_member(family_id, user_id, {"role": role})

    async def remove(self, family_id: str, user_id: str) -> None:
        """Remove a member (owner), effective at once."""
        await self.client.request("DELETE", f"{FAMILIES}/{family_id}/members/{user_id}")

    async def leave(self, family_id: str) -> None:
        tokens = self.client.session()
        await self.remove(family_id, tokens.user_id)
        self.health.family_keys.pop(family_id, None)

    async def _put_member(self, family_id: str, user_id: str, body: dict[str, Any]) -> Member:
        path = f"{FAMILIES}/{family_id}/members/{user_id}"
        return _member((await self.client.request("PUT", path, json=body)).json())

    # --- family profiles ---------------------------------------------------------------------

    async def create_profile(
        self, family: Family, profile_type: str, metadata: Mapping[str, Any]
    ) -> Profile:
        """A profile of the family (owner or caregiver): its key is wrapped by the family key."""
        if family.key is None:
            raise NotLoggedIn("this family's key is not unlocked (are you a confirmed member?)")
        body, _ = new_profile_body(family.key, profile_type, metadata)
        body["family_id"] = family.id
        response = await self.client.request("POST", PROFILES, json=body)
        return open_profile(family.key, response.json())


def _member(body: Mapping[str, Any]) -> Member:
    public_key = body.get("public_key")
    return Member(
        user_id=body["user_id"],
        role=body["role"],
        status=body["status"],
        public_key=b64d(public_key) if public_key else None,
        email=body.get("email"),
        joined_at=parse_time(body["joined_at"]),
    )
