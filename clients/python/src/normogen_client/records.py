"""Profiles and records as the client sees them, and the crypto mapping to and from the wire.

What the server stores and what it sees (clients/python/README.md):

- A profile has a random 32-byte key, wrapped by the user key with AAD `normogen/v1/profile-key`.
  Its name and metadata are one JSON envelope under the profile key with AAD
  `normogen/v1/profile-metadata`. `profile_type` is plaintext.
- A record's payload is one JSON envelope under its profile's key, `{"data": ..., "tags": [..]}`,
  with AAD `normogen/v1/record|<profile_id>|<record_id>|<kind>`: the server cannot move a
  payload to another record or profile, or change its kind, without decryption failing.
- Tags are opaque to the server: each tag name becomes `base64url(HMAC-SHA256(profile key,
  "normogen/v1/tag|" + name))[:22]`; the names themselves travel inside the payload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from normogen_client.crypto import (
    AAD_PROFILE_KEY,
    Envelope,
    decrypt_json,
    encrypt_json,
    new_key,
    unwrap_key,
    wrap_key,
)

AAD_PROFILE_METADATA = b"normogen/v1/profile-metadata"
TAG_INFO = b"normogen/v1/tag|"
TAG_TOKEN_CHARS = 22  # 128 bits of the HMAC, unpadded base64url
KINDS = ("health_data", "lab_result", "medication", "medication_dose", "appointment", "note")


def record_aad(profile_id: str, record_id: str, kind: str) -> bytes:
    return f"normogen/v1/record|{profile_id}|{record_id}|{kind}".encode()


def tag_token(profile_key: bytes, name: str) -> str:
    """The opaque tag the server indexes for `name` (stable per profile, unreadable to it)."""
    digest = hmac.new(profile_key, TAG_INFO + name.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TAG_TOKEN_CHARS]


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def wire_time(value: datetime) -> str:
    """UTC at millisecond precision (what the server stores), so round trips are exact."""
    if value.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    utc = value.astimezone(UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Profile:
    """A decrypted profile; `key` decrypts its records and never leaves this process."""

    id: str
    profile_type: str
    metadata: dict[str, Any]
    role: str
    revision: int
    created_at: datetime
    updated_at: datetime
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class Record:
    """A decrypted record: `data` and `tags` come from the ciphertext."""

    id: str
    profile_id: str
    kind: str
    data: Any
    tags: list[str]
    occurred_at: datetime
    source: str | None
    revision: int
    created_at: datetime
    updated_at: datetime
    created_by: str
    updated_by: str


@dataclass(frozen=True)
class Change:
    """One changes-feed entry: the record's latest state, or `record=None` for a deletion."""

    id: str
    seq: int
    revision: int
    deleted: bool
    record: Record | None


def new_profile_body(
    user_key: bytes, profile_type: str, metadata: Mapping[str, Any]
) -> tuple[dict[str, Any], bytes]:
    """The create-profile request body and the new profile key."""
    key = new_key()
    body = {
        "profile_type": profile_type,
        "encrypted": encrypt_json(key, dict(metadata), AAD_PROFILE_METADATA).to_json(),
        "wrapped_key": wrap_key(user_key, key, AAD_PROFILE_KEY).to_json(),
    }
    return body, key


def metadata_envelope(key: bytes, metadata: Mapping[str, Any]) -> dict[str, str]:
    return encrypt_json(key, dict(metadata), AAD_PROFILE_METADATA).to_json()


def open_profile(user_key: bytes, body: Mapping[str, Any]) -> Profile:
    """Unwrap the profile key and decrypt the metadata (DecryptionError if tampered with)."""
    key = unwrap_key(user_key, Envelope.from_json(body["wrapped_key"]), AAD_PROFILE_KEY)
    metadata = decrypt_json(key, Envelope.from_json(body["encrypted"]), AAD_PROFILE_METADATA)
    return Profile(
        id=body["id"],
        profile_type=body["profile_type"],
        metadata=metadata,
        role=body["role"],
        revision=int(body["revision"]),
        created_at=parse_time(body["created_at"]),
        updated_at=parse_time(body["updated_at"]),
        key=key,
    )


def record_fields(
    profile: Profile,
    record_id: str,
    kind: str,
    data: Any,
    occurred_at: datetime,
    tags: Iterable[str],
    source: str | None,
) -> dict[str, Any]:
    """The client fields of a create or replace: encrypted payload, opaque tags."""
    names = list(dict.fromkeys(tags))
    payload = encrypt_json(
        profile.key, {"data": data, "tags": names}, record_aad(profile.id, record_id, kind)
    )
    body: dict[str, Any] = {
        "kind": kind,
        "payload": payload.to_json(),
        "occurred_at": wire_time(occurred_at),
        "tags": [tag_token(profile.key, name) for name in names],
    }
    if source is not None:
        body["source"] = source
    return body


def open_record(profile: Profile, body: Mapping[str, Any]) -> Record:
    """Decrypt a record of `profile` (DecryptionError if it was moved or tampered with)."""
    if body["profile_id"] != profile.id:
        raise ValueError("record belongs to another profile")
    aad = record_aad(profile.id, body["id"], body["kind"])
    content = decrypt_json(profile.key, Envelope.from_json(body["payload"]), aad)
    return Record(
        id=body["id"],
        profile_id=body["profile_id"],
        kind=body["kind"],
        data=content["data"],
        tags=list(content["tags"]),
        occurred_at=parse_time(body["occurred_at"]),
        source=body.get("source"),
        revision=int(body["revision"]),
        created_at=parse_time(body["created_at"]),
        updated_at=parse_time(body["updated_at"]),
        created_by=body["created_by"],
        updated_by=body["updated_by"],
    )


def open_change(profile: Profile, body: Mapping[str, Any]) -> Change:
    record = None if body["record"] is None else open_record(profile, body["record"])
    return Change(
        body["id"], int(body["seq"]), int(body["revision"]), bool(body["deleted"]), record
    )
