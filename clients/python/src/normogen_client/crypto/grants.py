"""Signed key grants: a family key sealed to one member, signed by the owner (docs/crypto.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from normogen_client.crypto.aead import KEY_BYTES, VERSION, Envelope
from normogen_client.crypto.contexts import family_key_aad, grant_message
from normogen_client.crypto.encoding import b64_field, b64e, expect_object
from normogen_client.crypto.errors import CryptoError, DecryptionError
from normogen_client.crypto.identity import SIGNATURE_BYTES, identity_public, sign, verify
from normogen_client.crypto.keys import X25519_BYTES, open_sealed, seal

_GRANT_KEYS = frozenset({"v", "epk", "envelope", "signer_id", "signature"})


class SignatureError(DecryptionError):
    """A key grant is unsigned, or signed by a key other than the one expected."""


@dataclass(frozen=True)
class Party:
    """A user's public identity: id, Ed25519 identity key and X25519 public key."""

    user_id: str
    identity_key: bytes
    public_key: bytes


def make_grant(
    *,
    family_id: str,
    family_epoch: int,
    key: bytes,
    signer_id: str,
    signer_seed: bytes,
    recipient: Party,
    ephemeral: bytes | None = None,
    iv: bytes | None = None,
) -> dict[str, Any]:
    """Seal `key` to the recipient and sign the result with the signer's identity seed."""
    if len(key) != KEY_BYTES:
        raise CryptoError(f"granted keys are {KEY_BYTES} bytes")
    aad = family_key_aad(family_id, family_epoch, recipient.user_id)
    epk, envelope = seal(recipient.public_key, key, aad, ephemeral=ephemeral, iv=iv)
    message = grant_message(
        family_id=family_id,
        family_epoch=family_epoch,
        signer_id=signer_id,
        signer_identity_key=identity_public(signer_seed),
        recipient_id=recipient.user_id,
        recipient_identity_key=recipient.identity_key,
        recipient_public_key=recipient.public_key,
        epk=epk,
        iv=envelope.iv,
        data=envelope.data,
        auth_tag=envelope.auth_tag,
    )
    return {
        "v": VERSION,
        "epk": b64e(epk),
        "envelope": envelope.to_json(),
        "signer_id": signer_id,
        "signature": b64e(sign(signer_seed, message)),
    }


def grant_signer(grant: Mapping[str, Any]) -> str:
    """The user id a grant claims as its signer (to look up the key it must verify against)."""
    fields = expect_object(grant, _GRANT_KEYS, "grant")
    if not isinstance(fields["signer_id"], str):
        raise CryptoError("grant.signer_id must be a string")
    return fields["signer_id"]


def open_grant(
    grant: Mapping[str, Any],
    *,
    family_id: str,
    family_epoch: int,
    me: Party,
    private_key: bytes,
    signer: Party,
) -> bytes:
    """Verify the signature against `signer` (a key the caller trusts), then unseal.

    Raises SignatureError for a missing, malformed or wrong signature or signer, and
    DecryptionError when the sealed key does not open.
    """
    try:
        fields = expect_object(grant, _GRANT_KEYS, "grant")
        if fields["v"] != VERSION or type(fields["v"]) is not int:
            raise CryptoError(f"grant.v must be {VERSION}")
        epk = b64_field(fields, "epk", "grant", X25519_BYTES)
        envelope = Envelope.from_json(fields["envelope"])
        signature = b64_field(fields, "signature", "grant", SIGNATURE_BYTES)
    except CryptoError as exc:
        raise SignatureError(f"unsigned or malformed key grant: {exc}") from None
    if fields["signer_id"] != signer.user_id:
        raise SignatureError("key grant is signed by an unexpected user")
    message = grant_message(
        family_id=family_id,
        family_epoch=family_epoch,
        signer_id=signer.user_id,
        signer_identity_key=signer.identity_key,
        recipient_id=me.user_id,
        recipient_identity_key=me.identity_key,
        recipient_public_key=me.public_key,
        epk=epk,
        iv=envelope.iv,
        data=envelope.data,
        auth_tag=envelope.auth_tag,
    )
    if not verify(signer.identity_key, message, signature):
        raise SignatureError("key grant signature does not verify")
    key = open_sealed(
        private_key, epk, envelope, family_key_aad(family_id, family_epoch, me.user_id)
    )
    if len(key) != KEY_BYTES:
        raise DecryptionError("granted key has the wrong size")
    return key
