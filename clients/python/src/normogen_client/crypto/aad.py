"""Canonical length-prefixed encoding of AAD and signed messages (docs/crypto.md, "AAD")."""

from __future__ import annotations

from collections.abc import Iterable

from normogen_client.crypto.errors import CryptoError

CONTRACT_VERSION = 2
PREFIX = "normogen/v2/"
MAX_FIELD_BYTES = 2**32 - 1

Field = str | bytes | int | None | list[str]


def lp(raw: bytes) -> bytes:
    """`u32be(len(raw)) || raw`: one length-prefixed field."""
    if len(raw) > MAX_FIELD_BYTES:
        raise CryptoError("AAD field too long")
    return len(raw).to_bytes(4, "big") + raw


def field_bytes(value: Field) -> bytes:
    """A field's bytes: text as UTF-8, integers in decimal, None as empty, lists nested."""
    if isinstance(value, bool):
        raise CryptoError("booleans are not AAD fields")
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, int):
        if value < 0:
            raise CryptoError("AAD integers are non-negative")
        return str(value).encode("ascii")
    if value is None:
        return b""
    if isinstance(value, list):
        return b"".join(lp(item.encode("utf-8")) for item in value)
    raise CryptoError(f"unsupported AAD field type {type(value).__name__}")


def encode(label: str, fields: Iterable[Field]) -> bytes:
    """`lp(label) || lp(f1) || ... || lp(fn)`, the label a `normogen/v2/...` purpose."""
    if not label.startswith(PREFIX):
        raise CryptoError(f"AAD labels start with {PREFIX!r}")
    return lp(label.encode("ascii")) + b"".join(lp(field_bytes(f)) for f in fields)
