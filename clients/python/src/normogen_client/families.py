"""`Families`: share profiles with family members through signed, verified family-key grants.

    families = Families(client, health)          # health: a HealthRecords of the same client
    family = await families.create("The Smiths")  # the family key is made and granted here
    await families.invite(family.id, "gran@example.org", "viewer")
    # ... the invitee compares the safety number with you, then:
    #     await Families(their_client).accept(invitation, safety_number="12345 ...")
    await families.confirm(family, gran_user_id, safety_number="12345 ...")
    child = await families.create_profile(family, "child", {"name": "Ada"})
    await health.create_record(child, "note", {...}, occurred_at=now)
    await families.remove(family, gran_user_id)   # rotates the family key

The contract is docs/crypto.md (sections 6 and 7). Verification is never optional: confirming a
member and accepting an invitation each need the other user's safety number, compared out of
band, or an explicit trust-on-first-use pin; the client's `TrustStore` then refuses any key
that differs from the pin (`KeyChangedError`) and any grant not signed by the family's pinned
owner (`SignatureError`, `UntrustedKeyError`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from normogen_client.api import NormogenClient
from normogen_client.crypto import (
    Envelope,
    Party,
    b64d,
    decrypt_json,
    encrypt_json,
    make_grant,
    new_key,
    open_grant,
    wrap_key,
)
from normogen_client.crypto.contexts import family_name_aad
from normogen_client.health import PROFILES, FamilyKey, HealthRecords
from normogen_client.models import NotLoggedIn
from normogen_client.records import (
    Profile,
    Wrapper,
    key_history_envelope,
    metadata_envelope,
    new_profile_body,
    open_profile,
    parse_time,
)
from normogen_client.trust import TrustError, safety_number_of

FAMILIES = "/api/v1/families"
INVITATIONS = "/api/v1/invitations"


class VerificationRequired(TrustError):
    """Confirming or accepting needs a safety number or an explicit trust-on-first-use."""


@dataclass(frozen=True)
class Member:
    user_id: str
    role: str
    status: str  # "accepted" (waits for confirmation) or "confirmed"
    public_key: bytes | None
    identity_key: bytes | None
    email: str | None
    joined_at: datetime

    @property
    def party(self) -> Party | None:
        if self.public_key is None or self.identity_key is None:
            return None
        return Party(self.user_id, self.identity_key, self.public_key)


@dataclass(frozen=True)
class Family:
    """A family as the caller sees it; `key` and `name` are None until the caller is confirmed.

    `signed_by` is the owner whose signature on the family key was verified, and
    `owner_safety_number` the number to compare with them (None when the caller is the owner).
    """

    id: str
    owner_id: str
    owner: Party
    role: str
    status: str
    name: Any
    created_at: datetime
    key_epoch: int
    rotation_needed: bool
    members: list[Member] = field(default_factory=list)
    invitations: list[dict[str, Any]] = field(default_factory=list)
    key: bytes | None = field(default=None, repr=False)
    signed_by: str | None = None
    owner_safety_number: str | None = None


@dataclass(frozen=True)
class Invitation:
    """An invitation addressed to the caller (the family's name is unreadable until joined)."""

    id: str
    family_id: str
    owner: Party | None
    role: str
    inviter_email: str | None
    created_at: datetime
    expires_at: datetime


class Families:
    """Families of the logged-in account; family keys stay in this process."""

    def __init__(self, client: NormogenClient, health: HealthRecords | None = None) -> None:
        self.client = client
        self.health = health or HealthRecords(client)

    def _me(self) -> Party:
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        return self.client.keys.party

    def _seed(self) -> bytes:
        if self.client.keys is None:
            raise NotLoggedIn("register or log in first")
        return self.client.keys.identity_seed

    def safety_number(self, party: Party) -> str:
        """The number to compare with `party` out of band (they see the same one)."""
        return safety_number_of(self._me(), party)

    def _trusted_owner(self, owner: Party) -> None:
        """The family's owner must be the caller (with the caller's own keys) or pinned."""
        me = self._me()
        if owner.user_id == me.user_id:
            if owner != me:
                raise TrustError("the server shows other keys for you as this family's owner")
            return
        self.client.trust.check(owner)

    def _establish(
        self, party: Party, safety_number: str | None, trust_on_first_use: bool, what: str
    ) -> None:
        if safety_number is not None:
            self.client.trust.verify(party, self._me(), safety_number)
        elif trust_on_first_use:
            self.client.trust.pin_on_first_use(party)
        else:
            raise VerificationRequired(
                f"{what}: pass the safety number you compared with them out of band, or "
                "trust_on_first_use=True"
            )

    def _open(self, body: Mapping[str, Any]) -> Family:
        family_id = body["id"]
        owner = Party(
            body["owner_id"], b64d(body["owner_identity_key"]), b64d(body["owner_public_key"])
        )
        epoch = int(body["key_epoch"])
        key = None
        name = None
        signed_by = None
        if body.get("wrapped_key") is not None:
            self._trusted_owner(owner)
            keys = self.client.keys
            if keys is None:
                raise NotLoggedIn("register or log in first")
            key = open_grant(
                body["wrapped_key"],
                family_id=family_id,
                family_epoch=epoch,
                me=keys.party,
                private_key=keys.private_key,
                signer=owner,
            )
            self.client.seen.family_epoch(family_id, epoch)
            envelope = Envelope.from_json(body["encrypted"])
            name = decrypt_json(key, envelope, family_name_aad(family_id, epoch))["name"]
            self.health.family_keys[family_id] = FamilyKey(epoch, key)  # family profiles open
            signed_by = owner.user_id
        me = self._me()
        return Family(
            id=family_id,
            owner_id=owner.user_id,
            owner=owner,
            role=body["role"],
            status=body["status"],
            name=name,
            created_at=parse_time(body["created_at"]),
            key_epoch=epoch,
            rotation_needed=bool(body.get("rotation_needed")),
            members=[_member(item) for item in body.get("members") or []],
            invitations=list(body.get("invitations") or []),
            key=key,
            signed_by=signed_by,
            owner_safety_number=None if owner.user_id == me.user_id else self.safety_number(owner),
        )

    async def _after_open(self, family: Family) -> Family:
        """The owner's client rotates a family a confirmed member left (key they still hold)."""
        if family.rotation_needed and family.owner_id == self._me().user_id and family.key:
            return await self.rotate(family)
        return family

    # --- families ----------------------------------------------------------------------------

    async def create(self, name: str) -> Family:
        """A new family owned by the caller, with a fresh family key granted to the caller."""
        me = self._me()
        family_id = str(uuid.uuid4())
        key = new_key()
        body = {
            "id": family_id,
            "encrypted": encrypt_json(key, {"name": name}, family_name_aad(family_id, 1)).to_json(),
            "wrapped_key": make_grant(
                family_id=family_id,
                family_epoch=1,
                key=key,
                signer_id=me.user_id,
                signer_seed=self._seed(),
                recipient=me,
            ),
        }
        return self._open((await self.client.request("POST", FAMILIES, json=body)).json())

    async def list_families(self) -> list[Family]:
        """Every family the caller belongs to, unlocking the keys of confirmed ones.

        Raises a TrustError or SignatureError for a family whose owner is not pinned, whose
        keys changed, or whose grant is not signed by that owner: refused, never skipped.
        """
        body = (await self.client.request("GET", FAMILIES)).json()
        return [await self._after_open(self._open(item)) for item in body["families"]]

    async def get(self, family_id: str) -> Family:
        """One family with its members (and, for its owner, pending invitations)."""
        return await self._after_open(await self._fetch(family_id))

    async def _fetch(self, family_id: str) -> Family:
        response = await self.client.request("GET", f"{FAMILIES}/{family_id}")
        return self._open(response.json())

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
        return [_invitation(item) for item in body["invitations"]]

    async def accept(
        self,
        invitation: Invitation,
        *,
        safety_number: str | None = None,
        trust_on_first_use: bool = False,
    ) -> Family:
        """Join as `accepted` after verifying the family's owner (mandatory): the owner's
        grants are later accepted only with this pinned identity."""
        if invitation.owner is None:
            raise VerificationRequired("the invitation does not show the owner's keys")
        self._establish(invitation.owner, safety_number, trust_on_first_use, "verify the owner")
        response = await self.client.request("POST", f"{INVITATIONS}/{invitation.id}/accept")
        return self._open(response.json())

    async def decline(self, invitation_id: str) -> None:
        await self.client.request("POST", f"{INVITATIONS}/{invitation_id}/decline")

    # --- members -----------------------------------------------------------------------------

    async def confirm(
        self,
        family: Family,
        user_id: str,
        *,
        safety_number: str | None = None,
        trust_on_first_use: bool = False,
    ) -> Member:
        """Grant the family key to a member (owner only), after verifying them (mandatory):
        `safety_number` as the member read it out, or an explicit trust-on-first-use pin."""
        if family.key is None:
            raise NotLoggedIn("this family's key is not unlocked (are you a confirmed member?)")
        current = await self._fetch(family.id)
        member = next((m for m in current.members if m.user_id == user_id), None)
        party = None if member is None else member.party
        if party is None:
            raise LookupError("no such member (has the invitation been accepted?)")
        self._establish(party, safety_number, trust_on_first_use, "verify the member")
        self.client.trust.check(party)
        grant = self._grant(current, party)
        return await self._put_member(family.id, user_id, {"wrapped_key": grant})

    def _grant(self, family: Family, recipient: Party) -> dict[str, Any]:
        if family.key is None:
            raise NotLoggedIn("this family's key is not unlocked")
        return make_grant(
            family_id=family.id,
            family_epoch=family.key_epoch,
            key=family.key,
            signer_id=self._me().user_id,
            signer_seed=self._seed(),
            recipient=recipient,
        )

    async def set_role(self, family_id: str, user_id: str, role: str) -> Member:
        return await self._put_member(family_id, user_id, {"role": role})

    async def remove(self, family: Family, user_id: str) -> None:
        """Remove a member (owner). A confirmed member held the family key, so this rotates it:
        nothing written afterwards is readable with the keys they had."""
        current = await self._fetch(family.id)
        member = next((m for m in current.members if m.user_id == user_id), None)
        if member is not None and member.status == "confirmed":
            await self.rotate(current, remove=[user_id])
            return
        await self.client.request("DELETE", f"{FAMILIES}/{family.id}/members/{user_id}")

    async def leave(self, family_id: str) -> None:
        """Leave a family; its owner's client rotates the key when it next opens the family."""
        tokens = self.client.session()
        await self.client.request("DELETE", f"{FAMILIES}/{family_id}/members/{tokens.user_id}")
        self.health.family_keys.pop(family_id, None)

    async def rotate(self, family: Family, remove: Iterable[str] = ()) -> Family:
        """New family key (epoch + 1) and new keys for every family profile, granted to every
        remaining confirmed member (each must be pinned), swapped atomically by the server."""
        current = await self._fetch(family.id)  # the members as they are now
        if current.key is None:
            raise NotLoggedIn("this family's key is not unlocked")
        removing = set(remove)
        epoch = current.key_epoch + 1
        new_family_key = new_key()
        grants: dict[str, Any] = {}
        for member in current.members:
            if member.status != "confirmed" or member.user_id in removing:
                continue
            party = member.party
            if party is None:
                raise LookupError(f"member {member.user_id} has no keys")
            if party.user_id == self._me().user_id:
                party = self._me()  # never the keys the server shows for the caller
            else:
                self.client.trust.check(party)
            grants[member.user_id] = make_grant(
                family_id=current.id,
                family_epoch=epoch,
                key=new_family_key,
                signer_id=self._me().user_id,
                signer_seed=self._seed(),
                recipient=party,
            )
        new_wrapper = Wrapper(new_family_key, family_id=current.id, family_epoch=epoch)
        profiles = []
        for profile in await self._family_profiles(current.id):
            keys = dict(profile.keys)
            next_epoch = profile.key_epoch + 1
            keys[next_epoch] = new_key()
            profiles.append(
                {
                    "id": profile.id,
                    "key_epoch": next_epoch,
                    "wrapped_key": wrap_key(
                        new_family_key, keys[next_epoch], new_wrapper.aad(profile.id, next_epoch)
                    ).to_json(),
                    "key_history": key_history_envelope(profile.id, next_epoch, keys).to_json(),
                    "encrypted": metadata_envelope(
                        profile.id, keys[next_epoch], profile.profile_type, profile.metadata
                    ),
                }
            )
        body = {
            "key_epoch": epoch,
            "remove": sorted(removing),
            "encrypted": encrypt_json(
                new_family_key, {"name": current.name}, family_name_aad(current.id, epoch)
            ).to_json(),
            "grants": grants,
            "profiles": profiles,
        }
        response = await self.client.request("POST", f"{FAMILIES}/{current.id}/rotate", json=body)
        return self._open(response.json())

    async def _family_profiles(self, family_id: str) -> list[Profile]:
        body = (await self.client.request("GET", PROFILES)).json()
        wrapper = self.health.wrapper_for(family_id)
        return [
            open_profile(wrapper, item)
            for item in body["profiles"]
            if item.get("family_id") == family_id
        ]

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
        wrapper = Wrapper(family.key, family_id=family.id, family_epoch=family.key_epoch)
        body, _ = new_profile_body(wrapper, profile_type, metadata)
        response = await self.client.request("POST", PROFILES, json=body)
        return open_profile(wrapper, response.json())


def _member(body: Mapping[str, Any]) -> Member:
    public_key = body.get("public_key")
    identity_key = body.get("identity_key")
    return Member(
        user_id=body["user_id"],
        role=body["role"],
        status=body["status"],
        public_key=b64d(public_key) if public_key else None,
        identity_key=b64d(identity_key) if identity_key else None,
        email=body.get("email"),
        joined_at=parse_time(body["joined_at"]),
    )


def _invitation(item: Mapping[str, Any]) -> Invitation:
    owner = None
    if item.get("owner_identity_key") and item.get("owner_public_key"):
        owner = Party(
            item["owner_id"], b64d(item["owner_identity_key"]), b64d(item["owner_public_key"])
        )
    return Invitation(
        id=item["id"],
        family_id=item["family_id"],
        owner=owner,
        role=item["role"],
        inviter_email=item["inviter_email"],
        created_at=parse_time(item["created_at"]),
        expires_at=parse_time(item["expires_at"]),
    )


__all__ = ["Families", "Family", "Invitation", "Member", "VerificationRequired"]
