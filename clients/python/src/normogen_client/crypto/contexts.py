"""Every AAD and signed message of contract v2, one builder per purpose (docs/crypto.md)."""

from __future__ import annotations

from collections.abc import Iterable

from normogen_client.crypto.aad import encode


def user_key_aad(user_id: str) -> bytes:
    """The user key wrapped by the password wrap key."""
    return encode("normogen/v2/user-key", [user_id])


def recovery_user_key_aad(user_id: str) -> bytes:
    """The user key wrapped by the recovery wrap key."""
    return encode("normogen/v2/recovery-user-key", [user_id])


def private_key_aad(user_id: str) -> bytes:
    """The X25519 private key wrapped by the user key."""
    return encode("normogen/v2/private-key", [user_id])


def identity_key_aad(user_id: str) -> bytes:
    """The Ed25519 identity seed wrapped by the user key."""
    return encode("normogen/v2/identity-key", [user_id])


def profile_key_aad_user(profile_id: str, key_epoch: int, user_id: str) -> bytes:
    """A personal profile's key wrapped by its owner's user key."""
    return encode("normogen/v2/profile-key", [profile_id, key_epoch, "user", user_id])


def profile_key_aad_family(
    profile_id: str, key_epoch: int, family_id: str, family_epoch: int
) -> bytes:
    """A family profile's key wrapped by the family key of `family_epoch`."""
    return encode(
        "normogen/v2/profile-key", [profile_id, key_epoch, "family", family_id, family_epoch]
    )


def profile_history_aad(profile_id: str, key_epoch: int) -> bytes:
    """A profile's earlier keys, encrypted under the key of `key_epoch`."""
    return encode("normogen/v2/profile-key-history", [profile_id, key_epoch])


def profile_metadata_aad(profile_id: str) -> bytes:
    """A profile's encrypted metadata (its type, name and the rest)."""
    return encode("normogen/v2/profile-metadata", [profile_id])


def record_aad(
    profile_id: str,
    record_id: str,
    kind: str,
    key_epoch: int,
    revision: int,
    occurred_at: str,
    source: str | None,
    tags: Iterable[str],
) -> bytes:
    """A record's payload: everything the server stores in plaintext beside it.

    `occurred_at` is the canonical wire form (`YYYY-MM-DDTHH:MM:SS.mmmZ`), `tags` the tag
    tokens sorted by code point, `source` None for no source.
    """
    return encode(
        "normogen/v2/record",
        [profile_id, record_id, kind, key_epoch, revision, occurred_at, source, sorted(tags)],
    )


def family_name_aad(family_id: str, family_epoch: int) -> bytes:
    """A family's encrypted name, under the family key of `family_epoch`."""
    return encode("normogen/v2/family-name", [family_id, family_epoch])


def family_key_aad(family_id: str, family_epoch: int, recipient_id: str) -> bytes:
    """The family key sealed to one member."""
    return encode("normogen/v2/family-key", [family_id, family_epoch, recipient_id])


def grant_message(
    *,
    family_id: str,
    family_epoch: int,
    signer_id: str,
    signer_identity_key: bytes,
    recipient_id: str,
    recipient_identity_key: bytes,
    recipient_public_key: bytes,
    epk: bytes,
    iv: bytes,
    data: bytes,
    auth_tag: bytes,
) -> bytes:
    """What the signer's Ed25519 identity key signs for one sealed family key."""
    return encode(
        "normogen/v2/key-grant",
        [
            family_id,
            family_epoch,
            signer_id,
            signer_identity_key,
            recipient_id,
            recipient_identity_key,
            recipient_public_key,
            epk,
            iv,
            data,
            auth_tag,
        ],
    )


def preferences_aad(user_id: str) -> bytes:
    """The account's encrypted preferences (settings), under the user key."""
    return encode("normogen/v2/preferences", [user_id])


def link_payload_aad(link_id: str) -> bytes:
    """A share link's content, under the link's content key."""
    return encode("normogen/v2/link-payload", [link_id])


def link_label_aad(link_id: str, owner_id: str) -> bytes:
    """The owner's private label of a link, under their user key."""
    return encode("normogen/v2/link-label", [link_id, owner_id])
