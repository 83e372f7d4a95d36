"""docs/crypto-vectors.json recomputed independently: raw primitives, a separate AAD encoder.

The first part never calls the library's constructions: each expected value in the file is
recomputed from its inputs with `cryptography`, hashlib and hmac directly. The last two tests
then check that the library produces and accepts the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import json
import struct
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from normogen_client.crypto import (
    CryptoError,
    Envelope,
    KdfParams,
    Party,
    link_fragment,
    link_keys,
    login_auth_key,
    open_grant,
    parse_link_fragment,
    recover_user_key,
    tag_token,
    unlock,
)

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[3] / "docs" / "crypto-vectors.json").read_text("utf-8")
)
H = bytes.fromhex


def b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def lp(raw: bytes) -> bytes:
    return struct.pack(">I", len(raw)) + raw


def field(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, int):
        return str(value).encode()
    if value is None:
        return b""
    if isinstance(value, list):
        return b"".join(lp(item.encode()) for item in value)
    return str(value).encode()


def aad(label: str, *fields: Any) -> bytes:
    return lp(label.encode()) + b"".join(lp(field(f)) for f in fields)


def hkdf(ikm: bytes, info: str, salt: bytes = b"") -> bytes:
    return HKDF(hashes.SHA256(), 32, salt or None, info.encode()).derive(ikm)


def pbkdf2(secret: bytes, salt: bytes, iterations: int) -> bytes:
    return PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(secret)


def gcm_open(key: bytes, envelope: dict[str, Any], ad: bytes) -> bytes:
    assert envelope["v"] == 2
    assert envelope["alg"] == "aes-256-gcm"
    sealed = b64(envelope["data"]) + b64(envelope["authTag"])
    return AESGCM(key).decrypt(b64(envelope["iv"]), sealed, ad)


def gcm_seal(key: bytes, iv: bytes, plaintext: bytes, ad: bytes) -> dict[str, Any]:
    sealed = AESGCM(key).encrypt(iv, plaintext, ad)
    return {
        "v": 2,
        "alg": "aes-256-gcm",
        "iv": base64.b64encode(iv).decode(),
        "data": base64.b64encode(sealed[:-16]).decode(),
        "authTag": base64.b64encode(sealed[-16:]).decode(),
    }


def x_public(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def ed_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def test_vector_file_names_contract_version_2() -> None:
    assert VECTORS["contract_version"] == 2


@pytest.mark.parametrize("case", VECTORS["pbkdf2_sha256"], ids=lambda c: str(c["iterations"]))
def test_pbkdf2_nfkc(case: dict[str, Any]) -> None:
    normalized = unicodedata.normalize("NFKC", case["password"]).encode()
    assert normalized == H(case["password_utf8_hex"])
    assert pbkdf2(normalized, H(case["salt_hex"]), case["iterations"]) == H(case["output_hex"])


def test_hkdf_labels() -> None:
    section = VECTORS["hkdf_sha256"]
    ikm = H(section["ikm_hex"])
    infos = [entry["info"] for entry in section["labels"]]
    assert len(set(infos)) == len(infos) >= 8
    for entry in section["labels"]:
        assert hkdf(ikm, entry["info"]) == H(entry["okm_hex"])
        # empty salt is the same as HashLen zero bytes (RFC 5869 section 2.2)
        assert hkdf(ikm, entry["info"], bytes(32)) == H(entry["okm_hex"])
    salted = section["with_salt"]
    assert hkdf(ikm, salted["info"], H(salted["salt_hex"])) == H(salted["okm_hex"])


@pytest.mark.parametrize("case", VECTORS["aad"], ids=lambda c: c["name"])
def test_aad_encoding(case: dict[str, Any]) -> None:
    fields = []
    for item in case["fields"]:
        ((kind, value),) = item.items()
        fields.append(sorted(value) if kind == "list" else value)
    assert aad(case["label"], *fields) == H(case["aad_hex"])


def test_aad_layout_by_hand() -> None:
    """One AAD spelled out byte by byte, so the length prefix is pinned, not just consistent."""
    case = next(c for c in VECTORS["aad"] if c["name"] == "user-key")
    user_id = case["fields"][0]["text"]
    expected = b"\x00\x00\x00\x14normogen/v2/user-key\x00\x00\x00\x20" + user_id.encode()
    assert H(case["aad_hex"]) == expected


@pytest.mark.parametrize("case", VECTORS["envelopes"])
def test_envelopes(case: dict[str, Any]) -> None:
    plaintext = (
        case["plaintext_utf8"].encode() if "plaintext_utf8" in case else H(case["plaintext_hex"])
    )
    key, iv, ad = H(case["key_hex"]), H(case["iv_hex"]), H(case["aad_hex"])
    assert gcm_seal(key, iv, plaintext, ad) == case["envelope"]
    assert gcm_open(key, case["envelope"], ad) == plaintext


def test_account() -> None:
    acc = VECTORS["account"]
    uid = acc["user_id"]
    master = pbkdf2(acc["password"].encode(), b64(acc["kdf"]["salt"]), acc["kdf"]["iterations"])
    assert master == H(acc["master_key_hex"])
    assert hkdf(master, "normogen/v2/auth-key") == H(acc["auth_key_hex"])
    wrap = hkdf(master, "normogen/v2/wrap-key")
    assert wrap == H(acc["wrap_key_hex"])
    user_key = gcm_open(wrap, acc["wrapped_user_key"], aad("normogen/v2/user-key", uid))
    assert user_key == H(acc["user_key_hex"])
    private = gcm_open(user_key, acc["wrapped_private_key"], aad("normogen/v2/private-key", uid))
    assert x_public(private) == H(acc["public_key_hex"])
    seed = gcm_open(user_key, acc["wrapped_identity_key"], aad("normogen/v2/identity-key", uid))
    assert ed_public(seed) == H(acc["identity_key_hex"])


def test_sealing() -> None:
    for case in VECTORS["sealing"]:
        eph = H(case["ephemeral_private_hex"])
        recipient_pub = H(case["recipient_public_hex"])
        assert x_public(H(case["recipient_private_hex"])) == recipient_pub
        epk = x_public(eph)
        assert epk == H(case["epk_hex"])
        shared = X25519PrivateKey.from_private_bytes(eph).exchange(
            X25519PublicKey.from_public_bytes(recipient_pub)
        )
        # the recipient computes the same secret from its side
        assert shared == X25519PrivateKey.from_private_bytes(
            H(case["recipient_private_hex"])
        ).exchange(X25519PublicKey.from_public_bytes(epk))
        assert shared == H(case["shared_secret_hex"])
        key = hkdf(shared, "normogen/v2/seal", epk + recipient_pub)
        assert key == H(case["seal_key_hex"])
        assert gcm_open(key, case["envelope"], H(case["aad_hex"])) == H(case["plaintext_hex"])


def test_ed25519() -> None:
    for case in VECTORS["ed25519"]:
        seed = H(case["seed_hex"])
        assert ed_public(seed) == H(case["public_hex"])
        signature = Ed25519PrivateKey.from_private_bytes(seed).sign(H(case["message_hex"]))
        assert signature == H(case["signature_hex"])  # RFC 8032 signatures are deterministic


def _fingerprint(user_id: str, identity_key: bytes, public_key: bytes) -> bytes:
    return hashlib.sha256(
        aad("normogen/v2/fingerprint", user_id, identity_key, public_key)
    ).digest()


def test_fingerprints_and_safety_number() -> None:
    for case in VECTORS["fingerprints"]:
        got = _fingerprint(case["user_id"], H(case["identity_key_hex"]), H(case["public_key_hex"]))
        assert got == H(case["fingerprint_hex"])
    for case in VECTORS["safety_numbers"]:
        a, b = H(case["fingerprint_a_hex"]), H(case["fingerprint_b_hex"])
        low, high = min(a, b), max(a, b)
        digest = hashlib.sha512(aad("normogen/v2/safety-number", low, high)).digest()
        groups = [int.from_bytes(digest[5 * i : 5 * i + 5], "big") % 100000 for i in range(12)]
        assert case["safety_number"] == " ".join(f"{g:05d}" for g in groups)
        assert len(case["safety_number"].replace(" ", "")) == 60


def test_key_grant() -> None:
    for case in VECTORS["key_grants"]:
        grant = case["grant"]
        signer, recipient = case["signer"], case["recipient"]
        assert set(grant) == {"v", "epk", "envelope", "signer_id", "signature"}
        assert grant["v"] == 2
        assert grant["signer_id"] == signer["user_id"]
        assert ed_public(H(signer["identity_seed_hex"])) == H(signer["identity_key_hex"])
        envelope = grant["envelope"]
        message = aad(
            "normogen/v2/key-grant",
            case["family_id"],
            case["family_epoch"],
            signer["user_id"],
            H(signer["identity_key_hex"]),
            recipient["user_id"],
            H(recipient["identity_key_hex"]),
            H(recipient["public_key_hex"]),
            b64(grant["epk"]),
            b64(envelope["iv"]),
            b64(envelope["data"]),
            b64(envelope["authTag"]),
        )
        assert message == H(case["signed_message_hex"])
        Ed25519PublicKey.from_public_bytes(H(signer["identity_key_hex"])).verify(
            b64(grant["signature"]), message
        )
        epk = b64(grant["epk"])
        assert epk == x_public(H(case["ephemeral_private_hex"]))
        shared = X25519PrivateKey.from_private_bytes(H(recipient["x25519_private_hex"])).exchange(
            X25519PublicKey.from_public_bytes(epk)
        )
        key = hkdf(shared, "normogen/v2/seal", epk + H(recipient["public_key_hex"]))
        ad = aad(
            "normogen/v2/family-key", case["family_id"], case["family_epoch"], recipient["user_id"]
        )
        assert gcm_open(key, envelope, ad) == H(case["family_key_hex"])


def test_tag_tokens() -> None:
    for case in VECTORS["tag_tokens"]:
        tag_key = hkdf(H(case["profile_key_hex"]), "normogen/v2/tag-key")
        assert tag_key == H(case["tag_key_hex"])
        name = unicodedata.normalize("NFC", case["name"]).strip().encode()
        assert name == H(case["normalized_utf8_hex"])
        digest = hmac.new(tag_key, name, hashlib.sha256).digest()
        assert case["token"] == base64.urlsafe_b64encode(digest).decode()[:22]


def test_records_and_profiles() -> None:
    for case in VECTORS["records"]:
        wire = case["wire"]
        ad = aad(
            "normogen/v2/record",
            wire["profile_id"],
            wire["id"],
            wire["kind"],
            wire["key_epoch"],
            wire["revision"],
            wire["occurred_at"],
            wire["source"],
            sorted(wire["tags"]),
        )
        assert ad == H(case["aad_hex"])
        plaintext = gcm_open(H(case["profile_key_hex"]), case["payload"], ad)
        assert plaintext == case["plaintext_utf8"].encode()
        assert set(json.loads(plaintext)) == {"data", "tags"}
    for case in VECTORS["profiles"]:
        pid = case["profile_id"]
        ad = aad("normogen/v2/profile-key", pid, case["key_epoch"], "user", case["owner_user_id"])
        key = gcm_open(H(case["user_key_hex"]), case["wrapped_key"], ad)
        assert key == H(case["profile_key_hex"])
        meta = gcm_open(key, case["encrypted"], aad("normogen/v2/profile-metadata", pid))
        assert meta == case["metadata_plaintext_utf8"].encode()
        assert "profile_type" in json.loads(meta)


def test_links() -> None:
    cases = VECTORS["links"]
    assert [c["password"] is None for c in cases] == [True, False]
    for case in cases:
        secret = H(case["secret_hex"])
        bare = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
        assert case["legacy_fragment"] == bare
        assert case["fragment"] == ("1p." if case["password"] is not None else "1n.") + bare
        ikm = secret
        if case["password"] is not None:
            salt = hkdf(secret, "normogen/v2/link-password-salt")
            assert salt == H(case["password_salt_hex"])
            assert case["iterations"] >= 600_000
            pw = pbkdf2(
                unicodedata.normalize("NFKC", case["password"]).encode(), salt, case["iterations"]
            )
            assert pw == H(case["password_key_hex"])
            ikm = secret + pw
            verifier = hkdf(ikm, "normogen/v2/link-verifier")
            assert b64(case["verifier_b64"]) == verifier
        else:
            assert case["verifier_b64"] is None
        content_key = hkdf(ikm, "normogen/v2/link-content-key")
        assert content_key == H(case["content_key_hex"])
        ad = aad("normogen/v2/link-payload", case["link_id"])
        assert ad == H(case["aad_hex"])
        assert gcm_open(content_key, case["payload"], ad) == case["plaintext_utf8"].encode()
    # the password changes the content key: the URL alone does not open a password link
    assert cases[0]["content_key_hex"] != cases[1]["content_key_hex"]


def _read_fragment(text: str) -> tuple[bytes, str] | None:
    """docs/crypto.md §8 read from scratch: `1p.`/`1n.` or nothing, then 43 canonical chars."""
    flags = {"1p.": "required", "1n.": "none"}
    password, body = "unknown", text
    if "." in text:
        head, body = text[:3], text[3:]
        if head not in flags:
            return None
        password = flags[head]
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    if len(body) != 43 or not set(body) <= alphabet:
        return None
    raw = base64.urlsafe_b64decode(body + "=")
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != body:
        return None
    return raw, password


def test_link_fragments() -> None:
    cases = VECTORS["link_fragments"]
    assert {c["password"] for c in cases} == {"required", "none", "unknown", None}
    for case in cases:
        read = _read_fragment(case["fragment"])
        if case["password"] is None:
            assert read is None, case["fragment"]
        else:
            assert read == (H(case["secret_hex"]), case["password"])


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def test_recovery_phrase() -> None:
    for case in VECTORS["recovery"]:
        symbols = "".join(
            {"O": "0", "I": "1", "L": "1"}.get(c, c) for c in case["typed"].upper() if c not in " -"
        )
        assert len(symbols) == 32
        assert set(symbols) <= set(CROCKFORD)
        body, check = symbols[:28], symbols[28:]
        bits = int.from_bytes(hashlib.sha256(body.encode()).digest()[:3], "big") >> 4
        assert check == "".join(CROCKFORD[(bits >> (15 - 5 * i)) & 31] for i in range(4))
        canonical = "-".join(symbols[i : i + 4] for i in range(0, 32, 4))
        assert canonical == case["canonical"]
        master = pbkdf2(canonical.encode(), b64(case["kdf"]["salt"]), case["kdf"]["iterations"])
        assert master == H(case["master_key_hex"])
        assert hkdf(master, "normogen/v2/recovery-auth-key") == H(case["recovery_auth_key_hex"])
        wrap = hkdf(master, "normogen/v2/recovery-wrap-key")
        assert wrap == H(case["recovery_wrap_key_hex"])
        ad = aad("normogen/v2/recovery-user-key", case["user_id"])
        assert gcm_open(wrap, case["recovery_wrapped_user_key"], ad) == H(case["user_key_hex"])


def test_the_library_reproduces_the_vector_file() -> None:
    """The committed file is what this library computes now (the generator, rerun)."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "make_crypto_vectors.py"
    spec = importlib.util.spec_from_file_location("make_crypto_vectors", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(json.dumps(module.build())) == VECTORS


def test_the_library_opens_every_vector() -> None:
    """And it accepts the wire objects: envelopes, grants, link payloads, recovery wraps."""
    acc = VECTORS["account"]
    kdf = KdfParams.from_json(acc["kdf"])
    _, wrap = login_auth_key(acc["password"], kdf)
    unlocked = unlock(
        acc["user_id"],
        wrap,
        Envelope.from_json(acc["wrapped_user_key"]),
        Envelope.from_json(acc["wrapped_private_key"]),
        Envelope.from_json(acc["wrapped_identity_key"]),
        public_key=H(acc["public_key_hex"]),
        identity_key=H(acc["identity_key_hex"]),
    )
    assert unlocked.user_key == H(acc["user_key_hex"])
    [case] = VECTORS["key_grants"]
    signer = Party(
        case["signer"]["user_id"],
        H(case["signer"]["identity_key_hex"]),
        x_public(H(acc["x25519_private_hex"])),
    )
    me = Party(
        case["recipient"]["user_id"],
        H(case["recipient"]["identity_key_hex"]),
        H(case["recipient"]["public_key_hex"]),
    )
    key = open_grant(
        case["grant"],
        family_id=case["family_id"],
        family_epoch=case["family_epoch"],
        me=me,
        private_key=H(case["recipient"]["x25519_private_hex"]),
        signer=signer,
    )
    assert key == H(case["family_key_hex"])
    for link in VECTORS["links"]:
        content_key, verifier = link_keys(H(link["secret_hex"]), link["password"])
        assert content_key == H(link["content_key_hex"])
        assert (verifier is None) == (link["verifier_b64"] is None)
        secret = H(link["secret_hex"])
        assert link_fragment(secret, link["password"] is not None) == link["fragment"]
    names = {"required": True, "none": False, "unknown": None}
    for case in VECTORS["link_fragments"]:
        if case["password"] is None:
            with pytest.raises(CryptoError):
                parse_link_fragment(case["fragment"])
        else:
            expected = (H(case["secret_hex"]), names[case["password"]])
            assert parse_link_fragment(case["fragment"]) == expected
            assert parse_link_fragment("#" + case["fragment"]) == expected
    [rec] = VECTORS["recovery"]
    user_key = recover_user_key(
        rec["user_id"],
        rec["typed"],
        KdfParams.from_json(rec["kdf"], min_iterations=1),
        Envelope.from_json(rec["recovery_wrapped_user_key"]),
    )
    assert user_key == H(rec["user_key_hex"])
    for tag in VECTORS["tag_tokens"]:
        assert tag_token(H(tag["profile_key_hex"]), tag["name"]) == tag["token"]
