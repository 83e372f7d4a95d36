"""Known-answer tests against published vectors (RFC 7914, RFC 5869, GCM spec, RFC 7748)."""

from __future__ import annotations

import pytest

from normogen_client.crypto import (
    ALGORITHM,
    Envelope,
    decrypt,
    hkdf_sha256,
    identity_public,
    pbkdf2_sha256,
    public_key_from_private,
    sign,
    verify,
    x25519,
)
from normogen_client.crypto.aead import encrypt_with_iv

H = bytes.fromhex

# RFC 7914 section 11, and the widely published PBKDF2-HMAC-SHA256 companions to RFC 6070.
PBKDF2_VECTORS = [
    (
        b"passwd",
        b"salt",
        1,
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    ),
    (
        b"Password",
        b"NaCl",
        80000,
        "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
        "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d",
    ),
    (b"password", b"salt", 1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
    (b"password", b"salt", 2, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
    (
        b"password",
        b"salt",
        4096,
        "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
    ),
    (
        b"passwordPASSWORDpassword",
        b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
        4096,
        "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9",
    ),
]


@pytest.mark.parametrize(
    ("password", "salt", "iterations", "expected"),
    PBKDF2_VECTORS,
    ids=["rfc7914-1", "rfc7914-2", "c1", "c2", "c4096", "c4096-long"],
)
def test_pbkdf2_sha256_published_vectors(
    password: bytes, salt: bytes, iterations: int, expected: str
) -> None:
    assert pbkdf2_sha256(password, salt, iterations, len(H(expected))) == H(expected)


# RFC 5869 appendix A.1-A.3 (SHA-256).
HKDF_VECTORS = [
    (
        "0b" * 22,
        "000102030405060708090a0b0c",
        "f0f1f2f3f4f5f6f7f8f9",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    ),
    (
        bytes(range(0x00, 0x50)).hex(),
        bytes(range(0x60, 0xB0)).hex(),
        bytes(range(0xB0, 0x100)).hex(),
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
        "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
        "cc30c58179ec3e87c14c01d5c1f3434f1d87",
    ),
    (
        "0b" * 22,
        "",
        "",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    ),
]


@pytest.mark.parametrize(("ikm", "salt", "info", "okm"), HKDF_VECTORS, ids=["A.1", "A.2", "A.3"])
def test_hkdf_sha256_rfc5869_vectors(ikm: str, salt: str, info: str, okm: str) -> None:
    assert hkdf_sha256(H(ikm), H(salt), H(info), len(H(okm))) == H(okm)


def test_hkdf_without_salt_equals_rfc5869_case_3() -> None:
    # The account key schedule uses "no salt"; RFC 5869 section 2.2 defines it as HashLen zeros.
    okm = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
    assert hkdf_sha256(H("0b" * 22), None, b"", 42) == H(okm)


# McGrew-Viega, "The Galois/Counter Mode of Operation", test cases 13-16 (256-bit key).
GCM_KEY = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
GCM_PT = (
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
)
GCM_CT = (
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad"
)
GCM_VECTORS = [
    ("00" * 32, "00" * 12, "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
    (
        "00" * 32,
        "00" * 12,
        "00" * 16,
        "",
        "cea7403d4d606b6e074ec5d3baf39d18",
        "d0d1c8a799996bf0265b98b5d48ab919",
    ),
    (GCM_KEY, "cafebabefacedbaddecaf888", GCM_PT, "", GCM_CT, "b094dac5d93471bdec1a502270e3cc6c"),
    (
        GCM_KEY,
        "cafebabefacedbaddecaf888",
        GCM_PT[:120],
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        GCM_CT[:120],
        "76fc6ece0f4e1768cddf8853bb2d551b",
    ),
]


@pytest.mark.parametrize(
    ("key", "iv", "pt", "aad", "ct", "tag"), GCM_VECTORS, ids=["tc13", "tc14", "tc15", "tc16"]
)
def test_aes_256_gcm_spec_vectors(key: str, iv: str, pt: str, aad: str, ct: str, tag: str) -> None:
    envelope = encrypt_with_iv(H(key), H(iv), H(pt), H(aad) if aad else None)
    assert envelope == Envelope(ALGORITHM, H(iv), H(ct), H(tag))
    assert decrypt(H(key), Envelope(ALGORITHM, H(iv), H(ct), H(tag)), H(aad)) == H(pt)


# RFC 7748 section 6.1.
ALICE_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
ALICE_PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
BOB_PRIVATE = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
BOB_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"


def test_x25519_rfc7748_alice_and_bob() -> None:
    assert public_key_from_private(H(ALICE_PRIVATE)) == H(ALICE_PUBLIC)
    assert public_key_from_private(H(BOB_PRIVATE)) == H(BOB_PUBLIC)
    assert x25519(H(ALICE_PRIVATE), H(BOB_PUBLIC)) == H(SHARED)
    assert x25519(H(BOB_PRIVATE), H(ALICE_PUBLIC)) == H(SHARED)


# RFC 8032 section 7.1, TEST 1 and TEST 2 (Ed25519): the identity-key signatures.
ED25519_VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


@pytest.mark.parametrize(("seed", "public", "message", "signature"), ED25519_VECTORS)
def test_ed25519_rfc8032(seed: str, public: str, message: str, signature: str) -> None:
    assert identity_public(H(seed)) == H(public)
    assert sign(H(seed), H(message)) == H(signature)
    assert verify(H(public), H(message), H(signature))
    assert not verify(H(public), H(message) + b"x", H(signature))
