"""Random keys, key wrapping under a context AAD, and X25519 sealing to a public key."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from normogen_client.crypto.aead import KEY_BYTES, Envelope, decrypt, encrypt, encrypt_with_iv
from normogen_client.crypto.errors import CryptoError, DecryptionError
from normogen_client.crypto.kdf import hkdf_sha256

X25519_BYTES = 32
INFO_SEAL = b"normogen/v2/seal"


def new_key() -> bytes:
    """A fresh random 256-bit symmetric key."""
    return os.urandom(KEY_BYTES)


def _check_key(key: bytes, name: str, error: type[CryptoError] = CryptoError) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise error(f"{name} must be {KEY_BYTES} bytes")


def _check_aad(aad: bytes) -> None:
    if not isinstance(aad, bytes) or not aad:
        raise CryptoError("aad must be non-empty bytes")


def wrap_key(wrapping_key: bytes, key: bytes, aad: bytes) -> Envelope:
    """Encrypt a 32-byte key under another with AES-256-GCM and a role AAD."""
    _check_key(key, "key")
    _check_aad(aad)
    return encrypt(wrapping_key, key, aad)


def unwrap_key(wrapping_key: bytes, envelope: Envelope, aad: bytes) -> bytes:
    """Inverse of `wrap_key`; raises DecryptionError unless a 32-byte key comes out."""
    _check_aad(aad)
    key = decrypt(wrapping_key, envelope, aad)
    _check_key(key, "unwrapped key", DecryptionError)
    return key


def key_to_fragment(key: bytes) -> str:
    """A key as unpadded base64url, for a share link's URL fragment (`/s/<id>#<key>`)."""
    _check_key(key, "key")
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def key_from_fragment(fragment: str) -> bytes:
    """Parse `key_to_fragment` output (canonical unpadded base64url of 32 bytes)."""
    if not isinstance(fragment, str) or not fragment.isascii() or "=" in fragment:
        raise CryptoError("invalid key fragment")
    try:
        key = base64.urlsafe_b64decode(fragment + "=" * (-len(fragment) % 4))
    except (binascii.Error, ValueError):
        raise CryptoError("invalid key fragment") from None
    if len(key) != KEY_BYTES or key_to_fragment(key) != fragment:
        raise CryptoError("invalid key fragment")
    return key


def generate_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair as (private raw 32 bytes, public raw 32 bytes)."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def _private(raw: bytes, error: type[CryptoError]) -> X25519PrivateKey:
    if not isinstance(raw, bytes) or len(raw) != X25519_BYTES:
        raise error(f"X25519 private key must be {X25519_BYTES} bytes")
    return X25519PrivateKey.from_private_bytes(raw)


def _public(raw: bytes, error: type[CryptoError]) -> X25519PublicKey:
    if not isinstance(raw, bytes) or len(raw) != X25519_BYTES:
        raise error(f"X25519 public key must be {X25519_BYTES} bytes")
    return X25519PublicKey.from_public_bytes(raw)


def public_key_from_private(private: bytes) -> bytes:
    """The raw X25519 public key of a raw private key."""
    return _private(private, CryptoError).public_key().public_bytes_raw()


def x25519(private: bytes, public: bytes) -> bytes:
    """Raw X25519 shared secret (RFC 7748); low-order public keys raise CryptoError."""
    try:
        return _private(private, CryptoError).exchange(_public(public, CryptoError))
    except ValueError:
        # OpenSSL refuses an all-zero shared secret (RFC 7748 section 6.1 check).
        raise CryptoError("X25519 exchange failed (low-order public key)") from None


def _seal_key(shared: bytes, epk: bytes, recipient_public: bytes) -> bytes:
    return hkdf_sha256(shared, epk + recipient_public, INFO_SEAL, KEY_BYTES)


def seal(
    recipient_public: bytes,
    plaintext: bytes,
    aad: bytes,
    *,
    ephemeral: bytes | None = None,
    iv: bytes | None = None,
) -> tuple[bytes, Envelope]:
    """Encrypt to an X25519 public key; returns (ephemeral public key, envelope).

    key = HKDF-SHA256(X25519(ephemeral, recipient), salt = epk || recipient_public,
    info = "normogen/v2/seal"), then AES-256-GCM with `aad`. `ephemeral` and `iv` are for
    known-answer vectors only: a fresh ephemeral key and IV are drawn otherwise.
    """
    _check_aad(aad)
    if ephemeral is None:
        ephemeral, epk = generate_keypair()
    else:
        epk = public_key_from_private(ephemeral)
    shared = x25519(ephemeral, recipient_public)
    key = _seal_key(shared, epk, recipient_public)
    envelope = (
        encrypt(key, plaintext, aad) if iv is None else encrypt_with_iv(key, iv, plaintext, aad)
    )
    return epk, envelope


def open_sealed(private: bytes, epk: bytes, envelope: Envelope, aad: bytes) -> bytes:
    """Open `seal` output; every failure raises DecryptionError."""
    _check_aad(aad)
    try:
        recipient_public = public_key_from_private(private)
        shared = x25519(private, epk)
    except DecryptionError:
        raise
    except CryptoError as exc:
        raise DecryptionError(str(exc)) from None
    return decrypt(_seal_key(shared, epk, recipient_public), envelope, aad)
