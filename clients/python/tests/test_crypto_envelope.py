"""AES-256-GCM envelope: round trips, tamper detection, JSON strictness, strict base64."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from normogen_client.crypto import (
    IV_BYTES,
    TAG_BYTES,
    CryptoError,
    DecryptionError,
    Envelope,
    b64d,
    b64e,
    decrypt,
    decrypt_json,
    encrypt,
    encrypt_json,
    new_key,
)

KEY = bytes(range(32))
AAD = b"normogen/v1/test"


def flip(raw: bytes, bit: int) -> bytes:
    """`raw` with one bit inverted."""
    out = bytearray(raw)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def tamper(envelope: Envelope, field: str, bit: int) -> Envelope:
    """`envelope` with one bit of `field` ("iv", "data" or "auth_tag") inverted."""
    iv, data, tag = envelope.iv, envelope.data, envelope.auth_tag
    if field == "iv":
        iv = flip(iv, bit)
    elif field == "data":
        data = flip(data, bit)
    else:
        tag = flip(tag, bit)
    return Envelope(envelope.alg, iv, data, tag)


def test_envelope_layout_matches_an_independent_gcm() -> None:
    envelope = encrypt(KEY, b"glucose 5.4 mmol/L", AAD)
    assert len(envelope.iv) == IV_BYTES
    assert len(envelope.auth_tag) == TAG_BYTES
    # data is the bare ciphertext; the library's combined output is ciphertext || tag.
    combined = AESGCM(KEY).encrypt(envelope.iv, b"glucose 5.4 mmol/L", AAD)
    assert envelope.data + envelope.auth_tag == combined


def test_round_trip_with_and_without_aad() -> None:
    assert decrypt(KEY, encrypt(KEY, b"x", AAD), AAD) == b"x"
    assert decrypt(KEY, encrypt(KEY, b""), None) == b""


def test_fresh_iv_per_encryption() -> None:
    ivs = {encrypt(KEY, b"same").iv for _ in range(64)}
    assert len(ivs) == 64


@pytest.mark.parametrize("field", ["iv", "data", "auth_tag"])
def test_flipped_bit_in_any_field_is_rejected(field: str) -> None:
    envelope = encrypt(KEY, b"blood pressure 120/80", AAD)
    with pytest.raises(DecryptionError):
        decrypt(KEY, tamper(envelope, field, 3), AAD)


def test_wrong_aad_wrong_key_and_missing_aad_are_rejected() -> None:
    envelope = encrypt(KEY, b"secret", AAD)
    with pytest.raises(DecryptionError):
        decrypt(KEY, envelope, flip(AAD, 0))
    with pytest.raises(DecryptionError):
        decrypt(KEY, envelope, None)
    with pytest.raises(DecryptionError):
        decrypt(new_key(), envelope, AAD)
    with pytest.raises(DecryptionError):
        decrypt(KEY[:16], envelope, AAD)


def test_encrypt_refuses_short_keys() -> None:
    with pytest.raises(CryptoError):
        encrypt(KEY[:31], b"x")


def test_json_helpers_round_trip_compact_utf8() -> None:
    value = {"kind": "lab", "name": "Hämoglobin", "value": 13.5, "tags": [1, None, True]}
    envelope = encrypt_json(KEY, value, AAD)
    assert decrypt_json(KEY, envelope, AAD) == value
    plaintext = decrypt(KEY, envelope, AAD)
    assert b" " not in plaintext
    assert "Hämoglobin".encode() in plaintext


def test_json_helpers_reject_nan_and_non_json() -> None:
    with pytest.raises(CryptoError):
        encrypt_json(KEY, {"v": float("nan")})
    with pytest.raises(CryptoError):
        encrypt_json(KEY, {"v": object()})
    with pytest.raises(DecryptionError):
        decrypt_json(KEY, encrypt(KEY, b"NaN"))
    with pytest.raises(DecryptionError):
        decrypt_json(KEY, encrypt(KEY, b"\xff\xfe"))


def test_to_json_is_standard_base64_with_padding() -> None:
    envelope = Envelope("aes-256-gcm", b"\xfb" * 12, b"\xff\xfe", b"\x00" * 16)
    assert envelope.to_json() == {
        "v": 2,
        "alg": "aes-256-gcm",
        "iv": base64.b64encode(b"\xfb" * 12).decode(),
        "data": "//4=",
        "authTag": "AAAAAAAAAAAAAAAAAAAAAA==",
    }
    assert Envelope.from_json(envelope.to_json()) == envelope


def good_json() -> dict[str, Any]:
    return encrypt(KEY, b"payload", AAD).to_json()


BAD_ENVELOPES: list[tuple[str, dict[str, Any]]] = [
    ("alg", {"alg": "aes-128-gcm"}),
    ("alg case", {"alg": "AES-256-GCM"}),
    ("iv short", {"iv": b64e(b"\x00" * 11)}),
    ("iv long", {"iv": b64e(b"\x00" * 13)}),
    ("tag short", {"authTag": b64e(b"\x00" * 15)}),
    ("tag long", {"authTag": b64e(b"\x00" * 17)}),
    ("url-safe alphabet", {"data": "-_-_"}),
    ("missing padding", {"data": "//4"}),
    ("non-canonical pad bits", {"data": "//5="}),
    ("whitespace", {"data": "//4=\n"}),
    ("non-ascii", {"data": "ÿÿÿÿ"}),
    ("number", {"data": 12}),
    ("null", {"iv": None}),
    ("version 1", {"v": 1}),
    ("version string", {"v": "2"}),
    ("version bool", {"v": True}),
]


@pytest.mark.parametrize(("label", "change"), BAD_ENVELOPES, ids=[b[0] for b in BAD_ENVELOPES])
def test_from_json_rejects_malformed_fields(label: str, change: dict[str, Any]) -> None:
    with pytest.raises(CryptoError):
        Envelope.from_json({**good_json(), **change})


def test_from_json_rejects_missing_and_extra_keys_and_non_objects() -> None:
    missing = good_json()
    del missing["authTag"]
    with pytest.raises(CryptoError, match="authTag"):
        Envelope.from_json(missing)
    with pytest.raises(CryptoError, match="tag"):
        Envelope.from_json({**good_json(), "tag": "AAAA"})
    with pytest.raises(CryptoError):
        Envelope.from_json(["aes-256-gcm"])  # type: ignore[arg-type]
    v1 = good_json()
    del v1["v"]
    with pytest.raises(CryptoError, match="version"):
        Envelope.from_json(v1)


def test_envelope_constructor_validates_sizes() -> None:
    with pytest.raises(CryptoError):
        Envelope("aes-256-gcm", b"\x00" * 16, b"", b"\x00" * 16)
    with pytest.raises(CryptoError):
        Envelope("aes-256-gcm", b"\x00" * 12, b"", b"\x00" * 12)


def test_b64_strictness() -> None:
    assert b64d("AAEC") == b"\x00\x01\x02"
    assert b64d("") == b""
    for bad in ["AAE", "AAE=\n", " AAEC", "AA=C", "AAF=", "AA-_", "AAEC=="]:
        with pytest.raises(CryptoError):
            b64d(bad)


@given(st.binary(max_size=64))
def test_b64_round_trip_property(raw: bytes) -> None:
    assert b64d(b64e(raw)) == raw


@given(plaintext=st.binary(max_size=512), aad=st.binary(min_size=1, max_size=64))
def test_encrypt_decrypt_and_json_round_trip_property(plaintext: bytes, aad: bytes) -> None:
    envelope = Envelope.from_json(encrypt(KEY, plaintext, aad).to_json())
    assert decrypt(KEY, envelope, aad) == plaintext


@given(plaintext=st.binary(max_size=64), data=st.data())
def test_any_single_bit_flip_is_detected_property(plaintext: bytes, data: st.DataObject) -> None:
    envelope = encrypt(KEY, plaintext, AAD)
    fields = ["iv", "auth_tag"] + (["data"] if plaintext else [])
    field = data.draw(st.sampled_from(fields))
    value: bytes = getattr(envelope, field)
    bit = data.draw(st.integers(min_value=0, max_value=len(value) * 8 - 1))
    with pytest.raises(DecryptionError):
        decrypt(KEY, tamper(envelope, field, bit), AAD)
