"""Pydantic types for ciphertext envelopes, grants, keys and KDF parameters (docs/crypto.md).

The server cannot decrypt anything; it checks shapes: standard padded base64, exact IV, tag
and key lengths, bounded ciphertext sizes, `alg` equal to the configured algorithm and the
contract version `v`. A v1-shaped write fails with the `crypto_version_unsupported` error type,
which the handlers turn into 400 naming the contract version (normogen/handlers.py).
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from normogen.config import Settings
from normogen.errors import InvalidInput
from normogen.schemas import StrictModel

# ENCRYPTION_ALGORITHM is a Literal in Settings, so the configured value is always one of these
# (today exactly one): an envelope naming anything else cannot match any deployment's setting.
SUPPORTED_ALGORITHMS: tuple[str, ...] = get_args(
    Settings.model_fields["ENCRYPTION_ALGORITHM"].annotation
)
IV_BYTES = 12  # AES-GCM nonce (NIST SP 800-38D recommends 96 bits)
TAG_BYTES = 16  # full 128-bit GCM tag
KEY_BYTES = 32  # 256-bit keys: auth key, X25519 and Ed25519 public keys
SIGNATURE_BYTES = 64  # Ed25519
CONTRACT_VERSION = 2  # docs/crypto.md
VERSION_ERROR = "crypto_version_unsupported"
MAX_WRAPPED_KEY_BYTES = 1024  # a wrapped 32-byte key plus generous room for a key structure
MAX_ENVELOPE_BYTES = 256 * 1024  # one encrypted payload (the request body limit still applies)
KDF_ALGORITHM = "pbkdf2-sha256"
KDF_MAX_ITERATIONS = 10_000_000  # bounds the client's (and an attacker's) derivation cost
SALT_MIN_BYTES = 16
SALT_MAX_BYTES = 64


def b64decode(value: str) -> bytes:
    """Decode canonical standard base64 (padding required), or raise ValueError."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("must be standard base64 with padding") from None
    if base64.b64encode(raw).decode() != value:
        raise ValueError("must be canonical standard base64 with padding")
    return raw


def b64bytes(minimum: int, maximum: int) -> Callable[[str], str]:
    """A validator accepting base64 of `minimum`..`maximum` decoded bytes (kept as text)."""
    longest = 4 * math.ceil(maximum / 3)
    size = f"{minimum}" if minimum == maximum else f"{minimum} to {maximum}"

    def check(value: str) -> str:
        if len(value) > longest:  # reject before decoding an oversized string
            raise ValueError(f"must encode {size} bytes")
        if not minimum <= len(b64decode(value)) <= maximum:
            raise ValueError(f"must encode {size} bytes")
        return value

    return check


def B64(minimum: int, maximum: int) -> Any:  # noqa: N802  # reads like a type in annotations
    """`Annotated[str, B64(1, 64)]`: base64 text of a bounded number of bytes."""
    return AfterValidator(b64bytes(minimum, maximum))


def retired(message: str) -> PydanticCustomError:
    """The validation error of a v1-shaped write: 400 `crypto_version_unsupported`."""
    return PydanticCustomError(
        VERSION_ERROR,
        "crypto contract v1 is retired; this server speaks v{version} (docs/crypto.md): {detail}",
        {"version": CONTRACT_VERSION, "detail": message},
    )


def require_v2(data: Any, *, retired_fields: tuple[str, ...] = ()) -> Any:
    """A `mode="before"` check: fields that only v1 sent in plaintext are refused (400).

    Missing v2 fields are ordinary validation errors (422); v1 envelopes and sealed keys are
    recognised by `Envelope` and `Grant` themselves.
    """
    if not isinstance(data, dict):
        return data
    gone = [name for name in retired_fields if name in data]
    if gone:
        raise retired(f"{', '.join(gone)} no longer travel in plaintext")
    return data


B64Key32 = Annotated[str, Field(max_length=64), B64(KEY_BYTES, KEY_BYTES)]
B64Signature = Annotated[str, Field(max_length=128), B64(SIGNATURE_BYTES, SIGNATURE_BYTES)]
Salt = Annotated[str, Field(max_length=128), B64(SALT_MIN_BYTES, SALT_MAX_BYTES)]


class Envelope(StrictModel):
    """`{"v", "alg", "iv", "data", "authTag"}`: one AES-256-GCM ciphertext, shape-checked."""

    v: Literal[2]
    alg: Annotated[str, Field(json_schema_extra={"enum": list(SUPPORTED_ALGORITHMS)})]
    iv: Annotated[str, Field(max_length=32), B64(IV_BYTES, IV_BYTES)]
    data: Annotated[str, B64(0, MAX_ENVELOPE_BYTES)]
    auth_tag: Annotated[str, Field(alias="authTag", max_length=32), B64(TAG_BYTES, TAG_BYTES)]

    model_config = ConfigDict(serialize_by_alias=True)

    @model_validator(mode="before")
    @classmethod
    def _version(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        v1_shaped = "v" not in data and "alg" in data
        if v1_shaped or ("v" in data and data["v"] != CONTRACT_VERSION):
            raise retired(f'envelopes carry "v": {CONTRACT_VERSION}')
        return data

    @field_validator("alg")
    @classmethod
    def _alg(cls, value: str) -> str:
        if value not in SUPPORTED_ALGORITHMS:
            raise ValueError(f"must be {' or '.join(SUPPORTED_ALGORITHMS)}")
        return value

    def to_doc(self) -> dict[str, str]:
        """The stored (and exported) form: the same JSON shape the client sent."""
        return self.model_dump(by_alias=True)


class WrappedKey(Envelope):
    """An envelope holding a wrapped key: small ciphertext, at least one key's worth."""

    data: Annotated[str, B64(KEY_BYTES, MAX_WRAPPED_KEY_BYTES)]


class Grant(StrictModel):
    """A family key sealed to one member and signed by the owner's identity key."""

    v: Literal[2]
    epk: B64Key32
    envelope: WrappedKey
    signer_id: Annotated[str, Field(min_length=1, max_length=64)]
    signature: B64Signature

    @model_validator(mode="before")
    @classmethod
    def _signed(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        v1_shaped = "signature" not in data and "epk" in data
        if v1_shaped or ("v" in data and data["v"] != CONTRACT_VERSION):
            raise retired(
                "family keys travel as signed grants (v, epk, envelope, signer_id, signature)"
            )
        return data

    def to_doc(self) -> dict[str, Any]:
        return {
            "v": self.v,
            "epk": self.epk,
            "envelope": self.envelope.to_doc(),
            "signer_id": self.signer_id,
            "signature": self.signature,
        }


class KdfParams(StrictModel):
    """`{"algorithm": "pbkdf2-sha256", "iterations", "salt"}` chosen by the client."""

    algorithm: Literal["pbkdf2-sha256"]
    iterations: Annotated[int, Field(ge=1, le=KDF_MAX_ITERATIONS)]
    salt: Salt

    def to_doc(self) -> dict[str, Any]:
        return self.model_dump()


def require_kdf_minimum(kdf: KdfParams, settings: Settings, field: str) -> None:
    """Enforce the deployment's KDF_MIN_ITERATIONS (a runtime setting, so not in the type)."""
    if kdf.iterations < settings.KDF_MIN_ITERATIONS:
        raise InvalidInput(
            f"Invalid input: {field}.iterations must be at least {settings.KDF_MIN_ITERATIONS}"
        )
