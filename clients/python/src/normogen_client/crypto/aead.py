"""AES-256-GCM and the ciphertext envelope `{"v","alg","iv","data","authTag"}` (docs/crypto.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from normogen_client.crypto.encoding import b64_field, b64e, expect_object
from normogen_client.crypto.errors import CryptoError, DecryptionError

ALGORITHM = "aes-256-gcm"
KEY_BYTES = 32
# 96-bit random IVs: the GCM fast path (NIST SP 800-38D section 8.2.2); with random IVs a key
# must not seal more than 2**32 messages, far beyond one user's records.
IV_BYTES = 12
TAG_BYTES = 16

VERSION = 2  # the crypto contract version every envelope names (docs/crypto.md)
_ENVELOPE_KEYS = frozenset({"v", "alg", "iv", "data", "authTag"})


@dataclass(frozen=True)
class Envelope:
    """One AES-256-GCM ciphertext: `data` excludes the tag, which is kept in `auth_tag`."""

    alg: str
    iv: bytes
    data: bytes
    auth_tag: bytes

    def __post_init__(self) -> None:
        if self.alg != ALGORITHM:
            raise CryptoError(f"envelope.alg must be {ALGORITHM!r}")
        if not isinstance(self.iv, bytes) or len(self.iv) != IV_BYTES:
            raise CryptoError(f"envelope.iv must be {IV_BYTES} bytes")
        if not isinstance(self.data, bytes):
            raise CryptoError("envelope.data must be bytes")
        if not isinstance(self.auth_tag, bytes) or len(self.auth_tag) != TAG_BYTES:
            raise CryptoError(f"envelope.authTag must be {TAG_BYTES} bytes")

    def to_json(self) -> dict[str, Any]:
        """The wire form: `v`, then every binary field as standard base64 with padding."""
        return {
            "v": VERSION,
            "alg": self.alg,
            "iv": b64e(self.iv),
            "data": b64e(self.data),
            "authTag": b64e(self.auth_tag),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Envelope:
        """Parse the wire form strictly: exact keys, known alg, canonical base64, sizes."""
        if isinstance(obj, Mapping) and "v" not in obj:
            raise CryptoError(f"envelope has no version: contract v{VERSION} envelopes carry v")
        fields = expect_object(obj, _ENVELOPE_KEYS, "envelope")
        if type(fields["v"]) is not int or fields["v"] != VERSION:
            raise CryptoError(f"envelope.v must be {VERSION} (crypto contract v{VERSION})")
        if fields["alg"] != ALGORITHM:
            raise CryptoError(f"envelope.alg must be {ALGORITHM!r}")
        return cls(
            alg=ALGORITHM,
            iv=b64_field(fields, "iv", "envelope", IV_BYTES),
            data=b64_field(fields, "data", "envelope"),
            auth_tag=b64_field(fields, "authTag", "envelope", TAG_BYTES),
        )


def _cipher(key: bytes, error: type[CryptoError]) -> AESGCM:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise error(f"key must be {KEY_BYTES} bytes")
    return AESGCM(key)


def encrypt_with_iv(key: bytes, iv: bytes, plaintext: bytes, aad: bytes | None) -> Envelope:
    """Encrypt under a caller-chosen IV: only for known-answer tests; never reuse an IV."""
    sealed = _cipher(key, CryptoError).encrypt(iv, plaintext, aad)
    return Envelope(ALGORITHM, iv, sealed[:-TAG_BYTES], sealed[-TAG_BYTES:])


def encrypt(key: bytes, plaintext: bytes, aad: bytes | None = None) -> Envelope:
    """AES-256-GCM under `key` with a fresh random 96-bit IV; `aad` is authenticated only."""
    if not isinstance(plaintext, bytes):
        raise CryptoError("plaintext must be bytes")
    return encrypt_with_iv(key, os.urandom(IV_BYTES), plaintext, aad)


def decrypt(key: bytes, envelope: Envelope, aad: bytes | None = None) -> bytes:
    """Verify and decrypt; any failure (key, AAD, tampering, shape) raises DecryptionError."""
    if not isinstance(envelope, Envelope):
        raise DecryptionError("not an Envelope")
    cipher = _cipher(key, DecryptionError)
    try:
        return cipher.decrypt(envelope.iv, envelope.data + envelope.auth_tag, aad)
    except InvalidTag:
        raise DecryptionError("authentication failed") from None


def json_bytes(obj: Any) -> bytes:
    """A JSON value serialised compactly as UTF-8 (no NaN/Infinity)."""
    try:
        text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CryptoError(f"value is not JSON-serialisable: {type(exc).__name__}") from None
    return text.encode("utf-8")


def encrypt_json(key: bytes, obj: Any, aad: bytes | None = None) -> Envelope:
    """Encrypt a JSON value serialised compactly as UTF-8 (no NaN/Infinity)."""
    return encrypt(key, json_bytes(obj), aad)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def decrypt_json(key: bytes, envelope: Envelope, aad: bytes | None = None) -> Any:
    """Decrypt and parse a value written by `encrypt_json`."""
    raw = decrypt(key, envelope, aad)
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        raise DecryptionError("plaintext is not UTF-8 JSON") from None
