"""Ed25519 identity keys, per-user fingerprints and two-party safety numbers (docs/crypto.md)."""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from normogen_client.crypto.aad import encode
from normogen_client.crypto.errors import CryptoError

ED25519_BYTES = 32
SIGNATURE_BYTES = 64
SAFETY_GROUPS = 12
SAFETY_GROUP_DIGITS = 5


def generate_identity() -> tuple[bytes, bytes]:
    """A fresh Ed25519 pair as (32-byte seed, 32-byte public key)."""
    private = Ed25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def _private(seed: bytes) -> Ed25519PrivateKey:
    if not isinstance(seed, bytes) or len(seed) != ED25519_BYTES:
        raise CryptoError(f"Ed25519 seed must be {ED25519_BYTES} bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def identity_public(seed: bytes) -> bytes:
    """The raw Ed25519 public key of a seed."""
    return _private(seed).public_key().public_bytes_raw()


def sign(seed: bytes, message: bytes) -> bytes:
    """A 64-byte Ed25519 signature (RFC 8032, deterministic)."""
    return _private(seed).sign(message)


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True only for a valid signature by `public` over `message`."""
    if not isinstance(public, bytes) or len(public) != ED25519_BYTES:
        return False
    if not isinstance(signature, bytes) or len(signature) != SIGNATURE_BYTES:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(user_id: str, identity_key: bytes, public_key: bytes) -> bytes:
    """SHA-256 of a user's id and both public keys: what pins and safety numbers compare."""
    if len(identity_key) != ED25519_BYTES or len(public_key) != ED25519_BYTES:
        raise CryptoError("fingerprints take 32-byte identity and public keys")
    return hashlib.sha256(
        encode("normogen/v2/fingerprint", [user_id, identity_key, public_key])
    ).digest()


def safety_number(fingerprint_a: bytes, fingerprint_b: bytes) -> str:
    """60 digits in 12 groups of 5, the same for both users (fingerprints sorted first)."""
    low, high = sorted((fingerprint_a, fingerprint_b))
    digest = hashlib.sha512(encode("normogen/v2/safety-number", [low, high])).digest()
    groups = [
        int.from_bytes(digest[5 * i : 5 * i + 5], "big") % 10**SAFETY_GROUP_DIGITS
        for i in range(SAFETY_GROUPS)
    ]
    return " ".join(f"{group:05d}" for group in groups)


def normalize_safety_number(text: str) -> str:
    """Canonical form of a typed safety number (digits only, regrouped); CryptoError if wrong."""
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if (
        len(digits) != SAFETY_GROUPS * SAFETY_GROUP_DIGITS
        or not digits.isascii()
        or not digits.isdigit()
    ):
        raise CryptoError("a safety number has 60 digits")
    return " ".join(digits[i : i + 5] for i in range(0, len(digits), 5))
