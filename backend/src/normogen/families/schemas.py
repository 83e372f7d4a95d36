"""Family request and response bodies: encrypted names and family keys sealed to members."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel

from normogen.crypto.shapes import B64Key32, Envelope, WrappedKey
from normogen.profiles.access import Role
from normogen.schemas import Email, Omittable, PartialUpdate, StrictModel

# Roles an owner can hand out; there is exactly one owner, the creator.
MemberRole = Literal["caregiver", "viewer"]


class MemberStatus(StrEnum):
    ACCEPTED = "accepted"  # the invitee said yes; waits for the owner to upload their key
    CONFIRMED = "confirmed"  # full member


class SealedKey(StrictModel):
    """The family key sealed to one member's X25519 public key (client `seal_to_public_key`)."""

    epk: B64Key32
    envelope: WrappedKey

    def to_doc(self) -> dict[str, Any]:
        return {"epk": self.epk, "envelope": self.envelope.to_doc()}


class FamilyCreate(StrictModel):
    """A new family: its encrypted name and the family key sealed to the creator."""

    encrypted: Envelope
    wrapped_key: SealedKey


class InvitationCreate(StrictModel):
    """Invite someone by email; known and unknown emails are treated exactly alike."""

    email: Email
    role: MemberRole


class MemberUpdate(PartialUpdate):
    """Confirm a member (upload their sealed family key), re-wrap it, or change their role."""

    wrapped_key: Omittable[SealedKey] = None
    role: Omittable[MemberRole] = None


class MemberRead(BaseModel):
    """A member as the family shows it; `public_key` is what the owner seals the key to."""

    user_id: str
    role: Role
    status: MemberStatus
    public_key: str | None
    email: str | None = None  # shown to the owner only
    joined_at: datetime


class PendingInvitation(BaseModel):
    """An invitation not yet answered (owner view): the same for known and unknown emails."""

    id: str
    email: str
    role: MemberRole
    created_at: datetime
    expires_at: datetime


class FamilySummary(BaseModel):
    """A family the caller belongs to, with the caller's sealed family key (once confirmed)."""

    id: str
    owner_id: str
    encrypted: Envelope
    role: Role
    status: MemberStatus
    wrapped_key: SealedKey | None
    created_at: datetime


class FamilyRead(FamilySummary):
    """One family with its members (and, for the owner, the pending invitations)."""

    members: list[MemberRead]
    invitations: list[PendingInvitation] | None = None


class FamilyList(BaseModel):
    families: list[FamilySummary]


class InvitationRead(BaseModel):
    """An invitation addressed to the caller: the family name stays encrypted until confirmed."""

    id: str
    family_id: str
    role: MemberRole
    inviter_email: str | None
    created_at: datetime
    expires_at: datetime


class InvitationList(BaseModel):
    invitations: list[InvitationRead]
