"""Family request and response bodies: encrypted names and family keys sealed to members."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from normogen.crypto.shapes import Envelope, Grant
from normogen.profiles.public import Role
from normogen.schemas import WHOLE_NUMBER, Email, Omittable, PartialUpdate, StrictModel, Uuid

# Roles an owner can hand out; there is exactly one owner, the creator.
MemberRole = Literal["caregiver", "viewer"]


class MemberStatus(StrEnum):
    ACCEPTED = "accepted"  # the invitee said yes; waits for the owner to upload their key
    CONFIRMED = "confirmed"  # full member


KeyEpoch = Annotated[int, Field(ge=1, le=1_000_000), WHOLE_NUMBER]
UserId = Annotated[str, Field(min_length=1, max_length=64)]


class FamilyCreate(StrictModel):
    """A new family: its id (chosen by the client, bound into the AADs), its encrypted name and
    the family key granted (sealed and signed) to the creator, at key epoch 1."""

    id: Uuid
    encrypted: Envelope
    wrapped_key: Grant


class InvitationCreate(StrictModel):
    """Invite someone by email; known and unknown emails are treated exactly alike."""

    email: Email
    role: MemberRole


class MemberUpdate(PartialUpdate):
    """Confirm a member (upload their sealed family key), re-wrap it, or change their role."""

    wrapped_key: Omittable[Grant] = None
    role: Omittable[MemberRole] = None


class MemberRead(BaseModel):
    """A member as the family shows it; `public_key` is what the owner seals the key to."""

    user_id: str
    role: Role
    status: MemberStatus
    public_key: str | None
    identity_key: str | None
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
    owner_identity_key: str
    owner_public_key: str
    key_epoch: int
    rotation_needed: bool
    encrypted: Envelope
    role: Role
    status: MemberStatus
    wrapped_key: Grant | None
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
    owner_id: str
    owner_identity_key: str | None
    owner_public_key: str | None
    role: MemberRole
    inviter_email: str | None
    created_at: datetime
    expires_at: datetime


class InvitationList(BaseModel):
    invitations: list[InvitationRead]


class ProfileRotation(StrictModel):
    """One family profile's new key: wrapped by the new family key, with its earlier keys, and
    its metadata re-encrypted under it."""

    id: Uuid
    key_epoch: KeyEpoch
    wrapped_key: Envelope
    key_history: Envelope
    encrypted: Envelope


class FamilyRotate(StrictModel):
    """A new family key epoch: members removed, the rest re-granted, every profile re-keyed."""

    key_epoch: KeyEpoch
    remove: Annotated[list[UserId], Field(max_length=50)] = Field(default_factory=list)
    encrypted: Envelope
    grants: Annotated[dict[UserId, Grant], Field(min_length=1, max_length=50)]
    profiles: Annotated[list[ProfileRotation], Field(max_length=200)]
