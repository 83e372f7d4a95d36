"""Strict standard base64 and JSON-object field helpers shared by the crypto modules."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from normogen_client.crypto.errors import CryptoError


def b64e(raw: bytes) -> str:
    """Encode bytes as standard base64 (RFC 4648 section 4) with padding."""
    return base64.b64encode(raw).decode("ascii")


def b64d(text: str) -> bytes:
    """Decode canonical standard base64 with padding; anything else raises CryptoError.

    Rejects whitespace, the URL-safe alphabet, missing padding and non-canonical encodings
    (non-zero pad bits), so every byte string has exactly one accepted text form.
    """
    if not isinstance(text, str) or not text.isascii():
        raise CryptoError("invalid base64")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError("invalid base64") from None
    if b64e(raw) != text:
        raise CryptoError("invalid base64 (non-canonical)")
    return raw


def expect_object(obj: object, keys: frozenset[str], what: str) -> Mapping[str, Any]:
    """Check that obj is a mapping with exactly `keys`; name what is missing or unexpected."""
    if not isinstance(obj, Mapping):
        raise CryptoError(f"{what} must be a JSON object")
    present = set(obj.keys())
    missing = sorted(keys - present)
    if missing:
        raise CryptoError(f"{what} is missing {', '.join(missing)}")
    extra = sorted(str(k) for k in present - keys)
    if extra:
        raise CryptoError(f"{what} has unexpected fields {', '.join(extra)}")
    return obj


def b64_field(obj: Mapping[str, Any], key: str, what: str, size: int | None = None) -> bytes:
    """Decode the base64 string field `key`, optionally requiring an exact decoded size."""
    value = obj[key]
    if not isinstance(value, str):
        raise CryptoError(f"{what}.{key} must be a base64 string")
    try:
        raw = b64d(value)
    except CryptoError:
        raise CryptoError(f"{what}.{key} is not canonical standard base64") from None
    if size is not None and len(raw) != size:
        raise CryptoError(f"{what}.{key} must decode to {size} bytes")
    return raw
