"""Profile request and response bodies: ciphertext envelopes and key epochs (docs/crypto.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from normogen.crypto.shapes import Envelope, WrappedKey, require_v2
from normogen.profiles.access import Role
from normogen.schemas import WHOLE_NUMBER, Omittable, PartialUpdate, StrictModel, Uuid

KeyEpoch = Annotated[int, Field(ge=1, le=1_000_000), WHOLE_NUMBER]


class ProfileCreate(StrictModel):
    """A new profile: its id (chosen by the client, bound into every AAD), its encrypted
    metadata (the profile type included) and its key wrapped by the user key.

    With `family_id` it is a family profile (caller: the family's owner or a caregiver) and
    `wrapped_key` is the profile key wrapped by the family key instead.
    """

    id: Uuid
    encrypted: Envelope
    wrapped_key: WrappedKey
    key_epoch: KeyEpoch
    family_id: Uuid | None = None
    family_epoch: KeyEpoch | None = Field(
        None, description="With family_id: the family key epoch that wraps the profile key"
    )

    # The rule of `_family_epoch`, as JSON Schema states it: both null or left out, or both set.
    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "properties": {
                        "family_id": {"type": "null"},
                        "family_epoch": {"type": "null"},
                    }
                },
                {
                    "required": ["family_id", "family_epoch"],
                    "properties": {
                        "family_id": {"type": "string"},
                        "family_epoch": {"type": "integer"},
                    },
                },
            ]
        }
    )

    @model_validator(mode="before")
    @classmethod
    def _v2(cls, data: Any) -> Any:
        return require_v2(data, retired_fields=("profile_type",))

    @model_validator(mode="after")
    def _family_epoch(self) -> ProfileCreate:
        if (self.family_id is None) != (self.family_epoch is None):
            raise ValueError("family_epoch goes with family_id, and only with it")
        return self


class ProfileUpdate(PartialUpdate):
    """Fields to replace (at least one); a new `wrapped_key` re-wraps the same profile key."""

    encrypted: Omittable[Envelope] = None
    wrapped_key: Omittable[WrappedKey] = None

    @model_validator(mode="before")
    @classmethod
    def _v2(cls, data: Any) -> Any:
        return require_v2(data, retired_fields=("profile_type",))


class ProfileRead(BaseModel):
    """A profile as the API returns it (`revision` is also the ETag)."""

    id: str
    family_id: str | None = None
    encrypted: Envelope
    wrapped_key: WrappedKey
    key_epoch: int
    key_history: Envelope | None
    role: Role
    revision: int
    created_at: datetime
    updated_at: datetime


class ProfileList(BaseModel):
    """Every live profile the caller can see, oldest first."""

    profiles: list[ProfileRead]
