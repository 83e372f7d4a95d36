"""Password KDF (PBKDF2-HMAC-SHA256) parameters and the HKDF-SHA256 key schedule."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from normogen_client.crypto.aead import KEY_BYTES
from normogen_client.crypto.encoding import b64_field, b64e, expect_object
from normogen_client.crypto.errors import CryptoError

KDF_ALGORITHM = "pbkdf2-sha256"
# OWASP Password Storage Cheat Sheet (2023+): PBKDF2-HMAC-SHA256 needs >= 600,000 iterations.
MIN_ITERATIONS = 600_000
# Upper bound so a hostile or broken server cannot make a client spin for minutes.
MAX_ITERATIONS = 10_000_000
SALT_BYTES = 16
# NIST SP 800-132 section 5.1: salts of at least 128 bits.
MIN_SALT_BYTES = 16
MAX_SALT_BYTES = 64

INFO_AUTH_KEY = b"normogen/v2/auth-key"
INFO_WRAP_KEY = b"normogen/v2/wrap-key"
INFO_RECOVERY_AUTH_KEY = b"normogen/v2/recovery-auth-key"
INFO_RECOVERY_WRAP_KEY = b"normogen/v2/recovery-wrap-key"

Purpose = Literal["password", "recovery"]
_INFOS: dict[str, tuple[bytes, bytes]] = {
    "password": (INFO_AUTH_KEY, INFO_WRAP_KEY),
    "recovery": (INFO_RECOVERY_AUTH_KEY, INFO_RECOVERY_WRAP_KEY),
}
_KDF_KEYS = frozenset({"algorithm", "iterations", "salt"})


@dataclass(frozen=True)
class KdfParams:
    """PBKDF2 parameters stored by the server in plaintext next to the wrapped user key."""

    algorithm: str
    iterations: int
    salt: bytes

    def __post_init__(self) -> None:
        if self.algorithm != KDF_ALGORITHM:
            raise CryptoError(f"kdf.algorithm must be {KDF_ALGORITHM!r}")
        if type(self.iterations) is not int or not 1 <= self.iterations <= MAX_ITERATIONS:
            raise CryptoError(f"kdf.iterations must be an integer in 1..{MAX_ITERATIONS}")
        if not isinstance(self.salt, bytes):
            raise CryptoError("kdf.salt must be bytes")
        if not MIN_SALT_BYTES <= len(self.salt) <= MAX_SALT_BYTES:
            raise CryptoError(f"kdf.salt must be {MIN_SALT_BYTES}..{MAX_SALT_BYTES} bytes")

    @classmethod
    def new(cls, iterations: int = MIN_ITERATIONS) -> KdfParams:
        """Fresh parameters with a random 16-byte salt."""
        return cls(KDF_ALGORITHM, iterations, os.urandom(SALT_BYTES))

    def to_json(self) -> dict[str, Any]:
        """The wire form `{"algorithm", "iterations", "salt": <std base64>}`."""
        return {"algorithm": self.algorithm, "iterations": self.iterations, "salt": b64e(self.salt)}

    @classmethod
    def from_json(
        cls, obj: Mapping[str, Any], *, min_iterations: int = MIN_ITERATIONS
    ) -> KdfParams:
        """Parse strictly; refuse fewer than `min_iterations` (a server downgrade guard).

        Pass a lower `min_iterations` only when talking to a server that explicitly allows
        weak parameters (tests, development).
        """
        fields = expect_object(obj, _KDF_KEYS, "kdf")
        iterations = fields["iterations"]
        if type(iterations) is not int:
            raise CryptoError("kdf.iterations must be an integer")
        if iterations < max(1, min_iterations):
            raise CryptoError(f"kdf.iterations must be at least {max(1, min_iterations)}")
        return cls(
            algorithm=fields["algorithm"],
            iterations=iterations,
            salt=b64_field(fields, "salt", "kdf"),
        )


def pbkdf2_sha256(secret: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    """Raw PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2)."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=length, salt=salt, iterations=iterations)
    return kdf.derive(secret)


def hkdf_sha256(ikm: bytes, salt: bytes | None, info: bytes, length: int) -> bytes:
    """Raw HKDF-SHA256 (RFC 5869); salt None means HashLen zero bytes."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def normalize_secret(secret: str) -> bytes:
    """NFKC-normalise and UTF-8 encode a password, so equivalent spellings derive one key."""
    if not isinstance(secret, str):
        raise CryptoError("secret must be a string")
    normalized = unicodedata.normalize("NFKC", secret)
    if not normalized:
        raise CryptoError("secret must not be empty")
    return normalized.encode("utf-8")


def derive_master_key(secret: str, kdf: KdfParams) -> bytes:
    """master = PBKDF2-HMAC-SHA256(NFKC(secret) as UTF-8, kdf.salt, kdf.iterations), 32 bytes."""
    if not isinstance(kdf, KdfParams):
        raise CryptoError("kdf must be KdfParams")
    return pbkdf2_sha256(normalize_secret(secret), kdf.salt, kdf.iterations, KEY_BYTES)


def derive_auth_and_wrap_keys(master: bytes, purpose: Purpose = "password") -> tuple[bytes, bytes]:
    """Split a master key into (auth_key, wrap_key) with HKDF-SHA256, no salt.

    purpose "password" uses infos `normogen/v2/auth-key` and `normogen/v2/wrap-key`;
    purpose "recovery" (a recovery-phrase master) uses `normogen/v2/recovery-auth-key` and
    `normogen/v2/recovery-wrap-key`, so the two schedules are separated by construction.
    """
    if not isinstance(master, bytes) or len(master) != KEY_BYTES:
        raise CryptoError(f"master key must be {KEY_BYTES} bytes")
    try:
        auth_info, wrap_info = _INFOS[purpose]
    except KeyError:
        raise CryptoError("purpose must be 'password' or 'recovery'") from None
    return (
        hkdf_sha256(master, None, auth_info, KEY_BYTES),
        hkdf_sha256(master, None, wrap_info, KEY_BYTES),
    )
