"""Opaque tag tokens: HMAC-SHA256 under a tag subkey of the profile key (docs/crypto.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

from normogen_client.crypto.aead import KEY_BYTES
from normogen_client.crypto.errors import CryptoError
from normogen_client.crypto.kdf import hkdf_sha256

INFO_TAG_KEY = b"normogen/v2/tag-key"
TAG_TOKEN_CHARS = 22  # 132 bits of the HMAC as unpadded base64url


def tag_key(profile_key: bytes) -> bytes:
    """HKDF-SHA256(profile key, empty salt, "normogen/v2/tag-key"): never the AES key itself."""
    if len(profile_key) != KEY_BYTES:
        raise CryptoError(f"profile key must be {KEY_BYTES} bytes")
    return hkdf_sha256(profile_key, b"", INFO_TAG_KEY, KEY_BYTES)


def normalize_tag(name: str) -> str:
    """NFC and surrounding whitespace trimmed; empty names are refused."""
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise CryptoError("tag names must not be empty")
    return text


def tag_token(profile_key: bytes, name: str) -> str:
    """base64url(HMAC-SHA256(tag key, UTF-8 of the normalised name)), first 22 characters."""
    digest = hmac.new(
        tag_key(profile_key), normalize_tag(name).encode("utf-8"), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TAG_TOKEN_CHARS]
