"""Share-link keys: the URL secret, with a password-derived key when set (docs/crypto.md)."""

from __future__ import annotations

import re

from normogen_client.crypto.aead import KEY_BYTES
from normogen_client.crypto.errors import CryptoError
from normogen_client.crypto.kdf import MIN_ITERATIONS, hkdf_sha256, normalize_secret, pbkdf2_sha256
from normogen_client.crypto.keys import key_from_fragment, key_to_fragment

INFO_LINK_CONTENT = b"normogen/v2/link-content-key"
INFO_LINK_VERIFIER = b"normogen/v2/link-verifier"
INFO_LINK_PASSWORD_SALT = b"normogen/v2/link-password-salt"
# Part of the link format: creator and opener must agree (nothing on the wire carries it).
LINK_PASSWORD_ITERATIONS = MIN_ITERATIONS
# The URL fragment: "1" (the fragment format), "p" or "n" (password or none), "." and the
# unpadded base64url secret; a bare secret is a link made before the flag (docs/crypto.md §8).
_FRAGMENT = re.compile(r"(?:1([pn])\.)?([A-Za-z0-9_-]{43})")


def link_fragment(secret: bytes, has_password: bool) -> str:
    """The URL fragment carrying the secret and whether opening it needs a password."""
    _check_secret(secret)
    return f"1{'p' if has_password else 'n'}.{key_to_fragment(secret)}"


def parse_link_fragment(fragment: str) -> tuple[bytes, bool | None]:
    """(secret, needs a password: True, False, or None for a bare secret); CryptoError if damaged.

    The flag is a hint for the opener only: the password is part of the key derivation.
    """
    match = _FRAGMENT.fullmatch(fragment.removeprefix("#")) if isinstance(fragment, str) else None
    if match is None:
        raise CryptoError("invalid link fragment")
    secret = key_from_fragment(match[2])
    return secret, None if match[1] is None else match[1] == "p"


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or len(secret) != KEY_BYTES:
        raise CryptoError(f"link secret must be {KEY_BYTES} bytes")


def password_salt(secret: bytes) -> bytes:
    """The per-link PBKDF2 salt: HKDF(secret, empty salt, "normogen/v2/link-password-salt")."""
    _check_secret(secret)
    return hkdf_sha256(secret, b"", INFO_LINK_PASSWORD_SALT, KEY_BYTES)


def password_key(secret: bytes, password: str, iterations: int = LINK_PASSWORD_ITERATIONS) -> bytes:
    """PBKDF2-HMAC-SHA256(NFKC(password), password_salt(secret), iterations), 32 bytes."""
    return pbkdf2_sha256(normalize_secret(password), password_salt(secret), iterations, KEY_BYTES)


def link_keys(
    secret: bytes, password: str | None, iterations: int = LINK_PASSWORD_ITERATIONS
) -> tuple[bytes, bytes | None]:
    """(content key, password verifier or None).

    ikm = secret, or secret || password_key with a password; content key and verifier are
    separate HKDF outputs of ikm, so the server's verifier says nothing about the content key.
    """
    _check_secret(secret)
    if password is None:
        return hkdf_sha256(secret, b"", INFO_LINK_CONTENT, KEY_BYTES), None
    ikm = secret + password_key(secret, password, iterations)
    return (
        hkdf_sha256(ikm, b"", INFO_LINK_CONTENT, KEY_BYTES),
        hkdf_sha256(ikm, b"", INFO_LINK_VERIFIER, KEY_BYTES),
    )
