"""Recovery phrases (Crockford base32 with a checksum group) and the recovery key schedule."""

from __future__ import annotations

import hashlib
import secrets

from normogen_client.crypto.aead import Envelope
from normogen_client.crypto.contexts import recovery_user_key_aad
from normogen_client.crypto.errors import CryptoError
from normogen_client.crypto.kdf import (
    MIN_ITERATIONS,
    KdfParams,
    derive_auth_and_wrap_keys,
    derive_master_key,
)
from normogen_client.crypto.keys import unwrap_key, wrap_key

# Crockford base32: no I, L, O, U; on input I/L read as 1 and O as 0.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE_ALIASES = {"O": "0", "I": "1", "L": "1"}
PHRASE_BODY_SYMBOLS = 28  # 28 x 5 = 140 bits of entropy
PHRASE_CHECK_SYMBOLS = 4  # first 20 bits of SHA-256(body)
PHRASE_GROUP = 4
_SEPARATORS = frozenset("- \t\r\n")


def _checksum(body: str) -> str:
    """Four symbols: the first 20 bits of SHA-256(ASCII body), most significant first."""
    digest = int.from_bytes(hashlib.sha256(body.encode("ascii")).digest()[:3], "big") >> 4
    bits = 5 * PHRASE_CHECK_SYMBOLS
    return "".join(
        CROCKFORD_ALPHABET[(digest >> (bits - 5 * (i + 1))) & 31]
        for i in range(PHRASE_CHECK_SYMBOLS)
    )


def _group(symbols: str) -> str:
    return "-".join(symbols[i : i + PHRASE_GROUP] for i in range(0, len(symbols), PHRASE_GROUP))


def generate_recovery_phrase() -> str:
    """A new phrase: 8 groups of 4 symbols joined by '-', the last group a checksum."""
    body = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(PHRASE_BODY_SYMBOLS))
    return _group(body + _checksum(body))


def normalize_recovery_phrase(phrase: str) -> str:
    """The canonical form of a typed phrase, tolerating case, spaces and hyphens.

    Raises CryptoError for unknown symbols, a wrong length or a checksum mismatch.
    """
    if not isinstance(phrase, str):
        raise CryptoError("recovery phrase must be a string")
    symbols: list[str] = []
    for char in phrase.upper():
        if char in _SEPARATORS:
            continue
        char = _DECODE_ALIASES.get(char, char)
        if char not in CROCKFORD_ALPHABET:
            raise CryptoError("recovery phrase contains a character outside Crockford base32")
        symbols.append(char)
    expected = PHRASE_BODY_SYMBOLS + PHRASE_CHECK_SYMBOLS
    if len(symbols) != expected:
        raise CryptoError(f"recovery phrase must have {expected} symbols")
    text = "".join(symbols)
    body, check = text[:PHRASE_BODY_SYMBOLS], text[PHRASE_BODY_SYMBOLS:]
    if _checksum(body) != check:
        raise CryptoError("recovery phrase checksum does not match (typo?)")
    return _group(text)


def recovery_keys(phrase: str, kdf: KdfParams) -> tuple[bytes, bytes]:
    """(recovery auth_key, recovery wrap_key): PBKDF2 over the canonical phrase, then HKDF."""
    master = derive_master_key(normalize_recovery_phrase(phrase), kdf)
    return derive_auth_and_wrap_keys(master, "recovery")


def recovery_material(
    user_id: str, phrase: str, user_key: bytes, iterations: int = MIN_ITERATIONS
) -> tuple[bytes, KdfParams, Envelope]:
    """(recovery auth_key, recovery kdf, user key wrapped by the recovery wrap key)."""
    kdf = KdfParams.new(iterations)
    auth_key, wrap = recovery_keys(phrase, kdf)
    return auth_key, kdf, wrap_key(wrap, user_key, recovery_user_key_aad(user_id))


def recover_user_key(
    user_id: str, phrase: str, kdf: KdfParams, wrapped_user_key: Envelope
) -> bytes:
    """The user key from its recovery wrap; DecryptionError for a wrong (valid) phrase."""
    _, wrap = recovery_keys(phrase, kdf)
    return unwrap_key(wrap, wrapped_user_key, recovery_user_key_aad(user_id))
