"""Record request and response bodies: an encrypted payload plus the plaintext docs/api.md lists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    model_validator,
)

from normogen.crypto.shapes import B64Text, Envelope, retired
from normogen.schemas import WHOLE_NUMBER, StrictModel, UtcDatetime, Uuid

RecordKind = Literal[
    "health_data", "lab_result", "medication", "medication_dose", "appointment", "note"
]
MAX_TAGS = 32
MAX_TAG_LENGTH = 64  # an HMAC-SHA256 in hex is 64 characters
# The type bound is the largest MAX_RECORD_BYTES the settings accept; the configured (smaller)
# limit is checked by the service and answered with 413.
PAYLOAD_TYPE_LIMIT = 16 * 1024 * 1024
DEFAULT_PAGE = 50
MAX_PAGE = 200


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


# Opaque client-computed tags (e.g. keyed hashes of a tag name): a narrow alphabet, no spaces.
Tag = Annotated[
    str, Field(min_length=1, max_length=MAX_TAG_LENGTH, pattern=r"^[A-Za-z0-9._~+/=:-]+$")
]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), AfterValidator(_unique)]
# Where a record came from, as a short enum: free text could name a device that reveals a
# condition (docs/crypto.md, "Records").
Source = Literal["manual", "device", "import", "lab", "shared"]
KeyEpoch = Annotated[int, Field(ge=1, le=1_000_000), WHOLE_NUMBER]


class RecordPayload(Envelope):
    """The encrypted record body (its size is bounded by MAX_RECORD_BYTES)."""

    data: Annotated[str, B64Text(max_bytes=PAYLOAD_TYPE_LIMIT)]


class RecordFields(StrictModel):
    """What a client writes: everything but the profile and the server's fields."""

    kind: RecordKind
    key_epoch: KeyEpoch
    payload: RecordPayload
    occurred_at: UtcDatetime
    tags: Tags = Field(default_factory=list)
    source: Source | None = None

    @model_validator(mode="before")
    @classmethod
    def _v2(cls, data: Any) -> Any:
        source = data.get("source") if isinstance(data, dict) else None
        if isinstance(source, str) and source not in get_args(Source):
            raise retired(f"source is one of {', '.join(get_args(Source))} (or null)")
        return data


class RecordCreate(RecordFields):
    """A new record; its `id` (a UUID, bound into the payload's AAD) is chosen by the client,
    which also lets an offline client create it idempotently."""

    id: Uuid
    profile_id: Uuid


class RecordUpdate(RecordFields):
    """A full replacement of the client fields (PUT, with If-Match)."""


class RecordRead(BaseModel):
    """A record as the API returns it (`revision` is also the ETag)."""

    id: str
    profile_id: str
    kind: RecordKind
    key_epoch: int
    payload: RecordPayload
    occurred_at: datetime
    tags: list[str]
    source: str | None
    revision: int
    created_at: datetime
    updated_at: datetime
    created_by: str
    updated_by: str


class RecordPage(BaseModel):
    """One page of a record listing; pass `next_cursor` back as `cursor` for the next."""

    records: list[RecordRead]
    next_cursor: str | None


class Change(BaseModel):
    """One entry of the changes feed: the record's latest state, or its tombstone."""

    id: str
    seq: int
    revision: int
    deleted: bool
    record: RecordRead | None


class ChangesPage(BaseModel):
    """Changes after `since`, oldest first; call again with `next` until `done`."""

    changes: list[Change]
    next: str
    # The database's sync epoch (records/sync.py): it changes only when a backup is restored,
    # and a token of another epoch gets 410 sync_epoch_changed.
    epoch: str
    done: bool
    profile_deleted: bool
