"""X25519 sealing to a public key, checked against the construction of docs/crypto.md."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from normogen_client.crypto import (
    CryptoError,
    DecryptionError,
    Envelope,
    generate_keypair,
    key_from_fragment,
    key_to_fragment,
    new_key,
    open_sealed,
    public_key_from_private,
    seal,
    unwrap_key,
    wrap_key,
)
from normogen_client.crypto.contexts import family_key_aad, profile_key_aad_user

AAD_FAMILY_KEY = family_key_aad("2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7f", 1, "a" * 32)
AAD_PROFILE_KEY = profile_key_aad_user("6f1c3a52-8d4e-4b7a-9c2f-0e5d7a1b3c4d", 1, "a" * 32)


def spec_seal_key(shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    """HKDF-SHA256(shared, salt=epk||recipient, info="normogen/v2/seal"), from RFC 5869."""
    prk = hmac.new(epk + recipient, shared, hashlib.sha256).digest()
    return hmac.new(prk, b"normogen/v2/seal\x01", hashlib.sha256).digest()


def seal_json(public: bytes, plaintext: bytes, aad: bytes) -> dict[str, Any]:
    epk, envelope = seal(public, plaintext, aad)
    return {"epk": epk, "envelope": envelope}


def open_json(private: bytes, sealed: dict[str, Any], aad: bytes) -> bytes:
    return open_sealed(private, sealed["epk"], sealed["envelope"], aad)


def test_generate_keypair_is_consistent_and_fresh() -> None:
    private, public = generate_keypair()
    assert len(private) == len(public) == 32
    assert public_key_from_private(private) == public
    assert generate_keypair()[0] != private


def test_seal_output_opens_with_the_documented_construction() -> None:
    private, public = generate_keypair()
    family_key = new_key()
    epk, envelope = seal(public, family_key, AAD_FAMILY_KEY)
    shared = X25519PrivateKey.from_private_bytes(private).exchange(
        X25519PublicKey.from_public_bytes(epk)
    )
    env = envelope.to_json()
    assert env["alg"] == "aes-256-gcm"
    assert env["v"] == 2
    ciphertext = base64.b64decode(env["data"]) + base64.b64decode(env["authTag"])
    key = spec_seal_key(shared, epk, public)
    assert AESGCM(key).decrypt(base64.b64decode(env["iv"]), ciphertext, AAD_FAMILY_KEY) == (
        family_key
    )


def test_documented_construction_opens_with_open_sealed() -> None:
    private, public = generate_keypair()
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    iv = os.urandom(12)
    sealed = AESGCM(spec_seal_key(shared, epk, public)).encrypt(iv, b"profile key", AAD_PROFILE_KEY)
    envelope = Envelope("aes-256-gcm", iv, sealed[:-16], sealed[-16:])
    assert open_sealed(private, epk, envelope, AAD_PROFILE_KEY) == b"profile key"


def test_wrong_private_key_wrong_aad_and_swapped_epk_fail() -> None:
    private, public = generate_keypair()
    other_private, other_public = generate_keypair()
    sealed = seal_json(public, b"k" * 32, AAD_FAMILY_KEY)
    with pytest.raises(DecryptionError):
        open_json(other_private, sealed, AAD_FAMILY_KEY)
    with pytest.raises(DecryptionError):
        open_json(private, sealed, AAD_PROFILE_KEY)
    with pytest.raises(DecryptionError):
        open_json(private, {**sealed, "epk": other_public}, AAD_FAMILY_KEY)
    with pytest.raises(DecryptionError):
        open_json(private, {**sealed, "epk": b"\x01" * 31}, AAD_FAMILY_KEY)


def test_low_order_public_keys_are_refused() -> None:
    # The all-zero point has order 1: the shared secret would be zero, independent of our key.
    with pytest.raises(CryptoError):
        seal(b"\x00" * 32, b"k", AAD_FAMILY_KEY)
    private, _ = generate_keypair()
    sealed = seal_json(generate_keypair()[1], b"k", AAD_FAMILY_KEY)
    with pytest.raises(DecryptionError):
        open_json(private, {**sealed, "epk": bytes(32)}, AAD_FAMILY_KEY)


def test_wrap_unwrap_binds_the_role_aad() -> None:
    parent, child = new_key(), new_key()
    wrapped = wrap_key(parent, child, AAD_PROFILE_KEY)
    assert unwrap_key(parent, wrapped, AAD_PROFILE_KEY) == child
    with pytest.raises(DecryptionError):
        unwrap_key(parent, wrapped, AAD_FAMILY_KEY)
    with pytest.raises(CryptoError):
        wrap_key(parent, child[:16], AAD_PROFILE_KEY)
    with pytest.raises(CryptoError):
        wrap_key(parent, child, b"")


def test_link_key_fragment_round_trip_and_strictness() -> None:
    key = new_key()
    fragment = key_to_fragment(key)
    assert "=" not in fragment
    assert len(fragment) == 43
    assert key_from_fragment(fragment) == key
    assert base64.urlsafe_b64decode(fragment + "=") == key
    for bad in [fragment + "=", fragment[:-1], fragment.replace(fragment[0], "+"), "é" * 43]:
        with pytest.raises(CryptoError):
            key_from_fragment(bad)


@settings(max_examples=25)
@given(plaintext=st.binary(max_size=128), aad=st.binary(min_size=1, max_size=32))
def test_seal_open_round_trip_property(plaintext: bytes, aad: bytes) -> None:
    private, public = generate_keypair()
    assert open_json(private, seal_json(public, plaintext, aad), aad) == plaintext
