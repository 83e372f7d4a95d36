"""Write docs/crypto-vectors.json: deterministic known answers for every contract v2 construction.

Run from the repository root: `.venv/bin/python clients/python/scripts/make_crypto_vectors.py`.
Every input is fixed here; clients/python/tests/test_crypto_contract_vectors.py recomputes the
outputs independently (with the primitives directly, not this library) and the web client
checks the same file.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from normogen_client.crypto import (
    LINK_PASSWORD_ITERATIONS,
    KdfParams,
    Party,
    contexts,
    derive_auth_and_wrap_keys,
    derive_master_key,
    encrypt_with_iv,
    fingerprint,
    hkdf_sha256,
    identity_public,
    key_to_fragment,
    link_fragment,
    make_grant,
    normalize_recovery_phrase,
    password_salt,
    pbkdf2_sha256,
    public_key_from_private,
    recovery_keys,
    safety_number,
    seal,
    sign,
    tag_key,
    tag_token,
    x25519,
)
from normogen_client.crypto.aead import json_bytes
from normogen_client.crypto.linkkeys import link_keys, password_key

_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
OUT = Path(__file__).resolve().parents[3] / "docs" / "crypto-vectors.json"


def fixed(label: str, size: int = 32) -> bytes:
    """A deterministic input: SHA-256 of a label, stretched if needed, cut to `size`."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"normogen vectors|{label}|{counter}".encode()).digest()
        counter += 1
    return out[:size]


def env(envelope: Any) -> dict[str, Any]:
    result: dict[str, Any] = envelope.to_json()
    return result


def build() -> dict[str, Any]:
    """Every vector, computed with this library from the fixed inputs."""
    vectors: dict[str, Any] = {
        "contract_version": 2,
        "about": (
            "Known answers for docs/crypto.md. Binary values are lowercase hex (fields ending "
            "in _hex); wire objects (envelopes, grants, fragments) are exactly as they travel. "
            "Plaintexts of JSON envelopes are given as their exact UTF-8 text."
        ),
    }

    # --- PBKDF2 and HKDF labels ------------------------------------------------------------
    vectors["pbkdf2_sha256"] = [
        {
            "password": pw,
            "password_utf8_hex": pw_bytes.hex(),
            "salt_hex": salt.hex(),
            "iterations": iterations,
            "length": 32,
            "output_hex": derive_master_key(pw, KdfParams("pbkdf2-sha256", iterations, salt)).hex(),
        }
        for pw, pw_bytes, salt, iterations in [
            (
                "correct horse battery staple",
                b"correct horse battery staple",
                fixed("salt-1", 16),
                600_000,
            ),
            # NFKC: the ligature "ﬁ" and full-width digits normalise before UTF-8 encoding.
            ("\ufb01sh \uff11\uff12\uff13", b"fish 123", fixed("salt-2", 16), 1000),
        ]
    ]
    ikm = fixed("hkdf-ikm")
    vectors["hkdf_sha256"] = {
        "note": "salt empty (equivalent to 32 zero bytes) unless salt_hex is given; length 32",
        "ikm_hex": ikm.hex(),
        "labels": [
            {"info": info, "okm_hex": hkdf_sha256(ikm, b"", info.encode(), 32).hex()}
            for info in [
                "normogen/v2/auth-key",
                "normogen/v2/wrap-key",
                "normogen/v2/recovery-auth-key",
                "normogen/v2/recovery-wrap-key",
                "normogen/v2/tag-key",
                "normogen/v2/link-content-key",
                "normogen/v2/link-verifier",
                "normogen/v2/link-password-salt",
            ]
        ],
        "with_salt": {
            "info": "normogen/v2/seal",
            "salt_hex": fixed("hkdf-salt", 64).hex(),
            "okm_hex": hkdf_sha256(ikm, fixed("hkdf-salt", 64), b"normogen/v2/seal", 32).hex(),
        },
    }

    # --- AAD encodings ----------------------------------------------------------------------
    profile_id = "6f1c3a52-8d4e-4b7a-9c2f-0e5d7a1b3c4d"
    record_id = "0b9e8d7c-6a5f-4e3d-8c2b-1a0f9e8d7c6b"
    family_id = "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7f"
    user_a = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    user_b = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    link_id = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3Jh"
    occurred = "2026-03-01T08:15:00.000Z"
    tokens = ["zzTokenLast___________", "AAtokenFirst__________"]
    aad_cases: list[tuple[str, bytes, list[Any]]] = [
        ("user-key", contexts.user_key_aad(user_a), [user_a]),
        ("recovery-user-key", contexts.recovery_user_key_aad(user_a), [user_a]),
        ("private-key", contexts.private_key_aad(user_a), [user_a]),
        ("identity-key", contexts.identity_key_aad(user_a), [user_a]),
        (
            "profile-key (user)",
            contexts.profile_key_aad_user(profile_id, 1, user_a),
            [profile_id, 1, "user", user_a],
        ),
        (
            "profile-key (family)",
            contexts.profile_key_aad_family(profile_id, 2, family_id, 3),
            [profile_id, 2, "family", family_id, 3],
        ),
        ("profile-key-history", contexts.profile_history_aad(profile_id, 2), [profile_id, 2]),
        ("profile-metadata", contexts.profile_metadata_aad(profile_id), [profile_id]),
        (
            "record",
            contexts.record_aad(
                profile_id, record_id, "medication", 1, 3, occurred, "manual", tokens
            ),
            [profile_id, record_id, "medication", 1, 3, occurred, "manual", sorted(tokens)],
        ),
        (
            "record (no source, no tags)",
            contexts.record_aad(profile_id, record_id, "note", 1, 1, occurred, None, []),
            [profile_id, record_id, "note", 1, 1, occurred, None, []],
        ),
        ("family-name", contexts.family_name_aad(family_id, 1), [family_id, 1]),
        ("family-key", contexts.family_key_aad(family_id, 1, user_b), [family_id, 1, user_b]),
        ("link-payload", contexts.link_payload_aad(link_id), [link_id]),
        ("link-label", contexts.link_label_aad(link_id, user_a), [link_id, user_a]),
        ("preferences", contexts.preferences_aad(user_a), [user_a]),
    ]
    vectors["aad"] = [
        {
            "name": name,
            "label": f"normogen/v2/{name.split(' ')[0]}",
            "fields": [_describe(f) for f in fields],
            "aad_hex": aad.hex(),
        }
        for name, aad, fields in aad_cases
    ]

    # --- envelopes ---------------------------------------------------------------------------
    key = fixed("envelope-key")
    iv = fixed("envelope-iv", 12)
    plaintext = json_bytes({"data": {"name": "Ramipril", "dose": 5, "unit": "mg"}, "tags": []})
    aad = contexts.record_aad(profile_id, record_id, "medication", 1, 1, occurred, "manual", [])
    vectors["envelopes"] = [
        {
            "key_hex": key.hex(),
            "iv_hex": iv.hex(),
            "aad_hex": aad.hex(),
            "plaintext_utf8": plaintext.decode(),
            "envelope": env(encrypt_with_iv(key, iv, plaintext, aad)),
        },
        {
            "key_hex": key.hex(),
            "iv_hex": fixed("envelope-iv-2", 12).hex(),
            "aad_hex": contexts.user_key_aad(user_a).hex(),
            "plaintext_hex": fixed("wrapped-32").hex(),
            "envelope": env(
                encrypt_with_iv(
                    key,
                    fixed("envelope-iv-2", 12),
                    fixed("wrapped-32"),
                    contexts.user_key_aad(user_a),
                )
            ),
        },
    ]

    # --- account -----------------------------------------------------------------------------
    password = "correct horse battery staple"  # noqa: S105  # a published test input
    kdf = KdfParams("pbkdf2-sha256", 600_000, fixed("salt-1", 16))
    master = derive_master_key(password, kdf)
    auth_key, wrap = derive_auth_and_wrap_keys(master, "password")
    user_key = fixed("user-key")
    x_priv = fixed("x25519-a")
    id_seed = fixed("ed25519-a")
    vectors["account"] = {
        "user_id": user_a,
        "password": password,
        "kdf": kdf.to_json(),
        "master_key_hex": master.hex(),
        "auth_key_hex": auth_key.hex(),
        "wrap_key_hex": wrap.hex(),
        "user_key_hex": user_key.hex(),
        "x25519_private_hex": x_priv.hex(),
        "public_key_hex": public_key_from_private(x_priv).hex(),
        "identity_seed_hex": id_seed.hex(),
        "identity_key_hex": identity_public(id_seed).hex(),
        "wrapped_user_key": env(
            encrypt_with_iv(wrap, fixed("iv-uk", 12), user_key, contexts.user_key_aad(user_a))
        ),
        "wrapped_private_key": env(
            encrypt_with_iv(user_key, fixed("iv-pk", 12), x_priv, contexts.private_key_aad(user_a))
        ),
        "wrapped_identity_key": env(
            encrypt_with_iv(
                user_key, fixed("iv-ik", 12), id_seed, contexts.identity_key_aad(user_a)
            )
        ),
    }

    # --- sealing -----------------------------------------------------------------------------
    recipient_priv = fixed("x25519-b")
    recipient_pub = public_key_from_private(recipient_priv)
    eph = fixed("x25519-ephemeral")
    seal_aad = contexts.family_key_aad(family_id, 1, user_b)
    family_key = fixed("family-key")
    epk, sealed = seal(recipient_pub, family_key, seal_aad, ephemeral=eph, iv=fixed("iv-seal", 12))
    shared = x25519(eph, recipient_pub)
    vectors["sealing"] = [
        {
            "recipient_private_hex": recipient_priv.hex(),
            "recipient_public_hex": recipient_pub.hex(),
            "ephemeral_private_hex": eph.hex(),
            "epk_hex": epk.hex(),
            "shared_secret_hex": shared.hex(),
            "seal_key_hex": hkdf_sha256(shared, epk + recipient_pub, b"normogen/v2/seal", 32).hex(),
            "aad_hex": seal_aad.hex(),
            "plaintext_hex": family_key.hex(),
            "envelope": env(sealed),
        }
    ]

    # --- Ed25519, fingerprints, safety numbers, grants ---------------------------------------
    id_seed_b = fixed("ed25519-b")
    party_a = Party(user_a, identity_public(id_seed), public_key_from_private(x_priv))
    party_b = Party(user_b, identity_public(id_seed_b), recipient_pub)
    message = b"normogen contract v2 signature vector"
    vectors["ed25519"] = [
        {
            "seed_hex": id_seed.hex(),
            "public_hex": identity_public(id_seed).hex(),
            "message_hex": message.hex(),
            "signature_hex": sign(id_seed, message).hex(),
        }
    ]
    fp_a = fingerprint(party_a.user_id, party_a.identity_key, party_a.public_key)
    fp_b = fingerprint(party_b.user_id, party_b.identity_key, party_b.public_key)
    vectors["fingerprints"] = [
        {
            "user_id": p.user_id,
            "identity_key_hex": p.identity_key.hex(),
            "public_key_hex": p.public_key.hex(),
            "fingerprint_hex": fp.hex(),
        }
        for p, fp in [(party_a, fp_a), (party_b, fp_b)]
    ]
    vectors["safety_numbers"] = [
        {
            "fingerprint_a_hex": fp_a.hex(),
            "fingerprint_b_hex": fp_b.hex(),
            "safety_number": safety_number(fp_a, fp_b),
        }
    ]
    grant = make_grant(
        family_id=family_id,
        family_epoch=1,
        key=family_key,
        signer_id=user_a,
        signer_seed=id_seed,
        recipient=party_b,
        ephemeral=eph,
        iv=fixed("iv-seal", 12),
    )
    vectors["key_grants"] = [
        {
            "family_id": family_id,
            "family_epoch": 1,
            "family_key_hex": family_key.hex(),
            "signer": {
                "user_id": user_a,
                "identity_seed_hex": id_seed.hex(),
                "identity_key_hex": party_a.identity_key.hex(),
            },
            "recipient": {
                "user_id": user_b,
                "identity_key_hex": party_b.identity_key.hex(),
                "public_key_hex": party_b.public_key.hex(),
                "x25519_private_hex": recipient_priv.hex(),
            },
            "ephemeral_private_hex": eph.hex(),
            "signed_message_hex": contexts.grant_message(
                family_id=family_id,
                family_epoch=1,
                signer_id=user_a,
                signer_identity_key=party_a.identity_key,
                recipient_id=user_b,
                recipient_identity_key=party_b.identity_key,
                recipient_public_key=party_b.public_key,
                epk=epk,
                iv=sealed.iv,
                data=sealed.data,
                auth_tag=sealed.auth_tag,
            ).hex(),
            "grant": grant,
        }
    ]

    # --- tags --------------------------------------------------------------------------------
    profile_key = fixed("profile-key")
    vectors["tag_tokens"] = [
        {
            "profile_key_hex": profile_key.hex(),
            "tag_key_hex": tag_key(profile_key).hex(),
            "name": name,
            "normalized_utf8_hex": expected.encode().hex(),
            "token": tag_token(profile_key, name),
        }
        for name, expected in [("blood pressure", "blood pressure"), ("  Cafe\u0301 ", "Caf\u00e9")]
    ]

    # --- records and profiles ------------------------------------------------------------------
    rec_plain = json_bytes(
        {"data": {"name": "Ramipril", "strength": 500, "unit": "mg"}, "tags": ["heart"]}
    )
    rec_tokens = [tag_token(profile_key, "heart")]
    rec_aad = contexts.record_aad(
        profile_id, record_id, "medication", 1, 2, occurred, "manual", rec_tokens
    )
    vectors["records"] = [
        {
            "profile_id": profile_id,
            "profile_key_hex": profile_key.hex(),
            "wire": {
                "id": record_id,
                "profile_id": profile_id,
                "kind": "medication",
                "key_epoch": 1,
                "revision": 2,
                "occurred_at": occurred,
                "source": "manual",
                "tags": rec_tokens,
            },
            "aad_hex": rec_aad.hex(),
            "plaintext_utf8": rec_plain.decode(),
            "payload": env(
                encrypt_with_iv(profile_key, fixed("iv-record", 12), rec_plain, rec_aad)
            ),
        }
    ]
    meta_plain = json_bytes({"profile_type": "child", "metadata": {"name": "Ada"}})
    vectors["profiles"] = [
        {
            "profile_id": profile_id,
            "owner_user_id": user_a,
            "user_key_hex": user_key.hex(),
            "profile_key_hex": profile_key.hex(),
            "key_epoch": 1,
            "wrapped_key": env(
                encrypt_with_iv(
                    user_key,
                    fixed("iv-profile-key", 12),
                    profile_key,
                    contexts.profile_key_aad_user(profile_id, 1, user_a),
                )
            ),
            "metadata_plaintext_utf8": meta_plain.decode(),
            "encrypted": env(
                encrypt_with_iv(
                    profile_key,
                    fixed("iv-profile-meta", 12),
                    meta_plain,
                    contexts.profile_metadata_aad(profile_id),
                )
            ),
        }
    ]

    # --- links -------------------------------------------------------------------------------
    secret = fixed("link-secret")
    link_content = json_bytes({"format": "normogen-share", "version": 2, "records": []})
    link_vectors = []
    for password_value in (None, "1234 blue"):
        content_key, verifier = link_keys(secret, password_value)
        entry: dict[str, Any] = {
            "link_id": link_id,
            "secret_hex": secret.hex(),
            "fragment": link_fragment(secret, password_value is not None),
            "legacy_fragment": key_to_fragment(secret),
            "password": password_value,
            "content_key_hex": content_key.hex(),
            "verifier_b64": None if verifier is None else _b64(verifier),
            "aad_hex": contexts.link_payload_aad(link_id).hex(),
            "plaintext_utf8": link_content.decode(),
            "payload": env(
                encrypt_with_iv(
                    content_key,
                    fixed("iv-link", 12),
                    link_content,
                    contexts.link_payload_aad(link_id),
                )
            ),
        }
        if password_value is not None:
            entry["iterations"] = LINK_PASSWORD_ITERATIONS
            entry["password_salt_hex"] = password_salt(secret).hex()
            entry["password_key_hex"] = password_key(secret, password_value).hex()
        link_vectors.append(entry)
    vectors["links"] = link_vectors
    # How an opener reads a fragment: the password flag, or "unknown" for a bare secret (links
    # made before the flag); everything else is a damaged link (null).
    bare = key_to_fragment(secret)
    vectors["link_fragments"] = [
        {"fragment": f"1p.{bare}", "secret_hex": secret.hex(), "password": "required"},
        {"fragment": f"1n.{bare}", "secret_hex": secret.hex(), "password": "none"},
        {"fragment": bare, "secret_hex": secret.hex(), "password": "unknown"},
        *(
            {"fragment": bad, "secret_hex": None, "password": None}
            for bad in (
                "",
                f"2p.{bare}",
                f"1x.{bare}",
                f"1P.{bare}",
                f"p.{bare}",
                f"1p{bare}",
                f".{bare}",
                f"1p.{bare[:-1]}",
                f"1p.{bare}A",
                f"1n.1p.{bare}",
                f"1p.{bare[:-1]}=",
                f"1p.{bare[:-1]}+",
                # the last character's two unused bits set: not the canonical encoding
                f"1n.{bare[:-1]}{_B64URL[_B64URL.index(bare[-1]) + 1]}",
            )
        ),
    ]

    # --- recovery ------------------------------------------------------------------------------
    typed = "0123-4567-89ab-cdef-ghjk-mnpq-rstv-"
    body = "0123456789ABCDEFGHJKMNPQRSTV"
    phrase = normalize_recovery_phrase(_with_checksum(body))
    rkdf = KdfParams("pbkdf2-sha256", 1000, fixed("salt-recovery", 16))
    r_auth, r_wrap = recovery_keys(phrase.lower().replace("-", " "), rkdf)
    vectors["recovery"] = [
        {
            "typed": phrase.lower().replace("-", " "),
            "canonical": phrase,
            "kdf": rkdf.to_json(),
            "master_key_hex": pbkdf2_sha256(phrase.encode(), rkdf.salt, 1000, 32).hex(),
            "recovery_auth_key_hex": r_auth.hex(),
            "recovery_wrap_key_hex": r_wrap.hex(),
            "user_id": user_a,
            "user_key_hex": user_key.hex(),
            "recovery_wrapped_user_key": env(
                encrypt_with_iv(
                    r_wrap,
                    fixed("iv-recovery", 12),
                    user_key,
                    contexts.recovery_user_key_aad(user_a),
                )
            ),
        }
    ]
    del typed
    return vectors


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")


def _with_checksum(body: str) -> str:
    from normogen_client.crypto.recovery import _checksum  # the checksum rule of the phrase

    return body + _checksum(body)


def _b64(raw: bytes) -> str:
    import base64

    return base64.b64encode(raw).decode()


def _describe(value: Any) -> dict[str, Any]:
    if isinstance(value, int):
        return {"int": value}
    if value is None:
        return {"none": None}
    if isinstance(value, list):
        return {"list": value}
    return {"text": value}


if __name__ == "__main__":
    main()
