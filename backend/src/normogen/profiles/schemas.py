"""Profile request and response bodies: ciphertext envelopes plus a plaintext profile type."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from normogen.crypto.shapes import Envelope, WrappedKey
from normogen.profiles.access import Role
from normogen.records.schemas import Uuid
from normogen.schemas import Omittable, PartialUpdate, StrictModel

# Who the profile is about; plaintext so clients can pick icons and defaults without a key.
ProfileType = Literal["self", "child", "adult", "elder", "other"]


class ProfileCreate(StrictModel):
    """A new profile: its encrypted name/metadata and its key wrapped by the user key.

    With `family_id` it is a family profile (caller: the family's owner or a caregiver) and
    `wrapped_key` is the profile key wrapped by the family key instead.
    """

    profile_type: ProfileType
    encrypted: Envelope
    wrapped_key: WrappedKey
    family_id: Uuid | None = None


class ProfileUpdate(PartialUpdate):
    """Fields to replace (at least one); a new `wrapped_key` re-wraps the same profile key."""

    profile_type: Omittable[ProfileType] = None
    encrypted: Omittable[Envelope] = None
    wrapped_key: Omittable[WrappedKey] = None


class ProfileRead(BaseModel):
    """A profile as the API returns it (`revision` is also the ETag)."""

    id: str
    profile_type: ProfileType
    family_id: str | None = None
    encrypted: Envelope
    wrapped_key: WrappedKey
    role: Role
    revision: int
    created_at: datetime
    updated_at: datetime


class ProfileList(BaseModel):
    """Every live profile the caller can see, oldest first."""

    profiles: list[ProfileRead]
