"""Profiles and records as the client sees them, and the crypto mapping to and from the wire.

The byte-level contract is docs/crypto.md (sections 4 and 9): a profile's metadata (its type
included) is encrypted under the profile key with AAD `profile-metadata(profile id)`; the
profile key is wrapped by the user key or the family key with AAD `profile-key(...)`; a
record's payload `{"data", "tags"}` is encrypted under the profile key of its `key_epoch` with
an AAD binding the profile, record id, kind, key epoch, revision, `occurred_at`, `source` and
tag tokens. The plaintext `data` per kind is docs/records.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from normogen_client.crypto import (
    CryptoError,
    DecryptionError,
    Envelope,
    b64d,
    b64e,
    decrypt_json,
    encrypt_json,
    new_key,
    tag_token,
    unwrap_key,
    wrap_key,
)
from normogen_client.crypto.contexts import (
    profile_history_aad,
    profile_key_aad_family,
    profile_key_aad_user,
    profile_metadata_aad,
    record_aad,
)
from normogen_client.crypto.tags import normalize_tag

KINDS = ("health_data", "lab_result", "medication", "medication_dose", "appointment", "note")
SOURCES = ("manual", "device", "import", "lab", "shared")
PROFILE_TYPES = ("self", "child", "adult", "elder", "other")


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def wire_time(value: datetime) -> str:
    """UTC at millisecond precision, `YYYY-MM-DDTHH:MM:SS.mmmZ`: the one form AADs use."""
    if value.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    utc = value.astimezone(UTC)
    utc = utc.replace(microsecond=utc.microsecond // 1000 * 1000)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Wrapper:
    """What a profile key is wrapped by: the owner's user key, or a family key at an epoch."""

    key: bytes = field(repr=False)
    user_id: str | None = None
    family_id: str | None = None
    family_epoch: int = 0

    def aad(self, profile_id: str, key_epoch: int) -> bytes:
        if self.family_id is not None:
            return profile_key_aad_family(profile_id, key_epoch, self.family_id, self.family_epoch)
        if self.user_id is None:
            raise CryptoError("a wrapper names a user or a family")
        return profile_key_aad_user(profile_id, key_epoch, self.user_id)


@dataclass(frozen=True)
class Profile:
    """A decrypted profile; `keys` (every key epoch) decrypt its records and stay here."""

    id: str
    profile_type: str
    metadata: dict[str, Any]
    role: str
    revision: int
    created_at: datetime
    updated_at: datetime
    key_epoch: int
    family_id: str | None
    keys: dict[int, bytes] = field(repr=False)

    @property
    def key(self) -> bytes:
        """The current profile key (new records are encrypted under it)."""
        return self.keys[self.key_epoch]

    def tag_tokens(self, name: str) -> list[str]:
        """The tokens of a tag name under every key epoch (listing by tag sends them all)."""
        return sorted({tag_token(key, name) for key in self.keys.values()})


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
    key_epoch: int
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


def _metadata_plaintext(profile_type: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    if profile_type not in PROFILE_TYPES:
        raise ValueError(f"profile_type must be one of {', '.join(PROFILE_TYPES)}")
    return {"profile_type": profile_type, "metadata": dict(metadata)}


def new_profile_body(
    wrapper: Wrapper, profile_type: str, metadata: Mapping[str, Any]
) -> tuple[dict[str, Any], bytes]:
    """The create-profile request body (a fresh id and key at epoch 1) and the new key."""
    profile_id = str(uuid.uuid4())
    key = new_key()
    body: dict[str, Any] = {
        "id": profile_id,
        "encrypted": metadata_envelope(profile_id, key, profile_type, metadata),
        "wrapped_key": wrap_key(wrapper.key, key, wrapper.aad(profile_id, 1)).to_json(),
        "key_epoch": 1,
    }
    if wrapper.family_id is not None:
        body["family_id"] = wrapper.family_id
        body["family_epoch"] = wrapper.family_epoch
    return body, key


def metadata_envelope(
    profile_id: str, key: bytes, profile_type: str, metadata: Mapping[str, Any]
) -> dict[str, Any]:
    plaintext = _metadata_plaintext(profile_type, metadata)
    return encrypt_json(key, plaintext, profile_metadata_aad(profile_id)).to_json()


def key_history_envelope(profile_id: str, key_epoch: int, keys: Mapping[int, bytes]) -> Envelope:
    """Every earlier key of a profile, encrypted under the key of `key_epoch`."""
    history = {
        str(epoch): b64e(value) for epoch, value in sorted(keys.items()) if epoch < key_epoch
    }
    return encrypt_json(
        keys[key_epoch], {"keys": history}, profile_history_aad(profile_id, key_epoch)
    )


def open_profile(wrapper: Wrapper, body: Mapping[str, Any]) -> Profile:
    """Unwrap the profile key(s) and decrypt the metadata (DecryptionError if tampered with)."""
    profile_id = body["id"]
    epoch = int(body["key_epoch"])
    if body.get("family_id") != wrapper.family_id:
        raise DecryptionError("profile is served under another family than its wrapper")
    current = unwrap_key(
        wrapper.key, Envelope.from_json(body["wrapped_key"]), wrapper.aad(profile_id, epoch)
    )
    keys = {epoch: current}
    if body.get("key_history") is not None:
        history = decrypt_json(
            current, Envelope.from_json(body["key_history"]), profile_history_aad(profile_id, epoch)
        )
        for name, value in history["keys"].items():
            if not name.isdigit() or int(name) >= epoch:
                raise DecryptionError("profile key history names a bad epoch")
            keys[int(name)] = b64d(value)
    elif epoch != 1:
        raise DecryptionError("profile past epoch 1 without its key history")
    content = decrypt_json(
        current, Envelope.from_json(body["encrypted"]), profile_metadata_aad(profile_id)
    )
    if not isinstance(content, dict) or content.get("profile_type") not in PROFILE_TYPES:
        raise DecryptionError("profile metadata is not a contract v2 object")
    return Profile(
        id=profile_id,
        profile_type=content["profile_type"],
        metadata=dict(content.get("metadata") or {}),
        role=body["role"],
        revision=int(body["revision"]),
        created_at=parse_time(body["created_at"]),
        updated_at=parse_time(body["updated_at"]),
        key_epoch=epoch,
        family_id=body.get("family_id"),
        keys=keys,
    )


def record_fields(
    profile: Profile,
    record_id: str,
    kind: str,
    data: Any,
    occurred_at: datetime,
    tags: Iterable[str],
    source: str | None,
    revision: int,
) -> dict[str, Any]:
    """The client fields of a create (revision 1) or replace (the revision it will produce)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if source is not None and source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)} or None")
    names = list(dict.fromkeys(normalize_tag(name) for name in tags))
    tokens = sorted({tag_token(profile.key, name) for name in names})
    when = wire_time(occurred_at)
    aad = record_aad(profile.id, record_id, kind, profile.key_epoch, revision, when, source, tokens)
    payload = encrypt_json(profile.key, {"data": data, "tags": names}, aad)
    return {
        "kind": kind,
        "key_epoch": profile.key_epoch,
        "payload": payload.to_json(),
        "occurred_at": when,
        "tags": tokens,
        "source": source,
    }


def open_record(profile: Profile, body: Mapping[str, Any]) -> Record:
    """Decrypt a record of `profile`: every plaintext field it carries is checked by the AAD."""
    if body["profile_id"] != profile.id:
        raise DecryptionError("record belongs to another profile")
    epoch = int(body["key_epoch"])
    key = profile.keys.get(epoch)
    if key is None:
        raise DecryptionError(f"no profile key for epoch {epoch}")
    occurred_at = parse_time(body["occurred_at"])
    tokens = list(body["tags"])
    aad = record_aad(
        profile.id,
        body["id"],
        body["kind"],
        epoch,
        int(body["revision"]),
        wire_time(occurred_at),
        body.get("source"),
        tokens,
    )
    content = decrypt_json(key, Envelope.from_json(body["payload"]), aad)
    names = list(content["tags"])
    if sorted({tag_token(key, name) for name in names}) != sorted(tokens):
        raise DecryptionError("record tag tokens do not match its tag names")
    return Record(
        id=body["id"],
        profile_id=body["profile_id"],
        kind=body["kind"],
        data=content["data"],
        tags=names,
        occurred_at=occurred_at,
        source=body.get("source"),
        revision=int(body["revision"]),
        key_epoch=epoch,
        created_at=parse_time(body["created_at"]),
        updated_at=parse_time(body["updated_at"]),
        created_by=body["created_by"],
        updated_by=body["updated_by"],
    )


def open_change(profile: Profile, body: Mapping[str, Any]) -> Change:
    record = None if body["record"] is None else open_record(profile, body["record"])
    if record is not None and record.revision != int(body["revision"]):
        raise DecryptionError("change revision differs from its record's")
    return Change(
        body["id"], int(body["seq"]), int(body["revision"]), bool(body["deleted"]), record
    )
